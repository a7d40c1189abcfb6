import pytest
from django.urls import reverse

from audit.models import AuditEntry
from portal_settings.models import PortalSettings
from portal_settings.sections import KEYS, SECTIONS
from portal_settings.targets import Target
from tests.factories import ClientFactory, ClientGroupFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def form_data(page_response, **overrides):
    """What the browser would post: the shown version and each row's selected choice, then
    overrides (a section key and the choice, "full", "view", "off" or "inherit"; None leaves
    the field out)."""
    context = page_response.context
    data = {"version": context["version"]}
    for row in context["rows"]:
        (selected,) = [choice["value"] for choice in row["choices"] if choice["selected"]]
        data[row["section"].field_name] = selected
    for key, value in overrides.items():
        name = f"section-{key}" if key in KEYS else key
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def url(client):
    return reverse("portal_settings:client", args=[client.pk])


def test_page_lists_every_section_with_its_choices_and_source(provider_http, client_record, group):
    client_record.group = group
    client_record.save()
    PortalSettings.objects.create(group=group, values={"billing": "off"})
    response = provider_http.get(url(client_record))
    body = response.content.decode()
    assert response.status_code == 200
    for section in SECTIONS:
        assert section.label in body
    rows = {row["section"].key: row for row in response.context["rows"]}
    assert rows["billing"]["resolution"].access == "off"
    assert rows["billing"]["resolution"].label == "Inherited from Teens: Off"
    assert rows["goals"]["resolution"].label == "Inherited from practice: Full"
    assert "Inherited from Teens: Off" in body
    # One radio group per row, in a fieldset whose legend is the section's label: the inherited
    # value first (selected, as nothing is set for the client), then the section's levels.
    assert '<legend class="setting-label">View and pay bills</legend>' in body
    assert 'name="section-billing" value="inherit" checked> Inherited (Off, from Teens)' in body
    assert 'name="section-goals" value="inherit" checked> Inherited (Full, from practice)' in body
    assert [c["value"] for c in rows["billing"]["choices"]] == ["inherit", "full", "view", "off"]
    # View care plans has no actions: Full or Off only.
    assert [c["value"] for c in rows["care_plans"]["choices"]] == ["inherit", "full", "off"]
    assert 'name="section-care_plans" value="view"' not in body
    assert 'name="section-billing" value="view"' in body
    assert "SAVE" in body


def test_choosing_view_only_and_saving_without_javascript(provider_http, client_record):
    page = provider_http.get(url(client_record))
    response = provider_http.post(
        url(client_record), form_data(page, billing="view", note="Parent asked")
    )
    assert response.status_code == 302
    assert response.url == url(client_record)
    after = provider_http.get(response.url)
    body = after.content.decode()
    assert "Saved. View and pay bills: Full → View only." in body
    assert PortalSettings.objects.get(client=client_record).values == {"billing": "view"}
    rows = {row["section"].key: row for row in after.context["rows"]}
    assert rows["billing"]["resolution"].label == "Set for this client: View only"
    assert 'name="section-billing" value="view" checked' in body
    assert "Parent asked" in body  # in the History panel
    assert "Inherited from practice: Full → Set for this client: View only" in body


def test_saving_through_htmx_swaps_the_panel_with_a_confirmation(provider_http, client_record):
    page = provider_http.get(url(client_record))
    response = provider_http.post(
        url(client_record),
        form_data(page, billing="off"),
        headers={"HX-Request": "true", "HX-Target": "settings-panel"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="settings-panel"')
    assert "<html" not in body
    assert "Saved. View and pay bills: Full → Off." in body
    new_version = Target.of(client_record).reload().version_token()
    assert new_version != page.context["version"]
    assert f'name="version" value="{new_version}"' in body
    assert "Inherited from practice: Full → Set for this client: Off" in body


def test_choosing_inherited_removes_the_clients_own_setting(provider_http, client_record, group):
    client_record.group = group
    client_record.save()
    PortalSettings.objects.create(group=group, values={"goals": "view"})
    PortalSettings.objects.create(client=client_record, values={"goals": "full"})
    page = provider_http.get(url(client_record))
    body = page.content.decode()
    assert 'name="section-goals" value="full" checked' in body
    assert 'value="inherit" > Inherited (View only, from Teens)</label>' in body
    response = provider_http.post(url(client_record), form_data(page, goals="inherit"))
    assert response.status_code == 302
    assert PortalSettings.objects.get(client=client_record).values == {}
    after = provider_http.get(url(client_record))
    rows = {row["section"].key: row for row in after.context["rows"]}
    assert rows["goals"]["resolution"].access == "view"
    assert 'name="section-goals" value="inherit" checked' in after.content.decode()
    assert "View and create goals: Full → inherited again (View only)" in after.content.decode()


def test_saving_without_changes_says_so_and_writes_nothing(provider_http, client_record):
    page = provider_http.get(url(client_record))
    response = provider_http.post(url(client_record), form_data(page), follow=True)
    assert "Nothing changed" in response.content.decode()
    assert not PortalSettings.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_stale_form_is_refused_with_a_message_and_nothing_saved(
    provider_http, admin_http, client_record
):
    mine = provider_http.get(url(client_record))
    theirs = admin_http.get(url(client_record))
    admin_http.post(url(client_record), form_data(theirs, goals="off", reason="not_relevant"))
    response = provider_http.post(url(client_record), form_data(mine, billing="off"))
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert PortalSettings.objects.get(client=client_record).values == {"goals": "off"}
    assert AuditEntry.objects.count() == 1
    # The page now shows the current settings and version, so saving again works.
    assert response.context["version"] == Target.of(client_record).reload().version_token()


@pytest.mark.parametrize(
    "overrides",
    [
        {"section-teleport": "full"},
        {"section-billing": "maybe"},
        {"section-billing": "on"},
        {"section-care_plans": "view"},
        {"use_default": "goals"},
        {"organization": "2"},
        {"version": None},
        {"note": "x" * 501},
    ],
    ids=[
        "unknown-section",
        "not-a-level",
        "old-checkbox-value",
        "level-the-section-does-not-offer",
        "old-reset-field",
        "unexpected-field",
        "no-version",
        "long-note",
    ],
)
def test_bad_input_is_a_400_and_nothing_is_written(provider_http, client_record, overrides):
    page = provider_http.get(url(client_record))
    data = form_data(page, goals="off", reason="not_relevant")
    for name, value in overrides.items():
        if value is None:
            data.pop(name)
        else:
            data[name] = value
    response = provider_http.post(url(client_record), data)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    if "section-care_plans" in overrides:
        assert "“View care plans” must be Full, Off or Inherited" in response.content.decode()
    assert not PortalSettings.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_value_sent_twice_is_refused(provider_http, client_record):
    page = provider_http.get(url(client_record))
    data = form_data(page)
    data["section-billing"] = ["full", "off"]
    assert provider_http.post(url(client_record), data).status_code == 400


def test_a_scripted_post_of_one_row_changes_only_that_row(provider_http, client_record):
    """A row that posts nothing is left as it is (not read as Off, as a checkbox was)."""
    PortalSettings.objects.create(client=client_record, values={"goals": "view"})
    version = provider_http.get(url(client_record)).context["version"]
    provider_http.post(url(client_record), {"version": version, "section-billing": " OFF "})
    assert PortalSettings.objects.get(client=client_record).values == {
        "goals": "view",
        "billing": "off",
    }


@pytest.mark.parametrize("name", ["client", "group"])
def test_another_practices_target_is_a_404_and_nothing_is_written(
    provider_http, other_organization, name
):
    target = (
        ClientFactory(organization=other_organization)
        if name == "client"
        else ClientGroupFactory(organization=other_organization)
    )
    path = reverse(f"portal_settings:{name}", args=[target.pk])
    assert provider_http.get(path).status_code == 404
    assert provider_http.post(path, {"version": "o0", "section-billing": "off"}).status_code == 404
    assert not PortalSettings.objects.exists()


def test_practice_defaults_are_read_only_for_providers(provider_http):
    path = reverse("portal_settings:organization")
    page = provider_http.get(path)
    body = page.content.decode()
    assert page.status_code == 200
    assert "<fieldset disabled>" in body
    assert "SAVE" not in body
    response = provider_http.post(path, form_data(page, billing="off"))
    assert response.status_code == 403
    assert not PortalSettings.objects.exists()


def test_practice_admin_changes_the_defaults(admin_http, organization, client_record):
    path = reverse("portal_settings:organization")
    page = admin_http.get(path)
    rows = {row["section"].key: row for row in page.context["rows"]}
    assert rows["billing"]["resolution"].label == "Inherited from built-in default: Full"
    assert 'value="inherit" checked> Inherited (Full, from built-in default)' in (
        page.content.decode()
    )
    admin_http.post(path, form_data(page, billing="view"))
    assert PortalSettings.objects.get(organization=organization).values == {"billing": "view"}
    client_page = admin_http.get(url(client_record))
    rows = {row["section"].key: row for row in client_page.context["rows"]}
    assert (rows["billing"]["resolution"].access, rows["billing"]["resolution"].label) == (
        "view",
        "Inherited from practice: View only",
    )
    client_http = signed_in(client_record.user)
    assert client_http.get(reverse("portal:billing")).status_code == 200
    assert client_http.post(reverse("portal:billing-invoice", args=[1])).status_code == 403


def test_group_page_is_reached_from_the_group_and_saves(provider_http, group):
    group_page = provider_http.get(
        reverse("clients:group-detail", args=[group.pk])
    ).content.decode()
    path = reverse("portal_settings:group", args=[group.pk])
    assert path in group_page
    page = provider_http.get(path)
    assert "Group: Teens" in page.content.decode()
    assert "Inherited from practice: Full" in page.content.decode()
    provider_http.post(path, form_data(page, documents="off", reason="not_relevant"))
    assert PortalSettings.objects.get(group=group).values == {"documents": "off"}
    entry = AuditEntry.objects.get()
    assert (entry.level, entry.group, entry.client) == ("group", group, None)


def test_history_is_newest_first_and_includes_archive_and_login_changes(
    provider_http, client_record
):
    page = provider_http.get(url(client_record))
    provider_http.post(url(client_record), form_data(page, billing="off", note="first"))
    provider_http.post(reverse("clients:portal-login", args=[client_record.pk]), {"allowed": "off"})
    provider_http.post(reverse("clients:archive", args=[client_record.pk]))
    history = list(provider_http.get(url(client_record)).context["history"])
    assert [e.action for e in history] == [
        AuditEntry.Action.CLIENT_ARCHIVED,
        AuditEntry.Action.PORTAL_LOGIN_CHANGED,
        AuditEntry.Action.SETTING_CHANGED,
    ]


def test_history_pages_through_htmx(provider_http, client_record):
    from audit.services import audit_record

    for n in range(25):
        audit_record(
            actor=None,
            organization=client_record.organization,
            action=AuditEntry.Action.SETTING_CHANGED,
            client=client_record,
            section="billing",
            old_value="on",
            new_value="off",
            note=f"n{n}",
        )
    response = provider_http.get(
        url(client_record),
        {"history": 2},
        headers={"HX-Request": "true", "HX-Target": "settings-history"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="settings-history"')
    assert "n4" in body and "n24" not in body


def test_csrf_is_required(client_record, provider):
    http = signed_in(provider, enforce_csrf_checks=True)
    response = http.post(url(client_record), {"version": "o0.g-.c0"})
    assert response.status_code == 403
    assert not PortalSettings.objects.exists()


def test_settings_page_query_count(
    provider_http, client_record, group, django_assert_max_num_queries
):
    client_record.group = group
    client_record.save()
    for _ in range(30):
        AuditEntry.objects.create(
            organization=client_record.organization,
            actor_label="x",
            action="setting_changed",
            level="client",
            client=client_record,
            section="billing",
            old_value="on",
            new_value="off",
        )
    # session, user, membership with practice, client with settings, the client's family
    # members (a settings tab each), history count, history page, the practice's presets
    with django_assert_max_num_queries(8):
        assert provider_http.get(url(client_record)).status_code == 200

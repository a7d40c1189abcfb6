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
    """What the browser would post: the shown version and every checked box, then overrides."""
    context = page_response.context
    data = {"version": context["version"]}
    for row in context["rows"]:
        if row["resolution"].enabled:
            data[row["section"].field_name] = "on"
    for key, value in overrides.items():
        name = f"section-{key}" if key in KEYS else key
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def url(client):
    return reverse("portal_settings:client", args=[client.pk])


def test_page_lists_every_section_checked_with_its_source(provider_http, client_record, group):
    client_record.group = group
    client_record.save()
    PortalSettings.objects.create(group=group, values={"billing": False})
    response = provider_http.get(url(client_record))
    body = response.content.decode()
    assert response.status_code == 200
    for section in SECTIONS:
        assert section.label in body
    rows = {row["section"].key: row for row in response.context["rows"]}
    assert rows["billing"]["resolution"].enabled is False
    assert rows["billing"]["resolution"].label == "Inherited from Teens: Off"
    assert rows["goals"]["resolution"].label == "Inherited from practice: On"
    assert "Inherited from Teens: Off" in body
    assert 'name="section-goals" value="on" checked' in body
    assert 'name="section-billing" value="on" checked' not in body
    assert "SAVE" in body


def test_unchecking_and_saving_without_javascript(provider_http, client_record):
    page = provider_http.get(url(client_record))
    response = provider_http.post(
        url(client_record), form_data(page, billing=None, note="Parent asked")
    )
    assert response.status_code == 302
    assert response.url == url(client_record)
    after = provider_http.get(response.url)
    body = after.content.decode()
    assert "Saved. View and pay bills is now not allowed." in body
    assert PortalSettings.objects.get(client=client_record).values == {"billing": False}
    rows = {row["section"].key: row for row in after.context["rows"]}
    assert rows["billing"]["resolution"].label == "Set for this client: Off"
    assert "Parent asked" in body  # in the History panel


def test_saving_through_htmx_swaps_the_panel_with_a_confirmation(provider_http, client_record):
    page = provider_http.get(url(client_record))
    response = provider_http.post(
        url(client_record),
        form_data(page, billing=None),
        headers={"HX-Request": "true", "HX-Target": "settings-panel"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="settings-panel"')
    assert "<html" not in body
    assert "Saved. View and pay bills is now not allowed." in body
    new_version = Target.of(client_record).reload().version_token()
    assert new_version != page.context["version"]
    assert f'name="version" value="{new_version}"' in body
    assert "Inherited from practice: On → Set for this client: Off" in body


def test_use_default_removes_the_clients_own_setting(provider_http, client_record, group):
    client_record.group = group
    client_record.save()
    PortalSettings.objects.create(group=group, values={"goals": False})
    PortalSettings.objects.create(client=client_record, values={"goals": True})
    page = provider_http.get(url(client_record))
    assert 'name="use_default" value="goals"' in page.content.decode()
    assert "(Inherited from Teens: Off)" in page.content.decode()
    provider_http.post(url(client_record), form_data(page, use_default="goals"))
    assert PortalSettings.objects.get(client=client_record).values == {}
    after = provider_http.get(url(client_record))
    rows = {row["section"].key: row for row in after.context["rows"]}
    assert rows["goals"]["resolution"].enabled is False
    assert 'value="goals"' not in after.content.decode().split("use_default")[-1][:20]


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
    admin_http.post(url(client_record), form_data(theirs, goals=None))
    response = provider_http.post(url(client_record), form_data(mine, billing=None))
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert PortalSettings.objects.get(client=client_record).values == {"goals": False}
    assert AuditEntry.objects.count() == 1
    # The page now shows the current settings and version, so saving again works.
    assert response.context["version"] == Target.of(client_record).reload().version_token()


@pytest.mark.parametrize(
    "overrides",
    [
        {"section-teleport": "on"},
        {"section-billing": "maybe"},
        {"use_default": "teleport"},
        {"organization": "2"},
        {"version": None},
        {"note": "x" * 501},
    ],
    ids=[
        "unknown-section",
        "not-a-boolean",
        "unknown-reset",
        "unexpected-field",
        "no-version",
        "long-note",
    ],
)
def test_bad_input_is_a_400_and_nothing_is_written(provider_http, client_record, overrides):
    page = provider_http.get(url(client_record))
    data = form_data(page, goals=None)
    for name, value in overrides.items():
        if value is None:
            data.pop(name)
        else:
            data[name] = value
    response = provider_http.post(url(client_record), data)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert not PortalSettings.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_value_sent_twice_is_refused(provider_http, client_record):
    page = provider_http.get(url(client_record))
    data = form_data(page)
    data["section-billing"] = ["on", "off"]
    assert provider_http.post(url(client_record), data).status_code == 400


def test_scripted_true_false_values_are_accepted(provider_http, client_record):
    page = provider_http.get(url(client_record))
    data = form_data(page, billing="false", goals="true")
    provider_http.post(url(client_record), data)
    assert PortalSettings.objects.get(client=client_record).values == {"billing": False}


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
    assert provider_http.post(path, {"version": "o0", "section-billing": "on"}).status_code == 404
    assert not PortalSettings.objects.exists()


def test_practice_defaults_are_read_only_for_providers(provider_http):
    path = reverse("portal_settings:organization")
    page = provider_http.get(path)
    body = page.content.decode()
    assert page.status_code == 200
    assert "<fieldset disabled>" in body
    assert "SAVE" not in body
    response = provider_http.post(path, form_data(page, billing=None))
    assert response.status_code == 403
    assert not PortalSettings.objects.exists()


def test_practice_admin_changes_the_defaults(admin_http, organization, client_record):
    path = reverse("portal_settings:organization")
    page = admin_http.get(path)
    rows = {row["section"].key: row for row in page.context["rows"]}
    assert rows["billing"]["resolution"].label == "Inherited from built-in default: On"
    admin_http.post(path, form_data(page, billing=None))
    assert PortalSettings.objects.get(organization=organization).values == {"billing": False}
    client_page = admin_http.get(url(client_record))
    rows = {row["section"].key: row for row in client_page.context["rows"]}
    assert (rows["billing"]["resolution"].enabled, rows["billing"]["resolution"].label) == (
        False,
        "Inherited from practice: Off",
    )
    assert signed_in(client_record.user).get(reverse("portal:billing")).status_code == 403


def test_group_page_is_reached_from_the_group_and_saves(provider_http, group):
    group_page = provider_http.get(
        reverse("clients:group-detail", args=[group.pk])
    ).content.decode()
    path = reverse("portal_settings:group", args=[group.pk])
    assert path in group_page
    page = provider_http.get(path)
    assert "Group: Teens" in page.content.decode()
    assert "Inherited from practice: On" in page.content.decode()
    provider_http.post(path, form_data(page, documents=None))
    assert PortalSettings.objects.get(group=group).values == {"documents": False}
    entry = AuditEntry.objects.get()
    assert (entry.level, entry.group, entry.client) == ("group", group, None)


def test_history_is_newest_first_and_includes_archive_and_login_changes(
    provider_http, client_record
):
    page = provider_http.get(url(client_record))
    provider_http.post(url(client_record), form_data(page, billing=None, note="first"))
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
    # session, user, membership with practice, client with settings, history count, history page
    with django_assert_max_num_queries(6):
        assert provider_http.get(url(client_record)).status_code == 200

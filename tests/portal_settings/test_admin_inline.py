"""The portal settings block of the Django admin (group and practice pages): the same rules
and words as the settings pages."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from clients.models import ClientGroup
from portal_settings.models import Level, PortalSettings
from portal_settings.services import portal_settings_update
from portal_settings.targets import Target
from tests.factories import UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

STALE_WORDS = "These settings were changed by someone else since you opened this page"


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def _settings_formset(page):
    return next(
        f for f in page.context["inline_admin_formsets"] if f.formset.model is PortalSettings
    )


def _group_post(page, group, **fields):
    """The group's admin form as shown, with `fields` set in the settings block."""
    formset = _settings_formset(page).formset
    prefix = formset.prefix
    form = formset.forms[0]
    data = {
        "name": group.name,
        "description": group.description,
        "organization": group.organization_id,
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1" if form.instance.pk else "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1",
        f"{prefix}-0-shown_version": form.fields["shown_version"].initial,
        "clients-TOTAL_FORMS": "0",
        "clients-INITIAL_FORMS": "0",
        "clients-MIN_NUM_FORMS": "0",
        "clients-MAX_NUM_FORMS": "1000",
    }
    if form.instance.pk:
        data[f"{prefix}-0-id"] = form.instance.pk
        data[f"{prefix}-0-group"] = group.pk
    for name, value in fields.items():
        data[f"{prefix}-0-{name}"] = value
    return data


@pytest.mark.parametrize("row_when_opened", [False, True])
def test_a_stale_settings_block_saves_nothing_and_says_so_in_the_products_words(
    superuser, group, row_when_opened
):
    if row_when_opened:
        PortalSettings.objects.create(group=group, values={"goals": "view"}, version=1)
    http = signed_in(superuser)
    url = reverse("admin:clients_clientgroup_change", args=[group.pk])
    page = http.get(url)
    # Someone else saves the group's settings after the admin page was opened.
    portal_settings_update(
        actor=superuser,
        target=Target(Level.GROUP, group).reload(),
        changes={"billing": "off"},
        shown_version=Target(Level.GROUP, group).reload().version_token(),
    )
    data = _group_post(page, group, **{"section-billing": "view"})
    data["name"] = "Renamed teens"
    response = http.post(url, data)
    assert response.status_code == 200
    assert STALE_WORDS in response.content.decode()
    assert PortalSettings.objects.get(group=group).values == (
        {"goals": "view", "billing": "off"} if row_when_opened else {"billing": "off"}
    )
    # The rest of the form is not saved either: the whole save is refused.
    assert ClientGroup.objects.get(pk=group.pk).name == group.name
    assert AuditEntry.objects.count() == 1


def test_an_impossible_level_is_refused_in_the_products_words(superuser, group):
    http = signed_in(superuser)
    url = reverse("admin:clients_clientgroup_change", args=[group.pk])
    page = http.get(url)
    data = _group_post(page, group, **{"section-care_plans": "view"})
    data["name"] = "Renamed teens"
    response = http.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "“View care plans” can be Full, Off or inherited" in body
    assert "Select a valid choice" not in body
    assert not PortalSettings.objects.filter(group=group).exists()
    assert ClientGroup.objects.get(pk=group.pk).name == group.name
    assert not AuditEntry.objects.exists()


def test_settings_refused_at_save_time_undo_the_whole_admin_form(superuser, group, monkeypatch):
    """Someone else's SAVE between the form's check and its save: the service refuses, and the
    group's own fields, saved a moment before in the same transaction, are rolled back."""
    http = signed_in(superuser)
    url = reverse("admin:clients_clientgroup_change", args=[group.pk])
    page = http.get(url)
    portal_settings_update(
        actor=superuser,
        target=Target(Level.GROUP, group).reload(),
        changes={"billing": "off"},
        shown_version=Target(Level.GROUP, group).reload().version_token(),
    )
    monkeypatch.setattr(
        "portal_settings.admin_inlines.portal_settings_update_check", lambda **kwargs: []
    )
    data = _group_post(page, group, **{"section-billing": "view"})
    data["name"] = "Renamed teens"
    response = http.post(url, data, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert STALE_WORDS in response.content.decode()
    assert ClientGroup.objects.get(pk=group.pk).name == group.name
    assert PortalSettings.objects.get(group=group).values == {"billing": "off"}
    assert AuditEntry.objects.count() == 1


def test_the_family_column_saves_through_the_service_with_its_audit_entry(superuser, group):
    http = signed_in(superuser)
    url = reverse("admin:clients_clientgroup_change", args=[group.pk])
    page = http.get(url)
    assert 'name="portal_settings-0-family-section-billing"' in page.content.decode()
    form = _settings_formset(page).formset.forms[0]
    assert form.fields["family-section-journal"].choices[0] == (
        "",
        "Inherited (Off, from practice)",
    )
    data = _group_post(
        page, group, **{"section-billing": "view", "family-section-billing": "off", "note": "n"}
    )
    response = http.post(url, data, follow=True)
    assert "For their family members: Saved. View and pay bills: Full → Off" in (
        response.content.decode()
    )
    row = PortalSettings.objects.get(group=group)
    assert (row.values, row.family_values) == ({"billing": "view"}, {"billing": "off"})
    entries = AuditEntry.objects.order_by("pk")
    assert [(e.audience, e.section, e.new_value, e.note) for e in entries] == [
        ("", "billing", "view", "n"),
        ("family", "billing", "off", "n"),
    ]


def test_a_stale_family_column_saves_nothing(superuser, group):
    http = signed_in(superuser)
    url = reverse("admin:clients_clientgroup_change", args=[group.pk])
    page = http.get(url)
    family = Target(Level.GROUP, group, "family")
    portal_settings_update(
        actor=superuser,
        target=family.reload(),
        changes={"goals": "off"},
        shown_version=family.reload().version_token(),
    )
    response = http.post(url, _group_post(page, group, **{"family-section-billing": "off"}))
    assert response.status_code == 200
    assert STALE_WORDS in response.content.decode()
    assert PortalSettings.objects.get(group=group).family_values == {"goals": "off"}
    assert AuditEntry.objects.count() == 1


def test_an_impossible_family_level_is_refused_in_the_products_words(superuser, organization):
    http = signed_in(superuser)
    url = reverse("admin:clients_organization_change", args=[organization.pk])
    page = http.get(url)
    formset = _settings_formset(page).formset
    prefix = formset.prefix
    main = page.context["adminform"].form
    data = {
        **{name: main[name].value() for name in main.fields if main[name].value() is not None},
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1",
        f"{prefix}-0-shown_version": formset.forms[0].fields["shown_version"].initial,
        f"{prefix}-0-family-section-care_plans": "view",
    }
    response = http.post(url, data)
    assert response.status_code == 200
    assert "“View care plans” can be Full, Off or inherited" in response.content.decode()
    assert not PortalSettings.objects.exists()


def test_a_crafted_reason_is_refused_in_the_products_words(superuser, group):
    http = signed_in(superuser)
    url = reverse("admin:clients_clientgroup_change", args=[group.pk])
    page = http.get(url)
    data = _group_post(page, group, **{"section-goals": "off", "reason": "because"})
    body = http.post(url, data).content.decode()
    assert (
        "Turning off “View and create goals” hides the client&#x27;s own records from them" in body
    )
    assert "Select a valid choice" not in body
    assert not PortalSettings.objects.filter(group=group).exists()


@pytest.mark.parametrize("saved_before", [False, True])
def test_the_settings_block_is_headed_once_not_again_with_its_own_name(
    superuser, group, organization, saved_before
):
    import re

    if saved_before:
        PortalSettings.objects.create(group=group, values={"billing": "off"})
        PortalSettings.objects.create(organization=organization, values={"goals": "off"})
    http = signed_in(superuser)
    for url in (
        reverse("admin:clients_clientgroup_change", args=[group.pk]),
        reverse("admin:clients_organization_change", args=[organization.pk]),
    ):
        page = http.get(url).content.decode()
        headings = [
            re.sub(r"<[^>]+>|\s+", " ", heading).strip()
            for heading in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", page, flags=re.S)
        ]
        assert headings.count("Client Portal Settings") == 1, headings
        # Not "Client Portal Settings: Portal settings of Teens" (or "…: #1") under it.
        assert not [h for h in headings if h.startswith("Client Portal Settings:")], headings

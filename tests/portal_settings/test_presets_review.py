"""A preset changed after the provider saw what it sets: nothing they did not see is applied."""

import html

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from portal_settings.models import PortalSettings
from portal_settings.services import preset_save
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

URL = reverse("clients:bulk")
MINOR = {"billing": "off", "packages": "off", "appointments": "view"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def own(client) -> dict:
    row = PortalSettings.objects.filter(client=client).first()
    return row.values if row else {}


@pytest.fixture
def minor(practice_admin, organization):
    return preset_save(actor=practice_admin, organization=organization, name="Minor", values=MINOR)


def test_a_preset_edited_between_review_and_confirm_changes_nobody(
    provider_http, practice_admin, organization, minor
):
    clients = [ClientFactory(organization=organization) for _ in range(2)]
    data = {"client": [c.pk for c in clients], "action": "preset", "preset": minor.pk}
    review = provider_http.post(URL, data)
    assert "Schedule appointments: Full → View only for 2 clients" in text(review)
    # An admin edits the preset while the provider reads the review.
    preset_save(
        actor=practice_admin,
        organization=organization,
        name="Minor",
        values={"billing": "off", "appointments": "off", "packages": "off"},
        preset=minor,
        shown_version=minor.version_token(),
    )
    response = provider_http.post(
        URL, {**data, "confirm": "1", "fingerprint": review.context["fingerprint"]}
    )
    assert response.status_code == 409
    page = text(response)
    assert "the preset or the clients matching this search changed" in page
    assert "Schedule appointments: Full → Off for 2 clients" in page  # what it sets now
    assert [own(c) for c in clients] == [{}, {}]
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SETTING_CHANGED).exists()


def test_a_preset_edited_after_the_settings_page_was_shown_is_not_applied(
    provider_http, practice_admin, organization, client_record, minor
):
    from portal_settings.targets import Target

    url = reverse("portal_settings:client", args=[client_record.pk])
    page = provider_http.get(url)
    shown = page.context["version"]
    levels = html.unescape(page.content.decode()).split(f'name="levels-{minor.pk}" value="')[1]
    levels = levels.split('"')[0]
    preset_save(
        actor=practice_admin,
        organization=organization,
        name="Minor",
        values={"billing": "off", "appointments": "off", "packages": "off"},
        preset=minor,
        shown_version=minor.version_token(),
    )
    response = provider_http.post(
        reverse("portal_settings:client-preset", args=[client_record.pk]),
        {"preset": minor.pk, "version": shown, f"levels-{minor.pk}": levels},
    )
    assert "was changed since you opened this page" in text(provider_http.get(response.url))
    assert Target.of(client_record).reload().own_values() == {}
    # What the page shows now applies.
    page = provider_http.get(url)
    levels = html.unescape(page.content.decode()).split(f'name="levels-{minor.pk}" value="')[1]
    provider_http.post(
        reverse("portal_settings:client-preset", args=[client_record.pk]),
        {"preset": minor.pk, "version": shown, f"levels-{minor.pk}": levels.split('"')[0]},
    )
    assert Target.of(client_record).reload().own_values()["appointments"] == "off"


@pytest.mark.parametrize("level", ["client", "group", "organization"])
def test_applying_a_preset_without_the_levels_the_page_showed_is_refused(
    admin_http, organization, group, client_record, minor, level
):
    from portal_settings.targets import Target

    obj = {"client": client_record, "group": group, "organization": organization}[level]
    args = [] if level == "organization" else [obj.pk]
    shown = Target.of(obj).reload().version_token()
    response = admin_http.post(
        reverse(f"portal_settings:{level}-preset", args=args),
        {"preset": minor.pk, "version": shown},  # no levels-<pk>: which levels were seen?
    )
    assert response.status_code == 302
    page = text(admin_http.get(response.url))
    assert "The preset Minor was not applied: this page did not say which levels" in page
    assert "Nothing was changed." in page
    assert Target.of(obj).reload().own_values() == {}
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SETTING_CHANGED).exists()


def test_confirming_a_roster_preset_without_the_reviewed_levels_changes_nobody(
    provider_http, organization, minor
):
    clients = [ClientFactory(organization=organization) for _ in range(2)]
    data = {"client": [c.pk for c in clients], "action": "preset", "preset": minor.pk}
    review = provider_http.post(URL, data)
    clients_part = review.context["fingerprint"].partition(".")[0]
    for fingerprint in ("", clients_part, clients_part + "."):
        response = provider_http.post(URL, {**data, "confirm": "1", "fingerprint": fingerprint})
        assert response.status_code == 409
        assert "Schedule appointments: Full → View only for 2 clients" in text(response)
    assert [own(c) for c in clients] == [{}, {}]
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SETTING_CHANGED).exists()

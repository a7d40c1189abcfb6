"""Editing a preset is refused when the page is stale, as the settings SAVE is: two admins
editing one preset never lose each other's change silently."""

import html
import re

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from portal_settings.models import Preset
from portal_settings.services import StalePresetError, preset_save
from tests.concurrency import requires_postgres, run_concurrently
from tests.factories import PracticeAdminFactory, UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def minor(practice_admin, organization):
    return preset_save(
        actor=practice_admin, organization=organization, name="Minor", values={"packages": "off"}
    )


def shown_version(page) -> str:
    match = re.search(r'name="version" value="([^"]+)"', page.content.decode())
    assert match, "the form carries the version it showed"
    return match.group(1)


def saves(action=AuditEntry.Action.PRESET_SAVED) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_saving_a_preset_changed_since_the_page_was_opened_is_refused(
    admin_http, organization, minor
):
    url = reverse("portal_settings:preset-edit", args=[minor.pk])
    a_version = shown_version(admin_http.get(url))
    b_http = signed_in(PracticeAdminFactory(organization=organization).user)
    b_version = shown_version(b_http.get(url))
    response = b_http.post(
        url,
        {
            "name": "Minor",
            "version": b_version,
            "section-packages": "off",
            "section-billing": "off",
        },
    )
    assert response.status_code == 302
    before = saves()

    response = admin_http.post(
        url, {"name": "Minor", "version": a_version, "section-packages": "view"}
    )
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "changed by someone else since you opened this page, so nothing was saved" in page
    # The page shows the preset as it is now, with the version to save against.
    assert re.search(r'name="section-billing"[^>]*>.*?value="off" selected', page, re.S)
    assert shown_version(response) != a_version
    minor.refresh_from_db()
    assert minor.values == {"packages": "off", "billing": "off"}
    assert saves() == before


def test_a_preset_form_without_its_version_saves_nothing(admin_http, minor):
    url = reverse("portal_settings:preset-edit", args=[minor.pk])
    response = admin_http.post(url, {"name": "Minor", "section-packages": "view"})
    assert response.status_code == 409
    minor.refresh_from_db()
    assert minor.values == {"packages": "off"}


def test_the_current_version_saves(admin_http, minor):
    url = reverse("portal_settings:preset-edit", args=[minor.pk])
    version = shown_version(admin_http.get(url))
    response = admin_http.post(
        url, {"name": "Minor", "version": version, "section-packages": "view"}
    )
    assert response.status_code == 302
    minor.refresh_from_db()
    assert minor.values == {"packages": "view"}


def test_the_service_refuses_a_stale_version(practice_admin, organization, minor):
    old = minor.version_token()
    preset_save(
        actor=practice_admin,
        organization=organization,
        name="Minor",
        values={"billing": "off"},
        preset=minor,
        shown_version=old,
    )
    with pytest.raises(StalePresetError):
        preset_save(
            actor=practice_admin,
            organization=organization,
            name="Minor",
            values={"packages": "view"},
            preset=Preset.objects.get(pk=minor.pk),
            shown_version=old,
        )
    assert Preset.objects.get(pk=minor.pk).values == {"billing": "off"}
    # A renaming is a change too: a page showing the old name is stale.
    renamed = preset_save(
        actor=practice_admin,
        organization=organization,
        name="Minors",
        values={"billing": "off"},
        preset=minor,
        shown_version=Preset.objects.get(pk=minor.pk).version_token(),
    )
    assert (
        renamed.version_token() != Preset(name="Minor", values={"billing": "off"}).version_token()
    )


def test_the_admin_refuses_a_stale_preset_form(practice_admin, organization, minor):
    http = signed_in(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:portal_settings_preset_change", args=[minor.pk])
    version = shown_version(http.get(url))
    preset_save(
        actor=practice_admin,
        organization=organization,
        name="Minor",
        values={"packages": "off", "billing": "off"},
        preset=minor,
        shown_version=version,
    )
    response = http.post(
        url, {"name": "Minor", "values": '{"packages": "view"}', "version": version}
    )
    assert response.status_code == 200
    assert "changed by someone else" in html.unescape(response.content.decode())
    minor.refresh_from_db()
    assert minor.values == {"packages": "off", "billing": "off"}


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_preset_version_racing_save_once(organization, minor):
    url = reverse("portal_settings:preset-edit", args=[minor.pk])
    admins = [signed_in(PracticeAdminFactory(organization=organization).user) for _ in range(2)]
    versions = [shown_version(http.get(url)) for http in admins]
    posts = [
        {"name": "Minor", "version": versions[0], "section-billing": "off"},
        {"name": "Minor", "version": versions[1], "section-goals": "off"},
    ]
    responses = run_concurrently(
        *(lambda h=h, d=d: h.post(url, d) for h, d in zip(admins, posts, strict=True))
    )
    assert sorted(r.status_code for r in responses) == [302, 409]
    assert Preset.objects.get(pk=minor.pk).values in ({"billing": "off"}, {"goals": "off"})
    assert saves() == 2  # the preset's creation and one of the two edits


@requires_postgres
def test_the_admin_checks_the_version_with_the_preset_locked(minor):
    """The admin's form checks the version inside the save's transaction with the row locked,
    so another admin's save cannot land between the check and the service's own (which refused
    it with a 500: a StalePresetError past the form)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = signed_in(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:portal_settings_preset_change", args=[minor.pk])
    version = shown_version(http.get(url))
    with CaptureQueriesContext(connection) as queries:
        response = http.post(
            url, {"name": "Minor", "values": '{"packages": "view"}', "version": version}
        )
    assert response.status_code == 302
    statements = [query["sql"] for query in queries.captured_queries]
    reads = [sql for sql in statements if sql.startswith('SELECT "portal_settings_preset"')]
    # The admin's own get_object, then the form's check of the version: that one locks.
    assert not reads[0].rstrip().endswith("FOR UPDATE")
    assert reads[1].rstrip().endswith("FOR UPDATE")

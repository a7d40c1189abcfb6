"""Presets can be deleted by practice admins (a confirmation, an audit entry, their practice
only), in the app and in the Django admin; clients keep the levels applied earlier."""

import html

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from portal_settings.models import PortalSettings, Preset
from portal_settings.services import preset_apply, preset_save
from portal_settings.targets import Target
from tests.factories import ClientFactory, UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def minor(practice_admin, organization):
    return preset_save(
        actor=practice_admin, organization=organization, name="Minor", values={"billing": "off"}
    )


def url(preset):
    return reverse("portal_settings:preset-delete", args=[preset.pk])


def test_a_practice_admin_deletes_a_preset_after_confirming(admin_http, practice_admin, minor):
    client = ClientFactory(organization=minor.organization)
    target = Target.of(client).reload()
    preset_apply(
        actor=practice_admin, target=target, preset=minor, shown_version=target.version_token()
    )
    page = admin_http.get(url(minor))
    assert page.status_code == 200
    assert "Delete the preset Minor?" in text(page)
    assert "keep the levels" in text(page)
    assert Preset.objects.filter(pk=minor.pk).exists()

    done = admin_http.post(url(minor))
    assert done.status_code == 302
    assert not Preset.objects.filter(pk=minor.pk).exists()
    assert PortalSettings.objects.get(client=client).values == {"billing": "off"}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PRESET_DELETED)
    assert (entry.actor, entry.old_value, entry.note) == (
        practice_admin,
        "Billing: Off",
        "preset: Minor",
    )
    assert "The preset Minor was deleted" in text(admin_http.get(done.url))


def test_only_practice_admins_of_the_practice_delete(provider_http, other_organization, minor, db):
    assert provider_http.post(url(minor)).status_code == 403
    from tests.factories import PracticeAdminFactory

    other_admin = PracticeAdminFactory(organization=other_organization).user
    assert signed_in(other_admin).post(url(minor)).status_code == 404
    assert Preset.objects.filter(pk=minor.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PRESET_DELETED).exists()


def test_the_delete_needs_the_csrf_token(practice_admin, minor):
    http = signed_in(practice_admin)
    http.handler.enforce_csrf_checks = True
    assert http.post(url(minor)).status_code == 403
    assert Preset.objects.filter(pk=minor.pk).exists()


def test_the_admin_deletes_a_preset_of_its_practice_through_the_service(
    organization, other_organization, minor, practice_admin
):
    staff = UserFactory(is_staff=True, is_superuser=True)
    http = signed_in(staff)
    theirs = preset_save(
        actor=practice_admin, organization=other_organization, name="X", values={"billing": "off"}
    )
    response = http.post(
        reverse("admin:portal_settings_preset_delete", args=[minor.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Preset.objects.filter(pk=minor.pk).exists()
    assert AuditEntry.objects.get(action=AuditEntry.Action.PRESET_DELETED).actor == staff
    assert Preset.objects.filter(pk=theirs.pk).exists()


def test_the_admin_does_not_delete_another_practice_s_preset(
    organization, other_organization, practice_admin
):
    from django.contrib.auth.models import Permission

    from tests.factories import MembershipFactory

    staff = MembershipFactory(
        organization=organization, user=UserFactory(is_staff=True), role="admin"
    ).user
    staff.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["portal_settings"])
    )
    theirs = preset_save(
        actor=practice_admin, organization=other_organization, name="X", values={"billing": "off"}
    )
    http = signed_in(staff)
    delete = reverse("admin:portal_settings_preset_delete", args=[theirs.pk])
    assert http.post(delete, {"post": "yes"}).status_code in (302, 404)
    changelist = reverse("admin:portal_settings_preset_changelist")
    http.post(
        changelist, {"action": "delete_selected", "_selected_action": [theirs.pk], "post": "yes"}
    )
    assert Preset.objects.filter(pk=theirs.pk).exists()

"""Presets in the Django admin: a preset stays with its practice."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from portal_settings.models import Preset
from portal_settings.services import preset_save
from tests.factories import UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def test_a_preset_cannot_be_moved_to_another_practice(
    practice_admin, organization, other_organization
):
    preset = preset_save(
        actor=practice_admin, organization=organization, name="Minor", values={"billing": "off"}
    )
    http = signed_in(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:portal_settings_preset_change", args=[preset.pk])
    assert http.get(url).status_code == 200
    response = http.post(
        url,
        {
            "organization": other_organization.pk,
            "name": "Minor",
            "values": '{"billing": "full"}',
            "version": preset.version_token(),
            "_save": "Save",
        },
    )
    assert response.status_code in (200, 302)  # never a 500
    preset.refresh_from_db()
    assert preset.organization == organization
    assert not Preset.objects.filter(organization=other_organization).exists()
    # The levels were saved through the service, in the practice's History.
    assert preset.values == {"billing": "full"}
    assert (
        AuditEntry.objects.filter(
            action=AuditEntry.Action.PRESET_SAVED, organization=organization
        ).count()
        == 2
    )

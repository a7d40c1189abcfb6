"""Presets set what clients may use: the family members' tabs do not offer one, since the form
would apply it to the clients (or to the practice defaults) instead of the family members."""

import pytest
from django.urls import reverse

from portal_settings.services import preset_save
from tests.factories import FamilyLinkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def minor(practice_admin, organization):
    return preset_save(
        actor=practice_admin,
        organization=organization,
        name="Minor",
        values={"billing": "off", "packages": "off"},
    )


def test_the_clients_tabs_offer_presets(admin_http, group, client_record, minor):
    for url in (
        reverse("portal_settings:client", args=[client_record.pk]),
        reverse("portal_settings:group", args=[group.pk]),
        reverse("portal_settings:organization"),
    ):
        assert "Apply a preset" in admin_http.get(url).content.decode(), url


def test_the_family_members_tabs_offer_no_preset(admin_http, group, client_record, minor):
    link = FamilyLinkFactory(client=client_record)
    for url in (
        reverse("portal_settings:family", args=[client_record.pk, link.pk]),
        reverse("portal_settings:group-family", args=[group.pk]),
        reverse("portal_settings:organization-family"),
    ):
        page = admin_http.get(url).content.decode()
        assert "Apply a preset" not in page, url
        assert "/preset/" not in page, url

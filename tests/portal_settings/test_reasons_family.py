"""No reason is asked on the family members' tabs: what a family member sees is not the
client's own records withheld from them, and no reason given there is kept."""

import pytest
from django.urls import reverse

from tests.factories import FamilyLinkFactory

pytestmark = pytest.mark.django_db

ASKED = "Reason, needed only when"


def test_the_clients_tabs_ask_for_a_reason(admin_http, group, client_record):
    for url in (
        reverse("portal_settings:client", args=[client_record.pk]),
        reverse("portal_settings:group", args=[group.pk]),
        reverse("portal_settings:organization"),
    ):
        assert ASKED in admin_http.get(url).content.decode(), url


def test_the_family_members_tabs_ask_for_none(admin_http, group, client_record):
    link = FamilyLinkFactory(client=client_record)
    for url in (
        reverse("portal_settings:family", args=[client_record.pk, link.pk]),
        reverse("portal_settings:group-family", args=[group.pk]),
        reverse("portal_settings:organization-family"),
    ):
        page = admin_http.get(url).content.decode()
        assert ASKED not in page and 'name="reason"' not in page, url

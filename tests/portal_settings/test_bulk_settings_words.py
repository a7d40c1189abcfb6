"""The review of a roster settings change says what it does in the SAVE confirmation's words:
a client whose own value equals what they inherit follows their defaults again."""

import html

import pytest
from django.urls import reverse

from portal_settings.models import PortalSettings
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

URL = reverse("clients:bulk")


def test_a_level_onto_the_inherited_one_says_inherited_again(provider_http, organization):
    pinned = ClientFactory(organization=organization)
    PortalSettings.objects.create(client=pinned, values={"billing": "full"}, version=1)
    data = {"client": [pinned.pk], "action": "level", "section": "billing", "level": "full"}
    page = html.unescape(provider_http.post(URL, data).content.decode())
    assert "View and pay bills: Full → inherited again (Full) for 1 client" in page
    assert "Full → Full" not in page

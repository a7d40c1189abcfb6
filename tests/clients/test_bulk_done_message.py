"""What the roster says after a bulk change, in whole sentences."""

import html

import pytest
from django.urls import reverse

from clients.services import BulkAction
from tests.factories import ClientFactory, ClientGroupFactory

pytestmark = pytest.mark.django_db

URL = reverse("clients:bulk")


def done(http, data) -> str:
    review = http.post(URL, data)
    response = http.post(
        URL, {**data, "confirm": "1", "fingerprint": review.context["fingerprint"]}
    )
    assert response.status_code == 302
    return html.unescape(http.get(response.url).content.decode())


def test_moving_says_the_others_were_already_in_that_group(provider_http, organization):
    teens = ClientGroupFactory(organization=organization, name="Teens")
    clients = [ClientFactory(organization=organization, group=teens) for _ in range(2)]
    clients.append(ClientFactory(organization=organization))
    data = {"client": [c.pk for c in clients], "action": BulkAction.MOVE, "to_group": teens.pk}
    assert (
        "1 client moved to Teens. 2 of the selected were already in that group, so were left "
        "as they were." in done(provider_http, data)
    )


def test_archiving_says_the_others_were_already_archived(provider_http, organization):
    clients = [ClientFactory(organization=organization) for _ in range(2)]
    done(provider_http, {"client": [clients[0].pk], "action": BulkAction.ARCHIVE})
    page = done(provider_http, {"client": [c.pk for c in clients], "action": BulkAction.ARCHIVE})
    assert "1 of the selected were already archived, so were left as they were." in page

"""A roster bulk confirmation over ticked clients whose state changed after the review (moved,
login turned on or off, archived) is stale: the 409 page, and nothing changed."""

import html

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from clients import services
from clients.models import Client
from clients.services import BulkAction
from tests.factories import ClientFactory, ClientGroupFactory

pytestmark = pytest.mark.django_db

URL = reverse("clients:bulk")


def _stale_after(provider_http, data, change):
    review = provider_http.post(URL, data)
    assert review.status_code == 200
    change()
    before = AuditEntry.objects.count()
    response = provider_http.post(
        URL, {**data, "confirm": "1", "fingerprint": review.context["fingerprint"]}
    )
    assert response.status_code == 409, html.unescape(response.content.decode())
    assert "changed since you reviewed" in html.unescape(response.content.decode())
    assert AuditEntry.objects.count() == before
    return response


def test_a_client_moved_between_review_and_confirm(provider_http, provider, organization):
    teens, adults = (ClientGroupFactory(organization=organization) for _ in range(2))
    clients = [ClientFactory(organization=organization) for _ in range(2)]
    data = {"client": [c.pk for c in clients], "action": BulkAction.LOGIN_OFF}
    _stale_after(
        provider_http,
        data,
        lambda: services.client_group_set(actor=provider, client=clients[0], group=teens),
    )
    assert not Client.objects.filter(portal_login_allowed=False).exists()
    data = {"client": [c.pk for c in clients], "action": BulkAction.MOVE, "to_group": adults.pk}
    _stale_after(
        provider_http,
        data,
        lambda: services.client_group_set(actor=provider, client=clients[1], group=teens),
    )
    assert not Client.objects.filter(group=adults).exists()


def test_a_login_turned_off_between_review_and_confirm(provider_http, provider, organization):
    group = ClientGroupFactory(organization=organization)
    clients = [ClientFactory(organization=organization) for _ in range(2)]
    data = {"client": [c.pk for c in clients], "action": BulkAction.MOVE, "to_group": group.pk}
    _stale_after(
        provider_http,
        data,
        lambda: services.client_portal_login_set(actor=provider, client=clients[0], allowed=False),
    )
    assert not Client.objects.filter(group=group).exists()


def test_a_client_archived_between_review_and_confirm(provider_http, provider, organization):
    clients = [ClientFactory(organization=organization) for _ in range(2)]
    data = {"client": [c.pk for c in clients], "action": BulkAction.ARCHIVE}
    _stale_after(
        provider_http,
        data,
        lambda: services.client_archive(actor=provider, client=clients[0]),
    )
    assert Client.objects.filter(archived_at__isnull=True).count() == 1


def test_the_service_checks_the_fingerprint_under_its_lock(provider, organization):
    clients = [ClientFactory(organization=organization) for _ in range(2)]
    with pytest.raises(services.BulkStale):
        services.clients_bulk_update(
            actor=provider,
            organization=organization,
            client_ids=[c.pk for c in clients],
            action=BulkAction.LOGIN_OFF,
            shown_fingerprint="not what was shown",
        )
    assert not Client.objects.filter(portal_login_allowed=False).exists()

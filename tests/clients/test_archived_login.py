"""An archived client's portal login and invitation: as the roster's bulk actions, nothing
changes until they are restored, and the page says so (never "can sign in again")."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from clients.models import Invitation
from clients.services import client_archive, client_portal_login_set

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def archived(client_record, provider):
    client_portal_login_set(actor=provider, client=client_record, allowed=False)
    client_archive(actor=provider, client=client_record)
    client_record.refresh_from_db()
    return client_record


def test_turning_an_archived_clients_login_on_is_refused_and_says_why(provider_http, archived):
    response = provider_http.post(
        reverse("clients:portal-login", args=[archived.pk]), {"allowed": "on"}, follow=True
    )
    said = _messages(response)
    assert "can sign in to the Client Portal again" not in said
    assert f"{archived.name} is archived" in said and "restore them first" in said
    archived.refresh_from_db()
    assert not archived.portal_login_allowed
    assert not archived.user.is_active
    assert not AuditEntry.objects.filter(
        client=archived, action=AuditEntry.Action.PORTAL_LOGIN_CHANGED, new_value="on"
    ).exists()


def test_turning_an_archived_clients_login_off_is_refused_too(
    provider_http, provider, client_record
):
    client_archive(actor=provider, client=client_record)
    response = provider_http.post(
        reverse("clients:portal-login", args=[client_record.pk]), {"allowed": "off"}, follow=True
    )
    assert f"{client_record.name} is archived" in _messages(response)
    client_record.refresh_from_db()
    assert client_record.portal_login_allowed


def test_the_portal_login_page_of_an_archived_client_says_restore_first(provider_http, archived):
    page = provider_http.get(reverse("clients:portal-login", args=[archived.pk])).content.decode()
    assert "is archived" in page
    assert 'value="on"' not in page


def test_inviting_an_archived_client_says_they_are_archived(provider_http, provider, client_record):
    client_archive(actor=provider, client=client_record)
    before = Invitation.objects.count()
    response = provider_http.post(reverse("clients:invite", args=[client_record.pk]), follow=True)
    said = _messages(response)
    assert "archived" in said and "restore them" in said
    assert "portal login is off" not in said
    assert Invitation.objects.count() == before

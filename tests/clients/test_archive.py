import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from clients.models import Client
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def test_archive_asks_first_then_archives(provider_http, client_record):
    url = reverse("clients:archive", args=[client_record.pk])
    page = provider_http.get(url)
    assert page.status_code == 200
    assert "Nothing is deleted" in page.content.decode()
    client_record.refresh_from_db()
    assert client_record.archived_at is None

    response = provider_http.post(url)
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.is_archived
    assert not client_record.user.is_active
    assert Client.objects.filter(pk=client_record.pk).exists()


def test_archiving_ends_the_clients_sessions(provider_http, client_record):
    portal = signed_in(client_record.user)
    assert portal.get("/portal/").status_code == 200
    provider_http.post(reverse("clients:archive", args=[client_record.pk]))
    response = portal.get("/portal/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_restore_gives_everything_back(provider_http, client_record, group):
    client_record.group = group
    client_record.save()
    provider_http.post(reverse("clients:archive", args=[client_record.pk]))
    response = provider_http.post(reverse("clients:restore", args=[client_record.pk]))
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert not client_record.is_archived
    assert client_record.user.is_active
    assert client_record.group == group
    assert signed_in(client_record.user).get("/portal/").status_code == 200


def test_restore_needs_post(provider_http, client_record):
    assert provider_http.get(reverse("clients:restore", args=[client_record.pk])).status_code == 405


def test_archive_and_restore_are_in_the_audit_trail(provider_http, provider, client_record):
    provider_http.post(reverse("clients:archive", args=[client_record.pk]))
    provider_http.post(reverse("clients:restore", args=[client_record.pk]))
    entries = list(AuditEntry.objects.filter(client=client_record).order_by("pk"))
    assert [(e.action, e.old_value, e.new_value, e.actor) for e in entries] == [
        (AuditEntry.Action.CLIENT_ARCHIVED, "active", "archived", provider),
        (AuditEntry.Action.CLIENT_RESTORED, "archived", "active", provider),
    ]
    assert entries[0].level == "client"


def test_archiving_twice_records_once(provider_http, client_record):
    url = reverse("clients:archive", args=[client_record.pk])
    provider_http.post(url)
    provider_http.post(url)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CLIENT_ARCHIVED).count() == 1


def test_no_url_deletes_anything():
    from portal_settings.urlwalk import walk

    # Presets are the one thing a practice admin deletes (clients keep the levels applied).
    deleting = [r.route for r in walk() if "delete" in r.route and r.namespaces[:1] != ("admin",)]
    assert deleting == ["settings/presets/<int:pk>/delete/"]


def test_clients_cannot_be_deleted_even_in_code(client_record):
    with pytest.raises(TypeError, match="archived"):
        client_record.delete()
    with pytest.raises(TypeError, match="archived"):
        Client.objects.filter(pk=client_record.pk).delete()
    assert Client.objects.filter(pk=client_record.pk).exists()


def test_portal_login_off_ends_sessions_and_on_restores(provider_http, client_record):
    portal = signed_in(client_record.user)
    url = reverse("clients:portal-login", args=[client_record.pk])
    assert "signed out" in provider_http.get(url).content.decode()
    provider_http.post(url, {"allowed": "off"})
    assert portal.get("/portal/").status_code == 302
    client_record.refresh_from_db()
    assert not client_record.portal_login_allowed and not client_record.user.is_active

    provider_http.post(url, {"allowed": "on"})
    client_record.refresh_from_db()
    assert client_record.user.is_active
    assert signed_in(client_record.user).get("/portal/").status_code == 200
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.PORTAL_LOGIN_CHANGED).order_by(
        "pk"
    )
    assert [(e.old_value, e.new_value) for e in entries] == [("on", "off"), ("off", "on")]


def test_portal_login_with_a_bad_value_changes_nothing(provider_http, client_record):
    response = provider_http.post(
        reverse("clients:portal-login", args=[client_record.pk]), {"allowed": "maybe"}
    )
    assert response.status_code == 400
    client_record.refresh_from_db()
    assert client_record.portal_login_allowed
    assert not AuditEntry.objects.exists()


def test_archived_client_stays_off_when_login_is_turned_on(provider_http, provider, client_record):
    from clients.services import client_archive, client_portal_login_set

    client_portal_login_set(actor=provider, client=client_record, allowed=False)
    client_archive(actor=provider, client=client_record)
    # Refused while archived (restore first), as the roster's bulk "login on" is.
    with pytest.raises(ValidationError, match="is archived"):
        client_portal_login_set(actor=provider, client=client_record, allowed=True)
    client_record.refresh_from_db()
    client_record.user.refresh_from_db()
    assert not client_record.portal_login_allowed
    assert not client_record.user.is_active

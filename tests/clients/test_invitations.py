import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from clients.models import Client, Invitation, User
from clients.services import client_archive

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Blue-Heron-2026"


def add_client(http, **overrides):
    data = {"first_name": "Nora", "last_name": "Quinn", "email": "nora@example.test", **overrides}
    return http.post(reverse("clients:create"), data)


def invitation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_adding_a_client_sends_the_invitation(
    provider_http, organization, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add_client(provider_http)
    client = Client.objects.get(user__email="nora@example.test")
    assert response.status_code == 302
    assert response.url == client.get_absolute_url()
    assert client.organization == organization
    assert not client.user.has_usable_password()
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["nora@example.test"]
    assert organization.name in email.subject
    assert "/accounts/invitation/" in email.body
    assert (
        AuditEntry.objects.filter(client=client, action=AuditEntry.Action.CLIENT_ADDED).count() == 1
    )


def test_the_link_sets_a_password_once_and_enters_the_portal(
    client, provider_http, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_client(provider_http)
    path = invitation_path(mailoutbox[0])
    assert client.get(path).status_code == 200
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    user = User.objects.get(email="nora@example.test")
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("portal:home")).status_code == 200

    client.post("/accounts/logout/")
    reused = client.post(
        path, {"new_password1": "Other-pass-991", "new_password2": "Other-pass-991"}
    )
    assert reused.status_code == 410
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_link_is_refused(
    client, provider_http, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_client(provider_http)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    path = invitation_path(mailoutbox[0])
    assert client.get(path).status_code == 410
    response = client.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 410
    assert not User.objects.get(email="nora@example.test").has_usable_password()


def test_an_unknown_token_is_refused(client, db):
    assert client.get("/accounts/invitation/not-a-real-token/").status_code == 410


def test_a_weak_password_is_refused_and_the_link_still_works(
    client, provider_http, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_client(provider_http)
    path = invitation_path(mailoutbox[0])
    response = client.post(path, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Invitation.objects.usable().count() == 1


def test_resending_replaces_the_older_link(
    client, provider_http, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_client(provider_http)
    client_record = Client.objects.get(user__email="nora@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        provider_http.post(reverse("clients:invite", args=[client_record.pk]))
    assert len(mailoutbox) == 2
    old_path, new_path = invitation_path(mailoutbox[0]), invitation_path(mailoutbox[1])
    assert old_path != new_path
    assert client.get(old_path).status_code == 410
    assert client.get(new_path).status_code == 200


def test_archiving_withdraws_an_open_invitation(
    client, provider, provider_http, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_client(provider_http)
    client_record = Client.objects.get(user__email="nora@example.test")
    client_archive(actor=provider, client=client_record)
    assert client.get(invitation_path(mailoutbox[0])).status_code == 410


def test_the_token_is_not_stored_in_clear(
    provider_http, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_client(provider_http)
    token = invitation_path(mailoutbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert Invitation.find_usable(token) is not None


def test_an_email_already_in_use_is_refused_and_nothing_is_created(
    provider_http, provider, mailoutbox
):
    response = add_client(provider_http, email=provider.email.upper())
    assert response.status_code == 200
    assert "This email address cannot be used for this client" in response.content.decode()
    assert Client.objects.count() == 0
    assert mailoutbox == []


def test_a_group_of_another_practice_is_not_a_choice(provider_http, other_organization):
    from tests.factories import ClientGroupFactory

    foreign = ClientGroupFactory(organization=other_organization)
    response = add_client(provider_http, group=foreign.pk)
    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    assert Client.objects.count() == 0

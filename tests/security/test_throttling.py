"""Sign-in throttling with django-axes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import PASSWORD
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def attempt(client, email, password="wrong-password", forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(LOGIN, {"username": email, "password": password}, headers=headers)


def fail(client, email, times):
    for _ in range(times):
        attempt(client, email)


def test_repeated_failures_lock_the_account_with_a_clear_message(client, client_record, settings):
    email = client_record.user.email
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, email).status_code == 200  # "do not match", not yet locked
    locked = attempt(client, email)
    assert locked.status_code == 429
    assert "Sign-in is paused" in locked.content.decode()
    # Even the right password is refused while locked.
    assert attempt(client, email, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_account_is_locked_from_another_address_too(client, client_record, settings):
    email = client_record.user.email
    fail(client, email.upper(), settings.AXES_FAILURE_LIMIT)  # case does not start a new count
    other = type(client)(REMOTE_ADDR="203.0.113.9")
    assert attempt(other, email, PASSWORD).status_code == 429


def test_the_address_is_locked_for_other_accounts_too(client, client_record, provider, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"nobody{n}@example.test")
    assert attempt(client, provider.email, PASSWORD).status_code == 429


def test_a_forged_x_forwarded_for_does_not_reset_the_count(client, client_record, settings):
    email = client_record.user.email
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, email, forwarded_for=f"198.51.100.{n}")
    assert attempt(client, email, PASSWORD, forwarded_for="198.51.100.200").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_one_trusted_proxy_the_forwarded_address_counts(client, client_record, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_PROXY_ORDER = "right-most"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    for n in range(3):
        # The client forges the left part; the proxy appends the real address on the right.
        attempt(client, f"nobody{n}@example.test", forwarded_for=f"10.0.0.{n}, 192.0.2.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.7"}


def test_a_practice_admin_unlocks_an_account(client, client_record, admin_http, settings):
    email = client_record.user.email
    fail(client, email, settings.AXES_FAILURE_LIMIT)
    page = admin_http.get(reverse("clients:lockouts")).content.decode()
    assert email in page and "Locked" in page
    assert admin_http.post(reverse("clients:unlock"), {"email": email}).status_code == 302
    other = type(client)(REMOTE_ADDR="203.0.113.10")
    assert attempt(other, email, PASSWORD).status_code == 302
    assert AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN_UNLOCKED).client == client_record


def test_an_admin_cannot_unlock_another_practices_account(
    client, admin_http, other_organization, settings
):
    from tests.factories import ClientFactory

    foreign = ClientFactory(organization=other_organization)
    fail(client, foreign.user.email, settings.AXES_FAILURE_LIMIT)
    assert foreign.user.email not in admin_http.get(reverse("clients:lockouts")).content.decode()
    admin_http.post(reverse("clients:unlock"), {"email": foreign.user.email})
    assert AccessAttempt.objects.filter(username=foreign.user.email).exists()


def test_providers_cannot_see_or_use_lockouts(provider_http):
    assert provider_http.get(reverse("clients:lockouts")).status_code == 403
    assert (
        provider_http.post(reverse("clients:unlock"), {"email": "x@example.test"}).status_code
        == 403
    )


def test_the_lock_ends_after_the_cool_off(client, client_record, settings, monkeypatch):
    email = client_record.user.email
    fail(client, email, settings.AXES_FAILURE_LIMIT)
    assert attempt(client, email, PASSWORD).status_code == 429
    later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    monkeypatch.setattr("axes.attempts.now", lambda: later)
    monkeypatch.setattr("axes.handlers.proxy.now", lambda: later)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert attempt(client, email, PASSWORD).status_code == 302


def test_staff_unlock_from_the_admin(client, client_record, settings, db):
    from tests.factories import UserFactory

    fail(client, client_record.user.email, settings.AXES_FAILURE_LIMIT)
    staff = signed_in(UserFactory(is_staff=True, is_superuser=True))
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = staff.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": ids},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert attempt(client, client_record.user.email, PASSWORD).status_code == 302

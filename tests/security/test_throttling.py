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


def test_the_address_is_locked_after_many_failures_across_accounts(client, provider):
    # 30 failures from one address (SECURITY.md), each at a different account: the address
    # pauses, even for an account with no failure of its own and the right password.
    for n in range(29):
        attempt(client, f"nobody{n}@example.test")
    assert attempt(client, provider.email, PASSWORD).status_code == 302
    client.logout()
    for n in range(30):
        attempt(client, f"nobody{n}@example.test")
    other = type(client)(REMOTE_ADDR="203.0.113.20")
    assert attempt(other, provider.email, PASSWORD).status_code == 302  # the account is fine
    assert attempt(client, provider.email, PASSWORD).status_code == 429


def test_one_clients_typos_do_not_lock_the_practice_admin_at_the_same_address(
    client, client_record, practice_admin
):
    fail(client, client_record.user.email, 5)
    assert attempt(client, client_record.user.email, PASSWORD).status_code == 429
    assert attempt(client, practice_admin.email, PASSWORD).status_code == 302


def test_a_success_does_not_forget_another_accounts_failures(client, client_record, provider):
    """The attack: 4 wrong guesses at the victim, then one sign-in with an account the attacker
    owns, repeated. The victim is paused at the 5th wrong guess all the same."""
    victim = client_record.user.email
    for _ in range(4):
        assert attempt(client, victim).status_code == 200
    assert attempt(client, provider.email, PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, victim).status_code == 429  # the 5th wrong guess
    assert attempt(client, victim, PASSWORD).status_code == 429
    # The practice admin's page shows the lock too.
    assert AccessAttempt.objects.get(username=victim).failures_since_start >= 5


def test_a_success_clears_that_accounts_own_failures(client, client_record):
    email = client_record.user.email
    fail(client, email, 4)
    assert attempt(client, email, PASSWORD).status_code == 302
    client.logout()
    fail(client, email, 4)
    assert attempt(client, email, PASSWORD).status_code == 302


def test_the_documented_limit_and_cool_off(client, client_record, monkeypatch):
    """SECURITY.md promises 5 failures and 15 minutes: the numbers, not read from settings."""
    email = client_record.user.email
    fail(client, email, 4)
    assert attempt(client, email, PASSWORD).status_code == 302
    client.logout()
    AccessAttempt.objects.all().delete()
    fail(client, email, 5)
    assert attempt(client, email, PASSWORD).status_code == 429
    start = timezone.now()
    for minutes, status in [(14, 429), (16, 302)]:
        later = start + timedelta(minutes=minutes)
        monkeypatch.setattr("axes.attempts.now", lambda later=later: later)
        monkeypatch.setattr("axes.handlers.proxy.now", lambda later=later: later)
        assert attempt(client, email, PASSWORD).status_code == status, minutes


def test_the_lockout_page_says_how_long_in_words(client, client_record):
    fail(client, client_record.user.email, 4)
    page = attempt(client, client_record.user.email).content.decode()
    assert "paused for 15 minutes." in page
    assert "PT15M" not in page


def test_durations_in_words():
    from clients.throttling import duration_in_words

    assert duration_in_words(timedelta(minutes=1)) == "1 minute"
    assert duration_in_words(timedelta(hours=1)) == "1 hour"
    assert duration_in_words(timedelta(minutes=150)) == "2 hours and 30 minutes"


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


def test_the_lockouts_page_adds_up_an_accounts_failures_from_every_address(
    client_record, admin_http
):
    email = client_record.user.email
    for n in range(5):
        attempt(type(admin_http)(REMOTE_ADDR=f"198.51.100.{n}"), email)
    page = admin_http.get(reverse("clients:lockouts")).content.decode()
    assert "paused for 15 minutes" in page
    row = page[page.index(email) :]
    assert "<td>5 <mark>Locked</mark></td><td>5</td>" in row


def test_a_practice_admin_sees_and_unlocks_a_family_member(
    client, client_record, admin_http, settings
):
    """The outside review: a locked-out family member was missing from Sign-in lockouts, and
    unlocking them answered "That account is not one of your practice's"."""
    from tests.factories import FamilyLinkFactory

    email = FamilyLinkFactory(client=client_record).user.email
    fail(client, email, settings.AXES_FAILURE_LIMIT)
    assert email in admin_http.get(reverse("clients:lockouts")).content.decode()
    response = admin_http.post(reverse("clients:unlock"), {"email": email}, follow=True)
    assert f"{email} can sign in again." in response.content.decode()
    assert not AccessAttempt.objects.filter(username=email).exists()


def test_an_admin_cannot_unlock_another_practices_family_member(
    client, admin_http, other_organization, settings
):
    from tests.factories import ClientFactory, FamilyLinkFactory

    foreign = ClientFactory(organization=other_organization)
    email = FamilyLinkFactory(client=foreign).user.email
    fail(client, email, settings.AXES_FAILURE_LIMIT)
    assert email not in admin_http.get(reverse("clients:lockouts")).content.decode()
    response = admin_http.post(reverse("clients:unlock"), {"email": email}, follow=True)
    assert "That account is not one of your practice&#x27;s." in response.content.decode()
    assert AccessAttempt.objects.filter(username=email).exists()


def test_a_removed_family_member_is_no_longer_the_practices_to_unlock(
    client, client_record, admin_http, settings
):
    from clients.models import FamilyLink
    from tests.factories import FamilyLinkFactory

    link = FamilyLinkFactory(client=client_record, status=FamilyLink.Status.REMOVED)
    fail(client, link.user.email, settings.AXES_FAILURE_LIMIT)
    assert link.user.email not in admin_http.get(reverse("clients:lockouts")).content.decode()

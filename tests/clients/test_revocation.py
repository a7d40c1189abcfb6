"""What was sent before an identity change stops working: invitations and reset links.

A mistyped email fixed later, an archive (even followed by a restore), a login turned off:
whoever holds the earlier email must not be able to use it.
"""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.test import Client as HttpClient
from django.urls import reverse

from audit.models import AuditEntry
from clients import services
from clients.models import Client
from tests.factories import ClientFactory, MembershipFactory, UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

NEW = "Blue-Heron-2026"


def invitation_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", message.body).group(1)


def reset_path(message) -> str:
    link = next(line for line in message.body.splitlines() if "/password-reset/" in line)
    return link.split("testserver", 1)[1]


def accept(path):
    return HttpClient().post(path, {"new_password1": NEW, "new_password2": NEW})


def reset_link_works(path) -> bool:
    return HttpClient().get(path, follow=True).context["validlink"]


@pytest.fixture
def invited(provider_http, mailoutbox, django_capture_on_commit_callbacks):
    """A client just added with a mistyped email: (client, invitation path)."""
    with django_capture_on_commit_callbacks(execute=True):
        provider_http.post(
            reverse("clients:create"),
            {"first_name": "Nora", "last_name": "Quinn", "email": "nora@exmaple.test"},
        )
    return Client.objects.get(user__email="nora@exmaple.test"), invitation_path(mailoutbox[0])


@pytest.fixture
def reset_link(client_record, mailoutbox):
    HttpClient().post("/accounts/password-reset/", {"email": client_record.user.email})
    path = reset_path(mailoutbox[-1])
    assert reset_link_works(path)
    return path


def edit(http, client, **changes):
    data = {"first_name": client.user.first_name, "last_name": "Quinn", "email": client.email}
    return http.post(reverse("clients:edit", args=[client.pk]), {**data, **changes})


def test_fixing_the_email_revokes_the_invitation_sent_to_the_old_one(provider_http, invited):
    client, path = invited
    assert edit(provider_http, client, email="nora@example.test").status_code == 302
    assert accept(path).status_code == 410
    client.user.refresh_from_db()
    assert not client.user.has_usable_password()


def test_saving_without_changing_the_email_keeps_the_invitation(provider_http, invited):
    client, path = invited
    assert edit(provider_http, client, first_name="Norah").status_code == 302
    assert accept(path).status_code == 302


def test_changing_the_email_ends_earlier_reset_links(provider_http, client_record, reset_link):
    edit(provider_http, client_record, email="new-address@example.test")
    assert not reset_link_works(reset_link)


def test_changing_the_email_in_the_django_admin_revokes_too(invited, organization):
    client, path = invited
    staff = UserFactory(is_staff=True)
    MembershipFactory(organization=organization, user=staff)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="clients"))
    response = signed_in(staff).post(
        reverse("admin:clients_user_change", args=[client.user_id]),
        {"email": "nora@example.test", "first_name": "Nora", "last_name": "Quinn"},
    )
    assert response.status_code == 302
    assert accept(path).status_code == 410


def test_archive_then_restore_leaves_an_old_invitation_unusable(provider, invited):
    client, path = invited
    services.client_archive(actor=provider, client=client)
    services.client_restore(actor=provider, client=client)
    assert accept(path).status_code == 410


def test_an_old_reset_link_is_refused_after_archive_and_restore(
    provider, client_record, reset_link
):
    services.client_archive(actor=provider, client=client_record)
    services.client_restore(actor=provider, client=client_record)
    assert not reset_link_works(reset_link)
    client_record.user.refresh_from_db()
    assert client_record.user.has_usable_password()  # their password still works


def test_an_old_reset_link_is_refused_after_the_login_goes_off_and_on(
    provider, client_record, reset_link
):
    services.client_portal_login_set(actor=provider, client=client_record, allowed=False)
    services.client_portal_login_set(actor=provider, client=client_record, allowed=True)
    assert not reset_link_works(reset_link)


def test_a_new_reset_link_after_the_restore_works(provider, client_record, mailoutbox):
    services.client_archive(actor=provider, client=client_record)
    services.client_restore(actor=provider, client=client_record)
    HttpClient().post("/accounts/password-reset/", {"email": client_record.user.email})
    assert reset_link_works(reset_path(mailoutbox[-1]))


# An email that is taken: the same words whoever holds it (item 9).


def taken_addresses(organization, other_organization, provider):
    return {
        "this practice's client": ClientFactory(organization=organization).user.email,
        "another practice's client": ClientFactory(organization=other_organization).user.email,
        "a provider": provider.email,
        "another practice's provider": MembershipFactory(
            organization=other_organization
        ).user.email,
    }


def errors_on_email(response):
    return response.context["form"].errors.get("email")


def test_adding_a_client_with_a_taken_email_reveals_nothing(
    provider_http, provider, organization, other_organization
):
    answers = set()
    for email in taken_addresses(organization, other_organization, provider).values():
        response = provider_http.post(
            reverse("clients:create"),
            {"first_name": "Nora", "last_name": "Quinn", "email": email},
        )
        assert response.status_code == 200
        answers.add(tuple(errors_on_email(response)))
    assert answers == {(services.EMAIL_REFUSED,)}
    assert "another practice" not in services.EMAIL_REFUSED
    assert Client.objects.filter(user__first_name="Nora").count() == 0


def test_changing_a_clients_email_to_a_taken_one_reveals_nothing(
    provider_http, provider, organization, other_organization, client_record
):
    answers = set()
    for email in taken_addresses(organization, other_organization, provider).values():
        response = edit(provider_http, client_record, email=email)
        assert response.status_code == 200
        answers.add(tuple(errors_on_email(response)))
    assert answers == {(services.EMAIL_REFUSED,)}
    client_record.user.refresh_from_db()
    assert client_record.user.email.startswith("person")


# Group changes and unlocks go through the services (item 7).


def test_a_group_change_in_the_django_admin_is_audited(organization, group, client_record):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    response = signed_in(superuser).post(
        reverse("admin:clients_client_change", args=[client_record.pk]), {"group": group.pk}
    )
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.group == group
    entry = AuditEntry.objects.get(action=AuditEntry.Action.GROUP_CHANGED)
    assert (entry.client, entry.actor, entry.old_value, entry.new_value) == (
        client_record,
        superuser,
        "No group",
        "Teens",
    )


def failed_sign_ins(email, times=5):
    http = HttpClient()
    for _ in range(times):
        http.post("/accounts/login/", {"username": email, "password": "wrong"})


def test_unlocking_is_a_service_that_writes_the_audit_entry(practice_admin, client_record):
    failed_sign_ins(client_record.user.email)
    cleared = services.sign_in_unlock(actor=practice_admin, user=client_record.user)
    assert cleared == 1
    assert not AccessAttempt.objects.exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN_UNLOCKED)
    assert (entry.actor, entry.client, entry.new_value) == (
        practice_admin,
        client_record,
        client_record.user.email,
    )


def test_the_admin_unlock_action_writes_the_audit_entry(organization, client_record):
    failed_sign_ins(client_record.user.email)
    staff = UserFactory(is_staff=True)
    MembershipFactory(organization=organization, user=staff, role="admin")  # as in the app
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="axes"))
    response = signed_in(staff).post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "unlock",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN_UNLOCKED)
    assert (entry.actor, entry.client) == (staff, client_record)

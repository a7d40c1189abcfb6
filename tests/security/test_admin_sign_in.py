"""The Django admin's sign-in takes an email as the app's sign-in does.

The outside review: the admin's sign-in form took any text as the email, so an address longer
than the sign-in records' column gave a 500 on PostgreSQL (django-axes records the failure
against it), and an address with an invisible character was tried as another account rather
than refused. It is refused with the app's words now, and the lockout still applies.
"""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.test", is_staff=True, is_superuser=True)


def _sign_in(client, email, password="wrong-password"):
    return client.post(LOGIN, {"username": email, "password": password, "next": "/admin/"})


def test_the_admin_sign_in_refuses_an_overlong_address(client, staff):
    response = _sign_in(
        client, "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + ".test"
    )
    assert response.status_code == 200
    assert "An email address has at most 254 characters." in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_the_admin_sign_in_refuses_an_address_with_an_invisible_character(client, staff):
    response = _sign_in(client, "staff@example.test\u200b", PASSWORD)
    assert response.status_code == 200
    assert "This address contains an invisible character" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_sign_in_still_signs_staff_in(client, staff):
    response = _sign_in(client, "Staff@Example.test", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_the_admin_sign_in_is_still_paused_after_five_failures(client, staff):
    # SECURITY.md: five failures within the cool-off pause the account.
    for _ in range(4):
        assert _sign_in(client, staff.email).status_code == 200
    assert _sign_in(client, staff.email).status_code == 429
    assert _sign_in(client, staff.email, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session

"""The time a sign-in takes tells nothing: the password hasher runs exactly once per attempt.

Measured with the real hasher (PBKDF2) before this change, a wrong password on an archived or
switched-off account hashed twice (the withdrawn-access message checked the password again), so
it took about twice as long as on an unknown or active account. Counting the hasher's runs pins
the fix without timing anything.
"""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from clients import services
from tests.factories import PASSWORD, ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    """MD5 (the tests' hasher), counting every hashing of a password: verify() hashes via
    encode(), and so does make_password() for an unknown account."""

    runs = 0

    def encode(self, password, salt):
        CountingHasher.runs += 1
        return super().encode(password, salt)


@pytest.fixture
def accounts(settings, organization, provider):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    archived = ClientFactory(organization=organization)
    switched_off = ClientFactory(organization=organization)
    services.client_archive(actor=provider, client=archived)
    services.client_portal_login_set(actor=provider, client=switched_off, allowed=False)
    invited = ClientFactory(organization=organization, user=UserFactory(password=None))
    invited.user.set_unusable_password()
    invited.user.save()
    return {
        "unknown": "nobody@example.test",
        "active": ClientFactory(organization=organization).user.email,
        "archived": archived.user.email,
        "portal login off": switched_off.user.email,
        "invited, no password yet": invited.user.email,
    }


@pytest.mark.parametrize("password", ["wrong-password", PASSWORD])
@pytest.mark.parametrize(
    "who", ["unknown", "active", "archived", "portal login off", "invited, no password yet"]
)
def test_every_outcome_runs_the_hasher_exactly_once(client, accounts, who, password):
    CountingHasher.runs = 0
    response = client.post("/accounts/login/", {"username": accounts[who], "password": password})
    assert response.status_code in (200, 302)
    assert CountingHasher.runs == 1


def test_the_right_password_on_an_archived_account_still_says_whom_to_contact(
    client, accounts, organization
):
    page = client.post(
        "/accounts/login/", {"username": accounts["archived"], "password": PASSWORD}
    ).content.decode()
    assert "Your practice has archived your Client Portal account." in page
    assert organization.name in page

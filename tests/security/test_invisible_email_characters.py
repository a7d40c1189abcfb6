"""One email is one account: an address with an invisible character (a zero-width space, a soft
hyphen) or a look-alike domain is mail to the same inbox, so it is refused on every path that
takes an address, before anything is written or sent."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients import services
from clients.models import Client, FamilyLink, User
from tests.factories import ClientFactory, UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

REAL = "ben.okafor@demo.test"
# Each one is dropped by IDNA's mapping when the message is sent: the mail reaches REAL.
DISGUISED = [
    REAL + "\u200b",  # zero-width space
    "ben.okafor@demo.\u00adtest",  # soft hyphen
    "ben.okafor@de\u2060mo.test",  # word joiner
    "ben.okafor@demo.test\ufeff",  # byte order mark
    "ben.okafor@\uff44emo.test",  # fullwidth d: the same domain once sent
]
INVISIBLE_WORDS = "invisible character"


@pytest.fixture
def ben(other_organization):
    """A client of another practice: the address must stay theirs alone."""
    return ClientFactory(organization=other_organization, user=UserFactory(email=REAL))


def _page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("address", DISGUISED)
def test_adding_a_client_refuses_a_disguised_address(
    address, ben, provider_http, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = provider_http.post(
            reverse("clients:create"),
            {"first_name": "Ben", "last_name": "Okafor", "email": address},
        )
    assert response.status_code == 200
    assert "Retype the address" in _page(response)
    assert Client.objects.count() == 1
    assert User.objects.filter(email__icontains="okafor").count() == 1
    assert mailoutbox == []


def test_the_refusal_names_the_invisible_character(provider_http, ben):
    response = provider_http.post(
        reverse("clients:create"),
        {"first_name": "Ben", "last_name": "Okafor", "email": REAL + "\u200b"},
    )
    assert INVISIBLE_WORDS in _page(response)


def test_an_ordinary_international_domain_is_still_accepted(provider_http):
    response = provider_http.post(
        reverse("clients:create"),
        {"first_name": "Lena", "last_name": "Vogel", "email": "lena@bücher.example"},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="lena@bücher.example").exists()


@pytest.mark.parametrize("address", DISGUISED)
def test_editing_a_clients_email_refuses_a_disguised_address(
    address, organization, provider_http, client_record
):
    before = client_record.user.email
    response = provider_http.post(
        reverse("clients:edit", args=[client_record.pk]),
        {"first_name": "Ben", "last_name": "Okafor", "email": address},
    )
    assert response.status_code == 200
    assert "Retype the address" in _page(response)
    client_record.user.refresh_from_db()
    assert client_record.user.email == before


@pytest.mark.parametrize("address", DISGUISED)
def test_adding_a_family_member_refuses_a_disguised_address(
    address, ben, provider_http, client_record, mailoutbox
):
    response = provider_http.post(
        reverse("clients:family", args=[client_record.pk]),
        {"first_name": "Ben", "last_name": "Okafor", "email": address, "relationship": "parent"},
    )
    assert response.status_code == 400
    assert "Retype the address" in _page(response)
    assert not FamilyLink.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("address", DISGUISED)
def test_the_services_refuse_a_disguised_address(address, organization, provider, client_record):
    """Whatever calls them (a form that forgot, a script, the admin): nothing is written."""
    with pytest.raises(ValidationError) as refused:
        services.client_create(
            actor=provider,
            organization=organization,
            first_name="Ben",
            last_name="Okafor",
            email=address,
            base_url="http://testserver/",
        )
    assert "Retype the address" in refused.value.message_dict["email"][0]
    before = client_record.user.email
    with pytest.raises(ValidationError):
        services.client_update(
            actor=provider,
            client=client_record,
            first_name="Ben",
            last_name="Okafor",
            email=address,
            group=None,
        )
    client_record.user.refresh_from_db()
    assert client_record.user.email == before
    with pytest.raises(ValidationError):
        services.family_member_add(
            actor=provider,
            client=client_record,
            first_name="Ben",
            last_name="Okafor",
            email=address,
            relationship="parent",
            base_url="http://testserver/",
        )
    assert not User.objects.filter(email__icontains="okafor").exists()


def test_signing_in_with_a_disguised_address_says_so(client, ben):
    response = client.post(
        reverse("accounts:login"), {"username": REAL + "\u200b", "password": "whatever"}
    )
    assert response.status_code == 200
    assert INVISIBLE_WORDS in _page(response)


def test_password_reset_with_a_disguised_address_says_so(client, ben, mailoutbox):
    response = client.post(reverse("accounts:password-reset"), {"email": REAL + "\u00ad"})
    assert response.status_code == 200
    assert "Retype the address" in _page(response)
    assert mailoutbox == []


def test_the_django_admin_refuses_a_disguised_address(ben):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    http = signed_in(superuser)
    user = ben.user
    response = http.post(
        reverse("admin:clients_user_change", args=[user.pk]),
        {
            "email": REAL + "\u200b",
            "first_name": user.first_name,
            "last_name": user.last_name,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "Retype the address" in _page(response)
    user.refresh_from_db()
    assert user.email == REAL
    response = http.post(
        reverse("admin:clients_user_add"),
        {
            "email": "new.person@demo.test\u200b",
            "first_name": "New",
            "last_name": "Person",
            "password1": "Blue-Heron-2026",
            "password2": "Blue-Heron-2026",
        },
    )
    assert response.status_code == 200
    assert "Retype the address" in _page(response)
    assert not User.objects.filter(email__startswith="new.person").exists()


PRACTICE_SETTINGS = {
    "name": "Harbor Wellness",
    "time_zone": "Europe/Paris",
    "currency": "EUR",
    "cancellation_cutoff_hours": 12,
    "booking_window_days": 60,
    "max_upcoming_bookings": 3,
}


@pytest.mark.parametrize("address", DISGUISED)
def test_the_practice_contact_address_refuses_a_disguised_address(
    address, admin_http, organization
):
    """Clients are told to reply to it: a disguised address would send their mail elsewhere."""
    before = organization.contact_email
    response = admin_http.post(
        reverse("provider:practice"), {**PRACTICE_SETTINGS, "contact_email": address}
    )
    assert response.status_code == 400
    assert "Retype the address" in _page(response)
    organization.refresh_from_db()
    assert (organization.contact_email, organization.time_zone) == (before, "America/New_York")


def test_the_practice_contact_address_takes_a_plain_address(admin_http, organization):
    response = admin_http.post(
        reverse("provider:practice"), {**PRACTICE_SETTINGS, "contact_email": "desk@harbor.test"}
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.contact_email == "desk@harbor.test"


def test_unlocking_a_disguised_address_says_so(admin_http, client_record):
    response = admin_http.post(
        reverse("clients:unlock"), {"email": client_record.user.email + "\u200b"}, follow=True
    )
    page = _page(response)
    assert INVISIBLE_WORDS in page
    assert "can sign in again" not in page


def test_unlocking_a_mistyped_address_says_so(admin_http):
    response = admin_http.post(reverse("clients:unlock"), {"email": "not an address"}, follow=True)
    assert "Enter a valid email address. Nothing was unlocked." in _page(response)

"""Input the red team found still giving 500s on PostgreSQL: a NUL byte in the Django admin's
search, filters and autocomplete (the app's own forms refuse NUL with their own words:
test_bad_input_cases), and emails longer than the columns that keep them."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_http():
    return signed_in(UserFactory(is_staff=True, is_superuser=True))


@pytest.mark.parametrize(
    "path",
    [
        "/admin/clients/user/?q=%00",
        "/admin/clients/user/?email=%00",
        "/admin/autocomplete/?app_label=clients&model_name=membership&field_name=user&term=%00",
    ],
)
def test_the_admin_refuses_a_nul_in_a_query(superuser_http, path):
    response = superuser_http.get(path)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_an_over_long_email_at_sign_in_is_a_plain_refusal(client):
    response = client.post(
        reverse("accounts:login"), {"username": "x" * 300 + "@a.test", "password": "whatever"}
    )
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()


def test_an_over_long_email_for_a_new_client_is_a_form_error(provider_http, organization):
    from clients.models import Client

    email = "x" * 250 + "@a.test"
    response = provider_http.post(
        reverse("clients:create"), {"first_name": "Al", "last_name": "B", "email": email}
    )
    assert response.status_code in (200, 400)
    assert "at most 254 characters" in response.content.decode()
    assert not Client.objects.filter(organization=organization).exists()

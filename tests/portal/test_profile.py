import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

NEW = "Fresh-Meadow-77"


def test_profile_is_always_available_even_with_every_section_off(client_record):
    from portal_settings.models import PortalSettings
    from portal_settings.sections import KEYS

    PortalSettings.objects.create(client=client_record, values=dict.fromkeys(KEYS, "off"))
    http = signed_in(client_record.user)
    response = http.get(reverse("portal:profile"))
    assert response.status_code == 200
    assert client_record.user.email in response.content.decode()
    home = http.get(reverse("portal:home")).content.decode()
    assert "has not opened any section" in home


def test_changing_the_password_keeps_this_session_and_ends_the_others(client_record):
    here = signed_in(client_record.user)
    elsewhere = signed_in(client_record.user)
    response = here.post(
        reverse("portal:profile"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert here.get(reverse("portal:home")).status_code == 200
    assert elsewhere.get(reverse("portal:home")).status_code == 302
    client_record.user.refresh_from_db()
    assert client_record.user.check_password(NEW)


def test_a_wrong_old_password_changes_nothing(client_record):
    http = signed_in(client_record.user)
    response = http.post(
        reverse("portal:profile"),
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    client_record.user.refresh_from_db()
    assert client_record.user.check_password(PASSWORD)

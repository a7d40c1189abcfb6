"""Changing a practice's age of adulthood is audited, through one service, from the app and the
Django admin alike."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from clients.models import Organization
from clients.services import practice_adult_age_set
from tests.factories import UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

PRACTICE_FORM = {
    "contact_email": "",
    "time_zone": "America/New_York",
    "currency": "USD",
    "cancellation_cutoff_hours": 24,
    "booking_window_days": 28,
    "max_upcoming_bookings": 3,
}


def adult_age_entries():
    return list(
        AuditEntry.objects.filter(action=AuditEntry.Action.ADULT_AGE_CHANGED).values_list(
            "actor_label", "old_value", "new_value", "level"
        )
    )


def test_the_service_changes_the_age_and_records_it(organization, practice_admin):
    practice_adult_age_set(actor=practice_admin, organization=organization, adult_age=17)
    organization.refresh_from_db()
    assert organization.adult_age == 17
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.old_value, entry.new_value, entry.actor) == (
        AuditEntry.Action.ADULT_AGE_CHANGED,
        "18",
        "17",
        practice_admin,
    )
    # The same age again is no change and no entry.
    practice_adult_age_set(actor=practice_admin, organization=organization, adult_age=17)
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize("value", [15, 22, 0, -1, "17", None, True])
def test_an_age_outside_16_to_21_is_refused_in_the_products_words(
    organization, practice_admin, value
):
    with pytest.raises(ValidationError) as caught:
        practice_adult_age_set(actor=practice_admin, organization=organization, adult_age=value)
    assert caught.value.message_dict == {
        "adult_age": ["The age of adulthood is between 16 and 21 years."]
    }
    organization.refresh_from_db()
    assert organization.adult_age == 18
    assert not AuditEntry.objects.exists()


def test_the_practice_settings_page_records_the_change(admin_http, organization, practice_admin):
    data = {**PRACTICE_FORM, "name": organization.name, "adult_age": "19"}
    assert admin_http.post(reverse("provider:practice"), data).status_code == 302
    assert Organization.objects.get(pk=organization.pk).adult_age == 19
    assert [entry[1:] for entry in adult_age_entries()] == [("18", "19", "organization")]
    # Saving the page again without changing the age records nothing more.
    assert admin_http.post(reverse("provider:practice"), data).status_code == 302
    assert len(adult_age_entries()) == 1


def test_the_django_admin_records_the_change(organization):
    staff = UserFactory(is_staff=True, is_superuser=True)
    http = signed_in(staff)
    url = reverse("admin:clients_organization_change", args=[organization.pk])
    page = http.get(url)
    main = page.context["adminform"].form
    data = {name: main[name].value() for name in main.fields if main[name].value() is not None}
    data.update(
        {
            "adult_age": "20",
            "portal_settings-TOTAL_FORMS": "0",
            "portal_settings-INITIAL_FORMS": "0",
            "portal_settings-MIN_NUM_FORMS": "0",
            "portal_settings-MAX_NUM_FORMS": "1",
        }
    )
    response = http.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert Organization.objects.get(pk=organization.pk).adult_age == 20
    assert [entry[1:] for entry in adult_age_entries()] == [("18", "20", "organization")]


def test_the_django_admin_turns_client_emails_on_through_their_audited_service(organization):
    staff = UserFactory(is_staff=True, is_superuser=True)
    http = signed_in(staff)
    url = reverse("admin:clients_organization_change", args=[organization.pk])
    main = http.get(url).context["adminform"].form
    data = {name: main[name].value() for name in main.fields if main[name].value() is not None}
    data.pop("email_clients_on_portal_changes", None)
    data.update(
        {
            "email_clients_on_portal_changes": "on",
            "portal_settings-TOTAL_FORMS": "0",
            "portal_settings-INITIAL_FORMS": "0",
            "portal_settings-MIN_NUM_FORMS": "0",
            "portal_settings-MAX_NUM_FORMS": "1",
        }
    )
    assert http.post(url, data).status_code == 302
    assert Organization.objects.get(pk=organization.pk).email_clients_on_portal_changes
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.old_value, entry.new_value) == (
        AuditEntry.Action.CLIENT_EMAILS_CHANGED,
        "off",
        "on",
    )

"""The bad inputs an outside review turned into 500s, each answered in the product's words.

NUL bytes only break PostgreSQL (SQLite stores them), so these tests assert the refusal itself,
which fails on either database if a text field lets a NUL through.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from clients.models import Organization
from portal.appointments.models import Appointment, AppointmentType
from portal.billing.models import Invoice
from portal_settings.models import PortalSettings
from tests.factories import weekly_hours
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def hour_long(organization, provider):
    weekly_hours(organization=organization, provider=provider)
    return AppointmentType.objects.create(
        organization=organization, name="Consultation", duration_minutes=60
    )


@pytest.mark.parametrize("confirm", ["", "yes"])
@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59",
        # the red team's: valid in UTC, but the booking's own arithmetic overflowed
        "0001-01-01T00:00:00+00:00",
        "9999-12-31T23:59:59+00:00",
        "0001-01-01T05:00:00+05:00",
    ],
)
def test_a_slot_at_the_ends_of_the_calendar_is_a_400(
    client_http, provider, hour_long, moment, confirm
):
    url = reverse("portal:appointments-book") + f"?type={hour_long.pk}"
    slot = f"{provider.pk}|{moment}"
    response = client_http.post(url, {"type": hour_long.pk, "slot": slot, "confirm": confirm})
    assert response.status_code == 400
    assert "That is not a slot" in response.content.decode()
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("provider_id", ["²", "9" * 5000, "-1", " 1"])
def test_a_slot_with_a_strange_provider_id_is_a_400(client_http, hour_long, provider_id):
    url = reverse("portal:appointments-book") + f"?type={hour_long.pk}"
    tomorrow = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = client_http.post(url, {"type": hour_long.pk, "slot": f"{provider_id}|{tomorrow}"})
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_a_nul_byte_in_the_roster_search_is_refused_in_words(provider_http, client_record):
    response = provider_http.get(reverse("clients:list"), {"q": "an\x00a"})
    assert response.status_code == 400
    assert "The search was not run" in response.content.decode()


def test_a_nul_byte_in_the_settings_note_saves_nothing(admin_http, client_record):
    path = reverse("portal_settings:client", args=[client_record.pk])
    version = admin_http.get(path).context["version"]
    response = admin_http.post(
        path, {"version": version, "section-billing": "on", "note": "because\x00"}
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert not AuditEntry.objects.exists()
    assert not PortalSettings.objects.filter(client=client_record).exclude(values={}).exists()


def test_a_nul_byte_in_the_unlock_email_is_refused_in_words(admin_http):
    response = admin_http.post(
        reverse("clients:unlock"), {"email": "someone\x00@example.test"}, follow=True
    )
    assert response.status_code == 200
    assert "valid email" in response.content.decode()


def invoice_post(unit_price, quantity="1", description="Session"):
    return {
        "due_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-description": description,
        "lines-0-quantity": quantity,
        "lines-0-unit_price": unit_price,
        "lines-1-description": description,
        "lines-1-quantity": quantity,
        "lines-1-unit_price": unit_price,
    }


@pytest.mark.parametrize(
    ("unit_price", "quantity"),
    [("60000000", "2"), ("99999999.99", "1000"), ("60000000", "1")],
)
def test_an_invoice_too_large_for_its_columns_is_refused(
    provider_http, client_record, unit_price, quantity
):
    response = provider_http.post(
        reverse("provider:invoice-create", args=[client_record.pk]),
        invoice_post(unit_price, quantity),
    )
    assert response.status_code == 400
    assert "at most" in response.content.decode()
    assert not Invoice.objects.exists()


def test_a_large_but_sensible_invoice_is_accepted(provider_http, client_record):
    response = provider_http.post(
        reverse("provider:invoice-create", args=[client_record.pk]),
        invoice_post("25000.00", "4"),
    )
    assert response.status_code == 302
    assert Invoice.objects.get().total == Decimal("200000.00")


@pytest.mark.parametrize("value", ["²", "٣", "9" * 5000, "1 ", "0x1", "-1"])
@pytest.mark.parametrize("name", ["portal_settings:report", "portal_settings:report-csv"])
def test_a_strange_group_id_on_the_report_is_a_404(admin_http, group, name, value):
    assert admin_http.get(reverse(name), {"group": value}).status_code == 404


def test_the_report_still_filters_by_a_plain_group_id(admin_http, group):
    assert admin_http.get(reverse("portal_settings:report"), {"group": group.pk}).status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cancellation_cutoff_hours", "2147483647"),
        ("cancellation_cutoff_hours", "-1"),
        ("booking_window_days", "2147483647"),
        ("max_upcoming_bookings", "0"),
        ("max_upcoming_bookings", "1000"),
        ("name", "Harbor\nBcc: everyone@example.test"),
        ("name", "Harbor\x00"),
    ],
)
def test_practice_settings_out_of_bounds_are_refused(admin_http, organization, field, value):
    data = {
        "name": organization.name,
        "contact_email": "",
        "time_zone": organization.time_zone,
        "currency": organization.currency,
        "cancellation_cutoff_hours": 24,
        "booking_window_days": 28,
        "max_upcoming_bookings": 3,
        field: value,
    }
    response = admin_http.post(reverse("provider:practice"), data)
    assert response.status_code == 400, field
    organization.refresh_from_db()
    assert getattr(organization, field) != value


def test_practice_settings_at_their_bounds_are_accepted(admin_http, organization):
    data = {
        "name": organization.name,
        "contact_email": "",
        "time_zone": organization.time_zone,
        "currency": organization.currency,
        "cancellation_cutoff_hours": 168,
        "booking_window_days": 365,
        "max_upcoming_bookings": 20,
    }
    assert admin_http.post(reverse("provider:practice"), data).status_code == 302
    organization.refresh_from_db()
    assert (organization.cancellation_cutoff_hours, organization.max_upcoming_bookings) == (168, 20)


def test_the_database_refuses_a_cut_off_that_would_overflow_a_date(organization):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=organization.pk).update(cancellation_cutoff_hours=2**31 - 1)


def test_the_appointments_page_survives_the_largest_allowed_cut_off(
    client_record, provider, organization, hour_long
):
    organization.cancellation_cutoff_hours = 168
    organization.save()
    starts = timezone.now() + dt.timedelta(days=2)
    Appointment.objects.create(
        organization=organization,
        client=client_record,
        provider=provider,
        appointment_type=hour_long,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
    )
    http = signed_in(client_record.user)
    assert http.get(reverse("portal:appointments")).status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cancellation_cutoff_hours", 2**31 - 1),
        ("max_upcoming_bookings", 0),
        ("booking_window_days", 366),
        ("name", "Harbor\r\nBcc: all@example.test"),
    ],
)
def test_the_practice_service_refuses_what_the_form_refuses(organization, field, value):
    from django.core.exceptions import ValidationError

    from portal.appointments.setup_services import practice_update

    rules = {
        "name": "Harbor Wellness",
        "contact_email": "",
        "time_zone": "America/New_York",
        "currency": "USD",
        "cancellation_cutoff_hours": 24,
        "booking_window_days": 28,
        "max_upcoming_bookings": 3,
    }
    with pytest.raises(ValidationError):
        practice_update(actor=None, organization=organization, **{**rules, field: value})
    organization.refresh_from_db()
    assert getattr(organization, field) != value


def test_a_package_priced_above_what_an_invoice_can_hold_is_refused(admin_http, organization):
    """A purchase is invoiced: a package the invoice could not hold could never be bought."""
    from portal.packages.models import Package

    data = {"name": "Year", "description": "", "price": "2000000.00", "sessions_included": 52}
    response = admin_http.post(reverse("provider:package-list"), data)
    assert response.status_code == 400
    assert "at most 1,000,000.00" in response.content.decode()
    assert not Package.objects.exists()

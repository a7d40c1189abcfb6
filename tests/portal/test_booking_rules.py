"""The practice's booking rules hold for a crafted post, not only on the page that draws slots:
how far ahead (the booking window), how soon (the minimum notice), how many (per client)."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.appointments.models import Appointment, AppointmentType, Availability
from portal.appointments.services import BookingRefused, SlotTaken, appointment_book
from tests.concurrency import requires_postgres, run_concurrently
from tests.factories import ClientFactory, MembershipFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db
UTC = dt.timezone.utc


@pytest.fixture
def hour_long(organization):
    return AppointmentType.objects.create(
        organization=organization, name="Consultation", duration_minutes=60
    )


def open_every_day(organization, provider, start=0, end=24):
    for weekday in range(7):
        Availability.objects.create(
            organization=organization,
            provider=provider,
            weekday=weekday,
            start_time=dt.time(start),
            end_time=dt.time(end - 1, 59) if end == 24 else dt.time(end),
        )


@pytest.fixture
def always_open(organization, provider):
    open_every_day(organization, provider)


def local_day_at(days_ahead, hour, organization):
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    day = timezone.localdate(timezone=zone) + dt.timedelta(days=days_ahead)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone).astimezone(UTC)


def post_slot(http, kind, provider, starts_at):
    return http.post(
        reverse("portal:appointments-book") + f"?type={kind.pk}",
        {"type": kind.pk, "slot": f"{provider.pk}|{starts_at.isoformat()}", "confirm": "yes"},
    )


def test_a_slot_beyond_the_booking_window_is_refused(
    client_http, provider, hour_long, always_open, organization
):
    organization.booking_window_days = 14
    organization.save()
    response = post_slot(client_http, hour_long, provider, local_day_at(14, 10, organization))
    assert response.status_code == 400
    assert "up to 14 days ahead" in response.content.decode()
    assert not Appointment.objects.exists()
    # The last day the page shows is still bookable.
    assert post_slot(
        client_http, hour_long, provider, local_day_at(13, 10, organization)
    ).status_code == (302)


def test_a_slot_years_ahead_is_refused_by_the_service(
    client_record, provider, hour_long, always_open, organization
):
    with pytest.raises(BookingRefused):
        appointment_book(
            client=client_record,
            provider_id=provider.pk,
            appointment_type=hour_long,
            starts_at=local_day_at(3 * 365, 10, organization),
        )
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    "offset", [dt.timedelta(days=-1), dt.timedelta(minutes=-1), dt.timedelta(minutes=59)]
)
def test_a_slot_in_the_past_or_inside_the_minimum_notice_is_refused(
    client_record, provider, hour_long, always_open, offset
):
    now = dt.datetime(2027, 1, 6, 15, 0, tzinfo=UTC)  # 10:00 in New York, on the hour's grid
    with pytest.raises(BookingRefused, match="an hour before"):
        appointment_book(
            client=client_record,
            provider_id=provider.pk,
            appointment_type=hour_long,
            starts_at=now + offset,
            now=now,
        )
    assert not Appointment.objects.exists()
    # An hour ahead exactly is fine.
    appointment_book(
        client=client_record,
        provider_id=provider.pk,
        appointment_type=hour_long,
        starts_at=now + dt.timedelta(hours=1),
        now=now,
    )


def test_the_per_client_limit_of_upcoming_bookings(
    client_record, provider, hour_long, always_open, organization
):
    organization.max_upcoming_bookings = 2
    organization.save()
    http = signed_in(client_record.user)
    for day in (1, 2):
        assert (
            post_slot(http, hour_long, provider, local_day_at(day, 10, organization)).status_code
            == 302
        )
    response = post_slot(http, hour_long, provider, local_day_at(3, 10, organization))
    assert response.status_code == 400
    assert "already have 2 upcoming appointments" in response.content.decode()
    assert Appointment.objects.filter(client=client_record).count() == 2
    # Another client of the practice is not affected.
    other = signed_in(ClientFactory(organization=organization).user)
    assert (
        post_slot(other, hour_long, provider, local_day_at(3, 10, organization)).status_code == 302
    )
    # A cancelled or past appointment does not count.
    first = Appointment.objects.filter(client=client_record).earliest("starts_at")
    first.status = Appointment.Status.CANCELLED
    first.save()
    assert (
        post_slot(http, hour_long, provider, local_day_at(4, 10, organization)).status_code == 302
    )


def test_the_default_limit_is_three(organization):
    assert organization.max_upcoming_bookings == 3


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_overlapping_bookings_of_different_lengths_racing_get_one(organization, provider):
    open_every_day(organization, provider, 9, 12)
    hour = AppointmentType.objects.create(
        organization=organization, name="Long", duration_minutes=60
    )
    half = AppointmentType.objects.create(
        organization=organization, name="Short", duration_minutes=30
    )
    nine = local_day_at(1, 9, organization)
    racers = [ClientFactory(organization=organization) for _ in range(2)]
    for _ in range(5):  # the race is real, so run it more than once
        Appointment.objects.all().delete()

        def book(client, kind, starts_at):
            try:
                return appointment_book(
                    client=client,
                    provider_id=provider.pk,
                    appointment_type=kind,
                    starts_at=starts_at,
                )
            except SlotTaken:
                return None

        results = run_concurrently(
            lambda: book(racers[0], hour, nine),  # 9:00-10:00
            lambda: book(racers[1], half, nine + dt.timedelta(minutes=30)),  # 9:30-10:00
        )
        assert sum(r is not None for r in results) == 1
        assert Appointment.objects.filter(status="booked").count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_one_client_racing_past_the_limit_with_two_providers_gets_only_the_limit(organization):
    organization.max_upcoming_bookings = 1
    organization.save()
    kind = AppointmentType.objects.create(
        organization=organization, name="Call", duration_minutes=30
    )
    providers = [MembershipFactory(organization=organization).user for _ in range(2)]
    for person in providers:
        open_every_day(organization, person, 9, 12)
    client = ClientFactory(organization=organization)
    starts = local_day_at(1, 10, organization)

    def book(provider):
        try:
            return appointment_book(
                client=client, provider_id=provider.pk, appointment_type=kind, starts_at=starts
            )
        except BookingRefused:
            return None

    results = run_concurrently(*(lambda p=p: book(p) for p in providers))
    assert sum(r is not None for r in results) == 1
    assert Appointment.objects.filter(client=client, status="booked").count() == 1

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.appointments.models import Appointment, AppointmentType, Availability
from portal.appointments.services import SlotTaken, appointment_book
from portal.appointments.slots import open_slots
from tests.concurrency import requires_postgres, run_concurrently
from tests.factories import ClientFactory, weekly_hours
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db
UTC = dt.timezone.utc  # not dt.UTC: that needs Python 3.11
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def hour_long(organization):
    return AppointmentType.objects.create(
        organization=organization, name="Consultation", duration_minutes=60
    )


@pytest.fixture
def every_day_9_to_12(organization, provider):
    weekly_hours(organization=organization, provider=provider)


def tomorrow_at(hour, organization):
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    day = timezone.localdate(timezone=zone) + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone).astimezone(UTC)


def slot_value(provider, starts_at):
    return f"{provider.pk}|{starts_at.isoformat()}"


def book(http, kind, provider, starts_at):
    return http.post(
        reverse("portal:appointments-book") + f"?type={kind.pk}",
        {"type": kind.pk, "slot": slot_value(provider, starts_at), "confirm": "yes"},
    )


def test_slots_follow_weekly_hours_in_the_practice_time_zone(organization, provider, hour_long):
    Availability.objects.create(
        organization=organization,
        provider=provider,
        weekday=0,
        start_time=dt.time(9),
        end_time=dt.time(12),
    )
    monday = dt.date(2027, 1, 4)  # winter: New York is UTC-5
    slots = open_slots(
        organization=organization,
        appointment_type=hour_long,
        now=dt.datetime(2027, 1, 1, tzinfo=UTC),
        first_day=monday,
        days=7,
    )
    assert [s.starts_at for s in slots] == [
        dt.datetime(2027, 1, 4, h, tzinfo=UTC) for h in (14, 15, 16)
    ]


def test_wall_clock_hours_survive_daylight_saving(organization, provider, hour_long):
    Availability.objects.create(
        organization=organization,
        provider=provider,
        weekday=0,
        start_time=dt.time(9),
        end_time=dt.time(10),
    )
    before, after = dt.date(2027, 3, 8), dt.date(2027, 3, 15)  # DST starts Sunday March 14, 2027
    now = dt.datetime(2027, 3, 1, tzinfo=UTC)
    first = open_slots(
        organization=organization, appointment_type=hour_long, now=now, first_day=before, days=1
    )
    second = open_slots(
        organization=organization, appointment_type=hour_long, now=now, first_day=after, days=1
    )
    assert (
        first[0].starts_at.astimezone(NEW_YORK).hour
        == second[0].starts_at.astimezone(NEW_YORK).hour
        == 9
    )
    assert (first[0].starts_at.hour, second[0].starts_at.hour) == (14, 13)


def test_client_books_a_slot_and_both_get_an_email(
    client_record,
    provider,
    hour_long,
    every_day_9_to_12,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    http = signed_in(client_record.user)
    page = http.get(reverse("portal:appointments-book"), {"type": hour_long.pk}).content.decode()
    starts = tomorrow_at(10, client_record.organization)
    assert slot_value(provider, starts) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = book(http, hour_long, provider, starts)
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.starts_at, appointment.ends_at - appointment.starts_at) == (
        starts,
        dt.timedelta(hours=1),
    )
    assert len(mailoutbox) == 1 and set(mailoutbox[0].to) == {
        client_record.user.email,
        provider.email,
    }
    assert "booked" in mailoutbox[0].subject
    assert "10:00 AM" in mailoutbox[0].subject  # in the practice's time zone
    again = http.get(reverse("portal:appointments-book"), {"type": hour_long.pk}).content.decode()
    assert slot_value(provider, starts) not in again
    assert "Consultation with" in http.get(reverse("portal:appointments")).content.decode()


def test_a_taken_slot_is_refused(
    client_record, provider, hour_long, every_day_9_to_12, organization
):
    starts = tomorrow_at(10, organization)
    assert book(signed_in(client_record.user), hour_long, provider, starts).status_code == 302
    other = signed_in(ClientFactory(organization=organization).user)
    response = book(other, hour_long, provider, starts)
    assert response.status_code == 409
    assert "just taken" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_an_overlapping_slot_of_another_length_is_refused(
    client_record, provider, hour_long, every_day_9_to_12, organization
):
    half = AppointmentType.objects.create(
        organization=organization, name="Check-in", duration_minutes=30
    )
    appointment_book(
        client=client_record,
        provider_id=provider.pk,
        appointment_type=hour_long,
        starts_at=tomorrow_at(9, organization),
    )
    other = ClientFactory(organization=organization)
    with pytest.raises(SlotTaken):
        appointment_book(
            client=other,
            provider_id=provider.pk,
            appointment_type=half,
            starts_at=tomorrow_at(9, organization) + dt.timedelta(minutes=30),
        )


def test_a_time_outside_the_hours_or_off_grid_is_refused(
    client_record, provider, hour_long, every_day_9_to_12, organization
):
    for starts in (
        tomorrow_at(13, organization),
        tomorrow_at(9, organization) + dt.timedelta(minutes=7),
    ):
        with pytest.raises(SlotTaken):
            appointment_book(
                client=client_record,
                provider_id=provider.pk,
                appointment_type=hour_long,
                starts_at=starts,
            )
    assert not Appointment.objects.exists()


def test_choosing_a_time_shows_a_confirmation_and_books_nothing(
    client_http, organization, provider, hour_long, every_day_9_to_12
):
    organization.cancellation_cutoff_hours = 2  # tomorrow's slot is outside it
    organization.save()
    starts_at = tomorrow_at(10, organization)
    response = client_http.post(
        reverse("portal:appointments-book") + f"?type={hour_long.pk}",
        {"type": hour_long.pk, "slot": slot_value(provider, starts_at)},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert not Appointment.objects.exists()
    assert "Confirm your appointment" in body
    assert provider.get_full_name() in body
    assert organization.time_zone in body
    assert f"up to {organization.cancellation_cutoff_hours} hour" in body
    assert 'name="confirm" value="yes"' in body


def test_the_confirmation_warns_when_the_time_is_already_inside_the_cancellation_cutoff(
    client_http, organization, provider, hour_long, every_day_9_to_12
):
    organization.cancellation_cutoff_hours = 72
    organization.save()
    response = client_http.post(
        reverse("portal:appointments-book") + f"?type={hour_long.pk}",
        {"type": hour_long.pk, "slot": slot_value(provider, tomorrow_at(10, organization))},
    )
    body = response.content.decode()
    assert "less than 72 hours away, so once booked it cannot be cancelled online" in body
    assert "You can cancel online up to" not in body


def test_a_slot_with_someone_outside_the_practice_is_a_400(
    client_http, other_provider, hour_long, organization
):
    url = reverse("portal:appointments-book") + f"?type={hour_long.pk}"
    value = slot_value(other_provider, tomorrow_at(10, organization))
    assert client_http.post(url, {"type": hour_long.pk, "slot": value}).status_code == 400


def test_a_bad_slot_value_is_a_400(client_http, hour_long, every_day_9_to_12):
    url = reverse("portal:appointments-book") + f"?type={hour_long.pk}"
    for value in ("nonsense", "1|not-a-date", "1|2030-01-01T10:00:00"):
        assert client_http.post(url, {"type": hour_long.pk, "slot": value}).status_code == 400
    assert not Appointment.objects.exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_clients_racing_for_one_slot_get_one_booking(
    organization, provider, hour_long, every_day_9_to_12
):
    starts = tomorrow_at(11, organization)
    browsers = [signed_in(ClientFactory(organization=organization).user) for _ in range(2)]
    responses = run_concurrently(
        *(lambda b=b: book(b, hour_long, provider, starts) for b in browsers)
    )
    assert sorted(r.status_code for r in responses) == [302, 409]
    assert Appointment.objects.filter(status="booked").count() == 1


def test_client_cancels_before_the_cut_off(
    client_record,
    provider,
    hour_long,
    every_day_9_to_12,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    organization = client_record.organization
    organization.cancellation_cutoff_hours = 2
    organization.save()
    appointment = appointment_book(
        client=client_record,
        provider_id=provider.pk,
        appointment_type=hour_long,
        starts_at=tomorrow_at(10, organization),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client_record.user).post(
            reverse("portal:appointments-cancel", args=[appointment.pk])
        )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.cancelled_by == client_record.user
    assert "cancelled" in mailoutbox[-1].subject


def test_client_cannot_cancel_after_the_cut_off_but_the_provider_can(
    client_record, provider, provider_http, hour_long, organization
):
    starts = timezone.now() + dt.timedelta(hours=5)
    appointment = Appointment.objects.create(
        organization=organization,
        client=client_record,
        provider=provider,
        appointment_type=hour_long,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
    )
    http = signed_in(client_record.user)
    page = http.get(reverse("portal:appointments")).content.decode()
    assert "Less than 24 hours away" in page
    response = http.post(reverse("portal:appointments-cancel", args=[appointment.pk]), follow=True)
    assert "up to 24 hours before" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    provider_http.post(
        reverse("provider:appointment-cancel", args=[client_record.pk, appointment.pk])
    )
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


def test_another_client_cannot_cancel(
    client_record, provider, hour_long, every_day_9_to_12, organization
):
    appointment = appointment_book(
        client=client_record,
        provider_id=provider.pk,
        appointment_type=hour_long,
        starts_at=tomorrow_at(10, organization),
    )
    intruder = signed_in(ClientFactory(organization=organization).user)
    assert (
        intruder.post(reverse("portal:appointments-cancel", args=[appointment.pk])).status_code
        == 404
    )
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_the_provider_sees_the_schedule(
    client_record, provider, provider_http, hour_long, every_day_9_to_12, organization
):
    appointment_book(
        client=client_record,
        provider_id=provider.pk,
        appointment_type=hour_long,
        starts_at=tomorrow_at(10, organization),
    )
    page = provider_http.get(reverse("provider:schedule")).content.decode()
    assert client_record.user.get_full_name() in page and "10:00 AM" in page


def test_provider_manages_weekly_hours(provider_http, provider):
    response = provider_http.post(
        reverse("provider:availability"), {"weekday": 2, "start_time": "13:00", "end_time": "17:00"}
    )
    assert response.status_code == 302
    assert Availability.objects.get(provider=provider).weekday == 2
    bad = provider_http.post(
        reverse("provider:availability"), {"weekday": 2, "start_time": "17:00", "end_time": "13:00"}
    )
    assert bad.status_code == 400
    assert Availability.objects.count() == 1


def test_only_practice_admins_add_appointment_types(provider_http, admin_http, organization):
    data = {"name": "Group class", "duration_minutes": 45, "description": ""}
    assert provider_http.post(reverse("provider:appointment-type-create"), data).status_code == 403
    assert admin_http.post(reverse("provider:appointment-type-create"), data).status_code == 302
    assert AppointmentType.objects.get(organization=organization).duration_minutes == 45

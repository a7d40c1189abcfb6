"""Setting up the schedule: practice settings, weekly hours and appointment types.

Booking and cancelling are in services.py.

The forms show these rules next to their fields; the services apply them again, whoever calls.
"""

from copy import copy
from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction

from clients.services import practice_adult_age_set, practice_settings_update
from portal.appointments.models import AppointmentType, Availability

BOOKING_WINDOW_ERROR = "Between 1 and 365 days."
DURATION_ERROR = "Between 5 and 480 minutes."
HOURS_ERROR = "The end time must be after the start time."


def _check_duration(minutes: int) -> None:
    if not 5 <= minutes <= 480:
        raise ValidationError({"duration_minutes": DURATION_ERROR})


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the appointment type a name."})
    if len(name) > AppointmentType._meta.get_field("name").max_length:
        raise ValidationError({"name": "Keep the name to 100 characters."})
    return name


@transaction.atomic
def availability_add(
    *, organization, provider, weekday: int, start_time: time, end_time: time
) -> Availability:
    """A block of weekly hours in which the provider takes appointments."""
    if weekday not in dict(Availability.WEEKDAYS):
        raise ValidationError({"weekday": "Choose a day of the week."})
    if end_time <= start_time:
        raise ValidationError(HOURS_ERROR)
    return Availability.objects.create(
        organization=organization,
        provider=provider,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
    )


@transaction.atomic
def availability_remove(*, block: Availability) -> None:
    """Stop taking appointments in the block; appointments already booked in it are kept."""
    block.delete()


@transaction.atomic
def appointment_type_create(
    *, organization, name: str, duration_minutes: int, description: str = ""
) -> AppointmentType:
    name = _check_name(name)
    _check_duration(duration_minutes)
    return AppointmentType.objects.create(
        organization=organization,
        name=name,
        duration_minutes=duration_minutes,
        description=description.strip(),
    )


@transaction.atomic
def appointment_type_update(
    *,
    appointment_type: AppointmentType,
    name: str | None = None,
    duration_minutes: int | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> AppointmentType:
    """Change the given fields only; booked appointments keep their own start and end."""
    changed = []
    if name is not None:
        appointment_type.name = _check_name(name)
        changed.append("name")
    if duration_minutes is not None:
        _check_duration(duration_minutes)
        appointment_type.duration_minutes = duration_minutes
        changed.append("duration_minutes")
    if description is not None:
        appointment_type.description = description.strip()
        changed.append("description")
    if active is not None:
        appointment_type.active = active
        changed.append("active")
    if changed:
        appointment_type.save(update_fields=changed)
    return appointment_type


@transaction.atomic
def practice_update(
    *,
    actor,
    organization,
    name: str,
    contact_email: str,
    time_zone: str,
    currency: str,
    cancellation_cutoff_hours: int,
    booking_window_days: int,
    max_upcoming_bookings: int,
    adult_age: int | None = None,
):
    """The practice's name, contact, time zone, currency, booking rules and age of adulthood
    (when parents' and guardians' family access is handed over; None leaves it; a change is
    recorded in the audit trail by its own service).

    Checked on a copy first, so a refused change leaves `organization` as it was.
    """
    if not 1 <= booking_window_days <= 365:
        raise ValidationError({"booking_window_days": BOOKING_WINDOW_ERROR})
    fields = {
        "name": name.strip(),
        "contact_email": contact_email.strip(),
        "time_zone": time_zone,
        "currency": currency,
        "cancellation_cutoff_hours": cancellation_cutoff_hours,
        "booking_window_days": booking_window_days,
        "max_upcoming_bookings": max_upcoming_bookings,
    }
    candidate = copy(organization)
    for field, value in fields.items():
        setattr(candidate, field, value)
    if adult_age is not None:
        candidate.adult_age = adult_age
    candidate.full_clean()
    # Each setting that changed is recorded in the practice's History.
    practice_settings_update(actor=actor, organization=organization, changes=fields)
    if adult_age is not None:
        practice_adult_age_set(actor=actor, organization=organization, adult_age=adult_age)
    return organization

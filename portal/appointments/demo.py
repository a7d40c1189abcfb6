"""Demo schedule: two appointment types, weekly hours for two providers, Casey's appointments."""

import datetime as dt
import zoneinfo

from django.utils import timezone

from portal.appointments.models import Appointment, AppointmentType, Availability
from portal.appointments.setup_services import appointment_type_create, availability_add


def seed(*, organization, admin, provider, clients) -> None:
    casey = clients["client@demo.test"]
    kinds = {}
    for name, minutes in (("Initial consultation", 60), ("Follow-up", 30)):
        kinds[name] = AppointmentType.objects.filter(
            organization=organization, name=name
        ).first() or appointment_type_create(
            organization=organization, name=name, duration_minutes=minutes
        )
    if not Availability.objects.filter(organization=organization).exists():
        hours = [(provider, weekday, 9, 17) for weekday in range(5)]
        hours += [(admin, weekday, 13, 18) for weekday in (1, 3)]
        for who, weekday, start, end in hours:
            availability_add(
                organization=organization,
                provider=who,
                weekday=weekday,
                start_time=dt.time(start),
                end_time=dt.time(end),
            )
    if Appointment.objects.filter(client=casey).exists():
        return
    # Past and upcoming appointments are history, not bookings: made directly, as the
    # booking service only books open slots in the future.
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    today = timezone.localdate()
    day = today + dt.timedelta(days=2)
    while day.weekday() > 4:
        day += dt.timedelta(days=1)
    for when, kind in (
        (dt.datetime.combine(day, dt.time(10), tzinfo=zone), kinds["Follow-up"]),
        (
            dt.datetime.combine(today - dt.timedelta(days=12), dt.time(9), tzinfo=zone),
            kinds["Initial consultation"],
        ),
    ):
        Appointment.objects.create(
            organization=organization,
            client=casey,
            provider=provider,
            appointment_type=kind,
            starts_at=when,
            ends_at=when + dt.timedelta(minutes=kind.duration_minutes),
        )

"""Open appointment slots, computed from weekly hours minus what is booked.

Weekly hours are wall-clock times in the practice's zone, so a 9:00 start stays 9:00 across
daylight-saving changes; slots are returned in UTC.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.appointments.models import Appointment, Availability

MIN_NOTICE = timedelta(hours=1)


@dataclass(frozen=True)
class Slot:
    provider_id: int
    starts_at: datetime
    ends_at: datetime

    @property
    def key(self) -> str:
        return f"{self.provider_id}|{self.starts_at.isoformat()}"


def _local(day: date, at, zone) -> datetime | None:
    moment = datetime.combine(day, at, tzinfo=zone)
    # A wall-clock time inside a spring-forward gap does not exist: skip it.
    round_trip = moment.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(zone)
    return moment if round_trip.replace(tzinfo=None) == moment.replace(tzinfo=None) else None


def open_slots(
    *, organization, appointment_type, now: datetime, first_day: date, days: int, provider_id=None
) -> list[Slot]:
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    duration = timedelta(minutes=appointment_type.duration_minutes)
    hours = Availability.objects.filter(organization=organization)
    if provider_id is not None:
        hours = hours.filter(provider_id=provider_id)
    by_weekday: dict[int, list[Availability]] = {}
    for block in hours:
        by_weekday.setdefault(block.weekday, []).append(block)

    window_start = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    window_end = window_start + timedelta(days=days + 1)
    booked: dict[int, list[tuple[datetime, datetime]]] = {}
    for provider, starts, ends in Appointment.objects.filter(
        organization=organization,
        status=Appointment.Status.BOOKED,
        starts_at__lt=window_end,
        ends_at__gt=window_start,
    ).values_list("provider_id", "starts_at", "ends_at"):
        booked.setdefault(provider, []).append((starts, ends))

    earliest = now + MIN_NOTICE
    slots = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for block in by_weekday.get(day.weekday(), []):
            start, end = _local(day, block.start_time, zone), _local(day, block.end_time, zone)
            if start is None or end is None:
                continue
            moment = start
            while moment + duration <= end:
                slot_end = moment + duration
                taken = any(
                    s < slot_end and moment < e for s, e in booked.get(block.provider_id, [])
                )
                if moment >= earliest and not taken:
                    slots.append(
                        Slot(
                            block.provider_id,
                            moment.astimezone(zoneinfo.ZoneInfo("UTC")),
                            slot_end.astimezone(zoneinfo.ZoneInfo("UTC")),
                        )
                    )
                moment = slot_end
    slots.sort(key=lambda s: (s.starts_at, s.provider_id))
    return slots

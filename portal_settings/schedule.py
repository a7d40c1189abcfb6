"""Access with dates: a level that holds from and/or until a moment.

A client's or a group's settings row may carry, per section, one dated value in its `schedule`
column: {"billing": {"level": "off", "from": "2027-03-01T05:00:00+00:00", "until": null}}.
Times are stored in UTC (ISO 8601); either may be missing, not both.

The resolver applies a dated value when it reads the row, at `timezone.now()`: it holds from
`from` (inclusive) until `until` (exclusive), and while it holds it beats the row's plain value.
Before it starts and after it ends the row's plain value (or what it inherits) applies, with no
background job needed. An ended value stays in the column, shown in the History as ended,
until it is replaced or cleared; it no longer counts.

Providers enter times as local date-times in the practice's time zone. A local time that does
not exist (the hour skipped when clocks go forward) or that happens twice (the hour repeated
when they go back) is refused with a clear error rather than guessed.
"""

import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time
from datetime import timezone as dt_timezone

from django.core.exceptions import ValidationError
from django.utils import timezone

from portal_settings.levels import Access
from portal_settings.sections import BY_KEY, Section

ENTRY_KEYS = {"level", "from", "until"}
# Years a dated value may name: far enough for any program, near enough that time zone
# arithmetic never overflows at the ends of the calendar.
FIRST_YEAR, LAST_YEAR = 2000, 2200
_LOCAL_INPUT = re.compile(r"\A(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?\Z")


@dataclass(frozen=True, slots=True)
class Dated:
    """One dated value: `access` from `start` (None: already) until `end` (None: no end)."""

    access: Access
    start: datetime | None
    end: datetime | None

    def in_force(self, now: datetime) -> bool:
        return (self.start is None or self.start <= now) and (self.end is None or now < self.end)

    def pending(self, now: datetime) -> bool:
        return self.start is not None and now < self.start

    def ended(self, now: datetime) -> bool:
        return self.end is not None and self.end <= now

    def last_boundary(self, now: datetime) -> datetime | None:
        """The latest of its start and end that has passed by `now`, if any."""
        passed = [moment for moment in (self.start, self.end) if moment and moment <= now]
        return max(passed, default=None)

    def as_json(self) -> dict:
        return {
            "level": self.access.value,
            "from": _iso(self.start),
            "until": _iso(self.end),
        }

    def words(self) -> str:
        """ "Off from Mar 1 until Mar 15", "Off until Mar 1" """
        return f"{self.access.label} {period_words(self.start, self.end)}"


def _iso(moment: datetime | None) -> str | None:
    """Stored in UTC to the second (what a datetime-local field can show and send back)."""
    if moment is None:
        return None
    return moment.astimezone(dt_timezone.utc).replace(microsecond=0).isoformat()


def _parse_stored(value) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return moment


def dated_from_json(entry) -> Dated:
    """A stored entry as a Dated; ValueError for anything malformed (the resolver then fails
    closed, as for a bad level)."""
    if not isinstance(entry, dict) or set(entry) - ENTRY_KEYS:
        raise ValueError(f"{entry!r} is not a dated value")
    access = Access(entry.get("level"))
    start, end = _parse_stored(entry.get("from")), _parse_stored(entry.get("until"))
    if start is None and end is None:
        raise ValueError(f"{entry!r} has neither a start nor an end")
    if start is not None and end is not None and end <= start:
        raise ValueError(f"{entry!r} ends before it starts")
    return Dated(access, start, end)


TRAIL_PREFIX = "dated:"
TRAIL_NONE = "dated:none"


def trail_text(entry: dict | None) -> str:
    """A stored dated value as the audit trail keeps it: "dated:off|<from, UTC>|<until>",
    or "dated:none" for no dated value."""
    if entry is None:
        return TRAIL_NONE
    return f"{TRAIL_PREFIX}{entry['level']}|{entry.get('from') or ''}|{entry.get('until') or ''}"


def dated_from_trail(text: str) -> Dated | None:
    """The dated value an audit trail value names; None for "dated:none" or anything else."""
    if not text.startswith(TRAIL_PREFIX) or text == TRAIL_NONE:
        return None
    try:
        level, start, end = text.removeprefix(TRAIL_PREFIX).split("|")
        return dated_from_json({"level": level, "from": start or None, "until": end or None})
    except (ValueError, TypeError):
        return None


def validate_schedule(schedule) -> None:
    """The model's validator: each key a section, each entry a level the section offers with
    a start and/or an end, the end after the start."""
    if not isinstance(schedule, dict):
        raise ValidationError("Dated values must map section keys to dated levels.")
    for key, entry in schedule.items():
        section = BY_KEY.get(key)
        if section is None:
            raise ValidationError(f"{key!r} is not a Client Portal section.")
        try:
            dated = dated_from_json(entry)
        except (ValueError, TypeError) as exc:
            raise ValidationError(f"The dated value of {section.label} is not valid.") from exc
        if not section.allows_level(dated.access):
            raise ValidationError(f"{section.label} cannot be {dated.access.label}.")


def day_words(moment: datetime, *, now: datetime | None = None) -> str:
    """ "Mar 1", "Mar 1, 2:30 PM", "Mar 1, 2028": in the active time zone (the practice's on
    its pages), the year only when it is not this year, the time only when not midnight. Month
    first, as every other date in the app ("M j, Y")."""
    local = timezone.localtime(moment)
    this_year = timezone.localtime(now or timezone.now()).year
    text = f"{local:%b} {local.day}"
    if local.year != this_year:
        text += f", {local.year}"
    if local.time() != time(0, 0):
        text += ", " + local.strftime("%I:%M %p").lstrip("0")
    return text


def period_words(start: datetime | None, end: datetime | None) -> str:
    parts = []
    if start is not None:
        parts.append(f"from {day_words(start)}")
    if end is not None:
        parts.append(f"until {day_words(end)}")
    return " ".join(parts)


# Reading a provider's local date-time.


class ScheduleInputError(ValueError):
    """A dated value the form cannot accept, in the form's words: nothing is saved."""


def local_moment(text: str, *, time_zone: str, what: str) -> datetime | None:
    """A posted local date-time ("2027-03-01T09:00", from an <input type=datetime-local>) in
    the practice's time zone, as an aware datetime; None for an empty field. Refuses, in the
    form's words, anything else, and a local time the clocks skip or repeat."""
    text = (text or "").strip()
    if not text:
        return None
    match = _LOCAL_INPUT.match(text) if text.isascii() else None
    if match is None:
        raise ScheduleInputError(f"{what} must be a date and time, like 2027-03-01 09:00.")
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ScheduleInputError(f"{what} must be between {FIRST_YEAR} and {LAST_YEAR}.")
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise ScheduleInputError(f"{what} is not a real date and time.") from exc
    zone = zoneinfo.ZoneInfo(time_zone)
    early, late = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        back = early.astimezone(dt_timezone.utc).astimezone(zone).replace(tzinfo=None)
        shown = naive.strftime("%I:%M %p").lstrip("0") + f" on {naive:%b} {naive.day}, {year}"
        if back != naive:
            raise ScheduleInputError(
                f"{what}: {shown} does not exist in {time_zone}, because the clocks go forward "
                "that night. Choose a time an hour later or earlier."
            )
        raise ScheduleInputError(
            f"{what}: {shown} happens twice in {time_zone}, because the clocks go back that "
            "night. Choose a time an hour later or earlier."
        )
    # In UTC from here on: arithmetic and comparisons on a zoned datetime follow the wall clock
    # (02:59:59 on a spring-forward night is not one second before 03:00).
    return early.astimezone(dt_timezone.utc)


def level_choices(section: Section) -> str:
    """ "Full, View only or Off" """
    labels = [access.label for access in section.levels]
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def dated_value(
    *, section: Section, level: str, start: datetime | None, end: datetime | None, now: datetime
) -> Dated:
    """A dated value for `section`, checked: a level the section offers, a start and/or an end,
    the end after the start and still ahead."""
    if not section.allows_level(level):
        raise ScheduleInputError(
            f"“{section.label}” can be {level_choices(section)} for a dated value."
        )
    if start is None and end is None:
        raise ScheduleInputError(
            f"For a dated value of “{section.label}”, give a From or an Until date (or both)."
        )
    if start is not None and end is not None and end <= start:
        raise ScheduleInputError(f"For “{section.label}”, Until must be after From.")
    if end is not None and end <= now:
        raise ScheduleInputError(
            f"For “{section.label}”, Until has already passed; choose a time still to come."
        )
    return Dated(Access(level), start, end)

"""Dated values in the resolver: a level from and/or until a moment, applied when read, at the
boundaries (just before, at, just after), in two practice time zones and across the daylight
saving changes of America/New_York in 2027 (clocks forward 14 Mar, back 7 Nov)."""

import zoneinfo
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from portal_settings.levels import Access
from portal_settings.resolver import Sources, resolve
from portal_settings.schedule import (
    Dated,
    ScheduleInputError,
    dated_value,
    day_words,
    local_moment,
)
from portal_settings.sections import BY_KEY

NEW_YORK = "America/New_York"
TOKYO = "Asia/Tokyo"
SECOND = timedelta(seconds=1)


def entry(level, start=None, end=None) -> dict:
    return Dated(Access(level), start, end).as_json()


def billing(now, *, client_schedule=None, group_schedule=None, client=None, group=None):
    sources = Sources(
        organization={},
        group=group if group is not None else {},
        group_name="Teens",
        client=client or {},
        group_schedule=group_schedule,
        client_schedule=client_schedule,
        now=now,
    )
    return resolve(sources)["billing"]


@pytest.mark.parametrize(
    ("time_zone", "local"),
    [
        (NEW_YORK, datetime(2027, 3, 14, 3, 0)),  # the first hour after clocks go forward
        (NEW_YORK, datetime(2027, 11, 7, 2, 0)),  # the hour after the repeated one
        (NEW_YORK, datetime(2027, 3, 13, 9, 0)),  # the day before the change
        (TOKYO, datetime(2027, 3, 14, 3, 0)),  # no daylight saving at all
    ],
)
def test_a_dated_off_holds_from_its_start_inclusive_until_its_end_exclusive(time_zone, local):
    start = local_moment(local.isoformat(), time_zone=time_zone, what="From")
    end = local_moment((local + timedelta(days=1)).isoformat(), time_zone=time_zone, what="Until")
    schedule = {"billing": entry("off", start, end)}

    def at(moment):
        return billing(moment, client_schedule=schedule).access

    assert at(start - SECOND) is Access.FULL  # just before the start
    assert at(start) is Access.OFF  # at the start
    assert at(start + SECOND) is Access.OFF
    assert at(end - SECOND) is Access.OFF  # just before the end
    assert at(end) is Access.FULL  # at the end: ended
    assert at(end + SECOND) is Access.FULL


def test_a_local_day_across_the_spring_change_is_23_hours_of_off():
    # From midnight 14 Mar to midnight 15 Mar in New York is 23 real hours: the stored UTC
    # times keep the wall-clock meaning, not a fixed 24 hours.
    start = local_moment("2027-03-14T00:00", time_zone=NEW_YORK, what="From")
    end = local_moment("2027-03-15T00:00", time_zone=NEW_YORK, what="Until")
    assert end - start == timedelta(hours=23)
    assert start.astimezone(dt_timezone.utc) == datetime(2027, 3, 14, 5, tzinfo=dt_timezone.utc)
    assert end.astimezone(dt_timezone.utc) == datetime(2027, 3, 15, 4, tzinfo=dt_timezone.utc)
    schedule = {"billing": entry("off", start, end)}
    just_before_end = datetime(2027, 3, 15, 3, 59, 59, tzinfo=dt_timezone.utc)
    assert billing(just_before_end, client_schedule=schedule).access is Access.OFF
    at_end = datetime(2027, 3, 15, 4, 0, tzinfo=dt_timezone.utc)
    assert billing(at_end, client_schedule=schedule).access is Access.FULL


def test_the_same_local_time_is_a_different_moment_in_each_practice_zone():
    new_york = local_moment("2027-03-01T09:00", time_zone=NEW_YORK, what="Until")
    tokyo = local_moment("2027-03-01T09:00", time_zone=TOKYO, what="Until")
    assert new_york - tokyo == timedelta(hours=14)
    schedule_ny = {"billing": entry("off", None, new_york)}
    schedule_tokyo = {"billing": entry("off", None, tokyo)}
    between = tokyo + timedelta(hours=1)  # ended in Tokyo, still on in New York
    assert billing(between, client_schedule=schedule_ny).access is Access.OFF
    assert billing(between, client_schedule=schedule_tokyo).access is Access.FULL


def test_a_local_time_the_clocks_skip_is_refused_in_plain_words():
    with pytest.raises(
        ScheduleInputError, match="2:30 AM on Mar 14, 2027 does not exist in America/New_York"
    ):
        local_moment("2027-03-14T02:30", time_zone=NEW_YORK, what="Billing, From")


def test_a_local_time_the_clocks_repeat_is_refused_in_plain_words():
    with pytest.raises(ScheduleInputError, match="happens twice in America/New_York"):
        local_moment("2027-11-07T01:30", time_zone=NEW_YORK, what="Billing, Until")


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=dt_timezone.utc)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ("2027-03-14T01:59", utc(2027, 3, 14, 6, 59)),  # EST, just before the skipped hour
        ("2027-03-14T03:00", utc(2027, 3, 14, 7, 0)),  # EDT, just after it
        ("2027-11-07T00:59", utc(2027, 11, 7, 4, 59)),  # EDT, just before the repeated hour
        ("2027-11-07T02:00", utc(2027, 11, 7, 7, 0)),  # EST, just after it
    ],
)
def test_the_times_around_each_change_are_read_in_the_offset_then_in_force(local, expected):
    assert local_moment(local, time_zone=NEW_YORK, what="From") == expected


@pytest.mark.parametrize(
    "text",
    [
        "tomorrow",
        "2027-02-30T09:00",
        "0001-01-01T00:00",
        "9999-12-31T23:59",
        "\uff12\uff10\uff12\uff17-03-01T09:00",  # full-width digits,
    ],
)
def test_anything_but_a_real_date_time_is_refused(text):
    with pytest.raises(ScheduleInputError):
        local_moment(text, time_zone=NEW_YORK, what="From")


def test_a_dated_value_needs_a_start_or_an_end_and_an_end_after_its_start():
    section, now = BY_KEY["billing"], timezone.now()
    later = now + timedelta(days=2)
    with pytest.raises(ScheduleInputError, match="give a From or an Until"):
        dated_value(section=section, level="off", start=None, end=None, now=now)
    with pytest.raises(ScheduleInputError, match="Until must be after From"):
        dated_value(section=section, level="off", start=later, end=later, now=now)
    with pytest.raises(ScheduleInputError, match="already passed"):
        dated_value(section=section, level="off", start=None, end=now - SECOND, now=now)
    with pytest.raises(ScheduleInputError, match="can be Full or Off"):
        dated_value(section=BY_KEY["care_plans"], level="view", start=None, end=later, now=now)


def test_a_clients_dated_value_beats_their_plain_value_and_the_group_while_it_holds():
    now = datetime(2027, 6, 1, tzinfo=dt_timezone.utc)
    schedule = {"billing": entry("view", None, now + timedelta(days=1))}
    resolution = billing(now, client={"billing": "off"}, client_schedule=schedule)
    assert resolution.access is Access.VIEW
    assert resolution.until == now + timedelta(days=1)
    after = billing(now + timedelta(days=2), client={"billing": "off"}, client_schedule=schedule)
    assert after.access is Access.OFF  # ended: the plain value again
    assert after.until is None


def test_a_groups_dated_value_counts_for_its_clients_unless_theirs_decides():
    now = datetime(2027, 6, 1, tzinfo=dt_timezone.utc)
    group_schedule = {"billing": entry("off", None, now + timedelta(days=1))}
    inherited = billing(now, group_schedule=group_schedule)
    assert inherited.access is Access.OFF
    assert inherited.label.startswith("Inherited from Teens: Off until ")
    own = billing(now, group_schedule=group_schedule, client={"billing": "full"})
    assert own.access is Access.FULL


def test_an_ended_dated_value_no_longer_counts_but_a_pending_one_is_announced():
    now = datetime(2027, 6, 1, 12, tzinfo=dt_timezone.utc)
    ended = {"billing": entry("off", None, now - timedelta(days=1))}
    assert billing(now, client_schedule=ended).access is Access.FULL
    pending = {"billing": entry("off", now + timedelta(days=3), None)}
    resolution = billing(now, client_schedule=pending)
    assert resolution.access is Access.FULL
    assert resolution.upcoming is not None
    with timezone.override(zoneinfo.ZoneInfo(NEW_YORK)):
        assert (
            resolution.upcoming_words == "Off from Jun 4, 2027, 8:00 AM"
        )  # not this year: with its year


def test_dates_read_in_the_practice_zone_with_the_year_only_when_not_this_year():
    moment = datetime(2027, 3, 1, 5, tzinfo=dt_timezone.utc)  # midnight in New York
    with timezone.override(zoneinfo.ZoneInfo(NEW_YORK)):
        assert day_words(moment, now=moment) == "Mar 1"
        assert day_words(moment, now=moment + timedelta(days=365)) == "Mar 1, 2027"
    with timezone.override(zoneinfo.ZoneInfo(TOKYO)):
        assert day_words(moment, now=moment) == "Mar 1, 2:00 PM"


def test_a_malformed_stored_dated_value_raises_so_the_portal_fails_closed():
    with pytest.raises((ValueError, TypeError)):
        billing(timezone.now(), client_schedule={"billing": {"level": "off"}})
    with pytest.raises((ValueError, TypeError)):
        billing(timezone.now(), client_schedule={"billing": {"level": "off", "until": "soon"}})

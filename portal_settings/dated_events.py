"""Recording when dated values started and ended, and emailing the clients they changed.

Nothing here is needed for a dated value to hold: the resolver applies it when read, the settings
page's History works out its start and end from the trail, and a client's portal home tells
them at their next visit. This adds what only a run after the moment can do: an audit entry
timed at the start or the end itself (so the trail lists it in order, whoever looks), and the
email a practice that asks for them sends when a client's portal changes. Run it from a
scheduler (`manage.py portal_dated_values`, hourly or daily); it is idempotent, so a missed or a
repeated run records and emails each start and end once.
"""

import dataclasses
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEntry, Level
from audit.services import audit_entry
from clients.family import link_in_force
from portal_settings.models import PortalSettings
from portal_settings.notices import email_clients_after_commit, really_changed
from portal_settings.resolver import (
    clients_with_settings,
    family_links_with_settings,
    sources_for_client,
    sources_for_family_link,
)
from portal_settings.schedule import TRAIL_NONE, TRAIL_PREFIX, dated_from_json, trail_text

STARTED = AuditEntry.Action.DATED_STARTED
ENDED = AuditEntry.Action.DATED_ENDED
JUST_BEFORE = timedelta(microseconds=1)


@dataclasses.dataclass(frozen=True)
class DatedEvent:
    row: PortalSettings
    section: str
    action: str
    moment: datetime
    trail: str


def dated_values_record(*, now: datetime | None = None) -> int:
    """Write one audit entry per start and end of a dated value that has passed and is not
    recorded yet, and email the clients whose portal it changed, or the family member whose own
    dates changed what they may use (practices that ask; links in force only). Returns
    the number of entries written."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locked, so two runs at once cannot both record the same moment.
        rows = list(
            PortalSettings.objects.select_for_update(of=("self",))
            .filter(Q(client__isnull=False) | Q(group__isnull=False) | Q(family_link__isnull=False))
            .exclude(schedule={})
            .select_related(
                "client__organization", "group__organization", "family_link__organization"
            )
            .order_by("pk")
        )
        if not rows:
            return 0
        events = _due(rows, now)
        if not events:
            return 0
        AuditEntry.objects.bulk_create(
            [_entry(event, organization=_target(event.row).organization) for event in events]
        )
        by_row: dict[int, list[DatedEvent]] = {}
        for event in events:
            by_row.setdefault(event.row.pk, []).append(event)
        for row_events in by_row.values():
            row = row_events[0].row
            organization = _target(row).organization
            if organization.email_clients_on_portal_changes:
                # A family member's own dates change what they may use, not the client's portal.
                changed = (
                    _changed_family(row, row_events, now=now)
                    if row.family_link_id
                    else _changed_clients(row, row_events, now=now)
                )
                email_clients_after_commit(organization=organization, changed=changed)
    return len(events)


def dated_values_record_replaced(*, row: PortalSettings, sections, now: datetime) -> int:
    """Before a change clears or replaces the dated values of `sections` on `row` (locked, its
    schedule still as it was): write the starts and ends of theirs that have passed and that no
    run recorded yet, as a run would have. Once the change is saved no run sees them. No email:
    the change itself tells the clients what their portal is now. Returns the entries written."""
    events = [event for event in _due([row], now) if event.section in sections]
    if events:
        organization = _target(row).organization
        AuditEntry.objects.bulk_create(
            [_entry(event, organization=organization) for event in events]
        )
    return len(events)


def _target(row: PortalSettings):
    return row.family_link or row.client or row.group


def _ident(row: PortalSettings) -> tuple:
    if row.family_link_id:
        return (Level.FAMILY, row.family_link_id)
    if row.client_id:
        return (Level.CLIENT, row.client_id)
    return (Level.GROUP, row.group_id)


def _entry_ident(level, client_id, group_id, family_link_id) -> tuple:
    target = {Level.FAMILY: family_link_id, Level.CLIENT: client_id, Level.GROUP: group_id}
    return (level, target.get(level))


def _due(rows, now) -> list[DatedEvent]:
    """The starts and ends that have passed and have no entry yet: two queries."""
    clients = [row.client_id for row in rows if row.client_id]
    groups = [row.group_id for row in rows if row.group_id]
    links = [row.family_link_id for row in rows if row.family_link_id]
    touching = (
        Q(level=Level.CLIENT, client_id__in=clients)
        | Q(level=Level.GROUP, group_id__in=groups)
        | Q(level=Level.FAMILY, family_link_id__in=links)
    )
    target_fields = ("level", "client_id", "group_id", "family_link_id")
    recorded = {
        (_entry_ident(*fields), section, action, value)
        for *fields, section, action, value in AuditEntry.objects.filter(
            touching, action__in=[STARTED, ENDED]
        ).values_list(*target_fields, "section", "action", "new_value")
    }
    # When each dated value was set: a start before that was recorded by the change itself.
    set_at: dict = {}
    for *fields, section, value, created_at in (
        AuditEntry.objects.filter(
            touching,
            action=AuditEntry.Action.SETTING_CHANGED,
            new_value__startswith=TRAIL_PREFIX,
        )
        .exclude(new_value=TRAIL_NONE)
        .values_list(*target_fields, "section", "new_value", "created_at")
    ):
        key = (_entry_ident(*fields), section, value)
        set_at[key] = max(set_at.get(key, created_at), created_at)

    events = []
    for row in rows:
        ident = _ident(row)
        for section, stored in sorted(row.schedule.items()):
            dated, trail = dated_from_json(stored), trail_text(stored)
            since = set_at.get((ident, section, trail))
            moments = []
            started = dated.start is not None and dated.start <= now
            if started and (since is None or dated.start > since):
                moments.append((STARTED, dated.start))
            if dated.end is not None and dated.end <= now:
                moments.append((ENDED, dated.end))
            for action, moment in moments:
                if (ident, section, action, trail) not in recorded:
                    events.append(DatedEvent(row, section, action, moment, trail))
    return events


def _entry(event: DatedEvent, *, organization) -> AuditEntry:
    row = event.row
    if row.family_link_id:
        target = {"family_link": row.family_link}
    elif row.client_id:
        target = {"client": row.client}
    else:
        target = {"group": row.group}
    entry = audit_entry(
        actor=None,
        organization=organization,
        action=event.action,
        section=event.section,
        new_value=event.trail,
        **target,
    )
    entry.created_at = event.moment
    return entry


def _changed_family(row: PortalSettings, events: list[DatedEvent], *, now: datetime) -> list:
    """As _changed_clients, for a family member's own dated values: the family member, if
    their link is in force, with what changed along their own chain. One query."""
    sections = {event.section for event in events}
    since = min(event.moment for event in events) - JUST_BEFORE
    link = family_links_with_settings().filter(pk=row.family_link_id).first()
    if not link_in_force(link):
        return []
    sources = sources_for_family_link(link)
    pairs = [(link, dataclasses.replace(sources, now=since), dataclasses.replace(sources, now=now))]
    changed = []
    for person, differences in really_changed(pairs, family=True):
        differences = [d for d in differences if d[0].key in sections]
        if differences:
            changed.append((person, differences))
    return changed


def _changed_clients(row: PortalSettings, events: list[DatedEvent], *, now: datetime) -> list:
    """The clients whose portal this run's starts and ends of one row changed, with what
    changed: from just before the first of them to `now`, in their sections only. One email
    per client for two sections starting together, and none for an Off that a late run finds
    both started and ended. One query."""
    sections = {event.section for event in events}
    since = min(event.moment for event in events) - JUST_BEFORE
    clients = clients_with_settings().filter(archived_at__isnull=True, portal_login_allowed=True)
    clients = (
        clients.filter(pk=row.client_id) if row.client_id else clients.filter(group_id=row.group_id)
    )
    pairs = []
    for client in clients:
        sources = sources_for_client(client)
        pairs.append(
            (
                client,
                dataclasses.replace(sources, now=since),
                dataclasses.replace(sources, now=now),
            )
        )
    changed = []
    for client, differences in really_changed(pairs):
        differences = [d for d in differences if d[0].key in sections]
        if differences:
            changed.append((client, differences))
    return changed

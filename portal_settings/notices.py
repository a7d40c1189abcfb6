"""Telling clients when their portal changes: a notice on their portal home, and an email if
their practice asks for one.

Notices are worked out when read, not written when a provider saves. A group or practice change
stays one settings row however many clients it reaches; what each client could use the last time
they saw their portal home is kept in one row per client (PortalSeen), written when they see it.
On their next visit home, the sections they can use now are compared with that marker; only a
section whose effective access really changed gives a notice (off and on again meanwhile gives
none, nor does a change that their own setting overrides), and the audit trail since the marker
gives its date. The notice is shown once: seeing it moves the marker.

Emails are the one thing sent at change time, since the client is not there to read: the
affected clients are worked out in memory from one query (the clients with their own and their
group's values), and the emails go out after the change commits, one per client per change,
naming only the sections that changed.

Family members are told the same way about their own chain (their link, the group's and the
practice's family columns, the family built-in), never about the client's: a marker per family
link (FamilyPortalSeen) for the notice on the home they see while acting for the client, and an
email to them, if the practice asks, for a change to their own settings, a family column, or
the client's move to another group.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone

from audit.models import AuditEntry, Level
from clients.family import link_in_force
from clients.models import Client, FamilyLink, Organization
from clients.validators import one_line
from portal_settings.levels import Access
from portal_settings.models import FamilyPortalSeen, PortalSeen, PortalSettings
from portal_settings.resolver import FAMILY_BUILT_IN, EffectiveSettings, Sources, resolve
from portal_settings.sections import SECTIONS, Section

FAMILY_AUDIENCE = "family"  # AuditEntry.audience of a change to what family members see


def _change_words(section: Section, before: Access, after: Access) -> tuple[str, str]:
    """(the group a change falls in for an email, the words of a notice) for one section."""
    if after is Access.OFF:
        return "off", f"turned off {section.tab}"
    if before is Access.OFF:
        extra = ", view only" if after is Access.VIEW else ""
        return "on", f"turned on {section.tab}{extra}"
    if after is Access.VIEW:
        return "view", f"made {section.tab} view only"
    return "full", f"gave you full use of {section.tab}"


@dataclass(frozen=True)
class Notice:
    section: Section
    before: Access
    after: Access
    when: datetime | None  # the latest recorded change behind it, if the trail has one

    @property
    def turned_on(self) -> bool:
        return self.after is not Access.OFF

    @property
    def text(self) -> str:
        words = _change_words(self.section, self.before, self.after)[1]
        when = ""
        if self.when is not None:
            local = timezone.localtime(self.when)
            when = f" on {local:%b} {local.day}"
        return f"Your practice {words}{when}."


def _levels(effective: EffectiveSettings) -> dict[str, str]:
    """Each section's effective level, as kept in the marker."""
    return {key: resolution.access.value for key, resolution in effective.items()}


def _differences(before: dict, after: dict) -> list[tuple[Section, Access, Access]]:
    """Sections whose level differs, in registry order: (section, before, after). A section
    missing from `before` (added to the registry since) counts as unchanged."""
    changed = []
    for section in SECTIONS:
        old, new = before.get(section.key), after.get(section.key)
        if old is not None and new is not None and old != new:
            changed.append((section, Access(old), Access(new)))
    return changed


# Reading: the notices on a client's portal home.


def _marker(model, **key):
    """A client's (or family member's) "last seen" row, or None: one row each, read by its
    one-to-one key with get(), not first(), whose ORDER BY cost more to build than the read."""
    try:
        return model.objects.get(**key)
    except model.DoesNotExist:
        return None


def portal_notices(*, client: Client, effective: EffectiveSettings, seen=None) -> list[Notice]:
    """What changed in the client's portal since they last saw their home. One query for the
    marker (none if `seen` is given), one more only when something changed. Marks nothing
    seen: see portal_notices_seen."""
    if seen is None:
        seen = _marker(PortalSeen, client=client)
    if seen is None:
        return []
    # The clients' column only: a change of the family members' column did not change this
    # client's portal, so it does not date their notice.
    touching = Q(level=Level.ORGANIZATION, audience="") | Q(level=Level.CLIENT, client=client)
    if client.group_id:
        touching |= Q(level=Level.GROUP, group_id=client.group_id, audience="")
    return _notices(seen=seen, effective=effective, client=client, touching=touching)


def family_notices(*, link: FamilyLink, effective: EffectiveSettings, seen) -> list[Notice]:
    """portal_notices for a family member acting for a client: their own chain (their link,
    the group's and the practice's family columns) against their own marker. No query when
    nothing changed, one when something did."""
    client = link.client
    touching = Q(level=Level.ORGANIZATION, audience=FAMILY_AUDIENCE) | Q(
        level=Level.FAMILY, family_link=link
    )
    if client.group_id:
        touching |= Q(level=Level.GROUP, group_id=client.group_id, audience=FAMILY_AUDIENCE)
    return _notices(seen=seen, effective=effective, client=client, touching=touching)


def _notices(*, seen, effective, client, touching: Q) -> list[Notice]:
    """The sections whose level differs from the marker `seen`, each dated by the latest
    recorded change behind it: a settings change `touching` the chain, or the client's move to
    another group."""
    changed = _differences(seen.sections, _levels(effective))
    if not changed:
        return []
    keys = [section.key for section, _, _ in changed]
    settings_changes = Q(touching, action=AuditEntry.Action.SETTING_CHANGED, section__in=keys)
    moves = Q(client=client, action=AuditEntry.Action.GROUP_CHANGED)
    latest = dict(
        AuditEntry.objects.filter(
            settings_changes | moves,
            organization_id=client.organization_id,
            created_at__gt=seen.seen_at,
        )
        .order_by()
        .values("section")
        .annotate(latest=Max("created_at"))
        .values_list("section", "latest")
    )
    moved_at = latest.get("")
    return [
        Notice(
            section,
            before,
            after,
            max(
                filter(
                    None,
                    (latest.get(section.key), moved_at, _dated_since(effective, section, seen)),
                ),
                default=None,
            ),
        )
        for section, before, after in changed
    ]


def _dated_since(effective: EffectiveSettings, section: Section, seen) -> datetime | None:
    """When a dated value of the section started or ended since the client last looked: the
    date of a change no one saved at that moment."""
    boundary = effective[section.key].boundary
    return boundary if boundary is not None and boundary > seen.seen_at else None


def portal_notices_seen(*, client: Client, effective: EffectiveSettings, first: bool) -> None:
    """The client saw their portal as it is now: later notices count from here. One query:
    on a first visit an insert that two racing first visits cannot both make."""
    sections, now = _levels(effective), timezone.now()
    if first:
        PortalSeen.objects.bulk_create(
            [PortalSeen(client=client, sections=sections, seen_at=now)], ignore_conflicts=True
        )
    else:
        PortalSeen.objects.filter(client=client).update(sections=sections, seen_at=now)


def portal_notices_for_home(*, client: Client, effective: EffectiveSettings, mark_seen: bool):
    """The notices for the client's portal home, then, if `mark_seen`, marked seen, so each
    shows once. The caller marks nothing for a provider's preview or a HEAD request (a safe
    method writes nothing). One query when nothing changed."""
    seen = _marker(PortalSeen, client=client)
    notices = portal_notices(client=client, effective=effective, seen=seen) if seen else []
    if mark_seen and (seen is None or notices):
        portal_notices_seen(client=client, effective=effective, first=seen is None)
    return notices


def family_notices_for_home(*, link: FamilyLink, effective: EffectiveSettings, mark_seen: bool):
    """portal_notices_for_home for a family member acting for `link`'s client: their own
    marker, so each notice shows them once. One query when nothing changed."""
    seen = _marker(FamilyPortalSeen, family_link=link)
    notices = family_notices(link=link, effective=effective, seen=seen) if seen else []
    if mark_seen and (seen is None or notices):
        sections, now = _levels(effective), timezone.now()
        if seen is None:
            FamilyPortalSeen.objects.bulk_create(
                [FamilyPortalSeen(family_link=link, sections=sections, seen_at=now)],
                ignore_conflicts=True,
            )
        else:
            FamilyPortalSeen.objects.filter(family_link=link).update(sections=sections, seen_at=now)
    return notices


# Emailing: one per client per change, after commit.


def _values_by_group(group_ids) -> dict[int, tuple[dict, dict]]:
    """Group id -> (its values, its dated values)."""
    return {
        group_id: (values, schedule)
        for group_id, values, schedule in PortalSettings.objects.filter(
            group_id__in=list(group_ids)
        ).values_list("group_id", "values", "schedule")
    }


def _practice_values(organization: Organization) -> dict:
    row = PortalSettings.objects.filter(organization=organization).values_list("values").first()
    return row[0] if row else {}


def _own(client) -> dict:
    row = getattr(client, "portal_settings", None)
    return row.values if row is not None else {}


def _own_schedule(owner) -> dict:
    row = getattr(owner, "portal_settings", None)
    return row.schedule if row is not None else {}


def _reachable(organization: Organization):
    """The practice's clients who can use their portal (others get no email)."""
    return Client.objects.filter(
        organization=organization, archived_at__isnull=True, portal_login_allowed=True
    ).select_related("user", "portal_settings")


def changes_for_update(
    *,
    target,
    before: dict,
    after: dict,
    before_schedule: dict | None = None,
    after_schedule: dict | None = None,
) -> list[tuple[Client, list]]:
    """The clients whose portal a settings change at `target` (a portal_settings Target)
    really changed now, with what changed: one or two queries whatever their number. A dated
    value still to start changes nobody's portal yet."""
    organization = target.organization
    if target.level == Level.CLIENT:
        return changes_for_clients(
            [(target.obj, before, after)],
            schedules=(before_schedule or {}, after_schedule or {}),
        )
    if target.level == Level.GROUP:
        group = target.obj
        practice = group.practice_values or {}
        pairs = [
            (
                client,
                Sources(
                    practice,
                    before,
                    group.name,
                    _own(client),
                    group_schedule=before_schedule,
                    client_schedule=_own_schedule(client),
                ),
                Sources(
                    practice,
                    after,
                    group.name,
                    _own(client),
                    group_schedule=after_schedule,
                    client_schedule=_own_schedule(client),
                ),
            )
            for client in _reachable(organization).filter(group=group)
        ]
    else:
        clients = list(_reachable(organization).select_related("group__portal_settings"))
        pairs = []
        for client in clients:
            group = client.group if client.group_id else None
            group_values = _own(group) if group else None
            name = group.name if group else ""
            own = _own(client)
            dated = {
                "group_schedule": _own_schedule(group) if group else None,
                "client_schedule": _own_schedule(client),
            }
            pairs.append(
                (
                    client,
                    Sources(before, group_values, name, own, **dated),
                    Sources(after, group_values, name, own, **dated),
                )
            )
    return really_changed(pairs)


def changes_for_clients(items, *, schedules=None) -> list[tuple[Client, list]]:
    """For (client, own values before, own values after) of clients loaded with their
    settings (clients_with_settings): those whose portal really changed. No query. Their
    dated values are as loaded, or for a single client `schedules` (before, after)."""
    pairs = []
    for client, before, after in items:
        if not client.has_portal_access:
            continue
        group = client.group if client.group_id else None
        base = {
            "organization": client.practice_values or {},
            "group": (client.group_values or {}) if group else None,
            "group_name": group.name if group else "",
            "group_schedule": (getattr(client, "group_schedule", None) or {}) if group else None,
        }
        own = getattr(client, "own_schedule", None) or {}
        old_dated, new_dated = schedules if schedules is not None else (own, own)
        pairs.append(
            (
                client,
                Sources(**base, client=before, client_schedule=old_dated),
                Sources(**base, client=after, client_schedule=new_dated),
            )
        )
    return really_changed(pairs)


def changes_for_selection(*, selection, outcomes) -> list[tuple[Client, list]]:
    """For a bulk change at the client level (portal_settings.services: the selection and each
    changing client's outcome): the clients who can use their portal and whose portal really
    changed, with what changed. Each distinct outcome is compared once; one query loads the
    logins of those to tell, none when there are none."""
    differences_of, changed = {}, {}
    for client in selection.clients:
        outcome = outcomes.get(client.pk)
        if outcome is None or not client.has_portal_access:
            continue
        differences = differences_of.get(id(outcome))
        if differences is None:
            differences = differences_of[id(outcome)] = _differences(
                _levels(resolve(selection.sources(client, client.own))),
                _levels(resolve(selection.sources(client, outcome.values))),
            )
        if differences:
            changed[client.pk] = differences
    if not changed:
        return []
    clients = Client.objects.filter(pk__in=list(changed)).select_related("user").order_by("pk")
    return [(client, changed[client.pk]) for client in clients]


def _family_reachable(organization: Organization):
    """The practice's family members whose access is in force (others get no email)."""
    return (
        FamilyLink.objects.active()
        .filter(organization=organization)
        .select_related("user", "client__user", "portal_settings")
    )


def family_changes_for_update(*, target, before: dict, after: dict) -> list[tuple]:
    """changes_for_update for a change to what family members see (a family member's own
    settings, or a group's or the practice's family column): the family members whose own
    chain really changed, with what changed. One or two queries whatever their number."""
    organization = target.organization
    if target.level == Level.FAMILY:
        link = target.obj
        if not link_in_force(link):
            return []
        group = link.client.group if link.client.group_id else None
        base = {
            "organization": link.practice_values or {},
            "group": (link.group_values or {}) if group else None,
            "group_name": group.name if group else "",
        }
        pairs = [(link, Sources(**base, client=before), Sources(**base, client=after))]
    elif target.level == Level.GROUP:
        group = target.obj
        practice = group.practice_values or {}
        pairs = [
            (
                link,
                Sources(practice, before, group.name, _own(link)),
                Sources(practice, after, group.name, _own(link)),
            )
            for link in _family_reachable(organization).filter(client__group=group)
        ]
    else:
        pairs = []
        for link in _family_reachable(organization).select_related(
            "client__group__portal_settings"
        ):
            group = link.client.group if link.client.group_id else None
            row = getattr(group, "portal_settings", None) if group else None
            group_values = (row.family_values if row else {}) if group else None
            name = group.name if group else ""
            own = _own(link)
            pairs.append(
                (
                    link,
                    Sources(before, group_values, name, own),
                    Sources(after, group_values, name, own),
                )
            )
    return really_changed(pairs, family=True)


def changes_for_moves(*, organization: Organization, old_group_ids: dict, group) -> list:
    """Clients moved to `group` (None: no group) from the groups in `old_group_ids` (client pk
    -> group id or None): whose portal the move really changed. Four queries."""
    old_group_of = old_group_ids
    old_groups = {pk for pk in old_group_of.values() if pk}
    values = _values_by_group(old_groups | ({group.pk} if group else set()))
    names = dict(organization.client_groups.filter(pk__in=old_groups).values_list("pk", "name"))
    practice = _practice_values(organization)
    pairs = []
    for client in _reachable(organization).filter(pk__in=list(old_group_of)):
        old = old_group_of[client.pk]
        own, own_dated = _own(client), _own_schedule(client)
        old_values, old_dated = values.get(old, ({}, {})) if old else (None, None)
        new_values, new_dated = values.get(group.pk, ({}, {})) if group else (None, None)
        before = Sources(practice, old_values, names.get(old, ""), own, old_dated, own_dated)
        after = Sources(
            practice, new_values, group.name if group else "", own, new_dated, own_dated
        )
        pairs.append((client, before, after))
    return really_changed(pairs)


def family_changes_for_moves(*, organization: Organization, old_group_ids: dict, group) -> list:
    """changes_for_moves for the family members of the moved clients, along their own chain
    (the groups' family columns). Four queries at most, one when they have none."""
    links = list(_family_reachable(organization).filter(client_id__in=list(old_group_ids)))
    if not links:
        return []
    old_groups = {pk for pk in old_group_ids.values() if pk}
    family_columns = dict(
        PortalSettings.objects.filter(
            group_id__in=list(old_groups | ({group.pk} if group else set()))
        ).values_list("group_id", "family_values")
    )
    names = dict(organization.client_groups.filter(pk__in=old_groups).values_list("pk", "name"))
    practice = (
        PortalSettings.objects.filter(organization=organization)
        .values_list("family_values", flat=True)
        .first()
    ) or {}
    new = (family_columns.get(group.pk, {}), group.name) if group else (None, "")
    pairs = []
    for link in links:
        old = old_group_ids[link.client_id]
        own = _own(link)
        before = Sources(
            practice, family_columns.get(old, {}) if old else None, names.get(old, ""), own
        )
        pairs.append((link, before, Sources(practice, new[0], new[1], own)))
    return really_changed(pairs, family=True)


def really_changed(pairs, *, family: bool = False) -> list[tuple]:
    """The (client or family link, differences) of the pairs whose effective levels differ;
    a family member's resolved along their own chain."""
    how = {"upto": Level.FAMILY, "builtin": FAMILY_BUILT_IN} if family else {}
    changed = []
    for client, before, after in pairs:
        differences = _differences(_levels(resolve(before, **how)), _levels(resolve(after, **how)))
        if differences:
            changed.append((client, differences))
    return changed


def email_clients_after_commit(*, organization: Organization, changed) -> None:
    """If the practice asks for it, email each client whose portal changed, after commit:
    one message per client, naming only the sections turned off or on."""
    if not organization.email_clients_on_portal_changes or not changed:
        return
    # Written after commit too: thousands of messages do not hold the change's locks.
    transaction.on_commit(
        lambda: _send(
            [_message(organization, client, differences) for client, differences in changed]
        ),
        robust=True,
    )


def _message(organization, person, differences) -> EmailMessage:
    """To a client about their portal, or to a family member (a FamilyLink) about what they
    may use in their client's portal."""
    family = isinstance(person, FamilyLink)
    client = person.client if family else person
    context = {
        "organization": organization,
        "client": client,
        "family_member": person.user if family else None,
        **{
            group: [
                section.tab + (" (view only)" if group == "on" and after is Access.VIEW else "")
                for section, before, after in differences
                if _change_words(section, before, after)[0] == group
            ]
            for group in ("off", "on", "view", "full")
        },
    }
    name = "family_change" if family else "change"
    subject = one_line(render_to_string(f"portal_settings/email/{name}_subject.txt", context))
    body = render_to_string(f"portal_settings/email/{name}_body.txt", context)
    return EmailMessage(subject, body, None, [person.user.email])


def _send(messages) -> None:
    # One connection for every message, however many clients a change reached.
    with get_connection() as connection:
        connection.send_messages(messages)


def on_clients_moved(sender, *, organization, old_group_ids, group, **kwargs) -> None:
    """clients.signals.clients_moved: email the clients whose portal the move changed, and
    their family members whose own chain it changed."""
    if organization.email_clients_on_portal_changes:
        moved = {"organization": organization, "old_group_ids": old_group_ids, "group": group}
        changed = changes_for_moves(**moved) + family_changes_for_moves(**moved)
        email_clients_after_commit(organization=organization, changed=changed)

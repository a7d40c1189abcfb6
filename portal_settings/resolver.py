"""The resolver: each section's effective access level for a client, and where it comes from.

Precedence: the first explicit value walking client -> group -> practice default -> built-in
default (Full). Inheritance is resolved when read, so a change to a group or the practice
default is one row, seen by every client at their next request.

Dated values (portal_settings.schedule) are applied when read too: at each level of the chain, a
dated value in force at `now` comes first, then the level's plain value. A dated value that has
not started, or has ended, does not count; no job needs to run for it to start or end.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db.models import JSONField, OuterRef, QuerySet, Subquery
from django.utils import timezone

from clients.models import Client, ClientGroup, FamilyLink, Organization
from portal_settings.levels import BUILT_IN_ACCESS, Access
from portal_settings.models import Level, PortalSettings
from portal_settings.schedule import (
    TRAIL_NONE,
    TRAIL_PREFIX,
    Dated,
    dated_from_json,
    dated_from_trail,
    day_words,
)
from portal_settings.sections import SECTIONS, Section

BUILT_IN = "builtin"

# One vocabulary for where a value comes from, on every page, the history, the report, the CSV
# and the admin: "Set for this client: View only", "Inherited from Teens: Off",
# "Inherited from practice: Full", "Inherited from built-in default: Full".
OWN_SOURCE = {
    Level.CLIENT: "Set for this client",
    Level.GROUP: "Set for this group",
    Level.ORGANIZATION: "Set for the practice",
    Level.FAMILY: "Set for this family member",
}
PRACTICE_SOURCE = "Inherited from practice"
BUILT_IN_SOURCE = "Inherited from built-in default"
# Audit rows written before access levels stored "on" and "off" (and, for an inherited value,
# its words then: "Inherited from Teens: On"); they read as the levels they became.
LEGACY_VALUES = {"on": Access.FULL, "off": Access.OFF}
_BY_VALUE = {access.value: access for access in Access}


def group_source(group_name: str) -> str:
    return f"Inherited from {group_name}"


@dataclass(frozen=True, slots=True)
class Resolution:
    section: Section
    access: Access
    level: str  # Level value, or BUILT_IN
    source: str  # "Set for this client", "Inherited from Teens", "Inherited from practice"
    # When the value in force is a dated one: when it started (None: no start) and ends.
    since: datetime | None = None
    until: datetime | None = None
    dated: bool = False
    # A dated value of the chain still to start that would then decide (shown "Off from Mar 1").
    upcoming: Dated | None = None
    # The latest start or end of a dated value of the chain that has passed: when the value in
    # force last changed by date (for the client's notices).
    boundary: datetime | None = None

    @property
    def enabled(self) -> bool:
        """The section is part of the client's portal (Full or View only)."""
        return self.access is not Access.OFF

    @property
    def view_only(self) -> bool:
        return self.access is Access.VIEW

    @property
    def can_act(self) -> bool:
        return self.access is Access.FULL

    @property
    def value_words(self) -> str:
        """The value, with its end if it is a dated one: "Off", "Off until Mar 1"."""
        if self.until is not None:
            return f"{self.access.label} until {day_words(self.until)}"
        return self.access.label

    @property
    def label(self) -> str:
        """Where the value comes from and the value: "Inherited from Teens: View only",
        "Set for this client: Off until 1 Mar"."""
        return f"{self.source}: {self.value_words}"

    @property
    def upcoming_words(self) -> str:
        """A dated value still to come: "Off from 1 Mar" ("" when none)."""
        return self.upcoming.words() if self.upcoming is not None else ""

    @property
    def inherited_choice(self) -> str:
        """This resolution as the "inherit" choice of a settings row: "Inherited (Full, from
        Teens)"."""
        where = self.source.removeprefix("Inherited ")
        return f"Inherited ({self.value_words}, {where})"


def trail_value_label(level: str, value: str) -> str:
    """An audit trail value of a change at `level` in the settings pages' words: a level
    ("full", "view", "off", or "on"/"off" in rows from before levels), "default:<what was
    inherited>", or "default" in rows written before the inherited value was kept."""
    if value.startswith(TRAIL_PREFIX):
        return _dated_trail_label(level, value)
    if value in LEGACY_VALUES or value in Access.values:
        access = LEGACY_VALUES.get(value) or Access(value)
        return f"{OWN_SOURCE[level]}: {access.label}"
    if value.startswith("default:"):
        text = value.removeprefix("default:")
        return text.removesuffix(": On") + ": Full" if text.endswith(": On") else text
    if value == "default":
        if level == Level.ORGANIZATION:
            return f"{BUILT_IN_SOURCE}: {BUILT_IN_ACCESS.label}"
        return "Inherited"
    return value


def _dated_trail_label(level: str, text: str) -> str:
    """ "dated:off|<from>|<until>" as "Set for this client: Off from 1 Mar until 15 Mar";
    "dated:none" as "No dates"."""
    if text == TRAIL_NONE:
        return "No dates"
    dated = dated_from_trail(text)
    return f"{OWN_SOURCE[level]}: {dated.words()}" if dated is not None else text


@dataclass(frozen=True, slots=True)
class Sources:
    """The explicit values of each level for one target, as plain dicts (missing = inherit)."""

    organization: Mapping[str, str]
    group: Mapping[str, str] | None = None
    group_name: str = ""
    client: Mapping[str, str] | None = None
    # Dated values of the group's and the client's rows (portal_settings.schedule), and the
    # moment to resolve at (None: now).
    group_schedule: Mapping[str, dict] | None = None
    client_schedule: Mapping[str, dict] | None = None
    now: datetime | None = None


class EffectiveSettings(Mapping):
    """Every section's Resolution for one target, in registry order."""

    __slots__ = ("_by_key", "enabled_keys", "enabled_sections")

    def __init__(self, resolutions: Iterable[Resolution]):
        self._by_key = {r.section.key: r for r in resolutions}
        # Immutable, so a resolution can be shared by every request with the same settings.
        self.enabled_sections = tuple(
            r.section for r in self._by_key.values() if r.access is not Access.OFF
        )
        self.enabled_keys = tuple(section.key for section in self.enabled_sections)

    def __getitem__(self, key: str) -> Resolution:
        return self._by_key[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_key)

    def __len__(self) -> int:
        return len(self._by_key)

    def access(self, key: str) -> Access:
        """Deny by default: a key the registry does not know is Off."""
        resolution = self._by_key.get(key)
        return resolution.access if resolution is not None else Access.OFF

    def allows(self, key: str) -> bool:
        """The section is part of the portal (Full or View only)."""
        return self.access(key) is not Access.OFF

    def can_act(self, key: str) -> bool:
        return self.access(key) is Access.FULL


def resolve(
    sources: Sources, *, upto: str = Level.CLIENT, builtin: Mapping[str, Access] | None = None
) -> EffectiveSettings:
    """Resolve every section from the given levels.

    `upto` stops the walk early: resolving a group's page uses Level.GROUP (the client level is
    ignored), the practice defaults page uses Level.ORGANIZATION. A family member's chain has
    the same shape with Level.FAMILY in the client's place (`sources.client` holds the link's
    values, the group and practice their family columns) and its own `builtin` levels.
    """
    builtin = builtin or {}
    chain: list[tuple[Mapping[str, str], Mapping[str, dict], str, str]] = []
    if upto in (Level.CLIENT, Level.FAMILY) and sources.client is not None:
        chain.append((sources.client, sources.client_schedule or {}, upto, OWN_SOURCE[upto]))
    if upto in (Level.CLIENT, Level.FAMILY, Level.GROUP) and sources.group is not None:
        source = (
            OWN_SOURCE[Level.GROUP] if upto == Level.GROUP else group_source(sources.group_name)
        )
        chain.append((sources.group, sources.group_schedule or {}, Level.GROUP, source))
    org_source = OWN_SOURCE[Level.ORGANIZATION] if upto == Level.ORGANIZATION else PRACTICE_SOURCE
    chain.append((sources.organization, {}, Level.ORGANIZATION, org_source))
    # Below the practice page, a value the practice has not set is still the practice's default.
    builtin_source = BUILT_IN_SOURCE if upto == Level.ORGANIZATION else PRACTICE_SOURCE
    now = sources.now
    if now is None and any(schedule for _, schedule, _, _ in chain):
        now = timezone.now()

    resolutions = []
    for section in SECTIONS:
        upcoming = boundary = None
        for values, schedule, level, label in chain:
            entry = schedule.get(section.key) if schedule else None
            if entry is not None:
                dated = dated_from_json(entry)  # malformed raises: the middleware fails closed
                passed = dated.last_boundary(now)
                if passed is not None and (boundary is None or passed > boundary):
                    boundary = passed
                if dated.in_force(now):
                    access = _offered(dated.access, section)
                    resolutions.append(
                        Resolution(
                            section,
                            access,
                            level,
                            label,
                            since=dated.start,
                            until=dated.end,
                            dated=True,
                            upcoming=upcoming,
                            boundary=boundary,
                        )
                    )
                    break
                if upcoming is None and dated.pending(now):
                    upcoming = dated
            value = values.get(section.key)
            if value is not None:
                # Anything that is not a level raises (the middleware then fails closed); a
                # level the section does not offer counts as Off.
                access = _BY_VALUE.get(value) if isinstance(value, str) else None
                if access is None:
                    raise ValueError(f"{value!r} is not an access level ({section.key})")
                access = _offered(access, section)
                resolutions.append(
                    Resolution(section, access, level, label, upcoming=upcoming, boundary=boundary)
                )
                break
        else:
            access = builtin.get(section.key, BUILT_IN_ACCESS)
            resolutions.append(
                Resolution(
                    section, access, BUILT_IN, builtin_source, upcoming=upcoming, boundary=boundary
                )
            )
    return EffectiveSettings(resolutions)


def _offered(access: Access, section: Section) -> Access:
    """A level the section does not offer counts as Off."""
    return access if access in section.levels else Access.OFF


def _values(owner, attribute="portal_settings") -> dict:
    """The explicit values of an owner loaded with select_related; {} when it has no row."""
    row = getattr(owner, attribute, None)
    return row.values if row is not None else {}


def _schedule(owner, attribute="portal_settings") -> dict:
    """The dated values of an owner loaded with select_related; {} when it has no row."""
    row = getattr(owner, attribute, None)
    return row.schedule if row is not None else {}


def _level(
    name: str,
    *,
    values_only: bool = False,
    column: str = "values",
    dated: bool = False,
    **owner,
) -> dict:
    """Annotations carrying one level's explicit values (and its row's version) as scalar
    subqueries: `<name>_values` (None when the level has no row) and `<name>_version`, and with
    `dated` its dated values `<name>_schedule` (clients' and groups' rows have them).

    Subqueries rather than joins: a select_related over the reverse one-to-ones makes a
    six-table outer join that PostgreSQL takes far longer to plan than to run
    (benchmarks/README.md).
    """
    rows = PortalSettings.objects.filter(**owner)
    annotations = {f"{name}_values": Subquery(rows.values(column)[:1], output_field=JSONField())}
    if dated:
        annotations[f"{name}_schedule"] = Subquery(
            rows.values("schedule")[:1], output_field=JSONField()
        )
    if not values_only:
        annotations[f"{name}_version"] = Subquery(rows.values("version")[:1])
    return annotations


def _client_levels(*, values_only: bool = False) -> dict:
    return {
        **_level("own", client=OuterRef("pk"), values_only=values_only, dated=True),
        **_level("group", group=OuterRef("group_id"), values_only=values_only, dated=True),
        **_level("practice", organization=OuterRef("organization_id"), values_only=values_only),
    }


def clients_with_settings() -> QuerySet:
    """Clients with their user, practice and group, and every level's explicit values and
    versions: one query. A fresh QuerySet each call (a clone of the definition below)."""
    return _CLIENTS_WITH_SETTINGS.all()


# The query of clients_with_settings, built once per process and never evaluated, as a generic
# view's class-level `queryset` is: building its subqueries cost about as much CPU as compiling
# and running the query (benchmarks/README.md).
_CLIENTS_WITH_SETTINGS = Client.objects.select_related("user", "organization", "group").annotate(
    **_client_levels()
)


def groups_with_settings(*, column: str = "values") -> QuerySet:
    """Groups with their own and their practice's explicit values (the clients' column, or
    with column="family_values" the family members'): one query."""
    return ClientGroup.objects.select_related("organization").annotate(
        **_level("own", column=column, group=OuterRef("pk"), dated=column == "values"),
        **_level("practice", column=column, organization=OuterRef("organization_id")),
    )


def organizations_with_settings(*, column: str = "values") -> QuerySet:
    return Organization.objects.annotate(
        **_level("own", column=column, organization=OuterRef("pk"))
    )


def client_with_settings_for_user(user) -> Client | None:
    """The client signed in as `user`, with their practice, their group and the explicit values
    of all three levels, in one ordinary query; None when the user is not a client."""
    try:
        return _clients_for_users().get(user_id=user.pk)
    except Client.DoesNotExist:
        return None


@cache
def _clients_for_users() -> QuerySet:
    """The query of client_with_settings_for_user, built once per process: a query definition,
    never evaluated (each call clones it, as Django's generic views clone a class-level
    `queryset`), so no row outlives its request. Building its three subqueries was a third of
    the ORM's work on every portal request (benchmarks/README.md)."""
    return Client.objects.select_related("organization", "group").annotate(
        **_client_levels(values_only=True)
    )


def sources_for_client(client: Client) -> Sources:
    """A client's three levels, from a client loaded by clients_with_settings or
    client_with_settings_for_user: no query."""
    group = client.group if client.group_id else None
    return Sources(
        organization=client.practice_values or {},
        group=(client.group_values or {}) if group is not None else None,
        group_name=group.name if group is not None else "",
        client=client.own_values or {},
        group_schedule=(getattr(client, "group_schedule", None) or {}) if group else None,
        client_schedule=getattr(client, "own_schedule", None) or {},
    )


def sources_for_group(group: ClientGroup) -> Sources:
    return Sources(
        organization=group.practice_values or {},
        group=group.own_values or {},
        group_name=group.name,
        # Loaded for the clients' column only: a group's family column has no dated values.
        group_schedule=getattr(group, "own_schedule", None) or {},
    )


def sources_for_organization(organization: Organization) -> Sources:
    return Sources(organization=organization.own_values or {})


def effective_settings_for_client(*, client: Client) -> EffectiveSettings:
    """For a client loaded by clients_with_settings or client_with_settings_for_user: no
    query."""
    return resolve(sources_for_client(client))


# select_related paths for resolving many clients of known practices (see resolve_loaded).
BULK_RELATED = ("group", "group__portal_settings", "portal_settings")


def resolve_loaded(client: Client, organization_values: Mapping[str, str]) -> EffectiveSettings:
    """A client loaded with BULK_RELATED, its practice's default values given: no query."""
    group = client.group if client.group_id else None
    return resolve(
        Sources(
            organization=organization_values,
            group=_values(group) if group is not None else None,
            group_name=group.name if group is not None else "",
            client=_values(client),
            group_schedule=_schedule(group) if group is not None else None,
            client_schedule=_schedule(client),
        )
    )


def effective_settings_for_clients(
    *, clients: QuerySet | Iterable[Client]
) -> dict[int, EffectiveSettings]:
    """Effective settings for many clients in two queries, whatever their number.

    One query loads the clients with their own and their group's settings; one loads the
    practice defaults of the practices they belong to.
    """
    if isinstance(clients, QuerySet):
        rows = list(clients.select_related(*BULK_RELATED))
    else:
        ids = [client.pk for client in clients]
        rows = list(Client.objects.filter(pk__in=ids).select_related(*BULK_RELATED))
    defaults = organization_defaults({client.organization_id for client in rows})
    return {
        client.pk: resolve_loaded(client, defaults.get(client.organization_id, {}))
        for client in rows
    }


def organization_defaults(organization_ids: Iterable[int]) -> dict[int, dict]:
    """Practice default values by organization id: one query."""
    return dict(
        PortalSettings.objects.filter(organization_id__in=list(organization_ids)).values_list(
            "organization_id", "values"
        )
    )


# --- Family members -------------------------------------------------------------------------

# A family member's chain: their own link -> the client's group's family column -> the
# practice's family column -> this built-in. The built-in keeps what is private to the client
# (their journal, their documents) Off and the rest Full, so a practice that sets nothing
# shares neither; every other section is what a parent usually handles.
FAMILY_BUILT_IN: Mapping[str, Access] = {"journal": Access.OFF, "documents": Access.OFF}


def _family_link_levels(*, values_only: bool = False) -> dict:
    return {
        **_level("own", values_only=values_only, dated=True, family_link=OuterRef("pk")),
        **_level(
            "group",
            values_only=values_only,
            column="family_values",
            group=OuterRef("client__group_id"),
        ),
        **_level(
            "practice",
            values_only=values_only,
            column="family_values",
            organization=OuterRef("organization_id"),
        ),
    }


def family_links_with_settings() -> QuerySet:
    """Family links with their person, their client (with practice, group and user) and every
    level of the family chain's explicit values and versions: one query."""
    return FamilyLink.objects.select_related(
        "user", "client__organization", "client__group", "client__user", "organization"
    ).annotate(**_family_link_levels())


def family_link_with_settings_for_user(user, link_id) -> FamilyLink | None:
    """The link a family member chose, of this user only, with their client (practice, group,
    user) and the family chain's explicit values, in one ordinary query; None if it is not
    theirs. The person is the signed-in user, already loaded: not joined again."""
    return (
        FamilyLink.objects.select_related("client__organization", "client__group", "client__user")
        .annotate(**_family_link_levels(values_only=True))
        .filter(pk=link_id, user_id=user.pk)
        .order_by()  # one row by its key: no ORDER BY (the model's ordering joins users)
        .first()
    )


def sources_for_family_link(link: FamilyLink) -> Sources:
    """A family member's levels, from a link loaded by family_links_with_settings: no query."""
    group = link.client.group if link.client.group_id else None
    return Sources(
        organization=link.practice_values or {},
        group=(link.group_values or {}) if group is not None else None,
        group_name=group.name if group is not None else "",
        client=link.own_values or {},
        client_schedule=getattr(link, "own_schedule", None) or {},
    )


def effective_settings_for_family_link(*, link: FamilyLink) -> EffectiveSettings:
    """What a family member may use in their client's portal, for a link loaded by
    family_links_with_settings: no query."""
    return resolve(sources_for_family_link(link), upto=Level.FAMILY, builtin=FAMILY_BUILT_IN)

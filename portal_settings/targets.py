"""The three things that hold portal settings (a practice, a group, a client), behind one shape.

The settings page, the service that saves it and the admin inline all work on a Target, so the
three levels behave the same way without three copies of the rules.
"""

from dataclasses import dataclass

from clients.models import Client, ClientGroup, FamilyLink, Organization
from portal_settings.models import Level, PortalSettings
from portal_settings.resolver import (
    FAMILY_BUILT_IN,
    EffectiveSettings,
    Sources,
    clients_with_settings,
    family_links_with_settings,
    groups_with_settings,
    organizations_with_settings,
    resolve,
    sources_for_client,
    sources_for_family_link,
    sources_for_group,
    sources_for_organization,
)

CLIENTS = "clients"
FAMILY = "family"
AUDIENCES = (CLIENTS, FAMILY)


def with_settings(level: str, audience: str = CLIENTS):
    """The queryset that loads a target with every level of its settings. For family members:
    a family link with the family chain, or a group or practice with its family column."""
    if level == Level.FAMILY:
        return family_links_with_settings()
    column = "family_values" if audience == FAMILY else "values"
    if level == Level.GROUP:
        return groups_with_settings(column=column)
    if level == Level.ORGANIZATION:
        return organizations_with_settings(column=column)
    return clients_with_settings()


def _version(version: int | None) -> int:
    return version or 0  # no row yet: version 0


@dataclass(frozen=True)
class Target:
    """Where a settings form saves: a practice, a group or a client (their clients' column), a
    practice or a group's family column (audience FAMILY), or one family member's own."""

    level: str
    obj: Organization | ClientGroup | Client | FamilyLink
    audience: str = CLIENTS

    @classmethod
    def of(cls, obj, audience: str = CLIENTS) -> "Target":
        if isinstance(obj, FamilyLink):
            return cls(Level.FAMILY, obj, FAMILY)
        if isinstance(obj, Client):
            return cls(Level.CLIENT, obj)
        if isinstance(obj, ClientGroup):
            return cls(Level.GROUP, obj, audience)
        if isinstance(obj, Organization):
            return cls(Level.ORGANIZATION, obj, audience)
        raise TypeError(f"{obj!r} cannot hold portal settings")

    @property
    def for_family(self) -> bool:
        return self.audience == FAMILY

    @property
    def builtin(self):
        return FAMILY_BUILT_IN if self.for_family else None

    @property
    def organization(self) -> Organization:
        if self.level == Level.ORGANIZATION:
            return self.obj
        return self.obj.organization

    @property
    def row_lookup(self) -> dict:
        """The PortalSettings lookup for this target's own row (also the audit's target)."""
        if self.level == Level.ORGANIZATION:
            return {"organization": self.obj}
        if self.level == Level.FAMILY:
            return {"family_link": self.obj}
        return {self.level: self.obj}

    @property
    def column(self) -> str:
        """The row's field that holds this target's values: a group's or the practice's family
        column, else `values`."""
        if self.for_family and self.level in (Level.GROUP, Level.ORGANIZATION):
            return "family_values"
        return "values"

    @property
    def audit_target(self) -> dict:
        if self.level == Level.FAMILY:
            return {"family_link": self.obj}
        audience = {"audience": FAMILY} if self.for_family else {}
        if self.level == Level.ORGANIZATION:
            return audience
        return {self.level: self.obj, **audience}

    def reload(self) -> "Target":
        """The same target read again with every level of its settings: one query."""
        obj = with_settings(self.level, self.audience).get(pk=self.obj.pk)
        return Target(self.level, obj, self.audience)

    def sources(self) -> Sources:
        if self.level == Level.FAMILY:
            return sources_for_family_link(self.obj)
        if self.level == Level.CLIENT:
            return sources_for_client(self.obj)
        if self.level == Level.GROUP:
            return sources_for_group(self.obj)
        return sources_for_organization(self.obj)

    def effective(self) -> EffectiveSettings:
        return resolve(self.sources(), upto=self.level, builtin=self.builtin)

    def inherited(self) -> EffectiveSettings:
        """What each section would be with no value at this level."""
        sources = self.sources()
        if self.level in (Level.CLIENT, Level.FAMILY):
            return resolve(
                Sources(
                    sources.organization,
                    sources.group,
                    sources.group_name,
                    group_schedule=sources.group_schedule,
                ),
                builtin=self.builtin,
            )
        if self.level == Level.GROUP:
            # Walked as from the group's page, so the words are "Inherited from practice".
            return resolve(
                Sources(sources.organization, {}, sources.group_name),
                upto=Level.GROUP,
                builtin=self.builtin,
            )
        return resolve(Sources({}), upto=Level.ORGANIZATION, builtin=self.builtin)

    def own_values(self) -> dict:
        return dict(self.obj.own_values or {})

    @property
    def takes_dated_values(self) -> bool:
        """Dated values are kept on a client's or a family member's own row and on a group's
        clients' column (not on the practice defaults, nor on a family column)."""
        if self.level in (Level.CLIENT, Level.FAMILY):
            return True
        return self.level == Level.GROUP and not self.for_family

    def own_schedule(self) -> dict:
        """This target's dated values (portal_settings.schedule), as stored."""
        if not self.takes_dated_values:
            return {}
        return dict(getattr(self.obj, "own_schedule", None) or {})

    def resolve_with(self, *, values: dict, schedule: dict):
        """What this target's page would show with these own values and dated values."""
        sources = self.sources()
        if self.level == Level.ORGANIZATION:
            changed = Sources(values)
        elif self.level == Level.GROUP:
            changed = Sources(
                sources.organization, values, sources.group_name, group_schedule=schedule
            )
        else:
            changed = Sources(
                sources.organization,
                sources.group,
                sources.group_name,
                values,
                group_schedule=sources.group_schedule,
                client_schedule=schedule,
            )
        return resolve(changed, upto=self.level, builtin=self.builtin)

    def version_token(self) -> str:
        """Changes whenever anything this target's page shows could have changed.

        For a client: their own row, their group (which one, and its row) and the practice
        default; for a family member the same with their link's row; for a group: its row and
        the practice default; for the practice: its row. A group's or the practice's row holds
        both columns under one version, so a SAVE of one column makes an open form of the
        other stale (refused, never overwritten).
        """
        obj = self.obj
        if self.level in (Level.CLIENT, Level.FAMILY):
            group_id = obj.group_id if self.level == Level.CLIENT else obj.client.group_id
            group_part = f"{group_id}:{_version(obj.group_version)}" if group_id else "-"
            own = "c" if self.level == Level.CLIENT else "f"
            return (
                f"o{_version(obj.practice_version)}.g{group_part}.{own}{_version(obj.own_version)}"
            )
        if self.level == Level.GROUP:
            return f"o{_version(obj.practice_version)}.g{_version(obj.own_version)}"
        return f"o{_version(obj.own_version)}"

    def lock_row(self) -> PortalSettings | None:
        return PortalSettings.objects.select_for_update().filter(**self.row_lookup).first()

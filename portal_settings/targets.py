"""The three things that hold portal settings (a practice, a group, a client), behind one shape.

The settings page, the service that saves it and the admin inline all work on a Target, so the
three levels behave the same way without three copies of the rules.
"""

from dataclasses import dataclass

from clients.models import Client, ClientGroup, Organization
from portal_settings.models import Level, PortalSettings
from portal_settings.resolver import (
    EffectiveSettings,
    Sources,
    clients_with_settings,
    groups_with_settings,
    organizations_with_settings,
    resolve,
    sources_for_client,
    sources_for_group,
    sources_for_organization,
)


def with_settings(level: str):
    """The queryset that loads a practice, group or client with every level of its settings."""
    return {
        Level.CLIENT: clients_with_settings,
        Level.GROUP: groups_with_settings,
        Level.ORGANIZATION: organizations_with_settings,
    }[level]()


def _version(version: int | None) -> int:
    return version or 0  # no row yet: version 0


@dataclass(frozen=True)
class Target:
    level: str
    obj: Organization | ClientGroup | Client

    @classmethod
    def of(cls, obj) -> "Target":
        if isinstance(obj, Client):
            return cls(Level.CLIENT, obj)
        if isinstance(obj, ClientGroup):
            return cls(Level.GROUP, obj)
        if isinstance(obj, Organization):
            return cls(Level.ORGANIZATION, obj)
        raise TypeError(f"{obj!r} cannot hold portal settings")

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
        return {self.level: self.obj}

    @property
    def audit_target(self) -> dict:
        return {} if self.level == Level.ORGANIZATION else {self.level: self.obj}

    def reload(self) -> "Target":
        """The same target read again with every level of its settings: one query."""
        return Target(self.level, with_settings(self.level).get(pk=self.obj.pk))

    def sources(self) -> Sources:
        if self.level == Level.CLIENT:
            return sources_for_client(self.obj)
        if self.level == Level.GROUP:
            return sources_for_group(self.obj)
        return sources_for_organization(self.obj)

    def effective(self) -> EffectiveSettings:
        return resolve(self.sources(), upto=self.level)

    def inherited(self) -> EffectiveSettings:
        """What each section would be with no value at this level."""
        sources = self.sources()
        if self.level == Level.CLIENT:
            return resolve(Sources(sources.organization, sources.group, sources.group_name))
        if self.level == Level.GROUP:
            # Walked as from the group's page, so the words are "Inherited from practice".
            return resolve(Sources(sources.organization, {}, sources.group_name), upto=Level.GROUP)
        return resolve(Sources({}), upto=Level.ORGANIZATION)

    def own_values(self) -> dict:
        return dict(self.obj.own_values or {})

    def version_token(self) -> str:
        """Changes whenever anything this target's page shows could have changed.

        For a client: their own row, their group (which one, and its row) and the practice
        default; for a group: its row and the practice default; for the practice: its row.
        """
        obj = self.obj
        if self.level == Level.CLIENT:
            group_part = f"{obj.group_id}:{_version(obj.group_version)}" if obj.group_id else "-"
            return f"o{_version(obj.practice_version)}.g{group_part}.c{_version(obj.own_version)}"
        if self.level == Level.GROUP:
            return f"o{_version(obj.practice_version)}.g{_version(obj.own_version)}"
        return f"o{_version(obj.own_version)}"

    def lock_row(self) -> PortalSettings | None:
        return PortalSettings.objects.select_for_update().filter(**self.row_lookup).first()

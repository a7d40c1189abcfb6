"""What is allowed: the three levels of portal settings."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from audit.models import AuditEntry, Level
from clients.models import Client, ClientGroup, FamilyLink, Organization
from clients.validators import validate_single_line
from portal_settings.levels import Access
from portal_settings.schedule import validate_schedule
from portal_settings.sections import BY_KEY, SECTIONS


def validate_values(values) -> None:
    """Each key a section of the registry, each value one of the levels that section allows."""
    if not isinstance(values, dict):
        raise ValidationError("Portal settings must map section keys to access levels.")
    for key, value in values.items():
        section = BY_KEY.get(key)
        if section is None:
            raise ValidationError(f"{key!r} is not a Client Portal section.")
        if not isinstance(value, str) or not section.allows_level(value):
            choices = ", ".join(f"{level.label} ({level.value!r})" for level in section.levels)
            raise ValidationError(f"{section.label} can be {choices}; not {value!r}.")


class PortalSettings(models.Model):
    """The explicit access levels at one level, for exactly one target.

    `values` maps a section key to an Access value ("full", "view" or "off"); a section that is
    not in it has no value at this level and inherits (client -> group -> practice default ->
    Full). One row per
    target, so changing a group or the practice default writes one row whatever its size.
    """

    organization = models.OneToOneField(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_settings",
    )
    group = models.OneToOneField(
        ClientGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="portal_settings"
    )
    client = models.OneToOneField(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="portal_settings"
    )
    # A family member's own values, for the one client they act for.
    family_link = models.OneToOneField(
        FamilyLink,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_settings",
    )
    values = models.JSONField(default=dict, blank=True, validators=[validate_values])
    # On a practice's or a group's row: the family column, what their clients' family members
    # inherit (a family member's chain is link -> group's family column -> practice's family
    # column -> built-in). Kept on the same row so a change to it is one row, like `values`.
    family_values = models.JSONField(default=dict, blank=True, validators=[validate_values])
    # On a client's, a family member's or a group's row: dated values of `values` (a group's
    # clients' column), one per section at most (portal_settings.schedule): a level from
    # and/or until a moment, applied when read.
    schedule = models.JSONField(default=dict, blank=True, validators=[validate_schedule])
    # Bumped on every saved change; a form shown at an older version is stale.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "portal settings"
        verbose_name_plural = "portal settings"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        organization__isnull=False,
                        group__isnull=True,
                        client__isnull=True,
                        family_link__isnull=True,
                    )
                    | Q(
                        organization__isnull=True,
                        group__isnull=False,
                        client__isnull=True,
                        family_link__isnull=True,
                    )
                    | Q(
                        organization__isnull=True,
                        group__isnull=True,
                        client__isnull=False,
                        family_link__isnull=True,
                    )
                    | Q(
                        organization__isnull=True,
                        group__isnull=True,
                        client__isnull=True,
                        family_link__isnull=False,
                    )
                ),
                name="portalsettings_exactly_one_target",
                violation_error_message=(
                    "Portal settings belong to exactly one practice, group, client or family "
                    "member."
                ),
            ),
        ]

    def __str__(self):
        return f"Portal settings of {self.target}"

    @property
    def level(self) -> str:
        if self.family_link_id:
            return Level.FAMILY
        if self.client_id:
            return Level.CLIENT
        if self.group_id:
            return Level.GROUP
        return Level.ORGANIZATION

    @property
    def target(self):
        return self.family_link or self.client or self.group or self.organization


class PortalSeen(models.Model):
    """What a client's portal offered the last time they saw their portal home: the marker
    notices are worked out from (portal_settings.notices). One row per client, written only
    when the client sees a change (or on their first visit), never when a provider saves."""

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="portal_seen")
    # Each section's effective level then: key -> "full" / "view" / "off".
    sections = models.JSONField(default=dict)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = "portal last seen by client"
        verbose_name_plural = "portals last seen by clients"

    def __str__(self):
        return f"Portal of {self.client} as seen at {self.seen_at:%Y-%m-%d %H:%M}"


class FamilyPortalSeen(models.Model):
    """PortalSeen for a family member: what their own chain (link -> the group's family column
    -> the practice's family column -> built-in) offered the last time they saw the portal
    home while acting for this client. One row per family link, written as PortalSeen is."""

    family_link = models.OneToOneField(
        FamilyLink, on_delete=models.PROTECT, related_name="portal_seen"
    )
    sections = models.JSONField(default=dict)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = "portal last seen by family member"
        verbose_name_plural = "portals last seen by family members"

    def __str__(self):
        return f"Portal of {self.family_link} as seen at {self.seen_at:%Y-%m-%d %H:%M}"


def validate_preset_values(values) -> None:
    """A preset maps section keys to a level the section offers; a section left out is left
    as it is when the preset is applied."""
    if not isinstance(values, dict):
        raise ValidationError("A preset maps Client Portal sections to access levels.")
    if not values:
        raise ValidationError("Choose a level for at least one section.")
    for key, value in values.items():
        section = BY_KEY.get(key)
        if section is None:
            raise ValidationError(f"{key!r} is not a Client Portal section.")
        if not isinstance(value, str) or not section.allows_level(value):
            choices = ", ".join(level.label for level in section.levels)
            raise ValidationError(f"“{section.label}” can be {choices}; {value!r} is not one.")


# The trail entries whose values are a preset's trail_summary.
PRESET_ACTIONS = (AuditEntry.Action.PRESET_SAVED, AuditEntry.Action.PRESET_DELETED)


class Preset(models.Model):
    """A named set of section levels a practice applies to a client, a group or its defaults.

    Applying one copies its levels into the target's settings (through the settings service,
    with "preset: <name>" in the History); editing the preset later changes nobody it was
    applied to.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="portal_presets"
    )
    name = models.CharField(max_length=100, validators=[validate_single_line])
    values = models.JSONField(default=dict, validators=[validate_preset_values])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("name"),
                name="preset_unique_name_per_org",
                violation_error_message="This practice already has a preset with that name.",
            )
        ]

    def __str__(self):
        return self.name

    def levels_token(self) -> str:
        """Changes whenever the levels change: a page that showed other levels is stale."""
        return hashlib.sha256(json.dumps(self.values, sort_keys=True).encode()).hexdigest()[:16]

    def version_token(self) -> str:
        """Changes whenever the name or the levels change: an edit page that showed another
        version is stale (services.preset_save)."""
        shown = json.dumps([self.name, self.values], sort_keys=True)
        return hashlib.sha256(shown.encode()).hexdigest()[:16]

    def leaves_sections_out(self) -> bool:
        """Whether applying it leaves some section as it is (it does not set every one)."""
        return any(section.key not in self.values for section in SECTIONS)

    def summary(self) -> str:
        """ "View and pay bills: Off · View and purchase packages: Off", in registry order."""
        return " · ".join(self.levels_shown())

    def levels_shown(self) -> list[str]:
        """["View and pay bills: Off", "View and purchase packages: Off"], in registry order."""
        return self._levels(lambda section: section.label)

    def trail_summary(self) -> str:
        """ "Billing: Off · Packages: Off": the summary as the audit trail records it, in the
        tab names, so that a preset of all nine sections fits its 200-character column."""
        return " · ".join(self._levels(lambda section: section.tab))

    @staticmethod
    def trail_summary_words(value: str) -> str:
        """A trail_summary read back in the sections' labels, for the History; a part it does
        not know (an older or cut-off value) is left as it is."""
        labels = {section.tab: section.label for section in SECTIONS}
        parts = []
        for part in value.split(" · "):
            tab, colon, level = part.partition(": ")
            parts.append(f"{labels[tab]}: {level}" if colon and tab in labels else part)
        return " · ".join(parts)

    def _levels(self, name) -> list[str]:
        return [
            f"{name(section)}: {Access(self.values[section.key]).label}"
            for section in SECTIONS
            if section.key in self.values
        ]

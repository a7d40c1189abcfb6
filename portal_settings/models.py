"""What is allowed: the three levels of portal settings, and the append-only audit trail."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clients.models import AppendOnlyModel, Client, ClientGroup, Organization
from portal_settings.sections import BY_KEY


class Level(models.TextChoices):
    ORGANIZATION = "organization", "Practice default"
    GROUP = "group", "Group"
    CLIENT = "client", "Client"


def validate_values(values) -> None:
    if not isinstance(values, dict):
        raise ValidationError("Portal settings must map section keys to true or false.")
    for key, value in values.items():
        if key not in BY_KEY:
            raise ValidationError(f"{key!r} is not a Client Portal section.")
        if not isinstance(value, bool):
            raise ValidationError(f"The setting for {key!r} must be true or false.")


class PortalSettings(models.Model):
    """The explicit on/off values at one level, for exactly one target.

    `values` maps a section key to True (on) or False (off); a section that is not in it has no
    value at this level and inherits (client -> group -> practice default -> on). One row per
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
    values = models.JSONField(default=dict, blank=True, validators=[validate_values])
    # Bumped on every saved change; a form shown at an older version is stale.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "portal settings"
        verbose_name_plural = "portal settings"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organization__isnull=False, group__isnull=True, client__isnull=True)
                    | Q(organization__isnull=True, group__isnull=False, client__isnull=True)
                    | Q(organization__isnull=True, group__isnull=True, client__isnull=False)
                ),
                name="portalsettings_exactly_one_target",
                violation_error_message=(
                    "Portal settings belong to exactly one practice, group or client."
                ),
            ),
        ]

    def __str__(self):
        return f"Portal settings of {self.target}"

    @property
    def level(self) -> str:
        if self.client_id:
            return Level.CLIENT
        if self.group_id:
            return Level.GROUP
        return Level.ORGANIZATION

    @property
    def target(self):
        return self.client or self.group or self.organization


class AuditEntry(AppendOnlyModel):
    """One recorded change: who, when (UTC), which level and target, what, from what to what."""

    class Action(models.TextChoices):
        SETTING_CHANGED = "setting_changed", "Portal setting changed"
        CLIENT_ADDED = "client_added", "Client added"
        CLIENT_ARCHIVED = "client_archived", "Client archived"
        CLIENT_RESTORED = "client_restored", "Client restored"
        GROUP_CHANGED = "group_changed", "Client's group changed"
        PORTAL_LOGIN_CHANGED = "portal_login_changed", "Portal login changed"
        SIGN_IN_UNLOCKED = "sign_in_unlocked", "Sign-in unlocked"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The actor as they were named at the time, kept if their name or email changes later.
    actor_label = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    level = models.CharField(max_length=16, choices=Level.choices)
    group = models.ForeignKey(
        ClientGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    section = models.CharField(max_length=32, blank=True)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "level", "-created_at"]),
            models.Index(fields=["client", "-created_at"]),
            models.Index(fields=["group", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(level=Level.ORGANIZATION, group__isnull=True, client__isnull=True)
                    | Q(level=Level.GROUP, group__isnull=False, client__isnull=True)
                    | Q(level=Level.CLIENT, group__isnull=True, client__isnull=False)
                ),
                name="auditentry_target_matches_level",
            ),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.get_action_display()}"

    @property
    def section_label(self) -> str:
        section = BY_KEY.get(self.section)
        return section.label if section else self.section

"""The bottom layer: rows written once and kept, and the audit trail built on them.

Nothing here imports another app of the project; the trail points at practices, groups and
clients by model name only, so every layer above can record what it does.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model._meta.verbose_name_plural} are append-only: never updated.")

    def delete(self):
        raise TypeError(f"{self.model._meta.verbose_name_plural} are append-only: never deleted.")


class AppendOnlyModel(models.Model):
    """Rows written once and kept: no code path updates or deletes them (the audit trail, the
    security log). The admin lists them read-only too."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{self._meta.verbose_name_plural} are append-only: never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{self._meta.verbose_name_plural} are append-only: never deleted.")


class Level(models.TextChoices):
    """Where a setting or a change lives: the practice, one of its groups, or one client."""

    ORGANIZATION = "organization", "Practice default"
    GROUP = "group", "Group"
    CLIENT = "client", "Client"
    FAMILY = "family", "Family member"


class AuditEntry(AppendOnlyModel):
    """One recorded change: who, when (UTC), which level and target, what, from what to what."""

    class Action(models.TextChoices):
        SETTING_CHANGED = "setting_changed", "Portal setting changed"
        CLIENT_ADDED = "client_added", "Client added"
        CLIENT_ARCHIVED = "client_archived", "Client archived"
        CLIENT_RESTORED = "client_restored", "Client restored"
        GROUP_CHANGED = "group_changed", "Client's group changed"
        GROUP_RENAMED = "group_renamed", "Group renamed"
        GROUP_DESCRIBED = "group_described", "Group description changed"
        ROLE_CHANGED = "role_changed", "Role changed"
        PRACTICE_RENAMED = "practice_renamed", "Practice renamed"
        CONTACT_EMAIL_CHANGED = "contact_email_changed", "Practice contact email changed"
        TIME_ZONE_CHANGED = "time_zone_changed", "Practice time zone changed"
        CURRENCY_CHANGED = "currency_changed", "Practice currency changed"
        CANCELLATION_CUTOFF_CHANGED = "cancellation_cutoff_changed", "Cancellation cut-off changed"
        BOOKING_WINDOW_CHANGED = "booking_window_changed", "Booking window changed"
        UPCOMING_BOOKINGS_CHANGED = (
            "upcoming_bookings_changed",
            "Most upcoming bookings per client changed",
        )
        PORTAL_LOGIN_CHANGED = "portal_login_changed", "Portal login changed"
        SIGN_IN_UNLOCKED = "sign_in_unlocked", "Sign-in unlocked"
        PORTAL_PREVIEWED = "portal_previewed", "Portal previewed by a provider"
        CLIENT_EMAILS_CHANGED = "client_emails_changed", "Emails to clients about portal changes"
        PRESET_SAVED = "preset_saved", "Preset saved"
        PRESET_DELETED = "preset_deleted", "Preset deleted"
        FAMILY_MEMBER_ADDED = "family_added", "Family member added"
        FAMILY_ACCESS_CHANGED = "family_changed", "Family access changed"
        ADULT_AGE_CHANGED = "adult_age_changed", "Age of adulthood changed"
        BIRTH_DATE_CHANGED = "birth_date_changed", "Client's date of birth changed"
        # Written after the moment by portal_dated_values (a dated value holds whether or not
        # it has run); the entry's time is the start or the end itself.
        DATED_STARTED = "dated_started", "Dated value started"
        DATED_ENDED = "dated_ended", "Dated value ended"

    organization = models.ForeignKey(
        "clients.Organization", on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The actor as they were named at the time, kept if their name or email changes later.
    actor_label = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    level = models.CharField(max_length=16, choices=Level.choices)
    group = models.ForeignKey(
        "clients.ClientGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A family member's own settings (level "family"; `client` is then the client they act for).
    family_link = models.ForeignKey(
        "clients.FamilyLink", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Whose settings a group's or the practice's change was for: its clients ("") or their
    # family members ("family", the family column).
    audience = models.CharField(
        max_length=16, blank=True, choices=[("", "Clients"), ("family", "Family members")]
    )
    # A portal section's registry key (portal_settings.sections), for setting changes.
    section = models.CharField(max_length=32, blank=True)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=500, blank=True)
    # Why a client's own records were hidden from them (portal_settings.reasons), when they were.
    reason = models.CharField(max_length=250, blank=True)

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
                    | Q(
                        level=Level.CLIENT,
                        group__isnull=True,
                        client__isnull=False,
                        family_link__isnull=True,
                    )
                    | Q(
                        level=Level.FAMILY,
                        group__isnull=True,
                        client__isnull=False,
                        family_link__isnull=False,
                    )
                ),
                name="auditentry_target_matches_level",
            ),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.get_action_display()}"

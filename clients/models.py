"""Who: the practice (the tenant), its providers, its client groups and its clients."""

import hashlib
import secrets
import zoneinfo
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from audit.models import AppendOnlyModel
from clients.validators import validate_email_characters, validate_single_line


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        # The whole address, not only the domain: people type their own address in any case.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username):
        return self.get(email=self.normalize_email(username))

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: providers, practice admins, clients and staff, by email."""

    # Stored in its normal form (UserManager.normalize_email), and only if its mail goes to it.
    email = models.EmailField("email address", unique=True, validators=[validate_email_characters])
    # Names reach email greetings and subjects: one line, so no header can be injected.
    first_name = models.CharField(max_length=150, validators=[validate_single_line])
    last_name = models.CharField(max_length=150, blank=True, validators=[validate_single_line])
    is_staff = models.BooleanField(
        default=False, help_text="Can sign in to the Django admin (practice support staff)."
    )
    # For a client this mirrors Client.has_portal_access: clearing it makes Django's backend
    # refuse the sign-in and drop the user from every existing session on its next request.
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when what was sent to this person must stop working (their email changed, they were
    # archived or their login turned off): password-reset links issued before it are refused.
    credentials_revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name"]

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = User.objects.normalize_email(self.email)

    # Sessions carry an auth hash; Django ends a session whose hash no longer matches. Django
    # hashes the password; the moment credentials were last revoked (email change, archive,
    # portal login off) is added, so a session from before a withdrawal of access stays ended
    # when access comes back, even if it made no request in between.
    def get_session_auth_hash(self):
        return self._auth_hash()

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._auth_hash(secret)

    def _auth_hash(self, secret=None) -> str:
        value = self.password
        if self.credentials_revoked_at is not None:
            value = f"{value}|{self.credentials_revoked_at.isoformat()}"
        return salted_hmac(
            "clients.User.get_session_auth_hash", value, secret=secret, algorithm="sha256"
        ).hexdigest()

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (for example Europe/Paris).")


CURRENCIES = {
    "USD": "$",
    "CAD": "CA$",
    "AUD": "A$",
    "EUR": "€",
    "GBP": "£",
    "NZD": "NZ$",
    "CHF": "CHF ",
}


def validate_currency(value):
    if value not in CURRENCIES:
        raise ValidationError(f"Choose one of {', '.join(CURRENCIES)}.")


def _between(low: int, high: int, unit: str):
    message = f"Between {low} and {high} {unit}."
    return [MinValueValidator(low, message=message), MaxValueValidator(high, message=message)]


# Bounds of a practice's booking rules: each makes sense for a practice and keeps date
# arithmetic (a start minus the cut-off, today plus the window) far from the calendar's ends.
CUTOFF_HOURS = (0, 168)
WINDOW_DAYS = (1, 365)
UPCOMING_BOOKINGS = (1, 20)
# The age at which a client becomes an adult, by practice: 18 in most places, 16 to 21 elsewhere.
ADULT_AGE = (16, 21)


class Organization(models.Model):
    """A practice: the tenant. Every provider query is scoped to one."""

    # The name is in every email's subject: one line only. Not unique: practices are told
    # apart by their id, and a "name taken" refusal would tell one practice about another.
    name = models.CharField(max_length=200, validators=[validate_single_line])
    # Clients are told to reply to it: refused if its mail would reach another inbox.
    contact_email = models.EmailField(
        blank=True,
        help_text="Shown to clients who need to contact the practice.",
        validators=[validate_email_characters],
    )
    time_zone = models.CharField(
        max_length=64,
        default="America/New_York",
        validators=[validate_time_zone],
        help_text="Appointment times and dates are shown to clients in this zone.",
    )
    currency = models.CharField(
        max_length=3,
        default="USD",
        validators=[validate_currency],
        help_text="ISO 4217 code of the currency invoices and packages are priced in.",
    )
    cancellation_cutoff_hours = models.PositiveIntegerField(
        default=24,
        validators=_between(*CUTOFF_HOURS, "hours"),
        help_text="Clients can cancel an appointment up to this many hours before it starts.",
    )
    booking_window_days = models.PositiveIntegerField(
        default=28,
        validators=_between(*WINDOW_DAYS, "days"),
        help_text="How far ahead clients can book appointments.",
    )
    max_upcoming_bookings = models.PositiveSmallIntegerField(
        "most upcoming bookings per client",
        default=3,
        validators=_between(*UPCOMING_BOOKINGS, "appointments"),
        help_text="How many upcoming appointments a client may book in the portal at once.",
    )
    email_clients_on_portal_changes = models.BooleanField(
        "email clients when their portal changes",
        default=False,
        help_text=(
            "When a change turns a section of a client's portal off or on, email them which "
            "sections changed (never what is in them). They also see a notice on their portal "
            "home either way."
        ),
    )
    adult_age = models.PositiveSmallIntegerField(
        "age of adulthood",
        default=18,
        validators=_between(*ADULT_AGE, "years"),
        help_text=(
            "When a client reaches this age, the family access of their parents and guardians "
            "is suspended and you are asked to review it."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(adult_age__range=ADULT_AGE),
                name="organization_adult_age_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(cancellation_cutoff_hours__range=CUTOFF_HOURS),
                name="organization_cutoff_hours_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(booking_window_days__range=WINDOW_DAYS),
                name="organization_booking_window_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(max_upcoming_bookings__range=UPCOMING_BOOKINGS),
                name="organization_upcoming_bookings_in_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def contact_label(self):
        """How a client is told whom to contact: the practice's name, and its address if any."""
        if self.contact_email:
            return f"{self.name} ({self.contact_email})"
        return self.name


class Membership(models.Model):
    """A provider's place in a practice. One practice per provider."""

    class Role(models.TextChoices):
        PROVIDER = "provider", "Provider"
        ADMIN = "admin", "Practice admin"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.PROVIDER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "provider"
        ordering = ["organization", "user__last_name", "user__first_name"]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.organization})"

    @property
    def is_practice_admin(self):
        return self.role == self.Role.ADMIN

    def clean(self):
        if self.user_id and Client.objects.filter(user_id=self.user_id).exists():
            raise ValidationError(
                {"user": "This person is a client; a client cannot be a provider."}
            )


class ClientGroup(models.Model):
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="client_groups"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organization",
                Lower("name"),
                name="clientgroup_unique_name_per_org",
                violation_error_message="This practice already has a group with that name.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clients:group-detail", args=[self.pk])


class ClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def delete(self):
        raise TypeError("Clients are never deleted; they are archived.")


class Client(models.Model):
    """A client of a practice. Never deleted: archived and restored instead."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="clients")
    # The portal login. Names and email live on the user, so there is one place to change them.
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="client")
    group = models.ForeignKey(
        ClientGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clients",
        help_text="A client is in at most one group.",
    )
    portal_login_allowed = models.BooleanField(default=True)
    date_of_birth = models.DateField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "pk"]
        indexes = [models.Index(fields=["organization", "archived_at"])]

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("clients:detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise TypeError("Clients are never deleted; they are archived.")

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def has_portal_access(self):
        return self.portal_login_allowed and not self.is_archived

    @property
    def name(self):
        return self.user.get_full_name()

    @property
    def email(self):
        return self.user.email

    def age_on(self, day: date) -> int | None:
        """Whole years of age on `day`, or None without a date of birth. Someone born on
        29 February turns a year older on 1 March in other years."""
        born = self.date_of_birth
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def is_adult_on(self, day: date) -> bool:
        """Adult by the practice's age of adulthood; a client without a date of birth is
        taken as an adult (nothing is suspended on a guess)."""
        age = self.age_on(day)
        return age is None or age >= self.organization.adult_age

    def clean(self):
        if (
            self.group_id
            and self.organization_id
            and self.group.organization_id != self.organization_id
        ):
            raise ValidationError({"group": "The group belongs to another practice."})
        if self.date_of_birth is not None and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": "A date of birth cannot be in the future."})


class FamilyLinkQuerySet(models.QuerySet):
    def active(self):
        """In force: active, of a client who can sign in (not archived, login not off)."""
        return self.filter(
            status=FamilyLink.Status.ACTIVE,
            client__archived_at__isnull=True,
            client__portal_login_allowed=True,
        )

    def delete(self):
        raise TypeError("Family links are never deleted; they are removed (status).")


class FamilyLink(models.Model):
    """A family member's access to one client's portal: who, for whom, as what, and whether
    it is in force.

    The person signs in with their own User (one account per email; they may be a client
    themself, and linked to several clients of the same practice). The practice is kept on
    the row, equal to the client's, so every lookup is scoped without a join. Never deleted:
    a removed link keeps its history and the records its person made.
    """

    class Relationship(models.TextChoices):
        PARENT = "parent", "Parent"
        GUARDIAN = "guardian", "Guardian"
        PARTNER = "partner", "Spouse/partner"
        OTHER = "other", "Other"

    # Whose access ends when the client becomes an adult.
    MINOR_RELATIONSHIPS = (Relationship.PARENT, Relationship.GUARDIAN)

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"  # by a provider; resume brings it back
        # by the app: the client archived, their login turned off, or now an adult
        SUSPENDED = "suspended", "Suspended"
        REMOVED = "removed", "Removed"  # by a provider; adding the person again reopens it

    class SuspendedBecause(models.TextChoices):
        NONE = "", "—"
        ARCHIVED = "archived", "Client archived"
        LOGIN_OFF = "login_off", "Client's portal login off"
        ADULT = "adult", "Client became an adult"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="family_links"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="family_links")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="family_links")
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    suspended_because = models.CharField(
        max_length=16, choices=SuspendedBecause.choices, blank=True, default=""
    )
    # What a suspension put aside ("active" or "paused"), given back when it ends: restoring an
    # archived client resumes the links the archive suspended, as they were, and no other.
    suspended_from = models.CharField(
        max_length=16,
        choices=[("", "—"), ("active", "Active"), ("paused", "Paused")],
        blank=True,
        default="",
    )
    # A suspension at adulthood asks the provider to decide; set when they have.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = FamilyLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "family member"
        ordering = ["client", "user__last_name", "user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "user"],
                name="familylink_one_per_person_and_client",
                violation_error_message="This person is already a family member of this client.",
            ),
            models.CheckConstraint(
                condition=models.Q(status="suspended") | models.Q(suspended_because=""),
                name="familylink_reason_only_when_suspended",
            ),
            models.CheckConstraint(
                condition=models.Q(status="suspended") | models.Q(suspended_from=""),
                name="familylink_suspended_from_only_when_suspended",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self):
        return f"{self.user} ({self.get_relationship_display().lower()} of {self.client})"

    def delete(self, *args, **kwargs):
        raise TypeError("Family links are never deleted; they are removed (status).")

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE and self.client.has_portal_access

    @property
    def name(self) -> str:
        return self.user.get_full_name()

    @property
    def relationship_label(self) -> str:
        return self.get_relationship_display().lower()

    @property
    def needs_review(self) -> bool:
        return (
            self.status == self.Status.SUSPENDED
            and self.suspended_because == self.SuspendedBecause.ADULT
            and self.reviewed_at is None
        )

    def clean(self):
        if self.client_id and self.organization_id != self.client.organization_id:
            raise ValidationError({"client": "The client belongs to another practice."})
        if self.client_id and self.user_id and self.client.user_id == self.user_id:
            raise ValidationError({"user": "A client cannot be their own family member."})


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def own(self):
        """The client's own invitations, not their family members'."""
        return self.filter(family_link__isnull=True)


class Invitation(models.Model):
    """A one-time link that lets a client set a password and enter the portal.

    Only a hash of the token is stored, so a copy of the database cannot be used to sign in.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invitations")
    # Set for a family member's invitation: the link's person sets their password, not the
    # client's. `client` is then the client whose portal they are invited to.
    family_link = models.ForeignKey(
        FamilyLink,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    sent_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.invitee} ({self.created_at:%Y-%m-%d})"

    @property
    def invitee(self) -> User:
        """Whose password the link sets: the family member's, or the client's."""
        return self.family_link.user if self.family_link_id else self.client.user

    @property
    def is_for_access(self) -> bool:
        """Whether the invitee may still come in through it."""
        if self.family_link_id:
            return self.family_link.is_active
        return self.client.has_portal_access

    @classmethod
    def issue(cls, *, client, sent_by=None, family_link=None):
        """Create an invitation; returns (invitation, raw token). The raw token is never stored."""
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        invitation = cls.objects.create(
            client=client,
            family_link=family_link,
            token_hash=_hash_token(token),
            sent_by=sent_by,
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_MAX_AGE_DAYS),
        )
        return invitation, token

    @classmethod
    def find_usable(cls, token: str):
        return (
            cls.objects.usable()
            .select_related("client__user", "client__organization", "family_link__user")
            .filter(token_hash=_hash_token(token))
            .first()
        )


class AccessRefusal(AppendOnlyModel):
    """A refused request: who, what, why and when (UTC). The practice's security log."""

    class Reason(models.TextChoices):
        SECTION_OFF = "section_off", "Portal section not allowed"
        VIEW_ONLY = "view_only", "Action in a view-only portal section"
        UNTAGGED = "untagged", "Portal page without a section"
        WRONG_ROLE = "wrong_role", "Not allowed for this role"
        OTHER_PRACTICE = "other_practice", "Record of another practice or client"
        # An id that matches no record. To the asker's practice, another practice's record
        # reads the same (clients.security.refusals_seen_by): both were the same 404.
        NOT_FOUND = "not_found", "Record not found"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user_label = models.CharField(max_length=300)
    # The asker's practice, and the practice the record they reached for belongs to (if known).
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-created_at"]),
            models.Index(fields=["target_organization", "-created_at"]),
        ]

    def __str__(self):
        # What every reader of the row may see (the admin's page title): not who, nor the
        # stored reason, which a practice may be told differently (security.refusals_seen_by).
        return f"Refused {self.method} {self.path}"

"""Writes for practices and clients. Each function is one user action in one transaction."""

import zoneinfo
from copy import copy
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry, Level
from audit.services import actor_label, audit_record
from clients.bulk import MOVE_CHECKS
from clients.models import (
    ADULT_AGE,
    Client,
    ClientGroup,
    FamilyLink,
    Invitation,
    Membership,
    Organization,
    User,
)
from clients.selectors import bulk_clients, selection_fingerprint
from clients.signals import clients_moved
from clients.throttling import sign_in_failures_clear
from clients.validators import one_line, other_reason_needed, validate_email_characters

# The same words whoever holds the address (a client of this practice or another, a provider):
# a different message would tell a provider who is a client elsewhere.
EMAIL_REFUSED = (
    "This email address cannot be used for this client. Ask the client for another address, "
    "or contact support."
)


UNCHANGED = object()


def _email_normal(email: str) -> str:
    """The address in the one form it is stored and compared in (lower case, trimmed), refused
    if its mail would go to another address (clients.validators.validate_email_characters)."""
    email = User.objects.normalize_email(email)
    try:
        validate_email_characters(email)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from error
    return email


def _check_email_free(*, email: str, user: User | None = None) -> None:
    taken = User.objects.filter(email=email)
    if user is not None:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        raise ValidationError({"email": EMAIL_REFUSED})


def _revoke_issued_links(*, client: Client) -> None:
    """Open invitations stop working, and so do password-reset links issued before now (the
    reset token's hash includes User.credentials_revoked_at: clients.tokens)."""
    now = timezone.now()
    client.invitations.own().usable().update(revoked_at=now)
    user = client.user
    user.credentials_revoked_at = now
    user.save(update_fields=["credentials_revoked_at"])


@transaction.atomic
def client_links_revoke(*, client: Client) -> None:
    """Revoke the client's open invitations and reset links (their email changed elsewhere)."""
    _revoke_issued_links(client=client)
    _revoke_family_invitations(user=client.user)


def _revoke_family_invitations(*, user: User) -> None:
    """A client who is also someone's family member and whose email changed: what was sent to
    the old address as a family member stops working too."""
    Invitation.objects.usable().filter(family_link__user=user).update(revoked_at=timezone.now())


def _check_group(*, organization: Organization, group: ClientGroup | None) -> None:
    if group is not None and group.organization_id != organization.pk:
        raise ValidationError({"group": "That group belongs to another practice."})


def _send_invitation_email(*, client: Client, token: str, base_url: str) -> None:
    link = base_url.rstrip("/") + reverse("accounts:invitation", args=[token])
    context = {
        "client": client,
        "organization": client.organization,
        "link": link,
        "days": settings.INVITATION_MAX_AGE_DAYS,
    }
    subject = one_line(render_to_string("clients/email/invitation_subject.txt", context))
    body = render_to_string("clients/email/invitation_body.txt", context)
    send_mail(subject, body, None, [client.user.email])


@transaction.atomic
def client_invite(*, actor: User | None, client: Client, base_url: str) -> Invitation:
    """Send the client a one-time link to set a password and enter the portal.

    Earlier links stop working, so only the newest email can be used. The email goes out after
    the transaction commits: no email for a client that was never saved.
    """
    if client.is_archived:
        raise ValidationError(
            f"{client.name} is archived, so no invitation was sent: restore them first."
        )
    if not client.portal_login_allowed:
        raise ValidationError("This client's portal login is off; turn it on before inviting.")
    client.invitations.own().usable().update(revoked_at=timezone.now())
    invitation, token = Invitation.issue(client=client, sent_by=actor)
    # robust: a mail server that refuses the message is logged; the client is still saved and
    # the provider can send the invitation again.
    transaction.on_commit(
        lambda: _send_invitation_email(client=client, token=token, base_url=base_url),
        robust=True,
    )
    return invitation


@transaction.atomic
def client_create(
    *,
    actor: User,
    organization: Organization,
    first_name: str,
    last_name: str,
    email: str,
    group: ClientGroup | None = None,
    date_of_birth=None,
    base_url: str,
) -> Client:
    """Add a client to the practice and send their portal invitation."""
    _check_group(organization=organization, group=group)
    email = _email_normal(email)
    user = _family_member_only_here(email=email, organization=organization)
    if user is None:
        _check_email_free(email=email)
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
    client = Client.objects.create(
        organization=organization, user=user, group=group, date_of_birth=date_of_birth
    )
    _sync_login(client)
    audit_record(
        actor=actor,
        organization=organization,
        action=AuditEntry.Action.CLIENT_ADDED,
        client=client,
        new_value=group.name if group else "",
    )
    client_invite(actor=actor, client=client, base_url=base_url)
    return client


def _family_member_only_here(*, email: str, organization: Organization) -> User | None:
    """The account of a family member of this practice who is nobody else (no client, provider
    or staff, no link elsewhere): they become a client on the same account, since one email is
    one account. None otherwise."""
    user = User.objects.filter(email=email, is_staff=False, is_superuser=False).first()
    if user is None or Client.objects.filter(user=user).exists():
        return None
    if Membership.objects.filter(user=user).exists():
        return None
    links = FamilyLink.objects.filter(user=user)
    if not links.exists() or links.exclude(organization=organization).exists():
        return None
    return user


@transaction.atomic
def client_update(
    *,
    actor: User,
    client: Client,
    first_name: str,
    last_name: str,
    email: str,
    group: ClientGroup | None,
    date_of_birth=UNCHANGED,
    reason: str = "",
    reason_other: str = "",
) -> Client:
    """Change a client's name, email, group or date of birth (a move that hides the client's
    records needs a reason: client_group_set).

    A new email revokes what was sent to the old one: open invitations and reset links. A new
    date of birth (it decides when parents' family access is handed over) is in the audit
    trail.
    """
    if date_of_birth is not UNCHANGED and date_of_birth != client.date_of_birth:
        old_date = client.date_of_birth
        client.date_of_birth = date_of_birth
        client.save(update_fields=["date_of_birth"])
        audit_record(
            actor=actor,
            organization=client.organization,
            action=AuditEntry.Action.BIRTH_DATE_CHANGED,
            client=client,
            old_value=old_date.isoformat() if old_date else "not set",
            new_value=date_of_birth.isoformat() if date_of_birth else "not set",
        )
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(client.organization.time_zone))
        if date_of_birth is not None and not client.is_adult_on(today):
            # A minor after all: no decision about adulthood stands; the handover will ask again.
            client.family_links.filter(
                relationship__in=FamilyLink.MINOR_RELATIONSHIPS,
                status__in=[FamilyLink.Status.ACTIVE, FamilyLink.Status.PAUSED],
            ).update(reviewed_at=None)
    _check_group(organization=client.organization, group=group)
    email = _email_normal(email)
    _check_email_free(email=email, user=client.user)
    user = client.user
    email_changed = user.email != email
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.save(update_fields=["first_name", "last_name", "email"])
    if email_changed:
        _revoke_issued_links(client=client)
        _revoke_family_invitations(user=user)
    return client_group_set(
        actor=actor, client=client, group=group, reason=reason, reason_other=reason_other
    )


@transaction.atomic
def client_group_set(
    *,
    actor: User,
    client: Client,
    group: ClientGroup | None,
    reason: str = "",
    reason_other: str = "",
) -> Client:
    """Move a client to a group (or none). The app and the Django admin both come here. A move
    that hides the client's own records needs a reason (move_reason)."""
    _check_group(organization=client.organization, group=group)
    client = (
        Client.objects.select_for_update(of=("self",)).select_related("group").get(pk=client.pk)
    )
    if client.group_id != (group.pk if group else None):
        hidden = move_hidden(
            organization=client.organization,
            old_group_ids={client.pk: client.group_id},
            group=group,
        )
        kept = move_reason(hidden=hidden, reason=reason, reason_other=reason_other)
        # The group decides inherited portal settings, so moving a client is recorded.
        audit_record(
            reason=kept,
            actor=actor,
            organization=client.organization,
            action=AuditEntry.Action.GROUP_CHANGED,
            client=client,
            old_value=client.group.name if client.group else "No group",
            new_value=group.name if group else "No group",
        )
        old_group_ids = {client.pk: client.group_id}
        client.group = group
        client.save(update_fields=["group"])
        clients_moved.send(
            sender=Client,
            organization=client.organization,
            old_group_ids=old_group_ids,
            group=group,
        )
    return client


def _sync_login(client: Client) -> None:
    """Keep the login's is_active equal to the client's portal access (or, for a client who is
    also someone's family member, to any access they still have).

    Django's auth backend refuses inactive users both at sign-in and when it loads the user for
    an existing session, so this ends every session of the client at their next request, in
    every process, whatever the session store.
    """
    _sync_user_active(client.user, client=client)


def _sync_user_active(user: User, *, client: Client | None = None) -> None:
    """is_active = the person still has some portal access: their own as a client, or an
    active family link. Providers and staff are never changed here (a client is neither)."""
    if client is None:
        if user.is_staff or Membership.objects.filter(user=user).exists():
            return
        client = Client.objects.filter(user=user).first()
    wanted = (client is not None and client.has_portal_access) or (
        FamilyLink.objects.active().filter(user=user).exists()
    )
    if user.is_active != wanted:
        user.is_active = wanted
        user.save(update_fields=["is_active"])


@transaction.atomic
def client_archive(*, actor: User, client: Client) -> Client:
    """Archive a client: they leave the active list and lose portal access. Nothing is deleted."""
    client = Client.objects.select_for_update().select_related("user").get(pk=client.pk)
    if client.is_archived:
        return client
    client.archived_at = timezone.now()
    client.save(update_fields=["archived_at"])
    # A link taken before archiving must not work after a restore.
    _revoke_issued_links(client=client)
    _sync_login(client)
    # Nobody reaches an archived client's portal: every family link is suspended, keeping
    # what it was (active or paused) for a restore to give back.
    _family_links_suspend(actor=actor, client=client, because=FamilyLink.SuspendedBecause.ARCHIVED)
    audit_record(
        actor=actor,
        organization=client.organization,
        action=AuditEntry.Action.CLIENT_ARCHIVED,
        client=client,
        old_value="active",
        new_value="archived",
    )
    return client


@transaction.atomic
def client_restore(*, actor: User, client: Client) -> Client:
    """Bring an archived client back, with everything they had."""
    client = Client.objects.select_for_update().select_related("user").get(pk=client.pk)
    if not client.is_archived:
        return client
    client.archived_at = None
    client.save(update_fields=["archived_at"])
    _sync_login(client)
    # The family access the archive suspended comes back as it was (active or paused); a link
    # a provider removed, or one suspended at adulthood, stays as it is. The handover at
    # adulthood still applies at the family member's next request.
    _family_links_give_back(
        actor=actor, client=client, because=FamilyLink.SuspendedBecause.ARCHIVED
    )
    audit_record(
        actor=actor,
        organization=client.organization,
        action=AuditEntry.Action.CLIENT_RESTORED,
        client=client,
        old_value="archived",
        new_value="active",
    )
    return client


@transaction.atomic
def client_portal_login_set(
    *, actor: User, client: Client, allowed: bool, note: str = ""
) -> Client:
    """Turn a client's portal login on or off. Off ends their sessions, and their family
    members', at their next request; on gives the family access back as it was.

    Not while they are archived (nobody signs in then), as the roster's bulk actions: turning
    it on would read as access given back."""
    client = Client.objects.select_for_update().select_related("user").get(pk=client.pk)
    if client.is_archived:
        raise ValidationError(
            f"{client.name} is archived, so their portal login was not changed: restore them first."
        )
    if client.portal_login_allowed == allowed:
        return client
    client.portal_login_allowed = allowed
    client.save(update_fields=["portal_login_allowed"])
    if not allowed:
        _revoke_issued_links(client=client)
    _sync_login(client)
    # When the client cannot sign in, nobody opens their portal for them: their family access
    # is suspended (sessions end at the next request) and comes back as it was with the login.
    if allowed:
        _family_links_give_back(
            actor=actor, client=client, because=FamilyLink.SuspendedBecause.LOGIN_OFF
        )
    else:
        _family_links_suspend(
            actor=actor, client=client, because=FamilyLink.SuspendedBecause.LOGIN_OFF
        )
    audit_record(
        actor=actor,
        organization=client.organization,
        action=AuditEntry.Action.PORTAL_LOGIN_CHANGED,
        client=client,
        old_value="off" if allowed else "on",
        new_value="on" if allowed else "off",
        note=note,
    )
    return client


@transaction.atomic
def organization_client_emails_set(*, actor: User, organization: Organization, enabled: bool):
    """Turn on or off the emails that tell clients their portal changed (the notices on their
    portal home stay either way)."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.email_clients_on_portal_changes == enabled:
        return organization
    organization.email_clients_on_portal_changes = enabled
    organization.save(update_fields=["email_clients_on_portal_changes"])
    audit_record(
        actor=actor,
        organization=organization,
        action=AuditEntry.Action.CLIENT_EMAILS_CHANGED,
        old_value="off" if enabled else "on",
        new_value="on" if enabled else "off",
    )
    return organization


# The practice's own settings, each change its own kind of entry in the practice's History,
# with how its values read there (the age of adulthood and the emails to clients have their
# own services).
PRACTICE_SETTINGS = {
    "name": (AuditEntry.Action.PRACTICE_RENAMED, "{}"),
    "contact_email": (AuditEntry.Action.CONTACT_EMAIL_CHANGED, "{}"),
    "time_zone": (AuditEntry.Action.TIME_ZONE_CHANGED, "{}"),
    "currency": (AuditEntry.Action.CURRENCY_CHANGED, "{}"),
    "cancellation_cutoff_hours": (AuditEntry.Action.CANCELLATION_CUTOFF_CHANGED, "{} hours"),
    "booking_window_days": (AuditEntry.Action.BOOKING_WINDOW_CHANGED, "{} days"),
    "max_upcoming_bookings": (AuditEntry.Action.UPCOMING_BOOKINGS_CHANGED, "{}"),
}


@transaction.atomic
def practice_settings_update(*, actor: User, organization: Organization, changes: dict):
    """Change the practice's own settings (PRACTICE_SETTINGS: name, contact email, time zone,
    currency, booking rules), from the app's practice page or the Django admin. Checked whole
    first, so a refused change writes nothing; then each setting that changed is saved and
    recorded, under the row's lock. `organization` is given the values too."""
    unknown = set(changes) - set(PRACTICE_SETTINGS)
    if unknown:
        raise ValueError(f"Not a practice setting: {', '.join(sorted(unknown))}.")
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    candidate = copy(locked)
    for field, value in changes.items():
        setattr(candidate, field, value)
    candidate.full_clean()
    changed = [f for f in PRACTICE_SETTINGS if getattr(candidate, f) != getattr(locked, f)]
    if changed:
        candidate.save(update_fields=changed)
    for field in changed:
        action, words = PRACTICE_SETTINGS[field]
        audit_record(
            actor=actor,
            organization=candidate,
            action=action,
            old_value=words.format(getattr(locked, field)),
            new_value=words.format(getattr(candidate, field)),
        )
    for field in changes:
        setattr(organization, field, getattr(candidate, field))
    return organization


def _member_words(membership: Membership) -> str:
    """A provider and their role, as the practice's History names them."""
    return f"{actor_label(membership.user)}: {membership.get_role_display()}"


@transaction.atomic
def provider_add(*, actor: User, user: User, organization: Organization, role: str) -> Membership:
    """Make someone a provider or practice admin of a practice (a superuser's, in the admin)."""
    membership = Membership(user=user, organization=organization, role=role)
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        organization=organization,
        action=AuditEntry.Action.ROLE_CHANGED,
        new_value=_member_words(membership),
    )
    return membership


@transaction.atomic
def membership_role_set(*, actor: User, membership: Membership, role: str) -> Membership:
    """Make a provider a practice admin, or a practice admin a provider again: recorded in the
    practice's History."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "organization")
        .get(pk=membership.pk)
    )
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choose Provider or Practice admin."})
    if membership.role == role:
        return membership
    old_words = _member_words(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        organization=membership.organization,
        action=AuditEntry.Action.ROLE_CHANGED,
        old_value=old_words,
        new_value=_member_words(membership),
    )
    return membership


ADULT_AGE_REFUSED = "The age of adulthood is between {low} and {high} years."


@transaction.atomic
def practice_adult_age_set(*, actor: User, organization: Organization, adult_age: int):
    """The age at which a client is an adult, when their parents' and guardians' family access
    is handed over: every change recorded in the audit trail, whoever makes it (the practice
    settings page, the Django admin)."""
    low, high = ADULT_AGE
    if type(adult_age) is not int or not low <= adult_age <= high:
        raise ValidationError({"adult_age": ADULT_AGE_REFUSED.format(low=low, high=high)})
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    old = locked.adult_age
    organization.adult_age = adult_age
    if old == adult_age:
        return organization
    locked.adult_age = adult_age
    locked.save(update_fields=["adult_age"])
    audit_record(
        actor=actor,
        organization=locked,
        action=AuditEntry.Action.ADULT_AGE_CHANGED,
        old_value=str(old),
        new_value=str(adult_age),
    )
    return organization


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Set the invitee's password from their invitation (the client's, or a family member's);
    the link cannot be used again."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("client__user", "family_link__user", "family_link__client")
        .get(pk=invitation.pk)
    )
    if invitation.used_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation link has already been used or has expired.")
    if not invitation.is_for_access:
        raise ValidationError("Portal access for this account is turned off.")
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    user = invitation.invitee
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def group_create(*, actor: User, organization: Organization, name: str, description: str = ""):
    group = ClientGroup(organization=organization, name=name.strip(), description=description)
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def group_update(*, actor: User, group: ClientGroup, name: str, description: str) -> ClientGroup:
    """Rename or describe a group (a practice admin's, in the Django admin): each change that
    was made is in the group's History."""
    group = ClientGroup.objects.select_for_update().get(pk=group.pk)
    old_name, old_description = group.name, group.description
    group.name, group.description = name.strip(), description
    group.full_clean()
    changed = [
        (AuditEntry.Action.GROUP_RENAMED, old_name, group.name),
        (AuditEntry.Action.GROUP_DESCRIBED, old_description, group.description),
    ]
    changed = [(action, old, new) for action, old, new in changed if old != new]
    if not changed:
        return group
    group.save(update_fields=["name", "description"])
    for action, old, new in changed:
        audit_record(
            actor=actor,
            organization=group.organization,
            action=action,
            group=group,
            old_value=old,
            new_value=new,
        )
    return group


@transaction.atomic
def sign_in_unlock(*, actor: User, user: User, ip_address: str | None = None) -> int:
    """Clear the failed sign-ins recorded against an account (and, if given, an address), and
    record who did it. Returns how many failure records were cleared."""
    count = sign_in_failures_clear(username=user.email, ip_address=ip_address)
    client = getattr(user, "client", None)
    membership = getattr(user, "membership", None)
    organization = client.organization if client else getattr(membership, "organization", None)
    if organization is not None:
        audit_record(
            actor=actor,
            organization=organization,
            action=AuditEntry.Action.SIGN_IN_UNLOCKED,
            client=client,
            new_value=user.email,
            note=f"{count} failed attempt record(s) cleared",
        )
    return count


@transaction.atomic
def sign_in_unlock_unknown(*, username: str, ip_address: str | None = None) -> int:
    """Clear failures recorded against a name that is no account (staff, in the admin)."""
    return sign_in_failures_clear(username=username, ip_address=ip_address)


# Bulk changes from the roster. Each is one transaction over any number of clients, in a fixed
# number of queries: the selected rows are locked and read once, each table is written with one
# UPDATE, and the audit trail gets one row per changed client in one INSERT (on PostgreSQL;
# SQLite splits an INSERT at 999 parameters). The effects on a client are those of the
# single-client services above, so turning a login off or archiving ends sessions the same way.


class BulkAction(models.TextChoices):
    MOVE = "move", "Move to a group"
    LOGIN_OFF = "login_off", "Turn portal login off"
    LOGIN_ON = "login_on", "Turn portal login on"
    ARCHIVE = "archive", "Archive"


BULK_NOTE = "Bulk change from the client list"


class BulkOutOfScope(ValidationError):
    """A bulk selection named a client that is not the practice's: nothing was changed."""


class BulkArchived(ValidationError):
    """A bulk selection named archived clients (the roster never offers them, but a POST can
    be crafted): nothing was changed."""


class MoveReasonRequired(ValidationError):
    """A move hides a client's own records and no valid reason was given: nothing changed."""


def move_hidden(*, organization: Organization, old_group_ids: dict, group) -> dict:
    """{client pk: [sections the move hides from them]}, from the higher layers' checks
    (clients.bulk.MOVE_CHECKS); {} when the move hides nothing."""
    hidden: dict = {}
    for check in MOVE_CHECKS.values():
        found = check.hidden(organization=organization, old_group_ids=old_group_ids, group=group)
        for pk, names in found.items():
            hidden.setdefault(pk, []).extend(names)
    return hidden


def move_hidden_by_group(*, organization: Organization, client: Client, group_ids: list) -> dict:
    """{group id or None (No group): [sections a move of `client` there hides]}, from the higher
    layers' checks, for the groups in `group_ids` whose move hides some."""
    hidden: dict = {}
    for check in MOVE_CHECKS.values():
        if check.hidden_by_group is None:
            continue
        found = check.hidden_by_group(organization=organization, client=client, group_ids=group_ids)
        for group_id, names in found.items():
            hidden.setdefault(group_id, []).extend(names)
    return hidden


def move_reason(*, hidden: dict, reason: str, reason_other: str) -> str:
    """The reason to keep in the audit entries of a move that hides records ("" when it hides
    none); MoveReasonRequired, in the form's words, when the reason is missing or bad."""
    if not hidden:
        return ""
    for check in MOVE_CHECKS.values():
        words = check.words(reason=reason, other=reason_other)
        if words:
            return words
    names = list(dict.fromkeys(name for found in hidden.values() for name in found))
    n = len(hidden)
    whom = "this client" if n == 1 else f"{n} of these clients"
    other = other_reason_needed(reason_other) if reason == "other" else ""
    raise MoveReasonRequired(
        f"This move turns off {', '.join(names)} for {whom}, which hides their own records "
        f"from them: choose a reason from the list{other}. Nothing was changed."
    )


class BulkStale(Exception):
    """The selected clients are not as the review showed them: nothing was changed."""


def bulk_refuse_archived(*, archived: int) -> None:
    """Refuse a bulk change to a selection holding `archived` archived clients: moving them,
    turning their login on or off, or changing their settings waits until they are restored."""
    if archived:
        raise BulkArchived(
            f"{archived} of the selected clients {'is' if archived == 1 else 'are'} archived, "
            "so nothing was changed: restore them first, or leave them out of the selection."
        )


@dataclass(frozen=True)
class BulkResult:
    action: str
    selected: int
    changed: int

    @property
    def unchanged(self) -> int:
        return self.selected - self.changed


def bulk_clients_locked(*, organization: Organization, client_ids) -> list:
    """The selected clients of the practice, locked for the change; refuses the whole selection
    if any id is not one of the practice's clients."""
    ids = set(client_ids)
    if not ids:
        raise ValidationError("Select at least one client. Nothing was changed.")
    clients = list(
        bulk_clients(organization=organization, client_ids=ids).select_for_update(of=("self",))
    )
    if len(clients) != len(ids):
        missing = len(ids) - len(clients)
        raise BulkOutOfScope(
            f"{missing} of the selected clients {'is' if missing == 1 else 'are'} not among "
            "your practice's clients, so nothing was changed."
        )
    return clients


def bulk_changing(*, clients: list, action: str, group: ClientGroup | None = None):
    """The clients an action would change: the others are already as asked."""
    if action == BulkAction.MOVE:
        target = group.pk if group else None
        return [c for c in clients if c.group_id != target]
    if action == BulkAction.LOGIN_OFF:
        return [c for c in clients if c.portal_login_allowed]
    if action == BulkAction.LOGIN_ON:
        return [c for c in clients if not c.portal_login_allowed]
    if action == BulkAction.ARCHIVE:
        return [c for c in clients if c.archived_at is None]
    raise ValidationError("Choose an action from the list. Nothing was changed.")


@transaction.atomic
def clients_bulk_update(
    *,
    actor: User,
    organization: Organization,
    client_ids,
    action: str,
    group: ClientGroup | None = None,
    shown_fingerprint: str | None = None,
    reason: str = "",
    reason_other: str = "",
) -> BulkResult:
    """Apply one roster action to the selected clients of `organization`, all or nothing. With
    `shown_fingerprint` (what the review page showed, selectors.selection_fingerprint), clients
    changed since then are refused (BulkStale)."""
    if action not in BulkAction.values:
        raise ValidationError("Choose an action from the list. Nothing was changed.")
    _check_group(organization=organization, group=group)
    clients = bulk_clients_locked(organization=organization, client_ids=client_ids)
    if action != BulkAction.ARCHIVE:
        bulk_refuse_archived(archived=sum(c.archived_at is not None for c in clients))
    if shown_fingerprint is not None and selection_fingerprint(clients) != shown_fingerprint:
        raise BulkStale
    changing = bulk_changing(clients=clients, action=action, group=group)
    reasons = {}
    if changing and action == BulkAction.MOVE:
        hidden = move_hidden(
            organization=organization,
            old_group_ids={c.pk: c.group_id for c in changing},
            group=group,
        )
        kept = move_reason(hidden=hidden, reason=reason, reason_other=reason_other)
        reasons = dict.fromkeys(hidden, kept)
    if changing:
        _bulk_apply(
            actor=actor,
            organization=organization,
            changing=changing,
            action=action,
            group=group,
            reasons=reasons,
        )
    if changing and action == BulkAction.MOVE:
        clients_moved.send(
            sender=Client,
            organization=organization,
            old_group_ids={c.pk: c.group_id for c in changing},
            group=group,
        )
    return BulkResult(action=action, selected=len(clients), changed=len(changing))


def _bulk_apply(*, actor, organization, changing, action, group, reasons=None) -> None:
    reasons = reasons or {}
    now = timezone.now()
    ids = [c.pk for c in changing]
    user_ids = [c.user_id for c in changing]
    rows = Client.objects.filter(pk__in=ids)
    if action == BulkAction.MOVE:
        rows.update(group=group)
        entries = [
            (
                c.pk,
                AuditEntry.Action.GROUP_CHANGED,
                c.group__name if c.group_id else "No group",
                group.name if group else "No group",
            )
            for c in changing
        ]
    elif action == BulkAction.LOGIN_ON:
        rows.update(portal_login_allowed=True)
        # As _sync_login: an archived client's login stays inactive.
        User.objects.filter(pk__in=[c.user_id for c in changing if c.archived_at is None]).update(
            is_active=True
        )
        entries = [(c.pk, AuditEntry.Action.PORTAL_LOGIN_CHANGED, "off", "on") for c in changing]
        entries += _bulk_family_give_back(client_ids=ids, now=now)
    else:
        if action == BulkAction.LOGIN_OFF:
            rows.update(portal_login_allowed=False)
            entries = [
                (c.pk, AuditEntry.Action.PORTAL_LOGIN_CHANGED, "on", "off") for c in changing
            ]
        else:
            rows.update(archived_at=now)
            entries = [
                (c.pk, AuditEntry.Action.CLIENT_ARCHIVED, "active", "archived") for c in changing
            ]
        # As _revoke_issued_links and _sync_login: links stop working, the changed auth hash
        # ends every session at its next request, and a login with no access left is inactive.
        Invitation.objects.usable().filter(client_id__in=ids).update(revoked_at=now)
        # As client_archive and client_portal_login_set: their family access is suspended.
        because = (
            FamilyLink.SuspendedBecause.ARCHIVED
            if action == BulkAction.ARCHIVE
            else FamilyLink.SuspendedBecause.LOGIN_OFF
        )
        family_entries, people = _bulk_family_suspend(client_ids=ids, now=now, because=because)
        entries += family_entries
        _bulk_end_sessions(user_ids=set(user_ids) | people, now=now)
    label = actor_label(actor)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            organization=organization,
            actor=actor,
            actor_label=label,
            created_at=now,
            action=audit_action,
            level=Level.CLIENT,
            client_id=client_id,
            old_value=old,
            new_value=new,
            note=BULK_NOTE,
            reason=reasons.get(client_id, "")
            if audit_action == AuditEntry.Action.GROUP_CHANGED
            else "",
        )
        for client_id, audit_action, old, new in entries
    )


def _bulk_family_suspend(*, client_ids, now, because: str) -> tuple[list[tuple], set]:
    """As client_archive (or client_portal_login_set, off): every active or paused family link
    of the clients is suspended for `because` and its open invitation revoked. Returns the
    audit entries to write and the people whose sessions are to end (_bulk_end_sessions). A
    fixed number of queries."""
    links = list(
        FamilyLink.objects.select_for_update(of=("self",))
        .filter(
            client_id__in=client_ids,
            status__in=[FamilyLink.Status.ACTIVE, FamilyLink.Status.PAUSED],
        )
        .select_related("user")
    )
    if not links:
        return [], set()
    link_ids = [link.pk for link in links]
    FamilyLink.objects.filter(pk__in=link_ids).update(
        status=FamilyLink.Status.SUSPENDED,
        suspended_because=because,
        suspended_from=models.F("status"),  # the value before this UPDATE: active or paused
        status_changed_at=now,
    )
    Invitation.objects.usable().filter(family_link_id__in=link_ids).update(revoked_at=now)
    people = {link.user_id for link in links}
    entries = []
    for link in links:
        who = f"{link.name or link.user.email} ({link.relationship_label})"
        entries.append(
            (
                link.client_id,
                AuditEntry.Action.FAMILY_ACCESS_CHANGED,
                f"{who}: {STATUS_WORDS[link.status]}"[:200],
                f"{who}: {SUSPENDED_WORDS[because]}"[:200],
            )
        )
    return entries, people


def _bulk_family_give_back(*, client_ids, now) -> list[tuple]:
    """As client_portal_login_set (on): the family access the login off suspended comes back
    as it was (active or paused), and a login with an active link again is active. Returns the
    audit entries to write. A fixed number of queries."""
    links = list(
        FamilyLink.objects.select_for_update(of=("self",))
        .filter(
            client_id__in=client_ids,
            status=FamilyLink.Status.SUSPENDED,
            suspended_because=FamilyLink.SuspendedBecause.LOGIN_OFF,
        )
        .select_related("user")
    )
    if not links:
        return []
    FamilyLink.objects.filter(pk__in=[link.pk for link in links]).update(
        status=Case(
            When(suspended_from="", then=Value(FamilyLink.Status.PAUSED)),
            default=F("suspended_from"),
        ),
        suspended_because="",
        suspended_from="",
        status_changed_at=now,
    )
    # As _sync_user_active: providers' and staff's is_active is never changed.
    User.objects.filter(pk__in={link.user_id for link in links}, is_staff=False).exclude(
        Exists(Membership.objects.filter(user=OuterRef("pk")))
    ).filter(Exists(FamilyLink.objects.active().filter(user=OuterRef("pk")))).update(is_active=True)
    entries = []
    for link in links:
        who = f"{link.name or link.user.email} ({link.relationship_label})"
        back = link.suspended_from or FamilyLink.Status.PAUSED
        entries.append(
            (
                link.client_id,
                AuditEntry.Action.FAMILY_ACCESS_CHANGED,
                f"{who}: {SUSPENDED_WORDS[FamilyLink.SuspendedBecause.LOGIN_OFF]}"[:200],
                f"{who}: {STATUS_WORDS[back]}"[:200],
            )
        )
    return entries


def _bulk_end_sessions(*, user_ids: set, now) -> None:
    """As _revoke_issued_links and _sync_user_active for many people, in one UPDATE: the
    changed credentials stamp ends every session and reset link issued before `now`, and a
    login stays active only while its person has some portal access left (their own as a
    client, or an active family link). Providers' and staff's is_active is never changed."""
    keeps_access = (
        Q(is_staff=True)
        | Exists(Membership.objects.filter(user=OuterRef("pk")))
        | Exists(
            Client.objects.filter(
                user=OuterRef("pk"), archived_at__isnull=True, portal_login_allowed=True
            )
        )
        | Exists(FamilyLink.objects.active().filter(user=OuterRef("pk")))
    )
    User.objects.filter(pk__in=user_ids).update(
        credentials_revoked_at=now,
        is_active=Case(When(keeps_access, then=F("is_active")), default=Value(False)),
    )


# --- Family members -------------------------------------------------------------------------

# One message whoever holds the address (a provider, staff, a client or family member of
# another practice): a different answer would tell the provider who is known elsewhere.
FAMILY_EMAIL_REFUSED = (
    "This email address cannot be used for a family member. Ask them for another address, "
    "or contact support."
)
STATUS_WORDS = {
    FamilyLink.Status.ACTIVE: "active",
    FamilyLink.Status.PAUSED: "paused",
    FamilyLink.Status.SUSPENDED: "suspended",
    FamilyLink.Status.REMOVED: "removed",
}
ARCHIVED_WORDS = "suspended: client archived"
# What a suspension by the app says in the History, by its cause (adulthood names the age).
SUSPENDED_WORDS = {
    FamilyLink.SuspendedBecause.ARCHIVED: ARCHIVED_WORDS,
    FamilyLink.SuspendedBecause.LOGIN_OFF: "suspended: client's portal login off",
}


def _family_person(*, organization: Organization, client: Client, email: str) -> User | None:
    """The account an email already belongs to, if it may become this client's family member:
    a client or family member of this practice only. None for a new address."""
    user = User.objects.filter(email=email).first()
    if user is None:
        return None
    if user.pk == client.user_id:
        raise ValidationError({"email": "This is the client's own email address."})
    own_client = Client.objects.filter(user=user).first()
    elsewhere = (
        user.is_staff
        or user.is_superuser
        or Membership.objects.filter(user=user).exists()
        or (own_client is not None and own_client.organization_id != organization.pk)
        or FamilyLink.objects.filter(user=user).exclude(organization=organization).exists()
    )
    known_here = own_client is not None or FamilyLink.objects.filter(user=user).exists()
    if elsewhere or not known_here:
        raise ValidationError({"email": FAMILY_EMAIL_REFUSED})
    return user


def _send_family_email(*, link: FamilyLink, token: str | None, base_url: str) -> None:
    path = reverse("accounts:invitation", args=[token]) if token else reverse("accounts:login")
    context = {
        "link_row": link,
        "client": link.client,
        "person": link.user,
        "organization": link.organization,
        "link": base_url.rstrip("/") + path,
        "has_token": token is not None,
        "days": settings.INVITATION_MAX_AGE_DAYS,
    }
    subject = one_line(render_to_string("clients/email/family_invitation_subject.txt", context))
    body = render_to_string("clients/email/family_invitation_body.txt", context)
    send_mail(subject, body, None, [link.user.email])


@transaction.atomic
def family_member_invite(*, actor: User | None, link: FamilyLink, base_url: str):
    """Email the family member: a one-time link to set their password if they have none yet,
    otherwise a note that they can sign in with the password they have. Earlier links of this
    family access stop working."""
    if not link.is_active:
        raise ValidationError("This family member's access is not active; resume it first.")
    link.invitations.usable().update(revoked_at=timezone.now())
    token = None
    invitation = None
    if not link.user.has_usable_password():
        invitation, token = Invitation.issue(client=link.client, sent_by=actor, family_link=link)
    transaction.on_commit(
        lambda: _send_family_email(link=link, token=token, base_url=base_url), robust=True
    )
    return invitation


@transaction.atomic
def family_member_add(
    *,
    actor: User,
    client: Client,
    first_name: str,
    last_name: str,
    email: str,
    relationship: str,
    base_url: str,
) -> FamilyLink:
    """Give a person family access to a client's portal, and email them.

    One email is one account: an address that already belongs to a client or family member of
    this practice gets the new link on that account (a sibling's parent, a client who is also a
    parent); any other existing address is refused. A person removed earlier is linked again
    (one whose access is paused or suspended is refused: that is resumed).
    """
    if relationship not in FamilyLink.Relationship.values:
        raise ValidationError({"relationship": "Choose parent, guardian, spouse/partner or other."})
    client = (
        Client.objects.select_for_update(of=("self",))
        .select_related("organization", "user")
        .get(pk=client.pk)
    )
    if client.is_archived:
        raise ValidationError("This client is archived; restore them before adding family.")
    if not client.portal_login_allowed:
        raise ValidationError("This client's portal login is off; turn it on before adding family.")
    organization = client.organization
    email = _email_normal(email)
    user = _family_person(organization=organization, client=client, email=email)
    now = timezone.now()
    # Added knowingly for an adult: the handover at adulthood has nothing left to ask.
    reviewed_at = now if client.date_of_birth and client.is_adult_on(timezone.localdate()) else None
    if user is None:
        try:
            with transaction.atomic():  # a savepoint: the same address added at this moment
                user = User.objects.create_user(
                    email=email, first_name=first_name, last_name=last_name
                )
        except IntegrityError as exc:
            raise ValidationError(
                {"email": "This address was added a moment ago. Please try again."}
            ) from exc
        link = None
    else:
        link = FamilyLink.objects.select_for_update().filter(client=client, user=user).first()
    if link is not None:
        if link.status in (FamilyLink.Status.ACTIVE, FamilyLink.Status.PAUSED):
            raise ValidationError(
                {"email": f"{link.name or email} is already a family member of {client.name}."}
            )
        if link.status == FamilyLink.Status.SUSPENDED:
            # Only a removed person is linked again: a suspension is resumed (or reviewed).
            raise ValidationError(
                {
                    "email": f"{link.name or email} is already a family member of {client.name}; "
                    "their access is suspended. Resume it from their entry instead."
                }
            )
        old = link.status
        link.status = FamilyLink.Status.ACTIVE
        link.suspended_because = ""
        link.relationship = relationship
        link.reviewed_at = reviewed_at
        link.status_changed_at = now
        link.save(
            update_fields=[
                "status",
                "suspended_because",
                "relationship",
                "reviewed_at",
                "status_changed_at",
            ]
        )
        old_value = STATUS_WORDS[old]
    else:
        link = FamilyLink.objects.create(
            organization=organization,
            client=client,
            user=user,
            relationship=relationship,
            created_by=actor,
            created_at=now,
            status_changed_at=now,
            reviewed_at=reviewed_at,
        )
        old_value = ""
    audit_record(
        actor=actor,
        organization=organization,
        action=AuditEntry.Action.FAMILY_MEMBER_ADDED,
        client=client,
        old_value=old_value,
        new_value=f"{link.name or user.email} ({link.relationship_label})"[:200],
    )
    _sync_user_active(user)
    family_member_invite(actor=actor, link=link, base_url=base_url)
    return link


@transaction.atomic
def family_member_links_revoke(*, user: User) -> None:
    """A family member's email changed (in the admin): their open invitations and reset links
    stop working."""
    Invitation.objects.usable().filter(family_link__user=user).update(revoked_at=timezone.now())
    user.credentials_revoked_at = timezone.now()
    user.save(update_fields=["credentials_revoked_at"])


def _end_family_sessions(user: User) -> None:
    """Every session of the person ends at its next request (the session's auth hash includes
    credentials_revoked_at), and stays ended if access comes back."""
    user.credentials_revoked_at = timezone.now()
    user.save(update_fields=["credentials_revoked_at"])


def _family_link_status_set(
    *, actor: User | None, link: FamilyLink, status: str, because: str = "", note: str = ""
) -> FamilyLink:
    """Change a locked link's status, with its audit entry; a withdrawal ends the person's
    sessions and revokes their open invitation."""
    old = link.status
    old_because = link.suspended_because
    link.status = status
    link.suspended_because = because if status == FamilyLink.Status.SUSPENDED else ""
    if status != FamilyLink.Status.SUSPENDED:
        link.suspended_from = ""
    elif old != FamilyLink.Status.SUSPENDED:
        link.suspended_from = old  # what the end of the suspension gives back
    link.status_changed_at = timezone.now()
    fields = ["status", "suspended_because", "suspended_from", "status_changed_at"]
    if (
        status != FamilyLink.Status.SUSPENDED
        and old == FamilyLink.Status.SUSPENDED
        and old_because == FamilyLink.SuspendedBecause.ADULT
    ):
        # A provider's decision after the handover at adulthood is the review (not one after
        # an archive, which says nothing about the client's age).
        link.reviewed_at = link.reviewed_at or timezone.now()
        fields.append("reviewed_at")
    link.save(update_fields=fields)
    if status != FamilyLink.Status.ACTIVE:
        link.invitations.usable().update(revoked_at=timezone.now())
        _end_family_sessions(link.user)
    _sync_user_active(link.user)
    who = f"{link.name or link.user.email} ({link.relationship_label})"
    words = STATUS_WORDS[status]
    if because == FamilyLink.SuspendedBecause.ADULT:
        words = f"suspended: {link.client.name} reached {link.organization.adult_age}"
    elif because in SUSPENDED_WORDS:
        words = SUSPENDED_WORDS[because]
    old_words = STATUS_WORDS[old]
    if old == FamilyLink.Status.SUSPENDED and old_because in SUSPENDED_WORDS:
        old_words = SUSPENDED_WORDS[old_because]
    audit_record(
        actor=actor,
        organization=link.organization,
        action=AuditEntry.Action.FAMILY_ACCESS_CHANGED,
        client=link.client,
        old_value=f"{who}: {old_words}"[:200],
        new_value=f"{who}: {words}"[:200],
        note=note,
    )
    return link


def _family_links_suspend(*, actor: User, client: Client, because: str) -> None:
    """Suspend every active or paused family link of a locked client, each keeping what it was
    for _family_links_give_back."""
    for link in client.family_links.select_for_update().filter(
        status__in=[FamilyLink.Status.ACTIVE, FamilyLink.Status.PAUSED]
    ):
        _family_link_status_set(
            actor=actor, link=link, status=FamilyLink.Status.SUSPENDED, because=because
        )


def _family_links_give_back(*, actor: User, client: Client, because: str) -> None:
    """Give back, as it was (active or paused), the family access that `because` suspended."""
    for link in client.family_links.select_for_update().filter(
        status=FamilyLink.Status.SUSPENDED, suspended_because=because
    ):
        _family_link_status_set(
            actor=actor, link=link, status=link.suspended_from or FamilyLink.Status.PAUSED
        )


FAMILY_ACTIONS = {
    # action: (statuses it applies to, the status it sets)
    "pause": ((FamilyLink.Status.ACTIVE,), FamilyLink.Status.PAUSED),
    "resume": ((FamilyLink.Status.PAUSED, FamilyLink.Status.SUSPENDED), FamilyLink.Status.ACTIVE),
    "remove": (
        (FamilyLink.Status.ACTIVE, FamilyLink.Status.PAUSED, FamilyLink.Status.SUSPENDED),
        FamilyLink.Status.REMOVED,
    ),
}


@transaction.atomic
def family_link_change(*, actor: User, link: FamilyLink, action: str) -> FamilyLink:
    """Pause, resume or remove a family member's access to one client.

    Pause and remove end the person's sessions at their next request and refuse their sign-in
    when no other access is left. Resume works on a paused link, and on a suspended one once
    the client is active again (after an archive) or the provider decides after the handover.
    """
    if action not in FAMILY_ACTIONS:
        raise ValidationError("Choose pause, resume or remove. Nothing was changed.")
    link = (
        FamilyLink.objects.select_for_update(of=("self",))
        .select_related("client__organization", "client__user", "user", "organization")
        .get(pk=link.pk)
    )
    allowed_from, status = FAMILY_ACTIONS[action]
    if link.status not in allowed_from:
        raise ValidationError(
            f"{link.name or link.user.email}'s access is {STATUS_WORDS[link.status]}; it cannot "
            f"be {'resumed' if action == 'resume' else action + 'd'}. Nothing was changed."
        )
    if status == FamilyLink.Status.ACTIVE and link.client.is_archived:
        raise ValidationError(
            "This client is archived; restore them before resuming family access."
        )
    if status == FamilyLink.Status.ACTIVE and not link.client.portal_login_allowed:
        raise ValidationError(
            "This client's portal login is off; turn it on before resuming family access."
        )
    return _family_link_status_set(actor=actor, link=link, status=status)


@transaction.atomic
def family_link_review(*, actor: User, link: FamilyLink) -> FamilyLink:
    """The provider has seen the handover at adulthood and keeps the access suspended."""
    link = (
        FamilyLink.objects.select_for_update(of=("self",)).select_related("client").get(pk=link.pk)
    )
    if not link.needs_review:
        return link
    link.reviewed_at = timezone.now()
    link.save(update_fields=["reviewed_at"])
    audit_record(
        actor=actor,
        organization=link.organization,
        action=AuditEntry.Action.FAMILY_ACCESS_CHANGED,
        client=link.client,
        old_value=f"{link.name or link.user.email} ({link.relationship_label}): suspended",
        new_value=f"{link.name or link.user.email} ({link.relationship_label}): kept suspended"[
            :200
        ],
        note="Reviewed after the client became an adult",
    )
    return link


def years_before(day, years: int):
    """The same day `years` earlier (28 February for a 29 February that does not exist)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def family_link_is_due_for_handover(link: FamilyLink, today) -> bool:
    """A parent's or guardian's link that the handover at adulthood has not yet decided, of a
    client who is an adult on `today` (the practice's date)."""
    return (
        link.relationship in FamilyLink.MINOR_RELATIONSHIPS
        and link.status in (FamilyLink.Status.ACTIVE, FamilyLink.Status.PAUSED)
        and link.reviewed_at is None
        and link.client.date_of_birth is not None
        and link.client.is_adult_on(today)
    )


@transaction.atomic
def family_link_hand_over(*, link: FamilyLink) -> bool:
    """Suspend a parent's or guardian's link if its client has reached the practice's age of
    adulthood (by the practice's date). The provider is then asked to review it. Returns
    whether it was suspended."""
    link = (
        FamilyLink.objects.select_for_update(of=("self",))
        .select_related("client__organization", "client__user", "user", "organization")
        .get(pk=link.pk)
    )
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(link.organization.time_zone))
    if not family_link_is_due_for_handover(link, today):
        return False
    _family_link_status_set(
        actor=None,
        link=link,
        status=FamilyLink.Status.SUSPENDED,
        because=FamilyLink.SuspendedBecause.ADULT,
    )
    return True


def family_links_hand_over(*, now=None) -> int:
    """The daily run: every link due for the handover at adulthood, in every practice, is
    suspended (each in its own transaction). Returns how many were."""
    now = now or timezone.now()
    # The youngest adult age any practice may set, two days' margin for time zones: a cheap
    # bound on the dates of birth worth looking at; each link is then checked exactly.
    latest_birth = years_before(now.date(), ADULT_AGE[0]) + timedelta(days=2)
    candidates = FamilyLink.objects.filter(
        relationship__in=FamilyLink.MINOR_RELATIONSHIPS,
        status__in=[FamilyLink.Status.ACTIVE, FamilyLink.Status.PAUSED],
        reviewed_at__isnull=True,
        client__date_of_birth__lte=latest_birth,
    ).values_list("pk", flat=True)
    return sum(family_link_hand_over(link=FamilyLink(pk=pk)) for pk in list(candidates))

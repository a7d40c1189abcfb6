"""Writes for practices and clients. Each function is one user action in one transaction."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry, Level
from audit.services import actor_label, audit_record
from clients.models import Client, ClientGroup, Invitation, Organization, User
from clients.selectors import bulk_clients
from clients.signals import clients_moved
from clients.throttling import sign_in_failures_clear
from clients.validators import one_line

# The same words whoever holds the address (a client of this practice or another, a provider):
# a different message would tell a provider who is a client elsewhere.
EMAIL_REFUSED = (
    "This email address cannot be used for this client. Ask the client for another address, "
    "or contact support."
)


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
    client.invitations.usable().update(revoked_at=now)
    user = client.user
    user.credentials_revoked_at = now
    user.save(update_fields=["credentials_revoked_at"])


@transaction.atomic
def client_links_revoke(*, client: Client) -> None:
    """Revoke the client's open invitations and reset links (their email changed elsewhere)."""
    _revoke_issued_links(client=client)


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
    if not client.has_portal_access:
        raise ValidationError("This client's portal login is off; turn it on before inviting.")
    client.invitations.usable().update(revoked_at=timezone.now())
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
    base_url: str,
) -> Client:
    """Add a client to the practice and send their portal invitation."""
    _check_group(organization=organization, group=group)
    email = User.objects.normalize_email(email)
    _check_email_free(email=email)
    user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
    client = Client.objects.create(organization=organization, user=user, group=group)
    audit_record(
        actor=actor,
        organization=organization,
        action=AuditEntry.Action.CLIENT_ADDED,
        client=client,
        new_value=group.name if group else "",
    )
    client_invite(actor=actor, client=client, base_url=base_url)
    return client


@transaction.atomic
def client_update(
    *,
    actor: User,
    client: Client,
    first_name: str,
    last_name: str,
    email: str,
    group: ClientGroup | None,
) -> Client:
    """Change a client's name, email or group.

    A new email revokes what was sent to the old one: open invitations and reset links.
    """
    _check_group(organization=client.organization, group=group)
    email = User.objects.normalize_email(email)
    _check_email_free(email=email, user=client.user)
    user = client.user
    email_changed = user.email != email
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.save(update_fields=["first_name", "last_name", "email"])
    if email_changed:
        _revoke_issued_links(client=client)
    return client_group_set(actor=actor, client=client, group=group)


@transaction.atomic
def client_group_set(*, actor: User, client: Client, group: ClientGroup | None) -> Client:
    """Move a client to a group (or none). The app and the Django admin both come here."""
    _check_group(organization=client.organization, group=group)
    client = (
        Client.objects.select_for_update(of=("self",)).select_related("group").get(pk=client.pk)
    )
    if client.group_id != (group.pk if group else None):
        # The group decides inherited portal settings, so moving a client is recorded.
        audit_record(
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
    """Keep the login's is_active equal to the client's portal access.

    Django's auth backend refuses inactive users both at sign-in and when it loads the user for
    an existing session, so this ends every session of the client at their next request, in
    every process, whatever the session store.
    """
    user = client.user
    if user.is_active != client.has_portal_access:
        user.is_active = client.has_portal_access
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
    """Turn a client's portal login on or off. Off ends their sessions at their next request."""
    client = Client.objects.select_for_update().select_related("user").get(pk=client.pk)
    if client.portal_login_allowed == allowed:
        return client
    client.portal_login_allowed = allowed
    client.save(update_fields=["portal_login_allowed"])
    if not allowed:
        _revoke_issued_links(client=client)
    _sync_login(client)
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


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Set the client's password from their invitation; the link cannot be used again."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation link has already been used or has expired.")
    client = Client.objects.select_related("user").get(pk=invitation.client_id)
    if not client.has_portal_access:
        raise ValidationError("Portal access for this account is turned off.")
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    user = client.user
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
) -> BulkResult:
    """Apply one roster action to the selected clients of `organization`, all or nothing."""
    if action not in BulkAction.values:
        raise ValidationError("Choose an action from the list. Nothing was changed.")
    _check_group(organization=organization, group=group)
    clients = bulk_clients_locked(organization=organization, client_ids=client_ids)
    changing = bulk_changing(clients=clients, action=action, group=group)
    if changing:
        _bulk_apply(
            actor=actor, organization=organization, changing=changing, action=action, group=group
        )
    if changing and action == BulkAction.MOVE:
        clients_moved.send(
            sender=Client,
            organization=organization,
            old_group_ids={c.pk: c.group_id for c in changing},
            group=group,
        )
    return BulkResult(action=action, selected=len(clients), changed=len(changing))


def _bulk_apply(*, actor, organization, changing, action, group) -> None:
    now = timezone.now()
    ids = [c.pk for c in changing]
    user_ids = [c.user_id for c in changing]
    rows = Client.objects.filter(pk__in=ids)
    if action == BulkAction.MOVE:
        rows.update(group=group)
        entries = [
            (
                c,
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
        entries = [(c, AuditEntry.Action.PORTAL_LOGIN_CHANGED, "off", "on") for c in changing]
    else:
        if action == BulkAction.LOGIN_OFF:
            rows.update(portal_login_allowed=False)
            entries = [(c, AuditEntry.Action.PORTAL_LOGIN_CHANGED, "on", "off") for c in changing]
        else:
            rows.update(archived_at=now)
            entries = [
                (c, AuditEntry.Action.CLIENT_ARCHIVED, "active", "archived") for c in changing
            ]
        # As _revoke_issued_links and _sync_login: links stop working, and the inactive login
        # (and the changed auth hash) end every session at its next request.
        Invitation.objects.usable().filter(client_id__in=ids).update(revoked_at=now)
        User.objects.filter(pk__in=user_ids).update(is_active=False, credentials_revoked_at=now)
    label = actor_label(actor)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            organization=organization,
            actor=actor,
            actor_label=label,
            created_at=now,
            action=audit_action,
            level=Level.CLIENT,
            client_id=client.pk,
            old_value=old,
            new_value=new,
            note=BULK_NOTE,
        )
        for client, audit_action, old, new in entries
    )

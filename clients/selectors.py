"""Reads the provider pages share. Each takes the provider's organization: no unscoped reads."""

import hashlib

from django.db import models
from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from clients.models import Client, ClientGroup, FamilyLink, Invitation, Organization, User
from clients.security import scoped_get_or_404


class AccessStatus(models.TextChoices):
    """Where a client stands with their portal access: the first rule that applies, in order.

    1. Archived: the client is archived (whatever else holds).
    2. Login off: a provider turned their portal login off.
    3. Active: they have signed in at least once (shown with their last sign-in).
    4. Invited: an invitation is open (not used, withdrawn or expired; shown with its date).
    5. Never signed in: none of the above, e.g. the invitation expired or was withdrawn.
    """

    ARCHIVED = "archived", "Archived"
    LOGIN_OFF = "login_off", "Login off"
    ACTIVE = "active", "Active"
    INVITED = "invited", "Invited"
    NEVER = "never", "Never signed in"


def with_access_status(clients: QuerySet, *, now=None) -> QuerySet:
    """Annotate `access_status` (an AccessStatus value) and `invited_at` (the latest open
    invitation's date, or None) in the same query: one subquery, no query per client."""
    open_invitations = (
        Invitation.objects.own()
        .filter(
            client=OuterRef("pk"),
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now or timezone.now(),
        )
        .order_by("-created_at")
    )
    return clients.annotate(
        invited_at=Subquery(open_invitations.values("created_at")[:1]),
        access_status=Case(
            When(archived_at__isnull=False, then=Value(AccessStatus.ARCHIVED)),
            When(portal_login_allowed=False, then=Value(AccessStatus.LOGIN_OFF)),
            When(user__last_login__isnull=False, then=Value(AccessStatus.ACTIVE)),
            When(invited_at__isnull=False, then=Value(AccessStatus.INVITED)),
            default=Value(AccessStatus.NEVER),
            output_field=models.CharField(),
        ),
    )


def client_list(
    *,
    organization: Organization,
    archived: bool = False,
    query: str = "",
    group: ClientGroup | None = None,
    no_group: bool = False,
    access_status: str = "",
) -> QuerySet:
    """Clients of the practice, active or archived, matching every word of `query`, with their
    access status (see AccessStatus), optionally only one group's (or those in no group) and
    only one access status. `group` must be one of `organization`'s groups.

    Each word must appear in the first name, last name or email, so "ana lo" finds Ana Lopez.
    """
    clients = Client.objects.filter(organization=organization).select_related("user", "group")
    clients = clients.archived() if archived else clients.active()
    if group is not None:
        if group.organization_id != organization.pk:
            raise ValueError("The group belongs to another practice.")
        clients = clients.filter(group=group)
    elif no_group:
        clients = clients.filter(group__isnull=True)
    clients = with_access_status(clients)
    if access_status:
        clients = clients.filter(access_status=access_status)
    for word in query.split()[:5]:
        clients = clients.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    return clients.order_by("user__last_name", "user__first_name", "pk")


def client_get(*, organization: Organization, pk: int) -> Client:
    """One client of the practice; another practice's client is a 404, not a 403."""
    return scoped_get_or_404(
        with_access_status(Client.objects.select_related("user", "group", "organization")),
        organization=organization,
        pk=pk,
    )


def group_list(*, organization: Organization) -> QuerySet:
    return ClientGroup.objects.filter(organization=organization).annotate(
        active_count=Count("clients", filter=Q(clients__archived_at__isnull=True))
    )


def group_choices(*, organization: Organization) -> list[ClientGroup]:
    """The practice's groups for a filter or a select: names only, one query."""
    return list(
        ClientGroup.objects.filter(organization=organization).only("pk", "name").order_by("name")
    )


def group_get(*, organization: Organization, pk: int) -> ClientGroup:
    return scoped_get_or_404(ClientGroup, organization=organization, pk=pk)


def bulk_clients(*, organization: Organization, client_ids) -> QuerySet:
    """The selected clients of the practice as rows (pk, user_id, group_id, group__name,
    portal_login_allowed, archived_at): what a roster bulk action looks at, without building a
    model instance per client. Ids of another practice's clients simply match nothing (the
    caller compares the counts)."""
    return (
        Client.objects.filter(organization=organization, pk__in=set(client_ids))
        .order_by("pk")
        .values_list(
            "pk",
            "user_id",
            "group_id",
            "group__name",
            "portal_login_allowed",
            "archived_at",
            named=True,
        )
    )


def bulk_archived_count(*, organization: Organization, client_ids) -> int:
    """How many of the selected clients are archived: one query."""
    return Client.objects.filter(
        organization=organization, pk__in=set(client_ids), archived_at__isnull=False
    ).count()


def selection_fingerprint(clients) -> str:
    """A short digest of a selection as the review showed it (rows of bulk_clients): which
    clients, and each one's group, portal login and archived state. A confirmation made for
    one set of clients, or for clients moved, archived or with their login changed in between,
    is not applied (the clients matching a search can change too)."""
    text = ",".join(
        f"{c.pk}:{c.group_id or '-'}:{int(c.portal_login_allowed)}:{int(c.archived_at is not None)}"
        for c in sorted(clients, key=lambda c: c.pk)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def client_names(*, organization: Organization, client_ids, limit: int) -> list[str]:
    """The first `limit` of these clients' names in roster order ("Lopez, Ana"): one query."""
    rows = (
        Client.objects.filter(organization=organization, pk__in=list(client_ids))
        .order_by("user__last_name", "user__first_name", "pk")
        .values_list("user__last_name", "user__first_name")[:limit]
    )
    return [f"{last}, {first}" if last else first for last, first in rows]


def sign_in_emails(*, organization: Organization) -> QuerySet:
    """The sign-in emails of the practice's people, whose lockouts its admin sees and clears:
    its providers, its clients, and the family members of its clients (a link not removed)."""
    family = (
        FamilyLink.objects.filter(organization=organization, client__organization=organization)
        .exclude(status=FamilyLink.Status.REMOVED)
        .values("user_id")
    )
    return User.objects.filter(
        Q(membership__organization=organization)
        | Q(client__organization=organization)
        | Q(pk__in=family)
    ).values_list("email", flat=True)

"""Reads the provider pages share. Each takes the provider's organization: no unscoped reads."""

from django.db.models import Count, Q, QuerySet

from clients.models import Client, ClientGroup, Organization
from clients.security import scoped_get_or_404


def client_list(*, organization: Organization, archived: bool = False, query: str = "") -> QuerySet:
    """Clients of the practice, active or archived, matching every word of `query`.

    Each word must appear in the first name, last name or email, so "ana lo" finds Ana Lopez.
    """
    clients = Client.objects.filter(organization=organization).select_related("user", "group")
    clients = clients.archived() if archived else clients.active()
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
        Client.objects.select_related("user", "group", "organization"),
        organization=organization,
        pk=pk,
    )


def group_list(*, organization: Organization) -> QuerySet:
    return ClientGroup.objects.filter(organization=organization).annotate(
        active_count=Count("clients", filter=Q(clients__archived_at__isnull=True))
    )


def group_get(*, organization: Organization, pk: int) -> ClientGroup:
    return scoped_get_or_404(ClientGroup, organization=organization, pk=pk)

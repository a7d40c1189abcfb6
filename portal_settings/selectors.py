"""Reads of portal settings that the provider pages share; each is scoped to the practice."""

from clients.models import Client, Organization
from clients.security import scoped_get_or_404
from clients.selectors import with_access_status
from portal_settings.resolver import clients_with_settings


def client_with_settings_get(*, organization: Organization, pk: int) -> Client:
    """One client of the practice with all three levels of its portal settings and its access
    status (for the profile header): one query."""
    return scoped_get_or_404(
        with_access_status(clients_with_settings()), organization=organization, pk=pk
    )

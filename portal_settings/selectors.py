"""Reads of portal settings that the provider pages share; each is scoped to the practice."""

from clients.models import Client, Organization
from clients.security import scoped_get_or_404
from portal_settings.resolver import clients_with_settings


def client_with_settings_get(*, organization: Organization, pk: int) -> Client:
    """One client of the practice with all three levels of its portal settings: one query."""
    return scoped_get_or_404(clients_with_settings(), organization=organization, pk=pk)

"""Reads of portal settings that the provider pages share; each is scoped to the practice."""

from dataclasses import dataclass

from django.db.models import Count, Q

from clients.models import Client, Organization
from clients.security import scoped_get_or_404
from clients.selectors import with_access_status
from portal_settings.models import Level
from portal_settings.resolver import clients_with_settings
from portal_settings.targets import Target


def client_with_settings_get(*, organization: Organization, pk: int) -> Client:
    """One client of the practice with all three levels of its portal settings and its access
    status (for the profile header): one query."""
    return scoped_get_or_404(
        with_access_status(clients_with_settings()), organization=organization, pk=pk
    )


@dataclass(frozen=True)
class Reach:
    """How many active clients a group's or the practice's value of one section reaches."""

    active: int  # active clients under the target
    decided_below: int  # of them, those whose own (or group's) value decides instead


def settings_reach(*, target: Target, keys) -> dict[str, Reach]:
    """For each section key: the target's active clients, and those a lower level overrides.

    One query, whatever the number of clients or keys. A client's level has no reach.
    """
    keys = list(keys)
    if target.level in (Level.CLIENT, Level.FAMILY) or target.for_family or not keys:
        # A family column reaches family members, not the clients counted here.
        return {}
    clients = Client.objects.active()
    if target.level == Level.GROUP:
        clients = clients.filter(group=target.obj)

        def below(key):
            return Q(portal_settings__values__has_key=key)
    else:
        clients = clients.filter(organization=target.obj)

        def below(key):
            return Q(portal_settings__values__has_key=key) | Q(
                group__portal_settings__values__has_key=key
            )

    counts = clients.aggregate(
        active=Count("pk"),
        **{f"below_{n}": Count("pk", filter=below(key)) for n, key in enumerate(keys)},
    )
    return {key: Reach(counts["active"], counts[f"below_{n}"]) for n, key in enumerate(keys)}

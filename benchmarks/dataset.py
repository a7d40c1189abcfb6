"""The benchmark's data: created once, reused by later runs (`make bench` checks the counts).

- "Bench Main": 10,000 clients, 50 groups, practice defaults, overrides on 20% of the groups
  and 10% of the clients; the client and provider the load test signs in as.
- 20 other practices of 500 clients each (the tenants the main one must not see).
- "Bench 1k" and "Bench 100k": the same mix at other sizes, to time the report's growth.
- A client of the main practice with dated values (their own and their group's: one in force,
  one still to come, one ended), for the portal pages of a client with dated values.
"""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from clients.models import Client, ClientGroup, FamilyLink, Membership, Organization, User
from portal_settings.levels import Access
from portal_settings.models import PortalSettings
from portal_settings.schedule import Dated
from portal_settings.sections import KEYS

PASSWORD = "bench-pass-123"  # noqa: S105 (a throwaway benchmark login)
MAIN = "Bench Main"
CLIENT_EMAIL = "bench-client@bench.test"
PROVIDER_EMAIL = "bench-provider@bench.test"
SECTIONS_CLIENT_EMAIL = "bench-sections@bench.test"
PARENT_EMAIL = "bench-parent@bench.test"
DATED_CLIENT_EMAIL = "bench-dated@bench.test"
DATED_GROUP = "Bench dated group"
SAVE_CLIENTS = 2  # one per wrk thread in the SAVE scenario
BATCH = 5000


def _practice(name: str, clients: int, groups: int, *, seed: int) -> Organization:
    organization, created = Organization.objects.get_or_create(
        name=name, defaults={"contact_email": "hello@bench.test"}
    )
    if not created and Client.objects.filter(organization=organization).count() >= clients:
        return organization
    rng = random.Random(seed)
    password = make_password(PASSWORD)
    slug = name.lower().replace(" ", "-")
    with transaction.atomic():
        PortalSettings.objects.update_or_create(
            organization=organization, defaults={"values": {"packages": "off"}}
        )
        group_rows = ClientGroup.objects.bulk_create(
            ClientGroup(organization=organization, name=f"Group {n:02d}") for n in range(groups)
        )
        PortalSettings.objects.bulk_create(
            PortalSettings(group=group, values={rng.choice(KEYS): rng.choice(("full", "off"))})
            for group in group_rows[: max(1, groups // 5)]
        )
        for start in range(0, clients, BATCH):
            stop = min(start + BATCH, clients)
            users = User.objects.bulk_create(
                User(
                    email=f"{slug}-{n}@bench.test",
                    first_name=f"First{n}",
                    last_name=f"Last{n:06d}",
                    password=password,
                )
                for n in range(start, stop)
            )
            rows = Client.objects.bulk_create(
                Client(
                    organization=organization,
                    user=user,
                    group=rng.choice(group_rows) if rng.random() < 0.8 else None,
                )
                for user in users
            )
            PortalSettings.objects.bulk_create(
                PortalSettings(
                    client=client,
                    values={rng.choice(KEYS): "full" if rng.random() < 0.5 else "off"},
                )
                for client in rows
                if rng.random() < 0.10
            )
    return organization


def _sections_client(organization, provider):
    """A client of the main practice with every section allowed and something in each (the
    same per-section content the tests' URL walk builds), so each section page has rows to show.
    """
    from tests.world import SECTION_WORLDS

    user, created = User.objects.update_or_create(
        email=SECTIONS_CLIENT_EMAIL,
        defaults={
            "first_name": "Sections",
            "last_name": "Bench",
            "password": make_password(PASSWORD),
        },
    )
    client, _ = Client.objects.update_or_create(
        user=user, defaults={"organization": organization, "group": None}
    )
    # The practice default turns packages off; this client has every section on.
    PortalSettings.objects.update_or_create(
        client=client, defaults={"values": {k: "full" for k in KEYS}}
    )
    if created:
        world = {"provider": provider, "client": client}
        for key in KEYS:  # registry order: billing before packages
            world.update(SECTION_WORLDS[key](organization=organization, **world))
    return client


def _dated_client(organization) -> Client:
    """A client with dated values at both levels, dated from now on every run: their group
    turns Packages off until a month ahead; they have Billing view only until next week,
    Goals off from next month, and an ended Journal off."""
    now = timezone.now()
    group, _ = ClientGroup.objects.get_or_create(organization=organization, name=DATED_GROUP)
    PortalSettings.objects.update_or_create(
        group=group,
        defaults={
            "values": {"care_plans": "full"},
            "schedule": {"packages": Dated(Access.OFF, None, now + timedelta(days=30)).as_json()},
        },
    )
    user, _ = User.objects.update_or_create(
        email=DATED_CLIENT_EMAIL,
        defaults={
            "first_name": "Dated",
            "last_name": "Bench",
            "password": make_password(PASSWORD),
            "is_active": True,
        },
    )
    client, _ = Client.objects.update_or_create(
        user=user, defaults={"organization": organization, "group": group}
    )
    PortalSettings.objects.update_or_create(
        client=client,
        defaults={
            "values": {"billing": "full", "journal": "full"},
            "schedule": {
                "billing": Dated(Access.VIEW, None, now + timedelta(days=7)).as_json(),
                "goals": Dated(Access.OFF, now + timedelta(days=30), None).as_json(),
                "journal": Dated(
                    Access.OFF, now - timedelta(days=30), now - timedelta(days=1)
                ).as_json(),
            },
        },
    )
    return client


def build() -> dict:
    main = _practice(MAIN, 10_000, 50, seed=1)
    for n in range(20):
        _practice(f"Bench Other {n:02d}", 500, 5, seed=100 + n)
    small = _practice("Bench 1k", 1_000, 10, seed=2)
    large = _practice("Bench 100k", 100_000, 100, seed=3)

    # The signed-in client: in a group with its own setting, and one of their own (mixed).
    group = (
        ClientGroup.objects.filter(organization=main, portal_settings__isnull=False)
        .order_by("pk")
        .first()
    )
    user, _ = User.objects.update_or_create(
        email=CLIENT_EMAIL,
        defaults={
            "first_name": "Bench",
            "last_name": "Client",
            "password": make_password(PASSWORD),
            "is_active": True,
        },
    )
    client, _ = Client.objects.update_or_create(
        user=user, defaults={"organization": main, "group": group}
    )
    PortalSettings.objects.update_or_create(
        client=client, defaults={"values": {"journal": "off", "goals": "full"}}
    )

    provider, _ = User.objects.update_or_create(
        email=PROVIDER_EMAIL,
        defaults={
            "first_name": "Bench",
            "last_name": "Provider",
            "password": make_password(PASSWORD),
        },
    )
    Membership.objects.update_or_create(
        user=provider, defaults={"organization": main, "role": Membership.Role.ADMIN}
    )

    save_clients = []
    for n in range(SAVE_CLIENTS):
        save_user, _ = User.objects.update_or_create(
            email=f"bench-save-{n}@bench.test",
            defaults={"first_name": "Save", "last_name": f"Target{n}"},
        )
        save_client, _ = Client.objects.update_or_create(
            user=save_user, defaults={"organization": main, "group": None}
        )
        save_clients.append(save_client)
    sections_client = _sections_client(main, provider)
    # A parent of the sections client, with their own login: the family member's pages.
    parent, _ = User.objects.update_or_create(
        email=PARENT_EMAIL,
        defaults={
            "first_name": "Bench",
            "last_name": "Parent",
            "password": make_password(PASSWORD),
            "is_active": True,
        },
    )
    FamilyLink.objects.update_or_create(
        client=sections_client,
        user=parent,
        defaults={
            "organization": main,
            "relationship": FamilyLink.Relationship.PARENT,
            "status": FamilyLink.Status.ACTIVE,
            "suspended_because": "",
        },
    )
    dated_client = _dated_client(main)
    # Bulk loads leave the planner's statistics behind (it then expects 3 rows where there are
    # 100,000, and picks nested loops); a live database has them from autovacuum.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "main": main,
        "small": small,
        "large": large,
        "client": client,
        "sections_client": sections_client,
        "dated_client": dated_client,
        "save_clients": save_clients,
    }

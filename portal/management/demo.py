"""The demo practice: its people and settings, then each section's demo content.

Used by `manage.py seed_demo`. Every step looks before it creates, so it is idempotent. The
sections' content lives in each section's package (portal/<package>/demo.py), driven by the
registry, so a new section brings its own.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from clients.models import Client, ClientGroup, FamilyLink, Membership, Organization, User
from clients.services import years_before
from portal.registry import demo_seed
from portal_settings.models import Preset
from portal_settings.sections import KEYS
from portal_settings.services import portal_settings_update, preset_save
from portal_settings.targets import Target

PASSWORD = "demo-pass-123"  # noqa: S105 (the documented demo password)
PRACTICE = "Demo Wellness"
PARENT_EMAIL = "parent@demo.test"

GROUPS = [
    ("Adults", "Adult clients"),
    ("Teens", "Clients under 18; a parent manages billing"),
]
CLIENTS = [
    # (first, last, email, group)
    ("Casey", "Client", "client@demo.test", "Teens"),
    ("Ana", "Lopez", "ana.lopez@demo.test", "Adults"),
    ("Ben", "Okafor", "ben.okafor@demo.test", "Adults"),
    ("Chloe", "Martin", "chloe.martin@demo.test", "Adults"),
    ("Dev", "Patel", "dev.patel@demo.test", "Adults"),
    ("Elena", "Rossi", "elena.rossi@demo.test", "Adults"),
    ("Finn", "Murphy", "finn.murphy@demo.test", "Teens"),
    ("Grace", "Kim", "grace.kim@demo.test", "Teens"),
    ("Hugo", "Laurent", "hugo.laurent@demo.test", None),
    ("Isla", "Novak", "isla.novak@demo.test", "Adults"),
    ("Jonah", "Weiss", "jonah.weiss@demo.test", None),
    ("Keiko", "Sato", "keiko.sato@demo.test", "Adults"),
    ("Liam", "Byrne", "liam.byrne@demo.test", "Teens"),
    ("Maya", "Haddad", "maya.haddad@demo.test", "Adults"),
]
LOGINS = (
    f"Demo logins (password for all: {PASSWORD}):\n"
    "  Practice admin  admin@demo.test     -> provider app (/clients/)\n"
    "  Provider        provider@demo.test  -> provider app (/clients/)\n"
    "  Client          client@demo.test    -> Client Portal (/portal/), group Teens\n"
    "  Client          ana.lopez@demo.test -> Client Portal, bills View only (no Pay)\n"
    "  Parent          parent@demo.test    -> Casey's portal as parent (/portal/)\n"
    "  Staff (admin)   staff@demo.test     -> Django admin (/admin/)\n"
)


def _user(email, first, last, **flags):
    user, _ = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last}
    )
    user.first_name, user.last_name = first, last
    for name, value in flags.items():
        setattr(user, name, value)
    user.set_password(PASSWORD)
    user.save()
    return user


def _apply(actor, target_obj, wanted: dict, note: str, reason: str = ""):
    """Bring a level to the wanted values through the service (audited, only real changes)."""
    target = Target.of(target_obj).reload()
    own = target.own_values()
    changes = {key: value for key, value in wanted.items() if own.get(key) != value}
    if changes:
        portal_settings_update(
            actor=actor,
            target=target,
            changes=changes,
            shown_version=target.version_token(),
            note=note,
            reason=reason,
        )


# Starting presets (Settings > Presets): sensible sets a practice applies in one step.
_RECORDS = ("documents", "forms", "goals", "journal", "programs")
DEMO_PRESETS = (
    # A minor's portal: no money, appointments seen but booked by a parent.
    ("Minor", {"billing": "off", "packages": "off", "appointments": "view"}),
    # A payer who is not the client (a parent, a guardian): bills only.
    ("Billing only", {key: ("full" if key == "billing" else "off") for key in KEYS}),
    # Records to read, nothing to add or change (care plans are read-only already).
    ("Read-only records", {key: "view" for key in _RECORDS}),
)


def _presets(admin, organization) -> None:
    for name, values in DEMO_PRESETS:
        preset = Preset.objects.filter(organization=organization, name=name).first()
        if preset is None or preset.values != values:
            preset_save(
                actor=admin,
                organization=organization,
                name=name,
                values=values,
                preset=preset,
                shown_version=preset.version_token() if preset else "",
            )


@transaction.atomic
def seed() -> None:
    """Create the demo practice, or bring it back to its demo state."""
    # Practice names are not unique: the first practice of that name is the demo's.
    org = Organization.objects.filter(name=PRACTICE).order_by("pk").first()
    if org is None:
        org = Organization.objects.create(
            name=PRACTICE, contact_email="hello@demo.test", time_zone="America/New_York"
        )
    admin = _user("admin@demo.test", "Avery", "Admin")
    Membership.objects.update_or_create(
        user=admin, defaults={"organization": org, "role": Membership.Role.ADMIN}
    )
    provider = _user("provider@demo.test", "Priya", "Provider")
    Membership.objects.update_or_create(
        user=provider, defaults={"organization": org, "role": Membership.Role.PROVIDER}
    )
    _user("staff@demo.test", "Sam", "Staff", is_staff=True, is_superuser=True)

    groups = {
        name: ClientGroup.objects.get_or_create(
            organization=org, name=name, defaults={"description": description}
        )[0]
        for name, description in GROUPS
    }
    clients = {}
    for first, last, email, group_name in CLIENTS:
        user = _user(email, first, last, is_active=True)
        client, _ = Client.objects.get_or_create(
            user=user, defaults={"organization": org, "group": groups.get(group_name)}
        )
        if client.archived_at or not client.portal_login_allowed:
            client.archived_at, client.portal_login_allowed = None, True
            client.save(update_fields=["archived_at", "portal_login_allowed"])
        clients[email] = client

    # Casey is 15 today (well before a birthday), and has a parent with their own login.
    casey = clients["client@demo.test"]
    casey.date_of_birth = years_before(timezone.localdate(), 15) - timedelta(days=100)
    casey.save(update_fields=["date_of_birth"])
    parent = _user(PARENT_EMAIL, "Jordan", "Client", is_active=True)
    FamilyLink.objects.update_or_create(
        client=casey,
        user=parent,
        defaults={
            "organization": org,
            "relationship": FamilyLink.Relationship.PARENT,
            "status": FamilyLink.Status.ACTIVE,
            "suspended_because": "",
            "reviewed_at": None,
            "created_by": provider,
        },
    )

    # Teens do not see billing (the reference's own example). Ana sees her bills but cannot pay
    # them in the portal (View only), and keeps her journal out of it.
    _apply(admin, groups["Teens"], {"billing": "off", "packages": "off"}, "Parents handle billing")
    ana = clients["ana.lopez@demo.test"]
    _apply(
        provider,
        ana,
        {"journal": "off", "billing": "view"},
        "Prefers to share notes in session; pays at the front desk",
        reason="client_request",  # her journal holds her own records
    )
    _presets(admin, org)
    demo_seed(organization=org, admin=admin, provider=provider, clients=clients)

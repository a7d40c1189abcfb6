"""The on/off -> levels migration keeps every existing value (and undoes to on/off)."""

import importlib
import itertools

import pytest
from django.apps import apps

from audit.models import AuditEntry
from portal_settings.models import PortalSettings
from portal_settings.resolver import clients_with_settings, effective_settings_for_client
from portal_settings.sections import KEYS
from tests.factories import ClientFactory, ClientGroupFactory, OrganizationFactory

migration = importlib.import_module("portal_settings.migrations.0004_access_levels")


def test_every_on_off_value_becomes_its_level():
    old = {key: value for key, value in zip(KEYS, itertools.cycle([True, False]), strict=False)}
    new = migration.values_to_levels(old)
    assert set(new) == set(old)
    assert all(new[key] == ("full" if old[key] else "off") for key in old)
    assert migration.values_to_levels({}) == {}
    # Run twice (or on a row already converted): nothing changes.
    assert migration.values_to_levels(new) == new


def test_backwards_full_is_on_and_view_only_is_off():
    assert migration.values_to_on_off({"billing": "full", "goals": "view", "journal": "off"}) == {
        "billing": True,
        "goals": False,
        "journal": False,
    }
    assert migration.values_to_on_off(migration.values_to_levels({"billing": True})) == {
        "billing": True
    }


@pytest.mark.django_db
def test_the_migration_converts_every_row_of_every_level_and_keeps_what_clients_get():
    organization = OrganizationFactory()
    group = ClientGroupFactory(organization=organization, name="Teens")
    clients = [ClientFactory(organization=organization, group=group) for _ in range(3)]
    # Rows as the on/off code stored them (create() does not run the validators).
    PortalSettings.objects.create(organization=organization, values={"goals": False})
    PortalSettings.objects.create(group=group, values={"billing": False, "packages": True})
    PortalSettings.objects.create(client=clients[0], values={"billing": True, "journal": False})
    PortalSettings.objects.create(client=clients[1], values={})
    # An audit row written before the migration: the trail is append-only and not rewritten.
    AuditEntry.objects.create(
        organization=organization,
        actor_label="x",
        action="setting_changed",
        level="client",
        client=clients[0],
        section="billing",
        old_value="off",
        new_value="on",
    )

    migration.forwards(apps, None)

    assert {row.target: row.values for row in PortalSettings.objects.all()} == {
        organization: {"goals": "off"},
        group: {"billing": "off", "packages": "full"},
        clients[0]: {"billing": "full", "journal": "off"},
        clients[1]: {},
    }
    effective = effective_settings_for_client(client=clients_with_settings().get(pk=clients[0].pk))
    assert (effective["billing"].access, effective["billing"].level) == ("full", "client")
    assert (effective["journal"].access, effective["goals"].access) == ("off", "off")
    other = effective_settings_for_client(client=clients_with_settings().get(pk=clients[2].pk))
    assert (other["billing"].access, other["billing"].source) == ("off", "Inherited from Teens")
    assert AuditEntry.objects.get().new_value == "on"

    migration.backwards(apps, None)
    assert PortalSettings.objects.get(group=group).values == {"billing": False, "packages": True}

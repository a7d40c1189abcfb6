import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clients.models import Client
from portal_settings.models import PortalSettings
from portal_settings.resolver import (
    Sources,
    clients_with_settings,
    effective_settings_for_client,
    effective_settings_for_clients,
    resolve,
)
from portal_settings.sections import KEYS, SECTIONS
from tests.factories import ClientFactory, ClientGroupFactory, OrganizationFactory

VALUES = ["full", "view", "off", None]
WORDS = {"full": "Full", "view": "View only", "off": "Off"}


def reference(client_value, group_value, org_value):
    """The rule in ARCHITECTURE.md, written the plainest way: the first explicit level walking
    client, group, practice; else the built-in Full."""
    for value, source in (
        (client_value, "client"),
        (group_value, "group"),
        (org_value, "organization"),
    ):
        if value is not None:
            return value, source
    return "full", "builtin"


def explicit(value):
    return {} if value is None else {"billing": value}


@pytest.mark.parametrize(
    ("client_value", "group_value", "org_value"), list(itertools.product(VALUES, VALUES, VALUES))
)
def test_precedence_every_combination(client_value, group_value, org_value):
    effective = resolve(
        Sources(
            organization=explicit(org_value),
            group=explicit(group_value),
            group_name="Teens",
            client=explicit(client_value),
        )
    )
    value, source = reference(client_value, group_value, org_value)
    assert effective["billing"].access == value
    assert effective["billing"].level == source
    # The helpers existing callers use ("is this section there at all", "may they act").
    assert effective.allows("billing") is (value != "off")
    assert effective.can_act("billing") is (value == "full")
    assert effective["billing"].view_only is (value == "view")
    assert ("billing" in effective.enabled_keys) is (value != "off")
    expected_label = {
        "client": "Set for this client",
        "group": "Inherited from Teens",
        "organization": "Inherited from practice",
        "builtin": "Inherited from practice",
    }[source] + f": {WORDS[value]}"
    assert effective["billing"].label == expected_label
    # The other sections are untouched by billing's values.
    assert all(effective[key].access == "full" for key in KEYS if key != "billing")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("client_value", "group_value", "org_value"), list(itertools.product(VALUES, VALUES, VALUES))
)
def test_precedence_every_combination_from_the_database(client_value, group_value, org_value):
    organization = OrganizationFactory()
    group = ClientGroupFactory(organization=organization, name="Teens")
    client = ClientFactory(organization=organization, group=group)
    PortalSettings.objects.create(organization=organization, values=explicit(org_value))
    PortalSettings.objects.create(group=group, values=explicit(group_value))
    PortalSettings.objects.create(client=client, values=explicit(client_value))
    effective = effective_settings_for_client(client=clients_with_settings().get(pk=client.pk))
    assert (effective["billing"].access, effective["billing"].level) == reference(
        client_value, group_value, org_value
    )
    bulk = effective_settings_for_clients(clients=Client.objects.filter(pk=client.pk))
    assert bulk[client.pk]["billing"] == effective["billing"]


def test_client_without_group_skips_the_group_level():
    effective = resolve(Sources(organization={"goals": "view"}, group=None, client={}))
    assert effective["goals"].access == "view"
    assert effective["goals"].level == "organization"


def test_unknown_key_is_never_allowed():
    effective = resolve(Sources(organization={}))
    assert effective.allows("teleportation") is False
    assert effective.access("teleportation") == "off"


def test_a_level_the_section_does_not_offer_counts_as_off():
    """View care plans has no View only; a stored "view" (which validation refuses) is not
    served as Full."""
    effective = resolve(Sources(organization={"care_plans": "view"}))
    assert effective["care_plans"].access == "off"


def test_a_value_that_is_no_level_fails_loudly():
    """The middleware fails closed (503) when resolution raises; a leftover boolean must not
    quietly read as some level."""
    with pytest.raises(ValueError):
        resolve(Sources(organization={"billing": True}))


def test_enabled_sections_keep_registry_order():
    effective = resolve(Sources(organization={"journal": "off", "billing": "off"}))
    assert [s.key for s in effective.enabled_sections] == [
        s.key for s in SECTIONS if s.key not in ("journal", "billing")
    ]


level_values = st.fixed_dictionaries(
    {section.key: st.sampled_from([*section.levels, None]) for section in SECTIONS}
).map(lambda d: {k: v.value if v else None for k, v in d.items() if v is not None})


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    org_values=level_values,
    group_values=st.lists(level_values, min_size=0, max_size=4),
    client_specs=st.lists(
        st.tuples(st.integers(min_value=-1, max_value=3), level_values), min_size=1, max_size=12
    ),
)
def test_resolver_agrees_with_the_reference_for_random_practices(
    org_values, group_values, client_specs
):
    organization = OrganizationFactory()
    if org_values:
        PortalSettings.objects.create(organization=organization, values=org_values)
    groups = []
    for values in group_values:
        group = ClientGroupFactory(organization=organization)
        if values:
            PortalSettings.objects.create(group=group, values=values)
        groups.append((group, values))
    clients = []
    for group_index, values in client_specs:
        group, gvalues = groups[group_index] if 0 <= group_index < len(groups) else (None, None)
        client = ClientFactory(organization=organization, group=group)
        if values:
            PortalSettings.objects.create(client=client, values=values)
        clients.append((client, gvalues, values))

    bulk = effective_settings_for_clients(clients=Client.objects.filter(organization=organization))
    for client, gvalues, cvalues in clients:
        one = effective_settings_for_client(client=clients_with_settings().get(pk=client.pk))
        for key in KEYS:
            expected = reference(cvalues.get(key), (gvalues or {}).get(key), org_values.get(key))
            assert (one[key].access, one[key].level) == expected
            assert (bulk[client.pk][key].access, bulk[client.pk][key].level) == expected


@pytest.mark.django_db
def test_one_client_costs_one_query(django_assert_num_queries, client_record, group):
    client_record.group = group
    client_record.save()
    with django_assert_num_queries(1):
        effective_settings_for_client(client=clients_with_settings().get(user=client_record.user))


@pytest.mark.django_db
def test_500_clients_cost_a_constant_number_of_queries(django_assert_num_queries):
    organization = OrganizationFactory()
    groups = [ClientGroupFactory(organization=organization) for _ in range(5)]
    PortalSettings.objects.create(organization=organization, values={"billing": "off"})
    for group in groups[:3]:
        PortalSettings.objects.create(group=group, values={"goals": "off"})
    clients = Client.objects.bulk_create(
        Client(organization=organization, group=groups[n % 5], user=_user(n)) for n in range(500)
    )
    PortalSettings.objects.bulk_create(
        PortalSettings(client=client, values={"journal": "off"}) for client in clients[::10]
    )
    with django_assert_num_queries(2):
        result = effective_settings_for_clients(
            clients=Client.objects.filter(organization=organization)
        )
    assert len(result) == 500
    assert sum(not r.allows("journal") for r in result.values()) == 50
    assert sum(not r.allows("goals") for r in result.values()) == 300
    assert not any(r.allows("billing") for r in result.values())


def _user(n):
    from clients.models import User

    return User.objects.create(email=f"bulk{n}@example.test", first_name="Bulk")


@pytest.mark.django_db
def test_clients_with_settings_reads_fresh_rows_every_time():
    """Its query is built once per process (benchmarks/README.md), but no row is kept: a change
    made after one read is in the next, even when the first read iterated the queryset."""
    client = ClientFactory()
    first = list(clients_with_settings().filter(pk=client.pk))
    assert first[0].own_values is None
    PortalSettings.objects.create(client=client, values={"billing": "off"})
    again = list(clients_with_settings().filter(pk=client.pk))
    assert again[0].own_values == {"billing": "off"}
    everyone = clients_with_settings()
    list(everyone)  # evaluating one caller's queryset fills no one else's
    assert clients_with_settings() is not everyone

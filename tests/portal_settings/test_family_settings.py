"""Family members' own Client Portal Settings: the chain family link -> the group's family
column -> the practice's family column -> built-in; one service, one trail; enforcement with
the acting person's settings, in the same number of queries as a client's."""

import itertools

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEntry, Level
from clients.models import AccessRefusal
from portal_settings.models import PortalSettings
from portal_settings.resolver import (
    FAMILY_BUILT_IN,
    clients_with_settings,
    effective_settings_for_client,
    effective_settings_for_family_link,
    family_links_with_settings,
)
from portal_settings.sections import BY_KEY, SECTIONS
from portal_settings.services import StaleSettingsError, portal_settings_update
from portal_settings.targets import FAMILY, Target
from tests.factories import (
    ClientFactory,
    ClientGroupFactory,
    FamilyLinkFactory,
    MembershipFactory,
)
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

VALUES = ["full", "view", "off", None]


def reference(link_value, group_value, org_value, key):
    """The family chain the plainest way: the first explicit level walking the link, the
    group's family column, the practice's family column; else the family built-in."""
    for value in (link_value, group_value, org_value):
        if value is not None:
            return value
    return FAMILY_BUILT_IN.get(key, "full")


def load(link):
    return family_links_with_settings().get(pk=link.pk)


def set_family(*, link=None, group=None, organization=None, values):
    if link is not None:
        PortalSettings.objects.update_or_create(family_link=link, defaults={"values": values})
    elif group is not None:
        PortalSettings.objects.update_or_create(group=group, defaults={"family_values": values})
    else:
        PortalSettings.objects.update_or_create(
            organization=organization, defaults={"family_values": values}
        )


@pytest.fixture
def teen(organization):
    group = ClientGroupFactory(organization=organization, name="Teens")
    return ClientFactory(organization=organization, group=group)


@pytest.fixture
def link(teen):
    return FamilyLinkFactory(client=teen)


@pytest.mark.parametrize(
    ("link_value", "group_value", "org_value"), list(itertools.product(VALUES, VALUES, VALUES))
)
@pytest.mark.parametrize("key", ["billing", "journal"])
def test_the_family_chain_every_combination(link, teen, link_value, group_value, org_value, key):
    def explicit(value):
        return {} if value is None else {key: value}

    set_family(link=link, values=explicit(link_value))
    set_family(group=teen.group, values=explicit(group_value))
    set_family(organization=teen.organization, values=explicit(org_value))
    # the clients' columns hold the opposite everywhere: they must not leak into the chain
    PortalSettings.objects.filter(group=teen.group).update(values={key: "off"})
    PortalSettings.objects.create(client=teen, values={key: "view"})
    effective = effective_settings_for_family_link(link=load(link))
    assert effective[key].access == reference(link_value, group_value, org_value, key)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([s.key for s in SECTIONS]),
            st.sampled_from(VALUES),
            st.sampled_from(VALUES),
            st.sampled_from(VALUES),
        ),
        max_size=6,
    )
)
def test_the_family_resolver_agrees_with_the_reference(organization, rows):
    group = ClientGroupFactory(organization=organization)
    link = FamilyLinkFactory(client=ClientFactory(organization=organization, group=group))
    own, grp, org = {}, {}, {}
    for key, a, b, c in rows:
        for values, value in ((own, a), (grp, b), (org, c)):
            if value is not None and BY_KEY[key].allows_level(value):
                values[key] = value
            else:
                values.pop(key, None)
    set_family(link=link, values=own)
    set_family(group=group, values=grp)
    set_family(organization=organization, values=org)
    effective = effective_settings_for_family_link(link=load(link))
    for section in SECTIONS:
        expected = reference(
            own.get(section.key), grp.get(section.key), org.get(section.key), section.key
        )
        assert effective[section.key].access == expected, section.key


def test_a_client_without_a_group_skips_the_groups_family_column(organization):
    link = FamilyLinkFactory(client=ClientFactory(organization=organization))
    set_family(organization=organization, values={"billing": "view"})
    effective = effective_settings_for_family_link(link=load(link))
    assert effective["billing"].access == "view"
    assert effective["billing"].label == "Inherited from practice: View only"


# --- the service: one row per change, stale check, only real changes, one trail ------------


def test_a_groups_family_column_is_one_row_and_reaches_family_members_only(
    link, teen, provider, organization
):
    siblings = [
        FamilyLinkFactory(client=ClientFactory(organization=organization, group=teen.group))
        for _ in range(5)
    ]
    target = Target.of(teen.group, FAMILY).reload()
    before = PortalSettings.objects.count()
    portal_settings_update(
        actor=provider,
        target=target,
        changes={"billing": "off"},
        shown_version=target.version_token(),
        note="Parents pay at the desk",
    )
    assert PortalSettings.objects.count() == before + 1  # the group's row, whatever its size
    row = PortalSettings.objects.get(group=teen.group)
    assert (row.family_values, row.values) == ({"billing": "off"}, {})
    for each in (link, *siblings):
        assert effective_settings_for_family_link(link=load(each))["billing"].access == "off"
    client = clients_with_settings().get(pk=teen.pk)
    assert effective_settings_for_client(client=client)["billing"].access == "full"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SETTING_CHANGED)
    assert (entry.level, entry.group, entry.audience, entry.note) == (
        Level.GROUP,
        teen.group,
        "family",
        "Parents pay at the desk",
    )


def test_a_family_members_own_setting_is_audited_and_stale_forms_save_nothing(link, provider):
    target = Target.of(link).reload()
    shown = target.version_token()
    changed = portal_settings_update(
        actor=provider, target=target, changes={"journal": "view"}, shown_version=shown
    )
    assert [c.section.key for c in changed] == ["journal"]
    assert PortalSettings.objects.get(family_link=link).values == {"journal": "view"}
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SETTING_CHANGED)
    assert (entry.level, entry.family_link, entry.client, entry.section) == (
        Level.FAMILY,
        link,
        link.client,
        "journal",
    )
    assert (entry.old_value, entry.new_value) == (
        "default:Inherited from practice: Off",
        "view",
    )
    with pytest.raises(StaleSettingsError):
        portal_settings_update(
            actor=provider, target=target, changes={"journal": "full"}, shown_version=shown
        )
    # the same value again: nothing written
    fresh = Target.of(link).reload()
    assert (
        portal_settings_update(
            actor=provider,
            target=fresh,
            changes={"journal": "view", "billing": None},
            shown_version=fresh.version_token(),
        )
        == []
    )
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SETTING_CHANGED).count() == 1


def test_a_change_to_the_groups_family_column_makes_a_family_members_form_stale(
    link, teen, provider
):
    member = Target.of(link).reload()
    shown = member.version_token()
    group = Target.of(teen.group, FAMILY).reload()
    portal_settings_update(
        actor=provider, target=group, changes={"goals": "off"}, shown_version=group.version_token()
    )
    with pytest.raises(StaleSettingsError):
        portal_settings_update(
            actor=provider, target=member, changes={"goals": "full"}, shown_version=shown
        )


# --- the pages -------------------------------------------------------------------------------


def test_the_clients_page_has_a_tab_per_family_member_and_saves_theirs(provider_http, link):
    page = provider_http.get(reverse("portal_settings:client", args=[link.client_id]))
    url = reverse("portal_settings:family", args=[link.client_id, link.pk])
    assert url in page.content.decode()
    form = provider_http.get(url)
    assert form.status_code == 200
    body = form.content.decode()
    assert "Inherited from built-in default: Off" not in body  # below the practice page
    assert "Inherited from practice: Off" in body  # journal, from the family built-in
    version = form.context["version"]
    response = provider_http.post(
        url, {"version": version, "section-journal": "full", "note": "Casey agrees"}
    )
    assert response.status_code == 302
    assert PortalSettings.objects.get(family_link=link).values == {"journal": "full"}
    history = provider_http.get(url).content.decode()
    assert "Casey agrees" in history


@pytest.mark.parametrize("name", ["portal_settings:group-family", "portal_settings:group"])
def test_the_groups_two_columns_save_to_their_own_field(admin_http, teen, name):
    url = reverse(name, args=[teen.group.pk])
    version = admin_http.get(url).context["version"]
    # Goals hold the client's records: the clients' column asks for a reason, the family one not
    data = {"version": version, "section-goals": "off", "reason": "not_relevant"}
    assert admin_http.post(url, data).status_code == 302
    row = PortalSettings.objects.get(group=teen.group)
    family = name.endswith("family")
    assert row.family_values == ({"goals": "off"} if family else {})
    assert row.values == ({} if family else {"goals": "off"})


def test_the_practices_family_column_is_for_practice_admins(provider_http, admin_http):
    url = reverse("portal_settings:organization-family")
    version = provider_http.get(url).context["version"]
    assert provider_http.post(url, {"version": version, "section-goals": "off"}).status_code == 403
    assert admin_http.post(url, {"version": version, "section-goals": "off"}).status_code == 302
    assert PortalSettings.objects.get(organization__isnull=False).family_values == {"goals": "off"}


def test_family_settings_of_another_client_or_practice_are_a_404(
    provider_http, link, organization, other_organization
):
    other_client = ClientFactory(organization=organization)
    url = reverse("portal_settings:family", args=[other_client.pk, link.pk])
    assert provider_http.get(url).status_code == 404
    stranger = signed_in(MembershipFactory(organization=other_organization).user)
    url = reverse("portal_settings:family", args=[link.client_id, link.pk])
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"version": "o0.g-.f0", "section-journal": "full"}).status_code == 404
    assert not PortalSettings.objects.filter(family_link=link).exists()


def test_a_bad_level_is_refused_and_nothing_saved(provider_http, link):
    url = reverse("portal_settings:family", args=[link.client_id, link.pk])
    version = provider_http.get(url).context["version"]
    for bad in ("view", "on", "\x00", "FULL!"):
        response = provider_http.post(url, {"version": version, "section-care_plans": bad})
        assert response.status_code == 400
    assert not PortalSettings.objects.filter(family_link=link).exists()


# --- enforcement with the acting person's settings ------------------------------------------


@pytest.fixture
def parent_http(link):
    http = signed_in(link.user)
    http.get(reverse("accounts:family"))
    return http


def test_the_parents_own_settings_open_the_journal_and_close_billing(parent_http, link, teen):
    assert parent_http.get(reverse("portal:journal")).status_code == 403
    set_family(link=link, values={"journal": "full"})
    set_family(group=teen.group, values={"billing": "off"})
    assert parent_http.get(reverse("portal:journal")).status_code == 200
    assert parent_http.get(reverse("portal:billing")).status_code == 403
    assert AccessRefusal.objects.filter(detail="billing", reason="section_off").exists()
    # the client's own portal is untouched
    assert signed_in(teen.user).get(reverse("portal:billing")).status_code == 200


def test_view_only_for_the_parent_refuses_paying(parent_http, link, provider):
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from portal.billing.services import Line, invoice_create

    invoice = invoice_create(
        actor=provider,
        client=link.client,
        lines=[Line("Session", 1, Decimal("80.00"))],
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    set_family(organization=link.organization, values={"billing": "view"})
    url = reverse("portal:billing-invoice", args=[invoice.pk])
    assert parent_http.get(url).status_code == 200
    card = {"number": "4242 4242 4242 4242", "expiry": "12/40", "cvc": "123"}
    assert parent_http.post(url, card).status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == "open"


def test_a_family_members_page_costs_the_same_three_queries_with_settings_everywhere(
    parent_http, link, teen, django_assert_num_queries
):
    set_family(link=link, values={"journal": "full"})
    set_family(group=teen.group, values={"billing": "off"})
    set_family(organization=teen.organization, values={"goals": "view"})
    # session, user, the link with its client and the three levels of the family chain
    with django_assert_num_queries(3):
        assert parent_http.get(reverse("portal:profile")).status_code == 200

"""The Portal settings report and its CSV show each client's family members too: a row per
family link (not removed), with its audience, effective levels and where they come from."""

import csv
import io

import pytest
from django.urls import reverse

from clients.models import FamilyLink
from portal_settings.models import PortalSettings
from tests.factories import ClientFactory, ClientGroupFactory, FamilyLinkFactory, UserFactory

pytestmark = pytest.mark.django_db

CSV = reverse("portal_settings:report-csv")
REPORT = reverse("portal_settings:report")


def rows_of(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def person(last, first="A", email=None):
    return UserFactory(last_name=last, first_name=first, **({"email": email} if email else {}))


@pytest.fixture
def family(organization):
    teens = ClientGroupFactory(organization=organization, name="Teens")
    PortalSettings.objects.create(
        organization=organization, values={"billing": "off"}, family_values={"goals": "view"}
    )
    PortalSettings.objects.create(group=teens, family_values={"billing": "view"})
    alpha = ClientFactory(organization=organization, group=teens, user=person("Alpha"))
    bravo = ClientFactory(organization=organization, user=person("Bravo"))
    mum = FamilyLinkFactory(client=alpha, user=person("Zulu", "Mum", "mum@example.test"))
    PortalSettings.objects.create(family_link=mum, values={"packages": "off"})
    FamilyLinkFactory(client=alpha, user=person("Yankee", "Gone"), status=FamilyLink.Status.REMOVED)
    partner = FamilyLinkFactory(
        client=bravo,
        user=person("Xray", "Pat"),
        relationship=FamilyLink.Relationship.PARTNER,
        status=FamilyLink.Status.PAUSED,
    )
    return {"alpha": alpha, "bravo": bravo, "mum": mum, "partner": partner}


def test_the_csv_has_a_row_per_family_member_after_their_client(admin_http, family):
    rows = rows_of(admin_http.get(CSV))
    assert [(r["Client"], r["Audience"], r["Family member"]) for r in rows] == [
        ("Alpha, A", "Client", ""),
        ("Alpha, A", "Family member", "Mum Zulu"),
        ("Bravo, A", "Client", ""),
        ("Bravo, A", "Family member", "Pat Xray"),
    ]
    alpha, mum, _, partner = rows
    assert (mum["Email"], mum["Group"], mum["Relationship"], mum["Family access"]) == (
        "mum@example.test",
        "Teens",
        "Parent",
        "Active",
    )
    assert (partner["Relationship"], partner["Family access"]) == ("Spouse/partner", "Paused")
    # The family chain: own link -> group's family column -> practice's family column -> built-in.
    assert (mum["View and pay bills"], mum["View and pay bills: source"]) == (
        "View only",
        "Inherited from Teens: View only",
    )
    assert mum["View and create goals: source"] == "Inherited from practice: View only"
    assert mum["View and purchase packages: source"] == "Set for this family member: Off"
    assert mum["View and create journal entries: source"] == "Inherited from practice: Off"
    # The client's own row is their chain, not their family member's.
    assert alpha["View and pay bills: source"] == "Inherited from practice: Off"
    assert alpha["View and purchase packages: source"] == "Inherited from practice: Full"


def test_the_report_page_shows_family_members_under_their_client(admin_http, family):
    response = admin_http.get(REPORT)
    rows = response.context["rows"]
    assert [(row.client.pk, row.link.pk if row.link else None) for row in rows] == [
        (family["alpha"].pk, None),
        (family["alpha"].pk, family["mum"].pk),
        (family["bravo"].pk, None),
        (family["bravo"].pk, family["partner"].pk),
    ]
    mum = rows[1].effective
    assert mum["billing"].label == "Inherited from Teens: View only"
    assert mum["packages"].label == "Set for this family member: Off"
    body = response.content.decode()
    assert "Mum Zulu" in body and "Gone Yankee" not in body


@pytest.mark.parametrize("count", [3, 30])
def test_family_rows_keep_the_query_count_constant(
    admin_http, organization, count, django_assert_num_queries
):
    groups = [ClientGroupFactory(organization=organization) for _ in range(3)]
    for group in groups:
        PortalSettings.objects.create(group=group, family_values={"billing": "off"})
    for n in range(count):
        client = ClientFactory(organization=organization, group=groups[n % 3], user=person(f"N{n}"))
        link = FamilyLinkFactory(client=client)
        if n % 2:
            PortalSettings.objects.create(family_link=link, values={"goals": "off"})
    # session, user, membership with practice, the practice's two columns, the clients, their
    # family members
    with django_assert_num_queries(6):
        rows = rows_of(admin_http.get(CSV))
    assert len(rows) == 2 * count
    # the HTML page: session, user, membership, groups, count, defaults, one page of clients,
    # their family members
    with django_assert_num_queries(8):
        assert admin_http.get(REPORT).status_code == 200

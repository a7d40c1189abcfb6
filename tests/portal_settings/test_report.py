import csv
import io
import re

import pytest
from django.urls import reverse

from clients.services import client_archive
from portal_settings.models import PortalSettings
from portal_settings.sections import SECTIONS
from tests.factories import ClientFactory, ClientGroupFactory, UserFactory

pytestmark = pytest.mark.django_db

CSV = reverse("portal_settings:report-csv")


def rows_of(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def make(organization, last, group=None, **values):
    client = ClientFactory(
        organization=organization, group=group, user=UserFactory(last_name=last, first_name="A")
    )
    if values:
        PortalSettings.objects.create(client=client, values=values)
    return client


def test_csv_has_every_active_client_and_section_with_value_and_source(
    admin_http, organization, provider, other_organization
):
    teens = ClientGroupFactory(organization=organization, name="Teens")
    PortalSettings.objects.create(organization=organization, values={"goals": "off"})
    PortalSettings.objects.create(group=teens, values={"billing": "off"})
    make(organization, "Alpha", group=teens)
    make(organization, "Bravo", billing="view", journal="off")
    archived = make(organization, "Charlie")
    client_archive(actor=provider, client=archived)
    make(other_organization, "Stranger")

    response = admin_http.get(CSV)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    rows = rows_of(response)
    assert [r["Client"] for r in rows] == ["Alpha, A", "Bravo, A"]
    assert set(rows[0]) == {
        "Client",
        "Email",
        "Group",
        "Audience",
        "Family member",
        "Relationship",
        "Family access",
    } | {s.label for s in SECTIONS} | {f"{s.label}: source" for s in SECTIONS}
    alpha, bravo = rows
    assert (alpha["View and pay bills"], alpha["View and pay bills: source"]) == (
        "Off",
        "Inherited from Teens: Off",
    )
    assert (alpha["View and create goals"], alpha["View and create goals: source"]) == (
        "Off",
        "Inherited from practice: Off",
    )
    assert (bravo["View and pay bills"], bravo["View and pay bills: source"]) == (
        "View only",
        "Set for this client: View only",
    )
    assert (
        bravo["View and create journal entries"],
        bravo["View and create journal entries: source"],
    ) == ("Off", "Set for this client: Off")
    assert (bravo["Schedule appointments"], bravo["Schedule appointments: source"]) == (
        "Full",
        "Inherited from practice: Full",
    )


def test_filter_by_group(admin_http, organization):
    teens = ClientGroupFactory(organization=organization, name="Teens")
    make(organization, "Alpha", group=teens)
    make(organization, "Bravo")
    assert [r["Client"] for r in rows_of(admin_http.get(CSV, {"group": teens.pk}))] == ["Alpha, A"]
    page = admin_http.get(reverse("portal_settings:report"), {"group": teens.pk}).content.decode()
    assert "Alpha" in page and "Bravo" not in page


def test_another_practices_group_is_a_404(admin_http, other_organization):
    foreign = ClientGroupFactory(organization=other_organization)
    assert admin_http.get(CSV, {"group": foreign.pk}).status_code == 404
    assert admin_http.get(reverse("portal_settings:report"), {"group": "x"}).status_code == 404


def test_only_practice_admins_see_the_report(provider_http, client_http):
    assert provider_http.get(CSV).status_code == 403
    assert provider_http.get(reverse("portal_settings:report")).status_code == 403
    assert client_http.get(CSV).status_code == 403


@pytest.mark.parametrize("count", [3, 60])
def test_the_report_costs_a_constant_number_of_queries(
    admin_http, organization, count, django_assert_num_queries
):
    groups = [ClientGroupFactory(organization=organization) for _ in range(3)]
    for group in groups:
        PortalSettings.objects.create(group=group, values={"billing": "off"})
    for n in range(count):
        make(organization, f"N{n:03d}", group=groups[n % 3], **({"goals": "off"} if n % 2 else {}))
    # session, user, membership with practice, the practice defaults, the clients (with user,
    # group and settings), their family members
    with django_assert_num_queries(6):
        rows = rows_of(admin_http.get(CSV))
    assert len(rows) == count
    # the HTML page: session, user, membership, groups, count, defaults, one page of clients,
    # their family members
    with django_assert_num_queries(8):
        assert admin_http.get(reverse("portal_settings:report")).status_code == 200


def test_the_page_s_columns_are_headed_with_the_sections_labels(admin_http, organization):
    make(organization, "Alpha")
    page = admin_http.get(reverse("portal_settings:report")).content.decode()
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    headers = re.findall(r'<th scope="col">(.*?)</th>', head)
    assert headers == ["Client", *(section.label for section in SECTIONS)]

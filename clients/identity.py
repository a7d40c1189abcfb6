"""Who is asking, loaded once per request in one cheap query.

Every request of a signed-in person loads their user row. This module loads, in the same
statement, what the request then needs: a provider's membership and practice, or a client with
their practice, group and the three levels of their portal settings. The ORM can express this
with select_related, but compiling that nine-table query costs more than running it (about
4.6 ms against 1 ms, measured in benchmarks/README.md), so the SQL is built once per process
from the models' own metadata and the rows are turned into model instances with Django's own
field converters. The settings come from scalar subqueries, which keep the join small and the
planner fast.
"""

from dataclasses import dataclass
from functools import cache

from django.db import connections

from clients.models import Client, ClientGroup, Membership, Organization, User


@dataclass(frozen=True)
class _Slice:
    model: type
    fields: tuple  # concrete fields, in SELECT order
    start: int


def _settings_model():
    from portal_settings.models import PortalSettings

    return PortalSettings


@cache
def _plan(alias: str):
    connection = connections[alias]
    quote = connection.ops.quote_name
    settings_model = _settings_model()
    settings_table = quote(settings_model._meta.db_table)
    settings_fields = tuple(
        settings_model._meta.get_field(name) for name in ("id", "values", "version")
    )

    joins = [
        ("u", User, None),
        ("m", Membership, "LEFT JOIN {t} m ON m.{user_id} = u.{id}"),
        ("mo", Organization, "LEFT JOIN {t} mo ON mo.{id} = m.{organization_id}"),
        ("c", Client, "LEFT JOIN {t} c ON c.{user_id} = u.{id}"),
        ("co", Organization, "LEFT JOIN {t} co ON co.{id} = c.{organization_id}"),
        ("g", ClientGroup, "LEFT JOIN {t} g ON g.{id} = c.{group_id}"),
    ]
    columns, slices, from_parts = [], {}, []
    for name, model, join in joins:
        fields = tuple(f for f in model._meta.concrete_fields)
        slices[name] = _Slice(model, fields, len(columns))
        columns += [f"{name}.{quote(f.column)}" for f in fields]
        table = quote(model._meta.db_table)
        if join is None:
            from_parts.append(f"{table} u")
        else:
            from_parts.append(
                join.format(
                    t=table,
                    id=quote("id"),
                    user_id=quote("user_id"),
                    organization_id=quote("organization_id"),
                    group_id=quote("group_id"),
                )
            )
    for name, target, owner in (
        ("os", "organization_id", f"c.{quote('organization_id')}"),
        ("gs", "group_id", f"c.{quote('group_id')}"),
        ("cs", "client_id", f"c.{quote('id')}"),
    ):
        slices[name] = _Slice(settings_model, settings_fields, len(columns))
        columns += [
            f"(SELECT s.{quote(f.column)} FROM {settings_table} s"  # noqa: S608 (names from _meta)
            f" WHERE s.{quote(target)} = {owner})"
            for f in settings_fields
        ]
    # Only quoted table and column names from the models' metadata go into the text; the one
    # value, the user id, is a query parameter.
    sql = f"SELECT {', '.join(columns)} FROM {' '.join(from_parts)} WHERE u.{quote('id')} = %s"  # noqa: S608

    converters = []
    for current in slices.values():
        for field in current.fields:
            expression = field.get_col(current.model._meta.db_table)
            found = connection.ops.get_db_converters(expression) + expression.get_db_converters(
                connection
            )
            converters.append((found, expression))
    return sql, slices, converters


def _instance(row, current: _Slice, alias: str):
    values = row[current.start : current.start + len(current.fields)]
    if values[0] is None:  # the primary key: no such row
        return None
    names = [f.attname for f in current.fields]
    return current.model.from_db(alias, names, values)


def fetch_row(user_id, *, alias: str = "default") -> tuple | None:
    """The user's row with everything joined, converted to Python values; None if no such user."""
    sql, _, converters = _plan(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    for index, (found, expression) in enumerate(converters):
        value = row[index]
        for converter in found:
            value = converter(value, expression, connection)
        row[index] = value
    return tuple(row)


def build(row: tuple, *, alias: str = "default") -> User:
    """Fresh model instances from a row of fetch_row, with their relations cached."""
    _, slices, _ = _plan(alias)
    user = _instance(row, slices["u"], alias)
    membership = _instance(row, slices["m"], alias)
    client = _instance(row, slices["c"], alias)
    User.membership.related.set_cached_value(user, membership)
    User.client.related.set_cached_value(user, client)
    if membership is not None:
        Membership.user.field.set_cached_value(membership, user)
        Membership.organization.field.set_cached_value(
            membership, _instance(row, slices["mo"], alias)
        )
    if client is not None:
        Client.user.field.set_cached_value(client, user)
        organization = _instance(row, slices["co"], alias)
        group = _instance(row, slices["g"], alias)
        Client.organization.field.set_cached_value(client, organization)
        Client.group.field.set_cached_value(client, group)
        Organization.portal_settings.related.set_cached_value(
            organization, _instance(row, slices["os"], alias)
        )
        if group is not None:
            ClientGroup.portal_settings.related.set_cached_value(
                group, _instance(row, slices["gs"], alias)
            )
        Client.portal_settings.related.set_cached_value(client, _instance(row, slices["cs"], alias))
    return user


def organization_of(row: tuple, *, alias: str = "default") -> int | None:
    """The practice a row's user belongs to (as provider or client), from the row itself."""
    _, slices, _ = _plan(alias)
    for name in ("m", "c"):
        current = slices[name]
        names = [f.attname for f in current.fields]
        values = row[current.start : current.start + len(current.fields)]
        if values[0] is not None:
            return values[names.index("organization_id")]
    return None


def load_user(user_id, *, alias: str = "default") -> User | None:
    """The user and what the request needs about them; None if there is no such user."""
    from clients import identity_cache

    row = identity_cache.row_for(user_id, alias=alias)
    return None if row is None else build(row, alias=alias)

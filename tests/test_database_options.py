"""PostgreSQL parses and plans a statement once per connection: psycopg binds parameters on
the server and prepares a statement after its second use (config/settings.py; measured in
benchmarks/README.md)."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.concurrency import requires_postgres


def _options(database_url: str) -> str:
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(sorted(settings.DATABASES['default'].get('OPTIONS', {}).items()))"
    )
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout


def test_postgresql_binds_on_the_server_and_prepares_repeated_statements():
    options = _options("postgres://postgres@127.0.0.1:5432/cps_options_check")
    assert "('prepare_threshold', 2)" in options
    assert "('server_side_binding', True)" in options


def test_sqlite_keeps_its_own_options():
    options = _options("sqlite:///" + os.devnull)
    assert "server_side_binding" not in options and "'timeout', 20" in options


@requires_postgres
@pytest.mark.django_db
def test_a_statement_used_three_times_is_prepared_on_the_server():
    from clients.models import Organization

    for _ in range(3):
        list(Organization.objects.filter(pk=-1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "clients_organization"' in sql for sql in prepared)

"""Where a page's time goes, in process: `python -m benchmarks.profile_pages [--cprofile PAGE]`.

Calls Django's WSGI handler directly (no server, no network) with the bench data set and the
benchmark's settings, signed in as `make bench` signs in, and prints per page: CPU time per
request (the fastest tenth, the median and the mean: on a shared machine the fastest tenth is
the least disturbed), wall time, the SQL statements Django ran and their time, and how many of
them write (a session saved on every request would show here). --sql lists the statements of
one request; --cprofile PAGE prints the top functions of that page (CPU timer).
Not counted by Django: the connection health check (CONN_HEALTH_CHECKS), one `SELECT 1` a
request on the raw connection.

Run it with the same environment as `make bench` (DATABASE_URL, REDIS_URL): the Makefile's
`make profile` target does. Figures go in benchmarks/README.md, not here.
"""

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "200"))


def environ(path: str, cookie: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def signed_in_cookie(email: str) -> str:
    """A session made by a real sign-in (the same keys the login view leaves)."""
    from django.test import Client

    from benchmarks import dataset

    browser = Client(HTTP_HOST="127.0.0.1")
    browser.post("/accounts/login/", {"username": email, "password": dataset.PASSWORD})
    if "sessionid" not in browser.cookies:
        sys.exit(f"could not sign in as {email}")
    return "; ".join(f"{key}={morsel.value}" for key, morsel in browser.cookies.items())


def call(app, path, cookie):
    status = []

    def start_response(line, headers, exc_info=None):
        status.append(line)

    body = b"".join(app(environ(path, cookie), start_response))
    if not status[0].startswith("200"):
        sys.exit(f"{path} answered {status[0]}")
    return body


class Statements:
    """Every SQL statement the handler runs (connection.execute_wrapper), with its time."""

    def __init__(self):
        self.log = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.log.append((time.perf_counter() - started, sql))


def measure(app, path, cookie):
    from django.db import connection

    for _ in range(20):  # warm: template loader, connection, URL resolver
        call(app, path, cookie)
    statements = Statements()
    cpu, wall = [], []
    with connection.execute_wrapper(statements):
        for _ in range(REQUESTS):
            c0, w0 = time.process_time(), time.perf_counter()
            call(app, path, cookie)
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
    writes = [sql for _, sql in statements.log if not sql.lstrip().upper().startswith("SELECT")]
    return {
        "cpu": statistics.median(cpu) * 1000,
        "cpu_mean": statistics.fmean(cpu) * 1000,
        # The fastest tenth: what a request costs when other processes leave the core alone.
        "cpu_low": statistics.quantiles(cpu, n=10)[0] * 1000,
        "wall": statistics.median(wall) * 1000,
        "queries": len(statements.log) / REQUESTS,
        "sql_ms": sum(t for t, _ in statements.log) * 1000 / REQUESTS,
        "writes": len(writes) / REQUESTS,
        "statements": statements.log,
    }


# Where a portal request's CPU goes, by the functions that bound each part (cumulative time).
PARTS = {
    "session read (SessionStore.load)": ("sessions/backends/db.py", "load"),
    "user read (auth get_user)": ("contrib/auth/__init__.py", "get_user"),
    "client + settings query (portal middleware)": (
        "portal_settings/enforcement.py",
        "process_view",
    ),
    "provider's membership (provider_required)": ("clients/access.py", "membership_of"),
    "the view, its queries and template": ("django/core/handlers/base.py", "_get_response"),
    "template rendering (render)": ("django/shortcuts.py", "render"),
    "CSP header": ("csp/middleware.py", "process_response"),
}


def breakdown(stats: pstats.Stats, total: float) -> None:
    """Each PART's share of the request, from a cProfile run (profiler overhead included)."""
    found = {}
    for (filename, _, function), (_, _, _, cumulative, _) in stats.stats.items():
        for part, (suffix, name) in PARTS.items():
            if function == name and filename.endswith(suffix):
                found[part] = found.get(part, 0.0) + cumulative
    # The view part includes the middleware's process_view: report the view alone.
    view = found.get("the view, its queries and template", 0.0)
    found["the view, its queries and template"] = (
        view
        - found.get("client + settings query (portal middleware)", 0.0)
        - found.get("provider's membership (provider_required)", 0.0)
    )
    for part in PARTS:
        if part in found:
            print(f"    {part}: {found[part] / total:.0%}")
    print("    (template rendering is part of the view's share)")


def main():
    from benchmarks import run

    run.setup_django()  # PostgreSQL only, as make bench
    run.manage("migrate", "--noinput", "-v0")  # a fresh machine: empty database,
    run.manage("collectstatic", "--noinput", "-v0")  # no static manifest yet
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    from benchmarks import dataset

    data = dataset.build()
    connection.close()
    app = get_wsgi_application()
    client_cookie = signed_in_cookie(dataset.SECTIONS_CLIENT_EMAIL)
    provider_cookie = signed_in_cookie(dataset.PROVIDER_EMAIL)
    pages = {
        name: (path, client_cookie)
        for name, (_, path) in run.portal_pages(data["sections_client"]).items()
    }
    pages["Client Portal Settings page (provider)"] = (
        f"/clients/{data['client'].pk}/settings/portal/",
        provider_cookie,
    )
    only = None
    if "--cprofile" in sys.argv:
        only = sys.argv[sys.argv.index("--cprofile") + 1]
    show_sql = "--sql" in sys.argv
    print(f"{REQUESTS} requests a page through Django's WSGI handler, medians per request.")
    print("| page | CPU p10 | CPU median | CPU mean | wall | SQL statements | SQL time | writes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (path, cookie) in pages.items():
        if only and only.lower() not in name.lower():
            continue
        result = measure(app, path, cookie)
        print(
            f"| {name} | {result['cpu_low']:.2f} ms | {result['cpu']:.2f} ms "
            f"| {result['cpu_mean']:.2f} ms "
            f"| {result['wall']:.2f} ms "
            f"| {result['queries']:.1f} | {result['sql_ms']:.2f} ms | {result['writes']:.2f} |",
            flush=True,
        )
        if show_sql:
            for query in result["statements"][: int(result["queries"])]:
                print(f"    {query[0] * 1000:.2f} ms  {query[1][:400]}")
        if only:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(REQUESTS):
                call(app, path, cookie)
            profiler.disable()
            stats = pstats.Stats(profiler)
            breakdown(stats, stats.total_tt)
            stats.sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_TOP", "60")))
            stats.sort_stats("tottime").print_stats(int(os.environ.get("PROFILE_TOP", "40")))


if __name__ == "__main__":
    main()

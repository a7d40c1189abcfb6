"""`make bench`: every portal page, the provider's settings page and SAVE, as ratios to a bare
Django view measured in the same run.

Serves two gunicorn servers (2 sync workers each, BENCH_WORKERS) on loopback: the ceiling
(`benchmarks.bare.settings`: what `django-admin startproject` gives, one view answering
"Hello") and the app (`benchmarks.settings`: the app as deployed, DEBUG off, PostgreSQL and
Redis). Signs in a client and a provider over HTTP, drives load with wrk from a second process,
interleaving the scenarios round by round so drift in a shared machine hits them alike, and
prints each page's requests/s as the median of its per-round ratios to the ceiling. Then times
the Portal settings report at 1,000, 10,000 and 100,000 clients. Figures and what they led to
are in benchmarks/README.md, never in docstrings.
"""

import contextlib
import http.cookiejar
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    """A loopback port nobody listens on now (several helpers may bench on one machine)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SERVERS = {
    "bare": ("benchmarks.bare.settings", free_port()),
    "app": ("benchmarks.settings", free_port()),
}
DURATION = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
# Sync workers per server, the same for the ceiling and the app.
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
# The goals (shared/ARCHITECTURE.md): a page's requests/s against the ceiling's.
GOALS = {"home": 0.30, "section": 0.25, "settings": 0.15}
# The floor on a portal URL (benchmarks/urls.py), served by the app server only.
FLOOR_PORTAL_PATH = "/portal/bench-floor/"


def setup_django():
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit(
            "make bench needs PostgreSQL: set DATABASE_URL=postgres://... (the Makefile does)."
        )


def manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True, env={**os.environ})


def start_server(settings_module, port):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    sys.exit(f"gunicorn on port {port} did not start")


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=10)


def sign_in(port, email, password):
    """A real sign-in over HTTP; returns the cookies as a Cookie header value and the CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": email, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    opener.open(f"http://127.0.0.1:{port}/accounts/login/", data)
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        sys.exit(f"could not sign in as {email}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items()), cookies["csrftoken"]


def check(port, path, cookie, expect):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
    with urllib.request.urlopen(request) as response:  # noqa: S310 (loopback only)
        body = response.read().decode()
        if response.status != 200 or expect not in body:
            sys.exit(f"{path} on {port} did not serve the expected page (status {response.status})")


UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> dict:
    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        return float(match.group(1)) * UNIT[match.group(2)]

    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(map(int, socket.groups())) if socket else 0
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": errors,
        "requests": requests,
    }


def wrk(
    url,
    cookie,
    *,
    threads=2,
    connections=CONNECTIONS,
    duration=DURATION,
    script=None,
    script_args=(),
):
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-H",
        f"Cookie: {cookie}",
    ]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def median_of(results):
    return {
        "rps": statistics.median(r["rps"] for r in results),
        "p50": statistics.median(r["p50"] for r in results),
        "p99": statistics.median(r["p99"] for r in results),
        "errors": sum(r["errors"] for r in results),
        "requests": sum(r["requests"] for r in results),
        "cpu_ms": statistics.median(r["cpu_ms"] for r in results if "cpu_ms" in r)
        if any("cpu_ms" in r for r in results)
        else 0.0,
    }


TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int) -> float:
    """Seconds of CPU (user + system) a process has used so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def workers_of(process) -> list[int]:
    """The gunicorn workers of a server (the children of its master)."""
    found = []
    for task in Path(f"/proc/{process.pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found += [int(pid) for pid in (task / "children").read_text().split()]
    return found


def postgres_backends() -> list[int]:
    """The PostgreSQL backends of the bench database, but this process's own."""
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [settings.DATABASES["default"]["NAME"]],
        )
        return [row[0] for row in cursor.fetchall()]


class CpuMeter:
    """The CPU a run costs everyone serving it: both servers' workers, the bench database's
    PostgreSQL backends, Redis, and wrk itself, read from /proc around the run.

    Per request, it is what a page costs the machine. On a shared machine, where requests/s
    move with everyone else's load (a busy machine starves the ceiling's tiny requests of
    time slices far more than a page's longer ones), the ratio of these costs is the steadier
    figure; on a quiet machine the two ratios agree (benchmarks/README.md).
    """

    def __init__(self, servers):
        self.servers = servers

    def pids(self) -> list[int]:
        redis = subprocess.run(["pidof", "redis-server"], capture_output=True, text=True).stdout
        workers = [pid for server in self.servers for pid in workers_of(server)]
        return workers + postgres_backends() + [int(pid) for pid in redis.split()]

    def __enter__(self):
        self.before_pids = self.pids()
        self.before = {pid: cpu_of(pid) for pid in self.before_pids}
        times = os.times()
        self.wrk_before = times.children_user + times.children_system
        return self

    def __exit__(self, *exc):
        times = os.times()
        self.wrk_seconds = times.children_user + times.children_system - self.wrk_before
        # A backend that ended during the run (CONN_MAX_AGE reached) is lost from the sum; one
        # that started during it counts from its start.
        after = {pid: cpu_of(pid) for pid in set(self.before_pids) | set(self.pids())}
        self.seconds = self.wrk_seconds + sum(
            max(0.0, used - self.before.get(pid, 0.0)) for pid, used in after.items()
        )
        return False


def save_targets(data):
    """Each SAVE client's current form version, and the form fields of its other sections."""
    from portal_settings.sections import SECTIONS
    from portal_settings.targets import Target

    pairs, body = [], ""
    for client in data["save_clients"]:
        target = Target.of(client).reload()
        effective = target.effective()
        own = target.own_values()
        # What a browser posts: each other row's selected choice (its own level or "inherit").
        body = "&".join(
            f"section-{s.key}={own.get(s.key, 'inherit')}" for s in SECTIONS if s.key != "billing"
        )
        billing = "1" if effective["billing"].enabled else "0"
        pairs.append(f"{client.pk}:{billing}:{target.version_token()}")
    return body, pairs


def time_report(organization, label):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal_settings.report import active_clients, csv_lines

    best, queries, rows = None, 0, 0
    for _ in range(2):
        clients = active_clients(organization=organization)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            lines = sum(1 for _ in csv_lines(organization=organization, clients=clients))
            elapsed = time.perf_counter() - started
        rows = lines - 1  # the header
        best = elapsed if best is None else min(best, elapsed)
        queries = len(captured.captured_queries)
    return label, rows, best, queries


def _first(path: str, prefix: str) -> str:
    try:
        with open(path) as lines:
            return next(line for line in lines if line.startswith(prefix))
    except (OSError, StopIteration):
        return ""


def machine() -> str:
    from django.db import connection

    cpu = _first("/proc/cpuinfo", "model name").split(":", 1)[-1].strip() or "unknown CPU"
    memory_kb = _first("/proc/meminfo", "MemTotal").split()[1:2]
    memory = f", {int(memory_kb[0]) / 1024 / 1024:.0f} GiB" if memory_kb else ""
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    postgres = connection.cursor().connection.info.server_version // 10000
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}; Python {platform.python_version()}; "
        f"PostgreSQL {postgres}; {wrk_version.splitlines()[0].split(' [')[0]}"
    )


def portal_pages(client) -> dict:
    """Every page of the portal the benchmark client may use: home and each section's index."""
    from django.urls import reverse

    from portal_settings.resolver import clients_with_settings, effective_settings_for_client

    effective = effective_settings_for_client(client=clients_with_settings().get(pk=client.pk))
    pages = {"Portal home": ("home", reverse("portal:home"))}
    for section in effective.enabled_sections:
        pages[f"Portal: {section.tab}"] = ("section", reverse(f"portal:{section.key}"))
    return pages


def reverse_path(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (the Makefile does).")
    setup_django()
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    from benchmarks import dataset

    started = time.perf_counter()
    data = dataset.build()
    print(f"Data set ready in {time.perf_counter() - started:.1f} s.", flush=True)

    servers = {name: start_server(module, port) for name, (module, port) in SERVERS.items()}
    app = f"http://127.0.0.1:{SERVERS['app'][1]}"
    bare = f"http://127.0.0.1:{SERVERS['bare'][1]}/bench/bare/"
    try:
        client_cookie, _ = sign_in(
            SERVERS["app"][1], dataset.SECTIONS_CLIENT_EMAIL, dataset.PASSWORD
        )
        provider_cookie, csrf = sign_in(SERVERS["app"][1], dataset.PROVIDER_EMAIL, dataset.PASSWORD)
        # The sign-in's redirects pass the chooser, which keeps the parent's one client in
        # the session: the family member's pages below are that client's portal.
        parent_cookie, _ = sign_in(SERVERS["app"][1], dataset.PARENT_EMAIL, dataset.PASSWORD)
        dated_cookie, _ = sign_in(SERVERS["app"][1], dataset.DATED_CLIENT_EMAIL, dataset.PASSWORD)
        settings_path = f"/clients/{data['client'].pk}/settings/portal/"
        check(SERVERS["app"][1], settings_path, provider_cookie, "Client Portal Settings")

        scenarios = {"Bare Django view (the ceiling)": ("ceiling", bare, client_cookie)}
        # The floors (benchmarks/urls.py): "Hello" behind the app's own middleware, then with
        # the session and user read, then on a portal URL with the client and their settings.
        for name, path, cookie in (
            ("Floor: Hello behind the app's middleware", "/bench/floor/", ""),
            ("Floor: Hello, client signed in", "/bench/floor/", client_cookie),
            ("Floor: Hello on a portal URL, client signed in", FLOOR_PORTAL_PATH, client_cookie),
        ):
            check(SERVERS["app"][1], path, cookie, "Hello")
            scenarios[name] = ("floor", f"{app}{path}", cookie)
        for name, (kind, path) in portal_pages(data["sections_client"]).items():
            check(SERVERS["app"][1], path, client_cookie, "</html>")
            scenarios[name] = (kind, f"{app}{path}", client_cookie)
        for name, kind, path in (
            ("Family member: portal home", "home", reverse_path("portal:home")),
            ("Family member: Billing", "section", reverse_path("portal:billing")),
        ):
            check(SERVERS["app"][1], path, parent_cookie, "portal as parent")
            scenarios[name] = (kind, f"{app}{path}", parent_cookie)
        # A client whose own and group's settings carry dated values (issue 15).
        for name, kind, path in (
            ("Client with dated values: portal home", "home", reverse_path("portal:home")),
            ("Client with dated values: Billing", "section", reverse_path("portal:billing")),
        ):
            check(SERVERS["app"][1], path, dated_cookie, "</html>")
            scenarios[name] = (kind, f"{app}{path}", dated_cookie)
        scenarios["Client Portal Settings page (provider)"] = (
            "settings",
            f"{app}{settings_path}",
            provider_cookie,
        )
        for _, url, cookie in scenarios.values():  # warm every worker up
            wrk(url, cookie, duration=1)
        rounds = {name: [] for name in scenarios}
        meter = CpuMeter(list(servers.values()))
        load_before = os.getloadavg()
        for _ in range(ROUNDS):  # interleaved, so drift in the machine hits every page alike
            for name, (_, url, cookie) in scenarios.items():
                with meter:
                    result = wrk(url, cookie)
                result["cpu_ms"] = meter.seconds * 1000 / max(1, result["requests"])
                rounds[name].append(result)
        load_after = os.getloadavg()

        body, pairs = save_targets(data)
        save = wrk(
            f"{app}/",
            provider_cookie,
            threads=len(pairs),
            connections=len(pairs),
            script=ROOT / "benchmarks" / "save.lua",
            script_args=[csrf, body, *pairs],
        )
    finally:
        for process in servers.values():
            stop(process)

    reports = [
        time_report(data["small"], "1,000 clients"),
        time_report(data["main"], "10,000 clients"),
        time_report(data["large"], "100,000 clients"),
    ]

    print()
    from django.conf import settings

    print(f"Machine: {machine()}.")
    print(f"App sessions: {settings.SESSION_ENGINE} (BENCH_SESSION_ENGINE).")
    print(
        f"gunicorn {WORKERS} sync workers per server; wrk 2 threads, {CONNECTIONS} connections, "
        f"{DURATION} s per run, {ROUNDS} interleaved rounds. Ratios are medians over the rounds: "
        "requests/s over the ceiling's in the same round, and the ceiling's CPU per request "
        "(workers + PostgreSQL + Redis + wrk) over the page's.\n"
        f"Load average: {load_before[0]:.2f} before, {load_after[0]:.2f} after."
    )
    if max(load_before[0], load_after[0]) > 1.5:
        print(
            "The machine was busy: requests/s ratios flatter the pages (the ceiling's short "
            "requests lose the most to other processes); read the CPU ratios."
        )
    print()
    print(
        "| page | requests/s | p50 | p99 | errors | CPU per request "
        "| ratio (requests/s) | ratio (CPU) | goal |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    ceiling_runs = rounds["Bare Django view (the ceiling)"]
    for name, (kind, _, _) in scenarios.items():
        runs = rounds[name]
        r = median_of(runs)
        paired = list(zip(runs, ceiling_runs, strict=True))
        ratio = statistics.median(run["rps"] / top["rps"] for run, top in paired)
        cpu_ratio = statistics.median(top["cpu_ms"] / run["cpu_ms"] for run, top in paired)
        goal = GOALS.get(kind)
        mark = (
            ""
            if goal is None
            else f"≥ {goal:.2f}: requests/s {'met' if ratio >= goal else 'NOT met'}, "
            f"CPU {'met' if cpu_ratio >= goal else 'NOT met'}"
        )
        errors = f"{r['errors']}/{r['requests']}"
        print(
            f"| {name} | {r['rps']:,.0f} | {r['p50']:.1f} ms | {r['p99']:.1f} ms | {errors} "
            f"| {r['cpu_ms']:.2f} ms | {ratio:.3f} | {cpu_ratio:.3f} | {mark} |"
        )
    errors = f"{save['errors']}/{save['requests']}"
    print(
        f"| SAVE of that form (htmx POST, {len(pairs)} sequential connections) "
        f"| {save['rps']:,.0f} | {save['p50']:.1f} ms | {save['p99']:.1f} ms | {errors} "
        "| | | | |"
    )
    print()
    print(
        "| Portal settings report (CSV, every active client x 9 sections) | rows | time | queries |"
    )
    print("|---|---:|---:|---:|")
    for label, rows, seconds, queries in reports:
        print(f"| {label} | {rows:,} | {seconds * 1000:,.0f} ms | {queries} |")
    ratio = reports[2][2] / reports[1][2]
    print(f"\nGrowth from 10,000 to 100,000 clients: {ratio:.1f}x the time for 10x the clients.")

    # The roster's bulk actions at 1,000 and 10,000 clients: benchmarks/bulk.py.
    from benchmarks.bulk import print_bulk_table, time_bulk_actions

    print_bulk_table(time_bulk_actions())


if __name__ == "__main__":
    main()

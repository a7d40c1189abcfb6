"""Whose CPU a served request costs: `python -m benchmarks.cpu_split [PAGE ...]`.

Serves the ceiling and the app as `make bench` does (same gunicorn command), drives each page
with wrk, and reads from /proc the CPU time (user + system) that each party used during the
run: the gunicorn workers, the PostgreSQL backends of the bench database, Redis, and wrk.
Divided by the requests served, that is the CPU a request costs each of them, a figure that
a busy machine disturbs far less than requests/s (which is what a shared 2-core machine cannot
hold still). The gap between the app and the ceiling per party says where to look.

Same environment as `make bench` (DATABASE_URL, REDIS_URL).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

SECONDS = int(os.environ.get("SPLIT_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("SPLIT_CONNECTIONS", "4"))
THREADS = min(2, CONNECTIONS)


def redis_pids() -> list[int]:
    out = subprocess.run(["pidof", "redis-server"], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def split(url: str, cookie: str, server) -> dict:
    from benchmarks import run

    # Warm up, which also opens the workers' database connections.
    run.wrk(url, cookie, duration=1, connections=CONNECTIONS, threads=THREADS)
    parties = {
        "gunicorn workers": run.workers_of(server),
        "PostgreSQL backends": run.postgres_backends(),
        "Redis": redis_pids(),
    }
    before = {name: sum(map(run.cpu_of, pids)) for name, pids in parties.items()}
    wrk_before = os.times()
    result = run.wrk(url, cookie, duration=SECONDS, connections=CONNECTIONS, threads=THREADS)
    wrk_after = os.times()
    after = {name: sum(map(run.cpu_of, pids)) for name, pids in parties.items()}
    # Backends that started during the run mean connections opened while serving it.
    new_backends = set(run.postgres_backends()) - set(parties["PostgreSQL backends"])
    requests = result["requests"]
    costs = {name: (after[name] - before[name]) * 1000 / requests for name in parties}
    costs["wrk"] = (
        (
            (wrk_after.children_user + wrk_after.children_system)
            - (wrk_before.children_user + wrk_before.children_system)
        )
        * 1000
        / requests
    )
    return {
        "rps": result["rps"],
        "requests": requests,
        "costs": costs,
        "new_backends": len(new_backends),
    }


def main():
    import django

    django.setup()
    from benchmarks import dataset, run

    run.manage("migrate", "--noinput", "-v0")  # a fresh machine: empty database,
    run.manage("collectstatic", "--noinput", "-v0")  # no static manifest yet
    data = dataset.build()
    only = [a.lower() for a in sys.argv[1:]]
    servers = {name: run.start_server(module, port) for name, (module, port) in run.SERVERS.items()}
    app_port = run.SERVERS["app"][1]
    try:
        client_cookie, _ = run.sign_in(app_port, dataset.SECTIONS_CLIENT_EMAIL, dataset.PASSWORD)
        provider_cookie, _ = run.sign_in(app_port, dataset.PROVIDER_EMAIL, dataset.PASSWORD)
        pages = {
            "ceiling": (
                servers["bare"],
                f"http://127.0.0.1:{run.SERVERS['bare'][1]}/bench/bare/",
                client_cookie,
            )
        }
        for name, (_, path) in run.portal_pages(data["sections_client"]).items():
            pages[name] = (servers["app"], f"http://127.0.0.1:{app_port}{path}", client_cookie)
        pages["settings page"] = (
            servers["app"],
            f"http://127.0.0.1:{app_port}/clients/{data['client'].pk}/settings/portal/",
            provider_cookie,
        )
        print(f"load average before: {os.getloadavg()}")
        print(f"wrk -c{CONNECTIONS} {SECONDS}s a page; CPU ms per request by party")
        print("| page | req/s | workers | PostgreSQL | Redis | wrk | total | new PG backends |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for name, (server, url, cookie) in pages.items():
            if only and name != "ceiling" and not any(o in name.lower() for o in only):
                continue
            r = split(url, cookie, server)
            c = r["costs"]
            print(
                f"| {name} | {r['rps']:,.0f} | {c['gunicorn workers']:.2f} "
                f"| {c['PostgreSQL backends']:.2f} | {c['Redis']:.2f} | {c['wrk']:.2f} "
                f"| {sum(c.values()):.2f} | {r['new_backends']} |",
                flush=True,
            )
        print(f"load average after: {os.getloadavg()}")
    finally:
        for process in servers.values():
            run.stop(process)


if __name__ == "__main__":
    main()

"""The roster's bulk actions timed at 1,000, 5,000 and 10,000 selected clients (part of
`make bench`; also `python -m benchmarks.bulk` alone, with DATABASE_URL set to PostgreSQL).

`BENCH_BULK_SIZES=5000` picks the sizes (of 1000, 5000, 10000); `--cprofile` prints, for each
action, the top functions of its review + confirm (CPU timer, profiler overhead included).

Each size is a practice of its own ("Bench Bulk 1k", "Bench Bulk 10k"), so the page benchmarks'
practices are never changed. Each action goes through the provider's real path in process
(Django's test client: the review POST, then the confirming POST with "select all matching this
search"), and is reversed by the next one (login off then on, move to a group then back), so
every run starts from the same data. Archiving cannot be undone in bulk, so it is timed inside a
transaction that is then rolled back (its commit is not in the figure).
"""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
sys.path.insert(0, str(ROOT))

SIZES = (("Bench Bulk 1k", 1_000), ("Bench Bulk 5k", 5_000), ("Bench Bulk 10k", 10_000))
PROFILE = "--cprofile" in sys.argv


def _sizes():
    wanted = os.environ.get("BENCH_BULK_SIZES", "")
    if not wanted:
        return SIZES
    picked = {int(n) for n in wanted.split(",")}
    return tuple((name, size) for name, size in SIZES if size in picked)


class _Rollback(Exception):
    pass


def _practice(name, size):
    from benchmarks import dataset
    from clients.models import ClientGroup, Membership, User
    from portal_settings.models import Preset

    organization = dataset._practice(name, size, 2, seed=size)
    ClientGroup.objects.get_or_create(organization=organization, name="Bulk target")
    user, _ = User.objects.get_or_create(
        email=f"bulk-{size}@bench.test", defaults={"first_name": "Bulk", "last_name": "Provider"}
    )
    Membership.objects.get_or_create(
        user=user, defaults={"organization": organization, "role": Membership.Role.ADMIN}
    )
    # Two presets that undo each other, so applying both leaves the data as it was.
    for preset_name, level in (("Bulk off", "off"), ("Bulk full", "full")):
        Preset.objects.get_or_create(
            organization=organization,
            name=preset_name,
            defaults={"values": {"packages": level, "billing": level}},
        )
    return organization, user


def _timed_post(http, data):
    """The review POST and the confirming POST; returns (wall seconds, CPU seconds of this
    process and its PostgreSQL backend, queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profiler = cProfile.Profile(time.process_time) if PROFILE else None
    backend = _backend_pid()
    with CaptureQueriesContext(connection) as captured:
        cpu_started = time.process_time() + _backend_cpu(backend)
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        review = http.post("/clients/bulk/", data, HTTP_HOST="127.0.0.1")
        fingerprint = review.context["fingerprint"] if review.context else ""
        done = http.post(
            "/clients/bulk/",
            {**data, "confirm": "1", "fingerprint": fingerprint},
            HTTP_HOST="127.0.0.1",
        )
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() + _backend_cpu(backend) - cpu_started
    if review.status_code != 200 or done.status_code != 302:
        sys.exit(f"bulk action {data['action']} failed: {review.status_code}, {done.status_code}")
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(
            r"/(clients|portal_settings|audit)/|query|sql", 40
        )
        stats.sort_stats("tottime").print_stats(15)
        print(f"--- {data['action']}: {elapsed * 1000:,.0f} ms wall ---")
        print(out.getvalue())
    return elapsed, cpu, len(captured.captured_queries)


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) the PostgreSQL backend serving this process has used; it
    runs on this machine (127.0.0.1), so /proc has it. 0 where /proc cannot be read."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_bulk_actions() -> list[tuple]:
    """Rows of (clients, action, wall seconds, CPU seconds, queries) for each size and
    action."""
    from django.db import transaction
    from django.test import Client as HttpClient
    from django.test.utils import setup_test_environment

    from clients.models import Client, ClientGroup
    from portal_settings.models import Preset

    setup_test_environment()  # so the test client records the rendered context
    rows = []
    for name, size in _sizes():
        organization, provider = _practice(name, size)
        target = ClientGroup.objects.get(organization=organization, name="Bulk target")
        http = HttpClient()
        http.force_login(provider)
        selected = Client.objects.active().filter(organization=organization).count()
        every = {"scope": "all", "q": ""}
        presets = dict(Preset.objects.filter(organization=organization).values_list("name", "pk"))
        steps = [
            ("Turn portal login off", {**every, "action": "login_off"}),
            ("Turn portal login on", {**every, "action": "login_on"}),
            ("Move to a group", {**every, "action": "move", "to_group": target.pk}),
            (
                "Apply a preset (2 sections off)",
                {**every, "action": "preset", "preset": presets["Bulk off"]},
            ),
            (
                "Apply a preset (2 sections back)",
                {**every, "action": "preset", "preset": presets["Bulk full"]},
            ),
            (
                "Set one section's level",
                {**every, "action": "level", "section": "billing", "level": "view"},
            ),
            ("Set it back", {**every, "action": "level", "section": "billing", "level": "full"}),
        ]
        originals = dict(
            Client.objects.filter(organization=organization).values_list("pk", "group_id")
        )
        for label, data in steps:
            rows.append((selected, label, *_timed_post(http, data)))
        _restore_groups(originals)
        try:
            with transaction.atomic():
                rows.append(
                    (selected, "Archive", *_timed_post(http, {**every, "action": "archive"}))
                )
                raise _Rollback
        except _Rollback:
            pass
    return rows


def _restore_groups(originals):
    """Put the clients back in their groups (one UPDATE per group), so the next run is alike."""
    from collections import defaultdict

    from clients.models import Client

    by_group = defaultdict(list)
    for pk, group_id in originals.items():
        by_group[group_id].append(pk)
    for group_id, pks in by_group.items():
        Client.objects.filter(pk__in=pks).update(group_id=group_id)


def print_bulk_table(rows) -> None:
    """Wall time moves with the machine's load; the CPU the change cost (the app's process and
    its PostgreSQL backend) much less, so both are shown, with the load average."""
    load = " ".join(f"{n:.1f}" for n in os.getloadavg())
    print()
    print(f"Load average (1, 5, 15 min) at the end: {load}")
    print(
        "| Roster bulk action (review + confirm, select all matching) | clients | time "
        "| CPU (app + PostgreSQL) | queries |"
    )
    print("|---|---:|---:|---:|---:|")
    for selected, label, seconds, cpu, queries in rows:
        print(
            f"| {label} | {selected:,} | {seconds * 1000:,.0f} ms | {cpu * 1000:,.0f} ms "
            f"| {queries} |"
        )


def main():
    import django

    django.setup()
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("The bulk benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    print_bulk_table(time_bulk_actions())


if __name__ == "__main__":
    main()

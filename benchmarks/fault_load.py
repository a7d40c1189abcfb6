"""`make fault-load`: clients browse while providers toggle their sections, for a bounded time.

Serves the app with gunicorn (2 workers, database sessions, PostgreSQL), signs
in FAULT_CLIENTS clients and a practice admin, and runs, in parallel threads:

- each client, requesting the pages of the sections being toggled, over and over;
- the provider, turning those sections off and on for those clients through the SAVE form.

Every request and every SAVE is timed. A page request that began after a SAVE had answered
must see that SAVE: a section served (200) while it was off at the request's start is a
violation; one refused (403) while it was on is a stale refusal. Requests that began while a
SAVE of the same section was in flight are counted as undecidable and not judged. Anything but
200 or 403 (or an error) is a failure. Prints the counts; exits non-zero on any violation or
failure.
"""

import http.cookiejar
import os
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

DURATION = float(os.environ.get("FAULT_SECONDS", "20"))
CLIENTS = int(os.environ.get("FAULT_CLIENTS", "4"))
SECTIONS = ("billing", "goals")
PORT = 8811
PAGE = {"billing": "/portal/billing/", "goals": "/portal/goals/"}


@dataclass
class Visit:
    client: int
    section: str
    started: float
    ended: float
    status: int  # 0 for a failed connection


@dataclass
class Save:
    client: int
    section: str
    started: float
    ended: float
    enabled: bool
    ok: bool


class Browser:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}{path}", data=body, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def cookie(self, name):
        return next(c.value for c in self.jar if c.name == name)

    def sign_in(self, email, password):
        _, page = self.open("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.open(
            "/accounts/login/",
            {"username": email, "password": password, "csrfmiddlewaretoken": token},
        )
        assert any(c.name == "sessionid" for c in self.jar), f"could not sign in as {email}"
        return self


def prepare():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    from django.contrib.auth.hashers import make_password

    from benchmarks import dataset
    from clients.models import Client, Organization, User
    from portal_settings.models import PortalSettings

    dataset.build()
    main = Organization.objects.get(name=dataset.MAIN)
    clients = []
    for n in range(CLIENTS):
        user, _ = User.objects.update_or_create(
            email=f"bench-fault-{n}@bench.test",
            defaults={
                "first_name": "Fault",
                "last_name": f"Client{n}",
                "password": make_password(dataset.PASSWORD),
                "is_active": True,
            },
        )
        client, _ = Client.objects.update_or_create(
            user=user, defaults={"organization": main, "group": None}
        )
        PortalSettings.objects.filter(client=client).delete()  # start with every section on
        clients.append(client)
    return dataset, clients


def toggle(provider: Browser, client_pk: int, section: str, enabled: bool) -> bool:
    path = f"/clients/{client_pk}/settings/portal/"
    _, page = provider.open(path)
    version = re.search(r'name="version" value="([^"]+)"', page).group(1)
    data = {"version": version, f"section-{section}": "full" if enabled else "off"}
    headers = {
        "X-CSRFToken": provider.cookie("csrftoken"),
        "HX-Request": "true",
        "HX-Target": "settings-panel",
    }
    status, body = provider.open(path, data, headers)
    return status == 200 and "Saved." in body


def main():
    from benchmarks import run

    dataset, clients = prepare()
    server = run.start_server("benchmarks.settings", PORT)
    visits: list[Visit] = []
    saves: list[Save] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + DURATION
    try:
        browsers = [Browser().sign_in(c.user.email, dataset.PASSWORD) for c in clients]
        provider = Browser().sign_in(dataset.PROVIDER_EMAIL, dataset.PASSWORD)

        def browse(index):
            rng = random.Random(index)
            while time.monotonic() < stop_at:
                section = rng.choice(SECTIONS)
                started = time.monotonic()
                try:
                    status, _ = browsers[index].open(PAGE[section])
                except OSError:
                    status = 0
                with lock:
                    visits.append(Visit(index, section, started, time.monotonic(), status))

        def provide():
            rng = random.Random(99)
            state = {(i, s): True for i in range(len(clients)) for s in SECTIONS}
            while time.monotonic() < stop_at:
                index, section = rng.randrange(len(clients)), rng.choice(SECTIONS)
                enabled = not state[(index, section)]
                started = time.monotonic()
                ok = toggle(provider, clients[index].pk, section, enabled)
                with lock:
                    saves.append(Save(index, section, started, time.monotonic(), enabled, ok))
                if ok:
                    state[(index, section)] = enabled

        threads = [threading.Thread(target=browse, args=(i,)) for i in range(len(clients))]
        threads.append(threading.Thread(target=provide))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        run.stop(server)

    judged = undecidable = served = refused = violations = stale = failures = 0
    for visit in visits:
        if visit.status not in (200, 403):
            failures += 1
            continue
        served += visit.status == 200
        refused += visit.status == 403
        history = [
            s for s in saves if s.ok and s.client == visit.client and s.section == visit.section
        ]
        if any(s.started <= visit.started <= s.ended for s in history):
            undecidable += 1
            continue
        done = [s for s in history if s.ended < visit.started]
        enabled = done[-1].enabled if done else True
        judged += 1
        if visit.status == 200 and not enabled:
            violations += 1
        elif visit.status == 403 and enabled:
            stale += 1
    failed_saves = sum(not s.ok for s in saves)

    toggled = ", ".join(SECTIONS)
    print(f"{DURATION:.0f} s, {len(clients)} clients browsing, 1 provider toggling {toggled}:")
    print(f"  page requests: {len(visits)} ({served} served, {refused} refused as off)")
    print(f"  judged against the settings at their start: {judged}")
    print(f"  undecidable (began while a SAVE of that section was in flight): {undecidable}")
    print(f"  served while off (violations): {violations}")
    print(f"  refused while on (stale refusals): {stale}")
    print(f"  failed requests: {failures}")
    print(f"  SAVEs: {len(saves)} ({failed_saves} failed)")
    sys.exit(1 if violations or failures or failed_saves else 0)


if __name__ == "__main__":
    main()

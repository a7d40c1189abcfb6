"""Several app servers sharing one PostgreSQL (and one Redis): what one does, the others enforce
on the very next request, because nothing about who is signed in or what they may use is kept
in a worker's memory.

Two gunicorn processes serve the test database on their own ports; a person's browser is an
opener with a cookie jar, so the same session cookie can be presented to either server.
"""

import html
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from portal_settings.models import PortalSettings
from tests.concurrency import requires_postgres
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

REDIS = "redis://127.0.0.1:6379/15"
DEAD_REDIS = "redis://127.0.0.1:1/0"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, redis_url: str):
        database = connection.settings_dict
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
                f"{database['NAME']}"
            ),
            "REDIS_URL": redis_url,
            # Plain static storage: the test run has no collectstatic manifest.
            "DJANGO_DEBUG": "1",
            "DJANGO_CONN_MAX_AGE": "0",
        }
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            env=env,
            cwd=os.getcwd(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not start: {self.process.stderr.read().decode()}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def servers(request):
    started = []

    def start(redis_url=REDIS):
        server = Server(redis_url)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: a cookie jar, presented to whichever server it is pointed at."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, server, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Referer": server.url + path}
        req = urllib.request.Request(server.url + path, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(req, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def csrf(self):
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def sign_in(self, server, email):
        self.request(server, "/accounts/login/")
        status, _ = self.request(
            server,
            "/accounts/login/",
            {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf()},
        )
        assert status == 302, "sign-in failed"


def _field(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no {name} field on the page"
    return html.unescape(match.group(1))


@pytest.fixture
def practice():
    organization = OrganizationFactory()
    provider = MembershipFactory(organization=organization).user
    client = ClientFactory(organization=organization)
    # The servers use the real hashers, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    for user in (provider, client.user):
        user.password = hasher.encode(PASSWORD, hasher.salt())
        user.save(update_fields=["password"])
    return provider, client


def test_a_save_through_one_server_is_enforced_by_the_other_on_the_next_request(servers, practice):
    provider, client = practice
    one, two = servers(), servers()
    person, staff = Browser(), Browser()
    person.sign_in(one, client.user.email)
    assert person.request(two, "/portal/billing/")[0] == 200

    staff.sign_in(one, provider.email)
    _, page = staff.request(one, f"/clients/{client.pk}/settings/portal/")
    form = {
        "csrfmiddlewaretoken": staff.csrf(),
        "version": _field(page, "version"),
        "section-billing": "off",
    }
    assert staff.request(one, f"/clients/{client.pk}/settings/portal/", form)[0] == 302
    assert PortalSettings.objects.get(client=client).values == {"billing": "off"}

    status, page = person.request(two, "/portal/billing/")
    assert status == 403
    assert "/portal/billing/" not in person.request(two, "/portal/")[1]


def test_signing_out_through_one_server_ends_the_session_on_the_other(servers, practice):
    _, client = practice
    one, two = servers(), servers()
    person = Browser()
    person.sign_in(one, client.user.email)
    assert person.request(two, "/portal/")[0] == 200
    assert (
        person.request(one, "/accounts/logout/", {"csrfmiddlewaretoken": person.csrf()})[0] == 302
    )
    status, _ = person.request(two, "/portal/")
    assert status == 302  # to the sign-in page


def test_with_redis_down_a_server_still_signs_in_and_enforces_from_the_database(servers, practice):
    _, client = practice
    down = servers(DEAD_REDIS)
    person = Browser()
    person.sign_in(down, client.user.email)
    assert person.request(down, "/portal/billing/")[0] == 200
    PortalSettings.objects.create(client=client, values={"billing": "off"})
    assert person.request(down, "/portal/billing/")[0] == 403

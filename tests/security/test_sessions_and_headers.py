"""Session lifetimes with a moved clock; security headers; no inline script anywhere."""

import re
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from clients import session_timeout
from tests.factories import PASSWORD
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self, monkeypatch):
        self.now = 1_800_000_000
        monkeypatch.setattr(session_timeout, "now", lambda: self.now)

    def advance(self, seconds):
        self.now += seconds


def sign_in(http, user):
    response = http.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return http


def test_a_client_is_signed_out_after_30_idle_minutes(client, client_record, monkeypatch, settings):
    assert settings.SESSION_IDLE_TIMEOUT_CLIENT == 30 * 60
    clock = Clock(monkeypatch)
    sign_in(client, client_record.user)
    key = client.session.session_key
    clock.advance(29 * 60)
    assert client.get("/portal/").status_code == 200  # activity resets the idle clock
    clock.advance(29 * 60)
    assert client.get("/portal/").status_code == 200
    clock.advance(31 * 60)
    response = client.get("/portal/")
    assert response.status_code == 302 and "ended=idle" in response.url
    assert not Session.objects.filter(session_key=key).exists()
    assert "without activity" in client.get(response.url).content.decode()


def test_provider_idle_timeout_is_its_own_setting(client, provider, monkeypatch, settings):
    settings.SESSION_IDLE_TIMEOUT_PROVIDER = 10 * 60
    clock = Clock(monkeypatch)
    sign_in(client, provider)
    clock.advance(11 * 60)
    assert client.get(reverse("clients:list")).status_code == 302


def test_the_absolute_lifetime_ends_even_an_active_session(
    client, client_record, monkeypatch, settings
):
    clock = Clock(monkeypatch)
    sign_in(client, client_record.user)
    for _ in range(settings.SESSION_ABSOLUTE_LIFETIME // (20 * 60)):
        clock.advance(20 * 60)
        assert client.get("/portal/").status_code == 200
    clock.advance(20 * 60)
    response = client.get("/portal/")
    assert response.status_code == 302 and "ended=expired" in response.url


def test_htmx_requests_are_redirected_by_htmx_when_the_session_ends(
    client, client_record, monkeypatch
):
    clock = Clock(monkeypatch)
    sign_in(client, client_record.user)
    clock.advance(31 * 60)
    response = client.get("/portal/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith("/accounts/login/?ended=idle")


def test_a_password_change_ends_the_users_other_sessions(client, provider):
    elsewhere = sign_in(type(client)(), provider)
    here = sign_in(client, provider)
    response = here.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Quiet-River-5521",
            "new_password2": "Quiet-River-5521",
        },
    )
    assert response.status_code == 302
    assert here.get(reverse("clients:list")).status_code == 200
    assert elsewhere.get(reverse("clients:list")).status_code == 302


def test_sign_out_ends_the_session_on_the_server(client, client_record):
    sign_in(client, client_record.user)
    key = client.session.session_key
    stolen_cookie = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    replay = type(client)()
    replay.cookies["sessionid"] = stolen_cookie
    assert replay.get("/portal/").status_code == 302


def test_security_headers(client_http, settings):
    response = client_http.get("/portal/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "Strict-Transport-Security" not in response  # plain HTTP in tests


def test_hsts_when_https_is_on(client_record, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    http = signed_in(client_record.user)
    assert http.get("/portal/").status_code == 301  # sent to https
    response = http.get("/portal/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path}: {tag}")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path}: inline event handler")
        if re.search(r"\sstyle\s*=", text):
            offenders.append(f"{path}: inline style")
    assert offenders == []


def session_writes(captured) -> list[str]:
    return [
        q["sql"] for q in captured if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
    ]


def test_activity_stamps_the_session_at_most_once_a_minute(client, client_record, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clock = Clock(monkeypatch)
    sign_in(client, client_record.user)
    for _ in range(5):  # every 10 s: no write, the stamp is under a minute old
        clock.advance(10)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/portal/profile/").status_code == 200
        assert session_writes(captured) == []
    clock.advance(session_timeout.SEEN_GRANULARITY)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/portal/profile/").status_code == 200
    assert len(session_writes(captured)) == 1


def test_steady_activity_keeps_the_session_with_stamps_a_minute_apart(
    client, client_record, monkeypatch
):
    clock = Clock(monkeypatch)
    sign_in(client, client_record.user)
    for _ in range(45):  # 45 minutes of a request every 50 seconds: never idle
        clock.advance(50)
        assert client.get("/portal/").status_code == 200
    # and the idle limit still counts from the last stamp, a minute at most before the last visit
    clock.advance(30 * 60 + session_timeout.SEEN_GRANULARITY)
    assert "ended=idle" in client.get("/portal/").url

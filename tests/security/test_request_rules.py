"""Rules for every request: methods, size, caching of signed-in pages, and what an error report
may contain."""

import logging

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from portal_settings.enforcement import NEVER, acts_tag
from portal_settings.urlwalk import walk
from tests.factories import PracticeAdminFactory, UserFactory
from tests.helpers import signed_in
from tests.security.test_deny_by_default import bucket, url
from tests.world import make_world

pytestmark = pytest.mark.django_db

# The documented values (SECURITY.md, README): promises, so not read back from settings.
DOCUMENT_MAX_MB = 20
ANONYMOUS_MAX_KB = 64


@pytest.fixture
def world(organization):
    world = make_world(organization)
    world["admin"] = PracticeAdminFactory(organization=organization).user
    return world


def visitor_for(world):
    portal = signed_in(world["client"].user)
    provider = signed_in(world["admin"])
    staff = signed_in(UserFactory(is_staff=True, is_superuser=True))
    anonymous = HttpClient()

    def pick(route):
        return {
            "portal": portal,
            "provider": provider,
            "account": provider,
            "admin": staff,
            "public": anonymous,
        }[bucket(route)]

    return pick


def test_every_url_refuses_put_patch_delete_and_options(world):
    """The whole URL tree, the admin and the account pages included (Django's class-based
    views answer OPTIONS and treat PUT as POST on their own)."""
    pick = visitor_for(world)
    routes = list(walk())
    assert len(routes) > 80
    for route in routes:
        if "<" in route.route and bucket(route) == "admin":
            target = "/" + route.route.split("<")[0]
        else:
            target = url(route, world)
        http = pick(route)
        for method in ("put", "patch", "delete", "options"):
            response = getattr(http, method)(target)
            assert response.status_code == 405, (route.view_name, method, response.status_code)
            # A portal page that only shows things allows only what shows it.
            shows_only = route.is_portal and acts_tag(route.callback) == NEVER
            assert response["Allow"] == ("GET, HEAD" if shows_only else "GET, HEAD, POST")


def test_every_page_answers_head_as_it_answers_get(world):
    """SECURITY.md: a page that shows things answers GET and HEAD. A view limited to GET (or to
    GET and POST) answers HEAD with a 405, which this walk of every portal, provider and
    account page catches."""
    pick = visitor_for(world)
    checked = 0
    for route in walk():
        if bucket(route) not in ("portal", "provider", "account"):
            continue
        path = url(route, world)
        http = pick(route)
        got = http.get(path).status_code
        head = http.head(path)
        assert head.status_code == got, (route.view_name, got, head.status_code)
        body = b"".join(head.streaming_content) if head.streaming else head.content
        assert body == b"", route.view_name
        checked += got == 200
    assert checked > 40


def test_password_change_refuses_put_and_options(world):
    http = signed_in(world["admin"])
    path = reverse("accounts:password-change")
    assert http.put(path, "old_password=x").status_code == 405
    assert http.options(path).status_code == 405
    assert http.get(path).status_code == 200


def test_signed_in_pages_are_not_stored(world):
    pick = visitor_for(world)
    checked = 0
    for route in walk():
        if bucket(route) not in ("portal", "provider", "account"):
            continue
        response = pick(route).get(url(route, world))
        if response.status_code == 200:
            cache = response["Cache-Control"]
            assert "no-store" in cache and "private" in cache, (route.view_name, cache)
            checked += 1
    assert checked > 40


def test_static_files_are_still_cacheable_when_signed_in(client_record, settings):
    # whitenoise answers before the session is read, so signed-in or not makes no difference.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = signed_in(client_record.user).get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_an_oversized_anonymous_post_is_refused_before_it_is_read(client):
    body = b"x" * (ANONYMOUS_MAX_KB * 1024 + 1)
    response = client.generic(
        "POST", reverse("accounts:login"), body, "application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    # A normal sign-in form is far below the cap.
    assert client.post(reverse("accounts:login"), {"username": "a@b.test"}).status_code == 200


def test_a_25_mb_anonymous_upload_is_refused(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.bin", b"\0" * (25 * 1024 * 1024))
    response = client.post(reverse("accounts:login"), {"username": "a@b.test", "file": big})
    assert response.status_code == 413


def test_a_signed_in_upload_over_the_document_limit_is_refused(client_http):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"\0" * ((DOCUMENT_MAX_MB + 1) * 1024 * 1024))
    response = client_http.post(reverse("portal:documents"), {"title": "Big", "file": big})
    assert response.status_code == 413


def test_django_parsing_limits_match_the_documented_values(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 500
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 5
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024
    assert settings.DOCUMENT_MAX_BYTES == DOCUMENT_MAX_MB * 1024 * 1024
    assert settings.ANONYMOUS_REQUEST_MAX_BYTES == ANONYMOUS_MAX_KB * 1024


CARD = {"number": "4242 4242 4242 4242", "expiry": "12/40", "cvc": "7319"}


def sensitive_posts(world):
    """Every view that receives card details or a password, with what it receives."""
    secret = {"password": "Secret-horse-77"}
    return [
        (
            signed_in(world["client"].user),
            reverse("portal:billing-invoice", args=[world["invoice"].pk]),
            CARD,
        ),
        (
            signed_in(world["client"].user),
            reverse("portal:packages-buy", args=[world["package"].pk]),
            {**CARD, "token": "x"},
        ),
        (
            signed_in(world["client"].user),
            reverse("portal:profile"),
            {"old_password": "Secret-horse-77", "new_password1": "x", "new_password2": "x"},
        ),
        (
            signed_in(world["admin"]),
            reverse("accounts:password-change"),
            {"old_password": "Secret-horse-77", "new_password1": "x", "new_password2": "x"},
        ),
        (HttpClient(), reverse("accounts:login"), {"username": "a@b.test", **secret}),
        (
            HttpClient(),
            "/accounts/invitation/not-a-token/",
            {"new_password1": "Secret-horse-77", "new_password2": "Secret-horse-77"},
        ),
    ]


def test_card_data_and_passwords_are_hidden_from_error_reports(world):
    reports = SafeExceptionReporterFilter()
    for http, path, data in sensitive_posts(world):
        response = http.post(path, data)
        shown = reports.get_post_parameters(response.wsgi_request)
        for name in data:
            if name in ("number", "expiry", "cvc") or "password" in name:
                assert shown[name] == reports.cleansed_substitute, (path, name)


def test_a_crash_while_paying_reports_no_card_number(world, monkeypatch, caplog):
    def crash(*, invoice, card, **_):
        raise RuntimeError("the gateway fell over")

    monkeypatch.setattr("portal.billing.views.invoice_pay", crash)
    http = signed_in(world["client"].user)
    http.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = http.post(reverse("portal:billing-invoice", args=[world["invoice"].pk]), CARD)
    assert response.status_code == 500
    record = next(r for r in caplog.records if r.name == "django.request")
    report = ExceptionReporter(record.request, *record.exc_info).get_traceback_text()
    html = ExceptionReporter(record.request, *record.exc_info).get_traceback_html()
    assert "the gateway fell over" in report
    for text in (report, html, caplog.text):
        assert "4242424242424242" not in text and "4242 4242 4242 4242" not in text
        assert "'7319'" not in text and "7319</" not in text

"""The 413 for an oversized body goes through a real WSGI server: a WSGI application may not
set hop-by-hop headers (PEP 3333), and wsgiref (under runserver) refuses one with a 500."""

import io
from wsgiref.handlers import SimpleHandler
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse

from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    # As Django's test client does: a request's end must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _serve(path: str, *, length: int, cookie: str = "") -> bytes:
    """One POST through wsgiref's handler (what runserver builds on) and PEP 3333's validator;
    the body is not sent: the app must answer from Content-Length alone."""
    environ = {
        "REQUEST_METHOD": "POST",
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(length),
        "HTTP_COOKIE": cookie,
    }
    setup_testing_defaults(environ)
    out, err = io.BytesIO(), io.StringIO()
    handler = SimpleHandler(io.BytesIO(b""), out, err, environ, multithread=False)
    handler.run(validator(WSGIHandler()))
    assert not err.getvalue(), err.getvalue()
    return out.getvalue()


def _status_and_headers(raw: bytes) -> tuple[str, str]:
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    status, _, headers = head.partition("\r\n")
    return status, headers.lower()


def test_an_oversized_signed_out_post_is_a_413_through_a_wsgi_server():
    status, headers = _status_and_headers(_serve(reverse("accounts:login"), length=64 * 1024 + 1))
    assert status.startswith("HTTP/1.0 413"), status
    assert "connection:" not in headers


def test_an_oversized_signed_in_upload_is_a_413_through_a_wsgi_server(client_record):
    http = signed_in(client_record.user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"
    status, headers = _status_and_headers(
        _serve(reverse("portal:documents"), length=22 * 1024 * 1024, cookie=cookie)
    )
    assert status.startswith("HTTP/1.0 413"), status
    assert "connection:" not in headers

"""Faults: a database error in the middle of a SAVE, and a resolver that fails."""

import pytest
from django.db import DatabaseError
from django.urls import reverse

from audit.models import AuditEntry
from portal_settings.models import PortalSettings
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db


def test_a_database_error_during_save_leaves_nothing_half_done(
    provider, client_record, monkeypatch, settings
):
    settings.DEBUG = False
    http = signed_in(provider)
    http.raise_request_exception = False
    path = reverse("portal_settings:client", args=[client_record.pk])
    page = http.get(path)
    data = {"version": page.context["version"], "note": "x"}
    data["section-billing"] = "off"

    def broken_bulk_create(*args, **kwargs):
        raise DatabaseError("disk full")

    # The settings row is written first, then the audit rows: break the second step.
    monkeypatch.setattr(AuditEntry.objects, "bulk_create", broken_bulk_create)
    response = http.post(path, data)
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and "Traceback" not in body and "disk full" not in body
    assert not PortalSettings.objects.filter(client=client_record).exists()
    assert not AuditEntry.objects.exists()


def test_a_client_sees_an_error_page_not_a_stack_trace(client_record, monkeypatch):
    http = signed_in(client_record.user)
    http.raise_request_exception = False

    def broken(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr("portal.goals.views.goal_create", broken)
    response = http.post(reverse("portal:goals"), {"title": "Walk"})
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "connection lost" not in response.content.decode()


def test_when_the_resolver_fails_access_is_refused_not_granted(client_record, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("resolver bug")

    monkeypatch.setattr("portal_settings.enforcement.effective_settings_for_client", broken)
    http = signed_in(client_record.user)
    for path in ("/portal/", "/portal/billing/", "/portal/goals/"):
        response = http.get(path)
        assert response.status_code == 503
        body = response.content.decode()
        assert "unavailable" in body and "resolver bug" not in body

"""Wrong HTTP methods, fields a form does not offer, and requests without a CSRF token."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from clients.models import Client
from portal_settings.urlwalk import walk
from tests.factories import ClientGroupFactory, PracticeAdminFactory, UserFactory
from tests.helpers import signed_in
from tests.security.test_bad_input import snapshot
from tests.security.test_deny_by_default import bucket, url
from tests.world import make_world

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(organization):
    world = make_world(organization)
    world["admin"] = PracticeAdminFactory(organization=organization).user
    return world


def visitors(world, **kwargs):
    """For each route, someone allowed to use it: the portal's client, else a practice admin."""
    portal = signed_in(world["client"].user, **kwargs)
    provider = signed_in(world["admin"], **kwargs)
    return lambda route: portal if bucket(route) == "portal" else provider


def routes():
    return [r for r in walk() if bucket(r) in ("portal", "provider")]


def test_no_view_accepts_put_patch_or_delete(world):
    visitor = visitors(world)
    for route in routes():
        http = visitor(route)
        for method in ("put", "patch", "delete"):
            response = getattr(http, method)(url(route, world))
            assert response.status_code == 405, (route.view_name, method, response.status_code)


def test_every_view_answers_get_or_post_and_refuses_the_other_where_it_must(world):
    post_only = []
    visitor = visitors(world)
    for route in routes():
        response = visitor(route).get(url(route, world))
        assert response.status_code in (200, 302, 405), (route.view_name, response.status_code)
        if response.status_code == 405:
            assert response["Allow"] == "POST", route.view_name
            post_only.append(route.view_name)
    # The state-changing actions that have no page of their own.
    assert {
        "clients:restore",
        "clients:invite",
        "provider:invoice-void",
        "portal:goals-complete",
    } <= set(post_only)


def test_without_a_csrf_token_every_post_is_refused_and_changes_nothing(world):
    visitor = visitors(world, enforce_csrf_checks=True)  # signing in writes last_login
    before = snapshot()
    for route in routes():
        http = visitor(route)
        response = http.post(url(route, world), {"title": "x", "allowed": "off"})
        assert response.status_code == 403, (route.view_name, response.status_code)
    anonymous_forms = ["accounts:login", "accounts:password-reset"]
    for name in anonymous_forms:
        from django.test import Client as HttpClient

        assert HttpClient(enforce_csrf_checks=True).post(reverse(name), {}).status_code == 403
    assert snapshot() == before


def test_csrf_exempt_appears_nowhere():
    sources = [
        path
        for folder in ("clients", "portal", "portal_settings", "config", "templates")
        for pattern in ("*.py", "*.html")
        for path in (ROOT / folder).rglob(pattern)
    ]
    assert len(sources) > 50
    assert [str(p) for p in sources if "csrf_exempt" in p.read_text()] == []


def test_settings_form_refuses_fields_it_does_not_offer(world):
    http = signed_in(world["admin"])
    client = world["client"]
    path = reverse("portal_settings:client", args=[client.pk])
    version = http.get(path).context["version"]
    for field, value in [
        ("organization", "999"),
        ("client", "1"),
        ("group", "1"),
        ("level", "organization"),
    ]:
        response = http.post(path, {"version": version, "section-billing": "on", field: value})
        assert response.status_code == 400, field


def test_client_forms_ignore_organization_user_and_flag_fields(world, other_organization):
    http = signed_in(world["admin"])
    client = world["client"]
    foreign_group = ClientGroupFactory(organization=other_organization)
    http.post(
        reverse("clients:edit", args=[client.pk]),
        {
            "first_name": "Same",
            "last_name": "Person",
            "email": client.user.email,
            "organization": other_organization.pk,
            "is_staff": "on",
            "is_superuser": "on",
            "portal_login_allowed": "",
            "archived_at": "2020-01-01",
            "group": foreign_group.pk,
        },
    )
    client.refresh_from_db()
    client.user.refresh_from_db()
    assert client.organization_id == world["client"].organization_id
    assert not client.user.is_staff and not client.user.is_superuser
    assert client.portal_login_allowed and client.archived_at is None
    assert client.group_id != foreign_group.pk

    response = http.post(
        reverse("clients:create"),
        {
            "first_name": "New",
            "last_name": "One",
            "email": "new@example.test",
            "organization": other_organization.pk,
            "is_staff": "on",
        },
    )
    assert response.status_code == 302
    created = Client.objects.get(user__email="new@example.test")
    assert created.organization_id == world["client"].organization_id and not created.user.is_staff


def test_portal_forms_ignore_client_and_ownership_fields(world, organization):
    from portal.goals.models import Goal

    other = make_world(organization)["client"]
    http = signed_in(world["client"].user)
    http.post(
        reverse("portal:goals"),
        {"title": "Mine", "client": other.pk, "organization": 999, "created_by": other.user_id},
    )
    goal = Goal.objects.get(title="Mine")
    assert (goal.client, goal.created_by) == (world["client"], world["client"].user)


def test_invoice_form_ignores_status_and_total(world):
    from portal.billing.models import Invoice

    http = signed_in(world["admin"])
    client = world["client"]
    data = {
        "due_on": "2099-01-01",
        "status": "paid",
        "total": "0.00",
        "client": 1,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-description": "Session",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "40.00",
    }
    assert http.post(reverse("provider:invoice-create", args=[client.pk]), data).status_code == 302
    invoice = Invoice.objects.filter(client=client).order_by("-pk").first()
    assert (invoice.status, invoice.total) == ("open", Decimal("80.00"))


def test_a_client_cannot_make_themself_staff(world):
    user = world["client"].user
    http = signed_in(user)
    http.post(
        reverse("portal:profile"), {"is_staff": "on", "is_superuser": "on", "email": "x@evil.test"}
    )
    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser and user.email != "x@evil.test"
    assert UserFactory._meta.model.objects.filter(is_superuser=True).count() == 0

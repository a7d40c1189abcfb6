"""Every URL, as every kind of visitor: deny by default, everywhere.

A new URL must be placed in one of these buckets (or its ids taught to tests/world.py),
otherwise this file fails.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from portal_settings.urlwalk import walk
from tests.factories import ClientFactory, MembershipFactory, PracticeAdminFactory, UserFactory
from tests.helpers import signed_in
from tests.world import PARAM, make_world, url_for

pytestmark = pytest.mark.django_db

# Reachable without signing in, and what they may answer.
PUBLIC = {
    "home": {302},
    "favicon": {301},
    "accounts:login": {200},
    "accounts:logout": {405},  # sign-out is a POST
    "accounts:invitation": {410},  # an unknown token
    "accounts:password-reset": {200},
    "accounts:password-reset-sent": {200},
    "accounts:password-reset-confirm": {200},  # says the link is not valid
    "accounts:password-reset-complete": {200},
}


# Any signed-in person's own account pages.
ACCOUNT = {"accounts:password-change", "accounts:family"}


def bucket(route) -> str:
    if route.namespaces[:1] == ("admin",) or route.route.startswith("admin/"):
        return "admin"
    if route.view_name in ACCOUNT:
        return "account"
    if route.is_portal:
        return "portal"
    if route.view_name in PUBLIC:
        return "public"
    if route.namespaces[:1] in (("clients",), ("portal_settings",), ("provider",)):
        return "provider"
    return "unknown"


@pytest.fixture
def world(organization):
    return make_world(organization)


def url(route, world) -> str:
    if route.view_name.startswith("accounts:password-reset-confirm"):
        return "/accounts/password-reset/MQ/not-a-token/"
    if route.view_name == "accounts:invitation":
        return "/accounts/invitation/not-a-token/"
    return url_for(route, world) if PARAM.search(route.route) else "/" + route.route


def app_routes():
    return [r for r in walk() if bucket(r) != "admin"]


def test_every_route_is_in_a_bucket():
    unknown = [r.view_name for r in walk() if bucket(r) == "unknown"]
    assert unknown == []
    assert {r.view_name for r in walk() if bucket(r) == "public"} == set(PUBLIC)


def test_anonymous_visitors_are_sent_to_sign_in_except_on_public_pages(client, world):
    for route in app_routes():
        response = client.get(url(route, world))
        if bucket(route) == "public":
            assert response.status_code in PUBLIC[route.view_name], route.view_name
        else:
            assert response.status_code == 302, route.view_name
            assert response.url.startswith("/accounts/login/?next="), route.view_name


def test_anonymous_visitors_are_sent_to_the_admin_sign_in(client):
    for name in [
        "admin:index",
        *(
            f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist"
            for m in admin.site._registry
        ),
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("admin:login")), name


def test_clients_are_refused_on_every_provider_url(world):
    http = signed_in(world["client"].user)
    for route in app_routes():
        if bucket(route) == "provider":
            for method in ("get", "post"):
                response = getattr(http, method)(url(route, world))
                assert response.status_code == 403, (route.view_name, method, response.status_code)


def test_providers_are_sent_to_their_app_from_every_portal_url(world):
    http = signed_in(world["provider"])
    for route in app_routes():
        if bucket(route) == "portal":
            response = http.get(url(route, world))
            assert (response.status_code, response.url) == (302, reverse("clients:list")), (
                route.view_name
            )


def test_other_practices_admin_gets_404_on_every_url_with_an_id(world, other_organization):
    http = signed_in(PracticeAdminFactory(organization=other_organization).user)
    for route in app_routes():
        if bucket(route) == "provider" and PARAM.search(route.route):
            for method in ("get", "post"):
                response = getattr(http, method)(url(route, world))
                assert response.status_code in (404, 405), (
                    route.view_name,
                    method,
                    response.status_code,
                )


def test_another_client_gets_404_on_every_portal_url_with_an_id(world, organization):
    http = signed_in(ClientFactory(organization=organization).user)
    for route in app_routes():
        if bucket(route) == "portal" and PARAM.search(route.route):
            response = http.get(url(route, world))
            if response.status_code == 405:  # a POST-only view
                response = http.post(url(route, world))
            # 404: not theirs. (A package is the practice's offer, not a client's record.)
            expected = {200} if route.view_name == "portal:packages-buy" else {404}
            assert response.status_code in expected, (route.view_name, response.status_code)


def test_non_superuser_staff_see_only_their_own_practice_in_the_admin(
    rf, world, organization, other_organization
):
    from django.contrib.auth.models import Permission

    other_world = make_world(other_organization)
    staff = MembershipFactory(organization=organization, user=UserFactory(is_staff=True)).user
    staff.user_permissions.set(Permission.objects.all())
    request = rf.get("/admin/")
    request.user = staff
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("audit", "clients", "portal_settings", "axes"):
            continue
        rows = list(model_admin.get_queryset(request))
        for row in rows:
            organization_id = getattr(row, "organization_id", None)
            if organization_id is None and hasattr(row, "client"):
                organization_id = row.client.organization_id
            if organization_id is not None:
                assert organization_id == organization.pk, (model, row)
        checked += 1
    assert checked >= 8
    http = signed_in(staff)
    foreign_client = other_world["client"]
    response = http.get(reverse("admin:clients_client_change", args=[foreign_client.pk]))
    assert response.status_code == 302  # "does not exist": redirected to the admin index
    listing = http.get(reverse("admin:clients_client_changelist")).content.decode()
    assert foreign_client.user.email not in listing and world["client"].user.email in listing

"""Another practice's ids are a 404 on every provider URL that takes one."""

import pytest

from portal_settings.urlwalk import walk
from tests.factories import PracticeAdminFactory
from tests.helpers import signed_in
from tests.world import PARAM, make_world, url_for

pytestmark = pytest.mark.django_db


def provider_routes_with_ids():
    return [
        route
        for route in walk()
        if PARAM.search(route.route)
        and route.namespaces[:1] not in (("admin",), ("accounts",), ("portal",))
        and not route.route.startswith("admin/")
    ]


@pytest.fixture
def world(organization):
    return make_world(organization)


def test_every_provider_route_with_ids_is_known_to_this_test(world):
    routes = provider_routes_with_ids()
    assert len(routes) >= 20
    for route in routes:
        url_for(route, world)  # raises for a parameter or prefix the test does not know


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_practice_gets_404_everywhere(world, other_organization, method):
    # A practice admin of the other practice: no role check stops them before the lookup.
    http = signed_in(PracticeAdminFactory(organization=other_organization).user)
    for route in provider_routes_with_ids():
        url = url_for(route, world)
        response = getattr(http, method)(url)
        assert response.status_code in (404, 405), (url, response.status_code)


def test_own_practice_reaches_the_same_urls(world, organization):
    http = signed_in(PracticeAdminFactory(organization=organization).user)
    for route in provider_routes_with_ids():
        response = http.get(url_for(route, world))
        assert response.status_code in (200, 302, 405), (route.route, response.status_code)

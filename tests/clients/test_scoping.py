"""Another practice's ids are a 404 on every provider URL that takes one."""

import re

import pytest

from portal_settings.urlwalk import walk
from tests.factories import ClientFactory, ClientGroupFactory

pytestmark = pytest.mark.django_db

PARAM = re.compile(r"<(?:int:)?(\w+)>")


def provider_routes_with_ids():
    return [
        r
        for r in walk()
        if not r.is_portal
        and PARAM.search(r.route)
        and r.namespaces
        and r.namespaces[0] not in ("admin", "accounts")
    ]


@pytest.fixture
def victim(organization):
    """Objects of `organization`, which the other practice's provider must never reach."""
    group = ClientGroupFactory(organization=organization)
    return {"clients/": ClientFactory(organization=organization, group=group), "groups/": group}


def url_for(route, victim):
    prefix = next(p for p in victim if route.route.startswith(p))
    return "/" + PARAM.sub(lambda m: str(victim[prefix].pk), route.route)


def test_there_are_provider_routes_with_ids():
    assert len(provider_routes_with_ids()) >= 8


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_practice_gets_404_everywhere(victim, other_provider, method):
    from tests.helpers import signed_in

    http = signed_in(other_provider)
    for route in provider_routes_with_ids():
        url = url_for(route, victim)
        response = getattr(http, method)(url)
        assert response.status_code in (404, 405), (url, response.status_code)
        if response.status_code == 405:
            continue
        assert response.status_code == 404, url


def test_own_practice_reaches_the_same_urls(victim, provider):
    from tests.helpers import signed_in

    http = signed_in(provider)
    for route in provider_routes_with_ids():
        response = http.get(url_for(route, victim))
        assert response.status_code in (200, 405), route.route

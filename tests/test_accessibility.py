"""axe-core over every page type, for both roles, at a phone's width and a desktop's.

Every GET route of the URL tree that answers with an HTML page is opened (ids filled from one
practice's world of content, as the URL-walk tests do): the client's portal pages as the
client, the provider pages and account pages as a practice admin, the public pages signed out.
A serious or critical violation anywhere fails, naming the page.
"""

import pytest
from django.test import Client
from django.urls import get_resolver

from portal_settings.urlwalk import walk
from tests.browser import assert_no_serious_axe_violations, log_in
from tests.factories import PracticeAdminFactory
from tests.helpers import signed_in
from tests.security.test_deny_by_default import bucket, url
from tests.world import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = ((390, 844), (1280, 900))


def html_pages(http, paths):
    """The paths that answer this person with a 200 HTML page (not a redirect, a download or a
    POST-only view's 405)."""
    pages = []
    for path in paths:
        response = http.get(path)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            pages.append(path)
    return pages


def check_all(page, live_server, paths):
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        for path in paths:
            page.goto(live_server.url + path)
            assert_no_serious_axe_violations(page)
    return paths


def routes_of(kind, world):
    return sorted(
        {url(route, world) for route in walk(get_resolver()) if bucket(route) == kind},
    )


@pytest.fixture
def world(organization):
    return make_world(organization)


def test_every_portal_page_as_the_client(new_page, live_server, world):
    user = world["client"].user
    paths = html_pages(signed_in(user), routes_of("portal", world))
    assert len(paths) >= 12  # home, profile, every section's index and its detail pages
    page = new_page()
    log_in(page, user)
    check_all(page, live_server, paths)


def test_every_provider_page_as_a_practice_admin(new_page, live_server, world, organization):
    user = PracticeAdminFactory(organization=organization).user
    paths = html_pages(signed_in(user), routes_of("provider", world) + routes_of("account", world))
    assert len(paths) >= 30
    page = new_page()
    log_in(page, user)
    check_all(page, live_server, paths)


def test_every_public_page_signed_out(new_page, live_server, world):
    paths = html_pages(Client(), routes_of("public", world))
    assert {"/accounts/login/", "/accounts/password-reset/"} <= set(paths)
    check_all(new_page(), live_server, paths)

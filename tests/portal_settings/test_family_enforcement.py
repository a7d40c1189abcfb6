"""Enforcement with a family member acting: the same deny-by-default middleware, with the
family member's own settings (their chain; with nothing set, the built-in: journal and
documents Off, the rest Full), for every portal URL and method."""

import pytest
from django.urls import reverse

from clients.models import AccessRefusal
from portal_settings.enforcement import section_tag
from portal_settings.resolver import FAMILY_BUILT_IN
from portal_settings.sections import SECTIONS
from tests.factories import FamilyLinkFactory
from tests.helpers import signed_in
from tests.portal_settings.test_enforcement import METHODS, concrete, portal_routes, turn_off

pytestmark = pytest.mark.django_db

OFF_FOR_FAMILY = [s for s in SECTIONS if FAMILY_BUILT_IN.get(s.key) == "off"]
ON_FOR_FAMILY = [s for s in SECTIONS if FAMILY_BUILT_IN.get(s.key, "full") != "off"]


def test_the_built_in_keeps_the_clients_private_sections_off():
    assert {s.key for s in OFF_FOR_FAMILY} == {"journal", "documents"}


@pytest.fixture
def parent_http(client_record):
    link = FamilyLinkFactory(client=client_record)
    http = signed_in(link.user)
    http.get(reverse("accounts:family"))
    return http


@pytest.mark.parametrize("section", OFF_FOR_FAMILY, ids=lambda s: s.key)
def test_every_url_of_a_section_off_for_family_is_refused_with_every_method(
    section, parent_http, client_record
):
    routes = [r for r in portal_routes() if section_tag(r.callback) == section.key]
    assert routes
    for route in routes:
        for method in METHODS:
            response = getattr(parent_http, method)(concrete(route))
            assert response.status_code == 403, (route.route, method, response.status_code)
            if method != "head":
                assert "not part of your portal" in response.content.decode()
    assert AccessRefusal.objects.filter(reason="section_off", detail=section.key).exists()


@pytest.mark.parametrize("section", ON_FOR_FAMILY, ids=lambda s: s.key)
def test_a_section_on_for_family_is_served_even_when_off_for_the_client(
    section, parent_http, client_record
):
    # The client's own settings are the client's: the family member has their own.
    turn_off(client_record, section.key)
    assert parent_http.get(reverse(f"portal:{section.key}")).status_code == 200
    assert signed_in(client_record.user).get(reverse(f"portal:{section.key}")).status_code == 403


def test_the_family_members_tabs_are_their_own(parent_http):
    page = parent_http.get(reverse("portal:home")).content.decode()
    for section in SECTIONS:
        link = f'href="{reverse("portal:home")}{section.slug}/"'
        assert (link in page) == (FAMILY_BUILT_IN.get(section.key, "full") != "off"), section.key


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.key)
def test_every_url_of_a_section_the_family_member_has_off_is_refused_and_on_is_served(
    section, parent_http, client_record
):
    from portal_settings.models import PortalSettings

    link = client_record.family_links.get()
    PortalSettings.objects.create(family_link=link, values={section.key: "off"})
    routes = [r for r in portal_routes() if section_tag(r.callback) == section.key]
    for route in routes:
        for method in METHODS:
            response = getattr(parent_http, method)(concrete(route))
            assert response.status_code == 403, (route.route, method, response.status_code)
    PortalSettings.objects.filter(family_link=link).update(values={section.key: "full"})
    assert parent_http.get(reverse(f"portal:{section.key}")).status_code == 200
    # and the client's own portal never followed the family member's value
    assert signed_in(client_record.user).get(reverse(f"portal:{section.key}")).status_code == 200

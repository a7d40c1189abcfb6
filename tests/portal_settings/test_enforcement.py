import re

import pytest
from django.urls import reverse

from portal_settings.enforcement import section_tag
from portal_settings.models import PortalSettings
from portal_settings.sections import ALWAYS_AVAILABLE, BY_KEY, SECTIONS
from portal_settings.services import portal_settings_update
from portal_settings.targets import Target
from portal_settings.urlwalk import walk
from tests.factories import ClientFactory, UserFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

METHODS = ["get", "post", "put", "patch", "delete", "head", "options"]
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def portal_routes():
    return [route for route in walk() if route.is_portal]


def concrete(route) -> str:
    return "/" + PARAM.sub("1", route.route)


def turn_off(client, *keys):
    PortalSettings.objects.update_or_create(
        client=client, defaults={"values": {k: "off" for k in keys}}
    )


def test_every_portal_url_is_tagged_or_always_available():
    routes = portal_routes()
    assert len(routes) >= 10
    untagged = [r.view_name for r in routes if section_tag(r.callback) is None]
    assert untagged == []
    unknown = [
        r.view_name for r in routes if section_tag(r.callback) not in (*BY_KEY, ALWAYS_AVAILABLE)
    ]
    assert unknown == []


def test_every_section_has_its_tab_url():
    for section in SECTIONS:
        route = next(r for r in portal_routes() if r.view_name == f"portal:{section.key}")
        assert section_tag(route.callback) == section.key


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.key)
def test_every_url_of_a_section_that_is_off_is_refused_with_every_method(section, client_record):
    turn_off(client_record, section.key)
    http = signed_in(client_record.user)
    routes = [r for r in portal_routes() if section_tag(r.callback) == section.key]
    assert routes
    for route in routes:
        for method in METHODS:
            response = getattr(http, method)(concrete(route))
            assert response.status_code == 403, (route.route, method, response.status_code)
            if method != "head":
                assert "not part of your portal" in response.content.decode()
                assert client_record.organization.name in response.content.decode()


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.key)
def test_a_section_that_is_on_is_served(section, client_http):
    assert client_http.get(reverse(f"portal:{section.key}")).status_code == 200


def test_htmx_request_to_a_section_that_is_off_gets_an_htmx_redirect(client_record):
    turn_off(client_record, "billing")
    http = signed_in(client_record.user)
    for method in ("get", "post"):
        response = getattr(http, method)(reverse("portal:billing"), headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert response["HX-Redirect"] == reverse("portal:home")
        assert b"Billing" not in response.content


def test_tabs_and_home_cards_show_only_allowed_sections(client_record):
    turn_off(client_record, "billing", "journal")
    body = signed_in(client_record.user).get(reverse("portal:home")).content.decode()
    assert reverse("portal:billing") not in body
    assert reverse("portal:journal") not in body
    for key in (
        "appointments",
        "goals",
        "documents",
        "forms",
        "care_plans",
        "programs",
        "packages",
    ):
        assert reverse(f"portal:{key}") in body


def test_a_change_is_enforced_on_the_very_next_request(client_record, provider):
    http = signed_in(client_record.user)
    assert http.get(reverse("portal:billing")).status_code == 200
    target = Target.of(client_record).reload()
    portal_settings_update(
        actor=provider,
        target=target,
        changes={"billing": "off"},
        shown_version=target.version_token(),
    )
    assert http.get(reverse("portal:billing")).status_code == 403
    assert reverse("portal:billing") not in http.get(reverse("portal:home")).content.decode()


def test_a_group_change_is_enforced_for_its_members(client_record, group, provider):
    client_record.group = group
    client_record.save()
    http = signed_in(client_record.user)
    target = Target.of(group).reload()
    portal_settings_update(
        actor=provider,
        target=target,
        changes={"documents": "off"},
        shown_version=target.version_token(),
        reason="client_request",
    )
    assert http.get(reverse("portal:documents")).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client):
    for route in portal_routes():
        response = client.get(concrete(route))
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


def test_providers_are_sent_to_their_app(provider_http):
    for route in portal_routes():
        response = provider_http.get(concrete(route))
        assert response.status_code == 302
        assert response.url == reverse("clients:list")


def test_staff_are_sent_to_the_admin(db):
    http = signed_in(UserFactory(is_staff=True, is_superuser=True))
    response = http.get(reverse("portal:home"))
    assert response.url == reverse("admin:index")


@pytest.mark.urls("tests.portal_settings.urls_untagged")
def test_an_untagged_portal_view_is_refused(client_http):
    for method in METHODS:
        response = getattr(client_http, method)("/portal/forgotten/")
        assert response.status_code == 403
        assert b"never be served" not in response.content


def test_a_portal_page_costs_session_user_and_one_query_for_client_and_settings(
    client_record, group, django_assert_num_queries
):
    client_record.group = group
    client_record.save()
    turn_off(client_record, "billing")
    PortalSettings.objects.create(group=group, values={"journal": "off"})
    PortalSettings.objects.create(organization=client_record.organization, values={"goals": "full"})
    http = signed_in(client_record.user)
    # the session, the user, and the client with all three levels of settings (the tabs and
    # the enforcement read that result: no query of their own; the home's own reads are pinned
    # in tests/portal/test_home.py), plus the profile's own read: who has family access
    with django_assert_num_queries(4):
        response = http.get(reverse("portal:profile"))
    assert response.status_code == 200
    assert reverse("portal:billing") not in response.content.decode()
    assert reverse("portal:journal") not in response.content.decode()
    # a section page: the same three, plus the section's own list (the client's goals)
    with django_assert_num_queries(4):
        assert http.get(reverse("portal:goals")).status_code == 200
    with django_assert_num_queries(4):  # the same three, and the refusal in the security log
        assert http.get(reverse("portal:billing")).status_code == 403


def test_client_whose_access_was_withdrawn_meanwhile_is_signed_out(client_record):
    http = signed_in(client_record.user)
    # Even if only the client row says so (the login flag is kept in step by the services).
    client_record.portal_login_allowed = False
    client_record.save()
    response = http.get(reverse("portal:home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in http.session


def test_another_client_of_another_practice_sees_their_own_practice(other_organization):
    other = ClientFactory(organization=other_organization)
    body = signed_in(other.user).get(reverse("portal:home")).content.decode()
    assert other_organization.name in body


def test_the_current_sections_tab_is_marked(client_http):
    body = client_http.get(reverse("portal:goals")).content.decode()
    assert f'<a href="{reverse("portal:goals")}" aria-current="page">' in body
    assert body.count('aria-current="page"') == 1


def test_the_tab_links_are_each_sections_own_url(client_http):
    """The tab bar derives section links from the portal home and the registry's slugs (one
    reverse a page); each must be exactly what the URLconf serves."""
    from portal_settings.sections import SECTIONS

    response = client_http.get(reverse("portal:home"))
    links = {link["section"].key: link["url"] for link in response.context["portal_links"]}
    assert links == {section.key: reverse(f"portal:{section.key}") for section in SECTIONS}

"""Access levels: every portal URL x every method x every level answers as the registry says.

The expectations here are written out by hand from the issue ("paying, booking and cancelling,
creating and completing goals, writing journal entries and uploading photos, uploading
documents, starting and submitting intake forms and saving drafts, completing program modules,
purchasing packages" are actions), not read back from the views' tags, so a view tagged wrongly
fails here.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients.models import AccessRefusal
from portal_settings.enforcement import (
    ALWAYS,
    NEVER,
    NOT_ALLOWED,
    ON_POST,
    SECTION_OFF,
    VIEW_ONLY,
    acts_tag,
    decide,
    section_tag,
)
from portal_settings.levels import Access
from portal_settings.models import PortalSettings, validate_values
from portal_settings.sections import BY_KEY, SECTIONS
from portal_settings.urlwalk import walk
from tests.helpers import signed_in
from tests.world import make_world, url_for

pytestmark = pytest.mark.django_db

METHODS = ["get", "head", "post", "put", "patch", "delete", "options"]

# What each portal view does, by URL name: "view" shows only (GET/HEAD; anything else is
# refused), "post" shows on GET and acts on POST, "act" acts whatever the method.
EXPECTED = {
    "portal:billing": "view",
    "portal:billing-invoice": "post",  # the invoice, and paying it
    "portal:billing-receipt": "view",
    "portal:appointments": "view",
    "portal:appointments-book": "act",  # choosing a time is the first step of booking
    "portal:appointments-cancel": "act",
    "portal:goals": "post",  # the goals, and creating one
    "portal:goals-complete": "act",
    "portal:journal": "post",  # the entries, and writing one (with its photo)
    "portal:journal-photo": "view",
    "portal:documents": "post",  # the documents, and uploading one
    "portal:documents-download": "view",
    "portal:forms": "view",
    "portal:forms-fill": "post",  # a form's questions; saving a draft and submitting
    "portal:care_plans": "view",
    "portal:programs": "view",
    "portal:programs-program": "view",
    "portal:programs-module": "post",  # a module, and completing it
    "portal:packages": "view",
    "portal:packages-buy": "act",
    "portal:packages-receipt": "view",
}
TAG_OF = {"view": NEVER, "post": ON_POST, "act": ALWAYS}
# Actions that are a button on another page: their views answer POST only.
POST_ONLY = {"portal:appointments-cancel", "portal:goals-complete"}


def section_routes():
    return [r for r in walk() if r.is_portal and section_tag(r.callback) in BY_KEY]


def set_level(client, key, access):
    PortalSettings.objects.update_or_create(client=client, defaults={"values": {key: access}})


def test_every_section_view_is_in_the_table_with_its_tag():
    """A new portal view must be classified here before it passes (deny by default)."""
    routes = {r.view_name: r for r in section_routes()}
    assert set(routes) == set(EXPECTED)
    assert {name: acts_tag(r.callback) for name, r in routes.items()} == {
        name: TAG_OF[kind] for name, kind in EXPECTED.items()
    }


def test_sections_offer_the_levels_the_issue_names():
    assert BY_KEY["care_plans"].levels == (Access.FULL, Access.OFF)
    for section in SECTIONS:
        if section.key != "care_plans":
            assert section.levels == (Access.FULL, Access.VIEW, Access.OFF), section.key


@pytest.mark.parametrize("access", list(Access))
@pytest.mark.parametrize("kind", ["view", "post", "act"])
@pytest.mark.parametrize("method", [m.upper() for m in METHODS])
def test_decide_against_a_plain_table(access, kind, method):
    safe = method in ("GET", "HEAD")
    if access == "off":
        expected = SECTION_OFF
    elif kind == "view" and not safe:
        expected = NOT_ALLOWED
    elif (kind == "act" or (kind == "post" and not safe)) and access != "full":
        expected = VIEW_ONLY
    else:
        expected = None
    assert decide(access=access, acts=TAG_OF[kind], method=method) == expected


def test_decide_refuses_a_view_whose_tag_is_unknown():
    assert decide(access=Access.FULL, acts=None, method="GET") == SECTION_OFF
    assert decide(access=Access.FULL, acts="sometimes", method="GET") == SECTION_OFF


def _expected(name, method, access) -> str:
    """ "refused" (403, the section's refusal page), "not_allowed" (405) or "served"."""
    kind = EXPECTED[name]
    safe = method in ("get", "head")
    if access == "off":
        return "refused"
    if kind == "view" and not safe:
        return "not_allowed"
    if kind == "act" or (kind == "post" and not safe):
        if access != "full":
            return "refused"
        # At Full the request reaches the method check, which allows only GET, HEAD and POST.
        allowed = ("post",) if name in POST_ONLY else ("get", "head", "post")
        return "served" if method in allowed else "not_allowed"
    return "served"


@pytest.mark.parametrize(
    ("section", "access"),
    [(section, level.value) for section in SECTIONS for level in section.levels],
    ids=lambda value: getattr(value, "key", value),
)
def test_every_url_method_and_level_answers_as_the_registry_says(section, access, organization):
    world = make_world(organization)
    client = world["client"]
    set_level(client, section.key, access)
    http = signed_in(client.user)
    routes = [r for r in section_routes() if section_tag(r.callback) == section.key]
    assert routes
    # GETs first, so the actions posted at Full (a cancellation, a completed goal) do not
    # change what a later GET finds.
    served_at = {}
    for method in METHODS:
        for route in routes:
            path = url_for(route, world)
            refusals = AccessRefusal.objects.count()
            response = getattr(http, method)(path)
            status = response.status_code
            expected = _expected(route.view_name, method, access)
            where = (route.view_name, method, access, status)
            if expected == "refused":
                assert status == 403, where
                assert AccessRefusal.objects.count() == refusals + 1, where
                reason = AccessRefusal.objects.first().reason
                assert reason == ("section_off" if access == "off" else "view_only"), where
                if method != "head":
                    assert "view-only" in response.content.decode() or access == "off", where
            elif expected == "not_allowed":
                assert status == 405, where
            elif method == "head":
                # A page answers HEAD as it answers GET (SECURITY.md), at every level.
                assert status == served_at.get(route.view_name), where
            else:
                assert status not in (403, 405), where
                if method == "get":
                    served_at[route.view_name] = status
    if access != "off":
        # View only shows every viewing page exactly as Full does (200, not a refusal).
        for name, status in served_at.items():
            assert status == 200, (name, status)


@pytest.mark.parametrize("method", ["get", "post"])
def test_htmx_action_in_a_view_only_section_redirects_to_the_section(method, client_record):
    set_level(client_record, "appointments", "view")
    http = signed_in(client_record.user)
    response = getattr(http, method)(
        reverse("portal:appointments-book"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("portal:appointments")


def test_the_view_only_refusal_page_says_so_and_whom_to_contact(client_record):
    set_level(client_record, "packages", "view")
    response = signed_in(client_record.user).get(reverse("portal:packages-buy", args=[1]))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Packages is view-only in your portal" in body
    assert client_record.organization.name in body
    assert reverse("portal:packages") in body


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"billing": True}, "View and pay bills can be Full ('full'), View only"),
        ({"billing": "on"}, "not 'on'"),
        ({"care_plans": "view"}, "View care plans can be Full ('full'), Off ('off'); not 'view'"),
        ({"teleport": "full"}, "'teleport' is not a Client Portal section"),
        (["billing"], "must map section keys to access levels"),
    ],
)
def test_the_model_refuses_values_that_are_not_the_sections_levels(values, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_values(values)


def test_the_model_accepts_every_level_a_section_offers():
    validate_values({section.key: level.value for section in SECTIONS for level in section.levels})

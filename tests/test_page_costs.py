"""What each page `make bench` measures costs in SQL statements, pinned (benchmarks/README.md
states the same figures). A page that starts to query per row, or a middleware that starts to
write the session on every request, fails here before it shows in a benchmark."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from portal_settings.models import PortalSettings
from portal_settings.sections import SECTIONS
from tests.factories import FamilyLinkFactory, UserFactory
from tests.helpers import signed_in
from tests.world import make_world

pytestmark = pytest.mark.django_db

# Every signed-in request: the session, the user. A portal request: then the client with the
# three levels of settings (one query). Then each page's own reads.
SIGNED_IN = 2
PORTAL = SIGNED_IN + 1
SECTION_PAGE_QUERIES = {
    "billing": PORTAL + 2,  # the invoices, the balance
    "appointments": PORTAL + 1,  # the appointments with provider and type
    "goals": PORTAL + 1,  # the goals
    "journal": PORTAL + 2,  # the entries' count (pager), a page of entries
    "documents": PORTAL + 1,  # the documents
    "forms": PORTAL + 1,  # the assignments with their forms
    "care_plans": PORTAL + 1,  # the care plans
    "programs": PORTAL + 3,  # the enrollments, their modules, the completions
    "packages": PORTAL + 3,  # the sessions credited, the packages on sale, the purchases
}
# The provider's Client Portal Settings page for a client without history yet (as the
# benchmark's): the membership with its practice, the client with their settings, the
# client's family members, the practice's presets (the Apply a preset control), the
# history's row count (no page of rows to read when it is 0).
SETTINGS_PAGE_QUERIES = SIGNED_IN + 5


@pytest.fixture
def world(organization):
    return make_world(organization)


def test_every_section_has_its_pin():
    assert set(SECTION_PAGE_QUERIES) == {section.key for section in SECTIONS}


@pytest.mark.parametrize("key", list(SECTION_PAGE_QUERIES))
def test_each_portal_section_page_costs_its_pinned_queries(world, key, django_assert_num_queries):
    http = signed_in(world["client"].user)
    url = reverse(f"portal:{key}")
    http.get(url)  # the first request may stamp the session; later ones do not write
    with django_assert_num_queries(SECTION_PAGE_QUERIES[key]):
        assert http.get(url).status_code == 200


def test_the_settings_page_costs_its_pinned_queries(world, django_assert_num_queries):
    http = signed_in(world["provider"])
    url = reverse("portal_settings:client", args=[world["client"].pk])
    http.get(url)
    with django_assert_num_queries(SETTINGS_PAGE_QUERIES):
        response = http.get(url)
    assert response.status_code == 200
    assert "Client Portal Settings" in response.content.decode()


def _statements(http, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_settings_page_reads_no_more_than_it_shows(world):
    """The shape of the settings page's reads, measured in benchmarks/README.md: the provider's
    membership without the model's ordering (which joined the users table), the client without
    the access status the page does not show (an invitations subquery), the family tabs sorted
    by name without joining the clients again."""
    from clients.models import FamilyLink

    FamilyLinkFactory(client=world["client"], organization=world["client"].organization)
    http = signed_in(world["provider"])
    url = reverse("portal_settings:client", args=[world["client"].pk])
    http.get(url)
    statements = _statements(http, url)
    membership = next(sql for sql in statements if 'FROM "clients_membership"' in sql)
    assert "ORDER BY" not in membership and '"clients_user"' not in membership
    client = next(sql for sql in statements if 'FROM "clients_client"' in sql)
    assert "clients_invitation" not in client
    family = next(sql for sql in statements if f'FROM "{FamilyLink._meta.db_table}"' in sql)
    assert 'JOIN "clients_client"' not in family


def test_family_tabs_follow_the_members_names(world):
    """The tabs keep the model's order (by name) though the page sorts them itself."""
    client = world["client"]
    organization = client.organization
    for first, last in (("Zoe", "Young"), ("Adam", "Abbott"), ("Mia", "Moss")):
        FamilyLinkFactory(
            client=client,
            organization=organization,
            user=UserFactory(first_name=first, last_name=last),
        )
    http = signed_in(world["provider"])
    page = http.get(reverse("portal_settings:client", args=[client.pk])).content.decode()
    tabs = page[page.index('aria-label="Whose settings"') :]
    assert tabs.index("Adam Abbott") < tabs.index("Mia Moss") < tabs.index("Zoe Young")


def test_templates_are_parsed_once_per_process():
    """Pages are rendered from templates compiled once per process (Django's cached loader,
    under template_partials' loader): a TEMPLATES "loaders" option without it would parse
    every template on every request."""
    from django.template import engines
    from django.template.loaders.cached import Loader as CachedLoader

    def cached(loader) -> bool:
        return isinstance(loader, CachedLoader) or any(
            cached(inner) for inner in getattr(loader, "loaders", ())
        )

    assert all(cached(loader) for loader in engines["django"].engine.template_loaders)


def test_a_portal_page_of_a_client_with_dated_values_costs_the_same(
    world, django_assert_num_queries
):
    """Dated values ride on the same settings rows, read in the same one query."""
    from datetime import timedelta

    from django.utils import timezone

    from portal_settings.levels import Access
    from portal_settings.schedule import Dated

    client, group = world["client"], world["group"]
    now = timezone.now()
    PortalSettings.objects.update_or_create(
        client=client,
        defaults={
            "schedule": {"packages": Dated(Access.OFF, None, now + timedelta(days=9)).as_json()}
        },
    )
    PortalSettings.objects.update_or_create(
        group=group,
        defaults={
            "schedule": {"goals": Dated(Access.VIEW, now - timedelta(days=1), None).as_json()}
        },
    )
    http = signed_in(client.user)
    url = reverse("portal:billing")
    http.get(url)
    with django_assert_num_queries(SECTION_PAGE_QUERIES["billing"]):
        response = http.get(url)
    assert response.status_code == 200
    assert 'href="/portal/packages/"' not in response.content.decode()  # the dated Off holds


@pytest.mark.urls("benchmarks.urls")
def test_the_bench_floors_cost_what_every_page_pays_first(world, django_assert_num_queries):
    """`make bench`'s floors (benchmarks/urls.py): "Hello" for nobody, for a signed-in client
    (the session, the user) and on a portal URL (then the client with their settings), and
    deny by default still holds there: nobody signed in is sent to sign in, and a provider has
    no portal."""
    from benchmarks.run import FLOOR_PORTAL_PATH

    assert HttpClient().get("/bench/floor/").content == b"Hello"
    assert HttpClient().get(FLOOR_PORTAL_PATH).status_code == 302
    http = signed_in(world["client"].user)
    http.get(FLOOR_PORTAL_PATH)
    with django_assert_num_queries(SIGNED_IN):
        assert http.get("/bench/floor/").content == b"Hello"
    with django_assert_num_queries(PORTAL):
        assert http.get(FLOOR_PORTAL_PATH).content == b"Hello"
    assert signed_in(world["provider"]).get(FLOOR_PORTAL_PATH).status_code == 302

"""The section registry is the single source of truth: the portal is built from its entries."""

import importlib
import re
import sys
from types import ModuleType

import pytest
from django.apps import apps
from django.core.management import call_command
from django.http import HttpResponse
from django.urls import NoReverseMatch, clear_url_caches, path, resolve, reverse
from django.views.decorators.http import require_GET

from portal.checks import check_sections_are_complete
from portal.registry import module_of, provider_tab_url_name
from portal_settings import sections
from portal_settings.enforcement import portal_section, section_tag
from portal_settings.sections import KEYS, SECTIONS, Section
from tests.factories import ClientFactory, MembershipFactory
from tests.helpers import signed_in
from tests.world import PORTAL_PK, SECTION_WORLDS

TABS = re.compile(r'<nav class="tabs profile-tabs".*?</nav>', re.S)
TAB = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')


@pytest.mark.parametrize("section", SECTIONS, ids=KEYS)
def test_every_entry_has_client_urls_provider_tab_models_and_demo(section):
    url = reverse(f"portal:{section.key}")
    assert url == f"/portal/{section.slug}/"
    assert section_tag(resolve(url).func) == section.key
    assert reverse(provider_tab_url_name(section), args=[7]) == f"/clients/7/{section.slug}/"
    models = [
        model
        for model in apps.get_app_config("portal").get_models()
        if model.__module__ == f"portal.{section.package}.models"
    ]
    assert models, f"portal/{section.package}/models.py registers no model under `portal`"
    assert callable(module_of(section, "demo").seed)


def test_the_start_up_check_passes_on_the_real_registry():
    assert check_sections_are_complete() == []


def test_the_start_up_check_names_what_an_entry_lacks(monkeypatch):
    # "goals_plus" has no client page, no profile tab and no package with demo data.
    bare = Section(
        "goals_plus", "View more goals", "More goals", "", slug="nowhere", package="nope"
    )
    # "journal" borrowed with another slug: its pages and demo exist, the profile tab does not.
    renamed = Section(
        "journal", "View and create journal entries", "Journal", "", "diary", "journal"
    )
    monkeypatch.setattr(sections, "SECTIONS", (bare, renamed))
    errors = check_sections_are_complete()
    assert [(e.id, e.msg.split("'")[1]) for e in errors] == [
        ("portal.E001", "goals_plus"),
        ("portal.E002", "goals_plus"),
        ("portal.E003", "goals_plus"),
        ("portal.E002", "journal"),
    ]


def test_every_entry_has_a_test_world():
    assert list(SECTION_WORLDS) == list(KEYS)
    assert set(PORTAL_PK) == set(KEYS)


def profile_tabs(html: str) -> list[tuple[str, str]]:
    return TAB.findall(TABS.search(html).group(0))


@pytest.mark.django_db
def test_the_profile_tabs_are_the_registry_in_order(organization):
    client = ClientFactory(organization=organization)
    http = signed_in(MembershipFactory(organization=organization).user)
    tabs = profile_tabs(http.get(reverse("clients:detail", args=[client.pk])).content.decode())
    assert tabs == [
        (f"/clients/{client.pk}/", "Overview"),
        *((f"/clients/{client.pk}/{s.slug}/", s.tab) for s in SECTIONS),
    ]


@pytest.mark.django_db
def test_a_section_tab_says_when_the_section_is_off_for_the_client(organization):
    from portal_settings.services import portal_settings_update
    from portal_settings.targets import Target

    provider = MembershipFactory(organization=organization).user
    client = ClientFactory(organization=organization)
    target = Target.of(client).reload()
    portal_settings_update(
        actor=provider,
        target=target,
        changes={"goals": "off"},
        shown_version=target.version_token(),
        reason="not_relevant",
    )
    http = signed_in(provider)
    off = http.get(reverse("provider:client-goals", args=[client.pk])).content.decode()
    on = http.get(reverse("provider:client-journal", args=[client.pk])).content.decode()
    assert "is not part of" in off and "View and create goals" in off
    assert "is not part of" not in on


# A new section, as its package under portal/ would provide it; nothing else is edited.
@portal_section("fake")
@require_GET
def fake_index(request):
    return HttpResponse("Fake things")


@require_GET
def fake_client_tab(request, pk):
    return HttpResponse("A client's fake things")


def _module(name, **attributes):
    module = ModuleType(name)
    module.__dict__.update(attributes)
    return module


URLCONFS = ("portal.urls", "portal.provider_urls", "config.urls")


def _reload_urlconfs():
    for name in URLCONFS:
        importlib.reload(sys.modules[name])
    clear_url_caches()


@pytest.fixture
def fake_section(monkeypatch):
    fake = Section(
        "fake",
        "View fake things",
        "Fake things",
        "Things for the registry test.",
        slug="fake-things",
        package="fake_things",
    )
    seeded = []
    modules = [
        _module("portal.fake_things", __path__=[]),
        _module("portal.fake_things.urls", urlpatterns=[path("", fake_index, name="fake")]),
        _module(
            "portal.fake_things.provider_urls",
            urlpatterns=[
                path("clients/<int:pk>/fake-things/", fake_client_tab, name="client-fake-things")
            ],
        ),
        _module("portal.fake_things.models"),
        _module("portal.fake_things.demo", seed=lambda **people: seeded.append(people)),
    ]
    for module in modules:
        monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(sections, "SECTIONS", (*sections.SECTIONS, fake))
    monkeypatch.setitem(sections.BY_KEY, "fake", fake)
    _reload_urlconfs()
    yield seeded
    monkeypatch.undo()
    _reload_urlconfs()
    assert reverse("portal:goals") == "/portal/goals/"
    with pytest.raises(NoReverseMatch):
        reverse("portal:fake")


@pytest.mark.django_db
def test_a_new_entry_brings_its_urls_tab_and_demo_with_no_other_edit(fake_section, organization):
    assert reverse("portal:fake") == "/portal/fake-things/"
    assert section_tag(resolve("/portal/fake-things/").func) == "fake"

    client = ClientFactory(organization=organization)
    http = signed_in(MembershipFactory(organization=organization).user)
    tabs = profile_tabs(http.get(reverse("clients:detail", args=[client.pk])).content.decode())
    assert tabs[-1] == (f"/clients/{client.pk}/fake-things/", "Fake things")
    assert http.get(tabs[-1][0]).content == b"A client's fake things"

    call_command("seed_demo", stdout=sys.stderr)
    assert len(fake_section) == 1
    people = fake_section[0]
    assert people["organization"].name == "Demo Wellness"
    assert people["clients"]["client@demo.test"].user.email == "client@demo.test"

"""How the section registry becomes the portal: one convention per thing a section contributes.

Each entry of portal_settings.sections.SECTIONS names a package under portal/. That package has:

- `urls.py`: the client's pages, served at /portal/<slug>/; its index is named after the key
  (`portal:<key>`) and every view is tagged with the key (`@portal_section`);
- `provider_urls.py`: the provider's pages; the client's tab on the provider's profile page is
  named `provider:client-<slug>` and takes the client's id;
- `models.py`: its models (app label `portal`, migrations in portal/migrations);
- `demo.py`: `seed(*, organization, admin, provider, clients)`, idempotent demo content;
- optionally, a card on the client's home: `selectors.home_summary(client)` and
  `templates/portal/<package>/_home_card.html` (see `home_cards`).

Nothing else lists the sections: the URL confs, the models, the profile tabs and the demo
loop over the registry here. The registry is read at call time, so a test can add an entry.
"""

from importlib import import_module
from importlib.util import find_spec
from typing import NamedTuple

from django.urls import include, path

from portal_settings import sections as registry


def module_of(section, name: str):
    """One of the section's modules, e.g. module_of(section, "demo")."""
    return import_module(f"portal.{section.package}.{name}")


def client_urlpatterns() -> list:
    return [
        path(f"{section.slug}/", include(f"portal.{section.package}.urls"))
        for section in registry.SECTIONS
    ]


def provider_urlpatterns() -> list:
    return [
        path("", include(f"portal.{section.package}.provider_urls"))
        for section in registry.SECTIONS
    ]


def provider_tab_url_name(section) -> str:
    """The URL name of the section's tab on a client's profile in the provider app."""
    return f"provider:client-{section.slug}"


def import_models() -> None:
    """Import every section's models so that Django registers them under `portal`."""
    for section in registry.SECTIONS:
        module_of(section, "models")


def demo_seed(**people) -> None:
    """Every section's demo content, in registry order (billing before packages)."""
    for section in registry.SECTIONS:
        module_of(section, "demo").seed(**people)


class HomeCard(NamedTuple):
    section: object  # portal_settings.sections.Section
    template: str
    summary: object
    can_act: bool  # False when the section is View only: the card offers no action


def home_cards(*, client, allowed) -> list[HomeCard]:
    """The portal home's cards, one for each section the client may use whose package offers
    one: `selectors.home_summary(client)` (one small query) and
    `templates/portal/<package>/_home_card.html`, which gets its result as `summary` (and
    `can_act`, False when the section is View only). Sections not allowed are never read."""
    cards = []
    for section in registry.SECTIONS:
        if not allowed.allows(section.key):
            continue
        summary = getattr(_selectors(section), "home_summary", None)
        if summary is not None:
            template = f"portal/{section.package}/_home_card.html"
            cards.append(HomeCard(section, template, summary(client), allowed.can_act(section.key)))
    return cards


def _selectors(section):
    name = f"portal.{section.package}.selectors"
    return import_module(name) if find_spec(name) is not None else None

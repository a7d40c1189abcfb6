from django.core.checks import Error, Tags, register
from django.urls import NoReverseMatch, reverse

from portal.registry import module_of, provider_tab_url_name
from portal_settings import sections as registry


def _reverses(name: str, args=()) -> bool:
    try:
        reverse(name, args=args)
    except NoReverseMatch:
        return False
    return True


@register(Tags.urls)
def check_sections_are_complete(app_configs=None, **kwargs):
    """Refuse to start if a registry entry's package lacks a piece the portal builds on."""
    errors = []
    for section in registry.SECTIONS:
        where = f"portal/{section.package}/"
        if not _reverses(f"portal:{section.key}"):
            errors.append(
                Error(
                    f"The section {section.key!r} has no client page named {section.key!r}.",
                    hint=f"Name its index view {section.key!r} in {where}urls.py.",
                    id="portal.E001",
                )
            )
        if not _reverses(provider_tab_url_name(section), args=[1]):
            errors.append(
                Error(
                    f"The section {section.key!r} has no tab on a client's profile.",
                    hint=f"Name the client's page 'client-{section.slug}' in "
                    f"{where}provider_urls.py, taking the client's id.",
                    id="portal.E002",
                )
            )
        try:
            module_of(section, "demo").seed  # noqa: B018 (only its presence is checked)
        except (ImportError, AttributeError):
            errors.append(
                Error(
                    f"The section {section.key!r} has no demo data.",
                    hint=f"Add seed(*, organization, admin, provider, clients) in {where}demo.py.",
                    id="portal.E003",
                )
            )
    return errors

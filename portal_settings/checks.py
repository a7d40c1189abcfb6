from django.core.checks import Error, Tags, register

from portal_settings.enforcement import ACTS, NEVER, acts_tag, section_tag
from portal_settings.levels import Access
from portal_settings.sections import ALWAYS_AVAILABLE, BY_KEY, SECTIONS
from portal_settings.urlwalk import walk


@register(Tags.urls)
def check_portal_section_tags(app_configs=None, urlconf=None, **kwargs):
    """Refuse to start if a view names a section the registry does not have, or a portal view
    has no tag at all (the middleware would refuse it anyway; better to know at start-up)."""
    from django.urls import get_resolver

    errors = []
    seen, acting = set(), set()
    for route in walk(get_resolver(urlconf)):
        tag = section_tag(route.callback)
        if tag in BY_KEY:
            seen.add(tag)
        if tag in BY_KEY and acts_tag(route.callback) not in ACTS:
            errors.append(
                Error(
                    f"The view {route.view_name} ({route.route}) of the portal section {tag!r} "
                    "does not say whether it acts.",
                    hint="Tag it with @portal_section(key, acts=...) (NEVER, ON_POST, ALWAYS).",
                    id="portal_settings.E003",
                )
            )
        elif tag in BY_KEY and acts_tag(route.callback) != NEVER:
            acting.add(tag)
        if tag is not None and tag != ALWAYS_AVAILABLE and tag not in BY_KEY:
            errors.append(
                Error(
                    f"The view {route.view_name} ({route.route}) is tagged with the portal "
                    f"section {tag!r}, which is not in the section registry.",
                    hint=f"Use one of: {', '.join(BY_KEY)}.",
                    id="portal_settings.E001",
                )
            )
        elif tag is None and route.is_portal:
            errors.append(
                Error(
                    f"The portal view {route.view_name} ({route.route}) has no section tag.",
                    hint="Decorate it with @portal_section(key) or @always_available.",
                    id="portal_settings.E002",
                )
            )
    for section in SECTIONS:
        if section.key in seen and Access.VIEW in section.levels and section.key not in acting:
            errors.append(
                Error(
                    f"The portal section {section.key!r} offers View only, but none of its "
                    "views acts, so View only would be the same as Full.",
                    hint="Tag its acting views with acts=ON_POST or acts=ALWAYS, or give "
                    "the section levels=FULL_OR_OFF.",
                    id="portal_settings.E004",
                )
            )
    return errors

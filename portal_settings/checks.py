from django.core.checks import Error, Tags, register

from portal_settings.enforcement import section_tag
from portal_settings.sections import ALWAYS_AVAILABLE, BY_KEY
from portal_settings.urlwalk import walk


@register(Tags.urls)
def check_portal_section_tags(app_configs=None, urlconf=None, **kwargs):
    """Refuse to start if a view names a section the registry does not have, or a portal view
    has no tag at all (the middleware would refuse it anyway; better to know at start-up)."""
    from django.urls import get_resolver

    errors = []
    for route in walk(get_resolver(urlconf)):
        tag = section_tag(route.callback)
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
    return errors

from django.urls import reverse

from portal_settings.enforcement import section_tag
from portal_settings.levels import Access
from portal_settings.sections import BY_KEY


def portal(request):
    """The portal's tab bar and section links, and whether the current section is view-only,
    from the settings the middleware already loaded: no query, and one reverse() for all the
    links (a section's pages are served under the portal home at its registry slug,
    portal/registry.py)."""
    effective = getattr(request, "portal_settings", None)
    if effective is None:
        return {}
    match = request.resolver_match
    home = reverse("portal:home")
    current = section_tag(match.func) if match else None
    access = effective.access(current) if current in effective else None
    return {
        "portal_home_url": home,
        "portal_sections": effective.enabled_sections,
        "portal_links": [
            {"section": section, "url": f"{home}{section.slug}/"}
            for section in effective.enabled_sections
        ],
        "portal_current_section": current,
        # The current section's access level: its pages show their actions (forms, buttons)
        # only when the client can act, and a view-only notice when they cannot.
        "portal_section_access": access,
        "portal_can_act": access is Access.FULL,
        # The current section when it is View only (for the notice on its pages), else None.
        "portal_view_only": BY_KEY[current] if access is Access.VIEW else None,
    }

from django.urls import reverse

from portal_settings.enforcement import section_tag


def portal(request):
    """The portal's tab bar and section links, from the settings the middleware already
    loaded: no query, and one reverse() for all of them (a section's pages are served under
    the portal home at its registry slug, portal/registry.py)."""
    effective = getattr(request, "portal_settings", None)
    if effective is None:
        return {}
    match = request.resolver_match
    home = reverse("portal:home")
    return {
        "portal_home_url": home,
        "portal_sections": effective.enabled_sections,
        "portal_links": [
            {"section": section, "url": f"{home}{section.slug}/"}
            for section in effective.enabled_sections
        ],
        "portal_current_section": section_tag(match.func) if match else None,
    }

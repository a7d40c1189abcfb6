from portal_settings.enforcement import section_tag


def portal(request):
    """The portal's tab bar, from the settings the middleware already loaded: no query."""
    effective = getattr(request, "portal_settings", None)
    if effective is None:
        return {}
    match = request.resolver_match
    return {
        "portal_sections": effective.enabled_sections,
        "portal_current_section": section_tag(match.func) if match else None,
    }

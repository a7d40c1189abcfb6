def portal(request):
    """The portal's tab bar, from the settings the middleware already loaded: no query."""
    effective = getattr(request, "portal_settings", None)
    if effective is None:
        return {}
    return {"portal_sections": effective.enabled_sections, "portal_client": request.client}

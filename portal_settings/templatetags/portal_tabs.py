"""The portal's tab bar: Home, then a tab per section the signed-in client may use."""

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("portal/_tabs.html", takes_context=True)
def portal_tabs(context):
    request = context["request"]
    effective = getattr(request, "portal_settings", None)
    match = request.resolver_match
    return {
        "home_url": reverse("portal:home"),
        "on_home": match is not None and match.url_name == "home",
        "current": context.get("portal_current_section"),
        "sections": effective.enabled_sections if effective is not None else (),
    }

"""The portal's tab bar: Home, then a tab per section the signed-in client may use."""

from django import template

register = template.Library()


@register.inclusion_tag("portal/_tabs.html", takes_context=True)
def portal_tabs(context):
    match = context["request"].resolver_match
    return {
        "home_url": context.get("portal_home_url"),
        "on_home": match is not None and match.url_name == "home",
        "current": context.get("portal_current_section"),
        "links": context.get("portal_links", ()),
    }

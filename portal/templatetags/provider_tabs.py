"""The tabs of a client's profile in the provider app: Overview, then one per portal section.

The profile page belongs to clients/, the section tabs to the portal: the portal contributes
them here (clients/ loads this tag library in its template, and never imports the portal).
"""

from django import template
from django.urls import reverse

from portal.registry import provider_tab_url_name
from portal_settings import sections as registry
from portal_settings.resolver import effective_settings_for_client

register = template.Library()


@register.inclusion_tag("clients/_profile_tabs.html")
def profile_tabs(client, active):
    """`client` loaded with its settings; a section tab that is View only or Off for them says
    so."""
    tabs = [
        {"key": "overview", "label": "Overview", "url": reverse("clients:detail", args=[client.pk])}
    ]
    tabs += [
        {
            "key": section.key,
            "label": section.tab,
            "url": reverse(provider_tab_url_name(section), args=[client.pk]),
        }
        for section in registry.SECTIONS
    ]
    notice = None
    if active in registry.BY_KEY:
        resolution = effective_settings_for_client(client=client)[active]
        if not resolution.can_act:
            notice = resolution
    return {"tabs": tabs, "active": active, "client": client, "notice": notice}

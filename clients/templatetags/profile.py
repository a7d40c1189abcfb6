"""The tabs of a client's profile in the provider app."""

from django import template
from django.urls import reverse

from portal_settings.resolver import effective_settings_for_client
from portal_settings.sections import BY_KEY

register = template.Library()

# (tab key, label, URL name); a tab whose key is a portal section says when it is off.
PROFILE_TABS = [
    ("overview", "Overview", "clients:detail"),
    ("documents", "Documents", "provider:client-documents"),
    ("forms", "Forms", "provider:client-forms"),
    ("care_plans", "Care plans", "provider:client-care-plans"),
    ("programs", "Programs", "provider:client-programs"),
    ("goals", "Goals", "provider:client-goals"),
    ("journal", "Journal", "provider:client-journal"),
    ("appointments", "Appointments", "provider:client-appointments"),
    ("billing", "Billing", "provider:client-billing"),
    ("packages", "Packages", "provider:client-packages"),
]


@register.inclusion_tag("clients/_profile_tabs.html")
def profile_tabs(client, active):
    tabs = [
        {"key": key, "label": label, "url": reverse(url_name, args=[client.pk])}
        for key, label, url_name in PROFILE_TABS
    ]
    notice = None
    if active in BY_KEY:
        resolution = effective_settings_for_client(client=client)[active]
        if not resolution.enabled:
            notice = resolution
    return {"tabs": tabs, "active": active, "client": client, "notice": notice}

from django import template

from portal_settings.models import PRESET_ACTIONS, Preset
from portal_settings.resolver import (
    clients_with_settings,
    effective_settings_for_client,
    trail_value_label,
)
from portal_settings.sections import BY_KEY

register = template.Library()

VALUE_LABELS = {
    "on": "On",
    "off": "Off",
    "default": "Default",
    "active": "Active",
    "archived": "Archived",
}


@register.filter
def audit_value(value: str) -> str:
    """How a value in the audit trail reads on the page."""
    return VALUE_LABELS.get(value, value or "—")


@register.filter
def trail_value(value: str, entry) -> str:
    """A settings value in the trail, in the settings pages' words ("Set for this client: Off")."""
    if entry.section:
        return trail_value_label(entry.level, value)
    if entry.action in PRESET_ACTIONS and value not in VALUE_LABELS:
        return Preset.trail_summary_words(value) or "—"
    return audit_value(value)


@register.filter
def section_label(key: str) -> str:
    """A section's label from its registry key (as the audit trail stores it)."""
    section = BY_KEY.get(key)
    return section.label if section else key


@register.inclusion_tag("portal_settings/_client_summary.html")
def client_portal_summary(client):
    """The "Client Portal" card of a client's profile (contributed here, so the clients app
    needs to know nothing about settings): one query for the client's three levels."""
    loaded = clients_with_settings().get(pk=client.pk)
    return {"client": client, "portal": effective_settings_for_client(client=loaded)}

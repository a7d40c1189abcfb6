from django import template

from portal_settings.resolver import trail_value_label

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
    return audit_value(value)

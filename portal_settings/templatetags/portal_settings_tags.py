from django import template

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

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def email_breaks(email) -> str:
    """The address with a line-break opportunity after each dot and before the @, so a narrow
    column wraps it as "liam.byrne / @demo.test" instead of mid-word. Escaped first; an escaped
    character (&amp; &#x27;) has no dot or @ in it."""
    escaped = str(conditional_escape(email))
    return mark_safe(escaped.replace(".", ".<wbr>").replace("@", "<wbr>@"))  # noqa: S308

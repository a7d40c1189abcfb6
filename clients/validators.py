"""Input rules shared by every form and view: one-line names, strict ids.

Django's forms.CharField already refuses NUL bytes (PostgreSQL cannot store them); values read
from request.GET or request.POST by hand must go through a form field or `parse_id` too.
"""

import re

from django.core.exceptions import ValidationError

# Ids are ASCII digits only (str.isdigit() accepts "²" and "٣"), and short enough for a
# bigint column: anything else is no id at all.
_ID = re.compile(r"[0-9]{1,18}")

# Everything str.splitlines() breaks on, so nothing that reaches an email header can start a
# new header line.
_LINE_BREAKS = re.compile(r"[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def parse_id(value) -> int | None:
    """The id in `value` if it is one (1 to 18 ASCII digits), else None."""
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value)
    return None


def validate_single_line(value: str) -> None:
    if _LINE_BREAKS.search(value or ""):
        raise ValidationError("Use a single line: line breaks are not allowed here.", code="lines")


def one_line(text: str) -> str:
    """An email subject on one line, whatever went into it."""
    return " ".join(_LINE_BREAKS.sub(" ", text).split())

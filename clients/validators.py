"""Input rules shared by every form and view: one-line names, strict ids, email addresses.

Django's forms.CharField already refuses NUL bytes (PostgreSQL cannot store them); values read
from request.GET or request.POST by hand must go through a form field or `parse_id` too.
"""

import re
import unicodedata

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


# An "Other" reason for hiding a client's records (portal_settings.reasons, moves too).
OTHER_REASON_MAX_LENGTH = 200


def other_reason_needed(other: str) -> str:
    """What a refusal asks of an "Other" reason that is missing or bad, saying what is wrong."""
    other = " ".join((other or "").split())
    if "\x00" in other:
        return ", and for Other say why without a character that cannot be saved (a NUL byte)"
    if len(other) > OTHER_REASON_MAX_LENGTH:
        return (
            f", and for Other say why in at most {OTHER_REASON_MAX_LENGTH} characters (this "
            f"has {len(other)})"
        )
    return ", and for Other say why in a few words"


def validate_single_line(value: str) -> None:
    if _LINE_BREAKS.search(value or ""):
        raise ValidationError("Use a single line: line breaks are not allowed here.", code="lines")


def one_line(text: str) -> str:
    """An email subject on one line, whatever went into it."""
    return " ".join(_LINE_BREAKS.sub(" ", text).split())


# Control, format (zero-width space, soft hyphen, word joiner, byte order mark, direction
# marks), private-use, unassigned and space characters: none is typed in an address on purpose,
# and some are dropped on the way out (IDNA maps them away), so the mail reaches another
# account's inbox.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp", "Zs"}

EMAIL_INVISIBLE = (
    "This address contains an invisible character (often copied with it from a document or a "
    "web page). Retype the address."
)


def validate_email_characters(value: str) -> None:
    """Refuse an address that is not the one its mail would go to.

    One email is one account, compared in its normal form (clients.models.UserManager). An
    invisible character, or a domain written in characters that IDNA maps to others (a
    fullwidth letter, "ß"), would be a second account whose mail reaches the first one's inbox:
    Django sends to the domain's IDNA form.
    """
    value = value or ""
    if any(unicodedata.category(char) in _INVISIBLE_CATEGORIES for char in value):
        raise ValidationError(EMAIL_INVISIBLE, code="invisible")
    domain = value.rpartition("@")[2]
    try:
        sent_to = domain.encode("idna").decode("idna")
    except UnicodeError:
        return  # not a domain at all: Django's EmailValidator says so
    if sent_to.lower() != domain.lower():
        raise ValidationError(
            f"Email for this address would go to {sent_to}. Retype the address with that "
            "domain after the @.",
            code="domain",
        )

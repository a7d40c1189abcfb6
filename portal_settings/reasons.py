"""A reason when a client's own records are hidden from them.

Turning Off a section that holds the client's own records (documents, intake forms, care plans,
journal, goals, programs) withholds those records from them, which US information-blocking
rules expect a practice to be able to explain. Such a change asks for a reason from a short
list, and the reason is kept in the audit entry of each section it hid.

View only is not hiding: the client still sees every record (they cannot add or change one),
so it needs no reason. Nor does a change that leaves the section as visible as it was, or one
to a section that holds no records of the client's (billing, appointments, packages).
"""

from django.db import models

from clients.validators import OTHER_REASON_MAX_LENGTH
from portal_settings.levels import Access
from portal_settings.sections import SECTIONS

RECORD_SECTIONS = frozenset({"documents", "forms", "care_plans", "journal", "goals", "programs"})
OTHER_MAX_LENGTH = OTHER_REASON_MAX_LENGTH


class HidingReason(models.TextChoices):
    CLIENT_REQUEST = "client_request", "The client's request"
    RISK_OF_HARM = "risk_of_harm", "Risk of harm (clinician's judgment)"
    NOT_RELEVANT = "not_relevant", "Not relevant to this client"
    OTHER = "other", "Other"


def hides_records(change) -> bool:
    """A change (services.Change) that takes a records section from visible to Off."""
    return (
        change.section.key in RECORD_SECTIONS
        and change.before is not Access.OFF
        and change.access is Access.OFF
    )


def reason_words(*, reason: str, other: str = "") -> str | None:
    """The reason as kept in the audit entry ("Risk of harm (clinician's judgment)", "Other:
    court order"), or None when it is missing or not one of the list."""
    if reason not in HidingReason.values:
        return None
    if reason != HidingReason.OTHER:
        return HidingReason(reason).label
    other = " ".join((other or "").split())
    if not other or len(other) > OTHER_MAX_LENGTH or "\x00" in other:
        return None
    return f"Other: {other}"


REASON_NEEDED = (
    "Turning off {sections} hides the client's own records from them: choose a reason from the "
    "list{other}."
)


def section_names(sections) -> str:
    """Sections as the settings page's rows name them, in the reference's words: “View and
    upload documents”, “View and create journal entries” (not their short tab names)."""
    return ", ".join(f"“{section.label}”" for section in sections)


def reason_context() -> dict:
    """What the reason fields of a form draw."""
    return {
        "hiding_reasons": HidingReason.choices,
        "record_sections": section_names(s for s in SECTIONS if s.key in RECORD_SECTIONS),
    }

"""What a SAVE says it did, in the form's words: the same sentence in the app and the admin."""

from django.template.defaultfilters import pluralize

from portal_settings.models import Level
from portal_settings.selectors import settings_reach
from portal_settings.targets import Target


def describe(changes, *, target: Target | None = None) -> str:
    """The confirmation: what changed, in the form's words, and whom a group's or the
    practice's change reaches."""
    reach = settings_reach(target=target, keys=[c.section.key for c in changes]) if target else {}
    parts = []
    for change in changes:
        # "View and pay bills: Full → View only"; "Goals: Off → inherited again (Full)"
        after = change.access.label
        if change.follows_default:
            after = f"inherited again ({after})"
        part = f"{change.section.label}: {change.before.label} → {after}"
        if change.held_by is not None:
            # "Off → View only after the dates (now Off until Mar 1)"
            part += f" after the dates (now {change.held_by.words()})"
        if change.dated:
            part = f"{change.section.label}: " + (
                change.dated_words or f"dates cleared (now {change.access.label})"
            )
        if change.section.key in reach:
            part += ": " + _reach_text(reach[change.section.key], target)
        parts.append(part)
    return "Saved. " + "; ".join(parts) + "."


def _reach_text(reach, target: Target) -> str:
    if target.level == Level.GROUP:
        where, own = f"in {target.obj.name}", "with their own setting"
    else:
        where, own = "of the practice", "whose group or own setting decides"
    text = f"affects the {reach.active} active client{pluralize(reach.active)} {where}"
    if reach.decided_below:
        text += f", except {reach.decided_below} {own}"
    return text

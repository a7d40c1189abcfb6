"""Writing to the append-only audit trail. Callers hold the transaction of the change itself."""

from audit.models import AuditEntry, Level

ELLIPSIS = "\u2026"


def fit(field: str, value: str) -> str:
    """`value` cut to the length of the trail's column `field`, an ellipsis saying it was: the
    trail copies what people typed (names, addresses), which may be longer than its columns."""
    length = AuditEntry._meta.get_field(field).max_length
    return value if len(value) <= length else value[: length - 1] + ELLIPSIS


def actor_label(actor) -> str:
    """The actor as the trail names them: "<name> <<email>>", the name cut (never the address)
    when the whole does not fit its column."""
    if actor is None:
        return "System"
    name, email = actor.get_full_name(), actor.email
    if not name:
        return fit("actor_label", email)
    room = AuditEntry._meta.get_field("actor_label").max_length - len(f" <{email}>")
    if len(name) > room > 0:
        name = name[: room - 1] + ELLIPSIS
    return fit("actor_label", f"{name} <{email}>")


def audit_entry(
    *,
    actor,
    organization,
    action: str,
    client=None,
    group=None,
    family_link=None,
    audience: str = "",
    section: str = "",
    old_value: str = "",
    new_value: str = "",
    note: str = "",
    reason: str = "",
) -> AuditEntry:
    """An unsaved entry; the level follows from the target (a family member, a client, a group
    or the practice)."""
    if family_link is not None:
        level = Level.FAMILY
        client = family_link.client
        audience = "family"
    elif client is not None:
        level = Level.CLIENT
    elif group is not None:
        level = Level.GROUP
    else:
        level = Level.ORGANIZATION
    return AuditEntry(
        organization=organization,
        actor=actor,
        actor_label=actor_label(actor),
        action=action,
        level=level,
        client=client,
        group=group,
        family_link=family_link,
        audience=audience,
        section=section,
        old_value=fit("old_value", old_value),
        new_value=fit("new_value", new_value),
        note=fit("note", note),
        reason=fit("reason", reason),
    )


def audit_record(**kwargs) -> AuditEntry:
    entry = audit_entry(**kwargs)
    entry.save()
    return entry

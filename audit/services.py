"""Writing to the append-only audit trail. Callers hold the transaction of the change itself."""

from audit.models import AuditEntry, Level


def actor_label(actor) -> str:
    if actor is None:
        return "System"
    name = actor.get_full_name()
    return f"{name} <{actor.email}>" if name else actor.email


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
        old_value=old_value,
        new_value=new_value,
        note=note,
        reason=reason,
    )


def audit_record(**kwargs) -> AuditEntry:
    entry = audit_entry(**kwargs)
    entry.save()
    return entry

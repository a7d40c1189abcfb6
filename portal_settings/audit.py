"""Writing to the append-only audit trail. Callers hold the transaction of the change itself."""

from django.db.models import QuerySet

from portal_settings.models import AuditEntry, Level


def actor_label(actor) -> str:
    if actor is None:
        return "System"
    name = actor.get_full_name()
    return f"{name} <{actor.email}>" if name else actor.email


def explicit_label(value: bool | None) -> str:
    """How an explicit value at one level is written in the trail."""
    if value is None:
        return "default"
    return "on" if value else "off"


def audit_entry(
    *,
    actor,
    organization,
    action: str,
    client=None,
    group=None,
    section: str = "",
    old_value: str = "",
    new_value: str = "",
    note: str = "",
) -> AuditEntry:
    """An unsaved entry; the level follows from the target (client, group or practice)."""
    if client is not None:
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
        section=section,
        old_value=old_value,
        new_value=new_value,
        note=note,
    )


def audit_record(**kwargs) -> AuditEntry:
    entry = audit_entry(**kwargs)
    entry.save()
    return entry


def history_for(*, organization, level: str, target=None) -> QuerySet:
    """The trail of one target, newest first, scoped to its practice."""
    entries = AuditEntry.objects.filter(organization=organization, level=level)
    if level == Level.CLIENT:
        entries = entries.filter(client=target)
    elif level == Level.GROUP:
        entries = entries.filter(group=target)
    return entries.select_related("client__user", "group")

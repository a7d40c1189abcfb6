"""Reading the audit trail."""

from django.db.models import QuerySet

from audit.models import AuditEntry, Level


def history_for(*, organization, level: str, target=None) -> QuerySet:
    """The trail of one target, newest first, scoped to its practice."""
    entries = AuditEntry.objects.filter(organization=organization, level=level)
    if level == Level.CLIENT:
        entries = entries.filter(client=target)
    elif level == Level.GROUP:
        entries = entries.filter(group=target)
    return entries.select_related("client__user", "group")

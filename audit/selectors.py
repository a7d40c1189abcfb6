"""Reading the audit trail."""

from django.db.models import QuerySet

from audit.models import AuditEntry, Level


def history_for(*, organization, level: str, target=None, audience: str = "") -> QuerySet:
    """The trail of one target, newest first, scoped to its practice. A group's or the
    practice's page shows its clients' column or, with audience "family", its family
    column's changes."""
    entries = AuditEntry.objects.filter(organization=organization, level=level)
    if level in (Level.GROUP, Level.ORGANIZATION):
        family = audience == "family"
        entries = (
            entries.filter(audience="family") if family else entries.exclude(audience="family")
        )
    if level == Level.CLIENT:
        entries = entries.filter(client=target)
    elif level == Level.FAMILY:
        entries = entries.filter(family_link=target)
    elif level == Level.GROUP:
        entries = entries.filter(group=target)
    return entries

"""Reads of intake forms shared outside their own pages."""

from dataclasses import dataclass

from django.db.models import Count, Window

from portal.intake.models import FormAssignment

HOME_LIMIT = 3


@dataclass(frozen=True)
class FormsSummary:
    to_complete: list[FormAssignment]  # the oldest first, at most HOME_LIMIT
    count: int  # all of them

    @property
    def more(self) -> int:
        return self.count - len(self.to_complete)


def home_summary(client) -> FormsSummary:
    """Forms waiting for the client, oldest first: one query (the count is a window)."""
    waiting = list(
        FormAssignment.objects.filter(client=client)
        .exclude(status=FormAssignment.Status.SUBMITTED)
        .select_related("form")
        .only("pk", "status", "assigned_at", "form__title")
        .annotate(waiting=Window(Count("pk")))
        .order_by("assigned_at", "pk")[:HOME_LIMIT]
    )
    return FormsSummary(to_complete=waiting, count=waiting[0].waiting if waiting else 0)

from django.db import transaction
from django.utils import timezone

from portal.goals.models import Goal


def goal_create(*, actor, client, title: str, target_date=None) -> Goal:
    return Goal.objects.create(
        organization_id=client.organization_id,
        client=client,
        title=title.strip(),
        target_date=target_date,
        created_by=actor,
    )


@transaction.atomic
def goal_set_complete(*, goal: Goal, complete: bool, acted_by=None) -> Goal:
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    if complete and goal.completed_at is None:
        goal.completed_at = timezone.now()
    elif not complete:
        goal.completed_at = None
    goal.acted_by = acted_by
    goal.save(update_fields=["completed_at", "acted_by"])
    return goal

"""Demo goals: Casey's three, one of them done."""

import datetime as dt

from django.utils import timezone

from portal.goals.models import Goal
from portal.goals.services import goal_create, goal_set_complete


def seed(*, organization, admin, provider, clients) -> None:
    casey = clients["client@demo.test"]
    if Goal.objects.filter(client=casey).exists():
        return
    today = timezone.localdate()
    goal_create(
        actor=casey.user,
        client=casey,
        title="Eat breakfast before school",
        target_date=today + dt.timedelta(days=30),
    )
    done = goal_create(actor=provider, client=casey, title="Bed by 10:30 pm on school nights")
    goal_set_complete(goal=done, complete=True)
    goal_create(
        actor=provider,
        client=casey,
        title="Walk 20 minutes after school",
        target_date=today + dt.timedelta(days=60),
    )

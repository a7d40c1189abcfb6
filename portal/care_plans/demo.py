"""Demo care plan: Casey's active spring plan."""

from portal.care_plans.models import CarePlan
from portal.care_plans.services import care_plan_activate, care_plan_create


def seed(*, organization, admin, provider, clients) -> None:
    casey = clients["client@demo.test"]
    if CarePlan.objects.filter(client=casey).exists():
        return
    plan = care_plan_create(
        actor=provider,
        client=casey,
        title="Spring plan",
        description="Steadier energy through the school term.",
        recommendations=[
            "Breakfast with protein every day",
            "20 minutes outside after school",
            "Screens off at 9:30 pm",
        ],
    )
    care_plan_activate(plan=plan)

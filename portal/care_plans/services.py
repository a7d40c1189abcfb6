from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.care_plans.models import CarePlan


def _clean(recommendations) -> list[str]:
    return [line.strip() for line in recommendations if line.strip()]


def care_plan_create(
    *, actor, client, title: str, description: str = "", recommendations=()
) -> CarePlan:
    return CarePlan.objects.create(
        organization_id=client.organization_id,
        client=client,
        title=title.strip(),
        description=description.strip(),
        recommendations=_clean(recommendations),
        created_by=actor,
    )


@transaction.atomic
def care_plan_update(*, plan: CarePlan, title: str, description: str, recommendations) -> CarePlan:
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != CarePlan.Status.DRAFT:
        raise ValidationError(
            "Only a draft can be edited. Copy this plan into a new draft to change it."
        )
    plan.title, plan.description = title.strip(), description.strip()
    plan.recommendations = _clean(recommendations)
    plan.save(update_fields=["title", "description", "recommendations", "updated_at"])
    return plan


@transaction.atomic
def care_plan_activate(*, plan: CarePlan) -> CarePlan:
    """Make this the client's active plan; the plan active before it is retired."""
    plans = CarePlan.objects.select_for_update().filter(client_id=plan.client_id)
    plan = plans.get(pk=plan.pk)
    if plan.status != CarePlan.Status.DRAFT:
        raise ValidationError("Only a draft can be activated.")
    plans.filter(status=CarePlan.Status.ACTIVE).update(
        status=CarePlan.Status.RETIRED, updated_at=timezone.now()
    )
    plan.status = CarePlan.Status.ACTIVE
    plan.activated_at = timezone.now()
    plan.save(update_fields=["status", "activated_at", "updated_at"])
    return plan


@transaction.atomic
def care_plan_retire(*, plan: CarePlan) -> CarePlan:
    plan = CarePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != CarePlan.Status.ACTIVE:
        raise ValidationError("Only the active plan can be retired.")
    plan.status = CarePlan.Status.RETIRED
    plan.save(update_fields=["status", "updated_at"])
    return plan


def care_plan_copy(*, actor, plan: CarePlan) -> CarePlan:
    """A new draft with the same content, to revise an active or retired plan."""
    return care_plan_create(
        actor=actor,
        client=plan.client,
        title=plan.title,
        description=plan.description,
        recommendations=plan.recommendations,
    )

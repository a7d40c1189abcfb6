"""Care plans in the Client Portal ("View care plans"): read-only, active plans only."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.care_plans.models import CarePlan
from portal_settings.enforcement import portal_section
from portal_settings.sections import BY_KEY

SECTION = BY_KEY["care_plans"]


@portal_section(SECTION.key)
@require_safe
def index(request):
    plans = request.client.care_plans.filter(status=CarePlan.Status.ACTIVE).select_related(
        "created_by"
    )
    return render(request, "portal/care_plans/index.html", {"section": SECTION, "plans": plans})

"""Goals in the Client Portal ("View and create goals")."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from clients.security import scoped_get_or_404
from portal.goals.forms import GoalForm
from portal.goals.models import Goal
from portal.goals.services import goal_create, goal_set_complete
from portal_settings.enforcement import ALWAYS, ON_POST, portal_section
from portal_settings.sections import BY_KEY

SECTION = BY_KEY["goals"]


@portal_section(SECTION.key, acts=ON_POST)
@require_http_methods(["GET", "HEAD", "POST"])
def index(request):
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        goal = goal_create(actor=request.user, client=request.client, **form.cleaned_data)
        messages.success(request, f"Goal added: {goal.title}")
        return redirect("portal:goals")
    goals = list(request.client.goals.select_related("created_by"))
    context = {
        "section": SECTION,
        "form": form,
        "active": [g for g in goals if g.completed_at is None],
        "done": [g for g in goals if g.completed_at is not None],
    }
    return render(request, "portal/goals/index.html", context, status=400 if form.errors else 200)


@portal_section(SECTION.key, acts=ALWAYS)
@require_POST
def toggle(request, pk):
    goal = scoped_get_or_404(Goal, pk=pk, client=request.client)
    goal = goal_set_complete(
        goal=goal, complete=request.POST.get("complete") == "1", acted_by=request.user
    )
    messages.success(
        request,
        f"“{goal.title}” {'is complete. Well done!' if goal.completed_at else 'is open again.'}",
    )
    return redirect("portal:goals")

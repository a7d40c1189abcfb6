from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from clients.access import provider_required
from portal.goals.forms import GoalForm
from portal.goals.services import goal_create
from portal_settings.selectors import client_with_settings_get


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_goals(request, pk):
    client = client_with_settings_get(organization=request.organization, pk=pk)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        goal = goal_create(actor=request.user, client=client, **form.cleaned_data)
        messages.success(request, f"Goal set for {client.name}: {goal.title}")
        return redirect("provider:client-goals", pk=client.pk)
    goals = list(client.goals.select_related("created_by"))
    context = {
        "client": client,
        "active_tab": "goals",
        "form": form,
        "active": [g for g in goals if g.completed_at is None],
        "done": [g for g in goals if g.completed_at is not None],
    }
    return render(
        request, "portal/goals/provider_client.html", context, status=400 if form.errors else 200
    )

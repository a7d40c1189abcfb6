"""Care plans on the client's profile in the provider app."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clients.access import provider_required
from clients.forms import apply_validation_error
from clients.security import scoped_get_or_404
from portal.care_plans import services
from portal.care_plans.forms import CarePlanForm
from portal.care_plans.models import CarePlan
from portal_settings.selectors import client_with_settings_get


def _plan_get(request, pk, plan_pk):
    return scoped_get_or_404(CarePlan, pk=plan_pk, client_id=pk, organization=request.organization)


@provider_required
@require_safe
def client_care_plans(request, pk):
    client = client_with_settings_get(organization=request.organization, pk=pk)
    context = {"client": client, "active_tab": "care_plans", "plans": client.care_plans.all()}
    return render(request, "portal/care_plans/provider_client.html", context)


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_create(request, pk):
    client = client_with_settings_get(organization=request.organization, pk=pk)
    form = CarePlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.care_plan_create(actor=request.user, client=client, **form.cleaned_data)
        messages.success(
            request, "The care plan was saved as a draft. Activate it to show it to the client."
        )
        return redirect("provider:client-care-plans", pk=client.pk)
    context = {"client": client, "active_tab": "care_plans", "form": form, "plan": None}
    return render(
        request, "portal/care_plans/provider_form.html", context, status=400 if form.errors else 200
    )


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_edit(request, pk, plan_pk):
    client = client_with_settings_get(organization=request.organization, pk=pk)
    plan = _plan_get(request, pk, plan_pk)
    initial = {
        "title": plan.title,
        "description": plan.description,
        "recommendations": "\n".join(plan.recommendations),
    }
    form = CarePlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.care_plan_update(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The draft was saved.")
            return redirect("provider:client-care-plans", pk=client.pk)
    context = {"client": client, "active_tab": "care_plans", "form": form, "plan": plan}
    return render(
        request, "portal/care_plans/provider_form.html", context, status=400 if form.errors else 200
    )


@provider_required
@require_POST
def plan_action(request, pk, plan_pk):
    plan = _plan_get(request, pk, plan_pk)
    action = request.POST.get("action")
    try:
        if action == "activate":
            services.care_plan_activate(plan=plan)
            messages.success(
                request, f"“{plan.title}” is now the active care plan; the client can read it."
            )
        elif action == "retire":
            services.care_plan_retire(plan=plan)
            messages.success(request, f"“{plan.title}” was retired; the client no longer sees it.")
        elif action == "copy":
            services.care_plan_copy(actor=request.user, plan=plan)
            messages.success(request, f"A new draft copy of “{plan.title}” was made.")
        else:
            return render(
                request,
                "400.html",
                {"exception": "Unknown action. Nothing was changed."},
                status=400,
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("provider:client-care-plans", pk=pk)

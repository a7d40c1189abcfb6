"""Intake forms in the provider app: the builder, assigning, and reading answers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clients.access import provider_required
from clients.forms import apply_validation_error
from clients.security import scoped_get_or_404
from portal.intake import services
from portal.intake.answers import display
from portal.intake.builder_forms import AssignForm, IntakeFormForm, QuestionForm
from portal.intake.models import FormAssignment, IntakeForm, Question
from portal_settings.selectors import client_with_settings_get


def _form_get(request, pk) -> IntakeForm:
    return scoped_get_or_404(IntakeForm, pk=pk, organization=request.organization)


@provider_required
@require_safe
def form_list(request):
    forms = IntakeForm.objects.filter(organization=request.organization).prefetch_related(
        "questions"
    )
    return render(request, "portal/intake/provider_list.html", {"forms": forms})


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def form_create(request):
    form = IntakeFormForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        intake = services.intake_form_create(
            actor=request.user, organization=request.organization, **form.cleaned_data
        )
        messages.success(request, f"“{intake.title}” was created. Add its questions.")
        return redirect(intake)
    return render(request, "portal/intake/provider_create.html", {"form": form})


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def form_detail(request, pk):
    intake = _form_get(request, pk)
    question_form = QuestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if question_form.is_valid():
            try:
                services.question_add(form=intake, **question_form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(question_form, error)
            else:
                messages.success(request, "The question was added.")
                return redirect(intake)
        status = 400
    context = {
        "intake": intake,
        "questions": intake.questions.all(),
        "question_form": question_form,
        "assignments": intake.assignments.select_related("client__user"),
        "locked": intake.is_locked,
    }
    return render(request, "portal/intake/provider_detail.html", context, status=status)


@provider_required
@require_POST
def question_move(request, pk, question_pk):
    question = scoped_get_or_404(Question, pk=question_pk, form=_form_get(request, pk))
    try:
        services.question_move(question=question, up=request.POST.get("direction") == "up")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("provider:form-detail", pk=pk)


@provider_required
@require_POST
def question_remove(request, pk, question_pk):
    question = scoped_get_or_404(Question, pk=question_pk, form=_form_get(request, pk))
    try:
        services.question_remove(question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The question was removed.")
    return redirect("provider:form-detail", pk=pk)


@provider_required
@require_POST
def form_duplicate(request, pk):
    copy = services.intake_form_duplicate(actor=request.user, form=_form_get(request, pk))
    messages.success(request, f"“{copy.title}” was created; you can change its questions.")
    return redirect(copy)


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_forms(request, pk):
    client = client_with_settings_get(organization=request.organization, pk=pk)
    assign_form = AssignForm(request.POST or None, organization=request.organization)
    status = 200
    if request.method == "POST":
        if assign_form.is_valid():
            try:
                services.form_assign(
                    actor=request.user, form=assign_form.cleaned_data["form"], client=client
                )
            except ValidationError as error:
                assign_form.add_error("form", error)
            else:
                messages.success(
                    request,
                    f"“{assign_form.cleaned_data['form'].title}” was assigned to {client.name}.",
                )
                return redirect("provider:client-forms", pk=client.pk)
        status = 400
    context = {
        "client": client,
        "active_tab": "forms",
        "assign_form": assign_form,
        "assignments": client.form_assignments.select_related("form"),
    }
    return render(request, "portal/intake/provider_client.html", context, status=status)


@provider_required
@require_safe
def client_form_answers(request, pk, assignment_pk):
    client = client_with_settings_get(organization=request.organization, pk=pk)
    assignment = scoped_get_or_404(
        FormAssignment.objects.select_related("form"), pk=assignment_pk, client=client
    )
    rows = [
        (q, display(q, assignment.answers.get(str(q.pk)))) for q in assignment.form.questions.all()
    ]
    context = {"client": client, "active_tab": "forms", "assignment": assignment, "rows": rows}
    return render(request, "portal/intake/provider_answers.html", context)

"""Intake forms in the Client Portal ("View and complete intake forms")."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.views.decorators.http import require_http_methods, require_safe

from clients.security import scoped_get_or_404
from portal.intake.answers import answer_form, display, field_name, to_answers
from portal.intake.models import FormAssignment
from portal.intake.services import assignment_save
from portal_settings.enforcement import ON_POST, portal_section
from portal_settings.sections import BY_KEY

SECTION = BY_KEY["forms"]


@portal_section(SECTION.key)
@require_safe
def index(request):
    assignments = request.client.form_assignments.select_related("form")
    context = {
        "section": SECTION,
        "open": [a for a in assignments if not a.is_submitted],
        "submitted": [a for a in assignments if a.is_submitted],
    }
    return render(request, "portal/intake/index.html", context)


@portal_section(SECTION.key, acts=ON_POST)
@require_http_methods(["GET", "HEAD", "POST"])
def fill(request, pk):
    assignment = scoped_get_or_404(
        FormAssignment.objects.select_related("form"), pk=pk, client=request.client
    )
    questions = list(assignment.form.questions.all())
    if assignment.is_submitted:
        rows = [(q, display(q, assignment.answers.get(str(q.pk)))) for q in questions]
        return render(
            request, "portal/intake/submitted.html", {"assignment": assignment, "rows": rows}
        )

    autosave = bool(request.htmx)
    submit = request.method == "POST" and request.POST.get("action") == "submit" and not autosave
    form = answer_form(
        questions,
        data=request.POST if request.method == "POST" else None,
        answers=assignment.answers,
        enforce_required=submit,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assignment = assignment_save(
                    assignment=assignment,
                    answers=to_answers(questions, form.cleaned_data),
                    submit=submit,
                    acted_by=request.user,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("portal:forms")
            if autosave:
                saved = time_format(timezone.localtime(assignment.draft_saved_at), "g:i A")
                return HttpResponse(f"Draft saved at {saved}.")
            if submit:
                messages.success(
                    request, f"Thank you. “{assignment.form.title}” was sent to your provider."
                )
                return redirect("portal:forms")
            messages.success(request, "Your answers are saved. You can finish the form later.")
            return redirect("portal:forms-fill", pk=assignment.pk)
        if autosave:
            return HttpResponse(
                "Not saved yet: one of your answers is not valid. "
                "Click “Save and finish later” to see which.",
                status=400,
            )
        status = 400
    context = {
        "assignment": assignment,
        "form": form,
        "questions": questions,
        "field_name": field_name,
    }
    return render(request, "portal/intake/fill.html", context, status=status)

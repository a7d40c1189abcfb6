"""Programs in the Client Portal ("View and complete programs")."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from clients.security import scoped_get_or_404
from portal.programs.models import Enrollment
from portal.programs.progress import progress_for
from portal.programs.services import module_complete
from portal_settings.enforcement import ON_POST, portal_section
from portal_settings.sections import BY_KEY

SECTION = BY_KEY["programs"]


def _enrollment(request, pk) -> Enrollment:
    return scoped_get_or_404(
        Enrollment.objects.select_related("program"), pk=pk, client=request.client
    )


@portal_section(SECTION.key)
@require_safe
def index(request):
    enrollments = request.client.enrollments.select_related("program")
    return render(
        request,
        "portal/programs/index.html",
        {"section": SECTION, "progress": progress_for(enrollments)},
    )


@portal_section(SECTION.key)
@require_safe
def program(request, pk):
    progress = progress_for([_enrollment(request, pk)])[0]
    return render(request, "portal/programs/program.html", {"progress": progress})


@portal_section(SECTION.key, acts=ON_POST)
@require_http_methods(["GET", "HEAD", "POST"])
def module(request, pk, module_pk):
    enrollment = _enrollment(request, pk)
    progress = progress_for([enrollment])[0]
    state = progress.state_of(module_pk)
    if state is None:
        return render(request, "404.html", status=404)
    if not state.available:
        messages.error(request, f"Complete “{progress.next_module}” first; modules open in order.")
        return redirect("portal:programs-program", pk=enrollment.pk)
    if request.method == "POST":
        try:
            module_complete(enrollment=enrollment, module=state.module, acted_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("portal:programs-program", pk=enrollment.pk)
        progress = progress_for([enrollment])[0]
        following = progress.next_module
        if following is None:
            messages.success(request, f"Well done: you completed “{enrollment.program.title}”.")
            return redirect("portal:programs-program", pk=enrollment.pk)
        messages.success(request, f"“{state.module.title}” is complete. Next: “{following.title}”.")
        return redirect("portal:programs-module", pk=enrollment.pk, module_pk=following.pk)
    return render(request, "portal/programs/module.html", {"progress": progress, "state": state})

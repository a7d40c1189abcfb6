"""Programs in the provider app: building them, enrolling clients, and their progress."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from clients.access import provider_required
from clients.security import scoped_get_or_404
from portal.programs import services
from portal.programs.forms import EnrollForm, ModuleForm, ProgramForm
from portal.programs.models import Program, ProgramModule
from portal.programs.progress import progress_for
from portal_settings.selectors import client_with_settings_get


def _program_get(request, pk) -> Program:
    return scoped_get_or_404(Program, pk=pk, organization=request.organization)


@provider_required
@require_safe
def program_list(request):
    programs = Program.objects.filter(organization=request.organization).prefetch_related("modules")
    return render(request, "portal/programs/provider_list.html", {"programs": programs})


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def program_create(request):
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        program = services.program_create(
            actor=request.user, organization=request.organization, **form.cleaned_data
        )
        messages.success(request, f"“{program.title}” was created. Add its modules.")
        return redirect(program)
    return render(
        request,
        "portal/programs/provider_create.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def program_detail(request, pk):
    program = _program_get(request, pk)
    form = ModuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.module_add(program=program, **form.cleaned_data)
        messages.success(request, "The module was added.")
        return redirect(program)
    enrollments = program.enrollments.select_related("client__user")
    context = {
        "program": program,
        "modules": program.modules.all(),
        "form": form,
        "progress": progress_for(enrollments),
    }
    return render(
        request, "portal/programs/provider_detail.html", context, status=400 if form.errors else 200
    )


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def module_edit(request, pk, module_pk):
    program = _program_get(request, pk)
    module = scoped_get_or_404(ProgramModule, pk=module_pk, program=program)
    form = ModuleForm(
        request.POST or None, initial={"title": module.title, "content": module.content}
    )
    if request.method == "POST" and form.is_valid():
        services.module_update(module=module, **form.cleaned_data)
        messages.success(request, "The module was saved.")
        return redirect(program)
    context = {"program": program, "module": module, "form": form}
    return render(
        request, "portal/programs/provider_module.html", context, status=400 if form.errors else 200
    )


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_programs(request, pk):
    client = client_with_settings_get(organization=request.organization, pk=pk)
    form = EnrollForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.enroll(actor=request.user, program=form.cleaned_data["program"], client=client)
        except ValidationError as error:
            form.add_error("program", error)
        else:
            messages.success(
                request, f"{client.name} was enrolled in “{form.cleaned_data['program'].title}”."
            )
            return redirect("provider:client-programs", pk=client.pk)
    enrollments = client.enrollments.select_related("program")
    context = {
        "client": client,
        "active_tab": "programs",
        "form": form,
        "progress": progress_for(enrollments),
    }
    return render(
        request, "portal/programs/provider_client.html", context, status=400 if form.errors else 200
    )

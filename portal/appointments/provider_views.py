"""Appointments in the provider app: the schedule, weekly hours, types, a client's tab."""

from copy import copy
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clients.access import practice_admin_required, provider_required
from clients.security import scoped_get_or_404
from portal.appointments import setup_services
from portal.appointments.forms import AppointmentTypeForm, AvailabilityForm, PracticeForm
from portal.appointments.models import Appointment, AppointmentType, Availability
from portal.appointments.services import appointment_cancel
from portal_settings.selectors import client_with_settings_get


@provider_required
@require_safe
def schedule(request):
    now = timezone.now()
    mine = request.GET.get("who") != "all"
    appointments = Appointment.objects.filter(
        organization=request.organization,
        status=Appointment.Status.BOOKED,
        starts_at__gte=now - timedelta(hours=12),
        starts_at__lt=now + timedelta(days=28),
    ).select_related("client__user", "provider", "appointment_type")
    if mine:
        appointments = appointments.filter(provider=request.user)
    by_day: dict = {}
    for appointment in appointments:
        by_day.setdefault(timezone.localtime(appointment.starts_at).date(), []).append(appointment)
    return render(
        request,
        "portal/appointments/provider_schedule.html",
        {"by_day": sorted(by_day.items()), "mine": mine},
    )


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def availability(request):
    form = AvailabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            block = setup_services.availability_add(
                organization=request.organization, provider=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Added {block}.")
            return redirect("provider:availability")
    blocks = Availability.objects.filter(organization=request.organization, provider=request.user)
    types = AppointmentType.objects.filter(organization=request.organization)
    context = {"form": form, "blocks": blocks, "types": types, "type_form": AppointmentTypeForm()}
    return render(
        request,
        "portal/appointments/provider_availability.html",
        context,
        status=400 if form.errors else 200,
    )


@provider_required
@require_POST
def availability_remove(request, block_pk):
    block = scoped_get_or_404(
        Availability, pk=block_pk, organization=request.organization, provider=request.user
    )
    setup_services.availability_remove(block=block)
    messages.success(request, f"Removed {block}. Booked appointments are kept.")
    return redirect("provider:availability")


@practice_admin_required
@require_POST
def type_create(request):
    form = AppointmentTypeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors)
        kind = setup_services.appointment_type_create(
            organization=request.organization, **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, "The appointment type was not added: " + "; ".join(error.messages))
    else:
        messages.success(request, f"Clients can now book “{kind.name}”.")
    return redirect("provider:availability")


@practice_admin_required
@require_POST
def type_toggle(request, type_pk):
    kind = scoped_get_or_404(AppointmentType, pk=type_pk, organization=request.organization)
    setup_services.appointment_type_update(appointment_type=kind, active=not kind.active)
    messages.success(
        request, f"“{kind.name}” is {'bookable again' if kind.active else 'no longer bookable'}."
    )
    return redirect("provider:availability")


@provider_required
@require_safe
def client_appointments(request, pk):
    client = client_with_settings_get(organization=request.organization, pk=pk)
    appointments = client.appointments.select_related("provider", "appointment_type")
    now = timezone.now()
    context = {
        "client": client,
        "active_tab": "appointments",
        "upcoming": [
            a for a in appointments if a.status == Appointment.Status.BOOKED and a.starts_at >= now
        ],
        "past": [
            a
            for a in appointments
            if not (a.status == Appointment.Status.BOOKED and a.starts_at >= now)
        ][::-1],
    }
    return render(request, "portal/appointments/provider_client.html", context)


@provider_required
@require_POST
def appointment_cancel_view(request, pk, appointment_pk):
    appointment = scoped_get_or_404(
        Appointment, pk=appointment_pk, client_id=pk, organization=request.organization
    )
    try:
        appointment_cancel(appointment=appointment, by=request.user, as_provider=True)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "The appointment was cancelled; the client and provider were emailed."
        )
    return redirect("provider:client-appointments", pk=pk)


@practice_admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def practice_settings(request):
    # The form works on a copy: a refused change leaves the page's header as it was saved.
    form = PracticeForm(request.POST or None, instance=copy(request.organization))
    if request.method == "POST" and form.is_valid():
        try:
            setup_services.practice_update(
                actor=request.user, organization=request.organization, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The practice settings were saved.")
            return redirect("provider:practice")
    return render(
        request,
        "portal/appointments/provider_practice.html",
        {"form": form},
        status=400 if form.errors else 200,
    )

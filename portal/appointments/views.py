"""Appointments in the Client Portal ("Schedule appointments")."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clients.models import User
from clients.security import scoped_get_or_404
from clients.validators import parse_id
from portal.appointments.models import Appointment, AppointmentType
from portal.appointments.services import (
    BookingRefused,
    SlotTaken,
    appointment_book,
    appointment_cancel,
    client_can_cancel,
)
from portal.appointments.slots import open_slots
from portal_settings.enforcement import ALWAYS, portal_section
from portal_settings.sections import BY_KEY

SECTION = BY_KEY["appointments"]
DAYS_PER_PAGE = 7


@portal_section(SECTION.key)
@require_safe
def index(request):
    now = timezone.now()
    appointments = request.client.appointments.select_related("appointment_type", "provider")
    upcoming = [
        a for a in appointments if a.status == Appointment.Status.BOOKED and a.starts_at >= now
    ]
    past = [a for a in appointments if a not in upcoming][::-1]
    context = {
        "section": SECTION,
        "upcoming": [(a, client_can_cancel(a, now=now)) for a in upcoming],
        "past": past[:20],
        "cutoff_hours": request.client.organization.cancellation_cutoff_hours,
    }
    return render(request, "portal/appointments/index.html", context)


def parse_slot(value: str) -> tuple[int, datetime]:
    """A slot button's value, "<provider id>|<ISO start with offset>", as (id, UTC start).

    ValueError for anything else, including moments at the ends of the calendar, where the
    arithmetic of a booking (its end, the notice, the window) would overflow
    (9999-12-31T23:59:59-14:00 has no UTC equivalent at all).
    """
    provider, _, iso_start = value.partition("|")
    provider_id = parse_id(provider)
    starts_at = datetime.fromisoformat(iso_start)
    if provider_id is None or starts_at.tzinfo is None:
        raise ValueError("not a slot")
    try:
        starts_at = starts_at.astimezone(dt_timezone.utc)
        starts_at - CALENDAR_MARGIN, starts_at + CALENDAR_MARGIN
    except OverflowError as exc:
        raise ValueError("not a slot") from exc
    return provider_id, starts_at


# More than any booking window, notice or appointment length.
CALENDAR_MARGIN = timedelta(days=1000)


def _types(request):
    return AppointmentType.objects.filter(organization=request.client.organization, active=True)


@portal_section(SECTION.key, acts=ALWAYS)
@require_http_methods(["GET", "HEAD", "POST"])
def book(request):
    organization = request.client.organization
    types = list(_types(request))
    chosen = next(
        (t for t in types if str(t.pk) == request.GET.get("type", request.POST.get("type"))), None
    )
    status = 200
    if request.method == "POST":
        if chosen is None:
            return render(
                request, "400.html", {"exception": "Choose an appointment type."}, status=400
            )
        try:
            provider_id, starts_at = parse_slot(request.POST.get("slot", ""))
            provider = User.objects.filter(
                pk=provider_id, membership__organization=organization
            ).first()
            if provider is None:
                raise ValueError("not a provider of this practice")
        except ValueError:
            return render(
                request,
                "400.html",
                {"exception": "That is not a slot. Nothing was booked."},
                status=400,
            )
        if request.POST.get("confirm") != "yes":
            # One click on a time shows what will be booked; only "Confirm booking" books.
            return render(
                request,
                "portal/appointments/book_confirm.html",
                {
                    "chosen": chosen,
                    "provider": provider,
                    "slot": request.POST["slot"],
                    "starts_at": starts_at,
                    "ends_at": starts_at + timedelta(minutes=chosen.duration_minutes),
                    "organization": organization,
                    # Inside the cut-off already: once booked it cannot be cancelled online.
                    "inside_cutoff": starts_at - timezone.now()
                    < timedelta(hours=organization.cancellation_cutoff_hours),
                },
            )
        try:
            appointment = appointment_book(
                client=request.client,
                provider_id=provider_id,
                appointment_type=chosen,
                starts_at=starts_at,
                acted_by=request.user,
            )
        except SlotTaken:
            messages.error(request, "Sorry, that time was just taken. Please choose another.")
            status = 409
        except BookingRefused as refused:
            messages.error(request, f"{refused.message} Nothing was booked.")
            status = 400
        else:
            when = timezone.localtime(appointment.starts_at).strftime("%A %B %-d at %-I:%M %p")
            messages.success(
                request, f"Booked: {chosen.name} on {when}. A confirmation email is on its way."
            )
            return redirect("portal:appointments")

    context = {"types": types, "chosen": chosen}
    if chosen is not None:
        try:
            week = max(0, min(int(request.GET.get("week", 0)), 52))
        except ValueError:
            week = 0
        today = timezone.localdate()
        horizon = organization.booking_window_days
        first_day = today + timedelta(days=week * DAYS_PER_PAGE)
        days = max(0, min(DAYS_PER_PAGE, horizon - week * DAYS_PER_PAGE))
        slots = open_slots(
            organization=organization,
            appointment_type=chosen,
            now=timezone.now(),
            first_day=first_day,
            days=days,
        )
        providers = User.objects.in_bulk({s.provider_id for s in slots})
        by_day: dict = {}
        for slot in slots:
            day = by_day.setdefault(timezone.localtime(slot.starts_at).date(), {})
            day.setdefault(providers[slot.provider_id], []).append(slot)
        context.update(
            {
                "by_day": [(d, list(people.items())) for d, people in sorted(by_day.items())],
                "week": week,
                "has_next": (week + 1) * DAYS_PER_PAGE < horizon,
                "first_day": first_day,
                "last_day": first_day + timedelta(days=max(days - 1, 0)),
            }
        )
    return render(request, "portal/appointments/book.html", context, status=status)


@portal_section(SECTION.key, acts=ALWAYS)
@require_POST
def cancel(request, pk):
    appointment = scoped_get_or_404(Appointment, pk=pk, client=request.client)
    try:
        appointment_cancel(appointment=appointment, by=request.user, as_provider=False)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "Your appointment was cancelled. A confirmation email is on its way."
        )
    return redirect("portal:appointments")

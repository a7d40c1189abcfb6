"""Booking and cancelling. A slot is booked once, even when two clients press at once."""

import zoneinfo
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from clients.models import Client, Membership
from clients.validators import one_line
from portal.appointments.models import Appointment
from portal.appointments.slots import MIN_NOTICE, open_slots


class SlotTaken(Exception):
    """The slot is no longer open (booked by someone else, or outside the provider's hours)."""


class BookingRefused(Exception):
    """The booking breaks one of the practice's rules (how far ahead, how soon, how many)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def booking_ends(organization, *, now: datetime) -> datetime:
    """The first moment clients can no longer book: midnight (in the practice's zone) after the
    last day of the booking window, the same days the booking page shows."""
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    today = now.astimezone(zone).date()
    return datetime.combine(
        today + timedelta(days=organization.booking_window_days), time.min, tzinfo=zone
    )


def upcoming_count(client, *, now: datetime) -> int:
    return client.appointments.filter(status=Appointment.Status.BOOKED, starts_at__gte=now).count()


def _check_rules(*, client, starts_at: datetime, now: datetime) -> None:
    organization = client.organization
    if starts_at < now + MIN_NOTICE:
        raise BookingRefused(
            "Appointments can be booked online up to an hour before they start. "
            f"Please choose a later time, or contact {organization.contact_label}."
        )
    if starts_at >= booking_ends(organization, now=now):
        raise BookingRefused(
            f"Appointments can be booked up to {organization.booking_window_days} days ahead. "
            "Please choose an earlier time."
        )
    limit = organization.max_upcoming_bookings
    if upcoming_count(client, now=now) >= limit:
        raise BookingRefused(
            f"You already have {limit} upcoming appointment{'s' if limit != 1 else ''}, the "
            f"most that can be booked online. Please contact {organization.contact_label} to "
            "book another."
        )


def _notify(appointment: Appointment, event: str) -> None:
    context = {
        "appointment": appointment,
        "event": event,
        "organization": appointment.client.organization,
    }
    with timezone.override(appointment.client.organization.time_zone):
        subject = one_line(render_to_string("portal/appointments/email_subject.txt", context))
        body = render_to_string("portal/appointments/email_body.txt", context)
    send_mail(subject, body, None, [appointment.client.user.email, appointment.provider.email])


def appointment_book(
    *,
    client,
    provider_id: int,
    appointment_type,
    starts_at: datetime,
    now=None,
    acted_by=None,
) -> Appointment:
    """Book the slot if it is still open and within the practice's rules.

    The rules (at least MIN_NOTICE ahead, inside the booking window, fewer upcoming bookings
    than the practice allows) are checked here, not only when the page is drawn, because a
    post can be crafted. The client's row is locked, then the provider's membership row, for
    the checks and the insert: one client's bookings, and one provider's, run one at a time
    (always in that order, so two bookings never wait on each other). The partial unique index
    on booked (provider, start) is the database's second guard. Emails go to both after
    commit; failing to send one is logged and does not undo or hide the booking.
    """
    now = now or timezone.now()
    organization = client.organization
    if appointment_type.organization_id != organization.pk or not appointment_type.active:
        raise SlotTaken
    try:
        with transaction.atomic():
            Client.objects.select_for_update().filter(pk=client.pk).first()
            _check_rules(client=client, starts_at=starts_at, now=now)
            membership = (
                Membership.objects.select_for_update()
                .select_related("user")
                .filter(user_id=provider_id, organization=organization)
                .first()
            )
            if membership is None:
                raise SlotTaken
            local_day = starts_at.astimezone(zoneinfo.ZoneInfo(organization.time_zone)).date()
            open_now = open_slots(
                organization=organization,
                appointment_type=appointment_type,
                now=now,
                first_day=local_day,
                days=1,
                provider_id=provider_id,
            )
            if not any(slot.starts_at == starts_at for slot in open_now):
                raise SlotTaken
            appointment = Appointment.objects.create(
                organization=organization,
                client=client,
                provider=membership.user,
                appointment_type=appointment_type,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=appointment_type.duration_minutes),
                booked_by=acted_by,
            )
            transaction.on_commit(lambda: _notify(appointment, "booked"), robust=True)
    except IntegrityError as exc:
        raise SlotTaken from exc
    return appointment


def cancellation_deadline(appointment: Appointment) -> datetime:
    return appointment.starts_at - timedelta(
        hours=appointment.client.organization.cancellation_cutoff_hours
    )


def client_can_cancel(appointment: Appointment, *, now=None) -> bool:
    now = now or timezone.now()
    return appointment.status == Appointment.Status.BOOKED and now < cancellation_deadline(
        appointment
    )


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, by, as_provider: bool, now=None) -> Appointment:
    """Cancel. Clients only until the practice's cut-off; providers at any time."""
    now = now or timezone.now()
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("client__organization", "provider", "client__user")
        .get(pk=appointment.pk)
    )
    if appointment.status != Appointment.Status.BOOKED:
        raise ValidationError("This appointment is already cancelled.")
    if appointment.starts_at <= now:
        raise ValidationError("This appointment has already started.")
    if not as_provider and not client_can_cancel(appointment, now=now):
        hours = appointment.client.organization.cancellation_cutoff_hours
        raise ValidationError(
            f"Appointments can be cancelled online up to {hours} hours before they start. "
            f"Please contact {appointment.client.organization.contact_label}."
        )
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by = by
    appointment.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    transaction.on_commit(lambda: _notify(appointment, "cancelled"), robust=True)
    return appointment

"""Booking and cancelling. A slot is booked once, even when two clients press at once."""

import zoneinfo
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from clients.models import Membership
from portal.appointments.models import Appointment
from portal.appointments.slots import open_slots


class SlotTaken(Exception):
    """The slot is no longer open (booked by someone else, or outside the provider's hours)."""


def _notify(appointment: Appointment, event: str) -> None:
    context = {
        "appointment": appointment,
        "event": event,
        "organization": appointment.client.organization,
    }
    with timezone.override(appointment.client.organization.time_zone):
        subject = render_to_string("portal/appointments/email_subject.txt", context).strip()
        body = render_to_string("portal/appointments/email_body.txt", context)
    send_mail(subject, body, None, [appointment.client.user.email, appointment.provider.email])


def appointment_book(
    *, client, provider_id: int, appointment_type, starts_at: datetime, now=None
) -> Appointment:
    """Book the slot if it is still open.

    The provider's membership row is locked for the check and the insert, so concurrent
    bookings for one provider run one at a time; the partial unique index on booked
    (provider, start) is the database's second guard. Emails go to both after commit.
    """
    now = now or timezone.now()
    organization = client.organization
    if appointment_type.organization_id != organization.pk or not appointment_type.active:
        raise SlotTaken
    try:
        with transaction.atomic():
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
            )
            transaction.on_commit(lambda: _notify(appointment, "booked"))
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
    transaction.on_commit(lambda: _notify(appointment, "cancelled"))
    return appointment

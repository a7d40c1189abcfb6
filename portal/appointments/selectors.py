"""Reads of appointments shared outside their own pages."""

from django.utils import timezone

from portal.appointments.models import Appointment


def home_summary(client, *, now=None) -> Appointment | None:
    """The client's next booked appointment, or None: one query."""
    return (
        Appointment.objects.filter(
            client=client,
            status=Appointment.Status.BOOKED,
            starts_at__gte=now or timezone.now(),
        )
        .select_related("appointment_type", "provider")
        .only(
            "pk",
            "starts_at",
            "appointment_type__name",
            "provider__first_name",
            "provider__last_name",
        )
        .order_by("starts_at")
        .first()
    )

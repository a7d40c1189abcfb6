"""Names that reach email headers are one line, and an email that fails after a write has
committed never turns the write into a reported failure."""

import datetime as dt
import logging
import smtplib
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Organization, User
from portal.appointments.models import Appointment, AppointmentType
from tests.factories import ClientFactory, MembershipFactory, PracticeAdminFactory, weekly_hours
from tests.helpers import signed_in

BREAKS = ["\n", "\r", "\r\n", "\u2028", "\x85"]


@pytest.mark.django_db
@pytest.mark.parametrize("brk", BREAKS)
def test_names_in_headers_refuse_line_breaks(brk, organization):
    practice = Organization(name=f"Harbor{brk}Bcc: all@example.test")
    with pytest.raises(ValidationError) as refused:
        practice.full_clean()
    assert "name" in refused.value.message_dict
    person = User(email="a@example.test", first_name=f"Ana{brk}", last_name=f"Lo{brk}pez")
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert {"first_name", "last_name"} <= set(refused.value.message_dict)


@pytest.mark.django_db
def test_the_client_form_refuses_a_name_with_a_line_break(organization):
    admin = signed_in(PracticeAdminFactory(organization=organization).user)
    response = admin.post(
        reverse("clients:create"),
        {"first_name": "Ana\r\nBcc: all@example.test", "last_name": "Lopez", "email": "a@x.test"},
    )
    assert response.status_code == 200
    assert "line breaks are not allowed" in response.content.decode()
    assert not Client.objects.exists()


def _bookable(organization):
    provider = MembershipFactory(organization=organization).user
    weekly_hours(organization=organization, provider=provider)
    kind = AppointmentType.objects.create(
        organization=organization, name="Consultation", duration_minutes=60
    )
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    day = timezone.localdate(timezone=zone) + dt.timedelta(days=1)
    starts = dt.datetime.combine(day, dt.time(10), tzinfo=zone)
    return provider, kind, f"{provider.pk}|{starts.astimezone(dt.timezone.utc).isoformat()}"


def _book(http, kind, slot):
    return http.post(
        reverse("portal:appointments-book") + f"?type={kind.pk}",
        {"type": kind.pk, "slot": slot, "confirm": "yes"},
    )


# transaction=True: the emails are sent when the booking's transaction commits, inside the
# request, exactly as in production (not deferred to the end of a test transaction).
@pytest.mark.django_db(transaction=True)
def test_a_practice_name_saved_with_a_line_break_still_books_and_emails(mailoutbox):
    organization = Organization.objects.create(name="Harbor Wellness")
    # A name stored before names were checked, or through a path that skipped the check.
    Organization.objects.filter(pk=organization.pk).update(name="Harbor\nBcc: all@example.test")
    organization.refresh_from_db()
    _, kind, slot = _bookable(organization)
    client = ClientFactory(organization=organization)
    response = _book(signed_in(client.user), kind, slot)
    assert response.status_code == 302
    assert Appointment.objects.filter(client=client).count() == 1
    assert len(mailoutbox) == 1
    assert "\n" not in mailoutbox[0].subject and "Harbor Bcc:" in mailoutbox[0].subject


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_failure_after_booking_is_logged_not_shown(monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("portal.appointments.services.send_mail", refuse)
    organization = Organization.objects.create(name="Harbor Wellness", cancellation_cutoff_hours=0)
    _, kind, slot = _bookable(organization)
    client = ClientFactory(organization=organization)
    http = signed_in(client.user)
    with caplog.at_level(logging.ERROR):
        response = _book(http, kind, slot)
    assert response.status_code == 302
    assert "Booked:" in http.get(response.url).content.decode()
    assert Appointment.objects.filter(client=client, status="booked").count() == 1
    assert "Connection unexpectedly closed" in caplog.text

    appointment = Appointment.objects.get(client=client)
    response = http.post(reverse("portal:appointments-cancel", args=[appointment.pk]))
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_failure_after_adding_a_client_keeps_the_client(monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("clients.services.send_mail", refuse)
    organization = Organization.objects.create(name="Harbor Wellness")
    admin = signed_in(PracticeAdminFactory(organization=organization).user)
    with caplog.at_level(logging.ERROR):
        response = admin.post(
            reverse("clients:create"),
            {"first_name": "Ana", "last_name": "Lopez", "email": "ana@example.test"},
        )
    assert response.status_code == 302
    assert Client.objects.filter(user__email="ana@example.test").exists()
    assert "Connection unexpectedly closed" in caplog.text

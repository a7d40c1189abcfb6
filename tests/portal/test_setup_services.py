"""Weekly hours, appointment types and packages are written by services, and the views use them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.appointments import setup_services
from portal.appointments.models import AppointmentType, Availability
from portal.packages import services as package_services
from portal.packages.models import Package

pytestmark = pytest.mark.django_db

HOURS = {"weekday": 2, "start_time": "13:00", "end_time": "17:00"}
PACKAGE = {
    "name": "Six pack",
    "description": "",
    "price": "450.00",
    "sessions_included": 6,
    "active": "on",
}


def refuse(**_):
    raise ValidationError("Refused by the service.")


# The services' own rules, whoever calls them.


def test_weekly_hours_must_end_after_they_start(organization, provider):
    with pytest.raises(ValidationError, match="end time must be after the start time"):
        setup_services.availability_add(
            organization=organization,
            provider=provider,
            weekday=1,
            start_time=datetime.time(12),
            end_time=datetime.time(12),
        )
    with pytest.raises(ValidationError, match="day of the week"):
        setup_services.availability_add(
            organization=organization,
            provider=provider,
            weekday=7,
            start_time=datetime.time(9),
            end_time=datetime.time(12),
        )
    assert not Availability.objects.exists()


@pytest.mark.parametrize(
    ("name", "minutes", "error"),
    [
        ("Check-in", 4, "Between 5 and 480 minutes."),
        ("Check-in", 481, "Between 5 and 480 minutes."),
        ("   ", 30, "Give the appointment type a name."),
        ("x" * 101, 30, "Keep the name to 100 characters."),
    ],
)
def test_an_appointment_type_outside_the_rules_is_refused(organization, name, minutes, error):
    with pytest.raises(ValidationError) as caught:
        setup_services.appointment_type_create(
            organization=organization, name=name, duration_minutes=minutes
        )
    assert caught.value.messages == [error]
    assert not AppointmentType.objects.exists()


def test_updating_an_appointment_type_changes_only_what_is_given(organization):
    kind = setup_services.appointment_type_create(
        organization=organization, name=" Follow-up ", duration_minutes=30
    )
    assert kind.name == "Follow-up"
    setup_services.appointment_type_update(appointment_type=kind, active=False)
    kind.refresh_from_db()
    assert (kind.name, kind.duration_minutes, kind.active) == ("Follow-up", 30, False)
    with pytest.raises(ValidationError):
        setup_services.appointment_type_update(appointment_type=kind, duration_minutes=0)
    kind.refresh_from_db()
    assert kind.duration_minutes == 30


@pytest.mark.parametrize(
    ("price", "sessions", "field"),
    [
        (Decimal("0"), 3, "price"),
        (Decimal("-1"), 3, "price"),
        (Decimal("10.001"), 3, "price"),
        (Decimal("100000000"), 3, "price"),
        (Decimal("10"), 0, "sessions_included"),
    ],
)
def test_a_package_outside_the_rules_is_refused(organization, price, sessions, field):
    with pytest.raises(ValidationError) as caught:
        package_services.package_create(
            organization=organization, name="Pack", price=price, sessions_included=sessions
        )
    assert list(caught.value.message_dict) == [field]
    assert not Package.objects.exists()


def test_a_refused_package_update_leaves_it_as_it_was(organization):
    package = package_services.package_create(
        organization=organization, name="Pack", price=Decimal("90"), sessions_included=2
    )
    with pytest.raises(ValidationError):
        package_services.package_update(
            package=package,
            name="",
            price=Decimal("80"),
            sessions_included=2,
            description="",
            active=True,
        )
    package.refresh_from_db()
    assert (package.name, package.price) == ("Pack", Decimal("90.00"))


# The views go through the services: a refusal from the service is shown, nothing is written.


def test_adding_hours_goes_through_the_service(provider_http, monkeypatch):
    monkeypatch.setattr(setup_services, "availability_add", refuse)
    response = provider_http.post(reverse("provider:availability"), HOURS)
    assert response.status_code == 400
    assert "Refused by the service." in response.content.decode()
    assert not Availability.objects.exists()


def test_removing_hours_goes_through_the_service(
    provider_http, provider, organization, monkeypatch
):
    block = setup_services.availability_add(
        organization=organization,
        provider=provider,
        weekday=0,
        start_time=datetime.time(9),
        end_time=datetime.time(12),
    )
    removed = []
    monkeypatch.setattr(setup_services, "availability_remove", lambda **kw: removed.append(kw))
    provider_http.post(reverse("provider:availability-remove", args=[block.pk]))
    assert removed == [{"block": block}]


def test_adding_a_type_goes_through_the_service(admin_http, monkeypatch):
    monkeypatch.setattr(setup_services, "appointment_type_create", refuse)
    data = {"name": "Group class", "duration_minutes": 45, "description": ""}
    response = admin_http.post(reverse("provider:appointment-type-create"), data, follow=True)
    assert "The appointment type was not added: Refused by the service." in (
        response.content.decode()
    )
    assert not AppointmentType.objects.exists()


def test_a_type_refused_by_the_form_says_why(admin_http):
    data = {"name": "Group class", "duration_minutes": 500, "description": ""}
    response = admin_http.post(reverse("provider:appointment-type-create"), data, follow=True)
    assert "The appointment type was not added: Between 5 and 480 minutes." in (
        response.content.decode()
    )
    assert not AppointmentType.objects.exists()


def test_toggling_a_type_goes_through_the_service(admin_http, organization):
    kind = setup_services.appointment_type_create(
        organization=organization, name="Follow-up", duration_minutes=30
    )
    admin_http.post(reverse("provider:appointment-type-toggle", args=[kind.pk]))
    kind.refresh_from_db()
    assert kind.active is False
    admin_http.post(reverse("provider:appointment-type-toggle", args=[kind.pk]))
    kind.refresh_from_db()
    assert kind.active is True


def test_offering_a_package_goes_through_the_service(provider_http, monkeypatch):
    monkeypatch.setattr(package_services, "package_create", refuse)
    response = provider_http.post(reverse("provider:package-list"), PACKAGE)
    assert response.status_code == 400
    assert "Refused by the service." in response.content.decode()
    assert not Package.objects.exists()


def test_editing_a_package_goes_through_the_service(provider_http, organization, monkeypatch):
    package = package_services.package_create(
        organization=organization, name="Pack", price=Decimal("90"), sessions_included=2
    )
    url = reverse("provider:package-edit", args=[package.pk])
    monkeypatch.setattr(package_services, "package_update", refuse)
    response = provider_http.post(url, PACKAGE)
    assert response.status_code == 400
    assert "Refused by the service." in response.content.decode()
    package.refresh_from_db()
    assert (package.name, package.price) == ("Pack", Decimal("90.00"))
    monkeypatch.undo()
    assert provider_http.post(url, PACKAGE).status_code == 302
    package.refresh_from_db()
    assert (package.name, package.price, package.sessions_included) == (
        "Six pack",
        Decimal("450.00"),
        6,
    )


PRACTICE = {
    "name": "Harbor Wellness",
    "contact_email": "hello@harbor.test",
    "time_zone": "Europe/Paris",
    "currency": "EUR",
    "cancellation_cutoff_hours": 12,
    "booking_window_days": 60,
    "max_upcoming_bookings": 3,
}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"booking_window_days": 0}, "booking_window_days"),
        ({"booking_window_days": 366}, "booking_window_days"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"currency": "XYZ"}, "currency"),
        ({"name": ""}, "name"),
    ],
)
def test_practice_settings_outside_the_rules_are_refused(organization, change, field):
    with pytest.raises(ValidationError) as caught:
        setup_services.practice_update(
            actor=None, organization=organization, **{**PRACTICE, **change}
        )
    assert field in caught.value.message_dict
    assert organization.time_zone != "Europe/Paris"
    organization.refresh_from_db()
    assert (organization.time_zone, organization.booking_window_days) == ("America/New_York", 28)


def test_saving_practice_settings_goes_through_the_service(admin_http, organization, monkeypatch):
    monkeypatch.setattr(setup_services, "practice_update", refuse)
    response = admin_http.post(reverse("provider:practice"), PRACTICE)
    assert response.status_code == 400
    assert "Refused by the service." in response.content.decode()
    organization.refresh_from_db()
    assert organization.time_zone == "America/New_York"
    monkeypatch.undo()
    assert admin_http.post(reverse("provider:practice"), PRACTICE).status_code == 302
    organization.refresh_from_db()
    assert (organization.time_zone, organization.currency, organization.booking_window_days) == (
        "Europe/Paris",
        "EUR",
        60,
    )

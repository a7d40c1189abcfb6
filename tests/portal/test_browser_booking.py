import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.appointments.models import Appointment, AppointmentType, Availability
from portal.billing.models import Invoice
from portal.billing.services import Line, invoice_create
from tests.browser import assert_accessible_at_both_widths, sign_in
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, OrganizationFactory
from tests.phone import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_client_books_and_pays_then_loses_appointments_when_the_provider_turns_them_off(new_page):
    # A one-hour cut-off: the first open slot (at least an hour ahead) can be cancelled online.
    organization = OrganizationFactory(name="Harbor Wellness", cancellation_cutoff_hours=1)
    provider = MembershipFactory(organization=organization).user
    client = ClientFactory(organization=organization)
    AppointmentType.objects.create(
        organization=organization, name="Consultation", duration_minutes=60
    )
    for weekday in range(7):
        Availability.objects.create(
            organization=organization,
            provider=provider,
            weekday=weekday,
            start_time=dt.time(9),
            end_time=dt.time(17),
        )
    invoice = invoice_create(
        actor=provider,
        client=client,
        lines=[Line("Initial session", 1, Decimal("95.00"))],
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )

    portal = new_page(width=390, height=844)
    sign_in(portal, client.user.email, PASSWORD)
    tabs = portal.get_by_role("navigation", name="Client Portal sections")
    open_menu(portal)

    tabs.get_by_role("link", name="Appointments").click()
    portal.get_by_role("button", name="Book an appointment").click()
    portal.get_by_role("link", name="Consultation · 60 min").click()
    first_slot = portal.locator("button.slot").first
    first_slot.click()
    expect(portal.get_by_role("heading", name="Confirm your appointment")).to_be_visible()
    assert not Appointment.objects.exists()  # one click on a time books nothing
    details = portal.locator("dl.details")
    expect(details).to_contain_text("Consultation · 60 min")
    expect(details).to_contain_text(provider.get_full_name())
    expect(details).to_contain_text(organization.time_zone)
    expect(portal.get_by_text("You can cancel online up to")).to_be_visible()
    assert_accessible_at_both_widths(portal, screenshot="booking-confirm")
    portal.set_viewport_size({"width": 390, "height": 844})
    portal.get_by_role("button", name="Confirm booking").click()
    expect(portal.get_by_text("Booked: Consultation")).to_be_visible()
    assert Appointment.objects.filter(client=client, status="booked").count() == 1

    open_menu(portal)
    tabs.get_by_role("link", name="Billing").click()
    portal.get_by_role("link", name=invoice.label).click()
    expect(portal.get_by_text("Test payments: no real card is charged")).to_be_visible()
    portal.get_by_label("Card number").fill("4242 4242 4242 4242")
    portal.get_by_label("Expiry (MM/YY)").fill("12/40")
    portal.get_by_label("Security code").fill("123")
    portal.get_by_role("button", name="Pay $95.00").click()
    expect(portal.get_by_role("heading", name="Receipt")).to_be_visible()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID

    app = new_page()
    sign_in(app, provider.email, PASSWORD)
    app.goto(f"/clients/{client.pk}/settings/portal/")
    app.get_by_role("group", name="Schedule appointments").get_by_role(
        "radio", name="Off", exact=True
    ).check()
    app.get_by_role("button", name="SAVE").click()
    expect(
        app.locator("#settings-panel").get_by_text("Schedule appointments: Full → Off")
    ).to_be_visible()

    portal.reload()
    open_menu(portal)
    expect(tabs.get_by_role("link", name="Billing")).to_be_visible()
    expect(tabs.get_by_role("link", name="Appointments")).to_have_count(0)
    assert portal.goto("/portal/appointments/").status == 403

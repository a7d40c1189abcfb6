import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.billing.models import Invoice, Payment
from portal.billing.services import Line, invoice_create
from tests.browser import assert_accessible_at_both_widths, sign_in
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, OrganizationFactory
from tests.phone import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(app, section_label, level):
    """Pick one level in a settings row (a radio group named by the section) and SAVE."""
    app.get_by_role("group", name=section_label).get_by_role(
        "radio", name=level, exact=True
    ).check()
    app.get_by_role("button", name="SAVE").click()


def test_provider_turns_billing_off_and_the_signed_in_client_loses_it(new_page):
    organization = OrganizationFactory(name="Harbor Wellness")
    provider = MembershipFactory(organization=organization).user
    client = ClientFactory(organization=organization)

    portal = new_page(width=390, height=844)  # the client, on a phone
    sign_in(portal, client.user.email, PASSWORD)
    open_menu(portal)
    tabs = portal.get_by_role("navigation", name="Client Portal sections")
    expect(tabs.get_by_role("link", name="Billing")).to_be_visible()

    app = new_page()
    sign_in(app, provider.email, PASSWORD)
    app.goto(f"/clients/{client.pk}/")
    actions = app.locator("details", has=app.get_by_text("Actions", exact=True))
    actions.get_by_text("Actions", exact=True).click()
    actions.get_by_role("link", name="Client Portal Settings").click()
    expect(app.get_by_role("heading", name="Client Portal Settings")).to_be_visible()
    billing = app.get_by_role("group", name="View and pay bills")
    expect(billing.get_by_role("radio", name="Inherited (Full, from practice)")).to_be_checked()
    choose(app, "View and pay bills", "Off")
    # Swapped in by htmx inside the panel (without JavaScript it would be a page-level message).
    panel = app.locator("#settings-panel")
    expect(panel.get_by_text("Saved. View and pay bills: Full → Off.")).to_be_visible()
    expect(billing.get_by_role("radio", name="Off", exact=True)).to_be_checked()
    expect(app.locator("#source-billing")).to_have_text("Set for this client: Off")

    portal.reload()
    open_menu(portal)
    expect(tabs.get_by_role("link", name="Goals")).to_be_visible()
    expect(tabs.get_by_role("link", name="Billing")).to_have_count(0)
    response = portal.goto("/portal/billing/")
    assert response.status == 403
    expect(portal.get_by_role("heading", name="Billing is not part of your portal")).to_be_visible()


def test_view_only_billing_shows_the_invoice_without_pay_and_full_brings_pay_back(new_page):
    """The story of issue 12: View only keeps the Billing tab and the invoice, takes away the
    Pay button and refuses a crafted payment; Full brings the button back on the next request."""
    organization = OrganizationFactory(name="Harbor Wellness", contact_email="desk@harbor.test")
    provider = MembershipFactory(organization=organization).user
    client = ClientFactory(organization=organization)
    invoice = invoice_create(
        actor=provider,
        client=client,
        lines=[Line("Follow-up session", 1, Decimal("80.00"))],
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )

    app = new_page()
    sign_in(app, provider.email, PASSWORD)
    app.goto(f"/clients/{client.pk}/settings/portal/")
    # Keyboard only: into the billing row's radio group, then the arrow keys choose a level.
    app.get_by_role("group", name="View and pay bills").get_by_role(
        "radio", name="Inherited (Full, from practice)"
    ).focus()
    app.keyboard.press("ArrowDown")  # Full
    app.keyboard.press("ArrowDown")  # View only
    expect(
        app.get_by_role("group", name="View and pay bills").get_by_role(
            "radio", name="View only", exact=True
        )
    ).to_be_checked()
    app.get_by_role("button", name="SAVE").click()
    confirmation = app.get_by_role("status").filter(has_text="Saved.")
    expect(confirmation).to_have_text("Saved. View and pay bills: Full → View only.")
    expect(confirmation).to_be_focused()
    expect(app.locator("#source-billing")).to_have_text("Set for this client: View only")
    expect(
        app.get_by_text("Inherited from practice: Full → Set for this client: View only")
    ).to_be_visible()
    assert_accessible_at_both_widths(app, screenshot="settings-view-only")

    portal = new_page(width=390, height=844)
    sign_in(portal, client.user.email, PASSWORD)
    open_menu(portal)
    tabs = portal.get_by_role("navigation", name="Client Portal sections")
    expect(tabs.get_by_role("link", name="Billing")).to_be_visible()
    tabs.get_by_role("link", name="Billing").click()
    expect(portal.get_by_role("heading", name="Billing", exact=True)).to_be_visible()
    portal.get_by_role("link", name=invoice.label).first.click()
    expect(portal.get_by_role("heading", name=invoice.label)).to_be_visible()
    expect(portal.get_by_text("Follow-up session")).to_be_visible()
    expect(portal.get_by_role("button", name="Pay $80.00")).to_have_count(0)
    expect(portal.get_by_label("Card number")).to_have_count(0)
    notice = portal.get_by_role("note").filter(has_text="view-only")
    expect(notice).to_contain_text("Harbor Wellness has made Billing view-only")
    expect(notice).to_contain_text("desk@harbor.test")
    assert_accessible_at_both_widths(portal, screenshot="portal-billing-view-only")

    # A payment crafted by hand (with a valid CSRF token) is refused before the view runs.
    token = next(c["value"] for c in portal.context.cookies() if c["name"] == "csrftoken")
    crafted = portal.request.post(
        f"/portal/billing/invoices/{invoice.pk}/",
        form={"number": "4242 4242 4242 4242", "expiry": "12/40", "cvc": "123"},
        headers={"X-CSRFToken": token},
    )
    assert crafted.status == 403
    assert "view-only" in crafted.text()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN
    assert not Payment.objects.exists()

    choose(app, "View and pay bills", "Full")
    expect(
        app.locator("#settings-panel").get_by_text("View and pay bills: View only → inherited")
    ).to_be_visible()
    portal.reload()
    expect(portal.get_by_role("button", name="Pay $80.00")).to_be_visible()
    expect(portal.get_by_role("note").filter(has_text="view-only")).to_have_count(0)

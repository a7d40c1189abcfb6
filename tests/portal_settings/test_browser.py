import pytest
from playwright.sync_api import expect

from tests.browser import sign_in
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, OrganizationFactory
from tests.phone import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provider_unchecks_billing_and_the_signed_in_client_loses_it(new_page):
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
    billing = app.get_by_role("checkbox", name="View and pay bills")
    expect(billing).to_be_checked()
    billing.uncheck()
    app.get_by_role("button", name="SAVE").click()
    # Swapped in by htmx inside the panel (without JavaScript it would be a page-level message).
    panel = app.locator("#settings-panel")
    expect(panel.get_by_text("Saved. View and pay bills is now not allowed.")).to_be_visible()
    expect(app.get_by_role("checkbox", name="View and pay bills")).not_to_be_checked()
    expect(app.locator("#source-billing")).to_have_text("Set for this client: Off")

    portal.reload()
    open_menu(portal)
    expect(tabs.get_by_role("link", name="Goals")).to_be_visible()
    expect(tabs.get_by_role("link", name="Billing")).to_have_count(0)
    response = portal.goto("/portal/billing/")
    assert response.status == 403
    expect(portal.get_by_role("heading", name="Billing is not part of your portal")).to_be_visible()

"""An empty invoice is refused in the product's words."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible_at_both_widths, log_in
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_empty_invoice_says_what_to_add(new_page):
    organization = OrganizationFactory(name="Harbor Wellness")
    provider = MembershipFactory(organization=organization).user
    client = ClientFactory(organization=organization)
    page = new_page()
    log_in(page, provider)
    page.goto(f"/clients/{client.pk}/billing/new/")
    page.get_by_role("button", name="Create invoice").click()
    expect(page.get_by_text("Add at least one line")).to_be_visible()
    expect(page.get_by_text("Please submit")).to_have_count(0)
    expect(page.get_by_text("form.", exact=False)).to_have_count(0)
    assert_accessible_at_both_widths(page, screenshot="invoice-empty")

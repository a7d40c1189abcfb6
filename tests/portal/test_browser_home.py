"""The portal home in a real browser: what needs the client, each card with its action."""

import pytest
from playwright.sync_api import expect

from tests.axe import assert_accessible_at_both_widths
from tests.browser import sign_in
from tests.factories import PASSWORD, OrganizationFactory
from tests.world import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_leads_to_what_needs_the_client(new_page):
    world = make_world(OrganizationFactory(name="Harbor Wellness"))
    page = new_page()
    sign_in(page, world["client"].user.email, PASSWORD)
    expect(page.get_by_role("heading", name="Billing")).to_be_visible()
    assert_accessible_at_both_widths(page)
    page.get_by_role("link", name=f"Pay {world['invoice'].label}").click()
    expect(page.get_by_role("heading", name=world["invoice"].label)).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="Continue with “Week 1”").click()
    expect(page.get_by_role("heading", name="Week 1")).to_be_visible()

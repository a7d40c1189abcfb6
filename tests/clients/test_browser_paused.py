"""A client whose portal login is turned off is told why, and whom to contact."""

import pytest
from playwright.sync_api import expect

from clients.services import client_portal_login_set
from tests.browser import assert_accessible_at_both_widths, log_in, sign_in
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, OrganizationFactory
from tests.phone import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_signed_in_client_whose_login_is_turned_off_is_told_in_words(new_page):
    organization = OrganizationFactory(name="Harbor Wellness", contact_email="desk@harbor.test")
    provider = MembershipFactory(organization=organization).user
    client = ClientFactory(organization=organization)
    page = new_page(width=390, height=844)
    log_in(page, client.user)
    page.goto("/portal/")
    open_menu(page)  # at 390 px the tabs sit behind the Menu button
    expect(page.get_by_role("navigation", name="Client Portal sections")).to_be_visible()

    client_portal_login_set(actor=provider, client=client, allowed=False)
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    notice = page.get_by_role("status")
    expect(notice).to_contain_text("Your practice has paused your Client Portal access.")
    expect(notice).to_contain_text("contact Harbor Wellness (desk@harbor.test)")
    assert_accessible_at_both_widths(page, screenshot="sign-in-paused")
    page.reload()  # said once, not on every visit
    expect(page.get_by_text("paused your Client Portal access")).to_have_count(0)

    sign_in(page, client.user.email, PASSWORD)
    expect(page.get_by_text("Your practice has paused your Client Portal access.")).to_be_visible()
    expect(page.get_by_text("desk@harbor.test")).to_be_visible()

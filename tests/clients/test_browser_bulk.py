"""Roster bulk changes in a real browser: search for a group, select all, review, confirm."""

import pytest
from playwright.sync_api import expect

from tests.axe import assert_accessible_at_both_widths
from tests.browser import log_in
from tests.factories import (
    ClientFactory,
    ClientGroupFactory,
    MembershipFactory,
    OrganizationFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_select_every_client_of_a_group_and_turn_their_login_off(new_page):
    organization = OrganizationFactory()
    teens = ClientGroupFactory(organization=organization, name="Teens")
    members = [ClientFactory(organization=organization, group=teens) for _ in range(3)]
    adult = ClientFactory(organization=organization)
    provider = MembershipFactory(organization=organization).user

    teen_page = new_page()
    log_in(teen_page, members[0].user)
    teen_page.goto("/portal/")
    expect(
        teen_page.get_by_role("heading", name=f"Welcome, {members[0].user.first_name}")
    ).to_be_visible()

    page = new_page()
    log_in(page, provider)
    page.goto("/clients/")
    page.get_by_label("Group", exact=True).select_option(label="Teens")
    results = page.locator("#client-results")
    expect(results).not_to_contain_text(adult.user.email)
    page.get_by_label("Select all 3 clients matching this search").check()
    page.get_by_label("With the selected clients").select_option(label="Turn portal login off")
    page.get_by_role("button", name="Review the change").click()
    expect(page.get_by_role("heading", name="Turn off portal login for 3 clients?")).to_be_visible()
    assert_accessible_at_both_widths(page)
    page.get_by_role("button", name="Turn portal login off for 3").click()
    expect(page.get_by_text("Portal login turned off for 3 clients")).to_be_visible()
    assert "group=" in page.url  # back on the same search

    teen_page.goto("/portal/")
    assert "/accounts/login/" in teen_page.url
    adult_page = new_page()
    log_in(adult_page, adult.user)
    adult_page.goto("/portal/")
    assert adult_page.url.endswith("/portal/")


def test_the_roster_at_phone_width_offers_the_bulk_form(new_page):
    organization = OrganizationFactory()
    ClientFactory(organization=organization)
    provider = MembershipFactory(organization=organization).user
    page = new_page(width=390, height=844)
    log_in(page, provider)
    page.goto("/clients/")
    expect(page.get_by_role("button", name="Review the change")).to_be_visible()
    assert_accessible_at_both_widths(page)

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


def test_search_a_group_select_all_apply_a_preset_and_its_client_sees_new_tabs(new_page):
    from portal_settings.services import preset_save

    organization = OrganizationFactory()
    teens = ClientGroupFactory(organization=organization, name="Teens")
    members = [ClientFactory(organization=organization, group=teens) for _ in range(3)]
    ClientFactory(organization=organization)
    admin = MembershipFactory(organization=organization, role="admin").user
    preset_save(
        actor=admin,
        organization=organization,
        name="Minor",
        values={"billing": "off", "packages": "off", "appointments": "view"},
    )

    teen_page = new_page()
    log_in(teen_page, members[0].user)
    teen_page.goto("/portal/")
    tabs = teen_page.get_by_role("navigation", name="Portal sections")
    expect(tabs.get_by_role("link", name="Billing")).to_be_visible()

    page = new_page()
    log_in(page, admin)
    page.goto("/clients/")
    page.get_by_label("Group", exact=True).select_option(label="Teens")
    page.get_by_label("Select all 3 clients matching this search").check()
    page.get_by_label("With the selected clients").select_option(label="Apply a preset")
    page.get_by_label("Preset to apply").select_option(label="Minor")
    page.get_by_role("button", name="Review the change").click()
    expect(
        page.get_by_role("heading", name="Apply the preset Minor for 3 clients?")
    ).to_be_visible()
    assert_accessible_at_both_widths(page)
    page.get_by_role("button", name="Change 3 clients").click()
    expect(page.get_by_text("Apply the preset Minor: 3 clients changed.")).to_be_visible()

    teen_page.goto("/portal/")
    expect(tabs.get_by_role("link", name="Billing")).to_have_count(0)
    expect(tabs.get_by_role("link", name="Packages")).to_have_count(0)
    expect(tabs.get_by_role("link", name="Appointments")).to_be_visible()
    expect(teen_page.get_by_text("Your practice turned off Billing")).to_be_visible()


def test_tick_clients_and_move_them_without_javascript(chromium, live_server):
    organization = OrganizationFactory()
    adults = ClientGroupFactory(organization=organization, name="Adults")
    picked = [
        ClientFactory(organization=organization, user__last_name=f"Pick{n}") for n in range(2)
    ]
    left = ClientFactory(organization=organization, user__last_name="Left")
    provider = MembershipFactory(organization=organization).user
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, provider)
        page.goto("/clients/")
        for client in picked:
            page.get_by_label(f"Select {client.user.last_name}, {client.user.first_name}").check()
        page.get_by_label("With the selected clients").select_option(label="Move to a group")
        page.get_by_label("Move them to").select_option(label="Adults")
        page.get_by_role("button", name="Review the change").click()
        expect(page.get_by_role("heading", name="Move 2 clients to Adults?")).to_be_visible()
        page.get_by_role("button", name="Move 2 clients").click()
        expect(page.get_by_text("2 clients moved to Adults.")).to_be_visible()
    finally:
        context.close()
    assert set(adults.clients.all()) == set(picked)
    left.refresh_from_db()
    assert left.group is None

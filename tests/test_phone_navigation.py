"""At phone width the headers collapse into a Menu button; at desktop width nothing changes."""

import pytest
from playwright.sync_api import expect

from tests.axe import serious_violations
from tests.browser import sign_in
from tests.factories import PASSWORD, ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
HEADER_MAX_PX = 120  # one row: the practice's name and the Menu button


def header_height(page) -> float:
    return page.locator("header.app-header").bounding_box()["height"]


def open_menu_with_the_keyboard(page):
    button = page.get_by_role("button", name="Menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    # Tab from the skip link and the brand to the Menu button: it comes next in focus order.
    page.locator("body").focus()
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Menu":
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    return button


def test_client_tabs_collapse_into_a_menu_on_a_phone(new_page):
    client = ClientFactory(organization=OrganizationFactory(name="Harbor Wellness"))
    page = new_page(**PHONE)
    sign_in(page, client.user.email, PASSWORD)
    sections = page.get_by_role("navigation", name="Client Portal sections")
    assert header_height(page) < HEADER_MAX_PX
    expect(sections).to_be_hidden()

    assert not serious_violations(page)
    button = open_menu_with_the_keyboard(page)
    expect(sections.get_by_role("link", name="Documents")).to_be_visible()
    assert not serious_violations(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.keyboard.press("Tab")  # the next stop is inside the opened menu
    assert page.evaluate("!!document.activeElement.closest('header')")
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(sections).to_be_hidden()

    page.keyboard.press("Enter")
    sections.get_by_role("link", name="Documents").click()
    expect(page.get_by_role("heading", name="Documents", level=1)).to_be_visible()


def test_provider_header_collapses_into_a_menu_on_a_phone(new_page):
    provider = MembershipFactory(organization=OrganizationFactory()).user
    page = new_page(**PHONE)
    sign_in(page, provider.email, PASSWORD)
    groups = page.get_by_role("link", name="Groups")
    assert header_height(page) < HEADER_MAX_PX
    expect(groups).to_be_hidden()
    open_menu_with_the_keyboard(page)
    expect(groups).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_desktop_keeps_the_tabs_and_links_in_view(new_page):
    organization = OrganizationFactory()
    client = ClientFactory(organization=organization)
    provider = MembershipFactory(organization=organization).user
    portal = new_page(width=1280)
    sign_in(portal, client.user.email, PASSWORD)
    expect(portal.get_by_role("button", name="Menu")).to_be_hidden()
    sections = portal.get_by_role("navigation", name="Client Portal sections")
    expect(sections.get_by_role("link", name="Documents")).to_be_visible()
    app = new_page(width=1280)
    sign_in(app, provider.email, PASSWORD)
    expect(app.get_by_role("button", name="Menu")).to_be_hidden()
    expect(app.get_by_role("link", name="Groups")).to_be_visible()


def test_without_javascript_the_phone_header_shows_every_link(chromium, live_server):
    client = ClientFactory(organization=OrganizationFactory())
    context = chromium.new_context(
        viewport=PHONE, base_url=live_server.url, java_script_enabled=False
    )
    try:
        page = context.new_page()
        sign_in(page, client.user.email, PASSWORD)
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        sections = page.get_by_role("navigation", name="Client Portal sections")
        expect(sections.get_by_role("link", name="Documents")).to_be_visible()
    finally:
        context.close()

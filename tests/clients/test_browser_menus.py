"""The provider's menus in a real browser: legible, and closed with Escape."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible_at_both_widths, log_in
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory
from tests.phone import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTRAST = """element => {
  const rgb = value => value.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  let node = element, background = null;
  while (node) {
    const parts = rgb(getComputedStyle(node).backgroundColor);
    if (parts.length < 4 || parts[3] > 0) { background = parts; break; }
    node = node.parentElement;
  }
  const a = luminance(rgb(getComputedStyle(element).color));
  const b = luminance(background || [255, 255, 255]);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_every_actions_menu_item_is_legible_and_escape_closes_the_menus(new_page):
    organization = OrganizationFactory(name="Harbor Wellness")
    provider = MembershipFactory(organization=organization, role="admin").user
    # A short name, so that on a phone the Actions button could share the heading's row.
    client = ClientFactory(organization=organization, user__first_name="Al", user__last_name="Li")
    page = new_page()
    log_in(page, provider)
    page.goto(f"/clients/{client.pk}/")

    actions = page.locator("details.actions-menu")
    actions.get_by_text("Actions", exact=True).click()
    resend = page.get_by_role("button", name="Resend portal invitation")
    expect(resend).to_be_visible()
    for item in actions.locator("li a, li button").all():
        assert item.evaluate(CONTRAST) >= 4.5, item.inner_text()
    assert_accessible_at_both_widths(page, screenshot="client-actions-open")
    page.set_viewport_size({"width": 390, "height": 844})
    for item in actions.locator("li a, li button").all():
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, item.inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})

    page.keyboard.press("Escape")
    expect(resend).to_be_hidden()
    expect(actions.locator("summary")).to_be_focused()

    practice = page.locator("details.nav-dropdown")
    practice.locator("summary").click()
    expect(practice.get_by_role("link", name="Practice defaults")).to_be_visible()
    practice.get_by_role("link", name="Practice defaults").focus()
    page.keyboard.press("Escape")
    expect(practice.get_by_role("link", name="Practice defaults")).to_be_hidden()
    expect(practice.locator("summary")).to_be_focused()
    expect(practice).not_to_have_attribute("open", re.compile(".*"))


COLOR = "element => getComputedStyle(element).color"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_practice_menu_s_items_are_coloured_as_the_header_s_links(new_page, width):
    organization = OrganizationFactory(name="Harbor Wellness")
    provider = MembershipFactory(organization=organization, role="admin").user
    page = new_page(width=width, height=900)
    log_in(page, provider)
    page.goto("/groups/")  # a page the Practice menu does not hold, so no item is current
    open_menu(page)
    header = page.locator("header.app-header")
    link_colour = header.get_by_role("link", name="Schedule").evaluate(COLOR)
    practice = page.locator("details.nav-dropdown")
    practice.locator("summary").click()
    items = practice.get_by_role("link").all()
    assert len(items) == 6
    for item in items:
        assert item.evaluate(COLOR) == link_colour, item.inner_text()
        assert item.evaluate(CONTRAST) >= 4.5, item.inner_text()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_practice_menu_s_button_reads_as_a_header_link_not_a_form_field(new_page, width):
    organization = OrganizationFactory(name="Harbor Wellness")
    provider = MembershipFactory(organization=organization, role="admin").user
    page = new_page(width=width, height=900)
    log_in(page, provider)
    page.goto("/groups/")
    open_menu(page)
    header = page.locator("header.app-header")
    link_colour = header.get_by_role("link", name="Schedule").evaluate(COLOR)
    summary = page.locator("details.nav-dropdown summary")
    assert summary.evaluate(COLOR) == link_colour
    assert summary.evaluate("s => getComputedStyle(s).borderTopStyle") == "none"


def test_the_practice_menu_marks_the_page_it_is_on(new_page):
    organization = OrganizationFactory(name="Harbor Wellness")
    provider = MembershipFactory(organization=organization, role="admin").user
    page = new_page()
    log_in(page, provider)
    for url, name in (
        ("/settings/portal/", "Practice defaults"),
        ("/settings/portal/family/", "Practice defaults"),
        ("/settings/presets/new/", "Presets"),
        ("/reports/portal-settings/", "Portal settings report"),
        ("/reports/security/", "Security log"),
        ("/reports/lockouts/", "Sign-in lockouts"),
        ("/settings/practice/", "Practice settings"),
    ):
        page.goto(url)
        practice = page.locator("details.nav-dropdown")
        practice.locator("summary").click()
        current = practice.locator('a[aria-current="page"]')
        expect(current).to_have_count(1)
        expect(current).to_have_text(name)

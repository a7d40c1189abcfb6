"""The practice defaults page and the report, as a practice admin sees them."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible_at_both_widths, log_in
from tests.factories import (
    ClientFactory,
    ClientGroupFactory,
    OrganizationFactory,
    PracticeAdminFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GAP = """([first, second]) => {
  const a = first.getBoundingClientRect(), b = second.getBoundingClientRect();
  return b.left - a.right;
}"""


def test_practice_defaults_breadcrumb_and_the_report_on_a_phone(new_page):
    organization = OrganizationFactory(name="Harbor Wellness")
    admin = PracticeAdminFactory(organization=organization).user
    teens = ClientGroupFactory(organization=organization, name="Teens")
    ClientFactory.create_batch(3, organization=organization, group=teens)
    page = new_page()
    log_in(page, admin)

    page.goto("/settings/portal/")
    crumbs = page.get_by_role("navigation", name="breadcrumb")
    expect(crumbs.get_by_role("link", name="Practice defaults")).to_be_visible()
    items = crumbs.locator("li")
    # The divider sits between the crumbs, not over their words.
    gap = page.evaluate(
        GAP, [items.nth(0).locator("a").element_handle(), items.nth(1).element_handle()]
    )
    assert gap >= 16
    assert_accessible_at_both_widths(page, screenshot="practice-defaults")

    page.goto(f"/groups/{teens.pk}/settings/portal/")
    page.get_by_role("group", name="View and create goals").get_by_role(
        "radio", name="Off", exact=True
    ).check()
    page.get_by_label("Not relevant to this client").check()  # goals hold clients' records
    page.get_by_role("button", name="SAVE").click()
    confirmation = page.get_by_role("status").filter(has_text="Saved.")
    expect(confirmation).to_contain_text("affects the 3 active clients in Teens")
    expect(confirmation).to_be_focused()
    expect(page.locator("#source-goals")).to_have_text("Set for this group: Off")
    assert_accessible_at_both_widths(page, screenshot="group-settings-saved")

    page.goto("/reports/portal-settings/")
    assert_accessible_at_both_widths(page, screenshot="report")
    page.set_viewport_size({"width": 390, "height": 844})
    scroller = page.locator(".table-scroll")
    name_cell = page.locator("table.report tbody th").first
    left_before = name_cell.bounding_box()["x"]
    scroller.evaluate("element => { element.scrollLeft = 400; }")
    page.wait_for_timeout(50)
    assert scroller.evaluate("element => element.scrollLeft") > 0
    # The client column stays in view while the sections scroll under it.
    assert abs(name_cell.bounding_box()["x"] - left_before) < 1

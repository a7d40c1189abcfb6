"""Access with dates in a real browser: Billing Off until a date, set from the Dates disclosure
of its row, shown as "until …" on the page; a refused range says why, with focus on it; the
client's portal has no Billing at their next request."""

import zoneinfo
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import assert_accessible_at_both_widths, log_in
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_billing_off_until_a_date_is_set_shown_and_enforced(new_page):
    organization = OrganizationFactory(name="Harbor Wellness", time_zone="America/New_York")
    provider = MembershipFactory(organization=organization).user
    client = ClientFactory(organization=organization)
    local_until = timezone.localtime(
        timezone.now() + timedelta(days=12), zoneinfo.ZoneInfo("America/New_York")
    ).replace(hour=0, minute=0, second=0, microsecond=0)
    words = f"until {local_until:%b} {local_until.day}"
    if local_until.year != timezone.localtime().year:
        words += f", {local_until.year}"

    page = new_page()
    log_in(page, provider)
    page.goto(f"/clients/{client.pk}/settings/portal/")
    row = page.locator(".setting-row").filter(has_text="View and pay bills")
    row.locator("summary").click()
    row.get_by_label("View and pay bills, Level").select_option("off")

    # First a range that ends before it starts: refused, said, focused; nothing saved.
    page.locator("#dated-billing-from").fill("2031-03-02T09:00")
    page.locator("#dated-billing-until").fill("2031-03-01T09:00")
    page.get_by_role("button", name="SAVE").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Until must be after From")
    expect(refusal).to_contain_text("Nothing was saved.")
    expect(refusal).to_be_focused()
    # The refused dates are still there as typed, their row open, to correct.
    row = page.locator(".setting-row").filter(has_text="View and pay bills")
    expect(row.get_by_label("View and pay bills, Level")).to_have_value("off")
    expect(page.locator("#dated-billing-from")).to_have_value("2031-03-02T09:00")
    expect(page.locator("#dated-billing-until")).to_have_value("2031-03-01T09:00")
    expect(page.locator("#dated-billing-until")).to_be_visible()
    expect(page.locator("#dated-billing-until")).to_have_attribute("aria-invalid", "true")
    assert_accessible_at_both_widths(page, screenshot="settings-dated-refused")

    page.locator("#dated-billing-from").fill("")
    page.locator("#dated-billing-until").fill(local_until.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="SAVE").click()
    confirmation = page.get_by_role("status").filter(has_text="Saved.")
    expect(confirmation).to_contain_text(f"View and pay bills: Off {words}")
    expect(confirmation).to_be_focused()
    source = page.locator("#source-billing")
    expect(source).to_have_text(f"Set for this client: Off {words}")
    expect(page.locator(".history-dated").first).to_contain_text("Started")
    assert_accessible_at_both_widths(page, screenshot="settings-dated")

    portal = new_page()
    log_in(portal, client.user)
    portal.goto("/portal/")
    expect(portal.get_by_role("link", name="Billing", exact=True)).to_have_count(0)

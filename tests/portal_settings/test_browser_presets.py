"""Presets in a real browser: create one, apply it from a client's settings page with the
reason it needs, and the pages pass axe-core at 1280 and 390 px."""

import pytest
from playwright.sync_api import expect

from portal_settings.models import PortalSettings
from tests.axe import assert_accessible_at_both_widths
from tests.browser import log_in
from tests.factories import ClientFactory, OrganizationFactory, PracticeAdminFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_preset_and_apply_it_to_a_client_with_a_reason(new_page):
    organization = OrganizationFactory()
    admin = PracticeAdminFactory(organization=organization).user
    client = ClientFactory(organization=organization)
    page = new_page()
    log_in(page, admin)

    page.goto("/settings/presets/new/")
    assert_accessible_at_both_widths(page)
    page.get_by_label("Name").fill("Billing only")
    page.get_by_label("View and pay bills").select_option("full")
    page.get_by_label("View and upload documents").select_option("off")
    page.get_by_role("button", name="Save preset").click()
    expect(page.get_by_text("The preset Billing only was saved")).to_be_visible()
    expect(page.get_by_role("cell", name="Billing only")).to_be_visible()
    assert_accessible_at_both_widths(page)

    page.goto(f"/clients/{client.pk}/settings/portal/")
    block = page.locator(".apply-preset")
    block.get_by_label("Preset").select_option(
        label="Billing only (View and pay bills: Full · View and upload documents: Off)"
    )
    block.get_by_role("button", name="Apply preset").click()
    expect(
        page.get_by_text("Turning off “View and upload documents” hides the client's own records")
    ).to_be_visible()
    assert not PortalSettings.objects.filter(client=client).exists()

    block = page.locator(".apply-preset")
    block.get_by_label("Preset").select_option(
        label="Billing only (View and pay bills: Full · View and upload documents: Off)"
    )
    block.get_by_label("The client's request").check()
    block.get_by_role("button", name="Apply preset").click()
    expect(page.get_by_text("Preset Billing only applied.")).to_be_visible()
    expect(page.locator("#source-documents")).to_have_text("Set for this client: Off")
    expect(
        page.get_by_text("Reason for hiding the client's records: The client's request")
    ).to_be_visible()
    assert_accessible_at_both_widths(page)

"""Each person keeps their own header and navigation on every page, refusals and errors too."""

import pytest
from playwright.sync_api import expect

from portal_settings.models import PortalSettings
from tests.browser import assert_accessible_at_both_widths, log_in
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_client_keeps_the_portal_header_and_tabs_on_refusals_and_errors(new_page):
    organization = OrganizationFactory(name="Harbor Wellness")
    client = ClientFactory(organization=organization)
    PortalSettings.objects.create(client=client, values={"billing": "off"})
    page = new_page()
    log_in(page, client.user)

    for path, status, heading in [
        ("/portal/billing/", 403, "Billing is not part of your portal"),
        ("/portal/documents/999999/download/", 404, "Page not found"),
        ("/clients/", 403, "You can't open this page"),
    ]:
        response = page.goto(path)
        assert response.status == status, path
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        tabs = page.get_by_role("navigation", name="Client Portal sections")
        expect(tabs.get_by_role("link", name="Home")).to_be_visible()
        expect(page.get_by_role("link", name="Harbor Wellness")).to_be_visible()
        if status == 403 and path.startswith("/portal/"):
            expect(tabs.get_by_role("link", name="Goals")).to_be_visible()
            expect(tabs.get_by_role("link", name="Billing")).to_have_count(0)
            assert_accessible_at_both_widths(page, screenshot="section-off")


def test_a_provider_keeps_the_provider_header_on_the_password_page_and_errors(new_page):
    organization = OrganizationFactory(name="Harbor Wellness")
    provider = MembershipFactory(organization=organization).user
    page = new_page()
    log_in(page, provider)

    for path, status, heading in [
        ("/accounts/password/", 200, "Change your password"),
        ("/clients/999999/", 404, "Page not found"),
    ]:
        response = page.goto(path)
        assert response.status == status, path
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        header = page.get_by_role("navigation", name="Provider app")
        expect(header.get_by_role("link", name="Clients")).to_be_visible()
        expect(header.get_by_role("link", name="Harbor Wellness")).to_be_visible()
        assert_accessible_at_both_widths(page, screenshot=f"provider-{status}")

"""The family story in Chromium: a provider adds a parent to a teen client; the parent accepts
the invitation, opens the teen's portal under a banner, pays an open bill and is kept out of the
journal; the teen, signed in at the same time, has no Billing tab; the provider pauses the
parent, whose next page is the sign-in page saying so."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import FamilyLink
from portal.billing.models import Payment
from portal.billing.services import Line, invoice_create
from portal_settings.models import PortalSettings
from tests.browser import assert_accessible_at_both_widths, log_in
from tests.factories import (
    ClientFactory,
    ClientGroupFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.phone import open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Blue-Heron-2026"


def test_a_parent_pays_a_teens_bill_and_is_signed_out_when_paused(new_page, mailoutbox):
    organization = OrganizationFactory(name="Harbor Wellness", contact_email="desk@harbor.test")
    provider = MembershipFactory(organization=organization).user
    teens = ClientGroupFactory(organization=organization, name="Teens")
    PortalSettings.objects.create(group=teens, values={"billing": "off", "packages": "off"})
    casey = ClientFactory(
        organization=organization,
        group=teens,
        user=UserFactory(first_name="Casey", last_name="Client", email="casey@example.test"),
        date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 15)
        - dt.timedelta(days=40),
    )
    invoice = invoice_create(
        actor=provider,
        client=casey,
        lines=[Line("Session", 1, Decimal("80.00"))],
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )

    # The provider adds the parent from the client's Actions menu.
    desk = new_page()
    log_in(desk, provider)
    desk.goto(casey.get_absolute_url())
    desk.get_by_role("button", name="Actions").click()
    desk.get_by_role("link", name="Add family member").click()
    desk.get_by_label("First name").fill("Jordan")
    desk.get_by_label("Last name").fill("Client")
    desk.get_by_label("Email").fill("jordan@example.test")
    desk.get_by_label("Relationship").select_option("parent")
    desk.get_by_role("button", name="Add family member and send invitation").click()
    expect(desk.get_by_role("status")).to_contain_text("Jordan Client has family access")
    assert_accessible_at_both_widths(desk, screenshot="family-provider")

    # ... and sets the parent's own sections: Programs off for them.
    desk.get_by_role("link", name="Client Portal Settings for Jordan Client").click()
    expect(desk.get_by_role("heading", name="Client Portal Settings")).to_be_visible()
    expect(desk.get_by_text("Jordan Client, parent of Casey Client")).to_be_visible()
    programs = desk.get_by_role("group", name="View and complete programs")
    programs.get_by_role("radio", name="Off", exact=True).check()
    desk.get_by_label("Note").fill("Casey does programs alone")
    desk.get_by_role("button", name="SAVE").click()
    expect(desk.get_by_role("status")).to_contain_text("View and complete programs: Full → Off")
    assert_accessible_at_both_widths(desk, screenshot="family-settings")

    # The parent accepts the invitation and lands in Casey's portal, under the banner.
    link_path = re.search(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/)", mailoutbox[0].body)
    parent = new_page(width=390, height=844)
    parent.goto(link_path.group(1))
    parent.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    parent.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    parent.get_by_role("button", name="Set password and enter the portal").click()
    expect(parent.get_by_text("Viewing Casey Client's portal as parent.")).to_be_visible()
    open_menu(parent)  # at 390 px the tabs sit behind the Menu button
    parent_tabs = parent.get_by_role("navigation", name="Client Portal sections")
    expect(parent_tabs.get_by_role("link", name="Billing")).to_be_visible()
    expect(parent_tabs.get_by_role("link", name="Programs")).to_have_count(0)
    assert_accessible_at_both_widths(parent, screenshot="family-portal")

    # The teen, signed in at the same time, has no Billing tab.
    teen = new_page()
    log_in(teen, casey.user)
    teen.goto("/portal/")
    tabs = teen.get_by_role("navigation", name="Client Portal sections")
    expect(tabs.get_by_role("link", name="Goals")).to_be_visible()
    expect(tabs.get_by_role("link", name="Billing")).to_have_count(0)

    # The parent pays Casey's open bill.
    parent.goto(f"/portal/billing/invoices/{invoice.pk}/")
    parent.get_by_label("Card number").fill("4242 4242 4242 4242")
    parent.get_by_label("Expiry (MM/YY)").fill("12/40")
    parent.get_by_label(re.compile("Security code|CVC", re.I)).fill("123")
    parent.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(parent.get_by_role("status")).to_contain_text("is paid")
    payment = Payment.objects.get(invoice=invoice, status="succeeded")
    assert payment.acted_by.email == "jordan@example.test"

    # Casey's journal is private to Casey.
    parent.goto("/portal/journal/")
    expect(parent.get_by_role("heading", name="Journal is not part of your portal")).to_be_visible()

    # The provider pauses the parent: the parent's next page is the sign-in page, saying so.
    desk.goto(casey.get_absolute_url() + "family/")
    desk.get_by_role("button", name="Pause").click()
    expect(desk.get_by_role("status")).to_contain_text("family access is paused")
    assert FamilyLink.objects.get(client=casey).status == "paused"
    parent.goto("/portal/goals/")
    expect(parent.get_by_role("heading", name="Sign in")).to_be_visible()
    notice = parent.get_by_role("status")
    expect(notice).to_contain_text("paused your family access to Casey Client's Client Portal")
    expect(notice).to_contain_text("desk@harbor.test")
    # the teen is unaffected
    teen.goto("/portal/goals/")
    expect(teen.get_by_role("heading", name="Goals")).to_be_visible()

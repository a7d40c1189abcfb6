"""After a full page load that answers an action, keyboard focus is on what the page says, not
on the page body (fresh-eyes finding: a declined card, a paid receipt, form errors)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from portal.billing.services import Line, invoice_create
from tests.browser import log_in
from tests.factories import ClientFactory, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused_text(page) -> str:
    """The text of the focused element; "" when focus is on the page body."""
    return page.evaluate(
        "document.activeElement === document.body ? '' : document.activeElement.innerText || ''"
    )


def test_focus_moves_to_the_decline_then_to_the_thank_you(new_page):
    organization = OrganizationFactory(name="Harbor Wellness")
    provider = MembershipFactory(organization=organization).user
    client = ClientFactory(organization=organization)
    invoice = invoice_create(
        actor=provider,
        client=client,
        lines=[Line("Session", 1, Decimal("80.00"))],
        due_on=timezone.localdate(),
    )
    page = new_page()
    log_in(page, client.user)
    page.goto(f"/portal/billing/invoices/{invoice.pk}/")

    def pay(number):
        page.get_by_label("Card number").fill(number)
        page.get_by_label("Expiry (MM/YY)").fill("12/40")
        page.get_by_label("Security code").fill("123")
        page.get_by_role("button", name="Pay").click()
        page.wait_for_load_state()

    pay("4000 0000 0000 0002")
    assert "declined" in focused_text(page)
    pay("4242 4242 4242 4242")
    assert "is paid" in focused_text(page)

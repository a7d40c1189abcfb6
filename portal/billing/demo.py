"""Demo invoices: Casey has one paid and one open, Ana one open."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from portal.billing.gateways import parse_card
from portal.billing.models import Invoice
from portal.billing.services import Line, invoice_create, invoice_pay


def seed(*, organization, admin, provider, clients) -> None:
    casey, ana = clients["client@demo.test"], clients["ana.lopez@demo.test"]
    today = timezone.localdate()
    # A package bought in the portal has its own invoice: these are the ones a provider wrote.
    written = Invoice.objects.filter(package_purchase__isnull=True)
    if not written.filter(client=casey).exists():
        paid = invoice_create(
            actor=provider,
            client=casey,
            lines=[Line("Initial consultation", 1, Decimal("120.00"))],
            due_on=today,
            issued_on=today - dt.timedelta(days=20),
        )
        invoice_pay(invoice=paid, card=parse_card("4242424242424242", "12/40", "123"))
        invoice_create(
            actor=provider,
            client=casey,
            lines=[
                Line("Follow-up session", 1, Decimal("80.00")),
                Line("Meal plan", 1, Decimal("15.50")),
            ],
            due_on=today + dt.timedelta(days=14),
        )
    if not written.filter(client=ana).exists():
        invoice_create(
            actor=provider,
            client=ana,
            lines=[Line("Follow-up session", 2, Decimal("80.00"))],
            due_on=today + dt.timedelta(days=7),
        )

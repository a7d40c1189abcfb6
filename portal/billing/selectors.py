"""Reads of billing shared outside its own pages."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum, Window

from portal.billing.models import Invoice
from portal.money import to_money


@dataclass(frozen=True)
class BillingSummary:
    balance: Decimal
    open_count: int
    next_invoice: Invoice | None  # the open invoice due soonest


def home_summary(client) -> BillingSummary:
    """Balance due and the next unpaid invoice, in one query: the balance and the number of
    open invoices are window aggregates over all open invoices, carried on the first row."""
    first = (
        Invoice.objects.filter(client=client, status=Invoice.Status.OPEN)
        .annotate(
            balance=Window(Sum("total")),
            open_count=Window(Count("pk")),
        )
        .only("pk", "number", "total", "currency", "due_on")
        .order_by("due_on", "number")
        .first()
    )
    if first is None:
        return BillingSummary(balance=to_money(0), open_count=0, next_invoice=None)
    return BillingSummary(
        balance=to_money(first.balance), open_count=first.open_count, next_invoice=first
    )

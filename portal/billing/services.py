"""Invoices and payments. An invoice is paid exactly once, however often "Pay" is pressed."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from portal.billing.gateways import Card, get_gateway
from portal.billing.models import Invoice, InvoiceLine, Payment
from portal.money import MAX_AMOUNT, to_money


@dataclass(frozen=True)
class Line:
    description: str
    quantity: int
    unit_price: Decimal


class AlreadyPaid(Exception):
    def __init__(self, payment: Payment):
        self.payment = payment


class PaymentDeclined(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def invoice_create(
    *, actor, client, lines: list[Line], due_on: date, note: str = "", issued_on=None
) -> Invoice:
    if not lines:
        raise ValidationError("Add at least one line.")
    amounts = [to_money(line.unit_price) * line.quantity for line in lines]
    if any(amount < 0 for amount in amounts) or sum(amounts, Decimal(0)) > MAX_AMOUNT:
        raise ValidationError(f"An invoice can come to at most {MAX_AMOUNT:,.2f}.")
    organization = client.organization
    # Numbers are per practice; lock the practice row so two invoices never get one number.
    type(organization).objects.select_for_update().filter(pk=organization.pk).first()
    number = (
        Invoice.objects.filter(organization=organization).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    invoice = Invoice.objects.create(
        organization=organization,
        client=client,
        number=number,
        currency=organization.currency,
        total=to_money(sum(amounts, Decimal(0))),
        issued_on=issued_on or timezone.localdate(),
        due_on=due_on,
        note=note.strip(),
        created_by=actor,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=n,
            description=line.description.strip(),
            quantity=line.quantity,
            unit_price=to_money(line.unit_price),
            amount=to_money(amount),
        )
        for n, (line, amount) in enumerate(zip(lines, amounts, strict=True), start=1)
    )
    return invoice


@transaction.atomic
def invoice_void(*, invoice: Invoice) -> Invoice:
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != Invoice.Status.OPEN:
        raise ValidationError("Only an open invoice can be voided.")
    invoice.status = Invoice.Status.VOID
    invoice.save(update_fields=["status"])
    return invoice


def invoice_pay(*, invoice: Invoice, card: Card, acted_by=None) -> Payment:
    """Charge the card for the invoice, once.

    The invoice row is locked for the whole attempt, so a double click or two racing requests
    are served one after the other: the second finds the invoice paid and gets AlreadyPaid
    with the first payment. The partial unique index on successful payments backs this up in
    the database itself. A decline is recorded and raised as PaymentDeclined.
    """
    gateway = get_gateway()
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.status == Invoice.Status.PAID:
            raise AlreadyPaid(invoice.payments.get(status=Payment.Status.SUCCEEDED))
        if invoice.status != Invoice.Status.OPEN:
            raise ValidationError("This invoice was voided and cannot be paid.")
        result = gateway.charge(
            amount=invoice.total,
            currency=invoice.currency,
            card=card,
            reference=f"invoice-{invoice.pk}",
        )
        payment = Payment.objects.create(
            organization_id=invoice.organization_id,
            invoice=invoice,
            client_id=invoice.client_id,
            amount=invoice.total,
            currency=invoice.currency,
            status=Payment.Status.SUCCEEDED if result.success else Payment.Status.DECLINED,
            gateway=gateway.name,
            gateway_reference=result.reference,
            card_last4=card.last4,
            message=result.message,
            acted_by=acted_by,
        )
        if result.success:
            invoice.status = Invoice.Status.PAID
            invoice.paid_at = timezone.now()
            invoice.save(update_fields=["status", "paid_at"])
    if not result.success:
        raise PaymentDeclined(result.message)
    return payment


def client_balance(client) -> Decimal:
    from django.db.models import Sum

    total = client.invoices.filter(status=Invoice.Status.OPEN).aggregate(s=Sum("total"))["s"]
    return to_money(total or 0)

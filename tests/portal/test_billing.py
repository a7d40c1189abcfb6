import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.billing.gateways import TestGateway
from portal.billing.models import Invoice, Payment
from portal.billing.services import Line, invoice_create
from portal.money import format_money, to_money
from tests.concurrency import requires_postgres, run_concurrently
from tests.factories import ClientFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

GOOD = {"number": "4242 4242 4242 4242", "expiry": "12/40", "cvc": "123"}


def new_invoice(provider, client, *lines):
    lines = lines or (Line("Initial consultation", 1, Decimal("120.00")),)
    return invoice_create(
        actor=provider,
        client=client,
        lines=list(lines),
        due_on=timezone.localdate() + timedelta(days=14),
    )


def pay(http, invoice, **card):
    return http.post(reverse("portal:billing-invoice", args=[invoice.pk]), {**GOOD, **card})


def test_provider_creates_an_invoice_with_exact_amounts(provider_http, client_record):
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    data = {
        "due_on": due,
        "note": "",
        "lines-TOTAL_FORMS": "4",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
        "lines-0-description": "Session",
        "lines-0-quantity": "3",
        "lines-0-unit_price": "33.33",
        "lines-1-description": "Workbook",
        "lines-1-quantity": "1",
        "lines-1-unit_price": "0.10",
        "lines-2-description": "Postage",
        "lines-2-quantity": "1",
        "lines-2-unit_price": "0.20",
        # an unused row, as a browser sends it: the rendered quantity, nothing else
        "lines-3-description": "",
        "lines-3-quantity": "1",
        "lines-3-unit_price": "",
    }
    response = provider_http.post(reverse("provider:invoice-create", args=[client_record.pk]), data)
    assert response.status_code == 302, (
        response.context["form"].errors,
        response.context["lines"].errors,
    )
    invoice = Invoice.objects.get()
    assert invoice.total == Decimal("100.29")
    assert [line.amount for line in invoice.lines.all()] == [
        Decimal("99.99"),
        Decimal("0.10"),
        Decimal("0.20"),
    ]
    assert (invoice.number, invoice.status, invoice.currency) == (1, "open", "USD")


def test_an_invoice_needs_a_line_and_a_future_due_date(provider_http, client_record):
    data = {
        "due_on": "2000-01-01",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "50",
    }
    response = provider_http.post(reverse("provider:invoice-create", args=[client_record.pk]), data)
    assert response.status_code == 400
    assert not Invoice.objects.exists()


def test_client_sees_and_pays_an_invoice_and_gets_a_receipt(
    provider, provider_http, client_record, client_http
):
    invoice = new_invoice(provider, client_record)
    page = client_http.get(reverse("portal:billing")).content.decode()
    assert invoice.label in page and "$120.00" in page
    invoice_page = client_http.get(invoice.get_portal_url()).content.decode()
    assert "Test payments: no real card is charged" in invoice_page

    response = pay(client_http, invoice)
    payment = Payment.objects.get()
    assert response.url == reverse("portal:billing-receipt", args=[payment.pk])
    assert (payment.status, payment.amount, payment.card_last4, payment.gateway) == (
        "succeeded",
        Decimal("120.00"),
        "4242",
        "test",
    )
    assert payment.gateway_reference.startswith("test_ch_")
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.paid_at
    receipt = client_http.get(response.url).content.decode()
    assert payment.gateway_reference in receipt and "$120.00" in receipt

    provider_page = provider_http.get(
        reverse("provider:client-billing", args=[client_record.pk])
    ).content.decode()
    assert "Balance due: $0.00" in provider_page
    assert payment.gateway_reference in provider_page


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("4000 0000 0000 0002", "Your card was declined."),
        ("4000000000009995", "insufficient funds"),
    ],
)
def test_a_declined_card_is_recorded_and_the_invoice_stays_open(
    provider, client_record, client_http, number, message
):
    invoice = new_invoice(provider, client_record)
    response = pay(client_http, invoice, number=number)
    assert response.status_code == 400
    assert (
        message in response.content.decode() and "Nothing was charged" in response.content.decode()
    )
    invoice.refresh_from_db()
    assert invoice.status == "open"
    assert Payment.objects.get().status == "declined"
    # The card's number and security code are not written back into the page.
    page = response.content.decode()
    assert f'value="{number}"' not in page and f'value="{GOOD["cvc"]}"' not in page


@pytest.mark.parametrize(
    ("card", "message"),
    [
        ({"number": "4242 4242 4242 4241"}, "not valid"),
        ({"expiry": "01/20"}, "expired"),
        ({"cvc": "1"}, "security code"),
    ],
)
def test_bad_card_details_are_refused_before_any_charge(
    provider, client_record, client_http, card, message
):
    invoice = new_invoice(provider, client_record)
    response = pay(client_http, invoice, **card)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Payment.objects.exists()


def test_paying_twice_charges_once(provider, client_record, client_http):
    invoice = new_invoice(provider, client_record)
    first = pay(client_http, invoice)
    second = pay(client_http, invoice)
    assert second.url == first.url
    assert Payment.objects.filter(status="succeeded").count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_racing_payments_charge_once(provider, client_record, monkeypatch):
    invoice = new_invoice(provider, client_record)
    charges = []
    original = TestGateway.charge

    def slow_charge(self, **kwargs):
        charges.append(kwargs["reference"])
        time.sleep(0.3)  # the first request holds the invoice while the second arrives
        return original(self, **kwargs)

    monkeypatch.setattr(TestGateway, "charge", slow_charge)
    browsers = [signed_in(client_record.user), signed_in(client_record.user)]
    responses = run_concurrently(*(lambda b=b: pay(b, invoice) for b in browsers))
    payment = Payment.objects.get(status="succeeded")
    assert charges == [f"invoice-{invoice.pk}"]
    assert [r.status_code for r in responses] == [302, 302]
    assert {r.url for r in responses} == {reverse("portal:billing-receipt", args=[payment.pk])}
    assert Payment.objects.count() == 1


def test_the_database_refuses_a_second_successful_payment(provider, client_record):
    from django.db import IntegrityError, transaction

    invoice = new_invoice(provider, client_record)
    fields = {
        "organization": invoice.organization,
        "invoice": invoice,
        "client": client_record,
        "amount": invoice.total,
        "currency": "USD",
        "status": "succeeded",
        "gateway": "test",
        "card_last4": "4242",
    }
    Payment.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(**fields)


def test_another_client_cannot_see_or_pay_the_invoice(provider, client_record, organization):
    invoice = new_invoice(provider, client_record)
    intruder = signed_in(ClientFactory(organization=organization).user)
    assert intruder.get(invoice.get_portal_url()).status_code == 404
    assert pay(intruder, invoice).status_code == 404
    assert invoice.label not in intruder.get(reverse("portal:billing")).content.decode()
    assert not Payment.objects.exists()


def test_a_voided_invoice_disappears_and_cannot_be_paid(
    provider, provider_http, client_record, client_http
):
    invoice = new_invoice(provider, client_record)
    provider_http.post(reverse("provider:invoice-void", args=[client_record.pk, invoice.pk]))
    invoice.refresh_from_db()
    assert invoice.status == "void"
    assert client_http.get(invoice.get_portal_url()).status_code == 404
    assert pay(client_http, invoice).status_code == 404


def test_invoice_numbers_are_per_practice(provider, client_record, other_organization):
    other = ClientFactory(organization=other_organization)
    assert [new_invoice(provider, client_record).number for _ in range(2)] == [1, 2]
    assert new_invoice(provider, other).number == 1


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        to_money(0.1)
    assert to_money("0.1") + to_money("0.2") == Decimal("0.30")
    assert format_money(Decimal("1234.5"), "EUR") == "€1,234.50"
    assert format_money(Decimal("-3"), "USD") == "-$3.00"

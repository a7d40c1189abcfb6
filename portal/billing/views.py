"""Billing in the Client Portal ("View and pay bills")."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from clients.security import scoped_get_or_404
from portal.billing.forms import CARD_FIELDS, PayForm
from portal.billing.gateways import get_gateway
from portal.billing.models import Invoice, Payment
from portal.billing.services import AlreadyPaid, PaymentDeclined, client_balance, invoice_pay
from portal_settings.enforcement import ON_POST, portal_section
from portal_settings.sections import BY_KEY

SECTION = BY_KEY["billing"]


@portal_section(SECTION.key)
@require_safe
def index(request):
    invoices = list(request.client.invoices.exclude(status=Invoice.Status.VOID))
    context = {
        "section": SECTION,
        "open": [i for i in invoices if i.status == Invoice.Status.OPEN],
        "paid": [i for i in invoices if i.status == Invoice.Status.PAID],
        "balance": client_balance(request.client),
        "today": timezone.localdate(),
    }
    return render(request, "portal/billing/index.html", context)


@portal_section(SECTION.key, acts=ON_POST)
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters(*CARD_FIELDS)
def invoice(request, pk):
    invoice = scoped_get_or_404(
        Invoice.objects.prefetch_related("lines"),
        pk=pk,
        client=request.client,
        status__in=[Invoice.Status.OPEN, Invoice.Status.PAID],
    )
    form = PayForm(request.POST or None) if invoice.status == Invoice.Status.OPEN else None
    status = 200
    if request.method == "POST":
        if form is None:
            payment = invoice.payments.get(status=Payment.Status.SUCCEEDED)
            messages.info(request, "This invoice is already paid.")
            return redirect("portal:billing-receipt", pk=payment.pk)
        if form.is_valid():
            try:
                payment = invoice_pay(
                    invoice=invoice, card=form.cleaned_data["card"], acted_by=request.user
                )
            except AlreadyPaid as paid:
                messages.info(request, "This invoice is already paid; you were not charged again.")
                return redirect("portal:billing-receipt", pk=paid.payment.pk)
            except PaymentDeclined as declined:
                form.add_error(None, f"{declined.message} Nothing was charged.")
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                messages.success(request, f"Thank you. {invoice.label} is paid.")
                return redirect("portal:billing-receipt", pk=payment.pk)
        status = 400
    context = {"invoice": invoice, "form": form, "gateway": get_gateway()}
    return render(request, "portal/billing/invoice.html", context, status=status)


@portal_section(SECTION.key)
@require_safe
def receipt(request, pk):
    payment = scoped_get_or_404(
        Payment.objects.select_related("invoice"),
        pk=pk,
        client=request.client,
        status=Payment.Status.SUCCEEDED,
    )
    return render(
        request, "portal/billing/receipt.html", {"payment": payment, "invoice": payment.invoice}
    )

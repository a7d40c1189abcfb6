"""Billing on the client's profile in the provider app."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clients.access import provider_required
from clients.security import scoped_get_or_404
from portal.billing import services
from portal.billing.forms import InvoiceForm, LineFormSet
from portal.billing.models import Invoice
from portal_settings.selectors import client_with_settings_get


@provider_required
@require_safe
def client_billing(request, pk):
    client = client_with_settings_get(organization=request.organization, pk=pk)
    context = {
        "client": client,
        "active_tab": "billing",
        "invoices": client.invoices.all(),
        "payments": client.payments.select_related("invoice"),
        "balance": services.client_balance(client),
    }
    return render(request, "portal/billing/provider_client.html", context)


@provider_required
@require_http_methods(["GET", "HEAD", "POST"])
def invoice_create(request, pk):
    client = client_with_settings_get(organization=request.organization, pk=pk)
    form = InvoiceForm(request.POST or None)
    lines = LineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        filled = [f.cleaned_data for f in lines.forms if f.cleaned_data]
        try:
            invoice = services.invoice_create(
                actor=request.user,
                client=client,
                lines=[
                    services.Line(d["description"], d["quantity"], d["unit_price"]) for d in filled
                ],
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{invoice.label} was sent to {client.name}'s portal.")
            return redirect("provider:client-billing", pk=client.pk)
    status = 400 if request.method == "POST" else 200
    context = {"client": client, "active_tab": "billing", "form": form, "lines": lines}
    return render(request, "portal/billing/provider_invoice_form.html", context, status=status)


@provider_required
@require_POST
def invoice_void(request, pk, invoice_pk):
    invoice = scoped_get_or_404(
        Invoice, pk=invoice_pk, client_id=pk, organization=request.organization
    )
    try:
        services.invoice_void(invoice=invoice)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{invoice.label} was voided; the client no longer sees it.")
    return redirect("provider:client-billing", pk=pk)

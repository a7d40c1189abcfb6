"""Packages in the Client Portal ("View and purchase packages").

Buying works whether or not billing is part of the client's portal: the purchase has its own
receipt here, under packages.
"""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from clients.security import scoped_get_or_404
from portal.billing.forms import CARD_FIELDS, PayForm
from portal.billing.gateways import get_gateway
from portal.billing.services import PaymentDeclined
from portal.packages.models import Package, PackagePurchase
from portal.packages.services import AlreadyPurchased, package_purchase, sessions_credited
from portal_settings.enforcement import ALWAYS, portal_section
from portal_settings.sections import BY_KEY

SECTION = BY_KEY["packages"]


@portal_section(SECTION.key)
@require_safe
def index(request):
    client = request.client
    context = {
        "section": SECTION,
        "packages": Package.objects.filter(organization=client.organization, active=True),
        "purchases": client.package_purchases.select_related("package", "invoice"),
        "sessions": sessions_credited(client),
    }
    return render(request, "portal/packages/index.html", context)


@portal_section(SECTION.key, acts=ALWAYS)
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters(*CARD_FIELDS)
def buy(request, pk):
    package = scoped_get_or_404(
        Package, pk=pk, organization=request.client.organization, active=True
    )
    form = PayForm(request.POST or None)
    token = request.POST.get("token") if request.method == "POST" else str(uuid.uuid4())
    status = 200
    if request.method == "POST":
        try:
            token_value = uuid.UUID(token or "")
        except ValueError:
            return render(
                request,
                "400.html",
                {"exception": "The form is incomplete; reload the page. Nothing was charged."},
                status=400,
            )
        if form.is_valid():
            try:
                purchase = package_purchase(
                    client=request.client,
                    package=package,
                    card=form.cleaned_data["card"],
                    request_token=token_value,
                    acted_by=request.user,
                )
            except AlreadyPurchased as done:
                messages.info(
                    request, "This purchase was already made; you were not charged again."
                )
                return redirect(done.purchase.get_portal_url())
            except PaymentDeclined as declined:
                form.add_error(None, f"{declined.message} Nothing was charged.")
            else:
                messages.success(
                    request,
                    f"Thank you. {purchase.sessions_credited} sessions were added to your account.",
                )
                return redirect(purchase.get_portal_url())
        status = 400
    context = {"package": package, "form": form, "token": token, "gateway": get_gateway()}
    return render(request, "portal/packages/buy.html", context, status=status)


@portal_section(SECTION.key)
@require_safe
def receipt(request, pk):
    purchase = scoped_get_or_404(
        PackagePurchase.objects.select_related("package", "invoice"), pk=pk, client=request.client
    )
    payment = purchase.invoice.payments.get(status="succeeded")
    return render(
        request,
        "portal/packages/receipt.html",
        {"purchase": purchase, "payment": payment, "invoice": purchase.invoice},
    )

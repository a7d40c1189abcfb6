"""Buying a package: a paid invoice through the same gateway, and sessions credited."""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.billing.services import Line, PaymentDeclined, invoice_create, invoice_pay
from portal.packages.models import Package, PackagePurchase


class AlreadyPurchased(Exception):
    def __init__(self, purchase: PackagePurchase):
        self.purchase = purchase


def package_purchase(
    *, client, package: Package, card, request_token: uuid.UUID
) -> PackagePurchase:
    """Create the invoice, charge it, and credit the sessions, all or nothing.

    A decline rolls back the invoice too, so nothing is left open. The form's token is unique
    per purchase: pressing "Buy" twice returns the first purchase instead of buying twice.
    """
    existing = PackagePurchase.objects.filter(request_token=request_token, client=client).first()
    if existing:
        raise AlreadyPurchased(existing)
    if not package.active or package.organization_id != client.organization_id:
        raise PaymentDeclined("This package is no longer offered.")
    try:
        with transaction.atomic():
            invoice = invoice_create(
                actor=client.user,
                client=client,
                lines=[
                    Line(
                        f"Package: {package.name} ({package.sessions_included} sessions)",
                        1,
                        package.price,
                    )
                ],
                due_on=timezone.localdate(),
                note="Package purchase",
            )
            # Claim the token before charging: a racing second press waits here, then fails.
            purchase = PackagePurchase.objects.create(
                organization_id=client.organization_id,
                client=client,
                package=package,
                invoice=invoice,
                sessions_credited=package.sessions_included,
                request_token=request_token,
            )
            invoice_pay(invoice=invoice, card=card)
    except IntegrityError as exc:
        existing = PackagePurchase.objects.filter(
            request_token=request_token, client=client
        ).first()
        if existing:
            raise AlreadyPurchased(existing) from exc
        raise
    return purchase


def sessions_credited(client) -> int:
    from django.db.models import Sum

    return client.package_purchases.aggregate(total=Sum("sessions_credited"))["total"] or 0

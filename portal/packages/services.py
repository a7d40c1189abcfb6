"""Buying a package: a paid invoice through the same gateway, and sessions credited."""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.billing.services import Line, PaymentDeclined, invoice_create, invoice_pay
from portal.money import MAX_AMOUNT
from portal.packages.models import Package, PackagePurchase


class AlreadyPurchased(Exception):
    def __init__(self, purchase: PackagePurchase):
        self.purchase = purchase


def package_purchase(
    *, client, package: Package, card, request_token: uuid.UUID, acted_by=None
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
                actor=acted_by or client.user,
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
                acted_by=acted_by,
            )
            invoice_pay(invoice=invoice, card=card, acted_by=acted_by)
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


PRICE_ERROR = "The price must be more than zero."
PRICE_LIMIT_ERROR = f"Enter a price of at most {MAX_AMOUNT:,.2f}, with at most two decimal places."
SESSIONS_ERROR = "A package includes at least one session."


def check_package(*, name: str, price, sessions_included: int) -> str:
    """The rules of a package on offer; returns the name as it is stored."""
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = "Give the package a name."
    elif len(name) > Package._meta.get_field("name").max_length:
        errors["name"] = "Keep the name to 120 characters."
    if price <= 0:
        errors["price"] = PRICE_ERROR
    elif price > MAX_AMOUNT or price != price.quantize(Decimal("0.01")):
        # A purchase is invoiced, and an invoice comes to at most MAX_AMOUNT.
        errors["price"] = PRICE_LIMIT_ERROR
    if not 1 <= sessions_included <= 32767:
        errors["sessions_included"] = SESSIONS_ERROR
    if errors:
        raise ValidationError(errors)
    return name


@transaction.atomic
def package_create(
    *,
    organization,
    name: str,
    price: Decimal,
    sessions_included: int,
    description: str = "",
    active: bool = True,
) -> Package:
    name = check_package(name=name, price=price, sessions_included=sessions_included)
    return Package.objects.create(
        organization=organization,
        name=name,
        description=description.strip(),
        price=price,
        sessions_included=sessions_included,
        active=active,
    )


@transaction.atomic
def package_update(
    *,
    package: Package,
    name: str,
    price: Decimal,
    sessions_included: int,
    description: str,
    active: bool,
) -> Package:
    """Earlier purchases keep the price and sessions they were bought with (their invoice)."""
    package.name = check_package(name=name, price=price, sessions_included=sessions_included)
    package.description = description.strip()
    package.price, package.sessions_included, package.active = price, sessions_included, active
    package.save(update_fields=["name", "description", "price", "sessions_included", "active"])
    return package

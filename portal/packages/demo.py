"""Demo packages: two on offer, and Ana's purchase of the smaller one."""

import uuid
from decimal import Decimal

from portal.billing.gateways import parse_card
from portal.packages.models import Package, PackagePurchase
from portal.packages.services import package_create, package_purchase

PACKAGES = [
    ("Three-session pack", "240.00", 3, "Three follow-up sessions, to use within three months."),
    ("Six-session pack", "450.00", 6, "Six follow-up sessions at a lower price per session."),
]


def seed(*, organization, admin, provider, clients) -> None:
    ana = clients["ana.lopez@demo.test"]
    for name, price, sessions, description in PACKAGES:
        if not Package.objects.filter(organization=organization, name=name).exists():
            package_create(
                organization=organization,
                name=name,
                description=description,
                price=Decimal(price),
                sessions_included=sessions,
            )
    if not PackagePurchase.objects.filter(client=ana).exists():
        package_purchase(
            client=ana,
            package=Package.objects.get(organization=organization, name=PACKAGES[0][0]),
            card=parse_card("4242424242424242", "12/40", "123"),
            request_token=uuid.uuid4(),
        )

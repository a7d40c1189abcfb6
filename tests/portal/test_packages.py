import re
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.billing.models import Invoice, Payment
from portal.packages.models import Package, PackagePurchase
from portal_settings.models import PortalSettings
from tests.factories import ClientFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

GOOD = {"number": "4242424242424242", "expiry": "12/40", "cvc": "123"}


@pytest.fixture
def package(organization):
    return Package.objects.create(
        organization=organization,
        name="Three sessions",
        price=Decimal("240.00"),
        sessions_included=3,
    )


def buy(http, package, token=None, **card):
    url = reverse("portal:packages-buy", args=[package.pk])
    if token is None:
        token = re.search(r'name="token" value="([^"]+)"', http.get(url).content.decode()).group(1)
    return http.post(url, {**GOOD, **card, "token": token}), token


def test_provider_offers_a_package(provider_http, organization):
    response = provider_http.post(
        reverse("provider:package-list"),
        {
            "name": "Six pack",
            "description": "",
            "price": "450.00",
            "sessions_included": 6,
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert Package.objects.get(organization=organization).price == Decimal("450.00")
    refused = provider_http.post(
        reverse("provider:package-list"), {"name": "Free", "price": "0", "sessions_included": 1}
    )
    assert refused.status_code == 400


def test_client_buys_a_package_with_a_paid_invoice_and_credited_sessions(
    client_http, client_record, provider_http, package
):
    assert "Three sessions" in client_http.get(reverse("portal:packages")).content.decode()
    response, _ = buy(client_http, package)
    purchase = PackagePurchase.objects.get()
    assert response.url == purchase.get_portal_url()
    assert purchase.sessions_credited == 3
    assert (purchase.invoice.status, purchase.invoice.total) == ("paid", Decimal("240.00"))
    assert Payment.objects.get().status == "succeeded"
    receipt = client_http.get(response.url).content.decode()
    assert "3 added to your account" in receipt and "$240.00" in receipt
    assert (
        "3 sessions bought"
        in provider_http.get(
            reverse("provider:client-packages", args=[client_record.pk])
        ).content.decode()
    )


def test_buying_works_with_billing_off_and_shows_its_own_receipt(client_record, package):
    PortalSettings.objects.create(client=client_record, values={"billing": "off"})
    http = signed_in(client_record.user)
    response, _ = buy(http, package)
    assert response.url.startswith("/portal/packages/")
    assert http.get(response.url).status_code == 200
    assert http.get(reverse("portal:billing")).status_code == 403


def test_buying_is_refused_when_packages_is_off_even_with_billing_on(client_record, package):
    PortalSettings.objects.create(
        client=client_record, values={"packages": "off", "billing": "full"}
    )
    http = signed_in(client_record.user)
    response = http.post(
        reverse("portal:packages-buy", args=[package.pk]),
        {**GOOD, "token": "5b7a1c7e-2a2b-4a39-9d7c-1f2e3d4c5b6a"},
    )
    assert response.status_code == 403
    assert not PackagePurchase.objects.exists() and not Invoice.objects.exists()


def test_a_decline_leaves_nothing_behind(client_http, package):
    response, _ = buy(client_http, package, number="4000000000000002")
    assert response.status_code == 400
    assert "declined" in response.content.decode()
    assert not PackagePurchase.objects.exists() and not Invoice.objects.exists()


def test_pressing_buy_twice_buys_once(client_http, package):
    first, token = buy(client_http, package)
    second, _ = buy(client_http, package, token=token)
    assert second.url == first.url
    assert PackagePurchase.objects.count() == 1 and Invoice.objects.count() == 1


def test_a_package_no_longer_offered_cannot_be_bought(client_http, package):
    package.active = False
    package.save()
    assert client_http.get(reverse("portal:packages-buy", args=[package.pk])).status_code == 404


def test_another_client_cannot_see_the_receipt(client_http, package, organization):
    response, _ = buy(client_http, package)
    intruder = signed_in(ClientFactory(organization=organization).user)
    assert intruder.get(response.url).status_code == 404


def test_another_practices_package_is_not_found(client_http, other_organization):
    foreign = Package.objects.create(
        organization=other_organization, name="Theirs", price=Decimal("10"), sessions_included=1
    )
    assert client_http.get(reverse("portal:packages-buy", args=[foreign.pk])).status_code == 404

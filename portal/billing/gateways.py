"""Payment gateways. One is built in: "test", which charges nothing and says so everywhere.

A real gateway implements the same two things (a label and `charge`) and is chosen with the
PAYMENT_GATEWAY setting. `charge` is called while the invoice row is locked and is given a
reference that is the same for every attempt on one invoice, so a gateway that supports
idempotency keys cannot charge twice even if our own guard failed.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.views.decorators.debug import sensitive_variables


@dataclass(frozen=True)
class Card:
    # Left out of repr(), so a traceback's local variables never show them.
    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str = field(repr=False)

    @property
    def last4(self) -> str:
        return self.number[-4:]


@dataclass(frozen=True)
class ChargeResult:
    success: bool
    reference: str = ""
    message: str = ""


class CardError(ValueError):
    """The card details cannot be sent at all (bad number, expired): nothing was attempted."""


def luhn_ok(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


@sensitive_variables("number", "digits", "cvc")
def parse_card(number: str, expiry: str, cvc: str, *, today: date | None = None) -> Card:
    digits = re.sub(r"[\s-]", "", number or "")
    if not digits.isdigit() or not 12 <= len(digits) <= 19 or not luhn_ok(digits):
        raise CardError("That card number is not valid. Check it and try again.")
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", expiry or "")
    if not match:
        raise CardError("Enter the expiry date as MM/YY.")
    month, year = int(match.group(1)), int(match.group(2))
    year = year + 2000 if year < 100 else year
    if not 1 <= month <= 12:
        raise CardError("Enter the expiry date as MM/YY.")
    today = today or date.today()
    if (year, month) < (today.year, today.month):
        raise CardError("That card has expired.")
    if not re.fullmatch(r"\d{3,4}", cvc or ""):
        raise CardError("The security code is the 3 or 4 digits on the card.")
    return Card(digits, month, year, cvc)


class TestGateway:
    """Accepts the standard test card numbers, declines the standard decline numbers and any
    other card. Nothing is charged."""

    name = "test"
    label = "Test payments: no real card is charged"
    is_test = True
    APPROVED = {
        "4242424242424242",  # Visa
        "4000056655665556",  # Visa debit
        "5555555555554444",  # Mastercard
        "2223003122003222",  # Mastercard (2-series)
        "378282246310005",  # American Express
        "6011111111111117",  # Discover
    }
    DECLINED = {
        "4000000000000002": "Your card was declined.",
        "4000000000009995": "Your card has insufficient funds.",
        "4000000000000069": "Your card has expired.",
        "4000000000000127": "Your card's security code is incorrect.",
    }

    def charge(self, *, amount: Decimal, currency: str, card: Card, reference: str) -> ChargeResult:
        if amount <= 0:
            return ChargeResult(False, message="Nothing to charge.")
        if card.number in self.APPROVED:
            return ChargeResult(True, reference=f"test_ch_{uuid.uuid4().hex[:24]}")
        message = self.DECLINED.get(
            card.number, "Your card was declined. (Test payments accept only test card numbers.)"
        )
        return ChargeResult(False, message=message)


GATEWAYS = {"test": TestGateway}


def get_gateway():
    return GATEWAYS[settings.PAYMENT_GATEWAY]()

"""Money: always Decimal, two places, shown in the practice's currency."""

from decimal import ROUND_HALF_UP, Decimal

from clients.models import CURRENCIES

CENT = Decimal("0.01")
# The most an invoice, or any line of it, may come to: a sensible ceiling for a practice, and
# well inside the amount columns (10 digits, 2 places), so no sum can overflow them.
MAX_AMOUNT = Decimal("1000000.00")


def to_money(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Money is never a float; pass a Decimal or a string.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str) -> str:
    symbol = CURRENCIES.get(currency, f"{currency} ")
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(to_money(amount)):,.2f}"

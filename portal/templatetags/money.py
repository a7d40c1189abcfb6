from django import template

from portal.money import format_money

register = template.Library()


@register.filter
def money(amount, currency="USD"):
    """{{ invoice.total|money:organization.currency }}"""
    if amount is None or amount == "":
        return ""
    return format_money(amount, currency)

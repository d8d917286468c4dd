"""Amounts, prices and quantities in the reader's language; views put `money_locale` in the
context (the user's language, else the organization's)."""

from decimal import Decimal
from typing import Any

from babel.numbers import format_currency, format_decimal
from django import template

from fakturo.core.money import format_money

register = template.Library()


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _locale(context: template.Context) -> str:
    return str(context.get("money_locale") or "en")


@register.simple_tag(takes_context=True)
def money(context: template.Context, amount: Any, currency: str) -> str:
    """An amount rounded to the currency's minor unit: "€1,234.56", "1.234,56 €"."""
    if amount is None or amount == "":
        return ""
    return format_money(_decimal(amount), currency, _locale(context))


@register.simple_tag(takes_context=True)
def price(context: template.Context, amount: Any, currency: str) -> str:
    """A unit price with all its decimals (at least the currency's): "€0.1234"."""
    if amount is None or amount == "":
        return ""
    return format_currency(
        _decimal(amount), currency, locale=_locale(context), decimal_quantization=False
    )


@register.simple_tag(takes_context=True)
def number(context: template.Context, value: Any) -> str:
    """A quantity or percentage without trailing zeros: "1.5", "1,5"."""
    if value is None or value == "":
        return ""
    return format_decimal(
        _decimal(value).normalize(), locale=_locale(context), decimal_quantization=False
    )

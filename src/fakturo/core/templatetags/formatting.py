"""Amounts, prices, numbers and countries in the reader's language: `money_locale` from the
view's context (the user's language, else the organization's), else the active language."""

from decimal import Decimal
from typing import Any

from babel.numbers import format_currency, format_decimal
from django import template
from django.utils import translation

from fakturo.core.locales import country_names
from fakturo.core.money import format_money

register = template.Library()


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _locale(context: template.Context) -> str:
    chosen = context.get("money_locale") or translation.get_language() or "en"
    return translation.to_locale(str(chosen))


@register.simple_tag(takes_context=True)
def money(context: template.Context, amount: Any, currency: str) -> str:
    """An amount rounded to the currency's minor unit: "€1,234.56", "1.234,56 €"."""
    if amount is None or amount == "":
        return ""
    return format_money(_decimal(amount), currency, _locale(context))


@register.simple_tag(takes_context=True)
def price(context: template.Context, amount: Any, currency: str) -> str:
    """A unit price with all its decimals (at least the currency's): "€0.1234", "€95.50"."""
    if amount is None or amount == "":
        return ""
    return format_currency(
        _decimal(amount), currency, locale=_locale(context), decimal_quantization=False
    )


@register.simple_tag(takes_context=True)
def number(context: template.Context, value: Any) -> str:
    """A quantity or percentage without trailing zeros: "1.5", "1,5", "19"."""
    if value is None or value == "":
        return ""
    return format_decimal(
        _decimal(value).normalize(), locale=_locale(context), decimal_quantization=False
    )


@register.filter
def country_name(code: str) -> str:
    """The English name of an ISO 3166 code ("DE" → "Germany"); the code if unknown."""
    return country_names().get(code, code)

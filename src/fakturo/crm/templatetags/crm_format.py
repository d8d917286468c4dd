from decimal import Decimal

from django import template
from django.utils import translation

from fakturo.core.locales import country_names
from fakturo.core.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """The amount in the page's language: 1234.5, "EUR" → "€1,234.50" in English."""
    if amount is None:
        return ""
    return format_money(amount, currency, locale=translation.to_locale(translation.get_language()))


@register.filter
def country_name(code: str) -> str:
    """The English name of an ISO 3166 code ("DE" → "Germany"); the code if unknown."""
    return country_names().get(code, code)

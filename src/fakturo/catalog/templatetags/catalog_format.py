"""Display of catalog figures: prices to at least their currency's minor unit, percentages bare."""

from decimal import Decimal

from django import template

from fakturo.catalog.forms import trimmed
from fakturo.core.money import minor_units

register = template.Library()


@register.filter
def price(amount: Decimal, currency: str) -> str:
    """95.5000, EUR → "95.50"; 0.1250, EUR → "0.125": never rounded, unit prices keep 4 places."""
    return f"{trimmed(amount, minor_units(currency)):f}"


@register.filter
def percent(value: Decimal) -> str:
    """19.0000 → "19", 5.5000 → "5.5"."""
    return f"{trimmed(value, 0):f}"

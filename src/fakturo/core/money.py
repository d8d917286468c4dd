"""Money and its one rounding rule.

Every amount is a Decimal in one ISO 4217 currency; floats never enter. Rounding is half-up
(ROUND_HALF_UP, the commercial rule: ties go away from zero, never banker's rounding) to the
currency's minor unit as published by CLDR through Babel (EUR 2, JPY 0, KWD 3). EN 16931 says
*where* to round (line net, tax per group); this module says *how*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from functools import cache

from babel.numbers import format_currency, get_currency_precision, list_currencies

__all__ = [
    "CurrencyMismatch",
    "Money",
    "format_money",
    "from_minor_units",
    "minor_units",
    "round_money",
    "round_to",
    "split_by_weights",
    "split_evenly",
    "to_minor_units",
]


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies met in one operation."""


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


@cache
def minor_units(currency: str) -> int:
    """Number of decimal places of the currency's minor unit (EUR 2, JPY 0, KWD 3).

    Raises ValueError for a code that is not a known upper-case ISO 4217 code.
    """
    # Babel answers 2 for any code it does not know, so validate first.
    if currency not in _known_currencies():
        raise ValueError(f"Unknown currency code: {currency!r}")
    return get_currency_precision(currency)


def round_to(amount: Decimal, places: int) -> Decimal:
    """Round half-up (ties away from zero) to `places` decimal places.

    The result has exactly the exponent -places (round_to(Decimal("1.5"), 2) == "1.50") and is
    never negative zero. Raises TypeError for a non-Decimal, ValueError for NaN or Infinity.
    """
    if not isinstance(amount, Decimal):
        raise TypeError(f"Rounding needs a Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError(f"Cannot round {amount}")
    with localcontext() as context:
        # quantize fails rather than round when the result outgrows the context precision.
        context.prec = max(context.prec, amount.adjusted() + places + 2)
        result = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    # -0.004 rounds to -0.00; an invoice should never show a negative zero.
    return result.copy_abs() if result.is_zero() else result


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit; the result carries exactly that exponent."""
    return round_to(amount, minor_units(currency))


def format_money(amount: Decimal, currency: str, locale: str = "en") -> str:
    """Locale-aware display of an amount rounded to the minor unit ("de" → "1.234,56 €")."""
    # Round here first: Babel's own quantization is half-even.
    return format_currency(round_money(amount, currency), currency, locale=locale)


def _units_to_decimal(units: int, places: int) -> Decimal:
    # The string constructor is exact, whatever the context precision.
    return Decimal(f"{units}E-{places}")


def _decimal_to_units(amount: Decimal, places: int) -> int:
    """Exact integer count of minor units in an amount with at most `places` decimals."""
    numerator, denominator = amount.as_integer_ratio()
    scale: int = 10**places  # typeshed types int ** int as Any (a negative power is a float)
    return numerator * scale // denominator


def split_by_weights(
    amount: Decimal, currency: str, weights: Sequence[Decimal | int]
) -> list[Decimal]:
    """Split the rounded amount into parts proportional to `weights` (largest remainder).

    Contract: the parts sum exactly to round_money(amount, currency); each part differs from
    its exact share by less than one minor unit; a zero weight gets zero; splitting -x gives
    the negated parts of splitting x; leftover units go to the largest remainders, ties to the
    earliest part. Raises ValueError for empty, negative or all-zero weights and TypeError for
    a float weight.
    """
    if not weights:
        raise ValueError("Cannot split by an empty list of weights")
    for weight in weights:
        if not isinstance(weight, Decimal | int):
            raise TypeError(f"Weights must be Decimal or int, not {type(weight).__name__}")
        if isinstance(weight, Decimal) and not weight.is_finite():
            raise ValueError(f"Weight must be finite, not {weight}")
        if weight < 0:
            raise ValueError(f"Weights must not be negative, got {weight}")
    exact_weights = [Fraction(weight) for weight in weights]
    total_weight = sum(exact_weights, Fraction(0))
    if total_weight == 0:
        raise ValueError("Cannot split by weights that are all zero")

    places = minor_units(currency)
    total_units = _decimal_to_units(round_money(amount, currency), places)
    sign = -1 if total_units < 0 else 1
    # Split the magnitude and restore the sign, so rounding is symmetric around zero.
    shares = [abs(total_units) * weight / total_weight for weight in exact_weights]
    units = [int(share) for share in shares]  # floor: shares are non-negative
    remainders = [share - part for share, part in zip(shares, units, strict=True)]
    leftover = abs(total_units) - sum(units)
    # A stable sort keeps the earliest part first among equal remainders.
    by_remainder = sorted(range(len(shares)), key=lambda index: -remainders[index])
    for index in by_remainder[:leftover]:
        units[index] += 1
    return [_units_to_decimal(sign * part, places) for part in units]


def split_evenly(amount: Decimal, currency: str, parts: int) -> list[Decimal]:
    """Split the rounded amount into `parts` near-equal parts; earlier parts get any extra unit.

    Same contract as split_by_weights with equal weights. Raises ValueError for parts < 1.
    """
    if parts < 1:
        raise ValueError(f"Cannot split into {parts} parts")
    return split_by_weights(amount, currency, [1] * parts)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. Not rounded unless you call rounded().

    Arithmetic and ordering need the same currency (CurrencyMismatch otherwise); equality
    between currencies is simply False.
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money needs a Decimal, not {type(self.amount).__name__}")
        if not self.amount.is_finite():
            raise ValueError(f"Money needs a finite amount, not {self.amount}")
        minor_units(self.currency)  # raises ValueError for an unknown code

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero with the currency's minor-unit exponent (EUR 0.00)."""
        return cls(round_money(Decimal(0), currency), currency)

    @property
    def is_zero(self) -> bool:
        return self.amount.is_zero()

    def rounded(self) -> Money:
        """The amount rounded half-up to the currency's minor unit."""
        return Money(round_money(self.amount, self.currency), self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"Cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        # Raise rather than return NotImplemented so the message says why floats are refused.
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            raise TypeError(
                f"Money can be multiplied by Decimal or int, not {type(factor).__name__}"
            )
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount >= other.amount


def to_minor_units(money: Money) -> int:
    """Integer minor units for a payment gateway (EUR 12.34 → 1234, JPY 500 → 500).

    Raises ValueError if the amount is not a whole number of minor units: a gateway must
    charge exactly what the document says, so round first, explicitly.
    """
    places = minor_units(money.currency)
    if round_to(money.amount, places) != money.amount:
        raise ValueError(f"{money.amount} {money.currency} is not a whole number of minor units")
    return _decimal_to_units(money.amount, places)


def from_minor_units(value: int, currency: str) -> Money:
    """Money from a gateway's integer minor units (1234, "EUR" → EUR 12.34)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Minor units must be an int, not {type(value).__name__}")
    return Money(_units_to_decimal(value, minor_units(currency)), currency)

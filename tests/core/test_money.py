"""Money, rounding, formatting and splitting: pure functions, no database."""

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fakturo.core.money import (
    CurrencyMismatch,
    Money,
    format_money,
    from_minor_units,
    minor_units,
    round_money,
    round_to,
    split_by_weights,
    split_evenly,
    to_minor_units,
)

CURRENCIES = ["EUR", "JPY", "KWD"]

currencies = st.sampled_from(CURRENCIES)
amounts = st.decimals(
    min_value=Decimal("-1000000"),
    max_value=Decimal("1000000"),
    places=5,
    allow_nan=False,
    allow_infinity=False,
)
weight_lists = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=1000),
        st.decimals(min_value=Decimal(0), max_value=Decimal(1000), places=3),
    ),
    min_size=1,
    max_size=12,
).filter(lambda weights: any(weight > 0 for weight in weights))


def unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_units(currency))


# minor units


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("EUR", 2), ("USD", 2), ("JPY", 0), ("KWD", 3), ("BHD", 3)],
)
def test_minor_units_follow_iso_4217(currency: str, expected: int) -> None:
    assert minor_units(currency) == expected


@pytest.mark.parametrize("currency", ["ZZZ", "eur", "", "EURO"])
def test_minor_units_reject_unknown_codes(currency: str) -> None:
    with pytest.raises(ValueError, match="Unknown currency code"):
        minor_units(currency)


# rounding


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("2.675", "EUR", "2.68"),
        ("2.665", "EUR", "2.67"),  # banker's rounding would give 2.66
        ("2.665000001", "EUR", "2.67"),
        ("2.664999999", "EUR", "2.66"),
        ("-2.675", "EUR", "-2.68"),
        ("1.5", "EUR", "1.50"),
        ("7", "EUR", "7.00"),
        ("0.5", "JPY", "1"),
        ("1.5", "JPY", "2"),
        ("2.5", "JPY", "3"),  # banker's rounding would give 2
        ("-2.5", "JPY", "-3"),  # half away from zero, not towards +infinity
        ("-0.5", "JPY", "-1"),
        ("1234.49", "JPY", "1234"),
        ("0.1245", "KWD", "0.125"),
        ("0.0005", "KWD", "0.001"),
        ("7", "KWD", "7.000"),
        ("-0.004", "EUR", "0.00"),  # no negative zero
    ],
)
def test_round_money_is_half_up_to_the_minor_unit(
    amount: str, currency: str, expected: str
) -> None:
    # when
    rounded = round_money(Decimal(amount), currency)

    # then
    assert str(rounded) == expected


def test_round_to_rounds_unit_prices_to_four_places() -> None:
    assert str(round_to(Decimal("1.23445"), 4)) == "1.2345"
    assert str(round_to(Decimal("-1.23445"), 4)) == "-1.2345"
    assert str(round_to(Decimal("3"), 4)) == "3.0000"


def test_round_to_keeps_precision_beyond_the_default_context() -> None:
    amount = Decimal("123456789012345678901234567890.125")

    assert str(round_to(amount, 2)) == "123456789012345678901234567890.13"


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity")])
def test_rounding_rejects_non_finite_amounts(amount: Decimal) -> None:
    with pytest.raises(ValueError, match="Cannot round"):
        round_money(amount, "EUR")


def test_rounding_rejects_floats() -> None:
    with pytest.raises(TypeError, match="Decimal"):
        round_money(2.675, "EUR")  # type: ignore[arg-type]


def test_round_money_rejects_unknown_currency() -> None:
    with pytest.raises(ValueError, match="Unknown currency code"):
        round_money(Decimal("1.00"), "ZZZ")


@given(amount=amounts, currency=currencies)
def test_rounding_is_idempotent_and_carries_the_minor_unit_exponent(
    amount: Decimal, currency: str
) -> None:
    # when
    rounded = round_money(amount, currency)

    # then
    assert round_money(rounded, currency) == rounded
    assert rounded.as_tuple().exponent == -minor_units(currency)


@given(amount=amounts, currency=currencies)
def test_rounding_moves_at_most_half_a_unit_and_ties_go_away_from_zero(
    amount: Decimal, currency: str
) -> None:
    # when
    rounded = round_money(amount, currency)

    # then
    distance = abs(rounded - amount)
    half = unit(currency) / 2
    assert distance <= half
    if distance == half:
        assert abs(rounded) > abs(amount)


@given(amount=amounts, currency=currencies)
def test_rounding_is_symmetric_around_zero(amount: Decimal, currency: str) -> None:
    assert round_money(-amount, currency) == -round_money(amount, currency)


# Money


def test_money_rejects_floats() -> None:
    with pytest.raises(TypeError, match="Money needs a Decimal, not float"):
        Money(1.5, "EUR")  # type: ignore[arg-type]


def test_money_rejects_ints() -> None:
    with pytest.raises(TypeError, match="Money needs a Decimal, not int"):
        Money(1, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("-Infinity")])
def test_money_rejects_non_finite_amounts(amount: Decimal) -> None:
    with pytest.raises(ValueError, match="finite"):
        Money(amount, "EUR")


@pytest.mark.parametrize("currency", ["ZZZ", "eur", ""])
def test_money_rejects_unknown_currency(currency: str) -> None:
    with pytest.raises(ValueError, match="Unknown currency code"):
        Money(Decimal("1.00"), currency)


def test_money_is_frozen() -> None:
    money = Money(Decimal("1.00"), "EUR")

    with pytest.raises(dataclasses.FrozenInstanceError):
        money.amount = Decimal("2.00")  # type: ignore[misc]

    assert money == Money(Decimal("1.00"), "EUR")


def test_money_adds_and_subtracts_in_one_currency() -> None:
    # given
    first = Money(Decimal("10.50"), "EUR")
    second = Money(Decimal("0.75"), "EUR")

    # when / then
    assert first + second == Money(Decimal("11.25"), "EUR")
    assert first - second == Money(Decimal("9.75"), "EUR")
    assert -first == Money(Decimal("-10.50"), "EUR")


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
)
def test_money_refuses_to_mix_currencies(operation: Callable[[Money, Money], object]) -> None:
    # given
    euros = Money(Decimal("1.00"), "EUR")
    dollars = Money(Decimal("1.00"), "USD")

    # when / then
    with pytest.raises(CurrencyMismatch, match="Cannot combine EUR with USD"):
        operation(euros, dollars)


def test_currency_mismatch_is_a_value_error() -> None:
    assert issubclass(CurrencyMismatch, ValueError)


def test_money_in_different_currencies_is_not_equal() -> None:
    assert Money(Decimal("1.00"), "EUR") != Money(Decimal("1.00"), "USD")


def test_money_does_not_add_plain_numbers() -> None:
    with pytest.raises(TypeError):
        Money(Decimal("1.00"), "EUR") + Decimal("1.00")  # type: ignore[operator]


def test_money_multiplies_by_decimal_and_int() -> None:
    # given
    price = Money(Decimal("2.50"), "EUR")

    # when / then
    assert price * Decimal("1.5") == Money(Decimal("3.750"), "EUR")
    assert price * 3 == Money(Decimal("7.50"), "EUR")
    assert 3 * price == Money(Decimal("7.50"), "EUR")


@pytest.mark.parametrize("factor", [1.5, True, "2"])
def test_money_refuses_to_multiply_by_float_or_other_types(factor: object) -> None:
    with pytest.raises(TypeError, match="Decimal or int"):
        Money(Decimal("2.50"), "EUR") * factor  # type: ignore[operator]


def test_money_orders_within_one_currency() -> None:
    # given
    small = Money(Decimal("1.00"), "EUR")
    large = Money(Decimal("2.00"), "EUR")

    # then
    assert small < large
    assert small <= large
    assert large > small
    assert large >= small
    assert small <= Money(Decimal("1.0"), "EUR")
    assert small >= Money(Decimal("1.000"), "EUR")
    assert not small > large


def test_money_zero_carries_the_minor_unit_exponent() -> None:
    assert str(Money.zero("EUR").amount) == "0.00"
    assert str(Money.zero("JPY").amount) == "0"
    assert str(Money.zero("KWD").amount) == "0.000"
    assert Money.zero("EUR").is_zero
    assert not Money(Decimal("0.01"), "EUR").is_zero


def test_money_rounded_is_half_up_to_the_minor_unit() -> None:
    # given
    money = Money(Decimal("2.675"), "EUR")

    # when
    rounded = money.rounded()

    # then
    assert str(rounded.amount) == "2.68"
    assert rounded.currency == "EUR"
    assert money.amount == Decimal("2.675")


# formatting


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        ("1234.56", "EUR", "en", "€1,234.56"),
        ("1234.56", "EUR", "de", "1.234,56\xa0€"),
        ("1234.56", "EUR", "fr", "1\u202f234,56\xa0€"),
        ("-1234.5", "EUR", "de", "-1.234,50\xa0€"),
        ("1234.5", "JPY", "en", "¥1,235"),
        ("1.2345", "KWD", "de", "1,235\xa0KWD"),
        ("0.125", "EUR", "en", "€0.13"),  # half-up, although Babel alone would round half-even
        ("12345678901234567890.12", "EUR", "en", "€12,345,678,901,234,567,890.12"),
    ],
)
def test_format_money_is_locale_aware(
    amount: str, currency: str, locale: str, expected: str
) -> None:
    assert format_money(Decimal(amount), currency, locale) == expected


def test_format_money_defaults_to_english() -> None:
    assert format_money(Decimal("5"), "EUR") == "€5.00"


# splitting


def test_split_evenly_gives_leftover_units_to_the_earliest_parts() -> None:
    assert split_evenly(Decimal("100.00"), "EUR", 3) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert split_evenly(Decimal("100"), "JPY", 3) == [Decimal("34"), Decimal("33"), Decimal("33")]
    assert split_evenly(Decimal("0.002"), "KWD", 4) == [
        Decimal("0.001"),
        Decimal("0.001"),
        Decimal("0.000"),
        Decimal("0.000"),
    ]


def test_split_evenly_is_sign_symmetric() -> None:
    assert split_evenly(Decimal("-100.00"), "EUR", 3) == [
        Decimal("-33.34"),
        Decimal("-33.33"),
        Decimal("-33.33"),
    ]


def test_split_evenly_splits_the_rounded_whole() -> None:
    # given an amount that is not yet rounded
    amount = Decimal("10.005")

    # when
    parts = split_evenly(amount, "EUR", 2)

    # then
    assert parts == [Decimal("5.01"), Decimal("5.00")]
    assert [str(part) for part in parts] == ["5.01", "5.00"]


def test_split_evenly_into_one_part_is_the_rounded_whole() -> None:
    assert split_evenly(Decimal("9.999"), "EUR", 1) == [Decimal("10.00")]


@pytest.mark.parametrize("parts", [0, -1])
def test_split_evenly_rejects_fewer_than_one_part(parts: int) -> None:
    with pytest.raises(ValueError, match="parts"):
        split_evenly(Decimal("1.00"), "EUR", parts)


def test_split_by_weights_is_proportional() -> None:
    assert split_by_weights(Decimal("10.00"), "EUR", [1, 1, 2]) == [
        Decimal("2.50"),
        Decimal("2.50"),
        Decimal("5.00"),
    ]


def test_split_by_weights_gives_leftover_to_the_largest_remainder() -> None:
    # given shares of 1.666…, 3.333… and 5.0 cents
    weights = [Decimal("1"), Decimal("2"), Decimal("3")]

    # when
    parts = split_by_weights(Decimal("0.10"), "EUR", weights)

    # then the 0.666… remainder wins over 0.333…
    assert parts == [Decimal("0.02"), Decimal("0.03"), Decimal("0.05")]


def test_split_by_weights_gives_a_zero_weight_nothing() -> None:
    assert split_by_weights(Decimal("1.00"), "EUR", [0, 1, 0, 2]) == [
        Decimal("0.00"),
        Decimal("0.33"),
        Decimal("0.00"),
        Decimal("0.67"),
    ]


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([], "empty"),
        ([1, -1], "negative"),
        ([Decimal("-0.5"), 2], "negative"),
        ([0, 0], "all zero"),
        ([Decimal("NaN"), 1], "finite"),
        ([Decimal("Infinity"), 1], "finite"),
    ],
)
def test_split_by_weights_rejects_invalid_weights(
    weights: list[Decimal | int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        split_by_weights(Decimal("1.00"), "EUR", weights)


def test_split_by_weights_rejects_float_weights() -> None:
    with pytest.raises(TypeError, match="Decimal or int"):
        split_by_weights(Decimal("1.00"), "EUR", [0.5, 0.5])  # type: ignore[list-item]


def test_split_rejects_unknown_currency() -> None:
    with pytest.raises(ValueError, match="Unknown currency code"):
        split_evenly(Decimal("1.00"), "ZZZ", 2)


@given(amount=amounts, currency=currencies, weights=weight_lists)
def test_split_by_weights_sums_to_the_whole_within_a_unit_of_each_share(
    amount: Decimal, currency: str, weights: list[Decimal | int]
) -> None:
    # given
    whole = round_money(amount, currency)
    total_weight = sum(Fraction(weight) for weight in weights)

    # when
    parts = split_by_weights(amount, currency, weights)

    # then
    assert len(parts) == len(weights)
    assert sum(parts, Decimal(0)) == whole
    for part, weight in zip(parts, weights, strict=True):
        exact_share = Fraction(whole) * Fraction(weight) / total_weight
        assert abs(Fraction(part) - exact_share) < Fraction(unit(currency))
        assert part.as_tuple().exponent == -minor_units(currency)
        if weight == 0:
            assert part == 0


@given(amount=amounts, currency=currencies, parts=st.integers(min_value=1, max_value=50))
def test_split_evenly_sums_to_the_whole_within_a_unit_of_each_share(
    amount: Decimal, currency: str, parts: int
) -> None:
    # given
    whole = round_money(amount, currency)
    exact_share = Fraction(whole) / parts

    # when
    result = split_evenly(amount, currency, parts)

    # then
    assert len(result) == parts
    assert sum(result, Decimal(0)) == whole
    assert all(abs(Fraction(part) - exact_share) < Fraction(unit(currency)) for part in result)
    assert result == sorted(result, key=abs, reverse=True)  # extra units go to the earliest


@given(amount=amounts, currency=currencies, weights=weight_lists)
def test_split_by_weights_is_sign_symmetric(
    amount: Decimal, currency: str, weights: list[Decimal | int]
) -> None:
    assert split_by_weights(-amount, currency, weights) == [
        -part for part in split_by_weights(amount, currency, weights)
    ]


# gateway minor units


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("12.34", "EUR", 1234),
        ("12.340", "EUR", 1234),
        ("-0.05", "EUR", -5),
        ("500", "JPY", 500),
        ("1.234", "KWD", 1234),
        ("0", "EUR", 0),
    ],
)
def test_to_minor_units(amount: str, currency: str, expected: int) -> None:
    assert to_minor_units(Money(Decimal(amount), currency)) == expected


def test_to_minor_units_refuses_amounts_finer_than_the_minor_unit() -> None:
    with pytest.raises(ValueError, match="not a whole number of minor units"):
        to_minor_units(Money(Decimal("12.345"), "EUR"))


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [(1234, "EUR", "12.34"), (-5, "EUR", "-0.05"), (500, "JPY", "500"), (1234, "KWD", "1.234")],
)
def test_from_minor_units_carries_the_minor_unit_exponent(
    value: int, currency: str, expected: str
) -> None:
    # when
    money = from_minor_units(value, currency)

    # then
    assert str(money.amount) == expected
    assert money.currency == currency


@pytest.mark.parametrize("value", [12.34, True, Decimal("1234")])
def test_from_minor_units_rejects_non_integers(value: object) -> None:
    with pytest.raises(TypeError, match="must be an int"):
        from_minor_units(value, "EUR")  # type: ignore[arg-type]


@given(value=st.integers(min_value=-(10**15), max_value=10**15), currency=currencies)
def test_minor_units_round_trip(value: int, currency: str) -> None:
    assert to_minor_units(from_minor_units(value, currency)) == value

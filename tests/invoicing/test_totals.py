from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from fakturo.core.money import minor_units
from fakturo.invoicing.totals import (
    Adjustment,
    Document,
    Line,
    Tax,
    TaxKind,
    TotalsError,
    calculate,
)

D = Decimal
VAT19 = Tax("VAT", D("19"))
VAT7 = Tax("VAT", D("7"))
ZERO_RATED = Tax("VAT", D("0"), category="Z")
EXEMPT = Tax("VAT", D("0"), category="E", exemption_reason="Art. 132 Directive 2006/112/EC")
GST = Tax("GST", D("5"), category="")
QST = Tax("QST", D("9.975"), category="")
COMPOUND = Tax("PST", D("8"), category="", kind=TaxKind.COMPOUND)
IRPF = Tax("IRPF", D("15"), category="", kind=TaxKind.WITHHOLDING)


def test_a_simple_invoice():
    totals = calculate(
        Document(
            "EUR",
            [
                Line(D("3"), D("19.99"), (VAT19,)),
                Line(D("1.5"), D("80"), (VAT7,), discount_percent=D("10")),
            ],
        )
    )

    assert [line.net_amount for line in totals.lines] == [D("59.97"), D("108.00")]
    assert totals.lines[1].discount_amount == D("12.00")
    assert totals.subtotal == D("167.97")
    assert [(g.rate, g.taxable_amount, g.tax_amount) for g in totals.tax_breakdown] == [
        (D("19"), D("59.97"), D("11.39")),
        (D("7"), D("108.00"), D("7.56")),
    ]
    assert totals.tax_total == D("18.95")
    assert totals.total == D("186.92")
    assert totals.balance_due == D("186.92")


def test_tax_is_rounded_once_per_group_not_per_line():
    # Per line: 0.19 × 0.05 rounds to 0.01 each → 0.03; per group: 0.15 × 0.19 = 0.0285 → 0.03.
    lines = [Line(D("1"), D("0.05"), (VAT19,)) for _ in range(3)]
    many = [Line(D("1"), D("0.02"), (VAT19,)) for _ in range(10)]

    assert calculate(Document("EUR", lines)).tax_total == D("0.03")
    # 10 × 0.02 = 0.20 → 0.038 → 0.04; per line it would be 10 × 0.00 = 0.00.
    assert calculate(Document("EUR", many)).tax_total == D("0.04")


def test_half_up_not_bankers_rounding():
    totals = calculate(Document("EUR", [Line(D("1"), D("0.125"), (ZERO_RATED,))]))

    assert totals.lines[0].net_amount == D("0.13")


def test_document_allowance_and_charge():
    totals = calculate(
        Document(
            "EUR",
            [Line(D("10"), D("10"), (VAT19,))],
            allowances=[Adjustment(percent=D("5"), taxes=(VAT19,), reason="Loyalty")],
            charges=[Adjustment(amount=D("4.90"), taxes=(VAT19,), reason="Shipping")],
        )
    )

    assert totals.allowance_total == D("5.00")
    assert totals.charge_total == D("4.90")
    assert totals.net_total == D("99.90")
    assert totals.tax_breakdown[0].taxable_amount == D("99.90")
    assert totals.tax_total == D("18.98")
    assert totals.total == D("118.88")


def test_an_untaxed_allowance_is_spread_over_the_tax_groups():
    totals = calculate(
        Document(
            "EUR",
            [Line(D("1"), D("100"), (VAT19,)), Line(D("1"), D("50"), (VAT7,))],
            allowances=[Adjustment(amount=D("10"))],
        )
    )

    assert [(a.amount, a.taxes) for a in totals.allowances] == [
        (D("6.67"), (VAT19,)),
        (D("3.33"), (VAT7,)),
    ]
    assert [g.taxable_amount for g in totals.tax_breakdown] == [D("93.33"), D("46.67")]


def test_parallel_compound_and_withholding_taxes():
    canada = calculate(Document("CAD", [Line(D("1"), D("100"), (GST, QST))]))
    compound = calculate(Document("CAD", [Line(D("1"), D("100"), (GST, COMPOUND))]))
    spain = calculate(Document("EUR", [Line(D("1"), D("1000"), (Tax("IVA", D("21")), IRPF))]))

    assert [g.tax_amount for g in canada.tax_breakdown] == [D("5.00"), D("9.98")]
    assert canada.total == D("114.98")
    assert compound.tax_breakdown[1].taxable_amount == D("105.00")
    assert compound.tax_breakdown[1].tax_amount == D("8.40")
    assert spain.tax_total == D("210.00")
    assert spain.withholding_total == D("150.00")
    assert spain.total == D("1210.00")
    assert spain.balance_due == D("1060.00")


def test_gross_prices_split_net_and_tax_exactly():
    totals = calculate(
        Document(
            "EUR",
            [
                Line(D("1"), D("9.99"), (VAT19,)),
                Line(D("3"), D("0.99"), (VAT19,)),
                Line(D("1"), D("5.00"), (VAT7,)),
            ],
            prices_include_tax=True,
        )
    )

    by_rate = {g.rate: g for g in totals.tax_breakdown}
    assert by_rate[D("19")].taxable_amount + by_rate[D("19")].tax_amount == D("12.96")
    assert by_rate[D("19")].tax_amount == D("2.07")
    assert by_rate[D("7")].taxable_amount + by_rate[D("7")].tax_amount == D("5.00")
    assert totals.total == D("17.96")
    assert sum(line.net_amount for line in totals.lines) == totals.subtotal


def test_amount_paid_reduces_the_balance():
    totals = calculate(Document("EUR", [Line(D("1"), D("100"), (VAT19,))], amount_paid=D("19")))

    assert totals.amount_paid == D("19.00")
    assert totals.balance_due == D("100.00")


def test_bad_input_names_the_field():
    for document, field in [
        (Document("EUR", [Line(D("1"), D("1"), (VAT19, VAT19))]), "lines.0.taxes"),
        (
            Document("EUR", [Line(D("1"), D("1"), (VAT19,), discount_percent=D("120"))]),
            "lines.0.discount_percent",
        ),
        (
            Document("EUR", [Line(D("1"), D("1"), (GST, QST))], prices_include_tax=True),
            "lines.0.taxes",
        ),
        (Document("EUR", [Line(D("1"), D("1"), (COMPOUND,))]), "lines.0.taxes"),
        (
            Document("EUR", [Line(D("1"), D("1"), (VAT19,))], charges=[Adjustment()]),
            "charges.0.amount",
        ),
    ]:
        try:
            calculate(document)
        except TotalsError as error:
            assert error.field == field
        else:
            raise AssertionError(f"{field} accepted")


# --- properties -----------------------------------------------------------------------------

CURRENCIES = st.sampled_from(["EUR", "JPY", "KWD", "CHF"])
TAXES = st.sampled_from(
    [
        (VAT19,),
        (VAT7,),
        (ZERO_RATED,),
        (EXEMPT,),
        (GST, QST),
        (GST, COMPOUND),
        (Tax("IVA", D("21")), IRPF),
    ]
)
quantities = st.decimals(min_value=D("-50"), max_value=D("500"), places=4).filter(bool)
prices = st.decimals(min_value=D("0"), max_value=D("100000"), places=4)
lines = st.builds(
    Line,
    quantity=quantities,
    unit_price=prices,
    taxes=TAXES,
    discount_percent=st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)),
)
adjustments = st.builds(
    Adjustment,
    amount=st.one_of(st.none(), st.decimals(min_value=0, max_value=1000, places=2)),
    percent=st.decimals(min_value=0, max_value=20, places=2),
)
documents = st.builds(
    Document,
    currency=CURRENCIES,
    lines=st.lists(lines, min_size=1, max_size=12),
    allowances=st.lists(adjustments, max_size=2),
    charges=st.lists(adjustments, max_size=2),
)
gross_documents = st.builds(
    Document,
    currency=CURRENCIES,
    lines=st.lists(
        st.builds(
            Line,
            quantity=quantities,
            unit_price=prices,
            taxes=st.sampled_from([(VAT19,), (VAT7,), (ZERO_RATED,)]),
        ),
        min_size=1,
        max_size=12,
    ),
    prices_include_tax=st.just(True),
)


def _exponent_ok(value: Decimal, currency: str) -> bool:
    return value.as_tuple().exponent == -minor_units(currency)


@given(st.one_of(documents, gross_documents))
def test_totals_are_the_sum_of_their_parts(document):
    t = calculate(document)

    assert t.subtotal == sum(line.net_amount for line in t.lines)
    assert t.allowance_total == sum(a.amount for a in t.allowances)
    assert t.charge_total == sum(c.amount for c in t.charges)
    assert t.net_total == t.subtotal - t.allowance_total + t.charge_total
    assert t.tax_total == sum(g.tax_amount for g in t.tax_breakdown)
    assert t.withholding_total == sum(g.tax_amount for g in t.withholdings)
    assert t.total == t.net_total + t.tax_total
    assert t.balance_due == t.total - t.withholding_total - t.amount_paid
    vat_groups = [g for g in t.tax_breakdown if g.category]
    if vat_groups and all(
        len([x for x in line.taxes if x.category]) == 1 for line in document.lines
    ):
        assert sum(g.taxable_amount for g in vat_groups) == t.net_total
    for value in (
        t.subtotal,
        t.net_total,
        t.tax_total,
        t.total,
        t.balance_due,
        *(line.net_amount for line in t.lines),
    ):
        assert _exponent_ok(value, document.currency)


@given(documents, st.randoms())
def test_line_order_does_not_matter(document, random):
    shuffled = list(document.lines)
    random.shuffle(shuffled)
    a = calculate(document)
    b = calculate(Document(document.currency, shuffled, document.allowances, document.charges))

    assert (a.subtotal, a.tax_total, a.total) == (b.subtotal, b.tax_total, b.total)
    assert sorted((g.name, g.rate, g.tax_amount) for g in a.tax_breakdown) == sorted(
        (g.name, g.rate, g.tax_amount) for g in b.tax_breakdown
    )


@given(st.one_of(documents, gross_documents))
def test_a_full_credit_note_cancels_the_invoice(document):
    credit = Document(
        document.currency,
        [
            Line(-line.quantity, line.unit_price, line.taxes, line.discount_percent)
            for line in document.lines
        ],
        prices_include_tax=document.prices_include_tax,
    )
    invoice = calculate(
        Document(document.currency, document.lines, prices_include_tax=document.prices_include_tax)
    )

    credited = calculate(credit)

    assert credited.total == -invoice.total
    assert credited.tax_total == -invoice.tax_total
    assert credited.balance_due + invoice.balance_due == 0


@given(gross_documents)
def test_gross_groups_keep_net_plus_tax_equal_to_gross(document):
    t = calculate(document)

    for group in t.tax_breakdown:
        lines_in_group = [
            (line, line_totals)
            for line, line_totals in zip(document.lines, t.lines, strict=True)
            if line.taxes[0].rate == group.rate and line.taxes[0].category == group.category
        ]
        gross = sum(lt.gross_amount - lt.discount_amount for _, lt in lines_in_group)
        assert group.taxable_amount + group.tax_amount == gross
        assert sum(lt.net_amount for _, lt in lines_in_group) == group.taxable_amount


def test_a_free_line_in_a_gross_document_keeps_a_zero_net():
    totals = calculate(
        Document(
            "EUR",
            [
                Line(D("1"), D("0"), (VAT7,)),
                Line(D("0.6499"), D("0.11"), (VAT7,)),
                Line(D("1"), D("0.005"), (VAT7,)),
            ],
            prices_include_tax=True,
        )
    )

    assert totals.lines[0].net_amount == D("0.00")
    assert all(line.net_amount >= 0 for line in totals.lines)


def test_a_zero_gross_allowance_is_never_a_negative_zero():
    totals = calculate(
        Document(
            "EUR",
            [Line(D("1"), D("10"), (VAT19,))],
            allowances=[Adjustment(amount=D("0"), taxes=(VAT19,), reason="None")],
            prices_include_tax=True,
        )
    )

    assert str(totals.allowances[0].amount) == "0.00"

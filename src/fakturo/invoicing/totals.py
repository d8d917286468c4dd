"""Document totals by the EN 16931 calculation model. Pure: no ORM, no I/O.

Where amounts are rounded (half-up, to the currency's minor unit) is what EN 16931 says:
- each line net amount (BT-131) = quantity × unit price − line discount;
- each document-level allowance (BT-92) and charge (BT-99);
- each tax group's tax amount (BT-117), computed once on the group's taxable amount (BT-116).
Every other figure is an exact sum of rounded figures, so the totals add up to the cent:
BT-106 = Σ BT-131; BT-109 = BT-106 − BT-107 + BT-108; BT-110 = Σ BT-117; BT-112 = BT-109 +
BT-110; BT-115 = BT-112 − withholding − paid.

Taxes per line: additive taxes (VAT, or parallel sales taxes such as Canada's GST and QST),
compound taxes (computed on the net plus the line's additive taxes, e.g. Québec's former QST),
and withholding taxes (computed on the net and deducted from the amount due, e.g. Spain's IRPF).

Gross-priced documents (`prices_include_tax`) state line amounts including their one additive
tax; per tax group the tax is taken out of the group's gross once, so net + tax = gross exactly.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from fakturo.core.money import minor_units, round_money, split_by_weights

HUNDRED = Decimal(100)
ZERO = Decimal(0)
ROUNDING_METHOD = "half-up"


class TaxKind(StrEnum):
    ADDITIVE = "additive"
    COMPOUND = "compound"
    WITHHOLDING = "withholding"


class TotalsError(ValueError):
    """Input the calculation cannot accept; `field` names it (e.g. "lines.2.taxes")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Tax:
    """A tax applied to a line or adjustment. `category` is the EN 16931 VAT category code
    (S, Z, E, AE, K, G, O, L, M) for VAT, empty for a tax that is not VAT."""

    name: str
    rate: Decimal
    category: str = "S"
    kind: TaxKind = TaxKind.ADDITIVE
    exemption_reason: str = ""
    exemption_code: str = ""

    @property
    def group_key(self) -> tuple[str, str, str, Decimal]:
        # VAT groups by (category, rate) as EN 16931 BG-23 does; other taxes by name and rate.
        return (self.kind, self.category, "" if self.category else self.name, self.rate)


@dataclass(frozen=True, slots=True)
class Line:
    quantity: Decimal
    unit_price: Decimal
    taxes: tuple[Tax, ...] = ()
    discount_percent: Decimal | None = None
    discount_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A document-level allowance or charge: a fixed `amount`, or `percent` of `base_amount`
    (default: the sum of line nets). Without taxes it is spread over the document's tax
    groups in proportion to their line nets, one adjustment per group."""

    amount: Decimal | None = None
    percent: Decimal | None = None
    base_amount: Decimal | None = None
    taxes: tuple[Tax, ...] = ()
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    currency: str
    lines: Sequence[Line]
    allowances: Sequence[Adjustment] = ()
    charges: Sequence[Adjustment] = ()
    prices_include_tax: bool = False
    amount_paid: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class LineTotals:
    gross_amount: Decimal  # quantity × unit price, before the discount, rounded
    discount_amount: Decimal
    net_amount: Decimal  # BT-131


@dataclass(frozen=True, slots=True)
class AdjustmentTotals:
    amount: Decimal  # net, BT-92 / BT-99
    base_amount: Decimal | None
    percent: Decimal | None
    taxes: tuple[Tax, ...]
    reason: str
    source_index: int  # which input adjustment it came from (a spread one yields several)


@dataclass(frozen=True, slots=True)
class TaxGroup:
    name: str
    category: str
    rate: Decimal
    kind: TaxKind
    taxable_amount: Decimal  # BT-116
    tax_amount: Decimal  # BT-117
    exemption_reason: str = ""
    exemption_code: str = ""


@dataclass(frozen=True, slots=True)
class Totals:
    currency: str
    lines: list[LineTotals]
    allowances: list[AdjustmentTotals]
    charges: list[AdjustmentTotals]
    subtotal: Decimal  # BT-106
    allowance_total: Decimal  # BT-107
    charge_total: Decimal  # BT-108
    net_total: Decimal  # BT-109
    tax_breakdown: list[TaxGroup]  # BG-23, additive and compound taxes
    withholdings: list[TaxGroup]
    tax_total: Decimal  # BT-110
    withholding_total: Decimal
    total: Decimal  # BT-112
    amount_paid: Decimal  # BT-113
    balance_due: Decimal  # BT-115
    rounding_method: str = field(default=ROUNDING_METHOD)


def calculate(document: Document) -> Totals:
    currency = document.currency
    minor_units(currency)  # an unknown currency fails here, before any arithmetic
    _check_taxes(document)
    line_exact = [_line_exact(line, index, currency) for index, line in enumerate(document.lines)]
    if document.prices_include_tax:
        return _calculate_gross(document, line_exact)
    line_totals = [
        LineTotals(
            gross_amount=round_money(gross, currency),
            discount_amount=discount,
            net_amount=round_money(gross - discount, currency),
        )
        for gross, discount in line_exact
    ]
    return _finish(document, line_totals, [line.taxes for line in document.lines])


def _line_exact(line: Line, index: int, currency: str) -> tuple[Decimal, Decimal]:
    """The unrounded quantity × price and the rounded discount of one line."""
    gross = line.quantity * line.unit_price
    if line.discount_percent is not None and line.discount_amount is not None:
        raise TotalsError(f"lines.{index}.discount", "Give a discount percent or amount, not both.")
    if line.discount_percent is not None:
        if not ZERO <= line.discount_percent <= HUNDRED:
            raise TotalsError(f"lines.{index}.discount_percent", "Between 0 and 100.")
        return gross, round_money(gross * line.discount_percent / HUNDRED, currency)
    if line.discount_amount is not None:
        discount = round_money(line.discount_amount, currency)
        if discount < ZERO or discount > abs(gross):
            raise TotalsError(f"lines.{index}.discount_amount", "Between 0 and the line amount.")
        return gross, discount if gross >= ZERO else -discount
    return gross, ZERO


def _check_taxes(document: Document) -> None:
    for index, line in enumerate(document.lines):
        additive = [tax for tax in line.taxes if tax.kind != TaxKind.WITHHOLDING]
        if len({tax.group_key for tax in line.taxes}) != len(line.taxes):
            raise TotalsError(f"lines.{index}.taxes", "The same tax twice.")
        if document.prices_include_tax and len(additive) != 1:
            raise TotalsError(
                f"lines.{index}.taxes", "Gross prices need exactly one tax on each line."
            )
        if any(tax.kind == TaxKind.COMPOUND for tax in additive) and not any(
            tax.kind == TaxKind.ADDITIVE for tax in additive
        ):
            raise TotalsError(f"lines.{index}.taxes", "A compound tax needs a tax to compound on.")
    for name, adjustments in (("allowances", document.allowances), ("charges", document.charges)):
        for index, adjustment in enumerate(adjustments):
            if adjustment.amount is None and adjustment.percent is None:
                raise TotalsError(f"{name}.{index}.amount", "Give an amount or a percent.")
            if adjustment.amount is not None and adjustment.amount < ZERO:
                raise TotalsError(f"{name}.{index}.amount", "Must not be negative.")
            if adjustment.percent is not None and not ZERO <= adjustment.percent <= HUNDRED:
                raise TotalsError(f"{name}.{index}.percent", "Between 0 and 100.")
            additive = [t for t in adjustment.taxes if t.kind != TaxKind.WITHHOLDING]
            if document.prices_include_tax and adjustment.taxes and len(additive) != 1:
                raise TotalsError(
                    f"{name}.{index}.taxes", "Gross prices need exactly one tax on each line."
                )


def _spread_adjustments(
    adjustments: Sequence[Adjustment],
    *,
    currency: str,
    subtotal: Decimal,
    group_nets: dict[tuple[Tax, ...], Decimal],
) -> list[AdjustmentTotals]:
    result: list[AdjustmentTotals] = []
    for index, adjustment in enumerate(adjustments):
        base = adjustment.base_amount if adjustment.base_amount is not None else subtotal
        if adjustment.percent is not None:
            amount = round_money(base * adjustment.percent / HUNDRED, currency)
        else:
            amount = round_money(adjustment.amount or ZERO, currency)
        percent_base = base if adjustment.percent is not None else None
        if adjustment.taxes or not group_nets:
            result.append(
                AdjustmentTotals(
                    amount,
                    percent_base,
                    adjustment.percent,
                    adjustment.taxes,
                    adjustment.reason,
                    index,
                )
            )
            continue
        tax_sets = [taxes for taxes, net in group_nets.items() if net]
        weights = [abs(group_nets[taxes]) for taxes in tax_sets]
        if not tax_sets:
            tax_sets, weights = list(group_nets)[:1], [Decimal(1)]
        for taxes, part in zip(tax_sets, split_by_weights(amount, currency, weights), strict=True):
            share_base = (
                round_money(base * part / amount, currency)
                if percent_base is not None and amount
                else None
            )
            result.append(
                AdjustmentTotals(
                    part, share_base, adjustment.percent, taxes, adjustment.reason, index
                )
            )
    return result


def _tax_sets_with_nets(
    line_totals: Sequence[LineTotals], line_taxes: Sequence[tuple[Tax, ...]]
) -> dict[tuple[Tax, ...], Decimal]:
    nets: dict[tuple[Tax, ...], Decimal] = defaultdict(lambda: ZERO)
    for totals, taxes in zip(line_totals, line_taxes, strict=True):
        nets[taxes] += totals.net_amount
    return dict(nets)


def _finish(
    document: Document,
    line_totals: list[LineTotals],
    line_taxes: Sequence[tuple[Tax, ...]],
    *,
    fixed_groups: dict[tuple[str, str, str, Decimal], tuple[Decimal, Decimal]] | None = None,
    allowances: list[AdjustmentTotals] | None = None,
    charges: list[AdjustmentTotals] | None = None,
) -> Totals:
    currency = document.currency
    subtotal = sum((line.net_amount for line in line_totals), ZERO)
    group_nets = _tax_sets_with_nets(line_totals, line_taxes)
    if allowances is None:
        allowances = _spread_adjustments(
            document.allowances, currency=currency, subtotal=subtotal, group_nets=group_nets
        )
    if charges is None:
        charges = _spread_adjustments(
            document.charges, currency=currency, subtotal=subtotal, group_nets=group_nets
        )
    allowance_total = sum((a.amount for a in allowances), ZERO)
    charge_total = sum((c.amount for c in charges), ZERO)
    net_total = subtotal - allowance_total + charge_total

    signed_items: list[tuple[Decimal, tuple[Tax, ...]]] = [
        (line.net_amount, taxes) for line, taxes in zip(line_totals, line_taxes, strict=True)
    ]
    signed_items += [(-a.amount, a.taxes) for a in allowances]
    signed_items += [(c.amount, c.taxes) for c in charges]
    groups = _tax_groups(signed_items, currency=currency, fixed=fixed_groups or {})

    breakdown = [g for g in groups if g.kind != TaxKind.WITHHOLDING]
    withholdings = [g for g in groups if g.kind == TaxKind.WITHHOLDING]
    tax_total = sum((g.tax_amount for g in breakdown), ZERO)
    withholding_total = sum((g.tax_amount for g in withholdings), ZERO)
    total = net_total + tax_total
    amount_paid = round_money(document.amount_paid, currency)
    zero = round_money(ZERO, currency)
    return Totals(
        currency=currency,
        lines=line_totals,
        allowances=allowances,
        charges=charges,
        subtotal=subtotal + zero,
        allowance_total=allowance_total + zero,
        charge_total=charge_total + zero,
        net_total=net_total + zero,
        tax_breakdown=breakdown,
        withholdings=withholdings,
        tax_total=tax_total + zero,
        withholding_total=withholding_total + zero,
        total=total + zero,
        amount_paid=amount_paid,
        balance_due=total - withholding_total - amount_paid + zero,
    )


def _tax_groups(
    items: Iterable[tuple[Decimal, tuple[Tax, ...]]],
    *,
    currency: str,
    fixed: dict[tuple[str, str, str, Decimal], tuple[Decimal, Decimal]],
) -> list[TaxGroup]:
    """Taxable amount and tax per group, the tax rounded once per group (BG-23)."""
    exact_base: dict[tuple[str, str, str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    first_tax: dict[tuple[str, str, str, Decimal], Tax] = {}
    for net, taxes in items:
        additive_rate = sum((t.rate for t in taxes if t.kind == TaxKind.ADDITIVE), ZERO)
        for tax in taxes:
            first_tax.setdefault(tax.group_key, tax)
            if tax.kind == TaxKind.COMPOUND:
                # Computed on the net plus the additive taxes of the same line, unrounded.
                exact_base[tax.group_key] += net * (HUNDRED + additive_rate) / HUNDRED
            else:
                exact_base[tax.group_key] += net
    groups = []
    for key, tax in first_tax.items():
        if key in fixed:
            taxable, amount = fixed[key]
        else:
            taxable = round_money(exact_base[key], currency)
            amount = round_money(taxable * tax.rate / HUNDRED, currency)
        groups.append(
            TaxGroup(
                name=tax.name,
                category=tax.category,
                rate=tax.rate,
                kind=tax.kind,
                taxable_amount=taxable,
                tax_amount=amount,
                exemption_reason=tax.exemption_reason,
                exemption_code=tax.exemption_code,
            )
        )
    order = {TaxKind.ADDITIVE: 0, TaxKind.COMPOUND: 1, TaxKind.WITHHOLDING: 2}
    return sorted(groups, key=lambda g: (order[g.kind], g.category, g.name, -g.rate))


def _distribute(target: Decimal, exact: Sequence[Decimal], currency: str) -> list[Decimal]:
    """Round each value, then move single minor units so the rounded values sum to `target`,
    to the values whose rounding moved them furthest the other way (largest remainder)."""
    rounded = [round_money(value, currency) for value in exact]
    unit = Decimal(1).scaleb(-minor_units(currency))
    steps = int((target - sum(rounded, ZERO)) / unit)
    direction = unit if steps > 0 else -unit
    # A value that is exactly zero (a free line) is moved only when nothing else can be.
    by_need = sorted(
        range(len(exact)),
        key=lambda i: (exact[i] == 0, -(exact[i] - rounded[i]) * direction.copy_sign(1), i),
    )
    for position in range(abs(steps)):
        rounded[by_need[position % len(by_need)]] += direction
    return rounded


def _calculate_gross(document: Document, line_exact: list[tuple[Decimal, Decimal]]) -> Totals:
    """Lines state gross amounts; take each group's tax out of its gross once."""
    currency = document.currency
    line_gross = [round_money(gross - discount, currency) for gross, discount in line_exact]
    line_taxes = [line.taxes for line in document.lines]
    gross_subtotal = sum(line_gross, ZERO)
    gross_by_taxes = defaultdict(lambda: ZERO)
    for amount, taxes in zip(line_gross, line_taxes, strict=True):
        gross_by_taxes[taxes] += amount

    def gross_adjustments(adjustments: Sequence[Adjustment]) -> list[AdjustmentTotals]:
        return _spread_adjustments(
            adjustments, currency=currency, subtotal=gross_subtotal, group_nets=dict(gross_by_taxes)
        )

    allowances_gross = gross_adjustments(document.allowances)
    charges_gross = gross_adjustments(document.charges)

    def vat_of(taxes: tuple[Tax, ...]) -> Tax:
        return next(t for t in taxes if t.kind != TaxKind.WITHHOLDING)

    # Gross per group of the one additive tax, lines and adjustments together.
    members: dict[tuple[str, str, str, Decimal], list[tuple[str, int, Decimal]]] = defaultdict(list)
    for index, (amount, taxes) in enumerate(zip(line_gross, line_taxes, strict=True)):
        members[vat_of(taxes).group_key].append(("line", index, amount))
    for kind, adjustments, sign in (
        ("allowance", allowances_gross, -1),
        ("charge", charges_gross, 1),
    ):
        for index, adjustment in enumerate(adjustments):
            members[vat_of(adjustment.taxes).group_key].append(
                (kind, index, sign * adjustment.amount)
            )

    fixed: dict[tuple[str, str, str, Decimal], tuple[Decimal, Decimal]] = {}
    nets: dict[tuple[str, int], Decimal] = {}
    for key, items in members.items():
        rate = key[3]
        group_gross = sum((amount for _, _, amount in items), ZERO)
        tax_amount = round_money(group_gross * rate / (HUNDRED + rate), currency)
        taxable = group_gross - tax_amount
        exact_nets = [amount * HUNDRED / (HUNDRED + rate) for _, _, amount in items]
        for (kind, index, _), net in zip(
            items, _distribute(taxable, exact_nets, currency), strict=True
        ):
            nets[(kind, index)] = net
        fixed[key] = (taxable, tax_amount)

    line_totals = []
    for index, (gross, discount) in enumerate(line_exact):
        net = nets[("line", index)]
        line_totals.append(
            LineTotals(
                gross_amount=round_money(gross, currency), discount_amount=discount, net_amount=net
            )
        )

    def with_net(
        kind: str, adjustments: list[AdjustmentTotals], sign: int
    ) -> list[AdjustmentTotals]:
        return [
            AdjustmentTotals(
                sign * nets[(kind, index)] + ZERO,  # + 0: never a negative zero
                a.base_amount,
                a.percent,
                a.taxes,
                a.reason,
                a.source_index,
            )
            for index, a in enumerate(adjustments)
        ]

    return _finish(
        document,
        line_totals,
        line_taxes,
        fixed_groups=fixed,
        allowances=with_net("allowance", allowances_gross, -1),
        charges=with_net("charge", charges_gross, 1),
    )

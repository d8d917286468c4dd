"""Forms parse what the catalog pages post; the services validate and write.

Field names are the services' field names, so a service's field error lands on its field.
"""

from decimal import Decimal
from typing import Any
from uuid import UUID

from django import forms
from django.http import QueryDict

from fakturo.accounts.models import Organization
from fakturo.catalog.choices import TaxKind, Unit, VatCategory
from fakturo.catalog.models import Product, TaxRate
from fakturo.catalog.selectors import PRODUCT_SORTS, ProductFilters, tax_rate_list
from fakturo.catalog.services import FROZEN_WHEN_USED, PRODUCT_FIELDS, TAX_RATE_FIELDS
from fakturo.core.locales import currency_codes
from fakturo.core.money import minor_units

SORT_LABELS = {
    "name": "Name A–Z",
    "-name": "Name Z–A",
    "sku": "SKU",
    "-sku": "SKU, descending",
    "unit_price": "Lowest price",
    "-unit_price": "Highest price",
    "created_at": "Oldest",
    "-created_at": "Newest",
}


def trimmed(value: Decimal, places: int) -> Decimal:
    """`value` without trailing zeros beyond `places` decimals: 95.5000 → 95.50 for 2."""
    short = value.quantize(Decimal(1).scaleb(-places))
    return short if short == value else value.normalize()


class ProductFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": "Name, SKU or description"}),
    )
    archived = forms.BooleanField(label="Archived products", required=False)
    sort = forms.ChoiceField(
        choices=[(sort, SORT_LABELS[sort]) for sort in PRODUCT_SORTS], required=False
    )

    def filters(self) -> ProductFilters:
        data = self.cleaned_data
        filters: ProductFilters = {"q": data["q"], "archived": data["archived"]}
        if data["sort"]:
            filters["sort"] = data["sort"]
        return filters


class ProductForm(forms.Form):
    name = forms.CharField(max_length=200)
    sku = forms.CharField(
        label="SKU",
        max_length=60,
        required=False,
        help_text="Your article number; no two products share one.",
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Becomes the line text on documents.",
    )
    unit = forms.ChoiceField(choices=[(code, f"{label} ({code})") for code, label in Unit.choices])
    unit_price = forms.DecimalField(label="Unit price", help_text="Net, up to 4 decimals.")
    currency = forms.ChoiceField(
        choices=lambda: [(code, code) for code in sorted(currency_codes())]
    )
    default_tax_rate_id = forms.TypedChoiceField(
        label="Default tax rate",
        required=False,
        coerce=lambda value: UUID(str(value)),  # the initial value is a UUID already
        empty_value=None,
    )

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        organization: Organization,
        product: Product | None = None,
        read_only: bool = False,
    ) -> None:
        rates = list(tax_rate_list(organization=organization))
        if product is None:
            default_rate = next((rate for rate in rates if rate.is_default), None)
            initial: dict[str, Any] = {
                "unit": Unit.PIECE,
                "currency": organization.default_currency,
                "default_tax_rate_id": default_rate.pk if default_rate else None,
            }
        else:
            initial = {field: getattr(product, field) for field in PRODUCT_FIELDS}
            initial["unit_price"] = trimmed(product.unit_price, minor_units(product.currency))
            archived_rate = product.default_tax_rate
            if archived_rate is not None and archived_rate.is_archived:
                rates.append(archived_rate)  # still selected, so it must stay a choice
        super().__init__(data, initial=initial)
        self.fields["default_tax_rate_id"].choices = [  # type: ignore[attr-defined]
            ("", "None"),
            *((str(rate.pk), str(rate)) for rate in rates),
        ]
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def values(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in PRODUCT_FIELDS}

    def changes(self) -> dict[str, Any]:
        """Only the fields the user changed: the service audits exactly what moved."""
        return {field: self.cleaned_data[field] for field in self.changed_data}


class TaxRateForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="As printed on documents, e.g. “VAT 19 %”.")
    percentage = forms.DecimalField(help_text="0 to 100, up to 4 decimals.")
    category = forms.ChoiceField(
        label="VAT category",
        required=False,
        choices=[
            (code, f"{code} – {label}" if code else label) for code, label in VatCategory.choices
        ],
        help_text="The EN 16931 category e-invoices carry; “Not VAT” for other taxes.",
    )
    kind = forms.ChoiceField(choices=TaxKind.choices)
    exemption_reason = forms.CharField(
        max_length=300,
        required=False,
        help_text="Printed on the invoice; exempt, reverse-charge, intra-community, export and "
        "out-of-scope rates need it or a VATEX code.",
    )
    exemption_code = forms.CharField(
        label="VATEX code", max_length=30, required=False, help_text="Such as VATEX-EU-AE."
    )
    is_default = forms.BooleanField(
        label="Default rate for new lines", required=False, help_text="Replaces the current one."
    )

    def __init__(
        self, data: QueryDict | None = None, *, rate: TaxRate | None = None, read_only: bool = False
    ) -> None:
        initial: dict[str, Any] = {"category": VatCategory.STANDARD, "kind": TaxKind.ADDITIVE}
        if rate is not None:
            initial = {field: getattr(rate, field) for field in TAX_RATE_FIELDS}
            initial["percentage"] = trimmed(rate.percentage, 0)
        super().__init__(data, initial=initial)
        frozen = FROZEN_WHEN_USED if rate is not None and rate.is_used else ()  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if read_only or name in frozen:
                field.disabled = True
            if name in frozen:
                field.help_text = (
                    "Fixed: documents use this rate. For another rate, create a new one."
                )

    def values(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in TAX_RATE_FIELDS}

    def changes(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in self.changed_data}

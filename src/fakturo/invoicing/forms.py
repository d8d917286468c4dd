"""Forms of the document pages: the list filters, and the editor that turns one POST into a
DocumentInput (the same parser serves the live preview and the save)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.forms.utils import pretty_name

from fakturo.accounts.models import Organization
from fakturo.catalog.choices import Unit
from fakturo.catalog.models import TaxRate
from fakturo.core.errors import ServiceError
from fakturo.core.locales import currency_codes
from fakturo.core.money import minor_units
from fakturo.crm.models import Client
from fakturo.invoicing.choices import DocumentKind, DocumentStatus, PaymentTermsType
from fakturo.invoicing.inputs import AdjustmentInput, DocumentInput, LineInput
from fakturo.invoicing.models import Document
from fakturo.invoicing.selectors import DocumentFilters

S = DocumentStatus
K = DocumentKind
INVOICE_KIND_CHOICES = [
    (K.INVOICE, "Invoice"),
    (K.DEPOSIT_INVOICE, "Deposit invoice"),
    (K.PROFORMA, "Proforma invoice"),
]
MAX_LINES = 1000


def _date_input() -> forms.DateInput:
    # <input type=date> speaks ISO dates whatever the page's language.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DateField(forms.DateField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(input_formats=["%Y-%m-%d"], widget=_date_input(), **kwargs)


class AmountField(forms.DecimalField):
    """A decimal typed either way: "1234.5", "1234,5", "1,234.50" or "1.234,50"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)
        if isinstance(self.widget, forms.NumberInput):
            self.widget.input_type = "text"
            self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
            self.widget.attrs.pop("step", None)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = "".join(value.split())
            # With both separators the last one is the decimal point; a lone comma is one too.
            decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
            grouping = "." if decimal_mark == "," else ","
            value = value.replace(grouping, "").replace(decimal_mark, ".")
        return super().to_python(value)


class UUIDsField(forms.Field):
    """The ids of checked boxes, as UUIDs; which of them may be chosen is the service's call."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> tuple[UUID, ...]:
        try:
            ids = [UUID(str(item)) for item in value or ()]
        except ValueError:
            raise forms.ValidationError("Choose from the list.") from None
        return tuple(dict.fromkeys(ids))


# --- lists ----------------------------------------------------------------------------------

LIST_STATUSES: dict[str, list[tuple[str, str]]] = {
    "invoices": [
        (S.DRAFT, "Draft"),
        (S.ISSUED, "Issued"),
        (S.SENT, "Sent"),
        (S.PARTIALLY_PAID, "Partially paid"),
        (S.PAID, "Paid"),
        ("overdue", "Overdue"),
        (S.VOID, "Void"),
    ],
    "quotes": [
        (S.DRAFT, "Draft"),
        (S.SENT, "Sent"),
        (S.ACCEPTED, "Accepted"),
        (S.DECLINED, "Declined"),
        (S.EXPIRED, "Expired"),
        (S.CONVERTED, "Converted"),
    ],
    "credit_notes": [(S.DRAFT, "Draft"), (S.ISSUED, "Issued"), (S.SENT, "Sent")],
}
SORT_CHOICES = [
    ("-issue_date", "Newest first"),
    ("issue_date", "Oldest first"),
    ("-due_date", "Due date, latest first"),
    ("due_date", "Due date, soonest first"),
    ("-number", "Number, descending"),
    ("number", "Number, ascending"),
    ("-total", "Total, largest first"),
    ("total", "Total, smallest first"),
]


class DocumentFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Number, client, PO, notes…"}
        ),
    )
    status = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(
        label="Type", required=False, choices=[("", "All types"), *INVOICE_KIND_CHOICES]
    )
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(), required=False, empty_label="All clients"
    )
    issued_from = DateField(label="Issued from")
    issued_until = DateField(label="Issued until")
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, organization: Organization, collection: str) -> None:
        super().__init__(data)
        set_choices(self, "status", [("", "Any status"), *LIST_STATUSES[collection]])
        self.fields["client"].queryset = Client.objects.filter(  # type: ignore[attr-defined]
            organization=organization
        ).order_by("legal_name")
        if collection != "invoices":
            del self.fields["kind"]

    def filters(self) -> DocumentFilters:
        """The valid values as the selector's filters; an invalid field is left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        filters: DocumentFilters = {}
        for name in ("q", "status", "kind", "sort", "issued_from", "issued_until"):
            if data.get(name):
                filters[name] = data[name]
        if data.get("client"):
            filters["client_id"] = data["client"].pk
        return filters


# --- the editor -----------------------------------------------------------------------------


class DescribedForm(forms.Form):
    """Each input names its error slot (and its help), which the live preview fills."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            auto_id = str(self.auto_id) % self.add_prefix(name)
            ids = [f"{auto_id}_error"] + ([f"{auto_id}_helptext"] if field.help_text else [])
            field.widget.attrs["aria-describedby"] = " ".join(ids)


ROW_NOUNS = {"lines": "line", "allowances": "discount", "charges": "charge"}


def _label_row(form: forms.Form) -> None:
    """Inputs of a table row are named by their column and row: "Quantity, line 2"."""
    rows, _, position = (form.prefix or "").rpartition("-")
    noun = ROW_NOUNS.get(rows, "row")
    for name, field in form.fields.items():
        # Checkboxes keep their own labels; the tax picker's button carries the row's name.
        if isinstance(field.widget, forms.HiddenInput | forms.CheckboxSelectMultiple):
            continue
        label = str(field.label or pretty_name(name))
        field.widget.attrs["data-label"] = label
        field.widget.attrs["aria-label"] = (
            f"{label}, {noun} {int(position) + 1}" if position.isdigit() else label
        )


def set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def rate_label(rate: TaxRate) -> str:
    """ "VAT 19 %", without saying the rate twice when the name has it already."""
    percentage = f"{rate.percentage.normalize():f}"
    label = rate.name if percentage in rate.name else f"{rate.name} {percentage} %"
    return f"{label} (archived)" if rate.is_archived else label


def rate_choices(rates: list[TaxRate]) -> list[tuple[str, str]]:
    return [(str(rate.pk), rate_label(rate)) for rate in rates]


def _unit_choices(current: str = "") -> list[tuple[str, str]]:
    choices = list(Unit.choices)
    if current and current not in Unit.values:
        choices.append((current, current))
    return choices


class DocumentForm(DescribedForm):
    """Everything of a draft above and below its lines."""

    kind = forms.ChoiceField(label="Type", choices=INVOICE_KIND_CHOICES)
    client_id = forms.ModelChoiceField(
        label="Client", queryset=Client.objects.none(), empty_label="Choose a client…"
    )
    currency = forms.ChoiceField(choices=lambda: [(c, c) for c in sorted(currency_codes())])
    exchange_rate = AmountField(
        max_digits=18,
        decimal_places=8,
        min_value=Decimal("0.00000001"),
        help_text="Units of your currency per unit of the document's.",
    )
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    issue_date = DateField(help_text="Blank: the day you issue it.")
    supply_date = DateField(label="Delivery date", help_text="If not the issue date.")
    period_start = DateField(label="Service period from")
    period_end = DateField(label="Service period until")
    payment_terms_type = forms.ChoiceField(label="Payment terms", choices=PaymentTermsType.choices)
    payment_terms_days = forms.IntegerField(
        label="Days to pay", min_value=0, max_value=365, required=False
    )
    due_date = DateField(label="Due date")
    valid_until = DateField(label="Valid until", help_text="Blank: 30 days after sending.")
    early_payment_discount_percent = AmountField(
        label="Early-payment discount (%)",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )
    early_payment_discount_days = forms.IntegerField(
        label="if paid within (days)", min_value=0, max_value=365, required=False
    )
    prices_include_tax = forms.BooleanField(
        label="Prices include tax",
        required=False,
        help_text="Unit prices are gross; the tax is taken out of them.",
    )
    purchase_order = forms.CharField(label="PO number", max_length=100, required=False)
    buyer_reference = forms.CharField(max_length=100, required=False)
    notes = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Printed on the document, e.g. a thank-you or a project reference.",
    )
    footer = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Printed at the bottom, e.g. legal notes.",
    )
    internal_notes = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only your team sees these.",
    )
    tags = forms.CharField(required=False, max_length=1000, help_text="Separated by commas.")
    deposit_ids = UUIDsField(label="Deduct deposit invoices", required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        organization: Organization,
        kind: str,
        document: Document | None,
        initial: dict[str, Any],
    ) -> None:
        super().__init__(data, initial=initial)
        clients = Client.objects.filter(organization=organization, is_archived=False)
        if document is not None:
            clients = clients | Client.objects.filter(pk=document.client_id)
        self.fields["client_id"].queryset = clients.order_by("legal_name")  # type: ignore[attr-defined]
        if kind not in dict(INVOICE_KIND_CHOICES) or document is not None:
            set_choices(self, "kind", [(kind, K(kind).label)])
            self.fields["kind"].widget = forms.HiddenInput()
        if kind != K.QUOTE:
            del self.fields["valid_until"]
        if kind != K.INVOICE:
            del self.fields["deposit_ids"]

    def clean_tags(self) -> tuple[str, ...]:
        return tuple(tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip())


class LineForm(DescribedForm):
    product_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    source_line_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(
            attrs={"rows": 1, "placeholder": "Description", "data-product-search": ""}
        ),
    )
    quantity = AmountField(initial=Decimal(1))
    unit = forms.ChoiceField(choices=Unit.choices, initial=Unit.PIECE, required=False)
    unit_price = AmountField(label="Price")
    discount_percent = AmountField(
        label="Discount %",
        max_digits=7,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )
    # Kept as is for drafts made through the API; the editor itself offers the percent.
    discount_amount = AmountField(widget=forms.HiddenInput)
    tax_rate_ids = forms.MultipleChoiceField(
        label="Tax", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        rates: list[tuple[str, str]],
        default_rate_ids: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "tax_rate_ids", rates)
        self.fields["tax_rate_ids"].initial = default_rate_ids or []
        _label_row(self)
        current = self.data.get(self.add_prefix("unit")) or (self.initial or {}).get("unit", "")
        set_choices(self, "unit", _unit_choices(str(current or "")))

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("description") or data.get("product_id")) and (
            data.get("unit_price") is None
        )

    def is_incomplete(self) -> bool:
        data = self.cleaned_data
        has_product = bool(data.get("product_id"))
        return not (data.get("description") or has_product) or (
            data.get("unit_price") is None and not has_product
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "quantity" in data and data["quantity"] is None and not self.is_blank():
            self.add_error("quantity", "Enter a quantity.")
        return data

    def to_input(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            description=data["description"],
            quantity=data["quantity"],
            unit=data["unit"],
            unit_price=data["unit_price"],
            product_id=data["product_id"],
            discount_percent=data["discount_percent"],
            discount_amount=data["discount_amount"],
            tax_rate_ids=tuple(UUID(value) for value in data["tax_rate_ids"]),
            source_line_id=data["source_line_id"],
        )


class AdjustmentForm(DescribedForm):
    reason = forms.CharField(required=False, max_length=200)
    value_type = forms.ChoiceField(
        label="Amount or %",
        choices=[("amount", "Amount"), ("percent", "%")],
        initial="amount",
        required=False,
    )
    value = AmountField(label="Value", min_value=Decimal(0))
    tax_rate_id = forms.ChoiceField(label="Tax", required=False)
    base_amount = AmountField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, rates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "tax_rate_id", [("", "Spread over the lines' taxes"), *rates])
        self.fields["reason"].widget.attrs["placeholder"] = "Reason"
        _label_row(self)

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("reason") and self.cleaned_data.get("value") is None

    def is_incomplete(self) -> bool:
        return not self.cleaned_data.get("reason") or self.cleaned_data.get("value") is None

    def to_input(self) -> AdjustmentInput:
        data = self.cleaned_data
        is_percent = data["value_type"] == "percent"
        return AdjustmentInput(
            reason=data["reason"],
            amount=None if is_percent else data["value"],
            percent=data["value"] if is_percent else None,
            base_amount=data["base_amount"] if is_percent else None,
            tax_rate_id=UUID(data["tax_rate_id"]) if data["tax_rate_id"] else None,
        )


LineFormSet = formset_factory(
    LineForm, extra=0, max_num=MAX_LINES, absolute_max=MAX_LINES, validate_max=True
)
AdjustmentFormSet = formset_factory(AdjustmentForm, extra=0, max_num=50, absolute_max=50)

# Service field names → the editor's input names, where they differ.
LINE_FIELDS = {
    "product_id": "description",
    "discount": "discount_percent",
    "discount_amount": "discount_percent",
    "taxes": "tax_rate_ids",
}
ADJUSTMENT_FIELDS = {
    "amount": "value",
    "percent": "value",
    "taxes": "tax_rate_id",
}
HEADER_LABELS = {"client_id": "Client", "lines": "Lines"}


@dataclass(frozen=True, slots=True)
class EditorError:
    input_id: str  # the id of the input it belongs to; "" when it names none
    label: str  # where: "Line 2 · Quantity"
    message: str


def plain(value: Decimal | None, places: int = 0) -> str | None:
    """A decimal as a person types it: no exponent, no trailing zeros past `places`
    (120.0000 → "120.00" with 2 places, 12.5000 → "12.5")."""
    if value is None:
        return None
    whole, _, fraction = f"{value.normalize():f}".partition(".")
    fraction = fraction.ljust(places, "0")
    return f"{whole}.{fraction}" if fraction else whole


def _header_initial(document: Document) -> dict[str, Any]:
    skipped = ("kind", "client_id", "deposit_ids")
    names = [name for name in DocumentForm.base_fields if name not in skipped]
    initial = {name: getattr(document, name) for name in names}
    initial["tags"] = ", ".join(document.tags)
    initial["exchange_rate"] = plain(document.exchange_rate)
    initial["early_payment_discount_percent"] = plain(document.early_payment_discount_percent)
    initial["client_id"] = document.client_id
    initial["kind"] = document.kind
    initial["deposit_ids"] = [str(deposit.pk) for deposit in document.deposits.all()]
    return initial


def _line_initial(document: Document) -> list[dict[str, Any]]:
    cents = minor_units(document.currency)
    return [
        {
            "product_id": line.product_id,
            "source_line_id": line.source_line_id,
            "description": line.description,
            "quantity": plain(line.quantity),
            "unit": line.unit,
            "unit_price": plain(line.unit_price, cents),
            "discount_percent": plain(line.discount_percent),
            "discount_amount": plain(line.discount_amount),
            "tax_rate_ids": [str(rate.pk) for rate in line.tax_rates.all()],
        }
        for line in document.lines.all()
    ]


def _adjustment_initial(document: Document, *, is_charge: bool) -> list[dict[str, Any]]:
    cents = minor_units(document.currency)
    return [
        {
            "reason": item.reason,
            "value_type": "percent" if item.percent is not None else "amount",
            "value": plain(item.percent)
            if item.percent is not None
            else plain(item.amount or Decimal(0), cents),
            "tax_rate_id": str(item.tax_rate_id) if item.tax_rate_id else "",
            "base_amount": plain(item.base_amount),
        }
        for item in document.adjustments.all()
        if item.is_charge == is_charge
    ]


class DocumentEditor:
    """The header form and the formsets of lines, allowances and charges of one draft.

    `to_input()` is the only way a POST becomes a DocumentInput; lines and adjustments left
    blank are skipped, and `add_service_errors` maps the service's "lines.2.quantity" back
    onto the form row it came from.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        organization: Organization,
        kind: str,
        document: Document | None = None,
        client: Client | None = None,
        today: datetime.date | None = None,
    ) -> None:
        self.organization = organization
        self.document = document
        rates = list(TaxRate.objects.filter(organization=organization, is_archived=False))
        self.default_rate_ids = [str(rate.pk) for rate in rates if rate.is_default]
        if document is not None:
            used = {
                rate.pk: rate
                for line in document.lines.all()
                for rate in line.tax_rates.all()
                if rate.is_archived
            }
            rates += list(used.values())
            initial = _header_initial(document)
            lines = _line_initial(document)
            allowances = _adjustment_initial(document, is_charge=False)
            charges = _adjustment_initial(document, is_charge=True)
        else:
            initial = {
                "kind": kind,
                "client_id": client.pk if client else None,
                "currency": (client.currency if client else "") or organization.default_currency,
                "language": (client.language if client else "") or organization.language,
                "payment_terms_type": PaymentTermsType.NET_DAYS,
                "payment_terms_days": client.payment_terms_days
                if client and client.payment_terms_days is not None
                else organization.payment_terms_days,
            }
            lines = [{}]
            allowances, charges = [], []
        self.rates = rates
        choices = rate_choices(rates)
        self.header = DocumentForm(
            data, organization=organization, kind=kind, document=document, initial=initial
        )
        # A bound editor takes its rows from the POST alone: rows move, so the initial rows
        # no longer line up with them.
        bound = data is not None

        def rows(prefix: str, initial_rows: list[dict[str, Any]]) -> Any:
            if prefix == "lines":
                formset: Any = LineFormSet
                kwargs = {"rates": choices, "default_rate_ids": self.default_rate_ids}
            else:
                formset, kwargs = AdjustmentFormSet, {"rates": choices}
            return formset(
                data,
                initial=None if bound else initial_rows,
                prefix=prefix,
                form_kwargs=kwargs,
            )

        self.lines = rows("lines", lines)
        self.allowances = rows("allowances", allowances)
        self.charges = rows("charges", charges)
        self.extra_errors: list[EditorError] = []
        # Which form row each parsed line/adjustment came from (blank rows are skipped).
        self._rows: dict[str, list[int]] = {"lines": [], "allowances": [], "charges": []}

    @property
    def kind(self) -> str:
        if self.document is not None:
            return self.document.kind
        return str(self.header["kind"].value())

    def formsets(self) -> dict[str, Any]:
        return {"lines": self.lines, "allowances": self.allowances, "charges": self.charges}

    def is_valid(self) -> bool:
        results = [self.header.is_valid()] + [f.is_valid() for f in self.formsets().values()]
        return all(results)

    def to_input(self, *, preview: bool = False) -> DocumentInput:
        """The parsed draft; call after is_valid() returned True. A preview leaves out the
        lines still being typed (no price or no description yet) instead of refusing them."""
        data = self.header.cleaned_data
        parsed: dict[str, Any] = {}
        for name, formset in self.formsets().items():
            rows = [
                i
                for i, form in enumerate(formset.forms)
                if not form.is_blank() and not (preview and form.is_incomplete())
            ]
            self._rows[name] = rows
            parsed[name] = tuple(formset.forms[i].to_input() for i in rows)
        terms = data["payment_terms_type"]
        fields: dict[str, Any] = {
            name: data.get(name)
            for name in (
                "exchange_rate",
                "issue_date",
                "supply_date",
                "period_start",
                "period_end",
                "payment_terms_days",
                "valid_until",
                "early_payment_discount_percent",
                "early_payment_discount_days",
            )
        }
        fields["due_date"] = data.get("due_date") if terms == PaymentTermsType.FIXED_DATE else None
        for name in ("purchase_order", "buyer_reference", "notes", "footer", "internal_notes"):
            fields[name] = data.get(name, "")
        provided = {*fields, "client_id", "currency", "language", "payment_terms_type"}
        provided |= {"prices_include_tax", "tags", "lines", "allowances", "charges"}
        if data.get("payment_terms_days") is None:
            provided.discard("payment_terms_days")
        deposit_ids: tuple[UUID, ...] = ()
        if "deposit_ids" in self.header.fields and self.kind == K.INVOICE:
            deposit_ids = data["deposit_ids"]
            provided.add("deposit_ids")
        return DocumentInput(
            client_id=data["client_id"].pk if data.get("client_id") else None,
            currency=data["currency"],
            language=data["language"],
            payment_terms_type=terms,
            prices_include_tax=data["prices_include_tax"],
            tags=data["tags"],
            deposit_ids=deposit_ids,
            provided=frozenset(provided),
            **fields,
            **parsed,
        )

    def add_service_errors(self, error: ServiceError) -> None:
        if not error.errors:
            self.extra_errors.append(EditorError("", "", error.detail))
            return
        for item in error.errors:
            self._add_error(str(item.get("field") or ""), item["message"])

    def _add_error(self, field: str, message: str) -> None:
        parts = field.split(".")
        if parts[0] in self._rows and len(parts) >= 3 and parts[1].isdigit():
            rows = self._rows[parts[0]]
            index = int(parts[1])
            formset = self.formsets()[parts[0]]
            if index < len(rows):
                form = formset.forms[rows[index]]
                names = LINE_FIELDS if parts[0] == "lines" else ADJUSTMENT_FIELDS
                name = names.get(parts[2], parts[2])
                widget = form.fields[name].widget if name in form.fields else None
                if widget is not None and not isinstance(widget, forms.HiddenInput):
                    form.add_error(name, message)
                    return
                form.add_error(None, message)
                return
        if field in self.header.fields and field != "kind":
            self.header.add_error(field, message)
            return
        self.extra_errors.append(EditorError("", HEADER_LABELS.get(field, ""), message))

    def errors(self) -> list[EditorError]:
        """Every error of the editor, in page order, each naming the input it belongs to."""
        found: list[EditorError] = []
        for message in self.header.non_field_errors():
            found.append(EditorError("", "", str(message)))
        for name in self.header.fields:
            if name in self.header.errors:
                bound = self.header[name]
                for message in self.header.errors[name]:
                    found.append(EditorError(bound.auto_id, str(bound.label), str(message)))
        for name, formset in self.formsets().items():
            title = {"lines": "Line", "allowances": "Discount", "charges": "Charge"}[name]
            for message in formset.non_form_errors():
                found.append(EditorError("", title + "s", str(message)))
            for index, form in enumerate(formset.forms):
                if not form.is_bound or not form.errors:
                    continue
                for field_name, messages in form.errors.items():
                    if field_name == "__all__":
                        for message in messages:
                            found.append(EditorError("", f"{title} {index + 1}", str(message)))
                        continue
                    bound = form[field_name]
                    for message in messages:
                        found.append(
                            EditorError(
                                bound.auto_id,
                                f"{title} {index + 1} · {bound.label}",
                                str(message),
                            )
                        )
        return found + self.extra_errors

    def line_rows(self) -> list[int]:
        return self._rows["lines"]


def decimal_or_none(value: str) -> Decimal | None:
    try:
        return AmountField().clean(value)  # type: ignore[no-any-return]
    except (forms.ValidationError, InvalidOperation):
        return None

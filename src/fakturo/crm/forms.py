"""Forms parse what the client pages post; the services validate and write."""

import re
from typing import Any

from django import forms
from django.conf import settings

from fakturo.accounts.models import Organization
from fakturo.core.locales import country_names, currency_codes, is_known_country
from fakturo.crm.choices import MANUAL_ACTIVITY_KINDS, ClientKind, DeliveryFormat, TaxTreatment
from fakturo.crm.document_templates import template_choices
from fakturo.crm.models import Client, Contact
from fakturo.crm.selectors import CLIENT_SORTS, ClientFilters
from fakturo.crm.services import CLIENT_FIELDS, CONTACT_FIELDS

_SEPARATORS = re.compile(r"[,;\n]+")


def _country_choices() -> list[tuple[str, str]]:
    known = [(code, name) for code, name in country_names().items() if is_known_country(code)]
    return [("", "—"), *sorted(known, key=lambda choice: choice[1])]


def _currency_choices() -> list[tuple[str, str]]:
    return [("", "The organization's"), *((code, code) for code in sorted(currency_codes()))]


class ListField(forms.CharField):
    """A list of short strings, typed comma- or line-separated."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [item.strip() for item in _SEPARATORS.split(text) if item.strip()]

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value


class ClientForm(forms.Form):
    kind = forms.ChoiceField(choices=ClientKind.choices)
    legal_name = forms.CharField(max_length=200)
    display_name = forms.CharField(
        max_length=200, required=False, help_text="Shown in lists, if not the legal name."
    )
    code = forms.CharField(
        max_length=20,
        required=False,
        help_text="Used in document numbers. Blank: drawn from the name.",
    )
    emails = ListField(
        required=False, help_text="Separate several with commas. The first gets the invoices."
    )
    phone = forms.CharField(max_length=40, required=False)
    website = forms.CharField(max_length=200, required=False)
    billing_line1 = forms.CharField(label="Address", max_length=200, required=False)
    billing_line2 = forms.CharField(label="Address (line 2)", max_length=200, required=False)
    billing_postal_code = forms.CharField(label="Postal code", max_length=20, required=False)
    billing_city = forms.CharField(label="City", max_length=100, required=False)
    billing_region = forms.CharField(label="Region", max_length=100, required=False)
    billing_country = forms.ChoiceField(label="Country", choices=_country_choices, required=False)
    shipping_line1 = forms.CharField(label="Address", max_length=200, required=False)
    shipping_line2 = forms.CharField(label="Address (line 2)", max_length=200, required=False)
    shipping_postal_code = forms.CharField(label="Postal code", max_length=20, required=False)
    shipping_city = forms.CharField(label="City", max_length=100, required=False)
    shipping_region = forms.CharField(label="Region", max_length=100, required=False)
    shipping_country = forms.ChoiceField(label="Country", choices=_country_choices, required=False)
    vat_id = forms.CharField(label="VAT id", max_length=30, required=False)
    tax_treatment = forms.ChoiceField(choices=TaxTreatment.choices)
    tax_exemption_reason = forms.CharField(
        max_length=300, required=False, help_text="Needed when the client is exempt."
    )
    currency = forms.ChoiceField(choices=_currency_choices, required=False)
    language = forms.ChoiceField(
        choices=[("", "The organization's"), *settings.LANGUAGES], required=False
    )
    payment_terms_days = forms.IntegerField(
        label="Payment terms (days)",
        min_value=0,
        max_value=365,
        required=False,
        help_text="Blank: the organization's terms.",
    )
    preferred_template = forms.ChoiceField(
        label="Document template",
        required=False,
        help_text="Blank: the organization's layout (Settings → Branding).",
    )
    electronic_address = forms.CharField(
        label="Electronic address",
        max_length=200,
        required=False,
        help_text="Where e-invoices go: a Peppol id, or the Leitweg-ID for German authorities.",
    )
    electronic_address_scheme = forms.CharField(
        label="Address scheme",
        max_length=4,
        required=False,
        help_text="EAS code, e.g. 0088 (GLN), 0204 (Leitweg-ID), 9930 (DE VAT), EM (email).",
    )
    einvoice_format = forms.ChoiceField(
        label="Send documents as",
        choices=DeliveryFormat.choices,
        initial=DeliveryFormat.FACTURX,
        required=False,
    )
    tags = ListField(required=False, help_text="Separate with commas.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(
        self, data: Any = None, *, organization: Organization, client: Client | None = None
    ) -> None:
        initial = {field: getattr(client, field) for field in CLIENT_FIELDS} if client else None
        super().__init__(data, initial=initial)
        choices = template_choices(organization)
        current = client.preferred_template if client else ""
        if current and current not in dict(choices):
            choices.append((current, f"{current} (no longer exists)"))
        field = self.fields["preferred_template"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "The organization's"), *choices]

    def values(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in CLIENT_FIELDS}

    def changes(self) -> dict[str, Any]:
        """Only the fields the user changed: the service audits exactly what moved."""
        return {field: self.cleaned_data[field] for field in self.changed_data}


class ClientFilterForm(forms.Form):
    """The list page's half of the one filter set (crm.selectors.ClientFilters)."""

    q = forms.CharField(
        label="Search",
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": "Name, code, email or VAT id"}),
    )
    tag = forms.CharField(required=False, widget=forms.TextInput(attrs={"list": "client-tags"}))
    country = forms.ChoiceField(choices=_country_choices, required=False)
    archived = forms.BooleanField(label="Archived clients", required=False)
    sort = forms.ChoiceField(choices=[(sort, sort) for sort in CLIENT_SORTS], required=False)

    def filters(self) -> ClientFilters:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        filters: ClientFilters = {"archived": data["archived"]}
        for key in ("q", "tag", "country"):
            if data[key]:
                filters[key] = data[key]
        if data["sort"]:
            filters["sort"] = data["sort"]
        return filters


class ContactForm(forms.Form):
    name = forms.CharField(max_length=200)
    role = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    receives_invoices = forms.BooleanField(required=False, help_text="Gets a copy of invoices.")

    def __init__(self, data: Any = None, *, contact: Contact | None = None, **kwargs: Any) -> None:
        initial = {field: getattr(contact, field) for field in CONTACT_FIELDS} if contact else None
        super().__init__(data, initial=initial, **kwargs)

    def values(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in CONTACT_FIELDS}

    def changes(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in self.changed_data}


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(kind.value, kind.label) for kind in MANUAL_ACTIVITY_KINDS],
        initial="note",
    )
    summary = forms.CharField(max_length=300)
    body = forms.CharField(
        label="Details", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    occurred_at = forms.DateTimeField(
        label="When",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Blank: now.",
    )


class MergeForm(forms.Form):
    into = forms.ChoiceField(label="Merge into")

    def __init__(self, data: Any = None, *, choices: list[Any]) -> None:
        super().__init__(data)
        self.fields["into"].choices = choices  # type: ignore[attr-defined]

"""Forms parse what a page posts; the services validate and write."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, QueryDict

from fakturo.accounts.choices import MONTHS, Role
from fakturo.accounts.models import Organization, User
from fakturo.accounts.services import ORGANIZATION_FIELDS
from fakturo.core.errors import ServiceError
from fakturo.core.locales import country_names, currency_codes, is_known_country, timezone_names


def add_service_errors(form: forms.Form, error: ServiceError) -> None:
    """Show a service's field errors on the fields they name, anything else above the form."""
    if not error.errors:
        form.add_error(None, error.detail)
        return
    for item in error.errors:
        field = item.get("field")
        form.add_error(field if field in form.fields else None, item["message"])


class LoginForm(forms.Form):
    """Email and password, in the shape django.contrib.auth's LoginView expects."""

    email = forms.EmailField(
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            self.user = authenticate(self.request, email=email, password=password)
            if self.user is None:
                raise forms.ValidationError("Email or password is not correct.")
        return cleaned

    def get_user(self) -> User | None:
        return self.user


class InvitationSignupForm(forms.Form):
    full_name = forms.CharField(
        max_length=200, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = forms.CharField(
        strip=False,
        help_text="At least 10 characters; not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Repeat the password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The two passwords differ.")
        return cleaned


def _country_choices() -> list[tuple[str, str]]:
    names = country_names()
    known = [(code, name) for code, name in names.items() if is_known_country(code)]
    return sorted(known, key=lambda choice: choice[1])


class OrganizationForm(forms.Form):
    legal_name = forms.CharField(max_length=200)
    trade_name = forms.CharField(
        max_length=200,
        required=False,
        help_text="The name shown on documents, if not the legal one.",
    )
    address_line1 = forms.CharField(label="Address", max_length=200, required=False)
    address_line2 = forms.CharField(label="Address (line 2)", max_length=200, required=False)
    postal_code = forms.CharField(max_length=20, required=False)
    city = forms.CharField(max_length=100, required=False)
    region = forms.CharField(max_length=100, required=False)
    country = forms.ChoiceField(choices=_country_choices)
    vat_id = forms.CharField(label="VAT id", max_length=30, required=False)
    tax_number = forms.CharField(max_length=40, required=False)
    iban = forms.CharField(label="IBAN", max_length=42, required=False)
    bic = forms.CharField(label="BIC", max_length=11, required=False)
    email = forms.CharField(max_length=254, required=False, widget=forms.EmailInput)
    phone = forms.CharField(max_length=40, required=False)
    website = forms.CharField(max_length=200, required=False, widget=forms.URLInput)
    electronic_address = forms.CharField(
        label="Electronic address",
        max_length=200,
        required=False,
        help_text="Where clients send e-invoices to you, e.g. your Peppol id.",
    )
    electronic_address_scheme = forms.CharField(
        label="Address scheme",
        max_length=4,
        required=False,
        help_text="EAS code, e.g. 0088 (GLN), 9930 (DE VAT), EM (email).",
    )
    default_currency = forms.ChoiceField(
        choices=lambda: [(code, code) for code in sorted(currency_codes())]
    )
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    timezone = forms.ChoiceField(
        label="Time zone", choices=lambda: [(name, name) for name in sorted(timezone_names())]
    )
    payment_terms_days = forms.IntegerField(
        label="Payment terms (days)", min_value=0, max_value=365
    )
    fiscal_year_start_month = forms.TypedChoiceField(
        label="Fiscal year starts in", choices=MONTHS, coerce=int
    )

    def __init__(
        self, data: QueryDict | None = None, *, organization: Organization, read_only: bool
    ) -> None:
        initial = {field: getattr(organization, field) for field in ORGANIZATION_FIELDS}
        super().__init__(data, initial=initial)
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def changes(self) -> dict[str, Any]:
        """Only the fields the user changed: the service audits exactly what moved."""
        return {field: self.cleaned_data[field] for field in self.changed_data}


class InvitationForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses the token, e.g. “Accounting sync”.")
    read_only = forms.BooleanField(
        label="Read-only", required=False, help_text="The token can read but not change data."
    )


def _date_input() -> forms.DateInput:
    # <input type=date> speaks ISO dates whatever the page's language.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        required=False,
        help_text="Matches from the start.",
        widget=forms.TextInput(attrs={"list": "audit-actions"}),
    )
    actor = forms.CharField(label="Actor email", required=False)
    target_type = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"list": "audit-target-types"})
    )
    date_from = forms.DateField(
        label="From", required=False, input_formats=["%Y-%m-%d"], widget=_date_input()
    )
    date_to = forms.DateField(
        label="To", required=False, input_formats=["%Y-%m-%d"], widget=_date_input()
    )

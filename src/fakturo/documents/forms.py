"""Forms of the branding settings, the template editor and the designer."""

from typing import Any, cast

from django import forms

from fakturo.documents.choices import Font, Layout, Paper
from fakturo.documents.delivery import MAX_RECIPIENTS
from fakturo.documents.models import Branding
from fakturo.documents.selectors import branding_of, template_choices
from fakturo.documents.services import BRANDING_FIELDS, COLOR, FOOTER_MAX_LENGTH

COLOR_MESSAGE = {"invalid": "A colour is written #rrggbb, for example #1f4e79."}


class BrandingForm(forms.Form):
    layout = forms.ChoiceField()
    primary_color = forms.RegexField(
        regex=COLOR, error_messages=COLOR_MESSAGE, widget=forms.TextInput(attrs={"type": "color"})
    )
    accent_color = forms.RegexField(
        regex=COLOR, error_messages=COLOR_MESSAGE, widget=forms.TextInput(attrs={"type": "color"})
    )
    font = forms.ChoiceField(choices=Font.choices)
    paper = forms.ChoiceField(choices=Paper.choices)
    footer_text = forms.CharField(
        required=False, max_length=FOOTER_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    show_bank_details = forms.BooleanField(required=False, label="Show bank details")

    def __init__(self, *args: Any, branding: Branding, **kwargs: Any) -> None:
        kwargs["initial"] = {field: getattr(branding, field) for field in BRANDING_FIELDS}
        super().__init__(*args, **kwargs)
        self.branding = branding
        layout = cast(forms.ChoiceField, self.fields["layout"])
        layout.choices = template_choices(branding.organization)

    def changes(self) -> dict[str, Any]:
        return {
            field: self.cleaned_data[field]
            for field in BRANDING_FIELDS
            if self.cleaned_data[field] != getattr(self.branding, field)
        }

    def preview_branding(self) -> Branding:
        """An unsaved copy of the branding with the form's values, for the designer."""
        preview = branding_of(self.branding.organization)  # a fresh copy, not the form's
        for field in BRANDING_FIELDS:
            if field in self.cleaned_data:
                setattr(preview, field, self.cleaned_data[field])
        return preview


class LogoForm(forms.Form):
    logo = forms.FileField(help_text="PNG, JPEG or SVG; at most 1 MB and 4000 × 4000 pixels.")


class TemplateCreateForm(forms.Form):
    name = forms.CharField(max_length=120)
    based_on = forms.ChoiceField(choices=Layout.choices, label="Start from")


class TemplateEditForm(forms.Form):
    name = forms.CharField(max_length=120)
    source = forms.CharField(
        widget=forms.Textarea(
            attrs={"rows": 30, "spellcheck": "false", "class": "code-editor", "wrap": "off"}
        ),
        strip=False,
    )


class EmailForm(forms.Form):
    to = forms.CharField(
        label="To", max_length=2000, help_text="Separate several addresses with commas."
    )
    subject = forms.CharField(max_length=300)
    message = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 8}))

    def recipients(self) -> list[str]:
        return [part for part in self.cleaned_data["to"].split(",") if part.strip()][
            : MAX_RECIPIENTS + 1
        ]

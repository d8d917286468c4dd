from django import forms


class UploadForm(forms.Form):
    file = forms.FileField(
        label="E-invoice file",
        help_text="UBL or CII XML, or a Factur-X / ZUGFeRD PDF; at most 10 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xml,.pdf,application/xml,text/xml,application/pdf"}
        ),
    )


class ReceivedFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    valid = forms.TypedChoiceField(
        label="Validity",
        required=False,
        choices=[("", "Valid and invalid"), ("true", "Valid"), ("false", "Invalid")],
        coerce=lambda value: value == "true",
        empty_value=None,
    )

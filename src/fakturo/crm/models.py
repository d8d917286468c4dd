import uuid

from django.conf import settings
from django.db import models
from django.utils.timezone import now

from fakturo.crm.checks import client_warnings
from fakturo.crm.choices import ActivityKind, ClientKind, DeliveryFormat, TaxTreatment


class Client(models.Model):
    """Someone the organization sells to: a company or a person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="clients"
    )
    kind = models.CharField(max_length=10, choices=ClientKind.choices, default=ClientKind.COMPANY)
    code = models.CharField(max_length=20, help_text="Short code, e.g. for document numbers")
    legal_name = models.CharField(max_length=200)
    display_name = models.CharField(max_length=200, blank=True)
    emails = models.JSONField(default=list, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    billing_line1 = models.CharField(max_length=200, blank=True)
    billing_line2 = models.CharField(max_length=200, blank=True)
    billing_postal_code = models.CharField(max_length=20, blank=True)
    billing_city = models.CharField(max_length=100, blank=True)
    billing_region = models.CharField(max_length=100, blank=True)
    billing_country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    shipping_line1 = models.CharField(max_length=200, blank=True)
    shipping_line2 = models.CharField(max_length=200, blank=True)
    shipping_postal_code = models.CharField(max_length=20, blank=True)
    shipping_city = models.CharField(max_length=100, blank=True)
    shipping_region = models.CharField(max_length=100, blank=True)
    shipping_country = models.CharField(max_length=2, blank=True)
    vat_id = models.CharField(max_length=20, blank=True)
    tax_treatment = models.CharField(
        max_length=20, choices=TaxTreatment.choices, default=TaxTreatment.DOMESTIC
    )
    tax_exemption_reason = models.CharField(max_length=300, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="Blank: the organization's")
    language = models.CharField(max_length=10, blank=True, help_text="Blank: the organization's")
    payment_terms_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Blank: the organization's"
    )
    preferred_template = models.CharField(max_length=60, blank=True)
    electronic_address = models.CharField(
        max_length=200, blank=True, help_text="Peppol id or Leitweg routing address"
    )
    electronic_address_scheme = models.CharField(max_length=4, blank=True, help_text="EAS code")
    einvoice_format = models.CharField(
        max_length=12,
        choices=DeliveryFormat.choices,
        default=DeliveryFormat.FACTURX,
        help_text="What the client receives by email",
    )
    tags = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    is_archived = models.BooleanField(default=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("legal_name",)
        constraints = [
            models.UniqueConstraint(fields=("organization", "code"), name="client_code_unique")
        ]
        indexes = [models.Index(fields=("organization", "is_archived", "legal_name"))]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.legal_name

    @property
    def primary_email(self) -> str:
        return self.emails[0] if self.emails else ""

    @property
    def warnings(self) -> list[str]:
        return client_warnings(
            vat_id=self.vat_id,
            billing_country=self.billing_country,
            tax_treatment=self.tax_treatment,
        )


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    receives_invoices = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """One entry of a client's timeline: written by services, or by hand (note, call…)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=30, choices=ActivityKind.choices)
    summary = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    document_id = models.UUIDField(null=True, blank=True, help_text="The document it is about")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        ordering = ("-occurred_at",)
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.summary

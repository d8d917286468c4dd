"""Received e-invoices: the original file as it came, what it says, and what our checks found."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.timezone import now

from fakturo.invoicing.models import MONEY


class Syntax(models.TextChoices):
    UBL_INVOICE = "ubl-invoice", "UBL Invoice"
    UBL_CREDIT_NOTE = "ubl-creditnote", "UBL Credit note"
    CII = "cii", "UN/CEFACT CII"
    FACTURX_PDF = "facturx-pdf", "Factur-X / ZUGFeRD PDF"


def received_path(instance: "ReceivedDocument", filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"organizations/{instance.organization_id}/received/{instance.pk}{suffix}"


class ReceivedDocument(models.Model):
    """An imported supplier invoice or credit note. The stated totals are stored as the file
    states them (never corrected); `findings` says where they or the rules disagree. A total
    that does not fit the column (more than four decimals) is left empty here and kept exactly
    in `parsed`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="received_documents"
    )
    supplier_name = models.CharField(max_length=300, blank=True)
    supplier_vat_id = models.CharField(max_length=60, blank=True)
    number = models.CharField(max_length=200, blank=True)
    type_code = models.CharField(max_length=10, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    subtotal = models.DecimalField(**MONEY, null=True, blank=True)
    allowance_total = models.DecimalField(**MONEY, null=True, blank=True)
    charge_total = models.DecimalField(**MONEY, null=True, blank=True)
    net_total = models.DecimalField(**MONEY, null=True, blank=True)
    tax_total = models.DecimalField(**MONEY, null=True, blank=True)
    total = models.DecimalField(**MONEY, null=True, blank=True)
    prepaid_amount = models.DecimalField(**MONEY, null=True, blank=True)
    balance_due = models.DecimalField(**MONEY, null=True, blank=True)
    syntax = models.CharField(max_length=20, choices=Syntax.choices)
    customization = models.CharField(max_length=300, blank=True, help_text="BT-24 as written")
    profile = models.CharField(max_length=20, help_text="The rule set applied")
    is_valid = models.BooleanField()
    findings = models.JSONField(default=list)
    parsed = models.JSONField(default=dict)
    file = models.FileField(upload_to=received_path, max_length=300)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=60)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "sha256"), name="received_document_file_unique"
            )
        ]
        indexes = [
            models.Index(fields=("organization", "-created_at"), name="received_document_recent")
        ]

    def __str__(self) -> str:
        return f"{self.supplier_name or 'Unknown supplier'} {self.number}".strip()

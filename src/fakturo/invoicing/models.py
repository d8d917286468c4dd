"""Quotes, invoices and credit notes: one Document model with a kind.

Issued documents are immutable. The models refuse changes to frozen fields and lines of a
non-draft document through save(), delete() and QuerySet.update()/delete(), and database
triggers (migration 0002) refuse them for any other path, raw SQL included.
"""

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.timezone import now

from fakturo.invoicing.choices import (
    DocumentKind,
    DocumentStatus,
    NumberReset,
    PaymentTermsType,
    SeriesKind,
)

MONEY = {"max_digits": 18, "decimal_places": 4}


class ImmutableDocument(Exception):
    """A change to an issued document: corrections are credit notes."""


class NumberSeries(models.Model):
    """Numbering of one kind of document. `next_number` is drawn under a row lock at issue,
    so numbers are gapless and unique; a rolled-back issue gives its number back."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="number_series"
    )
    kind = models.CharField(max_length=20, choices=SeriesKind.choices)
    pattern = models.CharField(max_length=60, default="{YYYY}-{SEQ:4}")
    next_number = models.PositiveIntegerField(default=1)
    reset = models.CharField(max_length=10, choices=NumberReset.choices, default=NumberReset.NEVER)
    period = models.CharField(max_length=10, blank=True, help_text="Year the counter is for")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("organization", "kind"), name="series_kind_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.pattern})"


# Fields an issued document may still change: its state, bookkeeping, and internal notes.
# (Both field names and column attnames, as update_fields may use either.)
MUTABLE_AFTER_ISSUE = frozenset(
    {
        "status",
        "sent_at",
        "amount_paid",
        "balance_due",
        "internal_notes",
        "tags",
        "updated_at",
        "accepted_at",
        "declined_at",
        "converted_to",
        "converted_to_id",
        "voided_at",
        "created_by",
        "created_by_id",
        "pdf_sha256",
    }
)


class DocumentQuerySet(models.QuerySet["Document"]):
    def update(self, **kwargs: Any) -> int:
        frozen = set(kwargs) - MUTABLE_AFTER_ISSUE
        if frozen and self.exclude(status=DocumentStatus.DRAFT).exists():
            raise ImmutableDocument(f"Issued documents cannot change {', '.join(sorted(frozen))}.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(status=DocumentStatus.DRAFT).exists():
            raise ImmutableDocument("Issued documents cannot be deleted.")
        return super().delete()


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    client = models.ForeignKey("crm.Client", on_delete=models.PROTECT, related_name="documents")
    number = models.CharField(max_length=60, blank=True)
    series = models.ForeignKey(
        NumberSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    sequence = models.PositiveIntegerField(null=True, blank=True, help_text="Number drawn")
    currency = models.CharField(max_length=3)
    exchange_rate = models.DecimalField(
        max_digits=18,
        decimal_places=8,
        default=Decimal(1),
        help_text="Units of the organization's currency per unit of the document's",
    )
    language = models.CharField(max_length=10, default="en")
    issue_date = models.DateField(null=True, blank=True)
    supply_date = models.DateField(null=True, blank=True, help_text="Delivery date, if other")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    payment_terms_type = models.CharField(
        max_length=20, choices=PaymentTermsType.choices, default=PaymentTermsType.NET_DAYS
    )
    payment_terms_days = models.PositiveSmallIntegerField(default=14)
    due_date = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True, help_text="Quotes")
    early_payment_discount_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    early_payment_discount_days = models.PositiveSmallIntegerField(null=True, blank=True)
    prices_include_tax = models.BooleanField(default=False)
    purchase_order = models.CharField(max_length=100, blank=True)
    buyer_reference = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    footer = models.TextField(blank=True)
    internal_notes = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    related = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        help_text="The invoice a credit note corrects, or the quote an invoice came from",
    )
    converted_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deposits = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="final_invoices",
        help_text="Deposit invoices this final invoice deducts",
    )
    rounding_method = models.CharField(max_length=20, default="half-up")
    # Totals, recomputed on every draft change and frozen at issue.
    subtotal = models.DecimalField(**MONEY, default=Decimal(0))
    allowance_total = models.DecimalField(**MONEY, default=Decimal(0))
    charge_total = models.DecimalField(**MONEY, default=Decimal(0))
    net_total = models.DecimalField(**MONEY, default=Decimal(0))
    tax_total = models.DecimalField(**MONEY, default=Decimal(0))
    withholding_total = models.DecimalField(**MONEY, default=Decimal(0))
    total = models.DecimalField(**MONEY, default=Decimal(0))
    prepaid_amount = models.DecimalField(**MONEY, default=Decimal(0))
    amount_paid = models.DecimalField(**MONEY, default=Decimal(0))
    balance_due = models.DecimalField(**MONEY, default=Decimal(0))
    snapshot = models.JSONField(
        null=True, blank=True, help_text="As issued: seller, buyer, lines, totals"
    )
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)
    issued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ("-issue_date", "-created_at")
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "series", "number"),
                condition=~models.Q(number=""),
                name="document_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=("organization", "kind", "status", "issue_date")),
            models.Index(fields=("organization", "client", "issue_date")),
            models.Index(fields=("organization", "due_date")),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.get_kind_display()} draft"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            loaded = getattr(self, "_loaded_status", None)
            if loaded is None:
                loaded = (
                    Document.objects.filter(pk=self.pk).values_list("status", flat=True).first()
                )
            if loaded is not None and loaded != DocumentStatus.DRAFT:
                self._refuse_frozen_changes(kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        self._loaded_status = self.status  # type: ignore[attr-defined]

    def _refuse_frozen_changes(self, update_fields: Any) -> None:
        if update_fields is not None:
            frozen = set(update_fields) - MUTABLE_AFTER_ISSUE
            if frozen:
                raise ImmutableDocument(f"Issued documents cannot change {', '.join(frozen)}.")
            return
        stored = Document.objects.get(pk=self.pk)
        changed = [
            field.attname
            for field in self._meta.concrete_fields
            if field.attname not in MUTABLE_AFTER_ISSUE
            and getattr(stored, field.attname) != getattr(self, field.attname)
        ]
        if changed:
            raise ImmutableDocument(f"Issued documents cannot change {', '.join(changed)}.")

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if Document.objects.filter(pk=self.pk).exclude(status=DocumentStatus.DRAFT).exists():
            raise ImmutableDocument("Issued documents cannot be deleted.")
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> "Document":
        document = super().from_db(db, field_names, values)
        # The status as read: a document read as a draft (under the services' row lock) is
        # saved without asking the database again; the triggers still guard every write.
        document._loaded_status = document.__dict__.get("status")  # type: ignore[attr-defined]
        return document

    @property
    def is_draft(self) -> bool:
        return self.status == DocumentStatus.DRAFT


class DraftChildQuerySet(models.QuerySet[Any]):
    """Lines and adjustments change only while their document is a draft."""

    def _refuse_unless_drafts(self) -> None:
        if self.exclude(document__status=DocumentStatus.DRAFT).exists():
            raise ImmutableDocument("Lines of issued documents cannot change.")

    def update(self, **kwargs: Any) -> int:
        self._refuse_unless_drafts()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_unless_drafts()
        return super().delete()


class DraftChild(models.Model):
    document: Any

    objects = DraftChildQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_unless_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_unless_draft()
        return super().delete(*args, **kwargs)

    def _refuse_unless_draft(self) -> None:
        status = Document.objects.filter(pk=self.document_id).values_list("status", flat=True)  # type: ignore[attr-defined]
        if status and status[0] != DocumentStatus.DRAFT:
            raise ImmutableDocument("Lines of issued documents cannot change.")


class DocumentLine(DraftChild):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.TextField()
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit = models.CharField(max_length=3, default="C62")
    unit_price = models.DecimalField(max_digits=18, decimal_places=4)
    discount_percent = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    discount_amount = models.DecimalField(**MONEY, null=True, blank=True)
    tax_rates = models.ManyToManyField("catalog.TaxRate", related_name="+", blank=True)
    net_amount = models.DecimalField(**MONEY, default=Decimal(0))
    source_line = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credited_by",
        help_text="On a credit note: the invoice line it credits",
    )

    class Meta:
        ordering = ("position",)

    def __str__(self) -> str:
        return self.description[:60]


class DocumentAdjustment(DraftChild):
    """A document-level allowance (e.g. a discount) or charge (e.g. shipping)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="adjustments")
    is_charge = models.BooleanField(default=False)
    position = models.PositiveIntegerField()
    reason = models.CharField(max_length=200)
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    percent = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    base_amount = models.DecimalField(**MONEY, null=True, blank=True)
    tax_rate = models.ForeignKey(
        "catalog.TaxRate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("is_charge", "position")

    def __str__(self) -> str:
        return self.reason

import uuid

from django.db import models
from django.utils.timezone import now

from fakturo.catalog.choices import TaxKind, Unit, VatCategory


class TaxRate(models.Model):
    """A tax a line can carry. A rate in use is archived, never deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="tax_rates"
    )
    name = models.CharField(max_length=100)
    percentage = models.DecimalField(max_digits=7, decimal_places=4)
    category = models.CharField(
        max_length=2, choices=VatCategory.choices, default=VatCategory.STANDARD, blank=True
    )
    kind = models.CharField(max_length=20, choices=TaxKind.choices, default=TaxKind.ADDITIVE)
    exemption_reason = models.CharField(max_length=300, blank=True)
    exemption_code = models.CharField(max_length=30, blank=True, help_text="VATEX code")
    is_default = models.BooleanField(default=False)
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("-is_default", "category", "-percentage", "name")
        constraints = [
            models.UniqueConstraint(
                fields=("organization",),
                condition=models.Q(is_default=True),
                name="tax_rate_one_default",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.percentage.normalize():f} %"


class Product(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="products"
    )
    sku = models.CharField(max_length=60, blank=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=3, choices=Unit.choices, default=Unit.PIECE)
    unit_price = models.DecimalField(max_digits=18, decimal_places=4)
    currency = models.CharField(max_length=3)
    default_tax_rate = models.ForeignKey(
        TaxRate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "sku"),
                condition=~models.Q(sku=""),
                name="product_sku_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

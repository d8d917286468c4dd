"""Reads of products and tax rates, always of one organization."""

from typing import Literal, TypedDict, get_args
from uuid import UUID

from django.apps import apps
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from fakturo.accounts.models import Organization
from fakturo.catalog.models import Product, TaxRate
from fakturo.core.errors import NotFound

ProductSort = Literal[
    "name", "-name", "sku", "-sku", "unit_price", "-unit_price", "created_at", "-created_at"
]
PRODUCT_SORTS: tuple[str, ...] = get_args(ProductSort)
SEARCH_LIMIT = 10


class ProductFilters(TypedDict, total=False):
    q: str  # part of the name, SKU or description
    archived: bool  # archived products instead of the active ones
    sort: ProductSort


def product_list(*, organization: Organization, filters: ProductFilters) -> QuerySet[Product]:
    """The one filter set of the product page, the API list and the editor's search."""
    products = Product.objects.filter(
        organization=organization, is_archived=filters.get("archived", False)
    ).select_related("default_tax_rate")
    q = filters.get("q", "").strip()
    if q:
        products = products.filter(
            Q(name__icontains=q) | Q(sku__icontains=q) | Q(description__icontains=q)
        )
    return products.order_by(filters.get("sort", "name"), "pk")


def product_search(
    *, organization: Organization, q: str, limit: int = SEARCH_LIMIT
) -> list[Product]:
    """Active products matching `q`, for the document editor's autocomplete."""
    return list(product_list(organization=organization, filters={"q": q})[:limit])


def product_get(*, organization: Organization, product_id: UUID) -> Product:
    product = (
        Product.objects.filter(organization=organization, pk=product_id)
        .select_related("default_tax_rate")
        .first()
    )
    if product is None:
        raise NotFound("No such product.")
    return product


def tax_rates_with_usage(*, organization: Organization) -> QuerySet[TaxRate]:
    """The organization's rates, each with `is_used`: on any document line or allowance/charge.

    invoicing depends on catalog, not the other way round, so its models are looked up by name.
    """
    line_rates = apps.get_model("invoicing", "DocumentLine").tax_rates.through
    adjustments = apps.get_model("invoicing", "DocumentAdjustment")
    on_lines = Exists(line_rates.objects.filter(taxrate_id=OuterRef("pk")))
    on_adjustments = Exists(adjustments.objects.filter(tax_rate_id=OuterRef("pk")))
    return TaxRate.objects.filter(organization=organization).annotate(
        is_used=ExpressionWrapper(Q(on_lines) | Q(on_adjustments), output_field=BooleanField())
    )


def tax_rate_list(*, organization: Organization, archived: bool = False) -> QuerySet[TaxRate]:
    """Active rates (or the archived ones), the default first; the page's and the API's list."""
    return tax_rates_with_usage(organization=organization).filter(is_archived=archived)


def tax_rate_get(*, organization: Organization, tax_rate_id: UUID) -> TaxRate:
    rate = tax_rates_with_usage(organization=organization).filter(pk=tax_rate_id).first()
    if rate is None:
        raise NotFound("No such tax rate.")
    return rate

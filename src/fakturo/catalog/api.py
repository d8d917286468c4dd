"""Products and tax rates at /api/v1/. Percentages and prices are decimal strings."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import BeforeValidator

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership
from fakturo.accounts.permissions import require
from fakturo.catalog.models import Product, TaxRate
from fakturo.catalog.selectors import (
    ProductFilters,
    ProductSort,
    product_get,
    product_list,
    tax_rate_get,
    tax_rate_list,
)
from fakturo.catalog.services import (
    product_archive,
    product_create,
    product_unarchive,
    product_update,
    tax_rate_archive,
    tax_rate_create,
    tax_rate_delete,
    tax_rate_unarchive,
    tax_rate_update,
)

router = Router(tags=["catalog"])


def _no_floats(value: object) -> object:
    # 0.1 as a JSON number is already 0.1000000000000000055… when parsed: refuse it.
    if isinstance(value, float | bool):
        raise ValueError('Give decimals as strings, such as "19.5".')
    return value


DecimalString = Annotated[
    Decimal,
    BeforeValidator(_no_floats),
    Field(description='A decimal string such as "19.5"; integers may be JSON numbers.'),
]


def _membership(request: HttpRequest) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    require(membership, Capability.READ)
    return membership


def _set_fields(payload: Schema) -> dict[str, Any]:
    """What the client sent, and only that: a PATCH changes exactly these fields."""
    return payload.model_dump(exclude_unset=True)


class TaxRateOut(Schema):
    id: UUID
    name: str
    percentage: Decimal
    category: str = Field(description="EN 16931 VAT category (UNCL 5305); blank: not VAT")
    kind: str
    exemption_reason: str
    exemption_code: str = Field(description="VATEX code")
    is_default: bool
    is_archived: bool
    is_used: bool = Field(description="On a document: frozen, and can't be deleted")
    created_at: datetime


class TaxRateIn(Schema):
    name: str
    percentage: DecimalString
    category: str = Field("S", description="S, Z, E, AE, K, G, O, L, M, or blank if not VAT")
    kind: str = Field("additive", description="additive, compound or withholding")
    exemption_reason: str = ""
    exemption_code: str = ""
    is_default: bool = False


class TaxRatePatch(Schema):
    name: str | None = None
    percentage: DecimalString | None = None
    category: str | None = None
    kind: str | None = None
    exemption_reason: str | None = None
    exemption_code: str | None = None
    is_default: bool | None = None


class TaxRateQuery(Schema):
    archived: bool = Field(False, description="The archived rates instead of the active ones")


def _tax_rate_out(membership: Membership, rate: TaxRate) -> TaxRate:
    return tax_rate_get(organization=membership.organization, tax_rate_id=rate.pk)


@router.get("/tax-rates", response=list[TaxRateOut], summary="Tax rates, the default first")
@paginate(LimitOffsetPagination)
def tax_rates(request: HttpRequest, filters: Query[TaxRateQuery]) -> object:
    return tax_rate_list(organization=_membership(request).organization, archived=filters.archived)


@router.post("/tax-rates", response={201: TaxRateOut})
def tax_rate_post(request: HttpRequest, payload: TaxRateIn) -> Status[TaxRate]:
    membership = _membership(request)
    rate = tax_rate_create(membership=membership, fields=_set_fields(payload))
    return Status(201, _tax_rate_out(membership, rate))


@router.get("/tax-rates/{tax_rate_id}", response=TaxRateOut)
def tax_rate_detail(request: HttpRequest, tax_rate_id: UUID) -> TaxRate:
    return tax_rate_get(organization=_membership(request).organization, tax_rate_id=tax_rate_id)


@router.patch(
    "/tax-rates/{tax_rate_id}",
    response=TaxRateOut,
    description="Once used on a document, only name, exemption_reason and is_default change.",
)
def tax_rate_patch(request: HttpRequest, tax_rate_id: UUID, payload: TaxRatePatch) -> TaxRate:
    membership = _membership(request)
    rate = tax_rate_update(
        membership=membership, tax_rate_id=tax_rate_id, changes=_set_fields(payload)
    )
    return _tax_rate_out(membership, rate)


@router.delete(
    "/tax-rates/{tax_rate_id}",
    response={204: None},
    description="Only a rate never used on a document: else 409, and archive it instead.",
)
def tax_rate_remove(request: HttpRequest, tax_rate_id: UUID) -> Status[None]:
    tax_rate_delete(membership=_membership(request), tax_rate_id=tax_rate_id)
    return Status(204, None)


@router.post("/tax-rates/{tax_rate_id}/archive", response=TaxRateOut)
def tax_rate_archive_post(request: HttpRequest, tax_rate_id: UUID) -> TaxRate:
    membership = _membership(request)
    rate = tax_rate_archive(membership=membership, tax_rate_id=tax_rate_id)
    return _tax_rate_out(membership, rate)


@router.post("/tax-rates/{tax_rate_id}/unarchive", response=TaxRateOut)
def tax_rate_unarchive_post(request: HttpRequest, tax_rate_id: UUID) -> TaxRate:
    membership = _membership(request)
    rate = tax_rate_unarchive(membership=membership, tax_rate_id=tax_rate_id)
    return _tax_rate_out(membership, rate)


class ProductOut(Schema):
    id: UUID
    sku: str
    name: str
    description: str
    unit: str = Field(description="UN/ECE Recommendation 20 code")
    unit_price: Decimal
    currency: str
    default_tax_rate_id: UUID | None
    is_archived: bool
    created_at: datetime


class ProductIn(Schema):
    sku: str = Field("", description="Unique in the organization when given")
    name: str
    description: str = ""
    unit: str = Field("C62", description="UN/ECE Recommendation 20 code: C62, HUR, DAY …")
    unit_price: DecimalString
    currency: str | None = Field(None, description="ISO 4217; the organization's by default")
    default_tax_rate_id: UUID | None = None


class ProductPatch(Schema):
    sku: str | None = None
    name: str | None = None
    description: str | None = None
    unit: str | None = None
    unit_price: DecimalString | None = None
    currency: str | None = None
    default_tax_rate_id: UUID | None = Field(None, description="null: no default rate")


class ProductQuery(Schema):
    q: str = Field("", description="Part of the name, SKU or description")
    archived: bool = Field(False, description="The archived products instead of the active ones")
    sort: ProductSort = "name"


@router.get("/products", response=list[ProductOut])
@paginate(LimitOffsetPagination)
def products(request: HttpRequest, filters: Query[ProductQuery]) -> object:
    chosen: ProductFilters = {"q": filters.q, "archived": filters.archived, "sort": filters.sort}
    return product_list(organization=_membership(request).organization, filters=chosen)


@router.post("/products", response={201: ProductOut})
def product_post(request: HttpRequest, payload: ProductIn) -> Status[Product]:
    fields = _set_fields(payload)
    if fields.get("currency") is None:
        fields.pop("currency", None)
    return Status(201, product_create(membership=_membership(request), fields=fields))


@router.get("/products/{product_id}", response=ProductOut)
def product_detail(request: HttpRequest, product_id: UUID) -> Product:
    return product_get(organization=_membership(request).organization, product_id=product_id)


@router.patch("/products/{product_id}", response=ProductOut)
def product_patch(request: HttpRequest, product_id: UUID, payload: ProductPatch) -> Product:
    return product_update(
        membership=_membership(request), product_id=product_id, changes=_set_fields(payload)
    )


@router.post("/products/{product_id}/archive", response=ProductOut)
def product_archive_post(request: HttpRequest, product_id: UUID) -> Product:
    return product_archive(membership=_membership(request), product_id=product_id)


@router.post("/products/{product_id}/unarchive", response=ProductOut)
def product_unarchive_post(request: HttpRequest, product_id: UUID) -> Product:
    return product_unarchive(membership=_membership(request), product_id=product_id)

"""Every write to tax rates and products: one transaction, organization-scoped, audited.

Lock order: organization → tax rate. Every tax-rate write locks the organization row first,
so two changes of the default rate (one per organization) queue instead of colliding.
"""

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import IntegrityError, models, transaction

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership, Organization
from fakturo.accounts.permissions import require
from fakturo.audit.services import audit_record, diff, snapshot
from fakturo.catalog.choices import (
    CATEGORIES_NEEDING_REASON,
    ZERO_RATE_CATEGORIES,
    TaxKind,
    Unit,
    VatCategory,
)
from fakturo.catalog.defaults import default_rates
from fakturo.catalog.models import Product, TaxRate
from fakturo.catalog.selectors import tax_rates_with_usage
from fakturo.core.errors import Conflict, NotFound, ValidationFailed
from fakturo.core.locales import is_known_currency

TAX_RATE_FIELDS = (
    "name",
    "percentage",
    "category",
    "kind",
    "exemption_reason",
    "exemption_code",
    "is_default",
)
TAX_RATE_DEFAULTS: dict[str, Any] = {
    "category": VatCategory.STANDARD,
    "kind": TaxKind.ADDITIVE,
    "exemption_reason": "",
    "exemption_code": "",
    "is_default": False,
}
# Lines keep pointing at their rate, so changing these would silently change those drafts.
FROZEN_WHEN_USED = ("percentage", "category", "kind", "exemption_code")
PRODUCT_FIELDS = (
    "sku",
    "name",
    "description",
    "unit",
    "unit_price",
    "currency",
    "default_tax_rate_id",
)
MAX_DESCRIPTION = 5000  # what a document line keeps
MAX_UNIT_PRICE = Decimal(10) ** 12
FOUR_PLACES = Decimal("0.0001")
VATEX_CODE = re.compile(r"VATEX-[A-Z]{2}-[A-Z0-9-]+")
REQUIRED = "This field is required."

FieldErrors = dict[str, list[str]]


def _text(
    values: dict[str, Any],
    field: str,
    errors: FieldErrors,
    *,
    max_length: int,
    required: bool = False,
) -> str:
    value = values.get(field)
    if value is None and required:
        errors.setdefault(field, []).append(REQUIRED)
        return ""
    if not isinstance(value, str):
        errors.setdefault(field, []).append("Text expected.")
        return ""
    value = value.strip()
    if required and not value:
        errors.setdefault(field, []).append(REQUIRED)
    elif len(value) > max_length:
        errors.setdefault(field, []).append(f"At most {max_length} characters.")
    return value


def _decimal(
    values: dict[str, Any],
    field: str,
    errors: FieldErrors,
    *,
    within: Callable[[Decimal], bool],
    range_message: str,
) -> Decimal | None:
    """A finite Decimal in range with at most 4 decimal places, quantized to 4 like its column.

    The range comes first: it bounds the digits, so quantizing can't overflow.
    """
    value = values.get(field)
    if value is None:
        message = REQUIRED
    elif not isinstance(value, Decimal) or not value.is_finite():
        message = 'A decimal number such as "19" or "5.5".'
    elif not within(value):
        message = range_message
    elif value != value.quantize(FOUR_PLACES):
        message = "At most 4 decimal places."
    else:
        return value.quantize(FOUR_PLACES)
    errors.setdefault(field, []).append(message)
    return None


def _max_length(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


def _unknown_fields(values: dict[str, Any], known: tuple[str, ...], errors: FieldErrors) -> None:
    for field in values:
        if field not in known:
            errors.setdefault(field, []).append("Unknown field.")


def _clean_tax_rate(values: dict[str, Any]) -> dict[str, Any]:
    """Normalize all fields of a rate and check them together (EN 16931 BR-*-5, BR-*-10)."""
    errors: FieldErrors = {}
    _unknown_fields(values, TAX_RATE_FIELDS, errors)
    name = _text(values, "name", errors, max_length=_max_length(TaxRate, "name"), required=True)
    percentage = _decimal(
        values,
        "percentage",
        errors,
        within=lambda value: 0 <= value <= 100,
        range_message="Between 0 and 100.",
    )
    category = values.get("category")
    if category not in VatCategory.values:
        errors.setdefault("category", []).append(
            f"Choose one of {', '.join(c for c in VatCategory.values if c)}, or blank if not VAT."
        )
    kind = values.get("kind")
    if kind not in TaxKind.values:
        errors.setdefault("kind", []).append(f"Choose one of {', '.join(TaxKind.values)}.")
    reason = _text(
        values, "exemption_reason", errors, max_length=_max_length(TaxRate, "exemption_reason")
    )
    code = _text(
        values, "exemption_code", errors, max_length=_max_length(TaxRate, "exemption_code")
    ).upper()
    if code and not VATEX_CODE.fullmatch(code):
        errors.setdefault("exemption_code", []).append("A VATEX code such as VATEX-EU-AE.")
    is_default = values.get("is_default")
    if not isinstance(is_default, bool):
        errors.setdefault("is_default", []).append("True or false.")

    if kind == TaxKind.WITHHOLDING and category:
        errors.setdefault("category", []).append(
            "A withholding tax is not VAT: leave the category blank."
        )
    if percentage is not None and category in ZERO_RATE_CATEGORIES and percentage != 0:
        label = VatCategory(category).label
        errors.setdefault("percentage", []).append(f"A category {category} rate ({label}) is 0 %.")
    if percentage == 0 and category == VatCategory.STANDARD:
        errors.setdefault("percentage", []).append(
            "A standard rate is more than 0 %; use category Z for zero-rated supplies."
        )
    if category in CATEGORIES_NEEDING_REASON and not (reason or code):
        errors.setdefault("exemption_reason", []).append(
            "Say why no VAT is charged: give an exemption reason or a VATEX code."
        )
    if category in VatCategory.values and category not in CATEGORIES_NEEDING_REASON:
        for field, value in (("exemption_reason", reason), ("exemption_code", code)):
            if value:
                errors.setdefault(field, []).append(
                    "Only exempt, reverse-charge, intra-community, export and out-of-scope "
                    "rates state an exemption reason."
                )
    if errors:
        raise ValidationFailed.for_fields(errors)
    return {
        "name": name,
        "percentage": percentage,
        "category": category,
        "kind": kind,
        "exemption_reason": reason,
        "exemption_code": code,
        "is_default": is_default,
    }


AUDITED_TAX_RATE_FIELDS = (*TAX_RATE_FIELDS, "is_archived")


def _organization_for_update(membership: Membership) -> Organization:
    return Organization.objects.select_for_update().get(pk=membership.organization_id)


def _tax_rate_for_update(organization: Organization, tax_rate_id: UUID) -> TaxRate:
    """The rate, locked, with `is_used` (see selectors.tax_rates_with_usage)."""
    rate = (
        tax_rates_with_usage(organization=organization)
        .select_for_update()
        .filter(pk=tax_rate_id)
        .first()
    )
    if rate is None:
        raise NotFound("No such tax rate.")
    return rate


def _unset_default(organization: Organization, *, actor: Any, keep: TaxRate | None) -> None:
    others = TaxRate.objects.select_for_update().filter(organization=organization, is_default=True)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    for other in others:
        other.is_default = False
        other.save(update_fields=["is_default"])
        audit_record(
            organization=organization,
            actor=actor,
            action="tax_rate.updated",
            target=other,
            changes={"is_default": [True, False]},
        )


@transaction.atomic
def tax_rate_create(*, membership: Membership, fields: dict[str, Any]) -> TaxRate:
    """A new rate; `name` and `percentage` (Decimal) are required. A new default rate takes
    over from the old one."""
    require(membership, Capability.MANAGE_ORGANIZATION)
    organization = _organization_for_update(membership)
    values = _clean_tax_rate({**TAX_RATE_DEFAULTS, **fields})
    if values["is_default"]:
        _unset_default(organization, actor=membership.user, keep=None)
    rate = TaxRate.objects.create(organization=organization, **values)
    audit_record(
        organization=organization,
        actor=membership.user,
        action="tax_rate.created",
        target=rate,
        changes=diff({}, snapshot(rate, AUDITED_TAX_RATE_FIELDS)),
    )
    return rate


@transaction.atomic
def tax_rate_update(
    *, membership: Membership, tax_rate_id: UUID, changes: dict[str, Any]
) -> TaxRate:
    """Change some of a rate's fields. Once a rate is used on a document, only its name, its
    exemption reason and whether it is the default may change: FROZEN_WHEN_USED."""
    require(membership, Capability.MANAGE_ORGANIZATION)
    organization = _organization_for_update(membership)
    rate = _tax_rate_for_update(organization, tax_rate_id)
    values = _clean_tax_rate({**{f: getattr(rate, f) for f in TAX_RATE_FIELDS}, **changes})
    if rate.is_used:  # type: ignore[attr-defined]
        frozen = [field for field in FROZEN_WHEN_USED if values[field] != getattr(rate, field)]
        if frozen:
            message = "This rate is used on documents, so this can't change: create a new rate."
            raise ValidationFailed.for_fields({field: [message] for field in frozen})
    if values["is_default"] and rate.is_archived:
        raise ValidationFailed.for_fields(
            {"is_default": ["An archived rate can't be the default: unarchive it first."]}
        )
    if values["is_default"] and not rate.is_default:
        _unset_default(organization, actor=membership.user, keep=rate)
    before = snapshot(rate, AUDITED_TAX_RATE_FIELDS)
    for field, value in values.items():
        setattr(rate, field, value)
    rate.save()
    changed = diff(before, snapshot(rate, AUDITED_TAX_RATE_FIELDS))
    if changed:
        audit_record(
            organization=organization,
            actor=membership.user,
            action="tax_rate.updated",
            target=rate,
            changes=changed,
        )
    return rate


def _tax_rate_set_archived(membership: Membership, tax_rate_id: UUID, archived: bool) -> TaxRate:
    require(membership, Capability.MANAGE_ORGANIZATION)
    organization = _organization_for_update(membership)
    rate = _tax_rate_for_update(organization, tax_rate_id)
    if rate.is_archived == archived:
        return rate
    before = snapshot(rate, AUDITED_TAX_RATE_FIELDS)
    rate.is_archived = archived
    if archived:
        rate.is_default = False  # new lines must not get an archived rate
    rate.save(update_fields=["is_archived", "is_default"])
    audit_record(
        organization=organization,
        actor=membership.user,
        action="tax_rate.archived" if archived else "tax_rate.unarchived",
        target=rate,
        changes=diff(before, snapshot(rate, AUDITED_TAX_RATE_FIELDS)),
    )
    return rate


@transaction.atomic
def tax_rate_archive(*, membership: Membership, tax_rate_id: UUID) -> TaxRate:
    """Hide a rate from new lines (documents that use it keep it); it stops being the default."""
    return _tax_rate_set_archived(membership, tax_rate_id, True)


@transaction.atomic
def tax_rate_unarchive(*, membership: Membership, tax_rate_id: UUID) -> TaxRate:
    return _tax_rate_set_archived(membership, tax_rate_id, False)


@transaction.atomic
def tax_rate_delete(*, membership: Membership, tax_rate_id: UUID) -> None:
    """Delete a rate no document line, allowance or charge uses and no product defaults to;
    else Conflict (archive it instead)."""
    require(membership, Capability.MANAGE_ORGANIZATION)
    organization = _organization_for_update(membership)
    rate = _tax_rate_for_update(organization, tax_rate_id)
    if rate.is_used:  # type: ignore[attr-defined]
        raise Conflict(f"{rate.name} is used on documents, so it stays: archive it instead.")
    products = Product.objects.filter(organization=organization, default_tax_rate=rate).count()
    if products:
        raise Conflict(
            f"{products} product{'s' if products > 1 else ''} default to {rate.name}: "
            "give them another rate first, or archive it instead."
        )
    audit_record(
        organization=organization,
        actor=membership.user,
        action="tax_rate.deleted",
        target=rate,
        changes=diff(snapshot(rate, AUDITED_TAX_RATE_FIELDS), {}),
    )
    rate.delete()


@transaction.atomic
def tax_rates_install_defaults(organization: Organization) -> None:
    """Give an organization without tax rates the standard ones of its country (defaults.py).

    Does nothing when it has rates already, so running it again is harmless. A provisioner of
    `organization_setup`, whose `organization.created` event records the new organization.
    """
    Organization.objects.select_for_update().get(pk=organization.pk)
    if TaxRate.objects.filter(organization=organization).exists():
        return
    TaxRate.objects.bulk_create(
        TaxRate(
            organization=organization,
            name=rate.name,
            percentage=rate.percentage,
            category=rate.category,
            kind=rate.kind,
            exemption_reason=rate.exemption_reason,
            exemption_code=rate.exemption_code,
            is_default=rate.is_default,
        )
        for rate in default_rates(organization.country)
    )


AUDITED_PRODUCT_FIELDS = (*PRODUCT_FIELDS, "is_archived")


def _clean_product(
    organization: Organization, values: dict[str, Any], *, current_rate_id: UUID | None
) -> dict[str, Any]:
    """Normalize all fields of a product. The default tax rate is checked only when it
    changes, so a product whose rate was archived since can still be edited."""
    errors: FieldErrors = {}
    _unknown_fields(values, PRODUCT_FIELDS, errors)
    sku = _text(values, "sku", errors, max_length=_max_length(Product, "sku"))
    name = _text(values, "name", errors, max_length=_max_length(Product, "name"), required=True)
    description = _text(values, "description", errors, max_length=MAX_DESCRIPTION)
    unit = values.get("unit")
    if unit not in Unit.values:
        errors.setdefault("unit", []).append(
            "A UN/ECE Recommendation 20 code such as C62 (piece), HUR (hour) or DAY (day)."
        )
    unit_price = _decimal(
        values,
        "unit_price",
        errors,
        within=lambda value: 0 <= value < MAX_UNIT_PRICE,
        range_message="Zero or more, and less than 10^12.",
    )
    currency = values.get("currency")
    currency = currency.strip().upper() if isinstance(currency, str) else ""
    if not is_known_currency(currency):
        errors.setdefault("currency", []).append("An ISO 4217 currency code such as EUR.")
    rate_id = values.get("default_tax_rate_id")
    if rate_id is not None and rate_id != current_rate_id:
        rate = (
            TaxRate.objects.filter(organization=organization, pk=rate_id).first()
            if isinstance(rate_id, UUID)
            else None
        )
        if rate is None:
            errors.setdefault("default_tax_rate_id", []).append("No such tax rate.")
        elif rate.is_archived:
            errors.setdefault("default_tax_rate_id", []).append(f"{rate.name} is archived.")
    if errors:
        raise ValidationFailed.for_fields(errors)
    return {
        "sku": sku,
        "name": name,
        "description": description,
        "unit": unit,
        "unit_price": unit_price,
        "currency": currency,
        "default_tax_rate_id": rate_id,
    }


def _product_save(product: Product) -> None:
    try:
        with transaction.atomic():  # a savepoint, so the caller's transaction stays usable
            product.save()
    except IntegrityError:  # product_sku_unique: the one uniqueness rule of a product
        raise ValidationFailed.for_fields(
            {"sku": [f"Another product has the SKU {product.sku}."]}
        ) from None


def _product_for_update(organization: Organization, product_id: UUID) -> Product:
    product = (
        Product.objects.select_for_update().filter(organization=organization, pk=product_id).first()
    )
    if product is None:
        raise NotFound("No such product.")
    return product


@transaction.atomic
def product_create(*, membership: Membership, fields: dict[str, Any]) -> Product:
    """A new product; `name` and `unit_price` (Decimal) are required, the currency defaults to
    the organization's and the unit to C62 (piece)."""
    require(membership, Capability.EDIT_DOCUMENTS)
    organization = membership.organization
    defaults = {
        "sku": "",
        "description": "",
        "unit": Unit.PIECE,
        "currency": organization.default_currency,
        "default_tax_rate_id": None,
    }
    values = _clean_product(organization, {**defaults, **fields}, current_rate_id=None)
    product = Product(organization=organization, **values)
    _product_save(product)
    audit_record(
        organization=organization,
        actor=membership.user,
        action="product.created",
        target=product,
        changes=diff({}, snapshot(product, AUDITED_PRODUCT_FIELDS)),
    )
    return product


@transaction.atomic
def product_update(*, membership: Membership, product_id: UUID, changes: dict[str, Any]) -> Product:
    require(membership, Capability.EDIT_DOCUMENTS)
    organization = membership.organization
    product = _product_for_update(organization, product_id)
    current = {field: getattr(product, field) for field in PRODUCT_FIELDS}
    values = _clean_product(
        organization, {**current, **changes}, current_rate_id=product.default_tax_rate_id
    )
    before = snapshot(product, AUDITED_PRODUCT_FIELDS)
    for field, value in values.items():
        setattr(product, field, value)
    _product_save(product)
    changed = diff(before, snapshot(product, AUDITED_PRODUCT_FIELDS))
    if changed:
        audit_record(
            organization=organization,
            actor=membership.user,
            action="product.updated",
            target=product,
            changes=changed,
        )
    return product


def _product_set_archived(membership: Membership, product_id: UUID, archived: bool) -> Product:
    require(membership, Capability.EDIT_DOCUMENTS)
    product = _product_for_update(membership.organization, product_id)
    if product.is_archived != archived:
        product.is_archived = archived
        product.save(update_fields=["is_archived"])
        audit_record(
            organization=membership.organization,
            actor=membership.user,
            action="product.archived" if archived else "product.unarchived",
            target=product,
            changes={"is_archived": [not archived, archived]},
        )
    return product


@transaction.atomic
def product_archive(*, membership: Membership, product_id: UUID) -> Product:
    """Hide a product from lists and the editor's search; documents that use it keep it."""
    return _product_set_archived(membership, product_id, True)


@transaction.atomic
def product_unarchive(*, membership: Membership, product_id: UUID) -> Product:
    return _product_set_archived(membership, product_id, False)

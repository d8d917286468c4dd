"""Tax-rate and product services: rules, defaults, rates in use, scoping and roles."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError

from fakturo.accounts.models import Membership
from fakturo.audit.models import AuditEvent
from fakturo.catalog.models import Product, TaxRate
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
from fakturo.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


def fields_of(error: ValidationFailed) -> set[str]:
    return {item["field"] for item in error.errors}


def create_rate(membership: Membership, **fields: Any) -> TaxRate:
    return tax_rate_create(
        membership=membership, fields={"name": "Rate", "percentage": Decimal("16"), **fields}
    )


# Tax rates: the rules


def test_create_a_rate_and_audit_it(owner: Membership) -> None:
    rate = create_rate(owner, name="  Hotel 7 %  ", percentage=Decimal("7.5"))

    event = AuditEvent.objects.get(action="tax_rate.created")
    assert (rate.name, rate.percentage, rate.category, rate.kind) == (
        "Hotel 7 %",
        Decimal("7.5000"),
        "S",
        "additive",
    )
    assert event.target_id == str(rate.pk)
    assert event.changes["percentage"] == [None, "7.5000"]
    assert event.actor == owner.user


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"percentage": Decimal(0)}, "percentage"),  # S is more than 0
        ({"category": "Z", "percentage": Decimal(5)}, "percentage"),
        ({"category": "E", "percentage": Decimal(0)}, "exemption_reason"),
        ({"category": "AE", "percentage": Decimal(0)}, "exemption_reason"),
        ({"category": "O", "percentage": Decimal(0)}, "exemption_reason"),
        ({"kind": "withholding"}, "category"),  # withholding is not VAT
        ({"percentage": Decimal(101)}, "percentage"),
        ({"percentage": Decimal(-1)}, "percentage"),
        ({"percentage": Decimal("19.12345")}, "percentage"),
        ({"percentage": 19.5}, "percentage"),  # never a float
        ({"percentage": Decimal("NaN")}, "percentage"),
        ({"percentage": None}, "percentage"),
        ({"category": "X"}, "category"),
        ({"kind": "sometimes"}, "kind"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"exemption_reason": "Exempt"}, "exemption_reason"),  # not on a standard rate
        (
            {"category": "E", "percentage": Decimal(0), "exemption_code": "exempt"},
            "exemption_code",
        ),
        ({"is_default": "yes"}, "is_default"),
        ({"is_archived": True}, "is_archived"),  # archive and unarchive do that
    ],
)
def test_a_bad_rate_is_refused_naming_the_field(
    owner: Membership, fields: dict[str, Any], field: str
) -> None:
    before = TaxRate.objects.count()

    with pytest.raises(ValidationFailed) as raised:
        create_rate(owner, **fields)

    assert field in fields_of(raised.value)
    assert TaxRate.objects.count() == before
    assert not AuditEvent.objects.filter(action="tax_rate.created").exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"category": "E", "percentage": Decimal(0), "exemption_code": "vatex-eu-132"},
        {"category": "E", "percentage": Decimal(0), "exemption_reason": "§ 4 Nr. 14 UStG"},
        {"category": "", "kind": "withholding", "percentage": Decimal(15)},
        {"category": "", "kind": "compound", "percentage": Decimal("9.975")},  # Quebec QST
        {"category": "L", "percentage": Decimal(7)},  # IGIC
        {"category": "S", "percentage": Decimal(100)},
    ],
)
def test_valid_combinations_are_accepted(owner: Membership, fields: dict[str, Any]) -> None:
    rate = create_rate(owner, **fields)

    assert rate.category == fields["category"]
    assert rate.exemption_code == fields.get("exemption_code", "").upper()


def test_the_rules_apply_to_the_rate_after_an_update(owner: Membership) -> None:
    rate = create_rate(owner, category="E", percentage=Decimal(0), exemption_reason="Exempt")

    with pytest.raises(ValidationFailed) as raised:
        tax_rate_update(membership=owner, tax_rate_id=rate.pk, changes={"exemption_reason": ""})

    assert fields_of(raised.value) == {"exemption_reason"}
    rate.refresh_from_db()
    assert rate.exemption_reason == "Exempt"


def test_an_update_audits_exactly_what_changed(owner: Membership, reduced_rate: TaxRate) -> None:
    tax_rate_update(
        membership=owner,
        tax_rate_id=reduced_rate.pk,
        changes={"name": "USt 7 % (ermäßigt)", "percentage": Decimal("7.0")},
    )

    event = AuditEvent.objects.get(action="tax_rate.updated")
    assert event.changes == {"name": ["USt 7 %", "USt 7 % (ermäßigt)"]}


# Tax rates: one default


def test_a_new_default_takes_over_from_the_old_one(
    owner: Membership, standard_rate: TaxRate
) -> None:
    new = create_rate(owner, is_default=True)

    standard_rate.refresh_from_db()
    assert new.is_default and not standard_rate.is_default
    assert AuditEvent.objects.get(action="tax_rate.updated").changes == {
        "is_default": [True, False]
    }


def test_making_a_rate_the_default_unsets_the_others(
    owner: Membership, standard_rate: TaxRate, reduced_rate: TaxRate
) -> None:
    tax_rate_update(membership=owner, tax_rate_id=reduced_rate.pk, changes={"is_default": True})

    defaults = TaxRate.objects.filter(organization=owner.organization, is_default=True)
    assert list(defaults) == [reduced_rate]


def test_the_database_holds_one_default_per_organization(
    owner: Membership, standard_rate: TaxRate
) -> None:
    with pytest.raises(IntegrityError):
        TaxRate.objects.create(
            organization=owner.organization, name="Second", percentage=1, is_default=True
        )


def test_archiving_the_default_leaves_no_default(owner: Membership, standard_rate: TaxRate) -> None:
    tax_rate_archive(membership=owner, tax_rate_id=standard_rate.pk)

    standard_rate.refresh_from_db()
    assert standard_rate.is_archived and not standard_rate.is_default
    assert AuditEvent.objects.get(action="tax_rate.archived").changes == {
        "is_default": [True, False],
        "is_archived": [False, True],
    }


def test_an_archived_rate_cannot_become_the_default(
    owner: Membership, reduced_rate: TaxRate
) -> None:
    tax_rate_archive(membership=owner, tax_rate_id=reduced_rate.pk)

    with pytest.raises(ValidationFailed) as raised:
        tax_rate_update(membership=owner, tax_rate_id=reduced_rate.pk, changes={"is_default": True})

    assert fields_of(raised.value) == {"is_default"}


def test_unarchive(owner: Membership, reduced_rate: TaxRate) -> None:
    tax_rate_archive(membership=owner, tax_rate_id=reduced_rate.pk)

    tax_rate_unarchive(membership=owner, tax_rate_id=reduced_rate.pk)

    reduced_rate.refresh_from_db()
    assert not reduced_rate.is_archived
    assert AuditEvent.objects.filter(action="tax_rate.unarchived").count() == 1


# Tax rates in use


@pytest.mark.parametrize(
    "changes",
    [
        {"percentage": Decimal(16)},
        {"category": "Z", "percentage": Decimal(0)},
        {"kind": "compound"},
    ],
)
def test_a_rate_in_use_keeps_its_percentage_category_and_kind(
    owner: Membership,
    standard_rate: TaxRate,
    use_on_draft: Callable[..., Any],
    changes: dict[str, Any],
) -> None:
    use_on_draft(standard_rate)

    with pytest.raises(ValidationFailed) as raised:
        tax_rate_update(membership=owner, tax_rate_id=standard_rate.pk, changes=changes)

    assert fields_of(raised.value) == set(changes)
    assert "create a new rate" in raised.value.detail
    standard_rate.refresh_from_db()
    assert (standard_rate.percentage, standard_rate.category, standard_rate.kind) == (
        Decimal(19),
        "S",
        "additive",
    )


def test_a_rate_in_use_can_be_renamed_and_archived(
    owner: Membership, standard_rate: TaxRate, use_on_draft: Callable[..., Any]
) -> None:
    use_on_draft(standard_rate)

    tax_rate_update(
        membership=owner,
        tax_rate_id=standard_rate.pk,
        changes={"name": "VAT 19 %", "percentage": Decimal("19.000")},
    )
    tax_rate_archive(membership=owner, tax_rate_id=standard_rate.pk)

    standard_rate.refresh_from_db()
    assert (standard_rate.name, standard_rate.is_archived) == ("VAT 19 %", True)


@pytest.mark.parametrize("on_allowance", [False, True])
def test_a_rate_in_use_is_never_deleted(
    owner: Membership,
    standard_rate: TaxRate,
    use_on_draft: Callable[..., Any],
    on_allowance: bool,
) -> None:
    use_on_draft(standard_rate, on_allowance=on_allowance)

    with pytest.raises(Conflict):
        tax_rate_delete(membership=owner, tax_rate_id=standard_rate.pk)

    assert TaxRate.objects.filter(pk=standard_rate.pk).exists()
    assert not AuditEvent.objects.filter(action="tax_rate.deleted").exists()


def test_an_unused_rate_is_deleted_and_audited(owner: Membership, reduced_rate: TaxRate) -> None:
    tax_rate_delete(membership=owner, tax_rate_id=reduced_rate.pk)

    assert not TaxRate.objects.filter(pk=reduced_rate.pk).exists()
    event = AuditEvent.objects.get(action="tax_rate.deleted")
    assert event.target_id == str(reduced_rate.pk)
    assert event.changes["name"] == ["USt 7 %", None]


def test_a_rate_a_product_defaults_to_is_not_deleted(
    owner: Membership, reduced_rate: TaxRate, make_product: Callable[..., Product]
) -> None:
    make_product(default_tax_rate_id=reduced_rate.pk)

    with pytest.raises(Conflict, match="1 product default"):
        tax_rate_delete(membership=owner, tax_rate_id=reduced_rate.pk)

    assert TaxRate.objects.filter(pk=reduced_rate.pk).exists()


# Tax rates: scope and roles


@pytest.mark.parametrize(
    "write",
    [
        lambda m, pk: tax_rate_update(membership=m, tax_rate_id=pk, changes={"name": "Mine"}),
        lambda m, pk: tax_rate_archive(membership=m, tax_rate_id=pk),
        lambda m, pk: tax_rate_unarchive(membership=m, tax_rate_id=pk),
        lambda m, pk: tax_rate_delete(membership=m, tax_rate_id=pk),
    ],
)
def test_another_organizations_rate_is_not_found(
    other_owner: Membership, standard_rate: TaxRate, write: Callable[..., Any]
) -> None:
    with pytest.raises(NotFound):
        write(other_owner, standard_rate.pk)

    standard_rate.refresh_from_db()
    assert (standard_rate.name, standard_rate.is_archived) == ("USt 19 %", False)


@pytest.mark.parametrize("role", ["member", "accountant"])
def test_only_owners_and_admins_manage_tax_rates(
    add_member: Callable[..., Membership], standard_rate: TaxRate, role: str
) -> None:
    membership = add_member(role)

    with pytest.raises(PermissionDenied):
        create_rate(membership)
    with pytest.raises(PermissionDenied):
        tax_rate_archive(membership=membership, tax_rate_id=standard_rate.pk)


def test_an_admin_manages_tax_rates(add_member: Callable[..., Membership]) -> None:
    rate = create_rate(add_member("admin"))

    assert rate.organization.legal_name == "Acme GmbH"


# Products


def test_create_a_product_with_the_organizations_currency(owner: Membership) -> None:
    product = product_create(
        membership=owner, fields={"name": "Consulting", "unit_price": Decimal("95.5")}
    )

    assert (product.currency, product.unit, product.unit_price, product.sku) == (
        "EUR",
        "C62",
        Decimal("95.5000"),
        "",
    )
    event = AuditEvent.objects.get(action="product.created")
    assert event.changes["unit_price"] == [None, "95.5000"]


def test_product_fields_are_normalized(owner: Membership, reduced_rate: TaxRate) -> None:
    product = product_create(
        membership=owner,
        fields={
            "sku": " BK-1 ",
            "name": " Book ",
            "unit": "HUR",
            "unit_price": Decimal("12"),
            "currency": "usd",
            "default_tax_rate_id": reduced_rate.pk,
        },
    )

    assert (product.sku, product.name, product.currency, product.default_tax_rate) == (
        "BK-1",
        "Book",
        "USD",
        reduced_rate,
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"unit_price": Decimal("-0.01")}, "unit_price"),
        ({"unit_price": Decimal(10) ** 12}, "unit_price"),
        ({"unit_price": Decimal("1E+40")}, "unit_price"),
        ({"unit_price": Decimal("0.00001")}, "unit_price"),
        ({"unit_price": 9.99}, "unit_price"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "ABC"}, "currency"),
        ({"unit": "BOX"}, "unit"),
        ({"sku": "x" * 61}, "sku"),
        ({"description": "x" * 5001}, "description"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_product_is_refused_naming_the_field(
    make_product: Callable[..., Product], fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        make_product(**fields)

    assert field in fields_of(raised.value)
    assert not Product.objects.exists()
    assert not AuditEvent.objects.filter(action="product.created").exists()


def test_a_sku_is_unique_in_an_organization_when_given(
    make_product: Callable[..., Product], other_owner: Membership
) -> None:
    make_product(sku="C-1")
    make_product("No SKU")
    make_product("No SKU either")
    product_create(
        membership=other_owner, fields={"name": "Theirs", "sku": "C-1", "unit_price": Decimal(1)}
    )

    with pytest.raises(ValidationFailed) as raised:
        make_product("Copy", sku="C-1")

    assert fields_of(raised.value) == {"sku"}
    assert Product.objects.filter(sku="C-1").count() == 2


def test_a_product_cannot_default_to_an_archived_rate_or_anothers(
    owner: Membership,
    other_owner: Membership,
    reduced_rate: TaxRate,
    make_product: Callable[..., Product],
) -> None:
    tax_rate_archive(membership=owner, tax_rate_id=reduced_rate.pk)
    theirs = TaxRate.objects.filter(organization=other_owner.organization).first()
    assert theirs is not None

    for rate in (reduced_rate, theirs):
        with pytest.raises(ValidationFailed) as raised:
            make_product(default_tax_rate_id=rate.pk)
        assert fields_of(raised.value) == {"default_tax_rate_id"}


def test_a_product_keeps_a_rate_archived_after_it_was_chosen(
    owner: Membership, reduced_rate: TaxRate, make_product: Callable[..., Product]
) -> None:
    product = make_product(default_tax_rate_id=reduced_rate.pk)
    tax_rate_archive(membership=owner, tax_rate_id=reduced_rate.pk)

    product_update(membership=owner, product_id=product.pk, changes={"name": "Advice"})

    product.refresh_from_db()
    assert (product.name, product.default_tax_rate_id) == ("Advice", reduced_rate.pk)


def test_update_a_product_audits_what_changed(
    owner: Membership, make_product: Callable[..., Product]
) -> None:
    product = make_product(sku="C-1")

    product_update(
        membership=owner,
        product_id=product.pk,
        changes={"unit_price": Decimal("110.00"), "sku": "C-1"},
    )

    assert AuditEvent.objects.get(action="product.updated").changes == {
        "unit_price": ["95.0000", "110.0000"]
    }


def test_an_update_to_a_taken_sku_changes_nothing(
    owner: Membership, make_product: Callable[..., Product]
) -> None:
    make_product(sku="C-1")
    product = make_product("Other", sku="C-2")

    with pytest.raises(ValidationFailed):
        product_update(
            membership=owner, product_id=product.pk, changes={"sku": "C-1", "name": "Renamed"}
        )

    product.refresh_from_db()
    assert (product.sku, product.name) == ("C-2", "Other")
    assert not AuditEvent.objects.filter(action="product.updated").exists()


def test_archive_and_unarchive_a_product(
    owner: Membership, make_product: Callable[..., Product]
) -> None:
    product = make_product()

    product_archive(membership=owner, product_id=product.pk)
    product_archive(membership=owner, product_id=product.pk)
    product_unarchive(membership=owner, product_id=product.pk)

    product.refresh_from_db()
    assert not product.is_archived
    assert list(
        AuditEvent.objects.filter(target_id=str(product.pk))
        .order_by("occurred_at")
        .values_list("action", flat=True)
    ) == ["product.created", "product.archived", "product.unarchived"]


def test_another_organizations_product_is_not_found(
    other_owner: Membership, make_product: Callable[..., Product]
) -> None:
    product = make_product()

    with pytest.raises(NotFound):
        product_update(membership=other_owner, product_id=product.pk, changes={"name": "Mine"})
    with pytest.raises(NotFound):
        product_archive(membership=other_owner, product_id=product.pk)


def test_members_edit_products_and_accountants_do_not(
    add_member: Callable[..., Membership],
) -> None:
    fields = {"name": "Consulting", "unit_price": Decimal(1)}
    product = product_create(membership=add_member("member"), fields=fields)

    with pytest.raises(PermissionDenied):
        product_create(membership=add_member("accountant"), fields=fields)
    assert Product.objects.get() == product

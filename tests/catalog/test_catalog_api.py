"""/api/v1/products and /api/v1/tax-rates: every endpoint, role, bad input and scope."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from fakturo.accounts.models import Membership
from fakturo.audit.models import AuditEvent
from fakturo.catalog.models import Product, TaxRate
from tests.conftest import ApiClient

PROBLEM = "application/problem+json"
QUERY_BUDGET = 5  # token, its last use, membership, count, page: whatever the number of products


def error_fields(response: Any) -> set[str]:
    return {item["field"] for item in response.json()["errors"]}


# Tax rates


def test_list_tax_rates_default_first_with_decimal_strings(api: ApiClient) -> None:
    body = api.get("/tax-rates").json()

    assert body["count"] == 7
    first = body["items"][0]
    assert {k: first[k] for k in ("name", "percentage", "category", "kind", "is_default")} == {
        "name": "USt 19 %",
        "percentage": "19.0000",
        "category": "S",
        "kind": "additive",
        "is_default": True,
    }
    assert first["is_used"] is False


def test_list_tax_rates_in_pages(api: ApiClient) -> None:
    everything = [item["id"] for item in api.get("/tax-rates").json()["items"]]

    page = api.get("/tax-rates?limit=2&offset=2").json()

    assert page["count"] == 7
    assert [item["id"] for item in page["items"]] == everything[2:4]


def test_list_archived_tax_rates(api: ApiClient, reduced_rate: TaxRate) -> None:
    api.post(f"/tax-rates/{reduced_rate.pk}/archive")

    archived = api.get("/tax-rates?archived=true").json()
    active = api.get("/tax-rates").json()

    assert [item["name"] for item in archived["items"]] == ["USt 7 %"]
    assert active["count"] == 6


def test_create_a_tax_rate(api: ApiClient) -> None:
    response = api.post(
        "/tax-rates",
        {
            "name": "Exempt (§ 4 Nr. 14 UStG)",
            "percentage": "0",
            "category": "E",
            "exemption_reason": "Heilbehandlung, § 4 Nr. 14 UStG",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["percentage"], body["category"], body["is_default"]) == ("0.0000", "E", False)
    assert TaxRate.objects.filter(pk=body["id"]).exists()


def test_an_integer_json_number_is_a_decimal(api: ApiClient) -> None:
    response = api.post("/tax-rates", {"name": "Sixteen", "percentage": 16})

    assert response.status_code == 201
    assert response.json()["percentage"] == "16.0000"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Float", "percentage": 19.5}, "percentage"),
        ({"name": "Word", "percentage": "nineteen"}, "percentage"),
        ({"name": "Big", "percentage": "120"}, "percentage"),
        ({"name": "Zero S", "percentage": "0"}, "percentage"),
        ({"name": "No reason", "percentage": "0", "category": "K"}, "exemption_reason"),
        ({"name": "Bad", "percentage": "5", "category": "Q"}, "category"),
        ({"percentage": "5"}, "name"),
    ],
)
def test_a_bad_tax_rate_is_a_422_naming_the_field(
    api: ApiClient, body: dict[str, Any], field: str
) -> None:
    response = api.post("/tax-rates", body)

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert field in error_fields(response)
    assert TaxRate.objects.count() == 7


def test_get_patch_and_delete_a_tax_rate(api: ApiClient, reduced_rate: TaxRate) -> None:
    url = f"/tax-rates/{reduced_rate.pk}"

    assert api.get(url).json()["name"] == "USt 7 %"
    patched = api.patch(url, {"name": "USt 7 % ermäßigt", "is_default": True})
    deleted = api.delete(url)

    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["is_default"]) == ("USt 7 % ermäßigt", True)
    assert deleted.status_code == 204
    assert api.get(url).status_code == 404


def test_a_rate_in_use_keeps_its_percentage_and_is_not_deleted(
    api: ApiClient, standard_rate: TaxRate, use_on_draft: Callable[..., Any]
) -> None:
    use_on_draft(standard_rate)
    url = f"/tax-rates/{standard_rate.pk}"

    detail = api.get(url).json()
    patched = api.patch(url, {"percentage": "20"})
    deleted = api.delete(url)

    assert detail["is_used"] is True
    assert patched.status_code == 422
    assert error_fields(patched) == {"percentage"}
    assert deleted.status_code == 409
    assert deleted["Content-Type"] == PROBLEM
    assert "archive it instead" in deleted.json()["detail"]
    standard_rate.refresh_from_db()
    assert standard_rate.percentage == 19


def test_archive_and_unarchive_a_tax_rate(api: ApiClient, standard_rate: TaxRate) -> None:
    archived = api.post(f"/tax-rates/{standard_rate.pk}/archive").json()
    unarchived = api.post(f"/tax-rates/{standard_rate.pk}/unarchive").json()

    assert (archived["is_archived"], archived["is_default"]) == (True, False)
    assert unarchived["is_archived"] is False


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"name": "Mine"}),
        ("delete", "", None),
        ("post", "/archive", {}),
        ("post", "/unarchive", {}),
    ],
)
def test_another_organizations_tax_rate_is_a_404(
    other_owner: Membership,
    api_for: Callable[..., ApiClient],
    standard_rate: TaxRate,
    method: str,
    suffix: str,
    body: Any,
) -> None:
    theirs = api_for(other_owner)

    response = theirs.request(method.upper(), f"/tax-rates/{standard_rate.pk}{suffix}", body)

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert TaxRate.objects.filter(pk=standard_rate.pk, name="USt 19 %").exists()


@pytest.mark.parametrize(
    ("role", "can_write"), [("admin", True), ("member", False), ("accountant", False)]
)
def test_only_owners_and_admins_write_tax_rates_but_everyone_reads(
    add_member: Callable[..., Membership],
    api_for: Callable[..., ApiClient],
    reduced_rate: TaxRate,
    role: str,
    can_write: bool,
) -> None:
    client = api_for(add_member(role))

    listed = client.get("/tax-rates")
    created = client.post("/tax-rates", {"name": "Sixteen", "percentage": "16"})
    archived = client.post(f"/tax-rates/{reduced_rate.pk}/archive")
    deleted = client.delete(f"/tax-rates/{reduced_rate.pk}")

    assert listed.status_code == 200
    statuses = (created.status_code, archived.status_code, deleted.status_code)
    assert statuses == ((201, 200, 204) if can_write else (403, 403, 403))
    assert can_write or created["Content-Type"] == PROBLEM


# Products


def test_create_a_product(api: ApiClient, reduced_rate: TaxRate) -> None:
    response = api.post(
        "/products",
        {
            "sku": "BK-1",
            "name": "Book",
            "unit_price": "12.50",
            "default_tax_rate_id": str(reduced_rate.pk),
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("sku", "unit", "unit_price", "currency")} == {
        "sku": "BK-1",
        "unit": "C62",
        "unit_price": "12.5000",
        "currency": "EUR",
    }
    assert body["default_tax_rate_id"] == str(reduced_rate.pk)
    assert AuditEvent.objects.filter(action="product.created", target_id=body["id"]).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Float", "unit_price": 9.99}, "unit_price"),
        ({"name": "Negative", "unit_price": "-1"}, "unit_price"),
        ({"name": "Unit", "unit_price": "1", "unit": "BOX"}, "unit"),
        ({"name": "Currency", "unit_price": "1", "currency": "EURO"}, "currency"),
        ({"name": "Rate", "unit_price": "1", "default_tax_rate_id": "not-a-uuid"},
         "default_tax_rate_id"),
        ({"unit_price": "1"}, "name"),
    ],
)  # fmt: skip
def test_a_bad_product_is_a_422_naming_the_field(
    api: ApiClient, body: dict[str, Any], field: str
) -> None:
    response = api.post("/products", body)

    assert response.status_code == 422
    assert field in error_fields(response)
    assert not Product.objects.exists()


def test_a_duplicate_sku_is_a_422(api: ApiClient, make_product: Callable[..., Product]) -> None:
    make_product(sku="C-1")

    response = api.post("/products", {"sku": "C-1", "name": "Copy", "unit_price": "1"})

    assert response.status_code == 422
    assert error_fields(response) == {"sku"}


def test_list_products_filtered_sorted_and_in_pages(
    api: ApiClient, make_product: Callable[..., Product]
) -> None:
    make_product("Consulting", unit_price=Decimal(95), description="Strategy")
    make_product("Design", unit_price=Decimal(80), sku="DES")
    make_product("Hosting", unit_price=Decimal(20), description="Design-proof servers")
    make_product("Archived design", unit_price=Decimal(1))
    api.post(f"/products/{Product.objects.get(name='Archived design').pk}/archive")

    everything = api.get("/products").json()
    design = api.get("/products?q=des").json()
    cheapest_first = api.get("/products?sort=unit_price&limit=2").json()
    archived = api.get("/products?archived=true").json()

    assert [p["name"] for p in everything["items"]] == ["Consulting", "Design", "Hosting"]
    assert [p["name"] for p in design["items"]] == ["Design", "Hosting"]
    assert cheapest_first["count"] == 3
    assert [p["name"] for p in cheapest_first["items"]] == ["Hosting", "Design"]
    assert [p["name"] for p in archived["items"]] == ["Archived design"]


def test_an_unknown_sort_is_a_422(api: ApiClient) -> None:
    response = api.get("/products?sort=price")

    assert response.status_code == 422
    assert error_fields(response) == {"sort"}


def test_get_patch_archive_and_unarchive_a_product(
    api: ApiClient, make_product: Callable[..., Product], reduced_rate: TaxRate
) -> None:
    product = make_product(default_tax_rate_id=reduced_rate.pk)
    url = f"/products/{product.pk}"

    detail = api.get(url).json()
    patched = api.patch(url, {"unit_price": "99.99", "default_tax_rate_id": None}).json()
    archived = api.post(f"{url}/archive").json()
    unarchived = api.post(f"{url}/unarchive").json()

    assert detail["name"] == "Consulting"
    assert (patched["unit_price"], patched["default_tax_rate_id"]) == ("99.9900", None)
    assert (archived["is_archived"], unarchived["is_archived"]) == (True, False)


def test_a_patch_with_null_for_a_required_field_is_a_422(
    api: ApiClient, make_product: Callable[..., Product]
) -> None:
    product = make_product()

    response = api.patch(f"/products/{product.pk}", {"name": None})

    assert response.status_code == 422
    assert error_fields(response) == {"name"}


def test_products_have_no_delete(api: ApiClient, make_product: Callable[..., Product]) -> None:
    product = make_product()

    assert api.delete(f"/products/{product.pk}").status_code == 405
    assert Product.objects.filter(pk=product.pk).exists()


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"name": "Mine"}),
        ("post", "/archive", {}),
        ("post", "/unarchive", {}),
    ],
)
def test_another_organizations_product_is_a_404(
    other_owner: Membership,
    api_for: Callable[..., ApiClient],
    make_product: Callable[..., Product],
    method: str,
    suffix: str,
    body: Any,
) -> None:
    product = make_product()
    theirs = api_for(other_owner)

    response = theirs.request(method.upper(), f"/products/{product.pk}{suffix}", body)

    assert response.status_code == 404
    assert theirs.get("/products").json()["count"] == 0
    product.refresh_from_db()
    assert (product.name, product.is_archived) == ("Consulting", False)


@pytest.mark.parametrize(
    ("role", "can_write"), [("admin", True), ("member", True), ("accountant", False)]
)
def test_members_write_products_and_accountants_read(
    add_member: Callable[..., Membership],
    api_for: Callable[..., ApiClient],
    make_product: Callable[..., Product],
    role: str,
    can_write: bool,
) -> None:
    product = make_product()
    client = api_for(add_member(role))

    listed = client.get("/products")
    created = client.post("/products", {"name": "Design", "unit_price": "80"})
    patched = client.patch(f"/products/{product.pk}", {"name": "Advice"})
    archived = client.post(f"/products/{product.pk}/archive")

    assert listed.json()["count"] == 1
    statuses = (created.status_code, patched.status_code, archived.status_code)
    assert statuses == ((201, 200, 200) if can_write else (403, 403, 403))


def test_the_product_list_takes_a_fixed_number_of_queries(
    api: ApiClient,
    make_product: Callable[..., Product],
    reduced_rate: TaxRate,
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(30):
        make_product(f"Product {number}", default_tax_rate_id=reduced_rate.pk)

    with django_assert_max_num_queries(QUERY_BUDGET):
        body = api.get("/products?limit=30").json()

    assert len(body["items"]) == 30

"""The catalog pages and the editor's product search."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fakturo.accounts.models import Membership
from fakturo.audit.models import AuditEvent
from fakturo.catalog.models import Product, TaxRate
from fakturo.catalog.views import PAGE_SIZE

HTMX = {"HTTP_HX_REQUEST": "true"}


def logged_in(membership: Membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def product_form(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Consulting",
        "sku": "",
        "description": "",
        "unit": "HUR",
        "unit_price": "95.00",
        "currency": "EUR",
        "default_tax_rate_id": "",
        **fields,
    }


def rate_form(rate: TaxRate, **fields: Any) -> dict[str, Any]:
    values = {
        "name": rate.name,
        "percentage": str(rate.percentage),
        "category": rate.category,
        "kind": rate.kind,
        "exemption_reason": rate.exemption_reason,
        "exemption_code": rate.exemption_code,
        **fields,
    }
    if rate.is_default:
        values.setdefault("is_default", "on")
    return values


# Products


def test_the_product_list_shows_the_products(
    owner: Membership, make_product: Callable[..., Product]
) -> None:
    make_product("Consulting", sku="C-1", unit_price=Decimal("95.5"))

    response = logged_in(owner).get(reverse("catalog:product_list"))

    assert response.status_code == 200
    assert "Consulting" in response.text
    assert "€95.50" in response.text
    assert "<html" in response.text


def test_the_search_answers_htmx_with_the_results_only(
    owner: Membership, make_product: Callable[..., Product]
) -> None:
    make_product("Consulting")
    make_product("Hosting")

    response = logged_in(owner).get(reverse("catalog:product_list"), {"q": "host"}, **HTMX)

    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="product-results"')
    assert "Hosting" in response.text and "Consulting" not in response.text
    assert "HX-Request" in response["Vary"]


def test_the_product_list_shows_archived_products_on_request(
    owner: Membership, make_product: Callable[..., Product]
) -> None:
    make_product("Consulting")
    make_product("Old thing")
    Product.objects.filter(name="Old thing").update(is_archived=True)
    client = logged_in(owner)

    active = client.get(reverse("catalog:product_list"))
    archived = client.get(reverse("catalog:product_list"), {"archived": "on"})

    assert [p.name for p in active.context["page"]] == ["Consulting"]
    assert [p.name for p in archived.context["page"]] == ["Old thing"]


def test_the_product_list_has_pages(
    owner: Membership, make_product: Callable[..., Product]
) -> None:
    for number in range(PAGE_SIZE + 1):
        make_product(f"Product {number:02}")
    client = logged_in(owner)

    first = client.get(reverse("catalog:product_list"), {"q": "Product"})
    second = client.get(reverse("catalog:product_list"), {"q": "Product", "page": 2})

    assert len(first.context["page"]) == PAGE_SIZE
    assert 'href="?q=Product&amp;page=2"' in first.text
    assert [p.name for p in second.context["page"]] == [f"Product {PAGE_SIZE:02}"]


def test_the_product_list_takes_as_many_queries_for_one_product_as_for_a_page(
    owner: Membership, make_product: Callable[..., Product], reduced_rate: TaxRate
) -> None:
    client = logged_in(owner)
    client.get(reverse("catalog:product_list"))  # the session settles on the first request
    make_product("First", default_tax_rate_id=reduced_rate.pk)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("catalog:product_list"))
    for number in range(PAGE_SIZE - 1):
        make_product(f"Product {number}", default_tax_rate_id=reduced_rate.pk)

    with CaptureQueriesContext(connection) as full_page:
        response = client.get(reverse("catalog:product_list"))

    assert len(response.context["page"]) == PAGE_SIZE
    assert len(full_page) == len(one)


def test_create_a_product(owner: Membership, standard_rate: TaxRate) -> None:
    client = logged_in(owner)

    page = client.get(reverse("catalog:product_create"))
    response = client.post(
        reverse("catalog:product_create"),
        product_form(sku="C-1", default_tax_rate_id=str(standard_rate.pk)),
    )

    assert page.context["form"]["default_tax_rate_id"].value() == standard_rate.pk
    assert response.status_code == 302
    assert response.url == reverse("catalog:product_list")
    product = Product.objects.get()
    assert (product.sku, product.unit, product.unit_price, product.default_tax_rate) == (
        "C-1",
        "HUR",
        Decimal("95"),
        standard_rate,
    )


@pytest.mark.parametrize(
    ("fields", "field"), [({"sku": "C-1"}, "sku"), ({"unit_price": "-1"}, "unit_price")]
)
def test_a_service_error_shows_on_its_field(
    owner: Membership, make_product: Callable[..., Product], fields: dict[str, str], field: str
) -> None:
    make_product(sku="C-1")

    response = logged_in(owner).post(reverse("catalog:product_create"), product_form(**fields))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {field}
    assert Product.objects.count() == 1


def test_edit_a_product_changes_only_what_was_changed(
    owner: Membership, make_product: Callable[..., Product], reduced_rate: TaxRate
) -> None:
    product = make_product(
        unit="HUR", unit_price=Decimal("95"), default_tax_rate_id=reduced_rate.pk
    )
    client = logged_in(owner)

    page = client.get(reverse("catalog:product_edit", args=[product.pk]))
    response = client.post(
        reverse("catalog:product_edit", args=[product.pk]),
        product_form(name="Advice", default_tax_rate_id=str(reduced_rate.pk)),
    )

    assert page.context["form"]["unit_price"].value() == Decimal("95.00")
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Advice"
    assert AuditEvent.objects.get(action="product.updated").changes == {
        "name": ["Consulting", "Advice"]
    }


def test_a_product_whose_rate_was_archived_can_still_be_edited(
    owner: Membership, make_product: Callable[..., Product], reduced_rate: TaxRate
) -> None:
    product = make_product(default_tax_rate_id=reduced_rate.pk)
    TaxRate.objects.filter(pk=reduced_rate.pk).update(is_archived=True)
    url = reverse("catalog:product_edit", args=[product.pk])

    response = logged_in(owner).post(
        url, product_form(name="Advice", unit="C62", default_tax_rate_id=str(reduced_rate.pk))
    )

    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.default_tax_rate_id) == ("Advice", reduced_rate.pk)


def test_archive_and_unarchive_a_product(
    owner: Membership, make_product: Callable[..., Product]
) -> None:
    product = make_product()
    client = logged_in(owner)

    archived = client.post(reverse("catalog:product_archive", args=[product.pk]))
    product.refresh_from_db()
    was_archived = product.is_archived
    client.post(reverse("catalog:product_unarchive", args=[product.pk]))

    product.refresh_from_db()
    assert archived.url == reverse("catalog:product_edit", args=[product.pk])
    assert was_archived and not product.is_archived


def test_an_accountant_sees_products_but_cannot_change_them(
    add_member: Callable[..., Membership], make_product: Callable[..., Product]
) -> None:
    product = make_product()
    client = logged_in(add_member("accountant"))

    listed = client.get(reverse("catalog:product_list"))
    page = client.get(reverse("catalog:product_edit", args=[product.pk]))
    created = client.post(reverse("catalog:product_create"), product_form())
    edited = client.post(
        reverse("catalog:product_edit", args=[product.pk]), product_form(name="Mine")
    )
    archived = client.post(reverse("catalog:product_archive", args=[product.pk]))

    assert listed.status_code == page.status_code == 200
    assert page.context["form"]["name"].field.disabled
    assert "New product" not in listed.text
    assert (created.status_code, edited.status_code, archived.status_code) == (403, 403, 403)
    product.refresh_from_db()
    assert (product.name, product.is_archived, Product.objects.count()) == (
        "Consulting",
        False,
        1,
    )


def test_another_organizations_product_is_a_404(
    other_owner: Membership, make_product: Callable[..., Product]
) -> None:
    product = make_product()

    response = logged_in(other_owner).get(reverse("catalog:product_edit", args=[product.pk]))

    assert response.status_code == 404


def test_the_pages_need_a_login(db: None) -> None:
    response = Client().get(reverse("catalog:product_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# The editor's product search


def test_product_search_answers_options_with_the_products_data(
    owner: Membership, make_product: Callable[..., Product], reduced_rate: TaxRate
) -> None:
    product = make_product(
        "Book",
        sku="BK-1",
        description="A <good> book",
        unit="C62",
        unit_price=Decimal("12.5"),
        default_tax_rate_id=reduced_rate.pk,
    )
    make_product("Consulting")

    response = logged_in(owner).get(reverse("catalog:product_search"), {"q": "bk"})

    assert response.status_code == 200
    assert response.text.count('role="option"') == 1
    for attribute in (
        f'data-product-id="{product.pk}"',
        'data-description="A &lt;good&gt; book"',
        'data-unit="C62"',
        'data-unit-price="12.5000"',
        'data-currency="EUR"',
        f'data-tax-rate-id="{reduced_rate.pk}"',
    ):
        assert attribute in response.text


def test_product_search_leaves_out_archived_products_and_stops_at_ten(
    owner: Membership, make_product: Callable[..., Product]
) -> None:
    for number in range(12):
        make_product(f"Item {number:02}")
    Product.objects.filter(name="Item 00").update(is_archived=True)

    response = logged_in(owner).get(reverse("catalog:product_search"), {"q": "item"})

    assert response.text.count("data-product-id=") == 10
    assert "Item 00" not in response.text


def test_product_search_says_when_nothing_matches(owner: Membership) -> None:
    response = logged_in(owner).get(reverse("catalog:product_search"), {"q": "zzz"})

    assert "data-product-id" not in response.text
    assert 'aria-disabled="true"' in response.text
    assert "No product matches “zzz”" in response.text


def test_product_search_in_json(
    owner: Membership, make_product: Callable[..., Product], other_owner: Membership
) -> None:
    product = make_product("Book", unit_price=Decimal(12))

    mine = logged_in(owner).get(reverse("catalog:product_search"), {"q": "bo", "format": "json"})
    theirs = logged_in(other_owner).get(reverse("catalog:product_search"), {"format": "json"})

    assert mine.json() == {
        "results": [
            {
                "id": str(product.pk),
                "name": "Book",
                "sku": "",
                "description": "",
                "unit": "C62",
                "unit_price": "12.0000",
                "currency": "EUR",
                "tax_rate_id": "",
            }
        ]
    }
    assert theirs.json() == {"results": []}


# Tax rates


def test_the_tax_rate_list_shows_categories_and_kinds(
    owner: Membership, standard_rate: TaxRate
) -> None:
    response = logged_in(owner).get(reverse("catalog:tax_rate_list"))

    assert response.status_code == 200
    assert len(response.context["rates"]) == 7
    assert 'title="Reverse charge">AE</span>' in response.text
    assert "VATEX-EU-AE" in response.text
    assert reverse("catalog:tax_rate_delete", args=[standard_rate.pk]) in response.text


def test_create_a_tax_rate(owner: Membership) -> None:
    response = logged_in(owner).post(
        reverse("catalog:tax_rate_create"),
        {"name": "IRPF 15 %", "percentage": "15", "category": "", "kind": "withholding"},
    )

    assert response.status_code == 302
    rate = TaxRate.objects.get(name="IRPF 15 %")
    assert (rate.category, rate.kind, rate.percentage) == ("", "withholding", 15)


def test_a_rule_broken_shows_on_the_field(owner: Membership) -> None:
    response = logged_in(owner).post(
        reverse("catalog:tax_rate_create"),
        {"name": "Exempt", "percentage": "0", "category": "E", "kind": "additive"},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"exemption_reason"}
    assert not TaxRate.objects.filter(name="Exempt").exists()


def test_edit_a_tax_rate(owner: Membership, reduced_rate: TaxRate) -> None:
    response = logged_in(owner).post(
        reverse("catalog:tax_rate_edit", args=[reduced_rate.pk]),
        rate_form(reduced_rate, percentage="7.7"),
    )

    assert response.status_code == 302
    reduced_rate.refresh_from_db()
    assert reduced_rate.percentage == Decimal("7.7")


def test_a_rate_in_use_shows_its_frozen_fields_read_only(
    owner: Membership, standard_rate: TaxRate, use_on_draft: Callable[..., Any]
) -> None:
    use_on_draft(standard_rate)
    client = logged_in(owner)
    url = reverse("catalog:tax_rate_edit", args=[standard_rate.pk])

    page = client.get(url)
    response = client.post(url, rate_form(standard_rate, name="VAT 19 %", percentage="20"))

    form = page.context["form"]
    assert [name for name, field in form.fields.items() if field.disabled] == [
        "percentage",
        "category",
        "kind",
        "exemption_code",
    ]
    assert "Documents use this rate" in page.text
    assert reverse("catalog:tax_rate_delete", args=[standard_rate.pk]) not in page.text
    assert response.status_code == 302
    standard_rate.refresh_from_db()
    assert (standard_rate.name, standard_rate.percentage) == ("VAT 19 %", 19)


def test_delete_an_unused_rate_after_confirming(owner: Membership, reduced_rate: TaxRate) -> None:
    client = logged_in(owner)
    url = reverse("catalog:tax_rate_delete", args=[reduced_rate.pk])

    confirmation = client.get(url)
    response = client.post(url)

    assert "Delete “USt 7 %” (7 %)?" in confirmation.text
    assert response.url == reverse("catalog:tax_rate_list")
    assert not TaxRate.objects.filter(pk=reduced_rate.pk).exists()


def test_a_rate_in_use_is_not_deleted(
    owner: Membership, standard_rate: TaxRate, use_on_draft: Callable[..., Any]
) -> None:
    use_on_draft(standard_rate)
    client = logged_in(owner)
    url = reverse("catalog:tax_rate_delete", args=[standard_rate.pk])

    confirmation = client.get(url)
    response = client.post(url, follow=True)

    assert "can't be deleted" in confirmation.text
    assert "archive it instead" in response.text
    assert TaxRate.objects.filter(pk=standard_rate.pk).exists()


def test_archive_and_unarchive_a_tax_rate(owner: Membership, reduced_rate: TaxRate) -> None:
    client = logged_in(owner)

    client.post(reverse("catalog:tax_rate_archive", args=[reduced_rate.pk]))
    archived = client.get(reverse("catalog:tax_rate_list"), {"archived": "1"})
    client.post(reverse("catalog:tax_rate_unarchive", args=[reduced_rate.pk]))

    assert [rate.name for rate in archived.context["rates"]] == ["USt 7 %"]
    reduced_rate.refresh_from_db()
    assert not reduced_rate.is_archived


@pytest.mark.parametrize("role", ["member", "accountant"])
def test_members_and_accountants_see_tax_rates_but_cannot_change_them(
    add_member: Callable[..., Membership], reduced_rate: TaxRate, role: str
) -> None:
    client = logged_in(add_member(role))
    edit_url = reverse("catalog:tax_rate_edit", args=[reduced_rate.pk])

    listed = client.get(reverse("catalog:tax_rate_list"))
    page = client.get(edit_url)
    statuses = [
        client.post(reverse("catalog:tax_rate_create"), rate_form(reduced_rate)).status_code,
        client.post(edit_url, rate_form(reduced_rate, name="Mine")).status_code,
        client.post(reverse("catalog:tax_rate_archive", args=[reduced_rate.pk])).status_code,
        client.post(reverse("catalog:tax_rate_delete", args=[reduced_rate.pk])).status_code,
    ]

    assert listed.status_code == page.status_code == 200
    assert all(field.disabled for field in page.context["form"].fields.values())
    assert statuses == [403, 403, 403, 403]
    reduced_rate.refresh_from_db()
    assert (reduced_rate.name, reduced_rate.is_archived) == ("USt 7 %", False)

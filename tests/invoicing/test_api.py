import uuid
from decimal import Decimal

import pytest

from fakturo.invoicing.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_api(seller, api_for):
    return api_for(seller)


def _body(client, rates, **extra):
    return {
        "client_id": str(client.pk),
        "issue_date": "2026-03-02",
        "lines": [
            {
                "description": "Design work",
                "quantity": "10",
                "unit": "HUR",
                "unit_price": "95.00",
                "tax_rate_id": str(rates["19"].pk),
            },
            {
                "description": "Hosting",
                "quantity": "1",
                "unit_price": "20",
                "discount_percent": "10",
                "tax_rate_id": str(rates["7"].pk),
            },
        ],
        "charges": [{"reason": "Shipping", "amount": "5.00", "tax_rate_id": str(rates["19"].pk)}],
        **extra,
    }


def test_create_issue_and_read_an_invoice(owner_api, client, rates):
    created = owner_api.post("/invoices", _body(client, rates))

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft"
    assert body["number"] == ""
    assert [line["net_amount"] for line in body["lines"]] == ["950.00", "18.00"]
    assert body["totals"] == {
        "subtotal": "968.00",
        "allowance_total": "0.00",
        "charge_total": "5.00",
        "net_total": "973.00",
        "tax_total": "182.71",
        "withholding_total": "0.00",
        "total": "1155.71",
        "prepaid_amount": "0.00",
        "amount_paid": "0.00",
        "balance_due": "1155.71",
    }
    assert [(g["rate"], g["taxable_amount"], g["tax_amount"]) for g in body["tax_breakdown"]] == [
        ("19.0000", "955.00", "181.45"),
        ("7.0000", "18.00", "1.26"),
    ]

    issued = owner_api.post(f"/invoices/{body['id']}/issue")

    assert issued.status_code == 200, issued.json()
    assert issued.json()["number"] == "2026-0001"
    assert issued.json()["status"] == "issued"
    assert issued.json()["due_date"] == "2026-03-16"
    assert owner_api.get(f"/invoices/{body['id']}").json()["tax_breakdown"][0]["tax_amount"] == (
        "181.45"
    )


def test_list_filters(owner_api, client, rates):
    first = owner_api.post("/invoices", _body(client, rates)).json()
    owner_api.post("/invoices", _body(client, rates, issue_date="2025-01-10"))
    owner_api.post(f"/invoices/{first['id']}/issue")

    issued = owner_api.get("/invoices?status=issued").json()
    early = owner_api.get("/invoices?issued_until=2025-12-31").json()
    searched = owner_api.get("/invoices?q=2026-0001").json()
    overdue = owner_api.get("/invoices?overdue=true").json()

    assert issued["count"] == 1 and issued["items"][0]["number"] == "2026-0001"
    assert early["count"] == 1
    assert searched["count"] == 1
    assert overdue["count"] == 1  # due 2026-03-16, before today
    assert overdue["items"][0]["is_overdue"] is True
    assert owner_api.get("/quotes").json()["count"] == 0


def test_drafts_can_be_changed_and_deleted_issued_ones_not(owner_api, client, rates):
    draft = owner_api.post("/invoices", _body(client, rates)).json()

    patched = owner_api.patch(
        f"/invoices/{draft['id']}",
        {
            "notes": "Thanks!",
            "lines": [
                {
                    "description": "Only this",
                    "quantity": "2",
                    "unit_price": "50",
                    "tax_rate_id": str(rates["19"].pk),
                }
            ],
        },
    )
    assert patched.status_code == 200
    assert patched.json()["totals"]["total"] == "124.95"  # 100 + 5 shipping, 19 %

    owner_api.post(f"/invoices/{draft['id']}/issue")
    refused = owner_api.patch(f"/invoices/{draft['id']}", {"notes": "Changed"})
    annotated = owner_api.patch(f"/invoices/{draft['id']}", {"internal_notes": "Call Anna"})
    deleted = owner_api.delete(f"/invoices/{draft['id']}")

    assert refused.status_code == 409
    assert annotated.status_code == 200 and annotated.json()["internal_notes"] == "Call Anna"
    assert deleted.status_code == 409
    other = owner_api.post("/invoices", _body(client, rates)).json()
    assert owner_api.delete(f"/invoices/{other['id']}").status_code == 204


def test_void_and_partial_credit_note(owner_api, client, rates):
    invoice = owner_api.post("/invoices", _body(client, rates)).json()
    owner_api.post(f"/invoices/{invoice['id']}/issue")
    line = invoice["lines"][0]["id"]

    partial = owner_api.post(
        f"/invoices/{invoice['id']}/credit-note", {"lines": [{"line_id": line, "quantity": "2"}]}
    )
    too_much = owner_api.post(f"/invoices/{invoice['id']}/credit-note", {"amount": "99999"})

    assert partial.status_code == 201, partial.json()
    assert partial.json()["kind"] == "credit_note"
    assert partial.json()["totals"]["total"] == "226.10"
    assert too_much.status_code == 422
    issued = owner_api.post(f"/credit-notes/{partial.json()['id']}/issue")
    assert issued.json()["number"] == "CN-2026-0001"

    voided = owner_api.post(f"/invoices/{invoice['id']}/void")

    assert voided.status_code == 201
    assert voided.json()["totals"]["total"] == "929.61"
    assert owner_api.get(f"/invoices/{invoice['id']}").json()["status"] == "void"


def test_quote_to_invoice(owner_api, client, rates):
    quote = owner_api.post("/quotes", _body(client, rates)).json()

    assert owner_api.post(f"/quotes/{quote['id']}/send").json()["status"] == "sent"
    assert owner_api.post(f"/quotes/{quote['id']}/accept").json()["status"] == "accepted"
    invoice = owner_api.post(f"/quotes/{quote['id']}/convert")

    assert invoice.status_code == 201
    assert invoice.json()["kind"] == "invoice"
    assert invoice.json()["related_id"] == quote["id"]
    assert owner_api.post(f"/quotes/{quote['id']}/convert").status_code == 409
    assert owner_api.post(f"/quotes/{quote['id']}/decline").status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": [{"quantity": "1", "unit_price": "1"}]}, "lines.0.description"),
        (
            {"lines": [{"description": "x", "quantity": "-1", "unit_price": "1"}]},
            "lines.0.quantity",
        ),  # negative only on invoices: this is a quote
        ({"lines": [{"description": "x", "quantity": 1.5, "unit_price": "1"}]}, "lines.0.quantity"),
        (
            {"lines": [{"description": "x", "quantity": "abc", "unit_price": "1"}]},
            "lines.0.quantity",
        ),
        (
            {"lines": [{"description": "x", "unit_price": "1", "tax_rate_id": str(uuid.uuid4())}]},
            "lines.0.tax_rate_ids",
        ),
        ({"client_id": str(uuid.uuid4())}, "client_id"),
        ({"currency": "USD"}, "exchange_rate"),
        ({"payment_terms_type": "whenever"}, "payment_terms_type"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(owner_api, client, rates, change, field):
    response = owner_api.post("/quotes", {**_body(client, rates), **change})

    assert response.status_code == 422, response.json()
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not Document.objects.exists()


def test_an_archived_rate_is_refused(owner_api, client, rates):
    rates["7"].is_archived = True
    rates["7"].save()

    response = owner_api.post("/invoices", _body(client, rates))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines.1.tax_rate_ids"


def test_another_organizations_documents_are_404(owner_api, client, rates, other_owner, api_for):
    invoice = owner_api.post("/invoices", _body(client, rates)).json()
    stranger = api_for(other_owner)

    assert stranger.get(f"/invoices/{invoice['id']}").status_code == 404
    assert stranger.post(f"/invoices/{invoice['id']}/issue").status_code == 404
    assert stranger.delete(f"/invoices/{invoice['id']}").status_code == 404
    assert stranger.post("/invoices", _body(client, rates)).status_code == 422  # their client? no
    assert owner_api.get(f"/quotes/{invoice['id']}").status_code == 404  # wrong collection


@pytest.mark.parametrize("role", ["member", "admin"])
def test_writing_roles_issue(role, add_member, api_for, client, rates, seller):
    response = api_for(add_member(role)).post("/invoices", _body(client, rates))

    assert response.status_code == 201


def test_accountants_read_but_cannot_write(add_member, api_for, owner_api, client, rates):
    accountant = api_for(add_member("accountant"))
    invoice = owner_api.post("/invoices", _body(client, rates)).json()

    assert accountant.get(f"/invoices/{invoice['id']}").status_code == 200
    assert accountant.post("/invoices", _body(client, rates)).status_code == 403
    assert accountant.post(f"/invoices/{invoice['id']}/issue").status_code == 403


def test_drafts_show_what_issuing_would_refuse(owner_api, client, rates):
    client.billing_city = ""
    client.save()

    body = owner_api.post("/invoices", _body(client, rates)).json()

    assert body["possible_problems"] == {"buyer.billing_city": ["The client's city is missing."]}
    refused = owner_api.post(f"/invoices/{body['id']}/issue")
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "buyer.billing_city", "message": "The client's city is missing."}
    ]


def test_gross_priced_and_multi_tax_lines(owner_api, client, rates):
    gross = owner_api.post(
        "/invoices",
        {
            "client_id": str(client.pk),
            "prices_include_tax": True,
            "lines": [
                {
                    "description": "Ticket",
                    "quantity": "3",
                    "unit_price": "11.90",
                    "tax_rate_id": str(rates["19"].pk),
                }
            ],
        },
    ).json()
    withholding = owner_api.post(
        "/invoices",
        {
            "client_id": str(client.pk),
            "lines": [
                {
                    "description": "Consulting",
                    "unit_price": "1000",
                    "tax_rate_ids": [str(rates["19"].pk), str(rates["IRPF"].pk)],
                }
            ],
        },
    ).json()

    assert gross["totals"]["total"] == "35.70"
    assert gross["totals"]["net_total"] == "30.00"
    assert withholding["totals"]["withholding_total"] == "150.00"
    assert withholding["totals"]["balance_due"] == "1040.00"
    assert withholding["withholdings"][0]["name"] == "IRPF 15 %"


def test_creating_and_reading_stay_within_a_query_budget(
    owner_api, client, rates, django_assert_max_num_queries
):
    body = _body(client, rates)
    body["lines"] = body["lines"] * 5  # 10 lines

    with django_assert_max_num_queries(17):
        created = owner_api.post("/invoices", body)
    with django_assert_max_num_queries(10):
        owner_api.get(f"/invoices/{created.json()['id']}")
    with django_assert_max_num_queries(8):
        owner_api.get("/invoices?limit=50")


def test_a_product_priced_in_another_currency_is_refused(owner_api, seller, client, rates):
    from fakturo.catalog.services import product_create

    product = product_create(
        membership=seller,
        fields={
            "name": "Consulting (USD)",
            "unit_price": Decimal("150"),
            "currency": "USD",
            "default_tax_rate_id": rates["19"].pk,
        },
    )

    response = owner_api.post(
        "/invoices",
        {
            "client_id": str(client.pk),
            "lines": [{"product_id": str(product.pk)}],
        },
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "lines.0.product_id",
            "message": "Consulting (USD) is priced in USD, the document in EUR.",
        }
    ]


def test_a_product_line_takes_its_name_unit_price_and_tax(owner_api, seller, client, rates):
    from fakturo.catalog.services import product_create

    product = product_create(
        membership=seller,
        fields={
            "name": "Brand workshop",
            "unit": "DAY",
            "unit_price": Decimal("1450"),
            "default_tax_rate_id": rates["7"].pk,
        },
    )

    body = owner_api.post(
        "/invoices",
        {
            "client_id": str(client.pk),
            "lines": [{"product_id": str(product.pk), "quantity": "2"}],
        },
    ).json()

    line = body["lines"][0]
    assert (line["description"], line["unit"], line["unit_price"]) == (
        "Brand workshop",
        "DAY",
        "1450.0000",
    )
    assert line["tax_rate_ids"] == [str(rates["7"].pk)]
    assert body["totals"]["total"] == "3103.00"

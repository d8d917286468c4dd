"""The document pages: lists, the editor and its live preview, the document page's actions."""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fakturo.accounts.choices import Role
from fakturo.accounts.models import Membership
from fakturo.audit.models import AuditEvent
from fakturo.catalog.models import TaxRate
from fakturo.crm.models import Client
from fakturo.invoicing.choices import DocumentKind, DocumentStatus
from fakturo.invoicing.models import Document
from fakturo.invoicing.services import document_issue, quote_send

pytestmark = pytest.mark.django_db

S = DocumentStatus


def logged_in(membership: Membership) -> WebClient:
    web = WebClient()
    web.force_login(membership.user)
    return web


@pytest.fixture
def web(seller: Membership) -> WebClient:
    return logged_in(seller)


def editor_data(
    client: Client,
    rates: dict[str, TaxRate],
    lines: list[tuple[str, str, str, str]] | None = None,
    *,
    allowances: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    **fields: Any,
) -> dict[str, Any]:
    """The editor's POST: header fields and the rows of lines and allowances."""
    lines = (
        lines
        if lines is not None
        else [
            ("Design work", "10", "95.00", "19"),
            ("Hosting", "1", "20", "7"),
        ]
    )
    data: dict[str, Any] = {
        "kind": "invoice",
        "client_id": str(client.pk),
        "currency": "EUR",
        "language": "en",
        "payment_terms_type": "net_days",
        "payment_terms_days": "14",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "allowances-TOTAL_FORMS": str(len(allowances)),
        "allowances-INITIAL_FORMS": "0",
        "charges-TOTAL_FORMS": "0",
        "charges-INITIAL_FORMS": "0",
    }
    for index, (description, quantity, price, rate) in enumerate(lines):
        data[f"lines-{index}-description"] = description
        data[f"lines-{index}-quantity"] = quantity
        data[f"lines-{index}-unit"] = "C62"
        data[f"lines-{index}-unit_price"] = price
        data[f"lines-{index}-tax_rate_ids"] = [str(rates[rate].pk)] if rate else []
    for index, (reason, value, value_type) in enumerate(allowances):
        data[f"allowances-{index}-reason"] = reason
        data[f"allowances-{index}-value"] = value
        data[f"allowances-{index}-value_type"] = value_type
        data[f"allowances-{index}-tax_rate_id"] = ""
    data.update(fields)
    return data


def html(response: Any) -> str:
    return response.content.decode()


# --- lists ----------------------------------------------------------------------------------


def test_the_invoice_list_shows_documents_with_badges_and_formatted_totals(
    web: WebClient, seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    draft = make_invoice()
    issued = make_invoice(issue_date=datetime.date(2026, 1, 5))
    document_issue(membership=seller, document_id=issued.pk)
    make_invoice(kind="quote")

    response = web.get(reverse("invoicing:invoice_list"))

    assert response.status_code == 200
    page = html(response)
    assert "2026-0001" in page
    assert f'href="/documents/{draft.pk}"' in page
    assert "status--draft" in page and "status--overdue" in page
    assert "€1,154.30" in page
    assert "Q-" not in page  # quotes have their own list
    assert 'aria-current="page">Invoices</a>' in page


def test_filters_narrow_the_list_and_htmx_gets_only_the_table(
    web: WebClient, seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    make_invoice(purchase_order="PO-77")
    issued = make_invoice(issue_date=datetime.date(2026, 1, 5))
    document_issue(membership=seller, document_id=issued.pk)
    make_invoice(kind="deposit_invoice")
    url = reverse("invoicing:invoice_list")

    def numbers(query: dict[str, str], **headers: str) -> tuple[int, str]:
        response = web.get(url, query, **headers)
        return response.context["page"].paginator.count, html(response)

    assert numbers({"status": "overdue"})[0] == 1
    assert numbers({"status": "draft"})[0] == 2
    assert numbers({"kind": "deposit_invoice"})[0] == 1
    assert numbers({"q": "PO-77"})[0] == 1
    assert numbers({"issued_from": "2026-01-01", "issued_until": "2026-01-31"})[0] == 1
    assert numbers({"issued_from": "not a date"})[0] == 3  # an invalid filter is left out
    count, partial = numbers(
        {"status": "overdue"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="document-results"
    )
    assert count == 1
    assert partial.lstrip().startswith('<section id="document-results"')
    assert 'id="id_sort" value="" hx-swap-oob="true"' in partial  # the form's sort follows
    assert "<html" not in partial


def test_the_list_sorts_by_total_and_links_the_other_direction(
    web: WebClient, make_invoice: Callable[..., Any]
) -> None:
    small = make_invoice(lines=[("Small", "1", "10.00")])
    large = make_invoice(lines=[("Large", "1", "500.00")])

    response = web.get(reverse("invoicing:invoice_list"), {"sort": "-total"})

    assert [d.pk for d in response.context["page"]] == [large.pk, small.pk]
    assert 'aria-sort="descending"' in html(response)
    assert "?sort=total" in html(response)


def test_quotes_and_credit_notes_have_their_lists(
    web: WebClient, seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    quote = make_invoice(kind="quote")
    quote_send(membership=seller, document_id=quote.pk)

    quotes = web.get(reverse("invoicing:quote_list"), {"status": "sent"})
    credit_notes = web.get(reverse("invoicing:credit_note_list"))

    assert quotes.context["page"].paginator.count == 1
    assert "Valid until" in html(quotes)
    assert credit_notes.status_code == 200
    assert "No credit notes yet." in html(credit_notes)


def test_the_list_page_queries_do_not_grow_with_rows(
    web: WebClient, make_invoice: Callable[..., Any], django_assert_max_num_queries: Any
) -> None:
    make_invoice()
    url = reverse("invoicing:invoice_list")
    with CaptureQueriesContext(connection) as one_row:
        web.get(url)
    for _ in range(29):
        make_invoice()

    with django_assert_max_num_queries(len(one_row)):
        response = web.get(url)

    assert response.context["page"].paginator.count == 30
    assert len(one_row) <= 12


# --- the editor -----------------------------------------------------------------------------


def test_the_new_invoice_editor_preselects_the_client_and_the_default_rate(
    web: WebClient, client: Client, rates: dict[str, TaxRate]
) -> None:
    response = web.get(reverse("invoicing:invoice_create"), {"client": str(client.pk)})

    page = html(response)
    assert response.status_code == 200
    assert f'<option value="{client.pk}"' in page
    assert (
        f'value="{client.pk}" data-currency="" data-language="" data-terms-days="" selected' in page
    )
    default_box = f'name="lines-0-tax_rate_ids" value="{rates["19"].pk}"'
    assert default_box in page
    # The default rate is checked on the first line and on the template new lines copy.
    assert page.count("checked") == 2
    assert f'name="lines-__prefix__-tax_rate_ids" value="{rates["19"].pk}"' in page
    assert 'hx-post="/documents/preview"' in page
    assert 'hx-trigger="input changed delay:300ms' in page


def test_saving_the_editor_creates_the_draft(
    web: WebClient, client: Client, rates: dict[str, TaxRate]
) -> None:
    data = editor_data(
        client,
        rates,
        allowances=[("Loyalty", "10", "percent")],
        purchase_order="PO-1",
        tags="web, rush",
        **{"lines-2-description": ""},
    )
    data["lines-TOTAL_FORMS"] = "3"  # a blank third line is skipped

    response = web.post(reverse("invoicing:invoice_create"), data)

    document = Document.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("invoicing:document_detail", args=[document.pk])
    assert document.kind == DocumentKind.INVOICE
    assert [(line.description, line.quantity) for line in document.lines.all()] == [
        ("Design work", Decimal(10)),
        ("Hosting", Decimal(1)),
    ]
    assert document.allowance_total == Decimal("97.00")
    assert document.total == Decimal("1036.71")
    assert document.purchase_order == "PO-1"
    assert document.tags == ["web", "rush"]


def test_the_editor_accepts_decimal_commas(
    web: WebClient, client: Client, rates: dict[str, TaxRate]
) -> None:
    data = editor_data(client, rates, [("Beratung", "1,5", "1.234,50", "19")])

    web.post(reverse("invoicing:invoice_create"), data)

    line = Document.objects.get().lines.get()
    assert (line.quantity, line.unit_price) == (Decimal("1.5"), Decimal("1234.50"))


def test_service_errors_land_on_the_row_they_name_and_nothing_is_saved(
    web: WebClient, client: Client, rates: dict[str, TaxRate]
) -> None:
    data = editor_data(
        client,
        rates,
        [("", "", "", ""), ("Design", "0", "95", "19")],  # the blank first row is skipped
    )

    response = web.post(reverse("invoicing:invoice_create"), data)

    assert response.status_code == 422
    assert not Document.objects.exists()
    editor = response.context["editor"]
    assert editor.lines.forms[1].errors == {"quantity": ["Must not be zero."]}
    page = html(response)
    assert '<a href="#id_lines-1-quantity">Line 2 · Quantity</a>: Must not be zero.' in page
    assert '<p class="field-error" id="id_lines-1-quantity_error">Must not be zero.</p>' in page


def test_form_errors_show_before_the_service_is_asked(
    web: WebClient, client: Client, rates: dict[str, TaxRate]
) -> None:
    data = editor_data(client, rates, [("Design", "many", "95", "19")], client_id="")

    response = web.post(reverse("invoicing:invoice_create"), data)

    assert response.status_code == 422
    errors = {(e.input_id, e.message) for e in response.context["errors"]}
    assert ("id_client_id", "This field is required.") in errors
    assert ("id_lines-0-quantity", "Enter a number.") in errors
    assert not AuditEvent.objects.filter(action="invoice.created").exists()


def test_a_foreign_currency_needs_an_exchange_rate(
    web: WebClient, client: Client, rates: dict[str, TaxRate]
) -> None:
    data = editor_data(client, rates, currency="USD")

    response = web.post(reverse("invoicing:invoice_create"), data)

    assert response.status_code == 422
    assert response.context["editor"].header.errors["exchange_rate"] == [
        "Give the rate from USD to EUR."
    ]
    data["exchange_rate"] = "0.92"
    assert web.post(reverse("invoicing:invoice_create"), data).status_code == 302
    assert Document.objects.get().exchange_rate == Decimal("0.92")


def test_the_preview_returns_totals_and_each_lines_net(
    web: WebClient, client: Client, rates: dict[str, TaxRate]
) -> None:
    data = editor_data(client, rates)

    response = web.post(reverse("invoicing:document_preview"), data, HTTP_HX_REQUEST="true")

    page = html(response)
    assert response.status_code == 200
    assert "HX-Retarget" not in response.headers
    assert '<dd data-total="subtotal">€970.00</dd>' in page
    assert "VAT 19 %" in page and "€180.50" in page
    assert "VAT 7 %" in page and "€1.40" in page
    assert '<dd data-total="total">€1,151.90</dd>' in page
    assert '<dd data-total="balance">€1,151.90</dd>' in page
    assert '<output id="lines-0-net" class="line__net" hx-swap-oob="true">€950.00</output>' in page
    assert '<output id="lines-1-net" class="line__net" hx-swap-oob="true">€20.00</output>' in page
    assert not Document.objects.exists()


def test_the_preview_shows_errors_inline_and_keeps_the_last_totals(
    web: WebClient, client: Client, rates: dict[str, TaxRate]
) -> None:
    data = editor_data(client, rates, [("Design", "0", "95", "19"), ("Hosting", "x", "1", "7")])

    response = web.post(reverse("invoicing:document_preview"), data, HTTP_HX_REQUEST="true")

    page = html(response)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#editor-problems"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert "Line 2 · Quantity</a>: Enter a number." in page
    assert "id_lines-1-quantity" in page
    assert "data-total" not in page


def test_the_preview_names_the_line_a_service_error_is_about(
    web: WebClient, client: Client, rates: dict[str, TaxRate]
) -> None:
    data = editor_data(client, rates, [("Design", "1", "95", "19"), ("Hosting", "0", "20", "7")])

    response = web.post(reverse("invoicing:document_preview"), data, HTTP_HX_REQUEST="true")

    assert "&quot;id_lines-1-quantity&quot;: &quot;Must not be zero.&quot;" in html(response)


def test_editing_a_draft_replaces_its_lines_in_the_new_order(
    web: WebClient, client: Client, rates: dict[str, TaxRate], make_invoice: Callable[..., Any]
) -> None:
    document = make_invoice()
    url = reverse("invoicing:document_edit", args=[document.pk])

    form = web.get(url)
    assert form.status_code == 200
    assert "Design work" in html(form) and 'value="95.00"' in html(form)

    data = editor_data(
        client, rates, [("Hosting", "2", "20", "7"), ("Design work", "10", "95.00", "19")]
    )
    data["document"] = str(document.pk)
    response = web.post(url, data)

    assert response.status_code == 302
    document.refresh_from_db()
    assert [line.description for line in document.lines.all()] == ["Hosting", "Design work"]
    assert document.total == Decimal("1173.30")


def test_a_draft_credit_note_is_edited_keeping_the_lines_it_credits(
    web: WebClient, seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    invoice = make_invoice()
    document_issue(membership=seller, document_id=invoice.pk)
    design = invoice.lines.get(description="Design work")
    web.post(
        reverse("invoicing:credit_note_create", args=[invoice.pk]),
        {"mode": "lines", "line": [str(design.pk)], f"quantity-{design.pk}": "2"},
    )
    credit_note = Document.objects.get(kind=DocumentKind.CREDIT_NOTE)
    url = reverse("invoicing:document_edit", args=[credit_note.pk])
    form = web.get(url)
    data = {
        key: value
        for key, value in form.context["editor"].header.initial.items()
        if value is not None
    }
    line = credit_note.lines.get()
    data.update(
        {
            "client_id": str(credit_note.client_id),
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-0-source_line_id": str(design.pk),
            "lines-0-description": line.description,
            "lines-0-quantity": "3",
            "lines-0-unit": line.unit,
            "lines-0-unit_price": str(line.unit_price),
            "lines-0-tax_rate_ids": [str(rate.pk) for rate in line.tax_rates.all()],
            "allowances-TOTAL_FORMS": "0",
            "allowances-INITIAL_FORMS": "0",
            "charges-TOTAL_FORMS": "0",
            "charges-INITIAL_FORMS": "0",
        }
    )

    saved = web.post(url, data)

    assert saved.status_code == 302
    line = credit_note.lines.get()
    assert (line.quantity, line.source_line_id) == (Decimal(3), design.pk)


def test_an_issued_document_is_not_edited_but_sent_back(
    web: WebClient, seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    document = make_invoice()
    document_issue(membership=seller, document_id=document.pk)

    response = web.get(reverse("invoicing:document_edit", args=[document.pk]))

    assert response.status_code == 302
    assert response.url == reverse("invoicing:document_detail", args=[document.pk])


# --- the document page ----------------------------------------------------------------------


def test_a_draft_page_lists_what_stops_issuing_with_links_to_fix_it(
    web: WebClient, client: Client, make_invoice: Callable[..., Any]
) -> None:
    client.billing_line1 = ""
    client.save()
    document = make_invoice()

    page = html(web.get(reverse("invoicing:document_detail", args=[document.pk])))

    assert "Before this invoice can be issued:" in page
    assert "The client&#x27;s street is missing." in page
    assert "Issue invoice…" in page
    assert "This assigns the next number and freezes the document" in page
    assert "Design work" in page and "€1,154.30" in page


def test_issuing_from_the_page_numbers_the_document(
    web: WebClient, make_invoice: Callable[..., Any]
) -> None:
    document = make_invoice(issue_date=datetime.date(2026, 3, 2))

    response = web.post(reverse("invoicing:document_issue", args=[document.pk]), follow=True)

    document.refresh_from_db()
    assert document.status == S.ISSUED
    assert document.number == "2026-0001"
    page = html(response)
    assert "Invoice 2026-0001 issued." in page
    assert "Void…" in page and "Credit note…" in page and "Mark as sent" in page
    assert "Issue invoice…" not in page


def test_issuing_with_a_manual_number(web: WebClient, make_invoice: Callable[..., Any]) -> None:
    document = make_invoice()

    web.post(reverse("invoicing:document_issue", args=[document.pk]), {"number": "LEGACY-9"})

    document.refresh_from_db()
    assert document.number == "LEGACY-9"


def test_issuing_an_incomplete_draft_says_why_and_changes_nothing(
    web: WebClient, client: Client, make_invoice: Callable[..., Any]
) -> None:
    client.billing_city = ""
    client.save()
    document = make_invoice()

    response = web.post(reverse("invoicing:document_issue", args=[document.pk]), follow=True)

    document.refresh_from_db()
    assert document.status == S.DRAFT and document.number == ""
    assert "Not issued: The client&#x27;s city is missing." in html(response)


def test_voiding_issues_the_credit_note_and_shows_it(
    web: WebClient, seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    invoice = make_invoice()
    document_issue(membership=seller, document_id=invoice.pk)

    response = web.post(
        reverse("invoicing:invoice_void", args=[invoice.pk]), {"reason": "Wrong client"}
    )

    credit_note = Document.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert response.url == reverse("invoicing:document_detail", args=[credit_note.pk])
    invoice.refresh_from_db()
    assert invoice.status == S.VOID
    assert credit_note.status == S.ISSUED and credit_note.total == invoice.total
    page = html(web.get(response.url))
    assert "Corrects invoice" in page and invoice.number in page
    assert "CN-" in page


def test_a_credit_note_for_chosen_lines_and_quantities(
    web: WebClient, seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    invoice = make_invoice()
    document_issue(membership=seller, document_id=invoice.pk)
    design = invoice.lines.get(description="Design work")
    page = html(web.get(reverse("invoicing:document_detail", args=[invoice.pk])))
    assert f'name="quantity-{design.pk}" value="10"' in page

    response = web.post(
        reverse("invoicing:credit_note_create", args=[invoice.pk]),
        {"mode": "lines", "line": [str(design.pk)], f"quantity-{design.pk}": "2"},
    )

    credit_note = Document.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert response.url == reverse("invoicing:document_detail", args=[credit_note.pk])
    assert credit_note.status == S.DRAFT
    assert credit_note.related_id == invoice.pk
    assert [(line.description, line.quantity) for line in credit_note.lines.all()] == [
        ("Design work", Decimal(2))
    ]


def test_a_credit_note_for_an_amount_and_one_that_is_too_large(
    web: WebClient, seller: Membership, make_invoice: Callable[..., Any], rates: dict[str, TaxRate]
) -> None:
    invoice = make_invoice()
    document_issue(membership=seller, document_id=invoice.pk)
    url = reverse("invoicing:credit_note_create", args=[invoice.pk])

    too_much = web.post(
        url, {"mode": "amount", "amount": "5000", "tax_rate": str(rates["19"].pk)}, follow=True
    )
    assert "No credit note: This credit note" in html(too_much)
    assert not Document.objects.filter(kind=DocumentKind.CREDIT_NOTE).exists()

    web.post(url, {"mode": "amount", "amount": "100", "tax_rate": str(rates["19"].pk)})

    credit_note = Document.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert credit_note.total == Decimal("119.00")


def test_the_quote_flow_from_editor_to_invoice(
    web: WebClient, client: Client, rates: dict[str, TaxRate]
) -> None:
    data = editor_data(client, rates, kind="quote", valid_until="2026-12-31")
    web.post(reverse("invoicing:quote_create"), data)
    quote = Document.objects.get(kind=DocumentKind.QUOTE)

    web.post(reverse("invoicing:quote_send", args=[quote.pk]))
    web.post(reverse("invoicing:quote_accept", args=[quote.pk]))
    response = web.post(reverse("invoicing:quote_convert", args=[quote.pk]), {"kind": "invoice"})

    quote.refresh_from_db()
    invoice = Document.objects.get(kind=DocumentKind.INVOICE)
    assert quote.status == S.CONVERTED and quote.number.startswith("Q-")
    assert quote.valid_until == datetime.date(2026, 12, 31)
    assert invoice.related_id == quote.pk and invoice.total == quote.total
    assert response.url == reverse("invoicing:document_detail", args=[invoice.pk])
    page = html(web.get(reverse("invoicing:document_detail", args=[quote.pk])))
    assert "Converted to invoice" in page


def test_a_declined_quote(web: WebClient, seller: Membership, make_invoice: Callable[..., Any]):
    quote = make_invoice(kind="quote")
    quote_send(membership=seller, document_id=quote.pk)

    web.post(reverse("invoicing:quote_decline", args=[quote.pk]))

    quote.refresh_from_db()
    assert quote.status == S.DECLINED


def test_mark_sent_duplicate_and_delete(
    web: WebClient, seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    invoice = make_invoice()
    document_issue(membership=seller, document_id=invoice.pk)

    web.post(reverse("invoicing:document_mark_sent", args=[invoice.pk]))
    copy_response = web.post(reverse("invoicing:document_duplicate", args=[invoice.pk]))
    copy = Document.objects.exclude(pk=invoice.pk).get()
    deleted = web.post(reverse("invoicing:document_delete", args=[copy.pk]))
    refused = web.post(reverse("invoicing:document_delete", args=[invoice.pk]), follow=True)

    invoice.refresh_from_db()
    assert invoice.status == S.SENT
    assert copy_response.url == reverse("invoicing:document_edit", args=[copy.pk])
    assert deleted.url == reverse("invoicing:invoice_list")
    assert not Document.objects.filter(pk=copy.pk).exists()
    assert "Not deleted" in html(refused)


def test_an_issued_document_keeps_internal_notes_and_tags_editable(
    web: WebClient, seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    invoice = make_invoice()
    document_issue(membership=seller, document_id=invoice.pk)

    web.post(
        reverse("invoicing:document_internal", args=[invoice.pk]),
        {"internal_notes": "Call before the 10th", "tags": "vip, slow payer"},
    )

    invoice.refresh_from_db()
    assert invoice.internal_notes == "Call before the 10th"
    assert invoice.tags == ["vip", "slow payer"]


def test_the_print_view_shows_the_snapshot_once_issued(
    web: WebClient, seller: Membership, client: Client, make_invoice: Callable[..., Any]
) -> None:
    invoice = make_invoice()
    document_issue(membership=seller, document_id=invoice.pk)
    client.legal_name = "Renamed Ltd"
    client.save()

    page = html(web.get(reverse("invoicing:document_print", args=[invoice.pk])))

    assert "Blue Harbour Ltd" in page and "Renamed Ltd" not in page
    assert "Torstraße 1" in page and "10119 Berlin" in page
    assert "IBAN DE89370400440532013000" in page
    assert "€1,154.30" in page
    assert "Draft — not a valid" not in page


def test_a_proforma_says_it_is_not_an_invoice(
    web: WebClient, seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    proforma = document_issue(membership=seller, document_id=make_invoice(kind="proforma").pk)

    page = html(web.get(reverse("invoicing:document_print", args=[proforma.pk])))

    assert proforma.number.startswith("PF-")
    assert "this is not an invoice" in page


def test_amounts_follow_the_users_language(
    web: WebClient, seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    seller.user.language = "de"
    seller.user.save()
    make_invoice()

    page = html(web.get(reverse("invoicing:invoice_list")))

    assert "1.154,30\xa0€" in page


# --- roles and organizations ----------------------------------------------------------------


def test_an_accountant_reads_everything_and_changes_nothing(
    add_member: Callable[..., Membership],
    seller: Membership,
    client: Client,
    rates: dict[str, TaxRate],
    make_invoice: Callable[..., Any],
) -> None:
    invoice = make_invoice()
    accountant = logged_in(add_member(Role.ACCOUNTANT))
    detail = accountant.get(reverse("invoicing:document_detail", args=[invoice.pk]))

    assert detail.status_code == 200
    page = html(detail)
    assert "Issue invoice…" not in page and ">Edit</a>" not in page and "Duplicate" not in page
    assert accountant.get(reverse("invoicing:invoice_list")).status_code == 200
    assert "New invoice" not in html(accountant.get(reverse("invoicing:invoice_list")))
    for name in ("document_issue", "invoice_void", "document_delete", "document_duplicate"):
        assert accountant.post(reverse(f"invoicing:{name}", args=[invoice.pk])).status_code == 403
    assert accountant.get(reverse("invoicing:invoice_create")).status_code == 403
    assert accountant.get(reverse("invoicing:document_edit", args=[invoice.pk])).status_code == 403
    preview = accountant.post(reverse("invoicing:document_preview"), editor_data(client, rates))
    assert preview.status_code == 403
    created = accountant.post(reverse("invoicing:invoice_create"), editor_data(client, rates))
    assert created.status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == S.DRAFT
    assert Document.objects.count() == 1


def test_another_organizations_document_is_not_found(
    other_owner: Membership, make_invoice: Callable[..., Any]
) -> None:
    invoice = make_invoice()
    stranger = logged_in(other_owner)

    assert stranger.get(reverse("invoicing:document_detail", args=[invoice.pk])).status_code == 404
    assert stranger.get(reverse("invoicing:document_print", args=[invoice.pk])).status_code == 404
    issue = stranger.post(reverse("invoicing:document_issue", args=[invoice.pk]))
    assert issue.status_code == 404
    assert stranger.get(reverse("invoicing:invoice_list")).context["page"].paginator.count == 0


# --- deposit invoices a final invoice deducts --------------------------------------------------


@pytest.fixture
def issued_deposit(seller: Membership, make_invoice: Callable[..., Any]) -> Callable[..., Any]:
    """An issued deposit invoice: 300.00 net at 19 % makes 357.00 unless told otherwise."""

    def make(price: str = "300.00", **fields: Any) -> Document:
        deposit = make_invoice(kind="deposit_invoice", lines=[("Deposit", "1", price)], **fields)
        return document_issue(membership=seller, document_id=deposit.pk)

    return make


def test_the_invoice_editor_lists_only_the_clients_deposits_left_to_deduct(
    web: WebClient,
    seller: Membership,
    client: Client,
    make_invoice: Callable[..., Any],
    issued_deposit: Callable[..., Any],
) -> None:
    other = Client.objects.create(
        organization=seller.organization,
        legal_name="Other GmbH",
        billing_line1="2 Quay",
        billing_city="Bremen",
        billing_country="DE",
    )
    open_deposit = issued_deposit()
    taken = issued_deposit()
    make_invoice(deposit_ids=(taken.pk,))  # a draft deducting it keeps it for itself
    in_dollars = issued_deposit(currency="USD", exchange_rate=Decimal("0.9"))
    others = [
        make_invoice(kind="deposit_invoice"),  # a draft
        issued_deposit(client_id=other.pk),
        taken,
        in_dollars,
    ]

    page = html(web.get(reverse("invoicing:invoice_create"), {"client": str(client.pk)}))

    assert "Deduct deposit invoices" in page
    assert f'name="deposit_ids" value="{open_deposit.pk}">' in page
    assert f"{open_deposit.number} · " in page and "€357.00</label>" in page
    assert not any(f'value="{deposit.pk}"' in page for deposit in others)

    response = web.get(
        reverse("invoicing:invoice_create"),
        {"kind": "invoice", "client_id": str(client.pk), "currency": "USD"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="deposit-choices",
    )
    partial = html(response)
    assert "<html" not in partial
    assert f'value="{in_dollars.pk}"' in partial and f'value="{open_deposit.pk}"' not in partial
    assert "recalculate" in response.headers["HX-Trigger-After-Settle"]
    as_deposit = web.get(
        reverse("invoicing:invoice_create"),
        {"kind": "deposit_invoice", "client_id": str(client.pk), "currency": "EUR"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="deposit-choices",
    )
    assert "Deduct deposit invoices" not in html(as_deposit)
    assert "Deduct deposit invoices" not in html(web.get(reverse("invoicing:quote_create")))


def test_saving_an_invoice_with_a_deposit_deducts_it_from_the_balance(
    web: WebClient, client: Client, rates: dict[str, TaxRate], issued_deposit: Callable[..., Any]
) -> None:
    deposit = issued_deposit()

    response = web.post(
        reverse("invoicing:invoice_create"),
        editor_data(client, rates, deposit_ids=[str(deposit.pk)]),
    )

    invoice = Document.objects.get(kind=DocumentKind.INVOICE)
    assert response.status_code == 302
    assert list(invoice.deposits.all()) == [deposit]
    assert invoice.prepaid_amount == Decimal("357.00")
    assert invoice.balance_due == Decimal("1151.90") - Decimal("357.00")
    url = reverse("invoicing:document_edit", args=[invoice.pk])
    assert f'name="deposit_ids" value="{deposit.pk}" checked' in html(web.get(url))

    data = editor_data(client, rates, document=str(invoice.pk))  # every box unchecked
    assert web.post(url, data).status_code == 302

    invoice.refresh_from_db()
    assert not invoice.deposits.exists()
    assert (invoice.prepaid_amount, invoice.balance_due) == (Decimal(0), Decimal("1151.90"))


def test_the_preview_shows_the_deposits_deducted_and_the_balance_after_them(
    web: WebClient, client: Client, rates: dict[str, TaxRate], issued_deposit: Callable[..., Any]
) -> None:
    deposit = issued_deposit()
    data = editor_data(client, rates, deposit_ids=[str(deposit.pk)])

    response = web.post(reverse("invoicing:document_preview"), data, HTTP_HX_REQUEST="true")

    page = html(response)
    assert "HX-Retarget" not in response.headers
    assert '<dd data-total="total">€1,151.90</dd>' in page
    assert "<dt>Deposits deducted</dt><dd>−€357.00</dd>" in page
    assert "<dt>Paid</dt>" not in page
    assert '<dd data-total="balance">€794.90</dd>' in page


def test_a_deposit_another_invoice_deducts_is_refused_inline(
    web: WebClient,
    client: Client,
    rates: dict[str, TaxRate],
    make_invoice: Callable[..., Any],
    issued_deposit: Callable[..., Any],
) -> None:
    deposit = issued_deposit()
    make_invoice(deposit_ids=(deposit.pk,))
    data = editor_data(client, rates, deposit_ids=[str(deposit.pk)])

    response = web.post(reverse("invoicing:invoice_create"), data)
    preview = web.post(reverse("invoicing:document_preview"), data, HTTP_HX_REQUEST="true")

    message = f"{deposit.number} is deducted already."
    assert response.status_code == 422
    assert Document.objects.filter(kind=DocumentKind.INVOICE).count() == 1
    assert response.context["editor"].header.errors["deposit_ids"] == [message]
    page = html(response)
    assert f'<a href="#id_deposit_ids">Deduct deposit invoices</a>: {message}' in page
    assert f'<p class="field-error" id="id_deposit_ids_error">{message}</p>' in page
    assert f"&quot;id_deposit_ids&quot;: &quot;{message}&quot;" in html(preview)


def test_the_document_page_and_print_view_list_the_deposits_deducted(
    web: WebClient,
    seller: Membership,
    make_invoice: Callable[..., Any],
    issued_deposit: Callable[..., Any],
) -> None:
    deposit = issued_deposit()
    invoice = make_invoice(deposit_ids=(deposit.pk,))
    detail = reverse("invoicing:document_detail", args=[invoice.pk])
    row = (
        f"<tr><td>{deposit.number}</td><td>{deposit.issue_date:%-d %b %Y}</td>"
        '<td class="numeric">€300.00</td><td class="numeric">€57.00</td>'
        '<td class="numeric">€357.00</td></tr>'
    )
    assert row in html(web.get(detail))  # a draft: its live deposits

    document_issue(membership=seller, document_id=invoice.pk)

    for page in (html(web.get(detail)), html(web.get(f"{detail}/print"))):
        assert "Deposit invoices deducted" in page
        assert row in page  # issued: from the snapshot
        assert "<dt>Deposits deducted</dt><dd>−€357.00</dd>" in page
        assert '<dd data-total="balance">€797.30</dd>' in page


def test_the_preview_of_a_draft_keeps_the_deposits_it_deducts(
    web: WebClient,
    client: Client,
    rates: dict[str, TaxRate],
    make_invoice: Callable[..., Any],
    issued_deposit: Callable[..., Any],
) -> None:
    deposit = issued_deposit()
    invoice = make_invoice(deposit_ids=(deposit.pk,))
    data = editor_data(client, rates, document=str(invoice.pk), deposit_ids=[str(deposit.pk)])

    response = web.post(reverse("invoicing:document_preview"), data, HTTP_HX_REQUEST="true")

    assert '<dd data-total="balance">€794.90</dd>' in html(response)


def test_the_preview_shows_totals_before_a_client_is_chosen(
    web: WebClient, client: Client, rates: dict[str, TaxRate]
) -> None:
    data = editor_data(client, rates, client_id="")

    response = web.post(reverse("invoicing:document_preview"), data, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert '<dd data-total="total">€1,151.90</dd>' in html(response)

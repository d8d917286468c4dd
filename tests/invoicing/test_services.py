import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from fakturo.audit.models import AuditEvent
from fakturo.core.errors import Conflict, PermissionDenied, ValidationFailed
from fakturo.crm.models import Activity
from fakturo.invoicing.inputs import DocumentInput, LineInput
from fakturo.invoicing.models import Document, DocumentLine, ImmutableDocument, NumberSeries
from fakturo.invoicing.services import (
    CreditLine,
    credit_note_create,
    document_delete,
    document_issue,
    document_mark_sent,
    document_update,
    document_update_internal,
    invoice_void,
    quote_accept,
    quote_convert,
    quote_send,
)

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_draft_has_exact_totals_and_no_number(make_invoice):
    invoice = make_invoice()

    assert invoice.status == "draft"
    assert invoice.number == ""
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        D("970.00"),
        D("184.30"),
        D("1154.30"),
    )
    assert [line.net_amount for line in invoice.lines.all()] == [D("950.00"), D("20.00")]


def test_issue_numbers_freezes_and_records(seller, make_invoice):
    invoice = make_invoice(issue_date=datetime.date(2026, 3, 2))

    issued = document_issue(membership=seller, document_id=invoice.pk)

    assert issued.status == "issued"
    assert issued.number == "2026-0001"
    assert issued.due_date == datetime.date(2026, 3, 16)
    assert issued.snapshot["buyer"]["legal_name"] == "Blue Harbour Ltd"
    assert issued.snapshot["totals"]["total"] == "1154.30"
    assert issued.snapshot["seller"]["vat_id"] == "DE123456788"
    assert issued.rounding_method == "half-up"
    assert AuditEvent.objects.filter(action="invoice.issued", target_id=str(invoice.pk)).exists()
    assert Activity.objects.filter(kind="invoice_issued", document_id=invoice.pk).exists()
    second = document_issue(
        membership=seller, document_id=make_invoice(issue_date=datetime.date(2026, 3, 3)).pk
    )
    assert second.number == "2026-0002"


def test_editing_the_client_later_never_changes_the_issued_document(seller, client, make_invoice):
    invoice = document_issue(membership=seller, document_id=make_invoice().pk)
    client.legal_name = "Renamed Ltd"
    client.save()

    invoice.refresh_from_db()
    assert invoice.snapshot["buyer"]["legal_name"] == "Blue Harbour Ltd"


def test_issued_documents_are_immutable_by_every_path(seller, make_invoice):
    invoice = document_issue(membership=seller, document_id=make_invoice().pk)
    line = invoice.lines.first()

    with pytest.raises(Conflict):
        document_update(
            membership=seller,
            document_id=invoice.pk,
            data=DocumentInput(notes="x", provided=frozenset({"notes"})),
        )
    with pytest.raises(Conflict):
        document_delete(membership=seller, document_id=invoice.pk)
    invoice.notes = "changed"
    with pytest.raises(ImmutableDocument):
        invoice.save()
    with pytest.raises(ImmutableDocument):
        Document.objects.filter(pk=invoice.pk).update(total=D("1"))
    with pytest.raises(ImmutableDocument):
        Document.objects.filter(pk=invoice.pk).delete()
    with pytest.raises(ImmutableDocument):
        invoice.delete()
    with pytest.raises(ImmutableDocument):
        line.save()
    with pytest.raises(ImmutableDocument):
        DocumentLine.objects.filter(document=invoice).update(quantity=D("2"))
    with pytest.raises(ImmutableDocument):
        DocumentLine.objects.filter(document=invoice).delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE invoicing_document SET total = 1 WHERE id = %s",
        "UPDATE invoicing_document SET number = 'X' WHERE id = %s",
        "DELETE FROM invoicing_document WHERE id = %s",
        "UPDATE invoicing_documentline SET quantity = 99 WHERE document_id = %s",
        "DELETE FROM invoicing_documentline WHERE document_id = %s",
        "DELETE FROM invoicing_documentline_tax_rates WHERE documentline_id IN "
        "(SELECT id FROM invoicing_documentline WHERE document_id = %s)",
    ],
)
def test_the_database_refuses_raw_changes_to_issued_documents(seller, make_invoice, statement):
    invoice = document_issue(membership=seller, document_id=make_invoice().pk)
    document_id = invoice.pk.hex if connection.vendor == "sqlite" else invoice.pk

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [document_id])


def test_whitelisted_fields_still_change(seller, make_invoice):
    invoice = document_issue(membership=seller, document_id=make_invoice().pk)

    document_update_internal(
        membership=seller, document_id=invoice.pk, internal_notes="Called about it", tags=["vip"]
    )

    invoice.refresh_from_db()
    assert (invoice.internal_notes, invoice.tags) == ("Called about it", ["vip"])


def test_issuing_is_refused_naming_what_is_missing_and_consumes_no_number(
    seller, client, make_invoice
):
    client.billing_line1 = ""
    client.save()
    invoice = make_invoice(rate="E-no-reason")

    with pytest.raises(ValidationFailed) as error:
        document_issue(membership=seller, document_id=invoice.pk)

    fields = {item["field"] for item in error.value.errors}
    assert fields == {"buyer.billing_line1", "lines.0.tax_rate_ids", "lines.1.tax_rate_ids"}
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("draft", "")
    assert (
        NumberSeries.objects.get(organization=seller.organization, kind="invoice").next_number == 1
    )


def test_reverse_charge_needs_the_buyers_vat_id(seller, client, make_invoice):
    invoice = make_invoice(rate="RC")

    with pytest.raises(ValidationFailed) as error:
        document_issue(membership=seller, document_id=invoice.pk)

    assert {item["field"] for item in error.value.errors} == {"buyer.vat_id"}


def test_a_failure_inside_the_issue_transaction_gives_the_number_back(
    seller, make_invoice, monkeypatch
):
    from fakturo.invoicing import services

    invoice = make_invoice()
    monkeypatch.setattr(
        services, "activity_record", lambda **kwargs: (_ for _ in ()).throw(RuntimeError("boom"))
    )

    with pytest.raises(RuntimeError):
        document_issue(membership=seller, document_id=invoice.pk)

    invoice.refresh_from_db()
    assert invoice.status == "draft"
    assert (
        NumberSeries.objects.get(organization=seller.organization, kind="invoice").next_number == 1
    )


def test_a_manual_number_must_be_unique(seller, make_invoice):
    document_issue(membership=seller, document_id=make_invoice().pk, number="OLD-17")

    with pytest.raises(ValidationFailed):
        document_issue(membership=seller, document_id=make_invoice().pk, number="OLD-17")


def test_void_issues_the_full_credit_note(seller, make_invoice):
    invoice = document_issue(membership=seller, document_id=make_invoice().pk)

    credit_note = invoice_void(membership=seller, invoice_id=invoice.pk)

    invoice.refresh_from_db()
    assert credit_note.kind == "credit_note"
    assert credit_note.status == "issued"
    assert credit_note.number.startswith("CN-")
    assert credit_note.related_id == invoice.pk
    assert (credit_note.total, credit_note.tax_total) == (invoice.total, invoice.tax_total)
    assert invoice.status == "void"
    assert invoice.balance_due == 0
    with pytest.raises(Conflict):
        invoice_void(membership=seller, invoice_id=invoice.pk)


def test_a_partial_credit_note_never_exceeds_what_is_left(seller, make_invoice):
    invoice = document_issue(membership=seller, document_id=make_invoice().pk)
    first_line = invoice.lines.order_by("position").first()

    draft = credit_note_create(
        membership=seller, invoice_id=invoice.pk, lines=[CreditLine(first_line.pk, D("4"))]
    )
    document_issue(membership=seller, document_id=draft.pk)

    invoice.refresh_from_db()
    assert invoice.status == "issued"
    assert invoice.balance_due == D("1154.30") - D("452.20")
    with pytest.raises(ValidationFailed):
        credit_note_create(
            membership=seller, invoice_id=invoice.pk, lines=[CreditLine(first_line.pk, D("7"))]
        )
    with pytest.raises(ValidationFailed):
        credit_note_create(membership=seller, invoice_id=invoice.pk, amount=D("800"))
    rest = invoice_void(membership=seller, invoice_id=invoice.pk)
    assert rest.total == D("1154.30") - D("452.20")


def test_quote_flow(seller, make_invoice):
    quote = make_invoice(kind="quote")

    quote = quote_send(membership=seller, document_id=quote.pk)
    assert (quote.status, quote.number[:2]) == ("sent", "Q-")
    quote_accept(membership=seller, document_id=quote.pk)
    invoice = quote_convert(membership=seller, document_id=quote.pk)

    quote.refresh_from_db()
    assert quote.status == "converted"
    assert quote.converted_to_id == invoice.pk
    assert invoice.kind == "invoice" and invoice.status == "draft"
    assert invoice.total == quote.total
    with pytest.raises(Conflict):
        quote_convert(membership=seller, document_id=quote.pk)


def test_final_invoice_deducts_deposits(seller, make_invoice):
    deposit = document_issue(
        membership=seller,
        document_id=make_invoice(
            kind="deposit_invoice", lines=[("Deposit 30 %", "1", "300.00")]
        ).pk,
    )

    final = make_invoice(deposit_ids=(deposit.pk,))
    issued = document_issue(membership=seller, document_id=final.pk)

    assert issued.prepaid_amount == D("357.00")
    assert issued.balance_due == D("1154.30") - D("357.00")
    assert issued.snapshot["deposits"][0]["tax_total"] == "57.0000"
    with pytest.raises(ValidationFailed):
        make_invoice(deposit_ids=(deposit.pk,))


def test_mark_sent(seller, make_invoice):
    invoice = document_issue(membership=seller, document_id=make_invoice().pk)

    document_mark_sent(membership=seller, document_id=invoice.pk)

    invoice.refresh_from_db()
    assert invoice.status == "sent"
    assert Activity.objects.filter(kind="invoice_sent").exists()


def test_an_accountant_cannot_write(add_member, seller, make_invoice):
    accountant = add_member("accountant")

    with pytest.raises(PermissionDenied):
        make_invoice(membership=accountant)


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (LineInput(description="", quantity=D("1"), unit_price=D("1")), "lines.0.description"),
        (LineInput(description="x", quantity=D("0"), unit_price=D("1")), "lines.0.quantity"),
        (LineInput(description="x", quantity=D("1e12"), unit_price=D("1")), "lines.0.quantity"),
        (LineInput(description="x", quantity=D("1"), unit_price=D("-1")), "lines.0.unit_price"),
        (
            LineInput(description="x", quantity=D("1"), unit_price=D("1.00001")),
            "lines.0.unit_price",
        ),
        (
            LineInput(
                description="x", quantity=D("1"), unit_price=D("1"), discount_percent=D("101")
            ),
            "lines.0.discount_percent",
        ),
    ],
)
def test_bad_lines_name_the_field(seller, client, line, field):
    from fakturo.invoicing.services import document_create

    with pytest.raises(ValidationFailed) as error:
        document_create(
            membership=seller,
            kind="invoice",
            data=DocumentInput(client_id=client.pk, lines=(line,)),
        )

    assert field in {item["field"] for item in error.value.errors}
    assert not Document.objects.exists()


def test_negative_quantities_only_on_invoices(seller, client, make_invoice):
    returned = make_invoice(lines=[("Goods", "3", "10"), ("Returned goods", "-1", "10")])

    assert returned.total == D("23.80")
    with pytest.raises(ValidationFailed):
        make_invoice(kind="quote", lines=[("Returned", "-1", "10")])


def _batch_input(client, rate, **fields):
    return DocumentInput(
        client_id=client.pk,
        lines=tuple(
            LineInput(
                description=f"Item {n}",
                quantity=D(n),
                unit_price=D("9.99"),
                tax_rate_ids=(rate.pk,),
            )
            for n in range(1, 4)
        ),
        **fields,
    )


def test_a_batch_issues_with_consecutive_numbers_like_one_by_one(
    seller, client, rates, make_invoice
):
    from fakturo.invoicing.services import documents_issue_batch

    single = document_issue(
        membership=seller,
        document_id=make_invoice(
            lines=[(f"Item {n}", str(n), "9.99") for n in range(1, 4)],
            issue_date=datetime.date(2026, 2, 1),
        ).pk,
    )

    batch = documents_issue_batch(
        membership=seller,
        kind="invoice",
        inputs=[
            _batch_input(client, rates["19"], issue_date=datetime.date(2026, 2, 2))
            for _ in range(3)
        ],
    )

    assert [d.number for d in batch] == ["2026-0002", "2026-0003", "2026-0004"]
    stored = Document.objects.get(pk=batch[0].pk)
    assert stored.status == "issued"
    assert stored.total == single.total
    assert stored.snapshot["totals"] == single.snapshot["totals"]
    assert stored.lines.count() == 3
    assert AuditEvent.objects.filter(action="invoice.issued").count() == 4
    assert Activity.objects.filter(kind="invoice_issued").count() == 4
    with pytest.raises(ImmutableDocument):
        Document.objects.filter(pk=stored.pk).update(total=D("0"))


def test_a_batch_is_all_or_nothing_and_names_the_document(seller, client, rates):
    from fakturo.invoicing.services import documents_issue_batch

    good = _batch_input(client, rates["19"])
    bad = _batch_input(client, rates["E-no-reason"])

    with pytest.raises(ValidationFailed) as error:
        documents_issue_batch(membership=seller, kind="invoice", inputs=[good, bad])

    assert "documents.1.lines.0.tax_rate_ids" in {e["field"] for e in error.value.errors}
    assert not Document.objects.exists()
    assert (
        NumberSeries.objects.get(organization=seller.organization, kind="invoice").next_number == 1
    )


def test_editing_a_credit_note_draft_beyond_what_is_left_is_refused_at_once(seller, make_invoice):
    invoice = document_issue(membership=seller, document_id=make_invoice().pk)
    draft = credit_note_create(membership=seller, invoice_id=invoice.pk, amount=D("100"))
    line = draft.lines.get()

    with pytest.raises(ValidationFailed) as raised:
        document_update(
            membership=seller,
            document_id=draft.pk,
            data=DocumentInput(
                lines=(
                    LineInput(
                        description=line.description,
                        quantity=D("1"),
                        unit_price=D("5000"),
                        tax_rate_ids=tuple(r.pk for r in line.tax_rates.all()),
                    ),
                ),
                provided=frozenset({"lines"}),
            ),
        )

    assert "exceeds what is left to credit" in str(raised.value.errors)
    draft.refresh_from_db()
    assert draft.total == D("100") + draft.tax_total

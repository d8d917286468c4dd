"""Downloads through the API and the document page."""

import hashlib

from fakturo.documents.jobs import document_archive
from fakturo.documents.models import RenderedFile
from fakturo.invoicing.services import credit_note_create
from tests.conftest import PASSWORD


def test_pdf_download(api, issued_invoice):
    response = api.get(f"/invoices/{issued_invoice.pk}/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="2026-0001.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert response["ETag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'

    again = api.get(f"/invoices/{issued_invoice.pk}/pdf", if_none_match=response["ETag"])

    assert again.status_code == 304


def test_the_archived_bytes_are_served(api, issued_invoice):
    document_archive(document_id=issued_invoice.pk)
    archived = RenderedFile.objects.get(document=issued_invoice, format="cii")

    response = api.get(f"/invoices/{issued_invoice.pk}/cii")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == 'attachment; filename="2026-0001.cii.xml"'
    assert response.content == archived.read()
    assert response["ETag"] == f'"{archived.sha256}"'


def test_xml_formats(api, issued_invoice):
    for format, root in [("ubl", b"Invoice"), ("cii", b"CrossIndustryInvoice")]:
        response = api.get(f"/invoices/{issued_invoice.pk}/{format}")
        assert response.status_code == 200, response.content
        assert root in response.content[:400]
    facturx = api.get(f"/invoices/{issued_invoice.pk}/facturx")
    assert facturx.status_code == 200
    assert facturx["Content-Disposition"] == 'attachment; filename="2026-0001.facturx.pdf"'


def test_credit_note_download(api, seller, issued_invoice, issue):
    from decimal import Decimal

    credit_note = issue(
        credit_note_create(membership=seller, invoice_id=issued_invoice.pk, amount=Decimal(119))
    )

    response = api.get(f"/credit-notes/{credit_note.pk}/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert api.get(f"/invoices/{credit_note.pk}/pdf").status_code == 404


def test_another_organizations_document_is_not_found(api_for, other_owner, issued_invoice):
    response = api_for(other_owner).get(f"/invoices/{issued_invoice.pk}/pdf")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_draft_has_no_files(api, make_invoice):
    draft = make_invoice()

    response = api.get(f"/invoices/{draft.pk}/pdf")

    assert response.status_code == 409
    assert response.json()["title"] == "Conflict"


def test_missing_variant_fields_are_listed(api, issued_invoice):
    response = api.get(f"/invoices/{issued_invoice.pk}/xrechnung")

    assert response.status_code == 422
    body = response.json()
    assert body["errors"] and all(error["field"] == "xrechnung" for error in body["errors"])


def test_a_quote_has_no_einvoice(api, make_invoice, issue):
    quote = issue(make_invoice(kind="quote"))

    assert api.get(f"/quotes/{quote.pk}/pdf").status_code == 200
    response = api.get(f"/quotes/{quote.pk}/cii")
    assert response.status_code == 422


def test_the_document_page_downloads(client, owner, issued_invoice, other_owner):
    from django.test import Client

    browser = Client()
    browser.login(email="owner@acme.test", password=PASSWORD)

    page = browser.get(f"/documents/{issued_invoice.pk}")
    assert f"/documents/{issued_invoice.pk}/files/pdf" in page.content.decode()
    response = browser.get(f"/documents/{issued_invoice.pk}/files/pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="2026-0001.pdf"'

    stranger = Client()
    stranger.login(email="owner@globex.test", password=PASSWORD)
    assert stranger.get(f"/documents/{issued_invoice.pk}/files/pdf").status_code == 404

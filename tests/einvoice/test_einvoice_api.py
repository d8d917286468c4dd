"""/api/v1/einvoices/validate and /import, /api/v1/received-documents: uploads as multipart or
raw bodies, problem+json for everything that is no e-invoice, nothing stored on refusal."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from fakturo.accounts.choices import Role
from fakturo.accounts.models import Membership
from fakturo.audit.models import AuditEvent
from fakturo.einvoice.models import ReceivedDocument
from fakturo.einvoice.services import MAX_UPLOAD_BYTES
from tests.conftest import ApiClient

EXAMPLES = Path("/work/shared/einvoice/examples")
UBL = EXAMPLES / "ubl/cen-examples/ubl-tc434-example1.xml"
CII = EXAMPLES / "cii/zugferd-corpus/EN16931_Einfach.cii.xml"
FACTURX = EXAMPLES / "facturx/ferd-zugferd22/EN16931_Einfach.pdf"
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>&secret;</cbc:ID>
</Invoice>"""
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">'
    b"&lol9;</Invoice>"
)


def plain_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def post_raw(api: ApiClient, path: str, data: bytes, content_type: str) -> Any:
    return api.client.post(
        f"/api/v1{path}",
        data=data,
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
    )


def post_file(api: ApiClient, path: str, name: str, data: bytes, content_type: str) -> Any:
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return api.client.post(
        f"/api/v1{path}", {"file": upload}, HTTP_AUTHORIZATION=f"Bearer {api.token}"
    )


def test_validate_a_raw_ubl_body(api: ApiClient) -> None:
    response = post_raw(api, "/einvoices/validate", UBL.read_bytes(), "application/xml")

    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert body["syntax"] == "ubl-invoice"
    assert body["profile"] == "en16931"
    assert [f for f in body["findings"] if f["severity"] in ("fatal", "error")] == []
    assert ReceivedDocument.objects.count() == 0


def test_validate_a_multipart_facturx_pdf(api: ApiClient) -> None:
    response = post_file(
        api, "/einvoices/validate", FACTURX.name, FACTURX.read_bytes(), "application/pdf"
    )

    assert response.status_code == 200
    assert response.json()["syntax"] == "facturx-pdf"
    assert response.json()["valid"] is True


def test_validate_reports_rule_findings_for_an_invalid_invoice(api: ApiClient) -> None:
    data = UBL.read_bytes().replace(
        b"<cbc:DocumentCurrencyCode>EUR", b"<cbc:DocumentCurrencyCode>XXQ"
    )

    body = post_raw(api, "/einvoices/validate", data, "text/xml").json()

    assert body["valid"] is False
    assert any(
        finding["severity"] == "fatal" and finding["location"] for finding in body["findings"]
    )


@pytest.mark.parametrize(
    ("data", "content_type", "status", "words"),
    [
        (b"\x00\x01garbage bytes", "application/xml", 422, "not well-formed"),
        (b"<html><body>hello</body></html>", "text/xml", 422, "no UBL Invoice"),
        (XXE, "application/xml", 422, "DOCTYPE"),
        (BILLION_LAUGHS, "application/xml", 422, "DOCTYPE"),
        (plain_pdf(), "application/pdf", 422, "no embedded invoice XML"),
        (b"<Invoice/>", "application/json", 415, "application/json"),
        (b"<Invoice/>", "", 415, "no content type"),
        (b"<Invoice/>", "application/pdf", 415, "not a PDF"),
        (b"<" + b" " * MAX_UPLOAD_BYTES + b"/>", "application/xml", 413, "limit"),
    ],
    ids=[
        "garbage",
        "html",
        "xxe",
        "billion-laughs",
        "plain-pdf",
        "json",
        "none",
        "mismatch",
        "big",
    ],
)
def test_what_is_no_einvoice_is_a_problem_and_stores_nothing(
    api: ApiClient, data: bytes, content_type: str, status: int, words: str
) -> None:
    for path in ("/einvoices/validate", "/einvoices/import"):
        response = post_raw(api, path, data, content_type)

        assert response.status_code == status, response.content[:300]
        assert response["Content-Type"].startswith("application/problem+json")
        assert words in response.json()["detail"]
    assert ReceivedDocument.objects.count() == 0
    assert not AuditEvent.objects.filter(action="received_document.imported").exists()


def test_an_oversized_multipart_upload_is_refused(api: ApiClient) -> None:
    big = b"<" + b" " * MAX_UPLOAD_BYTES + b"/>"

    response = post_file(api, "/einvoices/import", "big.xml", big, "application/xml")

    assert response.status_code == 413
    assert ReceivedDocument.objects.count() == 0


def test_import_list_detail_and_original_file(api: ApiClient) -> None:
    data = CII.read_bytes()

    response = post_file(api, "/einvoices/import", "incoming/Einfach.xml", data, "text/xml")

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["number"] == "471102"
    assert created["supplier_name"] == "Lieferant GmbH"
    assert created["valid"] is True
    assert created["original_filename"] == "Einfach.xml"
    assert created["totals"]["total"] == "529.87"
    assert created["totals"]["balance_due"] == "529.87"
    assert created["parsed"]["lines"][0]["description"] == "Trennblätter A4"

    listing = api.get("/received-documents?limit=10").json()
    assert listing["count"] == 1
    assert listing["items"][0]["id"] == created["id"]

    detail = api.get(f"/received-documents/{created['id']}")
    assert detail.status_code == 200
    assert detail.json()["sha256"] == created["sha256"]

    original = api.get(f"/received-documents/{created['id']}/file")
    assert original.status_code == 200
    assert b"".join(original.streaming_content) == data
    assert original["Content-Type"] == "text/xml"
    assert "Einfach.xml" in original["Content-Disposition"]


def test_the_same_file_twice_is_a_conflict(api: ApiClient) -> None:
    data = UBL.read_bytes()
    assert post_raw(api, "/einvoices/import", data, "application/xml").status_code == 201

    again = post_raw(api, "/einvoices/import", data, "application/xml")

    assert again.status_code == 409
    assert "imported already" in again.json()["detail"]
    assert ReceivedDocument.objects.count() == 1


def test_a_tampered_invoice_is_imported_with_a_sum_mismatch(api: ApiClient) -> None:
    data = CII.read_bytes().replace(
        b"<ram:LineTotalAmount>198.00</ram:LineTotalAmount>",
        b"<ram:LineTotalAmount>199.00</ram:LineTotalAmount>",
        1,
    )

    response = post_raw(api, "/einvoices/import", data, "application/xml")

    assert response.status_code == 201
    body = response.json()
    assert body["valid"] is False
    assert "FAKTURO-SUM-BT106" in {finding["rule_id"] for finding in body["findings"]}


def test_another_organizations_document_is_not_found(
    api: ApiClient, other_owner: Membership, api_for: Callable[..., ApiClient]
) -> None:
    created = post_raw(api, "/einvoices/import", UBL.read_bytes(), "application/xml").json()
    other = api_for(other_owner)

    assert other.get(f"/received-documents/{created['id']}").status_code == 404
    assert other.get(f"/received-documents/{created['id']}/file").status_code == 404
    assert other.get("/received-documents").json()["count"] == 0


def test_import_needs_a_role_that_edits_documents(
    add_member: Callable[..., Membership], api_for: Callable[..., ApiClient]
) -> None:
    accountant = api_for(add_member(Role.ACCOUNTANT))

    response = post_raw(accountant, "/einvoices/import", UBL.read_bytes(), "application/xml")

    assert response.status_code == 403
    assert ReceivedDocument.objects.count() == 0


@pytest.mark.parametrize("amount", [b"9E+999999", b"1" * 60, b"NaN"])
def test_an_amount_that_is_no_decimal_is_a_finding_not_an_error(
    api: ApiClient, amount: bytes
) -> None:
    data = CII.read_bytes().replace(
        b"<ram:LineTotalAmount>198.00</ram:LineTotalAmount>",
        b"<ram:LineTotalAmount>" + amount + b"</ram:LineTotalAmount>",
        1,
    )

    validated = post_raw(api, "/einvoices/validate", data, "application/xml")
    imported = post_raw(api, "/einvoices/import", data, "application/xml")

    assert validated.status_code == 200 and validated.json()["valid"] is False
    assert imported.status_code == 201
    assert "FAKTURO-NUMBER" in {finding["rule_id"] for finding in imported.json()["findings"]}

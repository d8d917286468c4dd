"""Parsing and importing received e-invoices: every corpus example, tampered and hostile files."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from lxml import etree

from fakturo.accounts.models import Membership
from fakturo.audit.models import AuditEvent
from fakturo.core.errors import Conflict, PermissionDenied, ValidationFailed
from fakturo.einvoice.models import ReceivedDocument
from fakturo.einvoice.parsing import TOTAL_NAMES, parse
from fakturo.einvoice.services import (
    FileTooLarge,
    UnsupportedMediaType,
    einvoice_import,
)
from fakturo.einvoice.validation import NS, read_source

EXAMPLES_DIR = Path("/work/shared/einvoice/examples")
EXAMPLES = sorted(
    path
    for folder in ("ubl", "cii", "facturx")
    for path in (EXAMPLES_DIR / folder).rglob("*")
    if path.suffix.lower() in (".xml", ".pdf")
)
CII = EXAMPLES_DIR / "cii/zugferd-corpus/EN16931_Einfach.cii.xml"
UBL = EXAMPLES_DIR / "ubl/cen-examples/ubl-tc434-example1.xml"
# Where each syntax states BT-106..115, read here with plain XPath, independently of parsing.py.
UBL_TOTALS = {
    "subtotal": "cac:LegalMonetaryTotal/cbc:LineExtensionAmount",
    "allowance_total": "cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount",
    "charge_total": "cac:LegalMonetaryTotal/cbc:ChargeTotalAmount",
    "net_total": "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
    "tax_total": "cac:TaxTotal/cbc:TaxAmount[@currencyID=../../cbc:DocumentCurrencyCode]",
    "total": "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
    "prepaid_amount": "cac:LegalMonetaryTotal/cbc:PrepaidAmount",
    "balance_due": "cac:LegalMonetaryTotal/cbc:PayableAmount",
}
SUMMATION = (
    "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
)
CII_TOTALS = {
    "subtotal": SUMMATION + "ram:LineTotalAmount",
    "allowance_total": SUMMATION + "ram:AllowanceTotalAmount",
    "charge_total": SUMMATION + "ram:ChargeTotalAmount",
    "net_total": SUMMATION + "ram:TaxBasisTotalAmount",
    "tax_total": SUMMATION + "ram:TaxTotalAmount[not(@currencyID) or @currencyID="
    "../../ram:InvoiceCurrencyCode]",
    "total": SUMMATION + "ram:GrandTotalAmount",
    "prepaid_amount": SUMMATION + "ram:TotalPrepaidAmount",
    "balance_due": SUMMATION + "ram:DuePayableAmount",
}


def example_id(path: Path) -> str:
    return str(path.relative_to(EXAMPLES_DIR))


def stated_totals(data: bytes) -> dict[str, Decimal | None]:
    source = read_source(data)
    paths = CII_TOTALS if source.syntax == "cii" else UBL_TOTALS
    totals = {}
    for name, path in paths.items():
        found = source.root.xpath(path, namespaces=NS)
        totals[name] = Decimal(found[0].text.strip()) if found else None
    return totals


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def import_file(owner: Membership, path: Path, data: bytes | None = None) -> ReceivedDocument:
    content_type = "application/pdf" if path.suffix.lower() == ".pdf" else "application/xml"
    return einvoice_import(
        membership=owner,
        data=path.read_bytes() if data is None else data,
        filename=path.name,
        content_type=content_type,
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=example_id)
def test_every_example_imports_with_the_totals_it_states(
    owner: Membership, path: Path, media: Path
) -> None:
    data = path.read_bytes()
    stated = stated_totals(data)

    document = import_file(owner, path)

    document.refresh_from_db()
    assert {name: getattr(document, name) for name in TOTAL_NAMES} == stated
    assert document.parsed["totals"] == {
        name: None if value is None else str(value) for name, value in stated.items()
    }
    assert document.number
    assert document.syntax in ("ubl-invoice", "ubl-creditnote", "cii", "facturx-pdf")
    with document.file.open("rb") as stored:
        assert stored.read() == data
    assert document.file.name.startswith(f"organizations/{owner.organization_id}/received/")
    assert AuditEvent.objects.filter(
        action="received_document.imported", target_id=str(document.pk)
    ).exists()


def test_parsing_reads_parties_lines_breakdown_and_payment() -> None:
    invoice = parse(CII.read_bytes())

    assert (invoice.number, invoice.type_code, invoice.currency) == ("471102", "380", "EUR")
    assert str(invoice.issue_date) == "2018-03-05"
    assert invoice.seller.name == "Lieferant GmbH"
    assert invoice.seller.vat_id == "DE123456789"
    assert invoice.seller.address.city == "München"
    assert invoice.buyer.name == "Kunden AG Mitte"
    assert [
        (line.description, line.quantity, line.unit, line.net_amount) for line in invoice.lines
    ] == [
        ("Trennblätter A4", Decimal("20.0000"), "H87", Decimal("198.00")),
        ("Joghurt Banane", Decimal("50.0000"), "H87", Decimal("275.00")),
    ]
    assert [(g.category, g.rate, g.tax_amount) for g in invoice.tax_breakdown] == [
        ("S", Decimal("7.00"), Decimal("19.25")),
        ("S", Decimal("19.00"), Decimal("37.62")),
    ]
    assert invoice.findings == []


def test_parsing_reads_ubl_payment_means_and_allowances() -> None:
    path = EXAMPLES_DIR / "ubl/cen-testfiles/BIS_Billing_30-Rabatter_och_avgifter.xml"

    invoice = parse(path.read_bytes())

    assert invoice.payment_instructions and invoice.payment_instructions[0].iban
    assert invoice.allowances or invoice.charges
    assert invoice.findings == []


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        (b"<ram:LineTotalAmount>198.00<", b"<ram:LineTotalAmount>199.00<", "FAKTURO-SUM-BT106"),
        (b"<ram:GrandTotalAmount>529.87<", b"<ram:GrandTotalAmount>529.97<", "FAKTURO-SUM-BT112"),
        (b"<ram:CalculatedAmount>19.25<", b"<ram:CalculatedAmount>19.35<", "FAKTURO-SUM-BT110"),
    ],
    ids=["line", "grand-total", "vat-group"],
)
def test_a_tampered_file_is_imported_with_a_mismatch_finding(
    owner: Membership, old: bytes, new: bytes, rule: str
) -> None:
    data = CII.read_bytes()
    assert old in data

    document = import_file(owner, CII, data.replace(old, new, 1))

    assert document.is_valid is False
    mismatch = next(f for f in document.findings if f["rule_id"] == rule)
    assert mismatch["severity"] == "error"
    assert mismatch["location"].startswith("/rsm:CrossIndustryInvoice/")


def test_stated_numbers_are_kept_as_stated(owner: Membership) -> None:
    data = CII.read_bytes().replace(
        b"<ram:GrandTotalAmount>529.87<", b"<ram:GrandTotalAmount>529.97<", 1
    )

    document = import_file(owner, CII, data)

    assert (document.total, document.balance_due) == (Decimal("529.97"), Decimal("529.87"))
    assert {f["rule_id"] for f in document.findings} >= {"FAKTURO-SUM-BT112", "FAKTURO-SUM-BT115"}


def test_an_untouched_file_has_no_mismatch(owner: Membership) -> None:
    document = import_file(owner, CII)

    assert document.is_valid is True
    assert not [f for f in document.findings if f["rule_id"].startswith("FAKTURO-")]


@pytest.mark.parametrize(
    ("data", "content_type", "error"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&x;'
            b"</Invoice>",
            "application/xml",
            ValidationFailed,
        ),
        (b"\xff\xfe garbage", "application/xml", ValidationFailed),
        (b"%PDF-1.4\n%%EOF", "application/pdf", ValidationFailed),
        (b"<x/>" * (3 * 1024 * 1024), "application/xml", FileTooLarge),
        (b"<x/>", "image/png", UnsupportedMediaType),
    ],
    ids=["xxe", "garbage", "empty-pdf", "too-large", "png"],
)
def test_refused_input_stores_nothing(
    owner: Membership, media: Path, data: bytes, content_type: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        einvoice_import(membership=owner, data=data, filename="x", content_type=content_type)

    assert ReceivedDocument.objects.count() == 0
    assert stored_files(media) == []
    assert not AuditEvent.objects.filter(action="received_document.imported").exists()


def test_the_same_file_twice_is_a_conflict_and_keeps_one_copy(
    owner: Membership, other_owner: Membership, media: Path
) -> None:
    first = import_file(owner, UBL)

    with pytest.raises(Conflict, match=str(first.pk)):
        import_file(owner, UBL)

    assert ReceivedDocument.objects.filter(organization=owner.organization).count() == 1
    assert len(stored_files(media)) == 1
    # Another organization receiving the same file is a different document.
    assert import_file(other_owner, UBL).organization == other_owner.organization


def test_import_needs_edit_documents(add_member: Any) -> None:
    accountant = add_member("accountant")

    with pytest.raises(PermissionDenied):
        import_file(accountant, UBL)

    assert ReceivedDocument.objects.count() == 0


def test_a_pdf_is_stored_as_sent_and_parsed_through_its_xml(owner: Membership) -> None:
    path = EXAMPLES_DIR / "facturx/ferd-zugferd22/EN16931_Einfach.pdf"

    document = import_file(owner, path)

    assert (document.syntax, document.content_type) == ("facturx-pdf", "application/pdf")
    assert document.number == "471102"
    assert document.original_filename == "EN16931_Einfach.pdf"
    assert default_storage.exists(document.file.name)


def test_stored_tree_has_no_doctype_leftovers() -> None:
    # The hardened parser drops comments and processing instructions, nothing of the content.
    source = read_source(UBL.read_bytes())

    assert etree.QName(source.root).localname == "Invoice"
    assert source.customization == "urn:cen.eu:en16931:2017"

"""Factur-X: the CII attached to the PDF/A-3b, with the Factur-X XMP."""

import io

import pikepdf

from fakturo.documents.facturx import FACTURX_NAMESPACE, attached_xml
from fakturo.documents.render import render_pdf
from tests.documents.conftest import ISSUED_AT
from tests.documents.einvoice_corpus import EXAMPLE_CII, validator

FX = "{" + FACTURX_NAMESPACE + "}"


def test_the_cii_is_attached_with_the_facturx_metadata(issued_invoice, tmp_path):
    xml = EXAMPLE_CII.read_bytes()

    pdf = render_pdf(issued_invoice.snapshot, None, timestamp=ISSUED_AT, facturx_xml=xml)

    assert attached_xml(pdf) == xml
    with pikepdf.open(io.BytesIO(pdf)) as document:
        meta = document.open_metadata()
        assert meta[f"{FX}DocumentType"] == "INVOICE"
        assert meta[f"{FX}DocumentFileName"] == "factur-x.xml"
        assert meta[f"{FX}Version"] == "1.0"
        assert meta[f"{FX}ConformanceLevel"] == "EN 16931"
        assert meta["{http://www.aiim.org/pdfa/ns/id/}part"] == "3"
        assert meta["{http://www.aiim.org/pdfa/ns/id/}conformance"] == "B"
        (spec,) = list(document.Root.AF)
        assert spec.AFRelationship == "/Alternative"
        assert spec.EF.F.Subtype == "/text/xml"
        schemas = document.Root.Metadata.read_bytes()
        assert b"<pdfaSchema:namespaceURI>" + FACTURX_NAMESPACE.encode() in schemas
        assert "/Filter" not in document.Root.Metadata
    path = tmp_path / "factur-x.pdf"
    path.write_bytes(pdf)
    result = validator().validate(str(path))
    assert not result.fatal, result.findings


def test_facturx_is_deterministic(issued_invoice):
    xml = EXAMPLE_CII.read_bytes()

    first = render_pdf(issued_invoice.snapshot, None, timestamp=ISSUED_AT, facturx_xml=xml)
    second = render_pdf(issued_invoice.snapshot, None, timestamp=ISSUED_AT, facturx_xml=xml)

    assert first == second


def test_a_plain_pdf_has_no_attachment(issued_invoice):
    assert attached_xml(render_pdf(issued_invoice.snapshot, None)) is None


def test_the_facturx_pdf_we_issue_passes_the_reference_validator(issued_invoice, tmp_path):
    from fakturo.documents.render import render_format
    from fakturo.documents.selectors import branding_of
    from fakturo.einvoice.cii import cii_xml

    snapshot = issued_invoice.snapshot
    branding = branding_of(issued_invoice.organization)

    pdf = render_format(snapshot, branding, "facturx", timestamp=ISSUED_AT)

    assert attached_xml(pdf) == cii_xml(snapshot, profile="en16931")
    path = tmp_path / f"{snapshot['number']}.pdf"
    path.write_bytes(pdf)
    # "auto": the EN 16931 rules and those of the Factur-X profile the PDF declares.
    result = validator().validate(str(path), ("auto",))
    assert not result.fatal and not result.xsd_errors, result.findings
    assert result.kind == "cii" and result.error == ""

"""PDF/A-3b documents from real issued snapshots: content, pagination, layouts, languages."""

import io
import re
from decimal import Decimal

import pikepdf
import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from fakturo.accounts.services import organization_update
from fakturo.documents.choices import Layout
from fakturo.documents.models import Branding
from fakturo.documents.render import render_pdf, render_svg
from fakturo.documents.texts import LANGUAGES, TEXTS
from tests.documents.conftest import ISSUED_AT


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def xmp(pdf: bytes) -> dict[str, str]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        meta = document.open_metadata()
        return {key: str(value) for key, value in meta.items()}


def test_the_pdf_is_pdfa_3b(issued_invoice):
    pdf = render_pdf(issued_invoice.snapshot, None, timestamp=ISSUED_AT)

    metadata = xmp(pdf)
    assert metadata["{http://www.aiim.org/pdfa/ns/id/}part"] == "3"
    assert metadata["{http://www.aiim.org/pdfa/ns/id/}conformance"] == "B"
    assert metadata["{http://ns.adobe.com/xap/1.0/}CreateDate"] == "2026-03-02T09:30:00+00:00"
    with pikepdf.open(io.BytesIO(pdf)) as document:
        fonts = {
            str(font.get("/BaseFont"))
            for page in document.pages
            for font in page.Resources.Font.values()
        }
    assert all("SourceSans3" in font for font in fonts)


def test_the_pdf_states_what_a_reader_needs(issued_invoice):
    pdf = render_pdf(issued_invoice.snapshot, None, language="en", timestamp=ISSUED_AT)

    (text,) = pages_text(pdf)
    for expected in [
        "Invoice 2026-0001",
        "Acme GmbH",
        "Torstraße 1",
        "10119 Berlin",
        "VAT ID DE123456788",
        "Blue Harbour Ltd",
        "1 Dock Road",
        "20095 Hamburg",
        "Date",
        "Due date",
        "Design work",
        "10 pcs",
        "€95.00",
        "€950.00",
        "Total net",
        "€970.00",
        "VAT 19%",
        "€184.30",
        "Total",
        "€1,154.30",
        "VAT breakdown",
        "Standard rate",
        "Payable within 14 days",
        "IBAN",
        "DE89 3704 0044 0532 0130 00",
        "Reference",
        "Scan to pay",
        "Page 1 / 1",
    ]:
        assert expected in text, expected


def test_the_same_snapshot_and_timestamp_give_the_same_bytes(issued_invoice):
    first = render_pdf(issued_invoice.snapshot, None, timestamp=ISSUED_AT)
    second = render_pdf(issued_invoice.snapshot, None, timestamp=ISSUED_AT)

    assert first == second


def test_a_long_invoice_paginates(make_invoice, issue):
    lines = [(f"Service item {index:02d}", "2", "12.50") for index in range(1, 61)]
    invoice = issue(make_invoice(lines=lines))

    pdf = render_pdf(invoice.snapshot, None, language="en", timestamp=ISSUED_AT)

    pages = pages_text(pdf)
    count = len(pages)
    assert count > 1
    for number, text in enumerate(pages, start=1):
        assert "Description" in text and "Unit price" in text  # the header repeats
        assert f"Page {number} / {count}" in text
    assert all("Total net" not in text for text in pages[:-1])
    assert "Total net" in pages[-1] and "€1,785.00" in pages[-1]
    found = [int(n) for text in pages for n in re.findall(r"Service item (\d\d)", text)]
    assert found == list(range(1, 61))


@pytest.mark.parametrize("layout", Layout.values)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_layout_renders_in_every_language(issued_invoice, layout, language):
    pdf = render_pdf(issued_invoice.snapshot, None, layout=layout, language=language)

    text = "".join(pages_text(pdf))
    assert TEXTS[language]["title_invoice"] in text
    assert TEXTS[language]["tax_breakdown"] in text
    assert "Design work" in text


def test_a_proforma_and_a_credit_note(seller, make_invoice, issue, issued_invoice):
    from fakturo.invoicing.services import credit_note_create

    proforma = issue(make_invoice(kind="proforma"))
    text = "".join(pages_text(render_pdf(proforma.snapshot, None, language="en")))
    assert "Proforma invoice" in text and "This is not an invoice." in text

    credit_note = issue(
        credit_note_create(membership=seller, invoice_id=issued_invoice.pk, amount=Decimal(119))
    )
    text = "".join(pages_text(render_pdf(credit_note.snapshot, None, language="de")))
    assert "Gutschrift" in text
    assert f"Gutschrift zur Rechnung {issued_invoice.number}" in text


def test_reverse_charge_wording(make_invoice, issue, client):
    client.billing_country = "FR"
    client.vat_id = "FR40303265045"
    client.save()
    invoice = issue(make_invoice(rate="RC"))

    text = "".join(pages_text(render_pdf(invoice.snapshot, None, language="fr")))

    assert "Autoliquidation : TVA due par le preneur." in text
    assert "France" in text


def test_a_chf_invoice_carries_the_swiss_qr_bill(seller, make_invoice, issue):
    organization_update(
        membership=seller,
        changes={
            "country": "CH",
            "vat_id": "",
            "tax_number": "CHE-116.281.710",
            "iban": "CH9300762011623852957",
            "postal_code": "8001",
            "city": "Zürich",
        },
    )
    invoice = issue(make_invoice(currency="CHF", exchange_rate=Decimal("1.05")))

    pdf = render_pdf(invoice.snapshot, None, language="de")

    text = "".join(pages_text(pdf))
    assert "Zahlteil" in text and "Empfangsschein" in text
    assert "CH93 0076 2011 6238 5295 7" in text


def test_branding_logo_font_and_paper(owner, issued_invoice):
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
        b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe"
        b"\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    branding = Branding.objects.create(
        organization=owner.organization,
        layout="compact",
        font="Source Serif 4",
        paper="us-letter",
        footer_text="Registered office Berlin",
        logo_content_type="image/png",
        logo_width=1,
        logo_height=1,
    )
    branding.logo.save("logo.png", ContentFile(png))

    pdf = render_pdf(issued_invoice.snapshot, branding, language="en")

    with pikepdf.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        assert [round(float(v)) for v in page.MediaBox] == [0, 0, 612, 792]
        images = [x for x in page.Resources.XObject.values() if x.get("/Subtype") == "/Image"]
        assert images
        fonts = {str(f.get("/BaseFont")) for f in page.Resources.Font.values()}
    assert any("SourceSerif4" in font for font in fonts)
    assert "Registered office Berlin" in "".join(pages_text(pdf))


def test_svg_preview_pages(make_invoice, issue):
    lines = [(f"Item {index}", "1", "10.00") for index in range(60)]
    invoice = issue(make_invoice(lines=lines))

    first = render_svg(invoice.snapshot, None)
    second = render_svg(invoice.snapshot, None, page=2)

    assert first.startswith("<svg") and second.startswith("<svg")
    assert first != second
    with pytest.raises(ValueError, match="page 9 does not exist"):
        render_svg(invoice.snapshot, None, page=9)

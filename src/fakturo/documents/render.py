"""Render a document snapshot with a built-in Typst layout: PDF/A-3b (Factur-X when given
the CII), SVG page previews, and the archive set of an issued document.

The snapshot is the only input: rendering the same snapshot with the same branding and
timestamp gives the same bytes, which is how a download before archiving matches the archive.
"""

import hashlib
import json
import logging
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from fakturo.core.errors import Conflict
from fakturo.documents import facturx
from fakturo.documents.choices import Layout, RenderedFormat
from fakturo.documents.compile import TemplateError, compile_typst
from fakturo.documents.data import branding_inputs, document_inputs
from fakturo.documents.models import CustomTemplate
from fakturo.documents.sandbox import compile_sandboxed
from fakturo.documents.selectors import branding_of, rendered_file
from fakturo.einvoice.profiles import VARIANTS, variant_problems
from fakturo.invoicing.choices import DocumentStatus

logger = logging.getLogger(__name__)
LAYOUT_DIR = Path(__file__).resolve().parent / "layouts"
PDF_STANDARDS = ["a-3b"]
# Documents that are invoices in the EN 16931 sense, so they carry e-invoice XML.
EINVOICE_KINDS = frozenset({"invoice", "credit_note", "deposit_invoice"})

MEDIA_TYPES = {
    RenderedFormat.PDF: "application/pdf",
    RenderedFormat.FACTURX: "application/pdf",
    RenderedFormat.UBL: "application/xml",
    RenderedFormat.CII: "application/xml",
    RenderedFormat.XRECHNUNG: "application/xml",
    RenderedFormat.PEPPOL: "application/xml",
}
FILE_SUFFIXES = {
    RenderedFormat.PDF: ".pdf",
    RenderedFormat.FACTURX: ".facturx.pdf",
    RenderedFormat.UBL: ".ubl.xml",
    RenderedFormat.CII: ".cii.xml",
    RenderedFormat.XRECHNUNG: ".xrechnung.xml",
    RenderedFormat.PEPPOL: ".peppol.xml",
}


class RenderError(Exception):
    """A format cannot be written for this document; `problems` says why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def layout_of(branding: Any, chosen: str | None) -> str:
    """The built-in layout to render with: `chosen` when it is one, else the branding's,
    else classic (a custom template that is gone falls back to a built-in layout)."""
    for name in (chosen, branding.layout if branding is not None else None):
        if name in Layout.values:
            return str(name)
    return str(Layout.CLASSIC)


def prepare_root(root: Path, branding: Any) -> None:
    """Fill a compile root: the built-in layouts and their library, and the logo file the
    inputs name ("logo.svg", "logo.png" …) when the branding has one."""
    for source in LAYOUT_DIR.glob("*.typ"):
        shutil.copyfile(source, root / source.name)
    logo = branding_inputs(branding)["logo"]
    if logo is not None:
        with branding.logo.open("rb") as handle:
            (root / logo).write_bytes(handle.read())


def template_assets(branding: Any) -> dict[str, bytes]:
    """The files a custom template may read: the shipped layout library and the logo."""
    assets = {"lib.typ": (LAYOUT_DIR / "lib.typ").read_bytes()}
    logo = branding_inputs(branding)["logo"]
    if logo is not None:
        with branding.logo.open("rb") as handle:
            assets[logo] = handle.read()
    return assets


def custom_source(branding: Any, name: str | None) -> str | None:
    """The working source of the organization's active custom template `name`; None for a
    built-in layout name or when there is no such template (the default layout is used)."""
    if not name or name in Layout.values or branding is None or not branding.organization_id:
        return None
    template = (
        CustomTemplate.objects.filter(
            organization_id=branding.organization_id, slug=name, is_active=True
        )
        .only("last_good_source")
        .first()
    )
    return (template.last_good_source or None) if template else None


def template_inputs(
    snapshot: dict[str, Any],
    branding: Any,
    *,
    language: str | None = None,
    facturx_xml: bytes | None = None,
) -> dict[str, str]:
    """The sys.inputs of a document template: "data" (JSON) and "facturx" (the XML)."""
    data = document_inputs(snapshot, branding, language=language)
    inputs = {"data": json.dumps(data, ensure_ascii=False, sort_keys=True)}
    if facturx_xml is not None:
        inputs["facturx"] = facturx_xml.decode("utf-8")
    return inputs


def _compile(
    snapshot: dict[str, Any],
    branding: Any,
    *,
    layout: str | None,
    language: str | None,
    timestamp: datetime | None,
    facturx_xml: bytes | None,
    format: str,
) -> bytes | list[bytes]:
    # An explicit layout (previews), else the client's choice, else the organization's.
    chosen = layout or snapshot.get("template") or (branding.layout if branding else None)
    if timestamp is not None:  # PDF dates have whole seconds; Typst refuses more
        timestamp = timestamp.replace(microsecond=0)
    inputs = template_inputs(snapshot, branding, language=language, facturx_xml=facturx_xml)
    options: dict[str, Any] = {
        "format": format,
        "timestamp": timestamp,
        "pdf_standards": PDF_STANDARDS if format == "pdf" else None,
    }
    custom = custom_source(branding, chosen)
    if custom is not None:
        try:
            output = compile_sandboxed(custom, template_assets(branding), inputs, **options)
        except TemplateError as error:
            # A template that worked on the sample can still fail on a real document: the
            # document goes out with the organization's layout rather than not at all.
            logger.warning("Template %s failed on %s: %s", chosen, snapshot.get("number"), error)
        else:
            if facturx_xml is None or facturx.has_facturx_attachment(output):
                return output
            logger.warning("Template %s attaches no Factur-X XML; the built-in layout does", chosen)
        chosen = None
    main = f"{layout_of(branding, chosen)}.typ"
    source = (LAYOUT_DIR / main).read_text()
    if branding_inputs(branding)["logo"] is None:
        return compile_typst(source, LAYOUT_DIR, inputs, **options)
    with tempfile.TemporaryDirectory(prefix="fakturo-render-") as directory:
        root = Path(directory)
        prepare_root(root, branding)
        return compile_typst(source, root, inputs, **options)


def render_pdf(
    snapshot: dict[str, Any],
    branding: Any,
    *,
    layout: str | None = None,
    language: str | None = None,
    timestamp: datetime | None = None,
    facturx_xml: bytes | None = None,
) -> bytes:
    """A PDF/A-3b of the snapshot. With `facturx_xml` (EN 16931 CII) it is a Factur-X PDF:
    the XML attached as factur-x.xml and the Factur-X XMP added."""
    pdf = _compile(
        snapshot,
        branding,
        layout=layout,
        language=language,
        timestamp=timestamp,
        facturx_xml=facturx_xml,
        format="pdf",
    )
    assert isinstance(pdf, bytes)
    if facturx_xml is None:
        return pdf
    return facturx.add_facturx_metadata(pdf)


def render_svg(
    snapshot: dict[str, Any],
    branding: Any,
    *,
    layout: str | None = None,
    language: str | None = None,
    page: int = 1,
) -> str:
    """One page (1-based) of the document as SVG, for previews."""
    pages = _compile(
        snapshot,
        branding,
        layout=layout,
        language=language,
        timestamp=None,
        facturx_xml=None,
        format="svg",
    )
    pages = [pages] if isinstance(pages, bytes) else pages
    if not 1 <= page <= len(pages):
        raise ValueError(f"The document has {len(pages)} pages; page {page} does not exist.")
    return pages[page - 1].decode("utf-8")


def format_problems(snapshot: dict[str, Any], format: str) -> list[str]:
    """Why `format` cannot be written for this snapshot (empty: it can)."""
    if format == RenderedFormat.PDF:
        return []
    if snapshot["kind"] not in EINVOICE_KINDS:
        return [f"A {snapshot['kind'].replace('_', ' ')} is not an invoice: no e-invoice XML."]
    # The e-invoice variants are named like the formats ("facturx": the CII it carries).
    return variant_problems(snapshot, format)


def render_format(
    snapshot: dict[str, Any],
    branding: Any,
    format: str,
    *,
    timestamp: datetime | None = None,
) -> bytes:
    """One format of a snapshot; raises RenderError when its required fields are missing.

    "pdf" is the Factur-X PDF whenever one can be written, else the plain PDF/A-3b."""
    if format == RenderedFormat.PDF:
        if not format_problems(snapshot, RenderedFormat.FACTURX):
            return render_format(snapshot, branding, RenderedFormat.FACTURX, timestamp=timestamp)
        return render_pdf(snapshot, branding, timestamp=timestamp)
    problems = format_problems(snapshot, format)
    if problems:
        raise RenderError(problems)
    if format == RenderedFormat.FACTURX:
        xml = VARIANTS[RenderedFormat.FACTURX].write(snapshot)
        return render_pdf(snapshot, branding, timestamp=timestamp, facturx_xml=xml)
    return VARIANTS[format].write(snapshot)


def file_name(snapshot: dict[str, Any], format: str) -> str:
    number = snapshot.get("number") or "draft"
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in number)
    return f"{safe}{FILE_SUFFIXES[RenderedFormat(format)]}"


def render_issued(document: Any) -> dict[str, bytes]:
    """The archive set of an issued document, rendered at its issue time: every XML format
    whose required fields are present, the Factur-X PDF when the EN 16931 CII can be
    written, and the PDF (the Factur-X one when there is one)."""
    snapshot = document.snapshot
    branding = branding_of(document.organization)
    files: dict[str, bytes] = {}
    for format in RenderedFormat.values:
        if format == RenderedFormat.PDF:
            continue
        try:
            files[format] = render_format(snapshot, branding, format, timestamp=document.issued_at)
        except RenderError:
            continue
    files[RenderedFormat.PDF] = files.get(RenderedFormat.FACTURX) or render_pdf(
        snapshot, branding, timestamp=document.issued_at
    )
    return files


def document_file(document: Any, format: str) -> tuple[bytes, str]:
    """The bytes of an issued document in `format` and their SHA-256: the archived file when
    there is one, else rendered now from the snapshot at the issue time (the same bytes the
    archive will hold). A draft has none (Conflict); a format whose required fields are
    missing raises RenderError."""
    if document.status == DocumentStatus.DRAFT or not document.snapshot:
        raise Conflict("A draft has no files yet: issue it first (the print view shows it).")
    archived = rendered_file(document=document, format=format)
    if archived is not None:
        return archived.read(), archived.sha256
    content = render_format(
        document.snapshot, branding_of(document.organization), format, timestamp=document.issued_at
    )
    return content, hashlib.sha256(content).hexdigest()

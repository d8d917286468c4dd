"""The e-invoice variants a document can be downloaded or sent as, and what each needs.

`variant_problems` names what is missing, so an interface can refuse with a clear message
instead of handing out XML the receiver's validator rejects.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fakturo.einvoice import semantic
from fakturo.einvoice.cii import cii_xml
from fakturo.einvoice.ubl import ubl_xml


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    syntax: str  # "ubl" or "cii"
    write: Callable[[dict[str, Any]], bytes]
    suffix: str  # file name ending, e.g. "-xrechnung.xml"
    media_type: str
    label: str


VARIANTS: dict[str, Variant] = {
    variant.name: variant
    for variant in (
        Variant(
            "ubl",
            "ubl",
            lambda snapshot: ubl_xml(snapshot),
            "-ubl.xml",
            "application/xml",
            "UBL 2.1 (EN 16931)",
        ),
        Variant(
            "cii",
            "cii",
            lambda snapshot: cii_xml(snapshot),
            "-cii.xml",
            "application/xml",
            "UN/CEFACT CII (EN 16931)",
        ),
        Variant(
            "xrechnung",
            "ubl",
            lambda snapshot: ubl_xml(snapshot, variant="xrechnung"),
            "-xrechnung.xml",
            "application/xml",
            "XRechnung 3.0 (UBL)",
        ),
        Variant(
            "peppol",
            "ubl",
            lambda snapshot: ubl_xml(snapshot, variant="peppol"),
            "-peppol.xml",
            "application/xml",
            "Peppol BIS Billing 3.0",
        ),
        # The XML a Factur-X / ZUGFeRD PDF carries as factur-x.xml (EN 16931 profile).
        Variant(
            "facturx",
            "cii",
            lambda snapshot: cii_xml(snapshot, profile="en16931"),
            "-factur-x.xml",
            "application/xml",
            "Factur-X / ZUGFeRD (EN 16931)",
        ),
    )
}


def variant_problems(snapshot: dict[str, Any], variant: str) -> list[str]:
    """What is missing or not representable for `variant`, as sentences; empty when the
    XML may be written and sent."""
    if variant not in VARIANTS:
        raise ValueError(f"Unknown e-invoice variant: {variant}")
    problems = semantic.content_problems(snapshot)
    if problems and snapshot["kind"] not in semantic.DOCUMENT_TYPE_CODES:
        return problems
    if variant == "peppol":
        problems += _peppol_problems(snapshot)
    elif variant == "xrechnung":
        problems += _xrechnung_problems(snapshot)
    return problems


def _peppol_problems(snapshot: dict[str, Any]) -> list[str]:
    seller, buyer = snapshot["seller"], snapshot["buyer"]
    problems = []
    if not (snapshot["buyer_reference"] or snapshot["purchase_order"]):
        problems.append("Peppol needs the buyer reference or the purchase order number.")
    if semantic.electronic_address(seller) is None:
        problems.append("Peppol needs your organization's electronic address (Peppol ID).")
    if semantic.electronic_address(buyer) is None:
        problems.append("Peppol needs the client's electronic address.")
    return problems


def _xrechnung_problems(snapshot: dict[str, Any]) -> list[str]:
    seller, buyer = snapshot["seller"], snapshot["buyer"]
    problems = []
    if not snapshot["buyer_reference"]:
        problems.append("XRechnung needs the buyer reference (Leitweg-ID).")
    for field, label in (("email", "email address"), ("phone", "phone number")):
        if not seller[field]:
            problems.append(f"XRechnung needs your organization's {label}.")
    for field, label in (("postal_code", "postal code"), ("city", "city")):
        if not seller[field]:
            problems.append(f"XRechnung needs your organization's {label}.")
    if not buyer["billing_postal_code"]:
        problems.append("XRechnung needs the client's postal code.")
    if semantic.electronic_address(buyer, email=semantic.buyer_email(buyer)) is None:
        problems.append("XRechnung needs the client's electronic address or email address.")
    if not seller["iban"]:
        problems.append("XRechnung needs your organization's IBAN for the payment instructions.")
    return problems

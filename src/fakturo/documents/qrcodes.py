"""Payment QR codes printed on documents, as SVG text the templates decode from their inputs.

- EPC / GiroCode (EPC069-12) for EUR documents with a seller IBAN and an amount due.
- Swiss QR-bill payment part for CHF documents with a seller IBAN or QR-IBAN.
"""

import io
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import segno
from qrbill import QRBill
from stdnum.ch import esr

PAYABLE_KINDS = frozenset({"invoice", "deposit_invoice", "proforma"})
# The QR-bill's labels exist in these languages; others get English.
QRBILL_LANGUAGES = frozenset({"en", "de", "fr", "it"})
logger = logging.getLogger(__name__)
EPC_MAX_NAME = 70
EPC_MAX_TEXT = 140
# The QR-bill standard's field lengths: longer names and streets are cut, as on EPC codes.
SWISS_MAX_NAME = 70
SWISS_MAX_STREET = 70
SWISS_MAX_POSTAL_CODE = 16
SWISS_MAX_CITY = 35


@dataclass(frozen=True, slots=True)
class PaymentCode:
    kind: str  # "epc" or "swiss"
    svg: str


def _clean_iban(value: str) -> str:
    return "".join(value.split()).upper()


def is_qr_iban(iban: str) -> bool:
    """A Swiss/Liechtenstein QR-IBAN: its institution id (IID) is 30000–31999."""
    iban = _clean_iban(iban)
    return iban[:2] in {"CH", "LI"} and iban[4:9].isdigit() and 30000 <= int(iban[4:9]) <= 31999


def qr_reference(number: str) -> str:
    """The 27-digit QR reference (QRR) for a document number: its digits, zero-padded, plus
    the ISR modulo-10 check digit. Needed with a QR-IBAN."""
    digits = "".join(character for character in number if character.isdigit())[-26:]
    body = digits.rjust(26, "0")
    return body + esr.calc_check_digit(body)


def payment_code(snapshot: dict[str, Any], *, language: str, font: str) -> PaymentCode | None:
    """The payment QR code for an issued document, or None when none applies."""
    seller = snapshot["seller"]
    iban = _clean_iban(seller.get("iban") or "")
    amount = Decimal(snapshot["totals"]["balance_due"])
    if snapshot["kind"] not in PAYABLE_KINDS or not iban or amount <= 0:
        return None
    if snapshot["currency"] == "EUR":
        return PaymentCode(kind="epc", svg=epc_svg(snapshot, iban=iban, amount=amount))
    if snapshot["currency"] == "CHF" and iban[:2] in {"CH", "LI"}:
        svg = swiss_svg(snapshot, iban=iban, amount=amount, language=language, font=font)
        return PaymentCode(kind="swiss", svg=svg) if svg else None
    return None


def epc_payload(*, name: str, iban: str, bic: str, amount: Decimal, text: str) -> str:
    """EPC069-12 version 002, UTF-8: a SEPA credit transfer with unstructured remittance."""
    lines = [
        "BCD",
        "002",
        "1",  # character set: UTF-8
        "SCT",
        bic,
        name[:EPC_MAX_NAME],
        iban,
        f"EUR{amount:.2f}",
        "",  # purpose
        "",  # structured creditor reference
        text[:EPC_MAX_TEXT],
    ]
    return "\n".join(lines)


def epc_svg(snapshot: dict[str, Any], *, iban: str, amount: Decimal) -> str:
    seller = snapshot["seller"]
    payload = epc_payload(
        name=seller["legal_name"],
        iban=iban,
        bic=(seller.get("bic") or "").strip(),
        amount=amount,
        text=snapshot["number"],
    )
    # EPC069-12 asks for error correction level M.
    qr = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
    output = io.BytesIO()
    qr.save(output, kind="svg", scale=4, border=2, xmldecl=False, svgclass=None, lineclass=None)
    return output.getvalue().decode()


def swiss_svg(
    snapshot: dict[str, Any], *, iban: str, amount: Decimal, language: str, font: str
) -> str | None:
    """The Swiss QR-bill payment part, or None when the seller's address cannot be on one (it
    needs a postal code and a city). A buyer without them is left off: the debtor is optional."""
    seller = snapshot["seller"]
    buyer = snapshot["buyer"]
    creditor = _swiss_address(
        seller["legal_name"],
        " ".join(filter(None, [seller.get("address_line1"), seller.get("address_line2")])),
        seller.get("postal_code"),
        seller.get("city"),
        seller.get("country") or "CH",
    )
    debtor = _swiss_address(
        buyer["legal_name"],
        buyer.get("billing_line1"),
        buyer.get("billing_postal_code"),
        buyer.get("billing_city"),
        buyer.get("billing_country"),
    )
    if creditor is None:
        return None
    try:
        bill = QRBill(
            account=iban,
            creditor=creditor,
            debtor=debtor,
            amount=f"{amount:.2f}",
            currency="CHF",
            reference_number=qr_reference(snapshot["number"]) if is_qr_iban(iban) else None,
            additional_information=snapshot["number"],
            language=language if language in QRBILL_LANGUAGES else "en",
            top_line=True,
        )
    except ValueError as error:  # a value the QR-bill standard refuses, e.g. the country
        logger.warning("No Swiss QR-bill for %s: %s", snapshot.get("number"), error)
        return None
    # The standard asks for Arial/Helvetica; documents embed only the bundled fonts.
    bill.font_family = font
    output = io.StringIO()
    bill.as_svg(output)
    return output.getvalue()


def _swiss_address(
    name: str, street: str | None, postal_code: str | None, city: str | None, country: str | None
) -> dict[str, str] | None:
    if not (postal_code and city and country):
        return None
    return {
        "name": name[:SWISS_MAX_NAME],
        "street": (street or "")[:SWISS_MAX_STREET],
        "pcode": postal_code[:SWISS_MAX_POSTAL_CODE],
        "city": city[:SWISS_MAX_CITY],
        "country": country,
    }

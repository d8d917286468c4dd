"""The JSON a document template reads: a snapshot with every text, number, date and amount
already formatted in the document language, so templates only lay things out."""

import datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from fakturo.core.locales import country_names
from fakturo.core.money import format_money, minor_units
from fakturo.documents import texts as texts_module
from fakturo.documents.choices import Font, Layout, Paper
from fakturo.documents.qrcodes import payment_code

# The file name a branding logo gets in the compile root (plus its suffix).
LOGO_NAME = "logo"
LOGO_SUFFIXES = {"image/svg+xml": ".svg", "image/png": ".png", "image/jpeg": ".jpg"}
PAYABLE_KINDS = frozenset({"invoice", "deposit_invoice", "proforma"})
EXEMPT_CATEGORIES = frozenset({"E", "K", "G", "O", "Z"})


def logo_file_name(content_type: str) -> str | None:
    suffix = LOGO_SUFFIXES.get(content_type)
    return f"{LOGO_NAME}{suffix}" if suffix else None


def branding_inputs(branding: Any) -> dict[str, Any]:
    """The branding part of the inputs; `branding` is a Branding (saved or not) or None."""
    if branding is None:
        return {
            "layout": Layout.CLASSIC.value,
            "primary_color": "#1f4e79",
            "accent_color": "#e07a1f",
            "font": Font.SOURCE_SANS.value,
            "paper": Paper.A4.value,
            "footer_text": "",
            "show_bank_details": True,
            "logo": None,
        }
    has_logo = bool(branding.logo) and logo_file_name(branding.logo_content_type) is not None
    return {
        "layout": branding.layout,
        "primary_color": branding.primary_color,
        "accent_color": branding.accent_color,
        "font": branding.font,
        "paper": branding.paper,
        "footer_text": branding.footer_text,
        "show_bank_details": branding.show_bank_details,
        "logo": logo_file_name(branding.logo_content_type) if has_logo else None,
    }


def _decimal(value: str | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def _plain(number: Decimal) -> Decimal:
    """Without trailing zeros and never in exponent form (10.0000 → 10, 1.50 → 1.5)."""
    return number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()


class Formatter:
    """Formats the values of one document in one language and currency."""

    def __init__(self, language: str, currency: str) -> None:
        self.language = language
        self.currency = currency

    def money(self, amount: Decimal | str, currency: str | None = None) -> str:
        return format_money(Decimal(amount), currency or self.currency, self.language)

    def negative(self, amount: Decimal | str) -> str:
        return self.money(-Decimal(amount))

    def unit_price(self, amount: Decimal | str) -> str:
        """A price per unit keeps its extra decimals (0.0125 €), at least the minor unit's."""
        value = _plain(Decimal(amount))
        exponent = value.as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        places = max(minor_units(self.currency), decimals)
        return format_currency(
            value.quantize(Decimal(1).scaleb(-places)),
            self.currency,
            locale=self.language,
            decimal_quantization=False,
        )

    def number(self, value: Decimal | str) -> str:
        return format_decimal(
            _plain(Decimal(value)), locale=self.language, decimal_quantization=False
        )

    def percent(self, value: Decimal | str) -> str:
        return format_percent(
            _plain(Decimal(value)) / 100, locale=self.language, decimal_quantization=False
        )

    def date(self, value: str | None) -> str:
        if not value:
            return ""
        return format_date(datetime.date.fromisoformat(value), "medium", locale=self.language)


def _address(party: dict[str, Any], prefix: str, *, show_country: bool, language: str) -> list[str]:
    line1 = party.get(f"{prefix}line1") or party.get(f"{prefix}address_line1") or ""
    line2 = party.get(f"{prefix}line2") or party.get(f"{prefix}address_line2") or ""
    city = " ".join(filter(None, [party.get(f"{prefix}postal_code"), party.get(f"{prefix}city")]))
    country = party.get(f"{prefix}country") or ""
    lines = [line1, line2, city, party.get(f"{prefix}region") or ""]
    if show_country and country:
        lines.append(country_names(language).get(country, country))
    return [line for line in lines if line]


def _party(
    party: dict[str, Any], prefix: str, *, show_country: bool, t: dict[str, str], language: str
) -> dict[str, Any]:
    identifiers = []
    if party.get("vat_id"):
        identifiers.append({"label": t["vat_id"], "value": party["vat_id"]})
    if party.get("tax_number"):
        identifiers.append({"label": t["tax_number"], "value": party["tax_number"]})
    contact = []
    emails = party.get("emails") or ([party["email"]] if party.get("email") else [])
    if emails:
        contact.append({"label": t["email"], "value": emails[0]})
    if party.get("phone"):
        contact.append({"label": t["phone"], "value": party["phone"]})
    if party.get("website"):
        contact.append({"label": t["website"], "value": party["website"]})
    return {
        "name": party.get("legal_name") or "",
        "trade_name": party.get("trade_name") or "",
        "address": _address(party, prefix, show_country=show_country, language=language),
        "identifiers": identifiers,
        "contact": contact,
    }


def _line(line: dict[str, Any], f: Formatter, language: str) -> dict[str, Any]:
    discount = ""
    if _decimal(line.get("discount_percent")):
        discount = f.percent(line["discount_percent"])
    elif _decimal(line.get("discount_amount")):
        discount = f.money(line["discount_amount"])
    rates = [
        f.percent(tax["rate"])
        for tax in line.get("taxes", [])
        if tax["kind"] != "withholding" and tax.get("rate") is not None
    ]
    return {
        "position": str(line["position"]),
        "description": line["description"],
        "quantity": f.number(line["quantity"]),
        "unit": texts_module.unit_name(line.get("unit") or "C62", language),
        "unit_price": f.unit_price(line["unit_price"]),
        "discount": discount,
        "tax": ", ".join(rates),
        "net_amount": f.money(line["net_amount"]),
    }


def _adjustment_label(label: str, item: dict[str, Any], f: Formatter) -> str:
    reason = f"{label}: {item['reason']}" if item.get("reason") else label
    if _decimal(item.get("percent")):
        reason += f" ({f.percent(item['percent'])})"
    return reason


def _tax_notes(groups: list[dict[str, Any]], t: dict[str, str], language: str) -> list[str]:
    """The wording a VAT breakdown needs: reverse charge and the reason of each exemption."""
    notes: list[str] = []
    for group in groups:
        category = group.get("category") or ""
        reason = group.get("exemption_reason") or ""
        if category == "AE":
            notes.append(t["reverse_charge"])
            if reason and reason.strip().lower() not in {"reverse charge", ""}:
                notes.append(t["exemption"].format(reason=reason))
        elif category in EXEMPT_CATEGORIES:
            wording = reason or group.get("exemption_code") or ""
            if wording:
                notes.append(t["exemption"].format(reason=wording))
            elif category != "Z":
                notes.append(texts_module.category_name(category, language))
    return list(dict.fromkeys(notes))


def _totals(snapshot: dict[str, Any], f: Formatter, t: dict[str, str]) -> list[dict[str, Any]]:
    totals = snapshot["totals"]
    rows: list[dict[str, Any]] = []
    adjusted = snapshot.get("allowances") or snapshot.get("charges")
    if adjusted:
        rows.append({"label": t["subtotal"], "value": f.money(totals["subtotal"])})
        for item in snapshot.get("allowances", []):
            label = _adjustment_label(t["allowance"], item, f)
            rows.append({"label": label, "value": f.negative(item["amount"])})
        for item in snapshot.get("charges", []):
            label = _adjustment_label(t["charge"], item, f)
            rows.append({"label": label, "value": f.money(item["amount"])})
    rows.append({"label": t["net_total"], "value": f.money(totals["net_total"])})
    for group in snapshot.get("tax_breakdown", []):
        if group.get("rate") is not None:
            label = f"{t['tax']} {f.percent(group['rate'])}"
        else:
            label = group.get("name") or t["tax"]
        rows.append({"label": label, "value": f.money(group["tax_amount"])})
    total_label = t["credit_total"] if snapshot["kind"] == "credit_note" else t["total"]
    rows.append({"label": total_label, "value": f.money(totals["total"]), "strong": True})
    if snapshot["kind"] in ("quote", "credit_note"):
        return rows
    settled = False
    for group in snapshot.get("withholdings", []):
        label = f"{t['withholding']}: {group.get('name') or ''}".rstrip(": ")
        rows.append({"label": label, "value": f.negative(group["tax_amount"])})
        settled = True
    for deposit in snapshot.get("deposits", []):
        label = t["deposit_line"].format(
            number=deposit["number"], date=f.date(deposit["issue_date"])
        )
        rows.append({"label": label, "value": f.negative(deposit["total"])})
        settled = True
    if not snapshot.get("deposits") and _decimal(totals.get("prepaid_amount")):
        rows.append({"label": t["prepaid"], "value": f.negative(totals["prepaid_amount"])})
        settled = True
    # BT-113 counts the deposits deducted and what was paid before issue.
    paid = Decimal(totals.get("amount_paid") or 0) - Decimal(totals.get("prepaid_amount") or 0)
    if paid:
        rows.append({"label": t["amount_paid"], "value": f.negative(paid)})
        settled = True
    if settled:
        due = {"label": t["balance_due"], "value": f.money(totals["balance_due"]), "strong": True}
        rows.append(due)
    return rows


def _tax_breakdown(snapshot: dict[str, Any], f: Formatter, language: str) -> list[dict[str, str]]:
    return [
        {
            "category": texts_module.category_name(group.get("category") or "", language)
            or group.get("name")
            or "",
            "rate": f.percent(group["rate"]) if group.get("rate") is not None else "",
            "taxable_amount": f.money(group["taxable_amount"]),
            "tax_amount": f.money(group["tax_amount"]),
        }
        for group in snapshot.get("tax_breakdown", [])
    ]


def _meta(snapshot: dict[str, Any], f: Formatter, t: dict[str, str]) -> list[dict[str, str]]:
    rows = [
        {"label": t["number"], "value": snapshot.get("number") or ""},
        {"label": t["issue_date"], "value": f.date(snapshot.get("issue_date"))},
    ]
    if snapshot.get("due_date") and snapshot["kind"] in PAYABLE_KINDS:
        rows.append({"label": t["due_date"], "value": f.date(snapshot["due_date"])})
    if snapshot.get("period_start") and snapshot.get("period_end"):
        period = t["period"].format(
            start=f.date(snapshot["period_start"]), end=f.date(snapshot["period_end"])
        )
        rows.append({"label": t["delivery_period"], "value": period})
    elif snapshot.get("supply_date"):
        rows.append({"label": t["delivery_date"], "value": f.date(snapshot["supply_date"])})
    if snapshot["buyer"].get("code"):
        rows.append({"label": t["customer_number"], "value": snapshot["buyer"]["code"]})
    if snapshot.get("purchase_order"):
        rows.append({"label": t["purchase_order"], "value": snapshot["purchase_order"]})
    if snapshot.get("buyer_reference"):
        rows.append({"label": t["buyer_reference"], "value": snapshot["buyer_reference"]})
    return [row for row in rows if row["value"]]


def _terms(snapshot: dict[str, Any], f: Formatter, t: dict[str, str]) -> list[str]:
    kind = snapshot["kind"]
    lines: list[str] = []
    if kind == "credit_note":
        if snapshot.get("related_number"):
            lines.append(
                t["credit_note_reference"].format(
                    number=snapshot["related_number"],
                    date=f.date(snapshot.get("related_issue_date")),
                )
            )
        lines.append(t["credit_note_settlement"])
        return lines
    if kind == "quote":
        lines.append(t["quote_acceptance"])
        return lines
    terms_type = snapshot.get("payment_terms_type") or ""
    due = f.date(snapshot.get("due_date"))
    if terms_type == "due_on_receipt":
        lines.append(t["terms_due_on_receipt"])
    elif terms_type == "net_days" and snapshot.get("payment_terms_days") is not None:
        lines.append(t["terms_net_days"].format(days=snapshot["payment_terms_days"], date=due))
    elif due:
        lines.append(t["terms_fixed_date"].format(date=due))
    if _decimal(snapshot.get("early_payment_discount_percent")) and snapshot.get(
        "early_payment_discount_days"
    ):
        lines.append(
            t["early_payment_discount"].format(
                percent=f.percent(snapshot["early_payment_discount_percent"]),
                days=snapshot["early_payment_discount_days"],
            )
        )
    return lines


def _group_iban(iban: str) -> str:
    compact = "".join(iban.split()).upper()
    return " ".join(compact[index : index + 4] for index in range(0, len(compact), 4))


def _payment(
    snapshot: dict[str, Any], f: Formatter, t: dict[str, str], *, show_bank_details: bool
) -> dict[str, Any] | None:
    seller = snapshot["seller"]
    balance = Decimal(snapshot["totals"]["balance_due"])
    if not show_bank_details or not seller.get("iban") or snapshot["kind"] not in PAYABLE_KINDS:
        return None
    if balance <= 0:
        return None
    rows = [
        {"label": t["account_holder"], "value": seller["legal_name"]},
        {"label": t["iban"], "value": _group_iban(seller["iban"])},
    ]
    if seller.get("bic"):
        rows.append({"label": t["bic"], "value": seller["bic"]})
    rows.append({"label": t["reference"], "value": snapshot["number"]})
    return {"text": t["payment_instructions"].format(amount=f.money(balance)), "rows": rows}


def _accounting_note(snapshot: dict[str, Any], f: Formatter, t: dict[str, str]) -> str:
    """VAT in the seller's currency for a document in another currency (BT-111)."""
    accounting = snapshot.get("accounting_currency") or snapshot["currency"]
    rate = _decimal(snapshot.get("exchange_rate"))
    if accounting == snapshot["currency"] or not rate or snapshot["kind"] == "quote":
        return ""
    amount = Decimal(snapshot["totals"]["tax_total"]) * rate
    return t["accounting_amount"].format(
        currency=accounting, amount=f.money(amount, accounting), rate=f.number(rate)
    )


def document_inputs(
    snapshot: dict[str, Any], branding: Any, *, language: str | None = None
) -> dict[str, Any]:
    """Everything a template shows, formatted for `language` (default: the document's)."""
    language = texts_module.document_language(language or snapshot.get("language"))
    t = texts_module.texts_for(language)
    f = Formatter(language, snapshot["currency"])
    kind = snapshot["kind"]
    brand = branding_inputs(branding)
    seller_country = snapshot["seller"].get("country") or ""
    buyer_country = snapshot["buyer"].get("billing_country") or ""
    cross_border = bool(buyer_country) and buyer_country != seller_country
    buyer = snapshot["buyer"]
    shipping = None
    if buyer.get("shipping_line1") or buyer.get("shipping_city"):
        shipping = {
            "name": buyer.get("legal_name") or "",
            "address": _address(buyer, "shipping_", show_country=cross_border, language=language),
        }
    # A payment code is bank details too: hidden with them.
    code = (
        payment_code(snapshot, language=language, font=brand["font"])
        if brand["show_bank_details"]
        else None
    )
    payment = _payment(snapshot, f, t, show_bank_details=brand["show_bank_details"])
    notices = []
    if kind == "proforma":
        notices.append(t["proforma_notice"])
    if snapshot.get("prices_include_tax"):
        notices.append(t["prices_include_tax"])
    return {
        "language": language,
        "kind": kind,
        "title": t[f"title_{kind}"],
        "number": snapshot.get("number") or "",
        "notices": notices,
        "meta": _meta(snapshot, f, t),
        "seller": _party(snapshot["seller"], "", show_country=cross_border, t=t, language=language),
        "buyer": _party(buyer, "billing_", show_country=cross_border, t=t, language=language),
        "shipping": shipping,
        "lines": [_line(line, f, language) for line in snapshot.get("lines", [])],
        "has_discounts": any(
            _decimal(line.get("discount_percent")) or _decimal(line.get("discount_amount"))
            for line in snapshot.get("lines", [])
        ),
        "totals": _totals(snapshot, f, t),
        "tax_breakdown": _tax_breakdown(snapshot, f, language),
        "tax_notes": _tax_notes(snapshot.get("tax_breakdown", []), t, language),
        "accounting_note": _accounting_note(snapshot, f, t),
        "terms": _terms(snapshot, f, t),
        "payment": payment,
        "payment_code": {"kind": code.kind, "svg": code.svg} if code else None,
        "notes": snapshot.get("notes") or "",
        "footer": "\n".join(filter(None, [snapshot.get("footer"), brand["footer_text"]])),
        "branding": brand,
        "labels": {
            key: t[key]
            for key in (
                "seller",
                "buyer",
                "shipping",
                "position",
                "description",
                "quantity",
                "unit_price",
                "discount",
                "tax",
                "net_amount",
                "tax_breakdown",
                "category",
                "rate",
                "taxable_amount",
                "tax_amount",
                "scan_to_pay",
                "notes",
                "page",
                "iban",
                "bic",
            )
        },
    }


def email_texts(snapshot: dict[str, Any], *, language: str | None = None) -> dict[str, str]:
    """The subject and body of the email that sends a document, in its language."""
    language = texts_module.document_language(language or snapshot.get("language"))
    t = texts_module.texts_for(language)
    f = Formatter(language, snapshot["currency"])
    kind = snapshot["kind"]
    buyer = snapshot["buyer"]
    values = {
        "number": snapshot.get("number") or "",
        "seller": snapshot["seller"].get("trade_name") or snapshot["seller"]["legal_name"],
        "buyer": buyer.get("display_name") or buyer.get("legal_name") or "",
        "document": t[f"title_{kind}"],
        "total": f.money(snapshot["totals"]["balance_due" if kind in PAYABLE_KINDS else "total"]),
        "due_date": f.date(snapshot.get("due_date")),
    }
    has_due = kind in PAYABLE_KINDS and bool(snapshot.get("due_date"))
    body = t["email_body_due" if has_due else "email_body"]
    return {
        "subject": t[f"email_subject_{kind}"].format(**values),
        "body": body.format(**values),
    }

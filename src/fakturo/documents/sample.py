"""A realistic sample document for the designer when an organization has issued nothing yet:
built in memory, never stored. The seller is the organization itself."""

import copy
from typing import Any

from fakturo.invoicing.snapshot import seller_snapshot

SAMPLE_SNAPSHOT: dict[str, Any] = {
    "version": 1,
    "kind": "invoice",
    "number": "2026-0042",
    "issue_date": "2026-03-02",
    "due_date": "2026-03-16",
    "supply_date": None,
    "period_start": None,
    "period_end": None,
    "currency": "EUR",
    "exchange_rate": "1.00000000",
    "accounting_currency": "EUR",
    "language": "en",
    "payment_terms_type": "net_days",
    "payment_terms_days": 14,
    "early_payment_discount_percent": None,
    "early_payment_discount_days": None,
    "prices_include_tax": False,
    "purchase_order": "",
    "buyer_reference": "",
    "notes": "Thank you for your business.",
    "footer": "",
    "related_number": None,
    "related_issue_date": None,
    "rounding_method": "half-up",
    "seller": {
        "legal_name": "Acme GmbH",
        "trade_name": "",
        "address_line1": "Torstraße 1",
        "address_line2": "",
        "postal_code": "10119",
        "city": "Berlin",
        "region": "",
        "country": "DE",
        "vat_id": "DE123456788",
        "tax_number": "",
        "iban": "DE89370400440532013000",
        "bic": "",
        "email": "",
        "phone": "",
        "website": "",
        "electronic_address": "",
        "electronic_address_scheme": "",
    },
    "buyer": {
        "id": None,
        "kind": "company",
        "code": "BLUE",
        "legal_name": "Blue Harbour Ltd",
        "display_name": "",
        "emails": ["ap@blueharbour.test"],
        "phone": "",
        "website": "",
        "billing_line1": "1 Dock Road",
        "billing_line2": "",
        "billing_postal_code": "20095",
        "billing_city": "Hamburg",
        "billing_region": "",
        "billing_country": "DE",
        "shipping_line1": "",
        "shipping_line2": "",
        "shipping_postal_code": "",
        "shipping_city": "",
        "shipping_region": "",
        "shipping_country": "",
        "vat_id": "",
        "tax_treatment": "domestic",
        "tax_exemption_reason": "",
        "electronic_address": "",
        "electronic_address_scheme": "",
    },
    "lines": [
        {
            "position": 1,
            "description": "Design work",
            "quantity": "10.0000",
            "unit": "C62",
            "unit_price": "95.0000",
            "discount_percent": None,
            "discount_amount": "0",
            "gross_amount": "950.00",
            "net_amount": "950.00",
            "product_id": None,
            "taxes": [
                {
                    "name": "VAT 19 %",
                    "rate": "19.0000",
                    "category": "S",
                    "kind": "additive",
                    "exemption_reason": "",
                    "exemption_code": "",
                }
            ],
        },
        {
            "position": 2,
            "description": "Hosting",
            "quantity": "1.0000",
            "unit": "C62",
            "unit_price": "20.0000",
            "discount_percent": None,
            "discount_amount": "0",
            "gross_amount": "20.00",
            "net_amount": "20.00",
            "product_id": None,
            "taxes": [
                {
                    "name": "VAT 19 %",
                    "rate": "19.0000",
                    "category": "S",
                    "kind": "additive",
                    "exemption_reason": "",
                    "exemption_code": "",
                }
            ],
        },
    ],
    "allowances": [],
    "charges": [],
    "deposits": [],
    "totals": {
        "subtotal": "970.00",
        "allowance_total": "0.00",
        "charge_total": "0.00",
        "net_total": "970.00",
        "tax_total": "184.30",
        "withholding_total": "0.00",
        "total": "1154.30",
        "prepaid_amount": "0",
        "amount_paid": "0.00",
        "balance_due": "1154.30",
    },
    "tax_breakdown": [
        {
            "name": "VAT 19 %",
            "category": "S",
            "rate": "19.0000",
            "kind": "additive",
            "taxable_amount": "970.00",
            "tax_amount": "184.30",
            "exemption_reason": "",
            "exemption_code": "",
        }
    ],
    "withholdings": [],
}


def sample_snapshot(organization: Any) -> dict[str, Any]:
    """The sample invoice with `organization` as the seller."""
    snapshot = copy.deepcopy(SAMPLE_SNAPSHOT)
    snapshot["seller"] = seller_snapshot(organization)
    return snapshot

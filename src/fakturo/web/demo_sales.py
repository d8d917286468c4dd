"""The demo's sales: clients in several countries, products, and 18 months of quotes,
invoices, deposit invoices and credit notes — all through the services, in date order, so
numbering, totals and the timeline are exactly what real use produces."""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fakturo.accounts.models import Membership
from fakturo.catalog.models import Product, TaxRate
from fakturo.catalog.services import product_create
from fakturo.crm.models import Client
from fakturo.crm.services import activity_add, client_create, contact_create
from fakturo.invoicing.inputs import DocumentInput, LineInput
from fakturo.invoicing.services import (
    CreditLine,
    credit_note_create,
    document_create,
    document_issue,
    document_mark_sent,
    document_update,
    invoice_void,
    quote_accept,
    quote_convert,
    quote_decline,
    quote_send,
)

MONTHS = 18
SALES_STEPS = 2 + MONTHS  # clients, products, one step a month


@dataclass(frozen=True, slots=True)
class DemoClient:
    legal_name: str
    city: str
    country: str
    street: str
    postal_code: str
    vat_id: str = ""
    email_domain: str = ""
    currency: str = ""
    kind: str = "company"
    language: str = "en"


CLIENTS = (
    DemoClient(
        "Nordlicht Brauerei GmbH",
        "Hamburg",
        "DE",
        "Große Elbstraße 145",
        "22767",
        "DE129273398",
        "nordlicht-brauerei.test",
        language="de",
    ),
    DemoClient(
        "Kiezkaffee UG",
        "Berlin",
        "DE",
        "Wrangelstraße 12",
        "10997",
        "DE811907980",
        "kiezkaffee.test",
        language="de",
    ),
    DemoClient(
        "Stadtwerke Lindenau",
        "Leipzig",
        "DE",
        "Karl-Heine-Straße 90",
        "04229",
        email_domain="sw-lindenau.test",
        language="de",
    ),
    DemoClient(
        "Bergblick Hotels AG",
        "München",
        "DE",
        "Maximilianstraße 17",
        "80539",
        email_domain="bergblick-hotels.test",
        language="de",
    ),
    DemoClient(
        "Rheinwerk Maschinenbau GmbH",
        "Köln",
        "DE",
        "Deutz-Mülheimer-Str. 30",
        "51063",
        email_domain="rheinwerk-mb.test",
        language="de",
    ),
    DemoClient(
        "Praxis Dr. Anna Vogel",
        "Potsdam",
        "DE",
        "Brandenburger Straße 5",
        "14467",
        email_domain="praxis-vogel.test",
        language="de",
    ),
    DemoClient(
        "Tim Schröder",
        "Berlin",
        "DE",
        "Boxhagener Straße 77",
        "10245",
        kind="person",
        language="de",
    ),
    DemoClient(
        "Donau Digital GmbH",
        "Wien",
        "AT",
        "Praterstraße 1",
        "1020",
        "ATU13585627",
        "donau-digital.test",
        language="de",
    ),
    DemoClient(
        "Alpenglühen Tourismus GmbH",
        "Innsbruck",
        "AT",
        "Maria-Theresien-Str. 18",
        "6020",
        "ATU57194903",
        "alpengluehen.test",
        language="de",
    ),
    DemoClient(
        "Maison Colette SAS",
        "Paris",
        "FR",
        "18 rue de Rivoli",
        "75004",
        "FR40303265045",
        "maison-colette.test",
        language="fr",
    ),
    DemoClient(
        "Vignobles du Sud SARL",
        "Montpellier",
        "FR",
        "5 place de la Comédie",
        "34000",
        "FR82542065479",
        "vignobles-du-sud.test",
        language="fr",
    ),
    DemoClient(
        "Grachtenhuis B.V.",
        "Amsterdam",
        "NL",
        "Keizersgracht 123",
        "1015 CJ",
        "NL004495445B01",
        "grachtenhuis.test",
        language="nl",
    ),
    DemoClient(
        "Atelier Brussel BV",
        "Bruxelles",
        "BE",
        "Rue Neuve 40",
        "1000",
        "BE0403019261",
        "atelier-brussel.test",
        language="fr",
    ),
    DemoClient(
        "Estudio Mar Azul S.L.",
        "Barcelona",
        "ES",
        "Passeig de Gràcia 21",
        "08007",
        "ESB58378431",
        "marazul.test",
        language="es",
    ),
    DemoClient(
        "Cantina Verde S.r.l.",
        "Milano",
        "IT",
        "Via Torino 61",
        "20123",
        "IT00743110157",
        "cantinaverde.test",
        language="it",
    ),
    DemoClient(
        "Fjord Studio ApS", "København", "DK", "Nyhavn 17", "1051", "DK13585628", "fjordstudio.test"
    ),
    DemoClient(
        "Kraków Print Sp. z o.o.",
        "Kraków",
        "PL",
        "ul. Floriańska 3",
        "31-019",
        "PL8567346215",
        "krakowprint.test",
    ),
    DemoClient(
        "Nordic Outdoor AB",
        "Stockholm",
        "SE",
        "Drottninggatan 53",
        "111 21",
        "SE556188840401",
        "nordicoutdoor.test",
    ),
    DemoClient(
        "Lisboa Tiles Lda",
        "Lisboa",
        "PT",
        "Rua Augusta 200",
        "1100-053",
        "PT501964843",
        "lisboatiles.test",
        language="es",
    ),
    DemoClient(
        "Helvetia Uhren AG",
        "Zürich",
        "CH",
        "Bahnhofstrasse 45",
        "8001",
        email_domain="helvetia-uhren.test",
        currency="CHF",
        language="de",
    ),
    DemoClient(
        "Thames & Co Ltd",
        "London",
        "GB",
        "221 Baker Street",
        "NW1 6XE",
        "GB980780684",
        "thames-co.test",
        currency="GBP",
    ),
    DemoClient(
        "Brooklyn Roasters Inc.",
        "New York",
        "US",
        "85 Water Street",
        "11201",
        email_domain="brooklynroasters.test",
        currency="USD",
    ),
    DemoClient(
        "Pacific Apps LLC",
        "San Francisco",
        "US",
        "500 Howard Street",
        "94105",
        email_domain="pacificapps.test",
        currency="USD",
    ),
    DemoClient(
        "Maple Leaf Media Inc.",
        "Toronto",
        "CA",
        "100 King Street West",
        "M5X 1A9",
        email_domain="mapleleafmedia.test",
        currency="CAD",
    ),
    DemoClient(
        "Sakura Design K.K.",
        "Tokyo",
        "JP",
        "1-1 Marunouchi, Chiyoda",
        "100-0005",
        email_domain="sakura-design.test",
        currency="JPY",
    ),
)
EXCHANGE_RATES = {
    "CHF": Decimal("1.0650"),
    "GBP": Decimal("1.1720"),
    "USD": Decimal("0.9210"),
    "CAD": Decimal("0.6780"),
    "JPY": Decimal("0.00612"),
}
EU = {"AT", "FR", "NL", "BE", "ES", "IT", "DK", "PL", "SE", "PT"}

PRODUCTS = (
    ("DES-H", "Design, per hour", "HUR", "95.00", "19"),
    ("DEV-H", "Web development, per hour", "HUR", "110.00", "19"),
    ("DEV-D", "Development day rate", "DAY", "840.00", "19"),
    ("WS-D", "Brand workshop (full day)", "DAY", "1450.00", "19"),
    ("LOGO", "Logo and brand identity package", "C62", "3200.00", "19"),
    ("WEB-S", "Website, small (up to 5 pages)", "C62", "4900.00", "19"),
    ("HOST", "Hosting and maintenance", "MON", "89.00", "19"),
    ("SEO", "SEO audit", "C62", "750.00", "19"),
    ("PHOTO", "Product photography, per image", "C62", "45.00", "19"),
    ("PRINT", "Printed brochures (100 pieces)", "XPK", "380.00", "19"),
    ("BOOK", "Illustrated book design", "C62", "2600.00", "7"),
    ("TRAVEL", "Travel costs (lump sum)", "LS", "250.00", "19"),
)


def sales_load(
    owner: Membership, *, today: datetime.date, on_step: Callable[[str], None] = lambda step: None
) -> int:
    """Fill the owner's organization with clients, products and 18 months of documents;
    returns how many documents it made."""
    chance = random.Random(2026)  # noqa: S311  (the same demo on every installation)
    organization = owner.organization
    rates = {
        rate.category + f"{rate.percentage.normalize():f}": rate
        for rate in TaxRate.objects.filter(organization=organization)
    }
    clients = [_client(owner, spec, chance) for spec in CLIENTS]
    on_step(f"{len(clients)} clients")
    products = [
        product_create(
            membership=owner,
            fields={
                "sku": sku,
                "name": name,
                "unit": unit,
                "unit_price": Decimal(price),
                "default_tax_rate_id": rates["S" + rate].pk,
            },
        )
        for sku, name, unit, price, rate in PRODUCTS
    ]
    on_step(f"{len(products)} products")
    made = 0
    start = _month_start(today, MONTHS - 1)
    for month in range(MONTHS):
        first = _add_months(start, month)
        days = sorted(chance.sample(range(0, 27), 11))
        for position, day in enumerate(days):
            issue_date = first + datetime.timedelta(days=day)
            if issue_date > today:
                break
            client = clients[chance.randrange(len(clients))]
            made += _sale(owner, client, products, rates, issue_date, chance, position)
        on_step(f"{first:%B %Y}")
    return made


def _client(owner: Membership, spec: DemoClient, chance: random.Random) -> Client:
    reverse_charge = spec.country in EU and spec.vat_id
    treatment = (
        "reverse_charge" if reverse_charge else "domestic" if spec.country == "DE" else "export"
    )
    values: dict[str, Any] = {
        "kind": spec.kind,
        "legal_name": spec.legal_name,
        "billing_line1": spec.street,
        "billing_postal_code": spec.postal_code,
        "billing_city": spec.city,
        "billing_country": spec.country,
        "vat_id": spec.vat_id,
        "tax_treatment": treatment,
        "currency": spec.currency,
        "language": spec.language,
        "emails": [f"accounts@{spec.email_domain}"] if spec.email_domain else [],
        "tags": ["retainer"] if chance.random() < 0.25 else [],
    }
    client = client_create(membership=owner, values=values).client
    if spec.email_domain:
        contact_create(
            membership=owner,
            client_id=client.pk,
            values={
                "name": chance.choice(
                    [
                        "Sophie Wagner",
                        "Luca Bianchi",
                        "Emma Dubois",
                        "Noah Jansen",
                        "Olivia Smith",
                        "Mateo García",
                        "Yuki Tanaka",
                    ]
                ),
                "role": chance.choice(["Marketing lead", "Managing director", "Accounts payable"]),
                "email": f"hello@{spec.email_domain}",
                "receives_invoices": True,
            },
        )
    activity_add(
        membership=owner,
        client_id=client.pk,
        kind="meeting",
        summary=f"Kick-off meeting with {spec.legal_name}",
    )
    return client


def _tax_for(client: Client, product_rate: TaxRate, rates: dict[str, TaxRate]) -> TaxRate:
    if client.tax_treatment == "reverse_charge":
        return rates["AE0"]
    if client.tax_treatment == "export":
        return rates["G0"]
    return product_rate


def _lines(
    client: Client, products: list[Product], rates: dict[str, TaxRate], chance: random.Random
) -> tuple[LineInput, ...]:
    chosen = chance.sample(products, chance.randint(1, 5))
    factor = EXCHANGE_RATES.get(client.currency, Decimal(1))
    lines = []
    for product in chosen:
        quantity = (
            Decimal(chance.randint(4, 60))
            if product.unit == "HUR"
            else Decimal(chance.randint(1, 4))
        )
        price = product.unit_price if not client.currency else (product.unit_price / factor)
        places = Decimal(1) if client.currency == "JPY" else Decimal("0.01")
        lines.append(
            LineInput(
                description=product.name,
                quantity=quantity,
                unit=product.unit,
                unit_price=price.quantize(places),
                product_id=product.pk if not client.currency else None,
                discount_percent=Decimal(10) if chance.random() < 0.1 else None,
                tax_rate_ids=(_tax_for(client, product.default_tax_rate, rates).pk,),
            )
        )
    return tuple(lines)


def _document(
    owner: Membership,
    kind: str,
    client: Client,
    lines: tuple[LineInput, ...],
    issue_date: datetime.date,
    **fields: Any,
) -> Any:
    data = DocumentInput(
        client_id=client.pk,
        issue_date=issue_date,
        lines=lines,
        exchange_rate=EXCHANGE_RATES.get(client.currency),
        **fields,
    )
    return document_create(membership=owner, kind=kind, data=data)


def _sale(
    owner: Membership,
    client: Client,
    products: list[Product],
    rates: dict[str, TaxRate],
    issue_date: datetime.date,
    chance: random.Random,
    position: int,
) -> int:
    """One piece of business on `issue_date`; returns how many documents it made."""
    lines = _lines(client, products, rates, chance)
    roll = chance.random()
    if roll < 0.18:  # a quote, with the client's answer
        quote = _document(owner, "quote", client, lines, issue_date)
        quote_send(membership=owner, document_id=quote.pk)
        answer = chance.random()
        if answer < 0.5:
            quote_accept(membership=owner, document_id=quote.pk)
            invoice = quote_convert(membership=owner, document_id=quote.pk)
            document_update(
                membership=owner,
                document_id=invoice.pk,
                data=DocumentInput(issue_date=issue_date, provided=frozenset({"issue_date"})),
            )
            document_issue(membership=owner, document_id=invoice.pk)
            return 2
        if answer < 0.75:
            quote_decline(membership=owner, document_id=quote.pk)
        return 1
    if roll < 0.22 and client.tax_treatment == "domestic":  # a deposit, then the final invoice
        deposit = _document(
            owner,
            "deposit_invoice",
            client,
            (
                LineInput(
                    description="Deposit 30 % for the website project",
                    unit_price=Decimal("1470.00"),
                    tax_rate_ids=(rates["S19"].pk,),
                ),
            ),
            issue_date,
        )
        document_issue(membership=owner, document_id=deposit.pk)
        final = _document(
            owner,
            "invoice",
            client,
            (
                LineInput(
                    description="Website, small (up to 5 pages)",
                    unit_price=Decimal("4900.00"),
                    tax_rate_ids=(rates["S19"].pk,),
                ),
            ),
            issue_date,
            deposit_ids=(deposit.pk,),
        )
        document_issue(membership=owner, document_id=final.pk)
        return 2
    gross = client.kind == "person"
    invoice = _document(
        owner,
        "invoice",
        client,
        lines,
        issue_date,
        prices_include_tax=gross,
        purchase_order=f"PO-{chance.randint(1000, 9999)}" if chance.random() < 0.3 else "",
    )
    document_issue(membership=owner, document_id=invoice.pk)
    if chance.random() < 0.7:
        document_mark_sent(membership=owner, document_id=invoice.pk)
    if roll > 0.97:
        invoice_void(membership=owner, invoice_id=invoice.pk, reason="Issued to the wrong client")
        return 2
    if roll > 0.93:
        line = invoice.lines.order_by("position").first()
        credit = credit_note_create(
            membership=owner,
            invoice_id=invoice.pk,
            lines=[CreditLine(line.pk, Decimal(1))],
            reason="Goodwill: one item credited",
        )
        document_issue(membership=owner, document_id=credit.pk)
        return 2
    return 1


def _month_start(today: datetime.date, months_back: int) -> datetime.date:
    return _add_months(today.replace(day=1), -months_back)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)

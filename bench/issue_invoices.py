"""Create and issue invoices of 10 lines through the service layer, then time API requests.

Prints one JSON line of figures, each beside the target it is measured against:
- invoices_per_second: N invoices created and issued by documents_issue_batch, the service
  billing runs use, in batches of 500 (target >= 400)
- one_by_one_per_second: document_create + document_issue for each of `--single` invoices
- api_create_p50_ms / p95: POST /api/v1/invoices (10 lines) with `--background` invoices
  already in the database (target p50 <= 25 ms)
- api_create_issue_p50_ms / p95: POST create + POST issue, per invoice
- peak_memory_mb: peak resident memory of this process

Usage: python bench/issue_invoices.py [-n 10000] [--background 100000] [--api 300]
On SQLite it uses a fresh data folder; with DATABASE_URL (PostgreSQL) it creates a fresh
database named after the one in the URL with a `_bench` suffix.
"""

import argparse
import datetime
import json
import resource
import sys
import time
from decimal import Decimal

from common import percentile, seller_and_client, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="invoices through the services")
    parser.add_argument(
        "--background",
        type=int,
        default=100_000,
        help="invoices in the database before the API is timed",
    )
    parser.add_argument("--api", type=int, default=300, help="API requests to time")
    parser.add_argument(
        "--single", type=int, default=500, help="invoices created and issued one by one"
    )
    arguments = parser.parse_args()
    database = setup_django()
    from django.test import Client

    from fakturo.accounts.services import api_token_create
    from fakturo.invoicing.inputs import DocumentInput, LineInput
    from fakturo.invoicing.services import (
        document_create,
        document_issue,
        documents_issue_batch,
    )

    owner, customer, rate = seller_and_client()
    lines = tuple(
        LineInput(
            description=f"Item {index}",
            quantity=Decimal(index + 1),
            unit_price=Decimal("19.99"),
            tax_rate_ids=(rate.pk,),
        )
        for index in range(10)
    )
    data = DocumentInput(client_id=customer.pk, issue_date=datetime.date(2026, 6, 1), lines=lines)

    batch = 500
    started = time.perf_counter()
    for start in range(0, arguments.n, batch):
        count = min(batch, arguments.n - start)
        documents_issue_batch(membership=owner, kind="invoice", inputs=[data] * count)
    service_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for _ in range(arguments.single):
        draft = document_create(membership=owner, kind="invoice", data=data)
        document_issue(membership=owner, document_id=draft.pk)
    single_seconds = time.perf_counter() - started

    _add_background(owner, customer, rate, arguments.background - arguments.n)

    _, secret = api_token_create(membership=owner, name="bench", read_only=False)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = json.dumps(
        {
            "client_id": str(customer.pk),
            "issue_date": "2026-06-02",
            "lines": [
                {
                    "description": f"Item {i}",
                    "quantity": str(i + 1),
                    "unit_price": "19.99",
                    "tax_rate_id": str(rate.pk),
                }
                for i in range(10)
            ],
        }
    )
    create_ms, create_issue_ms = [], []
    for _ in range(arguments.api):
        started = time.perf_counter()
        response = client.post("/api/v1/invoices", body, content_type="application/json")
        created = time.perf_counter()
        assert response.status_code == 201, response.content
        issued = client.post(
            f"/api/v1/invoices/{response.json()['id']}/issue", content_type="application/json"
        )
        assert issued.status_code == 200, issued.content
        done = time.perf_counter()
        create_ms.append((created - started) * 1000)
        create_issue_ms.append((done - started) * 1000)

    figures = {
        "benchmark": "issue_invoices",
        "database": database,
        "invoices": arguments.n,
        "lines_per_invoice": 10,
        "invoices_per_second": round(arguments.n / service_seconds, 1),
        "invoices_per_second_target": 400,
        "one_by_one_per_second": round(arguments.single / single_seconds, 1),
        "background_invoices": max(arguments.background, arguments.n),
        "api_create_p50_ms": percentile(create_ms, 0.5),
        "api_create_p95_ms": percentile(create_ms, 0.95),
        "api_create_p50_ms_target": 25,
        "api_create_issue_p50_ms": percentile(create_issue_ms, 0.5),
        "api_create_issue_p95_ms": percentile(create_issue_ms, 0.95),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(figures))


def _add_background(owner: object, customer: object, rate: object, count: int) -> None:
    """Bulk-insert issued invoices (10 lines each) so the API is timed on a full database."""
    if count <= 0:
        return
    from django.db import connection, transaction

    from fakturo.invoicing.models import Document, DocumentLine

    organization = owner.organization  # type: ignore[attr-defined]
    batch = 2000
    for start in range(0, count, batch):
        with transaction.atomic():
            documents = [
                Document(
                    organization=organization,
                    kind="invoice",
                    client=customer,
                    currency="EUR",
                    issue_date=datetime.date(2025, 1, 1)
                    + datetime.timedelta(days=(start + i) % 365),
                    number=f"BG-{start + i:07d}",
                    total=Decimal("1308.15"),
                    balance_due=Decimal("1308.15"),
                    net_total=Decimal("1099.29"),
                )
                for i in range(min(batch, count - start))
            ]
            Document.objects.bulk_create(documents)
            DocumentLine.objects.bulk_create(
                DocumentLine(
                    document=document,
                    position=p + 1,
                    description=f"Item {p}",
                    quantity=Decimal(p + 1),
                    unit_price=Decimal("19.99"),
                    net_amount=Decimal("19.99") * (p + 1),
                )
                for document in documents
                for p in range(10)
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE invoicing_document SET status = 'issued' WHERE number LIKE 'BG-%%' "
                    "AND status = 'draft'"
                )
    print(f"background: {count} invoices", file=sys.stderr)


if __name__ == "__main__":
    main()

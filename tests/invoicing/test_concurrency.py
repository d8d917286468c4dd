"""Numbering under concurrency, on PostgreSQL: many processes issue at once, and the numbers
come out distinct and consecutive, with the series row locked FOR UPDATE."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fakturo.invoicing.inputs import DocumentInput, LineInput
from fakturo.invoicing.models import Document
from fakturo.invoicing.services import document_create, document_issue

pytestmark = pytest.mark.postgres
PROCESSES = 8
INVOICES = 400


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")


def _drafts(seller, client, rate, count):
    data = DocumentInput(
        client_id=client.pk,
        issue_date=__import__("datetime").date(2026, 5, 4),
        lines=(
            LineInput(
                description="Work",
                quantity=Decimal(1),
                unit_price=Decimal(100),
                tax_rate_ids=(rate.pk,),
            ),
        ),
    )
    return [document_create(membership=seller, kind="invoice", data=data).pk for _ in range(count)]


def test_issuing_locks_the_series_row(seller, client, rates):
    _postgres_only()
    draft = _drafts(seller, client, rates["19"], 1)[0]

    with CaptureQueriesContext(connection) as queries:
        document_issue(membership=seller, document_id=draft)

    series_locks = [
        q["sql"]
        for q in queries.captured_queries
        if "invoicing_numberseries" in q["sql"] and "FOR UPDATE" in q["sql"]
    ]
    assert series_locks


@pytest.mark.django_db(transaction=True)
def test_parallel_issuing_gives_distinct_consecutive_numbers(seller, client, rates, settings):
    _postgres_only()
    drafts = [str(pk) for pk in _drafts(seller, client, rates["19"], INVOICES)]
    database = settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    environment = {**os.environ, "DATABASE_URL": url}
    worker = Path(__file__).with_name("issue_worker.py")
    chunks = [drafts[index::PROCESSES] for index in range(PROCESSES)]

    processes = [
        subprocess.Popen(
            [sys.executable, str(worker), str(seller.pk), *chunk],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for chunk in chunks
    ]
    outputs = [process.communicate(timeout=300) for process in processes]

    assert all(process.returncode == 0 for process in processes), [err for _, err in outputs]
    numbers = [line for out, _ in outputs for line in out.split()]
    assert len(numbers) == INVOICES
    assert sorted(numbers) == [f"2026-{n:04d}" for n in range(1, INVOICES + 1)]
    sequences = sorted(Document.objects.filter(kind="invoice").values_list("sequence", flat=True))
    assert sequences == list(range(1, INVOICES + 1))

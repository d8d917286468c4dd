"""Render documents: PDF, PDF/A-3b Factur-X, SVG previews, UBL and CII, validation, and
the same invoice printed by a cold Chromium for comparison.

Prints one JSON line of figures, each beside the target it is measured against:
- pdf_p50_ms / p95: a 1-page, 15-line invoice as plain PDF/A-3b, in one warm process
- facturx_p50_ms / p95: the same as Factur-X (CII attached, XMP added) (targets 25 / 40 ms)
- facturx_per_second_2_workers: Factur-X PDFs per second from two worker processes (≥ 70)
- pages_20_ms: a 20-page invoice as Factur-X (≤ 600 ms)
- preview_svg_ms: the designer's preview, page 1 as SVG (≤ 15 ms)
- ubl_per_second / cii_per_second: XML documents written per second (≥ 1,000)
- validate_ubl_ms / validate_cii_ms: validation per document, rules loaded once (≤ 10 ms)
- chromium_cold_ms: the invoice's print view printed by `chromium --headless
  --print-to-pdf`, a new process per invoice; chromium_ratio = that / facturx_p50_ms (≥ 20)

Usage: python bench/render.py [--runs 200] [--chromium-runs 5]
"""

import argparse
import datetime
import io
import json
import multiprocessing
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from common import percentile, seller_and_client, setup_django

TIMESTAMP = datetime.datetime(2026, 6, 1, 9, 30, tzinfo=datetime.UTC)


def timings(function: Callable[[], object], runs: int, warm_up: int = 5) -> list[float]:
    for _ in range(warm_up):
        function()
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def per_second(function: Callable[[], object], runs: int) -> float:
    function()
    started = time.perf_counter()
    for _ in range(runs):
        function()
    return round(runs / (time.perf_counter() - started), 1)


def issued_invoice(owner: Any, customer: Any, rate: Any, lines: int) -> Any:
    from fakturo.invoicing.inputs import DocumentInput, LineInput
    from fakturo.invoicing.services import document_create, document_issue

    data = DocumentInput(
        client_id=customer.pk,
        issue_date=datetime.date(2026, 6, 1),
        notes="Thank you for your business.",
        lines=tuple(
            LineInput(
                description=f"Consulting, work package {index + 1}",
                quantity=Decimal(index % 7 + 1),
                unit="HUR",
                unit_price=Decimal("95.50"),
                tax_rate_ids=(rate.pk,),
            )
            for index in range(lines)
        ),
    )
    draft = document_create(membership=owner, kind="invoice", data=data)
    return document_issue(membership=owner, document_id=draft.pk)


_worker_state: dict[str, Any] = {}


def _worker_init(snapshot: dict[str, Any]) -> None:
    import django

    django.setup()
    from fakturo.documents.models import Branding

    _worker_state.update(snapshot=snapshot, branding=Branding())


def _worker_render(_: int) -> int:
    from fakturo.documents.render import render_format

    pdf = render_format(
        _worker_state["snapshot"], _worker_state["branding"], "facturx", timestamp=TIMESTAMP
    )
    return len(pdf)


def two_workers(snapshot: dict[str, Any], count: int) -> float:
    """Factur-X PDFs per second from a pool of two warmed-up processes (default branding)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(2, initializer=_worker_init, initargs=(snapshot,)) as pool:
        pool.map(_worker_render, range(8))
        started = time.perf_counter()
        pool.map(_worker_render, range(count), chunksize=4)
        return round(count / (time.perf_counter() - started), 1)


def print_view_html(owner: Any, document: Any, folder: Path) -> Path:
    """The invoice's print page as a file, its stylesheets pointing at the static files."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.test import Client, override_settings

    browser = Client()
    browser.force_login(owner.user)
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=plain_static):
        html = browser.get(f"/documents/{document.pk}/print").content.decode()

    def local(match: re.Match[str]) -> str:
        found = finders.find(match.group(1))
        return f'href="{Path(found).as_uri()}"' if found else match.group(0)

    page = folder / "invoice.html"
    page.write_text(re.sub(r'href="/static/([^"]+\.css)"', local, html))
    return page


def chromium_cold_ms(page: Path, runs: int) -> float | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None
    spent = []
    for run in range(runs):
        output = page.parent / f"chromium-{run}.pdf"
        started = time.perf_counter()
        subprocess.run(  # noqa: S603
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--user-data-dir={page.parent / f'profile-{run}'}",
                f"--print-to-pdf={output}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
        )
        spent.append((time.perf_counter() - started) * 1000)
        assert output.stat().st_size > 0
    return round(statistics.median(spent), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed renders per figure")
    parser.add_argument("--chromium-runs", type=int, default=5, help="cold Chromium prints")
    arguments = parser.parse_args()
    setup_django()
    from pypdf import PdfReader

    from fakturo.documents.render import render_format, render_pdf, render_svg
    from fakturo.documents.selectors import branding_of
    from fakturo.einvoice.cii import cii_xml
    from fakturo.einvoice.ubl import ubl_xml
    from fakturo.einvoice.validation import validate, warm_up

    owner, customer, rate = seller_and_client()
    branding = branding_of(owner.organization)
    invoice = issued_invoice(owner, customer, rate, lines=15)
    snapshot = invoice.snapshot
    facturx = render_format(snapshot, branding, "facturx", timestamp=TIMESTAMP)
    assert len(PdfReader(io.BytesIO(facturx)).pages) == 1

    runs = arguments.runs
    plain = timings(lambda: render_pdf(snapshot, branding, timestamp=TIMESTAMP), runs)
    hybrid = timings(
        lambda: render_format(snapshot, branding, "facturx", timestamp=TIMESTAMP), runs
    )
    preview = timings(lambda: render_svg(snapshot, branding), runs)

    long_invoice = issued_invoice(owner, customer, rate, lines=20 * 44)
    long_pdf = render_format(long_invoice.snapshot, branding, "facturx", timestamp=TIMESTAMP)
    long_pages = len(PdfReader(io.BytesIO(long_pdf)).pages)
    long_ms = timings(
        lambda: render_format(long_invoice.snapshot, branding, "facturx", timestamp=TIMESTAMP),
        5,
        warm_up=1,
    )

    ubl, cii = ubl_xml(snapshot), cii_xml(snapshot)
    warm_up()
    validate_ubl = timings(lambda: validate(ubl), runs)
    validate_cii = timings(lambda: validate(cii), runs)
    assert validate(ubl).valid and validate(cii).valid

    with tempfile.TemporaryDirectory(prefix="fakturo-bench-chromium-") as folder:
        chromium_ms = chromium_cold_ms(
            print_view_html(owner, invoice, Path(folder)), arguments.chromium_runs
        )

    facturx_p50 = percentile(hybrid, 0.5)
    figures = {
        "benchmark": "render",
        "lines": 15,
        "pdf_p50_ms": percentile(plain, 0.5),
        "pdf_p95_ms": percentile(plain, 0.95),
        "facturx_p50_ms": facturx_p50,
        "facturx_p50_ms_target": 25,
        "facturx_p95_ms": percentile(hybrid, 0.95),
        "facturx_p95_ms_target": 40,
        "facturx_per_second_2_workers": two_workers(snapshot, runs * 2),
        "facturx_per_second_2_workers_target": 70,
        "pages_20_pages": long_pages,
        "pages_20_ms": round(statistics.median(long_ms), 1),
        "pages_20_ms_target": 600,
        "preview_svg_ms": percentile(preview, 0.5),
        "preview_svg_ms_target": 15,
        "ubl_per_second": per_second(lambda: ubl_xml(snapshot), runs * 5),
        "cii_per_second": per_second(lambda: cii_xml(snapshot), runs * 5),
        "xml_per_second_target": 1000,
        "validate_ubl_ms": percentile(validate_ubl, 0.5),
        "validate_cii_ms": percentile(validate_cii, 0.5),
        "validate_ms_target": 10,
        "chromium_cold_ms": chromium_ms,
        "chromium_ratio": round(chromium_ms / facturx_p50, 1) if chromium_ms else None,
        "chromium_ratio_target": 20,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

"""After issue: the archive set is rendered once, stored with its SHA-256, and served."""

import hashlib
import logging

import pytest
from django.utils import timezone

from fakturo.documents import jobs
from fakturo.documents.facturx import attached_xml
from fakturo.documents.jobs import archive_pending, document_archive
from fakturo.documents.models import RenderedFile
from fakturo.documents.render import document_file, render_format
from fakturo.documents.selectors import branding_of
from fakturo.einvoice.cii import cii_xml
from fakturo.invoicing.services import document_issue


def _archived(document):
    return {item.format: item for item in RenderedFile.objects.filter(document=document)}


def test_issuing_archives_the_pdf_and_the_xml(
    seller, make_invoice, django_capture_on_commit_callbacks
):
    draft = make_invoice()

    with django_capture_on_commit_callbacks(execute=True):
        invoice = document_issue(membership=seller, document_id=draft.pk)

    files = _archived(invoice)
    assert {"pdf", "facturx", "cii", "ubl"} <= set(files)
    pdf = files["pdf"].read()
    assert files["pdf"].sha256 == hashlib.sha256(pdf).hexdigest()
    assert files["pdf"].size == len(pdf)
    assert files["pdf"].media_type == "application/pdf"
    assert files["cii"].media_type == "application/xml"
    assert files["pdf"].organization_id == seller.organization_id
    invoice.refresh_from_db()
    assert invoice.pdf_sha256 == files["pdf"].sha256
    # A Factur-X PDF whose XML is the CII we emit, and a fresh render is byte-identical.
    assert attached_xml(pdf) == cii_xml(invoice.snapshot, profile="en16931")
    assert pdf == files["facturx"].read()
    fresh = render_format(
        invoice.snapshot,
        branding_of(invoice.organization),
        "pdf",
        timestamp=invoice.issued_at,
    )
    assert fresh == pdf


def test_a_download_before_archiving_is_the_archived_bytes(issued_invoice):
    before, before_sha = document_file(issued_invoice, "pdf")
    assert not RenderedFile.objects.filter(document=issued_invoice).exists()

    document_archive(document_id=issued_invoice.pk)

    after, after_sha = document_file(issued_invoice, "pdf")
    assert after == before and after_sha == before_sha


def test_archiving_twice_keeps_the_first_files(issued_invoice):
    first = document_archive(document_id=issued_invoice.pk)
    stored = {item.format: (item.pk, item.sha256) for item in first}

    assert document_archive(document_id=issued_invoice.pk) == []

    assert {item.format: (item.pk, item.sha256) for item in RenderedFile.objects.all()} == stored


def test_a_quote_archives_its_pdf_only(seller, make_invoice, issue):
    quote = issue(make_invoice(kind="quote"))

    document_archive(document_id=quote.pk)

    assert set(_archived(quote)) == {"pdf"}


def test_a_rendering_failure_leaves_the_issued_document_and_is_retried(
    seller, make_invoice, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(document):
        raise RuntimeError("renderer unavailable")

    monkeypatch.setattr(jobs, "render_issued", broken)
    draft = make_invoice()
    with (
        caplog.at_level(logging.ERROR, logger="fakturo.documents"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        invoice = document_issue(membership=seller, document_id=draft.pk)

    invoice.refresh_from_db()
    assert invoice.status == "issued" and invoice.number
    assert not RenderedFile.objects.exists()
    assert "archiving failed" in caplog.text

    monkeypatch.undo()
    summary = archive_pending(timezone.now())

    assert summary == "archived 1 of 1 documents"
    assert "pdf" in _archived(invoice)


def test_drafts_are_never_archived(make_invoice):
    draft = make_invoice()

    assert document_archive(document_id=draft.pk) == []
    assert jobs.pending_documents() == []


@pytest.mark.parametrize("count", [1, 11])
def test_only_small_issues_are_archived_inline(seller, make_invoice, issue, count, settings):
    from fakturo.documents.tasks import INLINE_LIMIT, enqueue_archive

    settings.FAKTURO_BROKER_URL = ""
    documents = [issue(make_invoice()) for _ in range(count)]

    enqueue_archive([document.pk for document in documents])

    archived = RenderedFile.objects.filter(format="pdf").count()
    assert archived == (count if count <= INLINE_LIMIT else 0)
    assert len(jobs.pending_documents()) == count - archived


def test_a_document_that_keeps_failing_does_not_hold_up_newer_ones(
    make_invoice, issue, monkeypatch
):
    oldest, *newer = [issue(make_invoice()) for _ in range(3)]
    render_issued = jobs.render_issued

    def fails_for_the_oldest(document):
        if document.pk == oldest.pk:
            raise RuntimeError("cannot render this one")
        return render_issued(document)

    monkeypatch.setattr(jobs, "render_issued", fails_for_the_oldest)
    monkeypatch.setattr(jobs, "ARCHIVE_BATCH", 1)

    assert archive_pending(timezone.now()) == "archived 2 of 3 documents"
    assert [document_id for _, document_id in jobs.pending_documents()] == [oldest.pk]
    assert all("pdf" in _archived(document) for document in newer)

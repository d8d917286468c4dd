"""Received e-invoices in the browser: the list, an upload to validate or import, the detail
page with parties, lines, totals and findings, and the original file."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from fakturo.accounts.choices import Capability
from fakturo.accounts.views import current_membership, error_text, member_required
from fakturo.core.errors import ServiceError
from fakturo.einvoice import services
from fakturo.einvoice.forms import ReceivedFilterForm, UploadForm
from fakturo.einvoice.selectors import (
    ReceivedFilters,
    received_document_get,
    received_document_list,
)

PAGE_SIZE = 50


def _list_page(request: HttpRequest, upload: UploadForm, **extra: Any) -> dict[str, Any]:
    membership = current_membership(request)
    filters = ReceivedFilterForm(request.GET)
    chosen: ReceivedFilters = {}
    if filters.is_valid():
        chosen = {k: v for k, v in filters.cleaned_data.items() if v not in (None, "")}  # type: ignore[assignment]
    documents = received_document_list(organization=membership.organization, filters=chosen)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "form": filters,
        "upload": upload,
        "page": page,
        "can_import": membership.can(Capability.EDIT_DOCUMENTS),
        **extra,
    }


@require_GET
@member_required
def received_list(request: HttpRequest) -> HttpResponse:
    return render(request, "einvoice/received_list.html", _list_page(request, UploadForm()))


@require_POST
@member_required
def received_upload(request: HttpRequest) -> HttpResponse:
    """`action=validate` shows the findings without storing; `action=import` stores."""
    membership = current_membership(request)
    upload = UploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        context = _list_page(request, upload)
        return render(request, "einvoice/received_list.html", context, status=422)
    file = upload.cleaned_data["file"]
    data = file.read(services.MAX_UPLOAD_BYTES + 1)
    content_type = services.sniffed_media_type(data)
    try:
        if request.POST.get("action") == "import":
            document = services.einvoice_import(
                membership=membership, data=data, filename=file.name, content_type=content_type
            )
            messages.success(request, f"Imported {document.original_filename}.")
            return redirect("einvoice:received_detail", document_id=document.pk)
        report = services.einvoice_validate(
            membership=membership, data=data, content_type=content_type
        ).report
    except ServiceError as error:
        upload.add_error("file", error_text(error))
        context = _list_page(request, upload)
        return render(request, "einvoice/received_list.html", context, status=error.status)
    context = _list_page(request, UploadForm(), report=report, checked_name=file.name)
    return render(request, "einvoice/received_list.html", context)


@require_GET
@member_required
def received_detail(request: HttpRequest, document_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    document = received_document_get(organization=membership.organization, document_id=document_id)
    blocking = [f for f in document.findings if f["severity"] in ("fatal", "error")]
    return render(
        request,
        "einvoice/received_detail.html",
        {"document": document, "parsed": document.parsed, "blocking_count": len(blocking)},
    )


@require_GET
@member_required  # type: ignore[arg-type]  # a FileResponse streams; it is no HttpResponse
def received_file(request: HttpRequest, document_id: UUID) -> FileResponse:
    membership = current_membership(request)
    document = received_document_get(organization=membership.organization, document_id=document_id)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_filename,
        content_type=document.content_type,
    )

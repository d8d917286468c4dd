"""File downloads of issued documents, for the web UI and the API (one response builder)."""

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_GET

from fakturo.accounts.views import current_membership, member_required
from fakturo.core.errors import ValidationFailed
from fakturo.documents.choices import RenderedFormat
from fakturo.documents.render import MEDIA_TYPES, RenderError, document_file, file_name
from fakturo.documents.selectors import document_of
from fakturo.invoicing.choices import DocumentKind
from fakturo.invoicing.models import Document


def file_response(request: HttpRequest, document: Document, format: str) -> HttpResponse:
    """The document in `format` as an attachment; ETag is the SHA-256 of the bytes, and a
    matching If-None-Match gets 304. Missing required fields raise ValidationFailed."""
    try:
        content, sha256 = document_file(document, format)
    except RenderError as error:
        raise ValidationFailed.for_fields({format: error.problems}) from None
    etag = f'"{sha256}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    response = HttpResponse(content, content_type=MEDIA_TYPES[RenderedFormat(format)])
    name = file_name(document.snapshot, format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["ETag"] = etag
    return response


@member_required
@require_GET
def document_download(request: HttpRequest, document_id: UUID, format: str) -> HttpResponse:
    if format not in RenderedFormat.values:
        raise Http404("No such format.")
    membership = current_membership(request)
    document = document_of(
        organization=membership.organization,
        document_id=document_id,
        kinds=tuple(DocumentKind.values),
    )
    return file_response(request, document, format)

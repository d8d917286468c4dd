"""The "Send by email" page of an issued document."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fakturo.accounts.forms import add_service_errors
from fakturo.accounts.views import current_membership, member_required
from fakturo.core.errors import ServiceError
from fakturo.documents.data import email_texts
from fakturo.documents.delivery import (
    default_recipients,
    delivery_formats,
    document_email,
)
from fakturo.documents.forms import EmailForm
from fakturo.documents.render import file_name
from fakturo.documents.selectors import document_of
from fakturo.invoicing.choices import DocumentKind


@member_required
@require_http_methods(["GET", "POST"])
def document_email_form(request: HttpRequest, document_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    document = document_of(
        organization=membership.organization,
        document_id=document_id,
        kinds=tuple(DocumentKind.values),
    )
    if request.method == "POST":
        form = EmailForm(request.POST)
        if form.is_valid():
            try:
                delivery = document_email(
                    membership=membership,
                    document_id=document.pk,
                    to=form.recipients(),
                    subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"],
                )
            except ServiceError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{document.get_kind_display()} {document.number} sent to "
                    + ", ".join(delivery.recipients)
                    + ".",
                )
                return redirect("invoicing:document_detail", document.pk)
    else:
        texts = email_texts(document.snapshot) if document.snapshot else {}
        form = EmailForm(
            initial={
                "to": ", ".join(default_recipients(document)),
                "subject": texts.get("subject", ""),
                "message": texts.get("body", ""),
            }
        )
    context: dict[str, Any] = {
        "document": document,
        "form": form,
        "files": [file_name(document.snapshot, f) for f in delivery_formats(document)]
        if document.snapshot
        else [],
    }
    return render(request, "documents/document_email.html", context)

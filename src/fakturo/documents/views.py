"""Branding settings, the custom template editor, and the designer with its live preview.
Each view parses, calls one service, renders; previews use the same compiler as documents."""

import base64
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied as AccessDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fakturo.accounts.choices import Capability
from fakturo.accounts.forms import add_service_errors
from fakturo.accounts.models import Membership
from fakturo.accounts.views import current_membership, error_text, member_required
from fakturo.core.errors import ValidationFailed
from fakturo.documents import services
from fakturo.documents.choices import Layout
from fakturo.documents.compile import TemplateError
from fakturo.documents.forms import (
    BrandingForm,
    LogoForm,
    TemplateCreateForm,
    TemplateEditForm,
)
from fakturo.documents.models import Branding, CustomTemplate
from fakturo.documents.render import render_pdf, render_svg
from fakturo.documents.sample import sample_snapshot
from fakturo.documents.selectors import branding_of, template_choices
from fakturo.invoicing.choices import DocumentStatus
from fakturo.invoicing.models import Document

PREVIEW_KINDS = ("invoice", "credit_note", "deposit_invoice")


def _managing(request: HttpRequest) -> tuple[Membership, bool]:
    membership = current_membership(request)
    can_manage = membership.can(Capability.MANAGE_ORGANIZATION)
    if request.method == "POST" and not can_manage:
        raise AccessDenied("Your role does not allow changing the document design.")
    return membership, can_manage


def preview_snapshot(membership: Membership) -> dict[str, Any]:
    """The organization's latest issued invoice, or the in-memory sample when it has none."""
    document = (
        Document.objects.filter(organization=membership.organization, kind__in=PREVIEW_KINDS)
        .exclude(status=DocumentStatus.DRAFT)
        .exclude(issued_at=None)
        .order_by("-issued_at")
        .first()
    )
    if document is not None and document.snapshot:
        return dict(document.snapshot)
    return sample_snapshot(membership.organization)


def _render(
    membership: Membership, branding: Branding, source: str | None, *, format: str
) -> bytes | str:
    """Page 1 as SVG, or the PDF, with the branding's layout (a custom template's `source`
    when given, else its last good source)."""
    snapshot = preview_snapshot(membership)
    if branding.layout in Layout.values:
        if format == "svg":
            return render_svg(snapshot, branding)
        return render_pdf(snapshot, branding)
    template = CustomTemplate.objects.get(
        organization=membership.organization, slug=branding.layout
    )
    output = services.render_custom(
        source if source is not None else template.last_good_source,
        snapshot,
        branding,
        format=format,
    )
    return output[0] if isinstance(output, list) else output


@member_required
@require_http_methods(["GET", "POST"])
def branding_settings(request: HttpRequest) -> HttpResponse:
    membership, can_manage = _managing(request)
    branding = branding_of(membership.organization)
    form = BrandingForm(request.POST if request.method == "POST" else None, branding=branding)
    if request.method == "POST" and form.is_valid():
        try:
            services.branding_update(membership=membership, changes=form.changes())
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Branding saved.")
            return redirect("documents:branding_settings")
    return render(
        request,
        "documents/branding_settings.html",
        {
            "form": form,
            "logo_form": LogoForm(),
            "branding": branding,
            "logo_src": logo_data_url(branding),
            "can_manage": can_manage,
        },
    )


@member_required
@require_POST
def branding_logo(request: HttpRequest) -> HttpResponse:
    membership, _ = _managing(request)
    if "remove" in request.POST:
        services.branding_logo_remove(membership=membership)
        messages.success(request, "Logo removed.")
        return redirect("documents:branding_settings")
    form = LogoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a logo file to upload.")
        return redirect("documents:branding_settings")
    upload = form.cleaned_data["logo"]
    if upload.size > services.LOGO_MAX_BYTES:
        messages.error(request, "A logo is at most 1 MB.")
        return redirect("documents:branding_settings")
    try:
        services.branding_logo_set(
            membership=membership,
            data=upload.read(),
            filename=upload.name,
            content_type=upload.content_type or "",
        )
    except ValidationFailed as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Logo saved.")
    return redirect("documents:branding_settings")


def logo_data_url(branding: Branding) -> str | None:
    if not branding.logo:
        return None
    with branding.logo.open("rb") as handle:
        content = handle.read()
    return f"data:{branding.logo_content_type};base64,{base64.b64encode(content).decode()}"


@member_required
@require_http_methods(["GET", "POST"])
def custom_template_list(request: HttpRequest) -> HttpResponse:
    membership, can_manage = _managing(request)
    form = TemplateCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.custom_template_create(
                membership=membership,
                name=form.cleaned_data["name"],
                based_on=form.cleaned_data["based_on"],
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Template “{template.name}” created.")
            return redirect("documents:custom_template_edit", template_id=template.pk)
    templates = CustomTemplate.objects.filter(organization=membership.organization).order_by("name")
    return render(
        request,
        "documents/custom_template_list.html",
        {"form": form, "templates": templates, "can_manage": can_manage},
    )


@member_required
@require_http_methods(["GET", "POST"])
def custom_template_edit(request: HttpRequest, template_id: UUID) -> HttpResponse:
    membership, can_manage = _managing(request)
    template = services.custom_template_of(
        organization=membership.organization, template_id=template_id
    )
    initial = {"name": template.name, "source": template.source}
    form = TemplateEditForm(request.POST if request.method == "POST" else None, initial=initial)
    error: TemplateError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.custom_template_update(
                membership=membership,
                template_id=template.pk,
                source=form.cleaned_data["source"].replace("\r\n", "\n"),
                name=form.cleaned_data["name"],
            )
        except ValidationFailed as failure:
            add_service_errors(form, failure)
        else:
            if outcome.ok:
                messages.success(request, "Template saved; documents use it from now on.")
                return redirect("documents:custom_template_edit", template_id=template.pk)
            template, error = outcome.template, outcome.error
    elif template.last_error:
        error = TemplateError(template.last_error, template.last_error_line)
    return render(
        request,
        "documents/custom_template_edit.html",
        {
            "form": form,
            "template": template,
            "error": error,
            "can_manage": can_manage,
            "is_draft": template.source != template.last_good_source,
        },
    )


@member_required
@require_POST
def custom_template_remove(request: HttpRequest, template_id: UUID) -> HttpResponse:
    membership, _ = _managing(request)
    services.custom_template_delete(membership=membership, template_id=template_id)
    messages.success(request, "Template deleted.")
    return redirect("documents:custom_template_list")


def _designer_state(
    request: HttpRequest, membership: Membership
) -> tuple[BrandingForm, CustomTemplate | None, str | None]:
    """The designer form bound to the request's values (GET or POST) and the custom
    template its layout names, with the source typed in the editor."""
    branding = branding_of(membership.organization)
    data = request.POST if request.method == "POST" else None
    chosen = request.GET.get("layout")
    if data is None and chosen in dict(template_choices(membership.organization)):
        branding.layout = chosen  # shown, not saved, until the form is saved
    form = BrandingForm(data, branding=branding)
    layout = data.get("layout", branding.layout) if data is not None else branding.layout
    template = CustomTemplate.objects.filter(
        organization=membership.organization, slug=layout
    ).first()
    source = data.get("source") if data is not None and template is not None else None
    return form, template, source.replace("\r\n", "\n") if source is not None else None


def _preview_context(
    membership: Membership, form: BrandingForm, source: str | None
) -> dict[str, str]:
    if form.is_bound and not form.is_valid():
        return {"preview_error": "Fix the settings marked in the form to see the preview."}
    branding = form.preview_branding() if form.is_bound else form.branding
    try:
        svg = _render(membership, branding, source, format="svg")
    except TemplateError as error:
        return {"preview_error": str(error)}
    content = svg.encode() if isinstance(svg, str) else svg
    return {"preview_src": f"data:image/svg+xml;base64,{base64.b64encode(content).decode()}"}


@member_required
@require_http_methods(["GET", "POST"])
def template_designer(request: HttpRequest) -> HttpResponse:
    membership, can_manage = _managing(request)
    form, template, source = _designer_state(request, membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.branding_update(membership=membership, changes=form.changes())
            outcome = None
            if template is not None and source is not None and source != template.source:
                outcome = services.custom_template_update(
                    membership=membership, template_id=template.pk, source=source
                )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            if outcome is not None and not outcome.ok:
                messages.error(
                    request,
                    f"Settings saved; the template kept its last good version: {outcome.error}",
                )
            else:
                messages.success(request, "Design saved.")
            return redirect("documents:template_designer")
    context = {
        "form": form,
        "template": template,
        "source": source if source is not None else (template.source if template else ""),
        "can_manage": can_manage,
        **_preview_context(membership, form, source),
    }
    return render(request, "documents/template_designer.html", context)


@member_required
@require_POST
def template_preview(request: HttpRequest) -> HttpResponse:
    """The live preview partial: page 1 of the preview document with the posted settings."""
    membership = current_membership(request)
    form, _, source = _designer_state(request, membership)
    return render(
        request, "documents/partials/_preview.html", _preview_context(membership, form, source)
    )


@member_required
@require_http_methods(["GET", "POST"])
def template_sample_pdf(request: HttpRequest) -> HttpResponse:
    """The preview document as a PDF with the saved settings (GET) or the posted ones."""
    membership = current_membership(request)
    form, _, source = _designer_state(request, membership)
    branding = (
        form.preview_branding()
        if request.method == "POST" and form.is_valid()
        else branding_of(membership.organization)
    )
    try:
        pdf = _render(membership, branding, source, format="pdf")
    except TemplateError as error:
        return HttpResponse(
            f"The template does not compile: {error}",
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="sample.pdf"'
    return response

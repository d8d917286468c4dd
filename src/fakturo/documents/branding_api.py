"""Branding and custom templates in the API: /api/v1/branding, /api/v1/document-templates."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership
from fakturo.accounts.permissions import require
from fakturo.documents import services
from fakturo.documents.choices import Layout
from fakturo.documents.models import Branding, CustomTemplate
from fakturo.documents.selectors import branding_of

router = Router(tags=["branding"])


def _membership(request: HttpRequest, capability: str = Capability.READ) -> Membership:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    require(membership, capability)
    return membership


class BrandingOut(Schema):
    layout: str
    primary_color: str
    accent_color: str
    font: str
    paper: str
    footer_text: str
    show_bank_details: bool
    has_logo: bool
    logo_content_type: str
    logo_width: int | None
    logo_height: int | None

    @staticmethod
    def resolve_has_logo(branding: Branding) -> bool:
        return bool(branding.logo)


class BrandingPatch(Schema):
    layout: str | None = None
    primary_color: str | None = None
    accent_color: str | None = None
    font: str | None = None
    paper: str | None = None
    footer_text: str | None = None
    show_bank_details: bool | None = None


class TemplateError(Schema):
    message: str
    line: int | None
    column: int | None


class TemplateSummary(Schema):
    id: UUID
    slug: str
    name: str
    based_on: str


class TemplateOut(TemplateSummary):
    source: str
    last_good_source: str
    last_error: str
    last_error_line: int | None


class TemplateSaved(Schema):
    template: TemplateOut
    error: TemplateError | None


class TemplateCreate(Schema):
    name: str
    based_on: str = Layout.CLASSIC.value


class TemplatePatch(Schema):
    source: str
    name: str | None = None


@router.get("/branding", response=BrandingOut)
def branding_read(request: HttpRequest) -> Branding:
    return branding_of(_membership(request).organization)


@router.patch("/branding", response=BrandingOut)
def branding_change(request: HttpRequest, payload: BrandingPatch) -> Branding:
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    return services.branding_update(membership=_membership(request), changes=changes)


@router.get("/document-templates", response=list[TemplateSummary])
def template_list(request: HttpRequest) -> Any:
    organization = _membership(request).organization
    return CustomTemplate.objects.filter(organization=organization).order_by("name")


@router.post("/document-templates", response={201: TemplateOut})
def template_create(request: HttpRequest, payload: TemplateCreate) -> Any:
    template = services.custom_template_create(
        membership=_membership(request), name=payload.name, based_on=payload.based_on
    )
    return Status(201, template)


@router.get("/document-templates/{template_id}", response=TemplateOut)
def template_read(request: HttpRequest, template_id: UUID) -> CustomTemplate:
    organization = _membership(request).organization
    return services.custom_template_of(organization=organization, template_id=template_id)


@router.patch("/document-templates/{template_id}", response=TemplateSaved)
def template_change(request: HttpRequest, template_id: UUID, payload: TemplatePatch) -> Any:
    """Save the source; `error` says why it did not compile (documents then keep rendering
    with `last_good_source`)."""
    outcome = services.custom_template_update(
        membership=_membership(request),
        template_id=template_id,
        source=payload.source,
        name=payload.name,
    )
    error = outcome.error
    return {
        "template": outcome.template,
        "error": None
        if error is None
        else {"message": error.message, "line": error.line, "column": error.column},
    }


@router.delete("/document-templates/{template_id}", response={204: None})
def template_delete(request: HttpRequest, template_id: UUID) -> Any:
    services.custom_template_delete(membership=_membership(request), template_id=template_id)
    return Status(204, None)

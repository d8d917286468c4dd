"""Reads of branding and archived files, scoped to an organization."""

from uuid import UUID

from fakturo.accounts.models import Organization
from fakturo.core.errors import NotFound
from fakturo.documents.choices import Layout
from fakturo.documents.models import Branding, CustomTemplate, RenderedFile
from fakturo.invoicing.models import Document


def branding_of(organization: Organization) -> Branding:
    """The organization's branding; an unsaved one with the defaults until it is first saved,
    so reading never writes."""
    branding = Branding.objects.filter(organization=organization).first()
    return branding or Branding(organization=organization)


def rendered_file(*, document: Document, format: str) -> RenderedFile | None:
    return RenderedFile.objects.filter(
        organization_id=document.organization_id, document=document, format=format
    ).first()


def rendered_files(*, organization: Organization, document_id: UUID) -> list[RenderedFile]:
    return list(
        RenderedFile.objects.filter(organization=organization, document_id=document_id).order_by(
            "format"
        )
    )


def document_of(
    *, organization: Organization, document_id: UUID, kinds: tuple[str, ...]
) -> Document:
    """One of the organization's documents of `kinds`; another organization's is NotFound."""
    document = (
        Document.objects.filter(organization=organization, kind__in=kinds, pk=document_id)
        .select_related("organization")
        .first()
    )
    if document is None:
        raise NotFound("No such document.")
    return document


def template_choices(organization: Organization) -> list[tuple[str, str]]:
    """What a client's document template can be: the built-in layouts, then the
    organization's active custom templates by name."""
    custom = CustomTemplate.objects.filter(organization=organization, is_active=True)
    return [*Layout.choices, *custom.order_by("name").values_list("slug", "name")]

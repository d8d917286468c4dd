"""Writes of branding and custom templates: one transaction each, organization-scoped,
authorized and audited. Custom templates compile in the sandbox before they are trusted."""

import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from lxml import etree
from PIL import Image, UnidentifiedImageError

from fakturo.accounts.choices import Capability
from fakturo.accounts.models import Membership, Organization
from fakturo.accounts.permissions import require
from fakturo.audit.services import audit_record
from fakturo.core.errors import NotFound, ValidationFailed
from fakturo.documents.choices import Font, Layout, Paper
from fakturo.documents.compile import TemplateError
from fakturo.documents.facturx import has_facturx_attachment
from fakturo.documents.models import Branding, CustomTemplate
from fakturo.documents.render import LAYOUT_DIR, PDF_STANDARDS, template_assets, template_inputs
from fakturo.documents.sample import sample_snapshot
from fakturo.documents.sandbox import compile_sandboxed
from fakturo.documents.selectors import branding_of, template_choices

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
FOOTER_MAX_LENGTH = 500
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 4000
RASTER_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
BRANDING_FIELDS = (
    "layout",
    "primary_color",
    "accent_color",
    "font",
    "paper",
    "footer_text",
    "show_bank_details",
)
TEMPLATE_SOURCE_MAX_LENGTH = 200_000

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
# The SVG a logo may hold: shapes, text, gradients, clipping; no script, foreignObject,
# animation, or anything that loads from elsewhere.
SVG_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line",
        "polyline", "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop",
        "clipPath", "mask", "pattern", "use", "symbol", "image", "style",
    }
)  # fmt: skip
SVG_ATTRIBUTES = frozenset(
    {
        "id", "class", "style", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2",
        "cx", "cy", "r", "rx", "ry", "d", "points", "fill", "fill-opacity", "fill-rule",
        "stroke", "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
        "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity", "transform",
        "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform",
        "spreadMethod", "fx", "fy", "clip-path", "clip-rule", "clipPathUnits", "mask",
        "maskUnits", "maskContentUnits", "patternUnits", "patternContentUnits",
        "patternTransform", "preserveAspectRatio", "font-family", "font-size", "font-weight",
        "font-style", "text-anchor", "dominant-baseline", "letter-spacing", "dx", "dy",
        "version", "href",
    }
)  # fmt: skip
RASTER_DATA_URL = re.compile(r"^data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=\s]+$")
CSS_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)


@dataclass(frozen=True)
class TemplateOutcome:
    """The result of saving a template: it compiled (and renders now) or it did not."""

    template: CustomTemplate
    error: TemplateError | None

    @property
    def ok(self) -> bool:
        return self.error is None


def _branding_for_update(organization: Organization) -> Branding:
    Branding.objects.get_or_create(organization=organization)
    return Branding.objects.select_for_update().get(organization=organization)


def branding_problems(changes: dict[str, Any], organization: Organization) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for field in ("primary_color", "accent_color"):
        if field in changes and not COLOR.match(str(changes[field])):
            problems[field] = ["A colour is written #rrggbb, for example #1f4e79."]
    layouts = {slug for slug, _ in template_choices(organization)}
    choices = {"layout": layouts, "font": set(Font.values), "paper": set(Paper.values)}
    for field, allowed in choices.items():
        if field in changes and changes[field] not in allowed:
            problems[field] = [f"Choose one of: {', '.join(sorted(allowed))}."]
    if len(str(changes.get("footer_text", ""))) > FOOTER_MAX_LENGTH:
        problems["footer_text"] = [f"At most {FOOTER_MAX_LENGTH} characters."]
    if "show_bank_details" in changes and not isinstance(changes["show_bank_details"], bool):
        problems["show_bank_details"] = ["Yes or no."]
    unknown = set(changes) - set(BRANDING_FIELDS)
    for field in unknown:
        problems[field] = ["This setting does not exist."]
    return problems


@transaction.atomic
def branding_update(*, membership: Membership, changes: dict[str, Any]) -> Branding:
    """Change branding settings (a subset of BRANDING_FIELDS). `layout` is a built-in layout
    or the slug of one of the organization's custom templates."""
    require(membership, Capability.MANAGE_ORGANIZATION)
    organization = membership.organization
    problems = branding_problems(changes, organization)
    if problems:
        raise ValidationFailed.for_fields(problems)
    branding = _branding_for_update(organization)
    diff = {
        field: [getattr(branding, field), value]
        for field, value in changes.items()
        if getattr(branding, field) != value
    }
    for field, (_, value) in diff.items():
        setattr(branding, field, value)
    if diff:
        branding.save()
        audit_record(
            organization=organization,
            actor=membership.user,
            action="branding.updated",
            target=branding,
            changes=diff,
        )
    return branding


def _raster_logo(data: bytes) -> tuple[str, int, int]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationFailed.for_fields(
            {"logo": ["The file is not a PNG, JPEG or SVG image."]}
        ) from None
    if kind not in RASTER_TYPES:
        raise ValidationFailed.for_fields({"logo": ["A logo is a PNG, JPEG or SVG image."]})
    if width > LOGO_MAX_PIXELS or height > LOGO_MAX_PIXELS:
        raise ValidationFailed.for_fields(
            {"logo": [f"At most {LOGO_MAX_PIXELS} × {LOGO_MAX_PIXELS} pixels."]}
        )
    return RASTER_TYPES[kind], width, height


def _safe_reference(value: str) -> bool:
    return value.startswith("#") or bool(RASTER_DATA_URL.match(value))


def sanitize_svg(data: bytes) -> bytes:
    """The SVG with only whitelisted elements and attributes, no external references and no
    event handlers. Entities are not expanded and nothing is fetched; a DOCTYPE is refused."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise ValidationFailed.for_fields({"logo": ["The SVG file is not valid XML."]}) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ValidationFailed.for_fields({"logo": ["An SVG logo may not declare a DOCTYPE."]})
    if etree.QName(root).localname != "svg" or etree.QName(root).namespace != SVG:
        raise ValidationFailed.for_fields({"logo": ["The file is not an SVG image."]})
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # comments, processing instructions, entities
            element.getparent().remove(element)
            continue
        name = etree.QName(element)
        if name.namespace != SVG or name.localname not in SVG_ELEMENTS:
            element.getparent().remove(element)
            continue
        for attribute in list(element.attrib):
            attribute_name = etree.QName(attribute)
            value = element.attrib[attribute]
            allowed = attribute_name.namespace in (None, XLINK) and (
                attribute_name.localname in SVG_ATTRIBUTES
            )
            if attribute_name.localname == "href" and not _safe_reference(value):
                allowed = False
            if CSS_URL.search(value):
                allowed = False
            if not allowed:
                del element.attrib[attribute]
        style = element.text or "" if name.localname == "style" else ""
        if CSS_URL.search(style) or "@import" in style:
            element.getparent().remove(element)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def _svg_size(svg: bytes) -> tuple[int | None, int | None]:
    root = etree.fromstring(svg, etree.XMLParser(resolve_entities=False, no_network=True))
    sizes = []
    for attribute in ("width", "height"):
        match = re.match(r"^\s*(\d+(?:\.\d+)?)\s*(px)?\s*$", root.get(attribute, ""))
        sizes.append(round(float(match[1])) if match else None)
    return sizes[0], sizes[1]


@transaction.atomic
def branding_logo_set(
    *, membership: Membership, data: bytes, filename: str, content_type: str
) -> Branding:
    """Store a logo: PNG or JPEG (checked by content, at most 4000 × 4000 px) or SVG
    (sanitized); at most 1 MB. The previous logo file is deleted after commit."""
    require(membership, Capability.MANAGE_ORGANIZATION)
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationFailed.for_fields({"logo": ["A logo is at most 1 MB."]})
    looks_svg = content_type == "image/svg+xml" or filename.lower().endswith(".svg")
    if looks_svg:
        content = sanitize_svg(data)
        media_type, (width, height) = "image/svg+xml", _svg_size(content)
        if (width or 0) > LOGO_MAX_PIXELS or (height or 0) > LOGO_MAX_PIXELS:
            raise ValidationFailed.for_fields(
                {"logo": [f"At most {LOGO_MAX_PIXELS} × {LOGO_MAX_PIXELS} pixels."]}
            )
    else:
        content = data
        media_type, width, height = _raster_logo(data)
    branding = _branding_for_update(membership.organization)
    previous = branding.logo.name if branding.logo else None
    suffix = {"image/svg+xml": ".svg", "image/png": ".png", "image/jpeg": ".jpg"}[media_type]
    branding.logo.save(f"logo{suffix}", ContentFile(content), save=False)
    branding.logo_content_type = media_type
    branding.logo_width, branding.logo_height = width, height
    branding.save()
    audit_record(
        organization=membership.organization,
        actor=membership.user,
        action="branding.logo_set",
        target=branding,
        changes={"logo": [previous, branding.logo.name]},
    )
    if previous:
        storage = branding.logo.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return branding


@transaction.atomic
def branding_logo_remove(*, membership: Membership) -> Branding:
    require(membership, Capability.MANAGE_ORGANIZATION)
    branding = _branding_for_update(membership.organization)
    if not branding.logo:
        return branding
    previous, storage = branding.logo.name, branding.logo.storage
    branding.logo = ""
    branding.logo_content_type = ""
    branding.logo_width = branding.logo_height = None
    branding.save()
    audit_record(
        organization=membership.organization,
        actor=membership.user,
        action="branding.logo_removed",
        target=branding,
        changes={"logo": [previous, None]},
    )
    transaction.on_commit(lambda: storage.delete(previous))
    return branding


def render_custom(
    source: str,
    snapshot: dict[str, Any],
    branding: Any,
    *,
    format: str = "pdf",
    language: str | None = None,
    timestamp: datetime | None = None,
    facturx_xml: bytes | None = None,
) -> bytes | list[bytes]:
    """A document rendered with a custom template's source in the sandbox, from the same
    inputs the built-in layouts read; PDFs are PDF/A-3b like the built-in ones. Raises
    TemplateError."""
    return compile_sandboxed(
        source,
        template_assets(branding),
        template_inputs(snapshot, branding, language=language, facturx_xml=facturx_xml),
        format=format,
        timestamp=timestamp,
        pdf_standards=PDF_STANDARDS if format == "pdf" else None,
    )


def custom_template_of(*, organization: Organization, template_id: UUID) -> CustomTemplate:
    template = CustomTemplate.objects.filter(organization=organization, pk=template_id).first()
    if template is None:
        raise NotFound("No such template.")
    return template


def _unique_slug(organization: Organization, name: str) -> str:
    base = slugify(name)[:50] or "template"
    taken = set(
        CustomTemplate.objects.filter(organization=organization, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 2
    while slug in taken or slug in Layout.values:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def custom_template_create(*, membership: Membership, name: str, based_on: str) -> CustomTemplate:
    """A new template: a copy of the built-in layout `based_on`, which compiles as is."""
    require(membership, Capability.MANAGE_ORGANIZATION)
    problems: dict[str, list[str]] = {}
    if not name.strip() or len(name) > 120:
        problems["name"] = ["A name of 1 to 120 characters."]
    if based_on not in Layout.values:
        problems["based_on"] = [f"Choose one of: {', '.join(Layout.values)}."]
    if problems:
        raise ValidationFailed.for_fields(problems)
    organization = membership.organization
    source = (LAYOUT_DIR / f"{based_on}.typ").read_text()
    template = CustomTemplate.objects.create(
        organization=organization,
        slug=_unique_slug(organization, name),
        name=name.strip(),
        based_on=based_on,
        source=source,
        last_good_source=source,
    )
    audit_record(
        organization=organization,
        actor=membership.user,
        action="custom_template.created",
        target=template,
        changes={"name": [None, template.name], "based_on": [None, based_on]},
    )
    return template


def custom_template_update(
    *, membership: Membership, template_id: UUID, source: str, name: str | None = None
) -> TemplateOutcome:
    """Save an edit. It compiles in the sandbox with the sample document first: on success
    it becomes the source documents render with (`last_good_source`); on failure the draft
    and its error are kept and documents go on rendering with the last good source. The
    compile runs before the write transaction, so a slow template holds no lock."""
    require(membership, Capability.MANAGE_ORGANIZATION)
    organization = membership.organization
    if len(source) > TEMPLATE_SOURCE_MAX_LENGTH:
        raise ValidationFailed.for_fields(
            {"source": [f"A template is at most {TEMPLATE_SOURCE_MAX_LENGTH} characters."]}
        )
    if name is not None and (not name.strip() or len(name) > 120):
        raise ValidationFailed.for_fields({"name": ["A name of 1 to 120 characters."]})
    custom_template_of(organization=organization, template_id=template_id)
    error = template_error(source, organization)
    with transaction.atomic():
        template = (
            CustomTemplate.objects.select_for_update()
            .filter(organization=organization, pk=template_id)
            .first()
        )
        if template is None:
            raise NotFound("No such template.")
        before = {"source": template.source, "name": template.name}
        template.source = source
        if name is not None:
            template.name = name.strip()
        if error is None:
            template.last_good_source = source
            template.last_error, template.last_error_line = "", None
        else:
            template.last_error, template.last_error_line = error.message, error.line
        template.save()
        audit_record(
            organization=organization,
            actor=membership.user,
            action="custom_template.updated" if error is None else "custom_template.draft_saved",
            target=template,
            changes={
                field: [value, getattr(template, field)]
                for field, value in before.items()
                if value != getattr(template, field)
            },
        )
    return TemplateOutcome(template=template, error=error)


# What a template is handed to attach when it is checked (the sample may have no e-invoice).
PROBE_FACTURX_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?><rsm:CrossIndustryInvoice '
    b'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>'
)


def template_error(source: str, organization: Organization) -> TemplateError | None:
    """Why a template cannot print documents: it must compile with the sample document, and
    a Factur-X PDF of it must carry the XML the template is handed."""
    try:
        pdf = render_custom(
            source,
            sample_snapshot(organization),
            branding_of(organization),
            facturx_xml=PROBE_FACTURX_XML,
        )
    except TemplateError as error:
        return error
    if not has_facturx_attachment(pdf):
        return TemplateError(
            "The template attaches no Factur-X XML: start the document with the library's "
            "document-page (or call facturx-attachment()), which attaches sys.inputs.facturx."
        )
    return None


@transaction.atomic
def custom_template_delete(*, membership: Membership, template_id: UUID) -> None:
    """Delete a template; branding that used it falls back to its built-in layout."""
    require(membership, Capability.MANAGE_ORGANIZATION)
    organization = membership.organization
    template = custom_template_of(organization=organization, template_id=template_id)
    Branding.objects.filter(organization=organization, layout=template.slug).update(
        layout=template.based_on
    )
    audit_record(
        organization=organization,
        actor=membership.user,
        action="custom_template.deleted",
        target=template,
        changes={"name": [template.name, None]},
    )
    template.delete()

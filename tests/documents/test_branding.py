"""Branding settings and logos: validation, sanitizing, limits, audit."""

import io

import pytest
from lxml import etree
from PIL import Image

from fakturo.audit.models import AuditEvent
from fakturo.core.errors import PermissionDenied, ValidationFailed
from fakturo.documents.render import render_pdf
from fakturo.documents.selectors import branding_of
from fakturo.documents.services import (
    branding_logo_remove,
    branding_logo_set,
    branding_update,
    sanitize_svg,
)


def png(width: int, height: int, format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, format=format)
    return buffer.getvalue()


def test_branding_update_saves_and_audits_the_changes(owner):
    branding_update(
        membership=owner,
        changes={"primary_color": "#112233", "font": "Open Sans", "paper": "us-letter"},
    )

    branding = branding_of(owner.organization)
    assert (branding.primary_color, branding.font, branding.paper) == (
        "#112233",
        "Open Sans",
        "us-letter",
    )
    event = AuditEvent.objects.get(action="branding.updated")
    assert event.changes["primary_color"] == ["#1f4e79", "#112233"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"primary_color": "red"}, "primary_color"),
        ({"accent_color": "#12345"}, "accent_color"),
        ({"font": "Comic Sans"}, "font"),
        ({"paper": "a5"}, "paper"),
        ({"layout": "fancy"}, "layout"),
        ({"footer_text": "x" * 501}, "footer_text"),
    ],
)
def test_invalid_branding_changes_nothing(owner, changes, field):
    with pytest.raises(ValidationFailed) as raised:
        branding_update(membership=owner, changes=changes)

    assert [error["field"] for error in raised.value.errors] == [field]
    assert branding_of(owner.organization).primary_color == "#1f4e79"
    assert not AuditEvent.objects.filter(action="branding.updated").exists()


def test_a_member_without_the_capability_cannot_change_branding(add_member):
    accountant = add_member("accountant")

    with pytest.raises(PermissionDenied):
        branding_update(membership=accountant, changes={"primary_color": "#000000"})


def test_png_and_jpeg_logos_are_stored_with_their_size(owner):
    branding = branding_logo_set(
        membership=owner, data=png(300, 100), filename="logo.png", content_type="image/png"
    )
    assert (branding.logo_content_type, branding.logo_width, branding.logo_height) == (
        "image/png",
        300,
        100,
    )

    branding = branding_logo_set(
        membership=owner, data=png(40, 20, "JPEG"), filename="x.png", content_type="image/png"
    )
    assert branding.logo_content_type == "image/jpeg"
    assert branding.logo.read().startswith(b"\xff\xd8")

    branding = branding_logo_remove(membership=owner)
    assert not branding.logo
    assert AuditEvent.objects.filter(action__startswith="branding.logo").count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png(4001, 10), "4000"),
        (b"\x89PNG" + b"0" * (1024 * 1024), "1 MB"),
        (b"GIF89a not really", "not a PNG"),
    ],
)
def test_logos_over_the_limits_are_refused(owner, data, message):
    with pytest.raises(ValidationFailed) as raised:
        branding_logo_set(membership=owner, data=data, filename="l.png", content_type="image/png")

    assert message in raised.value.errors[0]["message"]
    assert not branding_of(owner.organization).logo


def test_the_svg_sanitizer_keeps_shapes_and_strips_everything_active():
    dirty = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
        width="120" height="40" onload="alert(1)">
      <script>alert(1)</script>
      <foreignObject><p xmlns="http://www.w3.org/1999/xhtml">hi</p></foreignObject>
      <rect width="10" height="10" fill="#123456" onclick="steal()"/>
      <image href="https://evil.test/x.png" width="5" height="5"/>
      <image xlink:href="file:///etc/passwd" width="5" height="5"/>
      <use href="#shape"/>
      <rect style="fill: url(https://evil.test/a)" width="1" height="1"/>
    </svg>"""

    clean = sanitize_svg(dirty)

    root = etree.fromstring(clean)
    names = [etree.QName(element).localname for element in root.iter()]
    assert "script" not in names and "foreignObject" not in names and "p" not in names
    assert b"onload" not in clean and b"onclick" not in clean
    assert b"evil.test" not in clean and b"/etc/passwd" not in clean
    assert b'href="#shape"' in clean
    assert b'fill="#123456"' in clean


@pytest.mark.parametrize(
    "svg",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;'
        b'&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>',
    ],
)
def test_svg_with_entities_is_refused(owner, svg):
    with pytest.raises(ValidationFailed):
        branding_logo_set(
            membership=owner, data=svg, filename="l.svg", content_type="image/svg+xml"
        )

    assert not branding_of(owner.organization).logo


def test_a_sanitized_svg_logo_renders_in_a_document(owner, issued_invoice):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
        b'<rect width="120" height="40" fill="#123456"/></svg>'
    )
    branding = branding_logo_set(
        membership=owner, data=svg, filename="logo.svg", content_type="image/svg+xml"
    )

    assert branding.logo_width == 120
    assert render_pdf(issued_invoice.snapshot, branding).startswith(b"%PDF-")

"""Custom templates: created from a built-in layout, edited through the sandbox, scoped."""

import io

import pytest

from fakturo.audit.models import AuditEvent
from fakturo.core.errors import NotFound, PermissionDenied
from fakturo.documents.models import CustomTemplate
from fakturo.documents.render import LAYOUT_DIR
from fakturo.documents.sample import sample_snapshot
from fakturo.documents.selectors import branding_of
from fakturo.documents.services import (
    branding_update,
    custom_template_create,
    custom_template_delete,
    custom_template_update,
    render_custom,
)


def test_a_new_template_is_a_copy_of_the_built_in_layout_and_renders(owner):
    template = custom_template_create(membership=owner, name="My modern", based_on="modern")

    assert template.slug == "my-modern"
    assert template.source == (LAYOUT_DIR / "modern.typ").read_text()
    assert template.last_good_source == template.source
    pdf = render_custom(
        template.last_good_source,
        sample_snapshot(owner.organization),
        branding_of(owner.organization),
    )
    assert pdf.startswith(b"%PDF-")


def test_a_good_edit_becomes_the_source_documents_render_with(owner):
    template = custom_template_create(membership=owner, name="Mine", based_on="classic")
    source = template.source + "\n#text(fill: red)[Custom footer line]\n"

    outcome = custom_template_update(membership=owner, template_id=template.pk, source=source)

    assert outcome.ok
    template.refresh_from_db()
    assert template.last_good_source == source
    assert template.last_error == ""


def test_a_broken_edit_keeps_the_last_good_source_and_reports_the_line(owner):
    template = custom_template_create(membership=owner, name="Mine", based_on="classic")
    good = template.last_good_source
    broken = good + "\n#let x = (\n"

    outcome = custom_template_update(membership=owner, template_id=template.pk, source=broken)

    assert not outcome.ok
    assert outcome.error.message == "unclosed delimiter"
    assert outcome.error.line == len(good.splitlines()) + 2
    template.refresh_from_db()
    assert template.source == broken
    assert template.last_good_source == good
    assert template.last_error == "unclosed delimiter"
    assert template.last_error_line == outcome.error.line
    assert AuditEvent.objects.filter(action="custom_template.draft_saved").count() == 1


def test_another_organizations_template_is_not_found(owner, other_owner):
    template = custom_template_create(membership=owner, name="Mine", based_on="classic")

    with pytest.raises(NotFound):
        custom_template_update(membership=other_owner, template_id=template.pk, source="x")
    with pytest.raises(NotFound):
        custom_template_delete(membership=other_owner, template_id=template.pk)
    assert CustomTemplate.objects.get(pk=template.pk).source == template.source


def test_a_member_without_the_capability_cannot_create_templates(add_member):
    accountant = add_member("accountant")

    with pytest.raises(PermissionDenied):
        custom_template_create(membership=accountant, name="Mine", based_on="classic")
    assert not CustomTemplate.objects.exists()


def test_deleting_the_template_in_use_falls_back_to_its_layout(owner):
    template = custom_template_create(membership=owner, name="Mine", based_on="compact")
    branding_update(membership=owner, changes={"layout": template.slug})

    custom_template_delete(membership=owner, template_id=template.pk)

    assert branding_of(owner.organization).layout == "compact"
    assert AuditEvent.objects.filter(action="custom_template.deleted").count() == 1


def test_a_clients_template_is_what_its_documents_render_with(seller, client, make_invoice):
    from pypdf import PdfReader

    from fakturo.documents.render import render_format
    from fakturo.invoicing.services import document_issue

    template = custom_template_create(membership=seller, name="Bold", based_on="classic")
    marked = template.source + "\n#text(fill: red)[Printed with the own template of the client]\n"
    assert custom_template_update(membership=seller, template_id=template.pk, source=marked).ok
    client.preferred_template = template.slug
    client.save()
    own = document_issue(membership=seller, document_id=make_invoice().pk)
    client.preferred_template = "compact"
    client.save()
    compact = document_issue(membership=seller, document_id=make_invoice().pk)

    branding = branding_of(seller.organization)
    pdf = render_format(own.snapshot, branding, "pdf", timestamp=own.issued_at)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert own.snapshot["template"] == template.slug
    assert "Printed with the own template of the client" in text
    assert compact.snapshot["template"] == "compact"
    compact_pdf = render_format(compact.snapshot, branding, "pdf", timestamp=compact.issued_at)
    default_pdf = render_format(
        {**compact.snapshot, "template": ""}, branding, "pdf", timestamp=compact.issued_at
    )
    assert compact_pdf != default_pdf


def test_a_template_that_attaches_no_facturx_xml_is_refused(owner):
    template = custom_template_create(membership=owner, name="Plain", based_on="classic")

    outcome = custom_template_update(
        membership=owner, template_id=template.pk, source='#set page(paper: "a4")\nHello'
    )

    assert not outcome.ok
    assert "Factur-X" in outcome.error.message
    template.refresh_from_db()
    assert template.last_good_source == (LAYOUT_DIR / "classic.typ").read_text()


@pytest.mark.parametrize("source", ['#panic("broken on real data")', "Hello"])
def test_a_template_that_fails_on_a_document_prints_it_with_the_organizations_layout(
    seller, client, make_invoice, source
):
    from pypdf import PdfReader

    from fakturo.documents.render import render_format
    from fakturo.invoicing.services import document_issue

    template = custom_template_create(membership=seller, name="Fragile", based_on="classic")
    CustomTemplate.objects.filter(pk=template.pk).update(last_good_source=source)
    client.preferred_template = template.slug
    client.save()
    issued = document_issue(membership=seller, document_id=make_invoice().pk)
    branding = branding_of(seller.organization)

    pdf = render_format(issued.snapshot, branding, "facturx", timestamp=issued.issued_at)

    assert "factur-x.xml" in PdfReader(io.BytesIO(pdf)).attachments
    fallback = {**issued.snapshot, "template": ""}
    assert pdf == render_format(fallback, branding, "facturx", timestamp=issued.issued_at)

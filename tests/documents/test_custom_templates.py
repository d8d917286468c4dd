"""Custom templates: created from a built-in layout, edited through the sandbox, scoped."""

import pytest

from fakturo.audit.models import AuditEvent
from fakturo.core.errors import NotFound, PermissionDenied
from fakturo.documents.models import CustomTemplate
from fakturo.documents.render import LAYOUT_DIR
from fakturo.documents.sample import sample_snapshot
from fakturo.documents.services import (
    branding_get,
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
        branding_get(owner.organization),
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

    assert branding_get(owner.organization).layout == "compact"
    assert AuditEvent.objects.filter(action="custom_template.deleted").count() == 1

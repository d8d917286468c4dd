"""A client's document template is one of the organization's: a built-in layout or an active
custom template, chosen from a list in the client form."""

import pytest
from django.test import Client as Browser
from django.urls import reverse

from fakturo.core.errors import ValidationFailed
from fakturo.crm.models import Client
from fakturo.crm.services import client_create, client_update
from fakturo.documents.models import CustomTemplate
from fakturo.documents.services import custom_template_create, custom_template_delete

pytestmark = pytest.mark.django_db


def create(membership, **values) -> Client:
    return client_create(membership=membership, values={"legal_name": "Blue", **values}).client


def test_a_built_in_layout_or_an_own_template_can_be_chosen(owner):
    own = custom_template_create(membership=owner, name="Bold", based_on="classic")

    assert create(owner, preferred_template="modern").preferred_template == "modern"
    assert create(owner, preferred_template=own.slug).preferred_template == "bold"


def test_another_organizations_or_an_inactive_template_is_refused(owner, other_owner):
    theirs = custom_template_create(membership=other_owner, name="Theirs", based_on="classic")
    retired = custom_template_create(membership=owner, name="Retired", based_on="classic")
    CustomTemplate.objects.filter(pk=retired.pk).update(is_active=False)

    for slug in (theirs.slug, retired.slug, "fancy"):
        with pytest.raises(ValidationFailed) as raised:
            create(owner, preferred_template=slug)
        (error,) = raised.value.errors
        assert error["field"] == "preferred_template"
        assert "classic, modern, compact" in error["message"]
    assert not Client.objects.filter(organization=owner.organization).exists()


def test_the_form_lists_the_layouts_and_the_organizations_templates(owner, other_owner):
    custom_template_create(membership=owner, name="Bold", based_on="classic")
    custom_template_create(membership=other_owner, name="Theirs", based_on="classic")
    browser = Browser()
    browser.force_login(owner.user)

    form = browser.get(reverse("crm:client_create")).context["form"]

    assert [value for value, _ in form.fields["preferred_template"].choices] == [
        "",
        "classic",
        "modern",
        "compact",
        "bold",
    ]


def test_a_client_keeps_a_deleted_template_until_it_is_changed(owner):
    own = custom_template_create(membership=owner, name="Bold", based_on="classic")
    client = create(owner, preferred_template=own.slug)
    custom_template_delete(membership=owner, template_id=own.pk)
    browser = Browser()
    browser.force_login(owner.user)
    url = reverse("crm:client_edit", args=[client.pk])

    form = browser.get(url).context["form"]
    choices = dict(form.fields["preferred_template"].choices)
    assert choices["bold"] == "bold (no longer exists)"
    data = {name: form[name].value() or "" for name in form.fields}
    assert browser.post(url, {**data, "phone": "+49 40 1"}).status_code == 302
    assert Client.objects.get(pk=client.pk).preferred_template == "bold"

    response = browser.post(url, {**data, "preferred_template": "compact"})
    assert response.status_code == 302
    assert Client.objects.get(pk=client.pk).preferred_template == "compact"


def test_the_api_refuses_an_unknown_template(api, owner):
    client = create(owner)

    response = api.patch(f"/clients/{client.pk}", {"preferred_template": "fancy"})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["preferred_template"]
    assert (
        client_update(
            membership=owner, client_id=client.pk, changes={"preferred_template": "compact"}
        ).client.preferred_template
        == "compact"
    )

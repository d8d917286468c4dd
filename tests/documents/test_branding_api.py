"""The branding and document template endpoints."""

from fakturo.documents.selectors import branding_of
from fakturo.documents.services import custom_template_create


def test_branding_read_and_change(api, owner):
    response = api.patch("/branding", {"primary_color": "#010203"})

    assert response.status_code == 200, response.content
    assert response.json()["primary_color"] == "#010203"
    assert branding_of(owner.organization).primary_color == "#010203"
    assert api.get("/branding").json()["has_logo"] is False


def test_reading_the_branding_writes_nothing(api, owner):
    from django.test import Client as Browser

    from fakturo.documents.models import Branding

    browser = Browser()
    browser.force_login(owner.user)

    assert api.get("/branding").json()["layout"] == "classic"
    assert browser.get("/settings/branding").status_code == 200
    assert browser.get("/settings/designer").status_code == 200
    assert not Branding.objects.exists()


def test_a_bad_colour_is_a_problem(api):
    response = api.patch("/branding", {"primary_color": "red"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "primary_color"


def test_a_broken_template_source_reports_its_error(api, owner):
    template = custom_template_create(membership=owner, name="Mine", based_on="classic")

    response = api.patch(f"/document-templates/{template.pk}", {"source": "#let x = (\n"})

    assert response.status_code == 200
    body = response.json()
    assert body["error"] == {"message": "unclosed delimiter", "line": 1, "column": 9}
    assert body["template"]["last_good_source"] == template.source


def test_another_organizations_template_is_404(api_for, other_owner, owner):
    template = custom_template_create(membership=owner, name="Mine", based_on="classic")

    response = api_for(other_owner).get(f"/document-templates/{template.pk}")

    assert response.status_code == 404

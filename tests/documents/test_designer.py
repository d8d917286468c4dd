"""The branding, templates and designer pages: forms, live preview, sample PDF."""

import pytest
from django.test import Client
from django.urls import reverse

from fakturo.documents.models import CustomTemplate
from fakturo.documents.selectors import branding_of
from fakturo.documents.services import custom_template_create
from tests.conftest import PASSWORD


@pytest.fixture
def browser_client(owner):
    client = Client()
    client.login(username=owner.user.email, password=PASSWORD)
    return client


def test_the_designer_shows_the_first_page_of_a_sample(browser_client):
    response = browser_client.get(reverse("documents:template_designer"))

    assert response.status_code == 200
    assert b'alt="Preview of the first page"' in response.content
    assert b"data:image/svg+xml;base64," in response.content
    assert b'hx-trigger="input changed delay:300ms, change"' in response.content


def test_the_preview_follows_the_posted_settings(browser_client):
    data = {
        "layout": "modern",
        "primary_color": "#aa0000",
        "accent_color": "#00aa00",
        "font": "Open Sans",
        "paper": "us-letter",
        "footer_text": "Preview footer",
    }

    response = browser_client.post(reverse("documents:template_preview"), data)

    assert response.status_code == 200
    assert b"data:image/svg+xml;base64," in response.content
    assert branding_of(response.wsgi_request.membership.organization).layout == "classic"


def test_a_bad_colour_shows_an_error_not_a_preview(browser_client):
    response = browser_client.post(
        reverse("documents:template_preview"),
        {
            "layout": "classic",
            "primary_color": "blue",
            "accent_color": "#000000",
            "font": "Open Sans",
            "paper": "a4",
        },
    )

    assert response.status_code == 200
    assert b"Fix the settings" in response.content


def test_the_sample_pdf_is_a_pdf(browser_client):
    response = browser_client.get(reverse("documents:template_sample_pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_branding_settings_save(browser_client, owner):
    response = browser_client.post(
        reverse("documents:branding_settings"),
        {
            "layout": "compact",
            "primary_color": "#123456",
            "accent_color": "#654321",
            "font": "Source Serif 4",
            "paper": "a4",
            "footer_text": "Thanks",
            "show_bank_details": "on",
        },
    )

    assert response.status_code == 302
    branding = branding_of(owner.organization)
    assert (branding.layout, branding.primary_color, branding.font) == (
        "compact",
        "#123456",
        "Source Serif 4",
    )


def test_a_broken_template_edit_shows_the_line_and_keeps_the_good_one(browser_client, owner):
    template = custom_template_create(membership=owner, name="Mine", based_on="classic")
    good = template.source

    response = browser_client.post(
        reverse("documents:custom_template_edit", kwargs={"template_id": template.pk}),
        {"name": "Mine", "source": "#let x = (\n"},
    )

    assert response.status_code == 200
    assert b"Line 1, column 9: unclosed delimiter" in response.content
    assert CustomTemplate.objects.get(pk=template.pk).last_good_source == good


def test_a_custom_template_previews_through_the_sandbox(browser_client, owner):
    template = custom_template_create(membership=owner, name="Mine", based_on="classic")

    response = browser_client.post(
        reverse("documents:template_preview"),
        {
            "layout": template.slug,
            "primary_color": "#123456",
            "accent_color": "#654321",
            "font": "Open Sans",
            "paper": "a4",
            "source": "#let x = (\n",
        },
    )

    assert b"Line 1, column 9: unclosed delimiter" in response.content


def test_another_organizations_template_page_is_404(other_owner, owner):
    template = custom_template_create(membership=owner, name="Mine", based_on="classic")
    client = Client()
    client.login(username=other_owner.user.email, password=PASSWORD)

    response = client.get(
        reverse("documents:custom_template_edit", kwargs={"template_id": template.pk})
    )

    assert response.status_code == 404

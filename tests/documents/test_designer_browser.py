"""Templates in the system Chromium: typing in the footer updates the designer's live
preview, and a client form offers the organization's own templates."""

import pytest
from playwright.sync_api import expect

from tests.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_typing_a_footer_updates_the_preview(page, live_server, owner):
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/settings/designer")
    preview = page.get_by_alt_text("Preview of the first page")
    expect(preview).to_be_visible()
    before = preview.get_attribute("src")

    page.get_by_label("Footer text").fill("Registered in Berlin, HRB 12345")

    expect(preview).not_to_have_attribute("src", before)


def test_a_client_is_given_an_own_template_from_the_list(page, live_server, owner):
    from fakturo.crm.models import Client
    from fakturo.documents.services import custom_template_create

    custom_template_create(membership=owner, name="Bold letters", based_on="modern")
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/clients/new")

    page.get_by_label("Legal name").fill("Blue Harbour Ltd")
    page.get_by_label("Document template").select_option(label="Bold letters")
    page.get_by_role("button", name="Create client").click()

    expect(page.get_by_text("Client Blue Harbour Ltd created.")).to_be_visible()
    assert Client.objects.get(legal_name="Blue Harbour Ltd").preferred_template == "bold-letters"

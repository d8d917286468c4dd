"""The designer in the system Chromium: typing in the footer updates the live preview."""

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

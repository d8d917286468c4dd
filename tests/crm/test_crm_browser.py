"""The client list in the system Chromium: htmx live search keeps the chosen sort."""

import pytest
from playwright.sync_api import expect

from fakturo.crm.services import client_archive
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_live_search_sorting_and_the_archived_toggle(page, live_server, owner, make_client):
    for name in ["Blue Harbour Ltd", "Blue Sky GmbH", "Acme Corp"]:
        make_client(name)
    client_archive(membership=owner, client_id=make_client("Old Harbour AG").pk)
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/clients/")
    rows = page.locator("#client-results tbody tr td:first-child a")

    page.get_by_role("link", name="Name").click()
    expect(rows).to_have_text(["Blue Sky GmbH", "Blue Harbour Ltd", "Acme Corp"])
    page.get_by_label("Search").fill("blue")
    expect(rows).to_have_text(["Blue Sky GmbH", "Blue Harbour Ltd"])
    assert "q=blue" in page.url and "sort=-name" in page.url
    page.get_by_label("Search").fill("harbour")
    page.get_by_label("Archived clients").check()
    expect(rows).to_have_text(["Old Harbour AG"])

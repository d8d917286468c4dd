"""The client list in the system Chromium: htmx live search keeps the chosen sort."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from fakturo.crm.services import client_archive
from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs the system Chromium"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are fine.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(10_000)
        yield page
        browser.close()


def test_live_search_sorting_and_the_archived_toggle(page, live_server, owner, make_client):
    for name in ["Blue Harbour Ltd", "Blue Sky GmbH", "Acme Corp"]:
        make_client(name)
    client_archive(membership=owner, client_id=make_client("Old Harbour AG").pk)
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email").fill("owner@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
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

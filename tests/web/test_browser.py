"""The UI in the system Chromium: sign in, settings, tokens, audit log, phone and keyboard."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from fakturo.accounts.models import Membership
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_settings_tokens_and_audit_log(page: Page, live_server, owner: Membership) -> None:
    log_in(page, live_server.url)
    assert page.evaluate("typeof window.htmx.ajax") == "function"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_label("Trade name").fill("Acme")
    page.get_by_label("IBAN").fill("de89 3704 0044 0532 0130 00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Organization settings saved.")
    expect(page.get_by_label("Trade name")).to_have_value("Acme")
    expect(page.get_by_label("IBAN")).to_have_value("DE89370400440532013000")

    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Bookkeeping sync")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Your read-write token").input_value()
    assert re.fullmatch(r"fk_[\w-]{40,}", secret)
    expect(page.get_by_text("It is shown only this once")).to_be_visible()
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_role("cell", name="Bookkeeping sync", exact=True)).to_be_visible()
    assert secret not in page.content()

    page.get_by_role("link", name="Revoke Bookkeeping sync").click()
    page.get_by_role("button", name="Revoke token").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    expect(page.get_by_text("You have no active tokens")).to_be_visible()

    page.get_by_role("link", name="Audit log").click()
    table = page.get_by_role("table")
    expect(table.get_by_text("organization.updated", exact=True)).to_be_visible()
    expect(table.get_by_text("api_token.revoked", exact=True)).to_be_visible()
    expect(table).to_contain_text("DE89370400440532013000")


def test_on_a_phone_the_toggle_opens_the_menu(
    browser: Browser, live_server, owner: Membership
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    log_in(page, live_server.url)
    toggle = page.get_by_role("button", name="Menu")
    settings_link = page.get_by_role("link", name="Settings")

    expect(settings_link).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(settings_link).to_be_visible()
    page.keyboard.press("Escape")
    expect(settings_link).to_be_hidden()
    for path in ("/", "/settings/organization", "/settings/members", "/settings/audit"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    context.close()


def test_tab_reaches_the_skip_link_first(page: Page, live_server, owner: Membership) -> None:
    log_in(page, live_server.url)

    page.keyboard.press("Tab")

    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

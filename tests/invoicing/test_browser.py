"""The document pages in the system Chromium: a client, an invoice built in the editor with
live totals, issued with the confirmation, voided into a credit note; and on a phone.

Set FAKTURO_SCREENSHOTS to a directory to keep screenshots of the pages on the way.
"""

import os
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import Browser, Locator, Page, expect

from fakturo.accounts.models import Membership
from fakturo.catalog.models import Product, TaxRate
from fakturo.crm.models import Client
from fakturo.documents.models import RenderedFile
from fakturo.invoicing.immutability import drop_statements, install_statements
from fakturo.invoicing.models import MUTABLE_AFTER_ISSUE, Document, DocumentAdjustment, DocumentLine
from tests.conftest import log_in

SCREENSHOTS = os.environ.get("FAKTURO_SCREENSHOTS", "")

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _issued_documents_removed(transactional_db: None) -> Iterator[None]:
    """The live server's database is emptied row by row after each test, which the triggers
    refuse for issued documents: remove them with the triggers lifted, then restore these."""
    yield
    vendor = connection.vendor
    tables = [
        RenderedFile._meta.db_table,
        DocumentLine.tax_rates.through._meta.db_table,
        DocumentAdjustment._meta.db_table,
        DocumentLine._meta.db_table,
        Document.deposits.through._meta.db_table,
        Document._meta.db_table,
    ]
    columns = [field.column for field in Document._meta.concrete_fields]
    with connection.cursor() as cursor:
        for statement in drop_statements(vendor):
            cursor.execute(statement)
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")
        for statement in install_statements(vendor, columns, MUTABLE_AFTER_ISSUE):
            cursor.execute(statement)


def new_page(browser: Browser, width: int = 1360, height: int = 900) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(10_000)
    return page


def screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def create_client(page: Page, base_url: str) -> str:
    """Through the clients pages; returns the new client's id."""
    page.goto(f"{base_url}/clients/new")
    page.locator("[name=legal_name]").fill("Blue Harbour Ltd")
    page.locator("[name=billing_line1]").fill("1 Dock Road")
    page.locator("[name=billing_postal_code]").fill("20095")
    page.locator("[name=billing_city]").fill("Hamburg")
    page.locator("[name=billing_country]").select_option("DE")
    page.get_by_role("button", name="Create client").click()
    page.wait_for_url(re.compile(r"/clients/[0-9a-f-]{36}$"))
    return page.url.rsplit("/", 1)[1]


def row(page: Page, index: int) -> Locator:
    return page.locator("[data-rows='lines'] > tr").nth(index)


def test_build_issue_and_void_an_invoice(
    browser: Browser, live_server, seller: Membership, rates: dict[str, TaxRate]
) -> None:
    Product.objects.create(
        organization=seller.organization,
        name="Design work",
        unit="HUR",
        unit_price=Decimal("95"),
        currency="EUR",
        default_tax_rate=rates["19"],
    )
    page = new_page(browser)
    log_in(page, live_server.url)
    client_id = create_client(page, live_server.url)

    page.goto(f"{live_server.url}/documents/invoices/new?client={client_id}")
    expect(page.get_by_label("Client")).to_have_value(client_id)
    totals = page.locator("#document-totals")
    first = row(page, 0)
    description = first.get_by_label("Description, line 1")
    description.press_sequentially("design")
    suggestion = first.get_by_role("option", name=re.compile("Design work"))
    expect(suggestion).to_be_visible()
    screenshot(page, "invoicing-suggestions")
    description.press("ArrowDown")
    description.press("Enter")
    expect(description).to_have_value("Design work")
    expect(first.get_by_label("Unit, line 1")).to_have_value("HUR")
    expect(first.get_by_label("Price, line 1")).to_have_value("95.00")
    first.get_by_label("Quantity, line 1").fill("10")
    expect(first.locator("output")).to_have_text("€950.00")
    expect(totals.locator("[data-total=total]")).to_have_text("€1,130.50")

    page.get_by_role("button", name="Add line").click()
    second = row(page, 1)
    expect(second.get_by_label("Description, line 2")).to_be_focused()
    second.get_by_label("Description, line 2").fill("Hosting")
    second.get_by_label("Price, line 2").fill("20")
    second.get_by_label("Tax, line 2").click()
    second.get_by_label("VAT 19 %").uncheck()
    second.get_by_label("VAT 7 %").check()
    page.keyboard.press("Escape")
    expect(second.get_by_label("Tax, line 2")).to_have_text("VAT 7 %")
    expect(second.locator("output")).to_have_text("€20.00")
    expect(totals.locator("[data-total=total]")).to_have_text("€1,151.90")
    expect(totals).to_contain_text("VAT 7 %")

    # Reorder by keyboard: the moved line keeps its values and the focus stays on the button.
    second.get_by_role("button", name="Move up, line 2").focus()
    page.keyboard.press("Enter")
    expect(row(page, 0).get_by_label("Description, line 1")).to_have_value("Hosting")
    expect(page.get_by_role("button", name="Move down, line 1")).to_be_focused()

    # A wrong quantity is named inline; the last good totals stay.
    row(page, 1).get_by_label("Quantity, line 2").fill("0")
    expect(page.locator("#id_lines-1-quantity_error")).to_have_text("Must not be zero.")
    expect(row(page, 1).get_by_label("Quantity, line 2")).to_have_attribute("aria-invalid", "true")
    row(page, 1).get_by_label("Quantity, line 2").fill("10")
    expect(page.locator("#id_lines-1-quantity_error")).to_have_text("")
    expect(totals.locator("[data-total=total]")).to_have_text("€1,151.90")
    screenshot(page, "invoicing-editor")

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft invoice saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft invoice")
    screenshot(page, "invoicing-draft")

    page.get_by_role("button", name="Issue invoice…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("This assigns the next number and freezes the document")
    screenshot(page, "invoicing-issue-dialog")
    dialog.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Invoice \d{4}-0001 issued\."))
    number = page.get_by_role("heading", level=1).inner_text().split()[0]
    expect(page.locator(".doc-header .status--issued")).to_be_visible()
    screenshot(page, "invoicing-issued")

    page.get_by_role("button", name="Credit note…").click()
    expect(page.get_by_role("dialog")).to_contain_text("Lines and quantities")
    screenshot(page, "invoicing-credit-dialog")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()

    page.get_by_role("button", name="Void…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Voiding issues a credit note")
    dialog.get_by_role("button", name="Void and issue credit note").click()
    expect(page.get_by_role("status")).to_contain_text(f"{number} is void")
    expect(page.get_by_role("heading", level=1)).to_contain_text("CN-")
    expect(page.get_by_text(f"Corrects invoice {number}")).to_be_visible()
    expect(page.locator(".doc-totals [data-total=total]")).to_have_text("€1,151.90")
    screenshot(page, "invoicing-credit-note")

    page.get_by_role("link", name=number).click()
    expect(page.locator(".doc-header .status--void")).to_be_visible()
    page.locator(".doc-actions summary").click()
    page.get_by_role("link", name="Print view").click()
    expect(page.get_by_role("heading", name="Invoice")).to_be_visible()
    screenshot(page, "invoicing-print")
    page.context.close()


def test_the_list_filters_without_a_reload(
    browser: Browser, live_server, seller: Membership, make_invoice, client: Client
) -> None:
    make_invoice(purchase_order="PO-4711")
    make_invoice()
    page = new_page(browser)
    log_in(page, live_server.url)

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Invoices", exact=True
    ).click()
    expect(page.locator("#document-results tbody tr")).to_have_count(2)
    page.wait_for_load_state()  # htmx listens for input once the page's scripts have run
    page.get_by_label("Search").fill("4711")
    expect(page.locator("#document-results tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=4711"))
    screenshot(page, "invoicing-list")
    page.context.close()


def test_the_editor_on_a_phone(
    browser: Browser, live_server, seller: Membership, make_invoice, rates: dict[str, TaxRate]
) -> None:
    draft = make_invoice()
    page = new_page(browser, 375, 740)
    log_in(page, live_server.url)

    for path in (f"/documents/{draft.pk}/edit", f"/documents/{draft.pk}", "/documents/invoices"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    page.goto(f"{live_server.url}/documents/{draft.pk}/edit")
    lines = page.locator(".lines-card .table-wrap")
    assert lines.evaluate("element => element.scrollWidth > element.clientWidth")
    screenshot(page, "invoicing-editor-phone")
    page.context.close()

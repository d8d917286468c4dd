"""Received documents in the system Chromium: validate shows findings, import opens the page."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from fakturo.accounts.models import Membership
from fakturo.einvoice.models import ReceivedDocument
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXAMPLES = Path("/work/shared/einvoice/examples")


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def test_validate_then_import_a_supplier_invoice(
    page: Page, live_server: Any, owner: Membership
) -> None:
    log_in(page, live_server.url)
    page.get_by_role("link", name="E-invoices").click()
    expect(page.get_by_role("heading", name="Received documents")).to_be_visible()

    page.get_by_label("E-invoice file").set_input_files(
        str(EXAMPLES / "facturx/fnfe-factur-x/Facture_FR_MINIMUM.pdf")
    )
    page.get_by_role("button", name="Validate").click()
    expect(page.locator("#validation-result")).to_contain_text("FAKTURO-SUM-BT115")
    expect(page.locator("#validation-result")).to_contain_text("nothing was stored")

    page.get_by_label("E-invoice file").set_input_files(
        str(EXAMPLES / "cii/zugferd-corpus/EN16931_Einfach.cii.xml")
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lieferant GmbH 471102")
    expect(page.get_by_role("link", name="Download original")).to_be_visible()
    assert ReceivedDocument.objects.get().number == "471102"

"""The Received documents pages: list, validate without storing, import, detail, download."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fakturo.accounts.models import Membership
from fakturo.einvoice.models import ReceivedDocument
from tests.conftest import PASSWORD

EXAMPLES = Path("/work/shared/einvoice/examples")
CII = EXAMPLES / "cii/zugferd-corpus/EN16931_Einfach.cii.xml"
MINIMUM_PDF = EXAMPLES / "facturx/fnfe-factur-x/Facture_FR_MINIMUM.pdf"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def logged_in(membership: Membership) -> Client:
    browser = Client()
    assert browser.login(email=membership.user.email, password=PASSWORD)
    return browser


def upload(browser: Client, path: Path, action: str, data: bytes | None = None) -> Any:
    file = SimpleUploadedFile(path.name, path.read_bytes() if data is None else data)
    return browser.post("/einvoices/upload", {"file": file, "action": action})


def test_the_list_page_and_the_nav_item(owner: Membership) -> None:
    page = logged_in(owner).get("/einvoices/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Received documents" in html
    assert 'href="/einvoices/" aria-current="page">E-invoices' in html
    assert "No received documents yet." in html


def test_validate_shows_findings_and_stores_nothing(owner: Membership) -> None:
    page = upload(logged_in(owner), MINIMUM_PDF, "validate")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Invalid" in html
    assert "FAKTURO-SUM-BT115" in html
    assert "nothing was stored" in html
    assert ReceivedDocument.objects.count() == 0


def test_import_then_detail_and_download(owner: Membership) -> None:
    browser = logged_in(owner)

    response = upload(browser, CII, "import")

    document = ReceivedDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/einvoices/{document.pk}"
    detail = browser.get(response["Location"]).content.decode()
    assert "Lieferant GmbH" in detail
    assert "Kunden AG Mitte" in detail
    assert "Trennblätter A4" in detail
    assert "529.87" in detail
    assert "No findings" in detail
    listing = browser.get("/einvoices/").content.decode()
    assert "471102" in listing and "Valid" in listing
    download = browser.get(f"/einvoices/{document.pk}/file")
    assert b"".join(download.streaming_content) == CII.read_bytes()


def test_a_hostile_upload_is_a_form_error(owner: Membership) -> None:
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'

    page = upload(logged_in(owner), CII, "import", data=xxe)

    assert page.status_code == 422
    assert "DOCTYPE" in page.content.decode()
    assert ReceivedDocument.objects.count() == 0


def test_an_empty_form_is_an_error_not_a_crash(owner: Membership) -> None:
    page = logged_in(owner).post("/einvoices/upload", {"action": "import"})

    assert page.status_code == 422
    assert ReceivedDocument.objects.count() == 0


def test_another_organizations_document_is_a_404(
    owner: Membership, other_owner: Membership
) -> None:
    upload(logged_in(owner), CII, "import")
    document = ReceivedDocument.objects.get()
    stranger = logged_in(other_owner)

    assert stranger.get(f"/einvoices/{document.pk}").status_code == 404
    assert stranger.get(f"/einvoices/{document.pk}/file").status_code == 404


def test_an_accountant_may_validate_but_not_import(add_member: Any) -> None:
    browser = logged_in(add_member("accountant"))

    assert "Import</button>" not in browser.get("/einvoices/").content.decode()
    assert upload(browser, CII, "validate").status_code == 200
    assert upload(browser, CII, "import").status_code == 403
    assert ReceivedDocument.objects.count() == 0

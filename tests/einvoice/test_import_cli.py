"""`fakturo einvoice validate|import`: output and exit codes."""

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fakturo import cli
from fakturo.accounts.models import Membership
from fakturo.einvoice.models import ReceivedDocument

EXAMPLES = Path("/work/shared/einvoice/examples")
VALID = EXAMPLES / "ubl/cen-examples/ubl-tc434-example1.xml"
VALID_PDF = EXAMPLES / "facturx/ferd-zugferd22/EN16931_Einfach.pdf"
INVALID = EXAMPLES / "facturx/fnfe-factur-x/Facture_FR_MINIMUM.pdf"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def run(*args: str) -> str:
    out = StringIO()
    call_command("einvoice", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_validate_passes_valid_files() -> None:
    out = run("validate", str(VALID), str(VALID_PDF))

    assert f"PASS {VALID} [ubl-invoice, en16931]" in out
    assert f"PASS {VALID_PDF} [facturx-pdf, en16931]" in out


def test_validate_lists_findings_and_exits_1_when_one_is_invalid(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["einvoice", "validate", str(VALID), str(INVALID)])

    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert f"PASS {VALID}" in out
    assert f"FAIL {INVALID} [facturx-pdf, minimum]" in out
    assert "FAKTURO-SUM-BT115" in out
    assert "DuePayableAmount" in out


def test_validate_fails_a_file_that_is_no_einvoice(tmp_path: Path) -> None:
    garbage = tmp_path / "notes.txt"
    garbage.write_bytes(b"hello")

    with pytest.raises(CommandError) as error:
        run("validate", str(garbage))

    assert error.value.returncode == 1


def test_validate_a_missing_file_is_a_usage_error() -> None:
    with pytest.raises(CommandError) as error:
        run("validate", "/nonexistent/invoice.xml")

    assert error.value.returncode == 2


def test_import_into_the_only_organization(owner: Membership) -> None:
    out = run("import", str(VALID))

    document = ReceivedDocument.objects.get()
    assert document.organization == owner.organization
    assert document.created_by == owner.user
    assert f"IMPORTED {VALID} -> {document.pk} (valid)" in out


def test_import_several_files_and_a_duplicate_exits_1(owner: Membership) -> None:
    run("import", str(VALID))

    with pytest.raises(CommandError) as error:
        run("import", str(VALID_PDF), str(VALID), str(INVALID))

    assert error.value.returncode == 1
    assert ReceivedDocument.objects.count() == 3
    assert ReceivedDocument.objects.filter(is_valid=False).count() == 1


def test_import_needs_an_organization_when_there_are_several(
    owner: Membership, other_owner: Membership
) -> None:
    with pytest.raises(CommandError, match="several organizations"):
        run("import", str(VALID))

    run("import", str(VALID), "--organization", other_owner.organization.slug)

    assert ReceivedDocument.objects.get().organization == other_owner.organization

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress

from fakturo.accounts.choices import Role
from fakturo.accounts.models import Membership, Organization
from fakturo.core.errors import ServiceError
from fakturo.einvoice.services import (
    einvoice_examine,
    einvoice_import,
    sniffed_media_type,
    upload_media_type,
)
from fakturo.einvoice.validation import Finding


class Command(BaseCommand):
    help = "Validate or import an e-invoice (UBL, CII, Factur-X PDF)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="validate|import")
        check = actions.add_parser(
            "validate", help="Check files against the EN 16931 rules; exit 1 if any is invalid."
        )
        check.add_argument("files", nargs="+", metavar="FILE")
        receive = actions.add_parser(
            "import",
            help="Import files as received documents; exit 1 if any could not be imported.",
        )
        receive.add_argument("files", nargs="+", metavar="FILE")
        receive.add_argument(
            "--organization", metavar="SLUG", help="Needed when there are several organizations."
        )
        receive.add_argument(
            "--email", help="Who imports (a member who edits documents); default: the owner."
        )

    def handle(self, *args: Any, action: str, files: list[str], **options: Any) -> None:
        paths = [Path(name) for name in files]
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}", returncode=2)
        if action == "validate":
            failed = self.run_each(paths, self.validate_one)
        else:
            membership = self.membership(options["organization"], options["email"])
            failed = self.run_each(paths, lambda path: self.import_one(membership, path))
        if failed:
            raise CommandError(f"{failed} of {len(paths)} file(s) failed.", returncode=1)

    def run_each(self, paths: list[Path], run: Any) -> int:
        """Run `run` on each path (True: it went well); a progress bar on stderr for several."""
        if len(paths) == 1:
            return 0 if run(paths[0]) else 1
        failed = 0
        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("E-invoices", total=len(paths))
            for path in paths:
                progress.update(task, description=path.name)
                failed += 0 if run(path) else 1
                progress.advance(task)
        return failed

    def validate_one(self, path: Path) -> bool:
        data = path.read_bytes()
        try:
            upload_media_type(data=data, content_type=sniffed_media_type(data))
            report = einvoice_examine(data).report
        except ServiceError as error:
            self.stdout.write(f"FAIL {path}: {error.detail}")
            return False
        verdict = "PASS" if report.valid else "FAIL"
        self.stdout.write(f"{verdict} {path} [{report.syntax}, {report.profile}]")
        self.write_findings(report.findings)
        return report.valid

    def import_one(self, membership: Membership, path: Path) -> bool:
        data = path.read_bytes()
        try:
            document = einvoice_import(
                membership=membership,
                data=data,
                filename=path.name,
                content_type=sniffed_media_type(data),
            )
        except ServiceError as error:
            self.stdout.write(f"FAIL {path}: {error.detail}")
            return False
        verdict = "valid" if document.is_valid else "invalid"
        self.stdout.write(f"IMPORTED {path} -> {document.pk} ({verdict})")
        self.write_findings(
            [Finding(**finding) for finding in document.findings],
        )
        return True

    def write_findings(self, findings: list[Finding]) -> None:
        for finding in findings:
            self.stdout.write(
                f"  {finding.severity:<11} {finding.rule_id or '-':<20} {finding.location}\n"
                f"  {'':<11} {finding.message}"
            )

    def membership(self, slug: str | None, email: str | None) -> Membership:
        organizations = Organization.objects.all()
        if slug:
            organizations = organizations.filter(slug=slug)
        found = list(organizations[:2])
        if not found:
            raise CommandError(f"No organization {slug}." if slug else "No organization yet.")
        if len(found) > 1:
            slugs = ", ".join(Organization.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"There are several organizations; choose with --organization: {slugs}"
            )
        members = Membership.objects.select_related("organization", "user").filter(
            organization=found[0], user__is_active=True
        )
        members = (
            members.filter(user__email=email.strip().lower())
            if email
            else members.filter(role=Role.OWNER).order_by("created_at")
        )
        membership = members.first()
        if membership is None:
            raise CommandError(f"{email or 'An owner'} is not an active member of {found[0].slug}.")
        return membership

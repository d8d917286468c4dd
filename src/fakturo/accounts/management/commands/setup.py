import getpass
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fakturo.accounts.services import organization_setup
from fakturo.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create an organization and its owner."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True, metavar="NAME", help="Legal name.")
        parser.add_argument("--email", required=True, help="The owner's login email.")
        parser.add_argument(
            "--password", metavar="PW", help="The owner's password (asked for when left out)."
        )
        parser.add_argument("--country", default="DE", metavar="CC", help="ISO 3166 code.")
        parser.add_argument("--currency", default="EUR", metavar="CUR", help="ISO 4217 code.")
        parser.add_argument("--language", default="en", metavar="LL", help="e.g. en, de, fr.")
        parser.add_argument("--full-name", default="", help="The owner's name.")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"]
        if password is None:
            password = self.ask_password()
        try:
            membership = organization_setup(
                name=options["org"],
                email=options["email"],
                password=password,
                country=options["country"],
                currency=options["currency"],
                language=options["language"],
                full_name=options["full_name"],
            )
        except ServiceError as error:
            raise CommandError(error.detail, returncode=1) from None
        organization = membership.organization
        self.stdout.write(
            f"Created {organization.legal_name} ({organization.slug}); "
            f"{membership.user.email} can log in at {settings.SITE_URL}"
        )

    def ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError("Give --password (no terminal to ask on).")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The passwords differ.")
        return password

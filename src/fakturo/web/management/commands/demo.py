from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rich.console import Console
from rich.progress import Progress

from fakturo.accounts.models import Organization
from fakturo.core.errors import ServiceError
from fakturo.web.demo import LOGIN_FILE_NAME, STEPS, demo_load, demo_login_text


class Command(BaseCommand):
    help = "Load the demo organization and show its login."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--first-run",
            action="store_true",
            help="Load only when no organization exists yet; show the demo login in any case.",
        )

    def handle(self, *args: Any, first_run: bool, **options: Any) -> None:
        login_file = settings.DATA_DIR / LOGIN_FILE_NAME
        with transaction.atomic():
            if first_run and Organization.objects.exists():
                self.stdout.write("Organizations exist already: no demo loaded.")
            else:
                self.load(login_file)
        login = demo_login_text(login_file)
        if login:
            self.stdout.write(f"Demo login (also in {login_file}):\n{login}", ending="")

    def load(self, login_file: Path) -> None:
        # The bar goes to stderr so stdout carries only the login.
        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("Loading the demo", total=STEPS)
            try:
                demo_load(
                    site_url=settings.SITE_URL,
                    login_file=login_file,
                    on_step=lambda step: progress.update(task, advance=1, description=step),
                )
            except ServiceError as error:
                raise CommandError(error.detail, returncode=1) from None
        self.stdout.write("Demo loaded: Lumen Design Studio GmbH and Atelier Lumière SARL.")

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fakturo.jobs.registry import parse_at, run_due


class Command(BaseCommand):
    help = "Run the jobs that are due, once."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--at",
            metavar="ISO-DATETIME",
            help=(
                "Run as of this moment, e.g. 2026-01-31T09:00:00+00:00 (default: now); "
                "jobs that run record it as their last run."
            ),
        )

    def handle(self, *args: Any, at: str | None, **options: Any) -> None:
        try:
            now = parse_at(at) if at else timezone.now()
        except ValueError as error:
            raise CommandError(f"--at: {error}") from None
        outcomes = run_due(now)
        width = max((len(outcome.name) for outcome in outcomes), default=0)
        counts = {"ran": 0, "not due": 0, "failed": 0}
        for outcome in outcomes:
            counts[outcome.status] += 1
            detail = outcome.error or ("" if outcome.status == "not due" else outcome.summary)
            self.stdout.write(f"{outcome.status:<8} {outcome.name:<{width}}  {detail}".rstrip())
        summary = ", ".join(f"{count} {status}" for status, count in counts.items())
        self.stdout.write(f"{summary} (as of {now.isoformat()})")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} job(s) failed.", returncode=1)

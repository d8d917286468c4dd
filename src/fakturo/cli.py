"""`fakturo`: one entry point over the Django management commands."""

import os
import sys
from importlib.metadata import version

import django
from django.core.management import execute_from_command_line, get_commands, load_command_class

from fakturo.core.env import ConfigurationError

# CLI name: (management command, description). `manage` passes through to any command.
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("serve", "Run the web server and the job scheduler."),
    "migrate": ("migrate", "Create or update the database tables."),
    "setup": ("setup", "Create an organization and its owner."),
    "token": ("token", "Create or revoke an API token."),
    "demo": ("demo", "Load the demo organization and show its login."),
    "run-due": ("run_due", "Run the jobs that are due, once."),
    "worker": ("worker", "Run a Celery worker with the beat scheduler (needs FAKTURO_BROKER_URL)."),
    "einvoice": ("einvoice", "Validate or import an e-invoice (UBL, CII, Factur-X PDF)."),
    "manage": ("", "Run any Django management command, e.g. `fakturo manage shell`."),
}


def usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = [f"  {name:<{width}}  {description}" for name, (_, description) in COMMANDS.items()]
    return "\n".join(
        [
            "usage: fakturo COMMAND [OPTIONS]",
            "",
            "Fakturo: self-hostable CRM and invoicing.",
            "",
            "commands:",
            *lines,
            "",
            "Run `fakturo COMMAND --help` for the options of a command.",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    arguments = sys.argv[1:] if argv is None else argv
    if not arguments or arguments[0] in ("-h", "--help", "help"):
        print(usage())
        return
    if arguments[0] == "--version":
        print(f"fakturo {version('fakturo')}")
        return
    name, rest = arguments[0], arguments[1:]
    if name not in COMMANDS:
        print(f"fakturo: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        sys.exit(2)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fakturo.settings")
    try:
        django.setup()
    except ConfigurationError as error:
        print(f"fakturo: configuration error: {error}", file=sys.stderr)
        sys.exit(1)
    if name == "manage":
        execute_from_command_line(["fakturo manage", *rest])
        return
    command = COMMANDS[name][0]
    load_command_class(get_commands()[command], command).run_from_argv(["fakturo", name, *rest])


if __name__ == "__main__":
    main()

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from pytest_django import Settings

from fakturo import cli
from fakturo.accounts.choices import Role
from fakturo.accounts.models import ApiToken, Membership, Organization, User
from fakturo.accounts.services import api_token_authenticate, api_token_create
from fakturo.audit.models import AuditEvent
from fakturo.jobs import registry
from fakturo.jobs.models import JobState
from fakturo.web.demo import DEMO_EMAIL

FAKTURO = Path(sys.executable).parent / "fakturo"
PASSWORD = "correct-horse-battery-staple"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


# Help


def test_help_lists_every_command_with_its_description(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["--help"])

    out = capsys.readouterr().out
    for name in ("serve", "migrate", "setup", "token", "demo", "run-due", "worker", "manage"):
        assert f"  {name} " in out
        assert cli.COMMANDS[name][1] in out


def test_the_listed_descriptions_are_the_commands_own() -> None:
    for name, (command, description) in cli.COMMANDS.items():
        app = get_commands().get(command, "")
        if app.startswith("fakturo."):
            assert load_command_class(app, command).help == description, name


@pytest.mark.parametrize(
    "arguments",
    [
        ["serve"],
        ["migrate"],
        ["setup"],
        ["token"],
        ["token", "create"],
        ["token", "revoke"],
        ["demo"],
        ["run-due"],
        ["worker"],
    ],
)
def test_each_command_has_help(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main([*arguments, "--help"])

    assert exit_.value.code == 0
    assert f"usage: fakturo {' '.join(arguments)} " in capsys.readouterr().out


def test_manage_passes_through_to_django(capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["manage", "--help"])

    out = capsys.readouterr().out
    assert "fakturo manage help <subcommand>" in out
    assert "collectstatic" in out


def test_an_unknown_command_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["sing"])

    assert exit_.value.code == 2
    assert "fakturo: unknown command 'sing'" in capsys.readouterr().err


def test_the_installed_entry_point_runs(tmp_path: Path) -> None:
    env = {**os.environ, "FAKTURO_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)

    listed = subprocess.run([FAKTURO, "--help"], env=env, capture_output=True, text=True)
    bad_at = subprocess.run(
        [FAKTURO, "run-due", "--at", "soon"], env=env, capture_output=True, text=True
    )

    assert listed.returncode == 0
    assert "run-due" in listed.stdout
    assert bad_at.returncode == 1
    assert bad_at.stderr.strip().splitlines() == [
        "CommandError: --at: 'soon' is not an ISO 8601 date-time such as 2026-01-31T09:00:00+00:00."
    ]


# setup


def test_setup_creates_an_organization_and_its_owner(db: None) -> None:
    out = run(
        "setup",
        "--org",
        "Acme GmbH",
        "--email",
        "Owner@Acme.test",
        "--password",
        PASSWORD,
        "--country",
        "AT",
        "--currency",
        "EUR",
        "--language",
        "de",
    )

    membership = Membership.objects.select_related("organization", "user").get()
    assert (membership.user.email, membership.role) == ("owner@acme.test", Role.OWNER)
    organization = membership.organization
    assert (organization.legal_name, organization.country, organization.language) == (
        "Acme GmbH",
        "AT",
        "de",
    )
    assert membership.user.check_password(PASSWORD)
    assert (
        out
        == "Created Acme GmbH (acme-gmbh); owner@acme.test can log in at http://127.0.0.1:8000\n"
    )


def test_setup_with_an_email_that_exists_fails_cleanly(db: None) -> None:
    run("setup", "--org", "Acme GmbH", "--email", "owner@acme.test", "--password", PASSWORD)

    with pytest.raises(CommandError) as error:
        run("setup", "--org", "Other AG", "--email", "owner@acme.test", "--password", PASSWORD)

    assert error.value.returncode == 1
    assert str(error.value) == "email: A user with the email owner@acme.test exists already."
    assert list(Organization.objects.values_list("legal_name", flat=True)) == ["Acme GmbH"]


def test_setup_names_every_invalid_field(db: None) -> None:
    with pytest.raises(CommandError) as error:
        run("setup", "--org", "Acme", "--email", "nope", "--password", PASSWORD, "--country", "XX")

    assert str(error.value) == (
        "email: Enter a valid email address.; "
        "country: Use an ISO 3166 country code such as DE or FR."
    )
    assert not Organization.objects.exists()
    assert not User.objects.exists()


def test_setup_without_a_password_and_no_terminal_to_ask_on_fails(db: None) -> None:
    with pytest.raises(CommandError, match=r"^Give --password \(no terminal to ask on\)\.$"):
        run("setup", "--org", "Acme GmbH", "--email", "owner@acme.test")

    assert not Organization.objects.exists()


# token


def test_token_create_prints_only_a_secret_that_authenticates(owner: Membership) -> None:
    out = run("token", "create", "--email", "owner@acme.test", "--read-only", "--name", "Backup")

    secret = out.removesuffix("\n")
    assert "\n" not in secret
    token = api_token_authenticate(secret)
    assert token is not None
    assert (token.user, token.organization, token.name, token.is_read_only) == (
        owner.user,
        owner.organization,
        "Backup",
        True,
    )


def test_token_create_asks_for_the_organization_when_the_user_has_several(
    owner: Membership, other_owner: Membership
) -> None:
    Membership.objects.create(
        organization=other_owner.organization, user=owner.user, role=Role.MEMBER
    )

    with pytest.raises(CommandError) as error:
        run("token", "create", "--email", "owner@acme.test")
    secret = run("token", "create", "--email", "owner@acme.test", "--org", "globex-sarl").strip()

    assert str(error.value) == (
        "owner@acme.test belongs to several organizations; choose one with --org: "
        "acme-gmbh, globex-sarl"
    )
    token = api_token_authenticate(secret)
    assert token is not None
    assert (token.organization, token.is_read_only) == (other_owner.organization, False)


def test_token_create_for_someone_who_is_no_member_fails(db: None) -> None:
    with pytest.raises(CommandError, match=r"^nobody@acme.test is not a member\.$"):
        run("token", "create", "--email", "nobody@acme.test")


def test_token_revoke_by_prefix_and_by_id(owner: Membership) -> None:
    first, first_secret = api_token_create(membership=owner, name="First", read_only=True)
    second, second_secret = api_token_create(membership=owner, name="Second", read_only=True)

    by_prefix = run("token", "revoke", first.prefix, "--email", "owner@acme.test")
    by_id = run("token", "revoke", str(second.pk), "--email", "owner@acme.test")

    assert by_prefix == f"Revoked First ({first.prefix}…).\n"
    assert by_id == f"Revoked Second ({second.prefix}…).\n"
    assert api_token_authenticate(first_secret) is None
    assert api_token_authenticate(second_secret) is None


def test_token_revoke_of_an_unknown_token_fails_and_changes_nothing(owner: Membership) -> None:
    token, _ = api_token_create(membership=owner, name="Kept", read_only=True)

    with pytest.raises(CommandError) as error:
        run("token", "revoke", "fk_unknown", "--email", "owner@acme.test")

    assert str(error.value) == "No active token with the prefix fk_unknown in acme-gmbh."
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


# run-due


@pytest.fixture
def jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(now: datetime) -> str:
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(registry, "_jobs", {})
    registry.register("tests.broken", every=timedelta(hours=1))(broken)
    registry.register("tests.fine", every=timedelta(hours=1))(lambda now: "all good")


def test_run_due_prints_a_line_per_job_and_fails_when_one_failed(db: None, jobs: None) -> None:
    first, again = StringIO(), StringIO()
    with pytest.raises(CommandError) as error:
        call_command("run_due", "--at", "2026-03-02T09:00:00Z", stdout=first)
    with pytest.raises(CommandError):
        call_command("run_due", "--at", "2026-03-02T09:30:00+00:00", stdout=again)

    assert first.getvalue().splitlines() == [
        "failed   tests.broken  RuntimeError: printer on fire",
        "ran      tests.fine    all good",
        "1 ran, 0 not due, 1 failed (as of 2026-03-02T09:00:00+00:00)",
    ]
    assert (str(error.value), error.value.returncode) == ("1 job(s) failed.", 1)
    assert again.getvalue().splitlines()[1:] == [
        "not due  tests.fine",
        "0 ran, 1 not due, 1 failed (as of 2026-03-02T09:30:00+00:00)",
    ]


def test_run_due_rejects_a_moment_it_cannot_read(db: None, jobs: None) -> None:
    with pytest.raises(CommandError, match=r"^--at: 'tomorrow' is not an ISO 8601 date-time"):
        run("run_due", "--at", "tomorrow")

    assert not JobState.objects.exists()


# worker


def test_worker_refuses_to_start_without_a_broker(settings: Settings) -> None:
    settings.FAKTURO_BROKER_URL = ""

    with pytest.raises(CommandError, match=r"^FAKTURO_BROKER_URL is not set"):
        run("worker")


# demo


@pytest.fixture
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def test_demo_loads_two_organizations_a_team_and_a_read_only_token(
    db: None, data_dir: Path
) -> None:
    out = run("demo")

    login_file = data_dir / "demo-login.txt"
    assert stat.S_IMODE(login_file.stat().st_mode) == 0o600
    lines = dict(line.split(": ", 1) for line in login_file.read_text().splitlines())
    assert lines["URL"].strip() == "http://127.0.0.1:8000"
    assert lines["Email"].strip() == DEMO_EMAIL
    password = lines["Password"].strip()
    assert len(password) >= 16
    assert out.endswith(login_file.read_text())

    demo_user = User.objects.get(email=DEMO_EMAIL)
    assert demo_user.check_password(password)
    lumen = Organization.objects.get(legal_name="Lumen Design Studio GmbH")
    assert (lumen.city, lumen.country, lumen.default_currency, lumen.vat_id, lumen.iban) == (
        "Berlin",
        "DE",
        "EUR",
        "DE136695976",
        "DE89370400440532013000",
    )
    roles = dict(lumen.memberships.values_list("user__email", "role"))
    assert sorted(roles.values()) == sorted(Role.values)
    assert roles[DEMO_EMAIL] == Role.OWNER
    french = Organization.objects.get(country="FR")
    assert (french.language, french.default_currency) == ("fr", "EUR")
    assert french.memberships.get(user=demo_user).role == Role.ADMIN

    token = api_token_authenticate(lines["API token (read-only)"].strip())
    assert token is not None
    assert (token.user, token.organization, token.is_read_only) == (demo_user, lumen, True)
    added = AuditEvent.objects.filter(action="membership.added")
    assert added.count() == 4  # three teammates, and the demo owner in the French organization
    assert (
        not User.objects.exclude(email=DEMO_EMAIL)
        .filter(memberships__organization=lumen)
        .exclude(password__startswith="!")
        .exists()
    )  # teammates can't log in


def test_demo_refuses_to_load_twice(db: None, data_dir: Path) -> None:
    run("demo")
    first_login = (data_dir / "demo-login.txt").read_text()

    with pytest.raises(CommandError) as error:
        run("demo")

    assert error.value.returncode == 1
    assert str(error.value).startswith("The demo exists already")
    assert Organization.objects.count() == 2
    assert (data_dir / "demo-login.txt").read_text() == first_login


def test_demo_first_run_leaves_an_installation_with_organizations_alone(
    owner: Membership, data_dir: Path
) -> None:
    out = run("demo", "--first-run")

    assert out == "Organizations exist already: no demo loaded.\n"
    assert list(Organization.objects.all()) == [owner.organization]
    assert not (data_dir / "demo-login.txt").exists()


def test_demo_first_run_shows_the_login_again_without_loading_again(
    db: None, data_dir: Path
) -> None:
    first = run("demo", "--first-run")
    second = run("demo", "--first-run")

    login = (data_dir / "demo-login.txt").read_text()
    assert first.startswith("Demo loaded")
    assert first.endswith(login)
    assert second == (
        "Organizations exist already: no demo loaded.\n"
        f"Demo login (also in {data_dir / 'demo-login.txt'}):\n{login}"
    )
    assert Organization.objects.count() == 2

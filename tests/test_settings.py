"""Settings come from the environment; production settings pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fakturo.core.env import ConfigurationError, env_bool, env_int, secret_key


def _django(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(FAKTURO_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="fakturo.settings")
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _django(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        FAKTURO_SITE_URL="https://invoices.example.com",
        ALLOWED_HOSTS="invoices.example.com",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_secret_key_is_generated_once_per_installation_and_kept(tmp_path):
    first = secret_key(tmp_path)
    again = secret_key(tmp_path)
    (tmp_path / "other").mkdir()
    other = secret_key(tmp_path / "other")

    assert first == again
    assert first != other
    assert len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")

    assert secret_key(tmp_path) == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_the_repository_ships_no_secret_key():
    settings_source = (Path(__file__).parents[1] / "src/fakturo/settings.py").read_text()

    assert "SECRET_KEY = " in settings_source
    assert "SECRET_KEY = secret_key(DATA_DIR)" in settings_source


def test_debug_is_off_by_default(tmp_path):
    result = _django(
        ["shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)"],
        tmp_path,
    )

    assert result.stdout.strip() == "False"


def test_a_malformed_setting_fails_fast_naming_the_variable(tmp_path):
    result = _django(["check"], tmp_path, EMAIL_PORT="twenty-five")

    assert result.returncode != 0
    assert "EMAIL_PORT must be a whole number" in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("off", False), ("", False)]
)
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)

    assert env_bool("SOME_FLAG") is expected


def test_env_readers_reject_nonsense(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "perhaps")
    monkeypatch.setenv("SOME_NUMBER", "many")

    with pytest.raises(ConfigurationError, match="SOME_FLAG"):
        env_bool("SOME_FLAG")
    with pytest.raises(ConfigurationError, match="SOME_NUMBER"):
        env_int("SOME_NUMBER", 1)


def test_postgres_database_url_is_understood(tmp_path):
    result = _django(
        [
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; d = settings.DATABASES['default'];"
            " print(d['ENGINE'], d['NAME'], d['HOST'])",
        ],
        tmp_path,
        DATABASE_URL="postgres://fakturo:pw@db.internal:5432/books",
    )

    assert result.stdout.split() == ["django.db.backends.postgresql", "books", "db.internal"]


def test_s3_storage_when_a_bucket_is_configured(tmp_path):
    result = _django(
        [
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])",
        ],
        tmp_path,
        FAKTURO_S3_BUCKET="fakturo-files",
    )

    assert result.stdout.strip() == "storages.backends.s3.S3Storage"

"""The first run from an empty data folder, as `make run` does it, in real processes."""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

FAKTURO = Path(sys.executable).parent / "fakturo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fakturo(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([FAKTURO, *args], env=env, capture_output=True, text=True, timeout=180)


def wait_until_healthy(url: str, server: subprocess.Popen[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise AssertionError(f"{url} did not answer 200 within {timeout} s")


def query(database: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


def test_first_run_from_an_empty_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "FAKTURO_BROKER_URL", "FAKTURO_SITE_URL", "SECRET_KEY")
    }
    env.update(FAKTURO_DATA_DIR=str(data), PORT=str(port))
    database = data / "fakturo.sqlite3"

    too_early = fakturo("serve", env=env)
    assert too_early.returncode == 1
    assert "migrations are not applied: run `fakturo migrate` first." in too_early.stderr

    migrate = fakturo("migrate", "--noinput", env=env)
    assert migrate.returncode == 0, migrate.stderr

    demo = fakturo("demo", "--first-run", env=env)
    assert demo.returncode == 0, demo.stderr
    assert f"URL:      http://127.0.0.1:{port}\n" in demo.stdout
    assert "Email:    demo@fakturo.test\n" in demo.stdout
    password = re.search(r"^Password: (\S+)$", demo.stdout, re.MULTILINE)
    assert password is not None

    with (tmp_path / "serve.out").open("w+") as out, (tmp_path / "serve.err").open("w+") as err:
        server = subprocess.Popen(
            [FAKTURO, "serve", "--port", str(port)], env=env, stdout=out, stderr=err, text=True
        )
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}/healthz", server, timeout=60)
            deadline = time.monotonic() + 10
            while not query(database, "SELECT name FROM jobs_jobstate"):
                assert time.monotonic() < deadline, "the scheduler thread ran no job"
                time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=30)
        out.seek(0)
        err.seek(0)
        assert server.returncode == 0, err.read()
        assert out.read() == (
            f"Fakturo on http://127.0.0.1:{port} (2 workers, scheduler: thread)\n"
        )
    assert query(database, "SELECT holder FROM jobs_schedulerlease") == [("",)]  # released

    again = fakturo("demo", "--first-run", env=env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Organizations exist already: no demo loaded.\n")
    assert f"Password: {password.group(1)}\n" in again.stdout
    assert query(database, "SELECT count(*) FROM accounts_organization") == [(2,)]
    clients, documents, credit_notes, currencies = query(
        database,
        "SELECT (SELECT count(*) FROM crm_client), (SELECT count(*) FROM invoicing_document),"
        " (SELECT count(*) FROM invoicing_document WHERE kind = 'credit_note'),"
        " (SELECT count(DISTINCT currency) FROM invoicing_document)",
    )[0]
    assert clients == 25
    assert 150 <= documents <= 300
    assert credit_notes > 0
    assert currencies >= 3

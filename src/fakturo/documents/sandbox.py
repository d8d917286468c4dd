"""Compile an organization's own Typst template in a sandbox (no Django here: the worker
imports only this module and the compiler): a fresh root holding only the
template's assets (the shipped layout library, the logo), data only through sys.inputs, no
packages, no network, in a worker process that is killed when it runs past the time limit.

One worker process serves every compile of this process; a compile that times out or kills
the worker (say, by exhausting memory) costs a new worker, never the web process.
"""

import multiprocessing
import os
import resource
import tempfile
import threading
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from fakturo.documents.compile import TemplateError, compile_typst

TIMEOUT_SECONDS = 5.0
STARTUP_SECONDS = 60.0
MEMORY_LIMIT_BYTES = 2 * 1024**3
# An unreachable proxy, so a package download assembled at run time fails fast.
NO_NETWORK_PROXY = "http://127.0.0.1:9"


def _serve(connection: Connection) -> None:
    """The worker's loop: one request in, one answer out, until the pipe closes."""
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        os.environ[name] = NO_NETWORK_PROXY
    os.environ.pop("NO_PROXY", None)
    os.environ.pop("no_proxy", None)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    connection.send(("ready",))
    while True:
        try:
            source, root, inputs, options = connection.recv()
        except EOFError:
            return
        try:
            output = compile_typst(source, Path(root), inputs, **options)
        except TemplateError as error:
            connection.send(("error", error.message, error.line, error.column))
        except Exception as error:  # a crash of the compiler is the template's error too
            connection.send(("error", f"The compiler failed: {error}", None, None))
        else:
            connection.send(("ok", output))


class Worker:
    """The compile worker process and its pipe; started on first use, replaced after a kill."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: Any = None
        self.connection: Connection | None = None

    def _start(self) -> Connection:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child,), daemon=True, name="typst-sandbox")
        process.start()
        child.close()
        if not parent.poll(STARTUP_SECONDS):
            process.kill()
            process.join()
            raise TemplateError("The template compiler did not start.")
        parent.recv()
        self.process, self.connection = process, parent
        return parent

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join()
        if self.connection is not None:
            self.connection.close()
        self.process = self.connection = None

    def run(self, request: tuple[Any, ...], timeout: float) -> Any:
        with self.lock:
            connection = self.connection
            if connection is None or not self.process.is_alive():
                self.stop()
                connection = self._start()
            connection.send(request)
            try:
                ready = connection.poll(timeout)
                answer = connection.recv() if ready else None
            except (EOFError, OSError):
                self.stop()
                raise TemplateError(
                    "The template stopped the compiler (it may use too much memory)."
                ) from None
            if answer is None:
                self.stop()
                raise TemplateError(
                    f"The template ran longer than {timeout:g} seconds and was stopped."
                )
            return answer


_worker = Worker()


def _safe_name(name: str) -> str:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"An asset is a plain file name, not {name!r}.")
    return name


def compile_sandboxed(
    source: str,
    assets: dict[str, bytes],
    inputs: dict[str, str],
    *,
    format: str = "pdf",
    timeout: float = TIMEOUT_SECONDS,
    timestamp: datetime | None = None,
    pdf_standards: list[str] | None = None,
    ppi: float | None = None,
) -> bytes | list[bytes]:
    """Compile a template in the sandbox. `assets` are the only files the template can read
    (plain names: "lib.typ", "logo.png"); `inputs` become sys.inputs. Returns what
    compile_typst returns; raises TemplateError, also when the time limit is reached."""
    options = {"format": format, "timestamp": timestamp, "pdf_standards": pdf_standards, "ppi": ppi}
    with tempfile.TemporaryDirectory(prefix="fakturo-sandbox-") as directory:
        root = Path(directory)
        for name, content in assets.items():
            (root / _safe_name(name)).write_bytes(content)
        answer = _worker.run((source, str(root), inputs, options), timeout)
    if answer[0] == "error":
        raise TemplateError(answer[1], answer[2], answer[3])
    output: bytes | list[bytes] = answer[1]
    return output

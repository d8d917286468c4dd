"""The one entry point to the Typst compiler: bundled fonts only, data only through
sys.inputs, files only from the given root, and no packages.

Typst resolves `@namespace/name:version` imports from a package folder and downloads
`@preview` ones; both folders point at an empty directory and source that names a package is
refused before compiling. (The sandbox worker also blocks the network for custom templates,
whose strings could be assembled at run time.)
"""

import re
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import typst

FONT_DIR = Path(__file__).parent / "fonts"
FORMATS = ("pdf", "svg", "png")
# A string literal that starts like a package spec: "@preview/…", "@local/…".
PACKAGE_SPEC = re.compile(r"\"\s*@[A-Za-z0-9_-]+/")
# The first location in a diagnostic: "┌─ path/file.typ:12:5".
LOCATION = re.compile(r"┌─ (?P<file>[^\n]*?):(?P<line>\d+):(?P<column>\d+)")
MAIN_FILE_NAME = "__typst_py_bytes__.typ"


class TemplateError(Exception):
    """A template that does not compile; `line` and `column` (1-based) point into the main
    template, or are None when the error is elsewhere (a library file, a time limit)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"Line {self.line}, column {self.column}: {self.message}"


_local = threading.local()
_package_dir: Path | None = None
_package_lock = threading.Lock()


def _empty_package_dir() -> Path:
    global _package_dir
    with _package_lock:
        if _package_dir is None:
            _package_dir = Path(tempfile.mkdtemp(prefix="fakturo-typst-packages-"))
        return _package_dir


def _compiler() -> typst.Compiler:
    """A compiler per thread: fonts are indexed once, and a Compiler is not shared between
    threads because each compile mutates it."""
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        packages = _empty_package_dir()
        compiler = typst.Compiler(
            font_paths=[FONT_DIR],
            ignore_system_fonts=True,
            package_path=packages,
            package_cache_path=packages,
        )
        _local.compiler = compiler
    return compiler


def template_error(error: typst.TypstError) -> TemplateError:
    """The first error of a Typst diagnostic, with its line and column in the main file."""
    message = str(error.message)
    match = LOCATION.search(str(error.diagnostic or ""))
    if match is None:
        return TemplateError(message)
    file_name = Path(match["file"]).name
    if file_name != MAIN_FILE_NAME:
        return TemplateError(f"{message} (in {file_name}, line {match['line']})")
    return TemplateError(message, int(match["line"]), int(match["column"]))


def refuse_packages(source: str) -> None:
    """Raise TemplateError when the source names a Typst package."""
    for number, text in enumerate(source.splitlines(), start=1):
        match = PACKAGE_SPEC.search(text)
        if match is not None:
            raise TemplateError(
                "Package imports are not allowed: a template may only use its own files.",
                number,
                match.start() + 1,
            )


def compile_typst(
    source: str,
    root: Path,
    inputs: dict[str, str],
    *,
    format: str = "pdf",
    timestamp: datetime | None = None,
    pdf_standards: list[str] | None = None,
    ppi: float | None = None,
) -> bytes | list[bytes]:
    """Compile Typst `source` as the main file of `root` (its imports and images resolve
    there and nowhere else). `inputs` become sys.inputs (string values). PDF gives bytes;
    SVG and PNG give one item per page. Raises TemplateError."""
    if format not in FORMATS:
        raise ValueError(f"Unknown format {format!r}; one of {', '.join(FORMATS)}.")
    refuse_packages(source)
    try:
        output = _compiler().compile(
            input=source.encode("utf-8"),
            root=root,
            format=cast(Any, format),
            ppi=ppi,
            sys_inputs=inputs,
            pdf_standards=cast(Any, pdf_standards or []),
            timestamp=timestamp,
        )
    except typst.TypstError as error:
        raise template_error(error) from None
    assert output is not None
    if format != "pdf" and isinstance(output, bytes):
        return [output]
    return output

"""The Typst entry point and the sandbox custom templates compile in."""

from pathlib import Path

import pytest

from fakturo.documents.compile import TemplateError, compile_typst
from fakturo.documents.sandbox import compile_sandboxed


def test_compile_gives_a_pdf_with_inputs_from_sys_inputs(tmp_path: Path):
    pdf = compile_typst('#set text(font: "Open Sans")\n#sys.inputs.data', tmp_path, {"data": "Hi"})

    assert isinstance(pdf, bytes)
    assert pdf.startswith(b"%PDF-")


def test_svg_and_png_give_one_item_per_page(tmp_path: Path):
    source = "First\n#pagebreak()\nSecond"

    svg = compile_typst(source, tmp_path, {}, format="svg")
    png = compile_typst(source, tmp_path, {}, format="png", ppi=30)

    assert len(svg) == 2 and svg[0].lstrip().startswith(b"<svg")
    assert len(png) == 2 and png[0].startswith(b"\x89PNG")


def test_a_compile_error_names_its_line_and_column(tmp_path: Path):
    with pytest.raises(TemplateError) as raised:
        compile_typst("Fine\n\n#let x = (\n", tmp_path, {})

    assert raised.value.message == "unclosed delimiter"
    assert (raised.value.line, raised.value.column) == (3, 9)


@pytest.mark.parametrize(
    "source",
    [
        '#import "@preview/cetz:0.2.0": canvas',
        '#import "@local/mine:0.1.0": *',
        '#include "@x/y:1.0.0"',
    ],
)
def test_package_imports_are_refused(tmp_path: Path, source: str):
    with pytest.raises(TemplateError) as raised:
        compile_typst(source, tmp_path, {})

    assert "Package imports are not allowed" in raised.value.message
    assert raised.value.line == 1


@pytest.mark.parametrize("path", ["/etc/passwd", "../../../../etc/passwd"])
def test_files_outside_the_root_cannot_be_read(tmp_path: Path, path: str):
    with pytest.raises(TemplateError):
        compile_typst(f'#read("{path}")', tmp_path, {})


def test_a_sandboxed_template_reads_only_its_assets_and_inputs():
    pdf = compile_sandboxed(
        '#import "lib.typ": greet\n#greet(sys.inputs.name)',
        {"lib.typ": b"#let greet(name) = [Hello #name]"},
        {"name": "Ada"},
    )

    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF-")


def test_a_sandboxed_template_cannot_read_outside_its_root():
    with pytest.raises(TemplateError) as raised:
        compile_sandboxed('#read("/etc/passwd")', {}, {})

    assert "file not found" in raised.value.message


def test_a_run_time_package_import_finds_no_network():
    source = '#let spec = "@pre" + "view/cetz:0.2.0"\n#import spec: canvas'

    with pytest.raises(TemplateError) as raised:
        compile_sandboxed(source, {}, {})

    assert "failed to download package" in raised.value.message


def test_a_template_that_runs_forever_is_stopped_and_the_next_compile_works():
    endless = "#let n = 0\n#for i in range(100000) { for j in range(100000) { n += 1 } }"

    with pytest.raises(TemplateError) as raised:
        compile_sandboxed(endless, {}, {}, timeout=2.0)

    assert "ran longer than 2 seconds and was stopped" in raised.value.message
    assert compile_sandboxed("Still here", {}, {}).startswith(b"%PDF-")

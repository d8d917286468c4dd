"""Copy the assets installed from the npm registry into the app: browser assets into
static/vendor, and the fonts the PDF documents embed into documents/fonts.

Run from the repository root after `npm ci`:  python -m fakturo.web.vendor
The app serves the copies itself (whitenoise); pages never load anything from a CDN, and
Typst reads only the bundled fonts, so a document renders the same on every machine.
"""

import re
import shutil
import sys
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"
DOCUMENT_FONT_DIR = Path(__file__).resolve().parent.parent / "documents" / "fonts"

# (file in node_modules, file in static/vendor)
FILES = [
    ("htmx.org/dist/htmx.min.js", "htmx.min.js"),
    ("htmx.org/LICENSE", "htmx.LICENSE.txt"),
    ("chart.js/dist/chart.umd.min.js", "chart.umd.min.js"),
    ("chart.js/dist/chart.umd.min.js.map", "chart.umd.min.js.map"),
    ("chart.js/LICENSE.md", "chart.js.LICENSE.md"),
    ("@fontsource-variable/inter/LICENSE", "fonts/inter.LICENSE.txt"),
]
FONT_CSS = "@fontsource-variable/inter/wght.css"
FONT_URL = re.compile(r"url\(\./files/([\w.-]+\.woff2)\)")

# (file in node_modules, file in documents/fonts): regular, italic, bold, bold italic.
DOCUMENT_FONTS = [
    ("source-sans/TTF/SourceSans3-Regular.ttf", "SourceSans3-Regular.ttf"),
    ("source-sans/TTF/SourceSans3-It.ttf", "SourceSans3-It.ttf"),
    ("source-sans/TTF/SourceSans3-Bold.ttf", "SourceSans3-Bold.ttf"),
    ("source-sans/TTF/SourceSans3-BoldIt.ttf", "SourceSans3-BoldIt.ttf"),
    ("source-sans/LICENSE.md", "SourceSans3.LICENSE.md"),
    ("source-serif/TTF/SourceSerif4-Regular.ttf", "SourceSerif4-Regular.ttf"),
    ("source-serif/TTF/SourceSerif4-It.ttf", "SourceSerif4-It.ttf"),
    ("source-serif/TTF/SourceSerif4-Bold.ttf", "SourceSerif4-Bold.ttf"),
    ("source-serif/TTF/SourceSerif4-BoldIt.ttf", "SourceSerif4-BoldIt.ttf"),
    ("source-serif/LICENSE.md", "SourceSerif4.LICENSE.md"),
    ("open-sans-fonts/open-sans/Regular/OpenSans-Regular.ttf", "OpenSans-Regular.ttf"),
    ("open-sans-fonts/open-sans/Italic/OpenSans-Italic.ttf", "OpenSans-Italic.ttf"),
    ("open-sans-fonts/open-sans/Bold/OpenSans-Bold.ttf", "OpenSans-Bold.ttf"),
    ("open-sans-fonts/open-sans/BoldItalic/OpenSans-BoldItalic.ttf", "OpenSans-BoldItalic.ttf"),
    ("open-sans-fonts/LICENSE", "OpenSans.LICENSE.txt"),
]


class VendorError(Exception):
    pass


def copy_assets(
    node_modules: Path, destination: Path = VENDOR_DIR, fonts: Path = DOCUMENT_FONT_DIR
) -> list[Path]:
    """Copy the browser assets into `destination` and the document fonts into `fonts`,
    replacing what was there; returns the files written."""
    if not node_modules.is_dir():
        raise VendorError(
            f"{node_modules} is missing: run `npm ci --no-audit --no-fund` in the repository "
            "root first."
        )
    missing = [
        source for source, _ in FILES + DOCUMENT_FONTS if not (node_modules / source).is_file()
    ]
    if not (node_modules / FONT_CSS).is_file():
        missing.append(FONT_CSS)
    if missing:
        raise VendorError(
            f"Not found in {node_modules}: {', '.join(missing)}. "
            "Run `npm ci --no-audit --no-fund` again."
        )
    if destination.exists():
        shutil.rmtree(destination)
    (destination / "fonts").mkdir(parents=True)
    written = []
    for source, target in FILES:
        written.append(Path(shutil.copyfile(node_modules / source, destination / target)))
    written.extend(_copy_font(node_modules, destination / "fonts"))
    if fonts.exists():
        shutil.rmtree(fonts)
    fonts.mkdir(parents=True)
    for source, target in DOCUMENT_FONTS:
        written.append(Path(shutil.copyfile(node_modules / source, fonts / target)))
    return written


def _copy_font(node_modules: Path, fonts_dir: Path) -> list[Path]:
    """The Inter variable font: its CSS, pointing at woff2 files kept beside it."""
    css = (node_modules / FONT_CSS).read_text()
    files_dir = (node_modules / FONT_CSS).parent / "files"
    written = []
    for name in sorted(set(FONT_URL.findall(css))):
        written.append(Path(shutil.copyfile(files_dir / name, fonts_dir / name)))
    css_path = fonts_dir / "inter.css"
    css_path.write_text(FONT_URL.sub(r"url(./\1)", css))
    written.append(css_path)
    return written


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    node_modules = Path(arguments[0] if arguments else "node_modules").resolve()
    try:
        written = copy_assets(node_modules)
    except VendorError as error:
        print(f"fakturo.web.vendor: {error}", file=sys.stderr)
        return 1
    print(f"Copied {len(written)} files into {VENDOR_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

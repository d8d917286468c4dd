"""The bundled fonts: every family a branding may choose, in four styles, and nothing else."""

from pathlib import Path

import pytest
import typst

from fakturo.documents.choices import Font
from fakturo.documents.compile import FONT_DIR
from fakturo.web.vendor import DOCUMENT_FONTS, copy_assets

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"


def test_every_font_choice_is_bundled_in_four_styles():
    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[FONT_DIR]
    )

    styles: dict[str, set[tuple[str, int]]] = {}
    for font in fonts.fonts():
        styles.setdefault(font.family, set()).add((font.style, font.weight))

    assert set(styles) == set(Font.values)
    for family in Font.values:
        assert styles[family] == {
            ("normal", 400),
            ("italic", 400),
            ("normal", 700),
            ("italic", 700),
        }


@pytest.mark.skipif(not NODE_MODULES.is_dir(), reason="needs `npm ci` (make assets)")
def test_vendor_copies_the_document_fonts(tmp_path):
    written = copy_assets(NODE_MODULES, tmp_path / "vendor", tmp_path / "fonts")

    copied = sorted(path.name for path in (tmp_path / "fonts").iterdir())
    assert copied == sorted(target for _, target in DOCUMENT_FONTS)
    assert all(path.stat().st_size > 0 for path in written)
    assert sum(path.stat().st_size for path in (tmp_path / "fonts").iterdir()) < 5_000_000

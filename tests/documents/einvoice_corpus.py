"""The EN 16931 corpus and validator beside the repository (shared/einvoice)."""

import importlib.util
import sys
from functools import cache
from pathlib import Path
from typing import Any

# shared/ sits beside the repository (a CI clone may live in another folder than /work/main).
_CANDIDATES = [Path(__file__).resolve().parents[2].parent / "shared", Path("/work/shared")]
CORPUS = next((c for c in _CANDIDATES if c.is_dir()), _CANDIDATES[0]) / "einvoice"
EXAMPLE_CII = CORPUS / "examples" / "cii" / "cen-examples" / "CII_example1.xml"


@cache
def validator() -> Any:
    spec = importlib.util.spec_from_file_location("einvoice_validate", CORPUS / "validate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.Validator(str(CORPUS))

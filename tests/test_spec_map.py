"""Every conformance case the spec map (docs/how-it-works.md) names exists."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from tests.casekit import load_cases

DOC = Path(__file__).resolve().parent.parent / "docs" / "how-it-works.md"


def test_spec_map_names_real_cases() -> None:
    named = set(re.findall(r"`((?:cur|wpt)-[a-z0-9.-]+)`", DOC.read_text(encoding="utf-8")))
    assert len(named) >= 40
    known = {case["id"] for case in load_cases()}
    assert not sorted(named - known)


def _resolve(dotted: str) -> object | None:
    """The object a dotted name under ``corsspec`` names: longest importable module, then
    attributes. None when no prefix imports or an attribute is missing."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module("corsspec." + ".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj
    return None


def test_spec_map_names_real_functions() -> None:
    text = DOC.read_text(encoding="utf-8")
    named = re.findall(
        r"`((?:engine|server|explain|adapters|testing|cli)\.[A-Za-z_][A-Za-z_.]*)`", text
    )
    assert len(named) >= 25, named
    missing = [name for name in named if _resolve(name) is None]
    assert not missing

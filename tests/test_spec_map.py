"""Every conformance case the spec map (docs/how-it-works.md) names exists."""

from __future__ import annotations

import re
from pathlib import Path

from tests.casekit import load_cases

DOC = Path(__file__).resolve().parent.parent / "docs" / "how-it-works.md"


def test_spec_map_names_real_cases() -> None:
    named = set(re.findall(r"`((?:cur|wpt)-[a-z0-9.-]+)`", DOC.read_text(encoding="utf-8")))
    assert len(named) >= 40
    known = {case["id"] for case in load_cases()}
    assert not sorted(named - known)


def test_spec_map_names_real_functions() -> None:
    import importlib

    text = DOC.read_text(encoding="utf-8")
    missing = []
    for module, attr in re.findall(r"`([a-z_]+)\.([A-Za-z_][A-Za-z_.]*)`", text):
        try:
            obj: object = importlib.import_module(f"corsspec.{module}")
        except ImportError:
            continue
        for part in attr.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                missing.append(f"{module}.{attr}")
                break
    assert not missing

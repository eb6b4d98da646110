"""Generated pages stay current, and every browser deviation names its evidence."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import attrs

import corsspec as cs

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, DOCS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_browsers_page_is_current() -> None:
    gen = _load("gen_browsers")
    assert (DOCS / "browsers.md").read_text(encoding="utf-8") == gen.render(), (
        "docs/browsers.md is stale: run python docs/gen_browsers.py"
    )


def test_every_deviation_names_its_evidence() -> None:
    gen = _load("gen_browsers")
    evidence = gen._evidence(gen.SOURCE.read_text(encoding="utf-8"))
    missing = []
    for field in attrs.fields(cs.BrowserProfile):
        if field.name in ("family", "version"):
            continue
        for profile in cs.ALL_BROWSERS:
            if getattr(profile, field.name) != getattr(cs.SPEC, field.name) and not evidence.get(
                (profile.name, field.name)
            ):
                missing.append(f"{profile.name}.{field.name}")
    assert not missing, f"profile fields without an evidence comment: {missing}"

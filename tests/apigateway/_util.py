"""Shared helpers for the API Gateway adapter tests."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

APP = "https://app.example"


def fixture(name: str) -> str:
    """Path of a fixture file, as a string (what the CLI passes)."""
    return str(FIXTURES / name)


def write(tmp_path: Path, text: str, name: str = "template.yaml") -> str:
    """Write a template to ``tmp_path`` and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)

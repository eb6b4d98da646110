"""Plumbing for the unit tables: rows become pytest params; per-profile expectations.

A table is a module-level tuple of small frozen case objects. Every row has an ``id``
(the test id), a ``spec`` (the Fetch step it checks) and an optional ``bug``: a row whose
expectation follows the spec but which the engine gets wrong is kept and marked
``xfail(strict=True)`` with that text, so fixing the engine turns it into a pass. A row
may also name ``bug_profiles``: then only those profiles are expected to fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

import pytest

import corsspec as cs

__all__ = ["ORIGIN", "Row", "by_profile", "params", "xfail_for_profile"]

#: The page origin most tables use.
ORIGIN = "https://app.example"


class Row(Protocol):
    """What every table row provides."""

    @property
    def id(self) -> str: ...

    @property
    def spec(self) -> str: ...

    @property
    def bug(self) -> str | None: ...


R = TypeVar("R", bound=Row)
T = TypeVar("T")


def params(table: Iterable[R]) -> list[object]:
    """One ``pytest.param`` per row (unique ids; rows with ``bug`` are strict xfails)."""
    out: list[object] = []
    seen: set[str] = set()
    for row in table:
        assert row.id not in seen, f"duplicate row id {row.id!r}"
        assert row.spec.strip(), f"row {row.id!r} does not cite its spec step"
        seen.add(row.id)
        marks = (
            [pytest.mark.xfail(strict=True, reason=f"engine bug: {row.bug}")]
            if row.bug is not None and not getattr(row, "bug_profiles", ())
            else []
        )
        out.append(pytest.param(row, id=row.id, marks=marks))
    return out


def by_profile(default: T, overrides: tuple[tuple[str, T], ...], browser: cs.BrowserProfile) -> T:
    """The expectation for ``browser``: its override if the row has one, else ``default``."""
    for name, value in overrides:
        if name == browser.name:
            return value
    return default


def xfail_for_profile(request: pytest.FixtureRequest, row: Row, browser: cs.BrowserProfile) -> None:
    """Mark the running test a strict xfail if ``row.bug`` applies to ``browser`` only.

    Rows set ``bug_profiles`` to the profiles the engine gets wrong; the others must pass.
    """
    profiles: tuple[str, ...] = getattr(row, "bug_profiles", ())
    if row.bug is not None and browser.name in profiles:
        request.applymarker(pytest.mark.xfail(strict=True, reason=f"engine bug: {row.bug}"))

"""Cases as the browser harness sees them (docs/case-format.md).

Loads case files, expands the short form into steps, fills request defaults, and decides
whether a case can run in a real browser at all (every URL the browser may touch has to
land on one of the three loopback servers).

This module is deliberately independent of the engine: the harness must record what a
browser does even when the engine cannot evaluate a case yet.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

__all__ = [
    "CURATED_GLOB",
    "PLACEHOLDERS",
    "REPO_ROOT",
    "Case",
    "CaseError",
    "Observation",
    "Step",
    "browser_form",
    "load_case_files",
    "location_problem",
    "runnability_problem",
    "script_header_names",
    "split_placeholder_url",
    "steps_of",
]

Case = dict[str, Any]
Observation = dict[str, Any]

PLACEHOLDERS: Final = ("${ORIGIN}", "${API}", "${OTHER}")
REPO_ROOT: Final = Path(__file__).resolve().parents[2]
CURATED_GLOB: Final = str(REPO_ROOT / "tests" / "conformance" / "cases" / "*.jsonl")

_CASE_KEYS: Final = frozenset(
    {"id", "source", "description", "steps", "routes", "request", "expect", "expect_by_browser"}
)
_STEP_KEYS: Final = frozenset({"after", "request", "expect", "expect_by_browser"})
_REQUEST_KEYS: Final = frozenset(
    {"api", "method", "url", "headers", "mode", "credentials", "redirect", "body",
     "upload_listener"}
)
_REQUEST_DEFAULTS: Final[dict[str, Any]] = {
    "api": "fetch",
    "method": "GET",
    "headers": [],
    "mode": "cors",
    "credentials": "same-origin",
    "redirect": "follow",
    "body": None,
    "upload_listener": False,
}

# WHATWG URL percent-encode sets that matter for the path and query a browser puts on the
# wire (C0 controls and non-ASCII are handled separately). Used only to match a request
# target back to the route key it came from.
_PATH_ENCODE: Final = frozenset(' "#<>?`{}')
_QUERY_ENCODE: Final = frozenset(" \"#<>'")


class CaseError(ValueError):
    """A case the harness cannot understand (malformed, not just unrunnable)."""


@dataclass(frozen=True)
class Step:
    """One step of a case: wait `after` seconds, then run `request` (defaults filled in)."""

    after: float
    request: dict[str, Any]


def _check_keys(obj: object, allowed: frozenset[str], where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise CaseError(f"{where}: expected an object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise CaseError(f"{where}: unknown keys {unknown}")
    return obj


def _normalize_request(raw: object, where: str) -> dict[str, Any]:
    req = dict(_REQUEST_DEFAULTS)
    req.update(_check_keys(raw, _REQUEST_KEYS, where))
    if not isinstance(req.get("url"), str):
        raise CaseError(f"{where}: request.url must be a string")
    req["headers"] = [[str(n), str(v)] for n, v in req["headers"]]
    return req


def steps_of(case: Case) -> list[Step]:
    """The case's steps, with the short form (top-level request/expect) expanded."""
    cid = case.get("id", "?")
    _check_keys(case, _CASE_KEYS, f"case {cid}")
    if "steps" in case:
        if "request" in case or "expect" in case:
            raise CaseError(f"case {cid}: both 'steps' and a top-level 'request'")
        raw_steps = case["steps"]
    elif "request" in case:
        raw_steps = [{"after": 0, "request": case["request"]}]
    else:
        raise CaseError(f"case {cid}: neither 'steps' nor 'request'")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise CaseError(f"case {cid}: 'steps' must be a non-empty list")
    steps = []
    for i, raw in enumerate(raw_steps):
        where = f"case {cid} step {i}"
        step = _check_keys(raw, _STEP_KEYS, where)
        after = step.get("after", 0)
        if not isinstance(after, (int, float)) or after < 0:
            raise CaseError(f"{where}: 'after' must be a number >= 0")
        steps.append(Step(after=float(after), request=_normalize_request(step.get("request"), where)))
    return steps


def script_header_names(case: Case) -> list[str]:
    """Lowercase names of every header that page script sets in any step (sorted)."""
    return sorted({name.lower() for step in steps_of(case) for name, _ in step.request["headers"]})


def split_placeholder_url(url: str) -> tuple[str, str] | None:
    """Split "${API}/r1?x" into ("${API}", "/r1?x"); None if it does not start with a
    placeholder origin. A bare origin becomes path "/" (as the browser would send it)."""
    for ph in PLACEHOLDERS:
        if url.startswith(ph):
            rest = url[len(ph):]
            if rest == "" or rest[0] in "?#":
                return ph, "/" + rest
            if rest[0] == "/":
                return ph, rest
            return None  # e.g. "${API}:81/x" or "${API}.evil": not one of our origins
    return None


def _encode(text: str, extra: frozenset[str]) -> str:
    out = []
    for ch in text:
        if ord(ch) < 0x21 or ord(ch) > 0x7E or ch in extra:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
        else:
            out.append(ch)
    return "".join(out)


def browser_form(path_and_query: str) -> str:
    """Approximate the request-target a browser sends for a path?query (fragment dropped,
    WHATWG percent-encoding applied), so a logged target maps back to its route key."""
    path_and_query = path_and_query.split("#", 1)[0]
    path, sep, query = path_and_query.partition("?")
    return _encode(path, _PATH_ENCODE) + sep + (_encode(query, _QUERY_ENCODE) if sep else "")


def location_problem(value: str) -> str | None:
    """Why a Location value would send the browser off our loopback servers, or None."""
    if split_placeholder_url(value) is not None:
        return None
    if any(ph in value for ph in PLACEHOLDERS):
        return f"Location {value!r} uses a placeholder that is not a URL prefix"
    low = value.strip().lower()
    if low.startswith("//") or low.startswith("\\\\"):
        return f"Location {value!r} is scheme-relative (would leave the loopback servers)"
    scheme = low.split(":", 1)[0] if ":" in low.split("/", 1)[0] else ""
    if scheme in ("http", "https", "ws", "wss", "ftp"):
        return f"Location {value!r} names a concrete host (only placeholders may be targets)"
    return None  # relative reference, or a scheme that never reaches the network (data:, ...)


def runnability_problem(case: Case) -> str | None:
    """Why this case cannot be run in a real browser on loopback, or None if it can."""
    for step in steps_of(case):
        url = step.request["url"]
        if split_placeholder_url(url) is None:
            return f"request url {url!r} does not start with ${{ORIGIN}}/${{API}}/${{OTHER}}"
    routes = case.get("routes", {})
    for key, route in routes.items():
        if split_placeholder_url(key) is None:
            return f"route {key!r} does not start with a placeholder origin"
        for kind in ("preflight", "actual"):
            for name, value in (route.get(kind) or {}).get("headers", []):
                if name.strip().lower() == "location":
                    problem = location_problem(value)
                    if problem:
                        return problem
    return None


def load_case_files(paths: Iterable[str | Path]) -> list[Case]:
    """Read JSONL case files (blank lines and lines starting with '//' are skipped).

    Uses tests.casekit.load_cases(path) -> list[dict] when that module provides it, so the
    harness and the conformance tests agree on one loader; otherwise parses JSONL here.
    """
    loader = _casekit_loader()
    cases: list[Case] = []
    for path in paths:
        if loader is not None:
            cases.extend(loader(Path(path)))
            continue
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                text = line.strip()
                if not text or text.startswith("//"):
                    continue
                try:
                    cases.append(json.loads(text))
                except json.JSONDecodeError as exc:
                    raise CaseError(f"{path}:{lineno}: {exc}") from exc
    _check_unique_ids(cases)
    return cases


def _casekit_loader() -> Any:
    try:
        import tests.casekit as casekit
    except ImportError:
        return None
    return getattr(casekit, "load_cases", None)


def _check_unique_ids(cases: Sequence[Case]) -> None:
    seen: set[str] = set()
    for case in cases:
        cid = case.get("id")
        if not isinstance(cid, str):
            raise CaseError(f"case without a string id: {str(case)[:120]}")
        if cid in seen:
            raise CaseError(f"duplicate case id {cid!r}")
        seen.add(cid)


def expand_globs(patterns: Iterable[str]) -> list[str]:
    """Sorted file names matching any of the glob patterns (relative to the repo root)."""
    found: set[str] = set()
    for pattern in patterns:
        base = pattern if Path(pattern).is_absolute() else str(REPO_ROOT / pattern)
        found.update(glob.glob(base))
    return sorted(found)

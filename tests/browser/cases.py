"""Cases as the browser harness sees them (docs/case-format.md).

Loads case files, expands the short form into steps, fills request defaults, and decides
whether a case can run in a real browser at all (every URL the browser may touch has to
land on one of the three loopback servers).

This module is deliberately independent of the engine: the harness must record what a
browser does even when the engine cannot evaluate a case yet.
"""

from __future__ import annotations

import glob
import ipaddress
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

__all__ = [
    "CURATED_GLOB",
    "PLACEHOLDERS",
    "REPO_ROOT",
    "Case",
    "CaseError",
    "Observation",
    "Step",
    "browser_form",
    "expand_globs",
    "load_case_files",
    "location_problem",
    "normalize_generated",
    "runnability_problem",
    "split_placeholder_url",
    "step_script_header_names",
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
    {
        "api",
        "method",
        "url",
        "headers",
        "mode",
        "credentials",
        "redirect",
        "body",
        "upload_listener",
    }
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

# Schemes whose URLs a browser fetches without touching the network.
_LOCAL_SCHEMES: Final = frozenset({"about", "data", "blob"})
_NETWORK_SCHEMES: Final = frozenset({"http", "https", "ws", "wss", "ftp", ""})
_RESERVED_TLDS: Final = frozenset({"invalid", "test", "example", "localhost"})
_URL_DROPPED: Final = {ord("\t"): None, ord("\n"): None, ord("\r"): None}

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
        request = _normalize_request(step.get("request"), where)
        steps.append(Step(after=float(after), request=request))
    return steps


def step_script_header_names(request: dict[str, Any]) -> frozenset[str]:
    """Lowercase script-set header names that a step's observation reports on arrival.

    The definition belongs to tests/casekit.py (it leaves out names the browser manages
    itself, such as Accept, which arrive whether or not script set them); this falls back
    to every script-set name only when casekit cannot be imported."""
    try:
        from tests.casekit import script_header_names
    except ImportError:
        return frozenset(name.lower() for name, _ in request.get("headers", []))
    return frozenset(script_header_names(request))


def split_placeholder_url(url: str) -> tuple[str, str] | None:
    """Split "${API}/r1?x" into ("${API}", "/r1?x"); None if it does not start with a
    placeholder origin. A bare origin becomes path "/" (as the browser would send it)."""
    for ph in PLACEHOLDERS:
        if url.startswith(ph):
            rest = url[len(ph) :]
            if rest == "" or rest[0] in "?#":
                return ph, "/" + rest
            if rest[0] == "/":
                return ph, rest
            return None  # e.g. "${API}:81/x" or "${API}.evil": not one of our origins
    return None


def _encode(text: str, extra: frozenset[str]) -> str:
    out: list[str] = []
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


def _reaches_real_host(url: str) -> bool:
    """Whether a browser following `url` could open a connection to a real host.

    Never true for: non-network schemes, hosts with reserved names that cannot resolve
    (RFC 6761/2606: .invalid, .test, .example, .localhost), loopback addresses, and URLs
    that do not parse (a browser cannot follow those either). The launchers add a second
    line of defence: every browser sends non-loopback traffic to a dead loopback proxy and
    resolves no names (see launchers.py)."""
    # Browsers drop tabs and newlines anywhere in a URL, trim C0 controls and spaces, and
    # read "\\" as "/" in http(s) URLs; do the same before judging the host.
    cleaned = url.translate(_URL_DROPPED).strip("".join(map(chr, range(0x21)))).replace("\\", "/")
    try:
        parts = urlsplit(cleaned)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme.lower() not in _NETWORK_SCHEMES:
        return bool(parts.netloc) and not parts.scheme  # scheme-relative "//host/..."
    if not host:
        return False
    host = host.rstrip(".")  # "a.invalid." is the same name as "a.invalid"
    if host == "localhost" or host.rsplit(".", 1)[-1] in _RESERVED_TLDS:
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def location_problem(value: str) -> str | None:
    """Why a Location value would send the browser off the loopback servers, or None."""
    if split_placeholder_url(value) is not None:
        return None
    if any(ph in value for ph in PLACEHOLDERS):
        return f"Location {value!r} uses a placeholder that is not a URL prefix"
    if _reaches_real_host(value):
        return f"Location {value!r} names a real host (only placeholders may be targets)"
    return None


def runnability_problem(case: Case, browser: str) -> str | None:
    """Why this case cannot be run (or observed) in `browser` on loopback, or None."""
    for step in steps_of(case):
        request = step.request
        url = request["url"]
        scheme = url.split(":", 1)[0].lower()
        if split_placeholder_url(url) is None and scheme not in _LOCAL_SCHEMES:
            return f"request url {url!r} is neither a placeholder URL nor about:/data:/blob:"
        body_kind = (request.get("body") or {}).get("kind")
        if browser == "chromium" and body_kind == "stream" and request.get("api") != "xhr":
            # Chromium sends streaming uploads only over HTTP/2 or QUIC
            # (ERR_H2_OR_QUIC_REQUIRED), even same-origin; the loopback servers speak
            # HTTP/1.1 (browsers use HTTP/2 only over TLS), so such a fetch always fails
            # after its preflight for a reason that has nothing to do with CORS.
            return "stream bodies need HTTP/2 in Chromium; the harness serves HTTP/1.1"
    routes = case.get("routes", {})
    for key, route in routes.items():
        if split_placeholder_url(key) is None:
            if key.split(":", 1)[0].lower() in _LOCAL_SCHEMES:
                continue  # e.g. "about:blank": never reaches a server, nothing to serve
            return f"route {key!r} does not start with a placeholder origin"
        for kind in ("preflight", "actual"):
            response = route.get(kind) or {}
            problem = _wire_problem(response) or _redirect_problem(response)
            if problem:
                return f"route {key!r} {kind}: {problem}"
    return None


def _wire_problem(response: dict[str, Any]) -> str | None:
    """Responses go on the wire as latin-1 bytes (isomorphic encoding)."""
    texts = [str(response.get("body", ""))]
    texts += [part for pair in response.get("headers", []) for part in pair]
    for text in texts:
        try:
            text.encode("latin-1")
        except UnicodeEncodeError:
            return f"malformed case: {text[:40]!r} has code points above U+00FF"
    return None


def _redirect_problem(response: dict[str, Any]) -> str | None:
    for name, value in response.get("headers", []):
        if name.strip().lower() == "location":
            problem = location_problem(value)
            if problem:
                return problem
    return None


def load_case_files(paths: Iterable[str | Path]) -> list[Case]:
    """Read and validate JSONL case files.

    Uses tests.casekit.load_cases (the loader the conformance tests use, which rejects
    unknown keys and returns cases in long form) when it can be imported; otherwise
    parses the JSONL here with the lighter checks of steps_of()."""
    files = [Path(p) for p in paths]
    try:
        from tests.casekit import load_cases
    except ImportError:
        cases = [case for path in files for case in _read_jsonl(path)]
        for case in cases:
            steps_of(case)
    else:
        cases = load_cases(files)
    _check_unique_ids(cases)
    return cases


def normalize_generated(cases: list[Case]) -> list[Case]:
    """Validate generated cases the way files are validated (long form via casekit)."""
    try:
        from tests.casekit import normalize_case
    except ImportError:
        for case in cases:
            steps_of(case)
        return cases
    normalized = [normalize_case(case, "generated") for case in cases]
    _check_unique_ids(normalized)
    return normalized


def _read_jsonl(path: Path) -> list[Case]:
    cases = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                try:
                    cases.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise CaseError(f"{path}:{lineno}: {exc}") from exc
    return cases


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

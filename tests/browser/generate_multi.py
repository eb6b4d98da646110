"""Seeded random redirect chains and preflight-cache sequences for the browser suite.

    python -m tests.browser.generate_multi --seed S --chains N --sequences M   # JSON Lines

Two kinds of case, next to the single requests of :mod:`tests.browser.generate`:

* **Redirect chains** (``rnd-chain-S-i``): one request from page script through 2-4 URLs
  (1-3 redirects with 301/302/303/307/308), each URL on the page origin, the API origin or
  the second API origin (``${OTHER}``), so chains go cross-origin, on to another origin and
  back to the page. Every method and header the single-request generator draws, every
  credentials mode, redirect modes follow/error/manual, fetch and XHR. Every URL answers
  its own preflight (or has none), and every response, redirects included, carries an
  Access-Control-Allow-Origin of ``*``, the page origin, ``null``, the value the Fetch
  Standard requires at that hop (the page origin, or ``null`` once the request is
  redirect-tainted), or none at all.
* **Preflight-cache sequences** (``rnd-seq-S-i``): 2-5 steps in one page against one or two
  URLs whose preflight answers list some methods and headers (or ``*``) with
  Access-Control-Max-Age absent, 0, 1, 5 or 600; each step picks a method and headers
  inside or outside those lists and a credentials mode, and waits 0-1.8 s first.

The harness records every request the servers receive, so each hop of a chain and each
step of a sequence is compared on the wire, not only by its outcome.

Timing: a cache sequence depends on wall-clock time only through the waits, so the waits
are drawn such that no interval between two steps (the waits in between, plus up to
:data:`STEP_SLACK` seconds per step for the steps themselves on a loaded machine) comes
near an expiry the case can produce (1 s, or 5 s for the default Max-Age). A cached entry
is then either clearly fresh or clearly expired when a later step looks it up.

Determinism is as in :mod:`tests.browser.generate`: case ``i`` of seed ``S`` has its own
``random.Random`` (seeded with a string, hashed with SHA-512), so the output does not depend
on ``PYTHONHASHSEED`` and ``generate_chains(S, n)`` is a prefix of ``generate_chains(S, n+k)``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from tests.browser.generate import (
    ACAC,
    ACAH,
    ACAM,
    ACAO,
    ACEH,
    API,
    ORIGIN,
    OTHER,
    Case,
    HeaderLines,
    _draw_request,
    _recase,
    _Request,
    _weighted,
)

__all__ = [
    "EXPIRY_ZONES",
    "STEP_SLACK",
    "generate_chain",
    "generate_chains",
    "generate_sequence",
    "generate_sequences",
    "main",
    "step_intervals",
]

ACMA: Final = "Access-Control-Max-Age"

#: Redirect statuses a chain draws from (equally likely).
REDIRECT_STATUSES: Final = (301, 302, 303, 307, 308)

#: Seconds one step may take on top of its wait (preflight, request, result post), a
#: bound for loopback on two shared cores; the engine replay assumes 0.05 s per step.
STEP_SLACK: Final = 0.15
#: Elapsed-time ranges (seconds) in which a cached preflight of Max-Age 1 or 5 (5 is also
#: every engine's default) might or might not have expired; no interval between two steps
#: of a sequence may overlap one.
EXPIRY_ZONES: Final = ((0.7, 1.5), (4.5, 5.8))
_WAITS: Final = ((0.0, 5), (0.25, 2), (0.6, 1), (1.8, 2))

_PAGE: Final = ORIGIN


# -- redirect chains ---------------------------------------------------------------------------


def _acao_choice(rng: random.Random, required: str, credentialed: bool) -> str | None:
    """An ACAO value for a response whose CORS check needs ``required`` (None: no header)."""
    options: list[tuple[str | None, int]] = [
        (required, 84),
        ("*", 4 if credentialed else 8),
        (ORIGIN, 3),
        ("null", 3),
        (None, 4),
    ]
    value: str | None = _weighted(rng, options)
    return value


def _origin_header_lines(rng: random.Random, required: str, credentialed: bool) -> HeaderLines:
    lines: HeaderLines = []
    acao = _acao_choice(rng, required, credentialed)
    if acao is not None:
        lines.append([ACAO, acao])
    if (credentialed and rng.random() < 0.85) or (not credentialed and rng.random() < 0.15):
        lines.append([ACAC, "true"])
    return lines


def _chain_origins(rng: random.Random) -> list[str]:
    count = rng.choice((2, 3, 3, 4))
    first = _weighted(rng, ((API, 7), (_PAGE, 2), (OTHER, 1)))
    origins = [first]
    for _ in range(count - 1):
        origins.append(_weighted(rng, ((API, 35), (OTHER, 35), (_PAGE, 30))))
    return origins


def _rewritten(method: str, status: int) -> bool:
    """Fetch: HTTP-redirect fetch step 12 (301/302 POST, 303 anything but GET/HEAD -> GET)."""
    upper = method.upper()
    return (status in (301, 302) and upper == "POST") or (
        status == 303 and upper not in ("GET", "HEAD")
    )


def _preflight_answer(
    rng: random.Random, request: _Request, method: str, required: str
) -> dict[str, Any] | None:
    """A preflight answer for one hop: right for ``method`` most of the time, else a near miss."""
    if rng.random() < 0.04:
        return None  # no preflight route: 404
    status = _weighted(rng, ((204, 12), (200, 6), (403, 1)))
    lines = _origin_header_lines(rng, required, request.credentialed)
    upper = method.upper()
    needs_method = upper not in ("GET", "HEAD", "POST")
    choice = rng.random()
    if needs_method or rng.random() < 0.3:
        if choice < 0.88:
            extras = rng.sample(["GET", "POST", "PUT", "DELETE"], rng.randrange(2))
            methods = [method if rng.random() < 0.8 else method.upper(), *extras]
            lines.append([ACAM, ", ".join(dict.fromkeys(methods))])
        elif choice < 0.95:
            lines.append([ACAM, "*"])
        # else: no ACAM
    names = list(request.unsafe_names)
    if names or rng.random() < 0.2:
        choice = rng.random()
        if choice < 0.88:
            listed = [_recase(rng, name) for name in names]
            if listed and rng.random() < 0.08:
                listed.remove(rng.choice(listed))
            if rng.random() < 0.3:
                listed.append("X-Unused")
            if listed:
                lines.append([ACAH, ", ".join(listed)])
        elif choice < 0.95:
            lines.append([ACAH, "*"])
    return {"status": status, "headers": lines, "body": ""}


def _final_answer(rng: random.Random, request: _Request, required: str) -> dict[str, Any]:
    status = _weighted(rng, ((200, 85), (201, 5), (404, 5), (500, 5)))
    lines = _origin_header_lines(rng, required, request.credentialed)
    if rng.random() < 0.7:
        lines.append(["Content-Type", "text/plain"])
    if rng.random() < 0.4:
        lines.append(["X-Resp-Id", "42"])
        if rng.random() < 0.6:
            lines.append([ACEH, rng.choice(("X-Resp-Id", "*", "X-Resp-Id, X-Missing"))])
    return {"status": status, "headers": lines, "body": "ok"}


def _chain_description(request: _Request, origins: list[str], statuses: list[int]) -> str:
    parts = [request.api, request.mode, request.method, f"credentials={request.credentials}"]
    if request.api == "fetch":
        parts.append(f"redirect={request.redirect}")
    if request.headers:
        parts.append("headers=" + ",".join(h.name for h in request.headers))
    if request.body is not None:
        parts.append(f"body={request.body['kind']}")
    if request.upload_listener:
        parts.append("upload-listener")
    names = {ORIGIN: "page", API: "api", OTHER: "other"}
    hops = " ".join(
        f"{names[o]} -{s}->" if i < len(statuses) else names[o]
        for i, (o, s) in enumerate(zip(origins, [*statuses, 0], strict=True))
    )
    return f"{' '.join(parts)}; chain: {hops}"


def generate_chain(seed: int, index: int) -> Case:
    """Redirect chain ``index`` of ``seed`` (id ``rnd-chain-<seed>-<index>``)."""
    rng = random.Random(f"corsspec-chain:{seed}:{index}")
    case_id = f"rnd-chain-{seed}-{index}"
    request = _draw_request(rng)
    if request.api == "fetch":
        request.redirect = _weighted(rng, (("follow", 80), ("error", 10), ("manual", 10)))
    origins = _chain_origins(rng)
    urls = [f"{origin}/{case_id}-h{hop}" for hop, origin in enumerate(origins)]
    statuses = [rng.choice(REDIRECT_STATUSES) for _ in origins[1:]]
    routes: dict[str, Any] = {}
    method = request.method
    tainted = False  # Fetch: the request's origin serializes as "null" from now on
    for hop, (origin, url) in enumerate(zip(origins, urls, strict=True)):
        required = "null" if tainted else ORIGIN
        route: dict[str, Any] = {}
        if request.mode == "cors" and (request.needs_preflight or rng.random() < 0.1):
            answer = _preflight_answer(rng, request, method, required)
            if answer is not None:
                route["preflight"] = answer
        if hop == len(origins) - 1:
            route["actual"] = _final_answer(rng, request, required)
        else:
            status = statuses[hop]
            lines = _origin_header_lines(rng, required, request.credentialed)
            target = urls[hop + 1]
            if origins[hop + 1] == origin and rng.random() < 0.3:
                target = target[len(origin) :]  # a relative Location on the same origin
            lines.append(["Location", target])
            route["actual"] = {"status": status, "headers": lines, "body": ""}
            if _rewritten(method, status):
                method = "GET"
            # Fetch: HTTP-redirect fetch step 11 ("redirect-tainted origin").
            if origins[hop + 1] != origin and origin != _PAGE:
                tainted = True
        routes[url] = route
    case_request = request.as_case_request(urls[0])
    return {
        "id": case_id,
        "source": f"random:{seed}:chain-{index}",
        "description": _chain_description(request, origins, statuses),
        "request": case_request,
        "routes": routes,
    }


def generate_chains(seed: int, n: int) -> list[Case]:
    """``n`` random redirect chains for ``seed``, in index order (prefix-stable)."""
    return [generate_chain(seed, index) for index in range(max(n, 0))]


# -- preflight-cache sequences -----------------------------------------------------------------

_SEQ_METHODS: Final = (("PUT", 5), ("DELETE", 3), ("PATCH", 3), ("GET", 3), ("POST", 3))
_SEQ_HEADERS: Final = (
    ("X-A", "1"),
    ("X-B", "2"),
    ("X-Trace-Id", "7f"),
    ("Content-Type", "application/json"),
    ("Authorization", "Bearer t0ken"),
)


def step_intervals(waits: Sequence[float]) -> list[tuple[float, float]]:
    """For every pair of steps i < j: the range of real seconds between them (their waits,
    plus 0 to :data:`STEP_SLACK` per step in between)."""
    out = []
    for i in range(len(waits)):
        for j in range(i + 1, len(waits)):
            elapsed = sum(waits[i + 1 : j + 1])
            out.append((elapsed, elapsed + STEP_SLACK * (j - i)))
    return out


def _safe_waits(waits: Sequence[float]) -> bool:
    return all(
        high <= low_zone or low >= high_zone
        for low, high in step_intervals(waits)
        for low_zone, high_zone in EXPIRY_ZONES
    )


def _draw_waits(rng: random.Random, steps: int) -> list[float]:
    """The waits (``after``) of ``steps`` steps, clear of every expiry zone; a draw that
    comes too close is drawn again (after 30 tries: two steps without a wait)."""
    for _ in range(30):
        waits = [0.0] + [float(_weighted(rng, _WAITS)) for _ in range(steps - 1)]
        if _safe_waits(waits):
            return waits
    return [0.0, 0.0]


@dataclass(frozen=True)
class _SeqRoute:
    """One URL of a sequence: its answers, and what its preflight answer lists."""

    route: dict[str, Any]
    methods: tuple[str, ...]  # listed in ACAM ("*" as one item)
    headers: tuple[str, ...]  # listed in ACAH, as written


def _seq_route(rng: random.Random) -> _SeqRoute:
    wildcard = rng.random() < 0.3
    acao = "*" if wildcard else ORIGIN
    lines: HeaderLines = [[ACAO, acao]]
    if not wildcard and rng.random() < 0.8:
        lines.append([ACAC, "true"])
    methods: list[str] = []
    roll = rng.random()
    if roll < 0.2:
        methods = ["*"]
    elif roll < 0.9:
        methods = rng.sample(["PUT", "DELETE", "PATCH", "POST"], rng.randrange(1, 3))
    if methods:
        lines.append([ACAM, ", ".join(methods)])
    headers: list[str] = []
    roll = rng.random()
    if roll < 0.2:
        headers = ["*"] if rng.random() < 0.7 else ["*", "Authorization"]
    elif roll < 0.85:
        names = rng.sample(["X-A", "X-B", "Content-Type", "Authorization"], rng.randrange(1, 3))
        headers = [_recase(rng, n) for n in names]
    if headers:
        lines.append([ACAH, ", ".join(headers)])
    max_age = _weighted(rng, ((None, 2), ("0", 2), ("1", 2), ("5", 2), ("600", 3)))
    if max_age is not None:
        lines.append([ACMA, max_age])
    actual: HeaderLines = [list(line) for line in lines if line[0] in (ACAO, ACAC)]
    if rng.random() < 0.08:
        actual = [[ACAO, ORIGIN if wildcard else "*"]]
    actual.append(["Content-Type", "text/plain"])
    route = {
        "preflight": {"status": _weighted(rng, ((204, 19), (500, 1))), "headers": lines},
        "actual": {"status": 200, "headers": actual, "body": "ok"},
    }
    return _SeqRoute(route=route, methods=tuple(methods), headers=tuple(headers))


def _seq_step(
    rng: random.Random, urls: list[str], routes: dict[str, _SeqRoute], after: float
) -> dict[str, Any]:
    url = rng.choice(urls)
    listed = routes[url]
    api = "xhr" if rng.random() < 0.2 else "fetch"
    inside = [m for m in listed.methods if m != "*"]
    method: str = (
        rng.choice(inside) if inside and rng.random() < 0.6 else _weighted(rng, _SEQ_METHODS)
    )
    names = [n.lower() for n in listed.headers if n != "*"]
    headers = [
        list(h) for h in _SEQ_HEADERS if rng.random() < (0.5 if h[0].lower() in names else 0.12)
    ]
    request: dict[str, Any] = {"api": api, "method": method, "url": url}
    if headers:
        request["headers"] = headers
    if api == "fetch":
        request["mode"] = "cors"
        request["credentials"] = rng.choice(("omit", "same-origin", "include"))
        request["redirect"] = "follow"
    else:
        request["credentials"] = rng.choice(("same-origin", "include"))
        request["upload_listener"] = False
    request["body"] = (
        {"kind": "text", "value": "hi"}
        if method in ("POST", "PUT") and rng.random() < 0.5
        else None
    )
    return {"after": after, "request": request}


def generate_sequence(seed: int, index: int) -> Case:
    """Preflight-cache sequence ``index`` of ``seed`` (id ``rnd-seq-<seed>-<index>``)."""
    rng = random.Random(f"corsspec-sequence:{seed}:{index}")
    case_id = f"rnd-seq-{seed}-{index}"
    urls = [f"{API}/{case_id}"]
    if rng.random() < 0.3:
        urls.append(f"{rng.choice((API, OTHER))}/{case_id}-b")
    routes = {url: _seq_route(rng) for url in urls}
    waits = _draw_waits(rng, rng.choice((2, 3, 3, 4, 5)))
    steps = [_seq_step(rng, urls, routes, after) for after in waits]
    summary = "; ".join(
        f"{s['request']['method']} {s['request']['credentials']} "
        f"{'+'.join(h[0] for h in s['request'].get('headers', [])) or '-'} after {s['after']}"
        for s in steps
    )
    return {
        "id": case_id,
        "source": f"random:{seed}:sequence-{index}",
        "description": f"preflight-cache sequence: {summary}",
        "steps": steps,
        "routes": {url: seq.route for url, seq in routes.items()},
    }


def generate_sequences(seed: int, n: int) -> list[Case]:
    """``n`` random preflight-cache sequences for ``seed``, in index order (prefix-stable)."""
    return [generate_sequence(seed, index) for index in range(max(n, 0))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.browser.generate_multi",
        description="Print seeded random redirect chains and cache sequences as JSONL.",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument("--chains", type=int, default=10, help="redirect chains (default 10)")
    parser.add_argument("--sequences", type=int, default=10, help="cache sequences (default 10)")
    args = parser.parse_args(argv)
    for case in [
        *generate_chains(args.seed, args.chains),
        *generate_sequences(args.seed, args.sequences),
    ]:
        sys.stdout.write(json.dumps(case, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

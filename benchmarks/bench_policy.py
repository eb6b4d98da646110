"""Policy benchmarks: compile, then answer; side by side with starlette's CORSMiddleware.

Run: ``PYTHONHASHSEED=0 python benchmarks/bench_policy.py`` (needs ``starlette`` from the
``bench`` dependency group for the comparison rows).

The budget (issue #5): ``policy.respond()`` for a preflight costs at most half of what
starlette's ``CORSMiddleware`` spends answering the same preflight for the same
configuration. Starlette is measured at its cheapest: the ASGI coroutine is driven by
hand (its ``send`` never suspends), so no event loop cost is counted against it.

Setup happens outside the timed region; each row reports the best of several repeats,
per call. Timings on shared CI machines are indicative only.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable
from typing import Any

import corsspec as cs
from corsspec.server.importers import from_starlette
from corsspec.server.policy import Policy

#: One realistic configuration, used by both sides.
CONFIG: dict[str, Any] = {
    "allow_origins": ["https://app.example.com", "https://admin.example.com"],
    "allow_methods": ["GET", "PUT", "DELETE"],
    "allow_headers": ["Authorization", "X-Request-Id", "Content-Type"],
    "allow_credentials": True,
    "expose_headers": ["X-Total"],
    "max_age": 600,
}
ORIGIN = "https://app.example.com"
URL = "https://api.example.com/items/1"


def best_per_call(fn: Callable[[], object], number: int, repeat: int = 7) -> float:
    """Seconds per call: the best of ``repeat`` runs of ``number`` calls."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def side_by_side(
    ours: Callable[[], object], theirs: Callable[[], object], number: int, rounds: int = 15
) -> tuple[float, float]:
    """Seconds per call of each, timed in alternating rounds (both see the same machine
    load, which matters on shared machines); the best round of each."""
    best_ours = best_theirs = float("inf")
    for _ in range(rounds):
        best_ours = min(best_ours, timeit.timeit(ours, number=number) / number)
        best_theirs = min(best_theirs, timeit.timeit(theirs, number=number) / number)
    return best_ours, best_theirs


def corsspec_rows() -> dict[str, float]:
    policy = from_starlette(**CONFIG)
    request = cs.Request(
        method="PUT",
        url=URL,
        origin=ORIGIN,
        headers=[("Authorization", "Bearer x"), ("Content-Type", "application/json")],
        credentials="include",
    )
    preflight = cs.evaluate(request, policy).preflight
    assert preflight is not None
    actual_wire = cs.evaluate(request, policy).sent[-1]
    assert policy.respond(preflight).status == 204
    respond = policy.respond
    memo = policy._compiled.memo

    def cold_preflight() -> object:
        memo.clear()  # the first answer for these request values: computed, not recalled
        return respond(preflight)

    return {
        "policy.compile (Policy(...) + first respond)": best_per_call(
            lambda: Policy.from_mapping(policy.to_mapping()).respond(preflight), 2_000
        ),
        "policy.respond preflight": best_per_call(lambda: respond(preflight), 50_000),
        "policy.respond preflight (cold: memo cleared)": best_per_call(cold_preflight, 20_000),
        "policy.respond actual": best_per_call(lambda: respond(actual_wire), 50_000),
        "policy.allows (preflighted request)": best_per_call(
            lambda: policy.allows(request), 20_000
        ),
        "evaluate(preflighted request, policy)": best_per_call(
            lambda: cs.evaluate(request, policy), 10_000
        ),
    }


def starlette_rows() -> dict[str, float] | None:
    try:
        from starlette.middleware.cors import CORSMiddleware
    except ImportError:
        return None

    async def app(scope: Any, receive: Any, send: Any) -> None:  # pragma: no cover
        raise AssertionError("a preflight never reaches the app")

    middleware = CORSMiddleware(app, **CONFIG)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "OPTIONS",
        "scheme": "https",
        "path": "/items/1",
        "raw_path": b"/items/1",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"api.example.com"),
            (b"accept", b"*/*"),
            (b"access-control-request-method", b"PUT"),
            (b"access-control-request-headers", b"authorization,content-type"),
            (b"origin", ORIGIN.encode()),
        ],
        "server": ("api.example.com", 443),
        "client": ("127.0.0.1", 50000),
    }
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:  # pragma: no cover - never called
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    def preflight() -> None:
        sent.clear()
        coro = middleware(scope, receive, send)
        try:
            coro.send(None)
        except StopIteration:
            return
        raise AssertionError("starlette suspended")  # pragma: no cover

    preflight()
    assert sent[0]["status"] == 200, sent
    STARLETTE_PREFLIGHT[:] = [preflight]
    return {"starlette CORSMiddleware preflight": best_per_call(preflight, 20_000)}


#: The starlette preflight callable, once built (for the side-by-side rounds).
STARLETTE_PREFLIGHT: list[Callable[[], None]] = []


def preflight_callables() -> tuple[Callable[[], object], Callable[[], object]]:
    """(warm, cold) corsspec preflight answers for the benchmark's request."""
    policy = from_starlette(**CONFIG)
    request = cs.Request(
        method="PUT",
        url=URL,
        origin=ORIGIN,
        headers=[("Authorization", "Bearer x"), ("Content-Type", "application/json")],
        credentials="include",
    )
    preflight = cs.evaluate(request, policy).preflight
    assert preflight is not None
    respond = policy.respond
    memo = policy._compiled.memo

    def cold() -> object:
        memo.clear()
        return respond(preflight)

    return (lambda: respond(preflight)), cold


def main() -> int:
    rows = corsspec_rows()
    theirs = starlette_rows()
    width = max(len(k) for k in [*rows, *(theirs or {})]) + 2
    print(f"{'benchmark':<{width}}{'per call':>12}")
    for name, seconds in {**rows, **(theirs or {})}.items():
        print(f"{name:<{width}}{seconds * 1e6:>10.2f} µs")
    if theirs is None:
        print("starlette is not installed: no comparison (pip install starlette)")
        return 0
    starlette = STARLETTE_PREFLIGHT[0]
    warm, cold = preflight_callables()
    print("\nside by side (alternating rounds), preflight answer per call:")
    for name, ours in (("warm", warm), ("cold: memo cleared", cold)):
        mine, base = side_by_side(ours, starlette, number=5_000)
        ratio = mine / base
        verdict = "within" if ratio <= 0.5 else "OVER"
        print(
            f"  policy.respond ({name}) {mine * 1e6:6.2f} µs vs starlette {base * 1e6:6.2f} µs: "
            f"ratio {ratio:.3f} ({verdict} the 0.5 budget)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Bounded memo tables (corsspec.engine._memo): derived data kept with immutable values."""

from __future__ import annotations

import corsspec as cs
from corsspec.engine._memo import MEMO_LIMIT, remember

API = "https://api.example.com/r"


def test_remember_stores_and_returns_the_value() -> None:
    memo: dict[str, int] = {}
    assert remember(memo, "a", 1) == 1
    assert memo == {"a": 1}


def test_a_full_table_starts_over() -> None:
    memo: dict[int, int] = {}
    for i in range(3):
        remember(memo, i, i, limit=3)
    assert len(memo) == 3
    remember(memo, 99, 99, limit=3)
    assert memo == {99: 99}


def test_one_response_judged_for_many_origins_stays_bounded() -> None:
    # A fuzzer reusing one canned answer for ever-new origins: the answer's memo of
    # CORS checks and preflight verdicts must not grow without end, and verdicts after
    # the table started over are still right.
    preflight = cs.Response(
        status=204,
        headers=(("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "PUT")),
    )
    actual = cs.Response(status=200, headers=(("Access-Control-Allow-Origin", "*"),))
    server = cs.Exchange(preflight=preflight, actual=actual)
    count = MEMO_LIMIT + 50
    for i in range(count):
        origin = f"https://o{i}.example"
        get = cs.Request(method="GET", url=API, origin=origin)
        put = cs.Request(method="PUT", url=API, origin=origin)
        assert cs.evaluate(get, server).allowed
        assert cs.evaluate(put, server).allowed
    assert 0 < len(actual._memo) <= MEMO_LIMIT
    assert 0 < len(preflight._memo) <= MEMO_LIMIT


def test_one_cache_asked_about_many_header_sets_stays_bounded() -> None:
    origin = "https://app.example"
    answer = cs.Response(
        status=204,
        headers=(
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Headers", "*"),
            ("Access-Control-Max-Age", "600"),
        ),
    )
    server = cs.Exchange(
        preflight=answer,
        actual=cs.Response(status=200, headers=(("Access-Control-Allow-Origin", origin),)),
    )
    first = cs.Request(method="GET", url=API, origin=origin, headers=(("X-0", "v"),))
    cache = cs.evaluate(first, server, cache=cs.PreflightCache()).cache
    assert cache is not None
    for i in range(MEMO_LIMIT + 50):
        req = cs.Request(method="GET", url=API, origin=origin, headers=((f"X-{i}", "v"),))
        ev = cs.evaluate(req, server, cache=cache, now=1.0)
        assert ev.allowed
        assert ev.preflight is None  # the `*` entry vouches for every name
    summaries = list(cache._summaries.values())
    assert len(summaries) == 1
    assert 0 < len(summaries[0].vouched) <= MEMO_LIMIT

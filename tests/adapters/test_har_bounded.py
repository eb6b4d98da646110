"""HAR input is bounded and checked: typed errors for bad arguments and hostile files, and
linear pairing that agrees with the simple quadratic definition."""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import Any

import pytest

import corsspec as cs
from corsspec.adapters.har import (
    HarEntry,
    HarError,
    cross_origin_exchanges,
    explain_har,
    load_har,
    parse_har,
)

pytestmark = pytest.mark.adapters

APP = "https://app.example"


def _entry(method: str, url: str, headers: list[tuple[str, str]], status: int = 200) -> Any:
    return {
        "request": {
            "method": method,
            "url": url,
            "headers": [{"name": n, "value": v} for n, v in headers],
        },
        "response": {
            "status": status,
            "headers": [{"name": "Access-Control-Allow-Origin", "value": APP}],
        },
    }


def har_document(count: int, seed: int, urls: int = 3) -> dict[str, Any]:
    """``count`` entries: preflights and actual requests to a few URLs, shuffled."""
    rng = random.Random(seed)
    entries = []
    for _ in range(count):
        url = f"https://api.example/r{rng.randrange(urls)}"
        method = rng.choice(["PUT", "DELETE"])
        if rng.random() < 0.5:
            headers = [("Origin", APP), ("Access-Control-Request-Method", method)]
            entries.append(_entry("OPTIONS", url, headers, status=204))
        else:
            entries.append(_entry(method, url, [("Origin", APP)]))
    return {"log": {"version": "1.2", "creator": {"name": "test"}, "entries": entries}}


def _reference_pairs(entries: tuple[HarEntry, ...]) -> dict[int, int]:
    """The pairing rule, written the obvious quadratic way."""
    preflights = [e for e in entries if e.is_preflight]
    actuals = [e for e in entries if not e.is_preflight]
    paired: dict[int, int] = {}
    for pre in preflights:
        method = (pre.request_header("access-control-request-method") or "").strip()
        for act in actuals:
            if (
                act.index > pre.index
                and act.index not in paired
                and act.cache_url == pre.cache_url
                and act.origin == pre.origin
                and act.method == method
            ):
                paired[act.index] = pre.index
                break
    return paired


@pytest.mark.parametrize("seed", range(5))
def test_linear_pairing_matches_the_definition(seed: int) -> None:
    log = parse_har(har_document(300, seed))
    found = cross_origin_exchanges(log)
    pairs = {
        x.actual.index: x.preflight.index
        for x in found
        if x.actual is not None and x.preflight is not None
    }
    assert pairs == _reference_pairs(log.entries)
    for x in found:
        if x.actual is not None:
            want = [
                e.index
                for e in log.entries
                if e.is_preflight
                and e.index < x.actual.index
                and e.cache_url == x.actual.cache_url
                and e.origin == x.actual.origin
            ]
            assert [p.index for p in x.earlier_preflights] == want


def test_ten_thousand_entries_pair_quickly() -> None:
    log = parse_har(har_document(10_000, 7, urls=2_000))
    started = time.monotonic()
    found = cross_origin_exchanges(log)
    assert found
    # The quadratic pairing took about 10 s here; the linear one is well under it.
    assert time.monotonic() - started < 8


@pytest.mark.parametrize("path", [5, None, b"x.har", 1.5], ids=repr)
def test_load_har_needs_a_path(path: Any) -> None:
    with pytest.raises(HarError, match="takes a path") as info:
        load_har(path)
    assert repr(path) in str(info.value)


@pytest.mark.parametrize("browsers", [["chromium"], "chromium", [None], 5], ids=repr)
def test_explain_har_needs_profiles(browsers: Any, tmp_path: Path) -> None:
    path = tmp_path / "a.har"
    path.write_text(json.dumps(har_document(4, 1)), encoding="utf-8")
    with pytest.raises(HarError, match="browsers"):
        explain_har(str(path), browsers=browsers)
    assert explain_har(str(path), browsers=[cs.FIREFOX])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_devices_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "a.har"
    os.mkfifo(fifo)
    for target in [str(fifo)] + (["/dev/zero"] if os.path.exists("/dev/zero") else []):
        started = time.monotonic()
        with pytest.raises(HarError, match="not a regular file"):
            load_har(target)
        assert time.monotonic() - started < 5


def test_size_cap_and_hostile_json(tmp_path: Path) -> None:
    big = tmp_path / "big.har"
    with open(big, "wb") as fh:
        fh.truncate(2048)
    with pytest.raises(HarError, match="larger than the limit of 1024 bytes"):
        load_har(big, max_bytes=1024)
    with pytest.raises(HarError, match="max_bytes"):
        load_har(big, max_bytes=0)
    with pytest.raises(HarError, match="nested too deeply"):
        parse_har("[" * 100_000 + "]" * 100_000)
    with pytest.raises(HarError, match="not JSON"):
        parse_har('{"log": ' + "9" * 5000 + "}")

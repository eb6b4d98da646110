"""Tests for the random redirect chains and cache sequences (tests/browser/generate_multi.py)."""

from __future__ import annotations

import io
import itertools
import json
from collections import Counter
from contextlib import redirect_stdout
from typing import Any

import pytest

from tests.browser.generate import generate_cases
from tests.browser.generate_multi import (
    ACMA,
    EXPIRY_ZONES,
    REDIRECT_STATUSES,
    STEP_SLACK,
    generate_chain,
    generate_chains,
    generate_sequence,
    generate_sequences,
    main,
    step_intervals,
)
from tests.casekit import engine_observations, normalize_case

PLACEHOLDERS = ("${ORIGIN}", "${API}", "${OTHER}")


@pytest.fixture(scope="module")
def chains() -> list[dict[str, Any]]:
    return generate_chains(5, 300)


@pytest.fixture(scope="module")
def sequences() -> list[dict[str, Any]]:
    return generate_sequences(5, 150)


def _header(lines: list[list[str]], name: str) -> str | None:
    return next((v for n, v in lines if n.lower() == name.lower()), None)


def _origin_of(url: str) -> str:
    return next(p for p in PLACEHOLDERS if url.startswith(p))


def test_deterministic_and_prefix_stable() -> None:
    assert generate_chains(9, 12) == generate_chains(9, 20)[:12]
    assert generate_sequences(9, 12) == generate_sequences(9, 20)[:12]
    assert generate_chain(9, 7) == generate_chains(9, 8)[7]
    assert generate_sequence(9, 7) == generate_sequences(9, 8)[7]
    assert generate_chains(9, 5) != generate_chains(10, 5)


def test_cases_follow_the_case_format(
    chains: list[dict[str, Any]], sequences: list[dict[str, Any]]
) -> None:
    ids = [c["id"] for c in chains + sequences + generate_cases(5, 50)]
    assert len(ids) == len(set(ids))
    for case in chains + sequences:
        normalized = normalize_case(json.loads(json.dumps(case)))
        assert normalized["id"] == case["id"]
        assert case["source"].startswith("random:5:")


def test_chains_are_redirect_chains(chains: list[dict[str, Any]]) -> None:
    for case in chains:
        urls = list(case["routes"])
        assert 2 <= len(urls) <= 4, case["id"]
        assert case["request"]["url"] == urls[0]
        for here, there in itertools.pairwise(urls):
            actual = case["routes"][here]["actual"]
            assert actual["status"] in REDIRECT_STATUSES
            location = _header(actual["headers"], "Location")
            assert location is not None
            # Relative only on the same origin, and then it resolves to the next URL.
            if location.startswith("/"):
                assert _origin_of(here) == _origin_of(there)
                location = _origin_of(here) + location
            assert location == there
        assert case["routes"][urls[-1]]["actual"]["status"] not in REDIRECT_STATUSES


def test_chains_cover_the_brief(chains: list[dict[str, Any]]) -> None:
    seen: Counter[str] = Counter()
    for case in chains:
        request = case["request"]
        urls = list(case["routes"])
        seen[f"hops:{len(urls)}"] += 1
        seen[f"api:{request['api']}"] += 1
        seen[f"credentials:{request['credentials']}"] += 1
        seen[f"redirect:{request.get('redirect')}"] += 1
        seen[f"method:{request['method'].upper()}"] += 1
        origins = [_origin_of(u) for u in urls]
        if origins[0] == "${API}" and "${OTHER}" in origins:
            seen["api-to-other"] += 1
        if origins[0] != "${ORIGIN}" and origins[-1] == "${ORIGIN}":
            seen["back-to-page"] += 1
        for position, url in enumerate(urls):
            route = case["routes"][url]
            where = "final" if position == len(urls) - 1 else "redirect"
            acao = _header(route["actual"]["headers"], "Access-Control-Allow-Origin")
            seen[f"{where}-acao:{acao}"] += 1
            seen[f"status:{route['actual']['status']}"] += 1
            if "preflight" in route and position > 0:
                seen["preflight-after-redirect"] += 1
    for key in (
        "hops:2",
        "hops:3",
        "hops:4",
        "api:fetch",
        "api:xhr",
        "credentials:omit",
        "credentials:same-origin",
        "credentials:include",
        "redirect:follow",
        "redirect:error",
        "redirect:manual",
        "api-to-other",
        "back-to-page",
        "preflight-after-redirect",
        *(f"status:{s}" for s in REDIRECT_STATUSES),
        *(f"{w}-acao:{v}" for w in ("redirect", "final") for v in ("*", "${ORIGIN}", "null", None)),
        *(f"method:{m}" for m in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")),
    ):
        assert seen[key] > 0, key


def test_sequences_cover_the_brief(sequences: list[dict[str, Any]]) -> None:
    seen: Counter[str] = Counter()
    for case in sequences:
        steps = case["steps"]
        assert 2 <= len(steps) <= 5
        seen[f"steps:{len(steps)}"] += 1
        for route in case["routes"].values():
            lines = route["preflight"]["headers"]
            seen[f"max-age:{_header(lines, ACMA)}"] += 1
            for name in ("Access-Control-Allow-Methods", "Access-Control-Allow-Headers"):
                if (_header(lines, name) or "").startswith("*"):
                    seen[f"wildcard:{name}"] += 1
        credentials = {s["request"]["credentials"] for s in steps}
        if len(credentials) > 1:
            seen["credentials-switch"] += 1
        if any(s["after"] > 1 for s in steps):
            seen["long-wait"] += 1
        if any(0 < s["after"] < 1 for s in steps):
            seen["short-wait"] += 1
        for step in steps[1:]:
            methods = _header(
                case["routes"][step["request"]["url"]]["preflight"]["headers"],
                "Access-Control-Allow-Methods",
            )
            listed = [m.strip() for m in (methods or "").split(",")]
            inside = step["request"]["method"] in listed
            seen["method-inside" if inside else "method-outside"] += 1
    for key in (
        *(f"steps:{n}" for n in range(2, 6)),
        *(f"max-age:{v}" for v in (None, "0", "1", "5", "600")),
        "wildcard:Access-Control-Allow-Methods",
        "wildcard:Access-Control-Allow-Headers",
        "credentials-switch",
        "long-wait",
        "short-wait",
        "method-inside",
        "method-outside",
    ):
        assert seen[key] > 0, key


def test_waits_stay_clear_of_expiry(sequences: list[dict[str, Any]]) -> None:
    for case in sequences:
        waits = [float(s["after"]) for s in case["steps"]]
        assert waits[0] == 0.0
        for low, high in step_intervals(waits):
            for zone_low, zone_high in EXPIRY_ZONES:
                assert high <= zone_low or low >= zone_high, (case["id"], low, high)


def test_step_intervals() -> None:
    assert step_intervals([0.0, 0.25, 1.8]) == [
        (0.25, 0.25 + STEP_SLACK),
        (2.05, 2.05 + 2 * STEP_SLACK),
        (1.8, 1.8 + STEP_SLACK),
    ]


@pytest.mark.parametrize("browser", ["chromium", "firefox", "webkit", "spec"])
def test_engine_sees_both_outcomes_and_cache_hits(
    browser: str, chains: list[dict[str, Any]], sequences: list[dict[str, Any]]
) -> None:
    """The batches are worth running: both outcomes occur, and cache sequences contain
    later steps that reuse a cached preflight as well as ones that preflight again."""
    outcomes: Counter[str] = Counter()
    for case in chains[:100]:
        outcomes[engine_observations(normalize_case(case), browser)[0]["outcome"]] += 1
    assert outcomes["ok"] >= 20, outcomes
    assert outcomes["network-error"] >= 20, outcomes
    later: Counter[str] = Counter()
    for case in sequences[:80]:
        for step in engine_observations(case, browser)[1:]:
            methods = [r["method"] for r in step["requests"]]
            if methods and "OPTIONS" not in methods and step["outcome"] == "ok":
                later["without-preflight"] += 1
            if "OPTIONS" in methods:
                later["preflight-again"] += 1
    assert later["without-preflight"] > 0, later
    assert later["preflight-again"] > 0, later


def test_main_prints_jsonl() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--seed", "3", "--chains", "4", "--sequences", "2"]) == 0
    lines = out.getvalue().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [
        *(f"rnd-chain-3-{i}" for i in range(4)),
        *(f"rnd-seq-3-{i}" for i in range(2)),
    ]

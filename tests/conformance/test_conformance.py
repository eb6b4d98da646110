"""The conformance corpus: every case, under every profile, against its expectation.

Cases live in ``tests/conformance/cases/*.jsonl`` (format: docs/case-format.md), each
derived from web-platform-tests or the Fetch Standard and naming its source. A case's
``expect`` is the spec's answer; ``expect_by_browser`` records where an engine differs.
"""

from __future__ import annotations

from typing import Any

import pytest

import corsspec as cs
from tests.casekit import (
    engine_evaluations,
    engine_observations,
    expected_observation,
    load_cases,
    observation_diff,
)

CASES = load_cases()
PROFILES = ["chromium", "firefox", "webkit", "spec"]


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 300, f"only {len(CASES)} conformance cases"


def test_every_case_names_its_source() -> None:
    for case in CASES:
        assert case["source"].strip(), case["id"]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict[str, Any], profile: str) -> None:
    observed = engine_observations(case, profile)
    problems = []
    for index, (step, got) in enumerate(zip(case["steps"], observed, strict=True)):
        expected = expected_observation(step, profile)
        if not expected:
            continue
        for diff in observation_diff(expected, got):
            problems.append(f"step {index}: {diff}")
    assert not problems, f"{case['id']} [{profile}] ({case['source']}):\n" + "\n".join(problems)


@pytest.mark.parametrize("profile", PROFILES)
def test_trace_agrees_with_the_engine_unsettled(profile: str) -> None:
    # explain's trace re-judges each recorded response on its own (it does not replay
    # the engine), then "settles" the last hop so the reason's check fails. Unsettled,
    # it must already agree: no failing check on an allowed evaluation; on a blocked
    # one, no failing check before the last request, and the first failing check (in
    # the engine's order) is the reason's own. Later checks may fail too (the browser
    # stops at the first; settling shows them as skipped).
    from corsspec.explain import CheckCode, Outcome, check_for_reason
    from corsspec.explain.trace import _trace

    problems = []
    for case in CASES:
        for step, ev in enumerate(engine_evaluations(case, profile)):
            if isinstance(ev, cs.ScriptError):
                continue
            checks = _trace(ev, ev.browser, settle=False)
            failed = [c for c in checks if c.outcome is Outcome.FAIL]
            where = f"{case['id']} step {step}"
            if ev.reason is None:
                if failed:
                    problems.append(f"{where}: allowed, but the trace fails {failed[0]}")
                continue
            reason = ev.reason
            target = check_for_reason(reason.code)
            own = [
                c
                for c in checks
                if c.code is target
                and c.stage is reason.stage
                and (target is not CheckCode.HEADER or c.subject == reason.value)
            ]
            if not failed:
                # Either the trace does not re-judge this check (most redirect steps:
                # settling appends it), or it judged it passed, which is drift.
                if own:
                    problems.append(f"{where}: {reason.code.value}, trace passes {own[0]}")
                continue
            if failed[0] not in own:
                problems.append(f"{where}: {reason.code.value}, trace fails {failed[0]}")
    assert not problems, f"[{profile}] {len(problems)} disagreements:\n" + "\n".join(problems[:20])

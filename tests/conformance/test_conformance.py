"""The conformance corpus: every case, under every profile, against its expectation.

Cases live in ``tests/conformance/cases/*.jsonl`` (format: docs/case-format.md), each
derived from web-platform-tests or the Fetch Standard and naming its source. A case's
``expect`` is the spec's answer; ``expect_by_browser`` records where an engine differs.
"""

from __future__ import annotations

from typing import Any

import pytest

import corsspec as cs
from corsspec.engine.steps import Outcome, StepCode
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


#: The engine step that fails for each reason given after a request went out.
STEP_FOR_REASON: dict[cs.ReasonCode, StepCode] = {
    cs.ReasonCode.PREFLIGHT_REDIRECT: StepCode.STATUS,
    cs.ReasonCode.PREFLIGHT_STATUS_NOT_OK: StepCode.STATUS,
    cs.ReasonCode.ACAO_MISSING: StepCode.ACAO,
    cs.ReasonCode.ACAO_MULTIPLE: StepCode.ACAO,
    cs.ReasonCode.ACAO_INVALID: StepCode.ACAO,
    cs.ReasonCode.ACAO_MISMATCH: StepCode.ACAO,
    cs.ReasonCode.ACAO_WILDCARD_WITH_CREDENTIALS: StepCode.ACAO,
    cs.ReasonCode.ACAC_NOT_TRUE: StepCode.ACAC,
    cs.ReasonCode.ACAM_INVALID: StepCode.ACAM_PARSE,
    cs.ReasonCode.ACAH_INVALID: StepCode.ACAH_PARSE,
    cs.ReasonCode.METHOD_NOT_ALLOWED: StepCode.METHOD,
    cs.ReasonCode.HEADER_NOT_ALLOWED: StepCode.HEADER,
    cs.ReasonCode.REDIRECT_MODE_ERROR: StepCode.REDIRECT_MODE,
    cs.ReasonCode.REDIRECT_TOO_MANY: StepCode.REDIRECT_COUNT,
    cs.ReasonCode.REDIRECT_HAS_CREDENTIALS: StepCode.REDIRECT_CREDENTIALS,
    cs.ReasonCode.REDIRECT_INVALID_LOCATION: StepCode.LOCATION,
    cs.ReasonCode.REDIRECT_NON_HTTP_SCHEME: StepCode.REDIRECT_SCHEME,
    cs.ReasonCode.REDIRECT_STREAM_BODY: StepCode.REDIRECT_BODY,
}


@pytest.mark.parametrize("profile", PROFILES)
def test_steps_record_the_verdict(profile: str) -> None:
    # Evaluation.steps replays each evaluation through the engine's own check functions
    # with a log. For every case: the replay reaches the same verdict (steps is not
    # None); an allowed evaluation fails no step on any request; a blocked one fails
    # exactly one, on the last request, and it is the reason's own step (same stage,
    # same header for a header check). Reasons given before any request went out (mode,
    # scheme) fail no step.
    problems = []
    for case in CASES:
        for index, ev in enumerate(engine_evaluations(case, profile)):
            if isinstance(ev, cs.ScriptError):
                continue
            where = f"{case['id']} step {index}"
            steps = ev.steps
            if steps is None:
                problems.append(f"{where}: the replay does not reach the verdict")
                continue
            failed = [s for s in steps if s.hop is not None and s.outcome is Outcome.FAIL]
            reason = ev.reason
            if reason is None or reason.code not in STEP_FOR_REASON:
                if failed:
                    problems.append(f"{where}: {reason}, but the steps fail {failed[0]}")
                continue
            if len(failed) != 1:
                problems.append(f"{where}: {reason.code.value}, {len(failed)} failing steps")
                continue
            step = failed[0]
            if (
                step.code is not STEP_FOR_REASON[reason.code]
                or step.stage is not reason.stage
                or step.hop != len(ev.sent) - 1
                or (step.code is StepCode.HEADER and step.subject != reason.value)
            ):
                problems.append(f"{where}: {reason.code.value}, the steps fail {step}")
    assert not problems, f"[{profile}] {len(problems)} disagreements:\n" + "\n".join(problems[:20])

"""The conformance corpus: every case, under every profile, against its expectation.

Cases live in ``tests/conformance/cases/*.jsonl`` (format: docs/case-format.md), each
derived from web-platform-tests or the Fetch Standard and naming its source. A case's
``expect`` is the spec's answer; ``expect_by_browser`` records where an engine differs.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.casekit import (
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

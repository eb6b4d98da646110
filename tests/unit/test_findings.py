"""corsspec.findings: one severity scale for the audits and the AWS report."""

from __future__ import annotations

import pytest

from corsspec.adapters.aws import apigateway
from corsspec.findings import Severity
from corsspec.server import audit


def test_one_severity_everywhere() -> None:
    assert audit.Severity is Severity
    assert apigateway.Severity is Severity


def test_rank_runs_one_way() -> None:
    assert [s.rank for s in Severity.worst_first()] == [3, 2, 1, 0]
    assert Severity.HIGH.at_least(Severity.MEDIUM)
    assert Severity.MEDIUM.at_least(Severity.MEDIUM)
    assert not Severity.LOW.at_least(Severity.MEDIUM)
    assert set(Severity.worst_first()) == set(Severity)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("high", Severity.HIGH), (" Medium ", Severity.MEDIUM), ("INFO", Severity.INFO)],
)
def test_parse(text: str, expected: Severity) -> None:
    assert Severity.parse(text) is expected


def test_parse_names_the_choices() -> None:
    with pytest.raises(ValueError, match="'severe' is not a severity") as info:
        Severity.parse("severe")
    assert "high" in str(info.value)

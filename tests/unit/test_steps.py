"""The engine's step records: one safelist rule per broken header, the CORS check and
the preflight-response check recorded in order, and ``Evaluation.steps``."""

from __future__ import annotations

import attrs
import pytest

import corsspec as cs
from corsspec.engine import safelist as sl
from corsspec.engine.check import cors_check
from corsspec.engine.preflight import request_steps
from corsspec.engine.reasons import Stage
from corsspec.engine.safelist import SafelistRule as Rule
from corsspec.engine.steps import Outcome, StepCode, StepLog
from tests.unit.test_safelist import CLIENT_HINT_CASES, SAFELISTED_HEADER_CASES, HeaderCase


@attrs.frozen(kw_only=True)
class RuleCase:
    id: str
    name: str
    value: str
    rule: Rule | None
    detail: str | None = None
    rules: sl.SafelistRules = sl.SPEC_RULES


CHROMIUM_RULES = cs.CHROMIUM.safelist_rules
FIREFOX_RULES = cs.FIREFOX.safelist_rules

RULE_CASES: tuple[RuleCase, ...] = (
    RuleCase(id="accept-ok", name="Accept", value="text/html", rule=None),
    RuleCase(id="unknown-name", name="X-Api-Key", value="k", rule=Rule.NAME),
    RuleCase(id="unknown-name-long", name="X-Api-Key", value="k" * 200, rule=Rule.NAME),
    RuleCase(
        id="accept-129", name="Accept", value="a" * 129, rule=Rule.VALUE_TOO_LONG, detail="129"
    ),
    RuleCase(id="accept-paren", name="Accept", value="a(b", rule=Rule.UNSAFE_BYTE, detail="'('"),
    RuleCase(
        id="accept-control", name="Accept", value="a\x01", rule=Rule.UNSAFE_BYTE, detail="U+0001"
    ),
    RuleCase(id="accept-high-spec", name="Accept", value="caf\xe9", rule=None),
    RuleCase(
        id="accept-high-firefox",
        name="Accept",
        value="caf\xe9",
        rule=Rule.HIGH_BYTE,
        detail="'\xe9'",
        rules=FIREFOX_RULES,
    ),
    RuleCase(
        id="ct-json",
        name="Content-Type",
        value="application/json",
        rule=Rule.CONTENT_TYPE_NOT_FORM,
        detail="application/json",
    ),
    RuleCase(id="ct-bad", name="Content-Type", value="nonsense", rule=Rule.CONTENT_TYPE_UNPARSABLE),
    RuleCase(id="ct-form", name="content-type", value="text/plain;charset=utf-8", rule=None),
    RuleCase(
        id="lang-slash",
        name="Accept-Language",
        value="en/us",
        rule=Rule.LANGUAGE_BYTE,
        detail="'/'",
    ),
    RuleCase(id="range-suffix", name="Range", value="bytes=-5", rule=Rule.RANGE_NOT_SIMPLE),
    RuleCase(id="range-ok", name="Range", value="bytes=0-5", rule=None),
    RuleCase(
        id="range-too-large-chromium",
        name="Range",
        value=f"bytes=0-{2**64}",
        rule=Rule.RANGE_TOO_LARGE,
        rules=CHROMIUM_RULES,
    ),
    RuleCase(
        id="hint-bad", name="DPR", value="x", rule=Rule.CLIENT_HINT_VALUE, rules=CHROMIUM_RULES
    ),
    RuleCase(id="hint-spec", name="DPR", value="2", rule=Rule.NAME),
)


@pytest.mark.parametrize("case", RULE_CASES, ids=[c.id for c in RULE_CASES])
def test_safelist_violation_names_the_rule(case: RuleCase) -> None:
    rule = sl.safelist_violation(case.name, case.value, case.rules)
    assert rule is case.rule
    assert sl.is_cors_safelisted_request_header(case.name, case.value, case.rules) is (rule is None)
    if rule is not None:
        assert sl.violation_detail(rule, case.value) == case.detail


@pytest.mark.parametrize(
    "case",
    [*SAFELISTED_HEADER_CASES, *CLIENT_HINT_CASES],
    ids=[c.id for c in (*SAFELISTED_HEADER_CASES, *CLIENT_HINT_CASES)],
)
def test_boolean_predicate_is_the_violation_compared_with_none(case: HeaderCase) -> None:
    # Every row of the safelist tables, under the spec and Chromium's rules.
    for rules in (sl.SPEC_RULES, CHROMIUM_RULES, FIREFOX_RULES):
        rule = sl.safelist_violation(case.name, case.value, rules)
        safelisted = sl.is_cors_safelisted_request_header(case.name, case.value, rules)
        assert safelisted is (rule is None)


def test_budget_makes_every_safelisted_header_unsafe() -> None:
    heard: list[tuple[str, Rule | None, str | None]] = []
    headers = [("Accept", "a" * 128)] * 9
    names = sl.cors_unsafe_request_header_names(
        headers, record=lambda name, value, rule, detail: heard.append((name, rule, detail))
    )
    assert names == ("accept",)
    assert heard[:9] == [("Accept", None, None)] * 9
    assert heard[9:] == [("Accept", Rule.BUDGET, str(9 * 128))] * 9


def test_request_steps_record_each_rule() -> None:
    request = cs.Request(
        method="PUT",
        url="https://api.example/x",
        origin="https://app.example",
        headers=[("X-Key", "1"), ("Content-Type", "application/json")],
    )
    steps = request_steps(request, cs.SPEC)
    assert [(s.code, s.outcome, s.rule) for s in steps] == [
        (StepCode.METHOD_SAFELISTED, Outcome.FAIL, None),
        (StepCode.HEADER_SAFELISTED, Outcome.FAIL, Rule.NAME),
        (StepCode.HEADER_SAFELISTED, Outcome.FAIL, Rule.CONTENT_TYPE_NOT_FORM),
        # Fetch: the UA's default `Accept: */*` is judged too (and is safelisted).
        (StepCode.HEADER_SAFELISTED, Outcome.PASS, None),
    ]
    same_origin = attrs.evolve(request, url="https://app.example/x")
    assert request_steps(same_origin, cs.SPEC) == ()


def test_cors_check_records_skipped_acac_after_acao_fails() -> None:
    log = StepLog()
    index = {"access-control-allow-credentials": ["true"]}
    reason = cors_check(
        index, origin="https://app.example", credentialed=True, stage=Stage.ACTUAL, log=log
    )
    assert reason is not None
    assert reason.code is cs.ReasonCode.ACAO_MISSING
    assert [(s.code, s.outcome, s.observed) for s in log.steps] == [
        (StepCode.ACAO, Outcome.FAIL, None),
        (StepCode.ACAC, Outcome.SKIPPED, "true"),
    ]


def test_evaluation_steps_follow_the_engine_order() -> None:
    request = cs.Request(
        method="PUT",
        url="https://api.example/x",
        origin="https://app.example",
        headers=[("X-Key", "1")],
    )
    preflight = cs.Response(
        status=403,
        headers=[("Access-Control-Allow-Origin", "https://app.example")],
    )
    ev = cs.evaluate(request, cs.Exchange(preflight=preflight, actual=cs.Response(status=200)))
    assert ev.reason is not None
    assert ev.reason.code is cs.ReasonCode.PREFLIGHT_STATUS_NOT_OK
    steps = ev.steps
    assert steps is not None
    on_wire = [(s.code, s.outcome) for s in steps if s.hop == 0]
    # Chromium: the CORS check first, then the status; the rest not reached.
    assert on_wire == [
        (StepCode.ACAO, Outcome.PASS),
        (StepCode.STATUS, Outcome.FAIL),
        (StepCode.ACAM_PARSE, Outcome.SKIPPED),
        (StepCode.ACAH_PARSE, Outcome.SKIPPED),
        (StepCode.METHOD, Outcome.SKIPPED),
        (StepCode.HEADER, Outcome.SKIPPED),
        (StepCode.MAX_AGE, Outcome.INFO),
    ]
    # Firefox checks the status first.
    ff = cs.evaluate(
        request,
        cs.Exchange(preflight=preflight, actual=cs.Response(status=200)),
        browser=cs.FIREFOX,
    )
    assert ff.steps is not None
    assert [s.code for s in ff.steps if s.hop == 0][:2] == [StepCode.STATUS, StepCode.ACAO]


def test_steps_replay_a_cache_hit() -> None:
    request = cs.Request(method="PUT", url="https://api.example/x", origin="https://app.example")
    allow = (
        ("Access-Control-Allow-Origin", "https://app.example"),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Max-Age", "60"),
    )
    server = cs.Exchange(
        preflight=cs.Response(status=204, headers=allow),
        actual=cs.Response(status=200, headers=allow[:1]),
    )
    first = cs.evaluate(request, server, cache=cs.PreflightCache())
    second = cs.evaluate(request, server, cache=first.cache, now=1.0)
    assert len(second.sent) == 1
    assert second.steps is not None
    assert [(s.hop, s.code) for s in second.steps if s.hop is not None] == [(0, StepCode.ACAO)]

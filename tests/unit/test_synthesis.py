"""Least-privilege synthesis: the policy allows exactly the given requests, provably."""

from __future__ import annotations

import attrs
import pytest

import corsspec as cs
from corsspec.server.audit import Severity
from corsspec.server.synthesis import synthesize

API = "https://api.example.com/items"
APP = "https://app.example.com"
ADMIN = "https://admin.example.com"

PUT_JSON = cs.Request(
    method="PUT",
    url=API + "/1",
    origin=APP,
    headers=[("Authorization", "Bearer x"), ("Content-Type", "application/json")],
    credentials="include",
)
LIST = cs.Request(url=API, origin=ADMIN, headers=[("X-Request-Id", "1")])


def test_synthesizes_exactly_what_the_requests_need() -> None:
    result = synthesize([PUT_JSON, (LIST, ["X-Total", "ETag"])])
    policy = result.policy
    assert policy.allow_origins == (ADMIN, APP)
    assert policy.allow_methods == ("PUT",)
    assert policy.allow_headers == ("authorization", "content-type", "x-request-id")
    assert policy.allow_credentials
    assert policy.expose_headers == ("etag", "x-total")
    assert policy.allow_origin_regexes == ()
    assert result.proven, result.failures
    # Proofs: each request allowed under each profile, variants asking for more blocked.
    assert len(result.allowed) == 2 * 3
    assert all(ev.allowed for ev in result.allowed)
    methods = {ev.request.method for ev in result.denied if not ev.allowed}
    assert "DELETE" in methods  # another method is refused
    extra_header = [ev for ev in result.denied if "x-corsspec-unlisted" in ev.unsafe_headers]
    assert extra_header
    assert not any(ev.allowed for ev in extra_header)
    assert not result.audit.at_least(Severity.LOW)


def test_credentials_only_when_needed_and_denied_otherwise() -> None:
    result = synthesize([LIST])
    assert not result.policy.allow_credentials
    assert result.proven, result.failures
    credentialed = [ev for ev in result.denied if ev.request.credentialed]
    assert credentialed
    assert not any(ev.allowed for ev in credentialed)


def test_header_names_are_the_union_over_browser_profiles() -> None:
    # DPR is safelisted by Chromium only: the others preflight it, so it must be allowed.
    hinted = cs.Request(url=API, origin=APP, headers=[("DPR", "2")])
    assert synthesize([hinted]).policy.allow_headers == ("dpr",)
    assert synthesize([hinted], browsers=[cs.CHROMIUM]).policy.allow_headers == ()


def test_requests_that_need_no_policy_are_skipped() -> None:
    same = cs.Request(url=API, origin="https://api.example.com")
    opaque = cs.Request(url=API, origin=APP, mode="no-cors")
    result = synthesize([same, opaque])
    assert result.skipped == (same, opaque)
    assert result.policy.allow_origins == ()
    assert result.proven


def test_unsafe_origins_are_allowed_only_through_the_dangerous_flags() -> None:
    sandboxed = cs.Request(url=API, origin="null", credentials="include")
    insecure = cs.Request(url=API, origin="http://app.example.com", credentials="include")
    result = synthesize([sandboxed, insecure])
    assert result.policy.dangerously_allow_null_origin
    assert result.policy.dangerously_allow_insecure_origins
    assert all(ev.allowed for ev in result.allowed)


def test_a_policy_that_allows_more_would_fail_the_tightness_proof() -> None:
    result = synthesize([PUT_JSON])
    wider = attrs.evolve(result.policy, allow_methods=("*",))
    extra = attrs.evolve(PUT_JSON, method="DELETE", body=None)
    assert cs.evaluate(extra, wider).allowed
    assert not cs.evaluate(extra, result.server).allowed


@pytest.mark.parametrize("max_age", [None, 0, 7200])
def test_max_age_is_a_parameter(max_age: int | None) -> None:
    assert synthesize([PUT_JSON], max_age=max_age).policy.max_age == max_age

"""Unit tables for corsspec.server.policy (Policy, patterns, validation, answers) and the
importers (corsspec.server.importers), whose semantics are read from the libraries' sources."""

from __future__ import annotations

import datetime
import pickle
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

import corsspec as cs
from corsspec.engine.browsers import CacheWildcard
from corsspec.engine.model import wire_request
from corsspec.errors import PolicyError
from corsspec.server.importers import from_django_cors_headers, from_flask_cors, from_starlette
from corsspec.server.policy import (
    ANY_PORT,
    OriginPattern,
    OriginRegex,
    Policy,
    PolicyProblem,
    PolicyServer,
    ProblemCode,
    VaryMode,
    is_loopback_host,
    is_public_suffix,
    parse_origin_pattern,
    validate,
)

APP = "https://app.example.com"
API = "https://api.example.com/items"
P = ProblemCode


def _raw(method: str, headers: list[tuple[str, str]]) -> cs.Request:
    """A request exactly as a server receives it (headers as given, no browser rules)."""
    base = cs.Request(url=API, origin=APP)
    return wire_request(
        method=method,
        url=base.url,
        origin=base.origin,
        headers=tuple(headers),
        like=base,
        body=None,
    )


def _preflight(origin: str = APP, method: str = "PUT", headers: str | None = None) -> cs.Request:
    pairs = [("Origin", origin), ("Access-Control-Request-Method", method)]
    if headers is not None:
        pairs.append(("Access-Control-Request-Headers", headers))
    return _raw("OPTIONS", pairs)


def _get(origin: str | None = APP) -> cs.Request:
    return _raw("GET", [] if origin is None else [("Origin", origin)])


# ---------------------------------------------------------------------------------------
# Validation: every problem, collected, typed; each relaxable one has its flag
# ---------------------------------------------------------------------------------------


@attrs.frozen
class Invalid:
    id: str
    fields: dict[str, Any]
    problems: tuple[tuple[str, object, ProblemCode], ...]
    relax: tuple[str, ...] = ()
    spec: str = "issue #5: validation rejects the unsafe"
    bug: str | None = None


INVALID = (
    Invalid("wildcard-credentials", {"allow_origins": ["*"], "allow_credentials": True},
            (("allow_origins", "*", P.WILDCARD_ORIGIN_WITH_CREDENTIALS),),
            ("dangerously_allow_any_origin_with_credentials",)),
    Invalid("wildcard-not-alone", {"allow_origins": ["*", APP]},
            (("allow_origins", "*", P.ORIGIN_WILDCARD_NOT_ALONE),)),
    Invalid("null", {"allow_origins": ["null"]}, (("allow_origins", "null", P.NULL_ORIGIN),),
            ("dangerously_allow_null_origin",)),
    Invalid("http-with-credentials", {"allow_origins": ["http://app.example.com"],
                                      "allow_credentials": True},
            (("allow_origins", "http://app.example.com", P.INSECURE_ORIGIN_WITH_CREDENTIALS),),
            ("dangerously_allow_insecure_origins",)),
    Invalid("http-pattern-with-credentials", {"allow_origins": ["http://*.example.com"],
                                              "allow_credentials": True},
            (("allow_origins", "http://*.example.com", P.INSECURE_ORIGIN_WITH_CREDENTIALS),),
            ("dangerously_allow_insecure_origins",)),
    Invalid("public-suffix", {"allow_origins": ["https://*.github.io"]},
            (("allow_origins", "https://*.github.io", P.PUBLIC_SUFFIX_WILDCARD),),
            ("dangerously_allow_public_suffix_wildcards",)),
    Invalid("tld-wildcard", {"allow_origins": ["https://*.com"]},
            (("allow_origins", "https://*.com", P.PUBLIC_SUFFIX_WILDCARD),),
            ("dangerously_allow_public_suffix_wildcards",)),
    Invalid("origin-with-path", {"allow_origins": ["https://app.example.com/"]},
            (("allow_origins", "https://app.example.com/", P.INVALID_ORIGIN),)),
    Invalid("bad-pattern", {"allow_origins": ["https://app.*.com", "https://*"]},
            (("allow_origins", "https://app.*.com", P.INVALID_ORIGIN_PATTERN),
             ("allow_origins", "https://*", P.INVALID_ORIGIN_PATTERN))),
    Invalid("ip-subdomains", {"allow_origins": ["https://*.127.0.0.1"]},
            (("allow_origins", "https://*.127.0.0.1", P.INVALID_ORIGIN_PATTERN),)),
    Invalid("origin-not-str", {"allow_origins": [42]}, (("allow_origins", 42, P.INVALID_TYPE),)),
    Invalid("regex-invalid", {"allow_origin_regexes": ["("]},
            (("allow_origin_regexes", "(", P.INVALID_REGEX),)),
    Invalid("regex-prefix", {"allow_origin_regexes": [OriginRegex(pattern="x", prefix=True)]},
            (("allow_origin_regexes", "x", P.PREFIX_REGEX),),
            ("dangerously_allow_prefix_regexes",)),
    Invalid("method-forbidden", {"allow_methods": ["TRACE"]},
            (("allow_methods", "TRACE", P.FORBIDDEN_METHOD),),
            ("dangerously_allow_forbidden_names",)),
    Invalid("method-not-token", {"allow_methods": ["GET PUT"]},
            (("allow_methods", "GET PUT", P.INVALID_METHOD),)),
    Invalid("header-forbidden", {"allow_headers": ["Cookie", "Sec-Fetch-Mode"]},
            (("allow_headers", "Cookie", P.FORBIDDEN_HEADER_NAME),
             ("allow_headers", "Sec-Fetch-Mode", P.FORBIDDEN_HEADER_NAME)),
            ("dangerously_allow_forbidden_names",)),
    Invalid("header-not-token", {"allow_headers": ["X Token"]},
            (("allow_headers", "X Token", P.INVALID_HEADER_NAME),)),
    Invalid("expose-set-cookie", {"expose_headers": ["Set-Cookie"]},
            (("expose_headers", "Set-Cookie", P.FORBIDDEN_EXPOSED_HEADER),),
            ("dangerously_allow_forbidden_names",)),
    Invalid("expose-not-token", {"expose_headers": ["a b"]},
            (("expose_headers", "a b", P.INVALID_EXPOSED_HEADER),)),
    Invalid("max-age-high", {"max_age": 86401}, (("max_age", 86401, P.MAX_AGE_OUT_OF_RANGE),),
            ("dangerously_allow_max_age_out_of_range",)),
    Invalid("max-age-negative", {"max_age": -1}, (("max_age", -1, P.MAX_AGE_OUT_OF_RANGE),),
            ("dangerously_allow_max_age_out_of_range",)),
    Invalid("max-age-type", {"max_age": "600"}, (("max_age", "600", P.INVALID_TYPE),)),
    Invalid("max-age-bool", {"max_age": True}, (("max_age", True, P.INVALID_TYPE),)),
    Invalid("pna-any-origin", {"allow_origins": ["*"], "allow_private_network": True},
            (("allow_private_network", True, P.PRIVATE_NETWORK_ANY_ORIGIN),),
            ("dangerously_allow_private_network_from_any_origin",)),
    Invalid("credentials-type", {"allow_credentials": "yes"},
            (("allow_credentials", "yes", P.INVALID_TYPE),)),
    Invalid("vary-value", {"vary": "sometimes"}, (("vary", "sometimes", P.INVALID_TYPE),)),
    Invalid("collect-all-in-field-order",
            {"max_age": -5, "allow_methods": ["CONNECT"], "allow_origins": ["null", "*"],
             "allow_credentials": True},
            (("allow_origins", "null", P.NULL_ORIGIN),
             ("allow_origins", "*", P.ORIGIN_WILDCARD_NOT_ALONE),
             ("allow_origins", "*", P.WILDCARD_ORIGIN_WITH_CREDENTIALS),
             ("allow_methods", "CONNECT", P.FORBIDDEN_METHOD),
             ("max_age", -5, P.MAX_AGE_OUT_OF_RANGE))),
)  # fmt: skip


@pytest.mark.parametrize("row", INVALID, ids=[r.id for r in INVALID])
def test_validation_collects_every_problem(row: Invalid) -> None:
    with pytest.raises(PolicyError) as info:
        Policy(**row.fields)
    got = tuple(
        (p.field, p.value, p.code) for p in info.value.problems if isinstance(p, PolicyProblem)
    )
    assert got == row.problems
    assert len(info.value.problems) == len(got)
    for problem in info.value.problems:
        assert str(problem)  # field, value and rule in the message
    assert validate(row.fields) == info.value.problems


@pytest.mark.parametrize("row", [r for r in INVALID if r.relax], ids=lambda r: r.id)
def test_each_unsafe_problem_is_relaxed_by_its_dangerous_flag(row: Invalid) -> None:
    extra = {**row.fields}
    if row.id == "collect-all-in-field-order":
        return
    flags: dict[str, Any] = dict.fromkeys(row.relax, True)
    Policy(**extra, **flags)


def test_loopback_http_origins_are_secure_enough_for_credentials() -> None:
    policy = Policy(
        allow_origins=["http://localhost:3000", "http://127.0.0.1:*", "http://[::1]"],
        allow_credentials=True,
    )
    assert policy.allows_origin("http://localhost:3000")
    assert is_loopback_host("127.0.0.1")
    assert is_loopback_host("app.localhost")
    assert not is_loopback_host("128.0.0.1")


def test_public_suffix_data() -> None:
    assert is_public_suffix("com")
    assert is_public_suffix("co.uk")
    assert is_public_suffix("github.io")
    assert not is_public_suffix("example.com")


def test_from_mapping_reports_unknown_keys_with_the_rest() -> None:
    with pytest.raises(PolicyError) as info:
        Policy.from_mapping({"allow_origin": [APP], "max_age": -1})
    codes = [p.code for p in info.value.problems if isinstance(p, PolicyProblem)]
    assert codes == [P.UNKNOWN_FIELD, P.MAX_AGE_OUT_OF_RANGE]
    with pytest.raises(PolicyError):
        Policy.from_mapping([("allow_origins", APP)])  # type: ignore[arg-type]
    assert validate({"allow_origins": [APP]}) == ()
    assert validate(Policy()) == ()


# ---------------------------------------------------------------------------------------
# Normalisation, value semantics
# ---------------------------------------------------------------------------------------


def test_normalised_once_so_equal_policies_compare_equal() -> None:
    a = Policy(
        allow_origins=["https://APP.example.com:443", "https://*.Example.org"],
        allow_methods=["put", "PATCH", "put"],
        allow_headers=["X-Token", "x-token", "Content-Type"],
        expose_headers=["X-Total"],
    )
    b = Policy(
        allow_origins=("https://*.example.org", APP),
        allow_methods=("PUT", "PATCH"),
        allow_headers=("content-type", "x-token"),
        expose_headers="x-total",
    )
    assert a == b
    assert hash(a) == hash(b)
    assert a.allow_origins == ("https://*.example.org", APP)
    assert a.allow_methods == ("PATCH", "PUT")  # "put" is normalised, "patch" would not be
    assert Policy(allow_methods=["patch"]).allow_methods == ("patch",)


@pytest.mark.parametrize(
    "obj",
    [
        Policy(allow_origins=[APP], allow_origin_regexes=[r"https://x\.example"]),
        OriginPattern(scheme="https", host="example.com", subdomains=True, port=ANY_PORT),
        OriginRegex(pattern="a", prefix=True),
        PolicyProblem(field="max_age", value=-1, code=P.MAX_AGE_OUT_OF_RANGE),
    ],
    ids=["policy", "pattern", "regex", "problem"],
)
def test_values_are_frozen_hashable_and_picklable(obj: object) -> None:
    assert attrs.has(type(obj))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        obj.x = 1  # type: ignore[attr-defined]
    hash(obj)
    assert pickle.loads(pickle.dumps(obj)) == obj


def test_policy_round_trips_through_plain_data() -> None:
    policy = Policy(
        allow_origins=[APP, "https://*.example.org:*"],
        allow_origin_regexes=[OriginRegex(pattern="null", prefix=True, ignore_case=True)],
        allow_methods=["*"],
        allow_headers=["*", "authorization"],
        allow_credentials=True,
        expose_headers=["x-total"],
        max_age=600,
        static_lists=True,
        vary="allowed-only",
        dangerously_allow_prefix_regexes=True,
    )
    data = policy.to_mapping()
    assert data["vary"] == "allowed-only"
    assert data["allow_origin_regexes"] == [
        {"pattern": "null", "prefix": True, "ignore_case": True}
    ]
    assert Policy.from_mapping(data) == policy


# ---------------------------------------------------------------------------------------
# Origin patterns
# ---------------------------------------------------------------------------------------

PATTERNS = (
    ("https://app.example.com", OriginPattern(scheme="https", host="app.example.com")),
    ("https://*.example.com", OriginPattern(scheme="https", host="example.com", subdomains=True)),
    ("http://localhost:*", OriginPattern(scheme="http", host="localhost", port=ANY_PORT)),
    ("https://*.example.com:8443",
     OriginPattern(scheme="https", host="example.com", subdomains=True, port=8443)),
    ("HTTPS://*.Example.COM:*",
     OriginPattern(scheme="https", host="example.com", subdomains=True, port=ANY_PORT)),
    ("https://example.com:443", OriginPattern(scheme="https", host="example.com")),
)  # fmt: skip


@pytest.mark.parametrize(("text", "pattern"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_parse_origin_pattern(text: str, pattern: OriginPattern) -> None:
    assert parse_origin_pattern(text) == pattern
    assert parse_origin_pattern(pattern.serialize()) == pattern


@pytest.mark.parametrize(
    "text",
    ["https://app.*.com", "https://*", "*.example.com", "https://**.example.com",
     "https://*.[::1]", "https://example.com:443:*", "https://ex*ample.com", "https://a.com/"],
)  # fmt: skip
def test_parse_origin_pattern_rejects(text: str) -> None:
    with pytest.raises(cs.InvalidOriginError):
        parse_origin_pattern(text)


MATCHES = (
    # (allow_origins, origin header value, allowed)
    (["https://*.example.com"], "https://a.example.com", True),
    (["https://*.example.com"], "https://a.b.example.com", True),
    (["https://*.example.com"], "https://example.com", False),
    (["https://*.example.com"], "https://evilexample.com", False),
    (["https://*.example.com"], "https://a.example.com.evil.test", False),
    (["https://*.example.com"], "http://a.example.com", False),
    (["https://*.example.com"], "https://a.example.com:8443", False),
    (["https://*.example.com"], "https://.example.com", False),
    (["https://*.example.com:*"], "https://a.example.com:8443", True),
    (["https://*.example.com:*"], "https://a.example.com", True),
    (["https://*.example.com:8443"], "https://a.example.com:8443", True),
    (["https://*.example.com:8443"], "https://a.example.com", False),
    (["http://localhost:*"], "http://localhost:3000", True),
    (["http://localhost:*"], "http://localhost", True),
    (["http://localhost:*"], "http://localhost.evil.test:3000", False),
    (["http://localhost:*"], "http://localhost:3000x", False),
    ([APP], APP, True),
    ([APP], "https://APP.example.com", False),  # browsers send lower case: byte comparison
    ([APP], APP + "/", False),
    (["*"], "null", True),
    (["*"], "anything at all", True),
    ([APP], "null", False),
    (["https://*.example.com"], "https://a.example.com@evil.test", False),
    (["https://*.example.com"], "https://[::1]", False),
    (["https://*.example.com"], "", False),
)  # fmt: skip


@pytest.mark.parametrize(("origins", "origin", "allowed"), MATCHES)
def test_origin_matching(origins: list[str], origin: str, allowed: bool) -> None:
    assert Policy(allow_origins=origins).allows_origin(origin) is allowed


REGEXES = (
    (OriginRegex(pattern=r"https://app\.example\.com"), APP, True),
    (OriginRegex(pattern=r"https://app\.example\.com"), APP + ".evil.test", False),
    (OriginRegex(pattern=r"https://app\.example\.com", prefix=True), APP + ".evil.test", True),
    (OriginRegex(pattern=r"https://APP\.example\.com"), APP, False),
    (OriginRegex(pattern=r"https://APP\.example\.com", ignore_case=True), APP, True),
)


@pytest.mark.parametrize(("regex", "origin", "allowed"), REGEXES)
def test_regex_matching(regex: OriginRegex, origin: str, allowed: bool) -> None:
    policy = Policy(allow_origin_regexes=[regex], dangerously_allow_prefix_regexes=True)
    assert policy.allows_origin(origin) is allowed


# ---------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------

FULL = Policy(
    allow_origins=[APP, "https://*.example.org"],
    allow_methods=["PUT", "DELETE"],
    allow_headers=["x-token", "content-type"],
    allow_credentials=True,
    expose_headers=["x-total"],
    max_age=600,
)
PREFLIGHT_VARY = ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")


@attrs.frozen
class Answer:
    id: str
    policy: Policy
    request: cs.Request
    status: int
    headers: tuple[tuple[str, str], ...]
    spec: str = "issue #5: the headers a correct server sends"
    bug: str | None = None


ANSWERS = (
    Answer("preflight-allowed", FULL, _preflight(headers="x-token,Content-Type"), 204, (
        ("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "x-token, content-type"),
        ("Access-Control-Max-Age", "600"), PREFLIGHT_VARY)),
    Answer("preflight-safelisted-method-not-listed", FULL, _preflight(method="POST",
           headers="x-token"), 204, (
        ("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Headers", "x-token"), ("Access-Control-Max-Age", "600"),
        PREFLIGHT_VARY)),
    Answer("preflight-origin-refused", FULL, _preflight(origin="https://evil.test"), 403,
           (PREFLIGHT_VARY,)),
    Answer("preflight-method-refused", FULL, _preflight(method="PATCH"), 403, (PREFLIGHT_VARY,)),
    Answer("preflight-header-refused", FULL, _preflight(headers="x-token,x-other"), 403,
           (PREFLIGHT_VARY,)),
    Answer("preflight-pna-refused", FULL, _raw("OPTIONS", [
        ("Origin", APP), ("Access-Control-Request-Method", "PUT"),
        ("Access-Control-Request-Private-Network", "true")]), 403, (PREFLIGHT_VARY,)),
    Answer("preflight-pattern", FULL, _preflight(origin="https://a.example.org"), 204, (
        ("Access-Control-Allow-Origin", "https://a.example.org"),
        ("Access-Control-Allow-Credentials", "true"), ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Max-Age", "600"), PREFLIGHT_VARY)),
    Answer("preflight-any-origin", Policy(allow_origins=["*"], allow_methods=["*"],
           allow_headers=["*"]), _preflight(method="PATCH", headers="x-a,authorization"), 204, (
        ("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "PATCH"),
        ("Access-Control-Allow-Headers", "x-a, authorization"),
        ("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers"))),
    Answer("preflight-pna-allowed", Policy(allow_origins=[APP], allow_private_network=True),
           _raw("OPTIONS", [("Origin", APP), ("Access-Control-Request-Method", "GET"),
                            ("Access-Control-Request-Private-Network", "true")]), 204, (
        ("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Private-Network", "true"),
        ("Vary", PREFLIGHT_VARY[1] + ", Access-Control-Request-Private-Network"))),
    Answer("static-lists", Policy(allow_origins=[APP], allow_methods=["*"], allow_headers=["*"],
           static_lists=True, max_age=5), _preflight(method="PATCH", headers="x-a"), 200, (
        ("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Methods", "*"),
        ("Access-Control-Allow-Headers", "*"), ("Access-Control-Max-Age", "5"),
        ("Vary", "Origin"))),
    Answer("static-lists-refused", Policy(allow_origins=[APP], static_lists=True),
           _preflight(origin="https://evil.test"), 200, (("Vary", "Origin"),)),
    Answer("actual-allowed", FULL, _get(), 200, (
        ("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Expose-Headers", "x-total"), ("Vary", "Origin"))),
    Answer("actual-refused-still-varies", FULL, _get("https://evil.test"), 200,
           (("Vary", "Origin"),)),
    Answer("actual-without-origin-still-varies", FULL, _get(None), 200, (("Vary", "Origin"),)),
    Answer("actual-any-origin-no-vary", Policy(allow_origins=["*"]), _get(), 200,
           (("Access-Control-Allow-Origin", "*"),)),
    Answer("actual-reflect-any", Policy(allow_origins=["*"], reflect_any_origin=True), _get(),
           200, (("Access-Control-Allow-Origin", APP), ("Vary", "Origin"))),
    Answer("actual-vary-allowed-only", attrs.evolve(FULL, vary=VaryMode.ALLOWED_ONLY),
           _get("https://evil.test"), 200, ()),
    Answer("actual-vary-never", attrs.evolve(FULL, vary="never"), _get(), 200, (
        ("Access-Control-Allow-Origin", APP), ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Expose-Headers", "x-total"))),
    Answer("options-without-acrm-is-not-a-preflight", FULL, _raw("OPTIONS", [("Origin", APP)]),
           200, (("Access-Control-Allow-Origin", APP),
                 ("Access-Control-Allow-Credentials", "true"),
                 ("Access-Control-Expose-Headers", "x-total"), ("Vary", "Origin"))),
)  # fmt: skip


@pytest.mark.parametrize("row", ANSWERS, ids=[r.id for r in ANSWERS])
def test_respond(row: Answer) -> None:
    response = row.policy.respond(row.request)
    assert (response.status, response.headers) == (row.status, row.headers)
    assert row.policy.respond(row.request) is response  # remembered, immutable


def test_wrap_adds_headers_to_the_application_answer() -> None:
    def app(request: cs.Request) -> cs.Response:
        return cs.Response(status=404 if request.url.path == "/missing" else 200,
                           headers=[("X-Total", "3")], body="x")  # fmt: skip

    server = FULL.wrap(app)
    assert isinstance(server, PolicyServer)
    answer = server.respond(_get())
    assert answer.headers[0] == ("X-Total", "3")
    assert answer.body == "x"
    assert ("Access-Control-Allow-Origin", APP) in answer.headers
    # Preflights are answered by the policy unless they pass through.
    assert server.respond(_preflight()).status == 204
    passing = attrs.evolve(FULL, preflight_passthrough=True).wrap(lambda r: cs.Response(status=405))
    assert passing.respond(_preflight()).status == 405
    assert ("Access-Control-Allow-Origin", APP) in passing.respond(_preflight()).headers

    class Adapter:
        def respond(self, request: cs.Request) -> cs.Response:
            return cs.Response(status=201)

    assert FULL.wrap(Adapter()).respond(_get()).status == 201


# ---------------------------------------------------------------------------------------
# Verdicts: evaluate and allows agree, under every profile
# ---------------------------------------------------------------------------------------


@attrs.frozen
class Verdict:
    id: str
    policy: Policy
    request: cs.Request
    allowed: bool
    overrides: tuple[tuple[str, bool], ...] = ()
    spec: str = "Fetch: CORS check and CORS-preflight fetch, answered by the policy"
    bug: str | None = None


def _req(**kwargs: Any) -> cs.Request:
    kwargs.setdefault("url", API)
    kwargs.setdefault("origin", APP)
    return cs.Request(**kwargs)


STAR = Policy(allow_origins=[APP], allow_methods=["*"], allow_headers=["*"], allow_credentials=True)
STATIC_STAR = attrs.evolve(STAR, static_lists=True)

VERDICTS = (
    Verdict("simple-allowed", FULL, _req(), True),
    Verdict("simple-other-origin", FULL, _req(origin="https://evil.test"), False),
    Verdict("credentialed", FULL, _req(credentials="include"), True),
    Verdict("credentials-not-allowed", attrs.evolve(FULL, allow_credentials=False),
            _req(credentials="include"), False),
    Verdict("any-origin-credentialed-request", Policy(allow_origins=["*"]),
            _req(credentials="include"), False),
    Verdict("preflight-allowed", FULL, _req(method="PUT", headers=[("X-Token", "1")]), True),
    Verdict("preflight-method-missing", FULL, _req(method="PATCH"), False),
    Verdict("preflight-header-missing", FULL, _req(method="PUT", headers=[("X-Other", "1")]),
            False),
    Verdict("json-needs-content-type", Policy(allow_origins=[APP], allow_methods=["PUT"]),
            _req(method="PUT", body=cs.Body.blob("{}", "application/json")), False),
    Verdict("mirrored-star-with-credentials", STAR,
            _req(method="PATCH", headers=[("Authorization", "x")], credentials="include"), True),
    Verdict("literal-star-with-credentials", STATIC_STAR,
            _req(method="PATCH", headers=[("X-A", "x")], credentials="include"), False),
    Verdict("literal-star-without-credentials", STATIC_STAR,
            _req(method="PATCH", headers=[("X-A", "x")], credentials="omit"), True),
    Verdict("literal-star-authorization", STATIC_STAR,
            _req(method="PATCH", headers=[("Authorization", "x")], credentials="omit"), True,
            (("spec", False),)),
    Verdict("client-hint", Policy(allow_origins=[APP]), _req(headers=[("DPR", "2")]), False,
            (("chromium", True),)),
    Verdict("no-cors-is-opaque", Policy(), _req(mode="no-cors"), True),
    Verdict("same-origin-mode", FULL, _req(mode="same-origin"), False),
    Verdict("same-origin-url", Policy(), _req(origin="https://api.example.com"), True),
    Verdict("null-origin", Policy(allow_origins=["null"], dangerously_allow_null_origin=True),
            _req(origin="null"), True),
    Verdict("xhr-upload-forced-preflight", FULL,
            _req(method="POST", api="xhr", upload_listener=True, body=cs.Body.text("x")), True),
)  # fmt: skip


@pytest.mark.parametrize("row", VERDICTS, ids=[r.id for r in VERDICTS])
def test_evaluate_and_allows_agree(row: Verdict, browser: cs.BrowserProfile) -> None:
    expected = dict(row.overrides).get(browser.name, row.allowed)
    ev = cs.evaluate(row.request, row.policy, browser=browser)
    assert ev.allowed is expected, ev.reason
    assert row.policy.allows(row.request, browser) is expected


# ---------------------------------------------------------------------------------------
# Importers: each library's real semantics
# ---------------------------------------------------------------------------------------


def test_starlette_defaults_and_expansions() -> None:
    policy = from_starlette(allow_origins=[APP])
    assert policy.allow_methods == ("GET",)
    assert policy.allow_headers == ("accept", "accept-language", "content-language", "content-type")
    assert policy.max_age == 600
    star = from_starlette(allow_origins=["*", APP], allow_methods=["*"], allow_headers=["*"])
    assert star.allow_origins == ("*",)
    assert star.allow_methods == (
        "DELETE",
        "GET",
        "HEAD",
        "OPTIONS",
        "PATCH",
        "POST",
        "PUT",
        "QUERY",
    )
    assert star.allow_headers == ("*",)


def test_starlette_compares_origins_as_strings() -> None:
    policy = from_starlette(
        allow_origins=[APP + "/", "https://App.example.com", "https://a.com:443", "null", APP],
        allow_credentials=True,
    )
    assert policy.allow_origins == (APP, "null")  # the others can never match
    assert policy.dangerously_allow_null_origin


def test_starlette_string_options_are_iterated_like_starlette_does() -> None:
    # `origin in "https://a.example https://b.example"` is a substring test.
    policy = from_starlette(allow_origins="https://a.example https://b.example")
    assert {"https://a.example", "https://b.example", "https://a.ex"} <= set(policy.allow_origins)
    assert from_starlette(allow_origins="*").allow_origins == ("*",)


def test_starlette_regex_is_fullmatch_and_must_compile() -> None:
    policy = from_starlette(allow_origin_regex=r"https://.*\.example\.com")
    assert policy.allow_origin_regexes == (OriginRegex(pattern=r"https://.*\.example\.com"),)
    compiled = from_starlette(allow_origin_regex=re.compile(r"https://A\.com", re.I))
    assert compiled.allow_origin_regexes[0].ignore_case
    with pytest.raises(PolicyError):
        from_starlette(allow_origin_regex="(")


def test_starlette_wildcard_with_credentials_reflects() -> None:
    policy = from_starlette(allow_origins=["*"], allow_credentials=True)
    assert policy.dangerously_allow_any_origin_with_credentials
    assert policy.reflects_any_origin


def test_flask_cors_defaults_reflect_any_origin() -> None:
    policy = from_flask_cors()
    assert policy.allow_origins == ("*",)
    assert policy.reflect_any_origin
    assert policy.allow_headers == ("*",)
    assert policy.preflight_passthrough
    assert set(policy.allow_methods) == {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}
    assert policy.vary is VaryMode.ALLOWED_ONLY
    creds = from_flask_cors(supports_credentials=True)
    assert creds.dangerously_allow_any_origin_with_credentials
    assert from_flask_cors(send_wildcard=True).vary is VaryMode.ALWAYS
    with pytest.raises(PolicyError):
        from_flask_cors(supports_credentials=True, send_wildcard=True)


def test_flask_cors_origin_kinds() -> None:
    policy = from_flask_cors(
        origins=["https://APP.example.com", r"https://.*\.example\.org", re.compile(r"https://x")]
    )
    assert policy.allow_origins == (APP,)  # compared case-insensitively
    assert policy.allow_origin_regexes == (
        OriginRegex(pattern=r"https://.*\.example\.org", prefix=True, ignore_case=True),
        OriginRegex(pattern="https://x", prefix=True),
    )
    assert policy.allows_origin("https://a.example.org.evil.test")  # re.match: prefix only
    assert from_flask_cors(origins=APP).vary is VaryMode.NEVER
    assert from_flask_cors(origins=[APP, "https://b.example"]).vary is VaryMode.ALLOWED_ONLY
    assert from_flask_cors(origins=[APP, "x"], vary_header=False).vary is VaryMode.NEVER
    assert from_flask_cors(origins=["["]).allow_origin_regexes == ()  # re.error: never matches


def test_flask_cors_methods_headers_and_values() -> None:
    policy = from_flask_cors(
        origins=APP,
        methods=["put", "patch"],
        allow_headers=["X-Token"],
        expose_headers=["X-Total", "ETag"],
        max_age=datetime.timedelta(minutes=10),
    )
    assert policy.allow_methods == ("PATCH", "PUT")  # upper-cased by flask-cors
    assert policy.allow_headers == ("x-token",)
    assert policy.expose_headers == ("etag", "x-total")
    assert policy.max_age == 600
    with pytest.raises(PolicyError):
        from_flask_cors(allow_headers=["X-.*"])


def test_flask_cors_resources_pick_the_options_for_the_path() -> None:
    resources = {r"/api/*": {"origins": APP}, "/public": {"origins": "*", "send_wildcard": True}}
    assert from_flask_cors(resources=resources, path="/api/items").allow_origins == (APP,)
    public = from_flask_cors(resources=resources, path="/public")
    assert public.allow_origins == ("*",)
    assert not public.reflect_any_origin
    nothing = from_flask_cors(resources=resources, path="/other")
    assert nothing.allow_origins == ()
    assert nothing.vary is VaryMode.NEVER
    app_config = {"CORS_ORIGINS": [APP], "CORS_SUPPORTS_CREDENTIALS": True}
    assert from_flask_cors(app_config=app_config).allow_credentials


def test_django_cors_headers_semantics() -> None:
    policy = from_django_cors_headers(
        {
            "CORS_ALLOWED_ORIGINS": [APP + "/path", "https://App.example.org", "example.net"],
            "CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.com"],
            "CORS_ALLOW_CREDENTIALS": True,
        }
    )
    # urlsplit compares scheme and netloc: the path is ignored, case is not, and an
    # entry without a scheme has the same empty scheme and netloc as "null".
    assert policy.allow_origins == (APP, "null")
    assert policy.allow_origin_regexes == (
        OriginRegex(pattern=r"^https://\w+\.example\.com", prefix=True),
    )
    assert policy.static_lists
    assert policy.max_age == 86400
    assert "authorization" in policy.allow_headers
    assert policy.allow_methods == ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")


def test_django_cors_headers_settings_variants() -> None:
    legacy = from_django_cors_headers({"CORS_ORIGIN_ALLOW_ALL": True})
    assert legacy.allow_origins == ("*",)
    assert not legacy.reflects_any_origin
    assert from_django_cors_headers({"CORS_ORIGIN_WHITELIST": [APP]}).allow_origins == (APP,)
    off = from_django_cors_headers({"CORS_URLS_REGEX": r"^/api/", "CORS_ALLOW_ALL_ORIGINS": True})
    assert off.allow_origins == ()
    assert from_django_cors_headers(
        {"CORS_URLS_REGEX": r"^/api/", "CORS_ALLOW_ALL_ORIGINS": True}, path="/api/x"
    ).allows_any_origin
    star = from_django_cors_headers(
        {"CORS_ALLOW_METHODS": ["*", "delete"], "CORS_ALLOW_HEADERS": ["*"]}
    )
    assert star.allow_methods == ("*",)  # "delete" never matches a browser's DELETE
    assert star.allow_headers == ("*",)
    assert from_django_cors_headers({"CORS_PREFLIGHT_MAX_AGE": 0}).max_age is None
    long = from_django_cors_headers({"CORS_PREFLIGHT_MAX_AGE": 10**6})
    assert long.dangerously_allow_max_age_out_of_range


def test_static_lists_without_methods_and_a_forced_preflight() -> None:
    # Found by the deep Hypothesis profile: a static answer with no
    # Access-Control-Allow-Methods lets a forced preflight (XHR upload listener) through
    # under Fetch step 7.3, while the three engines refuse the method.
    policy = cs.Policy(allow_origins=["http://app.example"], static_lists=True)
    request = cs.Request(
        method="PUT",
        url="https://app.example/page",
        origin="http://app.example",
        api="xhr",
        upload_listener=True,
    )
    for browser in (cs.SPEC, *cs.ALL_BROWSERS):
        ev = cs.evaluate(request, policy, browser=browser)
        assert policy.allows(request, browser) == ev.allowed
    assert cs.evaluate(request, policy, browser=cs.SPEC).allowed
    assert not cs.evaluate(request, policy, browser=cs.CHROMIUM).allowed


# ---------------------------------------------------------------------------------------
# Issue 19: answers that do not depend on Origin, and HTTP caches
# ---------------------------------------------------------------------------------------

ACAO, ACAC, ACEH = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Expose-Headers",
)
STATIC_APP = Policy(allow_origins=[APP], allow_credentials=True, expose_headers=["x-total"])
STATIC_APP_HEADERS = ((ACAO, APP), (ACAC, "true"), (ACEH, "x-total"))

STATIC_ANSWERS = (
    Answer("any-origin-without-origin", Policy(allow_origins=["*"]), _get(None), 200,
           ((ACAO, "*"),), spec="Fetch: CORS protocol and HTTP caches"),
    Answer("any-origin-expose-star-without-origin",
           Policy(allow_origins=["*"], expose_headers=["*"]), _get(None), 200,
           ((ACAO, "*"), (ACEH, "*")), spec="Fetch: CORS protocol and HTTP caches"),
    Answer("static-origin", STATIC_APP, _get(), 200, STATIC_APP_HEADERS),
    Answer("static-origin-without-origin", STATIC_APP, _get(None), 200, STATIC_APP_HEADERS),
    Answer("static-origin-to-another-origin", STATIC_APP, _get("https://evil.test"), 200,
           STATIC_APP_HEADERS),
    Answer("static-origin-non-preflight-options", STATIC_APP, _raw("OPTIONS", []), 200,
           STATIC_APP_HEADERS),
    Answer("static-origin-vary-never", attrs.evolve(STATIC_APP, vary="never"), _get(None), 200,
           STATIC_APP_HEADERS),
    # The preflight answer still depends on Origin (403 for other origins): it varies.
    Answer("static-origin-preflight-varies", attrs.evolve(STATIC_APP, allow_methods=["PUT"]),
           _preflight(), 204, ((ACAO, APP), (ACAC, "true"),
                               ("Access-Control-Allow-Methods", "PUT"), PREFLIGHT_VARY)),
    Answer("static-origin-preflight-other-origin", STATIC_APP,
           _preflight(origin="https://evil.test"), 403, (PREFLIGHT_VARY,)),
    # Answers that depend on Origin are unchanged.
    Answer("single-pattern-varies", Policy(allow_origins=["https://*.example.org"]),
           _get(None), 200, (("Vary", "Origin"),)),
    Answer("origin-and-regex-varies",
           Policy(allow_origins=[APP], allow_origin_regexes=[r"https://x\.example"]),
           _get(None), 200, (("Vary", "Origin"),)),
    Answer("null-only-varies", Policy(allow_origins=["null"], dangerously_allow_null_origin=True),
           _get(None), 200, (("Vary", "Origin"),)),
    Answer("reflect-any-varies", Policy(allow_origins=["*"], reflect_any_origin=True),
           _get(None), 200, (("Vary", "Origin"),)),
    # always_send_static=False: CORS headers only for requests with an Origin (starlette).
    Answer("any-origin-only-with-origin", Policy(allow_origins=["*"], always_send_static=False),
           _get(None), 200, ()),
    Answer("static-origin-only-with-origin", attrs.evolve(STATIC_APP, always_send_static=False),
           _get(None), 200, (("Vary", "Origin"),)),
)  # fmt: skip


@pytest.mark.parametrize("row", STATIC_ANSWERS, ids=[r.id for r in STATIC_ANSWERS])
def test_static_answers(row: Answer) -> None:
    response = row.policy.respond(row.request)
    assert (response.status, response.headers) == (row.status, row.headers)


@attrs.define
class SharedCache:
    """A shared HTTP cache in front of a server (RFC 9111, just enough for Vary): it
    stores every GET answer by URL with the request's values of the headers its ``Vary``
    names, and serves a stored answer to a later request whose values are the same.
    ``Vary: *`` never matches."""

    server: cs.Server
    stored: dict[str, tuple[tuple[tuple[str, str | None], ...], cs.Response]] = attrs.field(
        factory=dict
    )
    hits: int = 0

    @staticmethod
    def _values(request: cs.Request, names: list[str]) -> tuple[tuple[str, str | None], ...]:
        headers = {k.lower(): v for k, v in request.headers}
        return tuple((n, headers.get(n)) for n in names)

    def respond(self, request: cs.Request) -> cs.Response:
        url = request.url.serialize()
        entry = self.stored.get(url) if request.method == "GET" else None
        if entry is not None:
            selecting, response = entry
            names = [n for n, _ in selecting]
            if "*" not in names and self._values(request, names) == selecting:
                self.hits += 1
                return response
        response = self.server.respond(request)
        if request.method == "GET":
            names = sorted(
                {
                    item.strip().lower()
                    for k, v in response.headers
                    if k.lower() == "vary"
                    for item in v.split(",")
                    if item.strip()
                }
            )
            self.stored[url] = (self._values(request, names), response)
        return response


CACHED = (
    # (id, policy, the cross-origin fetch is allowed after a same-origin one was cached)
    ("any-origin", Policy(allow_origins=["*"]), True),
    ("any-origin-expose-star", Policy(allow_origins=["*"], expose_headers=["*"]), True),
    ("static-origin", Policy(allow_origins=[APP]), True),
    ("static-origin-credentials", STATIC_APP, True),
    ("several-origins-vary", FULL, True),
    ("pattern-varies", Policy(allow_origins=["https://*.example.com"]), True),
    # The negative control: headers only with an Origin, and no Vary for `*`: the cache
    # serves the same-origin answer, which has no CORS headers, to the cross-origin fetch.
    ("any-origin-only-with-origin", Policy(allow_origins=["*"], always_send_static=False), False),
)  # fmt: skip


@pytest.mark.parametrize(("policy", "allowed"), [c[1:] for c in CACHED], ids=[c[0] for c in CACHED])
def test_a_shared_cache_serves_a_same_origin_answer_to_a_cross_origin_fetch(
    policy: Policy, allowed: bool, browser: cs.BrowserProfile
) -> None:
    app = policy.wrap(lambda _r: cs.Response(headers=[("X-Total", "3")]))
    cache = SharedCache(server=app)
    same = cs.Request(url=API, origin="https://api.example.com")
    assert cs.evaluate(same, cache, browser=browser).allowed
    assert cache.stored  # the same-origin answer is stored
    cross = cs.Request(url=API, origin=APP, credentials="include" if policy.allow_credentials
                       else "omit")  # fmt: skip
    assert policy.allows(cross, browser)  # the policy itself allows it
    ev = cs.evaluate(cross, cache, browser=browser)
    assert ev.allowed is allowed, ev.reason
    if policy.vary is VaryMode.ALWAYS and policy._compiled.static_actual is not None:
        assert cache.hits == 1  # served from the cache, and right
    if allowed and policy.expose_headers:
        assert "x-total" in ev.visible_headers  # Expose-Headers came from the cache too


# ---------------------------------------------------------------------------------------
# Issue 19: validation (expose `*` with credentials, URL-rejected hosts, localhost.,
# extension and WebView origins, preflight wildcards)
# ---------------------------------------------------------------------------------------

EXT = "chrome-extension://" + "abcdefghijklmnop" * 2
MOZ = "moz-extension://0d7d4a4c-5f2e-4a59-9e43-6b8d1c2f3a4b"
SAFARI = "safari-web-extension://0D7D4A4C-5F2E-4A59-9E43-6B8D1C2F3A4B"
APP_ORIGINS = (EXT, MOZ, SAFARI, "safari-web-extension://" + MOZ[16:], "capacitor://localhost",
               "capacitor://app.example.com", "ionic://localhost", "tauri://localhost")  # fmt: skip

INVALID_19 = (
    Invalid("expose-star-credentials", {"allow_origins": [APP], "expose_headers": ["*"],
                                        "allow_credentials": True},
            (("expose_headers", "*", P.EXPOSE_WILDCARD_WITH_CREDENTIALS),),
            ("dangerously_allow_expose_wildcard_with_credentials",),
            spec="Fetch: Access-Control-Expose-Headers, * only without credentials"),
    Invalid("ipv6-zone", {"allow_origins": ["http://[fe80::1%25eth2]:8080"]},
            (("allow_origins", "http://[fe80::1%25eth2]:8080", P.INVALID_ORIGIN),),
            spec="URL Standard: IPv6 parser fails on '%'"),
    Invalid("ipv6-zone-pattern", {"allow_origins": ["http://[fe80::1%eth2]:*"]},
            (("allow_origins", "http://[fe80::1%eth2]:*", P.INVALID_ORIGIN_PATTERN),)),
    Invalid("punycode-invalid", {"allow_origins": ["https://xn--f.example"]},
            (("allow_origins", "https://xn--f.example", P.INVALID_ORIGIN),),
            spec="URL Standard: domain to ASCII (UTS #46 ToASCII, xn-- labels must decode)"),
    Invalid("punycode-ascii-only", {"allow_origins": ["https://xn--abc-.example"]},
            (("allow_origins", "https://xn--abc-.example", P.INVALID_ORIGIN),)),
    Invalid("punycode-empty", {"allow_origins": ["https://xn--.example"]},
            (("allow_origins", "https://xn--.example", P.INVALID_ORIGIN),)),
    Invalid("punycode-pattern", {"allow_origins": ["https://*.xn--f.example"]},
            (("allow_origins", "https://*.xn--f.example", P.INVALID_ORIGIN_PATTERN),)),
    Invalid("public-suffix-trailing-dot", {"allow_origins": ["https://*.com.",
                                                             "https://*.github.io."]},
            (("allow_origins", "https://*.com.", P.PUBLIC_SUFFIX_WILDCARD),
             ("allow_origins", "https://*.github.io.", P.PUBLIC_SUFFIX_WILDCARD)),
            ("dangerously_allow_public_suffix_wildcards",)),
    Invalid("http-localhost-lookalike", {"allow_origins": ["http://localhost.evil.test"],
                                         "allow_credentials": True},
            (("allow_origins", "http://localhost.evil.test",
              P.INSECURE_ORIGIN_WITH_CREDENTIALS),),
            ("dangerously_allow_insecure_origins",)),
    Invalid("app-origins-malformed", {"allow_origins": [
        "chrome-extension://abc",                                   # too short
        "chrome-extension://" + "ABCDEFGHIJKLMNOP" * 2,              # upper case
        "chrome-extension://" + "q" * 32,                           # beyond a-p
        "chrome-extension://" + "a" * 32 + "/popup.html",           # a path
        "moz-extension://0D7D4A4C-5F2E-4A59-9E43-6B8D1C2F3A4B",     # Firefox: lower case
        "moz-extension://my-addon@example.com",                     # the static id
        "safari-web-extension://not-a-uuid",
        "capacitor://localhost:8080",                               # a port
        "capacitor://Localhost",
        "capacitor://",
        "ionic://local_host",
        "tauri://app.example",
    ]}, tuple(("allow_origins", v, P.INVALID_ORIGIN) for v in (
        "chrome-extension://abc",
        "chrome-extension://" + "ABCDEFGHIJKLMNOP" * 2,
        "chrome-extension://" + "q" * 32,
        "chrome-extension://" + "a" * 32 + "/popup.html",
        "moz-extension://0D7D4A4C-5F2E-4A59-9E43-6B8D1C2F3A4B",
        "moz-extension://my-addon@example.com",
        "safari-web-extension://not-a-uuid",
        "capacitor://localhost:8080",
        "capacitor://Localhost",
        "capacitor://",
        "ionic://local_host",
        "tauri://app.example",
    )), spec="issue #19: extension and WebView origins, exact and well-formed"),
    Invalid("app-origin-patterns", {"allow_origins": ["chrome-extension://*",
                                                      "capacitor://*.example.com"]},
            (("allow_origins", "chrome-extension://*", P.INVALID_ORIGIN_PATTERN),
             ("allow_origins", "capacitor://*.example.com", P.INVALID_ORIGIN_PATTERN))),
    Invalid("other-scheme", {"allow_origins": ["file://", "Chrome-Extension://" + "a" * 32]},
            (("allow_origins", "file://", P.INVALID_ORIGIN),
             ("allow_origins", "Chrome-Extension://" + "a" * 32, P.INVALID_ORIGIN))),
    Invalid("preflight-wildcards-credentials", {"allow_origins": [APP], "allow_methods": ["*"],
                                                "allow_credentials": True,
                                                "preflight_wildcards": True},
            (("preflight_wildcards", True, P.PREFLIGHT_WILDCARDS_WITH_CREDENTIALS),)),
    Invalid("new-switch-types", {"always_send_static": 1, "preflight_wildcards": "yes",
                                 "dangerously_allow_expose_wildcard_with_credentials": None},
            (("always_send_static", 1, P.INVALID_TYPE),
             ("preflight_wildcards", "yes", P.INVALID_TYPE),
             ("dangerously_allow_expose_wildcard_with_credentials", None, P.INVALID_TYPE))),
)  # fmt: skip


@pytest.mark.parametrize("row", INVALID_19, ids=[r.id for r in INVALID_19])
def test_issue_19_validation(row: Invalid) -> None:
    test_validation_collects_every_problem(row)
    if row.relax:
        flags: dict[str, Any] = dict.fromkeys(row.relax, True)
        Policy(**row.fields, **flags)


def test_the_problem_names_the_value() -> None:
    for value in ("http://[fe80::1%25eth2]:8080", "https://xn--f.example", "capacitor://x:1"):
        with pytest.raises(PolicyError) as info:
            Policy(allow_origins=[value])
        assert repr(value) in str(info.value)
    with pytest.raises(cs.InvalidOriginError, match="zone"):
        parse_origin_pattern("http://[fe80::1%25eth2]:8080")
    with pytest.raises(cs.InvalidOriginError, match="Punycode"):
        parse_origin_pattern("https://*.a.xn--f.example:*")
    assert parse_origin_pattern("https://xn--fa-hia.example").host == "xn--fa-hia.example"
    assert parse_origin_pattern("https://[fe80::1]").host == "[fe80::1]"


VALID_WITH_CREDENTIALS = (
    # Secure Contexts, "Is origin potentially trustworthy?": localhost. is localhost.
    "http://localhost.", "http://localhost.:3000", "http://*.localhost.", "http://*.localhost",
    "http://*.localhost.:*", "http://127.0.0.1.", "http://app.localhost.",
    # Extension and WebView documents come from the browser or the app, not the network.
    *APP_ORIGINS,
)  # fmt: skip


@pytest.mark.parametrize("origin", VALID_WITH_CREDENTIALS)
def test_origins_accepted_with_credentials(origin: str) -> None:
    policy = Policy(allow_origins=[origin], allow_credentials=True)
    assert validate(policy.to_mapping()) == ()
    assert Policy.from_mapping(policy.to_mapping()) == policy


def test_localhost_with_a_trailing_dot_is_loopback_and_its_own_origin() -> None:
    assert is_loopback_host("localhost.")
    assert is_loopback_host("a.b.localhost.")
    assert not is_loopback_host("localhost.evil.test")
    assert not is_loopback_host("localhost..")
    assert is_public_suffix("com.")
    policy = Policy(allow_origins=["http://*.localhost.:*"], allow_credentials=True)
    assert policy.allows_origin("http://app.localhost.:3000")
    assert not policy.allows_origin("http://app.localhost:3000")  # another origin
    assert not policy.allows_origin("http://localhost.:3000")  # subdomains only


@pytest.mark.parametrize("origin", APP_ORIGINS)
def test_extension_and_webview_origins_are_exact(origin: str) -> None:
    policy = Policy(allow_origins=[origin, APP], allow_methods=["PUT"], allow_credentials=True)
    assert policy.allow_origins == tuple(sorted((origin, APP)))  # kept as written
    assert policy.allows_origin(origin)
    assert not policy.allows_origin(origin.upper())
    assert not policy.allows_origin(origin + ":1")
    assert not policy.allows_origin(origin.replace("://", "://x"))
    assert policy.origin_patterns == (parse_origin_pattern(APP),)
    answer = policy.respond(_get(origin))
    assert (ACAO, origin) in answer.headers
    assert ("Vary", "Origin") in answer.headers
    preflight = policy.respond(_preflight(origin=origin))
    assert preflight.status == 204
    assert (ACAO, origin) in preflight.headers
    assert policy.respond(_preflight(origin=origin.upper())).status == 403


def test_an_imported_expose_star_with_credentials_is_relaxed_and_reported() -> None:
    from corsspec.server.audit import FindingCode, static_audit

    policy = from_starlette(allow_origins=[APP], allow_credentials=True, expose_headers=["*"])
    assert policy.dangerously_allow_expose_wildcard_with_credentials
    assert FindingCode.EXPOSE_WILDCARD_WITH_CREDENTIALS in static_audit(policy).codes
    flask = from_flask_cors(origins=APP, supports_credentials=True, expose_headers="*")
    assert FindingCode.EXPOSE_WILDCARD_WITH_CREDENTIALS in static_audit(flask).codes
    # Credentialed requests really see nothing through `*`; uncredentialed ones do.
    server = policy.wrap(lambda _r: cs.Response(headers=[("X-Total", "1")]))
    with_credentials = cs.evaluate(_req(credentials="include"), server)
    assert with_credentials.allowed
    assert "x-total" not in with_credentials.visible_headers
    assert "x-total" in cs.evaluate(_req(), server).visible_headers


def test_importers_keep_what_browsers_send_and_drop_what_they_cannot() -> None:
    policy = from_starlette(
        allow_origins=[EXT, "capacitor://localhost", "http://[fe80::1%25eth2]:8080",
                       "https://xn--f.example", "chrome-extension://abc", APP]
    )  # fmt: skip
    assert policy.allow_origins == ("capacitor://localhost", EXT, APP)
    assert not policy.always_send_static
    assert not from_flask_cors(origins=APP).always_send_static
    assert not from_django_cors_headers({"CORS_ALLOWED_ORIGINS": [APP]}).always_send_static


# ---------------------------------------------------------------------------------------
# Issue 19: debug mode (why a preflight was refused)
# ---------------------------------------------------------------------------------------

DEBUG_POLICY = Policy(
    allow_origins=[APP, "https://b.example.com"],
    allow_methods=["PUT"],
    allow_headers=["x-token"],
    allow_credentials=True,
    max_age=600,
)


@attrs.frozen
class Debugged:
    id: str
    request: cs.Request
    refusal: tuple[str, bool, str] | None  # (code, preflight, value)
    debug_status: int
    debug_headers: tuple[tuple[str, str], ...]
    reason: cs.ReasonCode | None  # what the browser then says (Chromium)


DEBUGGED = (
    Debugged("allowed", _preflight(headers="x-token"), None, 204, (
        (ACAO, APP), (ACAC, "true"), ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "x-token"), ("Access-Control-Max-Age", "600"),
        PREFLIGHT_VARY), None),
    Debugged("origin", _preflight(origin="https://evil.test"),
             ("origin-not-allowed", True, "https://evil.test"), 204, (PREFLIGHT_VARY,),
             cs.ReasonCode.ACAO_MISSING),
    Debugged("method", _preflight(method="PATCH"), ("method-not-allowed", True, "PATCH"), 204, (
        (ACAO, APP), (ACAC, "true"), ("Access-Control-Allow-Methods", "GET, HEAD, POST"),
        PREFLIGHT_VARY), cs.ReasonCode.METHOD_NOT_ALLOWED),
    Debugged("header", _preflight(headers="x-token,x-other"),
             ("header-not-allowed", True, "x-other"), 204, (
        (ACAO, APP), (ACAC, "true"), ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "x-token"), PREFLIGHT_VARY),
             cs.ReasonCode.HEADER_NOT_ALLOWED),
    Debugged("private-network", _raw("OPTIONS", [
        ("Origin", APP), ("Access-Control-Request-Method", "PUT"),
        ("Access-Control-Request-Private-Network", "true")]),
             ("private-network-not-allowed", True, "true"), 204, (
        (ACAO, APP), (ACAC, "true"), ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Max-Age", "600"), PREFLIGHT_VARY), None),
    Debugged("actual-origin", _get("https://evil.test"),
             ("origin-not-allowed", False, "https://evil.test"), 200, (("Vary", "Origin"),),
             None),
    Debugged("actual-without-origin", _get(None), None, 200, (("Vary", "Origin"),), None),
)  # fmt: skip


@pytest.mark.parametrize("row", DEBUGGED, ids=[r.id for r in DEBUGGED])
def test_debug_mode(row: Debugged) -> None:
    plain = DEBUG_POLICY.answer(row.request)
    # Without debug, the answer is what respond sends, and the reason stays off the wire.
    assert plain.response == DEBUG_POLICY.respond(row.request)
    got = None if plain.refusal is None else (
        plain.refusal.code.value, plain.refusal.preflight, plain.refusal.value
    )  # fmt: skip
    assert got == row.refusal
    for response in (plain.response, DEBUG_POLICY.respond(row.request, debug=True)):
        assert not any(row.refusal and row.refusal[0] in v for _, v in response.headers)
    debugged = DEBUG_POLICY.answer(row.request, debug=True)
    assert debugged.refusal == plain.refusal
    assert debugged.response == DEBUG_POLICY.respond(row.request, debug=True)
    assert (debugged.response.status, debugged.response.headers) == (
        row.debug_status, row.debug_headers
    )  # fmt: skip
    if row.refusal is not None and row.refusal[1]:
        assert plain.response.status == 403  # the plain refusal says nothing
        assert str(plain.refusal).startswith("preflight refused: " + row.refusal[0])


def test_debug_mode_makes_the_browser_name_the_failing_step(browser: cs.BrowserProfile) -> None:
    def debugging(request: cs.Request) -> cs.Response:
        return DEBUG_POLICY.respond(request, debug=True)

    for row in DEBUGGED:
        if row.reason is None:
            continue
        headers = [("X-Token", "1"), ("X-Other", "1")] if row.id == "header" else []
        method = "PATCH" if row.id == "method" else "PUT"
        origin = "https://evil.test" if row.id == "origin" else APP
        request = _req(method=method, origin=origin, headers=headers, credentials="include")
        plain = cs.evaluate(request, DEBUG_POLICY, browser=browser)
        debugged = cs.evaluate(request, debugging, browser=browser)
        assert not plain.allowed
        assert not debugged.allowed
        assert debugged.reason is not None
        assert debugged.reason.code is row.reason
        if row.id != "origin":
            assert plain.reason is not None
            assert plain.reason.code is not row.reason


def test_debug_mode_through_a_wrapped_application() -> None:
    passing = attrs.evolve(DEBUG_POLICY, preflight_passthrough=True).wrap(
        lambda _r: cs.Response(status=200, headers=[("X-App", "1")])
    )
    answer = passing.answer(_preflight(method="PATCH"), debug=True)
    assert answer.refusal is not None
    assert answer.refusal.code.value == "method-not-allowed"
    assert answer.response.headers[0] == ("X-App", "1")
    assert (ACAO, APP) in answer.response.headers
    assert passing.answer(_preflight(method="PATCH")).response == passing.respond(
        _preflight(method="PATCH")
    )
    assert DEBUG_POLICY.wrap(lambda _r: cs.Response()).answer(_get()).refusal is None


# ---------------------------------------------------------------------------------------
# Issue 19: literal `*` in preflight answers (preflight_wildcards)
# ---------------------------------------------------------------------------------------

WILD = Policy(allow_origins=["*"], allow_methods=["*"], allow_headers=["*"], max_age=600,
              preflight_wildcards=True)  # fmt: skip
WILD_VARY = ("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")

WILDCARD_ANSWERS = (
    Answer("wildcards", WILD, _preflight(method="PATCH", headers="x-a"), 204, (
        (ACAO, "*"), ("Access-Control-Allow-Methods", "*"),
        ("Access-Control-Allow-Headers", "*, authorization"), ("Access-Control-Max-Age", "600"),
        WILD_VARY)),
    Answer("wildcards-safelisted-method", WILD, _preflight(method="GET"), 204, (
        (ACAO, "*"), ("Access-Control-Allow-Methods", "*"),
        ("Access-Control-Allow-Headers", "*, authorization"), ("Access-Control-Max-Age", "600"),
        WILD_VARY)),
    Answer("wildcards-refuse-non-tokens", WILD, _preflight(method="PATCH", headers="x a"), 403,
           (WILD_VARY,)),
    Answer("wildcard-headers-only", attrs.evolve(WILD, allow_methods=["PUT"]),
           _preflight(method="PUT", headers="authorization"), 204, (
        (ACAO, "*"), ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "*, authorization"), ("Access-Control-Max-Age", "600"),
        WILD_VARY)),
    Answer("wildcard-methods-only", attrs.evolve(WILD, allow_headers=["x-a"]),
           _preflight(method="PATCH", headers="x-a"), 204, (
        (ACAO, "*"), ("Access-Control-Allow-Methods", "*"),
        ("Access-Control-Allow-Headers", "x-a"), ("Access-Control-Max-Age", "600"), WILD_VARY)),
    Answer("exact-origin", attrs.evolve(WILD, allow_origins=[APP]),
           _preflight(method="PATCH", headers="x-a"), 204, (
        (ACAO, APP), ("Access-Control-Allow-Methods", "*"),
        ("Access-Control-Allow-Headers", "*, authorization"), ("Access-Control-Max-Age", "600"),
        PREFLIGHT_VARY)),
    Answer("default-echoes", attrs.evolve(WILD, preflight_wildcards=False),
           _preflight(method="PATCH", headers="x-a"), 204, (
        (ACAO, "*"), ("Access-Control-Allow-Methods", "PATCH"),
        ("Access-Control-Allow-Headers", "x-a"), ("Access-Control-Max-Age", "600"), WILD_VARY)),
)  # fmt: skip


@pytest.mark.parametrize("row", WILDCARD_ANSWERS, ids=[r.id for r in WILDCARD_ANSWERS])
def test_preflight_wildcard_answers(row: Answer) -> None:
    response = row.policy.respond(row.request)
    assert (response.status, response.headers) == (row.status, row.headers)


WILDCARD_VERDICTS = (
    Verdict("patch-custom", WILD, _req(method="PATCH", headers=[("X-A", "1")]), True),
    Verdict("authorization", WILD, _req(method="PUT", headers=[("Authorization", "x")]), True),
    Verdict("credentialed", WILD, _req(method="PUT", credentials="include"), False),
    Verdict("header-only-authorization", attrs.evolve(WILD, allow_methods=["PUT"]),
            _req(method="PUT", headers=[("Authorization", "x"), ("X-B", "2")]), True),
)  # fmt: skip


@pytest.mark.parametrize("row", WILDCARD_VERDICTS, ids=[r.id for r in WILDCARD_VERDICTS])
def test_preflight_wildcards_keep_the_verdicts(row: Verdict, browser: cs.BrowserProfile) -> None:
    test_evaluate_and_allows_agree(row, browser)
    echo = attrs.evolve(row.policy, preflight_wildcards=False)
    assert cs.evaluate(row.request, echo, browser=browser).allowed is row.allowed


def test_preflight_wildcards_let_the_preflight_cache_cover_later_requests(
    browser: cs.BrowserProfile,
) -> None:
    first = _req(method="PATCH", headers=[("X-A", "1")])
    later = (
        _req(method="PUT", headers=[("X-B", "1")]),
        _req(method="DELETE", headers=[("Authorization", "x"), ("X-C", "1")]),
    )
    # Firefox stores a cached `*` literally (nsPreflightCache; CacheWildcard.NEVER): there
    # the option saves nothing, and costs nothing either.
    saved = 0 if browser.cache_wildcard is CacheWildcard.NEVER else 2
    for policy, preflights in (
        (WILD, 2 - saved),
        (attrs.evolve(WILD, preflight_wildcards=False), 2),
    ):
        ev = cs.evaluate(first, policy, browser=browser, cache=cs.PreflightCache(), now=0.0)
        assert ev.allowed
        assert ev.preflight is not None
        cache = ev.cache
        sent = 0
        for request in later:
            ev = cs.evaluate(request, policy, browser=browser, cache=cache, now=1.0)
            assert ev.allowed, ev.reason
            sent += ev.preflight is not None
            cache = ev.cache
        assert sent == preflights


def test_the_policy_page_runs() -> None:
    """Every python block of docs/policy.md runs, in order, so the page stays true."""
    page = Path(__file__).resolve().parents[2] / "docs" / "policy.md"
    found = re.findall(r"^```python\n(.*?)^```", page.read_text("utf-8"), re.M | re.S)
    assert len(found) >= 6
    namespace: dict[str, object] = {"__name__": "docs_policy"}
    for number, code in enumerate(found, 1):
        exec(compile(code, f"docs/policy.md block {number}", "exec"), namespace)


STATIC_AUDIT_VARY = (
    # (id, policy, the static audit reports missing-vary-origin)
    ("any-origin", Policy(allow_origins=["*"]), False),
    ("starlette-any-origin", from_starlette(allow_origins=["*"]), True),
    ("any-origin-only-with-origin", Policy(allow_origins=["*"], always_send_static=False), True),
    ("static-origin-vary-never", Policy(allow_origins=[APP], vary="never"), False),
    ("static-origin-vary-never-only-with-origin",
     Policy(allow_origins=[APP], vary="never", always_send_static=False), True),
    ("two-origins-vary-never", Policy(allow_origins=[APP, "https://b.example"], vary="never"),
     True),
    ("starlette-one-origin", from_starlette(allow_origins=[APP]), False),  # it sends Vary
)  # fmt: skip


@pytest.mark.parametrize(
    ("policy", "reported"),
    [c[1:] for c in STATIC_AUDIT_VARY],
    ids=[c[0] for c in STATIC_AUDIT_VARY],
)
def test_the_static_audit_reports_answers_a_cache_can_mix_up(
    policy: Policy, reported: bool
) -> None:
    from corsspec.server.audit import FindingCode, static_audit

    assert (FindingCode.MISSING_VARY in static_audit(policy).codes) is reported
    # The same question asked of the answers themselves: through a shared cache, a
    # cross-origin fetch after a same-origin one fails exactly when the audit says so.
    cache = SharedCache(server=policy)
    same = cs.Request(url=API, origin="https://api.example.com")
    cs.evaluate(same, cache)
    for origin in (APP, "https://b.example"):
        cross = cs.Request(url=API, origin=origin)
        if policy.allows(cross):
            assert cs.evaluate(cross, cache).allowed is not reported

"""Unit tables for corsspec.server.audit: static findings on policies, probes, and the active
audit of servers (policies, canned exchanges, plain callables)."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

import corsspec as cs
from corsspec.server.audit import (
    ATTACKER_DOMAIN,
    FIXES,
    AuditReport,
    Finding,
    FindingCode,
    ProbeKind,
    Severity,
    active_audit,
    probe_origins,
    static_audit,
)
from corsspec.server.policy import OriginRegex, Policy

APP = "https://app.example.com"
API = "https://api.example.com/items"
F = FindingCode
S = Severity


def test_every_code_has_a_fix_and_kebab_value() -> None:
    assert set(FIXES) == set(FindingCode)
    for code in FindingCode:
        assert code.value == code.value.lower()
        assert " " not in code.value
    assert [s.rank for s in Severity] == [0, 1, 2, 3]


# ---------------------------------------------------------------------------------------
# Probes
# ---------------------------------------------------------------------------------------


def test_probe_origins_are_valid_distinct_and_cover_the_taxonomy() -> None:
    probes = probe_origins(APP)
    origins = [p.origin for p in probes]
    assert len(origins) == len(set(origins))
    assert APP not in origins
    for origin in origins:
        assert cs.parse_origin(origin).serialize() == origin
    assert {p.kind for p in probes} == set(ProbeKind)
    by_kind = {p.kind: p.origin for p in reversed(probes)}
    assert by_kind[ProbeKind.REFLECTED] == f"https://{ATTACKER_DOMAIN}"
    assert by_kind[ProbeKind.PREFIX] == f"{APP}.{ATTACKER_DOMAIN}"
    assert by_kind[ProbeKind.SUFFIX] == "https://attackerexample.com"
    assert by_kind[ProbeKind.UNESCAPED_DOT] == "https://appxexample.com"
    assert by_kind[ProbeKind.HTTP_DOWNGRADE] == "http://app.example.com"
    assert by_kind[ProbeKind.ANY_SUBDOMAIN] == "https://attacker.app.example.com"


def test_probes_use_the_registrable_domain() -> None:
    kinds = {(p.kind, p.origin) for p in probe_origins("https://shop.example.co.uk:8443")}
    assert (ProbeKind.SUFFIX, "https://attackerexample.co.uk:8443") in kinds
    assert all(p.kind is not ProbeKind.HTTP_DOWNGRADE for p in probe_origins("http://a.example"))
    # Three-label suffixes: the registrable domain is the longest rule plus one label.
    kinds = {(p.kind, p.origin) for p in probe_origins("https://web.bucket.s3.amazonaws.com")}
    assert (ProbeKind.SUFFIX, "https://attackerbucket.s3.amazonaws.com") in kinds


# ---------------------------------------------------------------------------------------
# Static audit
# ---------------------------------------------------------------------------------------


@attrs.frozen
class Static:
    id: str
    policy: Policy
    expect: tuple[tuple[FindingCode, Severity], ...]
    absent: tuple[FindingCode, ...] = ()
    spec: str = "peers.md 2.2"
    bug: str | None = None


STATIC = (
    Static("exact-safe", Policy(allow_origins=[APP], allow_credentials=True), (),
           absent=tuple(FindingCode)),
    Static("reflect-credentials", Policy(allow_origins=["*"], allow_credentials=True,
           dangerously_allow_any_origin_with_credentials=True),
           ((F.REFLECTION_WITH_CREDENTIALS, S.HIGH),)),
    Static("reflect", Policy(allow_origins=["*"], reflect_any_origin=True),
           ((F.ORIGIN_REFLECTION, S.LOW),)),
    Static("wildcard", Policy(allow_origins=["*"]), ((F.WILDCARD_ORIGIN, S.INFO),)),
    Static("pna-any", Policy(allow_origins=["*"], allow_private_network=True,
           dangerously_allow_private_network_from_any_origin=True),
           ((F.PRIVATE_NETWORK_ANY_ORIGIN, S.HIGH),)),
    Static("null-credentials", Policy(allow_origins=["null"], allow_credentials=True,
           dangerously_allow_null_origin=True), ((F.NULL_ORIGIN, S.HIGH),)),
    Static("null", Policy(allow_origins=["null"], dangerously_allow_null_origin=True),
           ((F.NULL_ORIGIN, S.LOW),)),
    Static("http-credentials", Policy(allow_origins=["http://app.example.com"],
           allow_credentials=True, dangerously_allow_insecure_origins=True),
           ((F.INSECURE_ORIGIN, S.HIGH),)),
    Static("http-localhost", Policy(allow_origins=["http://localhost:*"], allow_credentials=True),
           (), absent=(F.INSECURE_ORIGIN,)),
    Static("subdomains-credentials", Policy(allow_origins=["https://*.example.com"],
           allow_credentials=True), ((F.ANY_SUBDOMAIN, S.MEDIUM),)),
    Static("public-suffix", Policy(allow_origins=["https://*.github.io"], allow_credentials=True,
           dangerously_allow_public_suffix_wildcards=True),
           ((F.PUBLIC_SUFFIX_WILDCARD, S.HIGH),), absent=(F.ANY_SUBDOMAIN,)),
    Static("third-party", Policy(allow_origins=["https://codepen.io"], allow_credentials=True),
           ((F.THIRD_PARTY_ORIGIN, S.HIGH),)),
    Static("regex-suffix", Policy(allow_origin_regexes=[r"https://.*example\.com"],
           allow_credentials=True),
           ((F.SUFFIX_MATCH, S.HIGH), (F.ORIGIN_REGEX, S.INFO))),
    Static("regex-prefix", Policy(allow_origin_regexes=[OriginRegex(
           pattern=r"https://app\.example\.com", prefix=True)], allow_credentials=True,
           dangerously_allow_prefix_regexes=True),
           ((F.PREFIX_MATCH, S.HIGH), (F.SPECIAL_CHARACTER, S.HIGH))),
    Static("regex-prefix-anchored", Policy(allow_origin_regexes=[OriginRegex(
           pattern=r"^https://app\.example\.com$", prefix=True)], allow_credentials=True,
           dangerously_allow_prefix_regexes=True), ((F.ORIGIN_REGEX, S.INFO),),
           absent=(F.PREFIX_MATCH, F.UNESCAPED_DOT)),
    Static("regex-dot", Policy(allow_origin_regexes=[r"https://app.example.com"]),
           ((F.UNESCAPED_DOT, S.LOW),)),
    Static("regex-unreadable-prefix", Policy(allow_origin_regexes=[OriginRegex(
           pattern=r"(?i)h[t]{2}ps?://(ab|cd)", prefix=True)],
           dangerously_allow_prefix_regexes=True), ((F.PREFIX_MATCH, S.MEDIUM),)),
    Static("vary-never", Policy(allow_origins=[APP], vary="never", always_send_static=False),
           ((F.MISSING_VARY, S.MEDIUM),)),
    Static("vary-any-origin-star", Policy(allow_origins=["*"], vary="never"), (),
           absent=(F.MISSING_VARY,)),
    Static("literal-star", Policy(allow_origins=[APP], allow_headers=["*"], allow_methods=["*"],
           allow_credentials=True, static_lists=True),
           ((F.WILDCARD_HEADERS_AUTHORIZATION, S.INFO),
            (F.LITERAL_WILDCARD_WITH_CREDENTIALS, S.INFO))),
    Static("expose-star-credentials", Policy(allow_origins=[APP], expose_headers=["*"],
           allow_credentials=True, dangerously_allow_expose_wildcard_with_credentials=True),
           ((F.EXPOSE_WILDCARD_WITH_CREDENTIALS, S.INFO),)),
    Static("forbidden-names", Policy(allow_methods=["TRACE"], allow_headers=["cookie"],
           dangerously_allow_forbidden_names=True), ((F.FORBIDDEN_NAMES, S.INFO),)),
    Static("max-age", Policy(max_age=10**6, dangerously_allow_max_age_out_of_range=True),
           ((F.MAX_AGE_OUT_OF_RANGE, S.INFO),)),
)  # fmt: skip


@pytest.mark.parametrize("row", STATIC, ids=[r.id for r in STATIC])
def test_static_audit(row: Static) -> None:
    report = static_audit(row.policy)
    found = {(f.code, f.severity) for f in report.findings}
    assert set(row.expect) <= found, report
    codes = {f.code for f in report.findings}
    assert not codes & set(row.absent), report
    ranks = [f.severity.rank for f in report.findings]
    assert ranks == sorted(ranks, reverse=True)
    for finding in report.findings:
        assert finding.fix == FIXES[finding.code]
        if finding.severity.rank >= S.LOW.rank and finding.origins:
            assert finding.evidence is not None
            assert finding.evidence.request.url.serialize() == "https://api.example.test/resource"


def test_static_evidence_shows_what_the_policy_answers() -> None:
    policy = Policy(
        allow_origins=["*"],
        allow_credentials=True,
        dangerously_allow_any_origin_with_credentials=True,
    )
    (finding,) = static_audit(policy).findings
    assert finding.evidence is not None
    assert finding.evidence.allowed
    assert ("Origin", f"https://{ATTACKER_DOMAIN}") in finding.evidence.request.headers
    assert ("Access-Control-Allow-Credentials", "true") in finding.evidence.response_headers


def test_static_audit_probes_regexes_with_the_callers_origins() -> None:
    policy = Policy(allow_origin_regexes=[r"https://(app|www)\.example\.com.*"])
    report = static_audit(policy, legit_origins=["https://www.example.com"])
    assert F.PREFIX_MATCH in report.codes


# ---------------------------------------------------------------------------------------
# Active audit
# ---------------------------------------------------------------------------------------


def _reflector(credentials: bool = True, vary: bool = True) -> Callable[[cs.Request], cs.Response]:
    """The classic bug: echo whatever Origin arrives."""

    def respond(request: cs.Request) -> cs.Response:
        origin = dict(request.headers).get("Origin")
        headers = [("Vary", "Origin")] if vary else []
        if origin is not None:
            headers.append(("Access-Control-Allow-Origin", origin))
            if credentials:
                headers.append(("Access-Control-Allow-Credentials", "true"))
        return cs.Response(status=200, headers=headers)

    return respond


def _audit(server: object, **kwargs: object) -> AuditReport:
    return active_audit(server, target_url=API, legit_origin=APP, **kwargs)  # type: ignore[arg-type]


def test_active_audit_of_a_safe_policy_finds_nothing() -> None:
    policy = Policy(allow_origins=[APP], allow_credentials=True, allow_methods=["PUT"])
    assert _audit(policy).findings == ()
    assert _audit(policy, method="PUT", headers=[("X-A", "1")]).codes == {F.LEGIT_REQUEST_BLOCKED}


def test_active_audit_catches_reflection_with_credentials_once() -> None:
    report = _audit(_reflector())
    assert report.codes >= {F.REFLECTION_WITH_CREDENTIALS, F.NULL_ORIGIN}
    assert not report.codes & {F.PREFIX_MATCH, F.SUFFIX_MATCH, F.SPECIAL_CHARACTER}
    (finding,) = [f for f in report.findings if f.code is F.REFLECTION_WITH_CREDENTIALS]
    assert finding.severity is S.HIGH
    assert finding.browsers == ("chromium", "firefox", "webkit")
    assert finding.evidence is not None
    assert finding.evidence.allowed
    assert report.worst is S.HIGH
    assert report.at_least(S.HIGH)


def test_active_audit_without_credentials_is_low() -> None:
    report = _audit(_reflector(credentials=False))
    (finding,) = [f for f in report.findings if f.code is F.ORIGIN_REFLECTION]
    assert finding.severity is S.LOW


def test_active_audit_reports_a_public_wildcard_once_as_information() -> None:
    report = _audit(Policy(allow_origins=["*"]))
    assert [f.code for f in report.findings] == [F.WILDCARD_ORIGIN]


def test_active_audit_of_policies_matches_the_static_taxonomy() -> None:
    cases = {
        F.PREFIX_MATCH: Policy(
            allow_origin_regexes=[OriginRegex(pattern=r"https://app\.example\.com", prefix=True)],
            allow_credentials=True,
            dangerously_allow_prefix_regexes=True,
        ),
        F.SUFFIX_MATCH: Policy(allow_origin_regexes=[r"https://.*example\.com"]),
        F.UNESCAPED_DOT: Policy(allow_origin_regexes=[r"https://app.example.com"]),
        F.INSECURE_ORIGIN: Policy(allow_origins=[APP, "http://app.example.com"]),
        F.ANY_SUBDOMAIN: Policy(allow_origins=[APP, "https://*.example.com"]),
        F.NULL_ORIGIN: Policy(allow_origins=[APP, "null"], dangerously_allow_null_origin=True),
        F.THIRD_PARTY_ORIGIN: Policy(allow_origins=[APP, "https://codepen.io"]),
        F.SUBSTRING_MATCH: Policy(allow_origin_regexes=[r"https://.*ample\.com"]),
    }
    for code, policy in cases.items():
        report = _audit(policy)
        assert code in report.codes, (code, str(report))


def test_trusted_origins_are_not_reported() -> None:
    policy = Policy(allow_origins=[APP, "http://app.example.com"])
    assert F.INSECURE_ORIGIN not in _audit(policy, trusted_origins=["http://app.example.com"]).codes


def test_passive_checks() -> None:
    def star_with_credentials(request: cs.Request) -> cs.Response:
        return cs.Response(
            headers=[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Credentials", "true"),
            ]
        )

    assert F.WILDCARD_WITH_CREDENTIALS in _audit(star_with_credentials).codes

    def listing(request: cs.Request) -> cs.Response:
        return cs.Response(headers=[("Access-Control-Allow-Origin", f"{APP}, https://b.example")])

    report = _audit(listing)
    assert F.MULTIPLE_ACAO in report.codes
    assert F.LEGIT_REQUEST_BLOCKED in report.codes


def test_missing_vary_is_judged_by_what_a_cache_would_serve() -> None:
    flaky = _audit(Policy(allow_origins=[APP], vary="never", always_send_static=False))
    (finding,) = [f for f in flaky.findings if f.code is F.MISSING_VARY]
    assert finding.severity is S.MEDIUM
    assert finding.evidence is not None
    assert not finding.evidence.allowed  # the cached answer blocks the legitimate origin

    def star_for_app_only(request: cs.Request) -> cs.Response:
        origin = dict(request.headers).get("Origin")
        return cs.Response(headers=[("Access-Control-Allow-Origin", "*")] if origin == APP else [])

    leak = _audit(star_for_app_only)
    assert any(f.code is F.MISSING_VARY and f.severity is S.HIGH for f in leak.findings)
    assert F.MISSING_VARY not in _audit(_reflector(credentials=False)).codes


def test_error_responses_without_cors_headers() -> None:
    def app(request: cs.Request) -> cs.Response:
        return cs.Response(status=500 if request.url.path.endswith("/boom") else 200)

    policy = Policy(allow_origins=[APP])
    good = policy.wrap(app)
    assert F.ERROR_WITHOUT_CORS not in _audit(good, error_urls=[API + "/boom"]).codes

    def outer(request: cs.Request) -> cs.Response:
        if request.url.path.endswith("/boom"):
            return cs.Response(status=500)  # an error page produced outside the middleware
        return good.respond(request)

    report = _audit(outer, error_urls=[API + "/boom"])
    (finding,) = [f for f in report.findings if f.code is F.ERROR_WITHOUT_CORS]
    assert finding.severity is S.LOW
    assert finding.evidence is not None
    assert finding.evidence.status == 500


def test_report_helpers() -> None:
    report = AuditReport(
        findings=(
            Finding(code=F.NULL_ORIGIN, severity=S.HIGH, detail="a"),
            Finding(code=F.WILDCARD_ORIGIN, severity=S.INFO, detail="b"),
        )
    )
    assert len(report) == 2
    assert [f.code for f in report] == [F.NULL_ORIGIN, F.WILDCARD_ORIGIN]
    assert report.at_least(S.LOW) == report.findings[:1]
    assert "[high] null-origin-trusted: a" in str(report)
    assert AuditReport().worst is None
    assert str(AuditReport()) == "no findings"

"""Security findings for CORS configurations: on a :class:`~corsspec.server.policy.Policy`
(static) and on any server corsspec can talk to (active).

The findings follow the scanners' misconfiguration taxonomy (Corsy, CORScanner,
corsair_scan, PortSwigger's research; see ``peers.md`` section 2.2). Each has a stable
:class:`FindingCode`, a :class:`Severity`, evidence (the request that shows it and the
answer's headers) and a fix.

The active audit sends the scanners' probes — an attacker origin, ``null``, look-alikes
of the legitimate origin (prefix, suffix, substring, unescaped dot, special characters),
an ``http`` downgrade, an arbitrary subdomain, third-party code hosts — and judges every
answer with :func:`corsspec.evaluate` under each browser profile. A probe becomes a
finding only when a browser would let the probe's origin read the response (with
credentials: high; without: low, unless the server answers ``*`` to everyone, which is a
public resource and reported once as information). It also checks that answers which
depend on ``Origin`` say so in ``Vary`` (judging what a cache would serve to the other
origin), that error responses carry CORS headers, and that the legitimate request works.

The active audit is safe to point at a live server: it sends only ``GET``, ``HEAD`` and
``OPTIONS`` to a live server (one whose adapter says ``live = True``, as
:class:`corsspec.adapters.http.HttpServer` does) unless the caller passes
``dangerously_allow_unsafe_methods=True``; it never sends a request body to a live
server; it follows redirects only to the target's own host unless
``dangerously_follow_redirects_off_host=True`` (and even then, from a loopback target
never to a private or link-local address literal); it stops at a request and a time
budget (:data:`DEFAULT_MAX_REQUESTS`, :data:`DEFAULT_MAX_SECONDS`) with a partial report
that says so; and the report lists every request it sent or refused.
"""

from __future__ import annotations

import contextlib
import enum
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol

import attrs

from corsspec.engine.browsers import ALL_BROWSERS, CHROMIUM, BrowserProfile
from corsspec.engine.fetch import Evaluation, Exchange, ServerLike, evaluate
from corsspec.engine.headers import HeaderPairs, get_decode_split
from corsspec.engine.model import Body, Request, Response
from corsspec.engine.safelist import (
    FORBIDDEN_RESPONSE_HEADER_NAMES,
    is_forbidden_method,
    is_forbidden_request_header,
)
from corsspec.engine.sites import is_public_suffix, registrable_domain
from corsspec.engine.url import URL, parse_origin, parse_url
from corsspec.errors import CorsspecError, InvalidRequestError, RequestProblem
from corsspec.findings import Severity
from corsspec.server.policy import (
    OriginPattern,
    OriginRegex,
    Policy,
    VaryMode,
    is_app_origin,
    is_loopback_host,
)

__all__ = [
    "ATTACKER_DOMAIN",
    "DEFAULT_MAX_REQUESTS",
    "DEFAULT_MAX_SECONDS",
    "FIXES",
    "SAFE_METHODS",
    "THIRD_PARTY_CODE_HOSTS",
    "AuditReport",
    "AuditRequest",
    "Evidence",
    "Finding",
    "FindingCode",
    "Probe",
    "ProbeKind",
    "Severity",
    "active_audit",
    "probe_origins",
    "static_audit",
]


def __dir__() -> list[str]:
    return __all__


class FindingCode(enum.Enum):
    """One member per misconfiguration class (stable, kebab-case)."""

    ORIGIN_REFLECTION = "origin-reflection"
    REFLECTION_WITH_CREDENTIALS = "origin-reflection-with-credentials"
    WILDCARD_ORIGIN = "wildcard-origin"
    WILDCARD_WITH_CREDENTIALS = "wildcard-with-credentials"
    NULL_ORIGIN = "null-origin-trusted"
    PREFIX_MATCH = "prefix-match"
    SUFFIX_MATCH = "suffix-match"
    SUBSTRING_MATCH = "substring-match"
    UNESCAPED_DOT = "unescaped-dot"
    SPECIAL_CHARACTER = "special-character-bypass"
    INSECURE_ORIGIN = "insecure-origin-trusted"
    ANY_SUBDOMAIN = "any-subdomain-trusted"
    PUBLIC_SUFFIX_WILDCARD = "public-suffix-wildcard"
    THIRD_PARTY_ORIGIN = "third-party-origin-trusted"
    MISSING_VARY = "missing-vary-origin"
    MULTIPLE_ACAO = "multiple-acao-values"
    WILDCARD_HEADERS_AUTHORIZATION = "wildcard-allow-headers-authorization"
    LITERAL_WILDCARD_WITH_CREDENTIALS = "literal-wildcard-with-credentials"
    EXPOSE_WILDCARD_WITH_CREDENTIALS = "expose-wildcard-with-credentials"
    PRIVATE_NETWORK_ANY_ORIGIN = "private-network-any-origin"
    ORIGIN_REGEX = "origin-regex"
    FORBIDDEN_NAMES = "forbidden-names-listed"
    MAX_AGE_OUT_OF_RANGE = "max-age-out-of-range"
    ERROR_WITHOUT_CORS = "error-response-without-cors"
    LEGIT_REQUEST_BLOCKED = "legit-request-blocked"


#: How to fix each class (codes are data; this is the wording table).
FIXES: dict[FindingCode, str] = {
    FindingCode.ORIGIN_REFLECTION: (
        "Echo the Origin only when it is on an explicit allow-list; if the resource is "
        "really public, send `Access-Control-Allow-Origin: *` instead of reflecting."
    ),
    FindingCode.REFLECTION_WITH_CREDENTIALS: (
        "Never combine 'any origin' with credentials: list the origins that may read "
        "users' data (exact origins or https://*.your-domain patterns)."
    ),
    FindingCode.WILDCARD_ORIGIN: (
        "Fine for public, unauthenticated data; make sure nothing behind it depends on "
        "the network position (intranet) of the visitor."
    ),
    FindingCode.WILDCARD_WITH_CREDENTIALS: (
        "Browsers reject `*` with credentials, so the intended clients fail; list the "
        "origins and echo the matching one, or drop Access-Control-Allow-Credentials."
    ),
    FindingCode.NULL_ORIGIN: (
        "Remove `null` from the allowed origins: sandboxed iframes and data: URLs on any "
        "site send `Origin: null`."
    ),
    FindingCode.PREFIX_MATCH: (
        "Anchor origin matching at the end: compare whole origins, or use a full-match "
        "regex (`re.fullmatch`, or `$` at the end with `re.match`)."
    ),
    FindingCode.SUFFIX_MATCH: (
        "Match whole host labels: `https://*.example.com` (or `(?:[a-z0-9-]+\\.)?example\\.com`), "
        "never a bare `endswith('example.com')` or `.*example\\.com`."
    ),
    FindingCode.SUBSTRING_MATCH: (
        "Compare whole origins; substring tests (`in`, `re.search`) accept look-alike domains."
    ),
    FindingCode.UNESCAPED_DOT: (
        "Escape dots in origin regexes (`\\.`): an unescaped `.` matches any character."
    ),
    FindingCode.SPECIAL_CHARACTER: (
        "Parse the origin before matching and compare hosts label by label; character "
        "classes like `[^.]` or `\\w` let `_`, backticks or braces through."
    ),
    FindingCode.INSECURE_ORIGIN: (
        "Allow only https:// origins: an http:// origin can be impersonated by anyone on "
        "the network path, and with credentials it exposes users' data."
    ),
    FindingCode.ANY_SUBDOMAIN: (
        "Trust only the subdomains you need: a takeover or XSS on any subdomain becomes a "
        "cross-origin read of this resource."
    ),
    FindingCode.PUBLIC_SUFFIX_WILDCARD: (
        "Remove wildcards over public suffixes (`*.github.io`, `*.co.uk`): anyone can "
        "register a site there."
    ),
    FindingCode.THIRD_PARTY_ORIGIN: (
        "Do not trust origins that run other people's code (code playgrounds, shared "
        "hosting apexes)."
    ),
    FindingCode.MISSING_VARY: (
        "Add `Vary: Origin` to every response whose CORS headers depend on the Origin "
        "(allowed or not), so caches never serve one origin's answer to another."
    ),
    FindingCode.MULTIPLE_ACAO: (
        "Send exactly one origin in Access-Control-Allow-Origin: pick the request's origin "
        "from the allow-list; browsers reject lists."
    ),
    FindingCode.WILDCARD_HEADERS_AUTHORIZATION: (
        "List `Authorization` explicitly: the Fetch standard says `*` does not cover it "
        "(whatwg/fetch#1919); browsers are lenient today but may not stay so."
    ),
    FindingCode.LITERAL_WILDCARD_WITH_CREDENTIALS: (
        "A literal `*` in Access-Control-Allow-Methods/-Headers is a wildcard only for "
        "requests without credentials; list the names, or echo the requested ones."
    ),
    FindingCode.EXPOSE_WILDCARD_WITH_CREDENTIALS: (
        "`Access-Control-Expose-Headers: *` exposes nothing extra to credentialed "
        "requests; list the header names."
    ),
    FindingCode.PRIVATE_NETWORK_ANY_ORIGIN: (
        "Grant private-network access only to the origins that need it, never to any origin. "
        "The Private Network Access preflight is superseded by Local Network Access (a user "
        "permission in Chromium 142+, which no server header grants), so this matters only "
        "for browsers that still send Access-Control-Request-Private-Network."
    ),
    FindingCode.ORIGIN_REGEX: (
        "Prefer exact origins and structured patterns; keep regexes anchored, escaped, "
        "and covered by tests with look-alike origins."
    ),
    FindingCode.FORBIDDEN_NAMES: (
        "Remove methods and headers that browsers never let script use; they have no effect."
    ),
    FindingCode.MAX_AGE_OUT_OF_RANGE: (
        "Use a max-age between 0 and 86400 seconds; browsers cap it (Chromium at 7200)."
    ),
    FindingCode.ERROR_WITHOUT_CORS: (
        "Add CORS headers to error responses too (put the CORS middleware outermost), or "
        "the client sees a CORS error instead of the real status."
    ),
    FindingCode.LEGIT_REQUEST_BLOCKED: (
        "The legitimate client cannot read the response; see the evidence and the reason."
    ),
}


@attrs.frozen(kw_only=True)
class Evidence:
    """What shows a finding: the request a server saw and its answer."""

    request: Request
    status: int | None
    response_headers: HeaderPairs
    #: The browser profile the verdict is for (None: not browser-specific).
    browser: str | None = None
    #: Whether the browser let script read the answer.
    allowed: bool | None = None
    #: Why it was blocked (a ReasonCode value), when it was.
    reason: str | None = None

    @classmethod
    def from_evaluation(cls, evaluation: Evaluation) -> Evidence:
        """The last request sent and its answer (the request itself if nothing was sent)."""
        request = evaluation.sent[-1] if evaluation.sent else evaluation.request
        response = evaluation.responses[-1] if evaluation.responses else None
        return cls(
            request=request,
            status=None if response is None else response.status,
            response_headers=() if response is None else response.headers,
            browser=evaluation.browser.name,
            allowed=evaluation.allowed,
            reason=None if evaluation.reason is None else evaluation.reason.code.value,
        )


@attrs.frozen(kw_only=True)
class Finding:
    """One misconfiguration: code, severity, what was seen, evidence, and the fix."""

    code: FindingCode
    severity: Severity
    detail: str
    evidence: Evidence | None = None
    #: Origins that got through (probes), sorted.
    origins: tuple[str, ...] = ()
    #: Browser profiles where it applies, in profile order.
    browsers: tuple[str, ...] = ()

    @property
    def fix(self) -> str:
        """How to fix this class of misconfiguration."""
        return FIXES[self.code]

    def __str__(self) -> str:
        return f"[{self.severity.value}] {self.code.value}: {self.detail}"


@attrs.frozen(kw_only=True)
class AuditRequest:
    """One request the active audit sent to the server (or refused to send)."""

    method: str
    #: The URL, without its fragment.
    url: str
    #: The ``Origin`` the request carried (None: none).
    origin: str | None
    #: ``"sent"``, or why it was not: ``"off-host-redirect"``, ``"unsafe-method"``.
    outcome: str
    #: Whether a request body was dropped before sending (bodies never go to a live server).
    body_dropped: bool = False


@attrs.frozen(kw_only=True)
class AuditReport:
    """The findings of one audit, most severe first (then by code)."""

    findings: tuple[Finding, ...] = ()
    #: Active audit: every request sent or refused, in order.
    requests: tuple[AuditRequest, ...] = ()
    #: False when the audit stopped early (its budget ran out); then ``stopped`` says why
    #: and the findings cover only what was probed before.
    complete: bool = True
    stopped: str | None = None

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def codes(self) -> frozenset[FindingCode]:
        """The distinct codes found."""
        return frozenset(f.code for f in self.findings)

    @property
    def worst(self) -> Severity | None:
        """The highest severity found (None when there is no finding)."""
        if not self.findings:
            return None
        return max((f.severity for f in self.findings), key=lambda s: s.rank)

    def at_least(self, severity: Severity) -> tuple[Finding, ...]:
        """Findings of ``severity`` or worse."""
        return tuple(f for f in self.findings if f.severity.rank >= severity.rank)

    def __str__(self) -> str:
        lines = [str(f) for f in self.findings] or ["no findings"]
        if not self.complete:
            lines.append(f"(partial audit: {self.stopped})")
        return "\n".join(lines)


def _report(findings: Iterable[Finding]) -> AuditReport:
    unique: dict[tuple[FindingCode, str], Finding] = {}
    for finding in findings:
        unique.setdefault((finding.code, finding.detail), finding)
    ordered = sorted(unique.values(), key=lambda f: (-f.severity.rank, f.code.value, f.detail))
    return AuditReport(findings=tuple(ordered))


# ---------------------------------------------------------------------------------------
# Probes
# ---------------------------------------------------------------------------------------

#: The attacker's registrable domain used by probes (``.test`` is reserved, RFC 6761).
ATTACKER_DOMAIN = "attacker.test"

#: Hosts that serve other people's code (code playgrounds): trusting them exactly, or
#: any subdomain of them, lets anyone read (CORScanner's "custom third parties").
THIRD_PARTY_CODE_HOSTS: frozenset[str] = frozenset(
    {
        "cdpn.io",
        "codepen.io",
        "codesandbox.io",
        "fiddle.jshell.net",
        "github.io",
        "gitlab.io",
        "glitch.me",
        "jsbin.com",
        "jsfiddle.net",
        "null.jsbin.com",
        "output.jsbin.com",
        "plnkr.co",
        "repl.co",
        "repl.it",
        "run.plnkr.co",
        "stackblitz.io",
    }
)

# CORScanner's special-character set; the ones a browser cannot put in a host are
# skipped when the origin is built.
_SPECIAL_CHARACTERS = "_-\"{}+^`!~;|&'()*,$="


class ProbeKind(enum.Enum):
    """The scanners' probe classes."""

    REFLECTED = "reflected"
    NULL = "null"
    PREFIX = "prefix"
    SUFFIX = "suffix"
    SUBSTRING = "substring"
    UNESCAPED_DOT = "unescaped-dot"
    SPECIAL_CHARACTER = "special-character"
    HTTP_DOWNGRADE = "http-downgrade"
    ANY_SUBDOMAIN = "any-subdomain"
    THIRD_PARTY = "third-party"


_PROBE_CODES: dict[ProbeKind, FindingCode] = {
    ProbeKind.REFLECTED: FindingCode.ORIGIN_REFLECTION,
    ProbeKind.NULL: FindingCode.NULL_ORIGIN,
    ProbeKind.PREFIX: FindingCode.PREFIX_MATCH,
    ProbeKind.SUFFIX: FindingCode.SUFFIX_MATCH,
    ProbeKind.SUBSTRING: FindingCode.SUBSTRING_MATCH,
    ProbeKind.UNESCAPED_DOT: FindingCode.UNESCAPED_DOT,
    ProbeKind.SPECIAL_CHARACTER: FindingCode.SPECIAL_CHARACTER,
    ProbeKind.HTTP_DOWNGRADE: FindingCode.INSECURE_ORIGIN,
    ProbeKind.ANY_SUBDOMAIN: FindingCode.ANY_SUBDOMAIN,
    ProbeKind.THIRD_PARTY: FindingCode.THIRD_PARTY_ORIGIN,
}


@attrs.frozen(kw_only=True)
class Probe:
    """One forged origin and the class it tests."""

    kind: ProbeKind
    origin: str


def _valid_origin(text: str) -> str | None:
    """The serialized origin ``text`` parses to, if a browser could send it."""
    try:
        origin = parse_origin(text)
    except CorsspecError:
        return None
    if origin.host.startswith(".") or ".." in origin.host:
        return None
    return origin.serialize()


def _listing(origins: Sequence[str], limit: int = 3) -> str:
    """A bounded, readable list of origins for a finding's detail."""
    shown = ", ".join(repr(o) for o in origins[:limit])
    more = len(origins) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def probe_origins(legit_origin: str) -> tuple[Probe, ...]:
    """The scanners' forged origins around ``legit_origin`` (a serialized origin).

    Only origins a browser can send are produced (each parses as an origin).
    """
    legit = parse_origin(legit_origin)
    scheme = "https" if legit.opaque else legit.scheme
    host = legit.host if not legit.opaque else ""
    port = "" if legit.port is None else f":{legit.port}"
    out: list[Probe] = [
        Probe(kind=ProbeKind.REFLECTED, origin=f"{scheme}://{ATTACKER_DOMAIN}"),
        Probe(kind=ProbeKind.NULL, origin="null"),
    ]
    candidates: list[tuple[ProbeKind, str]] = []
    if host and not host.startswith("[") and not host.replace(".", "").isdigit():
        domain = registrable_domain(host) or host
        candidates += [
            (ProbeKind.PREFIX, f"{scheme}://{host}.{ATTACKER_DOMAIN}{port}"),
            (ProbeKind.SUFFIX, f"{scheme}://attacker{domain}{port}"),
            (ProbeKind.SUFFIX, f"{scheme}://attacker-{domain}{port}"),
        ]
        if len(domain) > 4:
            candidates.append((ProbeKind.SUBSTRING, f"{scheme}://{domain[1:]}{port}"))
            candidates.append((ProbeKind.SUBSTRING, f"{scheme}://{domain[:-1]}{port}"))
        if "." in host:
            first = host.index(".")
            last = host.rindex(".")
            candidates.append(
                (ProbeKind.UNESCAPED_DOT, f"{scheme}://{host[:first]}x{host[first + 1 :]}{port}")
            )
            if last != first:
                candidates.append(
                    (ProbeKind.UNESCAPED_DOT, f"{scheme}://{host[:last]}a{host[last + 1 :]}{port}")
                )
        for char in _SPECIAL_CHARACTERS:
            candidates.append(
                (ProbeKind.SPECIAL_CHARACTER, f"{scheme}://{host}{char}.{ATTACKER_DOMAIN}{port}")
            )
        candidates.append((ProbeKind.ANY_SUBDOMAIN, f"{scheme}://attacker.{host}{port}"))
        if domain != host:
            candidates.append((ProbeKind.ANY_SUBDOMAIN, f"{scheme}://attacker.{domain}{port}"))
    if host and scheme == "https":
        candidates.append((ProbeKind.HTTP_DOWNGRADE, f"http://{host}{port}"))
    candidates += [
        (ProbeKind.THIRD_PARTY, "https://attacker.github.io"),
        (ProbeKind.THIRD_PARTY, "https://codepen.io"),
        (ProbeKind.THIRD_PARTY, "https://jsfiddle.net"),
    ]
    seen = {legit.serialize(), *(p.origin for p in out)}
    for kind, text in candidates:
        origin = _valid_origin(text)
        # Keep the exact forged text: a browser serializes it the same way, or skip it.
        if origin is None or origin != text or origin in seen:
            continue
        seen.add(origin)
        out.append(Probe(kind=kind, origin=origin))
    return tuple(out)


# ---------------------------------------------------------------------------------------
# Static audit
# ---------------------------------------------------------------------------------------

#: The resource static findings' evidence requests point at.
STATIC_TARGET = "https://api.example.test/resource"

_REGEX_SUB = re.compile(
    r"\[[^\]]*\][+*]|\\[wd][+*]|\.[+*]|\(\?:[^()]*\)\?|\([^()]*\)\?|\\w|\[[^\]]*\]"
)


def _regex_samples(regex: OriginRegex) -> list[str]:
    """Origins the regex probably means, read off its literal skeleton (best effort):
    anchors dropped, ``.*``/``[...]+`` become ``sub``, optional groups vanish, ``s?``
    keeps the ``s``, escapes are undone. Only samples the regex really matches are kept.
    """
    text = regex.pattern
    for anchor in ("^", r"\A"):
        if text.startswith(anchor):
            text = text[len(anchor) :]
    for anchor in ("$", r"\Z", r"\z"):
        if text.endswith(anchor) and not text.endswith("\\" + anchor):
            text = text[: -len(anchor)]

    try:
        match = regex.compile()
    except re.error:
        return []
    samples: list[str] = []
    for filler in ("", "sub"):

        def sub(piece: re.Match[str], filler: str = filler) -> str:
            text = piece.group(0)
            if text.endswith(")?"):
                return ""
            return filler if text in (".*", "\\w*") or text.endswith("]*") else "sub"

        skeleton = _REGEX_SUB.sub(sub, text)
        skeleton = re.sub(r"\((?:\?:)?([^()|]*)(?:\|[^()]*)?\)", r"\1", skeleton)  # 1st branch
        skeleton = re.sub(r"([A-Za-z])\?", r"\1", skeleton)
        skeleton = re.sub(r"\\(.)", r"\1", skeleton)
        if any(c in skeleton for c in "()[]{}*+?|^$\\"):
            continue
        origin = _valid_origin(skeleton)
        if origin is not None and origin not in samples and match(origin):
            samples.append(origin)
    return samples


def _has_unescaped_dot(pattern: str) -> bool:
    """Whether a regex has a ``.`` that stands alone (not ``.*``/``.+``, not escaped, not
    in a character class): a literal dot the author forgot to escape."""
    i = 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "." and (i + 1 >= len(pattern) or pattern[i + 1] not in "*+?{"):
            return True
        i += 1
    return False


def _is_end_anchored(pattern: str) -> bool:
    return pattern.endswith(("$", r"\Z", r"\z")) and not pattern.endswith(("\\$", "\\\\Z"))


def _static_evidence(policy: Policy, origin: str, *, target: str) -> Evidence:
    request = Request(
        method="GET",
        url=target,
        origin=origin,
        credentials="include" if policy.allow_credentials else "omit",
    )
    return Evidence.from_evaluation(evaluate(request, policy, browser=CHROMIUM))


def static_audit(
    policy: Policy, *, legit_origins: Iterable[str] = (), target_url: str = STATIC_TARGET
) -> AuditReport:
    """Findings decidable from the policy itself, each with evidence from its own answer.

    Structural checks cover origin reflection, wildcard and ``null`` origins, ``http``
    origins, subdomain and public-suffix wildcards, third-party code hosts, private
    network access, ``Vary``, literal wildcards and out-of-range values. Regexes are
    probed with the scanners' look-alikes of ``legit_origins`` and of the origins the
    policy lists or the regexes spell out.
    """
    findings: list[Finding] = []
    credentials = policy.allow_credentials

    def add(code: FindingCode, severity: Severity, detail: str, origin: str | None) -> None:
        evidence = None if origin is None else _static_evidence(policy, origin, target=target_url)
        findings.append(
            Finding(
                code=code,
                severity=severity,
                detail=detail,
                evidence=evidence,
                origins=() if origin is None else (origin,),
            )
        )

    attacker = f"https://{ATTACKER_DOMAIN}"
    if policy.allows_any_origin:
        if credentials:
            add(
                FindingCode.REFLECTION_WITH_CREDENTIALS,
                Severity.HIGH,
                "every origin is echoed back with credentials allowed",
                attacker,
            )
        elif policy.reflect_any_origin:
            add(
                FindingCode.ORIGIN_REFLECTION,
                Severity.LOW,
                "every origin is echoed back (without credentials)",
                attacker,
            )
        else:
            add(
                FindingCode.WILDCARD_ORIGIN,
                Severity.INFO,
                "Access-Control-Allow-Origin: * (public resource)",
                attacker,
            )
        if policy.allow_private_network:
            add(
                FindingCode.PRIVATE_NETWORK_ANY_ORIGIN,
                Severity.HIGH,
                "private-network access is granted to every origin",
                attacker,
            )
    if "null" in policy.allow_origins:
        add(
            FindingCode.NULL_ORIGIN,
            Severity.HIGH if credentials else Severity.LOW,
            "the null origin is allowed" + (" with credentials" if credentials else ""),
            "null",
        )
    for pattern in policy.origin_patterns:
        _pattern_findings(pattern, credentials, add)

    # Regexes: probe with look-alikes; fall back on reading the pattern.
    regex_matchers = [(r, r.compile()) for r in policy.allow_origin_regexes]
    samples = list(legit_origins)
    samples += [
        o
        for o in policy.allow_origins
        if o not in ("*", "null") and "*" not in o and not is_app_origin(o)
    ]
    for regex, _ in regex_matchers:
        samples += _regex_samples(regex)
    structural = Policy(
        allow_origins=policy.allow_origins,
        allow_credentials=policy.allow_credentials,
        dangerously_allow_any_origin_with_credentials=True,
        dangerously_allow_null_origin=True,
        dangerously_allow_insecure_origins=True,
        dangerously_allow_public_suffix_wildcards=True,
    )
    # One finding per (regex, class), listing every look-alike it accepts.
    hits: dict[tuple[OriginRegex, ProbeKind], list[str]] = {}
    if regex_matchers and not policy.allows_any_origin:
        seen: set[str] = set()
        for sample in dict.fromkeys(samples):
            for probe in probe_origins(sample):
                if probe.origin in seen or structural.allows_origin(probe.origin):
                    continue
                seen.add(probe.origin)
                for regex, match in regex_matchers:
                    if match(probe.origin):
                        hits.setdefault((regex, probe.kind), []).append(probe.origin)
                        break
    hit_regexes = {(regex, _PROBE_CODES[kind]) for regex, kind in hits}
    for (regex, kind), accepted in hits.items():
        origins = sorted(accepted)
        finding = Finding(
            code=_PROBE_CODES[kind],
            severity=_probe_severity(kind, credentialed=credentials),
            detail=f"regex {regex.pattern!r} accepts {_listing(origins)}",
            evidence=_static_evidence(policy, accepted[0], target=target_url),
            origins=tuple(origins),
        )
        findings.append(finding)
    for regex, _ in regex_matchers:
        flavour = "prefix (re.match)" if regex.prefix else "full-match"
        findings.append(
            Finding(
                code=FindingCode.ORIGIN_REGEX,
                severity=Severity.INFO,
                detail=f"{flavour} origin regex {regex.pattern!r}",
            )
        )
        if (
            regex.prefix
            and not _is_end_anchored(regex.pattern)
            and (regex, FindingCode.PREFIX_MATCH) not in hit_regexes
        ):
            add(
                FindingCode.PREFIX_MATCH,
                Severity.MEDIUM,
                f"regex {regex.pattern!r} is matched with re.match and not anchored at the end",
                None,
            )
        if (
            _has_unescaped_dot(regex.pattern)
            and (regex, FindingCode.UNESCAPED_DOT) not in hit_regexes
        ):
            add(
                FindingCode.UNESCAPED_DOT,
                Severity.LOW,
                f"regex {regex.pattern!r} has an unescaped '.'",
                None,
            )

    # Vary.
    origin_dependent = not (policy.allows_any_origin and not policy.reflects_any_origin)
    sends_static = policy.always_send_static and policy.static_allow_origin is not None
    if origin_dependent and not sends_static and policy.vary is not VaryMode.ALWAYS:
        example = next(iter(samples), attacker)
        if policy.vary is VaryMode.NEVER:
            detail = "answers depend on Origin but never carry Vary: Origin"
        else:
            detail = "answers to disallowed origins lack Vary: Origin"
        add(FindingCode.MISSING_VARY, Severity.MEDIUM, detail, example)
    elif not origin_dependent and not sends_static:
        # Fetch, "CORS protocol and HTTP caches": `*` answered only when there is an
        # Origin, and never with Vary, lets a cache serve a same-origin answer (no CORS
        # headers) to a later cross-origin request, which then fails.
        add(
            FindingCode.MISSING_VARY,
            Severity.MEDIUM,
            "Access-Control-Allow-Origin: * is sent only to requests with an Origin, "
            "without Vary: Origin; a cache can serve the answer without it to a "
            "cross-origin request",
            None,
        )

    # Literal wildcards and other list problems.
    if policy.static_lists:
        if "*" in policy.allow_headers and "authorization" not in policy.allow_headers:
            add(
                FindingCode.WILDCARD_HEADERS_AUTHORIZATION,
                Severity.INFO,
                "Access-Control-Allow-Headers: * relies on browsers covering Authorization",
                None,
            )
        if credentials and ("*" in policy.allow_headers or "*" in policy.allow_methods):
            add(
                FindingCode.LITERAL_WILDCARD_WITH_CREDENTIALS,
                Severity.INFO,
                "a literal * in the allowed methods or headers does nothing for requests "
                "with credentials",
                None,
            )
    if credentials and "*" in policy.expose_headers:
        add(
            FindingCode.EXPOSE_WILDCARD_WITH_CREDENTIALS,
            Severity.INFO,
            "Access-Control-Expose-Headers: * exposes nothing to requests with credentials",
            None,
        )
    if policy.dangerously_allow_forbidden_names:
        names = [m for m in policy.allow_methods if is_forbidden_method(m)]
        names += [
            h for h in policy.allow_headers if h != "*" and is_forbidden_request_header(h, "")
        ]
        names += [h for h in policy.expose_headers if h in FORBIDDEN_RESPONSE_HEADER_NAMES]
        if names:
            add(
                FindingCode.FORBIDDEN_NAMES,
                Severity.INFO,
                f"listed but never usable by script: {', '.join(sorted(names))}",
                None,
            )
    if policy.max_age is not None and not 0 <= policy.max_age <= 86400:
        add(
            FindingCode.MAX_AGE_OUT_OF_RANGE,
            Severity.INFO,
            f"max-age {policy.max_age} is outside 0-86400",
            None,
        )
    return _report(findings)


def _pattern_findings(
    pattern: OriginPattern,
    credentials: bool,
    add: _Adder,
) -> None:
    host = pattern.host
    scheme = pattern.scheme
    port = "" if pattern.port is None or pattern.port < 0 else f":{pattern.port}"
    example_host = f"attacker.{host}" if pattern.subdomains else host
    example = f"{scheme}://{example_host}{port}"
    if scheme not in ("https", "wss") and not is_loopback_host(host):
        add(
            FindingCode.INSECURE_ORIGIN,
            Severity.HIGH if credentials else Severity.LOW,
            f"{pattern} is not a secure origin"
            + (" and credentials are allowed" if credentials else ""),
            example,
        )
    if pattern.subdomains:
        if is_public_suffix(host):
            add(
                FindingCode.PUBLIC_SUFFIX_WILDCARD,
                Severity.HIGH if credentials else Severity.MEDIUM,
                f"{pattern} covers a public suffix",
                example,
            )
        else:
            add(
                FindingCode.ANY_SUBDOMAIN,
                Severity.MEDIUM if credentials else Severity.INFO,
                f"{pattern} trusts every subdomain of {host}",
                example,
            )
    elif host in THIRD_PARTY_CODE_HOSTS:
        add(
            FindingCode.THIRD_PARTY_ORIGIN,
            Severity.HIGH if credentials else Severity.LOW,
            f"{pattern} serves other people's code",
            example,
        )


class _Adder(Protocol):
    """The signature of the ``add`` closure in :func:`static_audit`."""

    def __call__(
        self, code: FindingCode, severity: Severity, detail: str, origin: str | None
    ) -> None: ...


def _probe_severity(kind: ProbeKind, *, credentialed: bool) -> Severity:
    if kind is ProbeKind.ANY_SUBDOMAIN:
        return Severity.MEDIUM if credentialed else Severity.INFO
    return Severity.HIGH if credentialed else Severity.LOW


# ---------------------------------------------------------------------------------------
# Active audit
# ---------------------------------------------------------------------------------------

_LOOKALIKES = frozenset(
    {
        ProbeKind.PREFIX,
        ProbeKind.SUFFIX,
        ProbeKind.SUBSTRING,
        ProbeKind.UNESCAPED_DOT,
        ProbeKind.SPECIAL_CHARACTER,
        ProbeKind.HTTP_DOWNGRADE,
        ProbeKind.ANY_SUBDOMAIN,
        ProbeKind.THIRD_PARTY,
    }
)


class _Hits:
    """Per probe kind and credentials mode: the origins that got through, per browser."""

    def __init__(self) -> None:
        self.origins: dict[tuple[ProbeKind, bool], list[str]] = {}
        self.browsers: dict[tuple[ProbeKind, bool], list[str]] = {}
        self.evidence: dict[tuple[ProbeKind, bool], Evidence] = {}

    def add(self, kind: ProbeKind, credentialed: bool, origin: str, ev: Evaluation) -> None:
        key = (kind, credentialed)
        origins = self.origins.setdefault(key, [])
        if origin not in origins:
            origins.append(origin)
        browsers = self.browsers.setdefault(key, [])
        if ev.browser.name not in browsers:
            browsers.append(ev.browser.name)
        self.evidence.setdefault(key, Evidence.from_evaluation(ev))


def _acao(ev: Evaluation) -> str | None:
    if not ev.responses:
        return None
    values = ev.responses[-1].index.get("access-control-allow-origin")
    return ", ".join(values) if values else None


def _vary_covers_origin(response: Response) -> bool:
    items = get_decode_split(response.index, "vary") or []
    return any(item.lower() in ("origin", "*") for item in items)


def _cors_view(response: Response) -> tuple[tuple[str, str], ...]:
    index = response.index
    return tuple(
        (name, ", ".join(index[name]))
        for name in (
            "access-control-allow-origin",
            "access-control-allow-credentials",
            "access-control-expose-headers",
        )
        if name in index
    )


#: Methods the active audit sends to a live server without an opt-in (RFC 9110 "safe"
#: methods a scanner may send; OPTIONS is what every preflight is).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: The active audit stops after this many requests (default of ``max_requests``). One
#: audit of the default shape under the three engines sends about 150.
DEFAULT_MAX_REQUESTS = 500

#: The active audit stops starting requests after this many seconds (default of
#: ``max_seconds``), measured with the ``clock`` it is given or the server's own.
DEFAULT_MAX_SECONDS = 60.0


class _AuditStoppedError(Exception):
    """The budget ran out: the audit ends with a partial report."""


class _RefusedError(Exception):
    """One request the audit will not send (the probe that needed it is skipped)."""


def _private_address(host: str) -> bool:
    """A private, link-local or otherwise non-global IP literal that is not loopback."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False  # a name: its address is unknown until it is resolved
    return not address.is_loopback and (
        address.is_private or address.is_link_local or address.is_reserved
    )


class _Guard:
    """Wraps the audited server: budget, safe methods, no bodies, redirects on the host."""

    def __init__(
        self,
        server: ServerLike | Exchange,
        target_host: str,
        *,
        max_requests: int,
        max_seconds: float,
        clock: Callable[[], float] | None,
        allow_unsafe: bool,
        off_host: bool,
    ) -> None:
        respond = getattr(server, "respond", None)
        self.respond_to: Callable[[Request], Response] = (
            respond if callable(respond) else server  # type: ignore[assignment]
        )
        self.live = getattr(server, "live", False) is True
        self.target_host = target_host
        self.max_requests = max_requests
        self.max_seconds = max_seconds
        self.clock = clock
        self.started = clock() if clock is not None else 0.0
        self.allow_unsafe = allow_unsafe
        self.off_host = off_host
        self.requests: list[AuditRequest] = []
        self.stopped: str | None = None

    def _record(self, request: Request, outcome: str, *, body_dropped: bool = False) -> None:
        self.requests.append(
            AuditRequest(
                method=request.method,
                url=request.url.serialize(exclude_fragment=True),
                origin=next((v for n, v in request.headers if n.lower() == "origin"), None),
                outcome=outcome,
                body_dropped=body_dropped,
            )
        )

    def respond(self, request: Request) -> Response:
        sent = sum(1 for r in self.requests if r.outcome == "sent")
        if sent >= self.max_requests:
            self.stopped = f"the request budget ({self.max_requests} requests) ran out"
            raise _AuditStoppedError
        if self.clock is not None and self.clock() - self.started >= self.max_seconds:
            self.stopped = f"the time budget ({self.max_seconds} s) ran out"
            raise _AuditStoppedError
        host = request.url.host
        # Another host is a redirect (evaluate follows them itself): the scanned server
        # must not choose where corsspec connects.
        if host != self.target_host and (
            not self.off_host or (is_loopback_host(self.target_host) and _private_address(host))
        ):
            self._record(request, "off-host-redirect")
            raise _RefusedError
        if self.live and request.method not in SAFE_METHODS and not self.allow_unsafe:
            self._record(request, "unsafe-method")
            raise _RefusedError
        dropped = False
        if self.live and request.body is not None:
            request = attrs.evolve(request, body=None)
            dropped = True
        self._record(request, "sent", body_dropped=dropped)
        return self.respond_to(request)


def active_audit(
    server: ServerLike | Exchange,
    *,
    target_url: str,
    legit_origin: str,
    browsers: Sequence[BrowserProfile] = ALL_BROWSERS,
    method: str = "GET",
    headers: Iterable[tuple[str, str]] = (),
    body: Body | None = None,
    legit_credentials: bool | None = None,
    trusted_origins: Iterable[str] = (),
    error_urls: Iterable[str] | None = None,
    max_requests: int = DEFAULT_MAX_REQUESTS,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    clock: Callable[[], float] | None = None,
    dangerously_allow_unsafe_methods: bool = False,
    dangerously_follow_redirects_off_host: bool = False,
) -> AuditReport:
    """Probe ``server`` like a scanner and judge every answer with :func:`evaluate`.

    ``method``/``headers``/``body`` shape every probe like the legitimate request (a
    preflighted shape sends preflights too). ``legit_credentials``: whether the
    legitimate client sends credentials (None: it works either way).
    ``trusted_origins`` are origins the owner means to allow (never reported as probes).
    ``error_urls`` are URLs that answer an error (default: a path that does not exist
    under ``target_url``); their answers should still carry CORS headers.

    Safety: the audit stops after ``max_requests`` requests or ``max_seconds`` seconds
    (checked before each request, on ``clock`` or else the server's own ``clock``, if
    any; an in-process server without one is bounded by requests) and returns a partial
    report (``complete=False``, ``stopped`` says why). A live server (``server.live``)
    gets only GET/HEAD/OPTIONS unless ``dangerously_allow_unsafe_methods``, and never a
    request body. Redirects are followed only on the target's host unless
    ``dangerously_follow_redirects_off_host`` (from a loopback target, never to a
    private or link-local address literal). ``report.requests`` lists every request.

    :raises InvalidRequestError: ``method`` is not safe for a live server without the
        opt-in, or a budget is not a positive number.
    """
    url = parse_url(target_url)
    legit = parse_origin(legit_origin).serialize()
    trusted = {parse_origin(o).serialize() for o in trusted_origins} | {legit}
    header_pairs = tuple(headers)
    findings: list[Finding] = []
    seen_responses: list[tuple[Evaluation, Request, Response]] = []
    limit: object = max_requests
    if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
        raise InvalidRequestError(
            "max_requests", max_requests, RequestProblem.BAD_ENUM_VALUE, "a positive int"
        )
    seconds: object = max_seconds
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, (int, float))
        or not seconds > 0
        or seconds == float("inf")
    ):
        raise InvalidRequestError(
            "max_seconds", max_seconds, RequestProblem.BAD_ENUM_VALUE, "a finite number > 0"
        )
    server_clock = getattr(server, "clock", None)
    guard = _Guard(
        server,
        url.host,
        max_requests=max_requests,
        max_seconds=float(max_seconds),
        clock=clock if clock is not None else (server_clock if callable(server_clock) else None),
        allow_unsafe=dangerously_allow_unsafe_methods,
        off_host=dangerously_follow_redirects_off_host,
    )
    if guard.live and not dangerously_allow_unsafe_methods and method.upper() not in SAFE_METHODS:
        raise InvalidRequestError(
            "method",
            method,
            RequestProblem.BAD_ENUM_VALUE,
            "the active audit sends only GET, HEAD or OPTIONS to a live server; pass "
            "dangerously_allow_unsafe_methods=True to send other methods for real",
        )
    with contextlib.suppress(_AuditStoppedError):
        _run_active(
            guard,
            url=url,
            target_url=target_url,
            legit=legit,
            trusted=trusted,
            browsers=browsers,
            method=method,
            header_pairs=header_pairs,
            body=body,
            legit_credentials=legit_credentials,
            error_urls=error_urls,
            findings=findings,
            seen_responses=seen_responses,
        )
    findings.extend(_passive_findings(seen_responses))
    report = _report(_merge_browsers(findings))
    return attrs.evolve(
        report,
        requests=tuple(guard.requests),
        complete=guard.stopped is None,
        stopped=guard.stopped,
    )


def _run_active(
    server: _Guard,
    *,
    url: URL,
    target_url: str,
    legit: str,
    trusted: set[str],
    browsers: Sequence[BrowserProfile],
    method: str,
    header_pairs: HeaderPairs,
    body: Body | None,
    legit_credentials: bool | None,
    error_urls: Iterable[str] | None,
    findings: list[Finding],
    seen_responses: list[tuple[Evaluation, Request, Response]],
) -> None:
    """Steps 1-4 of the active audit; findings go to ``findings`` as they are known.

    :raises _AuditStoppedError: the budget ran out (what was found so far stays).
    """

    def make(origin: str, credentialed: bool, target: str = target_url) -> Request:
        return Request(
            method=method,
            url=target,
            origin=origin,
            headers=header_pairs,
            body=body,
            credentials="include" if credentialed else "omit",
        )

    def run(request: Request, browser: BrowserProfile) -> Evaluation | None:
        try:
            ev = evaluate(request, server, browser=browser)
        except _RefusedError:
            return None  # listed in the report's requests; nothing to judge
        for sent, response in zip(ev.sent, ev.responses, strict=True):
            seen_responses.append((ev, sent, response))
        return ev

    # 1. The legitimate request must work.
    modes = (True, False) if legit_credentials is None else (legit_credentials,)
    legit_works: set[str] = set()
    for browser in browsers:
        evs = [ev for mode in modes if (ev := run(make(legit, mode), browser)) is not None]
        if not evs:
            continue
        if any(ev.allowed for ev in evs):
            legit_works.add(browser.name)
        else:
            ev = evs[0]
            why = ev.reason.code.value if ev.reason is not None else "?"
            findings.append(
                Finding(
                    code=FindingCode.LEGIT_REQUEST_BLOCKED,
                    severity=Severity.MEDIUM,
                    detail=f"{method} {target_url} from {legit} is blocked ({why})",
                    evidence=Evidence.from_evaluation(ev),
                    origins=(legit,),
                    browsers=(browser.name,),
                )
            )

    # 2. The probes (when the budget runs out here, what they found is still reported).
    hits = _Hits()
    wildcard: Evaluation | None = None
    stopped = False
    try:
        for probe in probe_origins(legit):
            if probe.origin in trusted:
                continue
            for browser in browsers:
                ev = run(make(probe.origin, True), browser)
                if ev is not None and ev.allowed:
                    hits.add(probe.kind, True, probe.origin, ev)
                    continue
                ev = run(make(probe.origin, False), browser)
                if ev is None or not ev.allowed:
                    continue
                if _acao(ev) == "*":
                    wildcard = wildcard or ev
                else:
                    hits.add(probe.kind, False, probe.origin, ev)
    except _AuditStoppedError:
        stopped = True
    reflected = {c for (k, c) in hits.origins if k is ProbeKind.REFLECTED}
    for (kind, credentialed), origins in sorted(
        hits.origins.items(), key=lambda item: (item[0][0].value, not item[0][1])
    ):
        if kind in _LOOKALIKES and any(c >= credentialed for c in reflected):
            continue  # implied by the reflection of an arbitrary origin
        if (kind, True) in hits.origins and not credentialed:
            continue  # the credentialed finding covers it
        code = _PROBE_CODES[kind]
        if kind is ProbeKind.REFLECTED and credentialed:
            code = FindingCode.REFLECTION_WITH_CREDENTIALS
        mode = "with credentials" if credentialed else "without credentials"
        findings.append(
            Finding(
                code=code,
                severity=_probe_severity(kind, credentialed=credentialed),
                detail=f"{_listing(origins)} can read {target_url} {mode}",
                evidence=hits.evidence[(kind, credentialed)],
                origins=tuple(sorted(origins)),
                browsers=tuple(hits.browsers[(kind, credentialed)]),
            )
        )
    if wildcard is not None:
        findings.append(
            Finding(
                code=FindingCode.WILDCARD_ORIGIN,
                severity=Severity.INFO,
                detail=f"{target_url} answers Access-Control-Allow-Origin: * (public resource)",
                evidence=Evidence.from_evaluation(wildcard),
            )
        )
    if stopped:
        raise _AuditStoppedError

    # 3. Vary: would a cache serve one origin's answer to another?
    findings.extend(_vary_findings(server, make, legit, target_url, browsers))

    # 4. Error responses (judged where the legitimate request itself works).
    if error_urls is None:
        base = url.serialize(exclude_fragment=True).split("?", 1)[0].rstrip("/")
        error_urls = (base + "/corsspec-missing-resource",)
    for error_url in error_urls:
        for browser in browsers:
            if browser.name not in legit_works:
                continue
            evs = [ev for mode in modes if (ev := run(make(legit, mode, error_url), browser))]
            if not evs:
                continue
            ev = evs[-1]
            status = ev.responses[-1].status if ev.responses else None
            if any(e.allowed for e in evs) or status is None or status < 400:
                continue
            findings.append(
                Finding(
                    code=FindingCode.ERROR_WITHOUT_CORS,
                    severity=Severity.LOW,
                    detail=f"the {status} answer for {error_url} cannot be read by {legit}",
                    evidence=Evidence.from_evaluation(ev),
                    origins=(legit,),
                    browsers=(browser.name,),
                )
            )


def _passive_findings(
    seen_responses: Sequence[tuple[Evaluation, Request, Response]],
) -> list[Finding]:
    """5. Passive checks on every answer seen."""
    findings: list[Finding] = []
    for ev, sent, response in seen_responses:
        values = response.index.get("access-control-allow-origin")
        if not values:
            continue
        joined = ", ".join(values)
        echoed = any(n.lower() == "origin" and v == joined for n, v in sent.headers)
        if len(values) > 1 or ("," in joined and not echoed):
            findings.append(
                Finding(
                    code=FindingCode.MULTIPLE_ACAO,
                    severity=Severity.LOW,
                    detail=f"Access-Control-Allow-Origin carries several values: {joined!r}",
                    evidence=Evidence.from_evaluation(ev),
                )
            )
        acac = response.index.get("access-control-allow-credentials")
        if joined == "*" and acac and acac[0] == "true":
            findings.append(
                Finding(
                    code=FindingCode.WILDCARD_WITH_CREDENTIALS,
                    severity=Severity.LOW,
                    detail="Access-Control-Allow-Origin: * with "
                    "Access-Control-Allow-Credentials: true",
                    evidence=Evidence.from_evaluation(ev),
                )
            )
    return findings


def _merge_browsers(findings: list[Finding]) -> list[Finding]:
    """One finding per (code, detail): the browsers it applies to merged, in order."""
    merged: dict[tuple[FindingCode, str], Finding] = {}
    for finding in findings:
        key = (finding.code, finding.detail)
        previous = merged.get(key)
        if previous is None:
            merged[key] = finding
        else:
            browsers = tuple(dict.fromkeys((*previous.browsers, *finding.browsers)))
            merged[key] = attrs.evolve(previous, browsers=browsers)
    return list(merged.values())


def _vary_findings(
    server: ServerLike | Exchange,
    make: _Maker,
    legit: str,
    target_url: str,
    browsers: Sequence[BrowserProfile],
) -> list[Finding]:
    """Compare the simple GET answers for the legitimate origin, an attacker origin and
    no Origin at all; where the CORS headers differ and the answer does not list Origin
    in Vary, a cache may serve it to the other request: judge that with ``evaluate``."""
    attacker = f"https://{ATTACKER_DOMAIN}"
    out: list[Finding] = []
    for browser in browsers:
        answers: dict[str, tuple[Request, Response | None, bool]] = {}
        for name, origin in (("legit", legit), ("attacker", attacker)):
            for credentialed in (True, False):
                request = _simple(make(origin, credentialed))
                try:
                    ev = evaluate(request, server, browser=browser)
                except _RefusedError:
                    continue
                answers[f"{name}-{credentialed}"] = (
                    request,
                    ev.responses[-1] if ev.responses else None,
                    ev.allowed,
                )
        for source_key, (_, cached, _) in answers.items():
            if cached is None or _vary_covers_origin(cached):
                continue
            for target_key, (request, fresh, allowed) in answers.items():
                if target_key.split("-")[0] == source_key.split("-")[0] or fresh is None:
                    continue
                if _cors_view(cached) == _cors_view(fresh):
                    continue
                served = evaluate(request, Exchange(actual=cached), browser=browser)
                if served.allowed == allowed:
                    continue
                leak = served.allowed and not allowed
                detail = f"the answer to {source_key.split('-')[0]} origin lacks Vary: Origin; " + (
                    "a cache serving it lets another origin read"
                    if leak
                    else "a cache serving it to the legitimate origin blocks it"
                )
                out.append(
                    Finding(
                        code=FindingCode.MISSING_VARY,
                        severity=Severity.HIGH if leak else Severity.MEDIUM,
                        detail=detail,
                        evidence=Evidence.from_evaluation(served),
                        origins=(request.origin.serialize(),),
                        browsers=(browser.name,),
                    )
                )
                break
    return out


class _Maker(Protocol):
    """The signature of ``make`` in :func:`active_audit`."""

    def __call__(self, origin: str, credentialed: bool, target: str = ...) -> Request: ...


def _simple(request: Request) -> Request:
    """The same request as a simple GET (what HTTP caches store)."""
    return Request(
        method="GET",
        url=request.url,
        origin=request.origin,
        credentials=request.credentials,
    )

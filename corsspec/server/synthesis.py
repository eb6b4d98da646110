"""Least-privilege synthesis: the smallest :class:`~corsspec.server.policy.Policy` that lets a
given set of client requests work, with proofs.

Given the requests that must work (each optionally with the response-header names script
needs to read), :func:`synthesize` allows exactly their origins, their non-safelisted
methods, the CORS-unsafe request-header names any browser profile would send for them,
credentials only if one of them sends credentials, and exactly the listed exposed
headers. It then proves, with :func:`corsspec.evaluate`:

* **sufficiency** — every request is allowed under every browser profile, and every
  needed response header is visible to script;
* **tightness** — variants that ask for more are blocked: another method, an extra
  request header, credentials when none were needed, an unlisted response header stays
  hidden; and the active audit's probes (attacker, ``null`` and look-alike origins) find
  nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from corsspec.engine.browsers import ALL_BROWSERS, BrowserProfile
from corsspec.engine.fetch import Evaluation, evaluate
from corsspec.engine.model import Mode, Request, Response
from corsspec.engine.preflight import unsafe_header_names
from corsspec.engine.safelist import CORS_SAFELISTED_METHODS
from corsspec.server.audit import AuditReport, Finding, Severity, active_audit
from corsspec.server.policy import Policy, PolicyServer, is_loopback_host

__all__ = ["Need", "Synthesis", "synthesize"]


def __dir__() -> list[str]:
    return __all__


#: A request that must work, alone or with the response-header names script reads.
Need = Request | tuple[Request, Iterable[str]]

_PROBE_HEADER = "x-corsspec-unlisted"
_PROBE_EXPOSE = "x-corsspec-unexposed"
_EXTRA_METHODS = ("DELETE", "PUT", "PATCH", "OPTIONS", "QUERY")


@attrs.frozen(kw_only=True)
class Synthesis:
    """The synthesized policy and the evaluations that prove it right."""

    policy: Policy
    #: The application the proofs ran behind the policy (it sends the needed headers).
    server: PolicyServer
    #: One allowed evaluation per (request, browser), in input order.
    allowed: tuple[Evaluation, ...]
    #: Variants asking for more; each must be blocked (or, for expose, hide the header).
    denied: tuple[Evaluation, ...]
    #: The active audit of the policy for each (URL, origin) pair.
    audit: AuditReport
    #: Requests that need no CORS policy (same-origin, ``no-cors``) or that no policy can
    #: allow (``same-origin`` mode across origins, non-HTTP URLs).
    skipped: tuple[Request, ...] = ()
    #: Proof failures, as text (empty when proven).
    failures: tuple[str, ...] = ()

    @property
    def proven(self) -> bool:
        """Whether every proof held."""
        return not self.failures


def _needs(items: Iterable[Need]) -> list[tuple[Request, tuple[str, ...]]]:
    out: list[tuple[Request, tuple[str, ...]]] = []
    for item in items:
        if isinstance(item, Request):
            out.append((item, ()))
        else:
            request, names = item
            out.append((request, tuple(n.lower() for n in names)))
    return out


def synthesize(
    requests: Iterable[Need],
    *,
    browsers: Sequence[BrowserProfile] = ALL_BROWSERS,
    max_age: int | None = 600,
) -> Synthesis:
    """The least-privilege policy for ``requests``, with its proofs (see the module doc).

    :raises PolicyError: never for well-formed requests (the policy is built from them);
        listed for completeness.
    """
    needs = _needs(requests)
    cors: list[tuple[Request, tuple[str, ...]]] = []
    skipped: list[Request] = []
    for request, names in needs:
        if (
            request.mode is Mode.CORS
            and request.is_cross_origin
            and request.url.scheme in ("http", "https")
        ):
            cors.append((request, names))
        else:
            skipped.append(request)

    origins = sorted({r.origin.serialize() for r, _ in cors})
    credentials = any(r.credentialed for r, _ in cors)
    methods = sorted({r.method for r, _ in cors if r.method not in CORS_SAFELISTED_METHODS})
    headers = sorted({n for r, _ in cors for b in browsers for n in unsafe_header_names(r, b)})
    expose = sorted({n for _, names in cors for n in names})
    insecure = credentials and any(
        not o.opaque and o.scheme != "https" and not is_loopback_host(o.host)
        for o in (r.origin for r, _ in cors)
    )
    policy = Policy(
        allow_origins=origins,
        allow_methods=methods,
        allow_headers=headers,
        allow_credentials=credentials,
        expose_headers=expose,
        max_age=max_age,
        dangerously_allow_null_origin="null" in origins,
        dangerously_allow_insecure_origins=insecure,
    )
    # The application behind the policy sends every needed header (and one that must
    # stay hidden), so exposure can be proven too.
    app_headers = tuple((name, "1") for name in (*expose, _PROBE_EXPOSE))
    answer = Response(status=200, headers=app_headers)
    server = policy.wrap(lambda _request: answer)

    failures: list[str] = []
    allowed: list[Evaluation] = []
    for request, names in cors:
        for browser in browsers:
            ev = evaluate(request, server, browser=browser)
            allowed.append(ev)
            label = f"{request.method} {request.url} from {request.origin} [{browser.name}]"
            if not ev.allowed:
                code = ev.reason.code.value if ev.reason is not None else "?"
                failures.append(f"{label}: blocked ({code})")
            missing = [n for n in names if n not in ev.visible_headers]
            if ev.allowed and missing:
                failures.append(f"{label}: cannot read {', '.join(missing)}")

    denied: list[Evaluation] = []
    for request, _ in cors:
        for variant, why in _variants(request, policy):
            for browser in browsers:
                ev = evaluate(variant, server, browser=browser)
                denied.append(ev)
                label = f"{why} [{browser.name}]"
                if why.startswith("expose"):
                    if _PROBE_EXPOSE in ev.visible_headers:
                        failures.append(f"{label}: {_PROBE_EXPOSE} is readable")
                elif ev.allowed:
                    failures.append(f"{label}: allowed")

    findings: list[Finding] = []
    pairs = dict.fromkeys((str(r.url), r.origin.serialize()) for r, _ in cors)
    for url, origin in pairs:
        report = active_audit(
            server,
            target_url=url,
            legit_origin=origin,
            browsers=browsers,
            trusted_origins=origins,
            error_urls=(),
        )
        findings.extend(report.findings)
    audit = AuditReport(findings=tuple(findings))
    for finding in audit.at_least(Severity.LOW):
        failures.append(f"audit: {finding}")
    return Synthesis(
        policy=policy,
        server=server,
        allowed=tuple(allowed),
        denied=tuple(denied),
        audit=audit,
        skipped=tuple(skipped),
        failures=tuple(failures),
    )


def _variants(request: Request, policy: Policy) -> list[tuple[Request, str]]:
    """Requests that ask for one thing more than ``request`` and must not get it."""
    out: list[tuple[Request, str]] = []
    extra_method = next((m for m in _EXTRA_METHODS if m not in policy.allow_methods), None)
    if extra_method is not None:
        out.append(
            (
                attrs.evolve(request, method=extra_method, body=None),
                f"method {extra_method} for {request.url}",
            )
        )
    out.append(
        (
            attrs.evolve(request, headers=(*request.headers, (_PROBE_HEADER, "1"))),
            f"header {_PROBE_HEADER} for {request.url}",
        )
    )
    if not policy.allow_credentials:
        out.append(
            (
                attrs.evolve(request, credentials="include"),
                f"credentials for {request.url}",
            )
        )
    out.append((request, f"expose {_PROBE_EXPOSE} for {request.url}"))
    return out

"""``gateway_report``: findings and browser verdicts for every route of a template.

For each API, route and method, a typical browser request is synthesized — JSON body
for POST/PUT/PATCH, the identity headers the method's authorizer needs, ``X-Api-Key``
when an API key is required, ``credentials: "include"`` when the API signals it wants
cookies (``Access-Control-Allow-Credentials: true`` or ``Set-Cookie`` anywhere on the
route) — and evaluated against a :class:`~._server.GatewayServer` for every response
class the method can produce, under every browser profile. Blocked evaluations are
diagnosed into findings; static checks add the rest.

Exit code: 1 when a HIGH finding exists or a browser blocks a *successful* response
whose headers are known (not assumed), else 0.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import attrs

import corsspec as cs
from corsspec.adapters.aws.apigateway._codes import Finding, FindingCode, Severity
from corsspec.adapters.aws.apigateway._errors import GatewayTemplateError, TemplateProblem
from corsspec.adapters.aws.apigateway._findings import (
    canonical,
    describe,
    diagnose,
    fix_for,
    static_findings,
)
from corsspec.adapters.aws.apigateway._lambda import LambdaBook, LambdaSource, inline_handler
from corsspec.adapters.aws.apigateway._loader import load_gateway, routes_of
from corsspec.adapters.aws.apigateway._model import (
    ApiKind,
    AuthKind,
    GatewayApi,
    GatewayModel,
    Method,
    Route,
    ValueKind,
    fill_path,
    match_route,
)
from corsspec.adapters.aws.apigateway._server import (
    GatewayServer,
    ResponseClass,
    applicable_classes,
)

__all__ = ["GatewayReport", "Probe", "Verdict", "gateway_report"]


def __dir__() -> list[str]:
    return __all__


#: Version of the JSON document :meth:`GatewayReport.to_json` returns.
JSON_SCHEMA = "corsspec.gateway/1"

_DEFAULT_ORIGIN = "https://app.example"
_BODY_METHODS = ("POST", "PUT", "PATCH")
_IDENTITY_VALUES = {
    "authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl",
}


@attrs.frozen(kw_only=True)
class Probe:
    """The request a page would send to one method of one route."""

    api: str
    route: str
    #: The method as declared (``ANY`` included).
    method: str
    #: The method the request uses.
    request_method: str
    headers: tuple[tuple[str, str], ...] = ()
    credentials: str = "same-origin"


@attrs.frozen(kw_only=True)
class Verdict:
    """What one browser does with one probe, origin and response class."""

    api: str
    route: str
    method: str
    request_method: str
    origin: str
    response_class: ResponseClass
    browser: str
    allowed: bool
    reason: cs.ReasonCode | None = None
    stage: cs.Stage | None = None
    header: str | None = None
    value: str | None = None
    #: Status of the last response the gateway sent for this evaluation.
    status: int | None = None
    credentials: str = "same-origin"
    #: CORS-unsafe request-header names (what the preflight asked for).
    request_headers: tuple[str, ...] = ()
    preflight: bool = False
    #: The verdict rests on an assumed Lambda/backend response.
    assumed: bool = False

    def to_json(self) -> dict[str, Any]:
        """Codes and facts only."""
        return {
            "api": self.api,
            "route": self.route,
            "method": self.method,
            "request_method": self.request_method,
            "origin": self.origin,
            "response_class": self.response_class.value,
            "browser": self.browser,
            "allowed": self.allowed,
            "reason": self.reason.value if self.reason else None,
            "stage": self.stage.value if self.stage else None,
            "header": self.header,
            "value": self.value,
            "status": self.status,
            "credentials": self.credentials,
            "request_headers": list(self.request_headers),
            "preflight": self.preflight,
            "assumed": self.assumed,
        }


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code.value,
        "severity": finding.severity.value,
        "api": finding.api,
        "route": finding.route,
        "method": finding.method,
        "path": finding.evidence.path,
        "line": finding.evidence.line,
        "source": finding.evidence.source.value,
        "data": dict(finding.data),
        "fix": finding.fix,
    }


_ANSI = {
    "red": "\x1b[31m",
    "green": "\x1b[32m",
    "yellow": "\x1b[33m",
    "bold": "\x1b[1m",
    "dim": "\x1b[2m",
    "reset": "\x1b[0m",
}
_SEVERITY_COLOR = {
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "dim",
    Severity.INFO: "dim",
}


@attrs.frozen(kw_only=True)
class GatewayReport:
    """Findings and verdicts for a template; render with :meth:`to_text` / :meth:`to_json`."""

    file: str
    model: GatewayModel
    origins: tuple[str, ...]
    browsers: tuple[str, ...]
    probes: tuple[Probe, ...]
    verdicts: tuple[Verdict, ...]
    findings: tuple[Finding, ...]

    @property
    def blocked(self) -> tuple[Verdict, ...]:
        """Verdicts where a browser blocks a successful response whose headers are known."""
        return tuple(
            v
            for v in self.verdicts
            if not v.allowed and not v.assumed and v.response_class is ResponseClass.SUCCESS
        )

    @property
    def exit_code(self) -> int:
        """0 when nothing is blocked and no finding is HIGH, else 1."""
        high = any(f.severity is Severity.HIGH for f in self.findings)
        return 1 if high or self.blocked else 0

    def counts(self) -> dict[str, int]:
        """Findings per severity."""
        return {
            s.value: sum(1 for f in self.findings if f.severity is s)
            for s in Severity.worst_first()
        }

    # -- JSON ----------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: codes and facts, never wording (stable across releases)."""
        return {
            "schema": JSON_SCHEMA,
            "template": self.file,
            "origins": list(self.origins),
            "browsers": list(self.browsers),
            "apis": [
                {
                    "name": api.name,
                    "kind": api.kind.value,
                    "stage": api.stage,
                    "url": api.base_url,
                    "cors": None
                    if api.cors is None
                    else {
                        "allow_origins": list(api.cors.allow_origins),
                        "allow_methods": list(api.cors.allow_methods),
                        "allow_headers": list(api.cors.allow_headers),
                        "expose_headers": list(api.cors.expose_headers),
                        "max_age": api.cors.max_age,
                        "allow_credentials": api.cors.allow_credentials,
                    },
                    "routes": [
                        {"path": r.path, "methods": [m.http_method for m in r.methods]}
                        for r in routes_of(api)
                    ],
                }
                for api in self.model.apis
            ],
            "verdicts": [v.to_json() for v in self.verdicts],
            "findings": [_finding_json(f) for f in self.findings],
            "summary": {
                "findings": self.counts(),
                "blocked": len(self.blocked),
                "verdicts": len(self.verdicts),
            },
            "exit_code": self.exit_code,
        }

    # -- text ----------------------------------------------------------------------------
    def to_text(self, color: bool = False) -> str:
        """A human report: per route, verdicts by response class; then findings with fixes."""

        def paint(text: str, name: str) -> str:
            return f"{_ANSI[name]}{text}{_ANSI['reset']}" if color else text

        lines = [
            paint(f"corsspec gateway: {self.file}", "bold"),
            f"origins: {', '.join(self.origins)}    browsers: {', '.join(self.browsers)}",
        ]
        for api in self.model.apis:
            probes = [p for p in self.probes if p.api == api.name]
            lines.append("")
            kind = "REST API" if api.kind is ApiKind.REST else "HTTP API"
            extra = " (CorsConfiguration)" if api.cors is not None else ""
            lines.append(
                paint(f"{api.name}", "bold")
                + f"  {kind}{extra} · stage {api.stage} · {api.base_url}"
            )
            if not probes:
                lines.append("  (no routes to probe)")
            for probe in probes:
                lines.extend(self._probe_lines(probe, paint))
        lines.append("")
        counts = self.counts()
        lines.append(
            paint("Findings", "bold")
            + ": "
            + ", ".join(f"{counts[s.value]} {s.value}" for s in Severity.worst_first())
        )
        if not self.findings:
            lines.append("  none")
        for finding in self.findings:
            where = f"{finding.api}"
            if finding.route:
                where += f" {finding.method + ' ' if finding.method else ''}{finding.route}"
            sev = finding.severity
            lines.append(
                f"  {paint(sev.value.upper().ljust(6), _SEVERITY_COLOR[sev])} "
                f"{finding.code.value}  [{where}]"
            )
            lines.append(f"         {describe(finding)}")
            lines.append(f"         at {finding.evidence}")
            if finding.fix:
                lines.append("         fix:")
                lines.extend(f"           {line}" for line in finding.fix.splitlines())
        lines.append("")
        blocked = self.blocked
        status = paint("exit 1", "red") if self.exit_code else paint("exit 0", "green")
        lines.append(
            f"{status}: {len(blocked)} blocked verdict(s) for successful responses, "
            f"{counts['high']} high finding(s)"
        )
        return "\n".join(lines) + "\n"

    def _probe_lines(self, probe: Probe, paint: Callable[[str, str], str]) -> list[str]:
        mine = [
            v
            for v in self.verdicts
            if v.api == probe.api
            and v.route == probe.route
            and v.method == probe.method
            and v.request_method == probe.request_method
        ]
        sent = mine[0].request_headers if mine else ()
        label = (
            probe.request_method
            if probe.method == probe.request_method
            else (f"{probe.request_method} (via {probe.method})")
        )
        details = [f"credentials: {probe.credentials}"]
        if sent:
            details.append(f"preflight asks: {', '.join(sent)}")
        out = [f"  {label} {probe.route}  ({'; '.join(details)})"]
        for origin in self.origins:
            rows = [v for v in mine if v.origin == origin]
            if len(self.origins) > 1:
                out.append(f"    from {origin}")
            indent = "      " if len(self.origins) > 1 else "    "
            lines: list[tuple[str, str]] = []
            for klass in ResponseClass:
                group = [v for v in rows if v.response_class is klass]
                if group:
                    lines.append((klass.value, _summarize(group, paint)))
            if len(lines) > 1 and len({text for _, text in lines}) == 1:
                lines = [("every class", lines[0][1])]
            out.extend(indent + label.ljust(13) + " " + text for label, text in lines)
        return out


def _summarize(group: Sequence[Verdict], paint: Callable[[str, str], str]) -> str:
    outcomes: dict[str, list[str]] = {}
    for verdict in group:
        if verdict.allowed:
            text = paint("allowed", "green")
        else:
            where = f" at {verdict.stage.value}" if verdict.stage else ""
            status = f" (status {verdict.status})" if verdict.status is not None else ""
            text = (
                paint("BLOCKED", "red") + f" {verdict.reason.value if verdict.reason else ''}"
                f"{where}{status}"
            )
        if verdict.assumed:
            text += " [assumed Lambda response]"
        outcomes.setdefault(text, []).append(verdict.browser)
    if len(outcomes) == 1:
        return next(iter(outcomes))
    return "; ".join(f"{', '.join(names)}: {text}" for text, names in outcomes.items())


# -- probes ------------------------------------------------------------------------------


def _probe_headers(
    method: Method, request_method: str, extra: Sequence[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    headers: list[tuple[str, str]] = []
    if request_method in _BODY_METHODS:
        headers.append(("Content-Type", "application/json"))
    auth = method.auth
    if auth.kind is AuthKind.AWS_IAM:
        headers += [
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/"
                "execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=0",
            ),
            ("X-Amz-Date", "20260101T000000Z"),
            ("X-Amz-Security-Token", "token"),
        ]
    else:
        for name in auth.identity_headers:
            headers.append((canonical(name), _IDENTITY_VALUES.get(name, "token")))
    if auth.api_key:
        headers.append(("X-Api-Key", "example-api-key"))
    names = {n.lower() for n, _ in extra}
    headers = [(n, v) for n, v in headers if n.lower() not in names]
    headers.extend(extra)
    return tuple(headers)


def _request(api: GatewayApi, probe: Probe, origin: str) -> cs.Request:
    url = api.base_url + fill_path(probe.route)
    body = cs.Body.text("{}") if probe.request_method in _BODY_METHODS else None
    credentials: Literal["omit", "same-origin", "include"] = (
        "include"
        if probe.credentials == "include"
        else "omit"
        if probe.credentials == "omit"
        else "same-origin"
    )
    return cs.Request(
        method=probe.request_method,
        url=url,
        origin=origin,
        headers=probe.headers,
        credentials=credentials,
        body=body,
    )


def _wants_credentials(api: GatewayApi, probe: Probe, book: LambdaBook, origin: str) -> bool:
    """Whether anything on the route allows credentials or sets cookies."""
    if api.cors is not None and api.cors.allow_credentials:
        return True
    route = api.route(probe.route)
    for method in route.methods if route is not None else ():
        for mapped_response in method.integration.responses if method.integration else ():
            if any(
                m.lower == "access-control-allow-credentials"
                and m.kind is ValueKind.STATIC
                and m.value.strip().lower() == "true"
                for m in mapped_response.headers
            ):
                return True
    server = GatewayServer(api, lambdas=book)
    request = _request(api, attrs.evolve(probe, credentials="same-origin"), origin)
    preflight = cs.preflight_request(request)
    with_origin = cs.Request(
        method=request.method,
        url=request.url,
        origin=origin,
        headers=(*request.headers, ("Origin", origin)),
        body=request.body,
    )
    for candidate in (preflight, with_origin):
        if candidate is None:
            continue
        response = server.respond(candidate)
        index = response.index
        if [v.strip().lower() for v in index.get("access-control-allow-credentials", [])] == [
            "true"
        ] or "set-cookie" in index:
            return True
    return False


def _probes(
    api: GatewayApi,
    route_filter: str | None,
    extra: Sequence[tuple[str, str]],
    credentials: str | None,
    book: LambdaBook,
    origin: str,
) -> list[Probe]:
    out: list[Probe] = []
    wanted_method, wanted_path = _parse_route_filter(route_filter)
    for route in routes_of(api):
        if wanted_path is not None and not _route_matches(api, route, wanted_path):
            continue
        for method in route.methods:
            if method.http_method == "OPTIONS":
                continue
            if method.http_method in ("ANY",):
                request_methods = ["GET", "POST"]
            else:
                request_methods = [method.http_method]
            for request_method in request_methods:
                if wanted_method is not None and wanted_method not in (
                    request_method,
                    method.http_method,
                ):
                    continue
                probe = Probe(
                    api=api.name,
                    route=route.path,
                    method=method.http_method,
                    request_method=request_method,
                    headers=_probe_headers(method, request_method, extra),
                )
                mode = credentials
                if mode is None:
                    mode = (
                        "include"
                        if _wants_credentials(api, probe, book, origin)
                        else ("same-origin")
                    )
                out.append(attrs.evolve(probe, credentials=mode))
    return out


def _parse_route_filter(text: str | None) -> tuple[str | None, str | None]:
    if not text:
        return None, None
    text = text.strip()
    method, sep, path = text.partition(" ")
    if sep and path.strip():
        return method.upper(), path.strip()
    if text.startswith("/") or text == "$default":
        return None, text
    return text.upper(), None


def _route_matches(api: GatewayApi, route: Route, wanted: str) -> bool:
    if route.path == wanted:
        return True
    found = match_route(api, wanted, "GET")
    return found is not None and found[0].path == route.path


# -- handlers discovered in the template -------------------------------------------------


def _discover_handlers(model: GatewayModel, book: LambdaBook) -> None:
    for api in model.apis:
        for route in api.routes:
            for method in route.methods:
                integration = method.integration
                name = integration.function if integration else None
                if not name or book.has(method=method.http_method, route=route.path, function=name):
                    continue
                info = model.function(name)
                if info is None or not info.python or not info.handler:
                    continue
                module, _, function = info.handler.rpartition(".")
                try:
                    if info.inline:
                        book.add(name, inline_handler(info.inline, info.handler, name=name))
                    elif info.code_dir and module:
                        path = os.path.join(info.code_dir, *module.split(".")) + ".py"
                        if os.path.exists(path):
                            book.add(name, f"{path}:{function}")
                except Exception as exc:  # user code: report, never crash
                    raise GatewayTemplateError(
                        TemplateProblem.LAMBDA_SOURCE,
                        info.evidence.path,
                        f"cannot load the handler {info.handler!r} of {name}: "
                        f"{type(exc).__name__}: {exc}",
                        file=model.file,
                        line=info.evidence.line,
                    ) from exc


# -- the report ----------------------------------------------------------------------------


def _merge_gateway_findings(findings: Sequence[Finding]) -> list[Finding]:
    """One gateway-response-no-cors finding per API, with every family/status/class seen."""
    merged: dict[str, Finding] = {}
    facts: dict[str, dict[str, set[str]]] = {}
    out: list[Finding] = []
    for finding in findings:
        if finding.code is not FindingCode.GATEWAY_RESPONSE_NO_CORS:
            out.append(finding)
            continue
        seen = facts.setdefault(
            finding.api, {"families": set(), "statuses": set(), "classes": set()}
        )
        for key in seen:
            value = finding.facts.get(key)
            if value:
                seen[key].update(value.split(","))
        first = merged.get(finding.api)
        if first is None or ("origin" not in first.facts and "origin" in finding.facts):
            merged[finding.api] = finding
    for api, finding in merged.items():
        data = dict(finding.data)
        for key, values in facts[api].items():
            if values:
                data[key] = ",".join(sorted(values, key=lambda v: (len(v), v)))
        out.append(attrs.evolve(finding, data=tuple(data.items())))
    return out


def _dedupe(findings: Sequence[Finding], model: GatewayModel, origin: str) -> tuple[Finding, ...]:
    seen: dict[tuple[str, ...], Finding] = {}
    for finding in _merge_gateway_findings(findings):
        facts = finding.facts
        key = (
            finding.code.value,
            finding.api,
            finding.route or "",
            finding.method or "",
            finding.evidence.path,
            facts.get("header", ""),
            facts.get("value", "")
            if finding.code in (FindingCode.ORIGIN_LIST, FindingCode.ORIGIN_INVALID)
            else "",
        )
        if key not in seen:
            seen[key] = finding
    out = []
    for finding in seen.values():
        api = model.api(finding.api)
        if api is not None and not finding.fix:
            finding = attrs.evolve(finding, fix=fix_for(finding, api, origin))
        out.append(finding)
    return tuple(sorted(out, key=Finding.sort_key))


def gateway_report(
    path: str | os.PathLike[str],
    *,
    origins: Sequence[str] = (),
    route: str | None = None,
    lambda_responses: Mapping[str, LambdaSource] | None = None,
    parameters: Mapping[str, str] | None = None,
    credentials: Literal["omit", "same-origin", "include"] | None = None,
    headers: Sequence[tuple[str, str]] = (),
    browsers: Sequence[cs.BrowserProfile] = cs.ALL_BROWSERS,
    run_handlers: bool = False,
) -> GatewayReport:
    """Read ``path`` and predict what each browser does with each route.

    ``origins``: the page origins to check (default: the origins the template allows,
    else ``https://app.example``). ``route``: ``"/items"``, ``"POST /items"`` or a
    concrete path. ``lambda_responses`` answers Lambda proxy integrations, keyed by
    ``"METHOD /route"``, route, function logical id or ``"*"``: a sample response dict,
    a ``.json`` file, a ``"file.py:handler"``/``"module:handler"`` spec or a callable.
    ``run_handlers`` also runs the template's own Python handlers (``CodeUri`` +
    ``Handler``, or inline code) in process. ``credentials`` and ``headers`` override what
    the probes send.

    :raises GatewayTemplateError: the template cannot be modelled, ``route`` matches
        nothing, or a Lambda source cannot be loaded (the message names the path).
    :raises InvalidOriginError: an origin is not a serialized origin.
    :raises MissingExtraError: a YAML template without PyYAML installed.
    """
    model = load_gateway(path, parameters=parameters)
    file = os.fspath(path)
    book = LambdaBook(lambda_responses, base_dir=os.getcwd(), file=file)
    if run_handlers:
        _discover_handlers(model, book)
    checked = tuple(cs.parse_origin(o).serialize() for o in origins) or _default_origins(model)
    extra = tuple((str(n), str(v)) for n, v in headers)
    probes: list[Probe] = []
    verdicts: list[Verdict] = []
    findings: list[Finding] = []
    static: list[Finding] = []
    for api in model.apis:
        static.extend(static_findings(api))
        api_probes = _probes(api, route, extra, credentials, book, checked[0])
        probes.extend(api_probes)
        for probe in api_probes:
            found = api.route(probe.route)
            assert found is not None
            method = next(m for m in found.methods if m.http_method == probe.method)
            for origin in checked:
                request = _request(api, probe, origin)
                for klass in applicable_classes(api, method):
                    for profile in browsers:
                        server = GatewayServer(api, response_class=klass, lambdas=book)
                        evaluation = cs.evaluate(request, server, browser=profile)
                        verdicts.append(_verdict(probe, origin, klass, profile, evaluation, server))
                        findings.extend(
                            diagnose(
                                api, found, method, evaluation, server.log, klass, origin=origin
                            )
                        )
                        reason = evaluation.reason
                        if reason is not None and reason.stage is cs.Stage.PREFLIGHT:
                            findings.extend(
                                _behind_preflight(
                                    api, found, method, request, klass, profile, book, origin
                                )
                            )
    if route is not None and not probes:
        available = (
            ", ".join(
                f"{m.http_method} {r.path}"
                for api in model.apis
                for r in routes_of(api)
                for m in r.methods
            )
            or "none"
        )
        raise GatewayTemplateError(
            TemplateProblem.ROUTE_NOT_FOUND,
            "",
            f"route {route!r} matches nothing; routes: {available}",
            file=file,
        )
    return GatewayReport(
        file=file,
        model=model,
        origins=checked,
        browsers=tuple(p.name for p in browsers),
        probes=tuple(probes),
        verdicts=tuple(verdicts),
        findings=_dedupe([*findings, *static], model, checked[0]),
    )


class _AssumePreflightPasses:
    """A server whose preflights succeed, to look at the actual response behind them."""

    __slots__ = ("inner",)

    def __init__(self, inner: GatewayServer) -> None:
        self.inner = inner

    def respond(self, request: cs.Request) -> cs.Response:
        index: dict[str, str] = {}
        for name, value in request.headers:
            index[str(name).lower()] = str(value)
        if request.method != "OPTIONS" or "access-control-request-method" not in index:
            return self.inner.respond(request)
        pairs = [
            ("Access-Control-Allow-Origin", index.get("origin", "*")),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", index["access-control-request-method"]),
        ]
        if index.get("access-control-request-headers"):
            pairs.append(("Access-Control-Allow-Headers", index["access-control-request-headers"]))
        return cs.Response(status=204, headers=tuple(pairs))


def _behind_preflight(
    api: GatewayApi,
    route: Route,
    method: Method,
    request: cs.Request,
    klass: ResponseClass,
    profile: cs.BrowserProfile,
    book: LambdaBook,
    origin: str,
) -> list[Finding]:
    """Findings about the actual response, hidden today by a failing preflight."""
    server = GatewayServer(api, response_class=klass, lambdas=book)
    evaluation = cs.evaluate(request, _AssumePreflightPasses(server), browser=profile)
    reason = evaluation.reason
    if reason is None or reason.stage not in (cs.Stage.ACTUAL, cs.Stage.REDIRECT):
        return []
    found = diagnose(api, route, method, evaluation, server.log, klass, origin=origin)
    return [
        attrs.evolve(f, data=(*f.data, ("behind", "preflight")))
        for f in found
        if f.code is not FindingCode.ORIGIN_MISMATCH
    ]


def _verdict(
    probe: Probe,
    origin: str,
    klass: ResponseClass,
    profile: cs.BrowserProfile,
    evaluation: cs.Evaluation,
    server: GatewayServer,
) -> Verdict:
    reason = evaluation.reason
    last = server.log[-1] if server.log else None
    assumed = any(d.assumed for d in server.log)
    return Verdict(
        api=probe.api,
        route=probe.route,
        method=probe.method,
        request_method=probe.request_method,
        origin=origin,
        response_class=klass,
        browser=profile.name,
        allowed=evaluation.allowed,
        reason=reason.code if reason else None,
        stage=reason.stage if reason else None,
        header=reason.header if reason else None,
        value=reason.value if reason else None,
        status=last.status if last else None,
        credentials=probe.credentials,
        request_headers=evaluation.unsafe_headers,
        preflight=evaluation.preflight is not None,
        assumed=assumed,
    )


def _default_origins(model: GatewayModel) -> tuple[str, ...]:
    """The origins the template allows (static, exact), else ``https://app.example``."""
    values: list[str] = []
    for api in model.apis:
        if api.cors is not None:
            values.extend(api.cors.allow_origins)
        mapped = [m for g in api.gateway_responses for m in g.headers]
        for route in api.routes:
            for method in route.methods:
                for response in method.integration.responses if method.integration else ():
                    mapped.extend(response.headers)
        values.extend(
            m.value.strip() for m in mapped if m.lower == "access-control-allow-origin" and m.value
        )
    found: set[str] = set()
    for value in values:
        try:
            found.add(cs.parse_origin(value).serialize())
        except cs.CorsspecError:
            continue
    return tuple(sorted(found))[:3] or (_DEFAULT_ORIGIN,)

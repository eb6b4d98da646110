"""Findings: what is wrong, where in the template, and the snippet that fixes it.

Two sources feed findings. *Static* checks read the model (every mapped
Access-Control-Allow-Origin value, SAM/API Gateway rules, load-time issues).
*Diagnosis* reads an evaluation: the core says why the browser blocked
(:class:`corsspec.ReasonCode`), the gateway's :class:`~._server.Decision` log says why the
gateway answered that way, and together they name the cause in API Gateway terms
(``options-requires-auth`` rather than ``preflight-status-not-ok``).

Wording lives in :data:`TITLES`; codes and facts are data (:mod:`._codes`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import corsspec as cs
from corsspec.adapters.aws.apigateway._codes import Evidence, Finding, FindingCode, Source
from corsspec.adapters.aws.apigateway._model import (
    ApiKind,
    GatewayApi,
    HttpCors,
    IntegrationKind,
    Mapped,
    Method,
    Route,
    ValueKind,
)
from corsspec.adapters.aws.apigateway._server import Decision, DecisionKind, ResponseClass

__all__ = ["TITLES", "canonical", "describe", "diagnose", "fix_for", "static_findings"]


def __dir__() -> list[str]:
    return __all__


#: One line per code: what the finding means (the only wording in this module's output).
TITLES: Mapping[FindingCode, str] = {
    FindingCode.OPTIONS_MISSING: (
        "no OPTIONS method: the preflight gets 403 Missing Authentication Token"
    ),
    FindingCode.OPTIONS_NOT_DEPLOYED: (
        "the OPTIONS method is not in the deployment (403 on preflight)"
    ),
    FindingCode.OPTIONS_REQUIRES_AUTH: (
        "OPTIONS requires an authorizer; preflights carry no credentials, so they fail"
    ),
    FindingCode.OPTIONS_REQUIRES_API_KEY: (
        "OPTIONS requires an API key; preflights never send x-api-key, so they get 403"
    ),
    FindingCode.OPTIONS_MISCONFIGURED: (
        "the OPTIONS integration does not return a valid CORS preflight answer"
    ),
    FindingCode.ACTUAL_MISSING_CORS: (
        "the actual response has no Access-Control-Allow-Origin: 200 OK but still blocked"
    ),
    FindingCode.ERROR_RESPONSE_MISSING_CORS: (
        "an error response of the integration has no Access-Control-Allow-Origin: the page "
        "sees a CORS error instead of the error"
    ),
    FindingCode.HEADER_NOT_ALLOWED: (
        "a header the request sends is missing from Access-Control-Allow-Headers"
    ),
    FindingCode.METHOD_NOT_ALLOWED: (
        "the request method is missing from Access-Control-Allow-Methods"
    ),
    FindingCode.AUTHORIZATION_WILDCARD: (
        "Authorization is allowed only through '*' in Allow-Headers (the Fetch standard "
        "says '*' does not cover it; browsers are lenient today)"
    ),
    FindingCode.WILDCARD_WITH_CREDENTIALS: (
        "Access-Control-Allow-Origin '*' cannot be used with credentials"
    ),
    FindingCode.ORIGIN_MISMATCH: "the preflight and the actual response allow different origins",
    FindingCode.ORIGIN_NOT_ALLOWED: "the page's origin is not the origin the API allows",
    FindingCode.CREDENTIALS_MISMATCH: (
        "credentials are allowed on one of preflight/actual response but not on the other"
    ),
    FindingCode.ORIGIN_LIST: (
        "Access-Control-Allow-Origin holds a comma-separated list, which no browser accepts"
    ),
    FindingCode.ORIGIN_INVALID: (
        "Access-Control-Allow-Origin is not an origin (scheme://host[:port], no path)"
    ),
    FindingCode.GATEWAY_RESPONSE_NO_CORS: (
        "gateway-generated errors carry no CORS headers: the page sees a CORS error, not the status"
    ),
    FindingCode.INVALID_MAPPING_EXPRESSION: (
        "API Gateway rejects this ResponseParameters value at deployment "
        '("Invalid mapping expression specified")'
    ),
    FindingCode.DYNAMIC_MAPPING: (
        "this header value is computed at run time; the model leaves it out"
    ),
    FindingCode.CORS_EXTENSION_IGNORED: (
        "x-amazon-apigateway-cors applies to HTTP APIs only; this REST API ignores it"
    ),
    FindingCode.BACKEND_CORS_IGNORED: (
        "the HTTP API's CORS configuration replaces the CORS headers the backend sends"
    ),
    FindingCode.LAMBDA_RESPONSE_UNKNOWN: (
        "the Lambda's response is unknown; the verdict assumes it sends no CORS headers"
    ),
    FindingCode.LAMBDA_RESPONSE_MALFORMED: (
        "the Lambda's result is not a valid proxy response: the gateway answers 502 "
        "without CORS headers"
    ),
    FindingCode.LAMBDA_ERROR: (
        "the Lambda handler raised: the gateway answers 502 without CORS headers"
    ),
    FindingCode.CONFIGURATION_REJECTED: "this CORS configuration is rejected at build/deploy time",
    FindingCode.NO_DEPLOYMENT: (
        "no AWS::ApiGateway::Deployment deploys this API (verdicts assume it is deployed)"
    ),
    FindingCode.BLOCKED: "a browser blocks this request",
}


def describe(finding: Finding) -> str:
    """The title plus the finding's key facts, for text output."""
    facts = finding.facts
    parts = []
    for key in (
        "origin",
        "request",
        "class",
        "header",
        "value",
        "allowed",
        "status",
        "statuses",
        "families",
        "side",
        "rule",
        "function",
        "detail",
        "why",
        "missing",
        "reason",
        "behind",
    ):
        if key in facts and facts[key] != "":
            parts.append(
                f"{key}={facts[key]!r}"
                if key in ("value", "allowed", "detail")
                else f"{key}={facts[key]}"
            )
    tail = f" ({', '.join(parts)})" if parts else ""
    title = TITLES[finding.code]
    if finding.code is FindingCode.CREDENTIALS_MISMATCH:
        title = _SIDES.get(facts.get("side", ""), title)
    return title + tail


_SIDES = {
    "preflight": (
        "the request sends credentials, but the preflight answer does not allow them "
        "(Access-Control-Allow-Credentials: true is missing there)"
    ),
    "actual": (
        "the preflight allows credentials, but the actual response does not "
        "(Access-Control-Allow-Credentials: true is missing there)"
    ),
}


# -- helpers -----------------------------------------------------------------------------


def _header_mapping(method: Method | None, name: str) -> Mapped | None:
    integration = method.integration if method is not None else None
    if integration is None:
        return None
    for response in integration.responses:
        if response.is_default or integration.kind is IntegrationKind.MOCK:
            for mapped in response.headers:
                if mapped.lower == name:
                    return mapped
    return None


def _options_response_evidence(method: Method | None) -> Evidence | None:
    integration = method.integration if method is not None else None
    if integration is None:
        return method.evidence if method is not None else None
    for response in integration.responses:
        if response.is_default or integration.kind is IntegrationKind.MOCK:
            return response.evidence
    return integration.evidence


def _is_origin(value: str) -> bool:
    if value in ("*", "null"):
        return True
    try:
        cs.parse_origin(value)
    except cs.CorsspecError:
        return False
    return True


def _fixed_origin(value: str) -> str:
    first = value.split(",")[0].strip()
    try:
        origin = cs.parse_url(first).origin
    except cs.CorsspecError:
        return first.rstrip("/")
    return origin.serialize()


# -- static checks -------------------------------------------------------------------------


def _mapped_values(api: GatewayApi) -> list[tuple[Route | None, Method | None, Mapped]]:
    out: list[tuple[Route | None, Method | None, Mapped]] = []
    for route in api.routes:
        for method in route.methods:
            for response in method.integration.responses if method.integration else ():
                out.extend((route, method, m) for m in response.headers)
    for gateway in api.gateway_responses:
        out.extend((None, None, m) for m in gateway.headers)
    return out


def static_findings(api: GatewayApi) -> list[Finding]:
    """Findings that follow from the configuration alone."""
    found: list[Finding] = list(api.issues)
    for route, method, mapped in _mapped_values(api):
        if mapped.kind is not ValueKind.STATIC or mapped.lower != "access-control-allow-origin":
            continue
        value = mapped.value.strip()
        route_path = route.path if route else None
        method_name = method.http_method if method else None
        if "," in value:
            found.append(
                Finding(
                    code=FindingCode.ORIGIN_LIST,
                    api=api.name,
                    evidence=mapped.evidence,
                    route=route_path,
                    method=method_name,
                    data=(("value", value),),
                )
            )
        elif not _is_origin(value):
            found.append(
                Finding(
                    code=FindingCode.ORIGIN_INVALID,
                    api=api.name,
                    evidence=mapped.evidence,
                    route=route_path,
                    method=method_name,
                    data=(("value", value), ("expected", _fixed_origin(value))),
                )
            )
    for route in api.routes:
        for method in route.methods:
            for response in method.integration.responses if method.integration else ():
                values = {m.lower: m for m in response.headers if m.kind is ValueKind.STATIC}
                acao = values.get("access-control-allow-origin")
                acac = values.get("access-control-allow-credentials")
                if acao and acac and acao.value.strip() == "*" and acac.value.strip() == "true":
                    found.append(
                        Finding(
                            code=FindingCode.WILDCARD_WITH_CREDENTIALS,
                            api=api.name,
                            route=route.path,
                            method=method.http_method,
                            evidence=acao.evidence,
                            data=(("value", "*"),),
                        )
                    )
    found.extend(_preflight_protection(api))
    found.extend(_gateway_responses_without_cors(api))
    cors = api.cors
    if cors is not None:
        for entry in cors.allow_origins:
            if "," in entry:
                found.append(
                    Finding(
                        code=FindingCode.ORIGIN_LIST,
                        api=api.name,
                        evidence=cors.evidence,
                        data=(("value", entry),),
                    )
                )
            elif entry not in ("*", "https://*", "http://*") and not _is_origin(entry):
                found.append(
                    Finding(
                        code=FindingCode.ORIGIN_INVALID,
                        api=api.name,
                        evidence=cors.evidence,
                        data=(("value", entry), ("expected", _fixed_origin(entry))),
                    )
                )
        rejected = any(i.code is FindingCode.CONFIGURATION_REJECTED for i in api.issues)
        if cors.allow_credentials and "*" in cors.allow_origins and not rejected:
            found.append(
                Finding(
                    code=FindingCode.CONFIGURATION_REJECTED,
                    api=api.name,
                    evidence=cors.evidence,
                    data=(("by", "apigateway"), ("rule", "credentials-with-wildcard-origin")),
                )
            )
    return found


def _preflight_protection(api: GatewayApi) -> list[Finding]:
    """OPTIONS (or an ANY/$default method that catches preflights) behind auth or a key."""
    out = []
    for route in api.routes:
        catcher = route.exact("OPTIONS") or route.exact("ANY")
        if catcher is None:
            continue
        auth = catcher.auth
        if auth.authorizer:
            out.append(
                Finding(
                    code=FindingCode.OPTIONS_REQUIRES_AUTH,
                    api=api.name,
                    route=route.path,
                    method=catcher.http_method,
                    evidence=auth.evidence or catcher.evidence,
                    data=(
                        ("authorizer", auth.kind.value),
                        ("sam-default", "true" if auth.sam_default_authorizer else ""),
                    ),
                )
            )
        if auth.api_key and api.kind is ApiKind.REST:
            out.append(
                Finding(
                    code=FindingCode.OPTIONS_REQUIRES_API_KEY,
                    api=api.name,
                    route=route.path,
                    method=catcher.http_method,
                    evidence=auth.api_key_evidence or catcher.evidence,
                    data=(("sam-default", "true" if auth.sam_default_api_key else ""),),
                )
            )
    return out


def _has_acao(headers: Sequence[Mapped]) -> bool:
    return any(
        m.lower == "access-control-allow-origin"
        and m.kind in (ValueKind.STATIC, ValueKind.REQUEST_HEADER)
        for m in headers
    )


def _gateway_responses_without_cors(api: GatewayApi) -> list[Finding]:
    """REST APIs that do CORS but whose gateway errors would not carry it."""
    if api.kind is not ApiKind.REST:
        return []
    intent = (
        (api.sam is not None and api.sam.has_cors)
        or any(
            _has_acao(response.headers)
            for route in api.routes
            for method in route.methods
            for response in (method.integration.responses if method.integration else ())
        )
        or any(_has_acao(g.headers) for g in api.gateway_responses)
    )
    if not intent:
        return []
    out = []
    for family in ("DEFAULT_4XX", "DEFAULT_5XX"):
        configured = api.gateway_response(family)
        if configured is not None and _has_acao(configured.headers):
            continue
        out.append(
            Finding(
                code=FindingCode.GATEWAY_RESPONSE_NO_CORS,
                api=api.name,
                evidence=configured.evidence if configured else api.evidence,
                data=(("families", family),),
            )
        )
    for configured in api.gateway_responses:
        if not configured.type.startswith("DEFAULT_") and not _has_acao(configured.headers):
            out.append(
                Finding(
                    code=FindingCode.GATEWAY_RESPONSE_NO_CORS,
                    api=api.name,
                    evidence=configured.evidence,
                    data=(("families", configured.type),),
                )
            )
    return out


# -- diagnosis -------------------------------------------------------------------------------


def diagnose(
    api: GatewayApi,
    route: Route,
    method: Method,
    evaluation: cs.Evaluation,
    log: Sequence[Decision],
    klass: ResponseClass,
    *,
    origin: str,
) -> list[Finding]:
    """Name, in API Gateway terms, why ``evaluation`` was blocked (or what it relied on)."""
    reason = evaluation.reason
    pre = next((d for d in log if d.preflight), None)
    act = next((d for d in log if not d.preflight), None)
    request = evaluation.request
    base = {
        "origin": origin,
        "request": f"{request.method} {route.path}",
        "headers": ",".join(evaluation.unsafe_headers),
        "credentials": request.credentials.value,
        "class": klass.value,
    }
    out: list[Finding] = []
    if reason is None:
        if any(n.code is cs.NoteCode.AUTHORIZATION_COVERED_BY_WILDCARD for n in evaluation.notes):
            answering = pre.declared if pre is not None and pre.declared else None
            acah = _header_mapping(answering, "access-control-allow-headers")
            evidence = (
                acah.evidence if acah else (api.cors.evidence if api.cors else route.evidence)
            )
            out.append(
                _finding(
                    FindingCode.AUTHORIZATION_WILDCARD,
                    api,
                    route,
                    answering or method,
                    evidence,
                    base,
                    header="authorization",
                )
            )
        if act is not None and act.dropped_backend_cors:
            out.append(
                _finding(
                    FindingCode.BACKEND_CORS_IGNORED,
                    api,
                    route,
                    method,
                    _integration_evidence(method),
                    base,
                    dropped=",".join(act.dropped_backend_cors),
                )
            )
        return out
    code = reason.code
    if reason.stage is cs.Stage.PREFLIGHT:
        decision = pre
        if decision is None:
            return [
                _finding(
                    FindingCode.BLOCKED,
                    api,
                    route,
                    method,
                    route.evidence,
                    base,
                    reason=code.value,
                    stage="preflight",
                )
            ]
        answering = decision.declared
        kind = decision.kind
        route = decision.route or route  # the route that answered the preflight
        if kind in (DecisionKind.ROUTE_NOT_FOUND, DecisionKind.METHOD_NOT_FOUND):
            return [
                _finding(
                    FindingCode.OPTIONS_MISSING,
                    api,
                    route,
                    None,
                    route.evidence,
                    base,
                    status=str(decision.status),
                )
            ]
        if kind is DecisionKind.NOT_DEPLOYED:
            return []  # reported statically, with the deployment as evidence
        if kind is DecisionKind.AUTH_REJECTED and answering is not None:
            auth = answering.auth
            return [
                _finding(
                    FindingCode.OPTIONS_REQUIRES_AUTH,
                    api,
                    route,
                    answering,
                    auth.evidence or answering.evidence,
                    base,
                    status=str(decision.status),
                    authorizer=auth.kind.value,
                    **{"sam-default": "true" if auth.sam_default_authorizer else ""},
                )
            ]
        if kind is DecisionKind.API_KEY_REJECTED and answering is not None:
            auth = answering.auth
            return [
                _finding(
                    FindingCode.OPTIONS_REQUIRES_API_KEY,
                    api,
                    route,
                    answering,
                    auth.api_key_evidence or answering.evidence,
                    base,
                    status=str(decision.status),
                    **{"sam-default": "true" if auth.sam_default_api_key else ""},
                )
            ]
        if kind in (DecisionKind.LAMBDA_MALFORMED, DecisionKind.LAMBDA_ERROR):
            return [_lambda_failure(api, route, answering or method, decision, base)]
        if kind is DecisionKind.INTEGRATION_ERROR:
            return [
                _finding(
                    FindingCode.OPTIONS_MISCONFIGURED,
                    api,
                    route,
                    answering,
                    _integration_evidence(answering),
                    base,
                    status=str(decision.status),
                    why="no-integration-response",
                )
            ]
        if decision.assumed and code is cs.ReasonCode.ACAO_MISSING:
            return [_unknown_lambda(api, route, answering or method, base)]
        return _cors_failure(
            api,
            route,
            answering,
            reason,
            base,
            preflight=True,
            gateway=kind is DecisionKind.GATEWAY_PREFLIGHT,
            status=decision.status,
            preflight_passed=False,
        )
    if reason.stage in (cs.Stage.ACTUAL, cs.Stage.REDIRECT):
        decision = act
        if decision is None:
            return [
                _finding(
                    FindingCode.BLOCKED,
                    api,
                    route,
                    method,
                    route.evidence,
                    base,
                    reason=code.value,
                    stage=reason.stage.value,
                )
            ]
        if decision.kind is DecisionKind.RESPONSE_CLASS or (
            decision.gateway_response is not None and klass is not ResponseClass.SUCCESS
        ):
            configured = decision.configured
            evidence = configured.evidence if configured is not None else api.evidence
            if api.kind is ApiKind.HTTP:
                family = "cors-configuration"
            elif configured is not None:
                family = configured.type
            else:
                family = "DEFAULT_4XX" if decision.status < 500 else "DEFAULT_5XX"
            return [
                Finding(
                    code=FindingCode.GATEWAY_RESPONSE_NO_CORS,
                    api=api.name,
                    evidence=evidence,
                    data=(
                        ("families", family),
                        ("statuses", str(decision.status)),
                        ("origin", origin),
                        ("credentials", base["credentials"]),
                        ("classes", klass.value),
                    ),
                )
            ]
        if decision.kind in (DecisionKind.LAMBDA_MALFORMED, DecisionKind.LAMBDA_ERROR):
            return [_lambda_failure(api, route, method, decision, base)]
        if decision.kind is not DecisionKind.INTEGRATION:
            return [
                _finding(
                    FindingCode.BLOCKED,
                    api,
                    route,
                    method,
                    method.evidence,
                    base,
                    reason=code.value,
                    stage=reason.stage.value,
                    gateway=decision.kind.value,
                    status=str(decision.status),
                )
            ]
        if decision.assumed and code is cs.ReasonCode.ACAO_MISSING:
            return [_unknown_lambda(api, route, method, base)]
        return _cors_failure(
            api,
            route,
            method,
            reason,
            base,
            preflight=False,
            gateway=False,
            status=decision.status,
            preflight_passed=evaluation.preflight is not None,
            lambda_key=decision.lambda_outcome.key if decision.lambda_outcome else "",
            selected=decision.integration_response.evidence
            if decision.integration_response
            else None,
        )
    return [
        _finding(
            FindingCode.BLOCKED,
            api,
            route,
            method,
            method.evidence,
            base,
            reason=code.value,
            stage=reason.stage.value,
        )
    ]


def _finding(
    code: FindingCode,
    api: GatewayApi,
    route: Route | None,
    method: Method | None,
    evidence: Evidence,
    base: Mapping[str, str],
    **facts: str,
) -> Finding:
    data = dict(base)
    data.update({k: v for k, v in facts.items() if v != ""})
    # A preflight answered without a method (missing OPTIONS, an HTTP API answering
    # itself) is still about OPTIONS.
    preflight_side = data.get("side") == "preflight" or code in _PREFLIGHT_CODES
    name = method.http_method if method else "OPTIONS" if preflight_side else None
    return Finding(
        code=code,
        api=api.name,
        route=route.path if route else None,
        method=name,
        evidence=evidence,
        data=tuple(data.items()),
    )


_PREFLIGHT_CODES = frozenset(
    {
        FindingCode.OPTIONS_MISSING,
        FindingCode.OPTIONS_MISCONFIGURED,
        FindingCode.HEADER_NOT_ALLOWED,
        FindingCode.METHOD_NOT_ALLOWED,
        FindingCode.AUTHORIZATION_WILDCARD,
    }
)


def _integration_evidence(method: Method | None) -> Evidence:
    if method is None:
        return Evidence(path="")
    if method.integration is not None:
        return method.integration.evidence
    return method.evidence


def _unknown_lambda(
    api: GatewayApi, route: Route, method: Method, base: Mapping[str, str]
) -> Finding:
    integration = method.integration
    return _finding(
        FindingCode.LAMBDA_RESPONSE_UNKNOWN,
        api,
        route,
        method,
        _integration_evidence(method),
        base,
        function=integration.function or "" if integration else "",
    )


def _lambda_failure(
    api: GatewayApi, route: Route, method: Method, decision: Decision, base: Mapping[str, str]
) -> Finding:
    outcome = decision.lambda_outcome
    code = (
        FindingCode.LAMBDA_RESPONSE_MALFORMED
        if decision.kind is DecisionKind.LAMBDA_MALFORMED
        else FindingCode.LAMBDA_ERROR
    )
    integration = method.integration
    return _finding(
        code,
        api,
        route,
        method,
        _integration_evidence(method),
        base,
        status=str(decision.status),
        detail=outcome.detail if outcome else "",
        function=integration.function or "" if integration else "",
        source=outcome.key if outcome else "",
    )


def _cors_failure(
    api: GatewayApi,
    route: Route,
    method: Method | None,
    reason: cs.Reason,
    base: Mapping[str, str],
    *,
    preflight: bool,
    gateway: bool,
    status: int,
    preflight_passed: bool,
    lambda_key: str = "",
    selected: Evidence | None = None,
) -> list[Finding]:
    code = reason.code
    R = cs.ReasonCode  # noqa: N806 - short alias for the enum
    cors = api.cors
    value = reason.value or ""

    def where(header: str) -> Evidence:
        if cors is not None and (gateway or api.kind is ApiKind.HTTP):
            return cors.evidence
        mapped = _header_mapping(method, header)
        if mapped is not None:
            return mapped.evidence
        if preflight:
            return _options_response_evidence(method) or route.evidence
        return _integration_evidence(method)

    side = "preflight" if preflight else "actual"
    lam = {"source": lambda_key} if lambda_key else {}
    if code is R.ACAO_MISSING:
        if preflight:
            if gateway:
                return [
                    _finding(
                        FindingCode.ORIGIN_NOT_ALLOWED,
                        api,
                        route,
                        method,
                        where("access-control-allow-origin"),
                        base,
                        allowed=",".join(cors.allow_origins) if cors else "",
                    )
                ]
            return [
                _finding(
                    FindingCode.OPTIONS_MISCONFIGURED,
                    api,
                    route,
                    method,
                    where("access-control-allow-origin"),
                    base,
                    status=str(status),
                    why="no-access-control-allow-origin",
                )
            ]
        code_for = (
            FindingCode.ACTUAL_MISSING_CORS
            if base.get("class") == "success" and status < 400
            else FindingCode.ERROR_RESPONSE_MISSING_CORS
        )
        return [
            _finding(
                code_for,
                api,
                route,
                method,
                selected or _integration_evidence(method),
                base,
                status=str(status),
                **lam,
            )
        ]
    if code in (R.ACAO_MISMATCH, R.ACAO_MULTIPLE, R.ACAO_INVALID):
        evidence = where("access-control-allow-origin")
        if "," in value or code is R.ACAO_MULTIPLE:
            return [
                _finding(
                    FindingCode.ORIGIN_LIST, api, route, method, evidence, base, value=value, **lam
                )
            ]
        if not _is_origin(value):
            return [
                _finding(
                    FindingCode.ORIGIN_INVALID,
                    api,
                    route,
                    method,
                    evidence,
                    base,
                    value=value,
                    expected=_fixed_origin(value),
                    **lam,
                )
            ]
        if not preflight and preflight_passed:
            return [
                _finding(
                    FindingCode.ORIGIN_MISMATCH,
                    api,
                    route,
                    method,
                    evidence,
                    base,
                    value=value,
                    **lam,
                )
            ]
        return [
            _finding(
                FindingCode.ORIGIN_NOT_ALLOWED,
                api,
                route,
                method,
                evidence,
                base,
                value=value,
                **lam,
            )
        ]
    if code is R.ACAO_WILDCARD_WITH_CREDENTIALS:
        return [
            _finding(
                FindingCode.WILDCARD_WITH_CREDENTIALS,
                api,
                route,
                method,
                where("access-control-allow-origin"),
                base,
                value="*",
                side=side,
                **lam,
            )
        ]
    if code is R.ACAC_NOT_TRUE:
        evidence = where("access-control-allow-credentials")
        if preflight and cors is None:
            evidence = _options_response_evidence(method) or route.evidence
        return [
            _finding(
                FindingCode.CREDENTIALS_MISMATCH,
                api,
                route,
                method,
                evidence,
                base,
                side=side,
                value=value,
                **lam,
            )
        ]
    if code is R.PREFLIGHT_STATUS_NOT_OK or code in (R.ACAM_INVALID, R.ACAH_INVALID):
        return [
            _finding(
                FindingCode.OPTIONS_MISCONFIGURED,
                api,
                route,
                method,
                _options_response_evidence(method) or route.evidence,
                base,
                status=str(status),
                why=code.value,
            )
        ]
    if code is R.METHOD_NOT_ALLOWED:
        return [
            _finding(
                FindingCode.METHOD_NOT_ALLOWED,
                api,
                route,
                method,
                where("access-control-allow-methods"),
                base,
                allowed=_current(api, method, "access-control-allow-methods"),
            )
        ]
    if code is R.HEADER_NOT_ALLOWED:
        return [
            _finding(
                FindingCode.HEADER_NOT_ALLOWED,
                api,
                route,
                method,
                where("access-control-allow-headers"),
                base,
                header=value,
                allowed=_current(api, method, "access-control-allow-headers"),
            )
        ]
    return [
        _finding(
            FindingCode.BLOCKED,
            api,
            route,
            method,
            route.evidence,
            base,
            reason=code.value,
            stage=side,
        )
    ]


def _current(api: GatewayApi, method: Method | None, header: str) -> str:
    if api.cors is not None:
        cors = api.cors
        return ",".join(cors.allow_methods if header.endswith("methods") else cors.allow_headers)
    mapped = _header_mapping(method, header)
    return mapped.value if mapped is not None and mapped.kind is ValueKind.STATIC else ""


# -- fixes -------------------------------------------------------------------------------


def canonical(name: str) -> str:
    """``x-api-key`` -> ``X-Api-Key`` (how templates usually spell header names)."""
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


def _list(values: Sequence[str]) -> str:
    seen: dict[str, str] = {}
    for value in values:
        for item in value.split(","):
            item = item.strip()
            if item and item.lower() not in seen:
                seen[item.lower()] = item
    return ",".join(seen.values())


def _response_parameters(api: GatewayApi, pairs: Sequence[tuple[str, str]]) -> str:
    openapi = api.flavour in (Source.OPENAPI, Source.SAM)
    key = "responseParameters" if openapi else "ResponseParameters"
    lines = [f"{key}:"]
    lines += [f"  method.response.header.{name}: \"'{value}'\"" for name, value in pairs]
    if openapi:
        lines.append("# and declare each header under the operation's responses.<status>.headers")
    else:
        lines.append(
            "# and declare each header in MethodResponses[].ResponseParameters "
            "(method.response.header.<Name>: true)"
        )
    return "\n".join(lines)


def _lambda_headers(origin: str, credentials: bool) -> str:
    headers = {"Access-Control-Allow-Origin": origin}
    if credentials:
        headers["Access-Control-Allow-Credentials"] = "true"
        headers["Vary"] = "Origin"
    body = json.dumps({"statusCode": 200, "headers": headers, "body": "..."}, indent=2)
    return "# every return path of the Lambda handler, errors included:\n" + body


def _methods_of(route: Route | None, extra: str = "") -> str:
    names = {m.http_method for m in route.methods} if route else set()
    if "ANY" in names:
        names = {"GET", "POST", "PUT", "PATCH", "DELETE"}
    names.discard("ANY")
    if extra:
        names.add(extra)
    names.add("OPTIONS")
    return ",".join(sorted(names))


def _options_snippet(
    api: GatewayApi, route: Route | None, origin: str, headers: str, credentials: bool
) -> str:
    allow_headers = _list([canonical(h) for h in headers.split(",") if h] or ["Content-Type"])
    methods = _methods_of(route)
    if api.sam is not None:
        lines = [
            f"# {api.sam.properties_path}",
            "Cors:",
            f"  AllowOrigin: \"'{origin}'\"",
            f"  AllowHeaders: \"'{allow_headers}'\"",
            f"  AllowMethods: \"'{methods}'\"",
        ]
        if credentials:
            lines.append("  AllowCredentials: true")
        return "\n".join(lines)
    pairs = [
        ("Access-Control-Allow-Origin", origin),
        ("Access-Control-Allow-Methods", methods),
        ("Access-Control-Allow-Headers", allow_headers),
    ]
    if credentials:
        pairs.append(("Access-Control-Allow-Credentials", "true"))
    mock = "application/json: '{\"statusCode\": 200}'"
    if api.flavour is Source.OPENAPI:
        lines = [
            "paths:",
            f"  {route.path if route else '/'}:",
            "    options:",
            "      x-amazon-apigateway-integration:",
            "        type: mock",
            "        requestTemplates:",
            f"          {mock}",
            "        responses:",
            "          default:",
            '            statusCode: "200"',
            "            responseParameters:",
        ]
        lines += [f"              method.response.header.{n}: \"'{v}'\"" for n, v in pairs]
        lines += [
            "      responses:",
            '        "200":',
            "          description: CORS preflight",
            "          headers:",
        ]
        lines += [f"            {n}: {{schema: {{type: string}}}}" for n, _ in pairs]
        return "\n".join(lines)
    resource = route.evidence.logical_id if route else ""
    resource_id = (
        f"!Ref {resource}"
        if resource and resource != api.name
        else (f"!GetAtt {api.name}.RootResourceId")
    )
    name = (resource or "Root") + "Options"
    lines = [
        f"{name}:",
        "  Type: AWS::ApiGateway::Method",
        "  Properties:",
        f"    RestApiId: !Ref {api.name}",
        f"    ResourceId: {resource_id}",
        "    HttpMethod: OPTIONS",
        "    AuthorizationType: NONE",
        "    Integration:",
        "      Type: MOCK",
        "      RequestTemplates:",
        f"        {mock}",
        "      IntegrationResponses:",
        '        - StatusCode: "200"',
        "          ResponseParameters:",
    ]
    lines += [f"            method.response.header.{n}: \"'{v}'\"" for n, v in pairs]
    lines += ["    MethodResponses:", '      - StatusCode: "200"', "        ResponseParameters:"]
    lines += [f"          method.response.header.{n}: true" for n, _ in pairs]
    lines.append(f"# and list {name} in the Deployment's DependsOn")
    return "\n".join(lines)


def _gateway_responses_snippet(
    api: GatewayApi, origin: str, credentials: bool, families: Sequence[str] = ()
) -> str:
    types = [f for f in families if f and f != "cors-configuration"] or [
        "DEFAULT_4XX",
        "DEFAULT_5XX",
    ]
    headers = [("Access-Control-Allow-Origin", origin)]
    if credentials:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    if api.kind is ApiKind.HTTP:
        return _http_cors_snippet(api, origin=origin, credentials=credentials)
    if api.sam is not None:
        lines = [f"# {api.sam.properties_path}", "GatewayResponses:"]
        for rtype in types:
            lines += [f"  {rtype}:", "    ResponseParameters:", "      Headers:"]
            lines += [f"        {n}: \"'{v}'\"" for n, v in headers]
        return "\n".join(lines)
    if api.flavour is Source.OPENAPI:
        lines = ["x-amazon-apigateway-gateway-responses:"]
        for rtype in types:
            lines += [f"  {rtype}:", "    responseParameters:"]
            lines += [f"      gatewayresponse.header.{n}: \"'{v}'\"" for n, v in headers]
        return "\n".join(lines)
    lines = []
    for rtype in types:
        label = "".join(part.capitalize() for part in rtype.split("_"))
        lines += [
            f"{api.name}{label}:",
            "  Type: AWS::ApiGateway::GatewayResponse",
            "  Properties:",
            f"    RestApiId: !Ref {api.name}",
            f"    ResponseType: {rtype}",
            "    ResponseParameters:",
        ]
        lines += [f"      gatewayresponse.header.{n}: \"'{v}'\"" for n, v in headers]
    return "\n".join(lines)


def _http_cors_snippet(
    api: GatewayApi,
    *,
    origin: str = "",
    headers: str = "",
    methods: str = "",
    credentials: bool = False,
) -> str:
    cors: HttpCors | None = api.cors
    origins = list(cors.allow_origins) if cors else []
    if origin and origin not in origins:
        origins = [o for o in origins if o != "*"] + [origin] if credentials else [*origins, origin]
    allow_headers = list(cors.allow_headers) if cors else []
    for header in headers.split(","):
        if header and header.lower() not in {h.lower() for h in allow_headers}:
            allow_headers.append(header.lower())
    allow_methods = list(cors.allow_methods) if cors else []
    for method in methods.split(","):
        if method and method.upper() not in allow_methods and "*" not in allow_methods:
            allow_methods.append(method.upper())
    key = "CorsConfiguration"
    where = api.sam.properties_path if api.sam else f"Resources.{api.name}.Properties"
    lines = [
        f"# {where}",
        f"{key}:",
        f"  AllowOrigins: [{', '.join(repr(o) for o in origins)}]".replace("'", '"'),
    ]
    if allow_methods:
        lines.append(f"  AllowMethods: [{', '.join(allow_methods)}]")
    if allow_headers:
        lines.append(f"  AllowHeaders: [{', '.join(allow_headers)}]")
    if cors and cors.expose_headers:
        lines.append(f"  ExposeHeaders: [{', '.join(cors.expose_headers)}]")
    if cors and cors.max_age is not None:
        lines.append(f"  MaxAge: {cors.max_age}")
    if credentials or (cors and cors.allow_credentials):
        lines.append("  AllowCredentials: true")
    return "\n".join(lines)


def fix_for(
    finding: Finding,
    api: GatewayApi,  # one branch per code
    default_origin: str = "https://app.example",
) -> str:
    """A template snippet (in the API's own flavour) that fixes ``finding``."""
    facts = finding.facts
    origin = facts.get("origin") or default_origin
    credentials = facts.get("credentials") == "include"
    headers = facts.get("headers", "")
    route = api.route(finding.route) if finding.route else None
    code = finding.code
    F = FindingCode  # noqa: N806 - short alias for the enum
    if code in (F.OPTIONS_MISSING, F.CORS_EXTENSION_IGNORED):
        return _options_snippet(api, route, origin, headers, credentials)
    if code is F.OPTIONS_NOT_DEPLOYED:
        deployment = facts.get("deployment", "Deployment")
        return (
            f"{deployment}:\n  Type: AWS::ApiGateway::Deployment\n"
            f"  DependsOn:\n    - {facts.get('missing', 'OptionsMethod')}\n"
            "    # ... keep every other method of the API listed here too"
        )
    if code is F.OPTIONS_REQUIRES_AUTH:
        if api.kind is ApiKind.HTTP:
            return (
                f"PreflightRoute:\n  Type: AWS::ApiGatewayV2::Route\n  Properties:\n"
                f"    ApiId: !Ref {api.name}\n    RouteKey: OPTIONS /{{proxy+}}\n"
                "    AuthorizationType: NONE\n"
                "    Target: !Sub integrations/${AnyIntegration}\n"
                "# OPTIONS /{proxy+} wins over $default and ANY routes, so preflights "
                "skip the authorizer"
            )
        if facts.get("sam-default") and api.sam is not None:
            return (
                f"# {api.sam.properties_path}\nAuth:\n  AddDefaultAuthorizerToCorsPreflight: false"
            )
        if finding.evidence.source is Source.CLOUDFORMATION:
            return "AuthorizationType: NONE   # on the OPTIONS method; remove AuthorizerId"
        return "options:\n  security: []   # no authorizer on the preflight"
    if code is F.OPTIONS_REQUIRES_API_KEY:
        if facts.get("sam-default") and api.sam is not None:
            return f"# {api.sam.properties_path}\nAuth:\n  AddApiKeyRequiredToCorsPreflight: false"
        if finding.evidence.source is Source.CLOUDFORMATION:
            return "ApiKeyRequired: false   # on the OPTIONS method"
        return "options:\n  security: []   # no api_key on the preflight"
    if code is F.OPTIONS_MISCONFIGURED:
        return _options_snippet(api, route, origin, headers, credentials)
    if (
        code is F.ERROR_RESPONSE_MISSING_CORS
        and finding.evidence.source is not Source.LAMBDA
        and "IntegrationResponses" in finding.evidence.path
    ) or "responses" in finding.evidence.path.split(".")[-2:-1]:
        pairs = [("Access-Control-Allow-Origin", origin)]
        if credentials:
            pairs.append(("Access-Control-Allow-Credentials", "true"))
        status = facts.get("status", "500")
        declare = "MethodResponses" if api.flavour is Source.CLOUDFORMATION else "responses"
        return (
            f"# at {finding.evidence.path}\n"
            + _response_parameters(api, pairs)
            + f"\n# and declare the headers on the {status} method response ({declare})"
        )
    if code in (
        F.ACTUAL_MISSING_CORS,
        F.LAMBDA_RESPONSE_UNKNOWN,
        F.LAMBDA_RESPONSE_MALFORMED,
        F.LAMBDA_ERROR,
        F.ERROR_RESPONSE_MISSING_CORS,
    ):
        method = route.method(finding.method or "") if route else None
        integration = method.integration if method else None
        if integration is None or integration.kind.proxy:
            snippet = _lambda_headers(origin, credentials)
            if code is F.LAMBDA_RESPONSE_UNKNOWN:
                key = facts.get("function") or f"{finding.method} {finding.route}"
                snippet = (
                    "# tell corsspec what the function returns:\n"
                    f"#   gateway_report(path, lambda_responses={{{key!r}: 'sample.json'}})\n"
                    "#   gateway_report(path, run_handlers=True)  # runs Python handlers\n"
                    "# and make sure every response carries:\n" + snippet
                )
            if code is F.LAMBDA_ERROR:
                commented = "\n".join(
                    "# " + line if not line.startswith("#") else line
                    for line in snippet.splitlines()
                )
                snippet = (
                    "# catch exceptions in the handler and still answer with CORS "
                    "headers:\n" + commented + "\n# and give crashes (502) CORS "
                    "headers too:\n"
                    + _gateway_responses_snippet(api, origin, credentials, ["DEFAULT_5XX"])
                )
            return snippet
        pairs = [("Access-Control-Allow-Origin", origin)]
        if credentials:
            pairs.append(("Access-Control-Allow-Credentials", "true"))
        return (
            "# the method's default integration response (and its MethodResponses)\n"
            + _response_parameters(api, pairs)
        )
    if code in (F.HEADER_NOT_ALLOWED, F.METHOD_NOT_ALLOWED, F.AUTHORIZATION_WILDCARD):
        is_header = code is not F.METHOD_NOT_ALLOWED
        wanted = (
            canonical(facts.get("header", "authorization"))
            if is_header
            else facts.get("request", " ").split(" ")[0]
        )
        if api.kind is ApiKind.HTTP:
            return _http_cors_snippet(
                api,
                headers=wanted.lower() if is_header else "",
                methods="" if is_header else wanted,
            )
        current = facts.get("allowed", "")
        if code is F.AUTHORIZATION_WILDCARD:
            current = _list([h for h in current.split(",") if h.strip() != "*"])
        merged = _list([current, wanted])
        name = "Access-Control-Allow-Headers" if is_header else "Access-Control-Allow-Methods"
        if api.sam is not None and finding.evidence.source is Source.SAM:
            key = "AllowHeaders" if is_header else "AllowMethods"
            return f"# {api.sam.properties_path}\nCors:\n  {key}: \"'{merged}'\""
        return _response_parameters(api, [(name, merged)])
    if code in (
        F.WILDCARD_WITH_CREDENTIALS,
        F.CONFIGURATION_REJECTED,
        F.ORIGIN_NOT_ALLOWED,
        F.ORIGIN_MISMATCH,
        F.ORIGIN_INVALID,
    ):
        target = facts.get("expected") if code is F.ORIGIN_INVALID else origin
        target = target or origin
        if facts.get("rule") == "cors-needs-definition-body":
            return "# SAM adds Cors only to an inline DefinitionBody: inline the OpenAPI document"
        if api.kind is ApiKind.HTTP:
            return _http_cors_snippet(
                api, origin=target, credentials=credentials or code is F.CONFIGURATION_REJECTED
            )
        if finding.evidence.source is Source.LAMBDA or facts.get("source"):
            return _lambda_headers(target, credentials)
        if api.sam is not None and finding.evidence.source is Source.SAM:
            return f"# {api.sam.properties_path}\nCors:\n  AllowOrigin: \"'{target}'\""
        snippet = _response_parameters(api, [("Access-Control-Allow-Origin", target)])
        if code is F.ORIGIN_MISMATCH:
            snippet += (
                "\n# and return the same value from the integration (Lambda):\n"
                + _lambda_headers(target, credentials)
            )
        return snippet
    if code is F.ORIGIN_LIST:
        first = _fixed_origin(facts.get("value", origin))
        return (
            "# one origin per response. For several origins, echo the request's Origin\n"
            "# when it is allowed (Lambda behind OPTIONS/ANY), or use an HTTP API whose\n"
            "# CorsConfiguration.AllowOrigins is a list:\n"
            + (
                f"# {api.sam.properties_path}\nCors:\n  AllowOrigin: \"'{first}'\""
                if api.sam is not None and api.kind is ApiKind.REST
                else _response_parameters(api, [("Access-Control-Allow-Origin", first)])
                if api.kind is ApiKind.REST
                else _http_cors_snippet(api, origin=first)
            )
        )
    if code is F.CREDENTIALS_MISMATCH:
        if facts.get("side") == "actual":
            return _lambda_headers(origin, True)
        if api.kind is ApiKind.HTTP:
            return _http_cors_snippet(api, origin=origin, credentials=True)
        if api.sam is not None and finding.evidence.source is Source.SAM:
            return (
                f"# {api.sam.properties_path}\nCors:\n  AllowOrigin: \"'{origin}'\"\n"
                "  AllowCredentials: true"
            )
        return _response_parameters(api, [("Access-Control-Allow-Credentials", "true")])
    if code is F.GATEWAY_RESPONSE_NO_CORS:
        return _gateway_responses_snippet(
            api, origin, credentials, facts.get("families", "").split(",")
        )
    if code is F.INVALID_MAPPING_EXPRESSION:
        header = facts.get("header", "access-control-allow-origin")
        if facts.get("why") == "not-declared-in-method-response":
            return (
                'MethodResponses:\n  - StatusCode: "200"\n    ResponseParameters:\n'
                f"      method.response.header.{canonical(header)}: true"
            )
        expression = facts.get("expression", "").strip().strip("'\"")
        return f"method.response.header.{canonical(header)}: \"'{expression}'\"   # quoted"
    if code is F.BACKEND_CORS_IGNORED:
        return (
            "# the gateway drops the function's Access-Control-* headers and sends these:\n"
            + _http_cors_snippet(api)
            + "\n# change them here, and remove the CORS headers from the function"
        )
    if code is F.NO_DEPLOYMENT:
        return (
            f"{api.name}Deployment:\n  Type: AWS::ApiGateway::Deployment\n"
            "  DependsOn: [ ...every AWS::ApiGateway::Method of the API... ]\n"
            f"  Properties:\n    RestApiId: !Ref {api.name}\n    StageName: prod"
        )
    return ""

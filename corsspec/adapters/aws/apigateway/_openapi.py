"""OpenAPI 3 / Swagger 2 bodies with API Gateway extensions -> routes and methods.

Reads ``x-amazon-apigateway-integration`` (type, uri, request templates, responses with
their ``responseParameters``), method ``responses`` (declared headers), ``security``
with ``securityDefinitions``/``components.securitySchemes`` (authorizers, IAM, API keys),
``x-amazon-apigateway-gateway-responses`` and ``x-amazon-apigateway-cors``.

The SAM expansion in :mod:`._sam` writes the same extensions (as the SAM translator
does) and tags generated nodes with ``x-corsspec-*`` keys so evidence points at the SAM
property that caused them rather than at a body that does not exist in the template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from corsspec.adapters.aws.apigateway._codes import Evidence, Finding, FindingCode, Source
from corsspec.adapters.aws.apigateway._errors import TemplateProblem
from corsspec.adapters.aws.apigateway._model import (
    ApiKind,
    Auth,
    AuthKind,
    GatewayResponse,
    HttpCors,
    Integration,
    IntegrationKind,
    IntegrationResponse,
    Mapped,
    MappingContext,
    Method,
    ValueKind,
    parse_mapping,
)
from corsspec.adapters.aws.apigateway._template import Template, TPath, render_path

__all__ = [
    "EVIDENCE_KEY",
    "FUNCTION_KEY",
    "OPERATIONS",
    "ParsedBody",
    "function_from_uri",
    "mapping_issues",
    "parse_openapi",
]


def __dir__() -> list[str]:
    return __all__


#: Operation keys of a path item, lowercase, and the method each stands for.
OPERATIONS: Mapping[str, str] = {
    "get": "GET",
    "put": "PUT",
    "post": "POST",
    "delete": "DELETE",
    "options": "OPTIONS",
    "head": "HEAD",
    "patch": "PATCH",
    "trace": "TRACE",
    "x-amazon-apigateway-any-method": "ANY",
}

#: Internal annotations written by the SAM expansion (never present in user bodies).
EVIDENCE_KEY = "x-corsspec-evidence"
AUTH_EVIDENCE_KEY = "x-corsspec-auth-evidence"
APIKEY_EVIDENCE_KEY = "x-corsspec-apikey-evidence"
DEFAULT_AUTH_KEY = "x-corsspec-default-authorizer"
DEFAULT_APIKEY_KEY = "x-corsspec-default-api-key"
FUNCTION_KEY = "x-corsspec-function"

_FUNCTION_IN_URI = re.compile(
    r"functions/(?:\$\{([A-Za-z0-9]+)(?:\.Arn)?\}|arn:[^/]*?:function:(?:\$\{([A-Za-z0-9]+)"
    r"(?:\.Arn)?\}|([A-Za-z0-9_-]+)))"
)
_STATUS_IN_TEMPLATE = re.compile(r"[\"']?statusCode[\"']?\s*:\s*[\"']?(\d{3})")


def function_from_uri(uri: str | None) -> str | None:
    """The Lambda function a Lambda integration URI names (logical id or function name)."""
    if not uri:
        return None
    found = _FUNCTION_IN_URI.search(uri)
    if found is not None:
        return found.group(1) or found.group(2) or found.group(3)
    plain = re.fullmatch(r"\$\{([A-Za-z0-9]+)(?:\.Arn)?\}", uri.strip())
    return plain.group(1) if plain else None


def mock_status(templates: object) -> int | None:
    """The ``statusCode`` a MOCK request template selects (None without a template)."""
    if not isinstance(templates, Mapping) or not templates:
        return None
    text = templates.get("application/json")
    if not isinstance(text, str):
        text = next((t for t in templates.values() if isinstance(t, str)), "")
    found = _STATUS_IN_TEMPLATE.search(text)
    return int(found.group(1)) if found else 200


def integration_kind(value: object) -> IntegrationKind | None:
    """``MOCK``/``mock`` -> IntegrationKind.MOCK, ..."""
    return {
        "mock": IntegrationKind.MOCK,
        "aws_proxy": IntegrationKind.LAMBDA_PROXY,
        "http_proxy": IntegrationKind.HTTP_PROXY,
        "aws": IntegrationKind.AWS,
        "http": IntegrationKind.HTTP,
    }.get(str(value).lower())


def mapping_issues(
    api: str,
    mapped: Mapped,
    *,
    route: str | None,
    method: str | None,
    declared: tuple[str, ...] | None = None,
) -> list[Finding]:
    """Invalid/dynamic mapping findings for one header mapping."""
    issues: list[Finding] = []
    data = (("header", mapped.lower), ("expression", mapped.expression))
    if mapped.kind is ValueKind.INVALID:
        issues.append(
            Finding(
                code=FindingCode.INVALID_MAPPING_EXPRESSION,
                api=api,
                evidence=mapped.evidence,
                route=route,
                method=method,
                data=(*data, ("why", mapped.why)),
            )
        )
    elif mapped.kind is ValueKind.DYNAMIC:
        issues.append(
            Finding(
                code=FindingCode.DYNAMIC_MAPPING,
                api=api,
                evidence=mapped.evidence,
                route=route,
                method=method,
                data=(*data, ("why", mapped.why)),
            )
        )
    if declared is not None and mapped.lower not in declared:
        issues.append(
            Finding(
                code=FindingCode.INVALID_MAPPING_EXPRESSION,
                api=api,
                evidence=mapped.evidence,
                route=route,
                method=method,
                data=(*data, ("why", "not-declared-in-method-response")),
            )
        )
    return issues


class ParsedBody:
    """What one OpenAPI body contributes to an API."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Method]] = {}
        self.route_evidence: dict[str, Evidence] = {}
        self.gateway_responses: list[GatewayResponse] = []
        self.cors: HttpCors | None = None
        self.issues: list[Finding] = []


class _BodyReader:
    def __init__(
        self, template: Template, api: str, kind: ApiKind, base: TPath, source: Source
    ) -> None:
        self.template = template
        self.api = api
        self.kind = kind
        self.base = base
        self.source = source

    def evidence(self, path: TPath, node: object = None) -> Evidence:
        if isinstance(node, Mapping):
            tagged = node.get(EVIDENCE_KEY)
            if isinstance(tagged, tuple):
                return Evidence(
                    path=render_path(tagged), line=self.template.line(tagged), source=Source.SAM
                )
        full = (*self.base, *path)
        return Evidence(path=render_path(full), line=self.template.line(full), source=self.source)

    def tagged(self, node: Mapping[str, Any], key: str) -> Evidence | None:
        value = node.get(key)
        if isinstance(value, tuple):
            return Evidence(
                path=render_path(value), line=self.template.line(value), source=Source.SAM
            )
        return None

    def fail(self, path: TPath, message: str) -> Exception:
        return self.template.error(TemplateProblem.INVALID, (*self.base, *path), message)


def _schemes(body: Mapping[str, Any]) -> tuple[Mapping[str, Any], TPath]:
    if isinstance(body.get("securityDefinitions"), Mapping):
        return body["securityDefinitions"], ("securityDefinitions",)
    components = body.get("components")
    if isinstance(components, Mapping) and isinstance(components.get("securitySchemes"), Mapping):
        return components["securitySchemes"], ("components", "securitySchemes")
    return {}, ("securityDefinitions",)


_HEADER_SOURCE = re.compile(
    r"(?:method\.request\.header\.|\$request\.header\.)([\w-]+)", re.IGNORECASE
)


def identity_headers(source: object, default: str | None) -> tuple[str, ...]:
    text = ",".join(str(s) for s in source) if isinstance(source, list) else str(source or "")
    found = tuple(sorted({h.lower() for h in _HEADER_SOURCE.findall(text)}))
    if found:
        return found
    return (default.lower(),) if default else ()


def _auth_for(
    reader: _BodyReader,
    op: Mapping[str, Any],
    op_path: TPath,
    security: object,
    sec_path: TPath,
    schemes: Mapping[str, Any],
    schemes_path: TPath,
) -> Auth:
    kind = AuthKind.NONE
    name: str | None = None
    identity: tuple[str, ...] = ()
    api_key = False
    if not isinstance(security, list):
        return Auth()
    for index, requirement in enumerate(security):
        if not isinstance(requirement, Mapping):
            raise reader.fail((*sec_path, index), "a security requirement must be a mapping")
        for scheme_name in requirement:
            if scheme_name in ("NONE", "api_key_false"):
                continue
            scheme = schemes.get(scheme_name)
            if scheme_name == "AWS_IAM" and not isinstance(scheme, Mapping):
                scheme = {"x-amazon-apigateway-authtype": "awsSigv4"}
            if not isinstance(scheme, Mapping):
                raise reader.fail(
                    (*sec_path, index, scheme_name),
                    f"security scheme {scheme_name!r} is not defined in "
                    f"{render_path(schemes_path)}",
                )
            authtype = str(scheme.get("x-amazon-apigateway-authtype", "")).lower()
            authorizer = scheme.get("x-amazon-apigateway-authorizer")
            header_name = scheme.get("name") if scheme.get("in") == "header" else None
            if authtype in ("awssigv4",) or scheme_name == "sigv4":
                kind, name, identity = AuthKind.AWS_IAM, scheme_name, ("authorization",)
            elif isinstance(authorizer, Mapping):
                atype = str(authorizer.get("type", "")).lower()
                source = authorizer.get("identitySource")
                if atype == "token":
                    kind = AuthKind.TOKEN
                    identity = identity_headers(source, str(header_name or "Authorization"))
                elif atype == "request":
                    kind = AuthKind.REQUEST
                    identity = identity_headers(source, None)
                elif atype == "cognito_user_pools":
                    kind = AuthKind.COGNITO
                    identity = identity_headers(source, str(header_name or "Authorization"))
                elif atype == "jwt":
                    kind = AuthKind.JWT
                    identity = identity_headers(source, "Authorization")
                else:
                    raise reader.fail(
                        (*schemes_path, scheme_name), f"unknown authorizer type {atype!r}"
                    )
                name = scheme_name
            elif authtype == "cognito_user_pools":
                kind, name = AuthKind.COGNITO, scheme_name
                identity = (str(header_name or "Authorization").lower(),)
            elif (
                str(scheme.get("type", "")).lower() == "apikey"
                and str(header_name or "").lower() == "x-api-key"
            ):
                api_key = True
            elif str(scheme.get("type", "")).lower() == "oauth2":
                kind, name, identity = AuthKind.JWT, scheme_name, ("authorization",)
            else:
                raise reader.fail(
                    (*schemes_path, scheme_name),
                    f"security scheme {scheme_name!r} is not an API Gateway "
                    "authorizer, IAM or API key",
                )
    auth_ev = reader.tagged(op, AUTH_EVIDENCE_KEY) or reader.evidence(sec_path)
    key_ev = reader.tagged(op, APIKEY_EVIDENCE_KEY) or reader.evidence(sec_path)
    return Auth(
        kind=kind,
        name=name,
        identity_headers=identity,
        api_key=api_key,
        evidence=auth_ev if kind is not AuthKind.NONE else None,
        api_key_evidence=key_ev if api_key else None,
        sam_default_authorizer=bool(op.get(DEFAULT_AUTH_KEY)) and kind is not AuthKind.NONE,
        sam_default_api_key=bool(op.get(DEFAULT_APIKEY_KEY)) and api_key,
    )


def _method_responses(responses: object) -> tuple[tuple[int, tuple[str, ...]], ...] | None:
    if not isinstance(responses, Mapping):
        return None
    out: list[tuple[int, tuple[str, ...]]] = []
    for status, spec in responses.items():
        if not str(status).isdigit():
            continue
        headers = spec.get("headers") if isinstance(spec, Mapping) else None
        names = (
            tuple(sorted({str(h).lower() for h in headers})) if isinstance(headers, Mapping) else ()
        )
        out.append((int(status), names))
    return tuple(sorted(out))


def _declared(
    method_responses: tuple[tuple[int, tuple[str, ...]], ...] | None, status: int
) -> tuple[str, ...]:
    for code, names in method_responses or ():
        if code == status:
            return names
    return ()


def _integration(
    reader: _BodyReader,
    op: Mapping[str, Any],
    op_path: TPath,
    route: str,
    method: str,
    method_responses: tuple[tuple[int, tuple[str, ...]], ...] | None,
    issues: list[Finding],
) -> Integration | None:
    spec = op.get("x-amazon-apigateway-integration")
    if spec is None:
        return None
    ipath = (*op_path, "x-amazon-apigateway-integration")
    if not isinstance(spec, Mapping):
        raise reader.fail(ipath, "x-amazon-apigateway-integration must be a mapping")
    kind = integration_kind(spec.get("type"))
    if kind is None:
        raise reader.fail((*ipath, "type"), f"unsupported integration type {spec.get('type')!r}")
    uri = spec.get("uri") if isinstance(spec.get("uri"), str) else None
    function = spec.get(FUNCTION_KEY) if isinstance(spec.get(FUNCTION_KEY), str) else None
    if function is None and kind in (IntegrationKind.LAMBDA_PROXY, IntegrationKind.AWS):
        function = function_from_uri(uri)
    responses: list[IntegrationResponse] = []
    raw_responses = spec.get("responses")
    if isinstance(raw_responses, Mapping) and not kind.proxy:
        for pattern, response in raw_responses.items():
            rpath = (*ipath, "responses", pattern)
            if not isinstance(response, Mapping):
                raise reader.fail(rpath, "an integration response must be a mapping")
            status = str(response.get("statusCode", "200"))
            if not status.isdigit():
                raise reader.fail((*rpath, "statusCode"), f"statusCode {status!r} is not a number")
            headers: list[Mapped] = []
            params = response.get("responseParameters")
            if isinstance(params, Mapping):
                for key, expression in params.items():
                    if not str(key).startswith("method.response.header."):
                        continue
                    header = str(key)[len("method.response.header.") :]
                    mapped = parse_mapping(
                        header,
                        expression,
                        reader.evidence((*rpath, "responseParameters", key), response),
                        MappingContext.INTEGRATION_RESPONSE,
                    )
                    headers.append(mapped)
                    declared = _declared(method_responses, int(status))
                    issues.extend(
                        mapping_issues(
                            reader.api,
                            mapped,
                            route=route,
                            method=method,
                            declared=declared
                            if method_responses is not None
                            and not isinstance(response.get(EVIDENCE_KEY), tuple)
                            else None,
                        )
                    )
            responses.append(
                IntegrationResponse(
                    status=int(status),
                    pattern=None if pattern == "default" else str(pattern),
                    headers=tuple(headers),
                    evidence=reader.evidence(rpath, response),
                )
            )
    version = str(
        spec.get("payloadFormatVersion")
        or (
            "2.0" if reader.kind is ApiKind.HTTP and kind is IntegrationKind.LAMBDA_PROXY else "1.0"
        )
    )
    return Integration(
        kind=kind,
        responses=tuple(responses),
        mock_status=mock_status(spec.get("requestTemplates"))
        if kind is IntegrationKind.MOCK
        else None,
        function=function,
        uri=uri,
        payload_version=version,
        evidence=reader.evidence(ipath, spec),
    )


def parse_openapi(
    template: Template,
    body: Mapping[str, Any],
    *,
    api: str,
    kind: ApiKind,
    base: TPath,
    source: Source = Source.OPENAPI,
) -> ParsedBody:
    """Read an OpenAPI/Swagger body (intrinsics already resolved) into routes.

    :raises GatewayTemplateError: a node of the wrong shape (named by its path).
    """
    reader = _BodyReader(template, api, kind, base, source)
    parsed = ParsedBody()
    paths = body.get("paths", {})
    if not isinstance(paths, Mapping):
        raise reader.fail(("paths",), "paths must be a mapping")
    schemes, schemes_path = _schemes(body)
    global_security = body.get("security")
    for path, item in paths.items():
        item_path: TPath = ("paths", path)
        if not isinstance(item, Mapping):
            raise reader.fail(item_path, "a path item must be a mapping")
        route = str(path)
        if kind is ApiKind.REST and not route.startswith("/"):
            raise reader.fail(item_path, f"REST API paths start with '/', got {route!r}")
        methods = parsed.routes.setdefault(route, [])
        parsed.route_evidence.setdefault(route, reader.evidence(item_path, item))
        for key, op in item.items():
            http_method = OPERATIONS.get(str(key).lower())
            if http_method is None:
                continue
            op_path = (*item_path, key)
            if not isinstance(op, Mapping):
                raise reader.fail(op_path, "an operation must be a mapping")
            if "security" in op:
                security, sec_path = op["security"], (*op_path, "security")
            else:
                security, sec_path = global_security, ("security",)
            auth = _auth_for(reader, op, op_path, security, sec_path, schemes, schemes_path)
            responses = _method_responses(op.get("responses"))
            integration = _integration(
                reader, op, op_path, route, http_method, responses, parsed.issues
            )
            methods.append(
                Method(
                    http_method=http_method,
                    auth=auth,
                    integration=integration,
                    method_responses=responses,
                    evidence=reader.evidence(op_path, op),
                )
            )
    _gateway_responses(reader, body, parsed)
    _cors_extension(reader, body, parsed)
    return parsed


def _gateway_responses(reader: _BodyReader, body: Mapping[str, Any], parsed: ParsedBody) -> None:
    key = "x-amazon-apigateway-gateway-responses"
    spec = body.get(key)
    if spec is None:
        return
    if not isinstance(spec, Mapping):
        raise reader.fail((key,), f"{key} must be a mapping")
    for rtype, response in spec.items():
        rpath = (key, rtype)
        if not isinstance(response, Mapping):
            raise reader.fail(rpath, "a gateway response must be a mapping")
        headers: list[Mapped] = []
        params = response.get("responseParameters")
        if isinstance(params, Mapping):
            for pkey, expression in params.items():
                if not str(pkey).startswith("gatewayresponse.header."):
                    continue
                mapped = parse_mapping(
                    str(pkey)[len("gatewayresponse.header.") :],
                    expression,
                    reader.evidence((*rpath, "responseParameters", pkey), response),
                    MappingContext.GATEWAY_RESPONSE,
                )
                headers.append(mapped)
                parsed.issues.extend(mapping_issues(reader.api, mapped, route=None, method=None))
        status = response.get("statusCode")
        parsed.gateway_responses.append(
            GatewayResponse(
                type=str(rtype),
                status=int(str(status)) if str(status).isdigit() else None,
                headers=tuple(headers),
                evidence=reader.evidence(rpath, response),
            )
        )


def http_cors_from(spec: Mapping[str, Any], evidence: Evidence, *, camel: bool) -> HttpCors:
    """``CorsConfiguration`` (Pascal case) or ``x-amazon-apigateway-cors`` (camel case)."""

    def get(name: str) -> Any:
        return spec.get(name[0].lower() + name[1:] if camel else name)

    def names(value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    max_age = get("MaxAge")
    return HttpCors(
        allow_origins=names(get("AllowOrigins")),
        allow_methods=tuple(m.upper() for m in names(get("AllowMethods"))),
        allow_headers=names(get("AllowHeaders")),
        expose_headers=names(get("ExposeHeaders")),
        max_age=int(max_age) if str(max_age).lstrip("-").isdigit() else None,
        allow_credentials=get("AllowCredentials") in (True, "true", "True"),
        evidence=evidence,
    )


def _cors_extension(reader: _BodyReader, body: Mapping[str, Any], parsed: ParsedBody) -> None:
    key = "x-amazon-apigateway-cors"
    spec = body.get(key)
    if spec is None:
        return
    evidence = reader.evidence((key,), spec)
    if not isinstance(spec, Mapping):
        raise reader.fail((key,), f"{key} must be a mapping")
    if reader.kind is ApiKind.REST:
        parsed.issues.append(
            Finding(code=FindingCode.CORS_EXTENSION_IGNORED, api=reader.api, evidence=evidence)
        )
        return
    parsed.cors = http_cors_from(spec, evidence, camel=True)

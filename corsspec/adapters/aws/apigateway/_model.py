"""The deployed API as data: routes, methods, integrations, gateway responses, CORS.

Whatever the template flavour (CloudFormation resources, an OpenAPI body, SAM
properties, an HTTP API ``CorsConfiguration``), the loaders produce these frozen values;
:mod:`._server` plays them back as API Gateway would.

Header values that API Gateway maps (``ResponseParameters``) are kept as
:class:`Mapped`: the mapping expression as written and what it means
(a quoted static value, the request's header, a backend value, or something known
only at run time).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping

import attrs

from corsspec.adapters.aws.apigateway._codes import Evidence, Finding, Source

__all__ = [
    "ApiKind",
    "Auth",
    "AuthKind",
    "FunctionInfo",
    "GatewayApi",
    "GatewayModel",
    "GatewayResponse",
    "HttpCors",
    "Integration",
    "IntegrationKind",
    "IntegrationResponse",
    "Mapped",
    "MappingContext",
    "Method",
    "Route",
    "SamInfo",
    "ValueKind",
    "match_route",
    "parse_mapping",
]


def __dir__() -> list[str]:
    return __all__


class ApiKind(enum.Enum):
    """REST API (v1, ``AWS::ApiGateway::RestApi``) or HTTP API (v2)."""

    REST = "rest"
    HTTP = "http"


class AuthKind(enum.Enum):
    """What protects a method before its integration runs."""

    NONE = "none"
    AWS_IAM = "aws-iam"
    TOKEN = "token"
    REQUEST = "request"
    COGNITO = "cognito-user-pools"
    JWT = "jwt"


@attrs.frozen(kw_only=True)
class Auth:
    """A method's authorization: authorizer kind, identity headers, API key."""

    kind: AuthKind = AuthKind.NONE
    #: Authorizer name (security scheme or logical id), if any.
    name: str | None = None
    #: Byte-lowercase request headers the gateway needs before it calls the authorizer.
    identity_headers: tuple[str, ...] = ()
    api_key: bool = False
    evidence: Evidence | None = None
    api_key_evidence: Evidence | None = None
    #: Set when a SAM API-level default put the authorizer / API key on this method.
    sam_default_authorizer: bool = False
    sam_default_api_key: bool = False

    @property
    def authorizer(self) -> bool:
        """Whether an authorizer or IAM protects the method."""
        return self.kind is not AuthKind.NONE

    @property
    def protected(self) -> bool:
        """Whether a request without credentials is rejected."""
        return self.authorizer or self.api_key


class ValueKind(enum.Enum):
    """What a mapping expression yields."""

    #: ``'literal'``: the value itself.
    STATIC = "static"
    #: ``method.request.header.X`` (gateway responses): the request's header X.
    REQUEST_HEADER = "request-header"
    #: ``integration.response.header.X``: whatever the backend sent.
    BACKEND = "backend"
    #: context variables, stage variables, bodies, unresolved parameters.
    DYNAMIC = "dynamic"
    #: API Gateway rejects this expression at deployment.
    INVALID = "invalid"


class MappingContext(enum.Enum):
    """Where a mapping expression appears (the allowed sources differ)."""

    INTEGRATION_RESPONSE = "integration-response"
    GATEWAY_RESPONSE = "gateway-response"


@attrs.frozen(kw_only=True)
class Mapped:
    """One response header mapping: ``method.response.header.NAME <- expression``."""

    header: str
    expression: str
    kind: ValueKind
    #: The static value, or the header name for REQUEST_HEADER/BACKEND, else "".
    value: str
    evidence: Evidence
    #: Why an INVALID/DYNAMIC expression is so (for the finding).
    why: str = ""

    @property
    def lower(self) -> str:
        """The header name, lowercase."""
        return self.header.lower()


_STATIC = re.compile(r"'(.*)'\Z", re.DOTALL)
_REQ_HEADER = re.compile(r"method\.request\.(?:multivalue)?header\.([!#$%&'*+.^_`|~0-9A-Za-z-]+)\Z")
_BACKEND_HEADER = re.compile(
    r"integration\.response\.(?:multivalue)?header\.([!#$%&'*+.^_`|~0-9A-Za-z-]+)\Z"
)
_DYNAMIC = re.compile(
    r"(?:integration\.response\.body(?:\..*)?|stageVariables\.\w+|context\.[\w.]+"
    r"|method\.request\.(?:path|querystring|multivaluequerystring)\.[\w.-]+)\Z"
)


def parse_mapping(
    header: str, expression: object, evidence: Evidence, context: MappingContext
) -> Mapped:
    """Classify one ``ResponseParameters`` value as API Gateway reads it.

    >>> from ._codes import Evidence
    >>> ev = Evidence(path="x")
    >>> parse_mapping("Access-Control-Allow-Origin", "'*'", ev,
    ...               MappingContext.INTEGRATION_RESPONSE).value
    '*'
    >>> parse_mapping("Access-Control-Allow-Origin", "https://a.example", ev,
    ...               MappingContext.INTEGRATION_RESPONSE).kind.value
    'invalid'
    """
    if not isinstance(expression, str) or isinstance(expression, bool):
        return Mapped(
            header=header,
            expression=str(expression),
            kind=ValueKind.INVALID,
            value="",
            evidence=evidence,
            why="not-a-string",
        )
    text = expression.strip()
    if "${" in text:
        return Mapped(
            header=header,
            expression=expression,
            kind=ValueKind.DYNAMIC,
            value="",
            evidence=evidence,
            why="unresolved",
        )
    static = _STATIC.match(text)
    if static is not None:
        return Mapped(
            header=header,
            expression=expression,
            kind=ValueKind.STATIC,
            value=static.group(1),
            evidence=evidence,
        )
    if context is MappingContext.GATEWAY_RESPONSE:
        request = _REQ_HEADER.match(text)
        if request is not None:
            return Mapped(
                header=header,
                expression=expression,
                kind=ValueKind.REQUEST_HEADER,
                value=request.group(1).lower(),
                evidence=evidence,
            )
    else:
        backend = _BACKEND_HEADER.match(text)
        if backend is not None:
            return Mapped(
                header=header,
                expression=expression,
                kind=ValueKind.BACKEND,
                value=backend.group(1).lower(),
                evidence=evidence,
            )
    if _DYNAMIC.match(text) and not (
        context is MappingContext.INTEGRATION_RESPONSE and text.startswith("method.request.")
    ):
        return Mapped(
            header=header,
            expression=expression,
            kind=ValueKind.DYNAMIC,
            value="",
            evidence=evidence,
            why="runtime",
        )
    return Mapped(
        header=header,
        expression=expression,
        kind=ValueKind.INVALID,
        value="",
        evidence=evidence,
        why="not-a-mapping-expression",
    )


@attrs.frozen(kw_only=True)
class IntegrationResponse:
    """A REST integration response: selection pattern, status, mapped headers."""

    status: int
    #: Selection pattern; None or "" is the default response.
    pattern: str | None
    headers: tuple[Mapped, ...] = ()
    evidence: Evidence

    @property
    def is_default(self) -> bool:
        """Whether this is the default (pattern-less) response."""
        return not self.pattern or self.pattern == "default"


class IntegrationKind(enum.Enum):
    """The integration types that matter for CORS."""

    MOCK = "mock"
    #: ``AWS_PROXY`` to Lambda: the function's result is the response.
    LAMBDA_PROXY = "aws-proxy"
    #: ``HTTP_PROXY``: the backend's response passes through.
    HTTP_PROXY = "http-proxy"
    #: ``AWS`` (non-proxy): integration responses map the result.
    AWS = "aws"
    #: ``HTTP`` (non-proxy).
    HTTP = "http"

    @property
    def proxy(self) -> bool:
        """Whether the backend's response passes through unmapped."""
        return self in (IntegrationKind.LAMBDA_PROXY, IntegrationKind.HTTP_PROXY)


@attrs.frozen(kw_only=True)
class Integration:
    """What answers a method once the gateway lets the request through."""

    kind: IntegrationKind
    responses: tuple[IntegrationResponse, ...] = ()
    #: MOCK: the ``statusCode`` the request template selects (None: no template).
    mock_status: int | None = None
    #: Logical id of the Lambda function the URI names, if any.
    function: str | None = None
    uri: str | None = None
    #: Lambda proxy payload format: "1.0" (REST, HTTP 1.0) or "2.0".
    payload_version: str = "1.0"
    evidence: Evidence


@attrs.frozen(kw_only=True)
class Method:
    """One method of one route (``ANY`` stands for every method)."""

    http_method: str
    auth: Auth = Auth()
    integration: Integration | None = None
    #: Declared method responses: (status, byte-lowercase header names); None: none declared.
    method_responses: tuple[tuple[int, tuple[str, ...]], ...] | None = None
    #: False when the deployment provably does not include the method.
    deployed: bool = True
    evidence: Evidence

    @property
    def source(self) -> Source:
        """Who wrote this method."""
        return self.evidence.source


@attrs.frozen(kw_only=True)
class Route:
    """A resource path (REST) or route path (HTTP API) and its methods."""

    path: str
    methods: tuple[Method, ...]
    evidence: Evidence

    def method(self, name: str) -> Method | None:
        """The method answering ``name``: the exact one, else ``ANY``."""
        upper = name.upper()
        for method in self.methods:
            if method.http_method == upper:
                return method
        for method in self.methods:
            if method.http_method == "ANY":
                return method
        return None

    def exact(self, name: str) -> Method | None:
        """The method declared exactly as ``name`` (no ANY fallback)."""
        upper = name.upper()
        return next((m for m in self.methods if m.http_method == upper), None)


@attrs.frozen(kw_only=True)
class GatewayResponse:
    """A configured gateway response (``AWS::ApiGateway::GatewayResponse``, SAM, OpenAPI)."""

    type: str
    status: int | None = None
    headers: tuple[Mapped, ...] = ()
    evidence: Evidence


@attrs.frozen(kw_only=True)
class HttpCors:
    """An HTTP API ``CorsConfiguration`` (or ``x-amazon-apigateway-cors``)."""

    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False
    evidence: Evidence

    def allows_origin(self, origin: str) -> str | None:
        """The Access-Control-Allow-Origin value for ``origin`` (None: not allowed).

        ``*`` answers ``*``; ``https://*`` / ``http://*`` match any origin with that
        scheme and echo it; other entries match exactly (ASCII case-insensitively).
        """
        lowered = origin.lower()
        for entry in self.allow_origins:
            if entry == "*":
                return "*"
        for entry in self.allow_origins:
            low = entry.lower()
            if low in ("https://*", "http://*") and lowered.startswith(low[:-1]):
                return origin
            if low == lowered:
                return origin
        return None


@attrs.frozen(kw_only=True)
class SamInfo:
    """Where a SAM API's properties live, for fix snippets."""

    #: ``Resources.X.Properties`` or ``Globals.Api`` for the implicit API.
    properties_path: str
    implicit: bool = False
    has_cors: bool = False
    cors_evidence: Evidence | None = None
    auth_evidence: Evidence | None = None


@attrs.frozen(kw_only=True)
class GatewayApi:
    """One deployed API: its routes, gateway responses and (HTTP APIs) CORS config."""

    name: str
    kind: ApiKind
    stage: str
    routes: tuple[Route, ...]
    evidence: Evidence
    gateway_responses: tuple[GatewayResponse, ...] = ()
    cors: HttpCors | None = None
    sam: SamInfo | None = None
    #: Problems found while reading the template (invalid mappings, ...).
    issues: tuple[Finding, ...] = ()

    @property
    def flavour(self) -> Source:
        """How the API is written: SAM, an OpenAPI body, or CloudFormation resources."""
        return self.evidence.source

    @property
    def base_url(self) -> str:
        """``https://<id>.execute-api.us-east-1.amazonaws.com[/<stage>]``."""
        ident = re.sub(r"[^a-z0-9]", "", self.name.lower())[:10] or "api"
        host = f"https://{ident}.execute-api.us-east-1.amazonaws.com"
        if self.kind is ApiKind.HTTP and self.stage in ("$default", ""):
            return host
        return f"{host}/{self.stage}"

    def route(self, path: str) -> Route | None:
        """The route declared with exactly this path template."""
        return next((r for r in self.routes if r.path == path), None)

    def gateway_response(self, response_type: str) -> GatewayResponse | None:
        """The configured gateway response of this type, if any."""
        return next((g for g in self.gateway_responses if g.type == response_type), None)


@attrs.frozen(kw_only=True)
class FunctionInfo:
    """A Lambda function of the template, enough to run a Python handler in process."""

    name: str
    runtime: str | None = None
    #: ``module.function`` as in the template.
    handler: str | None = None
    #: Absolute directory of the code (``CodeUri``), when local.
    code_dir: str | None = None
    #: ``InlineCode`` / ``Code.ZipFile``.
    inline: str | None = None
    evidence: Evidence

    @property
    def python(self) -> bool:
        """Whether the runtime is a Python one."""
        return bool(self.runtime and self.runtime.startswith("python"))


@attrs.frozen(kw_only=True)
class GatewayModel:
    """Everything a template deploys: its APIs (sorted by name) and Lambda functions."""

    file: str
    apis: tuple[GatewayApi, ...]
    functions: tuple[FunctionInfo, ...] = ()

    def function(self, name: str) -> FunctionInfo | None:
        """The function with this logical id."""
        return next((f for f in self.functions if f.name == name), None)

    def api(self, name: str) -> GatewayApi | None:
        """The API with this logical id."""
        return next((a for a in self.apis if a.name == name), None)

    @property
    def issues(self) -> tuple[Finding, ...]:
        """Every load-time issue of every API."""
        return tuple(i for api in self.apis for i in api.issues)


# -- routing -----------------------------------------------------------------------------


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def path_score(template: str, path: str) -> tuple[int, ...] | None:
    """How well ``path`` matches a route template (None: no match; higher is better).

    Per segment: 2 for a literal, 1 for ``{param}``, 0 for a greedy ``{name+}``;
    compared left to right, as API Gateway prefers the most specific resource.
    """
    tpl = _segments(template)
    got = _segments(path)
    score: list[int] = []
    for index, part in enumerate(tpl):
        if part.startswith("{") and part.endswith("+}"):
            if index != len(tpl) - 1 or len(got) <= index:
                return None
            score.append(0)
            return tuple(score)
        if index >= len(got):
            return None
        if part.startswith("{") and part.endswith("}"):
            score.append(1)
        elif part == got[index]:
            score.append(2)
        else:
            return None
    if len(got) != len(tpl):
        return None
    return tuple(score)


class _Node:
    """One segment position of the route index: children by segment kind, and the routes
    whose template ends here (each with its position in ``api.routes``)."""

    __slots__ = ("ends", "greedy", "literal", "param")

    def __init__(self) -> None:
        self.literal: dict[str, _Node] = {}
        self.param: _Node | None = None
        self.greedy: list[tuple[int, Route]] = []
        self.ends: list[tuple[int, Route]] = []


def _build_index(api: GatewayApi) -> tuple[_Node, Route | None]:
    root = _Node()
    default: Route | None = None
    for order, route in enumerate(api.routes):
        if route.path == "$default":
            default = route
            continue
        node = root
        parts = _segments(route.path)
        for index, part in enumerate(parts):
            if part.startswith("{") and part.endswith("+}"):
                if index == len(parts) - 1:
                    node.greedy.append((order, route))
                # A greedy segment that is not the last one never matches (path_score).
                break
            if part.startswith("{") and part.endswith("}"):
                if node.param is None:
                    node.param = _Node()
                node = node.param
            else:
                node = node.literal.setdefault(part, _Node())
        else:
            node.ends.append((order, route))
    return root, default


#: Route indexes by API (identity-checked), so a report's thousands of lookups each cost
#: the depth of the path, not the number of routes.
_INDEXES: dict[int, tuple[GatewayApi, _Node, Route | None]] = {}
_MAX_INDEXES = 64


def _index(api: GatewayApi) -> tuple[_Node, Route | None]:
    cached = _INDEXES.get(id(api))
    if cached is not None and cached[0] is api:
        return cached[1], cached[2]
    root, default = _build_index(api)
    if len(_INDEXES) >= _MAX_INDEXES:
        _INDEXES.clear()
    _INDEXES[id(api)] = (api, root, default)
    return root, default


def _candidates(root: _Node, path: str) -> list[Route]:
    """Every route whose template matches ``path``, best :func:`path_score` first
    (ties in the API's route order)."""
    got = _segments(path)
    found: list[tuple[tuple[int, ...], int, Route]] = []
    stack: list[tuple[_Node, int, tuple[int, ...]]] = [(root, 0, ())]
    while stack:
        node, index, score = stack.pop()
        if index < len(got):
            found.extend(((*score, 0), order, route) for order, route in node.greedy)
            child = node.literal.get(got[index])
            if child is not None:
                stack.append((child, index + 1, (*score, 2)))
            if node.param is not None:
                stack.append((node.param, index + 1, (*score, 1)))
        else:
            found.extend((score, order, route) for order, route in node.ends)
    # Best score first; equal scores keep the route order (both sorts are stable).
    found.sort(key=lambda item: item[1])
    found.sort(key=lambda item: item[0], reverse=True)
    return [route for _, _, route in found]


def match_route(api: GatewayApi, path: str, method: str) -> tuple[Route, Method | None] | None:
    """Route a request path (stage already removed) the way the gateway does.

    REST APIs pick the most specific *resource* first; a resource without the method
    (and without ANY) yields ``(route, None)``. HTTP APIs pick among routes that have
    the method (or ANY), most specific path first, then ``$default``. The routes are
    indexed once per API (a tree of path segments), so a lookup costs the depth of the
    path and the number of matching routes, never the number of routes.
    """
    root, default = _index(api)
    candidates = _candidates(root, path)
    if api.kind is ApiKind.REST:
        if not candidates:
            return None
        best = candidates[0]
        return best, best.method(method)
    upper = method.upper()
    for exact in (True, False):
        for route in candidates:
            found = route.exact(upper) if exact else route.exact("ANY")
            if found is not None:
                return route, found
    if default is not None:
        return default, default.method(method)
    return None


def fill_path(template: str) -> str:
    """A concrete request path for a route template (``{id}`` -> ``123``)."""
    if template == "$default":
        return "/"
    parts = []
    for part in _segments(template):
        if part.startswith("{") and part.endswith("+}"):
            parts.append("example/path")
        elif part.startswith("{") and part.endswith("}"):
            parts.append("123")
        else:
            parts.append(part)
    return "/" + "/".join(parts)


def lower_names(names: Mapping[str, object]) -> tuple[str, ...]:
    """Sorted, lowercase keys."""
    return tuple(sorted({str(n).lower() for n in names}))

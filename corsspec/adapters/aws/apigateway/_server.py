"""``GatewayServer``: a deployed API answering requests as API Gateway would.

REST APIs (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html):

1. The most specific resource is chosen; a resource or method that does not exist (or
   was not deployed) gets the ``MISSING_AUTHENTICATION_TOKEN`` gateway response, 403.
2. Authorization: IAM without an ``Authorization`` header -> 403
   ``MISSING_AUTHENTICATION_TOKEN``; an authorizer whose identity headers are missing
   -> 401 ``UNAUTHORIZED``; a missing ``x-api-key`` -> 403 ``INVALID_API_KEY``. A browser
   preflight never carries these, so an OPTIONS method behind them always fails.
3. The integration: a MOCK selects its integration response from the request
   template's ``statusCode`` and maps the static header values; a Lambda proxy returns
   whatever the function returns; a non-proxy integration maps its default response.
4. Gateway responses (errors the gateway generates) carry only the headers configured
   on their type, else on ``DEFAULT_4XX``/``DEFAULT_5XX``; by default, none — so the
   browser reports a CORS error instead of the status.

HTTP APIs (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html):
with a CORS configuration, the gateway answers a preflight itself (204) unless a route
for OPTIONS, ``ANY`` or ``$default`` catches it; it drops the CORS headers the backend
returns and adds its own to every response of a request that carries ``Origin``
(including errors: an authorizer's 401 to a preflight reaches the console as
"does not have HTTP ok status", https://dev.to/aws-builders/fixing-up-cors-errors-in-http-api-5fh4).

The *response class* picks what the actual (non-preflight) request gets: the
integration's answer, or one of the failures people meet in production. Each request
answered is recorded in :attr:`GatewayServer.log` as a :class:`Decision`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping

import attrs

import corsspec as cs
from corsspec.adapters.aws.apigateway._lambda import (
    LambdaBook,
    LambdaOutcome,
    LambdaOutcomeKind,
    http_event,
    rest_event,
)
from corsspec.adapters.aws.apigateway._model import (
    ApiKind,
    AuthKind,
    GatewayApi,
    GatewayResponse,
    IntegrationKind,
    IntegrationResponse,
    Method,
    Route,
    ValueKind,
    match_route,
)

__all__ = [
    "GATEWAY_RESPONSE_STATUS",
    "Decision",
    "DecisionKind",
    "GatewayServer",
    "ResponseClass",
    "applicable_classes",
]


def __dir__() -> list[str]:
    return __all__


class ResponseClass(enum.Enum):
    """What the actual request gets (the preflight is always answered as deployed)."""

    #: The integration's own answer (MOCK response, Lambda result, backend).
    SUCCESS = "success"
    #: A gateway 4XX: throttling (429, ``THROTTLED`` else ``DEFAULT_4XX``).
    GATEWAY_4XX = "gateway-4xx"
    #: A gateway 5XX: the integration timed out (504 REST, 503 HTTP API).
    GATEWAY_5XX = "gateway-5xx"
    #: The authorizer rejects the credentials (401; IAM 403 ``INVALID_SIGNATURE``;
    #: API key only: 403 ``INVALID_API_KEY``).
    UNAUTHORIZED = "unauthorized"
    #: The authorizer denies access (403 ``ACCESS_DENIED``).
    FORBIDDEN = "forbidden"
    #: The Lambda fails or returns a malformed result (502 REST, 500 HTTP API).
    LAMBDA_ERROR = "lambda-error"


#: Default status of each REST gateway response type (supported-gateway-response-types).
GATEWAY_RESPONSE_STATUS: Mapping[str, int] = {
    "ACCESS_DENIED": 403,
    "API_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_FAILURE": 500,
    "BAD_REQUEST_PARAMETERS": 400,
    "BAD_REQUEST_BODY": 400,
    "EXPIRED_TOKEN": 403,
    "INTEGRATION_FAILURE": 504,
    "INTEGRATION_TIMEOUT": 504,
    "INVALID_API_KEY": 403,
    "INVALID_SIGNATURE": 403,
    "MISSING_AUTHENTICATION_TOKEN": 403,
    "QUOTA_EXCEEDED": 429,
    "REQUEST_TOO_LARGE": 413,
    "RESOURCE_NOT_FOUND": 404,
    "THROTTLED": 429,
    "UNAUTHORIZED": 401,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "WAF_FILTERED": 403,
    "DEFAULT_4XX": 400,
    "DEFAULT_5XX": 500,
}

_MESSAGES: Mapping[str, str] = {
    "ACCESS_DENIED": "User is not authorized to access this resource",
    "API_CONFIGURATION_ERROR": "Internal server error",
    "INTEGRATION_TIMEOUT": "Endpoint request timed out",
    "INVALID_API_KEY": "Forbidden",
    "INVALID_SIGNATURE": "The request signature we calculated does not match",
    "MISSING_AUTHENTICATION_TOKEN": "Missing Authentication Token",
    "THROTTLED": "Too Many Requests",
    "UNAUTHORIZED": "Unauthorized",
    "DEFAULT_5XX": "Internal server error",
}


def applicable_classes(api: GatewayApi, method: Method) -> tuple[ResponseClass, ...]:
    """The response classes a method can produce, in :class:`ResponseClass` order."""
    out = [ResponseClass.SUCCESS, ResponseClass.GATEWAY_4XX]
    kind = method.integration.kind if method.integration is not None else None
    if kind is not None and kind is not IntegrationKind.MOCK:
        out.append(ResponseClass.GATEWAY_5XX)
    if method.auth.protected:
        out.append(ResponseClass.UNAUTHORIZED)
    if method.auth.kind in (AuthKind.TOKEN, AuthKind.REQUEST, AuthKind.AWS_IAM, AuthKind.JWT):
        out.append(ResponseClass.FORBIDDEN)
    if kind in (IntegrationKind.LAMBDA_PROXY, IntegrationKind.AWS):
        out.append(ResponseClass.LAMBDA_ERROR)
    return tuple(out)


class DecisionKind(enum.Enum):
    """How the gateway answered one request."""

    ROUTE_NOT_FOUND = "route-not-found"
    METHOD_NOT_FOUND = "method-not-found"
    NOT_DEPLOYED = "not-deployed"
    AUTH_REJECTED = "auth-rejected"
    API_KEY_REJECTED = "api-key-rejected"
    #: A gateway error chosen by the response class.
    RESPONSE_CLASS = "response-class"
    #: No integration, or a MOCK/non-proxy integration with no matching response.
    INTEGRATION_ERROR = "integration-error"
    LAMBDA_MALFORMED = "lambda-malformed"
    LAMBDA_ERROR = "lambda-error"
    #: The integration answered.
    INTEGRATION = "integration"
    #: HTTP API CORS: the gateway answered the preflight itself.
    GATEWAY_PREFLIGHT = "gateway-preflight"


@attrs.frozen(kw_only=True)
class Decision:
    """One request the gateway answered, and why it answered that way."""

    kind: DecisionKind
    method: str
    path: str
    preflight: bool
    status: int
    route: Route | None = None
    declared: Method | None = None
    #: The gateway response type used for a gateway-generated answer.
    gateway_response: str | None = None
    #: The configured gateway response that supplied headers, if any.
    configured: GatewayResponse | None = None
    lambda_outcome: LambdaOutcome | None = None
    #: The integration response a MOCK/non-proxy integration selected.
    integration_response: IntegrationResponse | None = None
    #: The integration response (or Lambda) answer was assumed, not known.
    assumed: bool = False
    #: HTTP API dropped CORS headers the backend sent.
    dropped_backend_cors: tuple[str, ...] = ()


_SAFE_NAME = re.compile(r"^access-control-", re.IGNORECASE)


def _index(request: cs.Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in request.headers:
        out.setdefault(str(name).lower(), []).append(str(value))
    return out


def _path_parameters(template: str, path: str) -> dict[str, str]:
    out: dict[str, str] = {}
    tpl = [s for s in template.split("/") if s]
    got = [s for s in path.split("/") if s]
    for index, part in enumerate(tpl):
        if part.startswith("{") and part.endswith("+}"):
            out[part[1:-2]] = "/".join(got[index:])
            break
        if part.startswith("{") and part.endswith("}") and index < len(got):
            out[part[1:-1]] = got[index]
    return out


class GatewayServer:
    """An API Gateway API as a corsspec server: ``evaluate(request, GatewayServer(api))``.

    ``response_class`` selects what actual requests get (see :class:`ResponseClass`);
    ``lambdas`` answers Lambda proxy integrations (see :class:`LambdaBook`; without an
    entry, the Lambda is assumed to return 200 with no CORS headers, and the decision
    says so). Every answer is appended to :attr:`log`.
    """

    __slots__ = ("api", "lambdas", "log", "response_class")

    def __init__(
        self,
        api: GatewayApi,
        *,
        response_class: ResponseClass = ResponseClass.SUCCESS,
        lambdas: LambdaBook | None = None,
    ) -> None:
        self.api = api
        self.response_class = response_class
        self.lambdas = lambdas if lambdas is not None else LambdaBook()
        self.log: list[Decision] = []

    def __repr__(self) -> str:
        return f"GatewayServer({self.api.name!r}, response_class={self.response_class.value!r})"

    # -- entry point -----------------------------------------------------------------
    def respond(self, request: cs.Request) -> cs.Response:
        """Answer ``request`` exactly as the deployed API would."""
        headers = _index(request)
        preflight = request.method == "OPTIONS" and "access-control-request-method" in headers
        path = self._strip_stage(request.url.path)
        if self.api.kind is ApiKind.REST:
            response, decision = self._rest(request, headers, path, preflight)
        else:
            response, decision = self._http(request, headers, path, preflight)
        self.log.append(decision)
        return response

    def _strip_stage(self, path: str) -> str:
        stage = self.api.stage
        if self.api.kind is ApiKind.HTTP and stage in ("$default", ""):
            return path or "/"
        prefix = f"/{stage}"
        if path == prefix:
            return "/"
        if path.startswith(prefix + "/"):
            return path[len(prefix) :]
        return path or "/"

    # -- REST --------------------------------------------------------------------------
    def _gateway_error(
        self, rtype: str, headers: Mapping[str, list[str]], status: int | None = None
    ) -> tuple[cs.Response, GatewayResponse | None]:
        default_status = status or GATEWAY_RESPONSE_STATUS.get(rtype, 500)
        configured = self.api.gateway_response(rtype)
        fallback = "DEFAULT_4XX" if default_status < 500 else "DEFAULT_5XX"
        if configured is None:
            configured = self.api.gateway_response(fallback)
            final_status = default_status
        else:
            final_status = configured.status or default_status
        if configured is not None and configured.type == rtype and configured.status:
            final_status = configured.status
        pairs: list[tuple[str, str]] = [
            ("Content-Type", "application/json"),
            ("x-amzn-RequestId", "corsspec-request"),
            ("x-amzn-ErrorType", rtype.title().replace("_", "") + "Exception"),
        ]
        for mapped in configured.headers if configured is not None else ():
            if mapped.kind is ValueKind.STATIC:
                pairs.append((mapped.header, mapped.value))
            elif mapped.kind is ValueKind.REQUEST_HEADER and mapped.value in headers:
                pairs.append((mapped.header, ",".join(headers[mapped.value])))
        message = _MESSAGES.get(rtype, _MESSAGES.get(fallback, "Error"))
        body = '{"message":"' + message + '"}'
        return cs.Response(status=final_status, headers=tuple(pairs), body=body), configured

    def _rest(
        self, request: cs.Request, headers: Mapping[str, list[str]], path: str, preflight: bool
    ) -> tuple[cs.Response, Decision]:
        method_name = request.method

        def error(
            kind: DecisionKind,
            rtype: str,
            route: Route | None = None,
            declared: Method | None = None,
            status: int | None = None,
            outcome: LambdaOutcome | None = None,
        ) -> tuple[cs.Response, Decision]:
            response, configured = self._gateway_error(rtype, headers, status)
            return response, Decision(
                kind=kind,
                method=method_name,
                path=path,
                preflight=preflight,
                status=response.status,
                route=route,
                declared=declared,
                gateway_response=rtype,
                configured=configured,
                lambda_outcome=outcome,
            )

        found = match_route(self.api, path, method_name)
        if found is None:
            return error(DecisionKind.ROUTE_NOT_FOUND, "MISSING_AUTHENTICATION_TOKEN")
        route, method = found
        if method is None:
            return error(DecisionKind.METHOD_NOT_FOUND, "MISSING_AUTHENTICATION_TOKEN", route)
        if not method.deployed:
            return error(DecisionKind.NOT_DEPLOYED, "MISSING_AUTHENTICATION_TOKEN", route, method)
        klass = self.response_class if not preflight else ResponseClass.SUCCESS
        if klass is ResponseClass.GATEWAY_4XX:
            return error(DecisionKind.RESPONSE_CLASS, "THROTTLED", route, method)
        auth = method.auth
        if auth.authorizer:
            missing = [h for h in auth.identity_headers if h not in headers]
            if auth.kind is AuthKind.AWS_IAM and missing:
                return error(
                    DecisionKind.AUTH_REJECTED, "MISSING_AUTHENTICATION_TOKEN", route, method
                )
            if missing or preflight:
                # A browser preflight never carries credentials, whatever the authorizer.
                return error(DecisionKind.AUTH_REJECTED, "UNAUTHORIZED", route, method)
            if klass is ResponseClass.UNAUTHORIZED:
                rtype = "INVALID_SIGNATURE" if auth.kind is AuthKind.AWS_IAM else "UNAUTHORIZED"
                return error(DecisionKind.RESPONSE_CLASS, rtype, route, method)
            if klass is ResponseClass.FORBIDDEN and auth.kind is not AuthKind.COGNITO:
                return error(DecisionKind.RESPONSE_CLASS, "ACCESS_DENIED", route, method)
        if auth.api_key:
            if "x-api-key" not in headers:
                return error(DecisionKind.API_KEY_REJECTED, "INVALID_API_KEY", route, method)
            if klass is ResponseClass.UNAUTHORIZED and not auth.authorizer:
                return error(DecisionKind.RESPONSE_CLASS, "INVALID_API_KEY", route, method)
        integration = method.integration
        if integration is None:
            return error(DecisionKind.INTEGRATION_ERROR, "API_CONFIGURATION_ERROR", route, method)
        if klass is ResponseClass.GATEWAY_5XX and integration.kind is not IntegrationKind.MOCK:
            return error(DecisionKind.RESPONSE_CLASS, "INTEGRATION_TIMEOUT", route, method)
        if integration.kind is IntegrationKind.LAMBDA_PROXY:
            if klass is ResponseClass.LAMBDA_ERROR:
                return error(DecisionKind.RESPONSE_CLASS, "DEFAULT_5XX", route, method, status=502)
            outcome = self._invoke(request, route, method, path)
            if outcome.kind in (LambdaOutcomeKind.MALFORMED, LambdaOutcomeKind.ERROR):
                kind = (
                    DecisionKind.LAMBDA_MALFORMED
                    if outcome.kind is LambdaOutcomeKind.MALFORMED
                    else DecisionKind.LAMBDA_ERROR
                )
                return error(kind, "DEFAULT_5XX", route, method, status=502, outcome=outcome)
            assert outcome.result is not None
            response = cs.Response(
                status=outcome.result.status,
                headers=outcome.result.headers,
                body=outcome.result.body,
            )
            return response, Decision(
                kind=DecisionKind.INTEGRATION,
                method=method_name,
                path=path,
                preflight=preflight,
                status=response.status,
                route=route,
                declared=method,
                lambda_outcome=outcome,
                assumed=outcome.kind is LambdaOutcomeKind.UNKNOWN,
            )
        if integration.kind is IntegrationKind.HTTP_PROXY:
            outcome = self._invoke(request, route, method, path)
            result = outcome.result
            if result is None:
                return error(
                    DecisionKind.INTEGRATION_ERROR,
                    "DEFAULT_5XX",
                    route,
                    method,
                    status=502,
                    outcome=outcome,
                )
            response = cs.Response(status=result.status, headers=result.headers, body=result.body)
            return response, Decision(
                kind=DecisionKind.INTEGRATION,
                method=method_name,
                path=path,
                preflight=preflight,
                status=response.status,
                route=route,
                declared=method,
                lambda_outcome=outcome,
                assumed=outcome.kind is LambdaOutcomeKind.UNKNOWN,
            )
        # MOCK and non-proxy integrations: select an integration response.
        selected = None
        if integration.kind is IntegrationKind.MOCK:
            status_text = str(integration.mock_status or 200)
            for candidate in integration.responses:
                if not candidate.is_default and _selects(candidate.pattern, status_text):
                    selected = candidate
                    break
        elif klass is ResponseClass.LAMBDA_ERROR:
            selected = next(
                (r for r in integration.responses if not r.is_default and r.status >= 400), None
            )
        if selected is None:
            selected = next((r for r in integration.responses if r.is_default), None)
        if selected is None:
            return error(DecisionKind.INTEGRATION_ERROR, "API_CONFIGURATION_ERROR", route, method)
        pairs: list[tuple[str, str]] = [
            ("Content-Type", "application/json"),
            ("x-amzn-RequestId", "corsspec-request"),
        ]
        for mapped in selected.headers:
            if mapped.kind is ValueKind.STATIC:
                pairs.append((mapped.header, mapped.value))
        response = cs.Response(status=selected.status, headers=tuple(pairs), body="{}")
        return response, Decision(
            kind=DecisionKind.INTEGRATION,
            method=method_name,
            path=path,
            preflight=preflight,
            status=response.status,
            route=route,
            declared=method,
            integration_response=selected,
            assumed=integration.kind is not IntegrationKind.MOCK
            and any(m.kind is ValueKind.BACKEND for m in selected.headers),
        )

    def _invoke(
        self, request: cs.Request, route: Route, method: Method, path: str
    ) -> LambdaOutcome:
        integration = method.integration
        assert integration is not None
        params = _path_parameters(route.path, path)
        authorized = method.auth.authorizer
        if self.api.kind is ApiKind.REST or integration.payload_version != "2.0":
            event = rest_event(
                request,
                resource=route.path,
                path=path,
                stage=self.api.stage,
                path_parameters=params,
                authorized=authorized,
            )
        else:
            key = "$default" if route.path == "$default" else f"{method.http_method} {route.path}"
            event = http_event(
                request,
                route_key=key,
                path=path,
                stage=self.api.stage,
                path_parameters=params,
                authorized=authorized,
            )
        return self.lambdas.invoke(
            event,
            method=method.http_method,
            route=route.path,
            function=integration.function,
            version=integration.payload_version,
        )

    # -- HTTP APIs ---------------------------------------------------------------------
    def _http(
        self, request: cs.Request, headers: Mapping[str, list[str]], path: str, preflight: bool
    ) -> tuple[cs.Response, Decision]:
        cors = self.api.cors
        origin = headers.get("origin", [None])[0]
        method_name = request.method
        found = match_route(self.api, path, method_name)
        if (
            preflight
            and cors is not None
            and origin is not None
            and (found is None or found[1] is None)
        ):
            response = cs.Response(status=204, headers=(("apigw-requestid", "corsspec"),))
            decision = Decision(
                kind=DecisionKind.GATEWAY_PREFLIGHT,
                method=method_name,
                path=path,
                preflight=True,
                status=204,
            )
            return self._add_cors(response, origin, preflight=True), decision
        response, decision = self._http_route(request, headers, path, preflight, found)
        if cors is None or origin is None:
            return response, decision
        dropped = tuple(sorted({n.lower() for n, _ in response.headers if _SAFE_NAME.match(n)}))
        kept = tuple((n, v) for n, v in response.headers if not _SAFE_NAME.match(n))
        response = cs.Response(status=response.status, headers=kept, body=response.body)
        if dropped and decision.kind is DecisionKind.INTEGRATION:
            decision = attrs.evolve(decision, dropped_backend_cors=dropped)
        return self._add_cors(response, origin, preflight=preflight), decision

    def _add_cors(self, response: cs.Response, origin: str, *, preflight: bool) -> cs.Response:
        cors = self.api.cors
        assert cors is not None
        allowed = cors.allows_origin(origin)
        if allowed is None:
            return response
        pairs = list(response.headers)
        pairs.append(("access-control-allow-origin", allowed))
        if cors.allow_credentials:
            pairs.append(("access-control-allow-credentials", "true"))
        if preflight:
            if cors.allow_methods:
                pairs.append(("access-control-allow-methods", ",".join(cors.allow_methods)))
            if cors.allow_headers:
                pairs.append(("access-control-allow-headers", ",".join(cors.allow_headers)))
            if cors.max_age is not None:
                pairs.append(("access-control-max-age", str(cors.max_age)))
        elif cors.expose_headers:
            pairs.append(("access-control-expose-headers", ",".join(cors.expose_headers)))
        return cs.Response(status=response.status, headers=tuple(pairs), body=response.body)

    def _http_route(
        self,
        request: cs.Request,
        headers: Mapping[str, list[str]],
        path: str,
        preflight: bool,
        found: tuple[Route, Method | None] | None,
    ) -> tuple[cs.Response, Decision]:
        method_name = request.method

        def error(
            kind: DecisionKind,
            status: int,
            message: str,
            route: Route | None = None,
            declared: Method | None = None,
            outcome: LambdaOutcome | None = None,
        ) -> tuple[cs.Response, Decision]:
            response = cs.Response(
                status=status,
                headers=(("content-type", "application/json"), ("apigw-requestid", "corsspec")),
                body='{"message":"' + message + '"}',
            )
            return response, Decision(
                kind=kind,
                method=method_name,
                path=path,
                preflight=preflight,
                status=status,
                route=route,
                declared=declared,
                lambda_outcome=outcome,
            )

        if found is None or found[1] is None:
            return error(
                DecisionKind.ROUTE_NOT_FOUND, 404, "Not Found", found[0] if found else None
            )
        route, method = found
        assert method is not None
        klass = self.response_class if not preflight else ResponseClass.SUCCESS
        if klass is ResponseClass.GATEWAY_4XX:
            return error(DecisionKind.RESPONSE_CLASS, 429, "Too Many Requests", route, method)
        auth = method.auth
        if auth.authorizer:
            missing = [h for h in auth.identity_headers if h not in headers]
            if auth.kind is AuthKind.AWS_IAM and missing:
                return error(DecisionKind.AUTH_REJECTED, 403, "Forbidden", route, method)
            if missing or preflight:
                return error(DecisionKind.AUTH_REJECTED, 401, "Unauthorized", route, method)
            if klass is ResponseClass.UNAUTHORIZED:
                return error(DecisionKind.RESPONSE_CLASS, 401, "Unauthorized", route, method)
            if klass is ResponseClass.FORBIDDEN:
                return error(DecisionKind.RESPONSE_CLASS, 403, "Forbidden", route, method)
        integration = method.integration
        if integration is None:
            return error(
                DecisionKind.INTEGRATION_ERROR, 500, "Internal Server Error", route, method
            )
        if klass is ResponseClass.GATEWAY_5XX:
            return error(DecisionKind.RESPONSE_CLASS, 503, "Service Unavailable", route, method)
        if klass is ResponseClass.LAMBDA_ERROR and integration.kind is IntegrationKind.LAMBDA_PROXY:
            return error(DecisionKind.RESPONSE_CLASS, 500, "Internal Server Error", route, method)
        outcome = self._invoke(request, route, method, path)
        if outcome.kind in (LambdaOutcomeKind.MALFORMED, LambdaOutcomeKind.ERROR):
            kind = (
                DecisionKind.LAMBDA_MALFORMED
                if outcome.kind is LambdaOutcomeKind.MALFORMED
                else DecisionKind.LAMBDA_ERROR
            )
            return error(kind, 500, "Internal Server Error", route, method, outcome)
        assert outcome.result is not None
        response = cs.Response(
            status=outcome.result.status, headers=outcome.result.headers, body=outcome.result.body
        )
        # With a CORS configuration the gateway owns the CORS headers: what the function
        # returns does not matter to the browser, so nothing is assumed.
        return response, Decision(
            kind=DecisionKind.INTEGRATION,
            method=method_name,
            path=path,
            preflight=preflight,
            status=response.status,
            route=route,
            declared=method,
            lambda_outcome=outcome,
            assumed=outcome.kind is LambdaOutcomeKind.UNKNOWN and self.api.cors is None,
        )


def _selects(pattern: str | None, text: str) -> bool:
    if not pattern:
        return False
    try:
        return re.fullmatch(pattern, text) is not None
    except re.error:
        return False

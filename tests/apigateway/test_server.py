"""GatewayServer: what API Gateway answers, and what each browser then does with it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs
import pytest

import corsspec as cs
from corsspec.adapters.aws.apigateway import (
    DecisionKind,
    GatewayApi,
    GatewayServer,
    LambdaBook,
    ResponseClass,
    applicable_classes,
    load_gateway,
    parse_template,
)

from ._util import APP, fixture

R = cs.ReasonCode
PREFLIGHT, ACTUAL = cs.Stage.PREFLIGHT, cs.Stage.ACTUAL

_NOTES_BOOK = {"Notes": fixture("handlers/notes.py") + ":handler"}
_LOGIN_BOOK = {"LoginFunction": fixture("lambda/login_response.json")}


def _api(name: str, index: int = 0) -> GatewayApi:
    return load_gateway(fixture(name)).apis[index]


def _request(
    api: GatewayApi,
    method: str,
    path: str,
    *,
    origin: str = APP,
    headers: tuple[tuple[str, str], ...] = (),
    credentials: Literal["omit", "same-origin", "include"] = "same-origin",
) -> cs.Request:
    body = cs.Body.text("{}") if method in ("POST", "PUT", "PATCH") else None
    if body is not None and not any(n.lower() == "content-type" for n, _ in headers):
        headers = (("Content-Type", "application/json"), *headers)
    return cs.Request(
        method=method,
        url=api.base_url + path,
        origin=origin,
        headers=headers,
        credentials=credentials,
        body=body,
    )


@attrs.frozen(kw_only=True)
class Case:
    """One request to one deployed API, per response class: the verdict."""

    id: str
    fixture: str
    method: str
    path: str
    klass: ResponseClass = ResponseClass.SUCCESS
    origin: str = APP
    headers: tuple[tuple[str, str], ...] = ()
    credentials: Literal["omit", "same-origin", "include"] = "same-origin"
    lambdas: Mapping[str, Any] = attrs.field(factory=dict)
    allowed: bool
    reason: cs.ReasonCode | None = None
    stage: cs.Stage | None = None
    #: The status script sees when allowed, or the gateway's last status when blocked.
    status: int | None = None
    #: Per-profile overrides of (reason) where engines check in a different order.
    reasons: Mapping[str, cs.ReasonCode] = attrs.field(factory=dict)


CASES = [
    Case(
        id="classic-credentialed-post-fails-acac-on-preflight",
        fixture="rest_classic.yaml",
        method="POST",
        path="/session",
        credentials="include",
        lambdas=_LOGIN_BOOK,
        allowed=False,
        reason=R.ACAC_NOT_TRUE,
        stage=PREFLIGHT,
        status=200,
    ),
    Case(
        id="classic-uncredentialed-post-is-allowed",
        fixture="rest_classic.yaml",
        method="POST",
        path="/session",
        lambdas=_LOGIN_BOOK,
        allowed=True,
        status=200,
    ),
    Case(
        id="classic-other-origin",
        fixture="rest_classic.yaml",
        method="POST",
        path="/session",
        origin="https://evil.example",
        lambdas=_LOGIN_BOOK,
        allowed=False,
        reason=R.ACAO_MISMATCH,
        stage=PREFLIGHT,
        status=200,
    ),
    Case(
        id="classic-lambda-unknown-assumed-without-headers",
        fixture="rest_classic.yaml",
        method="POST",
        path="/session",
        allowed=False,
        reason=R.ACAO_MISSING,
        stage=ACTUAL,
        status=200,
    ),
    Case(
        id="console-get-allowed",
        fixture="console_enable_cors.yaml",
        method="GET",
        path="/pets",
        allowed=True,
        status=200,
    ),
    Case(
        id="console-get-throttled-hides-429",
        fixture="console_enable_cors.yaml",
        method="GET",
        path="/pets",
        klass=ResponseClass.GATEWAY_4XX,
        allowed=False,
        reason=R.ACAO_MISSING,
        stage=ACTUAL,
        status=429,
    ),
    Case(
        id="console-get-timeout-hides-504",
        fixture="console_enable_cors.yaml",
        method="GET",
        path="/pets",
        klass=ResponseClass.GATEWAY_5XX,
        allowed=False,
        reason=R.ACAO_MISSING,
        stage=ACTUAL,
        status=504,
    ),
    Case(
        id="console-get-error-mapping-has-no-acao",
        fixture="console_enable_cors.yaml",
        method="GET",
        path="/pets",
        klass=ResponseClass.LAMBDA_ERROR,
        allowed=False,
        reason=R.ACAO_MISSING,
        stage=ACTUAL,
        status=500,
    ),
    Case(
        id="console-delete-not-in-allow-methods",
        fixture="console_enable_cors.yaml",
        method="DELETE",
        path="/pets",
        allowed=False,
        reason=R.METHOD_NOT_ALLOWED,
        stage=PREFLIGHT,
        status=200,
    ),
    Case(
        id="openapi-4xx-echoes-origin",
        fixture="openapi_body.yaml",
        method="GET",
        path="/products",
        origin="https://shop.example",
        klass=ResponseClass.GATEWAY_4XX,
        allowed=True,
        status=429,
    ),
    Case(
        id="openapi-5xx-has-static-acao",
        fixture="openapi_body.yaml",
        method="GET",
        path="/products",
        origin="https://shop.example",
        klass=ResponseClass.LAMBDA_ERROR,
        allowed=True,
        status=502,
    ),
    Case(
        id="good-put-success",
        fixture="sam_cors_good.yaml",
        method="PUT",
        path="/notes/7",
        headers=(("Authorization", "Bearer t"),),
        lambdas=_NOTES_BOOK,
        allowed=True,
        status=200,
    ),
    Case(
        id="good-put-unauthorized-is-readable",
        fixture="sam_cors_good.yaml",
        method="PUT",
        path="/notes/7",
        headers=(("Authorization", "Bearer t"),),
        lambdas=_NOTES_BOOK,
        klass=ResponseClass.UNAUTHORIZED,
        allowed=True,
        status=401,
    ),
    Case(
        id="good-put-forbidden-is-readable",
        fixture="sam_cors_good.yaml",
        method="PUT",
        path="/notes/7",
        headers=(("Authorization", "Bearer t"),),
        lambdas=_NOTES_BOOK,
        klass=ResponseClass.FORBIDDEN,
        allowed=True,
        status=403,
    ),
    Case(
        id="good-put-lambda-error-is-readable",
        fixture="sam_cors_good.yaml",
        method="PUT",
        path="/notes/7",
        headers=(("Authorization", "Bearer t"),),
        lambdas=_NOTES_BOOK,
        klass=ResponseClass.LAMBDA_ERROR,
        allowed=True,
        status=502,
    ),
    Case(
        id="sam-object-preflight-hits-authorizer",
        fixture="sam_cors_object.yaml",
        method="DELETE",
        path="/users/1",
        origin="https://admin.example",
        headers=(("Authorization", "Bearer t"), ("X-Api-Key", "k")),
        allowed=False,
        reason=R.PREFLIGHT_STATUS_NOT_OK,
        stage=PREFLIGHT,
        status=401,
    ),
    Case(
        id="sam-object-other-origin-sees-no-status",
        fixture="sam_cors_object.yaml",
        method="DELETE",
        path="/users/1",
        headers=(("Authorization", "Bearer t"),),
        allowed=False,
        reason=R.PREFLIGHT_STATUS_NOT_OK,
        stage=PREFLIGHT,
        status=401,
        reasons={"chromium": R.ACAO_MISMATCH, "spec": R.ACAO_MISMATCH},
    ),
    Case(
        id="sam-string-json-post-needs-allow-headers",
        fixture="sam_cors_string.yaml",
        method="POST",
        path="/orders",
        allowed=False,
        reason=R.HEADER_NOT_ALLOWED,
        stage=PREFLIGHT,
        status=200,
    ),
    Case(
        id="not-deployed-options-403",
        fixture="rest_options_not_deployed.yaml",
        method="PUT",
        path="/orders",
        origin="https://shop.example",
        allowed=False,
        reason=R.PREFLIGHT_STATUS_NOT_OK,
        stage=PREFLIGHT,
        status=403,
        reasons={"chromium": R.ACAO_MISSING, "spec": R.ACAO_MISSING},
    ),
    Case(
        id="http-simple-get-credentialed",
        fixture="http_api.yaml",
        method="GET",
        path="/profile",
        credentials="include",
        allowed=True,
        status=200,
    ),
    Case(
        id="http-gateway-errors-carry-cors",
        fixture="http_api.yaml",
        method="GET",
        path="/profile",
        credentials="include",
        klass=ResponseClass.GATEWAY_5XX,
        allowed=True,
        status=503,
    ),
    Case(
        id="http-authorization-not-in-allow-headers",
        fixture="http_api.yaml",
        method="PATCH",
        path="/profile",
        headers=(("Authorization", "Bearer t"),),
        allowed=False,
        reason=R.HEADER_NOT_ALLOWED,
        stage=PREFLIGHT,
        status=204,
    ),
    Case(
        id="http-origin-not-allowed",
        fixture="http_api.yaml",
        method="GET",
        path="/profile",
        origin="https://evil.example",
        allowed=False,
        reason=R.ACAO_MISSING,
        stage=ACTUAL,
        status=200,
    ),
    Case(
        id="http-default-route-catches-preflight",
        fixture="sam_http_default_route.yaml",
        method="GET",
        path="/anything",
        headers=(("Authorization", "Bearer t"),),
        allowed=False,
        reason=R.PREFLIGHT_STATUS_NOT_OK,
        stage=PREFLIGHT,
        status=401,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_verdicts_per_response_class(case: Case, browser: cs.BrowserProfile) -> None:
    api = _api(case.fixture)
    book = LambdaBook(case.lambdas)
    server = GatewayServer(api, response_class=case.klass, lambdas=book)
    request = _request(
        api,
        case.method,
        case.path,
        origin=case.origin,
        headers=case.headers,
        credentials=case.credentials,
    )
    evaluation = cs.evaluate(request, server, browser=browser)
    assert evaluation.allowed is case.allowed, cs.explanation(evaluation)
    if case.allowed:
        assert evaluation.status == case.status
        return
    assert evaluation.reason is not None
    expected = case.reasons.get(browser.name, case.reason)
    assert (evaluation.reason.code, evaluation.reason.stage) == (expected, case.stage)
    assert server.log[-1].status == case.status


def test_every_method_has_its_response_classes() -> None:
    api = _api("sam_cors_good.yaml")
    route = api.route("/notes/{id}")
    assert route is not None
    put, options = route.exact("PUT"), route.exact("OPTIONS")
    assert put is not None
    assert options is not None
    assert applicable_classes(api, put) == tuple(ResponseClass)
    assert applicable_classes(api, options) == (ResponseClass.SUCCESS, ResponseClass.GATEWAY_4XX)


# -- the gateway's answers, directly ---------------------------------------------------


def _respond(
    api: GatewayApi,
    method: str,
    path: str,
    headers: tuple[tuple[str, str], ...] = (),
    **kwargs: Any,
) -> tuple[cs.Response, GatewayServer]:
    server = GatewayServer(api, **kwargs)
    request = cs.Request(
        method=method,
        url=api.base_url + path,
        origin=APP,
        headers=headers,
        mode="no-cors" if method in ("GET", "POST") else "cors",
    )
    return server.respond(request), server


def _preflight(method: str, *headers: str) -> tuple[tuple[str, str], ...]:
    out = [("Origin", APP), ("Access-Control-Request-Method", method)]
    if headers:
        out.append(("Access-Control-Request-Headers", ",".join(headers)))
    return tuple(out)


def test_unknown_resources_get_missing_authentication_token() -> None:
    api = _api("rest_classic.yaml")
    response, server = _respond(api, "GET", "/nothing")
    assert response.status == 403
    assert response.headers_view["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    assert "Missing Authentication Token" in response.body
    assert server.log[0].kind is DecisionKind.ROUTE_NOT_FOUND
    response, server = _respond(api, "GET", "/session")
    assert response.status == 403
    assert server.log[0].kind is DecisionKind.METHOD_NOT_FOUND


def test_the_stage_prefix_is_optional() -> None:
    api = _api("rest_classic.yaml")
    server = GatewayServer(api)
    for url in (api.base_url + "/session", api.base_url.rsplit("/", 1)[0] + "/session"):
        request = cs.Request(
            method="OPTIONS", url=url, origin=APP, headers=_preflight("POST", "content-type")
        )
        assert server.respond(request).status == 200


def test_mock_options_maps_static_values() -> None:
    api = _api("rest_classic.yaml")
    response, server = _respond(api, "OPTIONS", "/session", _preflight("POST"))
    view = response.headers_view
    assert (response.status, view["Access-Control-Allow-Origin"]) == (200, APP)
    assert view["Access-Control-Allow-Methods"] == "POST,OPTIONS"
    assert "Access-Control-Allow-Credentials" not in view
    assert server.log[0].kind is DecisionKind.INTEGRATION


def test_api_key_and_authorizer_on_options() -> None:
    api = _api("sam_cors_object.yaml")
    response, server = _respond(api, "OPTIONS", "/users/1", _preflight("DELETE"))
    assert response.status == 401
    assert server.log[0].kind is DecisionKind.AUTH_REJECTED
    # Configured DEFAULT_4XX headers reach every 4XX, the authorizer's included.
    assert response.headers_view["Access-Control-Allow-Origin"] == "https://admin.example"


def test_api_key_missing_on_an_actual_request() -> None:
    text = """\
swagger: "2.0"
securityDefinitions:
  api_key: {type: apiKey, name: x-api-key, in: header}
paths:
  /k:
    get:
      security: [{api_key: []}]
      x-amazon-apigateway-integration: {type: mock, responses: {default: {statusCode: "200"}}}
"""
    api = load_gateway(parse_template(text, file="k.yaml")).apis[0]
    response, server = _respond(api, "GET", "/k")
    assert (response.status, server.log[0].kind) == (403, DecisionKind.API_KEY_REJECTED)
    response, server = _respond(api, "GET", "/k", (("X-Api-Key", "k"),))
    assert (response.status, server.log[0].kind) == (200, DecisionKind.INTEGRATION)
    response, server = _respond(
        api, "GET", "/k", (("X-Api-Key", "k"),), response_class=ResponseClass.UNAUTHORIZED
    )
    assert (response.status, server.log[0].gateway_response) == (403, "INVALID_API_KEY")


def test_iam_without_a_signature() -> None:
    text = """\
swagger: "2.0"
securityDefinitions:
  sigv4: {type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4}
paths:
  /iam:
    get:
      security: [{sigv4: []}]
      x-amazon-apigateway-integration: {type: mock, responses: {default: {statusCode: "200"}}}
"""
    api = load_gateway(parse_template(text, file="i.yaml")).apis[0]
    response, server = _respond(api, "GET", "/iam")
    assert (response.status, server.log[0].gateway_response) == (
        403,
        "MISSING_AUTHENTICATION_TOKEN",
    )
    response, server = _respond(
        api,
        "GET",
        "/iam",
        (("Authorization", "AWS4-HMAC-SHA256 x"),),
        response_class=ResponseClass.UNAUTHORIZED,
    )
    assert (response.status, server.log[0].gateway_response) == (403, "INVALID_SIGNATURE")


def test_mock_selection_patterns_and_missing_default() -> None:
    text = """\
swagger: "2.0"
paths:
  /teapot:
    options:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 418}'}
        responses:
          "4\\\\d{2}": {statusCode: "204"}
          default: {statusCode: "200"}
  /broken:
    options:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses:
          "5\\\\d{2}": {statusCode: "500"}
"""
    api = load_gateway(parse_template(text, file="m.yaml")).apis[0]
    response, _ = _respond(api, "OPTIONS", "/teapot", _preflight("PUT"))
    assert response.status == 204
    response, server = _respond(api, "OPTIONS", "/broken", _preflight("PUT"))
    assert (response.status, server.log[0].kind) == (500, DecisionKind.INTEGRATION_ERROR)


def test_specific_gateway_response_replaces_the_default() -> None:
    text = """\
swagger: "2.0"
paths:
  /a:
    get: {x-amazon-apigateway-integration: {type: http_proxy, uri: "https://backend"}}
x-amazon-apigateway-gateway-responses:
  DEFAULT_4XX:
    responseParameters: {gatewayresponse.header.Access-Control-Allow-Origin: "'*'"}
  THROTTLED:
    statusCode: "503"
    responseParameters: {gatewayresponse.header.Retry-After: "'1'"}
"""
    api = load_gateway(parse_template(text, file="g.yaml")).apis[0]
    response, _ = _respond(api, "GET", "/a", response_class=ResponseClass.GATEWAY_4XX)
    assert response.status == 503
    assert "Access-Control-Allow-Origin" not in response.headers_view
    assert response.headers_view["Retry-After"] == "1"


def test_http_api_answers_preflights_itself() -> None:
    api = _api("http_api.yaml")
    response, server = _respond(api, "OPTIONS", "/profile", _preflight("PATCH", "content-type"))
    view = response.headers_view
    assert response.status == 204
    assert view["access-control-allow-origin"] == APP
    assert view["access-control-allow-methods"] == "GET,PATCH"
    assert view["access-control-allow-headers"] == "content-type"
    assert view["access-control-max-age"] == "300"
    assert view["access-control-allow-credentials"] == "true"
    assert server.log[0].kind is DecisionKind.GATEWAY_PREFLIGHT


def test_http_api_replaces_backend_cors_headers() -> None:
    api = _api("http_api.yaml")
    book = LambdaBook(
        {
            "ProfileFunction": {
                "statusCode": 200,
                "headers": {"Access-Control-Allow-Origin": "*", "x-request-id": "1"},
                "body": "{}",
            }
        }
    )
    response, server = _respond(api, "GET", "/profile", (("Origin", APP),), lambdas=book)
    assert response.headers_view.getall("access-control-allow-origin") == [APP]
    assert response.headers_view["access-control-expose-headers"] == "x-request-id"
    assert server.log[0].dropped_backend_cors == ("access-control-allow-origin",)


def test_http_api_unknown_route_is_404() -> None:
    api = _api("http_api.yaml")
    response, server = _respond(api, "GET", "/nothing")
    assert (response.status, server.log[0].kind) == (404, DecisionKind.ROUTE_NOT_FOUND)


def test_lambda_proxy_events_reach_the_handler() -> None:
    seen: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(event)
        return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": APP}}

    api = _api("rest_classic.yaml")
    server = GatewayServer(api, lambdas=LambdaBook({"POST /session": handler}))
    request = _request(api, "POST", "/session")
    assert cs.evaluate(request, server).allowed
    (event,) = seen
    assert (event["httpMethod"], event["resource"], event["path"]) == (
        "POST",
        "/session",
        "/session",
    )
    assert event["headers"]["Origin"] == APP
    assert event["requestContext"]["stage"] == "prod"
    assert event["body"] == "{}"

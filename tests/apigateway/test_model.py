"""The gateway model: mapping expressions, routing, each template flavour, SAM expansion."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from corsspec.adapters.aws.apigateway import (
    ApiKind,
    AuthKind,
    FindingCode,
    GatewayApi,
    GatewayModel,
    IntegrationKind,
    Source,
    ValueKind,
    load_gateway,
    parse_template,
)
from corsspec.adapters.aws.apigateway._codes import Evidence
from corsspec.adapters.aws.apigateway._model import (
    MappingContext,
    fill_path,
    match_route,
    parse_mapping,
)

from ._util import fixture

_EV = Evidence(path="x")
_IR = MappingContext.INTEGRATION_RESPONSE
_GR = MappingContext.GATEWAY_RESPONSE

MAPPINGS: list[tuple[object, MappingContext, ValueKind, str]] = [
    ("'*'", _IR, ValueKind.STATIC, "*"),
    ("'https://app.example'", _IR, ValueKind.STATIC, "https://app.example"),
    ("''", _IR, ValueKind.STATIC, ""),
    ("'a,b'", _IR, ValueKind.STATIC, "a,b"),
    ("https://app.example", _IR, ValueKind.INVALID, ""),
    ("*", _IR, ValueKind.INVALID, ""),
    ("'unterminated", _IR, ValueKind.INVALID, ""),
    (True, _IR, ValueKind.INVALID, ""),
    (600, _IR, ValueKind.INVALID, ""),
    (
        "integration.response.header.Access-Control-Allow-Origin",
        _IR,
        ValueKind.BACKEND,
        "access-control-allow-origin",
    ),
    ("integration.response.body.origin", _IR, ValueKind.DYNAMIC, ""),
    ("stageVariables.origin", _IR, ValueKind.DYNAMIC, ""),
    ("context.requestId", _GR, ValueKind.DYNAMIC, ""),
    ("method.request.header.Origin", _IR, ValueKind.INVALID, ""),
    ("method.request.header.Origin", _GR, ValueKind.REQUEST_HEADER, "origin"),
    ("method.request.multivalueheader.origin", _GR, ValueKind.REQUEST_HEADER, "origin"),
    ("'${Unresolved}'", _IR, ValueKind.DYNAMIC, ""),
]


@pytest.mark.parametrize(("expression", "context", "kind", "value"), MAPPINGS)
def test_mapping_expressions(
    expression: object, context: MappingContext, kind: ValueKind, value: str
) -> None:
    mapped = parse_mapping("Access-Control-Allow-Origin", expression, _EV, context)
    assert (mapped.kind, mapped.value) == (kind, value)


ROUTES = """\
swagger: "2.0"
paths:
  /: {get: {x-amazon-apigateway-integration: {type: mock}}}
  /items: {get: {x-amazon-apigateway-integration: {type: mock}}}
  /items/{id}: {get: {x-amazon-apigateway-integration: {type: mock}}}
  /items/special: {get: {x-amazon-apigateway-integration: {type: mock}}}
  /files/{path+}:
    x-amazon-apigateway-any-method: {x-amazon-apigateway-integration: {type: mock}}
"""

ROUTE_CASES = [
    ("/", "GET", "/"),
    ("/items", "GET", "/items"),
    ("/items/42", "GET", "/items/{id}"),
    ("/items/special", "GET", "/items/special"),
    ("/files/a/b/c", "DELETE", "/files/{path+}"),
    ("/nothing", "GET", None),
    ("/items/42/more", "GET", None),
    ("/files", "GET", None),
]


@pytest.mark.parametrize(("path", "method", "route"), ROUTE_CASES)
def test_rest_routing_picks_the_most_specific_resource(
    path: str, method: str, route: str | None
) -> None:
    api = load_gateway(parse_template(ROUTES, file="r.yaml")).apis[0]
    found = match_route(api, path, method)
    assert (found[0].path if found else None) == route


def test_rest_resource_without_the_method_has_no_method() -> None:
    api = load_gateway(parse_template(ROUTES, file="r.yaml")).apis[0]
    found = match_route(api, "/items", "POST")
    assert found is not None
    assert found[1] is None


def test_http_routing_prefers_exact_methods_then_any_then_default() -> None:
    text = """\
openapi: 3.0.1
x-amazon-apigateway-cors: {allowOrigins: ["*"]}
paths:
  /items/{id}:
    get: {x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0"}}
  /items/{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0"}
  $default:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0"}
"""
    api = load_gateway(parse_template(text, file="h.yaml")).apis[0]
    assert api.kind is ApiKind.HTTP

    def route_of(path: str, method: str) -> tuple[str, str] | None:
        found = match_route(api, path, method)
        assert found is not None
        assert found[1] is not None
        return found[0].path, found[1].http_method

    assert route_of("/items/1", "GET") == ("/items/{id}", "GET")
    assert route_of("/items/1", "PUT") == ("/items/{proxy+}", "ANY")
    assert route_of("/other", "GET") == ("$default", "ANY")


def test_fill_path() -> None:
    assert fill_path("/items/{id}/files/{proxy+}") == "/items/123/files/example/path"
    assert fill_path("$default") == "/"
    assert fill_path("/") == "/"


# -- each flavour ---------------------------------------------------------------------


def _headers(api: GatewayApi, path: str, method: str) -> dict[str, str]:
    route = api.route(path)
    assert route is not None
    found = route.exact(method)
    assert found is not None
    assert found.integration is not None
    return {m.header: m.expression for r in found.integration.responses for m in r.headers}


def test_cloudformation_rest_api() -> None:
    model = load_gateway(fixture("rest_classic.yaml"))
    (api,) = model.apis
    assert (api.name, api.kind, api.stage, api.flavour) == (
        "SessionApi",
        ApiKind.REST,
        "prod",
        Source.CLOUDFORMATION,
    )
    route = api.route("/session")
    assert route is not None
    assert [m.http_method for m in route.methods] == ["OPTIONS", "POST"]
    post = route.exact("POST")
    assert post is not None
    assert post.integration is not None
    assert post.integration.kind is IntegrationKind.LAMBDA_PROXY
    assert post.integration.function == "LoginFunction"
    assert _headers(api, "/session", "OPTIONS")["Access-Control-Allow-Origin"] == (
        "'https://app.example'"
    )  # resolved from the parameter default through !Sub
    assert model.function("LoginFunction") is not None
    assert not api.issues


def test_undeployed_options_method() -> None:
    (api,) = load_gateway(fixture("rest_options_not_deployed.yaml")).apis
    route = api.route("/orders")
    assert route is not None
    options, put = route.exact("OPTIONS"), route.exact("PUT")
    assert options is not None
    assert put is not None
    assert (options.deployed, put.deployed) == (False, True)
    assert [i.code for i in api.issues] == [FindingCode.OPTIONS_NOT_DEPLOYED]
    assert api.stage == "v1"


def test_openapi_body_is_a_rest_api_with_gateway_responses() -> None:
    (api,) = load_gateway(fixture("openapi_body.yaml")).apis
    assert (api.name, api.kind, api.flavour) == ("Catalog", ApiKind.REST, Source.OPENAPI)
    default_4xx = api.gateway_response("DEFAULT_4XX")
    assert default_4xx is not None
    assert default_4xx.headers[0].kind is ValueKind.REQUEST_HEADER
    route = api.route("/products")
    assert route is not None
    get = route.exact("GET")
    assert get is not None
    assert get.integration is not None
    assert get.integration.function == "catalog"


def test_http_api_cors_configuration() -> None:
    (api,) = load_gateway(fixture("http_api.yaml")).apis
    assert (api.kind, api.stage) == (ApiKind.HTTP, "$default")
    assert api.cors is not None
    cors = api.cors
    assert cors.allow_origins == ("https://app.example",)
    assert cors.allow_methods == ("GET", "PATCH")
    assert cors.allow_headers == ("content-type",)
    assert (cors.max_age, cors.allow_credentials) == (300, True)
    route = api.route("/profile")
    assert route is not None
    patch = route.exact("PATCH")
    assert patch is not None
    assert (patch.auth.kind, patch.auth.identity_headers) == (AuthKind.JWT, ("authorization",))
    assert patch.integration is not None
    assert (patch.integration.function, patch.integration.payload_version) == (
        "ProfileFunction",
        "2.0",
    )


def test_http_cors_origin_matching() -> None:
    text = """\
openapi: 3.0.1
x-amazon-apigateway-cors:
  allowOrigins: ["https://a.example", "http://*"]
paths: {}
"""
    (api,) = load_gateway(parse_template(text, file="h.yaml")).apis
    assert api.cors is not None
    assert api.cors.allows_origin("https://A.example") == "https://A.example"
    assert api.cors.allows_origin("http://anything.example:8080") == (
        "http://anything.example:8080"
    )
    assert api.cors.allows_origin("https://b.example") is None


def test_sam_implicit_api_from_globals() -> None:
    (api,) = load_gateway(fixture("sam_cors_string.yaml")).apis
    assert (api.name, api.stage, api.flavour) == ("ServerlessRestApi", "Prod", Source.SAM)
    assert api.sam is not None
    assert api.sam.implicit
    assert api.evidence.path == "Globals.Api"
    assert _headers(api, "/orders", "OPTIONS") == {
        "Access-Control-Allow-Origin": "'https://app.example'",
        "Access-Control-Allow-Methods": "'GET,OPTIONS,POST'",
    }
    route = api.route("/orders")
    assert route is not None
    options = route.exact("OPTIONS")
    assert options is not None
    assert options.evidence.path == "Globals.Api.Cors"


def test_sam_defaults_put_the_authorizer_and_api_key_on_options() -> None:
    (api,) = load_gateway(fixture("sam_cors_object.yaml")).apis
    route = api.route("/users/{id}")
    assert route is not None
    options = route.exact("OPTIONS")
    assert options is not None
    auth = options.auth
    assert (auth.kind, auth.api_key) == (AuthKind.COGNITO, True)
    assert auth.sam_default_authorizer
    assert auth.sam_default_api_key
    assert auth.evidence is not None
    assert auth.evidence.path == "Resources.AdminApi.Properties.Auth.DefaultAuthorizer"


def test_sam_keeps_the_default_authorizer_off_options_when_asked() -> None:
    (api,) = load_gateway(fixture("sam_cors_good.yaml")).apis
    for route in api.routes:
        for method in route.methods:
            expected = AuthKind.NONE if method.http_method == "OPTIONS" else AuthKind.TOKEN
            assert method.auth.kind is expected, (route.path, method.http_method)


def test_sam_rejected_configurations_are_issues() -> None:
    model = load_gateway(fixture("sam_cors_rejected.yaml"))
    codes = {(i.api, i.code) for i in model.issues}
    assert ("CartApi", FindingCode.CONFIGURATION_REJECTED) in codes
    assert ("WishlistApi", FindingCode.INVALID_MAPPING_EXPRESSION) in codes


# -- the SAM expansion, cross-checked against the SAM translator -------------------------


def _signature(api: GatewayApi) -> dict[str, Any]:
    routes: dict[str, Any] = {}
    for route in api.routes:
        for method in route.methods:
            integration = method.integration
            routes[f"{method.http_method} {route.path}"] = {
                "auth": method.auth.kind.value,
                "api_key": method.auth.api_key,
                "integration": integration.kind.value if integration else None,
                "function": integration.function if integration else None,
                "headers": sorted(
                    (m.lower, m.expression)
                    for r in (integration.responses if integration else ())
                    for m in r.headers
                ),
                "status": [r.status for r in (integration.responses if integration else ())],
            }
    return {
        "kind": api.kind.value,
        "routes": routes,
        "gateway": {
            g.type: sorted((m.lower, m.expression) for m in g.headers)
            for g in api.gateway_responses
        },
        "cors": None
        if api.cors is None
        else {
            "origins": api.cors.allow_origins,
            "methods": api.cors.allow_methods,
            "headers": api.cors.allow_headers,
            "credentials": api.cors.allow_credentials,
            "max_age": api.cors.max_age,
        },
    }


def _translated(name: str) -> GatewayModel:
    translator = pytest.importorskip("samtranslator.translator.translator")
    parser = pytest.importorskip("samtranslator.parser.parser")
    decode = pytest.importorskip("cfnlint.decode")
    template, matches = decode.decode(fixture(name))
    assert not matches
    plain = json.loads(json.dumps(template, default=str))
    # As cfn-lint does before translating: SAM wants S3 code locations.
    for body in [*plain.get("Resources", {}).values(), plain.get("Globals", {}).get("Function")]:
        props = body.get("Properties", body) if isinstance(body, dict) else {}
        if isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = "s3://bucket/code.zip"
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    output = translator.Translator(managed_policy_map={}, sam_parser=parser.Parser()).translate(
        sam_template=plain, parameter_values={}
    )
    return load_gateway(parse_template(json.dumps(output), file=name + ".translated.json"))


@pytest.mark.parametrize(
    "name",
    [
        "sam_cors_string.yaml",
        "sam_cors_object.yaml",
        "sam_cors_good.yaml",
        "sam_cors_any.yaml",
        "sam_http_default_route.yaml",
    ],
)
def test_sam_expansion_matches_the_sam_translator(name: str) -> None:
    ours = {api.name: _signature(api) for api in load_gateway(fixture(name)).apis}
    theirs = {api.name: _signature(api) for api in _translated(name).apis}
    assert ours == theirs


def test_the_sam_translator_rejects_what_we_flag() -> None:
    exceptions = pytest.importorskip("samtranslator.model.exceptions")
    with pytest.raises(exceptions.InvalidDocumentException, match="AllowCredentials"):
        _translated("sam_cors_rejected.yaml")

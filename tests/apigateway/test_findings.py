"""Every finding code is reachable, carries evidence, and comes with a fix snippet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from corsspec.adapters.aws.apigateway import (
    SEVERITY,
    TITLES,
    Finding,
    FindingCode,
    Severity,
    Source,
    gateway_report,
)
from corsspec.adapters.aws.apigateway._template import _load_yaml

from ._util import APP, fixture, write

_OPTIONS = """\
    options:
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {{application/json: '{{"statusCode": 200}}'}}
        responses:
          default:
            statusCode: "200"
            responseParameters:
              method.response.header.Access-Control-Allow-Origin: "{origin}"
              method.response.header.Access-Control-Allow-Headers: "{headers}"
      responses:
        "200":
          headers:
            Access-Control-Allow-Origin: {{type: string}}
            Access-Control-Allow-Headers: {{type: string}}
"""


def _openapi(
    origin: str = f"'{APP}'",
    headers: str = "'Content-Type'",
    method: str = "post",
    security: str = "",
) -> str:
    return (
        'swagger: "2.0"\n'
        "securityDefinitions:\n"
        "  token: {type: apiKey, name: Authorization, in: header,\n"
        "          x-amazon-apigateway-authtype: custom,\n"
        "          x-amazon-apigateway-authorizer: {type: token}}\n"
        "paths:\n  /a:\n"
        + _OPTIONS.format(origin=origin, headers=headers)
        + f"    {method}:\n{security}"
        "      x-amazon-apigateway-integration:\n"
        "        type: aws_proxy\n"
        "        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        "arn:aws:lambda:us-east-1:123456789012:function:fn/invocations\n"
    )


def _sample(**headers: str) -> dict[str, Any]:
    return {"fn": {"statusCode": 200, "headers": headers, "body": "{}"}}


_NO_DEPLOYMENT = """\
Resources:
  Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: x}}
  Get:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration: {Type: HTTP_PROXY, Uri: "https://backend.example"}
"""

#: code -> (fixture file, or inline template text), keyword arguments for gateway_report.
REACHABLE: dict[FindingCode, tuple[str, dict[str, Any]]] = {
    FindingCode.OPTIONS_MISSING: ("rest_body.json", {}),
    FindingCode.OPTIONS_NOT_DEPLOYED: ("rest_options_not_deployed.yaml", {}),
    FindingCode.OPTIONS_REQUIRES_AUTH: ("sam_cors_object.yaml", {}),
    FindingCode.OPTIONS_REQUIRES_API_KEY: ("sam_cors_object.yaml", {}),
    FindingCode.OPTIONS_MISCONFIGURED: ("sam_cors_rejected.yaml", {}),
    FindingCode.ACTUAL_MISSING_CORS: ("console_enable_cors.yaml", {"run_handlers": True}),
    FindingCode.ERROR_RESPONSE_MISSING_CORS: ("console_enable_cors.yaml", {}),
    FindingCode.HEADER_NOT_ALLOWED: ("http_api.yaml", {}),
    FindingCode.METHOD_NOT_ALLOWED: ("console_enable_cors.yaml", {}),
    FindingCode.AUTHORIZATION_WILDCARD: (
        _openapi(headers="'*'", method="get", security="      security: [{token: []}]\n"),
        {"lambda_responses": _sample(**{"Access-Control-Allow-Origin": APP})},
    ),
    FindingCode.WILDCARD_WITH_CREDENTIALS: ("sam_cors_rejected.yaml", {}),
    FindingCode.ORIGIN_MISMATCH: (
        _openapi(),
        {"lambda_responses": _sample(**{"Access-Control-Allow-Origin": "https://www.app.example"})},
    ),
    FindingCode.ORIGIN_NOT_ALLOWED: ("rest_classic.yaml", {"origins": ["https://evil.example"]}),
    FindingCode.CREDENTIALS_MISMATCH: (
        "rest_classic.yaml",
        {"lambda_responses": {"LoginFunction": fixture("lambda/login_response.json")}},
    ),
    FindingCode.ORIGIN_LIST: ("sam_cors_object.yaml", {}),
    FindingCode.ORIGIN_INVALID: (_openapi(origin=f"'{APP}/'"), {}),
    FindingCode.GATEWAY_RESPONSE_NO_CORS: ("console_enable_cors.yaml", {}),
    FindingCode.INVALID_MAPPING_EXPRESSION: ("sam_cors_rejected.yaml", {}),
    FindingCode.DYNAMIC_MAPPING: (_openapi(origin="stageVariables.origin"), {}),
    FindingCode.CORS_EXTENSION_IGNORED: ("rest_body.json", {}),
    FindingCode.BACKEND_CORS_IGNORED: ("http_api.yaml", {"run_handlers": True}),
    FindingCode.LAMBDA_RESPONSE_UNKNOWN: ("openapi_body.yaml", {}),
    FindingCode.LAMBDA_RESPONSE_MALFORMED: (
        "rest_classic.yaml",
        {"lambda_responses": {"LoginFunction": fixture("lambda/malformed_body.json")}},
    ),
    FindingCode.LAMBDA_ERROR: (
        "rest_classic.yaml",
        {"lambda_responses": {"LoginFunction": fixture("handlers/failing.py") + ":handler"}},
    ),
    FindingCode.CONFIGURATION_REJECTED: ("sam_cors_rejected.yaml", {}),
    FindingCode.NO_DEPLOYMENT: (_NO_DEPLOYMENT, {}),
    FindingCode.BLOCKED: (
        _openapi(),
        {
            "lambda_responses": {
                "fn": {
                    "statusCode": 302,
                    "headers": {
                        "Location": "https://user:secret@other.example/",
                        "Access-Control-Allow-Origin": "*",
                    },
                }
            }
        },
    ),
}


def test_every_code_has_a_scenario_a_title_and_a_severity() -> None:
    assert set(REACHABLE) == set(FindingCode)
    assert set(TITLES) == set(FindingCode)
    assert set(SEVERITY) == set(FindingCode)


def _report_for(code: FindingCode, tmp_path: Path) -> list[Finding]:
    source, kwargs = REACHABLE[code]
    path = fixture(source) if source.endswith((".yaml", ".json")) else write(tmp_path, source)
    return list(gateway_report(path, **kwargs).findings)


@pytest.mark.parametrize("code", list(FindingCode), ids=[c.value for c in FindingCode])
def test_each_code_is_reachable(code: FindingCode, tmp_path: Path) -> None:
    findings = _report_for(code, tmp_path)
    hits = [f for f in findings if f.code is code]
    assert hits, [f.code.value for f in findings]
    for finding in hits:
        assert finding.severity is SEVERITY[code]
        assert finding.evidence.path or finding.evidence.source is Source.OPENAPI
        if code not in (FindingCode.BLOCKED, FindingCode.DYNAMIC_MAPPING):
            assert finding.fix, code
            _load_yaml(finding.fix, "")  # every snippet is valid YAML (JSON included)


def test_findings_are_sorted_and_unique(tmp_path: Path) -> None:
    findings = list(gateway_report(fixture("console_enable_cors.yaml"), run_handlers=True).findings)
    assert findings == sorted(findings, key=Finding.sort_key)
    keys = [(f.code, f.route, f.method, f.evidence.path) for f in findings]
    assert len(keys) == len(set(keys))


def test_evidence_points_at_the_template_line() -> None:
    report = gateway_report(
        fixture("rest_classic.yaml"),
        lambda_responses={"LoginFunction": fixture("lambda/login_response.json")},
    )
    (finding,) = [f for f in report.findings if f.code is FindingCode.CREDENTIALS_MISMATCH]
    assert finding.evidence.path == (
        "Resources.SessionOptions.Properties.Integration.IntegrationResponses[0]"
    )
    lines = Path(fixture("rest_classic.yaml")).read_text().splitlines()
    assert finding.evidence.line is not None
    assert lines[finding.evidence.line - 1].strip() == '- StatusCode: "200"'
    assert finding.facts["side"] == "preflight"
    assert "Access-Control-Allow-Credentials: \"'true'\"" in finding.fix


def test_sam_defaults_get_sam_fixes() -> None:
    report = gateway_report(fixture("sam_cors_object.yaml"))
    fixes = {f.code: f.fix for f in report.findings}
    assert "AddDefaultAuthorizerToCorsPreflight: false" in fixes[FindingCode.OPTIONS_REQUIRES_AUTH]
    assert "AddApiKeyRequiredToCorsPreflight: false" in fixes[FindingCode.OPTIONS_REQUIRES_API_KEY]
    assert "GatewayResponses:" in fixes[FindingCode.GATEWAY_RESPONSE_NO_CORS]
    assert "DEFAULT_4XX" not in fixes[FindingCode.GATEWAY_RESPONSE_NO_CORS]  # already has it


def test_missing_options_fix_matches_the_flavour() -> None:
    report = gateway_report(fixture("rest_body.json"))
    (finding,) = [f for f in report.findings if f.code is FindingCode.OPTIONS_MISSING]
    assert finding.fix.startswith("paths:\n  /items/{id}:\n    options:")
    assert "'OPTIONS,PUT'" in finding.fix


def test_problems_hidden_behind_a_failing_preflight_are_found() -> None:
    report = gateway_report(fixture("sam_cors_string.yaml"), run_handlers=True)
    (hidden,) = [f for f in report.findings if f.code is FindingCode.ACTUAL_MISSING_CORS]
    assert hidden.facts["behind"] == "preflight"
    assert hidden.severity is Severity.HIGH

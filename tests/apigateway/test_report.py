"""gateway_report: what `corsspec gateway` prints, as text and JSON, and its exit code."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

import corsspec as cs
from corsspec.adapters.aws.apigateway import (
    FindingCode,
    GatewayTemplateError,
    ResponseClass,
    TemplateProblem,
    gateway_report,
)

from ._util import APP, fixture

_LOGIN = {"LoginFunction": fixture("lambda/login_response.json")}


def test_a_correct_api_exits_0() -> None:
    report = gateway_report(fixture("sam_cors_good.yaml"), run_handlers=True)
    assert report.exit_code == 0
    assert not report.findings
    assert all(v.allowed for v in report.verdicts)
    assert "exit 0" in report.to_text()


def test_a_blocked_route_exits_1() -> None:
    report = gateway_report(fixture("rest_classic.yaml"), lambda_responses=_LOGIN)
    assert report.exit_code == 1
    assert report.blocked
    assert {v.credentials for v in report.verdicts} == {"include"}


def test_assumed_lambda_responses_do_not_fail_the_run() -> None:
    report = gateway_report(fixture("openapi_body.yaml"))
    assert any(v.assumed and not v.allowed for v in report.verdicts)
    assert report.exit_code == 0
    assert {f.code for f in report.findings} == {FindingCode.LAMBDA_RESPONSE_UNKNOWN}


def test_verdicts_cover_every_route_class_and_browser() -> None:
    report = gateway_report(fixture("console_enable_cors.yaml"))
    assert report.browsers == ("chromium", "firefox", "webkit")
    routes = {(v.route, v.request_method) for v in report.verdicts}
    assert routes == {("/pets", "GET"), ("/pets", "POST"), ("/pets", "DELETE")}
    get = [v for v in report.verdicts if v.request_method == "GET"]
    assert {v.response_class for v in get} == {
        ResponseClass.SUCCESS,
        ResponseClass.GATEWAY_4XX,
        ResponseClass.GATEWAY_5XX,
        ResponseClass.LAMBDA_ERROR,
    }
    assert len(get) == 4 * 3


def test_json_is_stable_data() -> None:
    report = gateway_report(fixture("rest_classic.yaml"), lambda_responses=_LOGIN)
    data = report.to_json()
    again = gateway_report(fixture("rest_classic.yaml"), lambda_responses=_LOGIN).to_json()
    assert json.dumps(data, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert data["schema"] == "corsspec.gateway/1"
    assert data["exit_code"] == 1
    assert set(data) == {
        "schema",
        "template",
        "origins",
        "browsers",
        "apis",
        "verdicts",
        "findings",
        "summary",
        "exit_code",
    }
    (finding,) = [f for f in data["findings"] if f["code"] == "credentials-mismatch"]
    assert set(finding) == {
        "code",
        "severity",
        "api",
        "route",
        "method",
        "path",
        "line",
        "source",
        "data",
        "fix",
    }
    assert finding["severity"] == "high"
    assert finding["path"].startswith("Resources.SessionOptions")
    verdict = data["verdicts"][0]
    assert verdict["reason"] == "acac-not-true"
    assert verdict["stage"] == "preflight"
    assert verdict["response_class"] == "success"
    # Codes, never wording: no finding title appears in the JSON.
    assert "Access-Control-Allow-Origin: 200 OK" not in json.dumps(data)
    assert data["apis"][0]["routes"] == [{"path": "/session", "methods": ["OPTIONS", "POST"]}]


def test_text_report() -> None:
    report = gateway_report(fixture("rest_classic.yaml"), lambda_responses=_LOGIN)
    text = report.to_text()
    assert "\x1b[" not in text
    assert "SessionApi  REST API · stage prod" in text
    assert "POST /session  (credentials: include; preflight asks: content-type)" in text
    assert "every class   BLOCKED acac-not-true at preflight (status 200)" in text
    assert "HIGH   credentials-mismatch  [SessionApi OPTIONS /session]" in text
    assert "at Resources.SessionOptions.Properties.Integration.IntegrationResponses[0]" in text
    assert text.endswith("high finding(s)\n")
    colored = report.to_text(color=True)
    assert "\x1b[31m" in colored


def test_browsers_that_differ_are_shown_side_by_side() -> None:
    text = gateway_report(fixture("rest_body.json")).to_text()
    assert (
        "chromium: BLOCKED acao-missing at preflight (status 403); firefox, webkit: "
        "BLOCKED preflight-status-not-ok at preflight (status 403)"
    ) in text


def test_origins() -> None:
    report = gateway_report(fixture("sam_cors_object.yaml"))
    assert report.origins == ("https://admin.example",)  # from the gateway responses
    report = gateway_report(
        fixture("rest_classic.yaml"),
        origins=["https://evil.example", "HTTPS://APP.EXAMPLE"],
        lambda_responses=_LOGIN,
    )
    assert report.origins == ("https://evil.example", APP)
    assert {v.origin for v in report.verdicts} == set(report.origins)
    with pytest.raises(cs.InvalidOriginError):
        gateway_report(fixture("rest_classic.yaml"), origins=["https://app.example/"])


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("/pets", {"GET", "POST", "DELETE"}),
        ("DELETE /pets", {"DELETE"}),
        ("get", {"GET"}),
    ],
)
def test_route_filter(route: str, expected: set[str]) -> None:
    report = gateway_report(fixture("console_enable_cors.yaml"), route=route)
    assert {p.request_method for p in report.probes} == expected


def test_route_filter_matches_concrete_paths() -> None:
    report = gateway_report(fixture("sam_cors_object.yaml"), route="/users/42")
    assert [p.route for p in report.probes] == ["/users/{id}"]


def test_unknown_route_is_an_error() -> None:
    with pytest.raises(GatewayTemplateError) as info:
        gateway_report(fixture("console_enable_cors.yaml"), route="/cats")
    assert info.value.problem is TemplateProblem.ROUTE_NOT_FOUND
    assert "GET /pets" in str(info.value)


def test_credentials_and_headers_overrides() -> None:
    report = gateway_report(
        fixture("console_enable_cors.yaml"),
        route="GET /pets",
        credentials="include",
        headers=[("X-Trace", "1")],
    )
    (probe,) = report.probes
    assert probe.credentials == "include"
    assert ("X-Trace", "1") in probe.headers
    success = [v for v in report.verdicts if v.response_class is ResponseClass.SUCCESS]
    assert {v.reason for v in success} == {cs.ReasonCode.ACAO_WILDCARD_WITH_CREDENTIALS}
    assert {v.request_headers for v in success} == {("x-trace",)}


def test_browser_subset() -> None:
    report = gateway_report(fixture("http_api.yaml"), browsers=[cs.FIREFOX])
    assert {v.browser for v in report.verdicts} == {"firefox"}


def test_probes_send_what_the_authorizer_and_api_key_need() -> None:
    report = gateway_report(fixture("sam_cors_object.yaml"))
    (probe,) = report.probes
    names = [n for n, _ in probe.headers]
    assert names == ["Authorization", "X-Api-Key"]


def _cli() -> Any:
    from corsspec import cli

    return cli


def test_cli_gateway_json_and_exit_code() -> None:
    cli = _cli()
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["gateway", fixture("http_api.yaml"), "--json"], stdout=out, stderr=err)
    data = json.loads(out.getvalue())
    assert code == data["exit_code"] == 1
    assert {f["code"] for f in data["findings"]} >= {"header-not-allowed"}


def test_cli_gateway_bad_template_is_one_line_not_a_traceback() -> None:
    cli = _cli()
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["gateway", fixture("bad_dangling_ref.yaml")], stdout=out, stderr=err)
    assert code == 2
    assert "Resources.Method.Properties.ResourceId" in err.getvalue()
    assert "Traceback" not in err.getvalue()

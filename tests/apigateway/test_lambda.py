"""The Lambda side: proxy response rules, synthesized events, handlers run in process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import corsspec as cs
from corsspec.adapters.aws.apigateway import (
    FindingCode,
    GatewayTemplateError,
    LambdaBook,
    LambdaOutcomeKind,
    TemplateProblem,
    gateway_report,
    http_event,
    normalize_proxy_result,
    rest_event,
)

from ._util import APP, fixture

OK, MALFORMED = LambdaOutcomeKind.OK, LambdaOutcomeKind.MALFORMED

PROXY_RESULTS: list[tuple[str, Any, str, LambdaOutcomeKind, int | None, list[tuple[str, str]]]] = [
    ("minimal", {"statusCode": 204}, "1.0", OK, 204, []),
    ("status as text", {"statusCode": "201"}, "1.0", OK, 201, []),
    ("no status is 200", {"body": "x"}, "1.0", OK, 200, []),
    ("headers", {"statusCode": 200, "headers": {"A": "1"}}, "1.0", OK, 200, [("A", "1")]),
    (
        "multi-value merge",
        {
            "statusCode": 200,
            "headers": {"A": "1", "B": "2"},
            "multiValueHeaders": {"A": ["1", "3"]},
        },
        "1.0",
        OK,
        200,
        [("A", "1"), ("A", "3"), ("B", "2")],
    ),
    (
        "2.0 ignores multiValueHeaders",
        {"statusCode": 200, "multiValueHeaders": {"A": ["1"]}},
        "2.0",
        OK,
        200,
        [],
    ),
    (
        "2.0 cookies",
        {"statusCode": 200, "cookies": ["a=1", "b=2"]},
        "2.0",
        OK,
        200,
        [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
    ),
    ("2.0 bare value", {"items": []}, "2.0", OK, 200, [("Content-Type", "application/json")]),
    ("2.0 bare string", "hello", "2.0", OK, 200, [("Content-Type", "application/json")]),
    ("body must be text", {"statusCode": 200, "body": {"a": 1}}, "1.0", MALFORMED, None, []),
    (
        "header values are text",
        {"statusCode": 200, "headers": {"A": 1}},
        "1.0",
        MALFORMED,
        None,
        [],
    ),
    ("not an object", ["a"], "1.0", MALFORMED, None, []),
    ("bad status", {"statusCode": "ok"}, "1.0", MALFORMED, None, []),
    ("status out of range", {"statusCode": 42}, "1.0", MALFORMED, None, []),
    (
        "bad multi value",
        {"statusCode": 200, "multiValueHeaders": {"A": "1"}},
        "1.0",
        MALFORMED,
        None,
        [],
    ),
    ("bad base64 flag", {"statusCode": 200, "isBase64Encoded": "no"}, "1.0", MALFORMED, None, []),
    ("bad cookies", {"statusCode": 200, "cookies": "a=1"}, "2.0", MALFORMED, None, []),
]


@pytest.mark.parametrize(
    ("label", "result", "version", "kind", "status", "headers"),
    PROXY_RESULTS,
    ids=[p[0] for p in PROXY_RESULTS],
)
def test_proxy_results(
    label: str,
    result: Any,
    version: str,
    kind: LambdaOutcomeKind,
    status: int | None,
    headers: list[tuple[str, str]],
) -> None:
    outcome = normalize_proxy_result(result, version=version)
    assert outcome.kind is kind
    if kind is OK:
        assert outcome.result is not None
        assert outcome.result.status == status
        assert sorted(outcome.result.headers) == sorted(headers)
    else:
        assert outcome.detail


def _request() -> cs.Request:
    return cs.Request(
        method="POST",
        url="https://x.example/prod/items/42?a=1",
        origin=APP,
        headers=[("Content-Type", "application/json"), ("X-Trace", "1"), ("X-Trace", "2")],
        body=cs.Body.text('{"n": 1}'),
    )


def test_rest_event() -> None:
    event = rest_event(
        _request(),
        resource="/items/{id}",
        path="/items/42",
        stage="prod",
        path_parameters={"id": "42"},
        authorized=True,
    )
    assert event["httpMethod"] == "POST"
    assert event["headers"]["X-Trace"] == "2"
    assert event["multiValueHeaders"]["X-Trace"] == ["1", "2"]
    assert event["pathParameters"] == {"id": "42"}
    assert event["queryStringParameters"] == {"a": "1"}
    assert event["requestContext"]["path"] == "/prod/items/42"
    assert "authorizer" in event["requestContext"]
    assert json.loads(event["body"]) == {"n": 1}


def test_http_event() -> None:
    request = cs.Request(
        method="GET",
        url="https://x.example/items",
        origin=APP,
        headers=[("Cookie", "a=1; b=2"), ("X-A", "1"), ("x-a", "2")],
        credentials="include",
    )
    event = http_event(request, route_key="GET /items", path="/items", stage="$default")
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /items"
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["headers"] == {"x-a": "1,2"}
    assert event["requestContext"]["http"]["method"] == "GET"
    assert "body" not in event


def test_lambda_book_lookup_order(tmp_path: Path) -> None:
    sample = tmp_path / "r.json"
    sample.write_text('{"statusCode": 201}')
    book = LambdaBook(
        {
            "POST /items": {"statusCode": 202},
            "/items": str(sample),
            "Fn": lambda event, context: {"statusCode": 203},
            "*": {"statusCode": 204},
        }
    )

    def status(method: str, route: str, function: str | None) -> int | None:
        outcome = book.invoke({}, method=method, route=route, function=function, version="1.0")
        return outcome.result.status if outcome.result else None

    assert status("POST", "/items", "Fn") == 202
    assert status("GET", "/items", "Fn") == 201
    assert status("GET", "/other", "Fn") == 203
    assert status("GET", "/other", "Other") == 204
    assert (
        LambdaBook().invoke({}, method="GET", route="/", function=None, version="1.0").kind
        is LambdaOutcomeKind.UNKNOWN
    )


def test_handler_specs_load_files_and_modules() -> None:
    book = LambdaBook(
        {"list": "handlers/orders.py:list_orders", "json": "json:loads"}, base_dir=fixture("")
    )
    outcome = book.invoke(
        {"httpMethod": "GET"}, method="GET", route="/", function="list", version="1.0"
    )
    assert outcome.kind is OK
    assert outcome.result is not None
    assert ("Access-Control-Allow-Origin", APP) in outcome.result.headers
    assert book.keys() == ("json", "list")


def test_handlers_that_raise_are_errors() -> None:
    book = LambdaBook({"f": fixture("handlers/failing.py") + ":handler"})
    outcome = book.invoke({}, method="GET", route="/", function="f", version="1.0")
    assert outcome.kind is LambdaOutcomeKind.ERROR
    assert outcome.detail == "KeyError: 'user_id'"


@pytest.mark.parametrize(
    "source",
    [
        "missing.json",
        "nowhere.py:handler",
        "json:nothing",
        "no-colon",
        "handlers/orders.py:missing",
    ],
)
def test_bad_sources_name_the_key(source: str) -> None:
    with pytest.raises(GatewayTemplateError) as info:
        LambdaBook({"MyFunction": source}, base_dir=fixture(""), file="t.yaml")
    assert info.value.problem is TemplateProblem.LAMBDA_SOURCE
    assert "MyFunction" in str(info.value)


def test_unusable_source_type() -> None:
    with pytest.raises(GatewayTemplateError):
        LambdaBook({"k": 42})  # type: ignore[dict-item]


def _codes(name: str, **kwargs: Any) -> set[FindingCode]:
    return {f.code for f in gateway_report(fixture(name), **kwargs).findings}


def test_a_crashing_handler_surfaces_as_a_finding() -> None:
    report = gateway_report(
        fixture("rest_classic.yaml"),
        lambda_responses={"LoginFunction": fixture("handlers/failing.py") + ":handler"},
    )
    (finding,) = [f for f in report.findings if f.code is FindingCode.LAMBDA_ERROR]
    assert finding.facts["detail"] == "KeyError: 'user_id'"
    assert finding.evidence.path == "Resources.SessionPost.Properties.Integration"
    assert "Access-Control-Allow-Origin" in finding.fix


def test_a_malformed_sample_surfaces_as_a_finding() -> None:
    assert FindingCode.LAMBDA_RESPONSE_MALFORMED in _codes(
        "rest_classic.yaml",
        lambda_responses={"LoginFunction": fixture("lambda/malformed_body.json")},
    )


def test_run_handlers_executes_inline_and_codeuri_handlers() -> None:
    # Inline ZipFile code: the Lambda sends Allow-Credentials and a cookie, the OPTIONS
    # mock does not: the report sees the mismatch only by running the handler.
    assert FindingCode.CREDENTIALS_MISMATCH not in _codes("rest_classic.yaml")
    assert FindingCode.CREDENTIALS_MISMATCH in _codes("rest_classic.yaml", run_handlers=True)
    # CodeUri + Handler: handlers/orders.py create_order forgets the header.
    report = gateway_report(fixture("sam_cors_string.yaml"), run_handlers=True)
    missing = [f for f in report.findings if f.code is FindingCode.ACTUAL_MISSING_CORS]
    assert [(f.route, f.method) for f in missing] == [("/orders", "POST")]


def test_run_handlers_reports_a_handler_that_cannot_load(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("""\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "this is not python"
      Events:
        Get: {Type: Api, Properties: {Path: /a, Method: get}}
""")
    with pytest.raises(GatewayTemplateError) as info:
        gateway_report(str(path), run_handlers=True)
    assert info.value.problem is TemplateProblem.LAMBDA_SOURCE
    assert info.value.path == "Resources.Fn"

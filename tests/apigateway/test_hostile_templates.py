"""Hostile templates: every one is a typed template error, bounded in time and memory."""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest

from corsspec.adapters.aws.apigateway import (
    GatewayTemplateError,
    TemplateProblem,
    load_gateway,
    load_template,
)
from corsspec.adapters.aws.apigateway._template import MAX_ALIAS_NODES, MAX_TEMPLATE_DEPTH

from ._util import write

_REST_HEAD = """\
AWSTemplateFormatVersion: 2010-09-09
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: api}
"""


def _billion_laughs(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "Metadata:\n" + "".join(f"  {line}\n" for line in lines) + _REST_HEAD


def _problem(path: str) -> GatewayTemplateError:
    with pytest.raises(GatewayTemplateError) as info:
        load_gateway(path)
    return info.value


def test_alias_bomb_stops_at_the_node_budget(tmp_path: Path) -> None:
    path = write(tmp_path, _billion_laughs(9))  # 10^9 nodes if expanded
    assert os.path.getsize(path) < 4096
    tracemalloc.start()
    started = time.monotonic()
    try:
        error = _problem(path)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert error.problem is TemplateProblem.TOO_LARGE
    assert str(MAX_ALIAS_NODES) in str(error)
    assert "CloudFormation rejects" in str(error)
    assert time.monotonic() - started < 30
    assert peak < 200 * 1024 * 1024


def test_aliases_within_the_budget_are_expanded(tmp_path: Path) -> None:
    text = "Metadata:\n  base: &b {k: v}\n  copy: *b\n" + _REST_HEAD
    template = load_template(write(tmp_path, text))
    assert template.document["Metadata"]["copy"] == {"k": "v"}


def test_recursive_alias_is_a_template_error(tmp_path: Path) -> None:
    text = "Metadata:\n  loop: &l [a, *l]\n" + _REST_HEAD
    error = _problem(write(tmp_path, text))
    assert error.problem is TemplateProblem.CIRCULAR
    assert "recursive alias" in str(error)


@pytest.mark.parametrize("depth", [MAX_TEMPLATE_DEPTH + 5, 20_000])
def test_deep_yaml_is_a_template_error(tmp_path: Path, depth: int) -> None:
    text = _REST_HEAD + "Metadata:\n  deep: " + "[" * depth + "]" * depth + "\n"
    error = _problem(write(tmp_path, text))
    # libyaml itself refuses more than 1,000 levels (a syntax error); below that the
    # converter's own bound applies.
    assert error.problem in (TemplateProblem.TOO_LARGE, TemplateProblem.SYNTAX)


def test_deep_json_is_a_template_error(tmp_path: Path) -> None:
    for depth in (MAX_TEMPLATE_DEPTH + 5, 100_000):
        body = '{"Resources": {"Api": {"Type": "AWS::ApiGateway::RestApi"}}, "Metadata": '
        text = body + "[" * depth + "]" * depth + "}"
        error = _problem(write(tmp_path, text, "t.json"))
        assert error.problem is TemplateProblem.TOO_LARGE, depth


def test_huge_integer_is_a_template_error(tmp_path: Path) -> None:
    yaml_text = _REST_HEAD + "Metadata:\n  n: " + "9" * 5000 + "\n"
    assert _problem(write(tmp_path, yaml_text)).problem is TemplateProblem.SYNTAX
    json_text = '{"Resources": {}, "Metadata": ' + "9" * 5000 + "}"
    assert _problem(write(tmp_path, json_text, "t.json")).problem is TemplateProblem.SYNTAX


def test_circular_conditions_are_reported_not_false(tmp_path: Path) -> None:
    text = (
        "Conditions:\n"
        "  A: !Condition B\n"
        "  B: !Not [!Condition A]\n" + _REST_HEAD + "    Condition: A\n"
    )
    error = _problem(write(tmp_path, text))
    assert error.problem is TemplateProblem.CIRCULAR
    assert "A -> B -> A" in str(error)


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param("    DependsOn: Other\n", id="depends-on"),
        pytest.param("    Metadata: {}\n", id="get-att"),
    ],
)
def test_circular_resources_are_reported(tmp_path: Path, extra: str) -> None:
    other = (
        "  Other:\n"
        "    Type: AWS::S3::Bucket\n"
        "    Properties:\n"
        "      BucketName: !GetAtt Api.RootResourceId\n"
    )
    text = _REST_HEAD + extra + other
    if "DependsOn" not in extra:
        text = text.replace("Properties: {Name: api}", "Properties: {Name: !GetAtt Other.Arn}")
    error = _problem(write(tmp_path, text))
    assert error.problem is TemplateProblem.CIRCULAR
    assert "Api" in str(error)
    assert "Other" in str(error)


def test_a_3000_deep_parent_chain_is_modelled(tmp_path: Path) -> None:
    parts = [_REST_HEAD]
    parent = "!GetAtt Api.RootResourceId"
    for i in range(3000):
        parts.append(
            f"  R{i}:\n    Type: AWS::ApiGateway::Resource\n"
            f"    Properties: {{RestApiId: !Ref Api, ParentId: {parent}, PathPart: p}}\n"
        )
        parent = f"!Ref R{i}"
    parts.append(
        "  M:\n    Type: AWS::ApiGateway::Method\n"
        "    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !Ref R2999\n"
        "      HttpMethod: GET\n      AuthorizationType: NONE\n"
        "      Integration: {Type: MOCK}\n"
    )
    model = load_gateway(write(tmp_path, "".join(parts)))
    (api,) = model.apis
    assert any(route.path == "/p" * 3000 for route in api.routes)


def test_a_parent_cycle_is_circular(tmp_path: Path) -> None:
    text = _REST_HEAD + (
        "  R1:\n    Type: AWS::ApiGateway::Resource\n"
        "    Properties: {RestApiId: !Ref Api, ParentId: !Ref R2, PathPart: a}\n"
        "  R2:\n    Type: AWS::ApiGateway::Resource\n"
        "    Properties: {RestApiId: !Ref Api, ParentId: !Ref R1, PathPart: b}\n"
    )
    assert _problem(write(tmp_path, text)).problem is TemplateProblem.CIRCULAR


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_devices_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "t.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    assert _problem(str(fifo)).problem is TemplateProblem.UNREADABLE
    if os.path.exists("/dev/zero"):
        error = _problem("/dev/zero")
        assert error.problem is TemplateProblem.UNREADABLE
        assert "not a regular file" in str(error)
    assert time.monotonic() - started < 5


def test_oversized_template_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with open(path, "wb") as fh:
        fh.truncate(9 * 1024 * 1024)
    assert _problem(str(path)).problem is TemplateProblem.TOO_LARGE

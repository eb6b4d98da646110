"""Template loading: YAML short tags, JSON, line numbers, intrinsics, and bad input."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest

import corsspec as cs
from corsspec.adapters.aws.apigateway import (
    GatewayTemplateError,
    TemplateKind,
    TemplateProblem,
    gateway_report,
    load_gateway,
    load_template,
    parse_template,
)
from corsspec.adapters.aws.apigateway._template import GetAtt, Ref, render_path

from ._util import fixture, write

_PRELUDE = """\
AWSTemplateFormatVersion: 2010-09-09
Parameters:
  X: {Type: String, Default: v}
Conditions:
  C: !Equals [a, a]
Mappings:
  M: {a: {b: c}}
Resources:
  A: {Type: AWS::S3::Bucket}
Metadata:
  V: """

SHORT_TAGS: list[tuple[str, Any]] = [
    ("!Ref X", {"Ref": "X"}),
    ("!GetAtt A.Arn", {"Fn::GetAtt": ["A", "Arn"]}),
    ("!GetAtt [A, Arn]", {"Fn::GetAtt": ["A", "Arn"]}),
    ("!Sub 'a-${X}'", {"Fn::Sub": "a-${X}"}),
    ("!Sub ['${y}', {y: 1}]", {"Fn::Sub": ["${y}", {"y": 1}]}),
    ("!Join [',', [a, b]]", {"Fn::Join": [",", ["a", "b"]]}),
    ("!If [C, a, b]", {"Fn::If": ["C", "a", "b"]}),
    ("!Equals [a, b]", {"Fn::Equals": ["a", "b"]}),
    ("!Not [!Condition C]", {"Fn::Not": [{"Condition": "C"}]}),
    ("!And [!Condition C, !Condition C]", {"Fn::And": [{"Condition": "C"}, {"Condition": "C"}]}),
    ("!Or [!Condition C]", {"Fn::Or": [{"Condition": "C"}]}),
    ("!FindInMap [M, a, b]", {"Fn::FindInMap": ["M", "a", "b"]}),
    ("!Base64 x", {"Fn::Base64": "x"}),
    ("!Cidr [10.0.0.0/16, 2, 8]", {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}),
    ("!GetAZs ''", {"Fn::GetAZs": ""}),
    ("!ImportValue shared", {"Fn::ImportValue": "shared"}),
    ("!Select [0, [a]]", {"Fn::Select": [0, ["a"]]}),
    ("!Split [',', 'a,b']", {"Fn::Split": [",", "a,b"]}),
    ("!Transform {Name: M}", {"Fn::Transform": {"Name": "M"}}),
    ("!ToJsonString {a: 1}", {"Fn::ToJsonString": {"a": 1}}),
    ("!Length [1, 2]", {"Fn::Length": [1, 2]}),
]


@pytest.mark.parametrize(("tag", "expected"), SHORT_TAGS, ids=[t for t, _ in SHORT_TAGS])
def test_short_tags_load_as_long_forms(tag: str, expected: Any) -> None:
    template = parse_template(_PRELUDE + tag + "\n", file="t.yaml")
    assert template.document["Metadata"]["V"] == expected


def test_dates_stay_strings_and_keys_are_text() -> None:
    template = parse_template(_PRELUDE + "{200: ok, true: yes}\n")
    assert template.document["AWSTemplateFormatVersion"] == "2010-09-09"
    assert template.document["Metadata"]["V"] == {"200": "ok", "true": True}


def test_yaml_merge_keys_are_flattened() -> None:
    text = _PRELUDE + "x\n  Base: &b {k: 1}\n  Merged: {<<: *b, j: 2}\n"
    template = parse_template(text)
    assert template.document["Metadata"]["Merged"] == {"k": 1, "j": 2}


def test_line_numbers_follow_the_template() -> None:
    template = load_template(fixture("rest_classic.yaml"))
    path = ("Resources", "SessionOptions", "Properties", "Integration", "IntegrationResponses", 0)
    line = template.line(path)
    assert line is not None
    assert "StatusCode" in Path(fixture("rest_classic.yaml")).read_text().splitlines()[line - 1]
    # A path below a known node falls back to its nearest ancestor.
    assert template.line((*path, "NoSuchKey")) == line


def test_json_templates_load_with_lines() -> None:
    template = load_template(fixture("rest_body.json"))
    assert template.kind is TemplateKind.CLOUDFORMATION
    assert template.line(("Resources", "InventoryApi")) == 5


def test_bare_openapi_documents_load() -> None:
    template = load_template(fixture("openapi_body.yaml"))
    assert template.kind is TemplateKind.OPENAPI


def test_render_path_quotes_keys_that_need_it() -> None:
    path = (
        "Resources",
        "M",
        "ResponseParameters",
        "method.response.header.Access-Control-Allow-Origin",
        0,
    )
    assert render_path(path) == (
        'Resources.M.ResponseParameters["method.response.header.Access-Control-Allow-Origin"][0]'
    )
    assert render_path(("paths", "/items/{id}", "get")) == "paths./items/{id}.get"
    assert render_path(()) == ""


# -- intrinsic resolution --------------------------------------------------------------

_RESOLVE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Origin: {Type: String, Default: https://app.example}
  NoDefault: {Type: String}
  Envs: {Type: CommaDelimitedList, Default: "dev,prod"}
  Env: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Either: !Or [!Condition IsProd, !Condition NotProd]
Mappings:
  Origins: {prod: {web: https://www.example}}
Resources:
  Fn: {Type: AWS::Lambda::Function}
  Api: {Type: AWS::ApiGateway::RestApi}
"""

RESOLVE_CASES: list[tuple[Any, Any]] = [
    ({"Fn::Sub": "'${Origin}'"}, "'https://app.example'"),
    ({"Fn::Sub": "${Fn.Arn}/x/${AWS::Region}/${!Literal}"}, "${Fn.Arn}/x/us-east-1/${Literal}"),
    ({"Fn::Sub": ["${a}-${Origin}", {"a": "A"}]}, "A-https://app.example"),
    ({"Fn::Join": ["", ["'", {"Ref": "Origin"}, "'"]]}, "'https://app.example'"),
    ({"Fn::If": ["IsProd", "p", "d"]}, "p"),
    ({"Fn::If": ["NotProd", "p", {"Ref": "AWS::NoValue"}]}, None),
    ({"Fn::FindInMap": ["Origins", {"Ref": "Env"}, "web"]}, "https://www.example"),
    ({"Fn::Select": [1, {"Ref": "Envs"}]}, "prod"),
    ({"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}, "a"),
    ({"Ref": "Api"}, Ref("Api")),
    ({"Fn::GetAtt": ["Api", "RootResourceId"]}, GetAtt("Api", "RootResourceId")),
    ({"Fn::If": ["Either", 1, 2]}, 1),
]


@pytest.mark.parametrize(("node", "expected"), RESOLVE_CASES)
def test_resolver(node: Any, expected: Any) -> None:
    resolver = parse_template(_RESOLVE).resolver()
    value = resolver.value({"k": node}, ())
    assert value.get("k") == expected


def test_parameter_overrides_win_over_defaults() -> None:
    template = parse_template(
        _RESOLVE, parameters={"Origin": "https://other.example", "NoDefault": "x"}
    )
    resolver = template.resolver()
    assert resolver.string({"Fn::Sub": "${Origin}"}, ()) == "https://other.example"
    assert resolver.string({"Ref": "NoDefault"}, ()) == "x"


def test_unresolved_parameters_fail_strictly_and_stay_placeholders_leniently() -> None:
    resolver = parse_template(_RESOLVE, file="t.yaml").resolver()
    with pytest.raises(GatewayTemplateError) as info:
        resolver.string({"Ref": "NoDefault"}, ("Resources", "X", "Properties", "V"))
    assert info.value.problem is TemplateProblem.UNRESOLVED_PARAMETER
    assert info.value.path == "Resources.X.Properties.V"
    assert resolver.string({"Ref": "NoDefault"}, (), strict=False) == "${NoDefault}"


def test_imports_cannot_be_evaluated() -> None:
    resolver = parse_template(_RESOLVE).resolver()
    with pytest.raises(GatewayTemplateError) as info:
        resolver.string({"Fn::ImportValue": "x"}, ("Outputs",))
    assert info.value.problem is TemplateProblem.UNSUPPORTED
    assert resolver.string({"Fn::ImportValue": "x"}, (), strict=False) == "${Fn::ImportValue}"


# -- bad input: always a GatewayTemplateError naming the template path --------------------

BAD_FIXTURES = [
    ("bad_not_cloudformation.yaml", TemplateProblem.NOT_CLOUDFORMATION, "", None),
    (
        "bad_dangling_ref.yaml",
        TemplateProblem.DANGLING_REFERENCE,
        "Resources.Method.Properties.ResourceId",
        10,
    ),
    (
        "bad_unsupported.yaml",
        TemplateProblem.UNSUPPORTED,
        "Resources.Api.Properties.DefinitionBody.Fn::Transform",
        11,
    ),
    ("bad_unknown_tag.yaml", TemplateProblem.UNKNOWN_TAG, "Resources.Api.Properties.Name", 6),
    ("bad_no_api.yaml", TemplateProblem.NO_API, "Resources", 2),
    ("bad_syntax.yaml", TemplateProblem.SYNTAX, "", 4),
]


@pytest.mark.parametrize(
    ("name", "problem", "path", "line"), BAD_FIXTURES, ids=[b[0] for b in BAD_FIXTURES]
)
def test_bad_templates_raise_a_typed_error_naming_the_path(
    name: str, problem: TemplateProblem, path: str, line: int | None
) -> None:
    with pytest.raises(GatewayTemplateError) as info:
        gateway_report(fixture(name))
    error = info.value
    assert isinstance(error, cs.AdapterError)
    assert error.problem is problem
    assert error.path == path
    assert error.line == line
    assert error.file.endswith(name)
    assert name in str(error)
    assert path in str(error)


INLINE_BAD = [
    (
        "dangling GetAtt",
        "Resources:\n  A:\n    Type: X\n    Properties: {P: !GetAtt Nope.Arn}\n",
        TemplateProblem.DANGLING_REFERENCE,
        "Resources.A.Properties.P",
    ),
    (
        "dangling Sub",
        "Resources:\n  A:\n    Type: X\n    Properties: {P: !Sub '${Nope}'}\n",
        TemplateProblem.DANGLING_REFERENCE,
        "Resources.A.Properties.P",
    ),
    (
        "dangling DependsOn",
        "Resources:\n  A:\n    Type: X\n    DependsOn: [Nope]\n",
        TemplateProblem.DANGLING_REFERENCE,
        "Resources.A.DependsOn[0]",
    ),
    (
        "GetAtt on a parameter",
        "Parameters: {P: {Type: String}}\nResources:\n  A:\n    Type: X\n"
        "    Properties: {V: !GetAtt P.Arn}\n",
        TemplateProblem.DANGLING_REFERENCE,
        "Resources.A.Properties.V",
    ),
    (
        "unknown macro",
        "Transform: [AWS::Serverless-2016-10-31, MyMacro]\nResources: {}\n",
        TemplateProblem.UNSUPPORTED,
        "Transform",
    ),
    (
        "ForEach",
        "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Apis: [X, [a], {}]\n",
        TemplateProblem.UNSUPPORTED,
        "Resources",
    ),
    (
        "duplicate key",
        "Resources:\n  A: {Type: X}\n  A: {Type: Y}\n",
        TemplateProblem.DUPLICATE_KEY,
        "Resources.A",
    ),
    ("not a mapping", "- a\n- b\n", TemplateProblem.NOT_CLOUDFORMATION, ""),
    ("empty", "# nothing\n", TemplateProblem.NOT_CLOUDFORMATION, ""),
    ("Resources not a mapping", "Resources: [a]\n", TemplateProblem.INVALID, "Resources"),
    (
        "python tag",
        "Resources: !!python/object:os.system {}\n",
        TemplateProblem.UNKNOWN_TAG,
        "Resources",
    ),
    (
        "S3 body",
        "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n"
        "    Properties: {BodyS3Location: {Bucket: b, Key: k}}\n",
        TemplateProblem.UNSUPPORTED,
        "Resources.Api.Properties.BodyS3Location",
    ),
    (
        "S3 DefinitionUri",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n"
        "    Type: AWS::Serverless::Api\n    Properties: {StageName: p, "
        "DefinitionUri: s3://b/openapi.yaml}\n",
        TemplateProblem.UNSUPPORTED,
        "Resources.Api.Properties.DefinitionUri",
    ),
    (
        "ResourceId outside the tree",
        "Resources:\n  Api: {Type: AWS::ApiGateway::RestApi}\n"
        "  M:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Api\n"
        "      ResourceId: abc123\n      HttpMethod: GET\n",
        TemplateProblem.UNSUPPORTED,
        "Resources.M.Properties.ResourceId",
    ),
    (
        "SAM Cors unknown key",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n"
        "    Type: AWS::Serverless::Api\n    Properties:\n      StageName: p\n"
        "      Cors: {AllowOrigins: \"'*'\"}\n",
        TemplateProblem.INVALID,
        "Resources.Api.Properties.Cors.AllowOrigins",
    ),
    (
        "bad integration type",
        "openapi: 3.0.1\npaths:\n  /a:\n    get:\n"
        "      x-amazon-apigateway-integration: {type: websocket}\n",
        TemplateProblem.INVALID,
        "paths./a.get.x-amazon-apigateway-integration.type",
    ),
    (
        "unknown security scheme",
        "swagger: '2.0'\npaths:\n  /a:\n    get:\n"
        "      security: [{Nope: []}]\n      x-amazon-apigateway-integration: {type: mock}\n",
        TemplateProblem.INVALID,
        "paths./a.get.security[0].Nope",
    ),
]


@pytest.mark.parametrize(
    ("label", "text", "problem", "path"), INLINE_BAD, ids=[b[0] for b in INLINE_BAD]
)
def test_inline_bad_input(
    tmp_path: Path, label: str, text: str, problem: TemplateProblem, path: str
) -> None:
    with pytest.raises(GatewayTemplateError) as info:
        load_gateway(write(tmp_path, text))
    assert info.value.problem is problem, str(info.value)
    assert info.value.path == path


def test_duplicate_keys_in_json(tmp_path: Path) -> None:
    with pytest.raises(GatewayTemplateError) as info:
        load_template(write(tmp_path, '{"Resources": {}, "Resources": {}}', "t.json"))
    assert info.value.problem is TemplateProblem.DUPLICATE_KEY


def test_json_syntax_errors_give_the_line(tmp_path: Path) -> None:
    with pytest.raises(GatewayTemplateError) as info:
        load_template(write(tmp_path, '{\n "Resources": {,}\n}', "t.json"))
    assert info.value.problem is TemplateProblem.SYNTAX
    assert info.value.line == 2


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(GatewayTemplateError) as info:
        load_template(tmp_path / "missing.yaml")
    assert info.value.problem is TemplateProblem.UNREADABLE
    binary = tmp_path / "t.yaml"
    binary.write_bytes(b"\xff\xfe\x00Resources")
    with pytest.raises(GatewayTemplateError) as info:
        load_template(binary)
    assert info.value.problem is TemplateProblem.UNREADABLE


def test_yaml_without_pyyaml_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_yaml(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "yaml" or name.startswith("yaml."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_yaml)
    with pytest.raises(cs.MissingExtraError) as info:
        load_template(fixture("rest_classic.yaml"))
    assert (info.value.extra, info.value.module) == ("apigateway", "yaml")
    # JSON needs no extra (line numbers are simply unknown).
    template = load_template(fixture("rest_body.json"))
    assert template.kind is TemplateKind.CLOUDFORMATION
    assert template.lines == {}

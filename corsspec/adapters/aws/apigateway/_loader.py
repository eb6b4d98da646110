"""``load_gateway``: a template file -> a :class:`GatewayModel` of every API it deploys."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from corsspec.adapters.aws.apigateway._cfn import http_apis, rest_apis
from corsspec.adapters.aws.apigateway._codes import Evidence, Source
from corsspec.adapters.aws.apigateway._errors import TemplateProblem
from corsspec.adapters.aws.apigateway._model import (
    ApiKind,
    FunctionInfo,
    GatewayApi,
    GatewayModel,
    Route,
)
from corsspec.adapters.aws.apigateway._openapi import OPERATIONS, parse_openapi
from corsspec.adapters.aws.apigateway._sam import sam_apis
from corsspec.adapters.aws.apigateway._template import (
    Resolver,
    Template,
    TemplateKind,
    TPath,
    as_mapping,
    load_template,
    render_path,
)

__all__ = ["load_gateway"]


def __dir__() -> list[str]:
    return __all__


def _openapi_kind(document: Mapping[str, Any]) -> ApiKind:
    """A bare OpenAPI file: HTTP API if it uses HTTP-API-only features, else REST."""
    if "x-amazon-apigateway-cors" in document:
        return ApiKind.HTTP
    paths = document.get("paths")
    if isinstance(paths, Mapping):
        if "$default" in paths:
            return ApiKind.HTTP
        for item in paths.values():
            for key, op in item.items() if isinstance(item, Mapping) else ():
                integration = (
                    op.get("x-amazon-apigateway-integration")
                    if (key in OPERATIONS and isinstance(op, Mapping))
                    else None
                )
                if isinstance(integration, Mapping) and "payloadFormatVersion" in integration:
                    return ApiKind.HTTP
    return ApiKind.REST


def _openapi_api(template: Template) -> GatewayApi:
    from corsspec.adapters.aws.apigateway._cfn import assemble  # noqa: PLC0415 - keeps _cfn's import light for this path

    document = template.document
    kind = _openapi_kind(document)
    info = document.get("info")
    title = info.get("title") if isinstance(info, Mapping) else None
    name = (
        re.sub(r"[^A-Za-z0-9]", "", str(title or ""))
        or os.path.splitext(os.path.basename(template.file))[0]
        or "Api"
    )
    resolved = template.resolver().value(dict(document), (), strict=False)
    parsed = parse_openapi(template, resolved, api=name, kind=kind, base=())
    stage = "$default" if kind is ApiKind.HTTP else "prod"
    return assemble(
        name,
        kind,
        stage,
        Evidence(path="", line=1, source=Source.OPENAPI),
        parsed,
        {},
        {},
        [],
        None,
        [],
    )


def _functions(template: Template, resolver: Resolver) -> tuple[FunctionInfo, ...]:
    out = []
    fglobals = as_mapping(as_mapping(template.document.get("Globals")).get("Function"))
    for logical, body in template.resources.items():
        if not isinstance(body, Mapping):
            continue
        rtype = body.get("Type")
        props = body.get("Properties") or {}
        if not isinstance(props, Mapping):
            continue
        base: TPath = ("Resources", logical, "Properties")
        evidence = Evidence(
            path=render_path(("Resources", logical)),
            line=template.line(("Resources", logical)),
            source=Source.LAMBDA,
        )
        if rtype == "AWS::Serverless::Function":
            merged = {**fglobals, **props}
            code_uri = merged.get("CodeUri")
            code_dir = None
            if isinstance(code_uri, str) and not code_uri.startswith("s3://"):
                code_dir = os.path.normpath(os.path.join(template.base_dir, code_uri))
            elif code_uri is None and "InlineCode" not in merged:
                code_dir = template.base_dir
            inline = merged.get("InlineCode")
            out.append(
                FunctionInfo(
                    name=logical,
                    runtime=resolver.string(
                        merged.get("Runtime"), (*base, "Runtime"), strict=False
                    ),
                    handler=resolver.string(
                        merged.get("Handler"), (*base, "Handler"), strict=False
                    ),
                    code_dir=code_dir,
                    inline=inline if isinstance(inline, str) else None,
                    evidence=evidence,
                )
            )
        elif rtype == "AWS::Lambda::Function":
            code = props.get("Code")
            inline = code.get("ZipFile") if isinstance(code, Mapping) else None
            out.append(
                FunctionInfo(
                    name=logical,
                    runtime=resolver.string(props.get("Runtime"), (*base, "Runtime"), strict=False),
                    handler=resolver.string(props.get("Handler"), (*base, "Handler"), strict=False),
                    inline=inline if isinstance(inline, str) else None,
                    evidence=evidence,
                )
            )
    return tuple(sorted(out, key=lambda f: f.name))


def load_gateway(
    source: str | os.PathLike[str] | Template, *, parameters: Mapping[str, str] | None = None
) -> GatewayModel:
    """Read a template (or an OpenAPI file) and model every API Gateway API it deploys.

    :raises GatewayTemplateError: the template cannot be read or modelled (the message
        names the template path), or it defines no API.
    :raises MissingExtraError: a YAML template and no PyYAML.
    """
    template = (
        source if isinstance(source, Template) else load_template(source, parameters=parameters)
    )
    if template.kind is TemplateKind.OPENAPI:
        return GatewayModel(file=template.file, apis=(_openapi_api(template),))
    resolver = template.resolver()
    apis = [
        *rest_apis(template, resolver),
        *http_apis(template, resolver),
        *sam_apis(template, resolver),
    ]
    if not apis:
        raise template.error(
            TemplateProblem.NO_API,
            ("Resources",),
            "no API Gateway API here (AWS::ApiGateway::RestApi, AWS::ApiGatewayV2::Api, "
            "AWS::Serverless::Api/HttpApi, or a function with an Api/HttpApi event)",
        )
    apis.sort(key=lambda a: a.name)
    return GatewayModel(
        file=template.file, apis=tuple(apis), functions=_functions(template, resolver)
    )


def routes_of(api: GatewayApi) -> tuple[Route, ...]:
    """The API's routes, sorted by path ($default last)."""
    return tuple(sorted(api.routes, key=lambda r: (r.path == "$default", r.path)))

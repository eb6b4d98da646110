"""CloudFormation resources -> APIs: ``AWS::ApiGateway::*`` and ``AWS::ApiGatewayV2::*``.

REST APIs: ``RestApi`` (with or without an OpenAPI ``Body``), the ``Resource`` tree
(``ParentId`` chains up to ``!GetAtt Api.RootResourceId``), ``Method`` (authorization,
API key, integration, integration and method responses), ``Authorizer``,
``GatewayResponse``, and ``Deployment``/``Stage`` (what is deployed: a method the
deployment does not depend on may be created after it, so it is not deployed).

HTTP APIs: ``Api`` (``CorsConfiguration``, ``Body``, quick-create ``Target``),
``Route`` (route key, authorization, target integration), ``Integration``,
``Authorizer`` and ``Stage``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from corsspec.adapters.aws.apigateway._codes import Evidence, Finding, FindingCode, Source
from corsspec.adapters.aws.apigateway._errors import TemplateProblem
from corsspec.adapters.aws.apigateway._model import (
    ApiKind,
    Auth,
    AuthKind,
    GatewayApi,
    GatewayResponse,
    HttpCors,
    Integration,
    IntegrationKind,
    IntegrationResponse,
    Mapped,
    MappingContext,
    Method,
    Route,
    parse_mapping,
)
from corsspec.adapters.aws.apigateway._openapi import (
    ParsedBody,
    function_from_uri,
    http_cors_from,
    identity_headers,
    integration_kind,
    mapping_issues,
    mock_status,
    parse_openapi,
)
from corsspec.adapters.aws.apigateway._template import (
    GetAtt,
    Ref,
    Resolver,
    Template,
    TPath,
    render_path,
)

__all__ = ["assemble", "http_apis", "rest_apis"]

MethodResponses = tuple[tuple[int, tuple[str, ...]], ...]


def __dir__() -> list[str]:
    return __all__


def _ev(template: Template, path: TPath, source: Source = Source.CLOUDFORMATION) -> Evidence:
    return Evidence(path=render_path(path), line=template.line(path), source=source)


def _enabled(
    template: Template, resolver: Resolver, rtype: str
) -> list[tuple[str, Mapping[str, Any]]]:
    out = []
    for logical, body in template.resources.items():
        if (
            isinstance(body, Mapping)
            and body.get("Type") == rtype
            and resolver.resource_enabled(logical, body)
        ):
            out.append((logical, body))
    return out


def _props(template: Template, logical: str, body: Mapping[str, Any]) -> Mapping[str, Any]:
    props = body.get("Properties", {})
    if not isinstance(props, Mapping):
        raise template.error(
            TemplateProblem.INVALID,
            ("Resources", logical, "Properties"),
            "Properties must be a mapping",
        )
    return props


def _target(resolver: Resolver, node: Any, path: TPath) -> Ref | GetAtt | str | None:
    if node is None:
        return None
    value = resolver.value(node, path, strict=False)
    if isinstance(value, (Ref, GetAtt, str)):
        return value
    return str(value)


def _refers_to(value: Ref | GetAtt | str | None, logical: str) -> bool:
    if isinstance(value, Ref):
        return value.name == logical
    if isinstance(value, GetAtt):
        return value.name == logical
    return False


def assemble(
    name: str,
    kind: ApiKind,
    stage: str,
    evidence: Evidence,
    parsed: ParsedBody,
    extra: Mapping[str, list[Method]],
    extra_evidence: Mapping[str, Evidence],
    responses: list[GatewayResponse],
    cors: HttpCors | None,
    issues: list[Finding],
    **more: Any,
) -> GatewayApi:
    """Merge body routes and resource-defined methods into one :class:`GatewayApi`."""
    routes: dict[str, list[Method]] = {p: list(ms) for p, ms in parsed.routes.items()}
    route_ev = dict(parsed.route_evidence)
    for path, methods in extra.items():
        existing = routes.setdefault(path, [])
        for method in methods:
            existing[:] = [m for m in existing if m.http_method != method.http_method]
            existing.append(method)
        route_ev.setdefault(path, extra_evidence.get(path, evidence))
    by_type = {g.type: g for g in parsed.gateway_responses}
    for response in responses:
        by_type[response.type] = response
    return GatewayApi(
        name=name,
        kind=kind,
        stage=stage,
        evidence=evidence,
        routes=tuple(
            Route(
                path=p, methods=tuple(sorted(ms, key=lambda m: m.http_method)), evidence=route_ev[p]
            )
            for p, ms in sorted(routes.items())
        ),
        gateway_responses=tuple(sorted(by_type.values(), key=lambda g: g.type)),
        cors=cors if cors is not None else parsed.cors,
        issues=(*parsed.issues, *issues),
        **more,
    )


# -- REST -------------------------------------------------------------------------------


def _body(
    template: Template, resolver: Resolver, logical: str, props: Mapping[str, Any], kind: ApiKind
) -> ParsedBody:
    base: TPath = ("Resources", logical, "Properties")
    if "BodyS3Location" in props:
        raise template.error(
            TemplateProblem.UNSUPPORTED,
            (*base, "BodyS3Location"),
            "the API body lives in S3; inline it as Body (or point corsspec at the "
            "OpenAPI file itself)",
        )
    if "Body" not in props:
        return ParsedBody()
    body = resolver.value(props["Body"], (*base, "Body"), strict=False)
    if not isinstance(body, Mapping):
        raise template.error(
            TemplateProblem.INVALID, (*base, "Body"), "Body must be an OpenAPI document (a mapping)"
        )
    return parse_openapi(template, body, api=logical, kind=kind, base=(*base, "Body"))


def _resource_paths(
    template: Template, resolver: Resolver, api: str, resources: list[tuple[str, Mapping[str, Any]]]
) -> dict[str, str]:
    parents: dict[str, tuple[Ref | GetAtt | str | None, str]] = {}
    for logical, body in resources:
        props = _props(template, logical, body)
        if not _refers_to(
            _target(
                resolver, props.get("RestApiId"), ("Resources", logical, "Properties", "RestApiId")
            ),
            api,
        ):
            continue
        part = resolver.string(
            props.get("PathPart"), ("Resources", logical, "Properties", "PathPart")
        )
        if not part:
            raise template.error(
                TemplateProblem.INVALID,
                ("Resources", logical, "Properties", "PathPart"),
                "an AWS::ApiGateway::Resource needs a PathPart",
            )
        parent = _target(
            resolver, props.get("ParentId"), ("Resources", logical, "Properties", "ParentId")
        )
        parents[logical] = (parent, part)
    paths: dict[str, str] = {}

    def resolve(start: str) -> None:
        # Walk up the ParentId chain without recursion (a chain may be thousands long),
        # then fill in the paths on the way back down.
        chain: list[str] = []
        on_chain: set[str] = set()
        logical = start
        prefix = ""
        while logical not in paths:
            if logical in on_chain:
                raise template.error(
                    TemplateProblem.CIRCULAR,
                    ("Resources", logical, "Properties", "ParentId"),
                    "the resource tree has a cycle (ParentId chain: "
                    f"{' -> '.join([*chain[chain.index(logical) :], logical])})",
                )
            chain.append(logical)
            on_chain.add(logical)
            parent, _ = parents[logical]
            if (
                isinstance(parent, GetAtt)
                and parent.name == api
                and (parent.attribute == "RootResourceId")
            ):
                break
            if isinstance(parent, Ref) and parent.name in parents:
                logical = parent.name
                continue
            raise template.error(
                TemplateProblem.UNSUPPORTED,
                ("Resources", logical, "Properties", "ParentId"),
                "ParentId must be !GetAtt <RestApi>.RootResourceId or !Ref another "
                "AWS::ApiGateway::Resource of the same API",
            )
        else:
            prefix = paths[logical]
        for name in reversed(chain):
            prefix = f"{prefix}/{parents[name][1]}"
            paths[name] = prefix

    for logical in parents:
        resolve(logical)
    return paths


def _cfn_auth(
    template: Template, resolver: Resolver, logical: str, props: Mapping[str, Any]
) -> Auth:
    base: TPath = ("Resources", logical, "Properties")
    kind_text = str(
        resolver.string(props.get("AuthorizationType"), (*base, "AuthorizationType")) or "NONE"
    ).upper()
    api_key = resolver.value(props.get("ApiKeyRequired", False), (*base, "ApiKeyRequired")) in (
        True,
        "true",
        "True",
    )
    key_ev = _ev(template, (*base, "ApiKeyRequired")) if api_key else None
    if kind_text == "NONE":
        return Auth(api_key=api_key, api_key_evidence=key_ev)
    auth_ev = _ev(template, (*base, "AuthorizationType"))
    if kind_text == "AWS_IAM":
        return Auth(
            kind=AuthKind.AWS_IAM,
            identity_headers=("authorization",),
            api_key=api_key,
            evidence=auth_ev,
            api_key_evidence=key_ev,
        )
    authorizer = _target(resolver, props.get("AuthorizerId"), (*base, "AuthorizerId"))
    name = authorizer.name if isinstance(authorizer, (Ref, GetAtt)) else None
    spec = template.resources.get(name or "", {})
    aprops = spec.get("Properties", {}) if isinstance(spec, Mapping) else {}
    apath: TPath = ("Resources", name or logical, "Properties")
    atype = str(resolver.string(aprops.get("Type"), (*apath, "Type"), strict=False) or "").upper()
    source = resolver.value(
        aprops.get("IdentitySource", ""), (*apath, "IdentitySource"), strict=False
    )
    if kind_text == "COGNITO_USER_POOLS" or atype == "COGNITO_USER_POOLS":
        return Auth(
            kind=AuthKind.COGNITO,
            name=name,
            identity_headers=identity_headers(source, "Authorization"),
            api_key=api_key,
            evidence=auth_ev,
            api_key_evidence=key_ev,
        )
    if kind_text == "CUSTOM":
        if atype == "REQUEST":
            return Auth(
                kind=AuthKind.REQUEST,
                name=name,
                identity_headers=identity_headers(source, None),
                api_key=api_key,
                evidence=auth_ev,
                api_key_evidence=key_ev,
            )
        return Auth(
            kind=AuthKind.TOKEN,
            name=name,
            identity_headers=identity_headers(source, "Authorization"),
            api_key=api_key,
            evidence=auth_ev,
            api_key_evidence=key_ev,
        )
    raise template.error(
        TemplateProblem.INVALID,
        (*base, "AuthorizationType"),
        f"unknown AuthorizationType {kind_text!r}",
    )


def _cfn_method_responses(
    template: Template, resolver: Resolver, logical: str, props: Mapping[str, Any]
) -> MethodResponses | None:
    path: TPath = ("Resources", logical, "Properties", "MethodResponses")
    raw = resolver.value(props.get("MethodResponses"), path, strict=False)
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise template.error(TemplateProblem.INVALID, path, "MethodResponses must be a list")
    out: list[tuple[int, tuple[str, ...]]] = []
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise template.error(
                TemplateProblem.INVALID, (*path, index), "a method response must be a mapping"
            )
        status = str(item.get("StatusCode", ""))
        if not status.isdigit():
            raise template.error(
                TemplateProblem.INVALID,
                (*path, index, "StatusCode"),
                f"StatusCode {status!r} is not a number",
            )
        params = item.get("ResponseParameters")
        names = (
            tuple(
                sorted(
                    str(k)[len("method.response.header.") :].lower()
                    for k in params
                    if str(k).startswith("method.response.header.")
                )
            )
            if isinstance(params, Mapping)
            else ()
        )
        out.append((int(status), names))
    return tuple(sorted(out))


def _cfn_integration(
    template: Template,
    resolver: Resolver,
    logical: str,
    props: Mapping[str, Any],
    api: str,
    route: str,
    method: str,
    declared: tuple[tuple[int, tuple[str, ...]], ...] | None,
    issues: list[Finding],
) -> Integration | None:
    ipath: TPath = ("Resources", logical, "Properties", "Integration")
    spec = resolver.value(props.get("Integration"), ipath, strict=False)
    if spec is None:
        return None
    if not isinstance(spec, Mapping):
        raise template.error(TemplateProblem.INVALID, ipath, "Integration must be a mapping")
    kind = integration_kind(spec.get("Type"))
    if kind is None:
        raise template.error(
            TemplateProblem.INVALID,
            (*ipath, "Type"),
            f"unsupported integration Type {spec.get('Type')!r}",
        )
    uri = resolver.text(spec["Uri"], (*ipath, "Uri")) if "Uri" in spec else None
    responses: list[IntegrationResponse] = []
    raw = spec.get("IntegrationResponses") or []
    if not isinstance(raw, list):
        raise template.error(
            TemplateProblem.INVALID,
            (*ipath, "IntegrationResponses"),
            "IntegrationResponses must be a list",
        )
    for index, item in enumerate(raw):
        rpath = (*ipath, "IntegrationResponses", index)
        if not isinstance(item, Mapping):
            raise template.error(
                TemplateProblem.INVALID, rpath, "an integration response must be a mapping"
            )
        status = str(item.get("StatusCode", ""))
        if not status.isdigit():
            raise template.error(
                TemplateProblem.INVALID,
                (*rpath, "StatusCode"),
                f"StatusCode {status!r} is not a number",
            )
        headers: list[Mapped] = []
        params = item.get("ResponseParameters")
        if isinstance(params, Mapping):
            for key, expression in params.items():
                if not str(key).startswith("method.response.header."):
                    continue
                mapped = parse_mapping(
                    str(key)[len("method.response.header.") :],
                    expression,
                    _ev(template, (*rpath, "ResponseParameters", key)),
                    MappingContext.INTEGRATION_RESPONSE,
                )
                headers.append(mapped)
                names = next((n for c, n in declared or () if c == int(status)), ())
                issues.extend(
                    mapping_issues(api, mapped, route=route, method=method, declared=names)
                )
        pattern = item.get("SelectionPattern")
        responses.append(
            IntegrationResponse(
                status=int(status),
                pattern=str(pattern) if pattern else None,
                headers=tuple(headers),
                evidence=_ev(template, rpath),
            )
        )
    return Integration(
        kind=kind,
        responses=tuple(responses),
        mock_status=mock_status(spec.get("RequestTemplates"))
        if kind is IntegrationKind.MOCK
        else None,
        function=function_from_uri(uri)
        if kind in (IntegrationKind.LAMBDA_PROXY, IntegrationKind.AWS)
        else None,
        uri=uri,
        evidence=_ev(template, ipath),
    )


def _gateway_response_resources(
    template: Template, resolver: Resolver, api: str, issues: list[Finding]
) -> list[GatewayResponse]:
    out = []
    for logical, body in _enabled(template, resolver, "AWS::ApiGateway::GatewayResponse"):
        props = _props(template, logical, body)
        base: TPath = ("Resources", logical, "Properties")
        if not _refers_to(_target(resolver, props.get("RestApiId"), (*base, "RestApiId")), api):
            continue
        rtype = resolver.string(props.get("ResponseType"), (*base, "ResponseType")) or ""
        status = resolver.string(props.get("StatusCode"), (*base, "StatusCode"), strict=False)
        headers: list[Mapped] = []
        params = resolver.value(
            props.get("ResponseParameters") or {}, (*base, "ResponseParameters"), strict=False
        )
        if isinstance(params, Mapping):
            for key, expression in params.items():
                if not str(key).startswith("gatewayresponse.header."):
                    continue
                mapped = parse_mapping(
                    str(key)[len("gatewayresponse.header.") :],
                    expression,
                    _ev(template, (*base, "ResponseParameters", key)),
                    MappingContext.GATEWAY_RESPONSE,
                )
                headers.append(mapped)
                issues.extend(mapping_issues(api, mapped, route=None, method=None))
        out.append(
            GatewayResponse(
                type=rtype,
                status=int(status) if status and status.isdigit() else None,
                headers=tuple(headers),
                evidence=_ev(template, ("Resources", logical)),
            )
        )
    return out


def _references(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref" and isinstance(arg, str):
                found.add(arg)
            elif key == "Fn::GetAtt":
                target = arg[0] if isinstance(arg, list) and arg else str(arg).split(".")[0]
                found.add(str(target))
            elif key == "Fn::Sub":
                text = arg[0] if isinstance(arg, list) and arg else arg
                if isinstance(text, str):
                    found.update(v.split(".")[0] for v in re.findall(r"\$\{([^}!]*)\}", text))
        for item in node.values():
            found |= _references(item)
    elif isinstance(node, list):
        for item in node:
            found |= _references(item)
    return found


def _dependency_closure(template: Template, start: str) -> set[str]:
    """Resources created before ``start``: DependsOn and references, transitively."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        logical = stack.pop()
        body = template.resources.get(logical)
        if not isinstance(body, Mapping):
            continue
        deps = body.get("DependsOn")
        names = {deps} if isinstance(deps, str) else set(deps) if isinstance(deps, list) else set()
        names |= _references(body.get("Properties", {}))
        for name in names:
            if name not in seen and name in template.resources:
                seen.add(name)
                stack.append(name)
    return seen


def rest_apis(template: Template, resolver: Resolver) -> list[GatewayApi]:
    """Every ``AWS::ApiGateway::RestApi`` in the template."""
    apis = []
    all_resources = _enabled(template, resolver, "AWS::ApiGateway::Resource")
    all_methods = _enabled(template, resolver, "AWS::ApiGateway::Method")
    deployments = _enabled(template, resolver, "AWS::ApiGateway::Deployment")
    stages = _enabled(template, resolver, "AWS::ApiGateway::Stage")
    for api, body in _enabled(template, resolver, "AWS::ApiGateway::RestApi"):
        props = _props(template, api, body)
        parsed = _body(template, resolver, api, props, ApiKind.REST)
        issues: list[Finding] = []
        paths = _resource_paths(template, resolver, api, all_resources)
        extra: dict[str, list[Method]] = {}
        extra_ev: dict[str, Evidence] = {}
        api_methods: list[str] = []
        for logical, mbody in all_methods:
            mprops = _props(template, logical, mbody)
            base: TPath = ("Resources", logical, "Properties")
            if not _refers_to(
                _target(resolver, mprops.get("RestApiId"), (*base, "RestApiId")), api
            ):
                continue
            resource = _target(resolver, mprops.get("ResourceId"), (*base, "ResourceId"))
            if isinstance(resource, GetAtt) and resource.name == api:
                path = "/"
            elif isinstance(resource, Ref) and resource.name in paths:
                path = paths[resource.name]
            else:
                raise template.error(
                    TemplateProblem.UNSUPPORTED,
                    (*base, "ResourceId"),
                    "ResourceId must be !GetAtt <RestApi>.RootResourceId or !Ref an "
                    "AWS::ApiGateway::Resource of the same API",
                )
            http_method = (
                resolver.string(mprops.get("HttpMethod"), (*base, "HttpMethod")) or ""
            ).upper()
            if not http_method:
                raise template.error(
                    TemplateProblem.INVALID,
                    (*base, "HttpMethod"),
                    "an AWS::ApiGateway::Method needs an HttpMethod",
                )
            declared = _cfn_method_responses(template, resolver, logical, mprops)
            integration = _cfn_integration(
                template, resolver, logical, mprops, api, path, http_method, declared, issues
            )
            api_methods.append(logical)
            extra.setdefault(path, []).append(
                Method(
                    http_method=http_method,
                    auth=_cfn_auth(template, resolver, logical, mprops),
                    integration=integration,
                    method_responses=declared,
                    evidence=_ev(template, ("Resources", logical)),
                )
            )
            resource_name = resource.name if isinstance(resource, Ref) else None
            extra_ev.setdefault(path, _ev(template, ("Resources", resource_name or api)))
        # Deployment: a method outside every deployment's dependency closure may not exist
        # yet when the deployment snapshot is taken.
        my_deployments = [
            logical
            for logical, dbody in deployments
            if _refers_to(
                _target(
                    resolver,
                    _props(template, logical, dbody).get("RestApiId"),
                    ("Resources", logical, "Properties", "RestApiId"),
                ),
                api,
            )
        ]
        stage = "prod"
        for logical, sbody in stages:
            sprops = _props(template, logical, sbody)
            if _refers_to(
                _target(
                    resolver,
                    sprops.get("RestApiId"),
                    ("Resources", logical, "Properties", "RestApiId"),
                ),
                api,
            ):
                stage = (
                    resolver.string(
                        sprops.get("StageName"),
                        ("Resources", logical, "Properties", "StageName"),
                        strict=False,
                    )
                    or stage
                )
        if my_deployments:
            closure: set[str] = set()
            for logical in my_deployments:
                closure |= _dependency_closure(template, logical)
                dprops = _props(template, logical, template.resources[logical])
                if "StageName" in dprops and not stages:
                    stage = (
                        resolver.string(
                            dprops["StageName"],
                            ("Resources", logical, "Properties", "StageName"),
                            strict=False,
                        )
                        or stage
                    )
            if any(m in closure for m in api_methods):
                for path, methods in extra.items():
                    extra[path] = [
                        _undeployed(m, template, my_deployments[0], api, path, issues)
                        if m.evidence.logical_id not in closure
                        else m
                        for m in methods
                    ]
        elif api_methods:
            issues.append(
                Finding(
                    code=FindingCode.NO_DEPLOYMENT,
                    api=api,
                    evidence=_ev(template, ("Resources", api)),
                )
            )
        apis.append(
            assemble(
                api,
                ApiKind.REST,
                stage,
                _ev(
                    template,
                    ("Resources", api),
                    Source.OPENAPI
                    if "Body" in props and not api_methods
                    else Source.CLOUDFORMATION,
                ),
                parsed,
                extra,
                extra_ev,
                _gateway_response_resources(template, resolver, api, issues),
                None,
                issues,
            )
        )
    return apis


def _undeployed(
    method: Method, template: Template, deployment: str, api: str, path: str, issues: list[Finding]
) -> Method:
    if method.http_method == "OPTIONS":
        issues.append(
            Finding(
                code=FindingCode.OPTIONS_NOT_DEPLOYED,
                api=api,
                route=path,
                method="OPTIONS",
                evidence=_ev(
                    template,
                    ("Resources", deployment, "DependsOn")
                    if "DependsOn" in template.resources[deployment]
                    else ("Resources", deployment),
                ),
                data=(("deployment", deployment), ("missing", method.evidence.logical_id)),
            )
        )
    return Method(
        http_method=method.http_method,
        auth=method.auth,
        integration=method.integration,
        method_responses=method.method_responses,
        deployed=False,
        evidence=method.evidence,
    )


# -- HTTP APIs ---------------------------------------------------------------------------


def _v2_authorizer(
    template: Template, resolver: Resolver, route_logical: str, props: Mapping[str, Any]
) -> Auth:
    base: TPath = ("Resources", route_logical, "Properties")
    kind = str(
        resolver.string(props.get("AuthorizationType"), (*base, "AuthorizationType"), strict=False)
        or "NONE"
    ).upper()
    if kind == "NONE":
        return Auth()
    evidence = _ev(template, (*base, "AuthorizationType"))
    if kind == "AWS_IAM":
        return Auth(kind=AuthKind.AWS_IAM, identity_headers=("authorization",), evidence=evidence)
    target = _target(resolver, props.get("AuthorizerId"), (*base, "AuthorizerId"))
    name = target.name if isinstance(target, (Ref, GetAtt)) else None
    spec = template.resources.get(name or "", {})
    aprops = spec.get("Properties", {}) if isinstance(spec, Mapping) else {}
    source = resolver.value(
        aprops.get("IdentitySource", ["$request.header.Authorization"]),
        ("Resources", name or route_logical, "Properties", "IdentitySource"),
        strict=False,
    )
    if kind == "JWT":
        return Auth(
            kind=AuthKind.JWT,
            name=name,
            identity_headers=identity_headers(source, "Authorization"),
            evidence=evidence,
        )
    if kind == "CUSTOM":
        return Auth(
            kind=AuthKind.REQUEST,
            name=name,
            identity_headers=identity_headers(source, None),
            evidence=evidence,
        )
    raise template.error(
        TemplateProblem.INVALID, (*base, "AuthorizationType"), f"unknown AuthorizationType {kind!r}"
    )


def _v2_integration(
    template: Template, resolver: Resolver, node: Any, path: TPath
) -> Integration | None:
    target = resolver.string(node, path, strict=False)
    if not target:
        return None
    found = re.search(r"integrations/\$\{([A-Za-z0-9]+)\}", target)
    if found is None:
        return Integration(
            kind=IntegrationKind.HTTP_PROXY, uri=target, evidence=_ev(template, path)
        )
    logical = found.group(1)
    spec = template.resources.get(logical)
    if not isinstance(spec, Mapping) or spec.get("Type") != "AWS::ApiGatewayV2::Integration":
        raise template.error(
            TemplateProblem.DANGLING_REFERENCE,
            path,
            f"Target names {logical!r}, which is not an AWS::ApiGatewayV2::Integration",
        )
    props = _props(template, logical, spec)
    base: TPath = ("Resources", logical, "Properties")
    kind = integration_kind(
        resolver.string(props.get("IntegrationType"), (*base, "IntegrationType"))
    )
    if kind is None:
        raise template.error(
            TemplateProblem.INVALID, (*base, "IntegrationType"), "unsupported IntegrationType"
        )
    uri = resolver.string(props.get("IntegrationUri"), (*base, "IntegrationUri"), strict=False)
    version = (
        resolver.string(
            props.get("PayloadFormatVersion"), (*base, "PayloadFormatVersion"), strict=False
        )
        or "2.0"
    )
    return Integration(
        kind=kind,
        function=function_from_uri(uri) if kind is IntegrationKind.LAMBDA_PROXY else None,
        uri=uri,
        payload_version=version,
        evidence=_ev(template, ("Resources", logical)),
    )


def http_apis(template: Template, resolver: Resolver) -> list[GatewayApi]:
    """Every ``AWS::ApiGatewayV2::Api`` with ProtocolType HTTP."""
    apis = []
    routes = _enabled(template, resolver, "AWS::ApiGatewayV2::Route")
    stages = _enabled(template, resolver, "AWS::ApiGatewayV2::Stage")
    for api, body in _enabled(template, resolver, "AWS::ApiGatewayV2::Api"):
        props = _props(template, api, body)
        base: TPath = ("Resources", api, "Properties")
        protocol = str(
            resolver.string(props.get("ProtocolType"), (*base, "ProtocolType"), strict=False)
            or ("HTTP" if "Body" in props else "")
        )
        if protocol.upper() != "HTTP":
            continue
        parsed = _body(template, resolver, api, props, ApiKind.HTTP)
        issues: list[Finding] = []
        cors: HttpCors | None = None
        if "CorsConfiguration" in props:
            spec = resolver.value(props["CorsConfiguration"], (*base, "CorsConfiguration"))
            if not isinstance(spec, Mapping):
                raise template.error(
                    TemplateProblem.INVALID,
                    (*base, "CorsConfiguration"),
                    "CorsConfiguration must be a mapping",
                )
            cors = http_cors_from(spec, _ev(template, (*base, "CorsConfiguration")), camel=False)
        extra: dict[str, list[Method]] = {}
        extra_ev: dict[str, Evidence] = {}
        if "Target" in props:
            uri = resolver.string(props["Target"], (*base, "Target"), strict=False)
            key = (
                resolver.string(
                    props.get("RouteKey", "$default"), (*base, "RouteKey"), strict=False
                )
                or "$default"
            )
            method, _, path = key.partition(" ") if key != "$default" else ("ANY", "", "$default")
            extra.setdefault(path or "$default", []).append(
                Method(
                    http_method=method.upper() or "ANY",
                    integration=Integration(
                        kind=IntegrationKind.LAMBDA_PROXY
                        if function_from_uri(uri) or (uri and ":lambda:" in uri)
                        else IntegrationKind.HTTP_PROXY,
                        function=function_from_uri(uri)
                        or (uri.split(":")[-1] if uri and ":function:" in uri else None),
                        uri=uri,
                        payload_version="2.0",
                        evidence=_ev(template, (*base, "Target")),
                    ),
                    evidence=_ev(template, (*base, "Target")),
                )
            )
        for logical, rbody in routes:
            rprops = _props(template, logical, rbody)
            rbase: TPath = ("Resources", logical, "Properties")
            if not _refers_to(_target(resolver, rprops.get("ApiId"), (*rbase, "ApiId")), api):
                continue
            key = resolver.string(rprops.get("RouteKey"), (*rbase, "RouteKey")) or ""
            if key == "$default":
                method, path = "ANY", "$default"
            else:
                method, _, path = key.partition(" ")
                if not path.startswith("/"):
                    raise template.error(
                        TemplateProblem.INVALID,
                        (*rbase, "RouteKey"),
                        f"RouteKey {key!r} is not 'METHOD /path' or $default",
                    )
            extra.setdefault(path, []).append(
                Method(
                    http_method=method.upper(),
                    auth=_v2_authorizer(template, resolver, logical, rprops),
                    integration=_v2_integration(
                        template, resolver, rprops.get("Target"), (*rbase, "Target")
                    ),
                    evidence=_ev(template, ("Resources", logical)),
                )
            )
            extra_ev.setdefault(path, _ev(template, ("Resources", logical)))
        stage = "$default"
        for logical, sbody in stages:
            sprops = _props(template, logical, sbody)
            if _refers_to(
                _target(
                    resolver, sprops.get("ApiId"), ("Resources", logical, "Properties", "ApiId")
                ),
                api,
            ):
                stage = (
                    resolver.string(
                        sprops.get("StageName"),
                        ("Resources", logical, "Properties", "StageName"),
                        strict=False,
                    )
                    or stage
                )
        apis.append(
            assemble(
                api,
                ApiKind.HTTP,
                stage,
                _ev(template, ("Resources", api)),
                parsed,
                extra,
                extra_ev,
                [],
                cors,
                issues,
            )
        )
    return apis

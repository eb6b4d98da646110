"""The SAM transform, as far as CORS goes, replayed on OpenAPI documents.

SAM turns ``AWS::Serverless::Api`` / ``AWS::Serverless::HttpApi`` properties and
function ``Events`` into an OpenAPI body; this module does the same steps in the same
order as the SAM translator (``samtranslator/model/api/api_generator.py`` ``to_cloudformation``:
events, then ``_add_cors``, ``_add_auth``, ``_add_gateway_responses``; and
``samtranslator/swagger/swagger.py`` ``add_cors``, ``_options_method_response_for_cors``,
``_make_cors_allowed_methods_for_path_item``, ``set_path_default_authorizer``,
``set_path_default_apikey_required``), then reads the result with :mod:`._openapi`.
Tests cross-check the result against the real translator.

What SAM generates for ``Cors`` on a REST API: for every path without an OPTIONS
operation (``/a`` and ``/a/`` counted once), an OPTIONS operation with a MOCK
integration whose default response (200) maps ``Access-Control-Allow-Origin``
(required; default ``'*'``), ``-Allow-Headers`` and ``-Allow-Methods`` if given (methods
otherwise computed from the path: its operations plus OPTIONS, upper-cased, sorted;
``ANY`` means all seven), ``-Max-Age`` if given and ``-Allow-Credentials: 'true'`` only
when ``AllowCredentials`` is true. Values are mapping expressions, so literals need
inner quotes. SAM never adds CORS headers to the Lambda's own responses.
``Auth.AddDefaultAuthorizerToCorsPreflight`` and ``AddApiKeyRequiredToCorsPreflight``
default to true: a default authorizer or API key requirement lands on OPTIONS too.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import Any

from corsspec.adapters.aws.apigateway._codes import Evidence, Finding, FindingCode, Source
from corsspec.adapters.aws.apigateway._errors import TemplateProblem
from corsspec.adapters.aws.apigateway._model import ApiKind, GatewayApi, SamInfo
from corsspec.adapters.aws.apigateway._openapi import (
    APIKEY_EVIDENCE_KEY,
    AUTH_EVIDENCE_KEY,
    DEFAULT_APIKEY_KEY,
    DEFAULT_AUTH_KEY,
    EVIDENCE_KEY,
    FUNCTION_KEY,
    ParsedBody,
    parse_openapi,
)
from corsspec.adapters.aws.apigateway._template import (
    Ref,
    Resolver,
    Template,
    TPath,
    as_mapping,
    parse_template,
    render_path,
)

__all__ = ["sam_apis"]


def __dir__() -> list[str]:
    return __all__


_CORS_KEYS = ("AllowMethods", "AllowHeaders", "AllowOrigin", "MaxAge", "AllowCredentials")
_HTTP_CORS_KEYS = (
    "AllowMethods",
    "AllowHeaders",
    "AllowOrigins",
    "MaxAge",
    "ExposeHeaders",
    "AllowCredentials",
)
_AUTH_KEYS = (
    "Authorizers",
    "DefaultAuthorizer",
    "InvokeRole",
    "AddDefaultAuthorizerToCorsPreflight",
    "AddApiKeyRequiredToCorsPreflight",
    "ApiKeyRequired",
    "ResourcePolicy",
    "UsagePlan",
)
_ALL_HTTP_METHODS = ["OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]
_ANY = "x-amazon-apigateway-any-method"
_INTEGRATION = "x-amazon-apigateway-integration"
_IMPLICIT_REST = "ServerlessRestApi"
_IMPLICIT_HTTP = "ServerlessHttpApi"


def _merge(global_value: Any, local: Any) -> Any:
    """SAM Globals: maps merge (resource wins), lists append, scalars are replaced."""
    if isinstance(global_value, dict) and isinstance(local, dict):
        out = dict(global_value)
        for key, value in local.items():
            out[key] = _merge(global_value[key], value) if key in global_value else value
        return out
    if isinstance(global_value, list) and isinstance(local, list):
        return [*global_value, *local]
    return local


class _Props:
    """A SAM resource's properties merged with Globals, remembering where each came from."""

    def __init__(
        self,
        local: Mapping[str, Any],
        local_path: TPath,
        globals_: Mapping[str, Any],
        globals_path: TPath,
    ) -> None:
        self.local = local
        self.local_path = local_path
        self.globals = globals_
        self.globals_path = globals_path

    def get(self, key: str) -> Any:
        if key in self.local and key in self.globals:
            return _merge(self.globals[key], self.local[key])
        if key in self.local:
            return self.local[key]
        return self.globals.get(key)

    def path(self, key: str) -> TPath:
        if key in self.local or key not in self.globals:
            return (*self.local_path, key)
        return (*self.globals_path, key)

    def has(self, key: str) -> bool:
        return key in self.local or key in self.globals


def _normalize_method(method: str) -> str:
    lowered = method.lower()
    return _ANY if lowered == "any" else lowered


class _Doc:
    """An OpenAPI document being built, with SAM's editing primitives."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        paths = body.setdefault("paths", {})
        if not isinstance(paths, dict):
            body["paths"] = {}
        self.paths: dict[str, Any] = body["paths"]

    def has_integration(self, path: str, method: str) -> bool:
        item = self.paths.get(path)
        op = item.get(method) if isinstance(item, dict) else None
        return isinstance(op, dict) and _INTEGRATION in op

    def operation(self, path: str, method: str) -> dict[str, Any]:
        item = self.paths.setdefault(path, {})
        op = item.get(method)
        if isinstance(op, dict):
            return op
        fresh: dict[str, Any] = {}
        item[method] = fresh
        return fresh

    def methods(self, path: str) -> list[tuple[str, dict[str, Any]]]:
        """SAM ``iter_on_all_methods_for_path``: operations with an integration."""
        item = self.paths.get(path)
        if not isinstance(item, dict):
            return []
        out = []
        for name, op in item.items():
            if name in ("summary", "description", "parameters"):
                continue
            if isinstance(op, dict) and _INTEGRATION in op:
                out.append((_normalize_method(name), op))
        return out


def _sam_error(template: Template, path: TPath, message: str) -> Exception:
    return template.error(TemplateProblem.INVALID, path, message)


def _function_events(
    template: Template, resolver: Resolver, event_type: str
) -> list[tuple[str, str, Mapping[str, Any], TPath]]:
    """``(function, event name, properties, path)`` for every event of ``event_type``."""
    out = []
    for logical, body in template.resources.items():
        if not isinstance(body, Mapping) or body.get("Type") != "AWS::Serverless::Function":
            continue
        if not resolver.resource_enabled(logical, body):
            continue
        props = body.get("Properties") or {}
        events = props.get("Events") if isinstance(props, Mapping) else None
        if not isinstance(events, Mapping):
            continue
        for name, event in events.items():
            path: TPath = ("Resources", logical, "Properties", "Events", name)
            if not isinstance(event, Mapping):
                raise _sam_error(template, path, "an event must be a mapping")
            if event.get("Type") != event_type:
                continue
            eprops = resolver.value(
                event.get("Properties") or {}, (*path, "Properties"), strict=False
            )
            if not isinstance(eprops, Mapping):
                raise _sam_error(template, (*path, "Properties"), "Properties must be a mapping")
            out.append((logical, str(name), eprops, path))
    return out


def _event_api(eprops: Mapping[str, Any], key: str, implicit: str) -> str:
    target = eprops.get(key)
    if isinstance(target, Ref):
        return target.name
    return implicit if target is None else str(target)


def _lambda_uri(function: str) -> str:
    return (
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        f"${{{function}.Arn}}/invocations"
    )


def _initial_body(
    template: Template, resolver: Resolver, props: _Props, skeleton: dict[str, Any]
) -> tuple[dict[str, Any], TPath, str]:
    """The API's OpenAPI body, where it sits, and how it was given.

    ``"generated"``: no body, SAM builds one (``__MANAGE_SWAGGER``); ``"inline"``: a
    ``DefinitionBody``; ``"uri"``: a ``DefinitionUri`` (SAM edits nothing in it).
    """
    if props.has("DefinitionBody"):
        path = props.path("DefinitionBody")
        body = resolver.value(props.get("DefinitionBody"), path, strict=False)
        if not isinstance(body, dict):
            raise _sam_error(template, path, "DefinitionBody must be an OpenAPI document")
        return copy.deepcopy(body), path, "inline"
    if props.has("DefinitionUri"):
        path = props.path("DefinitionUri")
        uri = resolver.value(props.get("DefinitionUri"), path, strict=False)
        if isinstance(uri, str) and not uri.startswith("s3://"):
            full = uri if os.path.isabs(uri) else os.path.join(template.base_dir, uri)
            try:
                with open(full, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError as exc:
                raise template.error(
                    TemplateProblem.UNREADABLE,
                    path,
                    f"cannot read DefinitionUri {uri!r}: {exc.strerror}",
                ) from exc
            doc = parse_template(text, file=full).document
            return copy.deepcopy(dict(doc)), path, "uri"
        raise template.error(
            TemplateProblem.UNSUPPORTED,
            path,
            "the OpenAPI document lives in S3; use DefinitionBody or a local DefinitionUri path",
        )
    return skeleton, props.local_path, "generated"


def _auth_schemes_rest(
    template: Template, auth: Mapping[str, Any], auth_path: TPath
) -> dict[str, Any]:
    schemes: dict[str, Any] = {}
    authorizers = auth.get("Authorizers") or {}
    if not isinstance(authorizers, Mapping):
        raise _sam_error(template, (*auth_path, "Authorizers"), "Authorizers must be a mapping")
    for name, spec in authorizers.items():
        if not isinstance(spec, Mapping):
            raise _sam_error(
                template, (*auth_path, "Authorizers", name), "an authorizer must be a mapping"
            )
        identity = as_mapping(spec.get("Identity"))
        header = str(identity.get("Header") or "Authorization")
        if spec.get("UserPoolArn") is not None:
            schemes[name] = {
                "type": "apiKey",
                "name": header,
                "in": "header",
                "x-amazon-apigateway-authtype": "cognito_user_pools",
                "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools"},
            }
        elif str(spec.get("FunctionPayloadType", "TOKEN")).upper() == "REQUEST":
            sources = [f"method.request.header.{h}" for h in identity.get("Headers") or []]
            sources += [
                f"method.request.querystring.{q}" for q in identity.get("QueryStrings") or []
            ]
            authorizer: dict[str, Any] = {"type": "request"}
            if sources:
                authorizer["identitySource"] = ", ".join(sources)
            schemes[name] = {
                "type": "apiKey",
                "name": "Unused",
                "in": "header",
                "x-amazon-apigateway-authtype": "custom",
                "x-amazon-apigateway-authorizer": authorizer,
            }
        else:
            schemes[name] = {
                "type": "apiKey",
                "name": header,
                "in": "header",
                "x-amazon-apigateway-authtype": "custom",
                "x-amazon-apigateway-authorizer": {"type": "token"},
            }
    schemes["AWS_IAM"] = {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "awsSigv4",
    }
    schemes["api_key"] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
    return schemes


def _add_rest_cors(
    template: Template, doc: _Doc, cors: Any, cors_path: TPath, api: str, issues: list[Finding]
) -> None:
    """SAM ``_add_cors`` + ``SwaggerEditor.add_cors`` for one REST API."""
    if not cors:
        return
    if isinstance(cors, str):
        props = {"AllowOrigin": cors}
    elif isinstance(cors, Mapping):
        for key in cors:
            if key not in _CORS_KEYS:
                raise _sam_error(
                    template,
                    (*cors_path, key),
                    f"SAM rejects the key {key!r} in Cors (allowed: {', '.join(_CORS_KEYS)})",
                )
        props = dict(cors)
    else:
        raise _sam_error(template, cors_path, "Cors must be a string or a mapping")
    origin = props.get("AllowOrigin", "'*'")
    credentials = props.get("AllowCredentials", False)
    evidence = Evidence(
        path=render_path(cors_path), line=template.line(cors_path), source=Source.SAM
    )
    if credentials is True and origin == "'*'":
        issues.append(
            Finding(
                code=FindingCode.CONFIGURATION_REJECTED,
                api=api,
                evidence=evidence,
                data=(("by", "sam"), ("rule", "credentials-with-wildcard-origin")),
            )
        )
    seen: set[str] = set()
    for path in list(doc.paths):
        normalized = path.rstrip("/") if path != "/" else path
        if normalized in seen:
            continue
        seen.add(normalized)
        item = doc.paths[path]
        if not isinstance(item, dict) or "options" in item:
            continue
        methods = props.get("AllowMethods")
        if not methods:
            keys = list(item.keys())
            chosen = _ALL_HTTP_METHODS if _ANY in keys else [*keys, "options"]
            methods = "'" + ",".join(sorted({m.upper() for m in chosen})) + "'"
        parameters: dict[str, Any] = {"method.response.header.Access-Control-Allow-Origin": origin}
        headers: dict[str, Any] = {"Access-Control-Allow-Origin": {"type": "string"}}
        if props.get("AllowHeaders"):
            parameters["method.response.header.Access-Control-Allow-Headers"] = props[
                "AllowHeaders"
            ]
            headers["Access-Control-Allow-Headers"] = {"type": "string"}
        parameters["method.response.header.Access-Control-Allow-Methods"] = methods
        headers["Access-Control-Allow-Methods"] = {"type": "string"}
        if props.get("MaxAge") is not None:
            parameters["method.response.header.Access-Control-Max-Age"] = props["MaxAge"]
            headers["Access-Control-Max-Age"] = {"type": "integer"}
        if credentials is True:
            parameters["method.response.header.Access-Control-Allow-Credentials"] = "'true'"
            headers["Access-Control-Allow-Credentials"] = {"type": "string"}
        item["options"] = {
            EVIDENCE_KEY: cors_path,
            "summary": "CORS support",
            _INTEGRATION: {
                EVIDENCE_KEY: cors_path,
                "type": "mock",
                "requestTemplates": {"application/json": '{\n  "statusCode" : 200\n}\n'},
                "responses": {
                    "default": {
                        EVIDENCE_KEY: cors_path,
                        "statusCode": "200",
                        "responseParameters": parameters,
                        "responseTemplates": {"application/json": "{}\n"},
                    }
                },
            },
            "responses": {
                "200": {"description": "Default response for CORS method", "headers": headers}
            },
        }


def _add_rest_auth(template: Template, doc: _Doc, auth: Any, auth_path: TPath) -> None:
    """SAM ``_add_auth``: default authorizer and API key, OPTIONS included by default."""
    if not auth:
        return
    if not isinstance(auth, Mapping):
        raise _sam_error(template, auth_path, "Auth must be a mapping")
    for key in auth:
        if key not in _AUTH_KEYS:
            raise _sam_error(template, (*auth_path, key), f"SAM rejects the key {key!r} in Auth")
    schemes = _auth_schemes_rest(template, auth, auth_path)
    definitions = doc.body.setdefault("securityDefinitions", {})
    for name, scheme in schemes.items():
        definitions.setdefault(name, scheme)
    default = auth.get("DefaultAuthorizer")
    authorizer_names = {"AWS_IAM", *(auth.get("Authorizers") or {})}
    add_to_preflight = auth.get("AddDefaultAuthorizerToCorsPreflight", True)
    if default:
        if not isinstance(default, str) or default not in authorizer_names:
            raise _sam_error(
                template,
                (*auth_path, "DefaultAuthorizer"),
                f"DefaultAuthorizer {default!r} is not defined in Authorizers",
            )
        where = (
            (*auth_path, "AddDefaultAuthorizerToCorsPreflight")
            if ("AddDefaultAuthorizerToCorsPreflight" in auth)
            else (*auth_path, "DefaultAuthorizer")
        )
        for path in list(doc.paths):
            for name, op in doc.methods(path):
                if not (add_to_preflight or name != "options"):
                    continue
                security = op.get("security", [])
                if not isinstance(security, list):
                    raise _sam_error(
                        template, auth_path, f"security of {path} {name} is not a list"
                    )
                others = [
                    s for s in security if isinstance(s, dict) and authorizer_names.isdisjoint(s)
                ]
                existing = [
                    s
                    for s in security
                    if isinstance(s, dict) and not authorizer_names.isdisjoint(s)
                ]
                none_index = next((i for i, s in enumerate(others) if "NONE" in s), -1)
                if none_index > -1:
                    del others[none_index]
                    chosen: list[Any] = []
                elif existing:
                    chosen = existing
                else:
                    chosen = [{default: []}]
                    op[DEFAULT_AUTH_KEY] = True
                    op[AUTH_EVIDENCE_KEY] = where
                merged = others + chosen
                if merged:
                    op["security"] = merged
    if auth.get("ApiKeyRequired"):
        add_key_to_preflight = auth.get("AddApiKeyRequiredToCorsPreflight", True)
        where = (
            (*auth_path, "AddApiKeyRequiredToCorsPreflight")
            if ("AddApiKeyRequiredToCorsPreflight" in auth)
            else (*auth_path, "ApiKeyRequired")
        )
        for path in list(doc.paths):
            for name, op in doc.methods(path):
                security = op.get("security", [])
                others = [
                    s
                    for s in security
                    if isinstance(s, dict) and {"api_key", "api_key_false"}.isdisjoint(s)
                ]
                keyed = [
                    s
                    for s in security
                    if isinstance(s, dict) and not {"api_key", "api_key_false"}.isdisjoint(s)
                ]
                false_index = next((i for i, s in enumerate(keyed) if "api_key_false" in s), -1)
                added: list[Any] = []
                if false_index > -1:
                    del keyed[false_index]
                else:
                    added = [{"api_key": []}]
                merged = others + added
                if name == "options" and not add_key_to_preflight:
                    merged = others
                if merged != security:
                    op["security"] = merged
                    if added and merged is not others:
                        op[DEFAULT_APIKEY_KEY] = True
                        op[APIKEY_EVIDENCE_KEY] = where


def _gateway_responses(template: Template, doc: _Doc, spec: Any, path: TPath) -> None:
    if not spec:
        return
    if not isinstance(spec, Mapping):
        raise _sam_error(template, path, "GatewayResponses must be a mapping")
    out = doc.body.setdefault("x-amazon-apigateway-gateway-responses", {})
    for rtype, response in spec.items():
        rpath = (*path, rtype)
        if not isinstance(response, Mapping):
            raise _sam_error(template, rpath, "a gateway response must be a mapping")
        params = response.get("ResponseParameters") or {}
        mapped: dict[str, Any] = {}
        for group, prefix in (
            ("Headers", "header."),
            ("Paths", "path."),
            ("QueryStrings", "querystring."),
        ):
            values = params.get(group) or {} if isinstance(params, Mapping) else {}
            if isinstance(values, Mapping):
                for name, expression in values.items():
                    mapped[f"gatewayresponse.{prefix}{name}"] = expression
        entry: dict[str, Any] = {EVIDENCE_KEY: rpath, "responseParameters": mapped}
        if response.get("StatusCode") is not None:
            entry["statusCode"] = str(response["StatusCode"])
        out[str(rtype)] = entry


def _stage(resolver: Resolver, props: _Props, default: str) -> str:
    if not props.has("StageName"):
        return default
    value = resolver.string(props.get("StageName"), props.path("StageName"), strict=False)
    return value or default


def _rest_api(
    template: Template,
    resolver: Resolver,
    name: str,
    props: _Props,
    implicit: bool,
    events: list[tuple[str, str, Mapping[str, Any], TPath]],
) -> GatewayApi:
    issues: list[Finding] = []
    skeleton: dict[str, Any] = {
        "swagger": "2.0",
        "info": {"title": name, "version": "1.0"},
        "paths": {},
    }
    body, body_path, given = _initial_body(template, resolver, props, skeleton)
    doc = _Doc(body)
    # Events reach the body only when SAM manages it, or with MergeDefinitions
    # (push.py Api.to_cloudformation: ``__MANAGE_SWAGGER or MergeDefinitions``).
    merge = (
        given == "inline"
        and resolver.value(
            props.get("MergeDefinitions"), props.path("MergeDefinitions"), strict=False
        )
        is True
    )
    mergeable = given != "uri"
    if given == "generated" or merge:
        for function, _event, eprops, epath in events:
            path = eprops.get("Path")
            method = eprops.get("Method")
            if not isinstance(path, str) or not isinstance(method, str):
                raise _sam_error(
                    template, (*epath, "Properties"), "an Api event needs a Path and a Method"
                )
            # MergeDefinitions stores the operation under the event's Method as written,
            # lower-cased ("any", not x-amazon-apigateway-any-method): push.py
            # _get_merged_definitions. API Gateway's importer does not know "any".
            key = method.lower() if merge else _normalize_method(method)
            if not merge and doc.has_integration(path, key):
                raise _sam_error(
                    template,
                    (*epath, "Properties"),
                    f'API method "{method}" defined multiple times for path "{path}"',
                )
            op = doc.operation(path, key)
            op[EVIDENCE_KEY] = epath
            op[_INTEGRATION] = {
                EVIDENCE_KEY: epath,
                "type": "aws_proxy",
                "httpMethod": "POST",
                "uri": _lambda_uri(function),
                FUNCTION_KEY: function,
            }
            op.setdefault("responses", {})
            if merge:
                op.pop("security", None)  # the generated operation's keys win
            auth = eprops.get("Auth")
            if isinstance(auth, Mapping):
                security = op.setdefault("security", [])
                authorizer = auth.get("Authorizer")
                if authorizer:
                    security.append({str(authorizer): []})
                    if authorizer != "NONE":
                        op[AUTH_EVIDENCE_KEY] = (*epath, "Properties", "Auth", "Authorizer")
                if auth.get("ApiKeyRequired") is not None:
                    security.append({"api_key" if auth["ApiKeyRequired"] else "api_key_false": []})
                    if auth["ApiKeyRequired"]:
                        op[APIKEY_EVIDENCE_KEY] = (*epath, "Properties", "Auth", "ApiKeyRequired")
    cors = (
        resolver.value(props.get("Cors"), props.path("Cors"), strict=False)
        if props.has("Cors")
        else None
    )
    cors_ev = (
        Evidence(
            path=render_path(props.path("Cors")),
            line=template.line(props.path("Cors")),
            source=Source.SAM,
        )
        if props.has("Cors")
        else None
    )
    if cors and not mergeable:
        issues.append(
            Finding(
                code=FindingCode.CONFIGURATION_REJECTED,
                api=name,
                evidence=cors_ev or Evidence(path=render_path(props.local_path)),
                data=(("by", "sam"), ("rule", "cors-needs-definition-body")),
            )
        )
    else:
        _add_rest_cors(template, doc, cors, props.path("Cors"), name, issues)
    auth = (
        resolver.value(props.get("Auth"), props.path("Auth"), strict=False)
        if props.has("Auth")
        else None
    )
    if auth and mergeable:
        _add_rest_auth(template, doc, auth, props.path("Auth"))
    if props.has("GatewayResponses") and mergeable:
        spec = resolver.value(
            props.get("GatewayResponses"), props.path("GatewayResponses"), strict=False
        )
        _gateway_responses(template, doc, spec, props.path("GatewayResponses"))
    parsed = parse_openapi(template, doc.body, api=name, kind=ApiKind.REST, base=body_path)
    # The implicit API's stage is always "Prod" (implicit_rest_api_plugin.py).
    stage = "Prod" if implicit else _stage(resolver, props, "Prod")
    return _assemble(
        template, name, ApiKind.REST, stage, props, implicit, parsed, issues, bool(cors), cors_ev
    )


def _assemble(
    template: Template,
    name: str,
    kind: ApiKind,
    stage: str,
    props: _Props,
    implicit: bool,
    parsed: ParsedBody,
    issues: list[Finding],
    has_cors: bool,
    cors_ev: Evidence | None,
) -> GatewayApi:
    from corsspec.adapters.aws.apigateway._cfn import assemble  # noqa: PLC0415 - avoids an import cycle at module load

    where = render_path(props.local_path) if not implicit else render_path(props.globals_path)
    auth_ev = (
        Evidence(
            path=render_path(props.path("Auth")),
            line=template.line(props.path("Auth")),
            source=Source.SAM,
        )
        if props.has("Auth")
        else None
    )
    evidence_path = props.local_path
    if implicit:
        # The implicit API lives in Globals (if configured there) or in the first event.
        evidence_path = props.globals_path if props.globals else _first_event(parsed, template)
    return assemble(
        name,
        kind,
        stage,
        Evidence(
            path=render_path(evidence_path), line=template.line(evidence_path), source=Source.SAM
        ),
        parsed,
        {},
        {},
        [],
        None,
        issues,
        sam=SamInfo(
            properties_path=where,
            implicit=implicit,
            has_cors=has_cors,
            cors_evidence=cors_ev,
            auth_evidence=auth_ev,
        ),
    )


def _first_event(parsed: ParsedBody, template: Template) -> TPath:
    for methods in parsed.routes.values():
        for method in methods:
            if ".Events." in method.evidence.path:
                head, _, rest = method.evidence.path.partition(".Events.")
                return (*head.split("."), "Events", rest.split(".")[0])
    return ("Resources",)


def _http_api(
    template: Template,
    resolver: Resolver,
    name: str,
    props: _Props,
    implicit: bool,
    events: list[tuple[str, str, Mapping[str, Any], TPath]],
) -> GatewayApi:
    issues: list[Finding] = []
    skeleton: dict[str, Any] = {
        "openapi": "3.0.1",
        "info": {"title": name, "version": "1.0"},
        "paths": {},
    }
    body, body_path, given = _initial_body(template, resolver, props, skeleton)
    mergeable = given != "uri"
    doc = _Doc(body)
    # HttpApi events are added to a generated or inline body alike (push.py
    # HttpApi._add_openapi_integration).
    for function, _event, eprops, epath in events if mergeable else []:
        path = eprops.get("Path")
        method = eprops.get("Method")
        if path is None and method is None:
            path, key = "$default", _ANY
        else:
            if not isinstance(path, str) or not isinstance(method, str):
                raise _sam_error(
                    template,
                    (*epath, "Properties"),
                    "an HttpApi event needs both Path and Method, or neither",
                )
            key = _normalize_method(method)
        op = doc.operation(str(path), key)
        op[EVIDENCE_KEY] = epath
        version = str(eprops.get("PayloadFormatVersion") or "2.0")
        op[_INTEGRATION] = {
            EVIDENCE_KEY: epath,
            "type": "aws_proxy",
            "httpMethod": "POST",
            "payloadFormatVersion": version,
            "uri": _lambda_uri(function),
            FUNCTION_KEY: function,
        }
        op.setdefault("responses", {})
        auth = eprops.get("Auth")
        if isinstance(auth, Mapping) and auth.get("Authorizer"):
            op.setdefault("security", []).append({str(auth["Authorizer"]): []})
            op[AUTH_EVIDENCE_KEY] = (*epath, "Properties", "Auth", "Authorizer")
    auth = (
        resolver.value(props.get("Auth"), props.path("Auth"), strict=False)
        if props.has("Auth")
        else None
    )
    if isinstance(auth, Mapping):
        schemes = doc.body.setdefault("components", {}).setdefault("securitySchemes", {})
        authorizers = auth.get("Authorizers") or {}
        for aname, spec in authorizers.items() if isinstance(authorizers, Mapping) else []:
            spec = spec if isinstance(spec, Mapping) else {}
            if spec.get("JwtConfiguration") is not None:
                source = spec.get("IdentitySource") or "$request.header.Authorization"
                schemes[aname] = {
                    "type": "oauth2",
                    "x-amazon-apigateway-authorizer": {"type": "jwt", "identitySource": source},
                }
            else:
                identity = as_mapping(spec.get("Identity"))
                headers = identity.get("Headers") or []
                schemes[aname] = {
                    "type": "apiKey",
                    "name": "Unused",
                    "in": "header",
                    "x-amazon-apigateway-authorizer": {
                        "type": "request",
                        "identitySource": ", ".join(f"$request.header.{h}" for h in headers),
                    },
                }
        schemes.setdefault(
            "AWS_IAM",
            {
                "type": "apiKey",
                "name": "Authorization",
                "in": "header",
                "x-amazon-apigateway-authtype": "awsSigv4",
            },
        )
        default = auth.get("DefaultAuthorizer")
        if default:
            if default not in schemes:
                raise _sam_error(
                    template,
                    (*props.path("Auth"), "DefaultAuthorizer"),
                    f"DefaultAuthorizer {default!r} is not defined in Authorizers",
                )
            for path in list(doc.paths):
                for mname, op in doc.methods(path):
                    if mname == "options" or op.get("security"):
                        continue
                    op["security"] = [{default: []}]
                    op[DEFAULT_AUTH_KEY] = True
                    op[AUTH_EVIDENCE_KEY] = (*props.path("Auth"), "DefaultAuthorizer")
    has_cors = props.has("CorsConfiguration")
    cors_ev = None
    if has_cors:
        cpath = props.path("CorsConfiguration")
        cors_ev = Evidence(path=render_path(cpath), line=template.line(cpath), source=Source.SAM)
        spec = resolver.value(props.get("CorsConfiguration"), cpath, strict=False)
        if spec is True:
            spec = {"AllowOrigins": ["*"]}
        if isinstance(spec, Mapping):
            for key in spec:
                if key not in _HTTP_CORS_KEYS:
                    raise _sam_error(
                        template, (*cpath, key), f"SAM rejects the key {key!r} in CorsConfiguration"
                    )
            if spec.get("AllowCredentials") is True and spec.get("AllowOrigins") in (None, ["*"]):
                issues.append(
                    Finding(
                        code=FindingCode.CONFIGURATION_REJECTED,
                        api=name,
                        evidence=cors_ev,
                        data=(("by", "sam"), ("rule", "credentials-with-wildcard-origin")),
                    )
                )
            if not mergeable:
                issues.append(
                    Finding(
                        code=FindingCode.CONFIGURATION_REJECTED,
                        api=name,
                        evidence=cors_ev,
                        data=(("by", "sam"), ("rule", "cors-needs-definition-body")),
                    )
                )
            else:
                ext = doc.body.setdefault("x-amazon-apigateway-cors", {})
                ext[EVIDENCE_KEY] = cpath
                for key in _HTTP_CORS_KEYS:
                    value = spec.get(key)
                    camel = key[0].lower() + key[1:]
                    if key == "MaxAge":
                        keep = value is not None
                    elif key == "AllowCredentials":
                        keep = value is True
                    else:
                        keep = bool(value)
                    if keep:
                        ext[camel] = value
        elif spec not in (None, False):
            raise _sam_error(template, cpath, "CorsConfiguration must be true or a mapping")
    parsed = parse_openapi(template, doc.body, api=name, kind=ApiKind.HTTP, base=body_path)
    return _assemble(
        template,
        name,
        ApiKind.HTTP,
        _stage(resolver, props, "$default"),
        props,
        implicit,
        parsed,
        issues,
        has_cors,
        cors_ev,
    )


def sam_apis(template: Template, resolver: Resolver) -> list[GatewayApi]:
    """Every ``AWS::Serverless::Api``/``HttpApi``, explicit or implicit, after SAM expansion."""
    if not template.is_sam:
        return []
    glob = as_mapping(template.document.get("Globals"))
    api_globals = as_mapping(glob.get("Api"))
    http_globals = as_mapping(glob.get("HttpApi"))
    rest_events = _function_events(template, resolver, "Api")
    http_events = _function_events(template, resolver, "HttpApi")
    apis = []
    explicit: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for logical, body in template.resources.items():
        if not isinstance(body, Mapping) or body.get("Type") not in (
            "AWS::Serverless::Api",
            "AWS::Serverless::HttpApi",
        ):
            continue
        if not resolver.resource_enabled(logical, body):
            continue
        props = body.get("Properties") or {}
        if not isinstance(props, Mapping):
            raise _sam_error(
                template, ("Resources", logical, "Properties"), "Properties must be a mapping"
            )
        explicit[logical] = (str(body["Type"]), props)
    for logical, (rtype, props) in sorted(explicit.items()):
        local_path: TPath = ("Resources", logical, "Properties")
        if rtype == "AWS::Serverless::Api":
            merged = _Props(props, local_path, api_globals, ("Globals", "Api"))
            mine = [
                e for e in rest_events if _event_api(e[2], "RestApiId", _IMPLICIT_REST) == logical
            ]
            apis.append(_rest_api(template, resolver, logical, merged, False, mine))
        else:
            merged = _Props(props, local_path, http_globals, ("Globals", "HttpApi"))
            mine = [e for e in http_events if _event_api(e[2], "ApiId", _IMPLICIT_HTTP) == logical]
            apis.append(_http_api(template, resolver, logical, merged, False, mine))
    implicit_rest = [
        e for e in rest_events if _event_api(e[2], "RestApiId", _IMPLICIT_REST) == _IMPLICIT_REST
    ]
    if implicit_rest and _IMPLICIT_REST not in explicit:
        props_i = _Props({}, ("Globals", "Api"), api_globals, ("Globals", "Api"))
        apis.append(_rest_api(template, resolver, _IMPLICIT_REST, props_i, True, implicit_rest))
    implicit_http = [
        e for e in http_events if _event_api(e[2], "ApiId", _IMPLICIT_HTTP) == _IMPLICIT_HTTP
    ]
    if implicit_http and _IMPLICIT_HTTP not in explicit:
        props_h = _Props({}, ("Globals", "HttpApi"), http_globals, ("Globals", "HttpApi"))
        apis.append(_http_api(template, resolver, _IMPLICIT_HTTP, props_h, True, implicit_http))
    return apis

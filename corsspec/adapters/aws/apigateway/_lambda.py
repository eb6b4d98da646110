"""The Lambda side of a proxy integration: events in, proxy responses out.

A route's Lambda is described by a *source*: a sample proxy response (a dict, or a
``.json`` file holding one), or a Python handler called in process with a synthesized
API Gateway event (a callable, or ``"path/to/app.py:handler"`` / ``"package.module:handler"``).
Results are normalised the way API Gateway reads them:

* REST APIs and HTTP API payload 1.0: ``statusCode``, ``headers`` and
  ``multiValueHeaders`` (merged; a key-value pair present in both appears once),
  ``body`` (a string), ``isBase64Encoded``. Anything else is a malformed response,
  which API Gateway answers with 502 (REST; 500 for HTTP APIs) and no CORS headers.
* HTTP API payload 2.0: the same without ``multiValueHeaders``, plus ``cookies`` (each
  becomes a ``Set-Cookie``); a result without ``statusCode`` (any JSON value) is wrapped
  as ``200`` ``application/json``.
"""

from __future__ import annotations

import contextlib
import enum
import importlib
import importlib.util
import json
import os
import sys
import threading
import types
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

import attrs

import corsspec as cs
from corsspec.adapters.aws.apigateway._errors import GatewayTemplateError, TemplateProblem

__all__ = [
    "LambdaBook",
    "LambdaOutcome",
    "LambdaOutcomeKind",
    "LambdaSource",
    "ProxyResult",
    "http_event",
    "normalize_proxy_result",
    "rest_event",
]


def __dir__() -> list[str]:
    return __all__


#: A sample proxy response, a path to a JSON sample or handler, or a handler callable.
LambdaSource: TypeAlias = "Mapping[str, Any] | str | os.PathLike[str] | Callable[..., Any]"


class LambdaOutcomeKind(enum.Enum):
    """What happened when the gateway asked the Lambda."""

    OK = "ok"
    #: Not a valid proxy response: API Gateway answers 502 (REST) / 500 (HTTP API).
    MALFORMED = "malformed"
    #: The handler raised.
    ERROR = "error"
    #: No sample or handler: a response with no CORS headers is assumed.
    UNKNOWN = "unknown"


@attrs.frozen(kw_only=True)
class ProxyResult:
    """A valid proxy response, as the gateway will send it."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""


@attrs.frozen(kw_only=True)
class LambdaOutcome:
    """The Lambda's answer to one request."""

    kind: LambdaOutcomeKind
    result: ProxyResult | None = None
    #: Why the result is malformed, or the exception the handler raised.
    detail: str = ""
    #: Which ``lambda_responses`` key answered (``""`` when assumed).
    key: str = ""


class _Context:
    """A minimal Lambda context object for handlers called in process."""

    def __init__(self, function: str) -> None:
        self.function_name = function
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function}"
        self.memory_limit_in_mb = 128
        self.aws_request_id = "corsspec-request"
        self.log_group_name = f"/aws/lambda/{function}"
        self.log_stream_name = "corsspec"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _headers_of(request: cs.Request) -> list[tuple[str, str]]:
    return [(str(n), str(v)) for n, v in request.headers]


def _body_of(request: cs.Request) -> str | None:
    body = request.body
    return None if body is None else body.content


def rest_event(
    request: cs.Request,
    *,
    resource: str,
    path: str,
    stage: str,
    path_parameters: Mapping[str, str] | None = None,
    authorized: bool = False,
) -> dict[str, Any]:
    """A REST API (payload 1.0) Lambda proxy event for ``request``."""
    pairs = _headers_of(request)
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    url = request.url
    query = url.query or ""
    params = [p.partition("=") for p in query.split("&") if p]
    context: dict[str, Any] = {
        "resourcePath": resource,
        "httpMethod": request.method,
        "path": f"/{stage}{path}",
        "stage": stage,
        "requestId": "corsspec-request",
        "accountId": "123456789012",
        "apiId": "corsspec",
        "protocol": "HTTP/1.1",
        "domainName": url.host,
        "requestTimeEpoch": 0,
        "identity": {"sourceIp": "203.0.113.10", "userAgent": "corsspec"},
    }
    if authorized:
        context["authorizer"] = {"principalId": "user", "claims": {"sub": "user"}}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": request.method,
        "headers": single or None,
        "multiValueHeaders": multi or None,
        "queryStringParameters": {k: v for k, _, v in params} or None,
        "multiValueQueryStringParameters": {k: [v] for k, _, v in params} or None,
        "pathParameters": dict(path_parameters) if path_parameters else None,
        "stageVariables": None,
        "requestContext": context,
        "body": _body_of(request),
        "isBase64Encoded": False,
    }


def http_event(
    request: cs.Request,
    *,
    route_key: str,
    path: str,
    stage: str,
    path_parameters: Mapping[str, str] | None = None,
    authorized: bool = False,
) -> dict[str, Any]:
    """An HTTP API (payload 2.0) Lambda proxy event for ``request``."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in _headers_of(request):
        lower = name.lower()
        if lower == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
            continue
        headers[lower] = f"{headers[lower]},{value}" if lower in headers else value
    url = request.url
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": url.query or "",
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "corsspec",
            "domainName": url.host,
            "domainPrefix": url.host.split(".")[0],
            "requestId": "corsspec-request",
            "routeKey": route_key,
            "stage": stage,
            "time": "01/Jan/2026:00:00:00 +0000",
            "timeEpoch": 0,
            "http": {
                "method": request.method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.10",
                "userAgent": "corsspec",
            },
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if authorized:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": {"sub": "user"}, "scopes": []}}
    body = _body_of(request)
    if body is not None:
        event["body"] = body
    return event


def _status(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 100 <= value <= 599 else None
    if isinstance(value, str) and value.isdigit():
        return _status(int(value))
    return None


def normalize_proxy_result(result: Any, *, version: str) -> LambdaOutcome:
    """Read a handler's return value as API Gateway does (payload ``1.0`` or ``2.0``)."""
    if version == "2.0" and not (isinstance(result, Mapping) and "statusCode" in result):
        # Payload 2.0: anything that is not a response object is the JSON body of a 200.
        try:
            text = result if isinstance(result, str) else json.dumps(result)
        except (TypeError, ValueError) as exc:
            return LambdaOutcome(
                kind=LambdaOutcomeKind.MALFORMED,
                detail=f"the result is not JSON-serializable: {exc}",
            )
        return LambdaOutcome(
            kind=LambdaOutcomeKind.OK,
            result=ProxyResult(
                status=200, headers=(("Content-Type", "application/json"),), body=text
            ),
        )
    if not isinstance(result, Mapping):
        return LambdaOutcome(
            kind=LambdaOutcomeKind.MALFORMED,
            detail=f"the result is a {type(result).__name__}, not an object",
        )
    status = _status(result.get("statusCode", 200))
    if status is None:
        return LambdaOutcome(
            kind=LambdaOutcomeKind.MALFORMED,
            detail=f"statusCode {result.get('statusCode')!r} is not a status",
        )
    pairs: list[tuple[str, str]] = []
    headers = result.get("headers") or {}
    if not isinstance(headers, Mapping):
        return LambdaOutcome(kind=LambdaOutcomeKind.MALFORMED, detail="headers is not an object")
    for name, value in headers.items():
        if not isinstance(value, str):
            return LambdaOutcome(
                kind=LambdaOutcomeKind.MALFORMED,
                detail=f"header {name!r} has a non-string value {value!r}",
            )
    multi = result.get("multiValueHeaders") if version != "2.0" else None
    if multi is not None:
        if not isinstance(multi, Mapping):
            return LambdaOutcome(
                kind=LambdaOutcomeKind.MALFORMED, detail="multiValueHeaders is not an object"
            )
        for name, values in multi.items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                return LambdaOutcome(
                    kind=LambdaOutcomeKind.MALFORMED,
                    detail=f"multiValueHeaders {name!r} is not a list of strings",
                )
            pairs.extend((str(name), v) for v in values)
    present = {(n.lower(), v) for n, v in pairs}
    for name, value in headers.items():
        if (str(name).lower(), value) not in present:
            pairs.append((str(name), value))
    if version == "2.0":
        cookies = result.get("cookies") or []
        if not isinstance(cookies, list) or not all(isinstance(c, str) for c in cookies):
            return LambdaOutcome(
                kind=LambdaOutcomeKind.MALFORMED, detail="cookies is not a list of strings"
            )
        pairs.extend(("Set-Cookie", c) for c in cookies)
    body = result.get("body")
    if body is not None and not isinstance(body, str):
        return LambdaOutcome(
            kind=LambdaOutcomeKind.MALFORMED,
            detail=f"body is a {type(body).__name__}; it must be a string (json.dumps it)",
        )
    encoded = result.get("isBase64Encoded", False)
    if not isinstance(encoded, bool):
        return LambdaOutcome(
            kind=LambdaOutcomeKind.MALFORMED, detail="isBase64Encoded is not a bool"
        )
    return LambdaOutcome(
        kind=LambdaOutcomeKind.OK,
        result=ProxyResult(status=status, headers=tuple(pairs), body=body or ""),
    )


_IMPORT_LOCK = threading.Lock()
_MODULES: dict[str, types.ModuleType] = {}


def _load_file_module(path: str) -> types.ModuleType:
    full = os.path.abspath(path)
    with _IMPORT_LOCK:
        cached = _MODULES.get(full)
        if cached is not None:
            return cached
        name = f"_corsspec_handler_{len(_MODULES)}"
        spec = importlib.util.spec_from_file_location(name, full)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import {full}")
        module = importlib.util.module_from_spec(spec)
        directory = os.path.dirname(full)
        sys.path.insert(0, directory)
        try:
            spec.loader.exec_module(module)
        finally:
            with contextlib.suppress(ValueError):
                sys.path.remove(directory)
        _MODULES[full] = module
        return module


def load_handler(spec: str, *, base_dir: str) -> Callable[..., Any]:
    """``"app.py:handler"`` (relative to ``base_dir``) or ``"package.module:handler"``.

    :raises ImportError: the module cannot be imported.
    :raises AttributeError: it has no such callable.
    """
    module_part, _, attribute = spec.rpartition(":")
    if not module_part or not attribute:
        raise ImportError(f"{spec!r} is not 'file.py:function' or 'module:function'")
    if module_part.endswith(".py"):
        path = module_part if os.path.isabs(module_part) else os.path.join(base_dir, module_part)
        module = _load_file_module(path)
    else:
        module = importlib.import_module(module_part)
    handler = getattr(module, attribute)
    if not callable(handler):
        raise AttributeError(f"{spec!r} is not callable")
    return handler  # type: ignore[no-any-return]


def inline_handler(code: str, handler: str, *, name: str) -> Callable[..., Any]:
    """A handler from inline function code (``InlineCode`` / ``Code.ZipFile``)."""
    module = types.ModuleType(f"_corsspec_inline_{name}")
    exec(compile(code, f"<inline {name}>", "exec"), module.__dict__)  # opt-in
    function = handler.rpartition(".")[2]
    found = module.__dict__.get(function)
    if not callable(found):
        raise AttributeError(f"inline code of {name} defines no {function}()")
    return found  # type: ignore[no-any-return]


class _Source:
    __slots__ = ("handler", "key", "sample")

    def __init__(
        self, key: str, sample: Any = None, handler: Callable[..., Any] | None = None
    ) -> None:
        self.key = key
        self.sample = sample
        self.handler = handler


class LambdaBook:
    """Which sample or handler answers each Lambda integration.

    Keys are looked up in this order: ``"METHOD /path"`` (the route as declared,
    ``"ANY /{proxy+}"`` included), the route path, the function's logical id, ``"*"``.

    :raises GatewayTemplateError: (``LAMBDA_SOURCE``) an entry cannot be loaded.
    """

    def __init__(
        self,
        sources: Mapping[str, LambdaSource] | None = None,
        *,
        base_dir: str = "",
        file: str = "",
    ) -> None:
        self._sources: dict[str, _Source] = {}
        for key, source in (sources or {}).items():
            self._sources[key] = self._load(key, source, base_dir or os.getcwd(), file)

    @staticmethod
    def _load(key: str, source: LambdaSource, base_dir: str, file: str) -> _Source:
        if callable(source):
            return _Source(key, handler=source)
        if isinstance(source, Mapping):
            return _Source(key, sample=dict(source))
        if isinstance(source, (str, os.PathLike)):
            text = os.fspath(source)
            path = text if os.path.isabs(text) else os.path.join(base_dir, text)
            try:
                if text.endswith(".json"):
                    with open(path, encoding="utf-8") as fh:
                        return _Source(key, sample=json.load(fh))
                return _Source(key, handler=load_handler(text, base_dir=base_dir))
            except (OSError, ValueError, ImportError, AttributeError, SyntaxError) as exc:
                raise GatewayTemplateError(
                    TemplateProblem.LAMBDA_SOURCE,
                    "",
                    f"lambda_responses[{key!r}]: cannot load {text!r}: {exc}",
                    file=file,
                ) from exc
        raise GatewayTemplateError(
            TemplateProblem.LAMBDA_SOURCE,
            "",
            f"lambda_responses[{key!r}] must be a dict, a .json path, a handler spec or a callable",
            file=file,
        )

    def add(self, key: str, source: LambdaSource) -> None:
        """Register a source (used for handlers discovered from the template)."""
        if key not in self._sources:
            self._sources[key] = self._load(key, source, os.getcwd(), "")

    def keys(self) -> tuple[str, ...]:
        """Every registered key, sorted."""
        return tuple(sorted(self._sources))

    def find(self, *, method: str, route: str, function: str | None) -> _Source | None:
        for key in (f"{method} {route}", route, function or "", "*"):
            if key and key in self._sources:
                return self._sources[key]
        return None

    def has(self, *, method: str, route: str, function: str | None) -> bool:
        """Whether some entry answers this integration."""
        return self.find(method=method, route=route, function=function) is not None

    def invoke(
        self,
        event: Mapping[str, Any],
        *,
        method: str,
        route: str,
        function: str | None,
        version: str,
    ) -> LambdaOutcome:
        """The Lambda's outcome for ``event`` (UNKNOWN when nothing answers)."""
        source = self.find(method=method, route=route, function=function)
        if source is None:
            return LambdaOutcome(kind=LambdaOutcomeKind.UNKNOWN, result=ProxyResult(status=200))
        if source.handler is not None:
            try:
                result = source.handler(dict(event), _Context(function or "function"))
            except Exception as exc:  # a crashing handler is a 502, not our error
                return LambdaOutcome(
                    kind=LambdaOutcomeKind.ERROR,
                    key=source.key,
                    detail=f"{type(exc).__name__}: {exc}",
                )
        else:
            result = source.sample
        outcome = normalize_proxy_result(result, version=version)
        return attrs.evolve(outcome, key=source.key)

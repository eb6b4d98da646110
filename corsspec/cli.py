"""The ``corsspec`` command: ask what browsers do with a cross-origin request, and why.

Commands (``corsspec --help``; docs/cli.md has the details and the scenario format):

* ``corsspec check URL --origin ORIGIN [request flags] [--preflight-response ...]
  [--response ...]`` — one request against the server answers given as flags, or
  ``corsspec check --scenario FILE`` for the cases of a scenario file;
* ``corsspec explain FILE`` — every case of a scenario file (JSON or YAML);
* ``corsspec gateway PATH --origin ORIGIN`` — an API Gateway definition, through
  :mod:`corsspec.adapters.aws.apigateway`.

Exit codes: 0 every verdict allowed, 1 something blocked, 2 bad usage or bad input (one
line on stderr naming the flag, field or value, never a traceback), 3 an internal error
(a bug in corsspec: one line asking for a report, never a traceback). ``--json`` prints
stable machine-readable output (codes, never wording), errors included. Colour only on a
terminal, and never when ``NO_COLOR`` is set.

This is the only module that prints or chooses an exit code.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import stat
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, NoReturn

import attrs

from corsspec import __version__
from corsspec.engine.browsers import PROFILES, BrowserProfile
from corsspec.engine.cookies import CookieJar
from corsspec.engine.fetch import Exchange, evaluate
from corsspec.engine.model import Body, BodyKind, Request, Response
from corsspec.errors import AdapterError, CorsspecError, MissingExtraError, ScriptError
from corsspec.explain import (
    Check,
    Diagnosis,
    Outcome,
    cause_message,
    check_line,
    cookie_lines,
    diagnose,
    myth_message,
    note_message,
)

__all__ = [
    "EXIT_BLOCKED",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_SCENARIO_BYTES",
    "UsageError",
    "load_scenario",
    "main",
]


def __dir__() -> list[str]:
    return __all__


EXIT_OK = 0
EXIT_BLOCKED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

#: A scenario file (or standard input) larger than this is refused before it is parsed:
#: scenarios are hand-written cases, and parsing costs about 30 times the file in memory.
MAX_SCENARIO_BYTES = 4 * 1024 * 1024


#: ``--browser all`` runs these, in this order (the Fetch Standard last).
ALL_ORDER = ("chromium", "firefox", "webkit", "spec")
BROWSER_CHOICES = (*ALL_ORDER, "all")
BODY_KINDS = tuple(kind.value for kind in BodyKind)
JSON_SCHEMA = "corsspec.report/1"
JSON_ERROR_SCHEMA = "corsspec.error/1"


class UsageError(Exception):
    """Bad usage or bad input: printed as one line, exit code 2."""


# ---------------------------------------------------------------------------------------
# Scenario cases
# ---------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Case:
    """One named request and the server's answers to it."""

    name: str
    request: Request
    server: Exchange
    description: str = ""
    #: Response headers page script reads (``--reads``): unreadable ones fail the case.
    reads: tuple[str, ...] = ()
    #: What the browser holds for the API (``--cookie``), and the cookies the server needs.
    cookies: CookieJar | None = None
    needs_cookies: tuple[str, ...] = ()
    #: The page's top-level origin when it differs from the request's (``--page-site``).
    top_level: str | None = None


_SCENARIO_KEYS = frozenset({"description", "cases"})
_CASE_KEYS = frozenset({"name", "description", "request", "preflight", "response"})
_REQUEST_KEYS = frozenset(
    {
        "url",
        "origin",
        "method",
        "headers",
        "credentials",
        "mode",
        "redirect",
        "api",
        "body",
        "upload_listener",
    }
)
_BODY_KEYS = frozenset({"kind", "type", "content"})
_RESPONSE_KEYS = frozenset({"status", "headers"})


def _where(path: str, field: str) -> str:
    return f"{path}: {field}" if path else field


def _expect_mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise UsageError(f"{where}: expected an object, got {_kind(value)}")
    for key in value:
        if not isinstance(key, str):
            raise UsageError(f"{where}: keys must be strings, got {key!r}")
    return value


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _check_keys(value: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(value) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed))
        raise UsageError(f"{where}.{unknown[0]}: unknown key (known: {known})")


def _string(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise UsageError(f"{where}: expected a string, got {_kind(value)}")
    return value


def _header_line(line: str, where: str) -> tuple[str, str]:
    name, colon, value = line.partition(":")
    if not colon or not name.strip():
        raise UsageError(f"{where}: expected 'Name: value', got {line!r}")
    return name.strip(" \t"), value.strip(" \t")


def _headers(value: object, where: str) -> tuple[tuple[str, str], ...]:
    """Header lines as "Name: value" strings, [name, value] pairs, or an object."""
    if value is None:
        return ()
    if isinstance(value, Mapping):
        return tuple((_string(k, where), _string(v, f"{where}.{k}")) for k, v in value.items())
    if not isinstance(value, list):
        raise UsageError(f"{where}: expected a list of 'Name: value' lines, got {_kind(value)}")
    out: list[tuple[str, str]] = []
    for i, item in enumerate(value):
        item_where = f"{where}[{i}]"
        if isinstance(item, str):
            out.append(_header_line(item, item_where))
        elif isinstance(item, list) and len(item) == 2:
            out.append((_string(item[0], item_where), _string(item[1], item_where)))
        else:
            raise UsageError(f"{item_where}: expected 'Name: value' or [name, value]")
    return tuple(out)


def _status(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 999:
        raise UsageError(f"{where}: expected an HTTP status 100-999, got {value!r}")
    return value


def _response(value: object, where: str) -> Response:
    data = _expect_mapping(value, where)
    _check_keys(data, _RESPONSE_KEYS, where)
    return Response(
        status=_status(data.get("status", 200), f"{where}.status"),
        headers=_headers(data.get("headers"), f"{where}.headers"),
    )


def _body(kind: str, blob_type: str, content: str, where: str) -> Body:
    factories: dict[str, Callable[[], Body]] = {
        "text": lambda: Body.text(content),
        "url-search-params": lambda: Body.url_search_params(content),
        "form-data": lambda: Body.form_data(),
        "blob": lambda: Body.blob(content, blob_type),
        "bytes": lambda: Body.bytes(content),
        "stream": lambda: Body.stream(content),
        "document-html": Body.html_document,
        "document-xml": Body.xml_document,
    }
    factory = factories.get(kind)
    if factory is None:
        raise UsageError(f"{where}: unknown body kind {kind!r} (known: {', '.join(BODY_KINDS)})")
    if blob_type and kind != "blob":
        raise UsageError(f"{where}: a body type is only for body kind 'blob'")
    return factory()


def _build_request(fields: Mapping[str, Any], where: Callable[[str], str]) -> Request:
    """Build a Request; ``where(field)`` names the flag or scenario path of a field."""
    try:
        return Request(**fields)
    except CorsspecError as exc:
        field = _field_of(exc)
        raise UsageError(f"{where(field)}: {exc}") from None


def _field_of(exc: CorsspecError) -> str:
    from corsspec.errors import (  # noqa: PLC0415 - only needed on the error path
        InvalidHeaderError,
        InvalidMethodError,
        InvalidOriginError,
        InvalidRequestError,
        InvalidURLError,
        ScriptError,
        ScriptProblem,
    )

    if isinstance(exc, InvalidOriginError):
        return "origin"
    if isinstance(exc, InvalidURLError):
        return "url"
    if isinstance(exc, (InvalidMethodError,)):
        return "method"
    if isinstance(exc, InvalidHeaderError):
        return "headers"
    if isinstance(exc, InvalidRequestError):
        return exc.field
    if isinstance(exc, ScriptError):
        if exc.reason in (ScriptProblem.INVALID_HEADER_NAME, ScriptProblem.INVALID_HEADER_VALUE):
            return "headers"
        if exc.reason in (
            ScriptProblem.BODY_WITH_GET_OR_HEAD,
            ScriptProblem.STREAM_BODY_REQUIRES_CORS_OR_SAME_ORIGIN,
            ScriptProblem.STREAM_BODY_REQUIRES_HALF_DUPLEX,
        ):
            return "body"
        return "method"
    return "request"


def _scenario_request(value: object, where: str) -> Request:
    data = _expect_mapping(value, where)
    _check_keys(data, _REQUEST_KEYS, where)
    for required in ("url", "origin"):
        if required not in data:
            raise UsageError(f"{where}.{required}: missing (required)")
    fields: dict[str, Any] = {
        "url": _string(data["url"], f"{where}.url"),
        "origin": _string(data["origin"], f"{where}.origin"),
        "headers": _headers(data.get("headers"), f"{where}.headers"),
    }
    for key in ("method", "credentials", "mode", "redirect", "api"):
        if key in data:
            fields[key] = _string(data[key], f"{where}.{key}")
    if "upload_listener" in data:
        flag = data["upload_listener"]
        if not isinstance(flag, bool):
            raise UsageError(f"{where}.upload_listener: expected true or false")
        fields["upload_listener"] = flag
    if data.get("body") is not None:
        body = _expect_mapping(data["body"], f"{where}.body")
        _check_keys(body, _BODY_KEYS, f"{where}.body")
        if "kind" not in body:
            raise UsageError(f"{where}.body.kind: missing (required)")
        fields["body"] = _body(
            _string(body["kind"], f"{where}.body.kind"),
            _string(body.get("type", ""), f"{where}.body.type"),
            _string(body.get("content", ""), f"{where}.body.content"),
            f"{where}.body.kind",
        )
    return _build_request(fields, lambda field: f"{where}.{field}")


def parse_scenario(data: object, source: str) -> tuple[str, tuple[Case, ...]]:
    """Validate a loaded scenario document; return its description and cases.

    :raises UsageError: the document does not follow the scenario format.
    """
    top = _expect_mapping(data, source)
    _check_keys(top, _SCENARIO_KEYS, source)
    description = _string(top.get("description", ""), f"{source}: description")
    cases_value = top.get("cases")
    if not isinstance(cases_value, list) or not cases_value:
        raise UsageError(f"{source}: cases: expected a non-empty list of cases")
    cases: list[Case] = []
    seen: set[str] = set()
    for i, item in enumerate(cases_value):
        where = f"{source}: cases[{i}]"
        case = _expect_mapping(item, where)
        _check_keys(case, _CASE_KEYS, where)
        if "name" not in case:
            raise UsageError(f"{where}.name: missing (required)")
        name = _string(case["name"], f"{where}.name")
        if not name or name in seen:
            raise UsageError(f"{where}.name: {name!r} is empty or not unique")
        seen.add(name)
        if "request" not in case:
            raise UsageError(f"{where}.request: missing (required)")
        if "response" not in case:
            raise UsageError(f"{where}.response: missing (required)")
        request = _scenario_request(case["request"], f"{where}.request")
        preflight = (
            None
            if case.get("preflight") is None
            else _response(case["preflight"], f"{where}.preflight")
        )
        actual = _response(case["response"], f"{where}.response")
        cases.append(
            Case(
                name=name,
                request=request,
                server=Exchange(preflight=preflight, actual=actual),
                description=_string(case.get("description", ""), f"{where}.description"),
            )
        )
    return description, tuple(cases)


def load_scenario(path: str) -> tuple[str, tuple[Case, ...]]:
    """Read a scenario file (JSON, or YAML with the ``yaml`` extra) and validate it.

    :raises UsageError: unreadable, malformed, or not in the scenario format.
    :raises MissingExtraError: a YAML file without PyYAML installed.
    """
    raw = _read_input(path, MAX_SCENARIO_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    data: object
    if path == "-":
        # Standard input has no suffix: JSON when it starts like JSON, else YAML.
        is_yaml = not text.lstrip().startswith(("{", "["))
    else:
        is_yaml = Path(path).suffix.lower() in (".yaml", ".yml")
    data = _load_yaml(text, path) if is_yaml else _load_json(text, path)
    return parse_scenario(data, path)


def _read_input(path: str, limit: int) -> bytes:
    """The bytes of ``path`` (a regular file, or ``-`` for standard input), at most ``limit``.

    :raises UsageError: missing, not a regular file (a FIFO or a device such as
        ``/dev/zero`` is refused before anything is read), unreadable, or too large.
    """
    if path == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise UsageError("-: standard input is not readable")
        try:
            data = bytes(stream.read(limit + 1))
        except OSError as exc:
            raise UsageError(f"-: cannot read standard input ({exc.strerror or exc})") from None
        if len(data) > limit:
            raise UsageError(f"-: standard input is larger than the limit of {limit} bytes")
        return data
    from corsspec.adapters._common import read_regular_file  # noqa: PLC0415 - I/O edge, on use

    try:
        return read_regular_file(path, limit=limit)
    except AdapterError as exc:
        raise UsageError(str(exc)) from None


def _load_json(text: str, path: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise UsageError(f"{path}: JSON nested too deeply to read") from None
    except ValueError as exc:
        # int() refuses integers of more than 4,300 digits.
        raise UsageError(f"{path}: invalid JSON: {exc}") from None


def _load_yaml(text: str, path: str) -> object:
    try:
        import yaml  # noqa: PLC0415 - optional dependency, imported only for YAML files
    except ImportError:
        raise MissingExtraError("yaml", "yaml") from None
    # libyaml (when built in) refuses nesting deeper than 1,000 levels by itself; the pure
    # Python loader recurses and runs out of stack first. Aliases are not expanded here: a
    # scenario only reads a few known fields, each checked for its type.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except RecursionError:
        raise UsageError(f"{path}: YAML nested too deeply to read") from None
    except ValueError as exc:
        # int() refuses integers of more than 4,300 digits.
        raise UsageError(f"{path}: invalid YAML: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "cannot parse"
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        raise UsageError(f"{path}: invalid YAML{at}: {problem}") from None


# ---------------------------------------------------------------------------------------
# Flags -> case
# ---------------------------------------------------------------------------------------


def _flag_response(tokens: Sequence[str] | None, flag: str) -> Response | None:
    """``STATUS ['Name: value' ...]``; the status may be a status line (HTTP/1.1 204)."""
    if tokens is None:
        return None
    lines = [line for token in tokens for line in token.splitlines() if line.strip()]
    if not lines:
        raise UsageError(f"{flag}: expected a status, then 'Name: value' header lines")
    first = lines[0].strip()
    parts = first.split()
    status_text = parts[1] if parts[0].upper().startswith("HTTP/") and len(parts) > 1 else parts[0]
    if not (status_text.isascii() and status_text.isdigit()) or not 100 <= int(status_text) <= 999:
        raise UsageError(f"{flag}: expected an HTTP status 100-999 first, got {first!r}")
    headers = tuple(_header_line(line, flag) for line in lines[1:])
    return Response(status=int(status_text), headers=headers)


def _flag_case(args: argparse.Namespace) -> Case:
    if args.url is None:
        raise UsageError(
            "check: give the request URL (corsspec check URL --origin ORIGIN ...)"
            " or --scenario FILE"
        )
    if args.origin is None:
        raise UsageError("--origin: required (the page's origin, e.g. https://app.example)")
    flags = {
        "url": "URL",
        "origin": "--origin",
        "method": "--method",
        "headers": "-H/--header",
        "credentials": "--credentials",
        "mode": "--mode",
        "redirect": "--redirect",
        "api": "--api",
        "body": "--body-kind",
        "upload_listener": "--upload-listener",
        "address_space": "--address-space",
        "page_address_space": "--page-address-space",
        "target_address_space": "--target-address-space",
        "local_network_permission": "--local-network-permission",
    }
    fields: dict[str, Any] = {
        "url": args.url,
        "origin": args.origin,
        "method": args.method,
        "headers": tuple(_header_line(h, "-H/--header") for h in args.header),
        "credentials": args.credentials,
        "mode": args.mode,
        "redirect": args.redirect,
        "api": args.api,
        "upload_listener": args.upload_listener,
        "address_space": args.address_space,
        "page_address_space": args.page_address_space,
        "target_address_space": args.target_address_space,
        "local_network_permission": args.local_network_permission,
    }
    if args.body_kind is not None:
        fields["body"] = _body(args.body_kind, args.body_type or "", "", "--body-kind")
    elif args.body_type:
        raise UsageError("--body-type: needs --body-kind blob")
    request = _build_request(fields, lambda field: flags.get(field, f"--{field}"))
    preflight = _flag_response(args.preflight_response, "--preflight-response")
    actual = _flag_response(args.response, "--response") or Response(status=200)
    jar = None
    if args.cookie:
        # Each --cookie is a Set-Cookie the API sent while the user was on its own site.
        jar = CookieJar.from_set_cookie(request.url, args.cookie)
    return Case(
        name="check",
        request=request,
        server=Exchange(preflight=preflight, actual=actual),
        reads=tuple(args.reads),
        cookies=jar,
        needs_cookies=() if jar is None else jar.names(),
        top_level=args.page_site,
    )


# ---------------------------------------------------------------------------------------
# Running and rendering
# ---------------------------------------------------------------------------------------


def _profiles(name: str) -> tuple[BrowserProfile, ...]:
    names = ALL_ORDER if name == "all" else (name,)
    return tuple(PROFILES[n] for n in names)


@dataclasses.dataclass(frozen=True)
class _Run:
    """One case under several engines: their diagnoses, and the engines that throw."""

    results: list[Diagnosis]
    #: (engine name, ScriptError) for engines whose fetch() throws before any request.
    refused: list[tuple[str, ScriptError]]

    @property
    def blocked(self) -> bool:
        return bool(self.refused) or any(
            not d.evaluation.allowed
            or (d.evaluation.cookies is not None and d.evaluation.cookies.needs_met is not True)
            for d in self.results
        )


def _run_case(case: Case, profiles: Sequence[BrowserProfile]) -> _Run:
    results = []
    refused: list[tuple[str, ScriptError]] = []
    for profile in profiles:
        try:
            evaluation = evaluate(
                case.request,
                case.server,
                browser=profile,
                reads=case.reads,
                cookies=case.cookies,
                top_level=case.top_level,
                needs_cookies=case.needs_cookies,
            )
        except ScriptError as exc:
            # Only this engine throws (e.g. WebKit and a stream body): a verdict, not bad
            # input. If every engine throws, the request itself is the problem.
            refused.append((profile.name, exc))
            continue
        results.append(diagnose(evaluation, profile, server=case.server))
    if not results:
        raise refused[0][1]
    return _Run(results=results, refused=refused)


class _Style:
    """ANSI styling, or none."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def red(self, text: str) -> str:
        return self._wrap("31", text)

    def green(self, text: str) -> str:
        return self._wrap("32", text)

    def yellow(self, text: str) -> str:
        return self._wrap("33", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)


def _verdict_word(d: Diagnosis, style: _Style) -> str:
    cookies = d.evaluation.cookies
    if d.evaluation.allowed and cookies is not None and cookies.needs_met is not True:
        # Allowed by CORS, but the server gets it without a cookie it needs (or unknown).
        word = "COOKIE MISSING" if cookies.needs_met is False else "COOKIE UNKNOWN"
        return style.yellow(f"{word:<16}")
    if d.evaluation.allowed:
        word = "allowed" if d.evaluation.readable else "allowed (opaque)"
        return style.green(f"{word:<16}")
    return style.red(f"{'BLOCKED':<16}")


def _cookie_state(d: Diagnosis) -> bool | str | None:
    """Whether the needed cookies went out ("n/a" without a jar), for comparing engines."""
    cookies = d.evaluation.cookies
    return "n/a" if cookies is None else cookies.needs_met


def _reason_text(d: Diagnosis) -> str:
    reason = d.evaluation.reason
    if reason is None:
        return ""
    return f"{reason.code.value} at {reason.stage.value}"


def _groups(items: Sequence[tuple[str, str]]) -> list[tuple[list[str], str]]:
    """Group engine names that produce the same text, keeping first-seen order."""
    out: list[tuple[list[str], str]] = []
    for name, text in items:
        for names, existing in out:
            if existing == text:
                names.append(name)
                break
        else:
            out.append(([name], text))
    return out


def _label(title: str, names: Sequence[str], total: int) -> str:
    """A section title, naming the engines unless the section holds for all of them."""
    if total == 1 or len(names) == total:
        return title
    return f"{title} ({', '.join(names)})"


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def _request_summary(request: Request) -> str:
    parts = [f"{request.method} {request.url} from {request.origin}"]
    details = [f"credentials {request.credentials.value}", f"mode {request.mode.value}"]
    if request.api.value != "fetch":
        details.append(f"api {request.api.value}")
    if request.redirect.value != "follow":
        details.append(f"redirect {request.redirect.value}")
    if request.body is not None:
        details.append(f"body {request.body.kind.value}")
    lines = [parts[0] + " (" + ", ".join(details) + ")"]
    lines.extend(f"  {n}: {v}" for n, v in request.headers)
    return "\n".join(lines)


def _check_text(check: Check, style: _Style) -> str:
    line = check_line(check)
    mark = line[:4]
    rest = line[4:]
    if check.outcome is Outcome.FAIL:
        return style.red(mark) + rest
    if check.outcome is Outcome.PASS:
        return style.green(mark) + rest
    return style.dim(mark + rest)


def _render_case(case: Case, run: _Run, style: _Style) -> str:
    results = run.results
    out: list[str] = []
    title = case.name + (f": {case.description}" if case.description else "")
    out.append(style.bold(f"== {title}"))
    out.append(_request_summary(case.request))
    out.append("")
    # Verdicts, side by side, marking engines that differ from the first.
    out.append(style.bold("verdict"))
    keys = [(d.evaluation.allowed, _reason_text(d), _cookie_state(d)) for d in results]
    differs = len(set(keys)) > 1
    for d, key in zip(results, keys, strict=True):
        mark = style.yellow(" <- differs") if differs and key != keys[0] else ""
        out.append(f"  {d.browser.name:<9} {_verdict_word(d, style)} {_reason_text(d)}{mark}")
    for name, exc in run.refused:
        differs = True
        word = style.red("TYPEERROR".ljust(16))
        out.append(
            f"  {name:<9} {word} {exc.reason.value}: fetch() throws before any request"
            + style.yellow(" <- differs")
        )
    if len(results) + len(run.refused) > 1:
        out.append(style.dim("  engines differ" if differs else "  all engines agree"))
    out.append("")
    # The preflight, and why it was needed.
    preflight_texts = []
    for d in results:
        pre = d.evaluation.preflight
        text = (
            "none sent"
            if pre is None
            else "\n".join([f"OPTIONS {pre.url}", *(f"{n}: {v}" for n, v in pre.headers)])
        )
        preflight_texts.append((d.browser.name, text))
    total = len(results)
    for names, text in _groups(preflight_texts):
        out.append(style.bold(_label("preflight", names, total)))
        out.append(_indent(text, "  "))
    cause_texts = [
        (d.browser.name, "\n".join(f"- {cause_message(c)}" for c in d.causes)) for d in results
    ]
    for names, text in _groups(cause_texts):
        if text:
            out.append(style.bold(_label("why a preflight", names, total)))
            out.append(_indent(text, "  "))
    out.append("")
    # Console messages, each engine in its own words.
    blocked = [d for d in results if d.console is not None]
    if blocked:
        out.append(style.bold("console"))
        for d in blocked:
            assert d.console is not None
            lines = d.console.split("\n")
            out.append(f"  {d.browser.name + ':':<10}{lines[0]}")
            out.extend(f"  {'':<10}{line}" for line in lines[1:])
        out.append("")
    # The trace, grouped when engines ran the same checks.
    trace_texts = [
        (d.browser.name, "\n".join(_check_text(c, style) for c in d.trace)) for d in results
    ]
    for names, text in _groups(trace_texts):
        out.append(style.bold(_label("trace", names, total)))
        out.append(_indent(text, "  "))
    out.append("")
    # The fix: every change, in order, and whether the request then passes.
    fix_texts = []
    for d in results:
        plan = d.plan
        if d.evaluation.allowed or plan is None or not plan.hints:
            continue
        lines = [f"{i}. {hint}" for i, hint in enumerate(plan.hints, 1)]
        lines.append(
            "then the request passes"
            if plan.passes
            else "the last change is to the page's request or to a redirect: check again after it"
        )
        fix_texts.append((d.browser.name, "\n".join(lines)))
    for names, text in _groups(fix_texts):
        out.append(style.bold(_label("fix", names, total)))
        out.append(_indent(text, "  "))
    if fix_texts:
        out.append("")
    # Notes and myths, once each.
    notes: list[str] = []
    for d in results:
        for note in d.evaluation.notes:
            text = f"[{d.browser.name}] {note_message(note)}"
            if text not in notes:
                notes.append(text)
    seen_notes = _merge_engine_lines(notes, [d.browser.name for d in results])
    if seen_notes:
        out.append(style.bold("notes"))
        out.extend(f"  - {line}" for line in seen_notes)
        out.append("")
    myth_lines: list[str] = []
    for d in results:
        for myth in d.myths:
            text = myth_message(myth)
            if text not in myth_lines:
                myth_lines.append(text)
    if myth_lines:
        out.append(style.bold("myths"))
        out.extend(f"  - {line}" for line in myth_lines)
        out.append("")
    cookie_texts = [
        (d.browser.name, "\n".join(cookie_lines(d.evaluation.cookies, d.browser)[1:]))
        for d in results
        if d.evaluation.cookies is not None
    ]
    for names, text in _groups(cookie_texts):
        out.append(style.bold(_label("cookies", names, total)))
        out.append(text)
        out.append("")
    return "\n".join(line.rstrip() for line in out).rstrip("\n") + "\n"


def _merge_engine_lines(lines: Sequence[str], engines: Sequence[str]) -> list[str]:
    """Turn "[engine] text" lines into "text (engines)" once per text."""
    by_text: dict[str, list[str]] = {}
    for line in lines:
        engine, _, text = line[1:].partition("] ")
        by_text.setdefault(text, []).append(engine)
    out = []
    for text, names in by_text.items():
        suffix = "" if len(names) == len(engines) else f" ({', '.join(names)})"
        out.append(text + suffix)
    return out


def _request_dict(request: Request) -> dict[str, Any]:
    return {
        "method": request.method,
        "url": request.url.serialize(),
        "origin": request.origin.serialize(),
        "headers": [[n, v] for n, v in request.headers],
        "credentials": request.credentials.value,
        "mode": request.mode.value,
        "redirect": request.redirect.value,
        "api": request.api.value,
        "body": None if request.body is None else request.body.kind.value,
        "upload_listener": request.upload_listener,
    }


def _result_dict(d: Diagnosis) -> dict[str, Any]:
    out = d.to_dict()
    report = d.evaluation.cookies
    if report is not None:
        out["cookies"] = {
            "top_level_site": report.top_level.serialize(),
            "needs": list(report.needs),
            "missing": list(report.missing),
            "needs_met": report.needs_met,
            "requests": [
                {
                    "url": hop.url,
                    "cookie_header": hop.header,
                    "same_site": hop.same_site,
                    "third_party": hop.third_party,
                    "sent": [c.name for c in hop.sent],
                    "not_sent": [
                        {"name": e.cookie.name, "reason": e.reason.value, "detail": e.detail}
                        for e in hop.excluded
                    ],
                    "stored": [c.name for c in hop.stored],
                    "not_stored": [
                        {"name": r.name, "reason": r.reason.value, "detail": r.detail}
                        for r in hop.rejected
                    ],
                }
                for hop in report.hops
            ],
        }
    return out


def _case_dict(case: Case, run: _Run) -> dict[str, Any]:
    keys = {(d.evaluation.allowed, _reason_text(d), _cookie_state(d)) for d in run.results}
    return {
        "name": case.name,
        "description": case.description,
        "request": _request_dict(case.request),
        "engines_agree": len(keys) <= 1 and not run.refused,
        "results": [_result_dict(d) for d in run.results],
        "script_errors": [{"browser": name, "code": exc.reason.value} for name, exc in run.refused],
    }


def _emit_report(
    cases: Sequence[Case], browser: str, args: argparse.Namespace, stdout: IO[str]
) -> int:
    profiles = _profiles(browser)
    runs = [(case, _run_case(case, profiles)) for case in cases]
    blocked = any(run.blocked for _, run in runs)
    code = EXIT_BLOCKED if blocked else EXIT_OK
    if args.json:
        report = {
            "schema": JSON_SCHEMA,
            "browsers": [p.name for p in profiles],
            "cases": [_case_dict(case, run) for case, run in runs],
            "allowed": not blocked,
            "exit_code": code,
        }
        stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        return code
    style = _Style(_use_color(args, stdout))
    stdout.write("\n".join(_render_case(case, run, style) for case, run in runs))
    return code


def _use_color(args: argparse.Namespace, stream: IO[str]) -> bool:
    if args.color == "never":
        return False
    if args.color == "always":
        return True
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _select(cases: tuple[Case, ...], name: str | None, source: str) -> tuple[Case, ...]:
    if name is None:
        return cases
    chosen = tuple(c for c in cases if c.name == name)
    if not chosen:
        known = ", ".join(c.name for c in cases)
        raise UsageError(f"--case: no case named {name!r} in {source} (cases: {known})")
    return chosen


def _cmd_check(args: argparse.Namespace, stdout: IO[str]) -> int:
    if args.scenario is not None:
        if args.url is not None:
            raise UsageError("--scenario: give either a URL with flags or --scenario, not both")
        _, cases = load_scenario(args.scenario)
        return _emit_report(_select(cases, args.case, args.scenario), args.browser, args, stdout)
    if args.case is not None:
        raise UsageError("--case: only with --scenario")
    return _emit_report((_flag_case(args),), args.browser, args, stdout)


def _cmd_explain(args: argparse.Namespace, stdout: IO[str]) -> int:
    _, cases = load_scenario(args.file)
    return _emit_report(_select(cases, args.case, args.file), args.browser, args, stdout)


def _cmd_gateway(args: argparse.Namespace, stdout: IO[str]) -> int:
    try:
        # Imported on use: the adapter is optional and pulls in PyYAML.
        from corsspec.adapters.aws.apigateway import (  # noqa: PLC0415 - optional extra
            gateway_report as report_fn,
        )
    except ModuleNotFoundError as exc:
        raise MissingExtraError("apigateway", exc.name or "yaml") from None
    if args.path == "-":
        raise UsageError(
            "-: gateway reads a template file (its CodeUri paths are relative to it), "
            "not standard input"
        )
    try:
        mode = os.stat(args.path).st_mode
    except FileNotFoundError:
        raise UsageError(f"{args.path}: no such file") from None
    except OSError as exc:
        raise UsageError(f"{args.path}: cannot read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(mode):
        kind = "is a directory, not a file" if stat.S_ISDIR(mode) else "not a regular file"
        raise UsageError(f"{args.path}: {kind} (a FIFO, device or socket is never read)")
    lambdas: dict[str, str] = {}
    for item in args.lambdas:
        key, sep, source = item.partition("=")
        if not sep or not key.strip() or not source.strip():
            raise UsageError(f"--lambda {item!r}: expected KEY=SOURCE")
        lambdas[key.strip()] = source.strip()
    try:
        report = report_fn(
            args.path,
            origins=list(args.origin),
            route=args.route,
            lambda_responses=lambdas or None,
            run_handlers=args.run_handlers,
            credentials=args.credentials,
        )
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{args.path}: cannot read ({exc})") from None
    if args.json:
        stdout.write(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        text = report.to_text(_use_color(args, stdout))
        stdout.write(text if text.endswith("\n") else text + "\n")
    return report.exit_code


# ---------------------------------------------------------------------------------------
# Argument parsing
# ---------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="machine-readable output (reason codes, never wording)",
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default=argparse.SUPPRESS,
        help="colour: auto (default; a terminal without NO_COLOR), always, never",
    )


def _browser_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--browser",
        choices=BROWSER_CHOICES,
        default="all",
        help="engine profile(s) to run; 'all' (default) shows them side by side",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``corsspec`` argument parser."""
    parser = _Parser(
        prog="corsspec",
        description="What browsers do with a cross-origin request, why, and what to change.",
        epilog="Exit codes: 0 allowed, 1 blocked, 2 bad usage or input, 3 internal error"
        " (please report it). See docs/cli.md.",
    )
    parser.add_argument("--version", action="version", version=f"corsspec {__version__}")
    parser.add_argument("--json", action="store_true", default=False, help=argparse.SUPPRESS)
    parser.add_argument(
        "--color", choices=("auto", "always", "never"), default="auto", help=argparse.SUPPRESS
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser(
        "check",
        help="one request against the server's answers (flags or a scenario file)",
        description="Evaluate one request against the server's answers and explain the verdict.",
    )
    check.add_argument("url", nargs="?", help="the URL the page fetches")
    check.add_argument("--origin", help="the page's origin, e.g. https://app.example")
    check.add_argument("-X", "--method", default="GET", help="request method (default GET)")
    check.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="a header page script sets (repeatable)",
    )
    check.add_argument(
        "--credentials",
        nargs="?",
        const="include",
        default="same-origin",
        choices=("omit", "same-origin", "include"),
        help="credentials mode; the bare flag means include (default same-origin)",
    )
    check.add_argument("--mode", default="cors", choices=("cors", "no-cors", "same-origin"))
    check.add_argument("--redirect", default="follow", choices=("follow", "error", "manual"))
    check.add_argument("--api", default="fetch", choices=("fetch", "xhr"))
    check.add_argument("--body-kind", choices=BODY_KINDS, help="what script passes as the body")
    check.add_argument("--body-type", help="the Blob's type, with --body-kind blob")
    check.add_argument(
        "--upload-listener", action="store_true", help="XHR: an upload listener is registered"
    )
    check.add_argument(
        "--reads",
        action="append",
        default=[],
        metavar="NAME",
        help="a response header script reads (repeatable); fails if script cannot read it",
    )
    spaces = ("loopback", "local", "public")
    check.add_argument(
        "--address-space", choices=spaces, help="what the URL's host resolves to (LNA)"
    )
    check.add_argument(
        "--page-address-space", choices=spaces, help="what the page's host resolves to (LNA)"
    )
    check.add_argument(
        "--target-address-space", choices=spaces, help="fetch()'s targetAddressSpace option"
    )
    check.add_argument(
        "--local-network-permission",
        default="prompt",
        choices=("granted", "denied", "prompt"),
        help="the page's local network access permission (default prompt)",
    )
    check.add_argument(
        "--preflight-response",
        nargs="+",
        metavar="LINE",
        help="answer to the preflight: STATUS then 'Name: value' lines"
        " (default: no OPTIONS handler, 405 without headers)",
    )
    check.add_argument(
        "--response",
        nargs="+",
        metavar="LINE",
        help="answer to the request: STATUS then 'Name: value' lines (default: 200, no headers)",
    )
    check.add_argument(
        "--cookie",
        action="append",
        default=[],
        metavar="'NAME=VALUE; ATTRS'",
        help="a cookie the browser holds for the API and the server needs, as its"
        " Set-Cookie value (repeatable)",
    )
    check.add_argument(
        "--page-site",
        metavar="ORIGIN",
        help="the top-level page's origin when the requesting page is embedded in it",
    )
    check.add_argument(
        "--scenario", metavar="FILE", help="take the case(s) from a scenario file (- for stdin)"
    )
    check.add_argument("--case", metavar="NAME", help="with --scenario: only this case")
    _browser_flag(check)
    _common(check)
    check.set_defaults(handler=_cmd_check)

    explain = commands.add_parser(
        "explain",
        help="every case of a scenario file",
        description="Evaluate and explain every case of a scenario file (JSON or YAML).",
    )
    explain.add_argument("file", help="scenario file (.json, .yaml or .yml), or - for stdin")
    explain.add_argument("--case", metavar="NAME", help="only this case")
    _browser_flag(explain)
    _common(explain)
    explain.set_defaults(handler=_cmd_explain)

    gateway = commands.add_parser(
        "gateway",
        help="check an API Gateway definition (OpenAPI export or SAM/CloudFormation template)",
        description="Report what browsers do with the CORS set-up of an API Gateway definition.",
    )
    gateway.add_argument("path", help="the definition file")
    gateway.add_argument(
        "--origin", action="append", default=[], help="a page origin to check (repeatable)"
    )
    gateway.add_argument("--route", help="only this route")
    gateway.add_argument(
        "--lambda",
        dest="lambdas",
        action="append",
        default=[],
        metavar="KEY=SOURCE",
        help="what a Lambda answers: KEY is 'METHOD /route', a route, or a function's logical"
        " id; SOURCE a sample response .json file or 'file.py:handler' (repeatable)",
    )
    gateway.add_argument(
        "--run-handlers",
        action="store_true",
        help="call the Python handlers the template names, in process, with a synthesized"
        " proxy event (runs the template's code)",
    )
    gateway.add_argument(
        "--credentials",
        choices=["omit", "same-origin", "include"],
        default=None,
        help="the credentials mode the page's requests use",
    )
    _common(gateway)
    gateway.set_defaults(handler=_cmd_gateway)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the command line; returns the exit code.

    0 allowed, 1 blocked, 2 bad usage or input, 3 internal error. Never raises (but
    ``SystemExit`` from ``--help``/``--version`` and ``KeyboardInterrupt``): an error is
    one line on ``stderr`` and, with ``--json``, also a JSON object on ``stdout``.
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    arg_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(arg_list)
        if args.command is None:
            raise UsageError("give a command: check, explain or gateway (see corsspec --help)")
        handler: Callable[[argparse.Namespace, IO[str]], int] = args.handler
        return handler(args, out)
    except (UsageError, CorsspecError) as exc:
        return _fail(EXIT_USAGE, "usage", _text_of(exc), arg_list, out, err)
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the one place a bug becomes exit code 3
        message = (
            f"internal error ({type(exc).__name__}: {_text_of(exc)}); this is a bug in corsspec "
            f"{__version__}: please report it, with the command line and its input files "
            "(SECURITY.md says how)"
        )
        return _fail(EXIT_INTERNAL, "internal", message, arg_list, out, err)


#: An error message longer than this is cut (a bad value can be megabytes long).
_MAX_ERROR_CHARS = 2000


def _fail(
    code: int, kind: str, message: str, argv: Sequence[str], out: IO[str], err: IO[str]
) -> int:
    """Report an error: one line on ``err``; with ``--json``, an error object on ``out``."""
    line = _one_line(message)
    try:
        err.write(f"corsspec: error: {line}\n")
        if "--json" in argv[: argv.index("--") if "--" in argv else len(argv)]:
            body = {"schema": JSON_ERROR_SCHEMA, "error": kind, "message": line, "exit_code": code}
            out.write(json.dumps(body, ensure_ascii=False) + "\n")
    except (BrokenPipeError, ValueError):
        pass  # nowhere left to report to
    return code


def _text_of(exc: BaseException) -> str:
    """``str(exc)``, even when that raises (a value too large to print, say)."""
    try:
        return str(exc)
    except Exception:  # a message must not raise again
        return f"{type(exc).__name__} (its message cannot be printed)"


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > _MAX_ERROR_CHARS:
        text = f"{text[:_MAX_ERROR_CHARS]}… ({len(text) - _MAX_ERROR_CHARS} more characters)"
    return text

"""Fixes: per reason, the concrete change (which header, on which response, which value)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from corsspec.engine._abnf import is_token
from corsspec.engine.browsers import BrowserProfile
from corsspec.engine.fetch import Evaluation, Exchange, evaluate
from corsspec.engine.headers import byte_lowercase
from corsspec.engine.model import Request, Response
from corsspec.engine.reasons import Reason, ReasonCode, Stage
from corsspec.explain._common import (
    ACAC,
    ACAH,
    ACAM,
    ACAO,
    assert_never,
)
from corsspec.explain.messages import (
    _context,
    _display,
)

__all__ = [
    "FIX_HINTS",
    "Fix",
    "FixAction",
    "FixPlan",
    "apply_fix",
    "fix_for",
    "fix_hint",
    "fix_plan",
]


def __dir__() -> list[str]:
    return __all__


# ---------------------------------------------------------------------------------------
# Fixes
# ---------------------------------------------------------------------------------------


class FixAction(enum.Enum):
    """What kind of change a fix asks for."""

    #: Send ``header: value`` on the response (replacing any line of that header).
    SET_HEADER = "set-header"
    #: Add ``value`` to the comma-separated list ``header`` on the response.
    ADD_TO_LIST = "add-to-list"
    #: Answer with status ``value`` (and no redirect).
    SET_STATUS = "set-status"
    #: The page must make a different request (mode, redirect option, URL, body).
    CHANGE_REQUEST = "change-request"
    #: The server must redirect differently (or not at all).
    CHANGE_REDIRECT = "change-redirect"


@attrs.frozen(kw_only=True)
class Fix:
    """One concrete change: what to do, on which response, with which header and value.

    ``response`` is :attr:`Stage.PREFLIGHT` (the OPTIONS response), :attr:`Stage.ACTUAL`
    (the response to the request itself), :attr:`Stage.REDIRECT` (a redirect response on
    the way) or :attr:`Stage.REQUEST` (a change in the page's code, not the server's).
    """

    code: ReasonCode
    action: FixAction
    response: Stage
    header: str | None = None
    value: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """Stable machine-readable form (codes and values, no wording)."""
        return {
            "reason": self.code.value,
            "action": self.action.value,
            "response": self.response.value,
            "header": self.header,
            "value": self.value,
        }


def _fix_template(code: ReasonCode) -> str:
    """The fix hint for a reason code, as a template over :func:`console_message`'s fields."""
    match code:
        case ReasonCode.DISALLOWED_BY_MODE:
            return (
                'the page asked for mode "same-origin" but {url} is another origin: use mode'
                ' "cors" (the default) and have the server answer with CORS headers, or serve'
                " it from {origin}"
            )
        case ReasonCode.NO_CORS_REDIRECT_NOT_FOLLOW:
            return (
                'mode "no-cors" only works with redirect: "follow": drop the redirect option'
                ' (or use mode "cors" if the page needs to read the response)'
            )
        case ReasonCode.CORS_DISABLED_SCHEME:
            return (
                "{url} uses the {scheme}: scheme, which CORS does not cover: serve it over http(s)"
                " (for local files, run a local web server instead of opening file:// pages)"
            )
        case ReasonCode.HEADER_NOT_EXPOSED:
            return (
                "script will read null for: {header_lower}; add Access-Control-Expose-Headers:"
                " {value} to the actual response (credentialed requests need the name itself,"
                ' not "*")'
            )
        case ReasonCode.MIXED_CONTENT:
            return (
                "serve the API over https (an https page may not fetch {url} over plain http;"
                " no request is sent, so no server header can fix it); for a server on the"
                " user's machine use http://localhost or http://127.0.0.1, which browsers treat"
                " as trustworthy, and for a device on the local network Chromium lets the page"
                ' ask for local network access (the fetch() option targetAddressSpace: "local")'
            )
        case ReasonCode.LOCAL_NETWORK_INSECURE_CONTEXT:
            return (
                "serve the page over https: only a secure context may ask for local network"
                " access, and {url} is in the {value} address space"
            )
        case ReasonCode.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH:
            return (
                'fix targetAddressSpace: the page declared "{expected}" but {url} is in the'
                ' "{value}" address space (or drop the option and serve the API over https)'
            )
        case ReasonCode.LOCAL_NETWORK_PERMISSION_DENIED:
            return (
                "the user (or the browser's policy) denied this site local network access: it"
                " must be re-granted in the site settings before {url} can be reached; or serve"
                " the API from a public https address"
            )
        case ReasonCode.LOCAL_NETWORK_PERMISSION_REQUIRED:
            return (
                "nothing is wrong with the server: the user must allow local network access for"
                " {origin} first (in tests, grant the local-network-access permission); to avoid"
                " the prompt, serve the API from a public https address"
            )
        case ReasonCode.PREFLIGHT_REDIRECT:
            return (
                "answer the OPTIONS request for {url} itself with 204 or 200 (it answered with a"
                " {status} redirect, which a preflight never follows): point the page at the"
                " final URL (often a trailing slash or http->https) or stop redirecting OPTIONS"
            )
        case ReasonCode.PREFLIGHT_STATUS_NOT_OK:
            return (
                "make the OPTIONS response for {url} return 204 or 200 (it returned {status}),"
                " with the CORS headers; the preflight carries no cookies or Authorization, so"
                " no authentication may run on OPTIONS"
            )
        case ReasonCode.ACAM_INVALID:
            return (
                "fix Access-Control-Allow-Methods on the OPTIONS response: '{value}' is not a"
                ' comma-separated list of method names; send e.g. "{method}"'
            )
        case ReasonCode.ACAH_INVALID:
            return (
                "fix Access-Control-Allow-Headers on the OPTIONS response: '{value}' is not a"
                " comma-separated list of header names (item '{token}' is not a token)"
            )
        case ReasonCode.METHOD_NOT_ALLOWED:
            return (
                'add "{method}" to Access-Control-Allow-Methods on the OPTIONS response'
                " (method names are case-sensitive)"
            )
        case ReasonCode.HEADER_NOT_ALLOWED:
            return 'add "{value}" to Access-Control-Allow-Headers on the OPTIONS response'
        case ReasonCode.ACAO_MISSING:
            return 'send "Access-Control-Allow-Origin: {expected}" on the {response}'
        case ReasonCode.ACAO_MULTIPLE:
            return (
                'send exactly one "Access-Control-Allow-Origin: {expected}" on the {response}'
                " (it has '{value}'; the header holds one origin, so echo the request's Origin"
                " when it is on your allow-list, and add Vary: Origin)"
            )
        case ReasonCode.ACAO_INVALID:
            return (
                'send "Access-Control-Allow-Origin: {expected}" on the {response} instead of'
                " '{value}', which is not an origin (scheme://host[:port], no path, no slash)"
            )
        case ReasonCode.ACAO_MISMATCH:
            return (
                'send "Access-Control-Allow-Origin: {expected}" on the {response} instead of'
                " '{value}' (the comparison is exact: scheme, host and port)"
            )
        case ReasonCode.ACAO_WILDCARD_WITH_CREDENTIALS:
            return (
                'send "Access-Control-Allow-Origin: {expected}" (the exact origin, never "*" with'
                " credentials) and Vary: Origin on the {response}"
            )
        case ReasonCode.ACAC_NOT_TRUE:
            return (
                'send "Access-Control-Allow-Credentials: true" on the {response} (it is'
                ' {value_or_absent}); or drop credentials: "include" if the request needs no'
                " cookies"
            )
        case ReasonCode.REDIRECT_MODE_ERROR:
            return (
                'the request uses redirect: "error" and {url} answered with a {status} redirect:'
                " call the final URL directly, or allow redirects"
            )
        case ReasonCode.REDIRECT_TOO_MANY:
            return (
                "the redirect chain from {first_url} is longer than {max_redirects} hops: break"
                " the redirect loop on the server"
            )
        case ReasonCode.REDIRECT_HAS_CREDENTIALS:
            return (
                "remove user:password from the redirect's Location ({target}); send credentials"
                " in a header instead"
            )
        case ReasonCode.REDIRECT_INVALID_LOCATION:
            return "send one valid URL in Location on the {status} response (it has '{value}')"
        case ReasonCode.REDIRECT_NON_HTTP_SCHEME:
            return "redirect only to http(s) URLs (the {status} response points at {target})"
        case ReasonCode.REDIRECT_STREAM_BODY:
            return (
                "a streamed request body cannot be resent after a {status} redirect: call the"
                " final URL directly, or send the body as a Blob or ArrayBuffer"
            )
        case _:
            return assert_never(code)


#: Reason code -> fix hint template (placeholders as in :func:`console_message`).
FIX_HINTS: Mapping[ReasonCode, str] = MappingProxyType({c: _fix_template(c) for c in ReasonCode})


def fix_for(reason: Reason, request: Request | None = None) -> Fix:
    """The change that removes ``reason``, as data (which header, which response, value)."""
    code = reason.code
    stage = reason.stage
    match code:
        case (
            ReasonCode.DISALLOWED_BY_MODE
            | ReasonCode.NO_CORS_REDIRECT_NOT_FOLLOW
            | ReasonCode.CORS_DISABLED_SCHEME
            | ReasonCode.MIXED_CONTENT
            | ReasonCode.LOCAL_NETWORK_INSECURE_CONTEXT
            | ReasonCode.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH
            | ReasonCode.LOCAL_NETWORK_PERMISSION_DENIED
            | ReasonCode.LOCAL_NETWORK_PERMISSION_REQUIRED
        ):
            return Fix(code=code, action=FixAction.CHANGE_REQUEST, response=Stage.REQUEST)
        case ReasonCode.PREFLIGHT_REDIRECT | ReasonCode.PREFLIGHT_STATUS_NOT_OK:
            return Fix(
                code=code, action=FixAction.SET_STATUS, response=Stage.PREFLIGHT, value="204"
            )
        case ReasonCode.ACAM_INVALID:
            method = reason.expected or (request.method if request is not None else "GET")
            return Fix(
                code=code,
                action=FixAction.SET_HEADER,
                response=Stage.PREFLIGHT,
                header=ACAM,
                value=method,
            )
        case ReasonCode.ACAH_INVALID:
            return Fix(
                code=code,
                action=FixAction.SET_HEADER,
                response=Stage.PREFLIGHT,
                header=ACAH,
                value=_repaired_list(reason.value or ""),
            )
        case ReasonCode.METHOD_NOT_ALLOWED:
            return Fix(
                code=code,
                action=FixAction.ADD_TO_LIST,
                response=Stage.PREFLIGHT,
                header=ACAM,
                value=reason.value,
            )
        case ReasonCode.HEADER_NOT_ALLOWED:
            return Fix(
                code=code,
                action=FixAction.ADD_TO_LIST,
                response=Stage.PREFLIGHT,
                header=ACAH,
                value=reason.value,
            )
        case (
            ReasonCode.ACAO_MISSING
            | ReasonCode.ACAO_MULTIPLE
            | ReasonCode.ACAO_INVALID
            | ReasonCode.ACAO_MISMATCH
            | ReasonCode.ACAO_WILDCARD_WITH_CREDENTIALS
        ):
            return Fix(
                code=code,
                action=FixAction.SET_HEADER,
                response=stage,
                header=ACAO,
                value=reason.expected,
            )
        case ReasonCode.ACAC_NOT_TRUE:
            return Fix(
                code=code, action=FixAction.SET_HEADER, response=stage, header=ACAC, value="true"
            )
        case ReasonCode.REDIRECT_MODE_ERROR | ReasonCode.REDIRECT_STREAM_BODY:
            return Fix(code=code, action=FixAction.CHANGE_REQUEST, response=Stage.REQUEST)
        case ReasonCode.HEADER_NOT_EXPOSED:
            return Fix(
                code=code,
                action=FixAction.ADD_TO_LIST,
                response=Stage.ACTUAL,
                header="access-control-expose-headers",
                value=reason.value,
            )
        case (
            ReasonCode.REDIRECT_TOO_MANY
            | ReasonCode.REDIRECT_HAS_CREDENTIALS
            | ReasonCode.REDIRECT_INVALID_LOCATION
            | ReasonCode.REDIRECT_NON_HTTP_SCHEME
        ):
            return Fix(
                code=code,
                action=FixAction.CHANGE_REDIRECT,
                response=Stage.REDIRECT,
                header="location",
            )
        case _:
            return assert_never(code)


def _repaired_list(value: str) -> str:
    items = [piece.strip(" \t") for piece in value.split(",")]
    return ", ".join(item for item in items if item and is_token(item))


def fix_hint(evaluation: Evaluation, browser: BrowserProfile | None = None) -> str | None:
    """The fix for the evaluation's reason, in words (None when allowed)."""
    reason = evaluation.reason
    if reason is None:
        return None
    profile = browser or evaluation.browser
    return FIX_HINTS[reason.code].format_map(_context(evaluation, reason, profile))


def _with_header(response: Response, name: str, value: str, *, add_to_list: bool) -> Response:
    kept: list[tuple[str, str]] = []
    existing: list[str] = []
    for header_name, header_value in response.headers:
        if byte_lowercase(header_name.strip(" \t")) == name:
            existing.append(header_value)
        else:
            kept.append((header_name, header_value))
    if add_to_list and existing:
        items = [p.strip(" \t") for line in existing for p in line.split(",")]
        items = [item for item in items if item and is_token(item)]
        if value not in items:
            items.append(value)
        value = ", ".join(items)
    kept.append((_display(name), value))
    return Response(status=response.status, headers=tuple(kept), body=response.body)


def apply_fix(exchange: Exchange, fix: Fix) -> Exchange | None:
    """The exchange with ``fix`` applied to the server's answers (None: not a server fix)."""
    if fix.action in (FixAction.CHANGE_REQUEST, FixAction.CHANGE_REDIRECT):
        return None
    if fix.response is Stage.PREFLIGHT:
        # No OPTIONS handler is a 405 without headers (see Exchange).
        target = exchange.preflight if exchange.preflight is not None else Response(status=405)
    elif fix.response in (Stage.ACTUAL, Stage.REDIRECT):
        target = exchange.actual
    else:
        return None
    if fix.action is FixAction.SET_STATUS:
        kept = tuple((n, v) for n, v in target.headers if byte_lowercase(n) != "location")
        patched = Response(status=int(fix.value or "204"), headers=kept, body=target.body)
    elif fix.header is None or fix.value is None:
        return None
    else:
        patched = _with_header(
            target, fix.header, fix.value, add_to_list=fix.action is FixAction.ADD_TO_LIST
        )
    if fix.response is Stage.PREFLIGHT:
        return Exchange(preflight=patched, actual=exchange.actual)
    return Exchange(preflight=exchange.preflight, actual=patched)


@attrs.frozen(kw_only=True)
class FixPlan:
    """Every change, in order, that makes a request pass against a canned exchange."""

    fixes: tuple[Fix, ...] = ()
    #: Each fix in words, worded against the evaluation it repairs.
    hints: tuple[str, ...] = ()
    #: Whether the request passes once every fix is applied (False when a fix is a change
    #: to the page's request or to a redirect, which a canned exchange cannot express).
    passes: bool = False


def fix_plan(
    request: Request, exchange: Exchange, browser: BrowserProfile, *, max_steps: int = 12
) -> FixPlan:
    """Apply fixes to ``exchange`` and evaluate again until ``request`` passes in ``browser``.

    So a user sees every change the server needs (say, ACAC on the preflight *and* ACAO
    on the actual response), not only the first one the browser reports.
    """
    fixes: list[Fix] = []
    hints: list[str] = []
    current = exchange
    for _ in range(max_steps):
        evaluation = evaluate(request, current, browser=browser)
        reason = evaluation.reason
        if reason is None:
            return FixPlan(fixes=tuple(fixes), hints=tuple(hints), passes=True)
        fix = fix_for(reason, request)
        fixes.append(fix)
        hints.append(fix_hint(evaluation) or "")
        patched = apply_fix(current, fix)
        if patched is None or patched == current:
            break
        current = patched
    return FixPlan(fixes=tuple(fixes), hints=tuple(hints), passes=False)

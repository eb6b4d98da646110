"""Words for verdicts: what each browser prints for a reason, why, and what to change.

Codes live in :mod:`corsspec.engine.reasons`; this module is the wording over them, in layers:

* :data:`CONSOLE_MESSAGES` — for every (engine, reason code) pair, the message that
  engine's console prints, as a template whose ``{placeholders}`` are filled with the
  real origin, URL, header and value (:func:`console_message`). The strings of real
  engines are copied from their sources (Chromium ``cors_error_string.cc`` and
  ``fetch_manager.cc``, Firefox ``security.properties``, WebKit
  ``CrossOriginAccessControl.cpp`` and ``NetworkLoadChecker.cpp``); pairs in
  :data:`APPROXIMATE` are the few where an engine prints no dedicated message, and the
  entry says in our words what the developer sees. The ``spec`` family is our own
  account of the Fetch Standard step.
* :data:`FIX_HINTS` — per reason code, the concrete change: which header, on which
  response (preflight or actual), with which value; :func:`fix_for` gives the same as
  data (:class:`Fix`), and :func:`fix_plan` applies fixes to an :class:`Exchange` until
  the request passes, so a user sees every change, not just the first.
* :func:`preflight_causes` — why a preflight was needed (which method, which header,
  which value rule it broke).
* :func:`trace` — every check in the order the browser runs it, with the observed and
  the expected value.
* :func:`myths` — corrections for CORS folklore, attached where they apply.
* :func:`diagnose` bundles all of that; :func:`explain` renders it as text, and
  :func:`render_reason_catalogue` renders ``docs/reasons.md``.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs

from corsspec.engine._abnf import is_token
from corsspec.engine.browsers import SPEC, BrowserFamily, BrowserProfile, PreflightCheckOrder
from corsspec.engine.fetch import Evaluation, Exchange, evaluate, is_preflight
from corsspec.engine.headers import FAILURE, HeaderNameSet, byte_lowercase, extract_list_values, get
from corsspec.engine.model import Api, Mode, Request, Response, default_content_type
from corsspec.engine.preflight import (
    REDIRECT_STATUSES,
    effective_body,
    prepare_headers,
    uses_cors_preflight_flag,
)
from corsspec.engine.reasons import Note, NoteCode, Reason, ReasonCode, Stage
from corsspec.engine.safelist import (
    CORS_NON_WILDCARD_REQUEST_HEADER_NAMES,
    SAFELISTED_CONTENT_TYPE_ESSENCES,
    SAFELISTED_VALUE_BUDGET,
    SAFELISTED_VALUE_MAX_LEN,
    has_cors_unsafe_byte,
    is_client_hint_safelisted,
    is_cors_safelisted_method,
    is_cors_safelisted_request_header,
    parse_mime_essence,
    parse_single_range,
)
from corsspec.engine.url import try_parse_url

__all__ = [
    "APPROXIMATE",
    "CAUSE_MESSAGES",
    "CONSOLE_MESSAGES",
    "FIX_HINTS",
    "MYTH_MESSAGES",
    "NOTE_MESSAGES",
    "CauseCode",
    "Check",
    "CheckCode",
    "Diagnosis",
    "Fix",
    "FixAction",
    "FixPlan",
    "Myth",
    "MythCode",
    "Outcome",
    "PreflightCause",
    "apply_fix",
    "cause_message",
    "check_for_reason",
    "check_line",
    "console_message",
    "diagnose",
    "explanation",
    "fix_for",
    "fix_hint",
    "fix_plan",
    "myth_message",
    "myths",
    "note_message",
    "preflight_causes",
    "render_reason_catalogue",
    "trace",
]

if sys.version_info >= (3, 11):
    from typing import assert_never
else:  # pragma: no cover - Python 3.10
    from typing import NoReturn

    def assert_never(value: NoReturn, /) -> NoReturn:
        """Exhaustiveness check: mypy reports any call it can reach."""
        raise AssertionError(f"unhandled value: {value!r}")


def __dir__() -> list[str]:
    return __all__


ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
ACAM = "access-control-allow-methods"
ACAH = "access-control-allow-headers"
ACMA = "access-control-max-age"
ACRM = "access-control-request-method"
ACRH = "access-control-request-headers"

#: Display casing of the header names that reasons and fixes mention.
_DISPLAY_NAMES: Mapping[str, str] = {
    ACAO: "Access-Control-Allow-Origin",
    ACAC: "Access-Control-Allow-Credentials",
    ACAM: "Access-Control-Allow-Methods",
    ACAH: "Access-Control-Allow-Headers",
    ACMA: "Access-Control-Max-Age",
    "location": "Location",
}

#: What Chromium lists in kCorsDisabledScheme (SchemeRegistry; varies by build/embedder).
CHROMIUM_CORS_SCHEMES = (
    "http, data, isolated-app, chrome-extension, chrome, https, chrome-untrusted"
)


# ---------------------------------------------------------------------------------------
# Console messages
# ---------------------------------------------------------------------------------------

# Chromium: cors_error_string.cc GetErrorStringForConsoleMessage (envelope + text).
_CR = (
    "Access to {kind} at '{url}' {redirected}from origin '{origin}' has been blocked by CORS"
    " policy: "
)
# Chromium: the envelope for preflight-class errors adds "Response to preflight ...".
_CRP = _CR + "{preflight}"
# Firefox: security.properties, every CORS* key starts like this.
_FF = (
    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource"
    " at {url}. (Reason: "
)
# WebKit logs the specific error, then this line (DocumentThreadableLoader / FetchLoader).
_WK = "\n{api} cannot load {url} due to access control checks."
# Chromium's suffix on ACAO value errors for fetch() initiators (recent versions).
_CR_FETCH_HINT = " Have the server send the header with a valid value."
# Chromium's suffix on credential errors for XMLHttpRequest initiators.
_CR_XHR_HINT = (
    " The credentials mode of requests initiated by the XMLHttpRequest is controlled by"
    " the withCredentials attribute."
)

_C = BrowserFamily.CHROMIUM
_F = BrowserFamily.FIREFOX
_W = BrowserFamily.WEBKIT
_S = BrowserFamily.SPEC
_R = ReasonCode

#: (engine, reason code) -> console message template. Placeholders: see :func:`console_message`.
CONSOLE_MESSAGES: Mapping[tuple[BrowserFamily, ReasonCode], str] = MappingProxyType(
    {
        # -- Chromium -----------------------------------------------------------------------
        (_C, _R.DISALLOWED_BY_MODE): (
            'Fetch API cannot load {url}. Request mode is "same-origin" but the URL\'s origin is'
            " not same as the request origin {origin}."
        ),
        (_C, _R.NO_CORS_REDIRECT_NOT_FOLLOW): (
            'Fetch API cannot load {url}. Request mode is "no-cors" but the redirect mode is not'
            ' "follow".'
        ),
        (_C, _R.CORS_DISABLED_SCHEME): (
            'Fetch API cannot load {url}. URL scheme must be "http" or "https" for CORS request.'
        ),
        (_C, _R.PREFLIGHT_REDIRECT): _CRP + "Redirect is not allowed for a preflight request.",
        (_C, _R.PREFLIGHT_STATUS_NOT_OK): _CRP + "It does not have HTTP ok status.",
        (_C, _R.ACAM_INVALID): _CR
        + (
            "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
        ),
        (_C, _R.ACAH_INVALID): _CR
        + (
            "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
        ),
        (_C, _R.METHOD_NOT_ALLOWED): _CR
        + ("Method {method} is not allowed by Access-Control-Allow-Methods in preflight response."),
        (_C, _R.HEADER_NOT_ALLOWED): _CR
        + (
            "Request header field {value} is not allowed by Access-Control-Allow-Headers in"
            " preflight response."
        ),
        (_C, _R.ACAO_MISSING): _CRP
        + ("No 'Access-Control-Allow-Origin' header is present on the requested resource."),
        (_C, _R.ACAO_MULTIPLE): _CRP
        + (
            "The 'Access-Control-Allow-Origin' header contains multiple values '{value}', but only"
            " one is allowed.{fetch_hint}"
        ),
        (_C, _R.ACAO_INVALID): _CRP
        + (
            "The 'Access-Control-Allow-Origin' header contains the invalid value"
            " '{value}'.{fetch_hint}"
        ),
        (_C, _R.ACAO_MISMATCH): _CRP
        + (
            "The 'Access-Control-Allow-Origin' header has a value '{value}' that is not equal to"
            " the"
            " supplied origin.{fetch_hint}"
        ),
        (_C, _R.ACAO_WILDCARD_WITH_CREDENTIALS): _CRP
        + (
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be the"
            " wildcard '*' when the request's credentials mode is 'include'.{xhr_hint}"
        ),
        (_C, _R.ACAC_NOT_TRUE): _CRP
        + (
            "The value of the 'Access-Control-Allow-Credentials' header in the response is"
            " '{value}'"
            " which must be 'true' when the request's credentials mode is 'include'.{xhr_hint}"
        ),
        (_C, _R.REDIRECT_MODE_ERROR): (
            "{method} {url} net::ERR_FAILED (no CORS message: the response is a {status}"
            ' redirect and the redirect mode is "error"; fetch() rejects with TypeError:'
            " Failed to fetch)"
        ),
        (_C, _R.REDIRECT_TOO_MANY): "{method} {url} net::ERR_TOO_MANY_REDIRECTS",
        (_C, _R.REDIRECT_HAS_CREDENTIALS): _CR
        + (
            "Redirect location '{target}' contains a username and password, which is disallowed for"
            " cross-origin requests."
        ),
        (_C, _R.REDIRECT_INVALID_LOCATION): "{method} {url} net::ERR_INVALID_REDIRECT",
        (_C, _R.REDIRECT_NON_HTTP_SCHEME): (
            "Access to {kind} at '{target}' (redirected from '{first_url}') from origin '{origin}'"
            " has been blocked by CORS policy: Cross origin requests are only supported for"
            " protocol schemes: {schemes}."
        ),
        (_C, _R.REDIRECT_STREAM_BODY): (
            "{method} {url} net::ERR_FAILED (no CORS message: a streamed request body cannot be"
            " resent after a {status} redirect)"
        ),
        # -- Firefox ------------------------------------------------------------------------
        (
            _F,
            _R.DISALLOWED_BY_MODE,
        ): "Security Error: Content at {origin}/ may not load data from {url}.",
        (_F, _R.NO_CORS_REDIRECT_NOT_FOLLOW): (
            "TypeError: NetworkError when attempting to fetch resource. (no console message:"
            ' mode "no-cors" requires redirect mode "follow")'
        ),
        (_F, _R.CORS_DISABLED_SCHEME): _FF + "CORS request not http).",
        (_F, _R.PREFLIGHT_REDIRECT): _FF + "CORS request external redirect not allowed).",
        (_F, _R.PREFLIGHT_STATUS_NOT_OK): (
            _FF + "CORS preflight response did not succeed). Status code: {status}."
        ),
        (_F, _R.ACAM_INVALID): (
            _FF + "invalid token \u2018{token}\u2019 in CORS header"
            " \u2018Access-Control-Allow-Methods\u2019)."
        ),
        (_F, _R.ACAH_INVALID): (
            _FF + "invalid token \u2018{token}\u2019 in CORS header"
            " \u2018Access-Control-Allow-Headers\u2019)."
        ),
        (_F, _R.METHOD_NOT_ALLOWED): (
            _FF + "Did not find method in CORS header \u2018Access-Control-Allow-Methods\u2019)."
        ),
        (_F, _R.HEADER_NOT_ALLOWED): (
            _FF + "header \u2018{value}\u2019 is not allowed according to header"
            " \u2018Access-Control-Allow-Headers\u2019 from CORS preflight response)."
        ),
        (_F, _R.ACAO_MISSING): (
            _FF
            + "CORS header \u2018Access-Control-Allow-Origin\u2019 missing). Status code: {status}."
        ),
        (_F, _R.ACAO_MULTIPLE): (
            _FF + "Multiple CORS header \u2018Access-Control-Allow-Origin\u2019 not allowed)."
        ),
        (_F, _R.ACAO_INVALID): (
            _FF + "CORS header \u2018Access-Control-Allow-Origin\u2019 does not match"
            " \u2018{value}\u2019)."
        ),
        (_F, _R.ACAO_MISMATCH): (
            _FF + "CORS header \u2018Access-Control-Allow-Origin\u2019 does not match"
            " \u2018{value}\u2019)."
        ),
        (_F, _R.ACAO_WILDCARD_WITH_CREDENTIALS): (
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote"
            " resource at \u2018{url}\u2019. (Reason: Credential is not supported if the CORS"
            " header"
            " \u2018Access-Control-Allow-Origin\u2019 is \u2018*\u2019)."
        ),
        (_F, _R.ACAC_NOT_TRUE): (
            _FF + "expected \u2018true\u2019 in CORS header"
            " \u2018Access-Control-Allow-Credentials\u2019)."
        ),
        (_F, _R.REDIRECT_MODE_ERROR): (
            "TypeError: NetworkError when attempting to fetch resource. (no console message: the"
            ' request\'s redirect mode is "error" and {url} answered {status})'
        ),
        (_F, _R.REDIRECT_TOO_MANY): (
            "TypeError: NetworkError when attempting to fetch resource. (no CORS message: more than"
            " {max_redirects} redirects)"
        ),
        (_F, _R.REDIRECT_HAS_CREDENTIALS): (
            "TypeError: NetworkError when attempting to fetch resource. (no console message: the"
            " redirect target {target} contains credentials)"
        ),
        (_F, _R.REDIRECT_INVALID_LOCATION): (
            "TypeError: NetworkError when attempting to fetch resource. (no CORS message: the"
            " Location header of the {status} response is not a usable URL)"
        ),
        (_F, _R.REDIRECT_NON_HTTP_SCHEME): _FF + "CORS request not http).",
        (_F, _R.REDIRECT_STREAM_BODY): (
            "TypeError: NetworkError when attempting to fetch resource. (no CORS message: a"
            " streamed request body cannot be resent after a {status} redirect)"
        ),
        # -- WebKit -------------------------------------------------------------------------
        (_W, _R.DISALLOWED_BY_MODE): (
            "Cross origin requests are not allowed when using same-origin fetch mode." + _WK
        ),
        (_W, _R.NO_CORS_REDIRECT_NOT_FOLLOW): (
            'TypeError: Load failed (no console message: mode "no-cors" requires redirect mode'
            ' "follow")'
        ),
        (_W, _R.CORS_DISABLED_SCHEME): "Cross origin requests are only supported for HTTP." + _WK,
        (_W, _R.PREFLIGHT_REDIRECT): "Preflight response is not successful. Status code: {status}"
        + _WK,
        (_W, _R.PREFLIGHT_STATUS_NOT_OK): (
            "Preflight response is not successful. Status code: {status}" + _WK
        ),
        (_W, _R.ACAM_INVALID): "Header Access-Control-Allow-Methods has an invalid value: {value}"
        + _WK,
        (_W, _R.ACAH_INVALID): "Header Access-Control-Allow-Headers has an invalid value: {value}"
        + _WK,
        (
            _W,
            _R.METHOD_NOT_ALLOWED,
        ): "Method {method} is not allowed by Access-Control-Allow-Methods." + _WK,
        (_W, _R.HEADER_NOT_ALLOWED): (
            "Request header field {request_header} is not allowed by Access-Control-Allow-Headers."
            + _WK
        ),
        (_W, _R.ACAO_MISSING): (
            "Origin {sent_origin} is not allowed by Access-Control-Allow-Origin. Status code:"
            " {status}" + _WK
        ),
        (_W, _R.ACAO_MULTIPLE): "Access-Control-Allow-Origin cannot contain more than one origin."
        + _WK,
        (_W, _R.ACAO_INVALID): (
            "Origin {sent_origin} is not allowed by Access-Control-Allow-Origin. Status code:"
            " {status}" + _WK
        ),
        (_W, _R.ACAO_MISMATCH): (
            "Origin {sent_origin} is not allowed by Access-Control-Allow-Origin. Status code:"
            " {status}" + _WK
        ),
        (_W, _R.ACAO_WILDCARD_WITH_CREDENTIALS): (
            "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."
            + _WK
        ),
        (_W, _R.ACAC_NOT_TRUE): (
            'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".' + _WK
        ),
        (_W, _R.REDIRECT_MODE_ERROR): "Not allowed to follow a redirection while loading {url}"
        + _WK,
        (_W, _R.REDIRECT_TOO_MANY): "Load cannot follow more than {max_redirects} redirections"
        + _WK,
        (_W, _R.REDIRECT_HAS_CREDENTIALS): (
            "Cross-origin redirection to {target} denied by Cross-Origin Resource Sharing policy:"
            " redirection URL {target} has credentials" + _WK
        ),
        (_W, _R.REDIRECT_INVALID_LOCATION): (
            "TypeError: Load failed (no CORS message: the Location header of the {status} response"
            " is not a usable URL)"
        ),
        (_W, _R.REDIRECT_NON_HTTP_SCHEME): (
            "Cross-origin redirection to {target} denied by Cross-Origin Resource Sharing policy:"
            " not allowed to follow a cross-origin CORS redirection with non CORS scheme" + _WK
        ),
        (_W, _R.REDIRECT_STREAM_BODY): (
            "TypeError: Load failed (no CORS message: a streamed request body cannot be resent"
            " after a {status} redirect)"
        ),
        # -- The Fetch Standard, in corsspec's words ----------------------------------------
        (_S, _R.DISALLOWED_BY_MODE): (
            'Main fetch: the request\'s mode is "same-origin" but {url} is not same origin with'
            " {origin}: network error."
        ),
        (_S, _R.NO_CORS_REDIRECT_NOT_FOLLOW): (
            'Main fetch: mode "no-cors" with redirect mode "{value}" (not "follow"): network error.'
        ),
        (_S, _R.CORS_DISABLED_SCHEME): (
            'Main fetch: {url} is not an HTTP(S) URL, so it cannot be fetched in mode "cors":'
            " network error."
        ),
        (_S, _R.PREFLIGHT_REDIRECT): (
            "CORS-preflight fetch: the preflight response is a {status} redirect, which is not an"
            " ok"
            " status: network error."
        ),
        (_S, _R.PREFLIGHT_STATUS_NOT_OK): (
            "CORS-preflight fetch step 7: the preflight response status {status} is not an ok"
            " status"
            " (200-299): network error."
        ),
        (_S, _R.ACAM_INVALID): (
            "CORS-preflight fetch step 7.1: Access-Control-Allow-Methods '{value}' does not parse"
            " as"
            " a list of method tokens: network error."
        ),
        (_S, _R.ACAH_INVALID): (
            "CORS-preflight fetch step 7.2: Access-Control-Allow-Headers '{value}' does not parse"
            " as"
            " a list of header names: network error."
        ),
        (_S, _R.METHOD_NOT_ALLOWED): (
            "CORS-preflight fetch step 7.4: the method {method} is not in"
            " Access-Control-Allow-Methods"
            " and no usable '*' covers it: network error."
        ),
        (_S, _R.HEADER_NOT_ALLOWED): (
            "CORS-preflight fetch step 7.5/7.6: the request header {value} is not in"
            " Access-Control-Allow-Headers and no usable '*' covers it: network error."
        ),
        (_S, _R.ACAO_MISSING): (
            "CORS check on the {stage} response: Access-Control-Allow-Origin is absent; it must be"
            " '{expected}': network error."
        ),
        (_S, _R.ACAO_MULTIPLE): (
            "CORS check on the {stage} response: Access-Control-Allow-Origin is '{value}' (several"
            " values), which is not byte-for-byte '{expected}': network error."
        ),
        (_S, _R.ACAO_INVALID): (
            "CORS check on the {stage} response: Access-Control-Allow-Origin '{value}' is not an"
            " origin, so it is not '{expected}': network error."
        ),
        (_S, _R.ACAO_MISMATCH): (
            "CORS check on the {stage} response: Access-Control-Allow-Origin is '{value}', not"
            " '{expected}': network error."
        ),
        (_S, _R.ACAO_WILDCARD_WITH_CREDENTIALS): (
            "CORS check on the {stage} response: credentials mode is \"include\", so '*' does not"
            " match; Access-Control-Allow-Origin must be '{expected}': network error."
        ),
        (_S, _R.ACAC_NOT_TRUE): (
            'CORS check on the {stage} response: credentials mode is "include" and'
            " Access-Control-Allow-Credentials is {value_or_absent}, not 'true': network error."
        ),
        (_S, _R.REDIRECT_MODE_ERROR): (
            "HTTP fetch step 5: the response is a {status} redirect and the redirect mode is"
            ' "error":'
            " network error."
        ),
        (_S, _R.REDIRECT_TOO_MANY): (
            "HTTP-redirect fetch step 5: the redirect count reached {max_redirects}: network error."
        ),
        (_S, _R.REDIRECT_HAS_CREDENTIALS): (
            "HTTP-redirect fetch step 8: the location URL {target} includes credentials: network"
            " error."
        ),
        (_S, _R.REDIRECT_INVALID_LOCATION): (
            "HTTP fetch: the Location '{value}' of the {status} response does not parse as a URL:"
            " network error."
        ),
        (_S, _R.REDIRECT_NON_HTTP_SCHEME): (
            "HTTP-redirect fetch step 6: the location URL {target} is not an HTTP(S) URL: network"
            " error."
        ),
        (_S, _R.REDIRECT_STREAM_BODY): (
            "HTTP-redirect fetch step 11: a {status} redirect of a request whose body is a stream"
            " cannot resend the body: network error."
        ),
    }
)

#: Pairs where the engine prints no dedicated console message for the reason (or its
#: trigger is not confirmed in the engine's source): the entry says, partly in our words,
#: what the developer sees.
APPROXIMATE: frozenset[tuple[BrowserFamily, ReasonCode]] = frozenset(
    {
        (_C, _R.REDIRECT_MODE_ERROR),
        (_C, _R.REDIRECT_TOO_MANY),
        (_C, _R.REDIRECT_INVALID_LOCATION),
        (_C, _R.REDIRECT_STREAM_BODY),
        (_F, _R.DISALLOWED_BY_MODE),
        (_F, _R.NO_CORS_REDIRECT_NOT_FOLLOW),
        (_F, _R.REDIRECT_MODE_ERROR),
        (_F, _R.REDIRECT_TOO_MANY),
        (_F, _R.REDIRECT_HAS_CREDENTIALS),
        (_F, _R.REDIRECT_INVALID_LOCATION),
        (_F, _R.REDIRECT_NON_HTTP_SCHEME),
        (_F, _R.REDIRECT_STREAM_BODY),
        (_W, _R.NO_CORS_REDIRECT_NOT_FOLLOW),
        (_W, _R.REDIRECT_INVALID_LOCATION),
        (_W, _R.REDIRECT_STREAM_BODY),
    }
)

#: Chromium's preflight-class errors get "Response to preflight request doesn't pass ..."
_CHROMIUM_PREFLIGHT_CLASS = frozenset(
    {
        _R.PREFLIGHT_REDIRECT,
        _R.PREFLIGHT_STATUS_NOT_OK,
        _R.ACAO_MISSING,
        _R.ACAO_MULTIPLE,
        _R.ACAO_INVALID,
        _R.ACAO_MISMATCH,
        _R.ACAO_WILDCARD_WITH_CREDENTIALS,
        _R.ACAC_NOT_TRUE,
    }
)
_CORS_CHECK_CODES = frozenset(
    {
        _R.ACAO_MISSING,
        _R.ACAO_MULTIPLE,
        _R.ACAO_INVALID,
        _R.ACAO_MISMATCH,
        _R.ACAO_WILDCARD_WITH_CREDENTIALS,
        _R.ACAC_NOT_TRUE,
    }
)


def _display(name: str | None) -> str:
    if name is None:
        return ""
    return _DISPLAY_NAMES.get(name, name)


def _first_invalid_token(value: str) -> str:
    """Firefox reports the first list item that is not an HTTP token."""
    for piece in value.split(","):
        item = piece.strip(" \t")
        if item and not is_token(item):
            return item
    return value


def _script_casing(request: Request, name: str) -> str:
    """The header name as page script wrote it (WebKit's messages keep that casing)."""
    for script_name, _ in request.headers:
        if byte_lowercase(script_name) == name:
            return script_name
    if name == "content-type":
        return "Content-Type"
    return name


def _header_value(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    for header_name, value in headers:
        if byte_lowercase(header_name) == name:
            return value
    return None


def _location_target(response: Response, url: str) -> str:
    lines = response.index.get("location")
    if not lines:
        return ""
    base = try_parse_url(url)
    joined = base.join(lines[0]) if base is not None else None
    return joined.serialize() if joined is not None else lines[0]


def _stage_word(stage: Stage) -> str:
    match stage:
        case Stage.PREFLIGHT:
            return "preflight"
        case Stage.ACTUAL:
            return "actual"
        case Stage.REDIRECT:
            return "redirect"
        case Stage.REQUEST:
            return "request"
        case Stage.EXPOSURE:
            return "exposure"
        case _:
            assert_never(stage)


def _context(evaluation: Evaluation, reason: Reason, profile: BrowserProfile) -> dict[str, str]:
    """Every placeholder a template may use, filled from the evaluation."""
    request = evaluation.request
    first_url = request.url.serialize()
    url = reason.url or first_url
    method = request.method
    sent_origin = request.origin.serialize()
    status = "" if reason.status is None else str(reason.status)
    target = ""
    if evaluation.sent:
        hop = evaluation.sent[-1]
        answer = evaluation.responses[-1]
        url = hop.url.serialize()
        asked = _header_value(hop.headers, ACRM) if is_preflight(hop) else hop.method
        method = asked or method
        sent_origin = _header_value(hop.headers, "origin") or sent_origin
        if not status:
            status = str(answer.status)
        target = _location_target(answer, url)
    if reason.code in (_R.REDIRECT_HAS_CREDENTIALS, _R.REDIRECT_NON_HTTP_SCHEME) and reason.value:
        target = reason.value
    if reason.code is _R.METHOD_NOT_ALLOWED and reason.value:
        method = reason.value
    value = reason.value or ""
    api_is_xhr = request.api is Api.XHR
    preflight_prefix = ""
    if reason.stage is Stage.PREFLIGHT and reason.code in _CHROMIUM_PREFLIGHT_CLASS:
        preflight_prefix = "Response to preflight request doesn't pass access control check: "
    return {
        "url": url,
        "first_url": first_url,
        "redirected": "" if url == first_url else f"(redirected from '{first_url}') ",
        "origin": request.origin.serialize(),
        "sent_origin": sent_origin,
        "kind": "XMLHttpRequest" if api_is_xhr else "fetch",
        "api": "XMLHttpRequest" if api_is_xhr else "Fetch API",
        "preflight": preflight_prefix,
        "value": value,
        "value_or_absent": f"'{value}'" if reason.value is not None else "absent",
        "token": _first_invalid_token(value),
        "method": method,
        "status": status or "0",
        "target": target,
        "header": _display(reason.header),
        "request_header": _script_casing(request, value) if value else "",
        "expected": reason.expected or "",
        "stage": _stage_word(reason.stage),
        "fetch_hint": "" if api_is_xhr else _CR_FETCH_HINT,
        "xhr_hint": _CR_XHR_HINT if api_is_xhr else "",
        "schemes": CHROMIUM_CORS_SCHEMES,
        "max_redirects": str(profile.max_redirects),
        "response": _response_phrase(reason.stage, method, status),
        "scheme": request.url.scheme,
    }


def _message_key(
    family: BrowserFamily, reason: Reason, evaluation: Evaluation
) -> tuple[BrowserFamily, ReasonCode]:
    """Pick the table row; a few engines word one corsspec code two ways."""
    code = reason.code
    if code is _R.ACAO_MULTIPLE and evaluation.responses:
        lines = evaluation.responses[-1].index.get(ACAO, ())
        # Firefox counts header lines; one line with a comma "does not match".
        if family is _F and len(lines) <= 1:
            return (family, _R.ACAO_MISMATCH)
        # WebKit only calls it "more than one origin" when the value has a comma.
        if family is _W and "," not in (reason.value or ""):
            return (family, _R.ACAO_MISMATCH)
    return (family, code)


def console_message(evaluation: Evaluation, browser: BrowserProfile | None = None) -> str | None:
    """What ``browser``'s console prints for the evaluation's reason (None when allowed).

    ``browser`` picks the wording (default: the profile the evaluation ran under).
    Placeholders are filled from the evaluation: ``{url}`` is the URL of the failing
    request, ``{origin}`` the page's origin, ``{value}`` the offending value as received,
    ``{method}`` the method, ``{status}`` the status of the failing response, ``{target}``
    a redirect's destination.
    """
    reason = evaluation.reason
    if reason is None:
        return None
    profile = browser or evaluation.browser
    family = profile.family
    template = CONSOLE_MESSAGES[_message_key(family, reason, evaluation)]
    text = template.format_map(_context(evaluation, reason, profile))
    if (
        family is _W
        and reason.stage is Stage.REDIRECT
        and reason.code in _CORS_CHECK_CODES
        and evaluation.responses
    ):
        # NetworkLoadChecker::checkRedirection wraps the CORS check's error.
        target = _location_target(evaluation.responses[-1], evaluation.sent[-1].url.serialize())
        text = (
            f"Cross-origin redirection to {target} denied by Cross-Origin Resource Sharing"
            f" policy: {text}"
        )
    return text


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
            assert_never(code)


#: Reason code -> fix hint template (placeholders as in :func:`console_message`).
FIX_HINTS: Mapping[ReasonCode, str] = MappingProxyType({c: _fix_template(c) for c in ReasonCode})


def _response_phrase(stage: Stage, method: str, status: str) -> str:
    match stage:
        case Stage.PREFLIGHT:
            return "OPTIONS (preflight) response"
        case Stage.ACTUAL:
            return f"actual {method} response"
        case Stage.REDIRECT:
            return f"{status} redirect response" if status else "redirect response"
        case Stage.REQUEST | Stage.EXPOSURE:
            return "response"
        case _:
            assert_never(stage)


def fix_for(reason: Reason, request: Request | None = None) -> Fix:
    """The change that removes ``reason``, as data (which header, which response, value)."""
    code = reason.code
    stage = reason.stage
    match code:
        case (
            ReasonCode.DISALLOWED_BY_MODE
            | ReasonCode.NO_CORS_REDIRECT_NOT_FOLLOW
            | ReasonCode.CORS_DISABLED_SCHEME
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
            assert_never(code)


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


# ---------------------------------------------------------------------------------------
# Why a preflight
# ---------------------------------------------------------------------------------------


class CauseCode(enum.Enum):
    """Why the request needs a preflight (Fetch: main fetch step 12, CORS-unsafe names)."""

    METHOD = "method"
    STREAM_BODY = "stream-body"
    UPLOAD_LISTENER = "upload-listener"
    HEADER_NAME = "header-name"
    VALUE_TOO_LONG = "value-too-long"
    UNSAFE_BYTE = "unsafe-byte"
    CONTENT_TYPE_NOT_FORM = "content-type-not-form"
    CONTENT_TYPE_UNPARSABLE = "content-type-unparsable"
    LANGUAGE_BYTE = "language-byte"
    RANGE_NOT_SIMPLE = "range-not-simple"
    CLIENT_HINT_VALUE = "client-hint-value"
    SAFELIST_BUDGET = "safelist-budget"


@attrs.frozen(kw_only=True)
class PreflightCause:
    """One reason a preflight is sent: the rule, the header (if any) and the value."""

    code: CauseCode
    header: str | None = None
    value: str | None = None
    #: The offending character, length or total, when the rule is about one.
    detail: str | None = None
    #: The header came from the body (fetch's default Content-Type), not from script.
    from_body: bool = False

    def to_dict(self) -> dict[str, object]:
        """Stable machine-readable form."""
        return {
            "cause": self.code.value,
            "header": self.header,
            "value": self.value,
            "detail": self.detail,
            "from_body": self.from_body,
        }


#: Cause code -> wording. Placeholders: {header} (as script wrote it), {value}, {detail}.
CAUSE_MESSAGES: Mapping[CauseCode, str] = MappingProxyType(
    {
        CauseCode.METHOD: (
            "method {value} is not CORS-safelisted (only GET, HEAD and POST are, byte for byte)"
        ),
        CauseCode.STREAM_BODY: "the body is a ReadableStream, which always needs a preflight",
        CauseCode.UPLOAD_LISTENER: (
            "an XMLHttpRequest upload listener was registered, which always needs a preflight"
        ),
        CauseCode.HEADER_NAME: (
            "header {header} is not a CORS-safelisted request-header (only Accept,"
            " Accept-Language, Content-Language, Content-Type and Range can be)"
        ),
        CauseCode.VALUE_TOO_LONG: (
            f"header {{header}}: the value is {{detail}} bytes, over the"
            f" {SAFELISTED_VALUE_MAX_LEN}-byte"
            " limit for safelisted values"
        ),
        CauseCode.UNSAFE_BYTE: "header {header}: the value contains {detail}, a CORS-unsafe byte",
        CauseCode.CONTENT_TYPE_NOT_FORM: (
            "Content-Type {value} is not one of the three form types"
            " (application/x-www-form-urlencoded, multipart/form-data, text/plain)"
        ),
        CauseCode.CONTENT_TYPE_UNPARSABLE: "Content-Type {value} does not parse as a MIME type",
        CauseCode.LANGUAGE_BYTE: (
            "header {header}: {detail} is not allowed in a safelisted language tag list"
            " (only letters, digits, space and * , - . ; =)"
        ),
        CauseCode.RANGE_NOT_SIMPLE: (
            "Range {value} is not one simple range with a start (bytes=N- or bytes=N-M)"
        ),
        CauseCode.CLIENT_HINT_VALUE: "client hint {header}: the value {value} is not a valid hint",
        CauseCode.SAFELIST_BUDGET: (
            f"the safelisted header values add up to {{detail}} bytes, over the"
            f" {SAFELISTED_VALUE_BUDGET}-byte budget, so {{header}} counts as unsafe too"
        ),
    }
)

_LANGUAGE_BYTES = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;=")


def _char(ch: str) -> str:
    return repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"


def _header_cause(
    name: str, value: str, key: str, profile: BrowserProfile, from_body: bool
) -> PreflightCause | None:
    """Why one (name, value) header is not CORS-safelisted (None: it is)."""
    if is_cors_safelisted_request_header(name, value, profile.safelist_rules):
        return None
    safelisted_names = {"accept", "accept-language", "content-language", "content-type", "range"}
    hint = profile.safelists_client_hints and is_client_hint_safelisted(key, "1")
    if key not in safelisted_names and not hint and key not in ("ect", "save-data"):
        return PreflightCause(code=CauseCode.HEADER_NAME, header=name, value=value)
    if len(value) > SAFELISTED_VALUE_MAX_LEN:
        return PreflightCause(
            code=CauseCode.VALUE_TOO_LONG,
            header=name,
            value=value[:64],
            detail=str(len(value)),
            from_body=from_body,
        )
    if key in ("accept", "content-type") and has_cors_unsafe_byte(value):
        bad = next(ch for ch in value if has_cors_unsafe_byte(ch))
        return PreflightCause(
            code=CauseCode.UNSAFE_BYTE,
            header=name,
            value=value,
            detail=_char(bad),
            from_body=from_body,
        )
    if key == "content-type":
        essence = parse_mime_essence(value)
        if essence is None:
            return PreflightCause(
                code=CauseCode.CONTENT_TYPE_UNPARSABLE,
                header=name,
                value=value,
                from_body=from_body,
            )
        if essence not in SAFELISTED_CONTENT_TYPE_ESSENCES:
            return PreflightCause(
                code=CauseCode.CONTENT_TYPE_NOT_FORM,
                header=name,
                value=value,
                detail=essence,
                from_body=from_body,
            )
    if key in ("accept-language", "content-language"):
        bad = next((ch for ch in value if ch not in _LANGUAGE_BYTES), "")
        return PreflightCause(
            code=CauseCode.LANGUAGE_BYTE, header=name, value=value, detail=_char(bad)
        )
    if key == "range":
        parsed = parse_single_range(value)
        if parsed is None or parsed[0] is None:
            return PreflightCause(code=CauseCode.RANGE_NOT_SIMPLE, header=name, value=value)
    if key not in safelisted_names:
        return PreflightCause(code=CauseCode.CLIENT_HINT_VALUE, header=name, value=value)
    return PreflightCause(code=CauseCode.HEADER_NAME, header=name, value=value)


def preflight_causes(
    request: Request, browser: BrowserProfile | None = None
) -> tuple[PreflightCause, ...]:
    """Why ``browser`` sends a preflight for ``request``: each rule the request breaks.

    Empty when no preflight is needed (same-origin, ``no-cors``, or a simple request).
    Order: the forcing flags, the method, then headers by name.
    """
    profile = browser or SPEC
    if request.mode is not Mode.CORS or not request.is_cross_origin or not request.url.is_http:
        return ()
    causes: list[PreflightCause] = []
    body = effective_body(request, profile)
    if uses_cors_preflight_flag(request, body):
        if request.api is Api.XHR:
            causes.append(PreflightCause(code=CauseCode.UPLOAD_LISTENER))
        else:
            causes.append(PreflightCause(code=CauseCode.STREAM_BODY))
    if not is_cors_safelisted_method(request.method):
        causes.append(PreflightCause(code=CauseCode.METHOD, value=request.method))
    content_type = default_content_type(body)
    prepared = prepare_headers(
        request.headers,
        api=request.api,
        content_type=content_type,
        profile=profile,
        no_cors=False,  # only cors-mode requests get here
    )
    script_names = {byte_lowercase(n) for n, _ in request.headers}
    judged: list[tuple[str, str]] = list(prepared.headers)
    if profile.combines_duplicate_request_headers:
        merged: dict[str, tuple[str, list[str]]] = {}
        for name, value in judged:
            merged.setdefault(byte_lowercase(name), (name, []))[1].append(value)
        judged = [(name, ", ".join(values)) for name, values in merged.values()]
    if prepared.adds_accept and profile.counts_default_accept:
        judged.append(("Accept", "*/*"))
    budget = 0
    safelisted: list[str] = []
    by_name: dict[str, PreflightCause] = {}
    for name, value in judged:
        key = byte_lowercase(name)
        from_body = key == "content-type" and key not in script_names
        cause = _header_cause(name, value, key, profile, from_body)
        if cause is None:
            budget += len(value)
            safelisted.append(name)
        elif key not in by_name:
            by_name[key] = cause
    if budget > SAFELISTED_VALUE_BUDGET:
        for name in safelisted:
            key = byte_lowercase(name)
            by_name.setdefault(
                key,
                PreflightCause(code=CauseCode.SAFELIST_BUDGET, header=name, detail=str(budget)),
            )
    for key in prepared.unsafe_names:
        cause = by_name.get(key)
        if cause is not None:
            causes.append(cause)
    return tuple(causes)


def cause_message(cause: PreflightCause) -> str:
    """One cause in words."""
    text = CAUSE_MESSAGES[cause.code].format(
        header=cause.header or "", value=cause.value or "", detail=cause.detail or ""
    )
    if cause.from_body:
        text += " (fetch added it for the body)"
    return text


# ---------------------------------------------------------------------------------------
# Trace
# ---------------------------------------------------------------------------------------


class Outcome(enum.Enum):
    """How one check came out."""

    PASS = "pass"
    FAIL = "fail"
    #: Not run by the browser: an earlier check failed (observed/expected still shown).
    SKIPPED = "skipped"
    #: A fact, not a pass/fail step (what was decided, what script can read).
    INFO = "info"


class CheckCode(enum.Enum):
    """The checks a browser runs, named after the Fetch Standard's steps."""

    MODE = "mode"
    SCHEME = "scheme"
    PREFLIGHT_NEEDED = "preflight-needed"
    PREFLIGHT_CACHE = "preflight-cache"
    STATUS = "status"
    ACAO = "acao"
    ACAC = "acac"
    ACAM_PARSE = "acam-parse"
    ACAH_PARSE = "acah-parse"
    METHOD = "method"
    HEADER = "header"
    MAX_AGE = "max-age"
    REDIRECT_MODE = "redirect-mode"
    REDIRECT_COUNT = "redirect-count"
    LOCATION = "location"
    REDIRECT_SCHEME = "redirect-scheme"
    REDIRECT_CREDENTIALS = "redirect-credentials"
    REDIRECT_BODY = "redirect-body"
    EXPOSE = "expose"
    #: Requests left out of a long trace (a redirect loop); ``observed`` says how many.
    ELIDED = "elided"


@attrs.frozen(kw_only=True)
class Check:
    """One step of the trace: which check, on which response, and how it came out."""

    code: CheckCode
    stage: Stage
    outcome: Outcome
    #: What was looked at, as received ("(absent)" when missing).
    observed: str | None = None
    #: What would pass.
    expected: str | None = None
    #: The header name a per-header check is about.
    subject: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """Stable machine-readable form."""
        return {
            "check": self.code.value,
            "stage": self.stage.value,
            "outcome": self.outcome.value,
            "subject": self.subject,
            "observed": self.observed,
            "expected": self.expected,
        }


def check_for_reason(code: ReasonCode) -> CheckCode:
    """The trace check that fails for a reason code."""
    match code:
        case ReasonCode.DISALLOWED_BY_MODE | ReasonCode.NO_CORS_REDIRECT_NOT_FOLLOW:
            return CheckCode.MODE
        case ReasonCode.CORS_DISABLED_SCHEME:
            return CheckCode.SCHEME
        case ReasonCode.PREFLIGHT_REDIRECT | ReasonCode.PREFLIGHT_STATUS_NOT_OK:
            return CheckCode.STATUS
        case ReasonCode.ACAM_INVALID:
            return CheckCode.ACAM_PARSE
        case ReasonCode.ACAH_INVALID:
            return CheckCode.ACAH_PARSE
        case ReasonCode.METHOD_NOT_ALLOWED:
            return CheckCode.METHOD
        case ReasonCode.HEADER_NOT_ALLOWED:
            return CheckCode.HEADER
        case (
            ReasonCode.ACAO_MISSING
            | ReasonCode.ACAO_MULTIPLE
            | ReasonCode.ACAO_INVALID
            | ReasonCode.ACAO_MISMATCH
            | ReasonCode.ACAO_WILDCARD_WITH_CREDENTIALS
        ):
            return CheckCode.ACAO
        case ReasonCode.ACAC_NOT_TRUE:
            return CheckCode.ACAC
        case ReasonCode.REDIRECT_MODE_ERROR:
            return CheckCode.REDIRECT_MODE
        case ReasonCode.REDIRECT_TOO_MANY:
            return CheckCode.REDIRECT_COUNT
        case ReasonCode.REDIRECT_HAS_CREDENTIALS:
            return CheckCode.REDIRECT_CREDENTIALS
        case ReasonCode.REDIRECT_INVALID_LOCATION:
            return CheckCode.LOCATION
        case ReasonCode.REDIRECT_NON_HTTP_SCHEME:
            return CheckCode.REDIRECT_SCHEME
        case ReasonCode.REDIRECT_STREAM_BODY:
            return CheckCode.REDIRECT_BODY
        case _:
            assert_never(code)


_ABSENT = "(absent)"
#: A trace keeps this many requests at each end of a long redirect chain.
_KEEP_HOPS = 3


def _ok(passed: bool) -> Outcome:
    return Outcome.PASS if passed else Outcome.FAIL


def _cors_checks(
    response: Response, *, origin: str, credentialed: bool, stage: Stage
) -> list[Check]:
    """Fetch: CORS check, step by step (ACAO, then ACAC with credentials)."""
    acao = get(response.index, ACAO)
    if credentialed:
        acao_ok = acao == origin
        expected = origin
    else:
        acao_ok = acao in ("*", origin)
        expected = f"{origin} or *"
    checks = [
        Check(
            code=CheckCode.ACAO,
            stage=stage,
            outcome=_ok(acao_ok),
            observed=_ABSENT if acao is None else acao,
            expected=expected,
        )
    ]
    if credentialed:
        acac = get(response.index, ACAC)
        checks.append(
            Check(
                code=CheckCode.ACAC,
                stage=stage,
                outcome=_ok(acac == "true"),
                observed=_ABSENT if acac is None else acac,
                expected="true",
            )
        )
    return checks


def _preflight_checks(
    hop: Request, answer: Response, evaluation: Evaluation, profile: BrowserProfile
) -> list[Check]:
    """Fetch: CORS-preflight fetch step 7, every check in the engine's order."""
    request = evaluation.request
    credentialed = request.credentialed
    origin = _header_value(hop.headers, "origin") or request.origin.serialize()
    method = _header_value(hop.headers, ACRM) or request.method
    names = [n for n in (_header_value(hop.headers, ACRH) or "").split(",") if n]
    stage = Stage.PREFLIGHT
    redirect = answer.status in REDIRECT_STATUSES and profile.preflight_redirect_is_distinct
    status = Check(
        code=CheckCode.STATUS,
        stage=stage,
        outcome=_ok(200 <= answer.status <= 299),
        observed=str(answer.status),
        expected="2xx (not a redirect)" if redirect else "2xx",
    )
    cors = _cors_checks(answer, origin=origin, credentialed=credentialed, stage=stage)
    checks: list[Check]
    if redirect or profile.preflight_check_order is PreflightCheckOrder.STATUS_FIRST:
        checks = [status, *cors]
    else:
        checks = [*cors, status]
    index = answer.index
    methods = extract_list_values(index, ACAM)
    header_items = extract_list_values(index, ACAH)
    raw_acam = get(index, ACAM)
    raw_acah = get(index, ACAH)
    checks.append(
        Check(
            code=CheckCode.ACAM_PARSE,
            stage=stage,
            outcome=_ok(methods is not FAILURE),
            observed=_ABSENT if raw_acam is None else raw_acam,
            expected="a list of method names",
        )
    )
    checks.append(
        Check(
            code=CheckCode.ACAH_PARSE,
            stage=stage,
            outcome=_ok(header_items is not FAILURE),
            observed=_ABSENT if raw_acah is None else raw_acah,
            expected="a list of header names",
        )
    )
    method_list = methods if isinstance(methods, list) else []
    if (
        methods is None
        and profile.forced_preflight_allows_own_method
        and uses_cors_preflight_flag(request, effective_body(request, profile))
    ):
        method_list = [method]
    method_ok = (
        method in method_list
        or is_cors_safelisted_method(method)
        or (not credentialed and "*" in method_list)
    )
    checks.append(
        Check(
            code=CheckCode.METHOD,
            stage=stage,
            outcome=_ok(method_ok),
            observed=_ABSENT if raw_acam is None else raw_acam,
            expected=f"{method} (safelisted: no need to list it)"
            if is_cors_safelisted_method(method)
            else method,
            subject=method,
        )
    )
    allowed = HeaderNameSet.from_items(header_items if isinstance(header_items, list) else [])
    # Step 7.5 (Authorization) runs before step 7.6 (every other name).
    ordered = [n for n in names if n in CORS_NON_WILDCARD_REQUEST_HEADER_NAMES]
    ordered += [n for n in names if n not in CORS_NON_WILDCARD_REQUEST_HEADER_NAMES]
    for name in ordered:
        if name in CORS_NON_WILDCARD_REQUEST_HEADER_NAMES:
            ok = name in allowed.names or (
                profile.authorization_covered_by_wildcard
                and allowed.allows(name, credentialed=credentialed)
            )
        else:
            ok = allowed.allows(name, credentialed=credentialed)
        checks.append(
            Check(
                code=CheckCode.HEADER,
                stage=stage,
                outcome=_ok(ok),
                observed=_ABSENT if raw_acah is None else raw_acah,
                expected=name,
                subject=name,
            )
        )
    max_age = get(index, ACMA)
    checks.append(
        Check(
            code=CheckCode.MAX_AGE,
            stage=stage,
            outcome=Outcome.INFO,
            observed=_ABSENT if max_age is None else max_age,
            expected=f"seconds to cache (default {profile.max_age_default}"
            + (f", capped at {profile.max_age_cap}" if profile.max_age_cap else "")
            + ")",
        )
    )
    return checks


def _redirect_failure_check(reason: Reason, evaluation: Evaluation) -> Check:
    code = check_for_reason(reason.code)
    observed = reason.value
    expected: str | None = None
    match code:
        case CheckCode.REDIRECT_MODE:
            observed = evaluation.request.redirect.value
            expected = "follow"
        case CheckCode.REDIRECT_COUNT:
            expected = f"fewer than {reason.expected}"
        case CheckCode.LOCATION:
            expected = "one URL"
        case CheckCode.REDIRECT_SCHEME:
            expected = "an http(s) URL"
        case CheckCode.REDIRECT_CREDENTIALS:
            expected = "a URL without user:password"
        case CheckCode.REDIRECT_BODY:
            observed = "stream body"
            expected = "a body that can be resent (not a stream), or a 303"
        case _:
            pass
    return Check(
        code=code,
        stage=Stage.REDIRECT,
        outcome=Outcome.FAIL,
        observed=observed,
        expected=expected,
    )


def trace(evaluation: Evaluation, browser: BrowserProfile | None = None) -> tuple[Check, ...]:
    """Every check the browser ran, in order, passed or failed, observed vs expected.

    Checks that the browser did not reach because an earlier one failed are kept with
    :attr:`Outcome.SKIPPED`, so the trace also shows what would be next.
    """
    return _trace(evaluation, browser or evaluation.browser, settle=True)


def _trace(evaluation: Evaluation, profile: BrowserProfile, *, settle: bool) -> tuple[Check, ...]:
    """The trace; ``settle=False`` leaves each check as this module judged it on its own.

    The checks here re-read the recorded requests and responses instead of replaying
    the engine, so they could drift from it. Settling makes the last hop agree with the
    verdict; the unsettled form lets a test prove there was nothing to correct (every
    case of the conformance corpus, under every profile).
    """
    request = evaluation.request
    reason = evaluation.reason
    checks: list[Check] = []
    cross = request.is_cross_origin
    mode_observed = f"{request.mode.value} ({'cross-origin' if cross else 'same-origin'})"
    if reason is not None and check_for_reason(reason.code) is CheckCode.MODE:
        expected = (
            "a same-origin URL" if reason.code is _R.DISALLOWED_BY_MODE else 'redirect "follow"'
        )
        checks.append(
            Check(
                code=CheckCode.MODE,
                stage=Stage.REQUEST,
                outcome=Outcome.FAIL,
                observed=mode_observed
                if reason.code is _R.DISALLOWED_BY_MODE
                else f'no-cors with redirect "{request.redirect.value}"',
                expected=expected,
            )
        )
        return tuple(checks)
    checks.append(
        Check(
            code=CheckCode.MODE, stage=Stage.REQUEST, outcome=Outcome.INFO, observed=mode_observed
        )
    )
    if reason is not None and reason.code is _R.CORS_DISABLED_SCHEME:
        checks.append(
            Check(
                code=CheckCode.SCHEME,
                stage=Stage.REQUEST,
                outcome=Outcome.FAIL,
                observed=request.url.scheme,
                expected="http or https",
            )
        )
        return tuple(checks)
    causes = preflight_causes(request, profile)
    if request.mode is Mode.CORS and cross:
        checks.append(
            Check(
                code=CheckCode.PREFLIGHT_NEEDED,
                stage=Stage.REQUEST,
                outcome=Outcome.INFO,
                observed=", ".join(_cause_short(c) for c in causes) if causes else "no",
            )
        )
    if any(note.code is NoteCode.PREFLIGHT_CACHE_HIT for note in evaluation.notes):
        checks.append(
            Check(
                code=CheckCode.PREFLIGHT_CACHE,
                stage=Stage.PREFLIGHT,
                outcome=Outcome.INFO,
                observed="cached preflight result covers the request: no preflight sent",
            )
        )
    tainting_cors = False
    blocks: list[list[Check]] = []
    last = len(evaluation.sent) - 1
    for i, (hop, answer) in enumerate(zip(evaluation.sent, evaluation.responses, strict=True)):
        hop_checks: list[Check]
        if is_preflight(hop):
            hop_checks = _preflight_checks(hop, answer, evaluation, profile)
        else:
            if request.mode is Mode.CORS and (
                tainting_cors or not request.origin.same_origin(hop.url.origin)
            ):
                tainting_cors = True
            is_redirect = answer.status in REDIRECT_STATUSES and "location" in answer.index
            stage = Stage.REDIRECT if is_redirect else Stage.ACTUAL
            hop_checks = []
            if tainting_cors:
                origin = _header_value(hop.headers, "origin") or request.origin.serialize()
                hop_checks = _cors_checks(
                    answer, origin=origin, credentialed=request.credentialed, stage=stage
                )
            if is_redirect and i < last:
                hop_checks.append(
                    Check(
                        code=CheckCode.LOCATION,
                        stage=Stage.REDIRECT,
                        outcome=Outcome.PASS,
                        observed=_location_target(answer, hop.url.serialize()),
                        expected="one http(s) URL",
                    )
                )
        if settle and i == last and reason is not None:
            hop_checks = _settle(hop_checks, reason, evaluation)
        blocks.append(hop_checks)
    if len(blocks) > 2 * _KEEP_HOPS + 1:
        # A redirect loop: keep the first and last requests, say how many are left out.
        hidden = len(blocks) - 2 * _KEEP_HOPS
        elided = Check(
            code=CheckCode.ELIDED,
            stage=Stage.REDIRECT,
            outcome=Outcome.INFO,
            observed=f"{hidden} more requests",
        )
        blocks = [*blocks[:_KEEP_HOPS], [elided], *blocks[-_KEEP_HOPS:]]
    for block in blocks:
        checks.extend(block)
    if reason is None and evaluation.readable:
        checks.append(
            Check(
                code=CheckCode.EXPOSE,
                stage=Stage.EXPOSURE,
                outcome=Outcome.INFO,
                observed=", ".join(evaluation.visible_headers) or "(none)",
            )
        )
    return tuple(checks)


def _settle(checks: list[Check], reason: Reason, evaluation: Evaluation) -> list[Check]:
    """Make the last hop's checks agree with the verdict: the reason's check fails, and
    everything after it was not reached."""
    target = check_for_reason(reason.code)
    subject = reason.value if target is CheckCode.HEADER else None
    index = next(
        (
            i
            for i, c in enumerate(checks)
            if c.code is target and (subject is None or c.subject == subject)
        ),
        None,
    )
    if index is None:
        if reason.stage is Stage.REDIRECT and target not in (CheckCode.ACAO, CheckCode.ACAC):
            checks.append(_redirect_failure_check(reason, evaluation))
        else:
            checks.append(
                Check(
                    code=target,
                    stage=reason.stage,
                    outcome=Outcome.FAIL,
                    observed=reason.value,
                    expected=reason.expected,
                )
            )
        return checks
    settled = checks[:index]
    settled.append(attrs.evolve(checks[index], outcome=Outcome.FAIL))
    for later in checks[index + 1 :]:
        outcome = later.outcome if later.outcome is Outcome.INFO else Outcome.SKIPPED
        settled.append(attrs.evolve(later, outcome=outcome))
    return settled


def _cause_short(cause: PreflightCause) -> str:
    if cause.code is CauseCode.METHOD:
        return f"method {cause.value}"
    if cause.header is not None:
        return f"header {byte_lowercase(cause.header)}"
    return str(cause.code.value)


# ---------------------------------------------------------------------------------------
# Myths
# ---------------------------------------------------------------------------------------


class MythCode(enum.Enum):
    """Folklore about CORS that the evaluation contradicts."""

    HEADER_NAME_CASE = "header-name-case"
    METHOD_CASE = "method-case"
    WILDCARD_WITH_CREDENTIALS = "wildcard-with-credentials"
    PREFLIGHT_STATUS_IS_THE_SERVER = "preflight-status-is-the-server"
    ERROR_WITHOUT_CORS_HEADERS = "error-without-cors-headers"
    PREFLIGHT_IS_NOT_ENOUGH = "preflight-is-not-enough"
    ACCESS_CONTROL_ON_REQUEST = "access-control-headers-on-request"


@attrs.frozen(kw_only=True)
class Myth:
    """A correction that applies to this evaluation, with the value that triggered it."""

    code: MythCode
    detail: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """Stable machine-readable form."""
        return {"myth": self.code.value, "detail": self.detail}


#: Myth code -> wording. Placeholder: {detail}.
MYTH_MESSAGES: Mapping[MythCode, str] = MappingProxyType(
    {
        MythCode.HEADER_NAME_CASE: (
            "Header-name case does not matter to browsers: Access-Control-Request-Headers lists"
            " names in lowercase and Access-Control-Allow-Headers is compared case-insensitively,"
            " so {detail} match whatever their case."
        ),
        MythCode.METHOD_CASE: (
            "Method names are case-sensitive: Access-Control-Allow-Methods must contain {detail}"
            " exactly as the request sends it (only GET, HEAD, POST, PUT, DELETE and OPTIONS are"
            " upper-cased by the browser; 'patch' stays 'patch')."
        ),
        MythCode.WILDCARD_WITH_CREDENTIALS: (
            "'*' with credentials never works: with credentials: \"include\" (or withCredentials),"
            " '*' in {detail} is a literal name, not a wildcard; send the exact origin and list"
            " methods and headers by name."
        ),
        MythCode.PREFLIGHT_STATUS_IS_THE_SERVER: (
            "The {detail} on the preflight is the server's or gateway's answer to OPTIONS, not a"
            " CORS rule: the browser only needs a 2xx with the right headers. Usual causes: no"
            " OPTIONS route deployed (404/405, or 403 'Missing Authentication Token' on API"
            " Gateway), or an authorizer/auth middleware running on OPTIONS (401/403) although"
            " preflights never carry cookies or Authorization."
        ),
        MythCode.ERROR_WITHOUT_CORS_HEADERS: (
            "This is a server error wearing a CORS costume: the {detail} response has no"
            " Access-Control-Allow-Origin, so the browser reports a CORS error and hides the real"
            " status from script. Fix the error, and make error responses carry CORS headers too"
            " (on API Gateway: Gateway Responses DEFAULT_4XX/DEFAULT_5XX)."
        ),
        MythCode.PREFLIGHT_IS_NOT_ENOUGH: (
            "A working preflight does not make the actual response pass: the {detail} response is"
            " checked on its own and needs its own Access-Control-Allow-Origin (and"
            " Access-Control-Allow-Credentials with credentials)."
        ),
        MythCode.ACCESS_CONTROL_ON_REQUEST: (
            "Access-Control-Allow-* are response headers: sending {detail} from the page does"
            " nothing except make the request need a preflight."
        ),
    }
)


def myths(evaluation: Evaluation) -> tuple[Myth, ...]:
    """The corrections that apply to this evaluation, in a fixed order."""
    request = evaluation.request
    reason = evaluation.reason
    found: list[Myth] = []
    preflight_answers = [
        answer
        for hop, answer in zip(evaluation.sent, evaluation.responses, strict=True)
        if is_preflight(hop)
    ]
    actual_answers = [
        answer
        for hop, answer in zip(evaluation.sent, evaluation.responses, strict=True)
        if not is_preflight(hop)
    ]
    # Header-name case: the allow list names a requested header in another case.
    differing: set[str] = set()
    for hop, answer in zip(evaluation.sent, evaluation.responses, strict=True):
        if not is_preflight(hop):
            continue
        asked = [n for n in (_header_value(hop.headers, ACRH) or "").split(",") if n]
        items = extract_list_values(answer.index, ACAH)
        for item in items if isinstance(items, list) else []:
            if item != byte_lowercase(item) and byte_lowercase(item) in asked:
                differing.add(f"'{byte_lowercase(item)}' (asked) and '{item}' (allowed)")
    if differing:
        detail = ", ".join(sorted(differing))
        found.append(Myth(code=MythCode.HEADER_NAME_CASE, detail=detail))
    # Method case.
    if reason is not None and reason.code is _R.METHOD_NOT_ALLOWED and preflight_answers:
        items = extract_list_values(preflight_answers[-1].index, ACAM)
        method = reason.value or request.method
        if isinstance(items, list) and any(
            i != method and i.upper() == method.upper() for i in items
        ):
            found.append(Myth(code=MythCode.METHOD_CASE, detail=f"'{method}'"))
    # '*' with credentials.
    if request.credentialed:
        stars: set[str] = set()
        for answer in [*preflight_answers, *actual_answers]:
            for name in (ACAO, ACAM, ACAH, "access-control-expose-headers"):
                items = extract_list_values(answer.index, name)
                if isinstance(items, list) and "*" in items:
                    stars.add(
                        _display(name)
                        if name in _DISPLAY_NAMES
                        else "Access-Control-Expose-Headers"
                    )
                elif get(answer.index, name) == "*":
                    stars.add(_display(name))
        if stars:
            found.append(
                Myth(code=MythCode.WILDCARD_WITH_CREDENTIALS, detail=", ".join(sorted(stars)))
            )
    # A non-2xx preflight: the server's answer, whatever the console leads with.
    for answer in preflight_answers:
        if not 200 <= answer.status <= 299 and answer.status not in REDIRECT_STATUSES:
            found.append(
                Myth(code=MythCode.PREFLIGHT_STATUS_IS_THE_SERVER, detail=str(answer.status))
            )
            break
    # An error response without CORS headers.
    if (
        reason is not None
        and reason.code is _R.ACAO_MISSING
        and reason.stage is Stage.ACTUAL
        and actual_answers
        and actual_answers[-1].status >= 400
    ):
        found.append(
            Myth(code=MythCode.ERROR_WITHOUT_CORS_HEADERS, detail=str(actual_answers[-1].status))
        )
    # The preflight passed, the actual response did not.
    if (
        reason is not None
        and reason.stage in (Stage.ACTUAL, Stage.REDIRECT)
        and reason.code in _CORS_CHECK_CODES
        and (
            preflight_answers
            or any(n.code is NoteCode.PREFLIGHT_CACHE_HIT for n in evaluation.notes)
        )
    ):
        status = actual_answers[-1].status if actual_answers else 0
        found.append(
            Myth(code=MythCode.PREFLIGHT_IS_NOT_ENOUGH, detail=f"{request.method} {status}")
        )
    # Response headers sent as request headers.
    sent_by_page = sorted(
        {n for n, _ in request.headers if byte_lowercase(n).startswith("access-control-allow-")}
    )
    if sent_by_page:
        found.append(Myth(code=MythCode.ACCESS_CONTROL_ON_REQUEST, detail=", ".join(sent_by_page)))
    return tuple(found)


def myth_message(myth: Myth) -> str:
    """One myth correction in words."""
    return MYTH_MESSAGES[myth.code].format(detail=myth.detail or "")


# ---------------------------------------------------------------------------------------
# Notes
# ---------------------------------------------------------------------------------------

#: Note code -> wording. Placeholder: {detail}.
NOTE_MESSAGES: Mapping[NoteCode, str] = MappingProxyType(
    {
        NoteCode.FORBIDDEN_HEADER_DROPPED: (
            "the browser silently dropped the forbidden request header {detail} (script cannot"
            " set it)"
        ),
        NoteCode.PREFLIGHT_CACHE_HIT: (
            "a cached preflight result covered the request; no preflight was sent"
        ),
        NoteCode.PREFLIGHT_FORCED: (
            "the request always needs a preflight (stream body or upload listener)"
        ),
        NoteCode.AUTHORIZATION_COVERED_BY_WILDCARD: (
            "Authorization passed only because this engine lets '*' in Access-Control-Allow-Headers"
            " cover it; the Fetch Standard requires listing Authorization by name"
        ),
        NoteCode.AUTHORIZATION_REMOVED_ON_REDIRECT: (
            "the Authorization header was removed when the request was redirected to another origin"
        ),
        NoteCode.REDIRECTED: "the request was redirected to {detail}",
        NoteCode.METHOD_REWRITTEN_TO_GET: (
            "the {detail} redirect turned the request into a GET without body"
        ),
        NoteCode.ORIGIN_TAINTED_TO_NULL: (
            "after a redirect through another origin the browser sends Origin: null, so the server"
            " must answer Access-Control-Allow-Origin: null (or *)"
        ),
        NoteCode.EXPOSE_HEADERS_INVALID: (
            "Access-Control-Expose-Headers '{detail}' does not parse, so nothing extra is exposed"
        ),
        NoteCode.EXPOSE_WILDCARD_LITERAL: (
            "with credentials, '*' in Access-Control-Expose-Headers exposes only a header named '*'"
        ),
        NoteCode.SET_COOKIE_NEVER_EXPOSED: (
            "Set-Cookie is never readable by script, even when exposed"
        ),
        NoteCode.MAX_AGE_INVALID: "Access-Control-Max-Age '{detail}' is not a number of seconds",
        NoteCode.MAX_AGE_CLAMPED: (
            "Access-Control-Max-Age {detail} is above this engine's cap and was clamped"
        ),
        NoteCode.PREFLIGHT_NOT_CACHED: "the preflight result is not cached (max-age 0 or invalid)",
        NoteCode.TOO_MANY_HEADER_LINES: (
            "the response has too many header lines; extra lines were ignored"
        ),
        NoteCode.OPAQUE_RESPONSE: (
            'the response is opaque (mode "no-cors"): the fetch resolves, but script sees status 0,'
            " no headers and no body"
        ),
        NoteCode.ACAC_IGNORED_WITHOUT_CREDENTIALS: (
            "Access-Control-Allow-Credentials is ignored because the request sends no credentials"
        ),
    }
)


def note_message(note: Note) -> str:
    """One note in words."""
    return NOTE_MESSAGES[note.code].format(detail=note.detail or "")


# ---------------------------------------------------------------------------------------
# Diagnosis
# ---------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Diagnosis:
    """Everything that explains one evaluation: verdict, words, causes, trace, fixes."""

    evaluation: Evaluation
    browser: BrowserProfile
    console: str | None
    fix: Fix | None
    fix_text: str | None
    causes: tuple[PreflightCause, ...]
    trace: tuple[Check, ...]
    myths: tuple[Myth, ...]
    #: Every fix in order, when the server's answers were given (see :func:`fix_plan`).
    plan: FixPlan | None = None

    def to_dict(self) -> dict[str, Any]:
        """Stable machine-readable form: codes and values, never wording."""
        ev = self.evaluation
        reason = ev.reason
        return {
            "browser": self.browser.name,
            "allowed": ev.allowed,
            "readable": ev.readable,
            "reason": None
            if reason is None
            else {
                "code": reason.code.value,
                "stage": reason.stage.value,
                "header": reason.header,
                "value": reason.value,
                "expected": reason.expected,
                "status": reason.status,
            },
            "response_type": None if ev.response_type is None else ev.response_type.value,
            "status": ev.status,
            "visible_headers": list(ev.visible_headers),
            "preflight": None
            if ev.preflight is None
            else {
                "method": ev.preflight.method,
                "url": ev.preflight.url.serialize(),
                "headers": [[n, v] for n, v in ev.preflight.headers],
            },
            "preflight_causes": [c.to_dict() for c in self.causes],
            "actual_sent": ev.actual_sent,
            "notes": [{"code": n.code.value, "detail": n.detail} for n in ev.notes],
            "trace": [c.to_dict() for c in self.trace],
            "fix": None if self.fix is None else self.fix.to_dict(),
            "plan": None
            if self.plan is None
            else {
                "fixes": [f.to_dict() for f in self.plan.fixes],
                "passes": self.plan.passes,
            },
            "myths": [m.to_dict() for m in self.myths],
        }


def diagnose(
    evaluation: Evaluation,
    browser: BrowserProfile | None = None,
    *,
    server: Exchange | None = None,
) -> Diagnosis:
    """Explain ``evaluation``: console wording, fix, preflight causes, trace and myths.

    ``browser`` picks the console wording (default: the evaluation's profile). With
    ``server`` (the exchange the evaluation ran against) the diagnosis also carries the
    full fix plan.
    """
    profile = browser or evaluation.browser
    reason = evaluation.reason
    plan = None
    if server is not None:
        plan = fix_plan(evaluation.request, server, evaluation.browser)
    return Diagnosis(
        evaluation=evaluation,
        browser=profile,
        console=console_message(evaluation, profile),
        fix=None if reason is None else fix_for(reason, evaluation.request),
        fix_text=fix_hint(evaluation, profile),
        causes=preflight_causes(evaluation.request, evaluation.browser),
        trace=trace(evaluation, evaluation.browser),
        myths=myths(evaluation),
        plan=plan,
    )


_OUTCOME_MARKS: Mapping[Outcome, str] = MappingProxyType(
    {
        Outcome.PASS: "pass",
        Outcome.FAIL: "FAIL",
        Outcome.SKIPPED: "skip",
        Outcome.INFO: "info",
    }
)


def check_line(check: Check) -> str:
    """One trace step as a plain line: outcome, stage, check, observed vs expected."""
    name = check.code.value + (f" {check.subject}" if check.subject else "")
    text = f"{_OUTCOME_MARKS[check.outcome]:<4}  {check.stage.value:<9}  {name}"
    if check.observed is not None:
        text += f": {check.observed}"
    if check.expected is not None and check.outcome is not Outcome.INFO:
        text += f" (expected {check.expected})"
    return text


def explanation(evaluation: Evaluation, browser: BrowserProfile | None = None) -> str:
    """A multi-line account: verdict, console message, why a preflight, trace, fix, myths.

    ``browser`` picks whose console wording to use (default: the profile the evaluation
    ran under).
    """
    d = diagnose(evaluation, browser)
    req = evaluation.request
    verdict = "allowed" if evaluation.allowed else "blocked"
    lines = [f"{req.method} {req.url} from {req.origin} [{d.browser.name}]: {verdict}"]
    reason = evaluation.reason
    if reason is not None:
        lines.append(f"reason: {reason.code.value} at {reason.stage.value}")
    if d.console is not None:
        lines.append("console: " + d.console.replace("\n", "\n         "))
    if evaluation.preflight is not None:
        lines.append("preflight sent: OPTIONS " + evaluation.preflight.url.serialize())
        lines.extend(f"  {n}: {v}" for n, v in evaluation.preflight.headers)
    if d.causes:
        lines.append("why a preflight:")
        lines.extend(f"  - {cause_message(c)}" for c in d.causes)
    lines.append("trace:")
    lines.extend(f"  {check_line(c)}" for c in d.trace)
    if d.fix_text is not None:
        lines.append("fix: " + d.fix_text)
    notes = [note_message(note) for note in evaluation.notes]
    lines.extend("note: " + text for i, text in enumerate(notes) if text not in notes[:i])
    for myth in d.myths:
        lines.append("myth: " + myth_message(myth))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# The generated catalogue (docs/reasons.md)
# ---------------------------------------------------------------------------------------

_STAGES_OF: Mapping[ReasonCode, str] = MappingProxyType(
    {
        _R.DISALLOWED_BY_MODE: "request",
        _R.NO_CORS_REDIRECT_NOT_FOLLOW: "request",
        _R.CORS_DISABLED_SCHEME: "request",
        _R.PREFLIGHT_REDIRECT: "preflight",
        _R.PREFLIGHT_STATUS_NOT_OK: "preflight",
        _R.ACAM_INVALID: "preflight",
        _R.ACAH_INVALID: "preflight",
        _R.METHOD_NOT_ALLOWED: "preflight",
        _R.HEADER_NOT_ALLOWED: "preflight",
        _R.ACAO_MISSING: "preflight, actual, redirect",
        _R.ACAO_MULTIPLE: "preflight, actual, redirect",
        _R.ACAO_INVALID: "preflight, actual, redirect",
        _R.ACAO_MISMATCH: "preflight, actual, redirect",
        _R.ACAO_WILDCARD_WITH_CREDENTIALS: "preflight, actual, redirect",
        _R.ACAC_NOT_TRUE: "preflight, actual, redirect",
        _R.REDIRECT_MODE_ERROR: "redirect",
        _R.REDIRECT_TOO_MANY: "redirect",
        _R.REDIRECT_HAS_CREDENTIALS: "redirect",
        _R.REDIRECT_INVALID_LOCATION: "redirect",
        _R.REDIRECT_NON_HTTP_SCHEME: "redirect",
        _R.REDIRECT_STREAM_BODY: "redirect",
    }
)

_FAMILY_ORDER = (_C, _F, _W, _S)
_FAMILY_TITLES: Mapping[BrowserFamily, str] = MappingProxyType(
    {
        _C: "Chromium",
        _F: "Firefox",
        _W: "WebKit",
        _S: "Fetch Standard (corsspec's words)",
    }
)


def _md_code(text: str) -> str:
    return "`" + text.replace("`", "'").replace("\n", "` ⏎ `") + "`"


def render_reason_catalogue() -> str:
    """``docs/reasons.md``: every reason code with each engine's wording and the fix.

    Generated from :class:`~corsspec.engine.reasons.ReasonCode`, :data:`CONSOLE_MESSAGES`,
    :data:`FIX_HINTS`, :data:`NOTE_MESSAGES`, :data:`CAUSE_MESSAGES` and
    :data:`MYTH_MESSAGES`; ``python docs/gen_reasons.py`` rewrites the page and a test
    fails when the committed page is stale.
    """
    out = [
        "# Reason catalogue",
        "",
        "<!-- Generated by `python docs/gen_reasons.py` from corsspec.engine.reasons and"
        " corsspec.explain. Do not edit by hand. -->",
        "",
        "Every way corsspec says a browser blocks a cross-origin read. Each reason has a",
        "stable code (`Reason.code.value`, what `--json` prints), the stage(s) where it",
        "happens, the message each engine's console prints for it, and the fix.",
        "",
        "Placeholders: `{url}` the URL of the failing request, `{first_url}` the URL script",
        "asked for, `{origin}` the page's origin, `{sent_origin}` the Origin header sent,",
        "`{value}` the offending value as received, `{method}` the method, `{status}` the",
        "failing response's status, `{target}` a redirect's destination, `{kind}`/`{api}`",
        "`fetch`/`Fetch API` or `XMLHttpRequest`, `{response}` which response to change.",
        "Chromium's `{preflight}` is \"Response to preflight request doesn't pass access",
        'control check: " when the failing response is the preflight, `{redirected}` names',
        "the first URL after a redirect, `{fetch_hint}`/`{xhr_hint}` are the suffixes it adds",
        "for fetch() and XMLHttpRequest initiators. WebKit's second line (after ⏎) is a",
        "separate console entry.",
        "",
        "Messages marked *approximate* are cases where the engine prints no dedicated",
        "message (or its trigger is unconfirmed); they say, partly in our words, what the",
        "developer sees.",
        "",
    ]
    for code in ReasonCode:
        out += [f"## `{code.value}`", "", f"Stage: {_STAGES_OF[code]}.", ""]
        out += [f"Fix: {FIX_HINTS[code]}", ""]
        out += ["| engine | console message |", "| --- | --- |"]
        for family in _FAMILY_ORDER:
            template = CONSOLE_MESSAGES[(family, code)]
            mark = " *(approximate)*" if (family, code) in APPROXIMATE else ""
            out.append(f"| {_FAMILY_TITLES[family]} | {_md_code(template)}{mark} |")
        out.append("")
    out += ["# Notes (non-blocking facts)", "", "| code | meaning |", "| --- | --- |"]
    out += [f"| `{c.value}` | {NOTE_MESSAGES[c]} |" for c in NoteCode]
    out += ["", "# Why a preflight", "", "| code | meaning |", "| --- | --- |"]
    out += [f"| `{c.value}` | {CAUSE_MESSAGES[c]} |" for c in CauseCode]
    out += ["", "# Myths", "", "| code | correction |", "| --- | --- |"]
    out += [f"| `{c.value}` | {MYTH_MESSAGES[c]} |" for c in MythCode]
    out.append("")
    return "\n".join(out)

"""Console messages: what each engine prints for a reason, filled with the real values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from corsspec.engine._abnf import is_token
from corsspec.engine.browsers import BrowserFamily, BrowserProfile
from corsspec.engine.fetch import Evaluation, is_preflight
from corsspec.engine.headers import byte_lowercase
from corsspec.engine.model import Api, Request, Response
from corsspec.engine.reasons import Reason, ReasonCode, Stage
from corsspec.engine.url import try_parse_url
from corsspec.explain._common import (
    _DISPLAY_NAMES,
    ACAO,
    ACRM,
    CHROMIUM_CORS_SCHEMES,
    assert_never,
)

__all__ = ["APPROXIMATE", "CONSOLE_MESSAGES", "console_message"]


def __dir__() -> list[str]:
    return __all__


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

# No engine logs anything when script reads an unexposed header: the read returns null.
_NOT_EXPOSED = (
    "(no console message) the {kind} resolves, but response.headers.get('{value}') returns"
    " null: the response{absent} does not list {value} in Access-Control-Expose-Headers."
)

# Engines without a modelled Local Network Access gate never report its codes.
_NO_LNA = (
    "(corsspec does not model this engine as gating local network requests, so it never"
    " reports this for the request to {url})"
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
        # -- What script can read (evaluate(reads=...)): no engine logs anything ------------
        (_C, _R.HEADER_NOT_EXPOSED): _NOT_EXPOSED,
        (_F, _R.HEADER_NOT_EXPOSED): _NOT_EXPOSED,
        (_W, _R.HEADER_NOT_EXPOSED): _NOT_EXPOSED,
        (_S, _R.HEADER_NOT_EXPOSED): (
            "CORS filtered response: {value} is neither a CORS-safelisted response-header name"
            " nor in the CORS-exposed header-name list{absent}, so"
            " response.headers.get('{value}') returns null."
        ),
        # -- Mixed content (W3C Mixed Content) ----------------------------------------------
        # Chromium: blink mixed_content_checker.cc (the page's URL is not known to corsspec;
        # {page} is its origin).
        (_C, _R.MIXED_CONTENT): (
            "Mixed Content: The page at '{page}' was loaded over HTTPS, but requested an"
            " insecure {insecure_kind} '{url}'. This request has been blocked; the content must"
            " be served over HTTPS."
        ),
        # Firefox: dom/locales security.properties BlockMixedActiveContent.
        (_F, _R.MIXED_CONTENT): "Blocked loading mixed active content \u201c{url}\u201d",
        # WebKit: MixedContentChecker.cpp, then the loader's access-control line.
        (_W, _R.MIXED_CONTENT): (
            "[blocked] The page at {page} requested insecure content from {url}. This content"
            " was blocked and must be served over HTTPS.\nNot allowed to request resource"
            "\n{api} cannot load {url} due to access control checks."
        ),
        (_S, _R.MIXED_CONTENT): (
            "Main fetch: should fetching request be blocked as mixed content? returns blocked:"
            " {url} is not a potentially trustworthy URL and the page {origin} prohibits mixed"
            " security contexts: network error."
        ),
        # -- Local Network Access (WICG; Chromium since 142) -----------------------------------
        (_C, _R.LOCAL_NETWORK_INSECURE_CONTEXT): (
            "Access to {kind} at '{url}' from origin '{origin}' has been blocked: the request"
            " targets the {value} address space from a {expected} page that is not a secure"
            " context (Local Network Access)."
        ),
        (_C, _R.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH): (
            "Access to {kind} at '{url}' from origin '{origin}' has been blocked: the request's"
            " targetAddressSpace is '{expected}' but the server is in the '{value}' address"
            " space (Local Network Access)."
        ),
        (_C, _R.LOCAL_NETWORK_PERMISSION_DENIED): (
            "Access to {kind} at '{url}' from origin '{origin}' has been blocked: permission to"
            " access the local network ({value} address space) was denied for this site."
        ),
        (_C, _R.LOCAL_NETWORK_PERMISSION_REQUIRED): (
            "{origin} wants to access devices on your local network: Chromium shows the Local"
            " Network Access prompt, and the request to '{url}' ({value} address space, from a"
            " {expected} page) waits for the user's answer; it is sent only if the user allows"
            " it."
        ),
        (_S, _R.LOCAL_NETWORK_INSECURE_CONTEXT): (
            "Local Network Access: {url} is in the {value} address space, more private than the"
            " page's ({expected}), and the page is not a secure context: network error."
        ),
        (_S, _R.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH): (
            "Local Network Access: the request's target IP address space is '{expected}' but"
            " {url} is in the '{value}' address space: network error."
        ),
        (_S, _R.LOCAL_NETWORK_PERMISSION_DENIED): (
            "Local Network Access: {url} is in the {value} address space, more private than the"
            " page's ({expected}), and the local-network-access permission is denied: network"
            " error."
        ),
        (_S, _R.LOCAL_NETWORK_PERMISSION_REQUIRED): (
            "Local Network Access: {url} is in the {value} address space, more private than the"
            " page's ({expected}): the user agent requests the local-network-access permission;"
            " the fetch waits for the user's answer and fails if it is not granted."
        ),
        (_F, _R.LOCAL_NETWORK_INSECURE_CONTEXT): _NO_LNA,
        (_F, _R.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH): _NO_LNA,
        (_F, _R.LOCAL_NETWORK_PERMISSION_DENIED): _NO_LNA,
        (_F, _R.LOCAL_NETWORK_PERMISSION_REQUIRED): _NO_LNA,
        (_W, _R.LOCAL_NETWORK_INSECURE_CONTEXT): _NO_LNA,
        (_W, _R.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH): _NO_LNA,
        (_W, _R.LOCAL_NETWORK_PERMISSION_DENIED): _NO_LNA,
        (_W, _R.LOCAL_NETWORK_PERMISSION_REQUIRED): _NO_LNA,
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
        (_C, _R.HEADER_NOT_EXPOSED),
        (_F, _R.HEADER_NOT_EXPOSED),
        (_W, _R.HEADER_NOT_EXPOSED),
        # Chromium's Local Network Access console text is not confirmed in its source.
        (_C, _R.LOCAL_NETWORK_INSECURE_CONTEXT),
        (_C, _R.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH),
        (_C, _R.LOCAL_NETWORK_PERMISSION_DENIED),
        (_C, _R.LOCAL_NETWORK_PERMISSION_REQUIRED),
        (_F, _R.LOCAL_NETWORK_INSECURE_CONTEXT),
        (_F, _R.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH),
        (_F, _R.LOCAL_NETWORK_PERMISSION_DENIED),
        (_F, _R.LOCAL_NETWORK_PERMISSION_REQUIRED),
        (_W, _R.LOCAL_NETWORK_INSECURE_CONTEXT),
        (_W, _R.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH),
        (_W, _R.LOCAL_NETWORK_PERMISSION_DENIED),
        (_W, _R.LOCAL_NETWORK_PERMISSION_REQUIRED),
    }
)

#: Reasons decided before anything is sent for the URL they name (a redirect target
#: included): their ``{url}`` is the reason's own URL, not the last one sent.
_PRE_NETWORK_CODES = frozenset(
    {
        _R.MIXED_CONTENT,
        _R.LOCAL_NETWORK_INSECURE_CONTEXT,
        _R.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH,
        _R.LOCAL_NETWORK_PERMISSION_DENIED,
        _R.LOCAL_NETWORK_PERMISSION_REQUIRED,
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
            return assert_never(stage)


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
            return assert_never(stage)


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
    if reason.code in _PRE_NETWORK_CODES and reason.url:
        url = reason.url
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
        "header_lower": reason.header or "",
        "request_header": _script_casing(request, value) if value else "",
        "expected": reason.expected or "",
        "stage": _stage_word(reason.stage),
        "fetch_hint": "" if api_is_xhr else _CR_FETCH_HINT,
        "xhr_hint": _CR_XHR_HINT if api_is_xhr else "",
        "schemes": CHROMIUM_CORS_SCHEMES,
        "max_redirects": str(profile.max_redirects),
        "response": _response_phrase(reason.stage, method, status),
        "scheme": request.url.scheme,
        "page": request.origin.serialize() + "/",
        "absent": " does not carry the header at all and"
        if reason.code is _R.HEADER_NOT_EXPOSED and reason.expected == "absent"
        else "",
        "insecure_kind": "XMLHttpRequest endpoint" if api_is_xhr else "resource",
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

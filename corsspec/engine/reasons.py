"""Verdict codes: why a request was blocked (``ReasonCode``) and non-blocking facts (``NoteCode``).

Codes are stable data with kebab-case values; the words a browser prints for each
live in :mod:`corsspec.explain`. One evaluation reports at most one reason, the first
failing step in the order the Fetch Standard (or the chosen browser) runs its checks.
"""

from __future__ import annotations

import enum

import attrs

__all__ = ["Note", "NoteCode", "Reason", "ReasonCode", "Stage"]


def __dir__() -> list[str]:
    return __all__


class Stage(enum.Enum):
    """Where in the fetch the failure happened, in the order the stages run."""

    REQUEST = "request"
    PREFLIGHT = "preflight"
    ACTUAL = "actual"
    REDIRECT = "redirect"
    EXPOSURE = "exposure"


class ReasonCode(enum.Enum):
    """One member per distinct way a browser blocks a cross-origin read."""

    # Request stage (Fetch: main fetch, before anything is sent).
    DISALLOWED_BY_MODE = "disallowed-by-mode"
    NO_CORS_REDIRECT_NOT_FOLLOW = "no-cors-redirect-not-follow"
    CORS_DISABLED_SCHEME = "cors-disabled-scheme"
    # Request stage, before the CORS protocol (W3C Mixed Content, WICG Local Network
    # Access): nothing reaches the server.
    MIXED_CONTENT = "mixed-content"
    LOCAL_NETWORK_INSECURE_CONTEXT = "local-network-insecure-context"
    LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH = "local-network-address-space-mismatch"
    LOCAL_NETWORK_PERMISSION_DENIED = "local-network-permission-denied"
    #: Not a refusal: the browser asks the user first, and the request waits for the
    #: answer (Chromium's Local Network Access prompt). Never reported as allowed.
    LOCAL_NETWORK_PERMISSION_REQUIRED = "local-network-permission-required"
    # Preflight stage (Fetch: CORS-preflight fetch).
    PREFLIGHT_REDIRECT = "preflight-redirect"
    PREFLIGHT_STATUS_NOT_OK = "preflight-status-not-ok"
    ACAM_INVALID = "acam-invalid"
    ACAH_INVALID = "acah-invalid"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    HEADER_NOT_ALLOWED = "header-not-allowed"
    # CORS check (preflight or actual response; the stage tells which).
    ACAO_MISSING = "acao-missing"
    ACAO_MULTIPLE = "acao-multiple"
    ACAO_INVALID = "acao-invalid"
    ACAO_MISMATCH = "acao-mismatch"
    ACAO_WILDCARD_WITH_CREDENTIALS = "acao-wildcard-with-credentials"
    ACAC_NOT_TRUE = "acac-not-true"
    # Redirect stage (Fetch: HTTP fetch / HTTP-redirect fetch).
    REDIRECT_MODE_ERROR = "redirect-mode-error"
    REDIRECT_TOO_MANY = "redirect-too-many"
    REDIRECT_HAS_CREDENTIALS = "redirect-has-credentials"
    REDIRECT_INVALID_LOCATION = "redirect-invalid-location"
    REDIRECT_NON_HTTP_SCHEME = "redirect-non-http-scheme"
    REDIRECT_STREAM_BODY = "redirect-stream-body"
    # Exposure stage: the fetch resolves, but a header the caller says script reads is
    # not readable (``evaluate(reads=...)``): a failed expectation, not a network error.
    HEADER_NOT_EXPOSED = "header-not-exposed"


class NoteCode(enum.Enum):
    """Facts about an evaluation that did not block it."""

    FORBIDDEN_HEADER_DROPPED = "forbidden-header-dropped"
    PREFLIGHT_CACHE_HIT = "preflight-cache-hit"
    PREFLIGHT_FORCED = "preflight-forced"
    AUTHORIZATION_COVERED_BY_WILDCARD = "authorization-covered-by-wildcard"
    AUTHORIZATION_REMOVED_ON_REDIRECT = "authorization-removed-on-redirect"
    REDIRECTED = "redirected"
    METHOD_REWRITTEN_TO_GET = "method-rewritten-to-get"
    ORIGIN_TAINTED_TO_NULL = "origin-tainted-to-null"
    EXPOSE_HEADERS_INVALID = "expose-headers-invalid"
    EXPOSE_WILDCARD_LITERAL = "expose-wildcard-literal"
    SET_COOKIE_NEVER_EXPOSED = "set-cookie-never-exposed"
    MAX_AGE_INVALID = "max-age-invalid"
    MAX_AGE_CLAMPED = "max-age-clamped"
    PREFLIGHT_NOT_CACHED = "preflight-not-cached"
    TOO_MANY_HEADER_LINES = "too-many-header-lines"
    OPAQUE_RESPONSE = "opaque-response"
    ACAC_IGNORED_WITHOUT_CREDENTIALS = "acac-ignored-without-credentials"
    #: A host name's address space was not stated, so corsspec assumed one (detail:
    #: "host=space").
    ADDRESS_SPACE_ASSUMED = "address-space-assumed"
    #: A Local Network Access request went ahead because the permission is granted.
    LOCAL_NETWORK_PERMISSION_GRANTED = "local-network-permission-granted"
    #: An http: URL from an https: page was not blocked as mixed content because it
    #: targets the local network (the permission gates it instead).
    MIXED_CONTENT_EXEMPT_LOCAL_NETWORK = "mixed-content-exempt-local-network"
    #: A redirect's Location names a host corsspec cannot map exactly as the URL
    #: Standard does (URLProblem.UNSUPPORTED_HOST): the redirect was judged a failure,
    #: but a browser may follow it, so the verdict is not certain (detail: the value).
    LOCATION_HOST_UNSUPPORTED = "location-host-unsupported"
    #: The response carries headers script cannot read (not safelisted, not exposed);
    #: detail: their lowercase names, comma-separated.
    UNEXPOSED_HEADERS = "unexposed-headers"


@attrs.frozen(kw_only=True)
class Reason:
    """Why the browser blocked the read: a code, the stage, and the data behind it.

    ``header`` is the byte-lowercase header name concerned, ``value`` the offending value
    as received (or the request's method/header name for allow-list failures), and
    ``expected`` what would have passed when that is a single value.
    """

    code: ReasonCode
    stage: Stage
    header: str | None = None
    value: str | None = None
    expected: str | None = None
    status: int | None = None
    url: str | None = None


@attrs.frozen(kw_only=True)
class Note:
    """A non-blocking fact about the evaluation (a dropped header, a cache hit, ...)."""

    code: NoteCode
    detail: str | None = None

"""Notes: the wording of the engine's notes (forbidden headers dropped, and so on)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from corsspec.engine.reasons import Note, NoteCode

__all__ = ["NOTE_MESSAGES", "note_message"]


def __dir__() -> list[str]:
    return __all__


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
        NoteCode.ADDRESS_SPACE_ASSUMED: (
            "corsspec cannot resolve host names and assumed the address space {detail}; state"
            " it with address_space= / page_address_space= if it differs"
        ),
        NoteCode.LOCAL_NETWORK_PERMISSION_GRANTED: (
            "the request to {detail} reaches the local network only because the page's local"
            " network access permission is granted"
        ),
        NoteCode.MIXED_CONTENT_EXEMPT_LOCAL_NETWORK: (
            "the plain-http request to {detail} is not blocked as mixed content because it"
            " targets the local network; the local network access permission decides instead"
        ),
        NoteCode.UNEXPOSED_HEADERS: (
            "script will read null for: {detail}; add Access-Control-Expose-Headers: {exposed}"
        ),
        NoteCode.LOCATION_HOST_UNSUPPORTED: (
            "uncertain: the redirect's Location {detail} names a host corsspec cannot map"
            " exactly (an internationalized name it has no data for), so it treated the"
            " redirect as failed; a browser may follow it. Check in a browser, or use an"
            " ASCII (Punycode) host"
        ),
    }
)


def note_message(note: Note) -> str:
    """One note in words."""
    detail = note.detail or ""
    exposed = ", ".join(_display_name(name) for name in detail.split(", ") if name)
    return NOTE_MESSAGES[note.code].format(detail=detail, exposed=exposed)


def _display_name(name: str) -> str:
    """A lowercase header name in the usual display casing (``x-total-count`` ->
    ``X-Total-Count``)."""
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))

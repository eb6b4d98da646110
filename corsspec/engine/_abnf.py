"""Grammar pieces shared by the core: HTTP tokens, header values, length caps.

Everything here is data (compiled patterns and integer caps). The patterns follow
RFC 9110 ``token`` and the Fetch Standard's definition of a *header value*
(https://fetch.spec.whatwg.org/#header-value), which is deliberately looser than the
RFC's ``field-value``.
"""

from __future__ import annotations

import re

__all__ = [
    "HTTP_TAB_OR_SPACE",
    "HTTP_WHITESPACE",
    "MAX_HEADER_LINES",
    "MAX_HEADER_VALUE_LEN",
    "MAX_ORIGIN_LEN",
    "MAX_URL_LEN",
    "is_header_value",
    "is_token",
    "normalize_header_value",
]


def __dir__() -> list[str]:
    return __all__


# RFC 9110 section 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" /
# "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.  A token is 1*tchar.
_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")

# Fetch "header value": no leading or trailing HTTP tab or space, and none of NUL, LF, CR.
# Code points above 0xFF cannot be isomorphic-encoded, so they are not header values either.
_BAD_VALUE_RE = re.compile(r"[\x00\n\r]|[^\x00-\xff]")

#: Fetch "HTTP tab or space" (U+0009, U+0020).
HTTP_TAB_OR_SPACE = "\t "
#: Fetch "HTTP whitespace" (tab, space, LF, CR).
HTTP_WHITESPACE = "\t \n\r"

#: Longest serialized origin the library accepts from callers (bounded work per input).
MAX_ORIGIN_LEN = 2048
#: Longest URL the library accepts from callers.
MAX_URL_LEN = 16384
#: Server-sent header values longer than this are still judged, but only this prefix is
#: kept in diagnostics (``Reason.value``), so verdicts stay small.
MAX_HEADER_VALUE_LEN = 512
#: Header lines past this count in one server response are ignored for CORS purposes and
#: reported in a note; browsers reject such responses much earlier (Chromium caps the
#: whole header block at 256 KiB), so no verdict depends on the exact figure.
MAX_HEADER_LINES = 100_000


def is_token(value: str) -> bool:
    """RFC 9110 ``token``: one or more tchar."""
    return _TOKEN_RE.fullmatch(value) is not None


def is_header_value(value: str) -> bool:
    """Fetch: header value (no leading/trailing tab or space; no NUL, LF or CR)."""
    if _BAD_VALUE_RE.search(value) is not None:
        return False
    return not value or (value[0] not in HTTP_TAB_OR_SPACE and value[-1] not in HTTP_TAB_OR_SPACE)


def normalize_header_value(value: str) -> str:
    """Fetch: normalize a header value (strip leading and trailing HTTP whitespace)."""
    return value.strip(HTTP_WHITESPACE)

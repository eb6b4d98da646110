"""Every Fetch Standard safelist and forbidden table, as data plus small predicates.

Sections of https://fetch.spec.whatwg.org/ implemented here: CORS-safelisted method,
forbidden method, normalize a method, forbidden request-header, CORS-unsafe
request-header byte, CORS-safelisted request-header, CORS-unsafe request-header names,
no-CORS-safelisted request-header, CORS non-wildcard request-header name,
CORS-safelisted response-header name, forbidden response-header name, request-body
header name, and the "parse a single range header value" and MIME-type parsing they use.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable

import attrs

from corsspec.engine._abnf import HTTP_WHITESPACE, is_token
from corsspec.engine.headers import HeaderPairs, byte_lowercase, split_list_value

__all__ = [
    "CLIENT_HINT_SAFELIST",
    "CORS_NON_WILDCARD_REQUEST_HEADER_NAMES",
    "CORS_SAFELISTED_METHODS",
    "CORS_SAFELISTED_RESPONSE_HEADER_NAMES",
    "FORBIDDEN_METHODS",
    "FORBIDDEN_REQUEST_HEADER_NAMES",
    "FORBIDDEN_RESPONSE_HEADER_NAMES",
    "METHOD_OVERRIDE_HEADER_NAMES",
    "NO_CORS_SAFELISTED_REQUEST_HEADER_NAMES",
    "REQUEST_BODY_HEADER_NAMES",
    "SAFELISTED_CONTENT_TYPE_ESSENCES",
    "SAFELISTED_VALUE_BUDGET",
    "SAFELISTED_VALUE_MAX_LEN",
    "SPEC_RULES",
    "SafelistRecorder",
    "SafelistRule",
    "SafelistRules",
    "accept_violation",
    "content_type_violation",
    "cors_unsafe_request_header_names",
    "has_cors_unsafe_byte",
    "is_client_hint_safelisted",
    "is_cors_safelisted_method",
    "is_cors_safelisted_request_header",
    "is_forbidden_method",
    "is_forbidden_request_header",
    "is_no_cors_safelisted_request_header",
    "language_violation",
    "normalize_method",
    "parse_mime_essence",
    "parse_single_range",
    "range_violation",
    "safelist_violation",
    "violation_detail",
]


def __dir__() -> list[str]:
    return __all__


#: Fetch: CORS-safelisted method (byte-exact: ``get`` is not safelisted).
CORS_SAFELISTED_METHODS = frozenset({"GET", "HEAD", "POST"})
#: Fetch: forbidden method (compared byte-case-insensitively; stored upper-case).
FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})
# Fetch: normalize a method — these six are upper-cased, every other method is kept.
_NORMALIZED_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})

#: Fetch: forbidden request-header, the fixed names (byte-lowercase).
FORBIDDEN_REQUEST_HEADER_NAMES = frozenset(
    {
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    }
)
#: Fetch: forbidden request-header, step 3 — forbidden only when a listed method is forbidden.
METHOD_OVERRIDE_HEADER_NAMES = frozenset(
    {"x-http-method", "x-http-method-override", "x-method-override"}
)

#: Fetch: CORS non-wildcard request-header name (``*`` never covers it).
CORS_NON_WILDCARD_REQUEST_HEADER_NAMES = frozenset({"authorization"})
#: Fetch: no-CORS-safelisted request-header name.
NO_CORS_SAFELISTED_REQUEST_HEADER_NAMES = frozenset(
    {"accept", "accept-language", "content-language", "content-type"}
)
#: Fetch: request-body-header name (removed when a redirect rewrites the method to GET).
REQUEST_BODY_HEADER_NAMES = frozenset(
    {"content-encoding", "content-language", "content-location", "content-type"}
)
#: Fetch: CORS-safelisted response-header name (the fixed part; plus the exposed list).
CORS_SAFELISTED_RESPONSE_HEADER_NAMES = frozenset(
    {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    }
)
#: Fetch: forbidden response-header name (never readable by script).
FORBIDDEN_RESPONSE_HEADER_NAMES = frozenset({"set-cookie", "set-cookie2"})
#: Fetch: CORS-safelisted request-header, Content-Type's three accepted essences.
SAFELISTED_CONTENT_TYPE_ESSENCES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
#: Fetch: a safelisted request-header's value may be at most this many bytes.
SAFELISTED_VALUE_MAX_LEN = 128
#: Fetch: CORS-unsafe request-header names, total bytes of safelisted values allowed.
SAFELISTED_VALUE_BUDGET = 1024


@attrs.frozen(kw_only=True)
class SafelistRules:
    """Knobs on the request-header safelist where engines depart from Fetch.

    The defaults are the Fetch Standard; a browser profile fills in its deviations.
    """

    #: Chromium's client-hint headers (DPR, Width, ...) count as safelisted.
    client_hints: bool = False
    #: Bytes 0x80-0xFF make Accept and Content-Type values unsafe.
    high_bytes_unsafe: bool = False
    #: The Range unit ``bytes`` is matched case-insensitively.
    range_unit_case_insensitive: bool = False
    #: Largest number a safelisted Range may carry (None: unbounded).
    range_max_value: int | None = None
    #: Total bytes of safelisted values before all become unsafe (None: no limit).
    value_budget: int | None = SAFELISTED_VALUE_BUDGET
    #: Whether the result is a set (one name per distinct lowercase name).
    deduplicate: bool = True


#: The Fetch Standard's rules, read literally.
SPEC_RULES = SafelistRules()

# Fetch: CORS-unsafe request-header byte — controls other than tab, these delimiters, DEL.
_UNSAFE_BYTES = frozenset(chr(b) for b in range(0x20) if b != 0x09) | frozenset(
    '"():<>?@[\\]{}\x7f'
)
# Accept-Language / Content-Language: only these bytes keep the header safelisted.
_LANGUAGE_BYTES = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;=")


def normalize_method(method: str) -> str:
    """Fetch: normalize a method (upper-case the six well-known methods only)."""
    upper = method.upper() if method.isascii() else method
    if upper in _NORMALIZED_METHODS:
        return upper
    return method


def is_cors_safelisted_method(method: str) -> bool:
    """Fetch: CORS-safelisted method (``GET``, ``HEAD``, ``POST``, byte-exact)."""
    return method in CORS_SAFELISTED_METHODS


def is_forbidden_method(method: str) -> bool:
    """Fetch: forbidden method (``CONNECT``, ``TRACE``, ``TRACK``, any case)."""
    return byte_lowercase(method).upper() in FORBIDDEN_METHODS


def is_forbidden_request_header(name: str, value: str) -> bool:
    """Fetch: forbidden request-header, given a (name, value) pair.

    A fixed list of names, any ``proxy-``/``sec-`` name, and the method-override family
    (``X-HTTP-Method``, ``X-HTTP-Method-Override``, ``X-Method-Override``) when any item
    of its value (get, decode, and split) is a forbidden method.
    """
    return is_forbidden_header_key(byte_lowercase(name), value)


def is_forbidden_header_key(key: str, value: str) -> bool:
    """:func:`is_forbidden_request_header` for a name already byte-lowercased."""
    if key in FORBIDDEN_REQUEST_HEADER_NAMES:
        return True
    if key.startswith(("proxy-", "sec-")):
        return True
    if key in METHOD_OVERRIDE_HEADER_NAMES:
        return any(is_forbidden_method(item) for item in split_list_value(value))
    return False


def has_cors_unsafe_byte(value: str) -> bool:
    """Fetch: whether ``value`` contains a CORS-unsafe request-header byte."""
    return not _UNSAFE_BYTES.isdisjoint(value)


_TOKEN_CODE_POINTS = frozenset(
    "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)


def parse_mime_essence(value: str) -> str | None:
    """MIME Sniffing: parse a MIME type, returning only its essence (None on failure).

    The type and subtype must be non-empty runs of HTTP token code points; parameters
    never make parsing fail, so they are not examined. The essence is ASCII-lowercased.
    """
    text = value.strip(HTTP_WHITESPACE)
    slash = text.find("/")
    if slash <= 0:
        return None
    mime_type = text[:slash]
    if not _TOKEN_CODE_POINTS.issuperset(mime_type):
        return None
    semicolon = text.find(";", slash + 1)
    subtype = text[slash + 1 :] if semicolon < 0 else text[slash + 1 : semicolon]
    subtype = subtype.rstrip(HTTP_WHITESPACE)
    if not subtype or not _TOKEN_CODE_POINTS.issuperset(subtype):
        return None
    return byte_lowercase(mime_type) + "/" + byte_lowercase(subtype)


def parse_single_range(
    value: str, *, unit_case_insensitive: bool = False
) -> tuple[int | None, int | None] | None:
    """Fetch: parse a single range header value, with whitespace not allowed.

    Returns (start, end), either of which may be None, or None on failure.
    """
    unit = value[:6]
    if unit != "bytes=" and not (unit_case_insensitive and byte_lowercase(unit) == "bytes="):
        return None
    rest = value[6:]
    dash = rest.find("-")
    if dash < 0:
        return None
    start_text, end_text = rest[:dash], rest[dash + 1 :]
    if (start_text and not (start_text.isdigit() and start_text.isascii())) or (
        end_text and not (end_text.isdigit() and end_text.isascii())
    ):
        return None
    start = int(start_text) if start_text else None
    end = int(end_text) if end_text else None
    if start is None and end is None:
        return None
    if start is not None and end is not None and start > end:
        return None
    return start, end


def _double_ok(value: str) -> bool:
    # Chromium parses these client hints with a double parser; accept the plain forms.
    head, dot, tail = value.partition(".")
    return bool(head) and head.isdigit() and (not dot or (bool(tail) and tail.isdigit()))


#: Chromium's extra safelisted request-headers (client hints) and their value rules.
#: Evidence: chromium services/network/public/cpp/cors/cors.cc ``IsCorsSafelistedHeader``
#: (the spec removed client hints from the safelist in 2019).
CLIENT_HINT_SAFELIST: dict[str, str] = {
    "device-memory": "double",
    "dpr": "double",
    "downlink": "double",
    "width": "integer",
    "viewport-width": "integer",
    "rtt": "integer",
    "ect": "ect",
    "save-data": "on",
}


def is_client_hint_safelisted(key: str, value: str) -> bool:
    """Chromium: whether a client-hint header ``key`` (lowercase) has a safelisted value."""
    rule = CLIENT_HINT_SAFELIST.get(key)
    if rule is None:
        return False
    if rule == "double":
        return _double_ok(value)
    if rule == "integer":
        return value.isdigit() and value.isascii()
    if rule == "ect":
        return value in ("slow-2g", "2g", "3g", "4g")
    return value == "on"


class SafelistRule(enum.Enum):
    """Which rule of Fetch's CORS-safelisted request-header a (name, value) pair breaks.

    One member per rule of https://fetch.spec.whatwg.org/#cors-safelisted-request-header
    (and of CORS-unsafe request-header names' 1024-byte budget), plus the engine
    deviations a :class:`SafelistRules` turns on.
    """

    #: The name is not one the safelist knows ("Switch on name", the otherwise branch).
    NAME = "name"
    #: "If value's length is greater than 128, then return false."
    VALUE_TOO_LONG = "value-too-long"
    #: Accept / Content-Type: "If value contains a CORS-unsafe request-header byte".
    UNSAFE_BYTE = "unsafe-byte"
    #: Engine deviation (``SafelistRules.high_bytes_unsafe``): a byte 0x80-0xFF.
    HIGH_BYTE = "high-byte"
    #: Content-Type: "Let mimeType be the result of parsing the result of isomorphic
    #: decoding value. If mimeType is failure, then return false."
    CONTENT_TYPE_UNPARSABLE = "content-type-unparsable"
    #: Content-Type: "If mimeType's essence is not ... then return false."
    CONTENT_TYPE_NOT_FORM = "content-type-not-form"
    #: Accept-Language / Content-Language: "If value contains a byte that is not in the
    #: range 0x30 (0) to 0x39 (9), inclusive, ... then return false."
    LANGUAGE_BYTE = "language-byte"
    #: Range: "If rangeValue is failure, then return false. If rangeValue[0] is null,
    #: then return false."
    RANGE_NOT_SIMPLE = "range-not-simple"
    #: Engine deviation (``SafelistRules.range_max_value``): a bound above the limit.
    RANGE_TOO_LARGE = "range-too-large"
    #: Engine deviation (``SafelistRules.client_hints``): a client hint's value rule.
    CLIENT_HINT_VALUE = "client-hint-value"
    #: CORS-unsafe request-header names: "If the sum of lengths of safelistValueSize is
    #: greater than 1024, then for each name of potentiallyUnsafeNames, append name".
    BUDGET = "budget"


_NAME = SafelistRule.NAME
_TOO_LONG = SafelistRule.VALUE_TOO_LONG
_UNSAFE = SafelistRule.UNSAFE_BYTE
_HIGH = SafelistRule.HIGH_BYTE
_LANGUAGE = SafelistRule.LANGUAGE_BYTE


def _has_high_byte(value: str) -> bool:
    return not value.isascii()


def accept_violation(value: str, rules: SafelistRules = SPEC_RULES) -> SafelistRule | None:
    """Fetch: CORS-safelisted request-header, the ``accept`` rule (None: safelisted)."""
    if rules.high_bytes_unsafe and _has_high_byte(value):
        return _HIGH
    return _UNSAFE if has_cors_unsafe_byte(value) else None


def language_violation(value: str) -> SafelistRule | None:
    """Fetch: CORS-safelisted request-header, the ``accept-language`` /
    ``content-language`` rule: only ``0-9A-Za-z``, space, ``*,-.;=`` (None: safelisted)."""
    return None if _LANGUAGE_BYTES.issuperset(value) else _LANGUAGE


def content_type_violation(value: str, rules: SafelistRules = SPEC_RULES) -> SafelistRule | None:
    """Fetch: CORS-safelisted request-header, the ``content-type`` rule (None: safelisted)."""
    if has_cors_unsafe_byte(value):
        return _UNSAFE
    if rules.high_bytes_unsafe and _has_high_byte(value):
        return _HIGH
    essence = parse_mime_essence(value)
    if essence is None:
        return SafelistRule.CONTENT_TYPE_UNPARSABLE
    if essence not in SAFELISTED_CONTENT_TYPE_ESSENCES:
        return SafelistRule.CONTENT_TYPE_NOT_FORM
    return None


def range_violation(value: str, rules: SafelistRules = SPEC_RULES) -> SafelistRule | None:
    """Fetch: CORS-safelisted request-header, the ``range`` rule (None: safelisted)."""
    parsed = parse_single_range(value, unit_case_insensitive=rules.range_unit_case_insensitive)
    if parsed is None or parsed[0] is None:
        return SafelistRule.RANGE_NOT_SIMPLE
    limit = rules.range_max_value
    if limit is None or (parsed[0] <= limit and (parsed[1] is None or parsed[1] <= limit)):
        return None
    return SafelistRule.RANGE_TOO_LARGE


def safelist_violation(
    name: str, value: str, rules: SafelistRules = SPEC_RULES
) -> SafelistRule | None:
    """Fetch: CORS-safelisted request-header — the rule ``(name, value)`` breaks.

    None when the pair is safelisted; :func:`is_cors_safelisted_request_header` is this
    function compared with None. ``rules`` carries an engine's departures.
    """
    return _violation(byte_lowercase(name), value, rules)


def _violation(key: str, value: str, rules: SafelistRules) -> SafelistRule | None:
    """:func:`safelist_violation` for a name already byte-lowercased."""
    if key == "accept":
        if len(value) > SAFELISTED_VALUE_MAX_LEN:
            return _TOO_LONG
        return accept_violation(value, rules)
    if key == "accept-language" or key == "content-language":
        if len(value) > SAFELISTED_VALUE_MAX_LEN:
            return _TOO_LONG
        return language_violation(value)
    if key == "content-type":
        if len(value) > SAFELISTED_VALUE_MAX_LEN:
            return _TOO_LONG
        return content_type_violation(value, rules)
    if key == "range":
        if len(value) > SAFELISTED_VALUE_MAX_LEN:
            return _TOO_LONG
        return range_violation(value, rules)
    if rules.client_hints and key in CLIENT_HINT_SAFELIST:
        if len(value) > SAFELISTED_VALUE_MAX_LEN:
            return _TOO_LONG
        return None if is_client_hint_safelisted(key, value) else SafelistRule.CLIENT_HINT_VALUE
    return _NAME


def violation_detail(rule: SafelistRule, value: str) -> str | None:
    """What in ``value`` breaks ``rule``: the first offending character (``'('`` or
    ``U+00E9``), the length, or None when the rule is about the value as a whole."""
    if rule is _TOO_LONG:
        return str(len(value))
    if rule is _UNSAFE:
        bad = next((ch for ch in value if ch in _UNSAFE_BYTES), None)
    elif rule is _HIGH:
        bad = next((ch for ch in value if not ch.isascii()), None)
    elif rule is _LANGUAGE:
        bad = next((ch for ch in value if ch not in _LANGUAGE_BYTES), None)
    elif rule is SafelistRule.CONTENT_TYPE_NOT_FORM:
        return parse_mime_essence(value)
    else:
        return None
    if bad is None:
        return None
    return repr(bad) if bad.isprintable() else f"U+{ord(bad):04X}"


def is_cors_safelisted_request_header(
    name: str, value: str, rules: SafelistRules = SPEC_RULES
) -> bool:
    """Fetch: CORS-safelisted request-header, given a (name, value) pair.

    ``rules`` carries an engine's departures (see :class:`SafelistRules`).
    """
    return _violation(byte_lowercase(name), value, rules) is None


def is_no_cors_safelisted_request_header(name: str, value: str) -> bool:
    """Fetch: no-CORS-safelisted request-header."""
    return byte_lowercase(
        name
    ) in NO_CORS_SAFELISTED_REQUEST_HEADER_NAMES and is_cors_safelisted_request_header(name, value)


#: Called once per judged header with (name as written, value, broken rule or None,
#: :func:`violation_detail`), and once more with :attr:`SafelistRule.BUDGET` and the
#: total for each safelisted header the budget makes unsafe.
SafelistRecorder = Callable[[str, str, "SafelistRule | None", "str | None"], None]


def cors_unsafe_request_header_names(
    headers: HeaderPairs | Iterable[tuple[str, str]],
    rules: SafelistRules = SPEC_RULES,
    record: SafelistRecorder | None = None,
) -> tuple[str, ...]:
    """Fetch: CORS-unsafe request-header names of a header list.

    Every header that is not CORS-safelisted is unsafe; if the safelisted values add up
    to more than 1024 bytes, all of them become unsafe too. The result is byte-lowercase,
    de-duplicated and sorted (Fetch: convert header names to a sorted-lowercase set).
    ``record``, when given, hears every judgement (see :data:`SafelistRecorder`).
    """
    unsafe: list[str] = []
    potentially: list[str] = []
    judged: list[tuple[str, str]] = []
    total = 0
    for name, value in headers:
        key = byte_lowercase(name)
        rule = _violation(key, value, rules)
        if record is not None:
            record(name, value, rule, None if rule is None else violation_detail(rule, value))
            judged.append((name, value))
        if rule is None:
            potentially.append(key)
            total += len(value)
        else:
            unsafe.append(key)
    if rules.value_budget is not None and total > rules.value_budget:
        # "If the sum of lengths of safelistValueSize is greater than 1024, then for
        # each name of potentiallyUnsafeNames, append name to unsafeNames."
        unsafe.extend(potentially)
        if record is not None:
            for name, value in judged:
                if _violation(byte_lowercase(name), value, rules) is None:
                    record(name, value, SafelistRule.BUDGET, str(total))
    if rules.deduplicate:
        return tuple(sorted(set(unsafe)))
    return tuple(sorted(unsafe))


def is_valid_method(method: str) -> bool:
    """Fetch: method (an HTTP token)."""
    return is_token(method)

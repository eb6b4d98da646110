"""Origins, and the WHATWG URL Standard's basic URL parser.

Fetch/HTML: an origin is either a tuple (scheme, host, port) or opaque; it serializes as
``scheme://host[:port]`` with the scheme's default port elided, or as ``null``
(https://html.spec.whatwg.org/multipage/browsers.html#origin).

URLs are parsed by the URL Standard's state machine
(https://url.spec.whatwg.org/#concept-basic-url-parser), as browsers do: special-scheme
backslashes, dot segments, the percent-encode sets, the IPv4 number forms, the IPv6
parser and serializer, forbidden host code points, ports and ``blob:`` origins are exact.
The state machine runs per code point where the spec's states are short (scheme,
authority, host, port) and per segment where a state only appends (path, query,
fragment); both give the same result, since those states treat each code point alike.

*Domain to ASCII* (https://url.spec.whatwg.org/#concept-domain-to-ascii) needs UTS #46
processing, whose mapping table the core does not carry (stdlib and attrs only). ASCII
hosts without ``xn--`` labels are exact (the spec's own fast path). For other hosts the
mapping is computed from Python's ``unicodedata`` (NFKC case folding, with the UTS #46
exceptions that table data is not needed for: the three full stops, the deviation
characters, the characters UTS #46 ignores). Hosts whose answer would need the data the
core lacks fail with ``URLProblem.UNSUPPORTED_HOST`` / ``OriginProblem.UNSUPPORTED_HOST``
instead of being mapped differently from browsers:

* in a right-to-left domain name, a label breaking the Bidi rule (RFC 5893) other than
  by its own right-to-left text (implementations differ there);
* U+200C / U+200D (CheckJoiners needs the Joining_Type property);
* a code point unassigned in this Python's Unicode database (a newer Unicode may assign
  it), and format characters (Cf) other than the ones UTS #46 ignores;
* an ``xn--`` label that does not decode to a valid, canonically encoded non-ASCII label.

``tests/unit/test_url_oracle.py`` checks this against ada (a WHATWG parser used by
Node.js) on generated hosts: no host maps differently, and how many are reported
unsupported is printed by ``tests/unit/test_url_oracle.py::test_uts46_every_code_point``.
"""

from __future__ import annotations

import functools
import re
import stringprep
import unicodedata

import attrs

from corsspec.engine._abnf import MAX_ORIGIN_LEN, MAX_URL_LEN
from corsspec.errors import InvalidOriginError, InvalidURLError, OriginProblem, URLProblem

__all__ = [
    "DEFAULT_PORTS",
    "NULL_ORIGIN",
    "URL",
    "Origin",
    "parse_origin",
    "parse_url",
    "try_parse_url",
]


def __dir__() -> list[str]:
    return __all__


#: URL Standard "special schemes" with a default port (the ones with tuple origins).
DEFAULT_PORTS: dict[str, int] = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
# URL Standard: special scheme. "file" is special but has no default port.
_SPECIAL = frozenset((*DEFAULT_PORTS, "file"))


@attrs.frozen(kw_only=True)
class Origin:
    """HTML: origin. Tuple origins have scheme/host/port; ``opaque`` ones serialize to null."""

    scheme: str = ""
    host: str = ""
    port: int | None = None
    opaque: bool = False

    def serialize(self) -> str:
        """HTML: ASCII serialization of an origin."""
        return self._serialized

    @functools.cached_property
    def _serialized(self) -> str:
        if self.opaque:
            return "null"
        if self.port is None:
            return f"{self.scheme}://{self.host}"
        return f"{self.scheme}://{self.host}:{self.port}"

    def __str__(self) -> str:
        return self.serialize()

    def same_origin(self, other: Origin) -> bool:
        """HTML: same origin. Two opaque origins are never the same here (no identity kept)."""
        if self is other:
            return not self.opaque
        if self.opaque or other.opaque:
            return False
        # Serializations are cached and canonical, so comparing them compares the tuples.
        return self._serialized == other._serialized

    def same_origin_as_url(self, url: URL) -> bool:
        """HTML: same origin, between this origin and ``url``'s origin.

        Equal to ``self.same_origin(url.origin)`` without building that origin (the
        engine asks this once per new request).
        """
        if self.opaque:
            return False
        if url.scheme not in DEFAULT_PORTS:
            return url.scheme == "blob" and self.same_origin(url.origin)
        return self.scheme == url.scheme and self.host == url.host and self.port == url.port


#: An opaque origin (a sandboxed document, a ``data:`` page): serializes as ``null``.
NULL_ORIGIN = Origin(opaque=True)


@attrs.frozen(kw_only=True)
class URL:
    """URL Standard: URL record (absolute; parsed and canonical).

    ``host`` is the serialized host, ``""`` when the host is null (``empty_host`` marks
    the empty host, as in ``file:///x``). ``path`` is the URL path serializer's output:
    ``/``-joined segments, or the opaque path itself when ``opaque_path`` is set
    (``data:``, ``about:``, ``mailto:``).
    """

    scheme: str
    host: str
    port: int | None = None
    path: str = "/"
    query: str | None = None
    fragment: str | None = None
    username: str = ""
    password: str = ""
    opaque_path: bool = False
    empty_host: bool = False

    @functools.cached_property
    def origin(self) -> Origin:
        """URL Standard: origin of a URL.

        https://url.spec.whatwg.org/#concept-url-origin: "blob": the origin of the URL
        its path parses to, when that URL's scheme is "http" or "https" (or "file",
        whose origin is opaque); "ftp", "http", "https", "ws", "wss": a tuple origin;
        anything else: a new opaque origin. (corsspec has no blob URL store, so the
        "blob URL entry" branch never applies.)
        """
        if self.scheme in DEFAULT_PORTS:
            return Origin(scheme=self.scheme, host=self.host, port=self.port)
        if self.scheme == "blob":
            inner = try_parse_url(self.path) if self.opaque_path else None
            if inner is not None and inner.scheme in ("http", "https"):
                return inner.origin
        return NULL_ORIGIN

    @property
    def includes_credentials(self) -> bool:
        """URL: includes credentials (a non-empty username or password)."""
        return bool(self.username or self.password)

    @property
    def is_http(self) -> bool:
        """Fetch: HTTP(S) scheme."""
        return self.scheme in ("http", "https")

    @functools.cached_property
    def href(self) -> str:
        """URL serializer with the fragment excluded (what goes on the wire and in caches)."""
        return self.serialize(exclude_fragment=True)

    def serialize(self, *, exclude_fragment: bool = False) -> str:
        """URL Standard: URL serializer."""
        out = [self.scheme, ":"]
        if self.host or self.empty_host or self.scheme in DEFAULT_PORTS:
            out.append("//")
            if self.username or self.password:
                out.append(self.username)
                if self.password:
                    out.append(":" + self.password)
                out.append("@")
            out.append(self.host)
            if self.port is not None:
                out.append(f":{self.port}")
        elif not self.opaque_path and self.path.startswith("//"):
            # "If url's host is null, url does not have an opaque path, url's path's size
            # is greater than 1, and url's path[0] is the empty string, then append "/."".
            out.append("/.")
        out.append(self.path)
        if self.query is not None:
            out.append("?" + self.query)
        if self.fragment is not None and not exclude_fragment:
            out.append("#" + self.fragment)
        return "".join(out)

    def __str__(self) -> str:
        return self.serialize()

    def join(self, reference: str) -> URL | None:
        """Parse ``reference`` relative to this URL (None on failure). Fragment inherited.

        Fetch: location URL (https://fetch.spec.whatwg.org/#concept-response-location-url):
        "Let location be the result of parsing location with response's URL", then "If
        location is a URL whose fragment is null, then set location's fragment to
        requestFragment".
        """
        if len(reference) > MAX_URL_LEN:
            return None
        try:
            result = _parse(reference, self)
        except _ParseError:
            return None
        if result.fragment is None and self.fragment is not None:
            result = attrs.evolve(result, fragment=self.fragment)
        return result

    def join_unsupported(self, reference: str) -> bool:
        """Whether :meth:`join` fails only because corsspec cannot map the host exactly
        (``URLProblem.UNSUPPORTED_HOST``): a browser may well parse it, so a verdict
        built on that failure is not certain."""
        if len(reference) > MAX_URL_LEN:
            return False
        try:
            _parse(reference, self)
        except _ParseError as exc:
            return exc.problem is URLProblem.UNSUPPORTED_HOST
        return False


# --- percent-encoding --------------------------------------------------------------------
# URL Standard percent-encode sets (https://url.spec.whatwg.org/#percent-encoded-bytes).
# Each is "the C0 control percent-encode set" (C0 controls and code points above U+007E)
# plus the ASCII listed here; code points outside ASCII are always UTF-8 percent-encoded.
_FRAGMENT_EXTRA = ' "<>`'
_QUERY_EXTRA = ' "#<>'
_SPECIAL_QUERY_EXTRA = _QUERY_EXTRA + "'"
_PATH_EXTRA = _QUERY_EXTRA + "?^`{}"
_USERINFO_EXTRA = _PATH_EXTRA + "/:;=@[\\]|"


def _encode_set(extra: str) -> re.Pattern[str]:
    return re.compile("[^\x21-\x7e]|[" + re.escape(extra) + "]" if extra else "[^\x20-\x7e]")


_C0_CONTROL_SET = _encode_set("")
_FRAGMENT_SET = _encode_set(_FRAGMENT_EXTRA)
_QUERY_SET = _encode_set(_QUERY_EXTRA)
_SPECIAL_QUERY_SET = _encode_set(_SPECIAL_QUERY_EXTRA)
_PATH_SET = _encode_set(_PATH_EXTRA)
_USERINFO_SET = _encode_set(_USERINFO_EXTRA)


def _utf8_percent(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8"))


def _percent_encode(text: str, encode_set: re.Pattern[str]) -> str:
    """URL Standard: UTF-8 percent-encode each code point of ``text`` in ``encode_set``."""
    return encode_set.sub(_utf8_percent, text)


_PERCENT_HEX = re.compile(rb"%([0-9A-Fa-f]{2})")


def _percent_decode(text: str) -> bytes:
    """URL Standard: percent-decode (of the UTF-8 encoding of ``text``)."""
    return _PERCENT_HEX.sub(lambda m: bytes((int(m.group(1), 16),)), text.encode("utf-8"))


# --- failures ------------------------------------------------------------------------------


class _ParseError(Exception):
    """The basic URL parser returned failure (problem and a hint for the error message)."""

    def __init__(self, problem: URLProblem, hint: str) -> None:
        super().__init__(problem, hint)
        self.problem = problem
        self.hint = hint


_ORIGIN_PROBLEM = {
    URLProblem.BAD_HOST: OriginProblem.BAD_HOST,
    URLProblem.BAD_CHARACTER: OriginProblem.BAD_HOST,
    URLProblem.UNSUPPORTED_HOST: OriginProblem.UNSUPPORTED_HOST,
    URLProblem.BAD_PORT: OriginProblem.BAD_PORT,
}


# --- hosts ---------------------------------------------------------------------------------

# URL Standard: forbidden host code point; forbidden domain code point adds the C0
# controls, U+0025 (%) and U+007F DELETE.
_FORBIDDEN_HOST = frozenset("\x00\t\n\r #/:<>?@[\\]^|")
_FORBIDDEN_DOMAIN = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")
_FORBIDDEN_OPAQUE_HOST = re.compile(r"[\x00\t\n\r #/:<>?@\[\\\]^|]")


def _host_failure(host: str, what: str) -> _ParseError:
    # A control character or space is reported as such (the most common cause: a URL
    # assembled with a stray space), anything else as a bad host.
    if re.search(r"[\x00-\x20\x7f]", host) is not None:
        return _ParseError(URLProblem.BAD_CHARACTER, f"control character or space in host: {what}")
    return _ParseError(URLProblem.BAD_HOST, what)


def _parse_host(text: str, *, special: bool) -> str:
    """URL Standard: host parser (https://url.spec.whatwg.org/#concept-host-parser).

    Returns the serialized host. ``special`` is "not isOpaque".
    """
    # "If input starts with U+005B ([), then: If input does not end with U+005D (]),
    # IPv6-unclosed validation error, return failure. Return the result of IPv6 parsing
    # input with its leading U+005B ([) and trailing U+005D (]) removed."
    if text.startswith("["):
        if not text.endswith("]"):
            raise _ParseError(URLProblem.BAD_HOST, "unterminated IPv6 literal")
        return "[" + _serialize_ipv6(_parse_ipv6(text[1:-1])) + "]"
    if not special:
        # "If isOpaque is true, then return the result of opaque-host parsing input."
        if _FORBIDDEN_OPAQUE_HOST.search(text) is not None:
            raise _host_failure(text, "forbidden host code point")
        return _percent_encode(text, _C0_CONTROL_SET)
    # "Let domain be the result of running UTF-8 decode without BOM on the
    # percent-decoding of input." (Invalid UTF-8 becomes U+FFFD, which UTS #46 disallows.)
    domain = text if "%" not in text else _percent_decode(text).decode("utf-8", "replace")
    ascii_domain = _domain_to_ascii(domain)
    # "If asciiDomain contains a forbidden domain code point, domain-invalid-code-point
    # validation error, return failure."
    if _FORBIDDEN_DOMAIN.search(ascii_domain) is not None:
        raise _host_failure(ascii_domain, "forbidden domain code point")
    # "If asciiDomain ends in a number, then return the result of IPv4 parsing asciiDomain."
    if _ends_in_number(ascii_domain):
        return _parse_ipv4(ascii_domain)
    return ascii_domain


def _domain_to_ascii(domain: str) -> str:
    """URL Standard: domain to ASCII, with beStrict false."""
    # "If beStrict is false, domain is an ASCII string, and strictly splitting domain on
    # U+002E (.) does not produce any item that starts with an ASCII case-insensitive
    # match for "xn--", this step is equivalent to ASCII lowercasing domain."
    if domain.isascii():
        result = domain.lower()
        if "xn--" in result and any(label.startswith("xn--") for label in result.split(".")):
            result = _uts46_to_ascii(result)
    else:
        result = _uts46_to_ascii(domain)
    # "If result is the empty string, domain-to-ASCII validation error, return failure."
    if not result:
        raise _ParseError(URLProblem.BAD_HOST, "empty host")
    return result


# UTS #46 (https://www.unicode.org/reports/tr46/), as the URL Standard calls it:
# CheckHyphens=false, CheckBidi=true, CheckJoiners=true, UseSTD3ASCIIRules=false,
# Transitional_Processing=false, VerifyDnsLength=false.

#: UTS #46 maps these full stops to U+002E (IdnaMappingTable: U+3002, U+FF0E, U+FF61).
_FULL_STOPS = frozenset("\u3002\uff0e\uff61")
#: Code points whose UTS #46 status is "ignored" (mapped to nothing) although their NFKC
#: case folding keeps them: soft hyphen, Mongolian free variation selectors and vowel
#: separator, zero width space, word joiner and the invisible operators, the zero width
#: no-break space, the shorthand format controls, combining grapheme joiner, the Khmer
#: inherent vowels, and the variation selectors.
_IGNORED = frozenset(
    (
        *(0x00AD, 0x034F, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180E, 0x180F, 0x200B),
        0xFEFF,
        *range(0x2060, 0x2065),
        *range(0x1BCA0, 0x1BCA4),
        *range(0xFE00, 0xFE10),
        *range(0xE0100, 0xE01F0),
    )
)
#: UTS #46 "deviation" characters kept under nontransitional processing, and U+1E9E
#: (capital sharp s), which UTS #46 maps to U+00DF where case folding gives "ss".
_KEPT = {"\u00df": "\u00df", "\u03c2": "\u03c2", "\u1e9e": "\u00df"}
#: The Hangul fillers: NFKC maps the halfwidth and compatibility ones to U+1160 / U+3164,
#: but UTS #46 disallows or ignores them depending on the code point.
_HANGUL_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
_RTL_BIDI = frozenset(("R", "AL", "AN"))


def _unsupported(hint: str) -> _ParseError:
    return _ParseError(URLProblem.UNSUPPORTED_HOST, hint)


@functools.lru_cache(maxsize=4096)
def _uts46_map(char: str) -> str:
    """UTS #46 mapping of one non-ASCII code point (raises for disallowed / unknown)."""
    if char in _FULL_STOPS:
        return "."
    code = ord(char)
    if code in _IGNORED:
        return ""
    kept = _KEPT.get(char)
    if kept is not None:
        return kept
    if char in "\u200c\u200d":
        raise _unsupported("U+200C/U+200D: the CheckJoiners rule needs Joining_Type data")
    if char in _HANGUL_FILLERS:
        raise _unsupported(f"U+{code:04X}: a Hangul filler")
    category = unicodedata.category(char)
    if category == "Cn":
        raise _unsupported(f"U+{code:04X} is unassigned in Unicode {unicodedata.unidata_version}")
    # Private use, controls, separators, and IDNA2003's "inappropriate for plain text"
    # (U+FFF9-U+FFFD) and "for canonical representation" (U+2FF0-U+2FFB) tables, which
    # UTS #46 keeps disallowed (RFC 3454 tables C.6 and C.7, in the stdlib).
    if (
        category in ("Co", "Cc", "Cs", "Zl", "Zp", "Zs")
        or stringprep.in_table_c6(char)
        or stringprep.in_table_c7(char)
    ):
        raise _ParseError(URLProblem.BAD_HOST, f"U+{code:04X} is disallowed in a domain (UTS #46)")
    if category == "Cf":
        raise _unsupported(f"U+{code:04X}: format characters need the UTS #46 table")
    # NFKC_Casefold: NFKC, full case folding, NFKC again.
    mapped = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", char).casefold())
    if "." in mapped or not _FULL_STOPS.isdisjoint(mapped):
        # UTS #46 disallows code points whose mapping contains a full stop (U+2488 ...).
        raise _ParseError(URLProblem.BAD_HOST, f"U+{code:04X} maps to a full stop (UTS #46)")
    for result in mapped:
        if result.isascii():
            continue
        if unicodedata.category(result) in ("Cn", "Cf"):
            raise _unsupported(f"U+{code:04X} maps to a character needing the UTS #46 table")
    return mapped


def _uts46_to_ascii(domain: str) -> str:
    """UTS #46 ToASCII (section 4.2), approximated as the module docstring says."""
    # Processing step 1 (map) and step 2 (normalize to NFC).
    mapped = "".join(char.lower() if char.isascii() else _uts46_map(char) for char in domain)
    mapped = unicodedata.normalize("NFC", mapped)
    out: list[str] = []
    unicode_labels: list[tuple[str, bool]] = []  # (label, whether it came as xn--)
    # Step 3: break into labels at U+002E; step 4: convert and validate each label.
    for label in mapped.split("."):
        if label.startswith("xn--"):
            out.append(label)
            unicode_labels.append((_check_punycode_label(label), True))
            continue
        unicode_labels.append((label, False))
        if label.isascii():
            out.append(label)
            continue
        _check_label(label)
        out.append("xn--" + label.encode("punycode").decode("ascii"))
    # CheckBidi: "If CheckBidi, and if the domain name is a Bidi domain name, then the
    # label must satisfy all six of the numbered conditions in [IDNA2008] RFC 5893,
    # Section 2." A Bidi domain name has a label with an R, AL or AN character.
    if any(
        unicodedata.bidirectional(char) in _RTL_BIDI
        for label, _ in unicode_labels
        if not label.isascii()
        for char in label
    ):
        for label, was_punycode in unicode_labels:
            if not label or _satisfies_bidi_rule(label):
                continue
            # A right-to-left label breaking rules 2-4 fails. Implementations differ on
            # rules 1, 5 and 6 for the other labels of a Bidi domain name (ada accepts
            # "1a.\u05d0") and on punycode labels, so those are not decided here.
            if was_punycode or unicodedata.bidirectional(label[0]) not in ("R", "AL"):
                raise _unsupported(f"label {label[:64]!r} in a right-to-left domain name")
            raise _ParseError(
                URLProblem.BAD_HOST, f"label {label[:64]!r} breaks the Bidi rule (RFC 5893)"
            )
    return ".".join(out)


_BIDI_RTL_ALLOWED = frozenset(("R", "AL", "AN", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"))
_BIDI_LTR_ALLOWED = frozenset(("L", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"))


def _satisfies_bidi_rule(label: str) -> bool:
    """RFC 5893 section 2: the Bidi rule's six conditions, for one label."""
    classes = [unicodedata.bidirectional(char) for char in label]
    ending = [c for c in classes if c != "NSM"]
    last = ending[-1] if ending else ""
    # 1. "The first character must be a character with Bidi property L, R, or AL."
    if classes[0] in ("R", "AL"):
        # 2. Only R, AL, AN, EN, ES, CS, ET, ON, BN and NSM in an RTL label.
        # 3. It ends with R, AL, EN or AN, followed by zero or more NSM.
        # 4. "If an EN is present, no AN may be present, and vice versa."
        return (
            _BIDI_RTL_ALLOWED.issuperset(classes)
            and last in ("R", "AL", "EN", "AN")
            and not ("EN" in classes and "AN" in classes)
        )
    if classes[0] == "L":
        # 5. Only L, EN, ES, CS, ET, ON, BN and NSM in an LTR label.
        # 6. It ends with L or EN, followed by zero or more NSM.
        return _BIDI_LTR_ALLOWED.issuperset(classes) and last in ("L", "EN")
    return False


def _check_label(label: str) -> None:
    """UTS #46 validity criteria (section 4.1) that need no table data."""
    # "The label must not begin with a combining mark, that is: General_Category=Mark."
    # Implementations apply it with the General_Category of their own Unicode version, so
    # a mark assigned after Unicode 3.2 (or one that changed category) is not decided here.
    if unicodedata.category(label[0]).startswith("M"):
        if not unicodedata.ucd_3_2_0.category(label[0]).startswith("M"):
            raise _unsupported(f"U+{ord(label[0]):04X} (a recent combining mark) begins a label")
        raise _ParseError(URLProblem.BAD_HOST, "a label begins with a combining mark (UTS #46)")


def _check_punycode_label(label: str) -> str:
    """UTS #46 processing step 4 for a label starting with "xn--" (returns it decoded)."""
    if not label.isascii():
        raise _ParseError(URLProblem.BAD_HOST, "an xn-- label with non-ASCII code points")
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError, OverflowError):
        raise _unsupported(f"{label[:64]!r} is not decodable punycode") from None
    if decoded.isascii() or decoded.encode("punycode").decode("ascii") != label[4:]:
        raise _unsupported(f"{label[:64]!r} is not canonical punycode for a non-ASCII label")
    # The decoded label must be valid: its own mapping, NFC, and the label rules. Where
    # it is not, UTS #46 records an error, but implementations differ on which of these
    # checks they make for labels already in punycode, so corsspec does not guess.
    try:
        remapped = unicodedata.normalize(
            "NFC", "".join(char if char.isascii() else _uts46_map(char) for char in decoded)
        )
        if remapped != decoded or "." in decoded or decoded.lower() != decoded:
            raise _ParseError(URLProblem.BAD_HOST, "not a valid label")
        _check_label(decoded)
    except _ParseError as failure:
        raise _unsupported(f"{label[:64]!r} decodes to an invalid label ({failure.hint})") from None
    return decoded


def _ends_in_number(domain: str) -> bool:
    """URL Standard: ends in a number checker."""
    parts = domain.split(".")
    if parts[-1] == "":
        if len(parts) == 1:
            return False
        parts.pop()
    last = parts[-1]
    # "If last is non-empty and contains only ASCII digits, then return true."
    if last and last.isascii() and last.isdigit():
        return True
    # "If parsing last as an IPv4 number does not return failure, then return true."
    return _ipv4_number(last) is not None


# Digits that can stay below 2**32 in each radix (leading zeros removed first).
_MAX_IPV4_DIGITS = {10: 10, 16: 8, 8: 11}
_RADIX_DIGITS = {10: frozenset("0123456789"), 8: frozenset("01234567")}
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def _ipv4_number(part: str) -> int | None:
    """URL Standard: IPv4 number parser; None is failure.

    Values of 2**32 or more are returned as 2**32: every caller only compares them with
    bounds at or below that, and the digit count is bounded before any conversion.
    """
    if not part:
        return None
    radix = 10
    if part[:2] in ("0x", "0X"):
        radix, part = 16, part[2:]
    elif len(part) > 1 and part[0] == "0":
        radix, part = 8, part[1:]
    if not part:
        return 0
    allowed = _HEX_DIGITS if radix == 16 else _RADIX_DIGITS[radix]
    if not allowed.issuperset(part):
        return None
    digits = part.lstrip("0")
    if len(digits) > _MAX_IPV4_DIGITS[radix]:
        return 2**32
    return min(int(digits or "0", radix), 2**32)


def _parse_ipv4(domain: str) -> str:
    """URL Standard: IPv4 parser, then the IPv4 serializer."""
    parts = domain.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4:
        raise _ParseError(URLProblem.BAD_HOST, "an IPv4 address has at most four parts")
    numbers: list[int] = []
    for part in parts:
        number = _ipv4_number(part)
        if number is None:
            raise _ParseError(URLProblem.BAD_HOST, f"bad IPv4 part {part[:32]!r}")
        numbers.append(number)
    # "If any but the last item in numbers is greater than 255, then return failure."
    if any(number > 255 for number in numbers[:-1]):
        raise _ParseError(URLProblem.BAD_HOST, "an IPv4 part is above 255")
    # "If the last item in numbers is greater than or equal to 256^(5 - numbers's size),
    # then return failure."
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        raise _ParseError(URLProblem.BAD_HOST, "the IPv4 address is out of range")
    address = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        address += number * 256 ** (3 - index)
    return ".".join(str((address >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def _parse_ipv6(text: str) -> list[int]:
    """URL Standard: IPv6 parser (https://url.spec.whatwg.org/#concept-ipv6-parser).

    A zone identifier (``%25eth0``) is not part of the grammar: ``%`` fails here, as it
    does in browsers.
    """

    def fail(hint: str) -> _ParseError:
        return _ParseError(URLProblem.BAD_HOST, f"bad IPv6 literal: {hint}")

    address = [0] * 8
    piece_index = 0
    compress: int | None = None
    pointer = 0
    length = len(text)

    def at(i: int) -> str:
        return text[i] if i < length else ""

    if at(0) == ":":
        if at(1) != ":":
            raise fail("a leading ':' must be '::'")
        pointer = 2
        piece_index = 1
        compress = piece_index
    while at(pointer):
        if piece_index == 8:
            raise fail("more than eight pieces")
        if at(pointer) == ":":
            if compress is not None:
                raise fail("'::' appears twice")
            pointer += 1
            piece_index += 1
            compress = piece_index
            continue
        value = count = 0
        while count < 4 and at(pointer) and at(pointer) in _HEX_DIGITS:
            value = value * 0x10 + int(at(pointer), 16)
            pointer += 1
            count += 1
        if at(pointer) == ".":
            # An IPv4 address in the last two pieces.
            if count == 0:
                raise fail("'.' without digits before it")
            pointer -= count
            if piece_index > 6:
                raise fail("no room for an IPv4 part")
            numbers_seen = 0
            while at(pointer):
                ipv4_piece: int | None = None
                if numbers_seen > 0:
                    if at(pointer) == "." and numbers_seen < 4:
                        pointer += 1
                    else:
                        raise fail("bad IPv4 part")
                if not at(pointer).isdigit() or not at(pointer).isascii():
                    raise fail("bad IPv4 part")
                while at(pointer) and at(pointer) in "0123456789":
                    number = int(at(pointer))
                    if ipv4_piece is None:
                        ipv4_piece = number
                    elif ipv4_piece == 0:
                        raise fail("leading zero in an IPv4 part")
                    else:
                        ipv4_piece = ipv4_piece * 10 + number
                    if ipv4_piece > 255:
                        raise fail("IPv4 part above 255")
                    pointer += 1
                assert ipv4_piece is not None
                address[piece_index] = address[piece_index] * 0x100 + ipv4_piece
                numbers_seen += 1
                if numbers_seen in (2, 4):
                    piece_index += 1
            if numbers_seen != 4:
                raise fail("an IPv4 part needs four numbers")
            break
        if at(pointer) == ":":
            pointer += 1
            if not at(pointer):
                raise fail("trailing ':'")
        elif at(pointer):
            raise fail(f"unexpected {at(pointer)!r}")
        address[piece_index] = value
        piece_index += 1
    if compress is not None:
        swaps = piece_index - compress
        piece_index = 7
        while piece_index != 0 and swaps > 0:
            other = compress + swaps - 1
            address[piece_index], address[other] = address[other], address[piece_index]
            piece_index -= 1
            swaps -= 1
    elif piece_index != 8:
        raise fail("fewer than eight pieces and no '::'")
    return address


def _serialize_ipv6(pieces: list[int]) -> str:
    """URL Standard: IPv6 serializer (the first longest run of two or more zero pieces
    becomes ``::``; hex without leading zeros; never dotted IPv4 notation)."""
    best_start, best_len, start = -1, 1, -1
    for i, piece in enumerate([*pieces, 1]):
        if piece == 0 and start < 0:
            start = i
        elif piece != 0 and start >= 0:
            if i - start > best_len:
                best_start, best_len = start, i - start
            start = -1
    if best_start < 0:
        return ":".join(f"{p:x}" for p in pieces)
    head = ":".join(f"{p:x}" for p in pieces[:best_start])
    tail = ":".join(f"{p:x}" for p in pieces[best_start + best_len :])
    return f"{head}::{tail}"


# --- the basic URL parser ------------------------------------------------------------------

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*:")
_C0_OR_SPACE = "".join(chr(i) for i in range(0x21))
_SURROGATE = re.compile("[\ud800-\udfff]")
_DOUBLE_DOT = frozenset(("..", ".%2e", "%2e.", "%2e%2e"))
_SINGLE_DOT = frozenset((".", "%2e"))
_WINDOWS_DRIVE = re.compile(r"[A-Za-z][:|]")
_PORT_DIGITS = re.compile(r"[0-9]*")
# Already-canonical http(s)/ws(s) URLs: lowercase scheme and host, no userinfo, a port
# of at most five digits, path and query of code points no percent-encode set touches.
# Everything else takes the state machine. See _fast_parse for the remaining checks.
_FAST = re.compile(
    r"(https?|wss?)://([a-z0-9\-]+(?:\.[a-z0-9\-]+)*)(?::([0-9]{1,5}))?"
    r"(/[A-Za-z0-9\-._~!$&()*+,;=:@/%|\[\]]*)?(?:\?([A-Za-z0-9\-._~!$&()*+,;=:@/?%|\[\]`{}^\\]*))?"
    r"(?:#([A-Za-z0-9\-._~!$&'()*+,;=:@/?%|\[\]{}^\\#]*))?"
)


_ASCII_DIGITS = frozenset("0123456789")
_DOTTED_QUAD = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.|$)){4}")


def _starts_with_windows_drive_letter(text: str) -> bool:
    """URL Standard: starts with a Windows drive letter."""
    return (
        len(text) >= 2
        and _WINDOWS_DRIVE.match(text) is not None
        and (len(text) == 2 or text[2] in "/\\?#")
    )


def _is_normalized_drive(segment: str) -> bool:
    return len(segment) == 2 and segment[0].isascii() and segment[0].isalpha() and segment[1] == ":"


class _Record:
    """A URL record while the parser builds it (mutable; becomes a URL at the end)."""

    __slots__ = (
        "fragment",
        "host",
        "opaque",
        "password",
        "path",
        "port",
        "query",
        "scheme",
        "username",
    )

    def __init__(self, scheme: str) -> None:
        self.scheme = scheme
        self.username = ""
        self.password = ""
        self.host: str | None = None
        self.port: int | None = None
        self.path: list[str] = []
        self.opaque: str | None = None
        self.query: str | None = None
        self.fragment: str | None = None

    def copy_authority(self, base: URL) -> None:
        self.username, self.password, self.port = base.username, base.password, base.port
        self.host = base.host if (base.host or base.empty_host) else None

    def shorten(self) -> None:
        """URL Standard: shorten a URL's path."""
        path = self.path
        if self.scheme == "file" and len(path) == 1 and _is_normalized_drive(path[0]):
            return
        if path:
            path.pop()

    def build(self) -> URL:
        return URL(
            scheme=self.scheme,
            host=self.host or "",
            empty_host=self.host == "",
            port=self.port,
            path=self.opaque if self.opaque is not None else "".join("/" + s for s in self.path),
            opaque_path=self.opaque is not None,
            query=self.query,
            fragment=self.fragment,
            username=self.username,
            password=self.password,
        )


def _base_segments(base: URL) -> list[str]:
    return base.path[1:].split("/") if base.path else []


def _fast_parse(text: str) -> URL | None:
    match = _FAST.fullmatch(text)
    if match is None:
        return None
    scheme, host, port_text, path, query, fragment = match.groups()
    if "xn--" in host:
        return None
    if host[host.rfind(".") + 1 :][:1] in _ASCII_DIGITS and _DOTTED_QUAD.fullmatch(host) is None:
        # The last label may be a number: only a canonical dotted quad is already done.
        return None
    if path is not None and ("/." in path or "%2" in path):
        return None
    port: int | None = None
    if port_text is not None:
        port = int(port_text)
        if port > 65535:
            return None
        if port == DEFAULT_PORTS[scheme]:
            port = None
    return URL(
        scheme=scheme, host=host, port=port, path=path or "/", query=query, fragment=fragment
    )


def _parse(value: str, base: URL | None, *, fast: bool = True) -> URL:
    """URL Standard: basic URL parser, with no encoding override and no state override.

    ``fast=False`` skips the shortcut for already-canonical URLs (the tests compare the two).
    """
    # Lone surrogates: the WebIDL USVString conversion every URL-taking API applies
    # (fetch(), new URL(), XMLHttpRequest.open) replaces each with U+FFFD.
    if not value.isascii() and _SURROGATE.search(value) is not None:
        value = _SURROGATE.sub("\ufffd", value)
    # "Remove any leading and trailing C0 control or space from input."
    text = value.strip(_C0_OR_SPACE)
    # "Remove all ASCII tab or newline from input."
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    if base is None and fast:
        shortcut = _fast_parse(text)
        if shortcut is not None:
            return shortcut
    match = _SCHEME.match(text)
    if match is None:
        return _no_scheme(text, base)
    scheme = match.group()[:-1].lower()
    rest = text[match.end() :]
    record = _Record(scheme)
    # Scheme state, after "url's scheme to buffer".
    if scheme == "file":
        return _file(record, rest, base)
    if scheme in _SPECIAL:
        if base is not None and base.scheme == scheme:
            # Special relative or authority state.
            if rest.startswith("//"):
                return _authority(record, rest[2:].lstrip("/\\"))
            return _relative(record, rest, base)
        # Special authority slashes state, then special authority ignore slashes state.
        return _authority(record, rest.lstrip("/\\"))
    if rest.startswith("/"):
        # Path or authority state.
        if rest.startswith("//"):
            return _authority(record, rest[2:])
        return _path(record, rest[1:])
    # Opaque path state.
    return _opaque_path(record, rest)


def _no_scheme(text: str, base: URL | None) -> URL:
    """URL Standard: no scheme state."""
    if base is None:
        raise _ParseError(URLProblem.NOT_ABSOLUTE, "give scheme://host/path")
    if base.opaque_path:
        if not text.startswith("#"):
            raise _ParseError(URLProblem.NOT_ABSOLUTE, f"{base.scheme}: URLs cannot be a base")
        record = _Record(base.scheme)
        record.opaque, record.query = base.path, base.query
        record.fragment = _percent_encode(text[1:], _FRAGMENT_SET)
        return record.build()
    record = _Record(base.scheme)
    if base.scheme == "file":
        return _file(record, text, base)
    return _relative(record, text, base)


def _relative(record: _Record, text: str, base: URL) -> URL:
    """URL Standard: relative state (base is non-null and has no opaque path)."""
    special = record.scheme in _SPECIAL
    first = text[:1]
    if first == "/" or (special and first == "\\"):
        # Relative slash state.
        second = text[1:2]
        if special and second in ("/", "\\") and second:
            return _authority(record, text[2:].lstrip("/\\"))
        if second == "/":
            return _authority(record, text[2:])
        record.copy_authority(base)
        return _path(record, text[1:])
    record.copy_authority(base)
    record.path = _base_segments(base)
    record.query = base.query
    if first == "?":
        return _query(record, text[1:])
    if first == "#":
        record.fragment = _percent_encode(text[1:], _FRAGMENT_SET)
        return record.build()
    if first:
        record.query = None
        record.shorten()
        return _path(record, text)
    return record.build()


def _authority(record: _Record, text: str) -> URL:
    """URL Standard: authority, host and port states."""
    special = record.scheme in _SPECIAL
    end = len(text)
    for stop in "/?#\\" if special else "/?#":
        index = text.find(stop, 0, end)
        if index >= 0:
            end = index
    authority, rest = text[:end], text[end:]
    at = authority.rfind("@")
    if at >= 0:
        # Every '@' before the last one is part of the credentials ("%40"), and the first
        # ':' separates the username from the password.
        username, colon, password = authority[:at].partition(":")
        record.username = _percent_encode(username, _USERINFO_SET)
        if colon:
            record.password = _percent_encode(password, _USERINFO_SET)
        authority = authority[at + 1 :]
        if not authority:
            raise _ParseError(URLProblem.BAD_HOST, "credentials but no host")
    # Host state: a ':' outside brackets starts the port.
    inside_brackets = False
    colon_at = -1
    for index, char in enumerate(authority):
        if char == "[":
            inside_brackets = True
        elif char == "]":
            inside_brackets = False
        elif char == ":" and not inside_brackets:
            colon_at = index
            break
    host_text = authority if colon_at < 0 else authority[:colon_at]
    if not host_text and (special or colon_at >= 0):
        raise _ParseError(URLProblem.BAD_HOST, "empty host")
    record.host = _parse_host(host_text, special=special) if host_text else ""
    if colon_at >= 0:
        record.port = _parse_port(authority[colon_at + 1 :], record.scheme)
    return _path_start(record, rest)


def _parse_port(text: str, scheme: str) -> int | None:
    """URL Standard: port state. The digit count is bounded before any conversion."""
    if _PORT_DIGITS.fullmatch(text) is None or not text.isascii():
        raise _ParseError(URLProblem.BAD_PORT, "ports are 0-65535")
    if not text:
        return None
    digits = text.lstrip("0")
    # "If port is greater than 2^16 - 1, port-out-of-range validation error, return
    # failure." Five significant digits or fewer keeps int() on a short string.
    if len(digits) > 5 or int(digits or "0") > 65535:
        raise _ParseError(URLProblem.BAD_PORT, "ports are 0-65535")
    port = int(digits or "0")
    # "Set url's port to null, if port is url's scheme's default port; otherwise to port."
    return None if DEFAULT_PORTS.get(scheme) == port else port


def _file(record: _Record, text: str, base: URL | None) -> URL:
    """URL Standard: file state, file slash state and file host state."""
    record.scheme = "file"
    record.host = ""
    first = text[:1]
    file_base = base if base is not None and base.scheme == "file" else None
    if first in ("/", "\\") and first:
        # File slash state.
        second = text[1:2]
        if second in ("/", "\\") and second:
            return _file_host(record, text[2:])
        if file_base is not None:
            record.host = file_base.host if (file_base.host or file_base.empty_host) else None
            base_path = _base_segments(file_base)
            if (
                not _starts_with_windows_drive_letter(text[1:])
                and base_path
                and _is_normalized_drive(base_path[0])
            ):
                record.path.append(base_path[0])
        return _path(record, text[1:])
    if file_base is not None:
        record.host = file_base.host if (file_base.host or file_base.empty_host) else None
        record.path = _base_segments(file_base)
        record.query = file_base.query
        if first == "?":
            return _query(record, text[1:])
        if first == "#":
            record.fragment = _percent_encode(text[1:], _FRAGMENT_SET)
            return record.build()
        if first:
            record.query = None
            if not _starts_with_windows_drive_letter(text):
                record.shorten()
            else:
                record.path = []
            return _path(record, text)
        return record.build()
    return _path(record, text)


def _file_host(record: _Record, text: str) -> URL:
    """URL Standard: file host state."""
    end = len(text)
    for stop in "/\\?#":
        index = text.find(stop, 0, end)
        if index >= 0:
            end = index
    buffer = text[:end]
    if len(buffer) == 2 and _WINDOWS_DRIVE.fullmatch(buffer) is not None:
        # "This is a (platform-independent) Windows drive letter quirk. buffer is not
        # reset here and instead used in the path state."
        return _path(record, text)
    if buffer:
        host = _parse_host(buffer, special=True)
        record.host = "" if host == "localhost" else host
    return _path_start(record, text[end:])


def _path_start(record: _Record, text: str) -> URL:
    """URL Standard: path start state."""
    first = text[:1]
    if record.scheme in _SPECIAL:
        return _path(record, text[1:] if first in ("/", "\\") and first else text)
    if first == "?":
        return _query(record, text[1:])
    if first == "#":
        record.fragment = _percent_encode(text[1:], _FRAGMENT_SET)
        return record.build()
    if first:
        return _path(record, text[1:] if first == "/" else text)
    return record.build()


_SPECIAL_PATH_SPLIT = re.compile(r"([/\\?#])")
_PATH_SPLIT = re.compile(r"([/?#])")


def _path(record: _Record, text: str) -> URL:
    """URL Standard: path state, one segment at a time."""
    special = record.scheme in _SPECIAL
    pieces = (_SPECIAL_PATH_SPLIT if special else _PATH_SPLIT).split(text, maxsplit=0)
    path = record.path
    # pieces alternate: segment, terminator, segment, ..., segment (then EOF).
    index = 0
    while True:
        buffer = pieces[index]
        terminator = pieces[index + 1] if index + 1 < len(pieces) else ""
        slash = terminator == "/" or (special and terminator == "\\")
        lowered = buffer.lower() if len(buffer) <= 6 else ""
        if lowered in _DOUBLE_DOT:
            record.shorten()
            if not slash:
                path.append("")
        elif lowered in _SINGLE_DOT:
            if not slash:
                path.append("")
        else:
            if (
                record.scheme == "file"
                and not path
                and len(buffer) == 2
                and _WINDOWS_DRIVE.fullmatch(buffer) is not None
            ):
                buffer = buffer[0] + ":"
            path.append(_percent_encode(buffer, _PATH_SET))
        if terminator == "?":
            return _query(record, "".join(pieces[index + 2 :]))
        if terminator == "#":
            record.fragment = _percent_encode("".join(pieces[index + 2 :]), _FRAGMENT_SET)
            return record.build()
        if not terminator:
            return record.build()
        index += 2


def _opaque_path(record: _Record, text: str) -> URL:
    """URL Standard: opaque path state."""
    end = len(text)
    for stop in "?#":
        index = text.find(stop, 0, end)
        if index >= 0:
            end = index
    opaque = _percent_encode(text[:end], _C0_CONTROL_SET)
    # "If c is U+0020 SPACE: if remaining starts with U+003F (?) or U+0023 (#), then
    # append "%20" to url's path", so the space survives the serializer's round trip.
    if end < len(text) and opaque.endswith(" "):
        opaque = opaque[:-1] + "%20"
    record.opaque = opaque
    if end == len(text):
        return record.build()
    if text[end] == "?":
        return _query(record, text[end + 1 :])
    record.fragment = _percent_encode(text[end + 1 :], _FRAGMENT_SET)
    return record.build()


def _query(record: _Record, text: str) -> URL:
    """URL Standard: query state (UTF-8), then the fragment state."""
    query, hash_sign, fragment = text.partition("#")
    encode_set = _SPECIAL_QUERY_SET if record.scheme in _SPECIAL else _QUERY_SET
    record.query = _percent_encode(query, encode_set)
    if hash_sign:
        record.fragment = _percent_encode(fragment, _FRAGMENT_SET)
    return record.build()


# --- public entry points -------------------------------------------------------------------


def parse_url(value: object) -> URL:
    """URL Standard: basic URL parser (absolute URLs; no base).

    :raises InvalidURLError: the value is not a URL (the problem says why; a host whose
        domain-to-ASCII corsspec cannot compute exactly is ``UNSUPPORTED_HOST``).
    """
    if isinstance(value, URL):
        return value
    if not isinstance(value, str):
        raise InvalidURLError(value, URLProblem.NOT_A_STRING)
    if len(value) > MAX_URL_LEN:
        raise InvalidURLError(value[:64] + "...", URLProblem.TOO_LONG, f"max {MAX_URL_LEN}")
    try:
        return _parse(value, None)
    except _ParseError as failure:
        raise InvalidURLError(_shown(value), failure.problem, failure.hint) from None


def _shown(value: str) -> str:
    # Error messages name the value, clipped so that a 16 KB URL stays readable.
    return value if len(value) <= 200 else value[:200] + "..."


def try_parse_url(value: str) -> URL | None:
    """:func:`parse_url` that returns None instead of raising (for server-sent values)."""
    try:
        return parse_url(value)
    except InvalidURLError:
        return None


def parse_origin(value: object) -> Origin:
    """Parse a serialized origin (``https://app.example`` or ``null``) given by a caller.

    Accepts exactly what ``Origin`` headers carry: scheme, host and optional port, and
    nothing else. A URL with a path is refused with a hint rather than silently cut.
    The host and port go through the URL Standard's host and port parsing.

    :raises InvalidOriginError: the value is not a serialized origin.
    """
    if isinstance(value, Origin):
        return value
    if not isinstance(value, str):
        raise InvalidOriginError(value, OriginProblem.NOT_A_STRING)
    if value == "null":
        return NULL_ORIGIN
    if len(value) > MAX_ORIGIN_LEN:
        raise InvalidOriginError(value[:64] + "...", OriginProblem.TOO_LONG)
    scheme, sep, rest = value.partition("://")
    if not sep:
        raise InvalidOriginError(value, OriginProblem.NO_SCHEME, "write it as scheme://host")
    scheme = scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidOriginError(
            value, OriginProblem.BAD_SCHEME, "only http, https, ws, wss, ftp have tuple origins"
        )
    authority, slash, _ = rest.partition("/")
    if slash:
        base = f"{scheme}://{authority}"
        raise InvalidOriginError(
            value, OriginProblem.HAS_PATH, f"origins have no path; did you mean {base!r}?"
        )
    if "?" in authority or "#" in authority:
        raise InvalidOriginError(value, OriginProblem.HAS_QUERY_OR_FRAGMENT)
    if "@" in authority:
        raise InvalidOriginError(value, OriginProblem.HAS_USERINFO)
    if "\\" in authority:
        raise InvalidOriginError(value, OriginProblem.BAD_HOST, "a backslash ends the host")
    host, port = authority, ""
    if not authority.startswith("["):
        host, _, port = authority.partition(":")
    else:
        end = authority.find("]")
        if end >= 0:
            host, tail = authority[: end + 1], authority[end + 1 :]
            if tail and not tail.startswith(":"):
                raise InvalidOriginError(value, OriginProblem.BAD_HOST, "text after ']'")
            port = tail[1:]
    if not host:
        raise InvalidOriginError(value, OriginProblem.NO_HOST)
    try:
        canonical = _parse_host(host, special=True)
        parsed_port = _parse_port(port, scheme)
    except _ParseError as failure:
        problem = _ORIGIN_PROBLEM.get(failure.problem, OriginProblem.BAD_HOST)
        raise InvalidOriginError(_shown(value), problem, failure.hint) from None
    return Origin(scheme=scheme, host=canonical, port=parsed_port)

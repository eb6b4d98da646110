"""engine.safelist: every Fetch safelist and forbidden table, one test table per definition."""

from __future__ import annotations

import attrs
import pytest

import corsspec as cs
from corsspec.engine import safelist as sl
from tests.unit._support import params

# --- methods -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class MethodCase:
    id: str
    spec: str
    method: str
    expected: bool
    bug: str | None = None


SAFELISTED_METHOD_CASES: tuple[MethodCase, ...] = (
    MethodCase(id="GET", spec="Fetch #cors-safelisted-method", method="GET", expected=True),
    MethodCase(id="HEAD", spec="Fetch #cors-safelisted-method", method="HEAD", expected=True),
    MethodCase(id="POST", spec="Fetch #cors-safelisted-method", method="POST", expected=True),
    MethodCase(
        id="get-lower",
        spec="Fetch #cors-safelisted-method is byte-exact",
        method="get",
        expected=False,
    ),
    MethodCase(
        id="Post-mixed",
        spec="Fetch #cors-safelisted-method is byte-exact",
        method="Post",
        expected=False,
    ),
    MethodCase(id="PUT", spec="Fetch #cors-safelisted-method", method="PUT", expected=False),
    MethodCase(
        id="OPTIONS", spec="Fetch #cors-safelisted-method", method="OPTIONS", expected=False
    ),
    MethodCase(id="PATCH", spec="Fetch #cors-safelisted-method", method="PATCH", expected=False),
    MethodCase(id="GETS", spec="Fetch #cors-safelisted-method", method="GETS", expected=False),
)


@pytest.mark.parametrize("case", params(SAFELISTED_METHOD_CASES))
def test_is_cors_safelisted_method(case: MethodCase) -> None:
    assert sl.is_cors_safelisted_method(case.method) is case.expected


FORBIDDEN_METHOD_CASES: tuple[MethodCase, ...] = (
    MethodCase(id="CONNECT", spec="Fetch #forbidden-method", method="CONNECT", expected=True),
    MethodCase(id="TRACE", spec="Fetch #forbidden-method", method="TRACE", expected=True),
    MethodCase(id="TRACK", spec="Fetch #forbidden-method", method="TRACK", expected=True),
    MethodCase(
        id="connect-lower",
        spec="Fetch #forbidden-method: byte-case-insensitive",
        method="connect",
        expected=True,
    ),
    MethodCase(
        id="Trace-mixed",
        spec="Fetch #forbidden-method: byte-case-insensitive",
        method="TrAcE",
        expected=True,
    ),
    MethodCase(id="TRACES", spec="Fetch #forbidden-method", method="TRACES", expected=False),
    MethodCase(id="TRAC", spec="Fetch #forbidden-method", method="TRAC", expected=False),
    MethodCase(id="GET", spec="Fetch #forbidden-method", method="GET", expected=False),
    MethodCase(id="OPTIONS", spec="Fetch #forbidden-method", method="OPTIONS", expected=False),
)


@pytest.mark.parametrize("case", params(FORBIDDEN_METHOD_CASES))
def test_is_forbidden_method(case: MethodCase) -> None:
    assert sl.is_forbidden_method(case.method) is case.expected


@attrs.frozen(kw_only=True)
class NormalizeCase:
    id: str
    spec: str
    method: str
    expected: str
    bug: str | None = None


NORMALIZE_METHOD_CASES: tuple[NormalizeCase, ...] = tuple(
    NormalizeCase(id=f"{m}", spec="Fetch #concept-method-normalize", method=m, expected=e)
    for m, e in (
        ("delete", "DELETE"),
        ("Get", "GET"),
        ("hEaD", "HEAD"),
        ("options", "OPTIONS"),
        ("post", "POST"),
        ("put", "PUT"),
        ("patch", "patch"),
        ("Patch", "Patch"),
        ("PATCH", "PATCH"),
        ("connect", "connect"),
        ("propfind", "propfind"),
        ("GET", "GET"),
    )
)


@pytest.mark.parametrize("case", params(NORMALIZE_METHOD_CASES))
def test_normalize_method(case: NormalizeCase) -> None:
    assert sl.normalize_method(case.method) == case.expected


# --- CORS-unsafe request-header byte ---------------------------------------------------

# Fetch #cors-unsafe-request-header-byte, written out from the spec text.
_SPEC_UNSAFE_BYTES = frozenset(
    [b for b in range(0x20) if b != 0x09]
    + [0x22, 0x28, 0x29, 0x3A, 0x3C, 0x3E, 0x3F, 0x40, 0x5B, 0x5C, 0x5D, 0x7B, 0x7D, 0x7F]
)


@attrs.frozen(kw_only=True)
class ByteCase:
    id: str
    spec: str
    byte: int
    unsafe: bool
    bug: str | None = None


UNSAFE_BYTE_CASES: tuple[ByteCase, ...] = tuple(
    ByteCase(
        id=f"0x{b:02x}",
        spec="Fetch #cors-unsafe-request-header-byte",
        byte=b,
        unsafe=b in _SPEC_UNSAFE_BYTES,
    )
    for b in (
        0x00, 0x08, 0x09, 0x0A, 0x1F, 0x20, 0x21, 0x22, 0x28, 0x29, 0x2C, 0x2F, 0x3A, 0x3B,
        0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x5B, 0x5C, 0x5D, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F, 0x80, 0xFF,
    )
)  # fmt: skip


@pytest.mark.parametrize("case", params(UNSAFE_BYTE_CASES))
def test_has_cors_unsafe_byte_boundaries(case: ByteCase) -> None:
    assert sl.has_cors_unsafe_byte(f"a{chr(case.byte)}b") is case.unsafe


def test_has_cors_unsafe_byte_every_byte() -> None:
    wrong = [
        b for b in range(256) if sl.has_cors_unsafe_byte(chr(b)) is not (b in _SPEC_UNSAFE_BYTES)
    ]
    assert wrong == []


# --- CORS-safelisted request-header ---------------------------------------------------


@attrs.frozen(kw_only=True)
class HeaderCase:
    id: str
    spec: str
    name: str
    value: str
    expected: bool
    bug: str | None = None


_S = "Fetch #cors-safelisted-request-header"

SAFELISTED_HEADER_CASES: tuple[HeaderCase, ...] = (
    # Step 1: 128-byte cap, for every name.
    HeaderCase(
        id="accept-128",
        spec=f"{_S} step 1: > 128 bytes",
        name="Accept",
        value="a" * 128,
        expected=True,
    ),
    HeaderCase(
        id="accept-129",
        spec=f"{_S} step 1: > 128 bytes",
        name="Accept",
        value="a" * 129,
        expected=False,
    ),
    HeaderCase(
        id="accept-language-128",
        spec=f"{_S} step 1",
        name="Accept-Language",
        value="a" * 128,
        expected=True,
    ),
    HeaderCase(
        id="accept-language-129",
        spec=f"{_S} step 1",
        name="Accept-Language",
        value="a" * 129,
        expected=False,
    ),
    HeaderCase(
        id="content-type-128",
        spec=f"{_S} step 1",
        name="Content-Type",
        value="text/plain;a=" + "b" * 115,
        expected=True,
    ),
    HeaderCase(
        id="content-type-129",
        spec=f"{_S} step 1",
        name="Content-Type",
        value="text/plain;a=" + "b" * 116,
        expected=False,
    ),
    HeaderCase(
        id="range-128",
        spec=f"{_S} step 1",
        name="Range",
        value="bytes=" + "1" * 121 + "-",
        expected=True,
    ),
    HeaderCase(
        id="range-129",
        spec=f"{_S} step 1",
        name="Range",
        value="bytes=" + "1" * 122 + "-",
        expected=False,
    ),
    # Accept: no CORS-unsafe request-header byte.
    HeaderCase(id="accept-star", spec=f"{_S} accept", name="Accept", value="*/*", expected=True),
    HeaderCase(
        id="accept-name-case",
        spec=f"{_S} step 2: byte-lowercase the name",
        name="ACCEPT",
        value="*/*",
        expected=True,
    ),
    HeaderCase(
        id="accept-list-q",
        spec=f"{_S} accept",
        name="Accept",
        value="text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
        expected=True,
    ),
    HeaderCase(id="accept-empty", spec=f"{_S} accept", name="Accept", value="", expected=True),
    HeaderCase(
        id="accept-tab",
        spec=f"{_S} accept: 0x09 is not unsafe",
        name="Accept",
        value="a\tb",
        expected=True,
    ),
    HeaderCase(
        id="accept-obs-text",
        spec=f"{_S} accept: 0x80-0xFF are not unsafe",
        name="Accept",
        value="t\xe9xt/\xff",
        expected=True,
    ),
    HeaderCase(
        id="accept-quote",
        spec=f"{_S} accept: 0x22 unsafe",
        name="Accept",
        value='a"b',
        expected=False,
    ),
    HeaderCase(
        id="accept-paren",
        spec=f"{_S} accept: 0x28 unsafe",
        name="Accept",
        value="a(b",
        expected=False,
    ),
    HeaderCase(
        id="accept-colon",
        spec=f"{_S} accept: 0x3A unsafe",
        name="Accept",
        value="a:b",
        expected=False,
    ),
    HeaderCase(
        id="accept-at", spec=f"{_S} accept: 0x40 unsafe", name="Accept", value="a@b", expected=False
    ),
    HeaderCase(
        id="accept-brace",
        spec=f"{_S} accept: 0x7B unsafe",
        name="Accept",
        value="a{b",
        expected=False,
    ),
    HeaderCase(
        id="accept-del",
        spec=f"{_S} accept: 0x7F unsafe",
        name="Accept",
        value="a\x7fb",
        expected=False,
    ),
    HeaderCase(
        id="accept-control",
        spec=f"{_S} accept: < 0x20 unsafe",
        name="Accept",
        value="a\x01b",
        expected=False,
    ),
    # Accept-Language / Content-Language: byte set 0-9 A-Z a-z SP * , - . ; =
    HeaderCase(
        id="accept-language-typical",
        spec=f"{_S} accept-language",
        name="Accept-Language",
        value="en-US,en;q=0.9",
        expected=True,
    ),
    HeaderCase(
        id="accept-language-star",
        spec=f"{_S} accept-language",
        name="Accept-Language",
        value="*",
        expected=True,
    ),
    HeaderCase(
        id="accept-language-empty",
        spec=f"{_S} accept-language",
        name="Accept-Language",
        value="",
        expected=True,
    ),
    HeaderCase(
        id="accept-language-space",
        spec=f"{_S} accept-language: 0x20 allowed",
        name="Accept-Language",
        value="en US",
        expected=True,
    ),
    HeaderCase(
        id="accept-language-every-allowed",
        spec=f"{_S} accept-language",
        name="Accept-Language",
        value="09AZaz *,-.;=",
        expected=True,
    ),
    HeaderCase(
        id="accept-language-underscore",
        spec=f"{_S} accept-language",
        name="Accept-Language",
        value="en_US",
        expected=False,
    ),
    HeaderCase(
        id="accept-language-tab",
        spec=f"{_S} accept-language: 0x09 not in the set",
        name="Accept-Language",
        value="en\tus",
        expected=False,
    ),
    HeaderCase(
        id="accept-language-slash",
        spec=f"{_S} accept-language",
        name="Accept-Language",
        value="en/us",
        expected=False,
    ),
    HeaderCase(
        id="accept-language-plus",
        spec=f"{_S} accept-language",
        name="Accept-Language",
        value="en+us",
        expected=False,
    ),
    HeaderCase(
        id="accept-language-quote",
        spec=f"{_S} accept-language",
        name="Accept-Language",
        value='"en"',
        expected=False,
    ),
    HeaderCase(
        id="accept-language-obs-text",
        spec=f"{_S} accept-language",
        name="Accept-Language",
        value="\xe9",
        expected=False,
    ),
    HeaderCase(
        id="content-language-typical",
        spec=f"{_S} content-language",
        name="Content-Language",
        value="de-DE, en",
        expected=True,
    ),
    HeaderCase(
        id="content-language-colon",
        spec=f"{_S} content-language",
        name="content-language",
        value="de:DE",
        expected=False,
    ),
    # Content-Type: no unsafe byte, parse a MIME type, essence in the three.
    HeaderCase(
        id="ct-text-plain",
        spec=f"{_S} content-type step 3",
        name="Content-Type",
        value="text/plain",
        expected=True,
    ),
    HeaderCase(
        id="ct-urlencoded",
        spec=f"{_S} content-type step 3",
        name="Content-Type",
        value="application/x-www-form-urlencoded",
        expected=True,
    ),
    HeaderCase(
        id="ct-multipart",
        spec=f"{_S} content-type step 3",
        name="Content-Type",
        value="multipart/form-data",
        expected=True,
    ),
    HeaderCase(
        id="ct-multipart-boundary",
        spec=f"{_S} content-type step 3: parameters ignored",
        name="Content-Type",
        value="multipart/form-data; boundary=----x",
        expected=True,
    ),
    HeaderCase(
        id="ct-mixed-case",
        spec="MIME Sniffing parse a MIME type: type and subtype ASCII-lowercased",
        name="content-TYPE",
        value="Text/Plain; Charset=X",
        expected=True,
    ),
    HeaderCase(
        id="ct-charset",
        spec=f"{_S} content-type",
        name="Content-Type",
        value="text/plain;charset=UTF-8",
        expected=True,
    ),
    HeaderCase(
        id="ct-empty-param",
        spec="MIME Sniffing: parameter parsing never fails",
        name="Content-Type",
        value="text/plain;",
        expected=True,
    ),
    HeaderCase(
        id="ct-many-semicolons",
        spec="MIME Sniffing: parameter parsing never fails",
        name="Content-Type",
        value="text/plain;;; ;",
        expected=True,
    ),
    HeaderCase(
        id="ct-param-no-value",
        spec="MIME Sniffing: parameter without '=' skipped",
        name="Content-Type",
        value="text/plain; charset",
        expected=True,
    ),
    HeaderCase(
        id="ct-param-obs-text",
        spec="MIME Sniffing: parameter values never fail parsing",
        name="Content-Type",
        value="text/plain; charset=\xe9",
        expected=True,
    ),
    HeaderCase(
        id="ct-param-tab",
        spec=f"{_S} content-type: 0x09 is not unsafe",
        name="Content-Type",
        value="text/plain;\tcharset=x",
        expected=True,
    ),
    HeaderCase(
        id="ct-space-before-semicolon",
        spec="MIME Sniffing parse a MIME type step 8: trailing whitespace removed from subtype",
        name="Content-Type",
        value="text/plain ;charset=x",
        expected=True,
    ),
    HeaderCase(
        id="ct-leading-whitespace",
        spec="MIME Sniffing parse a MIME type step 1: strip leading/trailing HTTP whitespace",
        name="Content-Type",
        value="\ttext/plain",
        expected=True,
    ),
    HeaderCase(
        id="ct-quoted-param",
        spec=f"{_S} content-type step 1: 0x22 is an unsafe byte",
        name="Content-Type",
        value='text/plain; charset="utf-8"',
        expected=False,
    ),
    HeaderCase(
        id="ct-paren",
        spec=f"{_S} content-type step 1",
        name="Content-Type",
        value="text/plain; a=(b)",
        expected=False,
    ),
    HeaderCase(
        id="ct-vertical-tab",
        spec=f"{_S} content-type step 1: < 0x20 unsafe",
        name="Content-Type",
        value="text/plain\x0b",
        expected=False,
    ),
    HeaderCase(
        id="ct-json",
        spec=f"{_S} content-type step 3",
        name="Content-Type",
        value="application/json",
        expected=False,
    ),
    HeaderCase(
        id="ct-html",
        spec=f"{_S} content-type step 3",
        name="Content-Type",
        value="text/html",
        expected=False,
    ),
    HeaderCase(
        id="ct-text-star",
        spec=f"{_S} content-type step 3",
        name="Content-Type",
        value="text/*",
        expected=False,
    ),
    HeaderCase(
        id="ct-json-param-text-plain",
        spec=f"{_S} content-type: strict parser, not extract a MIME type",
        name="Content-Type",
        value="application/json; x=text/plain",
        expected=False,
    ),
    HeaderCase(
        id="ct-two-types",
        spec=f"{_S} content-type note: 'text/plain, application/json' is not safelisted",
        name="Content-Type",
        value="text/plain, application/json",
        expected=False,
    ),
    HeaderCase(
        id="ct-space-before-slash",
        spec="MIME Sniffing parse a MIME type step 4: type must be token code points",
        name="Content-Type",
        value="text /plain",
        expected=False,
    ),
    HeaderCase(
        id="ct-space-after-slash",
        spec="MIME Sniffing parse a MIME type step 9: subtype must be token code points",
        name="Content-Type",
        value="text/ plain",
        expected=False,
    ),
    HeaderCase(
        id="ct-no-type",
        spec="MIME Sniffing step 4: empty type",
        name="Content-Type",
        value="/plain",
        expected=False,
    ),
    HeaderCase(
        id="ct-no-subtype",
        spec="MIME Sniffing step 9: empty subtype",
        name="Content-Type",
        value="text/",
        expected=False,
    ),
    HeaderCase(
        id="ct-no-slash",
        spec="MIME Sniffing step 5",
        name="Content-Type",
        value="text",
        expected=False,
    ),
    HeaderCase(
        id="ct-empty", spec="MIME Sniffing step 4", name="Content-Type", value="", expected=False
    ),
    HeaderCase(
        id="ct-two-slashes",
        spec="MIME Sniffing step 9: '/' is not a token code point",
        name="Content-Type",
        value="text/plain/x",
        expected=False,
    ),
    HeaderCase(
        id="ct-backslash",
        spec=f"{_S} content-type step 1: 0x5C unsafe",
        name="Content-Type",
        value="text\\/plain",
        expected=False,
    ),
    HeaderCase(
        id="ct-obs-text-subtype",
        spec="MIME Sniffing step 9: token code points",
        name="Content-Type",
        value="text/plain\xe9",
        expected=False,
    ),
    # Range: parse a single range header value, whitespace not allowed, start required.
    HeaderCase(id="range-open", spec=f"{_S} range", name="Range", value="bytes=0-", expected=True),
    HeaderCase(
        id="range-closed", spec=f"{_S} range", name="Range", value="bytes=0-499", expected=True
    ),
    HeaderCase(
        id="range-single-byte",
        spec="Fetch simple range: start <= end",
        name="Range",
        value="bytes=5-5",
        expected=True,
    ),
    HeaderCase(
        id="range-leading-zeros",
        spec="Fetch simple range: ASCII digits",
        name="Range",
        value="bytes=00-01",
        expected=True,
    ),
    HeaderCase(
        id="range-name-case",
        spec=f"{_S} step 2: byte-lowercase the name",
        name="RANGE",
        value="bytes=1-",
        expected=True,
    ),
    HeaderCase(
        id="range-suffix",
        spec=f"{_S} range: start must be non-null",
        name="Range",
        value="bytes=-500",
        expected=False,
    ),
    HeaderCase(
        id="range-reversed",
        spec="Fetch simple range step 18: start > end fails",
        name="Range",
        value="bytes=500-0",
        expected=False,
    ),
    HeaderCase(
        id="range-empty",
        spec="Fetch simple range step 17: both null fails",
        name="Range",
        value="bytes=-",
        expected=False,
    ),
    HeaderCase(
        id="range-no-dash",
        spec="Fetch simple range step 11",
        name="Range",
        value="bytes=0",
        expected=False,
    ),
    HeaderCase(
        id="range-nothing",
        spec="Fetch simple range step 11",
        name="Range",
        value="bytes=",
        expected=False,
    ),
    HeaderCase(
        id="range-space-before-eq",
        spec="Fetch simple range: no whitespace when not allowed",
        name="Range",
        value="bytes =0-1",
        expected=False,
    ),
    HeaderCase(
        id="range-space-after-eq",
        spec="Fetch simple range: no whitespace",
        name="Range",
        value="bytes= 0-1",
        expected=False,
    ),
    HeaderCase(
        id="range-space-before-dash",
        spec="Fetch simple range: no whitespace",
        name="Range",
        value="bytes=0 -1",
        expected=False,
    ),
    HeaderCase(
        id="range-space-after-dash",
        spec="Fetch simple range: no whitespace",
        name="Range",
        value="bytes=0- 1",
        expected=False,
    ),
    HeaderCase(
        id="range-trailing-space",
        spec="Fetch simple range step 16: must be at the end",
        name="Range",
        value="bytes=0-1 ",
        expected=False,
    ),
    HeaderCase(
        id="range-unit-case",
        spec="Fetch simple range step 2: 'bytes' is case-sensitive",
        name="Range",
        value="Bytes=0-1",
        expected=False,
    ),
    HeaderCase(
        id="range-unit-upper",
        spec="Fetch simple range step 2: 'bytes' is case-sensitive",
        name="Range",
        value="BYTES=0-1",
        expected=False,
    ),
    HeaderCase(
        id="range-other-unit",
        spec="Fetch simple range step 2",
        name="Range",
        value="items=0-1",
        expected=False,
    ),
    HeaderCase(
        id="range-multiple",
        spec="Fetch simple range: one range only",
        name="Range",
        value="bytes=0-1,2-3",
        expected=False,
    ),
    HeaderCase(
        id="range-two-dashes",
        spec="Fetch simple range step 16",
        name="Range",
        value="bytes=0-1-2",
        expected=False,
    ),
    HeaderCase(
        id="range-hex",
        spec="Fetch simple range: ASCII digits only",
        name="Range",
        value="bytes=0x1-",
        expected=False,
    ),
    HeaderCase(
        id="range-fullwidth-digit",
        spec="Fetch simple range: ASCII digits only",
        name="Range",
        value="bytes=\uff11-",
        expected=False,
    ),
    # Any other name is not safelisted, whatever the value.
    HeaderCase(
        id="custom", spec=f"{_S} step 2 otherwise", name="X-Custom", value="1", expected=False
    ),
    HeaderCase(
        id="authorization",
        spec=f"{_S} step 2 otherwise",
        name="Authorization",
        value="Bearer x",
        expected=False,
    ),
    HeaderCase(
        id="cache-control",
        spec=f"{_S} step 2 otherwise",
        name="Cache-Control",
        value="no-cache",
        expected=False,
    ),
    HeaderCase(
        id="dpr-spec",
        spec="Fetch 2019-03-23: client hints removed from the safelist",
        name="DPR",
        value="2",
        expected=False,
    ),
    HeaderCase(
        id="content-encoding",
        spec=f"{_S} step 2 otherwise",
        name="Content-Encoding",
        value="gzip",
        expected=False,
    ),
)


@pytest.mark.parametrize("case", params(SAFELISTED_HEADER_CASES))
def test_is_cors_safelisted_request_header(case: HeaderCase) -> None:
    assert sl.is_cors_safelisted_request_header(case.name, case.value) is case.expected


CLIENT_HINT_CASES: tuple[HeaderCase, ...] = (
    # Digest 4.8: Chromium's cors.cc also safelists client hints with value grammars.
    HeaderCase(
        id="dpr-int",
        spec="Chromium IsCorsSafelistedHeader: dpr 1*DIGIT",
        name="DPR",
        value="2",
        expected=True,
    ),
    HeaderCase(
        id="dpr-decimal",
        spec="Chromium: dpr 1*DIGIT [. 1*DIGIT]",
        name="dpr",
        value="2.5",
        expected=True,
    ),
    HeaderCase(
        id="dpr-word", spec="Chromium: dpr grammar", name="DPR", value="two", expected=False
    ),
    HeaderCase(
        id="save-data-on",
        spec="Chromium: save-data must be 'on'",
        name="Save-Data",
        value="on",
        expected=True,
    ),
    HeaderCase(
        id="save-data-off",
        spec="Chromium: save-data must be 'on'",
        name="Save-Data",
        value="off",
        expected=False,
    ),
    HeaderCase(
        id="custom-still-unsafe",
        spec="Chromium IsCorsSafelistedHeader",
        name="X-Custom",
        value="1",
        expected=False,
    ),
    HeaderCase(
        id="accept-still-checked",
        spec="Fetch rules still apply",
        name="Accept",
        value='a"',
        expected=False,
    ),
)


@pytest.mark.parametrize("case", params(CLIENT_HINT_CASES))
def test_client_hints_safelisted_only_when_asked(case: HeaderCase) -> None:
    rules = sl.SafelistRules(client_hints=True)
    assert sl.is_cors_safelisted_request_header(case.name, case.value, rules) is case.expected


@attrs.frozen(kw_only=True)
class RangeCase:
    id: str
    spec: str
    value: str
    expected: tuple[int | None, int | None] | None
    bug: str | None = None


PARSE_SINGLE_RANGE_CASES: tuple[RangeCase, ...] = (
    RangeCase(
        id="open", spec="Fetch #simple-range-header-value", value="bytes=10-", expected=(10, None)
    ),
    RangeCase(
        id="closed", spec="Fetch #simple-range-header-value", value="bytes=0-499", expected=(0, 499)
    ),
    RangeCase(
        id="suffix",
        spec="Fetch #simple-range-header-value: start may be null",
        value="bytes=-5",
        expected=(None, 5),
    ),
    RangeCase(
        id="both-null",
        spec="Fetch #simple-range-header-value step 17",
        value="bytes=-",
        expected=None,
    ),
    RangeCase(
        id="reversed",
        spec="Fetch #simple-range-header-value step 18",
        value="bytes=2-1",
        expected=None,
    ),
    RangeCase(
        id="equal",
        spec="Fetch #simple-range-header-value step 18",
        value="bytes=2-2",
        expected=(2, 2),
    ),
    RangeCase(
        id="big",
        spec="Fetch: ASCII digits interpreted as decimal",
        value="bytes=123456789012345678901-",
        expected=(123456789012345678901, None),
    ),
    RangeCase(
        id="whitespace", spec="Fetch: allowWhitespace false", value="bytes=1 -", expected=None
    ),
    RangeCase(id="no-prefix", spec="Fetch step 2", value="=1-2", expected=None),
)


@pytest.mark.parametrize("case", params(PARSE_SINGLE_RANGE_CASES))
def test_parse_single_range(case: RangeCase) -> None:
    assert sl.parse_single_range(case.value) == case.expected


@attrs.frozen(kw_only=True)
class MimeCase:
    id: str
    spec: str
    value: str
    expected: str | None
    bug: str | None = None


PARSE_MIME_CASES: tuple[MimeCase, ...] = (
    MimeCase(
        id="simple",
        spec="MIME Sniffing parse a MIME type",
        value="text/plain",
        expected="text/plain",
    ),
    MimeCase(
        id="lowercased", spec="MIME Sniffing step 10", value="TEXT/Plain", expected="text/plain"
    ),
    MimeCase(id="params", spec="MIME Sniffing step 11", value="a/b;c=d;e", expected="a/b"),
    MimeCase(
        id="whitespace", spec="MIME Sniffing step 1 and 8", value=" \ta/b \t;x", expected="a/b"
    ),
    MimeCase(
        id="token-chars",
        spec="MIME Sniffing: HTTP token code points",
        value="a+b/c.d-e",
        expected="a+b/c.d-e",
    ),
    MimeCase(id="no-slash", spec="MIME Sniffing step 5", value="text", expected=None),
    MimeCase(id="empty-type", spec="MIME Sniffing step 4", value="/x", expected=None),
    MimeCase(id="empty-subtype", spec="MIME Sniffing step 9", value="x/;a=b", expected=None),
    MimeCase(id="bad-type", spec="MIME Sniffing step 4", value="te xt/plain", expected=None),
    MimeCase(id="bad-subtype", spec="MIME Sniffing step 9", value="text/pl ain", expected=None),
)


@pytest.mark.parametrize("case", params(PARSE_MIME_CASES))
def test_parse_mime_essence(case: MimeCase) -> None:
    assert sl.parse_mime_essence(case.value) == case.expected


# --- CORS-unsafe request-header names --------------------------------------------------


@attrs.frozen(kw_only=True)
class UnsafeNamesCase:
    id: str
    spec: str
    headers: tuple[tuple[str, str], ...]
    expected: tuple[str, ...]
    bug: str | None = None


_U = "Fetch #cors-unsafe-request-header-names"
_LANG_128 = "a" * 128

CORS_UNSAFE_NAMES_CASES: tuple[UnsafeNamesCase, ...] = (
    UnsafeNamesCase(id="empty", spec=_U, headers=(), expected=()),
    UnsafeNamesCase(
        id="safelisted-only",
        spec=_U,
        headers=(("Accept", "*/*"), ("Content-Type", "text/plain")),
        expected=(),
    ),
    UnsafeNamesCase(
        id="sorted-lowercase-deduped",
        spec=f"{_U} step 3: convert to a sorted-lowercase set",
        headers=(("X-B", "1"), ("x-a", "2"), ("X-A", "3")),
        expected=("x-a", "x-b"),
    ),
    UnsafeNamesCase(
        id="content-type-json",
        spec=_U,
        headers=(("Content-Type", "application/json"),),
        expected=("content-type",),
    ),
    UnsafeNamesCase(
        id="per-header-judgement",
        spec=f"{_U} step 1: each header judged on its own",
        headers=(("Accept", "*/*"), ("Accept", 'a"b')),
        expected=("accept",),
    ),
    UnsafeNamesCase(
        id="budget-exactly-1024",
        spec=f"{_U} step 2: > 1024 bytes",
        headers=tuple(("Accept-Language", _LANG_128) for _ in range(8)),
        expected=(),
    ),
    UnsafeNamesCase(
        id="budget-1025",
        spec=f"{_U} step 2: every potentially-unsafe name becomes unsafe",
        headers=(*(("Accept-Language", _LANG_128) for _ in range(8)), ("Accept", "a")),
        expected=("accept", "accept-language"),
    ),
    UnsafeNamesCase(
        id="budget-counts-safelisted-only",
        spec=f"{_U} step 1: only safelisted values add to the size",
        headers=(*(("Accept-Language", _LANG_128) for _ in range(8)), ("X-A", "b" * 100)),
        expected=("x-a",),
    ),
    UnsafeNamesCase(
        id="budget-with-unsafe-and-overflow",
        spec=f"{_U} step 2",
        headers=(
            *(("Content-Language", _LANG_128) for _ in range(8)),
            ("Range", "bytes=0-"),
            ("X-A", "1"),
        ),
        expected=("content-language", "range", "x-a"),
    ),
    UnsafeNamesCase(
        id="too-long-value",
        spec=f"{_U} via safelisted request-header step 1",
        headers=(("Accept", "a" * 129),),
        expected=("accept",),
    ),
)


@pytest.mark.parametrize("case", params(CORS_UNSAFE_NAMES_CASES))
def test_cors_unsafe_request_header_names(case: UnsafeNamesCase) -> None:
    assert sl.cors_unsafe_request_header_names(case.headers) == case.expected


# --- forbidden request-header ------------------------------------------------------------

_FORBIDDEN_NAMES_FROM_SPEC = (
    "Accept-Charset",
    "Accept-Encoding",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Method",
    "Connection",
    "Content-Length",
    "Cookie",
    "Cookie2",
    "Date",
    "DNT",
    "Expect",
    "Host",
    "Keep-Alive",
    "Origin",
    "Referer",
    "Set-Cookie",
    "TE",
    "Trailer",
    "Transfer-Encoding",
    "Upgrade",
    "Via",
)

_F = "Fetch #forbidden-request-header"

FORBIDDEN_REQUEST_HEADER_CASES: tuple[HeaderCase, ...] = (
    *(
        HeaderCase(id=f"name-{n.lower()}", spec=f"{_F} step 1", name=n, value="x", expected=True)
        for n in _FORBIDDEN_NAMES_FROM_SPEC
    ),
    HeaderCase(
        id="name-upper",
        spec=f"{_F} step 1: byte-case-insensitive",
        name="COOKIE",
        value="x",
        expected=True,
    ),
    HeaderCase(
        id="name-lower",
        spec=f"{_F} step 1: byte-case-insensitive",
        name="set-cookie",
        value="x",
        expected=True,
    ),
    HeaderCase(
        id="proxy-prefix",
        spec=f"{_F} step 2: starts with proxy-",
        name="Proxy-Authorization",
        value="x",
        expected=True,
    ),
    HeaderCase(
        id="proxy-prefix-any", spec=f"{_F} step 2", name="PROXY-Anything", value="x", expected=True
    ),
    HeaderCase(id="proxy-dash-only", spec=f"{_F} step 2", name="proxy-", value="x", expected=True),
    HeaderCase(
        id="sec-prefix",
        spec=f"{_F} step 2: starts with sec-",
        name="Sec-Fetch-Mode",
        value="x",
        expected=True,
    ),
    HeaderCase(id="sec-ch-ua", spec=f"{_F} step 2", name="sec-ch-ua", value="x", expected=True),
    HeaderCase(
        id="proxy-no-dash",
        spec=f"{_F} step 2 (prefix includes the dash)",
        name="Proxy",
        value="x",
        expected=False,
    ),
    HeaderCase(id="proxyx", spec=f"{_F} step 2", name="Proxyx-A", value="x", expected=False),
    HeaderCase(
        id="secret",
        spec=f"{_F} step 2 (prefix includes the dash)",
        name="Secret",
        value="x",
        expected=False,
    ),
    HeaderCase(
        id="x-sec-",
        spec=f"{_F} step 2 (a prefix, not a substring)",
        name="X-Sec-Foo",
        value="x",
        expected=False,
    ),
    HeaderCase(
        id="set-cookie2",
        spec=f"{_F} step 1 (Set-Cookie2 is not listed)",
        name="Set-Cookie2",
        value="x",
        expected=False,
    ),
    HeaderCase(
        id="referrer-spelling",
        spec=f"{_F} step 1 lists Referer only",
        name="Referrer",
        value="x",
        expected=False,
    ),
    HeaderCase(
        id="user-agent",
        spec=f"{_F} (User-Agent is not forbidden)",
        name="User-Agent",
        value="x",
        expected=False,
    ),
    HeaderCase(id="accept", spec=_F, name="Accept", value="x", expected=False),
    HeaderCase(id="authorization", spec=_F, name="Authorization", value="x", expected=False),
    HeaderCase(id="content-type", spec=_F, name="Content-Type", value="x", expected=False),
    HeaderCase(
        id="acrpn-not-in-fetch",
        spec=f"{_F}: Access-Control-Request-Private-Network is only in the PNA draft",
        name="Access-Control-Request-Private-Network",
        value="true",
        expected=False,
    ),
    # Step 3: the method-override family, forbidden only with a forbidden method.
    HeaderCase(
        id="override-put",
        spec=f"{_F} step 3",
        name="X-HTTP-Method-Override",
        value="PUT",
        expected=False,
    ),
    HeaderCase(
        id="override-trace",
        spec=f"{_F} step 3",
        name="X-HTTP-Method-Override",
        value="TRACE",
        expected=True,
    ),
    HeaderCase(
        id="override-trace-lower",
        spec=f"{_F} step 3: forbidden method is byte-case-insensitive",
        name="x-http-method-override",
        value="trace",
        expected=True,
    ),
    HeaderCase(
        id="x-http-method-connect",
        spec=f"{_F} step 3",
        name="X-HTTP-Method",
        value="CONNECT",
        expected=True,
    ),
    HeaderCase(
        id="x-method-override-track",
        spec=f"{_F} step 3",
        name="X-Method-Override",
        value="Track",
        expected=True,
    ),
    HeaderCase(
        id="override-list-with-trace",
        spec=f"{_F} step 3: get, decode, and split the value",
        name="X-HTTP-Method-Override",
        value="GET, TRACE",
        expected=True,
    ),
    HeaderCase(
        id="override-list-safe",
        spec=f"{_F} step 3",
        name="X-HTTP-Method-Override",
        value="GET,PUT",
        expected=False,
    ),
    HeaderCase(
        id="override-ows-trimmed",
        spec=f"{_F} step 3: split trims HTTP tab or space",
        name="X-HTTP-Method-Override",
        value="PUT ,\tCONNECT",
        expected=True,
    ),
    HeaderCase(
        id="override-quoted-kept-verbatim",
        spec=f"{_F} step 3: quoted strings are kept with their quotes",
        name="X-HTTP-Method-Override",
        value='"TRACE"',
        expected=False,
    ),
    HeaderCase(
        id="override-trailing-comma",
        spec=f"{_F} step 3",
        name="X-HTTP-Method-Override",
        value="TRACE,",
        expected=True,
    ),
    HeaderCase(
        id="override-near-miss",
        spec=f"{_F} step 3",
        name="X-HTTP-Method-Override",
        value="TRACES",
        expected=False,
    ),
    HeaderCase(
        id="override-empty", spec=f"{_F} step 3", name="X-Method-Override", value="", expected=False
    ),
    HeaderCase(
        id="not-override-name",
        spec=f"{_F} step 3 names only",
        name="X-Override-Method",
        value="TRACE",
        expected=False,
    ),
    HeaderCase(
        id="override-name-suffix",
        spec=f"{_F} step 3 names only",
        name="X-HTTP-Method-Override2",
        value="TRACE",
        expected=False,
    ),
)


@pytest.mark.parametrize("case", params(FORBIDDEN_REQUEST_HEADER_CASES))
def test_is_forbidden_request_header(case: HeaderCase) -> None:
    assert sl.is_forbidden_request_header(case.name, case.value) is case.expected


def test_forbidden_request_header_names_constant_matches_spec() -> None:
    assert {n.lower() for n in _FORBIDDEN_NAMES_FROM_SPEC} == sl.FORBIDDEN_REQUEST_HEADER_NAMES
    assert {
        "x-http-method",
        "x-http-method-override",
        "x-method-override",
    } == sl.METHOD_OVERRIDE_HEADER_NAMES


# --- other tables ------------------------------------------------------------------------

NO_CORS_SAFELISTED_CASES: tuple[HeaderCase, ...] = (
    HeaderCase(
        id="accept",
        spec="Fetch no-CORS-safelisted request-header",
        name="Accept",
        value="*/*",
        expected=True,
    ),
    HeaderCase(
        id="accept-language",
        spec="Fetch no-CORS-safelisted",
        name="accept-language",
        value="en",
        expected=True,
    ),
    HeaderCase(
        id="content-language",
        spec="Fetch no-CORS-safelisted",
        name="Content-Language",
        value="en",
        expected=True,
    ),
    HeaderCase(
        id="content-type",
        spec="Fetch no-CORS-safelisted",
        name="Content-Type",
        value="text/plain",
        expected=True,
    ),
    HeaderCase(
        id="content-type-json",
        spec="Fetch no-CORS-safelisted: value rule applies",
        name="Content-Type",
        value="application/json",
        expected=False,
    ),
    HeaderCase(
        id="range",
        spec="Fetch no-CORS-safelisted names exclude Range",
        name="Range",
        value="bytes=0-",
        expected=False,
    ),
    HeaderCase(id="custom", spec="Fetch no-CORS-safelisted", name="X-A", value="1", expected=False),
)


@pytest.mark.parametrize("case", params(NO_CORS_SAFELISTED_CASES))
def test_is_no_cors_safelisted_request_header(case: HeaderCase) -> None:
    assert sl.is_no_cors_safelisted_request_header(case.name, case.value) is case.expected


def test_constant_tables_match_spec() -> None:
    assert {"GET", "HEAD", "POST"} == sl.CORS_SAFELISTED_METHODS
    assert {"CONNECT", "TRACE", "TRACK"} == sl.FORBIDDEN_METHODS
    # Fetch #cors-safelisted-response-header-name.
    assert {
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    } == sl.CORS_SAFELISTED_RESPONSE_HEADER_NAMES
    # Fetch #forbidden-response-header-name.
    assert {"set-cookie", "set-cookie2"} == sl.FORBIDDEN_RESPONSE_HEADER_NAMES
    # Fetch #request-body-header-name.
    assert {
        "content-encoding",
        "content-language",
        "content-location",
        "content-type",
    } == sl.REQUEST_BODY_HEADER_NAMES
    # Fetch #cors-non-wildcard-request-header-name.
    assert {"authorization"} == sl.CORS_NON_WILDCARD_REQUEST_HEADER_NAMES
    assert {
        "accept",
        "accept-language",
        "content-language",
        "content-type",
    } == sl.NO_CORS_SAFELISTED_REQUEST_HEADER_NAMES
    assert {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "text/plain",
    } == sl.SAFELISTED_CONTENT_TYPE_ESSENCES
    assert sl.SAFELISTED_VALUE_MAX_LEN == 128
    assert sl.SAFELISTED_VALUE_BUDGET == 1024


@pytest.mark.parametrize("profile", [cs.CHROMIUM, cs.FIREFOX, cs.WEBKIT, cs.SPEC], ids=str)
@pytest.mark.parametrize("value", ["", "Bearer x", "1", "on", "text/plain", "bytes=0-"])
def test_authorization_is_never_safelisted(profile: cs.BrowserProfile, value: str) -> None:
    # The engine reads "the request has Authorization" off its CORS-unsafe names
    # (fetch._Plan), which holds because no engine safelists Authorization.
    rules = profile.safelist_rules
    assert not sl.is_cors_safelisted_request_header("Authorization", value, rules)
    names = sl.cors_unsafe_request_header_names((("AUTHORIZATION", value),), rules)
    assert "authorization" in names

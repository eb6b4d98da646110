"""corsspec.engine._abnf: HTTP token, Fetch header value, normalize a header value."""

from __future__ import annotations

import attrs
import pytest

from corsspec.engine import _abnf
from tests.unit._support import params

_TCHAR_SPECIALS = "!#$%&'*+-.^_`|~"
# RFC 9110 5.6.2: the delimiters are excluded from tchar.
_DELIMITERS = '"(),/:;<=>?@[\\]{}'


@attrs.frozen(kw_only=True)
class TokenCase:
    id: str
    spec: str
    value: str
    expected: bool
    bug: str | None = None


TOKEN_CASES: tuple[TokenCase, ...] = (
    TokenCase(id="method", spec="RFC 9110 token", value="GET", expected=True),
    TokenCase(
        id="every-special-tchar", spec="RFC 9110 tchar", value=_TCHAR_SPECIALS, expected=True
    ),
    TokenCase(id="digits-and-letters", spec="RFC 9110 tchar", value="aZ09", expected=True),
    TokenCase(id="single-star", spec="RFC 9110 tchar '*'", value="*", expected=True),
    TokenCase(id="empty", spec="RFC 9110 token = 1*tchar", value="", expected=False),
    TokenCase(id="inner-space", spec="RFC 9110 tchar excludes SP", value="a b", expected=False),
    TokenCase(id="tab", spec="RFC 9110 tchar excludes HTAB", value="a\tb", expected=False),
    TokenCase(id="del", spec="RFC 9110 tchar excludes DEL", value="a\x7f", expected=False),
    TokenCase(id="nul", spec="RFC 9110 tchar excludes CTL", value="a\x00", expected=False),
    TokenCase(id="obs-text", spec="RFC 9110 tchar is VCHAR only", value="caf\xe9", expected=False),
    TokenCase(id="non-latin1", spec="RFC 9110 tchar is ASCII", value="\u0100", expected=False),
    TokenCase(id="trailing-newline", spec="RFC 9110 token", value="GET\n", expected=False),
    *(
        TokenCase(
            id=f"delimiter-{ord(ch):02x}",
            spec="RFC 9110 5.6.2 delimiters are not tchar",
            value=f"a{ch}b",
            expected=False,
        )
        for ch in _DELIMITERS
    ),
)


@pytest.mark.parametrize("case", params(TOKEN_CASES))
def test_is_token_table(case: TokenCase) -> None:
    assert _abnf.is_token(case.value) is case.expected


def test_is_token_every_ascii_byte() -> None:
    expected = set(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + _TCHAR_SPECIALS
    )
    for code in range(256):
        ch = chr(code)
        assert _abnf.is_token(ch) is (ch in expected), hex(code)


@attrs.frozen(kw_only=True)
class ValueCase:
    id: str
    spec: str
    value: str
    expected: bool
    bug: str | None = None


HEADER_VALUE_CASES: tuple[ValueCase, ...] = (
    ValueCase(
        id="empty", spec="Fetch #header-value (no bytes at all is fine)", value="", expected=True
    ),
    ValueCase(id="plain", spec="Fetch #header-value", value="text/plain", expected=True),
    ValueCase(id="inner-space", spec="Fetch #header-value", value="a b", expected=True),
    ValueCase(id="inner-tab", spec="Fetch #header-value", value="a\tb", expected=True),
    ValueCase(
        id="leading-space", spec="Fetch #header-value: no leading 0x20", value=" a", expected=False
    ),
    ValueCase(
        id="trailing-space",
        spec="Fetch #header-value: no trailing 0x20",
        value="a ",
        expected=False,
    ),
    ValueCase(
        id="leading-tab", spec="Fetch #header-value: no leading 0x09", value="\ta", expected=False
    ),
    ValueCase(
        id="trailing-tab", spec="Fetch #header-value: no trailing 0x09", value="a\t", expected=False
    ),
    ValueCase(id="only-space", spec="Fetch #header-value", value=" ", expected=False),
    ValueCase(id="nul", spec="Fetch #header-value: no 0x00", value="a\x00b", expected=False),
    ValueCase(id="lf", spec="Fetch #header-value: no 0x0A", value="a\nb", expected=False),
    ValueCase(id="cr", spec="Fetch #header-value: no 0x0D", value="a\rb", expected=False),
    ValueCase(
        id="other-control",
        spec="Fetch #header-value: only NUL, LF, CR are excluded (not RFC field-value)",
        value="a\x01\x0b\x1fb",
        expected=True,
    ),
    ValueCase(id="del", spec="Fetch #header-value allows 0x7F", value="a\x7fb", expected=True),
    ValueCase(
        id="obs-text-low", spec="Fetch #header-value allows 0x80", value="\x80", expected=True
    ),
    ValueCase(
        id="obs-text-high", spec="Fetch #header-value allows 0xFF", value="\xff", expected=True
    ),
    ValueCase(
        id="above-latin1",
        spec="Fetch: header values are byte sequences (code points above U+00FF are not bytes)",
        value="\u0100",
        expected=False,
    ),
    ValueCase(
        id="leading-vertical-tab",
        spec="Fetch #header-value: only 0x09/0x20 are banned at the ends",
        value="\x0ba",
        expected=True,
    ),
)


@pytest.mark.parametrize("case", params(HEADER_VALUE_CASES))
def test_is_header_value_table(case: ValueCase) -> None:
    assert _abnf.is_header_value(case.value) is case.expected


@attrs.frozen(kw_only=True)
class NormalizeCase:
    id: str
    spec: str
    value: str
    expected: str
    bug: str | None = None


NORMALIZE_CASES: tuple[NormalizeCase, ...] = (
    NormalizeCase(
        id="unchanged", spec="Fetch #concept-header-value-normalize", value="a b", expected="a b"
    ),
    NormalizeCase(
        id="spaces", spec="Fetch #concept-header-value-normalize", value="  a  ", expected="a"
    ),
    NormalizeCase(
        id="all-http-whitespace",
        spec="Fetch #concept-header-value-normalize: HTTP whitespace is TAB SP CR LF",
        value="\t\r\n a \n\r\t",
        expected="a",
    ),
    NormalizeCase(
        id="only-whitespace",
        spec="Fetch #concept-header-value-normalize",
        value=" \t\r\n",
        expected="",
    ),
    NormalizeCase(
        id="inner-kept",
        spec="Fetch #concept-header-value-normalize strips leading/trailing only",
        value=" a \t b ",
        expected="a \t b",
    ),
    NormalizeCase(
        id="form-feed-not-whitespace",
        spec="Fetch: HTTP whitespace excludes FF and VT",
        value="\x0ca\x0b",
        expected="\x0ca\x0b",
    ),
    NormalizeCase(
        id="nbsp-not-whitespace",
        spec="Fetch: HTTP whitespace excludes U+00A0",
        value="\xa0a\xa0",
        expected="\xa0a\xa0",
    ),
)


@pytest.mark.parametrize("case", params(NORMALIZE_CASES))
def test_normalize_header_value_table(case: NormalizeCase) -> None:
    assert _abnf.normalize_header_value(case.value) == case.expected


def test_whitespace_constants_match_fetch() -> None:
    assert set(_abnf.HTTP_TAB_OR_SPACE) == {"\t", " "}
    assert set(_abnf.HTTP_WHITESPACE) == {"\t", " ", "\n", "\r"}


def test_length_caps_are_positive_and_generous() -> None:
    # Caps bound work per input; they must not reject real-world origins and URLs.
    assert 255 + len("https://") + len(":65535") <= _abnf.MAX_ORIGIN_LEN
    assert _abnf.MAX_URL_LEN >= 8192
    assert _abnf.MAX_HEADER_VALUE_LEN > 128
    assert _abnf.MAX_HEADER_LINES >= 10_000

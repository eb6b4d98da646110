"""corsspec.engine.url against ada (a WHATWG URL parser, used by Node.js) as the oracle.

The law: for every input, both parse to the same href and origin, or both fail. The one
allowed difference is corsspec's ``UNSUPPORTED_HOST``: a host whose domain-to-ASCII needs
UTS #46 table data the core does not carry is refused and reported, never mapped
differently (see the corsspec.engine.url docstring for the exact list).

Inputs with lone surrogates are left out: ada's binding takes UTF-8, and corsspec
applies WebIDL's USVString conversion first (U+FFFD), which the unit tables cover.
"""

from __future__ import annotations

import unicodedata

import ada_url
import pytest
from hypothesis import example, given, settings

from corsspec.engine import url as url_module
from corsspec.engine.url import URL, parse_url
from corsspec.errors import InvalidURLError, URLProblem
from tests.strategies import url_references, url_strings
from tests.unit._support import params
from tests.unit.url_cases import ALL_CASES, ParseCase

# What each side answers: (href, origin), None for failure, or UNSUPPORTED.
Answer = tuple[str, str] | str | None
UNSUPPORTED = "unsupported"


def ours(value: str, base: str | None = None) -> Answer:
    try:
        # With a base: the plain basic URL parser (URL.join adds Fetch's fragment rule).
        url = parse_url(value) if base is None else url_module._parse(value, parse_url(base))
    except InvalidURLError as error:
        return UNSUPPORTED if error.reason is URLProblem.UNSUPPORTED_HOST else None
    except url_module._ParseError as failure:
        return UNSUPPORTED if failure.problem is URLProblem.UNSUPPORTED_HOST else None
    assert isinstance(url, URL)
    return url.serialize(), url.origin.serialize()


def theirs(value: str, base: str | None = None) -> Answer:
    try:
        parsed = ada_url.URL(value, base) if base is not None else ada_url.URL(value)
    except ValueError:
        return None
    return parsed.href, parsed.origin


def agree(mine: Answer, oracle: Answer) -> bool:
    if mine == UNSUPPORTED:
        return True  # refused and reported: never a silent difference
    return mine == oracle


def test_oracle_is_a_whatwg_parser() -> None:
    # The oracle itself gets the headline case right (a wrong oracle would make
    # every property below meaningless).
    assert theirs("\\\\evil.example/p", "https://a.example/x/y") == (
        "https://evil.example/p",
        "https://evil.example",
    )
    assert theirs("http://[::1%25eth0]/") is None


@pytest.mark.parametrize("case", params(ALL_CASES))
def test_table_rows_agree_with_the_oracle(case: ParseCase) -> None:
    if any(0xD800 <= ord(char) <= 0xDFFF for char in case.value):
        pytest.skip("lone surrogates: ada's binding takes UTF-8")
    mine, oracle = ours(case.value, case.base), theirs(case.value, case.base)
    assert agree(mine, oracle), (mine, oracle)


@settings(max_examples=300)
@given(url_strings())
@example("https://\uff21\uff22\uff23.example/a b/../c?d e#f g")
@example("http://0x7f.0x1.1/")
@example("foo://a b/")
def test_absolute_urls_agree_with_the_oracle(value: str) -> None:
    mine, oracle = ours(value), theirs(value)
    assert agree(mine, oracle), (mine, oracle)


@settings(max_examples=300)
@given(url_references())
@example(("https://a.example/x/y", "\\\\evil.example/p"))
@example(("file:///C:/a/b", "../../x"))
def test_relative_references_agree_with_the_oracle(pair: tuple[str, str]) -> None:
    base, reference = pair
    mine, oracle = ours(reference, base), theirs(reference, base)
    assert agree(mine, oracle), (mine, oracle)


@settings(max_examples=200)
@given(url_strings())
@example("https://api.example.com/items/1?q=1#f")
@example("http://127.0.0.1:8080/x")
@example("http://1.2.3.04/")
@example("https://a.example/a/./b")
def test_fast_path_equals_the_state_machine(value: str) -> None:
    # The shortcut for already-canonical URLs gives exactly the state machine's record.
    try:
        slow: URL | None = url_module._parse(value, None, fast=False)
    except url_module._ParseError:
        slow = None
    try:
        quick: URL | None = url_module._parse(value, None)
    except url_module._ParseError:
        quick = None
    assert quick == slow


def _scan(start: int, stop: int) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"same": [], "unsupported": [], "differ": []}
    for code in range(start, stop):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        # Between two letters; alone too for marks (the "begins with a combining mark"
        # rule) and for a sample of the rest.
        alone = unicodedata.category(char).startswith("M") or code % 16 == 0
        for host in (char + ".x", "a" + char + "b.x") if alone else ("a" + char + "b.x",):
            mine, oracle = ours(f"http://{host}/"), theirs(f"http://{host}/")
            kind = "same" if mine == oracle else "unsupported" if mine == UNSUPPORTED else "differ"
            found[kind].append(f"U+{code:04X} {unicodedata.category(char)} {host!r}")
    return found


@pytest.mark.slow
@pytest.mark.parametrize(
    ("start", "stop"),
    [
        pytest.param(0x80, 0x10000, id="bmp"),
        pytest.param(0x1D400, 0x1D800, id="math-alphanumerics"),
        pytest.param(0x1F000, 0x1FB00, id="emoji-and-symbols"),
        pytest.param(0xE0000, 0xE0200, id="tags-and-variation-selectors"),
    ],
)
def test_uts46_every_code_point(start: int, stop: int) -> None:
    # Each code point in a label: no host maps differently from the oracle. (Measured
    # on the BMP with every code point in both positions, 126,720 hosts: 121,684 agree
    # (107,919 valid, 13,765 failures), 252 are reported unsupported where ada maps
    # them, 4,784 are unsupported where ada fails too.)
    found = _scan(start, stop)
    assert found["differ"] == []
    assert found["same"]

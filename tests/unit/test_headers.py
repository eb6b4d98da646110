"""corsspec.engine.headers: header-list get, get/decode/split, list extraction, HeaderNameSet."""

from __future__ import annotations

import attrs
import pytest
from multidict import CIMultiDict

import corsspec as cs
from corsspec.engine import headers as h
from corsspec.errors import HeaderProblem
from tests.unit._support import params

Pairs = tuple[tuple[str, str], ...]


@attrs.frozen(kw_only=True)
class LowerCase:
    id: str
    spec: str
    value: str
    expected: str
    bug: str | None = None


BYTE_LOWERCASE_CASES: tuple[LowerCase, ...] = (
    LowerCase(
        id="ascii", spec="Infra byte-lowercase", value="Content-TYPE", expected="content-type"
    ),
    LowerCase(id="already-lower", spec="Infra byte-lowercase", value="x-a", expected="x-a"),
    LowerCase(
        id="latin1-kept",
        spec="Infra byte-lowercase: only 0x41-0x5A change",
        value="\xc9T",
        expected="\xc9t",
    ),
    LowerCase(
        id="kelvin-sign-kept",
        spec="Infra byte-lowercase (Unicode lower() would map U+212A to 'k')",
        value="\u212a",
        expected="\u212a",
    ),
    LowerCase(
        id="dotted-capital-i-kept",
        spec="Infra byte-lowercase (Unicode lower() would expand U+0130)",
        value="X\u0130",
        expected="x\u0130",
    ),
    LowerCase(id="digits-symbols", spec="Infra byte-lowercase", value="A-1_*", expected="a-1_*"),
)


@pytest.mark.parametrize("case", params(BYTE_LOWERCASE_CASES))
def test_byte_lowercase_table(case: LowerCase) -> None:
    assert h.byte_lowercase(case.value) == case.expected


@attrs.frozen(kw_only=True)
class GetCase:
    id: str
    spec: str
    headers: Pairs
    name: str
    expected: str | None
    bug: str | None = None


GET_CASES: tuple[GetCase, ...] = (
    GetCase(
        id="absent",
        spec="Fetch #concept-header-list-get step 1",
        headers=(),
        name="a",
        expected=None,
    ),
    GetCase(
        id="one",
        spec="Fetch #concept-header-list-get step 2",
        headers=(("A", "1"),),
        name="a",
        expected="1",
    ),
    GetCase(
        id="two-joined-comma-space",
        spec="Fetch #concept-header-list-get step 2: joined with 0x2C 0x20",
        headers=(("A", "1"), ("B", "x"), ("a", "2")),
        name="a",
        expected="1, 2",
    ),
    GetCase(
        id="empty-values-kept",
        spec="Fetch #concept-header-list-get",
        headers=(("A", ""), ("A", "")),
        name="a",
        expected=", ",
    ),
    GetCase(
        id="empty-value-is-not-absent",
        spec="Fetch #concept-header-list-get: present with empty value gives ''",
        headers=(("A", ""),),
        name="a",
        expected="",
    ),
)


@pytest.mark.parametrize("case", params(GET_CASES))
def test_get_table(case: GetCase) -> None:
    assert h.get(h.index_headers(case.headers), case.name) == case.expected


@attrs.frozen(kw_only=True)
class SplitCase:
    id: str
    spec: str
    headers: Pairs
    expected: tuple[str, ...] | None
    bug: str | None = None


# The examples of Fetch #concept-header-list-get-decode-split, header name "A".
GET_DECODE_SPLIT_CASES: tuple[SplitCase, ...] = (
    SplitCase(
        id="spec-nosniff-comma",
        spec="Fetch get-decode-split example 1",
        headers=(("A", "nosniff,"),),
        expected=("nosniff", ""),
    ),
    SplitCase(
        id="spec-empty",
        spec="Fetch get-decode-split example 2",
        headers=(("A", ""),),
        expected=("",),
    ),
    SplitCase(
        id="spec-unterminated-quote",
        spec="Fetch get-decode-split example 3",
        headers=(("A", 'text/html;", x/x'),),
        expected=('text/html;", x/x',),
    ),
    SplitCase(
        id="spec-unterminated-quote-two-lines",
        spec="Fetch get-decode-split example 4",
        headers=(("A", 'text/html;"'), ("A", "x/x")),
        expected=('text/html;", x/x',),
    ),
    SplitCase(
        id="spec-quoted-param",
        spec="Fetch get-decode-split example 5",
        headers=(("A", 'x/x;test="hi",y/y'),),
        expected=('x/x;test="hi"', "y/y"),
    ),
    SplitCase(
        id="spec-quoted-param-interleaved",
        spec="Fetch get-decode-split example 6",
        headers=(("A", 'x/x;test="hi"'), ("C", "**bingo**"), ("A", "y/y")),
        expected=('x/x;test="hi"', "y/y"),
    ),
    SplitCase(
        id="spec-empty-pieces",
        spec="Fetch get-decode-split example 7",
        headers=(("A", "x / x,,,1"),),
        expected=("x / x", "", "", "1"),
    ),
    SplitCase(
        id="spec-empty-pieces-lines",
        spec="Fetch get-decode-split example 8",
        headers=(("A", "x / x"), ("A", ","), ("A", "1")),
        expected=("x / x", "", "", "1"),
    ),
    SplitCase(
        id="spec-quoted-comma",
        spec="Fetch get-decode-split example 9",
        headers=(("A", '"1,2", 3'),),
        expected=('"1,2"', "3"),
    ),
    SplitCase(
        id="spec-quoted-comma-lines",
        spec="Fetch get-decode-split example 10",
        headers=(("A", '"1,2"'), ("D", "4"), ("A", "3")),
        expected=('"1,2"', "3"),
    ),
    SplitCase(
        id="absent",
        spec="Fetch get-decode-split step 2: null when absent",
        headers=(("B", "1"),),
        expected=None,
    ),
    SplitCase(
        id="escaped-quote",
        spec="Fetch: collect an HTTP quoted string honours backslash escapes",
        headers=(("A", r'"a\"b,c", d'),),
        expected=(r'"a\"b,c"', "d"),
    ),
    SplitCase(
        id="tab-space-trimmed",
        spec="Fetch get-decode-split step 5.3 removes HTTP tab or space",
        headers=(("A", "\t a \t,\tb "),),
        expected=("a", "b"),
    ),
    SplitCase(
        id="quote-mid-piece",
        spec="Fetch get-decode-split step 5.2",
        headers=(("A", 'a"b,c"d, e'),),
        expected=('a"b,c"d', "e"),
    ),
    SplitCase(
        id="case-insensitive-name",
        spec="Fetch #concept-header-list-get compares names case-insensitively",
        headers=(("a", "1"), ("A", "2")),
        expected=("1", "2"),
    ),
)


@pytest.mark.parametrize("case", params(GET_DECODE_SPLIT_CASES))
def test_get_decode_split_table(case: SplitCase) -> None:
    result = h.get_decode_split(h.index_headers(case.headers), "a")
    assert (None if result is None else tuple(result)) == case.expected


@attrs.frozen(kw_only=True)
class ExtractCase:
    id: str
    spec: str
    lines: tuple[str, ...] | None
    expected: tuple[str, ...] | str | None  # "failure" for Fetch's failure
    bug: str | None = None


EXTRACT_LIST_CASES: tuple[ExtractCase, ...] = (
    ExtractCase(
        id="absent", spec="Fetch #extract-header-list-values step 1", lines=None, expected=None
    ),
    ExtractCase(
        id="one", spec="Fetch #extract-header-list-values", lines=("GET",), expected=("GET",)
    ),
    ExtractCase(
        id="list", spec="RFC 9110 #method list", lines=("GET, PUT",), expected=("GET", "PUT")
    ),
    ExtractCase(
        id="no-ows", spec="RFC 9110 list: OWS optional", lines=("GET,PUT",), expected=("GET", "PUT")
    ),
    ExtractCase(
        id="tab-ows",
        spec="RFC 9110 list: OWS includes HTAB",
        lines=("GET\t,\tPUT",),
        expected=("GET", "PUT"),
    ),
    ExtractCase(
        id="empty-elements-dropped",
        spec="RFC 9110 5.6.1 list rule: empty elements do not count",
        lines=(",GET,, PUT ,",),
        expected=("GET", "PUT"),
    ),
    ExtractCase(id="empty-value", spec="RFC 9110 #list may be empty", lines=("",), expected=()),
    ExtractCase(
        id="lines-concatenated",
        spec="Fetch #extract-header-list-values step 3: each header parsed, values concatenated",
        lines=("GET", "PUT, DELETE"),
        expected=("GET", "PUT", "DELETE"),
    ),
    ExtractCase(id="star", spec="Fetch: `*` is a token", lines=("*",), expected=("*",)),
    ExtractCase(
        id="case-kept", spec="Fetch: methods compared byte-exact", lines=("get",), expected=("get",)
    ),
    ExtractCase(
        id="space-separated-fails",
        spec="Fetch #extract-header-list-values: parse failure",
        lines=("GET PUT",),
        expected="failure",
    ),
    ExtractCase(id="quoted-fails", spec="RFC 9110 token", lines=('"GET"',), expected="failure"),
    ExtractCase(
        id="semicolon-fails", spec="RFC 9110 token", lines=("GET;q=1",), expected="failure"
    ),
    ExtractCase(id="slash-fails", spec="RFC 9110 token", lines=("x/y",), expected="failure"),
    ExtractCase(id="obs-text-fails", spec="RFC 9110 token", lines=("caf\xe9",), expected="failure"),
    ExtractCase(
        id="one-bad-line-fails-all",
        spec="Fetch #extract-header-list-values: any failure means failure",
        lines=("GET", "P U T"),
        expected="failure",
    ),
)


@pytest.mark.parametrize("case", params(EXTRACT_LIST_CASES))
def test_extract_list_values_table(case: ExtractCase) -> None:
    index = {} if case.lines is None else {"x": list(case.lines)}
    result = h.extract_list_values(index, "x")
    if case.expected == "failure":
        assert result is h.FAILURE
    elif case.expected is None:
        assert result is None
    else:
        assert isinstance(result, list)
        assert tuple(result) == case.expected


def test_extract_single_value() -> None:
    # Fetch #extract-header-list-values step 2: a single-valued header repeated is failure.
    assert h.extract_single_value({}, "x") is None
    assert h.extract_single_value({"x": ["5"]}, "x") == "5"
    assert h.extract_single_value({"x": ["5", "5"]}, "x") is h.FAILURE
    assert repr(h.FAILURE) == "FAILURE"


@attrs.frozen(kw_only=True)
class SortedSetCase:
    id: str
    spec: str
    names: tuple[str, ...]
    expected: tuple[str, ...]
    bug: str | None = None


SORTED_LOWERCASE_SET_CASES: tuple[SortedSetCase, ...] = (
    SortedSetCase(
        id="empty",
        spec="Fetch convert header names to a sorted-lowercase set",
        names=(),
        expected=(),
    ),
    SortedSetCase(
        id="dedupe-lower-sort",
        spec="Fetch convert header names to a sorted-lowercase set",
        names=("X-B", "x-a", "X-A"),
        expected=("x-a", "x-b"),
    ),
    SortedSetCase(
        id="byte-order",
        spec="Fetch: sort in ascending order with a being less than b if a is byte less than b",
        names=("b", "_", "Z", "-", "0", "a-b", "a"),
        expected=("-", "0", "_", "a", "a-b", "b", "z"),
    ),
)


@pytest.mark.parametrize("case", params(SORTED_LOWERCASE_SET_CASES))
def test_sorted_lowercase_set_table(case: SortedSetCase) -> None:
    assert h.sorted_lowercase_set(case.names) == case.expected


def test_index_headers_groups_in_order() -> None:
    index = h.index_headers((("B", "1"), ("a", "2"), ("b", "3"), ("A", "4")))
    assert index == {"b": ["1", "3"], "a": ["2", "4"]}
    assert list(index) == ["b", "a"]


def test_to_header_pairs_accepts_the_documented_shapes() -> None:
    assert h.to_header_pairs(None) == ()
    assert h.to_header_pairs([("A", "1"), ("A", "2")]) == (("A", "1"), ("A", "2"))
    assert h.to_header_pairs({"A": "1"}) == (("A", "1"),)
    assert h.to_header_pairs(CIMultiDict([("A", "1"), ("a", "2")])) == (("A", "1"), ("a", "2"))
    # Bytes are isomorphic-decoded (each byte becomes the code point of the same value).
    assert h.to_header_pairs([(b"X-A", b"caf\xe9")]) == (("X-A", "caf\xe9"),)
    assert h.to_header_pairs([["A", "1"]]) == (("A", "1"),)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        pytest.param("A: 1", HeaderProblem.NOT_A_PAIR, id="string"),
        pytest.param(b"A: 1", HeaderProblem.NOT_A_PAIR, id="bytes"),
        pytest.param(5, HeaderProblem.NOT_A_PAIR, id="int"),
        pytest.param([("A",)], HeaderProblem.NOT_A_PAIR, id="one-tuple"),
        pytest.param([("A", "1", "2")], HeaderProblem.NOT_A_PAIR, id="three-tuple"),
        pytest.param(["AB"], HeaderProblem.NOT_A_PAIR, id="string-item"),
        pytest.param([None], HeaderProblem.NOT_A_PAIR, id="none-item"),
        pytest.param([("A", 1)], HeaderProblem.NOT_A_STRING, id="int-value"),
        pytest.param([(1, "a")], HeaderProblem.NOT_A_STRING, id="int-name"),
        pytest.param({"A": None}, HeaderProblem.NOT_A_STRING, id="mapping-none-value"),
    ],
)
def test_to_header_pairs_rejects_bad_shapes(value: object, problem: HeaderProblem) -> None:
    with pytest.raises(cs.InvalidHeaderError) as info:
        h.to_header_pairs(value)
    assert info.value.reason is problem


def test_view_is_case_insensitive_and_read_only() -> None:
    v = h.view((("Vary", "Origin"), ("vary", "Accept")))
    assert v.getall("VARY") == ["Origin", "Accept"]
    with pytest.raises(TypeError):
        v["x"] = "y"  # type: ignore[index]


def test_ci_key_ignores_name_case_only() -> None:
    assert h.ci_key((("Vary", "Origin"),)) == h.ci_key((("vary", "Origin"),))
    assert h.ci_key((("Vary", "Origin"),)) != h.ci_key((("Vary", "origin"),))
    assert h.ci_key((("A", "1"), ("B", "2"))) != h.ci_key((("B", "2"), ("A", "1")))


# --- HeaderNameSet -------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AllowsCase:
    id: str
    spec: str
    items: tuple[str, ...]
    name: str
    credentialed: bool
    expected: bool
    wildcard_covers: bool = True
    bug: str | None = None


ALLOWS_CASES: tuple[AllowsCase, ...] = (
    AllowsCase(
        id="listed",
        spec="Fetch preflight step 7.6",
        items=("X-A",),
        name="x-a",
        credentialed=False,
        expected=True,
    ),
    AllowsCase(
        id="listed-case-insensitive",
        spec="Fetch preflight step 7.6: byte-case-insensitive",
        items=("x-a",),
        name="X-A",
        credentialed=True,
        expected=True,
    ),
    AllowsCase(
        id="not-listed",
        spec="Fetch preflight step 7.6",
        items=("x-a",),
        name="x-b",
        credentialed=False,
        expected=False,
    ),
    AllowsCase(
        id="empty",
        spec="Fetch preflight step 7.6",
        items=(),
        name="x-a",
        credentialed=False,
        expected=False,
    ),
    AllowsCase(
        id="wildcard-uncredentialed",
        spec="Fetch #http-new-header-syntax: `*` is a wildcard without credentials",
        items=("*",),
        name="x-b",
        credentialed=False,
        expected=True,
    ),
    AllowsCase(
        id="wildcard-credentialed-literal",
        spec="Fetch #http-new-header-syntax: with credentials `*` is a literal name",
        items=("*",),
        name="x-b",
        credentialed=True,
        expected=False,
    ),
    AllowsCase(
        id="wildcard-credentialed-star-name",
        spec="Fetch: with credentials `*` matches only a header named `*`",
        items=("*",),
        name="*",
        credentialed=True,
        expected=True,
    ),
    AllowsCase(
        id="wildcard-among-others",
        spec="Fetch (2017): `*` may be one of several items",
        items=("x-a", "*"),
        name="x-z",
        credentialed=False,
        expected=True,
    ),
    AllowsCase(
        id="wildcard-never-covers-non-wildcard",
        spec="Fetch #cors-non-wildcard-request-header-name",
        items=("*",),
        name="authorization",
        credentialed=False,
        expected=False,
        wildcard_covers=False,
    ),
    AllowsCase(
        id="listed-non-wildcard-name",
        spec="Fetch preflight step 7.5: Authorization listed explicitly",
        items=("Authorization", "*"),
        name="authorization",
        credentialed=True,
        expected=True,
        wildcard_covers=False,
    ),
)


@pytest.mark.parametrize("case", params(ALLOWS_CASES))
def test_header_name_set_allows_table(case: AllowsCase) -> None:
    s = cs.HeaderNameSet.from_items(case.items)
    got = s.allows(case.name, credentialed=case.credentialed, wildcard_covers=case.wildcard_covers)
    assert got is case.expected


def test_header_name_set_from_items() -> None:
    s = cs.HeaderNameSet.from_items(["X-A", "*", "x-a", "X-B"])
    assert s.names == frozenset({"x-a", "x-b"})
    assert s.wildcard is True
    assert cs.HeaderNameSet.from_items([]) == cs.HeaderNameSet()
    assert cs.HeaderNameSet(names=["X-A"]) == cs.HeaderNameSet(names=frozenset({"x-a"}))


def test_header_name_set_contains_is_case_insensitive() -> None:
    s = cs.HeaderNameSet.from_items(["X-A"])
    assert "x-a" in s
    assert "X-A" in s
    assert "x-b" not in s
    assert 5 not in s


def test_header_name_set_union_and_intersection() -> None:
    a = cs.HeaderNameSet.from_items(["x-a", "x-b"])
    b = cs.HeaderNameSet.from_items(["X-B", "x-c"])
    star = cs.HeaderNameSet.from_items(["*"])
    assert a.union(b) == cs.HeaderNameSet.from_items(["x-a", "x-b", "x-c"])
    assert a.intersection(b) == cs.HeaderNameSet.from_items(["x-b"])
    assert a.union(star).wildcard
    # `*` stands for every name in an (uncredentialed) intersection.
    assert a.intersection(star) == a
    assert star.intersection(star) == star


def test_header_name_set_serialize() -> None:
    assert cs.HeaderNameSet.from_items(["X-B", "x-a"]).serialize() == "x-a, x-b"
    assert cs.HeaderNameSet.from_items(["x-a", "*"]).serialize() == "*, x-a"
    assert cs.HeaderNameSet().serialize() == ""

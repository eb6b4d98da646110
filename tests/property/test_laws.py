"""Algebraic laws: HeaderNameSet, normalisers, parse/serialize round trips."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import corsspec as cs
from corsspec.engine import _abnf
from corsspec.engine import headers as h
from corsspec.engine import safelist as sl
from tests.strategies import (
    TCHARS,
    header_names,
    header_values,
    list_value,
    origin_objects,
    recased,
    recased_any,
    tokens,
)
from tests.unit.test_origins import PARSE_ORIGIN_CASES

pytestmark = pytest.mark.property

_NAMES = st.one_of(st.sampled_from(["x-a", "x-b", "authorization", "content-type", "*"]), tokens(6))


@st.composite
def name_sets(draw: st.DrawFn) -> cs.HeaderNameSet:
    """HeaderNameSets built as a server's list items would build them."""
    items = draw(st.lists(recased_any(_NAMES), max_size=5))
    return cs.HeaderNameSet.from_items(items)


EMPTY = cs.HeaderNameSet()
STAR = cs.HeaderNameSet.from_items(["*"])
_PROBES = recased_any(st.one_of(_NAMES, tokens(6)))


# --- HeaderNameSet: union and intersection -----------------------------------------------


@given(name_sets(), name_sets(), name_sets())
def test_union_laws(a: cs.HeaderNameSet, b: cs.HeaderNameSet, c: cs.HeaderNameSet) -> None:
    # Commutative, associative, idempotent; the empty set is the identity.
    assert a.union(b) == b.union(a)
    assert a.union(b).union(c) == a.union(b.union(c))
    assert a.union(a) == a
    assert a.union(EMPTY) == a
    assert EMPTY.union(a) == a


@given(name_sets(), name_sets(), name_sets())
def test_intersection_laws(a: cs.HeaderNameSet, b: cs.HeaderNameSet, c: cs.HeaderNameSet) -> None:
    # Commutative, associative, idempotent; `*` (standing for every name) is the
    # identity and the empty set the zero.
    assert a.intersection(b) == b.intersection(a)
    assert a.intersection(b).intersection(c) == a.intersection(b.intersection(c))
    assert a.intersection(a) == a
    assert a.intersection(STAR) == a
    assert a.intersection(EMPTY) == EMPTY


@given(name_sets(), name_sets(), _PROBES, st.booleans())
def test_union_and_intersection_semantics(
    a: cs.HeaderNameSet, b: cs.HeaderNameSet, name: str, credentialed: bool
) -> None:
    union = a.union(b)
    for covers in (True, False):
        got = union.allows(name, credentialed=credentialed, wildcard_covers=covers)
        assert got == (
            a.allows(name, credentialed=credentialed, wildcard_covers=covers)
            or b.allows(name, credentialed=credentialed, wildcard_covers=covers)
        )
    # Intersection is defined for the uncredentialed reading of `*`.
    both = a.intersection(b).allows(name, credentialed=False)
    assert both == (a.allows(name, credentialed=False) and b.allows(name, credentialed=False))


@given(name_sets(), _PROBES, st.booleans())
def test_star_laws(a: cs.HeaderNameSet, name: str, credentialed: bool) -> None:
    with_star = a.union(STAR)
    # Fetch: `*` is a wildcard when credentials mode is not "include" ...
    assert with_star.allows(name, credentialed=False)
    # ... with "include" it only admits a header named `*` (the credentials exception) ...
    assert with_star.allows(name, credentialed=True) == (
        a.allows(name, credentialed=True) or name == "*"
    )
    # ... and it never covers a CORS non-wildcard request-header name (Authorization);
    # a literal `*` item still names a header called `*` when credentialed.
    got = with_star.allows(name, credentialed=credentialed, wildcard_covers=False)
    literal = credentialed and name == "*"
    assert got == (h.byte_lowercase(name) in a.names or literal)


# --- parse / serialize ----------------------------------------------------------------------


@given(name_sets())
def test_header_name_set_round_trip(a: cs.HeaderNameSet) -> None:
    # serialize -> a server's list header -> extract header list values -> from_items.
    items = h.extract_list_values({"x": [a.serialize()]}, "x")
    assert isinstance(items, list)
    assert cs.HeaderNameSet.from_items(items) == a
    for name in a.names:
        assert name in a
        assert name.upper() in a


@given(st.lists(tokens(8), max_size=6))
def test_split_list_value_of_joined_tokens(items: list[str]) -> None:
    # Fetch get, decode, and split: tokens never contain ',' or '"'.
    if not items:
        return
    assert h.split_list_value(", ".join(items)) == items
    assert h.split_list_value(",".join(items)) == items


@given(list_value(tokens(6)))
def test_extract_list_values_ignores_ows_and_empties(value: str) -> None:
    items = h.extract_list_values({"x": [value]}, "x")
    assert isinstance(items, list)
    assert items == [p.strip(" \t") for p in value.split(",") if p.strip(" \t")]
    assert all(_abnf.is_token(i) for i in items)


@given(origin_objects())
@example(cs.parse_origin("https://[2001:db8::1]:8443"))
def test_origin_round_trip(origin: cs.Origin) -> None:
    assert cs.parse_origin(origin.serialize()) == origin
    assert cs.parse_origin(origin.serialize()).serialize() == origin.serialize()


@given(st.sampled_from([c.value for c in PARSE_ORIGIN_CASES if c.bug is None]), st.data())
def test_origin_parse_is_idempotent(value: str, data: st.DataObject) -> None:
    # Parsing a re-cased spelling gives the origin whose serialization parses to itself.
    scheme, sep, rest = value.partition("://")
    spelled = data.draw(recased(scheme)) + sep + rest
    once = cs.parse_origin(spelled)
    assert cs.parse_origin(once.serialize()) == once


@given(origin_objects(), st.sampled_from(["/", "/a/b", "/x?y=1", "/p#f", "/?q#f"]))
def test_url_round_trip(origin: cs.Origin, rest: str) -> None:
    if origin.opaque:
        return
    url = cs.parse_url(origin.serialize() + rest)
    assert cs.parse_url(url.serialize()) == url
    assert url.origin == origin


@given(origin_objects(), origin_objects(), st.booleans())
def test_same_origin_as_url_agrees_with_same_origin(
    origin: cs.Origin, other: cs.Origin, same: bool
) -> None:
    # The engine's shortcut (no Origin built for the URL) against the definition.
    target = origin if same else other
    if target.opaque:
        return
    url = cs.parse_url(target.serialize() + "/p")
    assert origin.same_origin_as_url(url) is origin.same_origin(url.origin)


# --- normalisers are idempotent ----------------------------------------------------------------


@given(st.text(alphabet="\t\n\r \x0b\x0cab\xa0", max_size=12))
def test_normalize_header_value_idempotent(value: str) -> None:
    once = _abnf.normalize_header_value(value)
    assert _abnf.normalize_header_value(once) == once


@given(st.one_of(tokens(8), st.sampled_from(["get", "Post", "pUt", "delete", "patch"])))
def test_normalize_method_idempotent(method: str) -> None:
    once = sl.normalize_method(method)
    assert sl.normalize_method(once) == once
    # Normalisation only changes case.
    assert once.lower() == method.lower()


@given(st.text(max_size=12))
def test_byte_lowercase_idempotent_and_ascii_only(value: str) -> None:
    once = h.byte_lowercase(value)
    assert h.byte_lowercase(once) == once
    assert len(once) == len(value)
    for a, b in zip(value, once, strict=True):
        assert b == (a.lower() if "A" <= a <= "Z" else a)


@given(st.lists(st.tuples(header_names(), header_values()), max_size=5))
def test_request_headers_normalisation_idempotent(pairs: list[tuple[str, str]]) -> None:
    req = cs.Request(url="https://api.example/", origin="https://app.example", headers=pairs)
    again = cs.Request(
        url="https://api.example/", origin="https://app.example", headers=req.headers
    )
    assert again.headers == req.headers
    assert again == req


@given(st.lists(st.tuples(header_names(), header_values()), max_size=5))
def test_to_header_pairs_idempotent(pairs: list[tuple[str, str]]) -> None:
    once = h.to_header_pairs(pairs)
    assert h.to_header_pairs(once) == once


@given(st.lists(header_names(), max_size=6))
def test_sorted_lowercase_set_idempotent(names: list[str]) -> None:
    once = h.sorted_lowercase_set(names)
    assert h.sorted_lowercase_set(once) == once
    assert list(once) == sorted(set(once))


# --- name case never matters ------------------------------------------------------------------


@given(st.sampled_from(sorted(sl.FORBIDDEN_REQUEST_HEADER_NAMES)), st.data())
def test_forbidden_request_header_name_case_insensitive(name: str, data: st.DataObject) -> None:
    assert sl.is_forbidden_request_header(data.draw(recased(name)), "x")


@given(
    st.sampled_from(
        ["Accept", "Accept-Language", "Content-Language", "Content-Type", "Range", "X-A"]
    ),
    st.sampled_from(["*/*", "en", "text/plain", "bytes=0-", "x", 'a"b', "bytes=-1"]),
    st.data(),
)
def test_safelisted_request_header_name_case_insensitive(
    name: str, value: str, data: st.DataObject
) -> None:
    expected = sl.is_cors_safelisted_request_header(name, value)
    assert sl.is_cors_safelisted_request_header(data.draw(recased(name)), value) is expected


@given(st.lists(st.tuples(header_names(), header_values(20)), max_size=8))
def test_cors_unsafe_names_shape(pairs: list[tuple[str, str]]) -> None:
    names = sl.cors_unsafe_request_header_names(pairs)
    assert list(names) == sorted(set(names))
    assert set(names) <= {n.lower() for n, _ in pairs}
    # Recasing names never changes the answer.
    swapped = [(n.swapcase() if n.isascii() else n, v) for n, v in pairs]
    assert sl.cors_unsafe_request_header_names(swapped) == names


def test_tchars_strategy_matches_abnf() -> None:
    assert all(_abnf.is_token(c) for c in TCHARS)

"""Header algebra from the Fetch Standard (https://fetch.spec.whatwg.org/#terminology-headers).

Header names compare byte-case-insensitively and keep their original casing for display;
a header list is an ordered sequence of (name, value) pairs in which a name may repeat.
Inside the core, pairs are plain ``tuple[tuple[str, str], ...]`` (hashable, picklable);
strings stand for byte sequences by isomorphic decoding (every code point <= 0xFF).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeAlias

import attrs
from multidict import CIMultiDict, CIMultiDictProxy

from corsspec.engine._abnf import HTTP_TAB_OR_SPACE, is_token
from corsspec.errors import HeaderProblem, InvalidHeaderError

__all__ = [
    "FAILURE",
    "HeaderNameSet",
    "HeaderPairs",
    "byte_lowercase",
    "ci_key",
    "extract_list_values",
    "extract_single_value",
    "get",
    "get_decode_split",
    "index_headers",
    "sorted_lowercase_set",
    "split_list_value",
    "to_header_pairs",
    "view",
]


def __dir__() -> list[str]:
    return __all__


#: An ordered header list: (name, value) pairs, duplicates allowed, original casing kept.
HeaderPairs: TypeAlias = tuple[tuple[str, str], ...]

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def byte_lowercase(value: str) -> str:
    """Fetch/Infra: byte-lowercase (only A-Z change; other code points stay as they are)."""
    if value.isascii():
        return value.lower()
    return value.translate(_ASCII_LOWER)


def ci_key(pairs: HeaderPairs) -> tuple[tuple[str, str], ...]:
    """Equality key for a header list: names compared case-insensitively, order kept."""
    return tuple((byte_lowercase(n), v) for n, v in pairs)


def _coerce_text(item: object, *, name: object, role: str) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, (bytes, bytearray)):
        # Isomorphic decode: each byte becomes the code point of the same value.
        return bytes(item).decode("latin-1")
    raise InvalidHeaderError(name if role == "value" else item, item, HeaderProblem.NOT_A_STRING)


HeadersInput: TypeAlias = (
    "Iterable[tuple[str | bytes, str | bytes]] | Mapping[str, str] | HeaderPairs | None"
)


def to_header_pairs(headers: object) -> HeaderPairs:
    """Convert caller input (pairs, a mapping, a multidict) into ``HeaderPairs``.

    Only shape is checked here (strings or bytes, two per item); the meaning of names and
    values is judged by whoever uses them.

    :raises InvalidHeaderError: an item is not a (name, value) pair of str/bytes.
    """
    if headers is None:
        return ()
    if isinstance(headers, tuple) and all(
        type(p) is tuple and len(p) == 2 and type(p[0]) is str and type(p[1]) is str
        for p in headers
    ):
        return headers  # fast path: already normalised
    items: Iterable[object]
    if isinstance(headers, Mapping):
        items = headers.items()
    elif isinstance(headers, (str, bytes)):
        raise InvalidHeaderError(headers, None, HeaderProblem.NOT_A_PAIR)
    elif isinstance(headers, Iterable):
        items = headers
    else:
        raise InvalidHeaderError(headers, None, HeaderProblem.NOT_A_PAIR)
    out: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, (str, bytes)) or not isinstance(item, Sequence) or len(item) != 2:
            raise InvalidHeaderError(item, None, HeaderProblem.NOT_A_PAIR)
        name = _coerce_text(item[0], name=item[0], role="name")
        value = _coerce_text(item[1], name=name, role="value")
        out.append((name, value))
    return tuple(out)


def index_headers(pairs: HeaderPairs) -> dict[str, list[str]]:
    """Group values by byte-lowercased name, in order: the basis of every lookup."""
    index: dict[str, list[str]] = {}
    for name, value in pairs:
        # byte_lowercase, inlined: every response header line passes through here.
        key = name.lower() if name.isascii() else name.translate(_ASCII_LOWER)
        bucket = index.get(key)
        if bucket is None:
            index[key] = [value]
        else:
            bucket.append(value)
    return index


def view(pairs: HeaderPairs) -> CIMultiDictProxy[str]:
    """A read-only case-insensitive multidict over ``pairs`` (for callers' convenience)."""
    return CIMultiDictProxy(CIMultiDict(pairs))


def get(index: Mapping[str, Sequence[str]], name: str) -> str | None:
    """Fetch: get a header from a header list (values joined with ", "), or None if absent.

    Precondition: ``name`` is byte-lowercase.
    """
    values = index.get(name)
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return ", ".join(values)


def split_list_value(value: str) -> list[str]:
    """Fetch: get, decode, and split a header value.

    Splits on commas outside double-quoted strings, keeps quoted strings verbatim
    (backslash escapes honoured), trims tab/space around each piece and keeps empty
    pieces: ``'nosniff,'`` gives ``['nosniff', '']``.
    """
    if '"' not in value:
        return [piece.strip(HTTP_TAB_OR_SPACE) for piece in value.split(",")]
    values: list[str] = []
    current: list[str] = []
    i = 0
    n = len(value)
    while i < n:
        ch = value[i]
        if ch == '"':
            # Collect an HTTP quoted string verbatim, honouring backslash escapes.
            j = i + 1
            while j < n:
                if value[j] == "\\" and j + 1 < n:
                    j += 2
                    continue
                if value[j] == '"':
                    break
                j += 1
            current.append(value[i : j + 1])
            i = j + 1
            continue
        if ch == ",":
            values.append("".join(current).strip(HTTP_TAB_OR_SPACE))
            current = []
        else:
            current.append(ch)
        i += 1
    values.append("".join(current).strip(HTTP_TAB_OR_SPACE))
    return values


def get_decode_split(index: Mapping[str, Sequence[str]], name: str) -> list[str] | None:
    """Fetch: get, decode, and split a header name from a header list (None if absent)."""
    value = get(index, name)
    if value is None:
        return None
    return split_list_value(value)


class _Failure:
    """Marker for Fetch's "failure" result of header parsing."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FAILURE"


#: The "failure" result of :func:`extract_list_values` and :func:`extract_single_value`.
FAILURE = _Failure()


def extract_list_values(
    index: Mapping[str, Sequence[str]], name: str
) -> list[str] | _Failure | None:
    """Fetch: extract header list values for a ``#token`` list header (e.g. ``#method``).

    Each header line is parsed on its own as a comma-separated list with optional
    whitespace; empty elements are allowed and dropped (RFC 9110 list rule); any other
    element that is not a token makes the whole result ``FAILURE``. Absent gives None.
    Precondition: ``name`` is byte-lowercase.
    """
    lines = index.get(name)
    if lines is None:
        return None
    out: list[str] = []
    for line in lines:
        for piece in line.split(","):
            item = piece.strip(HTTP_TAB_OR_SPACE)
            if not item:
                continue
            if not is_token(item):
                return FAILURE
            out.append(item)
    return out


def extract_single_value(index: Mapping[str, Sequence[str]], name: str) -> str | _Failure | None:
    """Fetch: extract header list values for a header whose ABNF allows one line only."""
    lines = index.get(name)
    if lines is None:
        return None
    if len(lines) != 1:
        return FAILURE
    return lines[0]


def sorted_lowercase_set(names: Iterable[str]) -> tuple[str, ...]:
    """Fetch: convert header names to a sorted-lowercase set (dedupe, byte order)."""
    return tuple(sorted({byte_lowercase(n) for n in names}))


def _checked_names(names: Iterable[str]) -> list[str]:
    given: object = names
    if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
        raise InvalidHeaderError(given, None, HeaderProblem.NOT_A_PAIR)
    items = list(given)
    for item in items:
        if not isinstance(item, str):
            raise InvalidHeaderError(item, None, HeaderProblem.NOT_A_STRING)
    return items


def _names_converter(names: Iterable[str]) -> frozenset[str]:
    return frozenset(byte_lowercase(n) for n in _checked_names(names))


@attrs.frozen(kw_only=True)
class HeaderNameSet:
    """A set of header names as a CORS allow/expose list: lowercase names plus ``*``.

    ``wildcard`` records that the list contained the item ``*``. Whether ``*`` acts as a
    wildcard depends on the request's credentials mode (Fetch: "*" is a wildcard only
    when credentials mode is not "include"); :meth:`allows` takes that into account.
    """

    names: frozenset[str] = attrs.field(factory=frozenset, converter=_names_converter)
    wildcard: bool = False

    @classmethod
    def from_items(cls, items: Iterable[str]) -> HeaderNameSet:
        """Build from list items as a server sent them (``*`` becomes the wildcard)."""
        names: set[str] = set()
        wildcard = False
        for item in _checked_names(items):
            if item == "*":
                wildcard = True
            else:
                names.add(byte_lowercase(item))
        return cls(names=frozenset(names), wildcard=wildcard)

    def allows(self, name: str, *, credentialed: bool, wildcard_covers: bool = True) -> bool:
        """Whether the list admits ``name``: listed, or ``*`` usable for this request.

        With credentials ``*`` is a literal name, so it admits only a header named ``*``.
        ``wildcard_covers`` is False for names a wildcard never covers (Authorization).
        """
        key = byte_lowercase(name)
        if key in self.names:
            return True
        if self.wildcard:
            if credentialed:
                return key == "*"
            return wildcard_covers
        return False

    def union(self, other: HeaderNameSet) -> HeaderNameSet:
        """Set union; ``*`` present in either stays present."""
        return HeaderNameSet(
            names=self.names | other.names, wildcard=self.wildcard or other.wildcard
        )

    def intersection(self, other: HeaderNameSet) -> HeaderNameSet:
        """Set intersection, with ``*`` standing for every name (uncredentialed reading)."""
        names = self.names & other.names
        if self.wildcard:
            names |= other.names
        if other.wildcard:
            names |= self.names
        return HeaderNameSet(names=names, wildcard=self.wildcard and other.wildcard)

    def serialize(self) -> str:
        """Header value form: sorted names, ``*`` first when present, joined by ", "."""
        items = sorted(self.names)
        if self.wildcard:
            items.insert(0, "*")
        return ", ".join(items)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (byte_lowercase(name) in self.names)

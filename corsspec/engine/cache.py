"""The CORS-preflight cache, as an immutable value (https://fetch.spec.whatwg.org/#cors-preflight-cache).

Each entry remembers that a preflight allowed one method or one header name for a
(serialized origin, URL, credentials) key until it expires. Lookups and updates take
``now`` (seconds, any epoch) from the caller: nothing here reads a clock. Every update
returns a new :class:`PreflightCache`; the old one is unchanged, so caches can be shared,
compared and pickled.

Engines differ in how they key, merge, and match entries; those differences are the
``cache_*`` fields of :class:`~corsspec.engine.browsers.BrowserProfile`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import attrs

from corsspec.engine._memo import remember
from corsspec.engine.browsers import BrowserProfile, CacheWildcard
from corsspec.engine.headers import byte_lowercase
from corsspec.engine.safelist import CORS_NON_WILDCARD_REQUEST_HEADER_NAMES
from corsspec.errors import InvalidRequestError, RequestProblem

__all__ = ["CacheEntry", "CacheKey", "PreflightCache"]


def __dir__() -> list[str]:
    return __all__


@attrs.frozen(kw_only=True)
class CacheEntry:
    """Fetch: cache entry. At most one of ``method`` and ``header`` is set.

    An entry with neither records that a preflight result exists for the resource at
    all: engines that keep one result per resource (Chromium, WebKit, Firefox) answer
    a lookup from it even when its method and header lists were empty.
    """

    origin: str
    url: str
    credentials: bool
    expires: float
    method: str | None = None
    header: str | None = None


@attrs.frozen(kw_only=True, cache_hash=True)
class CacheKey:
    """What a lookup is keyed by: byte-serialized origin, URL, and credentials mode."""

    origin: str
    url: str
    credentialed: bool


def _wildcard_usable(entry: CacheEntry, credentialed: bool, profile: BrowserProfile) -> bool:
    rule = profile.cache_wildcard
    if rule is CacheWildcard.UNCREDENTIALED_REQUEST:
        return not credentialed
    if rule is CacheWildcard.UNCREDENTIALED_ENTRY:
        return not entry.credentials
    return False


_NEVER = -1.0
_ALWAYS = float("inf")

# --- a persistent map: (origin, URL) -> that resource's entries --------------------------
#
# A hash array mapped trie (Bagwell, "Ideal Hash Trees"): 32-way nodes indexed by five
# bits of the key's hash at a time, updated by copying only the nodes on the path to the
# key, so a store into a cache of n resources costs O(log32 n) small tuple copies and
# leaves the old cache unchanged. Iteration order follows the (per-process) hashes, so
# nothing here is ever emitted unsorted: PreflightCache.entries sorts by resource.

_Key = tuple[str, str]
_Group = tuple[CacheEntry, ...]
#: A leaf: (hash, key, value).
_Leaf = tuple[int, _Key, _Group]


class _Node:
    """A trie node: ``bitmap`` marks which of the 32 slots are used, in order."""

    __slots__ = ("bitmap", "slots")

    def __init__(self, bitmap: int, slots: tuple[_Leaf | _Node | _Collision, ...]) -> None:
        self.bitmap = bitmap
        self.slots = slots


class _Collision:
    """Leaves whose keys have the same full hash."""

    __slots__ = ("hash", "leaves")

    def __init__(self, hash_: int, leaves: tuple[_Leaf, ...]) -> None:
        self.hash = hash_
        self.leaves = leaves


_EMPTY = _Node(0, ())


def _slot_hash(slot: _Leaf | _Node | _Collision) -> int:
    # Only called for leaves and collisions (a node has no single hash).
    return slot.hash if type(slot) is _Collision else slot[0]  # type: ignore[index]


def _map_get(node: _Node | _Collision, h: int, key: _Key) -> _Group | None:
    shift = 0
    while True:
        if type(node) is _Collision:
            for leaf in node.leaves:
                if leaf[1] == key:
                    return leaf[2]
            return None
        assert type(node) is _Node
        bit = 1 << ((h >> shift) & 31)
        if not node.bitmap & bit:
            return None
        slot = node.slots[(node.bitmap & (bit - 1)).bit_count()]
        if type(slot) is tuple:
            return slot[2] if slot[0] == h and slot[1] == key else None
        node = slot  # type: ignore[assignment]
        shift += 5


def _join(a: _Leaf | _Collision, b: _Leaf, shift: int) -> _Node | _Collision:
    """A subtree holding ``a`` (a leaf or collision) and the leaf ``b`` (another key)."""
    ha, hb = _slot_hash(a), b[0]
    if ha == hb:
        leaves = a.leaves if type(a) is _Collision else (a,)
        return _Collision(ha, (*leaves, b))
    ia, ib = (ha >> shift) & 31, (hb >> shift) & 31
    if ia == ib:
        return _Node(1 << ia, (_join(a, b, shift + 5),))
    pair = (a, b) if ia < ib else (b, a)
    return _Node((1 << ia) | (1 << ib), pair)


def _map_set(
    node: _Node | _Collision, h: int, key: _Key, value: _Group, shift: int = 0
) -> _Node | _Collision:
    if type(node) is _Collision:
        if node.hash == h:
            kept = tuple(leaf for leaf in node.leaves if leaf[1] != key)
            return _Collision(h, (*kept, (h, key, value)))
        # Another hash reaches this collision: it moves one level down.
        return _join(node, (h, key, value), shift)
    assert type(node) is _Node
    bit = 1 << ((h >> shift) & 31)
    index = (node.bitmap & (bit - 1)).bit_count()
    slots = node.slots
    if not node.bitmap & bit:
        leaf: _Leaf = (h, key, value)
        return _Node(node.bitmap | bit, (*slots[:index], leaf, *slots[index:]))
    slot = slots[index]
    if type(slot) is tuple:
        if slot[0] == h and slot[1] == key:
            new: _Leaf | _Node | _Collision = (h, key, value)
        else:
            new = _join(slot, (h, key, value), shift + 5)
    else:
        new = _map_set(slot, h, key, value, shift + 5)  # type: ignore[arg-type]
    return _Node(node.bitmap, (*slots[:index], new, *slots[index + 1 :]))


def _map_delete(node: _Node | _Collision, h: int, key: _Key, shift: int = 0) -> _Node | _Collision:
    """``node`` without ``key`` (the key must be present)."""
    if type(node) is _Collision:
        return _Collision(node.hash, tuple(leaf for leaf in node.leaves if leaf[1] != key))
    assert type(node) is _Node
    bit = 1 << ((h >> shift) & 31)
    index = (node.bitmap & (bit - 1)).bit_count()
    slots = node.slots
    slot = slots[index]
    if type(slot) is not tuple:
        child = _map_delete(slot, h, key, shift + 5)  # type: ignore[arg-type]
        if (type(child) is _Node and child.bitmap) or (type(child) is _Collision and child.leaves):
            return _Node(node.bitmap, (*slots[:index], child, *slots[index + 1 :]))
    return _Node(node.bitmap & ~bit, (*slots[:index], *slots[index + 1 :]))


def _map_items(node: _Node | _Collision) -> Iterator[_Leaf]:
    if type(node) is _Collision:
        yield from node.leaves
        return
    for slot in node.slots:  # type: ignore[union-attr]
        if type(slot) is tuple:
            yield slot
        else:
            yield from _map_items(slot)  # type: ignore[arg-type]


class _Summary:
    """Until when the matching entries of one key vouch for each method and header.

    Every lookup answer has the form "vouched until T" (and T > now), so a lookup is a
    comparison once T is known; T for each (method, exemption, header names)
    combination is worked out once and kept, since the cache never changes.
    """

    __slots__ = (
        "any_header_until",
        "any_method_until",
        "exists_until",
        "headers",
        "methods",
        "profile",
        "vouched",
    )

    def __init__(self, entries: list[CacheEntry], key: CacheKey, profile: BrowserProfile) -> None:
        self.profile = profile
        self.exists_until = _NEVER
        self.any_method_until = _NEVER
        self.any_header_until = _NEVER
        self.methods: dict[str, float] = {}
        self.headers: dict[str, float] = {}
        self.vouched: dict[tuple[str, bool, tuple[str, ...]], float] = {}
        for entry in entries:
            until = entry.expires
            self.exists_until = max(self.exists_until, until)
            usable = _wildcard_usable(entry, key.credentialed, profile)
            if entry.method is not None:
                self.methods[entry.method] = max(self.methods.get(entry.method, _NEVER), until)
                if entry.method == "*" and usable:
                    self.any_method_until = max(self.any_method_until, until)
            elif entry.header is not None:
                self.headers[entry.header] = max(self.headers.get(entry.header, _NEVER), until)
                if entry.header == "*" and usable:
                    self.any_header_until = max(self.any_header_until, until)

    def method_until(self, method: str) -> float:
        """Fetch: method cache entry match — the method itself, or a usable ``*``."""
        return max(self.methods.get(method, _NEVER), self.any_method_until)

    def header_until(self, name: str) -> float:
        """Fetch: header-name cache entry match (``*`` never covers Authorization unless
        the engine says so). Precondition: ``name`` is byte-lowercase."""
        until = self.headers.get(name, _NEVER)
        if (
            name not in CORS_NON_WILDCARD_REQUEST_HEADER_NAMES
            or self.profile.cache_wildcard_covers_authorization
        ):
            until = max(until, self.any_header_until)
        return until

    def vouched_until(
        self, method: str, method_exempt: bool, header_names: tuple[str, ...]
    ) -> float:
        """HTTP fetch step 2.1: until when no preflight is needed for this combination."""
        key = (method, method_exempt, header_names)
        until = self.vouched.get(key)
        if until is None:
            until = _ALWAYS if method_exempt else self.method_until(method)
            if self.profile.cache_lookup_needs_entry or not method_exempt:
                # Engines that keep one result per resource look that result up first.
                until = min(until, self.exists_until)
            for name in header_names:
                until = min(until, self.header_until(name))
            remember(self.vouched, key, until)
        return until


def _to_entries(value: Iterable[CacheEntry]) -> tuple[CacheEntry, ...]:
    """``PreflightCache(entries=...)``: a tuple (or iterable) of CacheEntry.

    :raises InvalidRequestError: anything else.
    """
    entries: object = value
    if type(entries) is not tuple:
        if isinstance(entries, (str, bytes)) or not isinstance(entries, Iterable):
            raise InvalidRequestError(
                "entries", entries, RequestProblem.BAD_ENUM_VALUE, "a tuple of CacheEntry"
            )
        entries = tuple(entries)
    for entry in entries:
        if type(entry) is not CacheEntry:
            raise InvalidRequestError(
                "entries", entry, RequestProblem.BAD_ENUM_VALUE, "a tuple of CacheEntry"
            )
    return entries


@attrs.frozen(kw_only=True, init=False, eq=False, repr=False)
class PreflightCache:
    """An immutable CORS-preflight cache shared by the evaluations of one browser session.

    Entries are kept per resource (origin, URL) in a persistent map, so a store costs
    O(log n) in the number of cached resources and the cache it came from is unchanged.
    Equal (and equally hashed) when they hold the same entries per resource; pickles
    as its entries.
    """

    _root: _Node | _Collision
    _size: int

    def __init__(self, *, entries: Iterable[CacheEntry] = ()) -> None:
        groups: dict[_Key, list[CacheEntry]] = {}
        for entry in _to_entries(entries):
            groups.setdefault((entry.origin, entry.url), []).append(entry)
        root: _Node | _Collision = _EMPTY
        size = 0
        for key, group in groups.items():
            root = _map_set(root, hash(key), key, tuple(group))
            size += len(group)
        object.__setattr__(self, "_root", root)
        object.__setattr__(self, "_size", size)

    @classmethod
    def _of(cls, root: _Node | _Collision, size: int) -> PreflightCache:
        inst: PreflightCache = object.__new__(cls)
        object.__setattr__(inst, "_root", root)
        object.__setattr__(inst, "_size", size)
        return inst

    def __len__(self) -> int:
        return self._size

    @property
    def entries(self) -> tuple[CacheEntry, ...]:
        """Every entry, grouped by resource in (origin, URL) order, each group in the
        order it was stored."""
        leaves = sorted(_map_items(self._root), key=lambda leaf: leaf[1])
        return tuple(entry for leaf in leaves for entry in leaf[2])

    def _group(self, origin: str, url: str) -> _Group:
        key = (origin, url)
        return _map_get(self._root, hash(key), key) or ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PreflightCache):
            return NotImplemented
        if self is other:
            return True
        if self._size != other._size:
            return False
        return all(
            _map_get(other._root, h, key) == group for h, key, group in _map_items(self._root)
        )

    def __hash__(self) -> int:
        return self._content_hash

    @functools.cached_property
    def _content_hash(self) -> int:
        return hash(frozenset((key, group) for _, key, group in _map_items(self._root)))

    def __repr__(self) -> str:
        return f"PreflightCache(entries={self.entries!r})"

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return (_cache_from_entries, (self.entries,))

    def _matching(self, key: CacheKey, now: float, profile: BrowserProfile) -> list[CacheEntry]:
        """Fetch: cache entry match (key, origin, URL, credentials), unexpired only."""
        candidates = self._group(key.origin, key.url)
        credentialed = key.credentialed
        by_credentials = profile.cache_key_includes_credentials
        out = []
        for entry in candidates:
            if entry.expires <= now:
                continue
            if by_credentials:
                if entry.credentials != credentialed:
                    continue
            elif credentialed and not entry.credentials:
                # An uncredentialed result never vouches for a credentialed request.
                continue
            out.append(entry)
        return out

    @functools.cached_property
    def _summaries(self) -> dict[tuple[str, str, bool, int], _Summary]:
        # Per (key, profile): when each method/header stops being vouched for. The cache
        # is immutable, so this is computed once per key and then only read. Keyed by
        # plain values and the profile's identity (hashing a profile hashes ~40 fields);
        # the summary holds its profile, so that id is not reused while it is stored.
        return {}

    def _summary(self, key: CacheKey, profile: BrowserProfile) -> _Summary:
        memo_key = (key.origin, key.url, key.credentialed, id(profile))
        memo = self._summaries
        summary = memo.get(memo_key)
        if summary is None:
            matching = self._matching(key, float("-inf"), profile)
            summary = remember(memo, memo_key, _Summary(matching, key, profile))
        return summary

    def has_entry(self, key: CacheKey, *, now: float, profile: BrowserProfile) -> bool:
        """Whether any unexpired result is cached for this key (engines that keep one
        result per resource look it up first, then check the method and headers)."""
        return self._summary(key, profile).exists_until > now

    def method_match(
        self, method: str, key: CacheKey, *, now: float, profile: BrowserProfile
    ) -> bool:
        """Fetch: method cache entry match (the method itself, or a usable ``*``)."""
        return self._summary(key, profile).method_until(method) > now

    def header_match(
        self, name: str, key: CacheKey, *, now: float, profile: BrowserProfile
    ) -> bool:
        """Fetch: header-name cache entry match (case-insensitive, or a usable ``*``).

        Precondition: ``name`` is byte-lowercase.
        """
        return self._summary(key, profile).header_until(name) > now

    def vouches_for(
        self,
        key: CacheKey,
        *,
        method: str,
        method_exempt: bool,
        header_names: Iterable[str],
        now: float,
        profile: BrowserProfile,
    ) -> bool:
        """Fetch: HTTP fetch step 2.1 — whether the cache makes a preflight unnecessary.

        True when the method is exempt (``method_exempt``) or has a method cache entry
        match, and every name in ``header_names`` has a header-name cache entry match;
        engines that keep one result per resource first need that result to exist.
        """
        names = tuple(header_names)
        return self._vouches(key, method, method_exempt, names, now, profile)

    def _vouches(
        self,
        key: CacheKey,
        method: str,
        method_exempt: bool,
        header_names: tuple[str, ...],
        now: float,
        profile: BrowserProfile,
    ) -> bool:
        """:meth:`vouches_for` with positional arguments, for evaluate's hot path.

        Precondition: ``header_names`` are byte-lowercase.
        """
        return self._summary(key, profile).vouched_until(method, method_exempt, header_names) > now

    def clear(self, key: CacheKey) -> PreflightCache:
        """Fetch: clear cache entries (every entry for this origin and URL)."""
        resource = (key.origin, key.url)
        h = hash(resource)
        group = _map_get(self._root, h, resource)
        if group is None:
            return self
        return PreflightCache._of(_map_delete(self._root, h, resource), self._size - len(group))

    def expire(self, now: float) -> PreflightCache:
        """Drop entries whose max-age has elapsed at ``now`` (O(n): it looks at all)."""
        root = self._root
        size = self._size
        for h, key, group in list(_map_items(root)):
            kept = tuple(e for e in group if e.expires > now)
            if len(kept) == len(group):
                continue
            size -= len(group) - len(kept)
            root = _map_set(root, h, key, kept) if kept else _map_delete(root, h, key)
        return self if size == self._size else PreflightCache._of(root, size)

    def store(
        self,
        key: CacheKey,
        *,
        methods: Iterable[str],
        header_names: Iterable[str],
        max_age: float,
        now: float,
        profile: BrowserProfile,
    ) -> PreflightCache:
        """Fetch: CORS-preflight fetch steps 9-10 (create or update cache entries).

        With ``profile.cache_replaces_entry`` the new result replaces everything cached
        for (origin, URL), as Chromium and WebKit keep one result per resource. The
        resource's expired entries are dropped; other resources' stay until
        :meth:`expire` (they never match a lookup: lookups compare expiry with ``now``).
        Costs O(log n) in the number of cached resources.
        """
        origin, url, credentialed = key.origin, key.url, key.credentialed
        limit = profile.max_cacheable_url_length
        if limit is not None and len(url) >= limit:
            return self
        try:
            expires = now + max_age
        except OverflowError:
            # An int too large for a float (a caller's 10**400): it never expires.
            expires = _ALWAYS
        resource = (origin, url)
        h = hash(resource)
        old = _map_get(self._root, h, resource) or ()
        new: dict[tuple[str | None, str | None], CacheEntry] = {
            # A marker that a result exists for the resource, even with empty lists.
            (None, None): CacheEntry(
                origin=origin, url=url, credentials=credentialed, expires=expires
            )
        }
        for method in methods:
            new[(method, None)] = CacheEntry(
                origin=origin,
                url=url,
                credentials=credentialed,
                expires=expires,
                method=method,
            )
        for name in header_names:
            lowered = byte_lowercase(name)
            new[(None, lowered)] = CacheEntry(
                origin=origin,
                url=url,
                credentials=credentialed,
                expires=expires,
                header=lowered,
            )
        kept: list[CacheEntry] = []
        if not profile.cache_replaces_entry:
            # Fetch: "update" an entry that matches (same key and item) instead of
            # adding one; expired entries of the resource go.
            kept = [
                e
                for e in old
                if e.expires > now
                and not (e.credentials == credentialed and (e.method, e.header) in new)
            ]
        group = (*kept, *new.values())
        root = _map_set(self._root, h, resource, group)
        return PreflightCache._of(root, self._size - len(old) + len(group))


def _cache_from_entries(entries: tuple[CacheEntry, ...]) -> PreflightCache:
    """Unpickle a :class:`PreflightCache` from its entries."""
    return PreflightCache(entries=entries)

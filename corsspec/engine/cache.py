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
from collections.abc import Iterable

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


def _to_entries(value: tuple[CacheEntry, ...]) -> tuple[CacheEntry, ...]:
    """Converter for ``PreflightCache.entries``: a tuple (or iterable) of CacheEntry.

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


@attrs.frozen(kw_only=True)
class PreflightCache:
    """An immutable CORS-preflight cache shared by the evaluations of one browser session."""

    entries: tuple[CacheEntry, ...] = attrs.field(default=(), converter=_to_entries)

    def __len__(self) -> int:
        return len(self.entries)

    @functools.cached_property
    def _by_resource(self) -> dict[tuple[str, str], tuple[CacheEntry, ...]]:
        # Entries grouped by (origin, URL): a lookup only looks at its own resource.
        groups: dict[tuple[str, str], list[CacheEntry]] = {}
        for entry in self.entries:
            groups.setdefault((entry.origin, entry.url), []).append(entry)
        return {key: tuple(group) for key, group in groups.items()}

    def _matching(self, key: CacheKey, now: float, profile: BrowserProfile) -> list[CacheEntry]:
        """Fetch: cache entry match (key, origin, URL, credentials), unexpired only."""
        candidates = self._by_resource.get((key.origin, key.url), ())
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
        origin, url = key.origin, key.url
        kept = tuple(e for e in self.entries if e.origin != origin or e.url != url)
        if len(kept) == len(self.entries):
            return self
        return PreflightCache(entries=kept)

    def expire(self, now: float) -> PreflightCache:
        """Drop entries whose max-age has elapsed at ``now``."""
        kept = tuple(e for e in self.entries if e.expires > now)
        return self if len(kept) == len(self.entries) else PreflightCache(entries=kept)

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
        for (origin, URL), as Chromium and WebKit keep one result per resource.
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
        replaces = profile.cache_replaces_entry
        base = [
            e
            for e in self.entries
            if e.expires > now and not (replaces and e.origin == origin and e.url == url)
        ]
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
        # Fetch: "update" an entry that matches (same key and item) instead of adding one.
        kept = [
            e
            for e in base
            if not (
                e.origin == origin
                and e.url == url
                and e.credentials == credentialed
                and (e.method, e.header) in new
            )
        ]
        return PreflightCache(entries=(*kept, *new.values()))

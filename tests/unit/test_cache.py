"""corsspec.engine.cache: the CORS-preflight cache per profile (Fetch #cors-preflight-cache)."""

from __future__ import annotations

import pickle

import attrs
import pytest

import corsspec as cs
from tests.unit._support import ORIGIN, by_profile, params

URL = "https://api.example/data"
KEY = cs.CacheKey(origin=ORIGIN, url=URL, credentialed=False)
CRED_KEY = cs.CacheKey(origin=ORIGIN, url=URL, credentialed=True)


def _store(
    cache: cs.PreflightCache,
    browser: cs.BrowserProfile,
    *,
    key: cs.CacheKey = KEY,
    methods: tuple[str, ...] = (),
    headers: tuple[str, ...] = (),
    max_age: float = 10,
    now: float = 0,
) -> cs.PreflightCache:
    return cache.store(
        key, methods=methods, header_names=headers, max_age=max_age, now=now, profile=browser
    )


# --- reuse and expiry ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(0, True, id="at-store"),
        pytest.param(9.999, True, id="just-before-expiry"),
        pytest.param(10, False, id="at-expiry"),
        pytest.param(11, False, id="after-expiry"),
    ],
)
def test_method_entry_reused_within_max_age(
    browser: cs.BrowserProfile, now: float, expected: bool
) -> None:
    # Fetch #cors-preflight-cache: entries are removed once max-age has elapsed.
    cache = _store(cs.PreflightCache(), browser, methods=("PUT",))
    assert cache.method_match("PUT", KEY, now=now, profile=browser) is expected


def test_header_entry_reused_within_max_age(browser: cs.BrowserProfile) -> None:
    cache = _store(cs.PreflightCache(), browser, headers=("X-Custom",), max_age=5, now=100)
    # Fetch #concept-cache-match-header: names compare case-insensitively.
    assert cache.header_match("x-custom", KEY, now=104, profile=browser)
    assert not cache.header_match("x-custom", KEY, now=105, profile=browser)
    assert not cache.header_match("x-other", KEY, now=100, profile=browser)


def test_method_compared_byte_exact(browser: cs.BrowserProfile) -> None:
    cache = _store(cs.PreflightCache(), browser, methods=("PUT",))
    assert not cache.method_match("put", KEY, now=0, profile=browser)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(
            cs.CacheKey(origin="https://other.example", url=URL, credentialed=False),
            id="other-origin",
        ),
        pytest.param(cs.CacheKey(origin="null", url=URL, credentialed=False), id="null-origin"),
        pytest.param(
            cs.CacheKey(origin=ORIGIN, url=URL + "?x=1", credentialed=False), id="other-url-query"
        ),
        pytest.param(
            cs.CacheKey(origin=ORIGIN, url="https://api.example/other", credentialed=False),
            id="other-path",
        ),
    ],
)
def test_cache_keyed_by_origin_and_url(browser: cs.BrowserProfile, key: cs.CacheKey) -> None:
    # Fetch #concept-cache-match: byte-serialized origin and URL must be equal.
    cache = _store(cs.PreflightCache(), browser, methods=("PUT",), headers=("x-a",))
    assert not cache.method_match("PUT", key, now=0, profile=browser)
    assert not cache.header_match("x-a", key, now=0, profile=browser)


# --- credentials ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CredCase:
    id: str
    spec: str
    stored: bool
    lookup: bool
    expected: bool
    by_browser: tuple[tuple[str, bool], ...] = ()
    bug: str | None = None


_CM = "Fetch #concept-cache-match; digest 4.7"

CREDENTIALS_CASES: tuple[CredCase, ...] = (
    CredCase(id="uncred-uncred", spec=_CM, stored=False, lookup=False, expected=True),
    CredCase(id="cred-cred", spec=_CM, stored=True, lookup=True, expected=True),
    CredCase(
        id="uncred-entry-cred-request",
        spec=f"{_CM}: an uncredentialed entry never serves a credentialed request",
        stored=False,
        lookup=True,
        expected=False,
    ),
    CredCase(
        id="cred-entry-uncred-request",
        spec=f"{_CM}: credentialed entries serve everyone; Firefox keys by withCredentials",
        stored=True,
        lookup=False,
        expected=True,
        by_browser=(("firefox", False),),
    ),
)


@pytest.mark.parametrize("case", params(CREDENTIALS_CASES))
def test_cache_credentials_rules(case: CredCase, browser: cs.BrowserProfile) -> None:
    stored = CRED_KEY if case.stored else KEY
    lookup = CRED_KEY if case.lookup else KEY
    cache = _store(cs.PreflightCache(), browser, key=stored, methods=("PUT",), headers=("x-a",))
    expected = by_profile(case.expected, case.by_browser, browser)
    assert cache.method_match("PUT", lookup, now=0, profile=browser) is expected
    assert cache.header_match("x-a", lookup, now=0, profile=browser) is expected


# --- `*` entries (CacheWildcard) ----------------------------------------------------------------

_WC = "Fetch #concept-cache-match-method/-header; digest 2.6 observation and 4.7"

WILDCARD_CASES: tuple[CredCase, ...] = (
    CredCase(
        id="uncred-entry-uncred-request",
        spec=f"{_WC}: Firefox never matches a cached `*`",
        stored=False,
        lookup=False,
        expected=True,
        by_browser=(("firefox", False),),
    ),
    CredCase(
        id="cred-entry-cred-request",
        spec=f"{_WC}: with credentials a cached `*` is literal",
        stored=True,
        lookup=True,
        expected=False,
    ),
    CredCase(
        id="cred-entry-uncred-request",
        spec=f"{_WC}: Chromium honours `*` only from uncredentialed results; WebKit and the spec "
        "reading look at the request",
        stored=True,
        lookup=False,
        expected=True,
        by_browser=(("chromium", False), ("firefox", False)),
    ),
    CredCase(
        id="uncred-entry-cred-request",
        spec=f"{_CM}: no match at all",
        stored=False,
        lookup=True,
        expected=False,
    ),
)


@pytest.mark.parametrize("case", params(WILDCARD_CASES))
def test_cached_wildcard_method(case: CredCase, browser: cs.BrowserProfile) -> None:
    stored = CRED_KEY if case.stored else KEY
    lookup = CRED_KEY if case.lookup else KEY
    cache = _store(cs.PreflightCache(), browser, key=stored, methods=("*",))
    expected = by_profile(case.expected, case.by_browser, browser)
    assert cache.method_match("DELETE", lookup, now=0, profile=browser) is expected


@pytest.mark.parametrize("case", params(WILDCARD_CASES))
def test_cached_wildcard_header(case: CredCase, browser: cs.BrowserProfile) -> None:
    stored = CRED_KEY if case.stored else KEY
    lookup = CRED_KEY if case.lookup else KEY
    cache = _store(cs.PreflightCache(), browser, key=stored, headers=("*",))
    expected = by_profile(case.expected, case.by_browser, browser)
    assert cache.header_match("x-custom", lookup, now=0, profile=browser) is expected


def test_cached_wildcard_literal_matches_star(browser: cs.BrowserProfile) -> None:
    # A literal `*` entry still matches a method or header named `*`.
    cache = _store(cs.PreflightCache(), browser, key=CRED_KEY, methods=("*",), headers=("*",))
    assert cache.method_match("*", CRED_KEY, now=0, profile=browser)
    assert cache.header_match("*", CRED_KEY, now=0, profile=browser)


def test_cached_wildcard_and_authorization(browser: cs.BrowserProfile) -> None:
    # Fetch #concept-cache-match-header: `*` never matches Authorization. Digest 4.2/4.7:
    # Chromium's cache lookup is strict too, Firefox never matches `*`, WebKit lets a
    # valid wildcard cover every header.
    cache = _store(cs.PreflightCache(), browser, headers=("*",))
    expected = by_profile(False, (("webkit", True),), browser)
    assert cache.header_match("authorization", KEY, now=0, profile=browser) is expected
    listed = _store(cs.PreflightCache(), browser, headers=("Authorization",))
    assert listed.header_match("authorization", KEY, now=0, profile=browser)


# --- replace vs merge -----------------------------------------------------------------------------


def test_second_preflight_replaces_or_merges(browser: cs.BrowserProfile) -> None:
    # Fetch #cors-preflight-fetch step 9 creates/updates entries per item (merge).
    # Digest 4.7: Chromium and WebKit keep one result per (origin, URL), replaced whole.
    cache = _store(cs.PreflightCache(), browser, methods=("PUT",), headers=("x-a",), now=0)
    cache = _store(cache, browser, methods=("DELETE",), headers=("x-b",), now=1)
    merged = by_profile(True, (("chromium", False), ("webkit", False)), browser)
    assert cache.method_match("PUT", KEY, now=2, profile=browser) is merged
    assert cache.header_match("x-a", KEY, now=2, profile=browser) is merged
    assert cache.method_match("DELETE", KEY, now=2, profile=browser)
    assert cache.header_match("x-b", KEY, now=2, profile=browser)


def test_update_refreshes_max_age(browser: cs.BrowserProfile) -> None:
    # Fetch #cors-preflight-fetch step 9: a matching entry has its max-age updated.
    cache = _store(cs.PreflightCache(), browser, methods=("PUT",), max_age=10, now=0)
    cache = _store(cache, browser, methods=("PUT",), max_age=10, now=8)
    assert cache.method_match("PUT", KEY, now=15, profile=browser)
    assert not cache.method_match("PUT", KEY, now=18, profile=browser)
    assert len([e for e in cache.entries if e.method == "PUT"]) == 1


def test_other_urls_survive_a_replacing_store(browser: cs.BrowserProfile) -> None:
    other = cs.CacheKey(origin=ORIGIN, url="https://api.example/other", credentialed=False)
    cache = _store(cs.PreflightCache(), browser, key=other, methods=("PUT",))
    cache = _store(cache, browser, methods=("DELETE",))
    assert cache.method_match("PUT", other, now=1, profile=browser)


# --- clear, expire, immutability ------------------------------------------------------------


def test_clear_removes_every_entry_for_origin_and_url(browser: cs.BrowserProfile) -> None:
    # Fetch #concept-cache-clear: both credential flavours, every method and header.
    other = cs.CacheKey(origin=ORIGIN, url="https://api.example/other", credentialed=False)
    cache = _store(cs.PreflightCache(), browser, key=KEY, methods=("PUT",), headers=("x-a",))
    cache = _store(cache, browser, key=other, methods=("PUT",))
    if not browser.cache_replaces_entry:
        cache = _store(cache, browser, key=CRED_KEY, methods=("PATCH",))
    cleared = cache.clear(KEY)
    assert not cleared.method_match("PUT", KEY, now=0, profile=browser)
    assert not cleared.method_match("PATCH", CRED_KEY, now=0, profile=browser)
    assert not cleared.header_match("x-a", KEY, now=0, profile=browser)
    assert cleared.method_match("PUT", other, now=0, profile=browser)
    assert cleared.clear(CRED_KEY) == cleared.clear(KEY)


def test_clear_of_unknown_key_changes_nothing(browser: cs.BrowserProfile) -> None:
    cache = _store(cs.PreflightCache(), browser, methods=("PUT",))
    unknown = cs.CacheKey(origin="https://x.example", url=URL, credentialed=False)
    assert cache.clear(unknown) == cache


def test_expire_drops_elapsed_entries(browser: cs.BrowserProfile) -> None:
    cache = _store(cs.PreflightCache(), browser, methods=("PUT",), max_age=5, now=0)
    other = cs.CacheKey(origin=ORIGIN, url="https://api.example/other", credentialed=False)
    cache = _store(cache, browser, key=other, methods=("PUT",), max_age=50, now=0)
    assert not cache.expire(5).method_match("PUT", KEY, now=5, profile=browser)
    assert cache.expire(5).method_match("PUT", other, now=5, profile=browser)
    assert all(e.url == other.url for e in cache.expire(5).entries)
    assert len(cache.expire(50)) == 0
    assert cache.expire(1) == cache


def test_store_is_immutable(browser: cs.BrowserProfile) -> None:
    empty = cs.PreflightCache()
    stored = _store(empty, browser, methods=("PUT",))
    assert len(empty) == 0
    assert len(stored) >= 1
    assert not empty.method_match("PUT", KEY, now=0, profile=browser)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        stored.entries = ()  # type: ignore[misc]


def test_cache_is_a_value(browser: cs.BrowserProfile) -> None:
    a = _store(cs.PreflightCache(), browser, methods=("PUT",), headers=("x-a",))
    b = _store(cs.PreflightCache(), browser, methods=("PUT",), headers=("x-a",))
    assert a == b
    assert hash(a) == hash(b)
    assert pickle.loads(pickle.dumps(a)) == a


def test_entries_hold_one_item_each(browser: cs.BrowserProfile) -> None:
    # Fetch #concept-cache: an entry has a method or a header name, not both; plus one
    # marker (neither) recording that a result exists for the resource.
    cache = _store(cs.PreflightCache(), browser, methods=("PUT", "DELETE"), headers=("X-A",))
    for entry in cache.entries:
        assert entry.method is None or entry.header is None
        assert entry.header is None or entry.header == entry.header.lower()
        assert entry.expires == 10
        assert entry.origin == ORIGIN
        assert entry.url == URL
    assert sorted((e.method or "", e.header or "") for e in cache.entries) == [
        ("", ""),
        ("", "x-a"),
        ("DELETE", ""),
        ("PUT", ""),
    ]


@pytest.mark.parametrize(
    ("length", "stored_in_chromium"),
    [pytest.param(1023, True, id="1023"), pytest.param(1024, False, id="1024")],
)
def test_long_urls_not_cached_in_chromium(
    browser: cs.BrowserProfile, length: int, stored_in_chromium: bool
) -> None:
    # Digest 4.7: Chromium does not cache URLs of 1024 or more characters.
    url = "https://api.example/" + "x" * (length - len("https://api.example/"))
    assert len(url) == length
    key = cs.CacheKey(origin=ORIGIN, url=url, credentialed=False)
    cache = _store(cs.PreflightCache(), browser, key=key, methods=("PUT",))
    expected = by_profile(True, (("chromium", stored_in_chromium),), browser)
    assert cache.method_match("PUT", key, now=0, profile=browser) is expected

"""The preflight cache's persistent map, against a plain dict (collisions forced).

``_map_set``/``_map_get``/``_map_delete`` take the hash as an argument, so tiny and
equal hashes (every key in one collision node, keys diverging deep in the trie, negative
hashes) are exercised directly; then whole caches built by stores and clears are
compared with a reference model of the cache's content.
"""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

import corsspec as cs
from corsspec.engine.cache import (
    _EMPTY,
    _Collision,
    _map_delete,
    _map_get,
    _map_items,
    _map_set,
    _Node,
)

_HASHES = st.one_of(
    st.integers(0, 3),
    st.sampled_from([-1, -(2**63), 2**63 - 1, 2**60, 2**60 + 1, 31, 32, 1 << 35]),
    st.integers(-(2**63), 2**63 - 1),
)
_OPS = st.lists(
    st.tuples(st.booleans(), st.integers(0, 30), _HASHES, st.integers(0, 5)), max_size=80
)


@given(_OPS)
def test_map_agrees_with_a_dict(ops: list[tuple[bool, int, int, int]]) -> None:
    root: _Node | _Collision = _EMPTY
    hashes: dict[int, int] = {}
    model: dict[tuple[str, str], tuple[cs.CacheEntry, ...]] = {}
    history = [(root, dict(model))]
    for is_set, k, h, n in ops:
        key = ("o", str(k))
        h = hashes.setdefault(k, h)  # a key keeps its hash
        if is_set:
            value = tuple(
                cs.CacheEntry(origin="o", url=str(k), credentials=False, expires=float(i))
                for i in range(n)
            )
            root = _map_set(root, h, key, value)
            model[key] = value
        elif key in model:
            root = _map_delete(root, h, key)
            del model[key]
        history.append((root, dict(model)))
    # Every version still holds exactly its own content (persistence).
    for version, content in history:
        assert sorted(leaf[1] for leaf in _map_items(version)) == sorted(content)
        for k in range(31):
            key = ("o", str(k))
            found = _map_get(version, hashes.get(k, 0), key) if k in hashes else None
            assert found == content.get(key)


_RESOURCES = [f"https://api.example/r{i}" for i in range(6)]
_KEYS = [
    cs.CacheKey(origin="https://app.example", url=url, credentialed=cred)
    for url in _RESOURCES
    for cred in (False, True)
]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["store", "clear", "expire"]),
            st.sampled_from(_KEYS),
            st.lists(st.sampled_from(["PUT", "DELETE", "*"]), max_size=2),
            st.integers(0, 20),
        ),
        max_size=30,
    ),
    st.sampled_from([cs.CHROMIUM, cs.FIREFOX, cs.WEBKIT, cs.SPEC]),
)
def test_cache_is_equal_to_one_rebuilt_from_its_entries(
    ops: list[tuple[str, cs.CacheKey, list[str], int]], browser: cs.BrowserProfile
) -> None:
    cache = cs.PreflightCache()
    for now, (op, key, methods, age) in enumerate(ops):
        if op == "store":
            cache = cache.store(
                key, methods=methods, header_names=(), max_age=age, now=now, profile=browser
            )
        elif op == "clear":
            cache = cache.clear(key)
        else:
            cache = cache.expire(now)
        rebuilt = cs.PreflightCache(entries=cache.entries)
        assert rebuilt == cache
        assert hash(rebuilt) == hash(cache)
        assert len(cache) == len(cache.entries)
        assert pickle.loads(pickle.dumps(cache)) == cache
        # Lookups agree with a scan of the entries.
        for k in _KEYS:
            for m in ("PUT", "DELETE"):
                expected = any(
                    e.origin == k.origin
                    and e.url == k.url
                    and e.expires > now
                    and e.method == m
                    and (
                        e.credentials == k.credentialed
                        if browser.cache_key_includes_credentials
                        else (e.credentials or not k.credentialed)
                    )
                    for e in cache.entries
                )
                if browser.cache_wildcard is cs.CacheWildcard.NEVER:
                    assert cache.method_match(m, k, now=now, profile=browser) == expected
                elif expected:
                    assert cache.method_match(m, k, now=now, profile=browser)


def test_entries_are_sorted_by_resource() -> None:
    cache = cs.PreflightCache()
    for url in reversed(_RESOURCES):
        key = cs.CacheKey(origin="https://app.example", url=url, credentialed=False)
        cache = cache.store(
            key, methods=("PUT",), header_names=(), max_age=5, now=0, profile=cs.SPEC
        )
    urls = [e.url for e in cache.entries]
    assert urls == sorted(urls)
    assert repr(cache).startswith("PreflightCache(entries=(CacheEntry(")

"""Determinism (STYLE rule 10): same input, same Evaluation, across calls, pickles, hash seeds."""

from __future__ import annotations

import hashlib
import pickle
import random
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given

import corsspec as cs
from tests.property._common import ALL_PROFILES, profiles, scaled, verdict
from tests.strategies import URL_POOL, Route, RouteServer, scenarios

pytestmark = pytest.mark.property

ROOT = Path(__file__).resolve().parents[2]


@scaled(0.5)
@given(scenarios(), profiles())
def test_same_input_same_evaluation(
    scenario: tuple[cs.Request, RouteServer], browser: cs.BrowserProfile
) -> None:
    request, server = scenario
    first = cs.evaluate(request, server, browser=browser, cache=cs.PreflightCache())
    second = cs.evaluate(request, server, browser=browser, cache=cs.PreflightCache())
    assert first == second
    assert hash(first) == hash(second)
    # An equal request built afresh (no shared memo) gives an equal evaluation.
    rebuilt = attrs.evolve(request)
    assert rebuilt is not request
    assert cs.evaluate(rebuilt, server, browser=browser, cache=cs.PreflightCache()) == first


@scaled(0.5)
@given(scenarios(), profiles())
def test_equal_after_pickle(
    scenario: tuple[cs.Request, RouteServer], browser: cs.BrowserProfile
) -> None:
    request, server = scenario
    ev = cs.evaluate(request, server, browser=browser, cache=cs.PreflightCache())
    restored = pickle.loads(pickle.dumps(ev))
    assert restored == ev
    assert verdict(restored) == verdict(ev)
    # Evaluating pickled inputs gives the same result as the originals.
    again = cs.evaluate(
        pickle.loads(pickle.dumps(request)),
        pickle.loads(pickle.dumps(server)),
        browser=pickle.loads(pickle.dumps(browser)),
        cache=cs.PreflightCache(),
    )
    assert again == ev


# --- PYTHONHASHSEED independence ----------------------------------------------------------------

_ORIGINS = ["https://app.example", "null", "https://api.example"]
_METHODS = ["GET", "POST", "PUT", "patch", "DELETE"]
_HEADER_NAMES = ["X-B", "x-a", "Content-Type", "Accept", "Authorization", "Range", "X-C"]
_HEADER_VALUES = ["1", "application/json", "text/plain", "bytes=0-", "*/*", 'a"b']
_RESPONSE_HEADERS = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Origin", "https://app.example"),
    ("Access-Control-Allow-Origin", "null"),
    ("Access-Control-Allow-Credentials", "true"),
    ("Access-Control-Allow-Methods", "PUT, patch, DELETE"),
    ("Access-Control-Allow-Methods", "*"),
    ("Access-Control-Allow-Headers", "x-b, X-A, content-type"),
    ("Access-Control-Allow-Headers", "*"),
    ("Access-Control-Expose-Headers", "X-Z, X-Y, *"),
    ("Access-Control-Max-Age", "60"),
    ("X-Z", "z"),
    ("X-Y", "y"),
    ("Set-Cookie", "s=1"),
]


def build_corpus(seed: int = 20261125, size: int = 60) -> list[tuple[cs.Request, RouteServer]]:
    """A fixed corpus of scenarios, built from lists (never sets) with a seeded RNG."""
    rng = random.Random(seed)
    corpus = []
    for _ in range(size):
        headers = [
            (rng.choice(_HEADER_NAMES), rng.choice(_HEADER_VALUES))
            for _ in range(rng.randint(0, 4))
        ]
        request = cs.Request(
            method=rng.choice(_METHODS),
            url=rng.choice(URL_POOL),
            origin=rng.choice(_ORIGINS),
            headers=headers,
            credentials=rng.choice(["omit", "same-origin", "include"]),
        )
        routes = []
        for url in URL_POOL:
            pf = cs.Response(
                status=rng.choice([200, 204, 403]), headers=rng.sample(_RESPONSE_HEADERS, 5)
            )
            actual_headers = rng.sample(_RESPONSE_HEADERS, 4)
            if rng.random() < 0.3:
                actual = cs.Response(
                    status=rng.choice([301, 302, 307]),
                    headers=[("Location", rng.choice(URL_POOL)), *actual_headers],
                )
            else:
                actual = cs.Response(status=200, headers=actual_headers)
            routes.append(Route(url=url, actual=actual, preflight=pf))
        corpus.append((request, RouteServer(routes=tuple(routes))))
    return corpus


def _stable_repr(ev: cs.Evaluation) -> str:
    # Everything but the profile (whose frozenset field has a seed-dependent repr; see
    # test_evaluation_holds_no_sets).
    fields = attrs.asdict(ev, recurse=False)
    del fields["browser"]
    return repr(sorted(fields.items()))


def digest() -> str:
    """A digest of every Evaluation of the corpus under every profile (with a cache)."""
    out = hashlib.sha256()
    for browser in ALL_PROFILES:
        cache = cs.PreflightCache()
        for now, (request, server) in enumerate(build_corpus()):
            ev = cs.evaluate(request, server, browser=browser, cache=cache, now=float(now))
            if ev.cache is not None:
                cache = ev.cache
            out.update(_stable_repr(ev).encode("utf-8", "surrogatepass"))
            out.update(repr(verdict(ev)).encode("utf-8", "surrogatepass"))
    return out.hexdigest()


def _digest_with_seed(seed: str) -> str:
    env = {"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from tests.property.test_determinism import digest; print(digest())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_independent_of_pythonhashseed() -> None:
    first = _digest_with_seed("0")
    second = _digest_with_seed("4242")
    assert len(first) == 64
    assert first == second
    # And the in-process run (whatever its seed) agrees with both.
    assert digest() == first


def test_corpus_is_varied() -> None:
    verdicts = set()
    for browser in ALL_PROFILES:
        for request, server in build_corpus():
            ev = cs.evaluate(request, server, browser=browser)
            verdicts.add(None if ev.reason is None else ev.reason.code)
    # Allowed plus several distinct ways of being blocked.
    assert None in verdicts
    assert len(verdicts) >= 5


def _sets_inside(value: object, path: str, seen: set[int]) -> list[str]:
    """Paths of set-valued data reachable from ``value`` through attrs fields and tuples."""
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, (set, frozenset)):
        return [path]
    found: list[str] = []
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):  # type: ignore[arg-type]
            found += _sets_inside(getattr(value, field.name), f"{path}.{field.name}", seen)
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            found += _sets_inside(item, f"{path}[{i}]", seen)
    return found


def test_evaluation_holds_no_sets() -> None:
    # A set's iteration order (and so its repr) depends on the hash seed; an Evaluation
    # is output, so nothing in it may be a set.
    found: list[str] = []
    for browser in ALL_PROFILES:
        for request, server in build_corpus(size=5):
            ev = cs.evaluate(request, server, browser=browser, cache=cs.PreflightCache())
            found += _sets_inside(ev, "ev", set())
    assert not sorted(set(found))

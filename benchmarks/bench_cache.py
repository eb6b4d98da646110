"""What a PreflightCache store costs as the cache grows, in one process.

Run: ``PYTHONHASHSEED=0 python benchmarks/bench_cache.py``. Prints:

* one store into a cache of 10 entries next to one store into a cache of 100,000
  entries (the budget: within 2x of each other; a store used to copy the whole cache);
* filling an empty cache with 1,000 ... 10,000 distinct resources, one store each
  (the budget: 10,000 in under 1 s; per-store time should stay flat);
* a lookup (``vouches_for``) in the 100,000-entry cache, for scale.

Each figure is the best of several rounds of CPU time (process_time, so that other
processes on a shared machine weigh less). Timings are indicative.
"""

from __future__ import annotations

import sys
import time

import corsspec as cs

ORIGIN = "https://app.example.com"
PROFILE = cs.CHROMIUM


def _key(i: int) -> cs.CacheKey:
    return cs.CacheKey(origin=ORIGIN, url=f"https://api.example.com/items/{i}", credentialed=True)


def _fill(n: int) -> cs.PreflightCache:
    """A cache of ``n`` resources (each: a marker entry and one method entry)."""
    cache = cs.PreflightCache()
    for i in range(n):
        cache = cache.store(
            _key(i), methods=("PUT",), header_names=(), max_age=600, now=0.0, profile=PROFILE
        )
    return cache


def _best_store(cache: cs.PreflightCache, rounds: int = 7, calls: int = 2_000) -> float:
    """Seconds per store of a new resource into ``cache`` (best of ``rounds``)."""
    keys = [_key(10_000_000 + i) for i in range(calls)]
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for key in keys:
            cache.store(
                key, methods=("PUT",), header_names=("x-a",), max_age=600, now=1.0, profile=PROFILE
            )
        best = min(best, (time.process_time() - start) / calls)
    return best


def _best_fill(n: int, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        _fill(n)
        best = min(best, time.process_time() - start)
    return best


def main(argv: list[str]) -> int:
    small = _fill(5)
    large = _fill(50_000)
    print(f"cache sizes: {len(small)} and {len(large)} entries")
    t_small = _best_store(small)
    t_large = _best_store(large)
    print(f"{'store into a cache of':<34}{'us/store':>10}")
    print(f"{f'  {len(small):,} entries':<34}{t_small * 1e6:>10.2f}")
    print(f"{f'  {len(large):,} entries':<34}{t_large * 1e6:>10.2f}")
    ratio = t_large / t_small
    print(f"{'  ratio (budget <= 2.0)':<34}{ratio:>10.2f}")

    print(f"\n{'fill an empty cache with':<34}{'total s':>10}{'us/store':>10}")
    fill_10k = 0.0
    for n in (1_000, 2_000, 5_000, 10_000):
        total = _best_fill(n)
        fill_10k = total
        print(f"{f'  {n:,} resources':<34}{total:>10.3f}{total / n * 1e6:>10.2f}")
    print(f"{'  10,000 (budget < 1 s)':<34}{fill_10k:>10.3f}")

    key = _key(123)
    start = time.process_time()
    for i in range(10_000):
        large.vouches_for(
            key, method="PUT", method_exempt=False, header_names=(), now=float(i), profile=PROFILE
        )
    lookup = (time.process_time() - start) / 10_000
    print(f"\n{'lookup in the large cache':<34}{lookup * 1e6:>10.2f} us")
    ok = ratio <= 2.0 and fill_10k < 1.0
    print("\nbudgets:", "met" if ok else "NOT met")
    return 0 if ok or "--no-fail" in argv else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Bounded memo tables for data derived from immutable values.

Requests, responses, preflight caches and compiled policies never change, so what the
engine derives from them (a plan, a CORS check, a preflight verdict) can be kept with
them and read back. A fuzzer that asks one such value about millions of different
requests must not make it grow without end: each table holds at most
:data:`MEMO_LIMIT` entries and starts over when full (cheap, and the working set of a
real workload is far smaller).
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["MEMO_LIMIT", "remember"]

K = TypeVar("K")
V = TypeVar("V")

#: Most entries one memo table keeps before it starts over.
MEMO_LIMIT = 1024


def remember(memo: dict[K, V], key: K, value: V, limit: int = MEMO_LIMIT) -> V:
    """Store ``value`` under ``key`` (emptying a full table first) and return it."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value
    return value

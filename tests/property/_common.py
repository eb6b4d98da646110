"""Helpers shared by the property tests: profiles, verdict projection, invariants."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import settings
from hypothesis import strategies as st

import corsspec as cs
from tests.strategies import Route, RouteServer, is_preflight_request

__all__ = [
    "ALL_PROFILES",
    "check_invariants",
    "map_responses",
    "profiles",
    "scaled",
    "verdict",
]

ALL_PROFILES: tuple[cs.BrowserProfile, ...] = (cs.CHROMIUM, cs.FIREFOX, cs.WEBKIT, cs.SPEC)


def scaled(fraction: float, minimum: int = 20) -> settings:
    """Settings with a fraction of the loaded profile's ``max_examples``.

    For laws over whole evaluations (each example generates a request and a server): the
    default profile stays fast, and ``--hypothesis-profile=deep`` still scales them up.
    """
    current = settings.default
    base = 100 if current is None else current.max_examples
    return settings(max_examples=max(minimum, int(base * fraction)))


def profiles() -> st.SearchStrategy[cs.BrowserProfile]:
    """Every browser profile, SPEC included."""
    return st.sampled_from(ALL_PROFILES)


Verdict = tuple[object, ...]


def verdict(ev: cs.Evaluation) -> Verdict:
    """What an evaluation decided, without raw server text (which legitimately varies).

    Compares the outcome (code, stage, header concerned), what script sees, and every
    request that went on the wire (names lowercased).
    """
    reason = ev.reason
    return (
        ev.allowed,
        None if reason is None else (reason.code, reason.stage, reason.header, reason.status),
        ev.response_type,
        ev.status,
        ev.visible_headers,
        tuple(
            (
                r.method,
                r.url.serialize(),
                tuple((n.lower(), v) for n, v in r.headers),
                r.body,
            )
            for r in ev.sent
        ),
        tuple(sorted({n.code.value for n in ev.notes})),
    )


def check_invariants(ev: cs.Evaluation) -> None:
    """What every Evaluation promises (STYLE "Verdicts and reasons")."""
    assert isinstance(ev, cs.Evaluation)
    assert ev.allowed == (ev.reason is None)
    assert len(ev.sent) == len(ev.responses)
    assert list(ev.visible_headers) == sorted(set(ev.visible_headers))
    assert not any("A" <= c <= "Z" for n in ev.visible_headers for c in n)  # byte-lowercase
    if ev.allowed:
        assert ev.response_type is not None
        assert ev.status is not None
        if ev.request.url.is_http:
            assert ev.actual_sent
        if ev.response_type in (cs.ResponseType.OPAQUE, cs.ResponseType.OPAQUE_REDIRECT):
            assert ev.status == 0
            assert ev.visible_headers == ()
    else:
        assert ev.response_type is None
        assert ev.status is None
        assert ev.visible_headers == ()
    for request in ev.sent:
        if is_preflight_request(request):
            assert not request.credentialed
            assert request.body is None
    # Bounded: diagnostics never carry huge server values.
    if ev.reason is not None and ev.reason.value is not None:
        assert len(ev.reason.value) <= 1024
    for note in ev.notes:
        assert note.detail is None or len(note.detail) <= 20_000


def map_responses(server: RouteServer, change: Callable[[cs.Response], cs.Response]) -> RouteServer:
    """The same server with every answer (preflight and actual) passed through ``change``."""
    return RouteServer(
        routes=tuple(
            Route(
                url=route.url,
                actual=change(route.actual),
                preflight=None if route.preflight is None else change(route.preflight),
            )
            for route in server.routes
        )
    )

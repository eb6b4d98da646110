"""The corpus cases replayed through real ASGI and WSGI apps give the same observations.

The browser suite's servers answer each case's routes byte for byte; here the same routes
are played by an ASGI app and a WSGI app, reached through AsgiServer/WsgiServer, so the
adapters sit between the engine and the server. The observations must not change, and
where a recorded browser run exists and the engine matches it, the adapters must match
it too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

import corsspec as cs
from corsspec.adapters.asgi import AsgiServer
from corsspec.adapters.wsgi import WsgiServer
from tests import casekit

pytestmark = pytest.mark.adapters

# Every 8th case by default (the engine replays every case elsewhere; this checks the
# adapters in between); CORSSPEC_REPLAY_ALL=1 replays all of them.
_STRIDE = 1 if os.environ.get("CORSSPEC_REPLAY_ALL") == "1" else 8
CASES = casekit.load_cases()[::_STRIDE]
RECORDINGS = casekit.load_recordings()[::_STRIDE]
PROFILES = ["chromium", "firefox", "webkit"]
_ROUTE_SERVER = casekit.RouteServer  # the original, before any test swaps it


def _request_from_wire(method: str, url: str, headers: Iterable[tuple[str, str]]) -> cs.Request:
    return cs.Request(method=method, url=url, origin="null", headers=tuple(headers))


def asgi_routes(routes: Mapping[str, Any]) -> Any:
    """An ASGI app that answers a case's routes as tests.casekit.RouteServer does."""
    player = _ROUTE_SERVER(routes)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in scope["headers"]]
        host = dict(headers)["host"]
        query = scope["query_string"].decode("latin-1")
        url = f"{scope['scheme']}://{host}{scope['raw_path'].decode('latin-1')}"
        url += f"?{query}" if query else ""
        answer = player.respond(_request_from_wire(scope["method"], url, headers))
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [(n.encode("latin-1"), v.encode("latin-1")) for n, v in answer.headers],
            }
        )
        await send({"type": "http.response.body", "body": answer.body.encode("latin-1")})

    return app


def wsgi_routes(routes: Mapping[str, Any]) -> Any:
    """A WSGI app that answers a case's routes as tests.casekit.RouteServer does."""
    player = _ROUTE_SERVER(routes)

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        headers = [
            (k[5:].replace("_", "-").lower(), v)
            for k, v in environ.items()
            if k.startswith("HTTP_")
        ]
        url = f"{environ['wsgi.url_scheme']}://{environ['HTTP_HOST']}{environ['RAW_URI']}"
        answer = player.respond(_request_from_wire(environ["REQUEST_METHOD"], url, headers))
        start_response(f"{answer.status} X", list(answer.headers))
        return [answer.body.encode("latin-1")]

    return app


@pytest.fixture(params=["asgi", "wsgi"])
def through_adapter(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Make casekit's replay server an app behind AsgiServer or WsgiServer."""
    kind = str(request.param)

    def factory(
        routes: Mapping[str, Any], origins: Mapping[str, str] = casekit.ENGINE_ORIGINS
    ) -> Any:
        if kind == "asgi":
            return AsgiServer(asgi_routes(routes))
        return WsgiServer(wsgi_routes(routes))

    monkeypatch.setattr(casekit, "RouteServer", _Switch(factory))
    return kind


class _Switch:
    """Stands in for the RouteServer class inside engine_observations only."""

    def __init__(self, factory: Any) -> None:
        self.factory = factory
        self.original = _ROUTE_SERVER

    def __call__(self, routes: Mapping[str, Any], *args: Any) -> Any:
        return self.factory(routes)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_adapters_are_transparent(case: dict[str, Any], through_adapter: str) -> None:
    switch = casekit.RouteServer
    assert isinstance(switch, _Switch)
    for profile in PROFILES:
        via_adapter = casekit.engine_observations(case, profile)
        casekit.RouteServer = switch.original  # type: ignore[misc]
        try:
            direct = casekit.engine_observations(case, profile)
        finally:
            casekit.RouteServer = switch  # type: ignore[misc,assignment]
        assert via_adapter == direct, (profile, through_adapter)


@pytest.mark.skipif(not RECORDINGS, reason="no recorded browser runs in tests/conformance/recorded")
@pytest.mark.parametrize(
    "record", RECORDINGS, ids=[f"{r['browser']}:{r['case']['id']}" for r in RECORDINGS]
)
def test_adapters_agree_with_recorded_browsers(
    record: dict[str, Any], through_adapter: str
) -> None:
    observed = record["observed"]
    switch = casekit.RouteServer
    assert isinstance(switch, _Switch)
    casekit.RouteServer = switch.original  # type: ignore[misc]
    try:
        engine = casekit.engine_observations(record["case"], record["browser"])
    finally:
        casekit.RouteServer = switch  # type: ignore[misc,assignment]
    strip = [{k: v for k, v in obs.items() if k != "reason"} for obs in engine]
    via_adapter = casekit.engine_observations(record["case"], record["browser"])
    if strip != observed:
        # A recording test_recorded tolerates (Firefox's nondeterministic preflight-cache
        # reuse): the engine's prediction is the reference, and the adapter must give it.
        problems, tolerated = casekit.compare_steps(observed, engine, record["browser"])
        assert not problems
        assert tolerated
        assert via_adapter == engine
        return
    assert [{k: v for k, v in obs.items() if k != "reason"} for obs in via_adapter] == observed

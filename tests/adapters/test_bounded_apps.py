"""ASGI and WSGI adapters are bounded by construction: memory, time, and what apps hand back.

Each hostile app runs in process; the deadlines here are short (a fraction of a second)
so the whole file stays fast, and memory is measured with ``tracemalloc``.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import corsspec as cs
from corsspec.adapters._common import MAX_BODY_BYTES
from corsspec.adapters.asgi import AsgiServer
from corsspec.adapters.wsgi import WsgiServer
from tests.adapters._requests import get_items

pytestmark = pytest.mark.adapters

_CHUNK = b"x" * 65536


def _peak_mib(call: Callable[[], object]) -> tuple[object, float]:
    tracemalloc.start()
    try:
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / (1 << 20)


# -- ASGI ---------------------------------------------------------------------------------


async def _endless_asgi(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    while True:
        await send({"type": "http.response.body", "body": _CHUNK, "more_body": True})


def test_asgi_endless_body_is_capped_while_streaming() -> None:
    server = AsgiServer(_endless_asgi, timeout=20)
    started = time.monotonic()
    response, peak = _peak_mib(lambda: server.respond(get_items()))
    assert isinstance(response, cs.Response)
    assert response.status == 200
    assert len(response.body) == MAX_BODY_BYTES
    assert peak < 16, f"peak {peak:.1f} MiB"
    # Stopped at the cap, not at the deadline.
    assert time.monotonic() - started < 10


async def _blocking_asgi(scope: Any, receive: Any, send: Any) -> None:
    time.sleep(3)  # synchronous code that blocks the event loop


@pytest.mark.parametrize("managed", [False, True], ids=["fresh-loop", "context-manager"])
def test_asgi_app_blocking_its_loop_cannot_hold_the_caller(managed: bool) -> None:
    server = AsgiServer(_blocking_asgi, timeout=0.3)
    started = time.monotonic()

    def call() -> None:
        if managed:
            with server:
                server.respond(get_items())
        else:
            server.respond(get_items())

    with pytest.raises(cs.AdapterError, match=r"blocked its event loop|did not answer"):
        call()
    assert time.monotonic() - started < 2.5


async def _slow_lifespan(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await receive()
        await asyncio.sleep(60)


def test_asgi_lifespan_startup_has_a_timeout() -> None:
    started = time.monotonic()
    with (
        pytest.raises(cs.AdapterError, match="lifespan startup"),
        AsgiServer(_slow_lifespan, timeout=0.3),
    ):
        pass
    assert time.monotonic() - started < 3


def _asgi_sending(start: dict[str, Any]) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", **start})
        await send({"type": "http.response.body", "body": b""})

    return app


@pytest.mark.parametrize(
    ("start", "needle"),
    [
        pytest.param({"status": 200.9, "headers": []}, "200.9", id="float-status"),
        pytest.param({"status": "200", "headers": []}, "'200'", id="str-status"),
        pytest.param({"status": True, "headers": []}, "True", id="bool-status"),
        pytest.param({"status": 200, "headers": [(b"x", 5)]}, "5", id="int-header-value"),
        pytest.param({"status": 200, "headers": [("x", "y")]}, "'x'", id="str-header"),
        pytest.param({"status": 200, "headers": [(b"x",)]}, "(b'x',)", id="one-item-header"),
        pytest.param({"status": 200, "headers": 5}, "5", id="headers-not-iterable"),
    ],
)
def test_asgi_strict_types_for_what_apps_send(start: dict[str, Any], needle: str) -> None:
    with pytest.raises(cs.AdapterError) as info:
        AsgiServer(_asgi_sending(start)).respond(get_items())
    assert needle in str(info.value)


# -- WSGI ---------------------------------------------------------------------------------


def _endless_wsgi(environ: Any, start_response: Any) -> Iterator[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    while True:
        yield _CHUNK


def test_wsgi_endless_iterable_is_capped() -> None:
    started = time.monotonic()
    response, peak = _peak_mib(lambda: WsgiServer(_endless_wsgi).respond(get_items()))
    assert isinstance(response, cs.Response)
    assert len(response.body) == MAX_BODY_BYTES
    assert peak < 16, f"peak {peak:.1f} MiB"
    assert time.monotonic() - started < 10


def _blocking_wsgi(environ: Any, start_response: Any) -> list[bytes]:
    time.sleep(3)
    start_response("200 OK", [])
    return [b""]


def test_wsgi_app_runs_under_a_deadline_it_cannot_block_past() -> None:
    started = time.monotonic()
    with pytest.raises(cs.AdapterError, match=r"within 0\.3 s"):
        WsgiServer(_blocking_wsgi, timeout=0.3).respond(get_items())
    assert time.monotonic() - started < 2


def test_wsgi_slow_trickle_stops_at_the_deadline() -> None:
    produced: list[int] = []

    def trickle(environ: Any, start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [])
        while True:
            produced.append(1)
            time.sleep(0.05)
            yield b"x"

    with pytest.raises(cs.AdapterError, match="did not answer"):
        WsgiServer(trickle, timeout=0.3).respond(get_items())
    time.sleep(0.3)
    count = len(produced)
    time.sleep(0.3)
    assert len(produced) == count, "the abandoned app kept being iterated"


@pytest.mark.parametrize(
    ("status", "headers", "body"),
    [
        pytest.param("\u0662\u0660\u0660 OK", [], [b""], id="arabic-indic-digits"),
        pytest.param("200 OK", [("X", 5)], [b""], id="int-header-value"),
        pytest.param("200 OK", [], ["text"], id="str-body-chunk"),
    ],
)
def test_wsgi_strict_types_for_what_apps_hand_back(
    status: str, headers: list[Any], body: list[Any]
) -> None:
    def app(environ: Any, start_response: Any) -> list[Any]:
        start_response(status, headers)
        return body

    with pytest.raises(cs.AdapterError):
        WsgiServer(app).respond(get_items())


# -- arguments ------------------------------------------------------------------------------


def _app(environ: Any, start_response: Any) -> list[bytes]:
    start_response("200 OK", [])
    return [b""]


async def _asgi_app(scope: Any, receive: Any, send: Any) -> None:
    await _asgi_sending({"status": 200, "headers": []})(scope, receive, send)


BAD_TIMEOUTS = [None, "5", float("nan"), float("inf"), 0, -1, True]
BAD_HEADERS = [
    [("X-A", "a\r\nInjected: 1")],
    [("X-A", "a\nb")],
    [("X:A", "a")],
    [("X A", "a")],
    [("X-A", "\u0100")],
    [("X-A", 5)],
    "X-A: a",
]


@pytest.mark.parametrize("timeout", BAD_TIMEOUTS, ids=repr)
def test_bad_timeout_is_a_typed_error_naming_it(timeout: Any) -> None:
    for make in (
        lambda: WsgiServer(_app, timeout=timeout),
        lambda: AsgiServer(_asgi_app, timeout=timeout),
    ):
        with pytest.raises(cs.AdapterError, match="timeout") as info:
            make()
        assert repr(timeout) in str(info.value)


@pytest.mark.parametrize("headers", BAD_HEADERS, ids=repr)
def test_bad_extra_headers_are_typed_errors(headers: Any) -> None:
    for make in (
        lambda: WsgiServer(_app, extra_headers=headers),
        lambda: AsgiServer(_asgi_app, extra_headers=headers),
    ):
        with pytest.raises(cs.AdapterError, match="extra_headers"):
            make()


def test_bad_mount_points_are_typed_errors() -> None:
    with pytest.raises(cs.AdapterError, match="script_name"):
        WsgiServer(_app, script_name=None)  # type: ignore[arg-type]
    with pytest.raises(cs.AdapterError, match="root_path"):
        AsgiServer(_asgi_app, root_path=None)  # type: ignore[arg-type]
    with pytest.raises(cs.AdapterError, match="client"):
        AsgiServer(_asgi_app, client="127.0.0.1")  # type: ignore[arg-type]

"""HttpServer against faulty loopback servers: one overall deadline, bounded reads, typed
errors. Every server binds 127.0.0.1, accepts one connection and stops within seconds."""

from __future__ import annotations

import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import corsspec as cs
from corsspec.adapters._common import MAX_BODY_BYTES
from corsspec.adapters.http import MAX_HEADER_BYTES, HttpServer
from tests.adapters._requests import APP, get_items

pytestmark = pytest.mark.adapters

Script = Callable[[socket.socket, threading.Event], None]


@contextmanager
def faulty(script: Script) -> Iterator[str]:
    """A one-connection server on 127.0.0.1 running ``script``; stopped on exit."""
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(10)

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            try:
                conn.recv(65536)
                script(conn, stop)
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


def _send(data: bytes) -> Script:
    def script(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(data)

    return script


def _drip(conn: socket.socket, stop: threading.Event) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n\r\n":
        if stop.wait(0.2):
            return
        conn.sendall(bytes([byte]))


def _continue_flood(conn: socket.socket, stop: threading.Event) -> None:
    while not stop.is_set():
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n" * 50)
        time.sleep(0.01)


def _endless_body(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\n\r\n")
    chunk = b"x" * 65536
    while not stop.is_set():
        conn.sendall(chunk)


def _respond(base: str, timeout: float = 1.0) -> cs.Response:
    return HttpServer(base, timeout=timeout).respond(get_items())


@pytest.mark.parametrize("script", [_drip, _continue_flood], ids=["drip", "100-continue-flood"])
def test_one_deadline_for_the_whole_exchange(script: Script) -> None:
    with faulty(script) as base:
        started = time.monotonic()
        with pytest.raises(cs.AdapterError, match=r"within 0\.5 s"):
            _respond(base, timeout=0.5)
        assert time.monotonic() - started < 2


def test_endless_body_is_capped_in_memory_and_time() -> None:
    with faulty(_endless_body) as base:
        tracemalloc.start()
        try:
            response = _respond(base, timeout=5)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert response.status == 200
    assert len(response.body) == MAX_BODY_BYTES
    assert peak < 16 * (1 << 20)


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        pytest.param(b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Or", "truncated", id="mid-header"),
        pytest.param(b"", "no answer", id="closed-at-once"),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", "truncated body", id="body"
        ),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
            "truncated",
            id="chunked",
        ),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n",
            "invalid Content-Length",
            id="huge-content-length",
        ),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nX: " + b"a" * (MAX_HEADER_BYTES + 10) + b"\r\n\r\n",
            "larger than",
            id="header-section-too-big",
        ),
    ],
)
def test_broken_answers_are_adapter_errors(data: bytes, needle: str) -> None:
    with faulty(_send(data)) as base, pytest.raises(cs.AdapterError, match=needle):
        _respond(base)


def test_many_header_lines_are_read_like_a_browser() -> None:
    lines = b"".join(b"X-H-%d: v\r\n" % i for i in range(500))
    data = (
        b"HTTP/1.1 200 OK\r\n"
        + lines
        + b"Access-Control-Allow-Origin: *\r\nContent-Length: 0\r\n\r\n"
    )
    with faulty(_send(data)) as base:
        response = _respond(base)
    assert len(response.headers) == 502
    ev = cs.evaluate(get_items(), lambda _: response)
    assert ev.allowed


def test_obs_fold_is_unfolded_to_one_space() -> None:
    data = (
        b"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: " + APP.encode() + b"\r\n"
        b"Access-Control-Expose-Headers: X-A,\r\n\tX-B\r\nContent-Length: 0\r\n\r\n"
    )
    with faulty(_send(data)) as base:
        response = _respond(base)
    assert ("Access-Control-Expose-Headers", "X-A, X-B") in response.headers


def test_interim_answers_are_skipped_and_chunked_bodies_decoded() -> None:
    data = (
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"
    )
    with faulty(_send(data)) as base:
        response = _respond(base)
    assert response.status == 200
    assert response.body == "abcde"


BAD_ARGUMENTS: list[tuple[dict[str, Any], str, object]] = [
    ({"timeout": None}, "timeout", None),
    ({"timeout": "5"}, "timeout", "5"),
    ({"timeout": float("nan")}, "timeout", float("nan")),
    ({"timeout": float("inf")}, "timeout", float("inf")),
    ({"extra_headers": [("X-A", "a\r\nInjected: 1")]}, "extra_headers", "a\r\nInjected: 1"),
    ({"extra_headers": [("X:A", "a")]}, "extra_headers", "X:A"),
    ({"extra_headers": [("X-A", "\u20ac")]}, "extra_headers", "\u20ac"),
    ({"user_agent": "ua\r\nInjected: 1"}, "user_agent", "ua\r\nInjected: 1"),
    ({"user_agent": "\u20ac"}, "user_agent", "\u20ac"),
    ({"user_agent": 5}, "user_agent", 5),
    ({"verify": "no"}, "verify", "no"),
    ({"ssl_context": "ctx"}, "ssl_context", "ctx"),
]


@pytest.mark.parametrize(("kwargs", "name", "value"), BAD_ARGUMENTS, ids=repr)
def test_bad_arguments_are_typed_errors_naming_the_value(
    kwargs: dict[str, Any], name: str, value: object
) -> None:
    with pytest.raises(cs.AdapterError, match=name) as info:
        HttpServer(**kwargs)
    assert repr(value) in str(info.value)

"""Cookies through the in-process adapters: the jar flows like a browser's.

``evaluate(..., cookies=jar)`` adds the jar's ``Cookie`` header only to credentialed,
non-preflight requests, and the app's ``Set-Cookie`` answers update the jar; an ASGI or
WSGI app sees exactly that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

import corsspec as cs
from corsspec.adapters.asgi import AsgiServer
from corsspec.adapters.wsgi import WsgiServer

pytestmark = pytest.mark.adapters

APP = "http://127.0.0.1:8000"
API = "http://127.0.0.1:9000"

#: What the app saw: (method, path, Cookie header or None).
Seen = list[tuple[str, str, str | None]]


def _cors(origin: str) -> list[tuple[str, str]]:
    return [
        ("access-control-allow-origin", origin),
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", "PUT"),
    ]


def _asgi_app(seen: Seen) -> Callable[..., Any]:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        seen.append((scope["method"], scope["path"], headers.get("cookie")))
        out = [(k.encode(), v.encode()) for k, v in _cors(headers.get("origin", "*"))]
        if scope["path"] == "/login":
            out.append((b"set-cookie", b"sid=abc; Path=/; HttpOnly; SameSite=Lax"))
        await send({"type": "http.response.start", "status": 200, "headers": out})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def _wsgi_app(seen: Seen) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], environ.get("HTTP_COOKIE")))
        out = _cors(environ.get("HTTP_ORIGIN", "*"))
        if environ["PATH_INFO"] == "/login":
            out.append(("Set-Cookie", "sid=abc; Path=/; HttpOnly; SameSite=Lax"))
        start_response("200 OK", out)
        return [b"ok"]

    return app


@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
def test_set_in_one_step_sent_in_the_next_never_on_a_preflight(kind: str) -> None:
    seen: Seen = []
    server: Any = AsgiServer(_asgi_app(seen)) if kind == "asgi" else WsgiServer(_wsgi_app(seen))
    login = cs.Request(method="POST", url=API + "/login", origin=APP, credentials="include")
    first = cs.evaluate(login, server, cookies=cs.CookieJar())
    assert first.allowed
    assert first.cookies is not None
    jar = first.cookies.jar
    assert jar.names() == ("sid",)
    put = cs.Request(method="PUT", url=API + "/items/1", origin=APP, credentials="include")
    second = cs.evaluate(put, server, cookies=jar, needs_cookies=["sid"])
    assert second.allowed
    assert second.cookies is not None
    assert second.cookies.needs_met is True
    # Without credentials the jar stays home.
    plain = cs.Request(url=API + "/items/1", origin=APP)
    third = cs.evaluate(plain, server, cookies=jar)
    assert third.cookies is not None
    assert third.cookies.hops[0].header is None
    assert seen == [
        ("POST", "/login", None),
        ("OPTIONS", "/items/1", None),  # the preflight: never a cookie
        ("PUT", "/items/1", "sid=abc"),
        ("GET", "/items/1", None),
    ]

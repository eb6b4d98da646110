"""AsgiServer against real Starlette/FastAPI apps with CORSMiddleware, and raw ASGI apps."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

import corsspec as cs
from corsspec.adapters.asgi import AsgiServer
from corsspec.testing import assert_cors_allowed, assert_cors_blocked, assert_no_preflight
from tests.adapters._requests import API, APP, EVIL, get_items, put_item

pytestmark = pytest.mark.adapters

starlette = pytest.importorskip("starlette")

from starlette.applications import Starlette  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402
from starlette.middleware.cors import CORSMiddleware  # noqa: E402
from starlette.requests import Request as StarletteRequest  # noqa: E402
from starlette.responses import JSONResponse, PlainTextResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402
from starlette.types import ASGIApp, Receive, Scope, Send  # noqa: E402


async def _item(request: StarletteRequest) -> Response:
    return JSONResponse({"id": request.path_params["id"]}, headers={"X-Request-Id": "r-1"})


async def _items(request: StarletteRequest) -> Response:
    return JSONResponse([1, 2])


def starlette_app(**cors: Any) -> Starlette:
    routes = [Route("/items/{id}", _item, methods=["GET", "PUT"]), Route("/items", _items)]
    return Starlette(routes=routes, middleware=[Middleware(CORSMiddleware, **cors)])


GOOD: dict[str, Any] = {
    "allow_origins": [APP],
    "allow_methods": ["GET", "PUT", "DELETE"],
    "allow_headers": ["Authorization", "Content-Type"],
    "allow_credentials": True,
    "expose_headers": ["X-Request-Id"],
}


# ------------------------------------------------------------------- Starlette
def test_starlette_good_config_allows_the_spa_everywhere() -> None:
    server = AsgiServer(starlette_app(**GOOD))
    evs = assert_cors_allowed(server, put_item(), exposes=["X-Request-Id"])
    for ev in evs:
        assert ev.preflight is not None
        assert [r.method for r in ev.sent] == ["OPTIONS", "PUT"]
        # The real preflight answer, exactly as Starlette produced it (lowercase names).
        preflight_answer = ev.responses[0]
        assert ("access-control-allow-origin", APP) in preflight_answer.headers
        assert preflight_answer.headers_view["access-control-allow-credentials"] == "true"


def test_starlette_simple_get_has_no_preflight() -> None:
    server = AsgiServer(starlette_app(**GOOD))
    assert_no_preflight(get_items())
    assert_no_preflight(get_items(), server=server)
    evs = assert_cors_allowed(server, get_items())
    assert all(ev.status == 200 for ev in evs)


def test_starlette_origin_not_listed_is_blocked_at_the_preflight() -> None:
    server = AsgiServer(starlette_app(**GOOD))
    # Starlette answers 400 without ACAO: Chromium reports the CORS check first, Firefox
    # and WebKit the status (BrowserProfile.preflight_check_order).
    evs = assert_cors_blocked(server, put_item(EVIL), [cs.CHROMIUM], reason="acao-missing")
    evs += assert_cors_blocked(
        server, put_item(EVIL), [cs.FIREFOX, cs.WEBKIT], reason="preflight-status-not-ok"
    )
    for ev in evs:
        assert ev.reason is not None
        assert ev.reason.stage is cs.Stage.PREFLIGHT
        assert not ev.actual_sent
        assert ev.responses[0].status == 400  # Starlette's "Disallowed CORS origin"


def test_starlette_header_not_allowed() -> None:
    config = {**GOOD, "allow_headers": ["Content-Type"]}
    # Starlette answers 400 with the ACAO header: every engine reports the status.
    assert_cors_blocked(
        AsgiServer(starlette_app(**config)),
        put_item(),
        reason=cs.ReasonCode.PREFLIGHT_STATUS_NOT_OK,
    )


def test_starlette_wildcard_without_credentials_blocks_credentialed_reads() -> None:
    app = starlette_app(allow_origins=["*"], allow_methods=["*"], allow_headers=["*"])
    server = AsgiServer(app)
    assert_cors_allowed(server, get_items())
    assert_cors_blocked(
        server, get_items(credentials="include"), reason="acao-wildcard-with-credentials"
    )


def test_starlette_expose_headers_missing_fails_with_fix() -> None:
    config = {k: v for k, v in GOOD.items() if k != "expose_headers"}
    with pytest.raises(AssertionError, match="Access-Control-Expose-Headers") as info:
        assert_cors_allowed(
            AsgiServer(starlette_app(**config)), put_item(), exposes=["x-request-id"]
        )
    assert "hidden: x-request-id" in str(info.value)


# --------------------------------------------------------------------- FastAPI
def fastapi_app(*, auth_before_cors: bool = False, **cors: Any) -> Any:
    fastapi = pytest.importorskip("fastapi")
    app = fastapi.FastAPI()

    async def update(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    app.put("/items/{item_id}")(update)

    app.add_middleware(CORSMiddleware, **cors)
    if auth_before_cors:
        # Added last = outermost: rejects every request without a token, preflights
        # included, before CORSMiddleware can answer them (a classic ordering bug).
        app.add_middleware(_RequireToken)
    return app


class _RequireToken:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and b"authorization" not in dict(scope["headers"]):
            await PlainTextResponse("unauthorized", status_code=401)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def test_fastapi_good_config() -> None:
    with AsgiServer(fastapi_app(**GOOD)) as server:
        evs = assert_cors_allowed(server, put_item())
    assert all(ev.responses[-1].body == '{"id":1}' for ev in evs)


def test_fastapi_auth_middleware_in_front_of_cors_breaks_preflights() -> None:
    server = AsgiServer(fastapi_app(auth_before_cors=True, **GOOD))
    evs = assert_cors_blocked(server, put_item())
    for ev in evs:
        assert ev.responses[0].status == 401
        assert ev.reason is not None
        assert ev.reason.stage is cs.Stage.PREFLIGHT
        assert ev.reason.code in (cs.ReasonCode.ACAO_MISSING, cs.ReasonCode.PREFLIGHT_STATUS_NOT_OK)
    with pytest.raises(AssertionError) as info:
        assert_cors_allowed(server, put_item())
    message = str(info.value)
    for name in ("chromium", "firefox", "webkit"):
        assert f"--- {name} ---" in message


# ---------------------------------------------------------------- raw ASGI apps
def raw_app(status: int, headers: list[tuple[bytes, bytes]], body: bytes = b"") -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def test_header_lines_come_back_exactly_as_sent() -> None:
    lines = [
        (b"Access-Control-Allow-Origin", APP.encode()),
        (b"VARY", b"Origin"),
        (b"vary", b"Accept-Encoding"),
        (b"X-Odd", b"  spaced \xe9"),
    ]
    response = AsgiServer(raw_app(200, lines, b"hi")).respond(get_items())
    assert response.headers == (
        ("Access-Control-Allow-Origin", APP),
        ("VARY", "Origin"),
        ("vary", "Accept-Encoding"),
        ("X-Odd", "  spaced \xe9"),
    )
    assert [n for n, _ in response.headers] == [
        "Access-Control-Allow-Origin",
        "VARY",
        "vary",
        "X-Odd",
    ]
    assert response.body == "hi"


def test_duplicate_acao_lines_are_judged_as_duplicates() -> None:
    app = raw_app(200, [(b"access-control-allow-origin", APP.encode())] * 2)
    assert_cors_blocked(AsgiServer(app), get_items(), reason="acao-multiple")


def test_scope_is_what_an_asgi_server_builds() -> None:
    seen: dict[str, Any] = {}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.update(scope)
        message = await receive()
        seen["body"] = message["body"]
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    request = cs.Request(
        method="POST",
        url=f"{API}/a%20b/c?x=1&y=2",
        origin=APP,
        headers=[("X-Trace", "t")],
        body=cs.Body.text("payload"),
    )
    AsgiServer(app, root_path="/api").respond(request)
    assert seen["method"] == "POST"
    assert seen["scheme"] == "https"
    assert seen["path"] == "/a b/c"
    assert seen["raw_path"] == b"/a%20b/c"
    assert seen["query_string"] == b"x=1&y=2"
    assert seen["root_path"] == "/api"
    assert seen["server"] == ("api.example.com", 443)
    assert seen["body"] == b"payload"
    headers = seen["headers"]
    assert headers[0] == (b"host", b"api.example.com")
    assert (b"x-trace", b"t") in headers
    assert (b"content-length", b"7") in headers
    assert all(name == name.lower() for name, _ in headers)


def test_app_exception_is_chained() -> None:
    class BoomError(RuntimeError):
        pass

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise BoomError("database down")

    with pytest.raises(cs.AdapterError, match=r"BoomError.*database down") as info:
        cs.evaluate(get_items(), AsgiServer(app))
    assert isinstance(info.value.__cause__, BoomError)
    assert "GET https://api.example.com/items?page=2" in str(info.value)


def test_app_exception_as_500_when_asked() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("nope")

    ev = cs.evaluate(get_items(), AsgiServer(app, raise_app_exceptions=False))
    assert ev.responses[0].status == 500
    assert ev.reason is not None
    assert ev.reason.code is cs.ReasonCode.ACAO_MISSING


def test_starlette_server_error_then_reraise_is_an_adapter_error() -> None:
    async def boom(request: StarletteRequest) -> Response:
        raise ValueError("bad")

    app = Starlette(routes=[Route("/items", boom)])
    with pytest.raises(cs.AdapterError) as info:
        AsgiServer(app).respond(get_items())
    assert isinstance(info.value.__cause__, ValueError)


def test_protocol_violations() -> None:
    async def silent(scope: Scope, receive: Receive, send: Send) -> None:
        return None

    with pytest.raises(cs.AdapterError, match="without starting a response"):
        AsgiServer(silent).respond(get_items())

    async def body_first(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.body", "body": b"x"})

    with pytest.raises(cs.AdapterError, match=r"before http\.response\.start"):
        AsgiServer(body_first).respond(get_items())
    with pytest.raises(cs.AdapterError, match="expected an ASGI app"):
        AsgiServer("not an app")  # type: ignore[arg-type]


def test_timeout() -> None:
    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(5)

    with pytest.raises(cs.AdapterError, match=r"within 0\.05 s"):
        AsgiServer(slow, timeout=0.05).respond(get_items())


def test_lifespan_runs_in_the_context_manager() -> None:
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, str]]:
        events.append("startup")
        yield {"greeting": "hello"}
        events.append("shutdown")

    async def hello(request: StarletteRequest) -> Response:
        return PlainTextResponse(
            request.state.greeting, headers={"Access-Control-Allow-Origin": "*"}
        )

    app = Starlette(routes=[Route("/items", hello)], lifespan=lifespan)
    with AsgiServer(app) as server:
        assert events == ["startup"]
        ev = cs.evaluate(get_items(), server)
        assert ev.allowed
        assert ev.responses[0].body == "hello"
    assert events == ["startup", "shutdown"]


def test_works_when_called_from_a_running_event_loop() -> None:
    server = AsgiServer(starlette_app(**GOOD))

    async def inside() -> cs.Evaluation:
        return cs.evaluate(put_item(), server)

    assert asyncio.run(inside()).allowed


def test_cookie_via_extra_headers() -> None:
    seen: list[Any] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(dict(scope["headers"]))
        await raw_app(
            200,
            [
                (b"access-control-allow-origin", APP.encode()),
                (b"access-control-allow-credentials", b"true"),
            ],
        )(scope, receive, send)

    server = AsgiServer(app, extra_headers=[("Cookie", "session=1")])
    assert_cors_allowed(server, get_items(credentials="include"), [cs.CHROMIUM])
    assert seen[0][b"cookie"] == b"session=1"
    assert API.endswith("example.com")

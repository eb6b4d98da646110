"""Drive an ASGI 3 application in process: the real app answers the real preflight.

    from corsspec.adapters.asgi import AsgiServer
    ev = cs.evaluate(request, AsgiServer(app), browser=cs.FIREFOX)

No network, no extra dependency: the adapter builds the ASGI ``http`` scope and
``receive``/``send`` callables itself and runs the app's coroutine with :mod:`asyncio`.
Any ASGI 3 callable works (Starlette, FastAPI, Quart, Django's ASGI handler, ...).

Response header lines come back exactly as the app sent them: order, duplicates and
name casing untouched. Request header names are lowercased in the scope, as ASGI servers
(uvicorn, hypercorn) do; values are sent as the browser would send them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import urllib.parse
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from types import TracebackType
from typing import Any, TypeAlias

import corsspec as cs
from corsspec.adapters._common import (
    body_bytes,
    connect_port,
    describe,
    isomorphic_encode,
    request_target,
    to_response,
    wire_headers,
)

__all__ = ["AsgiApp", "AsgiServer"]


def __dir__() -> list[str]:
    return __all__


Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
#: An ASGI 3 application: ``await app(scope, receive, send)``.
AsgiApp: TypeAlias = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

_INTERNAL_ERROR = (
    500,
    [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"21")],
    b"Internal Server Error",
)


class _Exchange:
    """The state of one request/response cycle (private to :meth:`AsgiServer.respond`)."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.body_sent = False
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.complete = asyncio.Event()

    async def receive(self) -> Message:
        if not self.body_sent:
            self.body_sent = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        # The client stays connected until the response is complete, then goes away.
        await self.complete.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        kind = message.get("type")
        if kind == "http.response.start":
            if self.status is not None:
                raise cs.AdapterError("the ASGI app sent http.response.start twice")
            self.status = int(message["status"])
            self.headers = [(bytes(n), bytes(v)) for n, v in message.get("headers", ())]
        elif kind == "http.response.body":
            if self.status is None:
                raise cs.AdapterError("the ASGI app sent a body before http.response.start")
            if self.complete.is_set():
                return  # a body after the end: servers drop it
            self.chunks.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                self.complete.set()
        elif kind in ("http.response.trailers", "http.response.debug"):
            return
        else:
            raise cs.AdapterError(f"the ASGI app sent an unexpected message type {kind!r}")


class AsgiServer:
    """A corsspec server backed by an ASGI 3 app, called in process.

    :param app: the ASGI 3 callable (``async def app(scope, receive, send)``).
    :param root_path: the ASGI ``root_path`` (mount point), default ``""``.
    :param client: the ``(host, port)`` the app sees as the peer.
    :param extra_headers: header lines added to every request after the browser's
        (what a real browser adds that corsspec does not model: ``Cookie``, ...).
    :param timeout: seconds the app may take for one request.
    :param raise_app_exceptions: when the app raises, raise :class:`~corsspec.AdapterError`
        chained to the app's exception (default). When False, answer as an ASGI server
        does: the response the app already started, or a bare ``500``.

    Used as a context manager, the server also runs the app's lifespan protocol
    (startup on enter, shutdown on exit) and keeps one event loop for every request,
    as Starlette's ``TestClient`` does; otherwise each request runs on a fresh loop and
    lifespan is not run.
    """

    def __init__(
        self,
        app: AsgiApp,
        *,
        root_path: str = "",
        client: tuple[str, int] = ("127.0.0.1", 50000),
        extra_headers: Iterable[tuple[str, str]] = (),
        timeout: float = 30.0,
        raise_app_exceptions: bool = True,
    ) -> None:
        if not callable(app):
            raise cs.AdapterError(f"expected an ASGI app (a callable), got {app!r}")
        self.app = app
        self.root_path = root_path
        self.client = client
        self.extra_headers = tuple(extra_headers)
        self.timeout = timeout
        self.raise_app_exceptions = raise_app_exceptions
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._state: dict[str, Any] = {}
        self._lifespan_task: asyncio.Future[None] | None = None
        self._lifespan_queue: asyncio.Queue[Message] | None = None
        self._lifespan_events: asyncio.Queue[Message] | None = None

    def __repr__(self) -> str:
        return f"AsgiServer({self.app!r})"

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> AsgiServer:
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="corsspec-asgi", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread
        try:
            self._run(self._startup())
        except BaseException:
            self._stop_loop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._lifespan_task is not None:
                self._run(self._shutdown())
        finally:
            self._stop_loop()

    def _stop_loop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        self._lifespan_task = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()

    async def _startup(self) -> None:
        queue: asyncio.Queue[Message] = asyncio.Queue()
        events: asyncio.Queue[Message] = asyncio.Queue()
        self._lifespan_queue, self._lifespan_events = queue, events
        scope: dict[str, Any] = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self._state,
        }

        async def send(message: Message) -> None:
            await events.put(message)

        async def run() -> None:
            try:
                await self.app(scope, queue.get, send)
            except BaseException as exc:  # the app does not support lifespan
                await events.put({"type": "corsspec.lifespan.error", "error": exc})
            else:
                await events.put({"type": "corsspec.lifespan.returned"})

        task = asyncio.ensure_future(run())
        await queue.put({"type": "lifespan.startup"})
        reply = await events.get()
        kind = reply["type"]
        if kind == "lifespan.startup.complete":
            self._lifespan_task = task
            return
        if kind == "lifespan.startup.failed":
            await asyncio.gather(task, return_exceptions=True)
            raise cs.AdapterError(
                f"the ASGI app's lifespan startup failed: {reply.get('message', '')}"
            )
        # The app raised or returned at once: it does not speak lifespan (allowed by the spec).
        await asyncio.gather(task, return_exceptions=True)

    async def _shutdown(self) -> None:
        queue, events = self._lifespan_queue, self._lifespan_events
        if queue is None or events is None:
            return
        await queue.put({"type": "lifespan.shutdown"})
        reply = await events.get()
        if self._lifespan_task is not None:
            await asyncio.gather(self._lifespan_task, return_exceptions=True)
        if reply["type"] == "lifespan.shutdown.failed":
            raise cs.AdapterError(
                f"the ASGI app's lifespan shutdown failed: {reply.get('message', '')}"
            )

    def _run(self, coro: Awaitable[Any]) -> Any:
        """Run ``coro`` to completion: on the server's loop, or on a fresh one."""
        loop = self._loop
        if loop is not None:
            future = asyncio.run_coroutine_threadsafe(_as_coroutine(coro), loop)
            return future.result()
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(_as_coroutine(coro))
        # Called from inside a running loop (an async test): run on a worker thread.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, _as_coroutine(coro)).result()

    # ------------------------------------------------------------------ requests
    def scope(self, request: cs.Request, headers: list[tuple[str, str]]) -> dict[str, Any]:
        """The ASGI ``http`` scope for ``request`` (header names lowercased)."""
        url = request.url
        path, query = request_target(url)
        return {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": url.scheme,
            "path": urllib.parse.unquote(path),
            "raw_path": path.encode("ascii"),
            "query_string": query.encode("ascii"),
            "root_path": self.root_path,
            "headers": [
                (isomorphic_encode(name.lower()), isomorphic_encode(value))
                for name, value in headers
            ],
            "client": self.client,
            "server": (url.host, connect_port(url)),
            "state": dict(self._state),
            "extensions": {},
        }

    def respond(self, request: cs.Request) -> cs.Response:
        """Send ``request`` to the app and return its answer, header lines as sent.

        :raises cs.AdapterError: the app raised (chained), timed out, or broke ASGI.
        """
        body = body_bytes(request)
        headers = wire_headers(request, body, self.extra_headers)
        scope = self.scope(request, headers)
        result: tuple[int, list[tuple[bytes, bytes]], bytes] = self._run(
            self._call(request, scope, body)
        )
        status, lines, content = result
        return to_response(status, lines, b"" if request.method == "HEAD" else content)

    async def _call(
        self, request: cs.Request, scope: dict[str, Any], body: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        exchange = _Exchange(body)
        try:
            await asyncio.wait_for(self.app(scope, exchange.receive, exchange.send), self.timeout)
        except cs.AdapterError:
            raise
        except asyncio.TimeoutError as exc:
            if exchange.complete.is_set() and exchange.status is not None:
                pass  # answered in time; only the app's trailing work was slow
            else:
                raise cs.AdapterError(
                    f"the ASGI app did not answer {describe(request)} within {self.timeout} s"
                ) from exc
        except Exception as exc:
            if self.raise_app_exceptions:
                raise cs.AdapterError(
                    f"the ASGI app raised {type(exc).__name__} while answering "
                    f"{describe(request)}: {exc}"
                ) from exc
            if exchange.status is None:
                return _INTERNAL_ERROR
        if exchange.status is None:
            raise cs.AdapterError(
                f"the ASGI app returned without starting a response to {describe(request)}"
            )
        return exchange.status, exchange.headers, b"".join(exchange.chunks)


async def _as_coroutine(awaitable: Awaitable[Any]) -> Any:
    return await awaitable

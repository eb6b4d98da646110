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
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from types import TracebackType
from typing import Any, TypeAlias

import corsspec as cs
from corsspec.adapters._common import (
    BodyBuffer,
    body_bytes,
    check_header_lines,
    check_timeout,
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
        self.chunks = BodyBuffer()
        #: Set when the response is complete, or its body reached the cap: the client
        #: has what it needs and goes away.
        self.complete = asyncio.Event()
        #: Set when the body reached the cap: the app is stopped.
        self.capped = asyncio.Event()

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
            status = message.get("status")
            # ASGI: status is an int; 200.9 or "200" is the app's bug, not a 200.
            if isinstance(status, bool) or not isinstance(status, int):
                raise cs.AdapterError(f"the ASGI app sent status {status!r}, not an int")
            headers = message.get("headers", ())
            if isinstance(headers, (str, bytes)) or not isinstance(headers, Iterable):
                raise cs.AdapterError(f"the ASGI app sent headers {headers!r}, not an iterable")
            lines: list[tuple[bytes, bytes]] = []
            for line in headers:
                # ASGI: each header is a [name, value] pair of byte strings. bytes(5) would
                # be five NUL bytes, so anything else is refused.
                if not (
                    isinstance(line, (tuple, list))
                    and len(line) == 2
                    and all(isinstance(part, (bytes, bytearray)) for part in line)
                ):
                    raise cs.AdapterError(
                        f"the ASGI app sent header {line!r}, not a [name, value] pair of bytes"
                    )
                lines.append((bytes(line[0]), bytes(line[1])))
            self.status = status
            self.headers = lines
        elif kind == "http.response.body":
            if self.status is None:
                raise cs.AdapterError("the ASGI app sent a body before http.response.start")
            # A real server's send() waits for the socket; yielding here too lets the
            # deadline and the cap stop an app that streams in a tight loop.
            await asyncio.sleep(0)
            if self.complete.is_set():
                return  # a body after the end (or past the cap): dropped
            chunk = message.get("body", b"")
            if not isinstance(chunk, (bytes, bytearray)):
                raise cs.AdapterError(f"the ASGI app sent body {chunk!r}, not bytes")
            self.chunks.add(bytes(chunk))
            if self.chunks.full:
                self.capped.set()
            if not message.get("more_body", False) or self.chunks.full:
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
        (what a browser adds that corsspec does not model), preflights included. For
        cookies pass ``evaluate(..., cookies=jar)`` instead: the jar's ``Cookie`` goes only
        on credentialed non-preflight requests and ``Set-Cookie`` answers update it.
    :param timeout: seconds the app may take for one request (default 30), and for each
        lifespan phase. The deadline holds even against an app that blocks its event
        loop: the app runs on a worker thread and the caller waits at most this long.
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
        if not isinstance(root_path, str):
            raise cs.AdapterError(f"root_path must be a str, got {root_path!r}")
        peer: object = client
        if not (
            isinstance(peer, tuple)
            and len(peer) == 2
            and isinstance(peer[0], str)
            and isinstance(peer[1], int)
        ):
            raise cs.AdapterError(f"client must be a (host, port) tuple, got {client!r}")
        self.app = app
        self.root_path = root_path
        self.client = client
        self.extra_headers = check_header_lines(extra_headers, "extra_headers")
        self.timeout = check_timeout(timeout)
        self.raise_app_exceptions = raise_app_exceptions
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._state: dict[str, Any] = {}
        self._lifespan_task: asyncio.Future[None] | None = None
        self._lifespan_queue: asyncio.Queue[Message] | None = None
        self._lifespan_events: asyncio.Queue[Message] | None = None

    @staticmethod
    def clock() -> float:
        """Seconds on a monotonic clock (the active audit's time budget reads it)."""
        return time.monotonic()

    def __repr__(self) -> str:
        return f"AsgiServer({self.app!r})"

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> AsgiServer:
        loop = asyncio.new_event_loop()
        thread = threading.Thread(
            target=_run_forever_then_close, args=(loop,), name="corsspec-asgi", daemon=True
        )
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
        # The thread closes its loop when it stops. If an app blocks the loop, the daemon
        # thread is abandoned (it closes the loop once the app lets go), not waited for.
        thread.join(timeout=min(self.timeout, 10.0))

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
        try:
            reply = await asyncio.wait_for(events.get(), self.timeout)
        except asyncio.TimeoutError:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            raise cs.AdapterError(
                f"the ASGI app's lifespan startup did not complete within {self.timeout} s"
            ) from None
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
        task = self._lifespan_task
        try:
            reply = await asyncio.wait_for(events.get(), self.timeout)
            if task is not None:
                await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), self.timeout)
        except asyncio.TimeoutError:
            if task is not None:
                task.cancel()
            raise cs.AdapterError(
                f"the ASGI app's lifespan shutdown did not complete within {self.timeout} s"
            ) from None
        if reply["type"] == "lifespan.shutdown.failed":
            raise cs.AdapterError(
                f"the ASGI app's lifespan shutdown failed: {reply.get('message', '')}"
            )

    def _run(self, coro: Awaitable[Any]) -> Any:
        """Run ``coro`` to completion: on the server's loop, or on a fresh one.

        Either way the loop runs on another thread and the caller waits at most
        ``timeout`` (plus a second of grace for the coroutine's own deadline to fire), so
        an app that blocks its loop with synchronous code cannot hold the caller.
        """
        grace = self.timeout + 1.0
        loop = self._loop
        if loop is not None:
            future = asyncio.run_coroutine_threadsafe(_as_coroutine(coro), loop)
            try:
                return future.result(grace)
            except concurrent.futures.TimeoutError:
                future.cancel()
                raise cs.AdapterError(
                    f"the ASGI app blocked its event loop for more than {self.timeout} s"
                ) from None
        done: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def work() -> None:
            try:
                done.set_result(asyncio.run(_as_coroutine(coro)))
            except BaseException as exc:  # handed to the caller's thread
                done.set_exception(exc)

        threading.Thread(target=work, name="corsspec-asgi-request", daemon=True).start()
        try:
            return done.result(grace)
        except concurrent.futures.TimeoutError:
            raise cs.AdapterError(
                f"the ASGI app blocked its event loop for more than {self.timeout} s"
            ) from None

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
            await asyncio.wait_for(
                _until_capped(self.app(scope, exchange.receive, exchange.send), exchange),
                self.timeout,
            )
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
        return exchange.status, exchange.headers, exchange.chunks.value()


async def _until_capped(app_call: Awaitable[None], exchange: _Exchange) -> None:
    """Await the app, but stop it once its body reached the cap (it may stream forever)."""
    task = asyncio.ensure_future(app_call)
    capped = asyncio.ensure_future(exchange.capped.wait())
    try:
        await asyncio.wait({task, capped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        capped.cancel()
        if not task.done():
            task.cancel()  # capped, or our own deadline cancelled us
            await asyncio.gather(task, return_exceptions=True)
    if not task.cancelled():
        task.result()


def _run_forever_then_close(loop: asyncio.AbstractEventLoop) -> None:
    try:
        loop.run_forever()
    finally:
        loop.close()


async def _as_coroutine(awaitable: Awaitable[Any]) -> Any:
    return await awaitable

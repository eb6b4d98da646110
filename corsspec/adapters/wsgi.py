"""Call a WSGI application in process: the real app answers the real preflight.

    from corsspec.adapters.wsgi import WsgiServer
    ev = cs.evaluate(request, WsgiServer(flask_app), browser=cs.WEBKIT)

The adapter builds the ``environ`` as PEP 3333 describes (CGI variables, ``HTTP_*``
headers, ``wsgi.*`` keys) and records the status and header lines exactly as the app
passes them to ``start_response``: order, duplicates and name casing untouched. Works
with any WSGI app (Flask, Django's ``get_wsgi_application()``, Pyramid, Falcon, ...);
no extra dependency.
"""

from __future__ import annotations

import io
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
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
    parse_status_line,
    request_target,
    to_response,
    wire_headers,
)

__all__ = ["WsgiApp", "WsgiServer"]


def __dir__() -> list[str]:
    return __all__


ExcInfo: TypeAlias = "tuple[type[BaseException], BaseException, TracebackType | None]"
StartResponse: TypeAlias = Callable[..., Callable[[bytes], object]]
#: A WSGI application: ``app(environ, start_response) -> iterable of bytes``.
WsgiApp: TypeAlias = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_INTERNAL_ERROR = (
    500,
    [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "21")],
    b"Internal Server Error",
)


def _wsgi_str(text: str) -> str:
    """PEP 3333 "native string": bytes decoded as latin-1 (here from UTF-8 for the path)."""
    return text.encode("utf-8").decode("latin-1")


class WsgiServer:
    """A corsspec server backed by a WSGI app, called in process.

    :param app: the WSGI callable.
    :param script_name: ``SCRIPT_NAME`` (the app's mount point), default ``""``.
    :param remote_addr: ``REMOTE_ADDR`` the app sees.
    :param extra_headers: header lines added to every request after the browser's
        (what a browser adds that corsspec does not model), preflights included. For
        cookies pass ``evaluate(..., cookies=jar)`` instead: the jar's ``Cookie`` goes only
        on credentialed non-preflight requests and ``Set-Cookie`` answers update it.
    :param environ_overrides: keys merged into every ``environ`` last.
    :param raise_app_exceptions: when the app raises, raise :class:`~corsspec.AdapterError`
        chained to the app's exception (default); when False, answer a bare ``500`` as a
        WSGI server does.
    :param timeout: seconds the app may take for one request, body included (default
        30). The app runs on a worker thread and the caller waits at most this long: an
        app that blocks or streams without end cannot hold the caller past it (its
        thread is told to stop at its next chunk; a thread blocked inside the app stays
        blocked, as Python cannot stop it, but nobody waits for it).

    The body is kept up to :data:`~corsspec.adapters._common.MAX_BODY_BYTES` while the
    app produces it; reading stops at the cap (CORS never looks at the body).
    """

    def __init__(
        self,
        app: WsgiApp,
        *,
        script_name: str = "",
        remote_addr: str = "127.0.0.1",
        extra_headers: Iterable[tuple[str, str]] = (),
        environ_overrides: dict[str, Any] | None = None,
        raise_app_exceptions: bool = True,
        timeout: float = 30.0,
    ) -> None:
        if not callable(app):
            raise cs.AdapterError(f"expected a WSGI app (a callable), got {app!r}")
        if not isinstance(script_name, str):
            raise cs.AdapterError(f"script_name must be a str, got {script_name!r}")
        if not isinstance(remote_addr, str):
            raise cs.AdapterError(f"remote_addr must be a str, got {remote_addr!r}")
        if environ_overrides is not None and not isinstance(environ_overrides, dict):
            raise cs.AdapterError(f"environ_overrides must be a dict, got {environ_overrides!r}")
        self.app = app
        self.script_name = script_name.rstrip("/")
        self.remote_addr = remote_addr
        self.extra_headers = check_header_lines(extra_headers, "extra_headers")
        self.timeout = check_timeout(timeout)
        self.environ_overrides = dict(environ_overrides or {})
        self.raise_app_exceptions = raise_app_exceptions
        #: What apps wrote to ``wsgi.errors`` (tracebacks that frameworks log there).
        self.errors = io.StringIO()

    @staticmethod
    def clock() -> float:
        """Seconds on a monotonic clock (the active audit's time budget reads it)."""
        return time.monotonic()

    def __repr__(self) -> str:
        return f"WsgiServer({self.app!r})"

    def environ(
        self, request: cs.Request, headers: list[tuple[str, str]], body: bytes
    ) -> dict[str, Any]:
        """The PEP 3333 ``environ`` for ``request``."""
        url = request.url
        path, query = request_target(url)
        path_info = _wsgi_str(urllib.parse.unquote(path))
        if self.script_name and path_info.startswith(self.script_name):
            path_info = path_info[len(self.script_name) :]
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": self.script_name,
            "PATH_INFO": path_info,
            "QUERY_STRING": query,
            "SERVER_NAME": url.host,
            "SERVER_PORT": str(connect_port(url)),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": self.remote_addr,
            "REQUEST_URI": path + (f"?{query}" if query else ""),
            "RAW_URI": path + (f"?{query}" if query else ""),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": url.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": self.errors,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in headers:
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
                continue
            if key == "CONTENT_LENGTH":
                environ["CONTENT_LENGTH"] = value
                continue
            key = f"HTTP_{key}"
            # CGI has one variable per name: repeated lines are joined with ",", as
            # gunicorn and Werkzeug's server do.
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        environ.update(self.environ_overrides)
        return environ

    def respond(self, request: cs.Request) -> cs.Response:
        """Call the app with ``request`` and return its answer, header lines as given.

        :raises cs.AdapterError: the app raised (chained) or broke the WSGI protocol.
        """
        body = body_bytes(request)
        environ = self.environ(request, wire_headers(request, body, self.extra_headers), body)
        try:
            status, lines, content = self._call_with_deadline(environ, request)
        except cs.AdapterError:
            raise
        except Exception as exc:
            if not self.raise_app_exceptions:
                status, lines, content = _INTERNAL_ERROR
            else:
                raise cs.AdapterError(
                    f"the WSGI app raised {type(exc).__name__} while answering "
                    f"{describe(request)}: {exc}"
                ) from exc
        return to_response(status, lines, b"" if request.method == "HEAD" else content)

    def _call_with_deadline(
        self, environ: dict[str, Any], request: cs.Request
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Run :meth:`_call` on a worker thread; wait for it at most ``timeout`` seconds."""
        stop = threading.Event()
        outcome: list[Any] = []

        def work() -> None:
            try:
                outcome.append((True, self._call(environ, stop)))
            except BaseException as exc:  # handed to the caller's thread
                outcome.append((False, exc))

        worker = threading.Thread(target=work, name="corsspec-wsgi", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if not outcome:
            stop.set()  # the app's next chunk ends the exchange
            raise cs.AdapterError(
                f"the WSGI app did not answer {describe(request)} within {self.timeout} s"
            )
        ok, value = outcome[0]
        if not ok:
            raise value
        result: tuple[int, list[tuple[str, str]], bytes] = value
        return result

    def _call(
        self, environ: dict[str, Any], stop: threading.Event
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        started: list[tuple[str, list[Any]]] = []
        written = BodyBuffer()
        sent = False  # whether the head has gone out (first body byte produced)

        def start_response(
            status: str, response_headers: list[Any], exc_info: ExcInfo | None = None
        ) -> Callable[[bytes], object]:
            if exc_info is not None:
                if sent:
                    raise exc_info[1].with_traceback(exc_info[2])
            elif started:
                raise cs.AdapterError("the WSGI app called start_response twice without exc_info")
            if not isinstance(status, str):
                raise cs.AdapterError(f"WSGI status must be a str, got {status!r}")
            started[:] = [(status, list(response_headers))]
            return write

        def write(data: bytes) -> object:
            nonlocal sent
            if not started:
                raise cs.AdapterError("the WSGI app called write() before start_response")
            if not isinstance(data, (bytes, bytearray)):
                raise cs.AdapterError(f"WSGI write() takes bytes, got {data!r}")
            sent = True
            written.add(bytes(data))
            return None

        result = self.app(environ, start_response)
        try:
            for chunk in result:
                if not isinstance(chunk, (bytes, bytearray)):
                    raise cs.AdapterError(f"a WSGI body is an iterable of bytes, got {chunk!r}")
                if chunk:
                    if not started:
                        raise cs.AdapterError(
                            "the WSGI app produced a body before calling start_response"
                        )
                    sent = True
                    written.add(bytes(chunk))
                if written.full or stop.is_set():
                    break  # enough body (CORS never reads it), or the caller gave up
        finally:
            close = getattr(result, "close", None)
            if callable(close):
                close()
        if not started:
            raise cs.AdapterError("the WSGI app returned without calling start_response")
        status_line, raw_lines = started[0]
        header_lines: list[tuple[str, str]] = []
        for line in raw_lines:
            if not (
                isinstance(line, tuple)
                and len(line) == 2
                and all(isinstance(part, str) for part in line)
            ):
                raise cs.AdapterError(f"WSGI header lines are (str, str) tuples, got {line!r}")
            header_lines.append((line[0], line[1]))
        return parse_status_line(status_line), header_lines, written.value()

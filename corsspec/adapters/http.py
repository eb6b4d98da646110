"""Ask a live HTTP(S) server: send the real preflight and the real request over the network.

    from corsspec.adapters.http import HttpServer
    ev = cs.evaluate(request, HttpServer(), browser=cs.CHROMIUM)           # the request's URL
    ev = cs.evaluate(request, HttpServer("http://127.0.0.1:8000"))          # or a stand-in host

Stdlib only (:mod:`http.client`, :mod:`ssl`). TLS certificates are verified by default.
Redirects are *not* followed here: :func:`corsspec.evaluate` follows them itself, with
the browser's rules, and asks this server again for each hop. Header lines come back as
the server sent them (``HTTPResponse.getheaders()`` keeps order, duplicates and casing).
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Iterable

import corsspec as cs
from corsspec import __version__
from corsspec.adapters._common import (
    MAX_BODY_BYTES,
    body_bytes,
    connect_port,
    describe,
    host_header,
    request_target,
    to_response,
    wire_headers,
)

__all__ = ["HttpServer"]


def __dir__() -> list[str]:
    return __all__


class HttpServer:
    """A corsspec server that sends every request to a live HTTP(S) server.

    :param base_url: where to send requests. ``None`` (default): to each request's own
        URL. A URL such as ``"http://127.0.0.1:8000/prefix"``: to that scheme, host and
        port instead, with the request's path appended to the base path, and ``Host``
        naming the base URL's host (test a staging box with production URLs in the
        requests).
    :param timeout: seconds for connecting and for each read.
    :param verify: verify TLS certificates and host names (default True). Pass
        ``ssl_context`` for a private CA instead of turning this off.
    :param ssl_context: the :class:`ssl.SSLContext` for ``https`` (overrides ``verify``).
    :param user_agent: the ``User-Agent`` header added to every request (None: none).
    :param extra_headers: further header lines added to every request (``Cookie``, ...).
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = 10.0,
        verify: bool = True,
        ssl_context: ssl.SSLContext | None = None,
        user_agent: str | None = f"corsspec/{__version__}",
        extra_headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.base: cs.URL | None = None
        if base_url is not None:
            try:
                base = cs.parse_url(base_url)
            except cs.InvalidURLError as exc:
                raise cs.AdapterError(f"invalid base URL {base_url!r}: {exc}") from exc
            if not base.is_http:
                raise cs.AdapterError(f"base URL {base_url!r} is not http or https")
            self.base = base
        if timeout <= 0:
            raise cs.AdapterError(f"timeout must be positive, got {timeout!r}")
        self.timeout = timeout
        self.verify = verify
        self.ssl_context = ssl_context
        self.extra_headers = tuple(extra_headers)
        if user_agent is not None:
            self.extra_headers = (("User-Agent", user_agent), *self.extra_headers)

    def __repr__(self) -> str:
        base = self.base.serialize() if self.base is not None else None
        return f"HttpServer({base!r}, timeout={self.timeout}, verify={self.verify})"

    def _context(self) -> ssl.SSLContext:
        if self.ssl_context is not None:
            return self.ssl_context
        context = ssl.create_default_context()
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def target(self, request: cs.Request) -> tuple[cs.URL, str]:
        """The URL actually contacted and the request-target sent for ``request``."""
        url = request.url
        path, query = request_target(url)
        if self.base is not None:
            base_path, _ = request_target(self.base)
            path = base_path.rstrip("/") + path
            url = cs.URL(
                scheme=self.base.scheme,
                host=self.base.host,
                port=self.base.port,
                path=path,
                query=url.query,
            )
        return url, path + (f"?{query}" if query else "")

    def respond(self, request: cs.Request) -> cs.Response:
        """Send ``request`` and return the server's answer, header lines as sent.

        :raises cs.AdapterError: the host cannot be reached, TLS fails, the connection
            times out or breaks, or the answer is not HTTP (the message names the host).
        """
        url, target = self.target(request)
        if not url.is_http:
            raise cs.AdapterError(f"cannot send {describe(request)}: not an http(s) URL")
        host, port = url.host, connect_port(url)
        where = f"{host}:{port}"
        body = body_bytes(request)
        extra = list(self.extra_headers)
        if self.base is not None:
            extra = [("Host", host_header(url)), *extra]
        lines = wire_headers(request, body, extra)
        connection: http.client.HTTPConnection
        plain_host = host[1:-1] if host.startswith("[") else host
        if url.scheme == "https":
            connection = http.client.HTTPSConnection(
                plain_host, port, timeout=self.timeout, context=self._context()
            )
        else:
            connection = http.client.HTTPConnection(plain_host, port, timeout=self.timeout)
        try:
            connection.putrequest(request.method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in lines:
                connection.putheader(name, value.encode("latin-1"))
            connection.endheaders(body or None)
            response = connection.getresponse()
            headers = response.getheaders()
            content = b"" if request.method == "HEAD" else response.read(MAX_BODY_BYTES)
            status = response.status
        except ssl.SSLCertVerificationError as exc:
            raise cs.AdapterError(
                f"TLS certificate of {where} failed verification for {describe(request)}: "
                f"{exc.verify_message or exc} (pass ssl_context= for a private CA)"
            ) from exc
        except ssl.SSLError as exc:
            raise cs.AdapterError(
                f"TLS with {where} failed for {describe(request)}: {exc}"
            ) from exc
        except socket.gaierror as exc:
            raise cs.AdapterError(
                f"cannot resolve host {host!r} for {describe(request)}: {exc}"
            ) from exc
        except TimeoutError as exc:
            raise cs.AdapterError(
                f"{where} did not answer {describe(request)} within {self.timeout} s"
            ) from exc
        except ConnectionRefusedError as exc:
            raise cs.AdapterError(
                f"cannot connect to {where} for {describe(request)}: connection refused"
            ) from exc
        except OSError as exc:
            raise cs.AdapterError(f"cannot reach {where} for {describe(request)}: {exc}") from exc
        except http.client.HTTPException as exc:
            raise cs.AdapterError(
                f"{where} sent no valid HTTP answer to {describe(request)}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        finally:
            connection.close()
        return to_response(status, headers, content)

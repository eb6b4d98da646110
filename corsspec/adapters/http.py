"""Ask a live HTTP(S) server: send the real preflight and the real request over the network.

    from corsspec.adapters.http import HttpServer
    ev = cs.evaluate(request, HttpServer(), browser=cs.CHROMIUM)           # the request's URL
    ev = cs.evaluate(request, HttpServer("http://127.0.0.1:8000"))          # or a stand-in host

Stdlib only (:mod:`socket`, :mod:`ssl`). TLS certificates are verified by default.
Redirects are *not* followed here: :func:`corsspec.evaluate` follows them itself, with
the browser's rules, and asks this server again for each hop. Header lines come back as
the server sent them: order, duplicates and casing kept.

Bounded by construction: one overall deadline per exchange (connect, TLS, request,
interim ``1xx`` answers, header section and body together), a header section of at most
:data:`MAX_HEADER_BYTES` (as Chromium; any number of lines within it), a body kept up to
:data:`~corsspec.adapters._common.MAX_BODY_BYTES` and not read further. A response cut
off before its header section or its declared body ends is an :class:`~corsspec.AdapterError`,
never judged as complete. Obsolete line folding (a header line starting with a space or
tab) is unfolded into one space, as RFC 9112 section 5.2 asks of a recipient.
"""

from __future__ import annotations

import re
import socket
import ssl
import time
from collections.abc import Iterable

import corsspec as cs
from corsspec import __version__
from corsspec.adapters._common import (
    MAX_BODY_BYTES,
    BodyBuffer,
    body_bytes,
    check_header_lines,
    check_timeout,
    connect_port,
    describe,
    host_header,
    request_target,
    to_response,
    wire_headers,
)

__all__ = ["MAX_HEADER_BYTES", "HttpServer"]


def __dir__() -> list[str]:
    return __all__


#: The header section (interim ``1xx`` answers included) may take this many bytes:
#: Chromium's ``kMaxHeaderBufSize`` (net/http/http_stream_parser.cc, 256 KiB); beyond it
#: Chromium fails with ERR_RESPONSE_HEADERS_TOO_BIG. The number of lines is not limited.
MAX_HEADER_BYTES = 256 * 1024

_END_OF_HEAD = re.compile(rb"\r?\n\r?\n")
_STATUS_LINE = re.compile(rb"HTTP/(\d)\.(\d) +(\d{3})(?:[ \t][^\r\n]*)?\Z")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\r\n]*)?\Z")


class _BrokenAnswerError(Exception):
    """A broken answer; the message completes "… sent ... to <request>"."""


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left


class _Reader:
    """Reads an HTTP/1.1 answer from ``sock``; every ``recv`` waits only until the deadline."""

    def __init__(self, sock: socket.socket, deadline: _Deadline) -> None:
        self.sock = sock
        self.deadline = deadline
        self.buf = bytearray()
        self.eof = False

    def fill(self) -> bool:
        if self.eof:
            return False
        self.sock.settimeout(self.deadline.remaining())
        data = self.sock.recv(65536)
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def head(self, budget: int) -> bytes:
        """One header section (status line and fields), without its blank line."""
        while True:
            if len(self.buf) >= 5 and not self.buf.startswith(b"HTTP/"):
                first = bytes(self.buf[:200]).split(b"\n", 1)[0]
                raise _BrokenAnswerError(f"no valid HTTP answer (it starts {first!r})")
            match = _END_OF_HEAD.search(self.buf, 0, budget + 4)
            if match is not None:
                head = bytes(self.buf[: match.start()])
                del self.buf[: match.end()]
                return head
            if len(self.buf) > budget:
                raise _BrokenAnswerError(
                    f"a header section larger than {MAX_HEADER_BYTES} bytes (a browser "
                    "fails such a response as a network error)"
                )
            if not self.fill():
                if not self.buf:
                    raise _BrokenAnswerError("no answer (the connection closed)")
                raise _BrokenAnswerError(
                    "a truncated answer (the connection closed within the header)"
                )

    def line(self) -> bytes:
        while True:
            end = self.buf.find(b"\n")
            if end >= 0:
                line = bytes(self.buf[:end]).rstrip(b"\r")
                del self.buf[: end + 1]
                return line
            if len(self.buf) > 4096:
                raise _BrokenAnswerError("a chunk-size line longer than 4096 bytes")
            if not self.fill():
                raise _BrokenAnswerError("a truncated chunked body")

    def exactly(self, count: int, into: BodyBuffer | None) -> None:
        while count > 0:
            if not self.buf and not self.fill():
                raise _BrokenAnswerError(f"a truncated body ({count} bytes short of its length)")
            piece = bytes(self.buf[:count])
            del self.buf[: len(piece)]
            count -= len(piece)
            if into is not None:
                into.add(piece)

    def until_close(self, into: BodyBuffer) -> None:
        while not into.full:
            if self.buf:
                into.add(bytes(self.buf))
                self.buf.clear()
            elif not self.fill():
                return


def _parse_head(head: bytes) -> tuple[int, list[tuple[str, str]]]:
    lines = head.split(b"\n")
    status_line = lines[0].rstrip(b"\r")
    match = _STATUS_LINE.match(status_line)
    if match is None:
        raise _BrokenAnswerError(f"no valid HTTP answer (status line {status_line[:200]!r})")
    fields: list[tuple[str, str]] = []
    for raw in lines[1:]:
        line = raw.rstrip(b"\r")
        if line[:1] in (b" ", b"\t") and fields:
            # obs-fold (RFC 9112 section 5.2): "replace each received obs-fold with one or
            # more SP octets prior to interpreting the field value".
            name, value = fields[-1]
            more = line.strip(b" \t").decode("latin-1")
            fields[-1] = (name, f"{value} {more}".rstrip())
            continue
        raw_name, colon, raw_value = line.partition(b":")
        if not colon or not raw_name:
            continue  # not a field line: browsers skip it
        fields.append((raw_name.decode("latin-1"), raw_value.strip(b" \t").decode("latin-1")))
    return int(match.group(3)), fields


def _framing(
    fields: list[tuple[str, str]],
) -> tuple[bool, int | None]:
    """(chunked, content length) from the field lines; a bad length is a broken answer."""
    chunked = False
    length: int | None = None
    for name, value in fields:
        lower = name.lower()
        if lower == "transfer-encoding":
            chunked = chunked or value.lower().rsplit(",", 1)[-1].strip() == "chunked"
        elif lower == "content-length":
            # Several lines or a list are fine when they agree (RFC 9110 section 8.6).
            for item in value.split(","):
                text = item.strip()
                if not (text.isascii() and text.isdigit()) or len(text) > 18:
                    raise _BrokenAnswerError(f"an invalid Content-Length {value[:100]!r}")
                if length is not None and int(text) != length:
                    raise _BrokenAnswerError(f"conflicting Content-Length values ({value[:100]!r})")
                length = int(text)
    return chunked, length


class HttpServer:
    """A corsspec server that sends every request to a live HTTP(S) server.

    :param base_url: where to send requests. ``None`` (default): to each request's own
        URL. A URL such as ``"http://127.0.0.1:8000/prefix"``: to that scheme, host and
        port instead, with the request's path appended to the base path, and ``Host``
        naming the base URL's host (test a staging box with production URLs in the
        requests).
    :param timeout: seconds for one whole exchange: connecting, TLS, sending, interim
        ``1xx`` answers, the header section and the body (default 10). A server that
        drips one byte a second or streams ``100 Continue`` lines cannot hold the caller
        past it.
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
        self.timeout = check_timeout(timeout)
        if not isinstance(verify, bool):
            raise cs.AdapterError(f"verify must be True or False, got {verify!r}")
        if ssl_context is not None and not isinstance(ssl_context, ssl.SSLContext):
            raise cs.AdapterError(f"ssl_context must be an ssl.SSLContext, got {ssl_context!r}")
        self.verify = verify
        self.ssl_context = ssl_context
        self.extra_headers = check_header_lines(extra_headers, "extra_headers")
        if user_agent is not None:
            if not isinstance(user_agent, str):
                raise cs.AdapterError(f"user_agent must be a str or None, got {user_agent!r}")
            (line,) = check_header_lines([("User-Agent", user_agent)], "user_agent")
            self.extra_headers = (line, *self.extra_headers)

    #: A live server: :func:`corsspec.server.audit.active_audit` sends it only safe methods
    #: and no request bodies unless told otherwise.
    live = True

    @staticmethod
    def clock() -> float:
        """Seconds on a monotonic clock (the active audit's time budget reads it)."""
        return time.monotonic()

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

        :raises cs.AdapterError: the host cannot be reached, TLS fails, the exchange takes
            longer than ``timeout``, the connection breaks, or the answer is not HTTP or is
            truncated (the message names the host).
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
        plain_host = host[1:-1] if host.startswith("[") else host
        try:
            wire = (
                f"{request.method} {target} HTTP/1.1\r\n".encode("latin-1")
                + b"".join(f"{n}: {v}\r\n".encode("latin-1") for n, v in lines)
                + b"\r\n"
                + body
            )
        except UnicodeEncodeError as exc:
            raise cs.AdapterError(
                f"cannot send {describe(request)}: a header has a character above U+00FF"
            ) from exc
        deadline = _Deadline(self.timeout)
        sock: socket.socket | None = None
        try:
            sock = socket.create_connection((plain_host, port), timeout=deadline.remaining())
            if url.scheme == "https":
                sock.settimeout(deadline.remaining())
                sock = self._context().wrap_socket(sock, server_hostname=plain_host)
            sock.settimeout(deadline.remaining())
            sock.sendall(wire)
            status, headers, content = self._read(sock, deadline, request.method)
        except _BrokenAnswerError as exc:
            raise cs.AdapterError(f"{where} sent {exc} to {describe(request)}") from None
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
        finally:
            if sock is not None:
                sock.close()
        return to_response(status, headers, content)

    @staticmethod
    def _read(
        sock: socket.socket, deadline: _Deadline, method: str
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        reader = _Reader(sock, deadline)
        budget = MAX_HEADER_BYTES
        while True:
            head = reader.head(budget)
            budget -= len(head) + 4
            status, fields = _parse_head(head)
            # Interim answers (100 Continue, 103 Early Hints) are skipped as browsers do;
            # they share the header budget and the deadline. 101 would switch protocols.
            if 100 <= status < 200 and status != 101:
                continue
            break
        content = BodyBuffer()
        if method == "HEAD" or status in (101, 204, 304):
            return status, fields, b""
        chunked, length = _framing(fields)
        if chunked:
            while not content.full:
                size_line = reader.line()
                match = _CHUNK_SIZE.match(size_line)
                if match is None:
                    raise _BrokenAnswerError(f"an invalid chunk-size line {size_line[:100]!r}")
                size = int(match.group(1), 16)
                if size == 0:
                    break
                reader.exactly(min(size, MAX_BODY_BYTES - content.kept), content)
                if content.full:
                    break
                reader.line()  # the CRLF after the chunk data
        elif length is not None:
            # Read what the body cap keeps; a shorter body than declared is truncation.
            reader.exactly(min(length, MAX_BODY_BYTES), content)
        else:
            reader.until_close(content)
        return status, fields, content.value()

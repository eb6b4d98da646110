"""Shared adapter plumbing: turning a core :class:`~corsspec.Request` into wire parts.

Every adapter sends the request exactly as :func:`corsspec.evaluate` hands it over (the
headers the browser puts on the wire, in order, with their casing) plus what an HTTP
client adds for framing: ``Host`` first and ``Content-Length`` when there is a body.
Answers come back as :class:`~corsspec.Response` values with the header lines exactly
as the server produced them.
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Iterable, Sequence

import corsspec as cs

__all__ = [
    "DEFAULT_PORTS",
    "MAX_BODY_BYTES",
    "BodyBuffer",
    "HeaderLines",
    "body_bytes",
    "check_header_lines",
    "check_timeout",
    "connect_port",
    "describe",
    "host_header",
    "isomorphic_encode",
    "parse_status_line",
    "read_regular_file",
    "request_target",
    "to_response",
    "wire_headers",
]


def __dir__() -> list[str]:
    return __all__


#: An ordered list of header lines as (name, value) strings.
HeaderLines = list[tuple[str, str]]

#: Default port per scheme (an omitted port in a URL means this one).
DEFAULT_PORTS: dict[str, int] = {"http": 80, "https": 443}

#: Response bodies are kept up to this many bytes (CORS never looks at the body).
MAX_BODY_BYTES = 1 << 20

# URL code points that must be percent-encoded before they go into a request-target:
# anything outside printable ASCII (the URL parser keeps such code points as written).
_NEEDS_ENCODING = re.compile(r"[^\x21-\x7e]")


def _percent_encode(text: str) -> str:
    def encode(match: re.Match[str]) -> str:
        return "".join(f"%{b:02X}" for b in match.group(0).encode("utf-8"))

    return _NEEDS_ENCODING.sub(encode, text)


def check_timeout(value: object, argument: str = "timeout") -> float:
    """``value`` as a finite number of seconds greater than zero.

    :raises cs.AdapterError: not a number (``None``, ``"5"``, a bool), NaN, infinite, zero
        or negative; the message names the argument and the value.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise cs.AdapterError(
            f"{argument} must be a number of seconds, got {type(value).__name__} {value!r}"
        )
    seconds = float(value)
    if not math.isfinite(seconds) or seconds <= 0:
        raise cs.AdapterError(f"{argument} must be finite and greater than 0, got {value!r}")
    return seconds


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_FIELD_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]*\Z")


def check_header_lines(value: object, argument: str) -> tuple[tuple[str, str], ...]:
    """``value`` as header lines an HTTP client can send unchanged.

    Each line is a ``(name, value)`` pair of strings: the name an HTTP token (no ``:``,
    no whitespace), the value Latin-1 text without CR, LF or NUL (a CR/LF would inject
    another header line or a second request).

    :raises cs.AdapterError: anything else; the message names the argument and the line.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise cs.AdapterError(
            f"{argument} must be (name, value) pairs, got {type(value).__name__} {value!r}"
        )
    out: list[tuple[str, str]] = []
    for line in value:
        if not (
            isinstance(line, tuple) and len(line) == 2 and all(isinstance(p, str) for p in line)
        ):
            raise cs.AdapterError(f"{argument}: expected a (name, value) pair of str, got {line!r}")
        name, text = line
        if not _TOKEN.match(name):
            raise cs.AdapterError(
                f"{argument}: header name {name!r} is not an HTTP token (no ':', spaces or "
                "control characters)"
            )
        if not _FIELD_VALUE.match(text):
            raise cs.AdapterError(
                f"{argument}: header {name!r} value {text!r} has CR, LF, NUL, another "
                "control character or a character above U+00FF"
            )
        out.append((name, text))
    return tuple(out)


class BodyBuffer:
    """A response body kept up to :data:`MAX_BODY_BYTES` while it streams in.

    Bytes beyond the cap are counted and dropped at once, so a server or app that streams
    without end costs at most the cap in memory. ``full`` says the cap is reached (an
    adapter may stop reading then: CORS never looks at the body).
    """

    __slots__ = ("_chunks", "kept", "seen")

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self.kept = 0
        self.seen = 0

    def add(self, data: bytes) -> None:
        self.seen += len(data)
        room = MAX_BODY_BYTES - self.kept
        if room > 0 and data:
            piece = data[:room]
            self._chunks.append(piece)
            self.kept += len(piece)

    @property
    def full(self) -> bool:
        return self.kept >= MAX_BODY_BYTES

    def value(self) -> bytes:
        return b"".join(self._chunks)


def read_regular_file(path: str | os.PathLike[str], *, limit: int) -> bytes:
    """At most ``limit`` bytes of the regular file at ``path``, or an error naming it.

    Only regular files are read: a FIFO would block the caller forever and a device such
    as ``/dev/zero`` never ends, so both are refused before any byte is read. The file is
    opened without blocking (a FIFO swapped in after a check cannot hang ``open``) and
    checked on the open descriptor, and no more than ``limit + 1`` bytes are ever read.

    :raises cs.AdapterError: no such file, a directory, not a regular file, larger than
        ``limit`` bytes, or unreadable (the message starts with the path).
    """
    name = os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(name, flags)
    except FileNotFoundError as exc:
        raise cs.AdapterError(f"{name}: no such file") from exc
    except IsADirectoryError as exc:
        raise cs.AdapterError(f"{name}: is a directory, not a file") from exc
    except OSError as exc:
        raise cs.AdapterError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise cs.AdapterError(f"{name}: is a directory, not a file")
        raise cs.AdapterError(
            f"{name}: not a regular file (a FIFO, device or socket is never read)"
        )
    with os.fdopen(fd, "rb") as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise cs.AdapterError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    if len(data) > limit:
        raise cs.AdapterError(f"{name}: larger than the limit of {limit} bytes")
    return data


def describe(request: cs.Request) -> str:
    """``METHOD url`` for messages."""
    return f"{request.method} {request.url.serialize(exclude_fragment=True)}"


def connect_port(url: cs.URL) -> int:
    """The TCP port ``url`` names (its explicit port, or the scheme's default)."""
    if url.port is not None:
        return url.port
    return DEFAULT_PORTS.get(url.scheme, 80)


def host_header(url: cs.URL) -> str:
    """The ``Host`` header value for ``url`` (the port only when it is not the default)."""
    if url.port is None or url.port == DEFAULT_PORTS.get(url.scheme):
        return url.host
    return f"{url.host}:{url.port}"


def request_target(url: cs.URL) -> tuple[str, str]:
    """The path and the query (without ``?``) as they go on the wire, percent-encoded."""
    path = _percent_encode(url.path or "/")
    query = _percent_encode(url.query) if url.query is not None else ""
    return path, query


def isomorphic_encode(text: str) -> bytes:
    """Infra: isomorphic encode (each code point <= U+00FF becomes one byte).

    :raises cs.AdapterError: a code point above U+00FF (not a byte string).
    """
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError as exc:
        raise cs.AdapterError(f"{text!r} has a character above U+00FF") from exc


def _multipart(fields: Sequence[tuple[str, str]], content_type: str | None) -> bytes:
    boundary = "----corsspecFormBoundary"
    if content_type is not None:
        match = re.search(r'boundary="?([^";]+)"?', content_type, flags=re.IGNORECASE)
        if match is not None:
            boundary = match.group(1)
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode("utf-8")


def body_bytes(request: cs.Request) -> bytes:
    """The bytes the request body puts on the wire (empty when there is none)."""
    body = request.body
    if body is None:
        return b""
    if body.kind is cs.BodyKind.FORM_DATA:
        content_type = request.headers_view.get("Content-Type")
        return _multipart(body.fields, content_type)
    return body.content.encode("utf-8")


def wire_headers(
    request: cs.Request, body: bytes, extra: Iterable[tuple[str, str]] = ()
) -> HeaderLines:
    """``Host``, the request's header lines in order, ``extra``, then ``Content-Length``.

    ``Host`` and ``Content-Length`` are only added when the request does not carry them.
    """
    lines: HeaderLines = []
    names = {name.lower() for name, _ in request.headers}
    extra = list(extra)
    names.update(name.lower() for name, _ in extra)
    if "host" not in names:
        lines.append(("Host", host_header(request.url)))
    lines.extend(request.headers)
    lines.extend(extra)
    if (body or request.method in ("POST", "PUT", "PATCH")) and "content-length" not in names:
        lines.append(("Content-Length", str(len(body))))
    return lines


def parse_status_line(status: str) -> int:
    """The status code of a WSGI status string such as ``"200 OK"``.

    :raises cs.AdapterError: not three digits followed by a space (PEP 3333).
    """
    code, _, _ = status.partition(" ")
    # isascii(): str.isdigit() also accepts other scripts' digits ("٢٠٠" is 200 to int()).
    if len(code) != 3 or not (code.isascii() and code.isdigit()):
        raise cs.AdapterError(f"malformed status {status!r} (PEP 3333 wants e.g. '200 OK')")
    return int(code)


def to_response(
    status: int, headers: Iterable[tuple[str | bytes, str | bytes]], body: bytes
) -> cs.Response:
    """A :class:`~corsspec.Response` with the header lines exactly as given.

    Bytes are isomorphic-decoded (each byte becomes one code point), so nothing a server
    sends is lost or normalised.

    :raises cs.AdapterError: a status outside 100-999.
    """
    if not 100 <= status <= 999:
        raise cs.AdapterError(f"the server answered with status {status}, not 100-999")
    lines = [
        (
            name.decode("latin-1") if isinstance(name, bytes) else name,
            value.decode("latin-1") if isinstance(value, bytes) else value,
        )
        for name, value in headers
    ]
    text = body[:MAX_BODY_BYTES].decode("utf-8", errors="replace")
    return cs.Response(status=status, headers=tuple(lines), body=text)

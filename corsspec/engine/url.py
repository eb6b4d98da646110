"""Origins and the small part of URL handling CORS needs.

Fetch/HTML: an origin is either a tuple (scheme, host, port) or opaque; it serializes as
``scheme://host[:port]`` with the scheme's default port elided, or as ``null``
(https://html.spec.whatwg.org/multipage/browsers.html#origin). URLs are parsed with the
standard library and then canonicalised the way the WHATWG URL Standard does for the
cases that matter to CORS: lower-case scheme and host, IDNA hosts to ASCII, IPv6 and
dotted IPv4 literals in canonical form, default ports elided.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
import urllib.parse

import attrs

from corsspec.engine._abnf import MAX_ORIGIN_LEN, MAX_URL_LEN
from corsspec.errors import InvalidOriginError, InvalidURLError, OriginProblem, URLProblem

__all__ = [
    "DEFAULT_PORTS",
    "NULL_ORIGIN",
    "URL",
    "Origin",
    "parse_origin",
    "parse_url",
    "try_parse_url",
]


def __dir__() -> list[str]:
    return __all__


#: URL Standard "special schemes" with a default port.
DEFAULT_PORTS: dict[str, int] = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}

# Hosts may not contain these (URL Standard "forbidden host code point", minus '%'
# handled by percent-decoding, which we do not attempt).
_FORBIDDEN_HOST_CHARS = frozenset("\x00\t\n\r #/:<>?@[\\]^|%")
#: C0 controls and space: never allowed in a URL we accept (after tab/newline removal).
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20]")


@attrs.frozen(kw_only=True)
class Origin:
    """HTML: origin. Tuple origins have scheme/host/port; ``opaque`` ones serialize to null."""

    scheme: str = ""
    host: str = ""
    port: int | None = None
    opaque: bool = False

    def serialize(self) -> str:
        """HTML: ASCII serialization of an origin."""
        return self._serialized

    @functools.cached_property
    def _serialized(self) -> str:
        if self.opaque:
            return "null"
        if self.port is None:
            return f"{self.scheme}://{self.host}"
        return f"{self.scheme}://{self.host}:{self.port}"

    def __str__(self) -> str:
        return self.serialize()

    def same_origin(self, other: Origin) -> bool:
        """HTML: same origin. Two opaque origins are never the same here (no identity kept)."""
        if self is other:
            return not self.opaque
        if self.opaque or other.opaque:
            return False
        # Serializations are cached and canonical, so comparing them compares the tuples.
        return self._serialized == other._serialized

    def same_origin_as_url(self, url: URL) -> bool:
        """HTML: same origin, between this origin and ``url``'s origin.

        Equal to ``self.same_origin(url.origin)`` without building that origin (the
        engine asks this once per new request).
        """
        if self.opaque or url.scheme not in DEFAULT_PORTS:
            return False
        return self.scheme == url.scheme and self.host == url.host and self.port == url.port


#: An opaque origin (a sandboxed document, a ``data:`` page): serializes as ``null``.
NULL_ORIGIN = Origin(opaque=True)


@attrs.frozen(kw_only=True)
class URL:
    """A parsed, canonical absolute URL (only what CORS needs from the URL Standard)."""

    scheme: str
    host: str
    port: int | None = None
    path: str = "/"
    query: str | None = None
    fragment: str | None = None
    username: str = ""
    password: str = ""

    @functools.cached_property
    def origin(self) -> Origin:
        """URL: origin of a URL (tuple for http(s)/ws(s)/ftp, opaque otherwise)."""
        if self.scheme in DEFAULT_PORTS:
            return Origin(scheme=self.scheme, host=self.host, port=self.port)
        return NULL_ORIGIN

    @property
    def includes_credentials(self) -> bool:
        """URL: includes credentials (a non-empty username or password)."""
        return bool(self.username or self.password)

    @property
    def is_http(self) -> bool:
        """Fetch: HTTP(S) scheme."""
        return self.scheme in ("http", "https")

    @functools.cached_property
    def href(self) -> str:
        """URL serializer with the fragment excluded (what goes on the wire and in caches)."""
        return self.serialize(exclude_fragment=True)

    def serialize(self, *, exclude_fragment: bool = False) -> str:
        """URL serializer."""
        out = [self.scheme, ":"]
        if self.host or self.scheme in DEFAULT_PORTS:
            out.append("//")
            if self.username or self.password:
                out.append(self.username)
                if self.password:
                    out.append(":" + self.password)
                out.append("@")
            out.append(self.host)
            if self.port is not None:
                out.append(f":{self.port}")
        out.append(self.path)
        if self.query is not None:
            out.append("?" + self.query)
        if self.fragment is not None and not exclude_fragment:
            out.append("#" + self.fragment)
        return "".join(out)

    def __str__(self) -> str:
        return self.serialize()

    def join(self, reference: str) -> URL | None:
        """Parse ``reference`` relative to this URL (None on failure). Fragment inherited."""
        try:
            joined = urllib.parse.urljoin(self.serialize(exclude_fragment=True), reference.strip())
        except ValueError:
            return None
        result = try_parse_url(joined)
        if result is not None and result.fragment is None and self.fragment is not None:
            # Fetch: location URL step 4, the fragment carries over.
            result = attrs.evolve(result, fragment=self.fragment)
        return result


def _canonical_host(host: str, *, value: object, for_origin: bool) -> str:
    """URL Standard host parsing, restricted to domains, IPv4 dotted quads and IPv6."""

    def fail(hint: str) -> Exception:
        if for_origin:
            return InvalidOriginError(value, OriginProblem.BAD_HOST, hint)
        return InvalidURLError(value, URLProblem.BAD_HOST, hint)

    if not host:
        raise fail("empty host")
    if host.startswith("["):
        if not host.endswith("]"):
            raise fail("unterminated IPv6 literal")
        try:
            ipv6 = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise fail("bad IPv6 literal") from None
        return "[" + _serialize_ipv6(ipv6) + "]"
    if not _FORBIDDEN_HOST_CHARS.isdisjoint(host):
        raise fail("forbidden character in host")
    lowered = host.lower()
    if not lowered.isascii():
        converted = _domain_to_ascii(lowered)
        if converted is None:
            raise fail("host is not a valid internationalized domain name")
        lowered = converted
    labels = lowered.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels = labels[:-1]
    if labels and _is_number(labels[-1]):
        address = _parse_ipv4(labels)
        if address is None:
            raise fail("bad IPv4 address")
        return address
    return lowered


def _serialize_ipv6(address: ipaddress.IPv6Address) -> str:
    """URL Standard: IPv6 serializer (the first longest run of two or more zero pieces
    becomes ``::``; hex without leading zeros; never dotted IPv4 notation)."""
    pieces = [int.from_bytes(address.packed[i : i + 2], "big") for i in range(0, 16, 2)]
    best_start, best_len, start = -1, 1, -1
    for i, piece in enumerate([*pieces, 1]):
        if piece == 0 and start < 0:
            start = i
        elif piece != 0 and start >= 0:
            if i - start > best_len:
                best_start, best_len = start, i - start
            start = -1
    if best_start < 0:
        return ":".join(f"{p:x}" for p in pieces)
    head = ":".join(f"{p:x}" for p in pieces[:best_start])
    tail = ":".join(f"{p:x}" for p in pieces[best_start + best_len :])
    return f"{head}::{tail}"


def _domain_to_ascii(domain: str) -> str | None:
    """UTS #46 ToASCII, non-transitional (as the URL Standard uses it), for common input.

    Each label is NFC-normalised and punycode-encoded; ``ß`` stays ``ß`` (so
    ``faß.example`` is ``xn--fa-hia.example``), unlike IDNA 2003's mapping to ``ss``.
    The full UTS #46 mapping table is not applied.
    """
    out = []
    for label in unicodedata.normalize("NFC", domain).split("."):
        if label.isascii():
            out.append(label)
            continue
        try:
            out.append("xn--" + label.encode("punycode").decode("ascii"))
        except UnicodeError:
            return None
    return ".".join(out)


def _is_number(label: str) -> bool:
    """URL Standard: the "ends in a number" check for one label."""
    if label.isascii() and label.isdigit():
        return True
    if label[:2] in ("0x", "0X"):
        rest = label[2:]
        return all(ch in "0123456789abcdefABCDEF" for ch in rest)
    return False


def _parse_ipv4(parts: list[str]) -> str | None:
    """URL Standard: IPv4 parser (decimal, 0x hex and 0-prefixed octal parts, 1-4 parts)."""
    if len(parts) > 4:
        return None
    numbers: list[int] = []
    for part in parts:
        if not part:
            return None
        base = 10
        digits = part
        if part[:2] in ("0x", "0X"):
            base, digits = 16, part[2:]
        elif len(part) > 1 and part[0] == "0":
            base, digits = 8, part[1:]
        if digits == "":
            numbers.append(0)
            continue
        try:
            numbers.append(int(digits, base))
        except ValueError:
            return None
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number * 256 ** (3 - index)
    return str(ipaddress.IPv4Address(value))


def _parse_port(raw: str, scheme: str, *, value: object, for_origin: bool) -> int | None:
    if raw == "":
        return None
    if not raw.isdigit() or not raw.isascii() or int(raw) > 65535:
        if for_origin:
            raise InvalidOriginError(value, OriginProblem.BAD_PORT, "ports are 0-65535")
        raise InvalidURLError(value, URLProblem.BAD_PORT, "ports are 0-65535")
    port = int(raw)
    return None if DEFAULT_PORTS.get(scheme) == port else port


def _split_authority(netloc: str) -> tuple[str, str, str, str]:
    userinfo, _, hostport = netloc.rpartition("@")
    username, _, password = userinfo.partition(":")
    if hostport.startswith("["):
        end = hostport.find("]")
        host = hostport[: end + 1] if end >= 0 else hostport
        rest = hostport[end + 1 :] if end >= 0 else ""
        port = rest[1:] if rest.startswith(":") else rest
    else:
        host, _, port = hostport.partition(":")
    return username, password, host, port


def parse_url(value: object) -> URL:
    """URL Standard: basic URL parser (absolute URLs of special schemes, and opaque ones).

    :raises InvalidURLError: the value is not an absolute URL corsspec can use.
    """
    if isinstance(value, URL):
        return value
    if not isinstance(value, str):
        raise InvalidURLError(value, URLProblem.NOT_A_STRING)
    if len(value) > MAX_URL_LEN:
        raise InvalidURLError(value[:64] + "...", URLProblem.TOO_LONG, f"max {MAX_URL_LEN}")
    text = value.strip("\x00\t\n\r\x0c ")
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    try:
        parts = urllib.parse.urlsplit(text)
    except ValueError as exc:
        raise InvalidURLError(value, URLProblem.BAD_HOST, str(exc)) from None
    scheme = parts.scheme.lower()
    if not scheme:
        raise InvalidURLError(value, URLProblem.NOT_ABSOLUTE, "give scheme://host/path")
    if scheme not in DEFAULT_PORTS:
        # Non-special schemes (data:, blob:, about:) keep an opaque path.
        return URL(scheme=scheme, host="", path=text[len(parts.scheme) + 1 :])
    if _CONTROL_OR_SPACE.search(text) is not None:
        raise InvalidURLError(value, URLProblem.BAD_CHARACTER, "control character or space")
    username, password, host, port = _split_authority(parts.netloc)
    canonical = _canonical_host(host, value=value, for_origin=False)
    path = parts.path or "/"
    query = parts.query if ("?" in text.split("#", 1)[0]) else None
    fragment = parts.fragment if "#" in text else None
    return URL(
        scheme=scheme,
        host=canonical,
        port=_parse_port(port, scheme, value=value, for_origin=False),
        path=path,
        query=query,
        fragment=fragment,
        username=username,
        password=password,
    )


def try_parse_url(value: str) -> URL | None:
    """:func:`parse_url` that returns None instead of raising (for server-sent values)."""
    try:
        return parse_url(value)
    except InvalidURLError:
        return None


def parse_origin(value: object) -> Origin:
    """Parse a serialized origin (``https://app.example`` or ``null``) given by a caller.

    Accepts exactly what ``Origin`` headers carry: scheme, host and optional port, and
    nothing else. A URL with a path is refused with a hint rather than silently cut.

    :raises InvalidOriginError: the value is not a serialized origin.
    """
    if isinstance(value, Origin):
        return value
    if not isinstance(value, str):
        raise InvalidOriginError(value, OriginProblem.NOT_A_STRING)
    if value == "null":
        return NULL_ORIGIN
    if len(value) > MAX_ORIGIN_LEN:
        raise InvalidOriginError(value[:64] + "...", OriginProblem.TOO_LONG)
    scheme, sep, rest = value.partition("://")
    if not sep:
        raise InvalidOriginError(value, OriginProblem.NO_SCHEME, "write it as scheme://host")
    scheme = scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidOriginError(
            value, OriginProblem.BAD_SCHEME, "only http, https, ws, wss, ftp have tuple origins"
        )
    authority, slash, _ = rest.partition("/")
    if slash:
        base = f"{scheme}://{authority}"
        raise InvalidOriginError(
            value, OriginProblem.HAS_PATH, f"origins have no path; did you mean {base!r}?"
        )
    if "?" in authority or "#" in authority:
        raise InvalidOriginError(value, OriginProblem.HAS_QUERY_OR_FRAGMENT)
    if "@" in authority:
        raise InvalidOriginError(value, OriginProblem.HAS_USERINFO)
    _, _, host, port = _split_authority(authority)
    if not host:
        raise InvalidOriginError(value, OriginProblem.NO_HOST)
    canonical = _canonical_host(host, value=value, for_origin=True)
    return Origin(
        scheme=scheme,
        host=canonical,
        port=_parse_port(port, scheme, value=value, for_origin=True),
    )

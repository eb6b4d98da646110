"""Shared Hypothesis strategies and a small routing server for the property and unit tests.

Strategies come in two flavours. *Script-side* ones (``header_values``, ``requests``)
produce what page script can legally build, so ``cs.Request`` accepts them. *Server-side*
ones (``raw_header_values``, ``responses``, ``arbitrary_responses``) produce anything a
server can put on the wire: the engine must judge those and never raise.

Everything here is written from the Fetch Standard's definitions (token, header value,
obs-text, origin serialization), not from corsspec's implementation.
"""

from __future__ import annotations

import functools
import ipaddress
from typing import Any

import attrs
from hypothesis import strategies as st

import corsspec as cs

__all__ = [
    "API_URL",
    "CORS_RESPONSE_HEADER_NAMES",
    "OTHER_URL",
    "PAGE_ORIGIN",
    "PAGE_URL",
    "SAFELISTED_REQUEST_HEADER_NAMES",
    "TCHARS",
    "URL_POOL",
    "Route",
    "RouteServer",
    "apply_mask",
    "arbitrary_responses",
    "bodies",
    "header_names",
    "header_values",
    "is_preflight_request",
    "list_value",
    "methods",
    "normalize_method",
    "origin_objects",
    "origins",
    "raw_header_names",
    "raw_header_values",
    "recased",
    "recased_any",
    "request_headers",
    "requests",
    "responses",
    "route_servers",
    "scenarios",
    "tokens",
    "url_hosts",
    "url_references",
    "url_strings",
]

#: RFC 9110 tchar: the code points of an HTTP token.
TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

PAGE_ORIGIN = "https://app.example"
PAGE_URL = "https://app.example/page"
API_URL = "https://api.example/data"
OTHER_URL = "https://other.example/res"
#: URLs the generated requests and redirects move between (same-origin, cross-origin, a
#: third origin, a non-default port and a plain-http one).
URL_POOL: tuple[str, ...] = (
    PAGE_URL,
    "https://app.example/other",
    API_URL,
    "https://api.example/more?x=1",
    OTHER_URL,
    "https://api.example:8443/p",
    "http://api.example/insecure",
)
ORIGIN_POOL: tuple[str, ...] = (
    PAGE_ORIGIN,
    "http://app.example",
    "https://api.example",
    "null",
)

#: Fetch: the names whose values the CORS-safelisted request-header rules examine.
SAFELISTED_REQUEST_HEADER_NAMES: tuple[str, ...] = (
    "Accept",
    "Accept-Language",
    "Content-Language",
    "Content-Type",
    "Range",
)
_OTHER_REQUEST_HEADER_NAMES: tuple[str, ...] = (
    "X-Custom",
    "X-Requested-With",
    "Authorization",
    "Cache-Control",
    "DPR",
    "Save-Data",
    "Cookie",
    "Sec-Fetch-Mode",
    "Proxy-Authorization",
    "X-HTTP-Method-Override",
    "Origin",
)
#: The CORS protocol's response headers (Fetch: HTTP responses), plus Location.
CORS_RESPONSE_HEADER_NAMES: tuple[str, ...] = (
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Credentials",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Expose-Headers",
    "Access-Control-Max-Age",
    "Location",
)


@functools.cache
def tokens(max_size: int = 16) -> st.SearchStrategy[str]:
    """RFC 9110 ``token``: one or more tchar."""
    return st.text(alphabet=TCHARS, min_size=1, max_size=max_size)


def apply_mask(pair: tuple[str, int]) -> str:
    # Only ASCII letters change case: header names compare *byte*-case-insensitively.
    text, mask = pair
    return "".join(
        (ch.upper() if (mask >> (i % 24)) & 1 else ch.lower()) if ch.isascii() else ch
        for i, ch in enumerate(text)
    )


@functools.cache
def recased_any(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Values of ``strategy`` with each ASCII letter independently upper- or lower-cased."""
    return st.tuples(strategy, st.integers(0, 2**24 - 1)).map(apply_mask)


@functools.cache
def recased(text: str) -> st.SearchStrategy[str]:
    """``text`` with each ASCII letter independently upper- or lower-cased."""
    return recased_any(st.just(text))


@functools.cache
def header_names() -> st.SearchStrategy[str]:
    """Fetch: header name (a token), often a well-known one, with random casing."""
    known = st.sampled_from(SAFELISTED_REQUEST_HEADER_NAMES + _OTHER_REQUEST_HEADER_NAMES)
    return recased_any(st.one_of(known, tokens()))


# Fetch "header value" bytes: anything but NUL, LF and CR, including obs-text (0x80-0xFF).
_VALUE_CHARS = "".join(chr(b) for b in range(1, 256) if b not in (0x0A, 0x0D))


def _strip_tab_space(value: str) -> str:
    return value.strip("\t ")


@functools.cache
def header_values(max_size: int = 40) -> st.SearchStrategy[str]:
    """Fetch: header value (no leading/trailing tab or space; no NUL, LF, CR), obs-text included."""
    return st.text(alphabet=_VALUE_CHARS, max_size=max_size).map(_strip_tab_space)


@functools.cache
def raw_header_names() -> st.SearchStrategy[str]:
    """Whatever a server may send as a field name: well-known names recased, or any text."""
    known = st.sampled_from((*CORS_RESPONSE_HEADER_NAMES, "Set-Cookie", "Content-Type", "Vary"))
    return st.one_of(
        recased_any(known),
        st.text(max_size=24),
        st.binary(max_size=24).map(lambda b: b.decode("latin-1")),
    )


@functools.cache
def raw_header_values() -> st.SearchStrategy[str]:
    """Whatever a server may send as a field value: any text, any bytes (isomorphic)."""
    return st.one_of(
        st.text(max_size=60),
        st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
        header_values(),
    )


@functools.cache
def list_value(items: st.SearchStrategy[str], *, max_items: int = 4) -> st.SearchStrategy[str]:
    """An RFC 9110 ``#list`` value built from ``items`` with random OWS and empty elements."""
    ows = st.sampled_from(["", " ", "\t", "  "])
    element = st.one_of(items, st.just(""))
    return st.lists(st.tuples(ows, element, ows), max_size=max_items).map(
        lambda parts: ",".join(f"{a}{e}{b}" for a, e, b in parts).strip(" \t")
    )


@functools.cache
def methods() -> st.SearchStrategy[str]:
    """Methods page script can use (never forbidden ones), in assorted casings."""
    common = st.sampled_from(
        ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get", "post", "patch", "Put"]
    )
    custom = tokens(8).filter(lambda m: m.upper() not in ("CONNECT", "TRACE", "TRACK"))
    return st.one_of(common, custom)


@functools.cache
def origins() -> st.SearchStrategy[str]:
    """Serialized origins: a small pool (so requests are often same-origin) or generated."""
    return st.one_of(st.sampled_from(ORIGIN_POOL), origin_objects().map(lambda o: o.serialize()))


def _number_like(label: str) -> bool:
    # URL Standard "ends in a number": a last label of digits or 0x-hex makes the host an
    # IPv4 address (parsed or refused), so it cannot stand for a domain.
    return label.isdigit() or (
        label.startswith("0x") and all(ch in "0123456789abcdef" for ch in label[2:])
    )


_LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10).filter(
    lambda label: not _number_like(label)
)
_DOMAINS = st.lists(_LABEL, min_size=1, max_size=3).map(".".join)
_IPV4 = st.ip_addresses(v=4).map(str)


def _ipv6_literal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    # URL Standard IPv6 serializer: compress the longest run of zero pieces, lowercase hex,
    # no embedded IPv4 notation (so IPv4-mapped addresses are avoided here).
    return f"[{address.compressed}]"


def _not_ipv4_mapped(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return not isinstance(address, ipaddress.IPv6Address) or address.ipv4_mapped is None


_IPV6 = st.ip_addresses(v=6).filter(_not_ipv4_mapped).map(_ipv6_literal)
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}


@st.composite
def origin_objects(draw: st.DrawFn) -> cs.Origin:
    """Tuple origins in canonical form (HTML: origin), plus the opaque origin."""
    if draw(st.integers(0, 9)) == 0:
        return cs.parse_origin("null")
    scheme = draw(st.sampled_from(sorted(_DEFAULT_PORTS)))
    host = draw(st.one_of(_DOMAINS, _IPV4, _IPV6))
    port = draw(st.none() | st.integers(1, 65535))
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    return cs.Origin(scheme=scheme, host=host, port=port)


@functools.cache
def bodies() -> st.SearchStrategy[cs.Body | None]:
    """Fetch BodyInit kinds (XHR-only documents excluded)."""
    return st.one_of(
        st.none(),
        st.builds(cs.Body.text, st.text(max_size=8)),
        st.builds(cs.Body.url_search_params, st.just("a=1")),
        st.builds(cs.Body.form_data),
        st.builds(
            cs.Body.blob,
            st.just("x"),
            st.sampled_from(["", "text/plain", "application/json", "Text/Plain;charset=x"]),
        ),
        st.builds(cs.Body.bytes, st.just("x")),
    )


def _safelisted_value(name: str) -> st.SearchStrategy[str]:
    return _safelisted_value_for(name.lower())


@functools.cache
def _safelisted_value_for(key: str) -> st.SearchStrategy[str]:
    if key == "accept":
        return st.sampled_from(["*/*", "application/json", "text/html, */*;q=0.8", 'a"b'])
    if key in ("accept-language", "content-language"):
        return st.sampled_from(["en", "en-US,fr;q=0.5", "de_CH", "x" * 129])
    if key == "content-type":
        return st.sampled_from(
            ["text/plain", "application/json", "multipart/form-data; boundary=x", "text/html"]
        )
    if key == "range":
        return st.sampled_from(["bytes=0-", "bytes=0-10", "bytes=-5", "bytes=5-1"])
    if key == "x-http-method-override":
        return st.sampled_from(["PUT", "TRACE", "GET, CONNECT"])
    return header_values(12)


@functools.cache
def _request_header_value(key: str) -> st.SearchStrategy[str]:
    return st.one_of(_safelisted_value_for(key), header_values(12))


@st.composite
def request_headers(draw: st.DrawFn, max_size: int = 4) -> tuple[tuple[str, str], ...]:
    """Script-set header lists: realistic names and values, random casing, duplicates."""
    pairs: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(0, max_size))):
        name = draw(header_names())
        value = draw(_request_header_value(name.lower()))
        pairs.append((name, value))
    return tuple(pairs)


_NORMALIZED = ("DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT")


def normalize_method(method: str) -> str:
    """Fetch: normalize a method (only the six well-known methods are upper-cased)."""
    return method.upper() if method.upper() in _NORMALIZED else method


@st.composite
def requests(draw: st.DrawFn) -> cs.Request:
    """Requests page script can make with ``fetch()`` or XHR (constructor accepts them)."""
    api = draw(st.sampled_from(["fetch", "fetch", "xhr"]))
    method = draw(methods())
    kwargs: dict[str, Any] = {"api": api}
    if api == "xhr":
        kwargs["credentials"] = draw(st.sampled_from(["same-origin", "include"]))
        kwargs["upload_listener"] = draw(st.booleans())
    else:
        kwargs["mode"] = draw(st.sampled_from(["cors", "cors", "no-cors", "same-origin"]))
        kwargs["credentials"] = draw(st.sampled_from(["omit", "same-origin", "include"]))
        kwargs["redirect"] = draw(st.sampled_from(["follow", "follow", "error", "manual"]))
        if kwargs["mode"] == "no-cors" and normalize_method(method) not in ("GET", "HEAD", "POST"):
            method = "POST"
    body = draw(bodies())
    if normalize_method(method) in ("GET", "HEAD") and api == "fetch":
        body = None
    return cs.Request(
        method=method,
        url=draw(st.sampled_from(URL_POOL)),
        origin=draw(st.sampled_from(ORIGIN_POOL)),
        headers=draw(request_headers()),
        body=body,
        **kwargs,
    )


def _cors_value(name: str) -> st.SearchStrategy[str]:
    return _cors_value_for(name.lower())


@functools.cache
def _cors_value_for(key: str) -> st.SearchStrategy[str]:
    if key == "access-control-allow-origin":
        return st.sampled_from([*ORIGIN_POOL, "*", "https://app.example/", "HTTPS://APP.EXAMPLE"])
    if key == "access-control-allow-credentials":
        return st.sampled_from(["true", "True", "false", ""])
    if key == "access-control-allow-methods":
        return list_value(methods())
    if key in ("access-control-allow-headers", "access-control-expose-headers"):
        return list_value(st.one_of(st.sampled_from(["*", "x-custom", "Authorization"]), tokens()))
    if key == "access-control-max-age":
        return st.sampled_from(["0", "5", "600", "7201", "-1", "abc", "1.5"])
    if key == "location":
        return st.sampled_from(
            [*URL_POOL, "/relative", "ftp://x.example/", "https://u:p@api.example/"]
        )
    return raw_header_values()


_STATUSES = st.one_of(
    st.sampled_from([200, 204, 301, 302, 303, 307, 308, 404, 500]),
    st.integers(100, 999),
)
_RESPONSE_NAMES = st.one_of(
    recased_any(st.sampled_from(CORS_RESPONSE_HEADER_NAMES)),
    raw_header_names(),
)


@st.composite
def responses(draw: st.DrawFn, *, max_headers: int = 6) -> cs.Response:
    """Plausible server answers: CORS headers with valid and invalid values, plus junk."""
    status = draw(_STATUSES)
    pairs: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(0, max_headers))):
        name = draw(_RESPONSE_NAMES)
        pairs.append((name, draw(_cors_value(name))))
    return cs.Response(status=status, headers=tuple(pairs))


_ARBITRARY_PAIRS = st.lists(
    st.tuples(
        st.one_of(raw_header_names(), st.sampled_from(CORS_RESPONSE_HEADER_NAMES)),
        st.one_of(raw_header_values(), st.sampled_from(["*", "null", PAGE_ORIGIN])),
    ),
    max_size=12,
)


@st.composite
def arbitrary_responses(draw: st.DrawFn) -> cs.Response:
    """Anything at all on the wire: garbage names and values, any status."""
    pairs = draw(_ARBITRARY_PAIRS)
    return cs.Response(status=draw(st.integers(100, 999)), headers=tuple(pairs))


def is_preflight_request(request: cs.Request) -> bool:
    """Fetch: a CORS-preflight request is OPTIONS carrying Access-Control-Request-Method."""
    return request.method == "OPTIONS" and any(
        name.lower() == "access-control-request-method" for name, _ in request.headers
    )


def _canonical_url(value: str) -> str:
    return cs.parse_url(value).serialize(exclude_fragment=True)


#: What a server with no OPTIONS handler answers a preflight with.
NO_OPTIONS_HANDLER = cs.Response(status=405)


@attrs.frozen(kw_only=True)
class Route:
    """One URL's two answers: to a preflight and to anything else."""

    url: str = attrs.field(converter=_canonical_url)
    actual: cs.Response
    preflight: cs.Response | None = None


@attrs.frozen(kw_only=True)
class RouteServer:
    """A server described by routes (so redirects can go somewhere); 404 elsewhere."""

    routes: tuple[Route, ...] = ()

    def respond(self, request: cs.Request) -> cs.Response:
        """Answer like the route for the request's URL (fragment ignored)."""
        url = request.url.serialize(exclude_fragment=True)
        for route in self.routes:
            if route.url == url:
                if is_preflight_request(request):
                    return route.preflight if route.preflight is not None else NO_OPTIONS_HANDLER
                return route.actual
        return cs.Response(status=404)


@st.composite
def route_servers(
    draw: st.DrawFn,
    answers: st.SearchStrategy[cs.Response] | None = None,
    *,
    must_route: str | None = None,
    max_routes: int = 1,
) -> RouteServer:
    """A server with routes for a few pool URLs (``must_route`` always), 404 elsewhere."""
    strategy = responses() if answers is None else answers
    urls = draw(st.lists(st.sampled_from(URL_POOL), max_size=max_routes, unique=True))
    if must_route is not None and must_route not in urls:
        urls.insert(0, must_route)
    routes = tuple(
        Route(url=url, actual=draw(strategy), preflight=draw(st.none() | strategy)) for url in urls
    )
    return RouteServer(routes=routes)


@st.composite
def _scenario(
    draw: st.DrawFn, answers: st.SearchStrategy[cs.Response] | None
) -> tuple[cs.Request, RouteServer]:
    request = draw(requests())
    server = draw(route_servers(answers, must_route=request.url.serialize(exclude_fragment=True)))
    return request, server


def scenarios(
    answers: st.SearchStrategy[cs.Response] | None = None,
) -> st.SearchStrategy[tuple[cs.Request, RouteServer]]:
    """A request plus a server that answers at its URL (and maybe where it redirects)."""
    return _scenario(answers)


# --- URL Standard input ------------------------------------------------------------------
# Strings built to reach every state of the URL Standard's basic URL parser: special and
# non-special schemes, slashes and backslashes, userinfo with extra '@' and ':', hosts
# of every kind (domains, percent-encoded, non-ASCII from scripts UTS #46 treats
# differently, IPv4 number forms, IPv6 with and without embedded IPv4 or a zone), ports
# with leading zeros or thousands of digits, dot segments, and code points each
# percent-encode set treats differently. Written from the URL Standard, not from
# corsspec.engine.url. Lone surrogates are left out: the oracle takes UTF-8.

_URL_SCHEMES = st.sampled_from(
    ["http", "https", "HTTPS", "ws", "wss", "ftp", "file", "foo", "web+x", "data", "blob", "about"]
)
# Non-ASCII code points by family: Latin letters and case pairs, deviations (U+00DF,
# U+03C2, U+1E9E), full-width forms, the full stops UTS #46 maps, ignored ones (soft
# hyphen, zero width space, variation selector), joiners, combining marks, Greek,
# Cyrillic, CJK, Hangul, right-to-left letters and digits, symbols and emoji,
# compatibility characters that map to several (U+FB01, U+2163, U+00BD, U+2488), spaces
# and controls, private use, unassigned, U+FFFD.
_HOST_CODE_POINTS = (
    "\u00e9\u00c9\u00fc\u00dc\u00df\u03c2\u03a3\u1e9e\uff21\uff41\uff10\uff0e\u3002\uff61"
    "\u00ad\u200b\ufe0f\u200c\u200d\u0300\u0301\u0345\u03b1\u0416\u4e2d\uac00\u05d0"
    "\u0627\u0661\u2603\U0001f600\ufb01\u2163\u00bd\u2488\u00a0\u3000\u0085\ue000\u0378"
    "\ufffd\u2ff0\u1806\u17b4\u0130\u212a"
)
_HOST_ASCII = "abcxyzABCXYZ0123456789-_.*!$%~"
_HOST_CHARS = st.sampled_from(_HOST_CODE_POINTS + _HOST_ASCII)
_PERCENT_ESCAPES = st.sampled_from(
    ["%61", "%41", "%2e", "%2E", "%c3%bc", "%ff", "%25", "%00", "%zz"]
)
_NUMBER_PARTS = st.one_of(
    st.integers(0, 300).map(str),
    st.integers(0, 2**32 + 5).map(str),
    st.integers(0, 0xFFFFFFFF + 2).map(lambda n: f"0x{n:x}"),
    st.integers(0, 0o777).map(lambda n: f"0{n:o}"),
    st.sampled_from(["0x", "0X1F", "09", "08", "0", "00", "0x0g", "1" * 30, "0x" + "f" * 40]),
)


@functools.cache
def url_hosts() -> st.SearchStrategy[str]:
    """Host text as it appears between ``//`` and the port (URL Standard: host parser)."""
    label = st.lists(st.one_of(_HOST_CHARS, _PERCENT_ESCAPES), max_size=6).map("".join)
    domain = st.lists(
        st.one_of(
            label, st.sampled_from(["xn--zca", "xn--bcher-kva", "xn--", "xn--abc-", "xn--a"])
        ),
        min_size=1,
        max_size=4,
    ).map(".".join)
    ipv4 = st.lists(_NUMBER_PARTS, min_size=1, max_size=5).map(".".join)
    trailing_dot = st.tuples(ipv4, st.sampled_from(["", ".", ".."])).map("".join)
    ipv6_piece = st.one_of(
        st.integers(0, 0xFFFF).map(lambda n: f"{n:x}"),
        st.sampled_from(["", "0", "00000", "FFFF", "1.2.3.4", "01.2.3.4", "1.2.3", "%25eth0"]),
    )
    ipv6 = st.lists(ipv6_piece, min_size=1, max_size=9).map(lambda p: "[" + ":".join(p) + "]")
    ipv6_known = st.ip_addresses(v=6).map(lambda a: f"[{a.exploded}]")
    return st.one_of(
        domain, ipv4, trailing_dot, ipv6, ipv6_known, st.sampled_from(["", "[", "[::1"])
    )


_PATH_CHARS = st.sampled_from(
    list("abc/\\.% ?#'\"<>`{}|^[]@:;=!$&()*+,~\t\n\x00\x1f\x7f\u00e9\u4e2d")
)
_SEGMENTS = st.sampled_from(
    ["", ".", "..", "%2e", "%2E.", ".%2e", "%2e%2e", "a", "C:", "C|", "x y"]
)


@st.composite
def _paths(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(st.one_of(_SEGMENTS, st.lists(_PATH_CHARS, max_size=4).map("".join)), max_size=5)
    )
    return draw(st.sampled_from(["/", "\\", ""])) + draw(st.sampled_from(["/", "\\"])).join(parts)


@st.composite
def url_strings(draw: st.DrawFn) -> str:
    """Absolute URL strings (valid or not) for the basic URL parser without a base."""
    scheme = draw(_URL_SCHEMES)
    slashes = draw(st.sampled_from(["//", "//", "//", "", "/", "\\\\", "///", "/\\"]))
    userinfo = draw(st.sampled_from(["", "", "", "u@", "u:p@", "a@b@", ":@", "u:p:q@", "\u00e9@"]))
    host = draw(url_hosts())
    port = draw(
        st.one_of(
            st.just(""),
            st.sampled_from([":", ":80", ":443", ":0", ":65535", ":65536", ":0080", ":x", ":1x"]),
            st.integers(0, 10**6).map(lambda n: f":{n}"),
            st.just(":" + "9" * 5000),
        )
    )
    path = draw(_paths())
    query = draw(
        st.one_of(st.just(""), st.lists(_PATH_CHARS, max_size=6).map(lambda q: "?" + "".join(q)))
    )
    fragment = draw(
        st.one_of(st.just(""), st.lists(_PATH_CHARS, max_size=4).map(lambda f: "#" + "".join(f)))
    )
    if scheme in ("data", "about", "blob") and draw(st.booleans()):
        inner = draw(
            st.sampled_from(["text/plain,a b", "blank", "https://a.example/u", "null/x", " x ?y"])
        )
        return f"{scheme}:{inner}{query}{fragment}"
    lead = draw(st.sampled_from(["", "", " ", "\t", "\x00"]))
    return f"{lead}{scheme}:{slashes}{userinfo}{host}{port}{path}{query}{fragment}"


@st.composite
def url_references(draw: st.DrawFn) -> tuple[str, str]:
    """``(base, reference)``: a valid base URL and a relative (or absolute) reference."""
    base = draw(
        st.sampled_from(
            [
                "https://a.example/x/y?q#f",
                "http://a.example:8080/x/",
                "https://u:p@a.example/",
                "file:///C:/a/b",
                "file://h/a",
                "foo://h/a/b",
                "foo:/a/b",
                "data:text/plain,hi",
                "ws://a.example/",
            ]
        )
    )
    reference = draw(
        st.one_of(
            url_strings(),
            st.tuples(
                st.sampled_from(
                    [
                        "",
                        "/",
                        "//",
                        "\\",
                        "\\\\",
                        "?",
                        "#",
                        "./",
                        "../",
                        "http:",
                        "https:",
                        "file:",
                        "foo:",
                    ]
                ),
                st.one_of(url_hosts(), _paths()),
                _paths(),
            ).map("".join),
        )
    )
    return base, reference

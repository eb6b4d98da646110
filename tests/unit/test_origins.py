"""corsspec.engine.url: parse and serialize origins and URLs (HTML origin, URL Standard)."""

from __future__ import annotations

import pickle

import attrs
import pytest

import corsspec as cs
from corsspec.engine.url import NULL_ORIGIN, try_parse_url
from corsspec.errors import OriginProblem, URLProblem
from tests.unit._support import params


@attrs.frozen(kw_only=True)
class OriginCase:
    id: str
    spec: str
    value: str
    expected: str
    bug: str | None = None


PARSE_ORIGIN_CASES: tuple[OriginCase, ...] = (
    OriginCase(
        id="https",
        spec="HTML origin serialization",
        value="https://app.example",
        expected="https://app.example",
    ),
    OriginCase(
        id="http",
        spec="HTML origin serialization",
        value="http://app.example",
        expected="http://app.example",
    ),
    OriginCase(
        id="https-default-port-elided",
        spec="URL Standard: a scheme's default port is null",
        value="https://app.example:443",
        expected="https://app.example",
    ),
    OriginCase(
        id="http-default-port-elided",
        spec="URL Standard: default port",
        value="http://app.example:80",
        expected="http://app.example",
    ),
    OriginCase(
        id="https-port-80-kept",
        spec="URL Standard: only the scheme's own default is elided",
        value="https://app.example:80",
        expected="https://app.example:80",
    ),
    OriginCase(
        id="http-port-443-kept",
        spec="URL Standard: default port",
        value="http://app.example:443",
        expected="http://app.example:443",
    ),
    OriginCase(
        id="port-leading-zeros",
        spec="URL Standard port state: digits interpreted as a decimal number",
        value="https://app.example:0443",
        expected="https://app.example",
    ),
    OriginCase(
        id="custom-port",
        spec="HTML origin serialization",
        value="https://app.example:8443",
        expected="https://app.example:8443",
    ),
    OriginCase(
        id="port-zero",
        spec="URL Standard: port 0 is valid",
        value="http://app.example:0",
        expected="http://app.example:0",
    ),
    OriginCase(
        id="port-max",
        spec="URL Standard: port <= 65535",
        value="http://app.example:65535",
        expected="http://app.example:65535",
    ),
    OriginCase(
        id="empty-port",
        spec="URL Standard port state: empty port is null",
        value="https://app.example:",
        expected="https://app.example",
    ),
    OriginCase(
        id="upper-scheme",
        spec="URL Standard: scheme is lowercased",
        value="HTTPS://app.example",
        expected="https://app.example",
    ),
    OriginCase(
        id="upper-host",
        spec="URL Standard: domain to ASCII lowercases",
        value="https://APP.Example",
        expected="https://app.example",
    ),
    OriginCase(
        id="trailing-dot-kept",
        spec="URL Standard: host trailing dot is kept",
        value="https://app.example.",
        expected="https://app.example.",
    ),
    OriginCase(
        id="ipv4",
        spec="URL Standard IPv4 serializer",
        value="http://127.0.0.1:8080",
        expected="http://127.0.0.1:8080",
    ),
    OriginCase(
        id="ipv6-loopback",
        spec="URL Standard IPv6 serializer",
        value="http://[::1]",
        expected="http://[::1]",
    ),
    OriginCase(
        id="ipv6-compressed",
        spec="URL Standard IPv6 serializer: compress the longest run of zeros",
        value="http://[0:0:0:0:0:0:0:1]:8080",
        expected="http://[::1]:8080",
    ),
    OriginCase(
        id="ipv6-lowercase-hex",
        spec="URL Standard IPv6 serializer: lowercase hex, no leading zeros",
        value="https://[2001:DB8:0000::0001]",
        expected="https://[2001:db8::1]",
    ),
    OriginCase(
        id="ipv6-single-zero-not-compressed",
        spec="URL Standard IPv6 serializer: only runs of two or more zero pieces compress",
        value="https://[1:0:2:3:4:5:6:7]",
        expected="https://[1:0:2:3:4:5:6:7]",
    ),
    OriginCase(
        id="ipv6-ipv4-mapped",
        spec="URL Standard IPv6 serializer: no dotted-quad notation",
        value="http://[::ffff:1.2.3.4]",
        expected="http://[::ffff:102:304]",
    ),
    OriginCase(
        id="idna-umlaut",
        spec="URL Standard domain to ASCII (UTS #46)",
        value="https://b\xfccher.example",
        expected="https://xn--bcher-kva.example",
    ),
    OriginCase(
        id="idna-upper-umlaut",
        spec="URL Standard domain to ASCII (UTS #46 maps case)",
        value="https://B\xdcCHER.example",
        expected="https://xn--bcher-kva.example",
    ),
    OriginCase(
        id="idna-sharp-s-nontransitional",
        spec="URL Standard domain to ASCII: UTS #46, Transitional_Processing=false keeps U+00DF",
        value="https://fa\xdf.example",
        expected="https://xn--fa-hia.example",
    ),
    OriginCase(
        id="punycode-kept",
        spec="URL Standard domain to ASCII",
        value="https://xn--bcher-kva.example",
        expected="https://xn--bcher-kva.example",
    ),
    OriginCase(
        id="ws",
        spec="URL Standard special scheme ws",
        value="ws://app.example:80",
        expected="ws://app.example",
    ),
    OriginCase(
        id="wss",
        spec="URL Standard special scheme wss",
        value="wss://app.example:443",
        expected="wss://app.example",
    ),
)


@pytest.mark.parametrize("case", params(PARSE_ORIGIN_CASES))
def test_parse_origin_table(case: OriginCase) -> None:
    origin = cs.parse_origin(case.value)
    assert origin.serialize() == case.expected
    assert str(origin) == case.expected
    assert not origin.opaque
    # Parsing the serialization again gives the same origin (round trip).
    assert cs.parse_origin(origin.serialize()) == origin


def test_parse_origin_fields() -> None:
    o = cs.parse_origin("HTTPS://App.Example:8443")
    assert (o.scheme, o.host, o.port, o.opaque) == ("https", "app.example", 8443, False)
    assert cs.parse_origin("https://app.example:443").port is None


def test_null_origin() -> None:
    # Fetch #origin-header: `null` is the case-sensitive literal for an opaque origin.
    o = cs.parse_origin("null")
    assert o.opaque
    assert o.serialize() == "null"
    assert o == NULL_ORIGIN
    assert cs.parse_origin(o) is o


@attrs.frozen(kw_only=True)
class BadOriginCase:
    id: str
    spec: str
    value: object
    problem: OriginProblem
    bug: str | None = None


BAD_ORIGIN_CASES: tuple[BadOriginCase, ...] = (
    BadOriginCase(
        id="not-a-string", spec="caller input", value=123, problem=OriginProblem.NOT_A_STRING
    ),
    BadOriginCase(
        id="bytes",
        spec="caller input",
        value=b"https://a.example",
        problem=OriginProblem.NOT_A_STRING,
    ),
    BadOriginCase(id="none", spec="caller input", value=None, problem=OriginProblem.NOT_A_STRING),
    BadOriginCase(
        id="empty", spec="origin-or-null ABNF", value="", problem=OriginProblem.NO_SCHEME
    ),
    BadOriginCase(
        id="bare-host",
        spec="origin-or-null ABNF",
        value="app.example",
        problem=OriginProblem.NO_SCHEME,
    ),
    BadOriginCase(
        id="null-is-case-sensitive",
        spec="Fetch #origin-header: `null` is case-sensitive",
        value="NULL",
        problem=OriginProblem.NO_SCHEME,
    ),
    BadOriginCase(
        id="file-scheme",
        spec="URL Standard: file URLs have opaque origins",
        value="file://host",
        problem=OriginProblem.BAD_SCHEME,
    ),
    BadOriginCase(
        id="javascript",
        spec="HTML: tuple origins need a special scheme",
        value="javascript://x",
        problem=OriginProblem.BAD_SCHEME,
    ),
    BadOriginCase(
        id="no-host",
        spec="origin-or-null ABNF: host required",
        value="https://",
        problem=OriginProblem.NO_HOST,
    ),
    BadOriginCase(
        id="trailing-slash",
        spec="origin-or-null ABNF: no path",
        value="https://app.example/",
        problem=OriginProblem.HAS_PATH,
    ),
    BadOriginCase(
        id="path",
        spec="origin-or-null ABNF: no path",
        value="https://app.example/x",
        problem=OriginProblem.HAS_PATH,
    ),
    BadOriginCase(
        id="query",
        spec="origin-or-null ABNF",
        value="https://app.example?x=1",
        problem=OriginProblem.HAS_QUERY_OR_FRAGMENT,
    ),
    BadOriginCase(
        id="fragment",
        spec="origin-or-null ABNF",
        value="https://app.example#x",
        problem=OriginProblem.HAS_QUERY_OR_FRAGMENT,
    ),
    BadOriginCase(
        id="userinfo",
        spec="origin-or-null ABNF: no userinfo",
        value="https://u:p@app.example",
        problem=OriginProblem.HAS_USERINFO,
    ),
    BadOriginCase(
        id="port-too-big",
        spec="URL Standard port state: > 65535 fails",
        value="https://app.example:65536",
        problem=OriginProblem.BAD_PORT,
    ),
    BadOriginCase(
        id="port-not-digits",
        spec="URL Standard port state",
        value="https://app.example:https",
        problem=OriginProblem.BAD_PORT,
    ),
    BadOriginCase(
        id="port-negative",
        spec="URL Standard port state",
        value="https://app.example:-1",
        problem=OriginProblem.BAD_PORT,
    ),
    BadOriginCase(
        id="space-in-host",
        spec="URL Standard forbidden host code point",
        value="https://app example",
        problem=OriginProblem.BAD_HOST,
    ),
    BadOriginCase(
        id="nul-in-host",
        spec="URL Standard forbidden host code point",
        value="https://a\x00b",
        problem=OriginProblem.BAD_HOST,
    ),
    BadOriginCase(
        id="caret-in-host",
        spec="URL Standard forbidden host code point",
        value="https://a^b",
        problem=OriginProblem.BAD_HOST,
    ),
    BadOriginCase(
        id="unterminated-ipv6",
        spec="URL Standard IPv6 parser",
        value="https://[::1",
        problem=OriginProblem.BAD_HOST,
    ),
    BadOriginCase(
        id="bad-ipv6",
        spec="URL Standard IPv6 parser",
        value="https://[::g]",
        problem=OriginProblem.BAD_HOST,
    ),
    BadOriginCase(
        id="ipv4-out-of-range",
        spec="URL Standard IPv4 parser",
        value="http://1.2.3.256",
        problem=OriginProblem.BAD_HOST,
    ),
    BadOriginCase(
        id="too-long",
        spec="corsspec cap (bounded work)",
        value="https://" + "a" * 5000,
        problem=OriginProblem.TOO_LONG,
    ),
)


@pytest.mark.parametrize("case", params(BAD_ORIGIN_CASES))
def test_parse_origin_rejects_table(case: BadOriginCase) -> None:
    with pytest.raises(cs.InvalidOriginError) as info:
        cs.parse_origin(case.value)
    assert info.value.reason is case.problem
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, cs.CorsspecError)
    assert str(info.value)  # the message renders


def test_parse_origin_has_path_hint_names_the_origin() -> None:
    with pytest.raises(cs.InvalidOriginError) as info:
        cs.parse_origin("https://app.example/path")
    assert "'https://app.example'" in str(info.value)


def test_same_origin() -> None:
    a = cs.parse_origin("https://app.example")
    assert a.same_origin(cs.parse_origin("https://APP.example:443"))
    assert not a.same_origin(cs.parse_origin("http://app.example"))
    assert not a.same_origin(cs.parse_origin("https://app.example:8443"))
    assert not a.same_origin(cs.parse_origin("https://www.app.example"))
    # An opaque origin is never same origin with a tuple origin (and, without identity,
    # with another opaque origin).
    assert not NULL_ORIGIN.same_origin(a)
    assert not a.same_origin(NULL_ORIGIN)


# --- URLs ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class URLCase:
    id: str
    spec: str
    value: str
    serialized: str
    origin: str
    bug: str | None = None


PARSE_URL_CASES: tuple[URLCase, ...] = (
    URLCase(
        id="plain",
        spec="URL Standard basic URL parser",
        value="https://api.example/a/b?x=1#f",
        serialized="https://api.example/a/b?x=1#f",
        origin="https://api.example",
    ),
    URLCase(
        id="empty-path",
        spec="URL Standard: special URLs have path '/'",
        value="https://api.example",
        serialized="https://api.example/",
        origin="https://api.example",
    ),
    URLCase(
        id="default-port",
        spec="URL Standard: default port elided",
        value="HTTPS://API.example:443/x",
        serialized="https://api.example/x",
        origin="https://api.example",
    ),
    URLCase(
        id="empty-query-kept",
        spec="URL Standard: empty query is not null",
        value="https://api.example/?",
        serialized="https://api.example/?",
        origin="https://api.example",
    ),
    URLCase(
        id="userinfo",
        spec="URL Standard: credentials are kept in the URL",
        value="https://u:p@api.example/",
        serialized="https://u:p@api.example/",
        origin="https://api.example",
    ),
    URLCase(
        id="tab-newline-removed",
        spec="URL Standard: remove all ASCII tab or newline",
        value="https://api.ex\tample/\na",
        serialized="https://api.example/a",
        origin="https://api.example",
    ),
    URLCase(
        id="leading-trailing-c0-space",
        spec="URL Standard: strip leading and trailing C0 control or space",
        value="  https://api.example/ \x00",
        serialized="https://api.example/",
        origin="https://api.example",
    ),
    URLCase(
        id="ipv6",
        spec="URL Standard IPv6 serializer",
        value="http://[0::1]:81/",
        serialized="http://[::1]:81/",
        origin="http://[::1]:81",
    ),
    URLCase(
        id="idna",
        spec="URL Standard domain to ASCII",
        value="https://b\xfccher.example/",
        serialized="https://xn--bcher-kva.example/",
        origin="https://xn--bcher-kva.example",
    ),
    URLCase(
        id="ipv4-two-parts",
        spec="URL Standard IPv4 parser: '127.1' is 127.0.0.1",
        value="http://127.1/",
        serialized="http://127.0.0.1/",
        origin="http://127.0.0.1",
    ),
    URLCase(
        id="ipv4-hex-part",
        spec="URL Standard IPv4 number parser: 0x prefix is hexadecimal",
        value="http://0x7f.0.0.1/",
        serialized="http://127.0.0.1/",
        origin="http://127.0.0.1",
    ),
    URLCase(
        id="ipv4-single-number",
        spec="URL Standard IPv4 parser: one part is the whole address",
        value="http://2130706433/",
        serialized="http://127.0.0.1/",
        origin="http://127.0.0.1",
    ),
    URLCase(
        id="ipv4-octal-part",
        spec="URL Standard IPv4 number parser: leading 0 is octal",
        value="http://0177.0.0.1/",
        serialized="http://127.0.0.1/",
        origin="http://127.0.0.1",
    ),
    URLCase(
        id="data-url-opaque-origin",
        spec="URL Standard: data: URLs have an opaque origin",
        value="data:text/plain,hi",
        serialized="data:text/plain,hi",
        origin="null",
    ),
)


@pytest.mark.parametrize("case", params(PARSE_URL_CASES))
def test_parse_url_table(case: URLCase) -> None:
    url = cs.parse_url(case.value)
    assert url.serialize() == case.serialized
    assert url.origin.serialize() == case.origin
    assert cs.parse_url(url.serialize()) == url


@attrs.frozen(kw_only=True)
class BadURLCase:
    id: str
    spec: str
    value: object
    problem: URLProblem
    bug: str | None = None


BAD_URL_CASES: tuple[BadURLCase, ...] = (
    BadURLCase(id="not-a-string", spec="caller input", value=1, problem=URLProblem.NOT_A_STRING),
    BadURLCase(
        id="relative",
        spec="URL Standard: no base URL",
        value="/path",
        problem=URLProblem.NOT_ABSOLUTE,
    ),
    BadURLCase(
        id="empty", spec="URL Standard: no scheme", value="", problem=URLProblem.NOT_ABSOLUTE
    ),
    BadURLCase(
        id="bad-port",
        spec="URL Standard port state",
        value="https://a.example:70000/",
        problem=URLProblem.BAD_PORT,
    ),
    BadURLCase(
        id="bad-ipv6",
        spec="URL Standard IPv6 parser",
        value="https://[::zz]/",
        problem=URLProblem.BAD_HOST,
    ),
    BadURLCase(
        id="space-in-host",
        spec="URL Standard forbidden host code point",
        value="https://a b/",
        problem=URLProblem.BAD_CHARACTER,
    ),
    BadURLCase(
        id="too-long",
        spec="corsspec cap (bounded work)",
        value="https://a.example/" + "x" * 100_000,
        problem=URLProblem.TOO_LONG,
    ),
)


@pytest.mark.parametrize("case", params(BAD_URL_CASES))
def test_parse_url_rejects_table(case: BadURLCase) -> None:
    with pytest.raises(cs.InvalidURLError) as info:
        cs.parse_url(case.value)
    assert info.value.reason is case.problem
    assert str(info.value)
    if isinstance(case.value, str):
        assert try_parse_url(case.value) is None


def test_url_properties() -> None:
    url = cs.parse_url("https://u:p@api.example:8443/p?q#f")
    assert url.includes_credentials
    assert url.is_http
    assert url.serialize(exclude_fragment=True) == "https://u:p@api.example:8443/p?q"
    assert not cs.parse_url("https://api.example/").includes_credentials
    assert cs.parse_url("https://u@api.example/").includes_credentials
    assert cs.parse_url("https://:p@api.example/").includes_credentials
    assert not cs.parse_url("ftp://api.example/").is_http
    assert cs.parse_url("ftp://api.example/").origin.serialize() == "ftp://api.example"


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        pytest.param("/y", "https://api.example/y#frag", id="absolute-path-inherits-fragment"),
        pytest.param("y", "https://api.example/dir/y#frag", id="relative-path"),
        pytest.param("https://other.example/z", "https://other.example/z#frag", id="absolute"),
        pytest.param("//other.example/z", "https://other.example/z#frag", id="scheme-relative"),
        pytest.param("/y#own", "https://api.example/y#own", id="own-fragment-wins"),
        pytest.param("?q=1", "https://api.example/dir/x?q=1#frag", id="query-only"),
    ],
)
def test_url_join_location_semantics(reference: str, expected: str) -> None:
    # Fetch #concept-response-location-url: parse relative to the response URL, then a
    # null fragment is set to the request's fragment.
    base = cs.parse_url("https://api.example/dir/x#frag")
    joined = base.join(reference)
    assert joined is not None
    assert joined.serialize() == expected


def test_url_join_failure_is_none() -> None:
    base = cs.parse_url("https://api.example/")
    assert base.join("https://[oops/") is None


def test_origin_and_url_pickle() -> None:
    o = cs.parse_origin("https://app.example:8443")
    u = cs.parse_url("https://api.example/x?y#z")
    assert pickle.loads(pickle.dumps(o)) == o
    assert pickle.loads(pickle.dumps(u)) == u
    assert pickle.loads(pickle.dumps(NULL_ORIGIN)) == NULL_ORIGIN


@pytest.mark.parametrize(
    "url",
    [
        "https://app.example/x",
        "https://APP.example:443/",
        "https://app.example:8443/",
        "http://app.example/",
        "https://www.app.example/",
        "data:text/plain,hi",
        "about:blank",
        "http://[::1]:8080/",
        "http://127.0.0.1/",
    ],
)
@pytest.mark.parametrize(
    "origin",
    [
        "https://app.example",
        "http://app.example",
        "https://app.example:8443",
        "null",
        "http://[::1]:8080",
        "http://127.0.0.1",
    ],
)
def test_same_origin_as_url_equals_same_origin_with_its_origin(origin: str, url: str) -> None:
    o = NULL_ORIGIN if origin == "null" else cs.parse_origin(origin)
    u = cs.parse_url(url)
    assert o.same_origin_as_url(u) is o.same_origin(u.origin)

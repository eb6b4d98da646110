"""Case tables for the WHATWG URL parser (corsspec.engine.url), one per spec concept.

Shared by ``test_url_parser.py`` (the expected values) and ``test_url_oracle.py`` (every
row is also checked against ada, a WHATWG URL parser, so the expectations themselves are
not corsspec's opinion). ``expected`` is the href (fragment included), or None where the
URL Standard returns failure; ``base`` makes the row a relative reference.
"""

from __future__ import annotations

import attrs

from corsspec.errors import URLProblem


@attrs.frozen(kw_only=True)
class ParseCase:
    id: str
    spec: str
    value: str
    expected: str | None
    origin: str | None = None
    base: str | None = None
    problem: URLProblem | None = None
    bug: str | None = None


def _case(
    id: str,
    spec: str,
    value: str,
    expected: str | None,
    origin: str | None = None,
    *,
    base: str | None = None,
    problem: URLProblem | None = None,
) -> ParseCase:
    return ParseCase(
        id=id, spec=spec, value=value, expected=expected, origin=origin, base=base, problem=problem
    )


SPECIAL_SLASHES = "URL Standard: special authority ignore slashes state / relative slash state"
PATH_STATE = "URL Standard: path state (single-dot and double-dot URL path segments)"
PATH_SET = "URL Standard: path percent-encode set"
QUERY_SET = "URL Standard: query state (special-query percent-encode set for special URLs)"
FRAGMENT_SET = "URL Standard: fragment percent-encode set"
HOST = "URL Standard: host parser"
DOMAIN = "URL Standard: domain to ASCII (UTS #46, nontransitional)"
IPV4 = "URL Standard: IPv4 parser / IPv4 number parser"
IPV6 = "URL Standard: IPv6 parser and serializer"
PORT = "URL Standard: port state"
ORIGIN = "URL Standard: origin of a URL"

#: The wrong answers listed in issue 12 (and the URL rows of issue 13), each a row.
ISSUE_CASES: tuple[ParseCase, ...] = (
    _case(
        "issue12-backslash-location-is-cross-origin",
        SPECIAL_SLASHES + ": '\\' is a '/' in special URLs",
        "\\\\evil.example/p",
        "https://evil.example/p",
        "https://evil.example",
        base="https://a.example/x/y",
    ),
    _case(
        "issue12-dot-segments-normalised",
        PATH_STATE,
        "/a/../b",
        "https://a.example/b",
        "https://a.example",
        base="https://a.example/x/y",
    ),
    _case(
        "issue12-space-in-path-is-percent-encoded",
        PATH_SET + " contains U+0020",
        "https://a.example/a b",
        "https://a.example/a%20b",
        "https://a.example",
    ),
    _case(
        "issue12-full-width-host",
        DOMAIN + ": full-width letters map to ASCII",
        "https://\uff21\uff22\uff23.example/",
        "https://abc.example/",
        "https://abc.example",
    ),
    _case(
        "issue12-ideographic-full-stop",
        DOMAIN + ": U+3002 maps to U+002E",
        "https://a\u3002example/",
        "https://a.example/",
        "https://a.example",
    ),
    _case(
        "issue12-percent-encoded-host",
        HOST + ": 'domain' is the UTF-8 decoding of the percent-decoded input",
        "https://%61.example/",
        "https://a.example/",
        "https://a.example",
    ),
    _case(
        "issue12-ipv6-zone-rejected",
        IPV6 + ": '%' is not in the grammar (no zone identifiers)",
        "http://[fe80::1%25eth0]/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case(
        "issue12-lone-surrogate-host-rejected",
        "WebIDL USVString: a lone surrogate becomes U+FFFD, which UTS #46 disallows",
        "https://\ud800.example/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case(
        "issue13-5000-digit-port",
        PORT + ": port > 2^16 - 1 is failure (digit count bounded before conversion)",
        "http://a:" + "9" * 5000,
        None,
        problem=URLProblem.BAD_PORT,
    ),
    _case(
        "issue13-5000-digit-hex-ipv4",
        IPV4 + ": a part >= 2^32 is failure (digit count bounded before conversion)",
        "http://0x" + "f" * 5000 + "/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case(
        "issue13-5000-digit-decimal-ipv4",
        IPV4,
        "http://1." + "9" * 5000 + "/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case(
        "issue13-5000-digit-octal-ipv4",
        IPV4,
        "http://0" + "7" * 5000 + "/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
)

SLASH_CASES: tuple[ParseCase, ...] = (
    _case("backslash-authority", SPECIAL_SLASHES, "https:\\\\a.example\\p", "https://a.example/p"),
    _case("many-slashes", SPECIAL_SLASHES, "https:////a.example/", "https://a.example/"),
    _case("no-slashes", SPECIAL_SLASHES, "http:a.example/x", "http://a.example/x"),
    _case(
        "same-scheme-no-slashes-is-relative",
        "URL Standard: special relative or authority state",
        "http:x",
        "http://b/x",
        base="http://b/",
    ),
    _case(
        "other-scheme-no-slashes-is-absolute",
        SPECIAL_SLASHES,
        "https:x",
        "https://x/",
        base="http://b/",
    ),
    _case("backslash-path", PATH_STATE, "http://a/b\\..\\c", "http://a/c"),
    _case(
        "backslash-not-special-in-non-special-path",
        PATH_STATE,
        "foo://a/b\\..\\c",
        "foo://a/b\\..\\c",
    ),
    _case(
        "relative-backslash-slash",
        SPECIAL_SLASHES,
        "/\\x.example/",
        "http://x.example/",
        base="http://a/b",
    ),
    _case(
        "relative-one-backslash-is-path",
        "URL Standard: relative slash state",
        "\\x",
        "http://a/x",
        base="http://a/b",
    ),
    _case(
        "scheme-relative",
        "URL Standard: relative slash state",
        "//other.example/z",
        "https://other.example/z",
        base="https://a.example/x",
    ),
    _case(
        "scheme-relative-empty-host",
        HOST + ": special URLs need a host",
        "//",
        None,
        base="http://a/b",
        problem=URLProblem.BAD_HOST,
    ),
)

PATH_CASES: tuple[ParseCase, ...] = (
    _case("double-dot", PATH_STATE, "..", "http://a/", base="http://a/b/c"),
    _case("single-dot", PATH_STATE, ".", "http://a/b/", base="http://a/b/c"),
    _case("encoded-dots", PATH_STATE, "%2e%2E/x", "http://a/x", base="http://a/b/c"),
    _case("mixed-dots", PATH_STATE, "http://a/.%2E/x", "http://a/x"),
    _case("above-root", PATH_STATE, "/./.././x", "http://a/x", base="http://a/b/c/"),
    _case("trailing-double-dot", PATH_STATE, "http://a/b/..", "http://a/"),
    _case("trailing-single-dot", PATH_STATE, "http://a/b/.", "http://a/b/"),
    _case("double-dot-before-query", PATH_STATE, "http://a/b/..?q", "http://a/?q"),
    _case("non-special-dots", PATH_STATE, "foo://h/a/../b", "foo://h/b"),
    _case(
        "non-special-no-host-double-slash",
        "URL Standard: URL serializer appends '/.' when the path starts with an empty segment",
        "web+a:/..//x",
        "web+a:/.//x",
    ),
    _case("encoded-non-dot-kept", PATH_STATE, "http://a/%2ex", "http://a/%2ex"),
)

PERCENT_CASES: tuple[ParseCase, ...] = (
    _case("path-set", PATH_SET, 'https://a/"<>`{}|^', "https://a/%22%3C%3E%60%7B%7D|%5E"),
    _case("path-non-ascii", PATH_SET, "http://a/\u00e9", "http://a/%C3%A9"),
    _case("path-bad-escape-kept", PATH_SET, "http://a/%zz%41", "http://a/%zz%41"),
    _case("query-special-set", QUERY_SET, "https://a/?\"<>`{}|'", "https://a/?%22%3C%3E`{}|%27"),
    _case("query-non-special-keeps-quote", QUERY_SET, "foo://a/?'", "foo://a/?'"),
    _case("query-space", QUERY_SET, "http://a/x?a b", "http://a/x?a%20b"),
    _case("query-non-ascii-utf8", QUERY_SET, "http://a/?\u00e9", "http://a/?%C3%A9"),
    _case("fragment-set", FRAGMENT_SET, 'https://a/#"<>`{}|', "https://a/#%22%3C%3E%60{}|"),
    _case("fragment-space", FRAGMENT_SET, "http://a/x?a#b c", "http://a/x?a#b%20c"),
    _case(
        "userinfo-set",
        "URL Standard: userinfo percent-encode set",
        "http://a@b@c/",
        "http://a%40b@c/",
        "http://c",
    ),
    _case(
        "password-colon",
        "URL Standard: userinfo percent-encode set",
        "http://a:b:c@d/",
        "http://a:b%3Ac@d/",
    ),
    _case(
        "opaque-path-space-before-query",
        "URL Standard: opaque path state (a space before '?' or '#' is %20)",
        "foo:a b ?x",
        "foo:a b%20?x",
    ),
    _case(
        "tab-newline-removed",
        "URL Standard: remove all ASCII tab or newline",
        "https://a.ex\tample/\na",
        "https://a.example/a",
    ),
)

HOST_CASES: tuple[ParseCase, ...] = (
    _case("upper-host", DOMAIN, "http://K.EXAMPLE/", "http://k.example/"),
    _case("idna-umlaut", DOMAIN, "http://b\u00fccher.example/", "http://xn--bcher-kva.example/"),
    _case(
        "idna-sharp-s-nontransitional",
        DOMAIN + ": U+00DF is a deviation kept under nontransitional processing",
        "http://\u00df.x/",
        "http://xn--zca.x/",
    ),
    _case(
        "idna-capital-sharp-s",
        DOMAIN + ": U+1E9E maps to U+00DF",
        "http://\u1e9e.x/",
        "http://xn--zca.x/",
    ),
    _case("idna-ligature", DOMAIN + ": NFKC maps U+FB01 to 'fi'", "http://\ufb01/", "http://fi/"),
    _case("idna-roman-numeral", DOMAIN, "http://\u2163/", "http://iv/"),
    _case("idna-emoji", DOMAIN, "http://\U0001f600/", "http://xn--e28h/"),
    _case("idna-soft-hyphen-ignored", DOMAIN, "http://a\u00ad.b/", "http://a.b/"),
    _case(
        "idna-full-stop-mapping-disallowed",
        DOMAIN + ": U+2488 maps to '1.' and is disallowed",
        "http://\u2488/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case(
        "idna-leading-combining-mark",
        DOMAIN + ": a label must not begin with a combining mark",
        "http://\u0300a/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case(
        "idna-ideographic-space",
        DOMAIN + ": U+3000 maps to a space, a forbidden domain code point",
        "http://\u3000a/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case(
        "bidi-rtl-label",
        DOMAIN + ": CheckBidi (RFC 5893)",
        "http://\u05d0.com/",
        "http://xn--4db.com/",
    ),
    _case(
        "bidi-arabic-digits",
        DOMAIN + ": CheckBidi (RFC 5893)",
        "http://\u0627\u0661.com/",
        "http://xn--mgb0j.com/",
    ),
    _case(
        "bidi-mixed-label",
        DOMAIN + ": CheckBidi rule 2 (an RTL label has no L characters)",
        "http://\u05d0a.com/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case(
        "bidi-digit-first-label",
        DOMAIN + ": CheckBidi rule 1 (implementations differ: reported, not decided)",
        "http://1a.\u05d0/",
        None,
        problem=URLProblem.UNSUPPORTED_HOST,
    ),
    _case("punycode-kept", DOMAIN, "http://xn--zca.x/", "http://xn--zca.x/"),
    _case("punycode-lowercased", DOMAIN, "http://xn--ZCA.x/", "http://xn--zca.x/"),
    _case(
        "percent-decoded-then-idna",
        HOST,
        "http://%c3%bc.x/",
        "http://xn--tda.x/",
    ),
    _case("percent-decoded-dot", HOST, "http://a%2eb/", "http://a.b/"),
    _case(
        "percent-invalid-utf8",
        HOST + ": invalid UTF-8 decodes to U+FFFD",
        "http://%ff.x/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case(
        "percent-decoded-slash",
        HOST + ": forbidden domain code point",
        "http://a%2fb/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case(
        "percent-sign",
        HOST + ": '%' is a forbidden domain code point",
        "http://a%/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case(
        "forbidden-caret",
        HOST + ": forbidden host code point",
        "http://a^b/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case(
        "forbidden-space",
        HOST + ": forbidden host code point",
        "http://a b/",
        None,
        problem=URLProblem.BAD_CHARACTER,
    ),
    _case(
        "forbidden-delete",
        HOST + ": U+007F is a forbidden domain code point",
        "http://a\x7fb/",
        None,
        problem=URLProblem.BAD_CHARACTER,
    ),
    _case("allowed-ascii-punctuation", HOST, "http://a*b!c_d/", "http://a*b!c_d/"),
    _case("trailing-dot-kept", HOST, "http://a.b./", "http://a.b./"),
    _case(
        "credentials-without-host",
        "URL Standard: authority state (host-missing)",
        "http://u@/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case("empty-credentials", "URL Standard: authority state", "http://@a/", "http://a/"),
    _case(
        "opaque-host-percent-encoded",
        "URL Standard: opaque-host parser (C0 control percent-encode set)",
        "sc://\u00f1/",
        "sc://%C3%B1/",
    ),
    _case(
        "opaque-host-forbidden",
        "URL Standard: opaque-host parser",
        "sc://a b/",
        None,
        problem=URLProblem.BAD_CHARACTER,
    ),
    _case("opaque-host-percent-kept", "URL Standard: opaque-host parser", "sc://%/", "sc://%/"),
)

IPV4_CASES: tuple[ParseCase, ...] = (
    _case("ipv4-dotted", IPV4, "http://127.0.0.1/", "http://127.0.0.1/"),
    _case("ipv4-hex-part", IPV4, "http://0x7f.1/", "http://127.0.0.1/"),
    _case("ipv4-octal", IPV4, "http://0177.0.0.1/", "http://127.0.0.1/"),
    _case("ipv4-one-number", IPV4, "http://2130706433/", "http://127.0.0.1/"),
    _case("ipv4-max", IPV4, "http://4294967295/", "http://255.255.255.255/"),
    _case("ipv4-over-max", IPV4, "http://4294967296/", None, problem=URLProblem.BAD_HOST),
    _case("ipv4-hex-over-max", IPV4, "http://0x100000000/", None, problem=URLProblem.BAD_HOST),
    _case("ipv4-many-leading-zeros", IPV4, "http://00000000000000000000000001/", "http://0.0.0.1/"),
    _case("ipv4-bare-0x", IPV4, "http://1.0x/", "http://1.0.0.0/"),
    _case("ipv4-trailing-dot", IPV4, "http://1.2.3.4./", "http://1.2.3.4/"),
    _case("ipv4-three-parts", IPV4, "http://192.168.65535/", "http://192.168.255.255/"),
    _case(
        "ipv4-three-parts-over", IPV4, "http://192.168.65536/", None, problem=URLProblem.BAD_HOST
    ),
    _case("ipv4-part-256", IPV4, "http://192.168.0.257/", None, problem=URLProblem.BAD_HOST),
    _case("ipv4-five-parts", IPV4, "http://1.2.3.4.5/", None, problem=URLProblem.BAD_HOST),
    _case(
        "ipv4-last-label-number",
        "URL Standard: ends in a number checker",
        "http://a.b.c.d.1/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
    _case("ipv4-bad-octal", IPV4, "http://09/", None, problem=URLProblem.BAD_HOST),
    _case(
        "not-a-number-label",
        "URL Standard: ends in a number checker ('0x1g' is not a number)",
        "http://a.0x1g/",
        "http://a.0x1g/",
    ),
    _case(
        "number-not-last", "URL Standard: ends in a number checker", "http://09.x/", "http://09.x/"
    ),
    _case(
        "full-width-number",
        DOMAIN + " then the IPv4 parser",
        "http://\uff10x7f.1/",
        "http://127.0.0.1/",
    ),
    _case("percent-encoded-number", HOST, "http://%31.2/", "http://1.0.0.2/"),
)

IPV6_CASES: tuple[ParseCase, ...] = (
    _case("ipv6-loopback", IPV6, "http://[0:0:0:0:0:0:0:1]/", "http://[::1]/"),
    _case("ipv6-all-zero", IPV6, "http://[::]/", "http://[::]/"),
    _case("ipv6-trailing-compress", IPV6, "http://[1::]/", "http://[1::]/"),
    _case("ipv6-first-longest-run", IPV6, "http://[1:0:0:2::3:0]/", "http://[1::2:0:0:3:0]/"),
    _case("ipv6-embedded-ipv4", IPV6, "http://[::1.2.3.4]/", "http://[::102:304]/"),
    _case("ipv6-full", IPV6, "http://[1:2:3:4:5:6:7:8]/", "http://[1:2:3:4:5:6:7:8]/"),
    _case("ipv6-upper-hex", IPV6, "http://[2001:DB8::1]/", "http://[2001:db8::1]/"),
    _case("ipv6-double-compress", IPV6, "http://[0::0::0]/", None, problem=URLProblem.BAD_HOST),
    _case("ipv6-leading-colon", IPV6, "http://[:1]/", None, problem=URLProblem.BAD_HOST),
    _case("ipv6-trailing-colon", IPV6, "http://[1:]/", None, problem=URLProblem.BAD_HOST),
    _case(
        "ipv6-nine-pieces", IPV6, "http://[1:2:3:4:5:6:7:8:9]/", None, problem=URLProblem.BAD_HOST
    ),
    _case("ipv6-long-piece", IPV6, "http://[12345::]/", None, problem=URLProblem.BAD_HOST),
    _case("ipv6-ipv4-short", IPV6, "http://[::1.2.3.]/", None, problem=URLProblem.BAD_HOST),
    _case(
        "ipv6-ipv4-leading-zero", IPV6, "http://[::01.2.3.4]/", None, problem=URLProblem.BAD_HOST
    ),
    _case("ipv6-ipv4-over", IPV6, "http://[::1.2.3.256]/", None, problem=URLProblem.BAD_HOST),
    _case("ipv6-unterminated", IPV6, "http://[::1/", None, problem=URLProblem.BAD_HOST),
    _case("ipv6-text-after", IPV6, "http://[::1]x/", None, problem=URLProblem.BAD_HOST),
    _case("ipv6-port", IPV6, "http://[::1]:0081/", "http://[::1]:81/"),
)

PORT_CASES: tuple[ParseCase, ...] = (
    _case("port-default-elided", PORT, "HTTP://A:080", "http://a/"),
    _case("port-ws-default", PORT, "ws://a:80", "ws://a/"),
    _case("port-ftp-default", PORT, "ftp://a:21/", "ftp://a/"),
    _case("port-max", PORT, "http://a:65535", "http://a:65535/"),
    _case("port-over", PORT, "http://a:65536", None, problem=URLProblem.BAD_PORT),
    _case("port-letters", PORT, "http://a:b", None, problem=URLProblem.BAD_PORT),
    _case("port-empty", PORT, "http://a:", "http://a/"),
    _case("port-trailing-text", PORT, "http://a:1x/", None, problem=URLProblem.BAD_PORT),
    _case("port-many-leading-zeros", PORT, "http://a:" + "0" * 5000 + "8080/", "http://a:8080/"),
    _case("port-non-special", PORT, "foo://a:99/", "foo://a:99/"),
    _case(
        "port-without-host",
        "URL Standard: host state (':' with an empty buffer)",
        "http://u@:80/",
        None,
        problem=URLProblem.BAD_HOST,
    ),
)

ORIGIN_CASES: tuple[ParseCase, ...] = (
    _case(
        "blob-https",
        ORIGIN,
        "blob:https://a.example/uuid",
        "blob:https://a.example/uuid",
        "https://a.example",
    ),
    _case("blob-null", ORIGIN, "blob:null/x", "blob:null/x", "null"),
    _case("blob-ftp-opaque", ORIGIN, "blob:ftp://a/x", "blob:ftp://a/x", "null"),
    _case("blob-nested-opaque", ORIGIN, "blob:blob:https://a/", "blob:blob:https://a/", "null"),
    _case("data-opaque", ORIGIN, "data:text/plain,a b#x y", "data:text/plain,a b#x%20y", "null"),
    _case("about-blank", ORIGIN, "about:blank", "about:blank", "null"),
    _case("file-opaque", ORIGIN, "file:///C|/a", "file:///C:/a", "null"),
    _case(
        "file-localhost", "URL Standard: file host state", "file://localhost/x", "file:///x", "null"
    ),
    _case("mailto", ORIGIN, "mailto:a@b", "mailto:a@b", "null"),
    _case("ws-tuple", ORIGIN, "wss://a:443/", "wss://a/", "wss://a"),
    _case(
        "fragment-only-on-opaque-base",
        "URL Standard: no scheme state",
        "#x",
        "data:text/plain,hi#x",
        "null",
        base="data:text/plain,hi",
    ),
    _case(
        "relative-on-opaque-base",
        "URL Standard: no scheme state (base has an opaque path)",
        "x",
        None,
        base="data:text/plain,hi",
        problem=URLProblem.NOT_ABSOLUTE,
    ),
    _case(
        "file-relative-drive",
        "URL Standard: file slash state",
        "/x",
        "file:///C:/x",
        "null",
        base="file:///C:/a",
    ),
    _case(
        "file-double-dot-keeps-drive",
        "URL Standard: shorten a URL's path",
        "..",
        "file:///C:/",
        "null",
        base="file:///C:/a/b",
    ),
)

ALL_CASES: tuple[ParseCase, ...] = (
    ISSUE_CASES
    + SLASH_CASES
    + PATH_CASES
    + PERCENT_CASES
    + HOST_CASES
    + IPV4_CASES
    + IPV6_CASES
    + PORT_CASES
    + ORIGIN_CASES
)

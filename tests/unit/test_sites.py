"""HTML sites and the curated public-suffix data (corsspec.engine.sites)."""

from __future__ import annotations

import pytest

from corsspec.engine.sites import (
    PUBLIC_SUFFIX_EXCEPTIONS,
    PUBLIC_SUFFIX_WILDCARDS,
    PUBLIC_SUFFIXES,
    Site,
    is_ip_address,
    is_public_suffix,
    public_suffix,
    registrable_domain,
    same_site,
    site_of,
)
from corsspec.engine.url import NULL_ORIGIN, parse_origin

#: (host, public suffix, registrable domain). The wildcard/exception rows are the Public
#: Suffix List's own test vectors for ``*.ck``/``!www.ck`` and ``*.kawasaki.jp``.
REGISTRABLE: list[tuple[str, str, str | None]] = [
    ("example.com", "com", "example.com"),
    ("www.example.com", "com", "example.com"),
    ("a.b.example.com", "com", "example.com"),
    ("com", "com", None),
    ("localhost", "localhost", None),
    ("app.localhost", "localhost", "app.localhost"),
    ("example.co.uk", "co.uk", "example.co.uk"),
    ("shop.example.co.uk", "co.uk", "example.co.uk"),
    ("co.uk", "co.uk", None),
    ("uk", "uk", None),
    # Three-label private suffixes: the longest rule wins over `amazonaws.com`/`app`.
    ("bucket.s3.amazonaws.com", "s3.amazonaws.com", "bucket.s3.amazonaws.com"),
    ("x.bucket.s3.amazonaws.com", "s3.amazonaws.com", "bucket.s3.amazonaws.com"),
    ("s3.amazonaws.com", "s3.amazonaws.com", None),
    ("amazonaws.com", "com", "amazonaws.com"),
    ("web.up.railway.app", "up.railway.app", "web.up.railway.app"),
    ("railway.app", "app", "railway.app"),
    ("alice.github.io", "github.io", "alice.github.io"),
    ("github.io", "github.io", None),
    # An unlisted suffix falls back to the default rule `*`: the last label.
    ("a.b.gov.xx", "xx", "gov.xx"),
    ("example.dev", "dev", "example.dev"),
    # Wildcard and exception rules.
    ("ck", "ck", None),
    ("test.ck", "test.ck", None),
    ("b.test.ck", "test.ck", "b.test.ck"),
    ("a.b.test.ck", "test.ck", "b.test.ck"),
    ("www.ck", "ck", "www.ck"),
    ("www.www.ck", "ck", "www.ck"),
    ("test.kawasaki.jp", "test.kawasaki.jp", None),
    ("b.test.kawasaki.jp", "test.kawasaki.jp", "b.test.kawasaki.jp"),
    ("city.kawasaki.jp", "kawasaki.jp", "city.kawasaki.jp"),
    ("www.city.kawasaki.jp", "kawasaki.jp", "city.kawasaki.jp"),
    # A trailing dot is kept (URL: host public suffix, trailingDot).
    ("www.example.com.", "com.", "example.com."),
    # IP addresses have no registrable domain.
    ("127.0.0.1", "1", None),
    ("[::1]", "[::1]", None),
]


@pytest.mark.parametrize(("host", "suffix", "domain"), REGISTRABLE, ids=[r[0] for r in REGISTRABLE])
def test_public_suffix_and_registrable_domain(host: str, suffix: str, domain: str | None) -> None:
    if not is_ip_address(host):
        assert public_suffix(host) == suffix
        assert is_public_suffix(host) is (suffix == host)
    assert registrable_domain(host) == domain


def test_the_data_is_lowercase_multi_label_and_disjoint() -> None:
    for rule in PUBLIC_SUFFIXES | PUBLIC_SUFFIX_WILDCARDS | PUBLIC_SUFFIX_EXCEPTIONS:
        assert rule == rule.lower()
        assert not rule.startswith((".", "*", "!"))
    assert all("." in rule for rule in PUBLIC_SUFFIXES | PUBLIC_SUFFIX_EXCEPTIONS)
    assert not PUBLIC_SUFFIXES & PUBLIC_SUFFIX_EXCEPTIONS


def test_ip_addresses() -> None:
    assert is_ip_address("127.0.0.1")
    assert is_ip_address("[2001:db8::1]")
    assert not is_ip_address("localhost")
    assert not is_ip_address("1.2.3.example")


#: (origin a, origin b, same site), per HTML "same site" (schemeful, ports ignored).
SAME_SITE: list[tuple[str, str, bool]] = [
    ("http://127.0.0.1:8000", "http://127.0.0.1:9000", True),
    ("http://localhost:8000", "http://127.0.0.1:8000", False),
    ("http://localhost:8000", "http://localhost:9000", True),
    ("https://app.example.com", "https://api.example.com", True),
    ("https://example.com", "https://api.example.com", True),
    ("http://app.example.com", "https://api.example.com", False),
    ("https://alice.github.io", "https://bob.github.io", False),
    ("https://a.bucket.s3.amazonaws.com", "https://bucket.s3.amazonaws.com", True),
    ("https://one.s3.amazonaws.com", "https://two.s3.amazonaws.com", False),
    ("https://web.up.railway.app", "https://api.up.railway.app", False),
    ("https://example.co.uk", "https://other.co.uk", False),
    ("https://github.io", "https://github.io", True),
    ("http://127.0.0.1", "http://127.0.0.2", False),
    ("https://www.ck", "https://a.www.ck", True),
    ("https://a.test.ck", "https://b.test.ck", False),
]


@pytest.mark.parametrize(
    ("a", "b", "expected"), SAME_SITE, ids=[f"{a}|{b}" for a, b, _ in SAME_SITE]
)
def test_same_site(a: str, b: str, expected: bool) -> None:
    oa, ob = parse_origin(a), parse_origin(b)
    assert same_site(oa, ob) is expected
    assert same_site(ob, oa) is expected
    assert (site_of(oa) == site_of(ob)) is expected


def test_sites() -> None:
    assert site_of(parse_origin("https://api.example.co.uk:8443")) == Site(
        scheme="https", host="example.co.uk"
    )
    assert site_of(parse_origin("http://127.0.0.1:9000")).serialize() == "http://127.0.0.1"
    assert str(site_of(NULL_ORIGIN)) == "null"
    assert not same_site(NULL_ORIGIN, NULL_ORIGIN)

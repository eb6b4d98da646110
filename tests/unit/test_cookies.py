"""Cookies (corsspec.engine.cookies): tables per RFC 6265bis algorithm, and the fetch hook.

Section names are those of draft-ietf-httpbis-rfc6265bis ("Parsing the Set-Cookie Header",
"Storage Model", "Retrieval Algorithm", "Same-site and Cross-site Requests", ...).
"""

from __future__ import annotations

import pickle

import attrs
import pytest

import corsspec as cs
from corsspec.engine.browsers import SPEC, BrowserProfile, ThirdPartyCookies
from corsspec.engine.cookies import (
    MAX_EXPIRY_SECONDS,
    CookieJar,
    CookieReason,
    SameSite,
    cookie_context,
    parse_cookie_date,
)
from corsspec.engine.url import parse_origin, parse_url
from corsspec.errors import InvalidRequestError

R = CookieReason
#: A profile with every cookie behaviour known, for the algorithm tables.
KNOWN = attrs.evolve(SPEC, cookie_lax_by_default=True)


def _store(
    line: str,
    url: str = "https://api.example.com/a/b",
    *,
    top: str | None = None,
    profile: BrowserProfile = KNOWN,
    jar: CookieJar | None = None,
    policy: ThirdPartyCookies | None = ThirdPartyCookies.ALLOW,
    now: float = 1000.0,
) -> tuple[CookieJar, object]:
    target = parse_url(url)
    context = cookie_context(
        [target],
        top_level=parse_origin(top) if top else target.origin,
        profile=profile,
        third_party_cookies=policy,
    )
    result = (jar or CookieJar()).store(line, url=target, context=context, now=now, profile=profile)
    outcome = result.rejection.reason if result.rejection else result.cookie
    return result.jar, outcome


# -- "Dates" (Date Parsing) --------------------------------------------------------

DATES: list[tuple[str, float | None]] = [
    ("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480.0),
    ("Wednesday, 21-Oct-15 07:28:00 GMT", 1445412480.0),  # two-digit year: 2015
    ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
    ("21 Oct 1999 07:28:00", 940490880.0),  # 70-99: 19xx
    ("Oct 21 07:28:00 2015", 1445412480.0),  # any token order
    ("Wed, 31 Feb 2015 07:28:00 GMT", None),  # no such day
    ("Wed, 21 Oct 2015 25:28:00 GMT", None),  # hour out of range
    ("Wed, 21 Oct 2015 GMT", None),  # no time
    ("tomorrow", None),
    ("Sat, 01 Jan 1600 00:00:00 GMT", None),  # year < 1601
]


@pytest.mark.parametrize(("text", "expected"), DATES, ids=[d[0] for d in DATES])
def test_cookie_date(text: str, expected: float | None) -> None:
    assert parse_cookie_date(text) == expected


# -- "Parsing the Set-Cookie Header" and "Storage Model" -----------------------------

#: (id, Set-Cookie value, request URL, top-level origin or None, expected reason or None).
STORE: list[tuple[str, str, str, str | None, CookieReason | None]] = [
    ("plain", "sid=1", "https://api.example.com/", None, None),
    ("nameless", "abc", "https://api.example.com/", None, None),
    ("empty", "=", "https://api.example.com/", None, R.INVALID_SYNTAX),
    ("control-char", "sid=a\x01b", "https://api.example.com/", None, R.INVALID_SYNTAX),
    ("too-large", "sid=" + "x" * 4094, "https://api.example.com/", None, R.NAME_VALUE_TOO_LARGE),
    (
        "at-limit",
        "sid=" + "x" * 4093 + ";",
        "https://api.example.com/",
        None,
        None,
    ),
    ("limit-ok", "s=" + "x" * 4095, "https://api.example.com/", None, None),
    # Domain
    ("domain-parent", "sid=1; Domain=example.com", "https://api.example.com/", None, None),
    ("domain-dot", "sid=1; Domain=.example.com", "https://api.example.com/", None, None),
    (
        "domain-other",
        "sid=1; Domain=other.com",
        "https://api.example.com/",
        None,
        R.DOMAIN_NOT_MATCHED,
    ),
    (
        "domain-child",
        "sid=1; Domain=a.api.example.com",
        "https://api.example.com/",
        None,
        R.DOMAIN_NOT_MATCHED,
    ),
    (
        "domain-suffix",
        "sid=1; Domain=com",
        "https://api.example.com/",
        None,
        R.DOMAIN_PUBLIC_SUFFIX,
    ),
    (
        "domain-psl-3",
        "sid=1; Domain=s3.amazonaws.com",
        "https://b.s3.amazonaws.com/",
        None,
        R.DOMAIN_PUBLIC_SUFFIX,
    ),
    ("domain-is-host-suffix", "sid=1; Domain=github.io", "https://github.io/", None, None),
    ("domain-ip", "sid=1; Domain=127.0.0.1", "http://127.0.0.1/", None, None),
    # Secure
    ("secure-https", "sid=1; Secure", "https://api.example.com/", None, None),
    (
        "secure-http",
        "sid=1; Secure",
        "http://api.example.com/",
        None,
        R.SECURE_FROM_INSECURE_ORIGIN,
    ),
    ("secure-loopback", "sid=1; Secure", "http://localhost:8000/", None, None),
    # SameSite
    ("none-secure", "sid=1; SameSite=None; Secure", "https://api.example.com/", None, None),
    (
        "none-insecure",
        "sid=1; SameSite=None",
        "https://api.example.com/",
        None,
        R.SAMESITE_NONE_INSECURE,
    ),
    (
        "lax-same-site",
        "sid=1; SameSite=Lax",
        "https://api.example.com/",
        "https://app.example.com",
        None,
    ),
    (
        "lax-cross-site",
        "sid=1; SameSite=Lax",
        "https://api.example.com/",
        "https://app.other.com",
        R.SAMESITE_CROSS_SITE_SET,
    ),
    (
        "strict-cross-site",
        "sid=1; SameSite=Strict",
        "https://api.example.com/",
        "https://other.com",
        R.SAMESITE_CROSS_SITE_SET,
    ),
    (
        "default-cross-site",
        "sid=1",
        "https://api.example.com/",
        "https://other.com",
        R.SAMESITE_DEFAULT_CROSS_SITE_SET,
    ),
    (
        "none-cross-site",
        "sid=1; SameSite=None; Secure",
        "https://api.example.com/",
        "https://other.com",
        None,
    ),
    (
        "bogus-samesite-is-default",
        "sid=1; SameSite=Bogus",
        "https://api.example.com/",
        "https://other.com",
        R.SAMESITE_DEFAULT_CROSS_SITE_SET,
    ),
    (
        "schemeful",
        "sid=1; SameSite=Lax",
        "https://api.example.com/",
        "http://app.example.com",
        R.SAMESITE_CROSS_SITE_SET,
    ),
    # Prefixes
    ("secure-prefix", "__Secure-sid=1; Secure", "https://api.example.com/", None, None),
    (
        "secure-prefix-no-secure",
        "__Secure-sid=1",
        "https://api.example.com/",
        None,
        R.PREFIX_SECURE,
    ),
    ("secure-prefix-case", "__SECURE-sid=1", "https://api.example.com/", None, R.PREFIX_SECURE),
    ("host-prefix", "__Host-sid=1; Secure; Path=/", "https://api.example.com/", None, None),
    (
        "host-prefix-domain",
        "__Host-sid=1; Secure; Path=/; Domain=api.example.com",
        "https://api.example.com/",
        None,
        R.PREFIX_HOST,
    ),
    (
        "host-prefix-path",
        "__Host-sid=1; Secure; Path=/a",
        "https://api.example.com/",
        None,
        R.PREFIX_HOST,
    ),
    (
        "host-prefix-no-path",
        "__Host-sid=1; Secure",
        "https://api.example.com/",
        None,
        R.PREFIX_HOST,
    ),
    (
        "host-prefix-insecure",
        "__Host-sid=1; Path=/",
        "https://api.example.com/",
        None,
        R.PREFIX_HOST,
    ),
    # Partitioned (CHIPS)
    (
        "partitioned",
        "sid=1; Secure; Partitioned; SameSite=None",
        "https://api.example.com/",
        "https://other.com",
        None,
    ),
    (
        "partitioned-insecure",
        "sid=1; Partitioned",
        "https://api.example.com/",
        None,
        R.PARTITIONED_INSECURE,
    ),
]


@pytest.mark.parametrize(
    ("line", "url", "top", "expected"), [s[1:] for s in STORE], ids=[s[0] for s in STORE]
)
def test_storage_model(line: str, url: str, top: str | None, expected: CookieReason | None) -> None:
    jar, outcome = _store(line, url, top=top)
    if expected is None:
        assert not isinstance(outcome, CookieReason), outcome
        assert len(jar) == 1
    else:
        assert outcome is expected
        assert len(jar) == 0


def test_attributes_are_stored() -> None:
    jar, cookie = _store(
        "sid=abc; Domain=Example.COM; Path=/x; Secure; HttpOnly; SameSite=strict; Max-Age=60"
    )
    (stored,) = jar.cookies
    assert stored is cookie
    assert (stored.name, stored.value, stored.domain, stored.host_only) == (
        "sid",
        "abc",
        "example.com",
        False,
    )
    assert (stored.path, stored.secure, stored.http_only) == ("/x", True, True)
    assert stored.same_site is SameSite.STRICT
    assert stored.expires == 1060.0


def test_default_path_and_bad_path() -> None:
    jar, _ = _store("a=1", "https://api.example.com/a/b")
    assert jar.cookies[0].path == "/a"
    jar, _ = _store("a=1; Path=relative", "https://api.example.com/a/b/c")
    assert jar.cookies[0].path == "/a/b"
    jar, _ = _store("a=1", "https://api.example.com/top")
    assert jar.cookies[0].path == "/"


def test_expiry_max_age_beats_expires_and_is_capped() -> None:
    jar, _ = _store("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=100")
    assert jar.cookies[0].expires == 1100.0
    jar, _ = _store("a=1; Max-Age=99999999999")
    assert jar.cookies[0].expires == 1000.0 + MAX_EXPIRY_SECONDS
    jar, _ = _store("a=1; Max-Age=1x")  # not an integer: ignored, a session cookie
    assert jar.cookies[0].expires is None


def test_expired_set_cookie_deletes() -> None:
    jar, _ = _store("sid=1")
    jar, _ = _store("sid=; Max-Age=0", jar=jar)
    assert len(jar) == 0
    jar, _ = _store("sid=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
    assert len(jar) == 0


def test_replacing_keeps_the_creation_time() -> None:
    jar, _ = _store("sid=1", now=10.0)
    jar, _ = _store("sid=2", jar=jar, now=20.0)
    (cookie,) = jar.cookies
    assert (cookie.value, cookie.created) == ("2", 10.0)


def test_leave_secure_cookies_alone() -> None:
    jar, _ = _store("sid=1; Secure; Path=/", "https://localhost/")
    insecure = attrs.evolve(KNOWN, cookie_secure_on_loopback=False)
    jar2, outcome = _store("sid=2; Path=/", "http://localhost/", jar=jar, profile=insecure)
    assert outcome is R.OVERWRITES_SECURE_COOKIE
    assert jar2 is jar


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (ThirdPartyCookies.ALLOW, None),
        (ThirdPartyCookies.PARTITION, "https://other.com"),
        (ThirdPartyCookies.ONLY_PARTITIONED, R.THIRD_PARTY_BLOCKED),
        (ThirdPartyCookies.BLOCK, R.THIRD_PARTY_BLOCKED),
        (ThirdPartyCookies.BLOCK_STORING, R.THIRD_PARTY_BLOCKED),
        (None, R.ENGINE_BEHAVIOUR_UNKNOWN),
    ],
)
def test_third_party_storing(policy: ThirdPartyCookies | None, expected: object) -> None:
    line = "sid=1; SameSite=None; Secure"
    jar, outcome = _store(line, top="https://other.com", policy=policy)
    if isinstance(expected, CookieReason):
        assert outcome is expected
    else:
        assert jar.cookies[0].partition == expected
    # Partitioned cookies are stored under every policy but the blocking ones, keyed by
    # the top-level site.
    jar, outcome = _store(line + "; Partitioned", top="https://other.com", policy=policy)
    if policy in (ThirdPartyCookies.BLOCK, ThirdPartyCookies.BLOCK_STORING):
        assert outcome is R.THIRD_PARTY_BLOCKED
    elif policy is None:
        assert outcome is R.ENGINE_BEHAVIOUR_UNKNOWN
    else:
        assert jar.cookies[0].partition == "https://other.com"


def test_unknown_engine_behaviour_is_reported_not_guessed() -> None:
    unknown = attrs.evolve(KNOWN, cookie_none_requires_secure=None, cookie_lax_by_default=None)
    _, outcome = _store("sid=1; SameSite=None", profile=unknown)
    assert outcome is R.ENGINE_BEHAVIOUR_UNKNOWN
    _, outcome = _store("sid=1", top="https://other.com", profile=unknown)
    assert outcome is R.ENGINE_BEHAVIOUR_UNKNOWN
    loopback = attrs.evolve(KNOWN, cookie_secure_on_loopback=None)
    _, outcome = _store("sid=1; Secure", "http://127.0.0.1:9000/", profile=loopback)
    assert outcome is R.ENGINE_BEHAVIOUR_UNKNOWN


# -- "Retrieval Algorithm" --------------------------------------------------------------

JAR = CookieJar.from_set_cookie(
    "https://api.example.com/app/x",
    [
        "host=1; Path=/",
        "dom=1; Domain=example.com; Path=/",
        "deep=1; Path=/app",
        "sec=1; Secure; Path=/",
        "lax=1; SameSite=Lax; Path=/",
        "strict=1; SameSite=Strict; Path=/",
        "none=1; SameSite=None; Secure; Path=/",
        "short=1; Max-Age=10; Path=/",
    ],
    now=1000.0,
    profile=KNOWN,
)

#: (id, request URL, top-level origin, now, {name: reason or None (sent)} for the names
#: concerned; other cookies are not asserted by the row).
RETRIEVE: list[tuple[str, str, str, float, dict[str, CookieReason | None]]] = [
    ("same-site-all", "https://api.example.com/app/1", "https://app.example.com", 1000.0,
     dict.fromkeys(("host", "dom", "deep", "sec", "lax", "strict", "none"))),
    ("host-only", "https://www.example.com/", "https://www.example.com", 1000.0,
     {"host": R.DOMAIN_MISMATCH, "dom": None}),
    ("other-domain", "https://example.org/", "https://example.org", 1000.0,
     {"host": R.DOMAIN_MISMATCH, "dom": R.DOMAIN_MISMATCH}),
    ("path", "https://api.example.com/other", "https://api.example.com", 1000.0,
     {"deep": R.PATH_MISMATCH, "host": None}),
    ("path-prefix-not-segment", "https://api.example.com/application",
     "https://api.example.com", 1000.0, {"deep": R.PATH_MISMATCH}),
    ("insecure", "http://api.example.com/app", "http://api.example.com", 1000.0,
     {"sec": R.SECURE_ONLY, "none": R.SECURE_ONLY, "host": None}),
    ("expired", "https://api.example.com/", "https://api.example.com", 1010.0,
     {"short": R.EXPIRED, "host": None}),
    ("cross-site", "https://api.example.com/", "https://evil.test", 1000.0,
     {"lax": R.SAMESITE_LAX, "strict": R.SAMESITE_STRICT, "host": R.SAMESITE_DEFAULT_LAX,
      "none": None}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "top", "now", "expected"), [r[1:] for r in RETRIEVE], ids=[r[0] for r in RETRIEVE]
)
def test_retrieval_algorithm(
    url: str, top: str, now: float, expected: dict[str, CookieReason | None]
) -> None:
    target = parse_url(url)
    context = cookie_context(
        [target],
        top_level=parse_origin(top),
        profile=KNOWN,
        third_party_cookies=ThirdPartyCookies.ALLOW,
    )
    result = JAR.retrieve(target, context=context, now=now, profile=KNOWN)
    sent = {c.name for c in result.sent}
    reasons = {e.cookie.name: e.reason for e in result.excluded}
    assert sent.isdisjoint(reasons)
    assert sent | set(reasons) == set(JAR.names())
    for name, reason in expected.items():
        assert reasons.get(name) is reason, name


def test_cookie_header_order() -> None:
    target = parse_url("https://api.example.com/app/1")
    context = cookie_context(
        [target], top_level=target.origin, profile=KNOWN, third_party_cookies=None
    )
    header = JAR.retrieve(target, context=context, now=1000.0, profile=KNOWN).header
    # Longer paths first, then creation order.
    assert header is not None
    assert header.split("; ")[0] == "deep=1"
    assert header.split("; ")[1:4] == ["host=1", "dom=1", "sec=1"]


# -- "Same-site and Cross-site Requests" ---------------------------------------------------


@pytest.mark.parametrize(
    ("urls", "top", "same", "third"),
    [
        (["http://127.0.0.1:9000/"], "http://127.0.0.1:8000", True, False),
        (["http://127.0.0.1:9000/"], "http://localhost:8000", False, True),
        (["https://api.example.com/"], "https://app.example.com", True, False),
        # A cross-site hop in the URL list makes the rest of the chain cross-site.
        (["https://api.example.com/", "https://evil.test/", "https://api.example.com/"],
         "https://app.example.com", False, False),
        (["https://api.example.com/"], "http://app.example.com", False, True),
    ],
)  # fmt: skip
def test_same_site_requests(urls: list[str], top: str, same: bool, third: bool) -> None:
    context = cookie_context(
        [parse_url(u) for u in urls],
        top_level=parse_origin(top),
        profile=KNOWN,
        third_party_cookies=None,
    )
    assert (context.same_site, context.third_party) == (same, third)


def test_schemeless_same_site_profile() -> None:
    schemeless = attrs.evolve(KNOWN, cookie_schemeful_same_site=False)
    context = cookie_context(
        [parse_url("https://api.example.com/")],
        top_level=parse_origin("http://app.example.com"),
        profile=schemeless,
        third_party_cookies=None,
    )
    assert context.same_site


def test_from_set_cookie_refuses_what_a_browser_would_not_store() -> None:
    with pytest.raises(InvalidRequestError) as info:
        CookieJar.from_set_cookie("http://api.example.com/", ["sid=1; Secure"])
    assert info.value.field == "cookie"
    assert "secure-from-insecure-origin" in str(info.value)


def test_jar_pickles_and_compares() -> None:
    assert pickle.loads(pickle.dumps(JAR)) == JAR
    assert hash(pickle.loads(pickle.dumps(JAR))) == hash(JAR)


# -- The fetch hook --------------------------------------------------------------------

APP = "https://app.example.com"
API = "https://api.example.com/me"
CORS_CRED = (
    ("Access-Control-Allow-Origin", APP),
    ("Access-Control-Allow-Credentials", "true"),
)


def _server(*extra: tuple[str, str]) -> cs.Exchange:
    return cs.Exchange(
        actual=cs.Response(status=200, headers=(*CORS_CRED, *extra)),
        preflight=cs.Response(
            status=204,
            headers=(*CORS_CRED, ("Access-Control-Allow-Methods", "PUT"), *extra),
        ),
    )


def test_credentialed_request_carries_the_cookie_and_stores_set_cookie() -> None:
    jar = CookieJar.from_set_cookie(API, ["sid=1; SameSite=Lax; Secure"])
    req = cs.Request(url=API, origin=APP, credentials="include")
    ev = cs.evaluate(req, _server(("Set-Cookie", "csrf=2; SameSite=Lax; Secure")), cookies=jar)
    assert ev.allowed
    assert ev.cookies is not None
    (hop,) = ev.cookies.hops
    assert hop.header == "sid=1"
    assert ("Cookie", "sid=1") in ev.sent[0].headers
    assert [c.name for c in hop.stored] == ["csrf"]
    assert ev.cookies.jar.names() == ("csrf", "sid")
    assert jar.names() == ("sid",)  # the jar passed in is unchanged


def test_omit_and_same_origin_credentials_send_and_store_nothing() -> None:
    jar = CookieJar.from_set_cookie(API, ["sid=1; SameSite=None; Secure"])
    for credentials in ("omit", "same-origin"):
        req = cs.Request(url=API, origin=APP, credentials=credentials)
        ev = cs.evaluate(req, _server(("Set-Cookie", "x=1")), cookies=jar, needs_cookies=["sid"])
        assert ev.cookies is not None
        (hop,) = ev.cookies.hops
        assert hop.header is None
        assert all(n.lower() != "cookie" for n, _ in ev.sent[0].headers)
        assert [e.reason for e in hop.excluded] == [R.CREDENTIALS_NOT_INCLUDED]
        assert [r.reason for r in hop.rejected] == [R.CREDENTIALS_NOT_INCLUDED]
        assert ev.cookies.missing == ("sid",)
        assert ev.cookies.needs_met is False


def test_same_origin_credentials_send_on_a_same_origin_request() -> None:
    jar = CookieJar.from_set_cookie(API, ["sid=1"])
    req = cs.Request(url=API, origin="https://api.example.com", credentials="same-origin")
    ev = cs.evaluate(req, _server(), cookies=jar, needs_cookies=["sid"])
    assert ev.cookies is not None
    assert ev.cookies.needs_met is True


def test_never_on_a_preflight() -> None:
    jar = CookieJar.from_set_cookie(API, ["sid=1; SameSite=None; Secure"])
    req = cs.Request(method="PUT", url=API, origin=APP, credentials="include")
    ev = cs.evaluate(req, _server(("Set-Cookie", "p=1; SameSite=None; Secure")), cookies=jar)
    assert ev.preflight is not None
    assert all(n.lower() != "cookie" for n, _ in ev.preflight.headers)
    assert ("Cookie", "sid=1") in ev.sent[1].headers
    assert ev.cookies is not None
    assert [r.reason for r in ev.cookies.ignored] == [R.PREFLIGHT_RESPONSE]
    (hop,) = ev.cookies.hops
    assert hop.index == 1
    assert [c.name for c in hop.stored] == ["p"]  # from the actual response only


def test_set_cookie_is_stored_even_when_cors_blocks_the_read() -> None:
    server = cs.Exchange(
        actual=cs.Response(status=200, headers=(("Set-Cookie", "sid=9; SameSite=None; Secure"),))
    )
    req = cs.Request(url=API, origin=APP, credentials="include")
    ev = cs.evaluate(req, server, cookies=CookieJar())
    assert not ev.allowed
    assert ev.cookies is not None
    assert ev.cookies.jar.names() == ("sid",)


def test_needed_cookie_missing_is_reported_per_engine() -> None:
    other = "https://api.other.com/me"
    jar = CookieJar.from_set_cookie(other, ["sid=1; SameSite=Lax; Secure"])
    req = cs.Request(url=other, origin=APP, credentials="include")
    server = cs.Exchange(actual=cs.Response(status=200, headers=CORS_CRED))
    for browser in (cs.CHROMIUM, cs.FIREFOX, cs.WEBKIT, cs.SPEC):
        ev = cs.evaluate(req, server, browser=browser, cookies=jar, needs_cookies=("sid",))
        assert ev.allowed  # CORS allows it ...
        assert ev.cookies is not None
        assert ev.cookies.missing == ("sid",)  # ... but the session cookie stays behind
        assert ev.cookies.needs_met is False
        (exclusion,) = ev.cookies.hops[0].excluded
        assert exclusion.reason is R.SAMESITE_LAX


def test_third_party_policy_per_engine_and_override() -> None:
    other = "https://api.other.com/me"
    jar = CookieJar.from_set_cookie(other, ["sid=1; SameSite=None; Secure"])
    req = cs.Request(url=other, origin=APP, credentials="include")
    server = cs.Exchange(actual=cs.Response(status=200, headers=CORS_CRED))

    def fate(browser: BrowserProfile, **kw: object) -> tuple[bool | None, CookieReason | None]:
        ev = cs.evaluate(req, server, browser=browser, cookies=jar, needs_cookies=("sid",), **kw)  # type: ignore[arg-type]
        assert ev.cookies is not None
        excluded = ev.cookies.hops[0].excluded
        return ev.cookies.needs_met, excluded[0].reason if excluded else None

    assert fate(cs.SPEC) == (True, None)
    assert fate(cs.FIREFOX) == (False, R.PARTITION_MISMATCH)
    assert fate(cs.WEBKIT) == (True, None)  # block-storing: first-party cookies still go
    assert fate(cs.CHROMIUM) == (False, R.THIRD_PARTY_BLOCKED)  # only-partitioned
    unmeasured = attrs.evolve(cs.CHROMIUM, third_party_cookies=None)
    assert fate(unmeasured) == (None, R.ENGINE_BEHAVIOUR_UNKNOWN)
    assert fate(cs.CHROMIUM, third_party_cookies="allow") == (True, None)
    assert fate(cs.WEBKIT, third_party_cookies=ThirdPartyCookies.BLOCK) == (
        False,
        R.THIRD_PARTY_BLOCKED,
    )
    with pytest.raises(InvalidRequestError):
        fate(cs.CHROMIUM, third_party_cookies="sometimes")


def test_partitioned_cookie_round_trip_in_a_third_party_context() -> None:
    other = "https://api.other.com/me"
    req = cs.Request(url=other, origin=APP, credentials="include")
    setter = cs.Exchange(
        actual=cs.Response(
            status=200,
            headers=(*CORS_CRED, ("Set-Cookie", "chips=1; SameSite=None; Secure; Partitioned")),
        )
    )
    only = ThirdPartyCookies.ONLY_PARTITIONED
    ev = cs.evaluate(req, setter, cookies=CookieJar(), third_party_cookies=only)
    assert ev.cookies is not None
    jar = ev.cookies.jar
    assert jar.cookies[0].partition == "https://example.com"
    again = cs.evaluate(req, setter, cookies=jar, third_party_cookies=only, needs_cookies=["chips"])
    assert again.cookies is not None
    assert again.cookies.needs_met is True
    # Under another top-level site the partition is not read.
    elsewhere = cs.Request(url=other, origin="https://elsewhere.test", credentials="include")
    third = cs.evaluate(elsewhere, setter, cookies=jar, third_party_cookies=only)
    assert third.cookies is not None
    assert third.cookies.hops[0].excluded[0].reason is R.PARTITION_MISMATCH


def test_cross_site_redirect_makes_the_next_hop_cross_site() -> None:
    api = "https://api.example.com/start"
    jar = CookieJar.from_set_cookie(api, ["sid=1; SameSite=Lax; Secure; Path=/"])

    def server(request: cs.Request) -> cs.Response:
        if request.url.host == "api.example.com" and request.url.path == "/start":
            return cs.Response(
                status=302, headers=(*CORS_CRED, ("Location", "https://hop.test/back"))
            )
        if request.url.host == "hop.test":
            # The origin is tainted to null after the cross-origin hop away from the API.
            return cs.Response(
                status=302,
                headers=(
                    ("Access-Control-Allow-Origin", "null"),
                    ("Access-Control-Allow-Credentials", "true"),
                    ("Location", "https://api.example.com/end"),
                ),
            )
        return cs.Response(
            status=200,
            headers=(
                ("Access-Control-Allow-Origin", "null"),
                ("Access-Control-Allow-Credentials", "true"),
            ),
        )

    req = cs.Request(url=api, origin=APP, credentials="include")
    ev = cs.evaluate(req, server, cookies=jar, needs_cookies=["sid"])
    assert ev.cookies is not None
    headers = [h.header for h in ev.cookies.hops]
    assert headers == ["sid=1", None, None]
    assert ev.cookies.hops[2].excluded[0].reason is R.SAMESITE_LAX
    assert ev.cookies.missing == ("sid",)


def test_embedded_page_has_no_same_site_requests() -> None:
    jar = CookieJar.from_set_cookie(API, ["sid=1; SameSite=Lax; Secure"])
    req = cs.Request(url=API, origin=APP, credentials="include")
    server = cs.Exchange(actual=cs.Response(status=200, headers=CORS_CRED))
    ev = cs.evaluate(
        req, server, cookies=jar, top_level="https://portal.test", needs_cookies=["sid"]
    )
    assert ev.cookies is not None
    assert ev.cookies.hops[0].excluded[0].reason is R.SAMESITE_LAX


def test_without_a_jar_nothing_changes() -> None:
    req = cs.Request(url=API, origin=APP, credentials="include")
    ev = cs.evaluate(req, _server())
    assert ev.cookies is None
    assert pickle.loads(pickle.dumps(ev)) == ev


# -- Wording (corsspec.explain.cookies) -----------------------------------------------


def test_every_reason_has_words_and_a_fix() -> None:
    from corsspec.explain import COOKIE_FIXES, COOKIE_MESSAGES

    assert set(COOKIE_MESSAGES) == set(CookieReason)
    assert set(COOKIE_FIXES) == set(CookieReason)


def test_explanation_reports_a_logged_out_request() -> None:
    other = "https://api.other.com/me"
    jar = CookieJar.from_set_cookie(other, ["sid=1; SameSite=Lax; Secure"])
    req = cs.Request(url=other, origin=APP, credentials="include")
    server = cs.Exchange(actual=cs.Response(status=200, headers=CORS_CRED))
    ev = cs.evaluate(req, server, browser=cs.CHROMIUM, cookies=jar, needs_cookies=["sid"])
    text = cs.explanation(ev)
    assert text.splitlines()[0].endswith("allowed by CORS, but needed cookies missing: sid")
    assert "not sent sid: the cookie is SameSite=Lax" in text
    assert 'chromium: This cookie was blocked because it had the "SameSite=Lax"' in text
    assert "SameSite=None; Secure" in text
    assert "NEEDED COOKIES MISSING: sid" in text
    unknown = cs.evaluate(
        req,
        server,
        browser=attrs.evolve(cs.CHROMIUM, third_party_cookies=None),
        cookies=CookieJar.from_set_cookie(other, ["sid=1; SameSite=None; Secure"]),
        needs_cookies=["sid"],
    )
    assert "needed cookies unknown: sid" in cs.explanation(unknown).splitlines()[0]


# -- The headless measurement behind the profiles' cookie fields ----------------------

FIRST_PARTY = [
    "fp_plain=1; Path=/",
    "fp_lax=1; SameSite=Lax; Path=/",
    "fp_none=1; SameSite=None; Path=/",
    "fp_nones=1; SameSite=None; Secure; Path=/",
    "fp_sec=1; Secure; Path=/",
]
THIRD_PARTY = [
    "tp_plain=1; Path=/",
    "tp_none=1; SameSite=None; Path=/",
    "tp_nones=1; SameSite=None; Secure; Path=/",
    "tp_part=1; SameSite=None; Secure; Partitioned; Path=/",
    "tp_partns=1; SameSite=None; Partitioned; Path=/",
]
#: Cookie headers the API got, per engine (headless, the suite's launch settings): the
#: API's own page stored FIRST_PARTY, then a page on another site fetched echo1, set3p
#: (THIRD_PARTY), echo2 with credentials, then the API's own page fetched echo3.
MEASURED = {
    "chromium": ("http://127.0.0.2:8000", "fp_plain=1; fp_lax=1; fp_nones=1; fp_sec=1",
                 None, "tp_part=1", "fp_plain=1; fp_lax=1; fp_nones=1; fp_sec=1"),
    "firefox": ("http://localhost:8000", "fp_plain=1; fp_lax=1; fp_nones=1; fp_sec=1",
                None, "tp_plain=1; tp_nones=1; tp_part=1",
                "fp_plain=1; fp_lax=1; fp_nones=1; fp_sec=1"),
    "webkit": ("http://localhost:8000", "fp_plain=1; fp_lax=1; fp_none=1",
               "fp_plain=1; fp_none=1", "fp_plain=1; fp_none=1",
               "fp_plain=1; fp_lax=1; fp_none=1"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_profiles_predict_the_headless_measurement(name: str) -> None:
    browser = cs.get_profile(name)
    page, first, echo1, echo2, echo3 = MEASURED[name]
    api = "http://127.0.0.1:9000"
    document = parse_url(api + "/first")
    context = cookie_context(
        [document], top_level=document.origin, profile=browser, third_party_cookies=None
    )
    jar = CookieJar()
    for line in FIRST_PARTY:  # the API's own page (a top-level document response)
        jar = jar.store(line, url=document, context=context, now=0.0, profile=browser).jar

    def fetch(url: str, origin: str, lines: list[str] = []) -> str | None:  # noqa: B006
        nonlocal jar
        headers = [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Credentials", "true"),
        ]
        server = cs.Exchange(
            actual=cs.Response(
                status=200, headers=[*headers, *(("Set-Cookie", li) for li in lines)]
            )
        )
        req = cs.Request(url=url, origin=origin, credentials="include")
        ev = cs.evaluate(req, server, browser=browser, cookies=jar)
        assert ev.allowed
        assert ev.cookies is not None
        jar = ev.cookies.jar
        return ev.cookies.hops[0].header

    assert fetch(api + "/echo-fp", api) == first
    assert fetch(api + "/echo1", page) == echo1
    fetch(api + "/set3p", page, THIRD_PARTY)
    assert fetch(api + "/echo2", page) == echo2
    assert fetch(api + "/echo3", api) == echo3


def test_unmeasured_schemeful_same_site_is_unknown_only_where_it_matters() -> None:
    api = "https://api.example.com/me"
    jar = CookieJar.from_set_cookie(api, ["sid=1; SameSite=Lax; Secure"])
    server = cs.Exchange(
        actual=cs.Response(
            status=200,
            headers=[
                ("Access-Control-Allow-Origin", "http://app.example.com"),
                ("Access-Control-Allow-Credentials", "true"),
            ],
        )
    )
    assert cs.FIREFOX.cookie_schemeful_same_site is None
    req = cs.Request(url=api, origin="http://app.example.com", credentials="include")
    ev = cs.evaluate(req, server, browser=cs.FIREFOX, cookies=jar, needs_cookies=["sid"])
    assert ev.cookies is not None
    hop = ev.cookies.hops[0]
    assert hop.same_site is None
    assert hop.excluded[0].reason is R.ENGINE_BEHAVIOUR_UNKNOWN
    assert hop.excluded[0].detail == "cookie_schemeful_same_site"
    assert ev.cookies.needs_met is None
    # Chromium compares schemes: cross-site, a known answer.
    chromium = cs.evaluate(req, server, browser=cs.CHROMIUM, cookies=jar, needs_cookies=["sid"])
    assert chromium.cookies is not None
    assert chromium.cookies.hops[0].excluded[0].reason is R.SAMESITE_LAX

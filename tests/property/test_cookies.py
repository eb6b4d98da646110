"""Cookie laws: storing then sending is deterministic, never leaks, and the jar pickles."""

from __future__ import annotations

import pickle

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import corsspec as cs
from corsspec.engine.cookies import CookieJar, SameSite
from corsspec.engine.sites import same_site
from tests.property._common import profiles, scaled

pytestmark = pytest.mark.property

#: Origins that are same-site, cross-site, secure and not, loopback and not.
ORIGINS = (
    "https://app.example.com",
    "https://api.example.com",
    "https://example.com",
    "http://app.example.com",
    "https://api.other.com",
    "https://bucket.s3.amazonaws.com",
    "https://other.s3.amazonaws.com",
    "http://127.0.0.1:8000",
    "http://127.0.0.1:9000",
    "http://localhost:8000",
)
PATHS = ("/", "/a", "/a/b", "/b")
C = cs.Credentials
CREDENTIALS = (C.OMIT, C.SAME_ORIGIN, C.INCLUDE, C.INCLUDE)
NAMES = ("sid", "sid", "pref", "pref", "__Host-sid", "__Secure-t", "")


@st.composite
def set_cookie_lines(draw: st.DrawFn) -> str:
    """A Set-Cookie value over the attributes the model knows."""
    name = draw(st.sampled_from(NAMES))
    value = draw(st.sampled_from(("1", "x", "")))
    parts = [f"{name}={value}" if name else value or "v"]
    if draw(st.sampled_from((True, True, True, False))):
        parts.append("Secure")
    if draw(st.booleans()):
        parts.append("HttpOnly")
    same = draw(st.sampled_from((None, "Strict", "Lax", "None", "None", "None", "bogus")))
    if same is not None:
        parts.append(f"SameSite={same}")
    if draw(st.sampled_from((True, True, False))):
        parts.append("Path=" + draw(st.sampled_from(("/", "/", *PATHS))))
    domain = draw(
        st.sampled_from((None, None, None, "example.com", "s3.amazonaws.com", "127.0.0.1", "com"))
    )
    if domain is not None:
        parts.append(f"Domain={domain}")
    if draw(st.booleans()):
        parts.append(f"Max-Age={draw(st.integers(-5, 100))}")
    if draw(st.integers(0, 3)) == 0:
        parts.append("Partitioned")
    return "; ".join(parts)


@st.composite
def cookie_scenarios(draw: st.DrawFn) -> tuple[cs.Request, cs.Request, list[str], str]:
    """A request that sets cookies, a follow-up request, the lines and the top-level origin."""
    page = draw(st.sampled_from(ORIGINS))
    api = draw(st.sampled_from(ORIGINS))
    credentials = draw(st.sampled_from(CREDENTIALS))
    method = draw(st.sampled_from(("GET", "POST", "PUT")))
    first = cs.Request(
        method=method,
        url=api + draw(st.sampled_from(PATHS)),
        origin=page,
        credentials=credentials,
    )
    second = cs.Request(
        url=draw(st.sampled_from((*(api,) * 10, *ORIGINS))) + draw(st.sampled_from(PATHS)),
        origin=page,
        credentials=draw(st.sampled_from(CREDENTIALS)),
    )
    lines = draw(st.lists(set_cookie_lines(), min_size=1, max_size=4))
    top = draw(st.sampled_from((page, page, "https://portal.test")))
    return first, second, lines, top


def _server(lines: list[str]) -> cs.Server:
    def answer(request: cs.Request) -> cs.Response:
        headers = [
            ("Access-Control-Allow-Origin", request.origin.serialize()),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", "PUT, POST"),
        ]
        return cs.Response(status=200, headers=[*headers, *(("Set-Cookie", li) for li in lines)])

    class Server:
        def respond(self, request: cs.Request) -> cs.Response:
            return answer(request)

    return Server()


policies = st.sampled_from(
    (None, "allow", "partition", "only-partitioned", "block-storing", "block")
)


@scaled(0.5)
@given(cookie_scenarios(), profiles(), policies, st.floats(0, 10**6))
def test_storing_then_sending_is_deterministic(
    scenario: tuple[cs.Request, cs.Request, list[str], str],
    browser: cs.BrowserProfile,
    policy: str | None,
    now: float,
) -> None:
    first, second, lines, top = scenario
    runs = []
    for _ in range(2):
        ev = cs.evaluate(
            first,
            _server(lines),
            browser=browser,
            cookies=CookieJar(),
            top_level=top,
            third_party_cookies=policy,  # type: ignore[arg-type]
            now=now,
        )
        assert ev.cookies is not None
        follow = cs.evaluate(
            second,
            _server([]),
            browser=browser,
            cookies=ev.cookies.jar,
            top_level=top,
            third_party_cookies=policy,  # type: ignore[arg-type]
            now=now + 1,
        )
        runs.append((ev, follow))
    assert runs[0] == runs[1]
    jar = runs[0][1].cookies.jar  # type: ignore[union-attr]
    restored = pickle.loads(pickle.dumps(jar))
    assert restored == jar
    assert hash(restored) == hash(jar)
    assert pickle.loads(pickle.dumps(runs[0][1])) == runs[0][1]


@scaled(0.5)
@given(cookie_scenarios(), profiles(), policies, st.floats(0, 10**6))
def test_a_cookie_never_goes_where_the_rules_exclude(
    scenario: tuple[cs.Request, cs.Request, list[str], str],
    browser: cs.BrowserProfile,
    policy: str | None,
    now: float,
) -> None:
    first, second, lines, top = scenario
    setup = cs.evaluate(
        first,
        _server(lines),
        browser=browser,
        cookies=CookieJar(),
        top_level=top,
        third_party_cookies=policy,  # type: ignore[arg-type]
        now=now,
    )
    assert setup.cookies is not None
    jar = setup.cookies.jar
    # No Set-Cookie from a request that did not include credentials was stored.
    for hop in setup.cookies.hops:
        if not hop.credentials:
            assert not hop.stored
    ev = cs.evaluate(
        second,
        _server([]),
        browser=browser,
        cookies=jar,
        top_level=top,
        third_party_cookies=policy,  # type: ignore[arg-type]
        now=now + 1,
    )
    assert ev.cookies is not None
    top_origin = cs.parse_origin(top)
    for request in ev.sent:
        has_cookie = any(n.lower() == "cookie" for n, _ in request.headers)
        if request.method == "OPTIONS":
            assert not has_cookie  # never on a preflight
    for hop in ev.cookies.hops:
        wire = ev.sent[hop.index]
        url = wire.url
        if not hop.credentials:
            assert hop.header is None
        sent_header = [v for n, v in wire.headers if n.lower() == "cookie"]
        assert sent_header == ([hop.header] if hop.header else [])
        for cookie in hop.sent:
            assert cookie.expires is None or cookie.expires > now + 1
            if cookie.host_only:
                assert url.host == cookie.domain
            else:
                assert url.host == cookie.domain or url.host.endswith("." + cookie.domain)
            assert url.path == cookie.path or url.path.startswith(cookie.path.rstrip("/") + "/")
            if cookie.secure:
                assert url.scheme == "https" or url.host in ("127.0.0.1", "localhost")
            if not hop.same_site:
                assert cookie.same_site is SameSite.NONE or (
                    cookie.same_site is SameSite.DEFAULT and browser.cookie_lax_by_default is False
                )
            if cookie.partition is not None:
                assert cookie.partition == ev.cookies.top_level.serialize()
            if hop.third_party:
                effective = policy or (
                    None
                    if browser.third_party_cookies is None
                    else browser.third_party_cookies.value
                )
                assert effective != "block"
                if effective in ("partition", "only-partitioned"):
                    assert cookie.partition is not None
        # The rule behind each exclusion never lets the cookie through another door.
        assert {c.key() for c in hop.sent}.isdisjoint(e.cookie.key() for e in hop.excluded)
    if not same_site(second.url.origin, top_origin):
        assert ev.cookies.hops == () or all(h.third_party for h in ev.cookies.hops[:1])


def test_an_empty_jar_changes_no_verdict() -> None:
    req = cs.Request(method="PUT", url="https://api.other.com/x", origin="https://app.test")
    server = _server([])
    for browser in (cs.CHROMIUM, cs.FIREFOX, cs.WEBKIT, cs.SPEC):
        plain = cs.evaluate(req, server, browser=browser)
        with_jar = cs.evaluate(req, server, browser=browser, cookies=CookieJar())
        assert attrs.evolve(with_jar, cookies=None) == plain

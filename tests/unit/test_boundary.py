"""Mixed content, Local Network Access and what script can read: the unit tables.

Each row cites the rule it checks. Rows marked "source" follow the engine's source (named
in the profile's field comment in corsspec/engine/browsers.py); none of them is proven by
a recorded browser run yet (the browser suite has no TLS origin).
"""

from __future__ import annotations

import attrs
import pytest

import corsspec as cs
from corsspec.engine.local_network import (
    AddressSpace,
    address_space_of_host,
    is_local_network_request,
)
from corsspec.engine.mixed_content import (
    is_potentially_trustworthy_url,
    should_block_as_mixed_content,
)
from corsspec.engine.reasons import NoteCode
from corsspec.engine.url import parse_origin, parse_url

R = cs.ReasonCode
PAGE = "https://app.example"
OK = cs.Exchange(
    actual=cs.Response(status=200, headers=(("Access-Control-Allow-Origin", "*"),)),
    preflight=cs.Response(
        status=204,
        headers=(("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "PUT")),
    ),
)


# -- Secure Contexts: "Is url potentially trustworthy?" -------------------------------------


@attrs.frozen(kw_only=True)
class TrustCase:
    url: str
    #: Per profile name: whether the URL is potentially trustworthy.
    chromium: bool
    firefox: bool
    webkit: bool
    spec: bool
    why: str


TRUST_CASES = (
    TrustCase(
        url="https://api.example/",
        chromium=True,
        firefox=True,
        webkit=True,
        spec=True,
        why="https is a priori authenticated",
    ),
    TrustCase(
        url="http://api.example/",
        chromium=False,
        firefox=False,
        webkit=False,
        spec=False,
        why="plain http to a name",
    ),
    TrustCase(
        url="http://127.0.0.1:8080/",
        chromium=True,
        firefox=True,
        webkit=True,
        spec=True,
        why="127.0.0.0/8 (Secure Contexts step 'host matches 127.0.0.0/8')",
    ),
    TrustCase(
        url="http://127.9.9.9/",
        chromium=True,
        firefox=True,
        webkit=True,
        spec=True,
        why="the whole 127.0.0.0/8 block",
    ),
    TrustCase(
        url="http://[::1]:8080/", chromium=True, firefox=True, webkit=True, spec=True, why="::1/128"
    ),
    TrustCase(
        url="http://[::2]/",
        chromium=False,
        firefox=False,
        webkit=False,
        spec=False,
        why="only ::1 is loopback",
    ),
    TrustCase(
        url="http://localhost:3000/",
        chromium=True,
        firefox=True,
        webkit=True,
        spec=True,
        why="let-localhost-be-localhost",
    ),
    TrustCase(
        url="http://LOCALHOST./",
        chromium=True,
        firefox=True,
        webkit=True,
        spec=True,
        why="'localhost.' (the URL parser lowercases the host)",
    ),
    TrustCase(
        url="http://api.localhost/",
        chromium=True,
        firefox=False,
        webkit=False,
        spec=True,
        why="names under .localhost: spec and Chromium yes; Firefox, WebKit no (source)",
    ),
    TrustCase(
        url="http://localhost.example/",
        chromium=False,
        firefox=False,
        webkit=False,
        spec=False,
        why="not under .localhost",
    ),
    TrustCase(
        url="http://192.168.1.10/",
        chromium=False,
        firefox=False,
        webkit=False,
        spec=False,
        why="a private address is not trustworthy",
    ),
    TrustCase(
        url="data:text/plain,hi",
        chromium=True,
        firefox=True,
        webkit=True,
        spec=True,
        why="Secure Contexts: a data: URL is potentially trustworthy",
    ),
)


@pytest.mark.parametrize("case", TRUST_CASES, ids=[c.url for c in TRUST_CASES])
def test_potentially_trustworthy_url(case: TrustCase, browser: cs.BrowserProfile) -> None:
    expected = getattr(case, browser.name)
    assert is_potentially_trustworthy_url(parse_url(case.url), browser) is expected, case.why


def test_spec_profile_is_the_standard_read_literally() -> None:
    for case in TRUST_CASES:
        assert is_potentially_trustworthy_url(parse_url(case.url), cs.SPEC) is case.spec, case.why


# -- Mixed Content: "Should fetching request be blocked as mixed content?" -------------------


@pytest.mark.parametrize(
    ("origin", "url", "blocked"),
    [
        pytest.param(PAGE, "http://api.example/x", True, id="https-page-http-url"),
        pytest.param(PAGE, "https://api.example/x", False, id="https-page-https-url"),
        pytest.param("http://app.example", "http://api.example/x", False, id="http-page"),
        pytest.param(PAGE, "http://127.0.0.1/x", False, id="loopback-literal"),
        pytest.param(PAGE, "http://localhost/x", False, id="localhost"),
        pytest.param(PAGE, "ftp://files.example/x", False, id="ftp-left-to-scheme-check"),
    ],
)
def test_should_block_as_mixed_content(
    origin: str, url: str, blocked: bool, browser: cs.BrowserProfile
) -> None:
    assert should_block_as_mixed_content(parse_origin(origin), parse_url(url), browser) is blocked


def test_spec_restricts_a_localhost_page_engines_do_not() -> None:
    # Mixed Content: "If settings' origin is a potentially trustworthy origin, then return
    # "Prohibits Mixed Security Contexts"" — an http://localhost page included; the engines
    # restrict https pages only (mixed_content_only_from_https).
    page, url = parse_origin("http://localhost:3000"), parse_url("http://api.example/x")
    assert should_block_as_mixed_content(page, url, cs.SPEC)
    for profile in cs.ALL_BROWSERS:
        assert not should_block_as_mixed_content(page, url, profile)


# XHR is always mode "cors", so it has no no-cors row.
@pytest.mark.parametrize(
    ("mode", "api"), [("cors", "fetch"), ("no-cors", "fetch"), ("cors", "xhr")]
)
def test_mixed_content_blocks_before_anything_is_sent(
    mode: str, api: str, browser: cs.BrowserProfile
) -> None:
    req = cs.Request(
        method="PUT" if mode == "cors" else "POST",
        url="http://api.example/x",
        origin=PAGE,
        mode=mode,  # type: ignore[arg-type]
        api=api,  # type: ignore[arg-type]
    )
    ev = cs.evaluate(req, OK, browser=browser)
    assert ev.reason is not None
    assert ev.reason.code is R.MIXED_CONTENT
    assert ev.reason.stage is cs.Stage.REQUEST
    assert ev.sent == ()  # no preflight on the wire either
    assert ev.preflight is None


def test_redirect_to_http_mid_chain_is_blocked_at_that_hop(browser: cs.BrowserProfile) -> None:
    # Main fetch runs again for the redirect target (HTTP-redirect fetch, last step).
    hop = cs.Response(
        status=302,
        headers=(("Access-Control-Allow-Origin", "*"), ("Location", "http://api.example/y")),
    )
    req = cs.Request(url="https://api.example/x", origin=PAGE)
    ev = cs.evaluate(req, cs.Exchange(actual=hop), browser=browser)
    assert ev.reason is not None
    assert ev.reason.code is R.MIXED_CONTENT
    assert ev.reason.url == "http://api.example/y"
    assert len(ev.sent) == 1  # the first hop went out; the http one never did
    message = cs.explain.console_message(ev)
    assert message is not None
    assert "http://api.example/y" in message


# -- Local Network Access: address spaces ---------------------------------------------------


@pytest.mark.parametrize(
    ("host", "space"),
    [
        ("127.0.0.1", AddressSpace.LOOPBACK),
        ("127.255.0.1", AddressSpace.LOOPBACK),
        ("[::1]", AddressSpace.LOOPBACK),
        ("localhost", AddressSpace.LOOPBACK),
        ("a.localhost", AddressSpace.LOOPBACK),
        ("10.1.2.3", AddressSpace.LOCAL),
        ("172.16.0.1", AddressSpace.LOCAL),
        ("172.31.255.255", AddressSpace.LOCAL),
        ("172.32.0.1", AddressSpace.PUBLIC),
        ("192.168.1.10", AddressSpace.LOCAL),
        ("169.254.1.1", AddressSpace.LOCAL),
        ("100.64.0.1", AddressSpace.LOCAL),
        ("[fd00::1]", AddressSpace.LOCAL),
        ("[fe80::1]", AddressSpace.LOCAL),
        ("[::ffff:c0a8:10a]", AddressSpace.LOCAL),  # IPv4-mapped 192.168.1.10
        ("[::ffff:7f00:1]", AddressSpace.LOOPBACK),  # IPv4-mapped 127.0.0.1
        ("8.8.8.8", AddressSpace.PUBLIC),
        ("[2001:db8::1]", AddressSpace.PUBLIC),
        ("printer.local", None),  # a name: only resolution can tell
        ("api.example", None),
        ("x.a1", None),  # ends in a digit, still a name
    ],
)
def test_address_space_of_host(host: str, space: AddressSpace | None) -> None:
    assert address_space_of_host(host) is space


def test_url_parser_keeps_non_addresses_out() -> None:
    # 127.999.1.1 is not an address: the URL parser rejects it, so it never gets classified.
    with pytest.raises(cs.CorsspecError):
        parse_url("http://127.999.1.1/")


@pytest.mark.parametrize(
    ("target", "page", "local"),
    [
        (AddressSpace.LOCAL, AddressSpace.PUBLIC, True),
        (AddressSpace.LOOPBACK, AddressSpace.PUBLIC, True),
        (AddressSpace.LOOPBACK, AddressSpace.LOCAL, True),
        (AddressSpace.LOCAL, AddressSpace.LOCAL, False),
        (AddressSpace.PUBLIC, AddressSpace.LOCAL, False),
        (AddressSpace.LOCAL, AddressSpace.LOOPBACK, False),
    ],
)
def test_is_local_network_request(target: AddressSpace, page: AddressSpace, local: bool) -> None:
    assert is_local_network_request(target, page) is local


# -- Local Network Access: outcomes per engine ------------------------------------------------


@attrs.frozen(kw_only=True)
class LnaCase:
    id: str
    url: str
    origin: str = PAGE
    options: tuple[tuple[str, str], ...] = ()
    #: Chromium's outcome (None: allowed); Firefox, WebKit and spec have no LNA gate.
    chromium: cs.ReasonCode | None
    #: Firefox/WebKit/spec outcome.
    others: cs.ReasonCode | None
    #: Notes Chromium's evaluation must carry.
    notes: tuple[NoteCode, ...] = ()


LNA_CASES = (
    LnaCase(
        id="public-to-private-https",
        url="https://192.168.1.10/api",
        chromium=R.LOCAL_NETWORK_PERMISSION_REQUIRED,
        others=None,
        notes=(NoteCode.ADDRESS_SPACE_ASSUMED,),
    ),
    LnaCase(
        id="public-to-loopback",
        url="http://127.0.0.1:8080/",
        chromium=R.LOCAL_NETWORK_PERMISSION_REQUIRED,
        others=None,
    ),
    LnaCase(
        id="public-to-localhost",
        url="http://localhost:8080/",
        chromium=R.LOCAL_NETWORK_PERMISSION_REQUIRED,
        others=None,
    ),
    LnaCase(
        id="granted",
        url="http://127.0.0.1:8080/",
        options=(("local_network_permission", "granted"),),
        chromium=None,
        others=None,
        notes=(NoteCode.LOCAL_NETWORK_PERMISSION_GRANTED,),
    ),
    LnaCase(
        id="denied",
        url="http://127.0.0.1:8080/",
        options=(("local_network_permission", "denied"),),
        chromium=R.LOCAL_NETWORK_PERMISSION_DENIED,
        others=None,
    ),
    LnaCase(
        id="private-ip-http-exempt-from-mixed-content",
        url="http://192.168.1.10/api",
        chromium=R.LOCAL_NETWORK_PERMISSION_REQUIRED,
        others=R.MIXED_CONTENT,
        notes=(NoteCode.MIXED_CONTENT_EXEMPT_LOCAL_NETWORK,),
    ),
    LnaCase(
        id="http-name-still-mixed-content",
        url="http://printer.example/",
        chromium=R.MIXED_CONTENT,
        others=R.MIXED_CONTENT,
    ),
    LnaCase(
        id="dot-local-unstated-assumed-public",
        url="http://printer.local/",
        chromium=R.MIXED_CONTENT,
        others=R.MIXED_CONTENT,
        notes=(NoteCode.ADDRESS_SPACE_ASSUMED,),
    ),
    LnaCase(
        id="dot-local-stated-local",
        url="http://printer.local/",
        options=(("address_space", "local"),),
        chromium=R.LOCAL_NETWORK_PERMISSION_REQUIRED,
        others=R.MIXED_CONTENT,
        notes=(NoteCode.MIXED_CONTENT_EXEMPT_LOCAL_NETWORK,),
    ),
    LnaCase(
        id="target-address-space-exempts-a-name",
        url="http://printer.example/",
        options=(("target_address_space", "local"),),
        chromium=R.LOCAL_NETWORK_PERMISSION_REQUIRED,
        others=R.MIXED_CONTENT,
        notes=(NoteCode.ADDRESS_SPACE_ASSUMED, NoteCode.MIXED_CONTENT_EXEMPT_LOCAL_NETWORK),
    ),
    LnaCase(
        id="target-address-space-mismatch",
        url="https://192.168.1.10/",
        options=(("target_address_space", "loopback"),),
        chromium=R.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH,
        others=None,
    ),
    LnaCase(
        id="insecure-context",
        url="http://192.168.1.10/",
        origin="http://app.example",
        chromium=R.LOCAL_NETWORK_INSECURE_CONTEXT,
        others=None,
    ),
    LnaCase(
        id="local-page-to-local",
        url="http://192.168.1.20/",
        origin="http://192.168.1.10",
        chromium=None,
        others=None,
    ),
    LnaCase(
        id="local-page-to-loopback",
        url="https://127.0.0.1/",
        origin="https://192.168.1.10",
        chromium=R.LOCAL_NETWORK_PERMISSION_REQUIRED,
        others=None,
    ),
    LnaCase(
        id="stated-local-page-to-private",
        url="https://10.0.0.2/",
        origin="https://intra.example",
        options=(("page_address_space", "local"),),
        chromium=None,
        others=None,
    ),
    LnaCase(id="public-to-public", url="https://8.8.8.8/", chromium=None, others=None),
)


@pytest.mark.parametrize("case", LNA_CASES, ids=[c.id for c in LNA_CASES])
def test_local_network_access(case: LnaCase, browser: cs.BrowserProfile) -> None:
    req = cs.Request(url=case.url, origin=case.origin, **dict(case.options))  # type: ignore[arg-type]
    ev = cs.evaluate(req, OK, browser=browser)
    expected = case.chromium if browser.local_network_access else case.others
    got = None if ev.reason is None else ev.reason.code
    assert got is expected
    if expected is not None and expected is not R.HEADER_NOT_EXPOSED:
        assert ev.sent == ()  # decided before anything goes on the wire
    if browser.local_network_access:
        codes = {n.code for n in ev.notes}
        assert set(case.notes) <= codes


def test_permission_required_is_never_allowed_and_says_so() -> None:
    ev = cs.evaluate(cs.Request(url="https://192.168.1.10/", origin=PAGE), OK)
    assert not ev.allowed
    text = cs.explanation(ev)
    assert "needs the user's permission" in text
    assert "local-network-permission-required" in text


def test_redirect_into_a_more_private_space_needs_the_permission() -> None:
    hop = cs.Response(
        status=302,
        headers=(("Access-Control-Allow-Origin", "*"), ("Location", "https://192.168.1.10/")),
    )
    ev = cs.evaluate(cs.Request(url="https://api.example/x", origin=PAGE), cs.Exchange(actual=hop))
    assert ev.reason is not None
    assert ev.reason.code is R.LOCAL_NETWORK_PERMISSION_REQUIRED
    assert ev.reason.url == "https://192.168.1.10/"
    assert len(ev.sent) == 1


def test_address_space_stated_for_the_url_does_not_follow_a_redirect_to_another_host() -> None:
    hop = cs.Response(
        status=302,
        headers=(("Access-Control-Allow-Origin", "*"), ("Location", "https://other.example/")),
    )
    req = cs.Request(
        url="https://printer.example/",
        origin="https://intra.example",
        address_space="local",
        page_address_space="local",
    )
    final = cs.Response(status=200, headers=(("Access-Control-Allow-Origin", "*"),))
    ev = cs.evaluate(req, lambda r: hop if r.url.host == "printer.example" else final)
    # other.example was not stated: assumed public, said so, and not gated.
    assert ev.reason is None
    assert any(n.code is NoteCode.ADDRESS_SPACE_ASSUMED for n in ev.notes)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("address_space", "private"),
        ("page_address_space", "intranet"),
        ("target_address_space", "lan"),
        ("local_network_permission", "ask"),
    ],
)
def test_bad_values_are_typed_errors_naming_the_value(field: str, value: str) -> None:
    with pytest.raises(cs.InvalidRequestError) as info:
        cs.Request(url="https://a.example/", origin=PAGE, **{field: value})  # type: ignore[arg-type]
    assert value in str(info.value)
    assert field in str(info.value)


def test_target_address_space_is_fetch_only() -> None:
    with pytest.raises(cs.InvalidRequestError):
        cs.Request(url="https://a.example/", origin=PAGE, api="xhr", target_address_space="local")


# -- What script can read ---------------------------------------------------------------------


def _actual(*headers: tuple[str, str]) -> cs.Exchange:
    return cs.Exchange(actual=cs.Response(status=200, headers=headers))


ACAO = ("Access-Control-Allow-Origin", PAGE)


def test_unexposed_headers_are_noted(browser: cs.BrowserProfile) -> None:
    ev = cs.evaluate(
        cs.Request(url="https://api.example/x", origin=PAGE),
        _actual(ACAO, ("X-Total-Count", "10"), ("Content-Type", "text/plain")),
        browser=browser,
    )
    assert ev.allowed
    notes = [n for n in ev.notes if n.code is NoteCode.UNEXPOSED_HEADERS]
    assert [n.detail for n in notes] == ["x-total-count"]
    text = cs.explanation(ev)
    assert (
        "script will read null for: x-total-count; add Access-Control-Expose-Headers: X-Total-Count"
    ) in text


def test_exposed_or_same_origin_headers_are_not_noted(browser: cs.BrowserProfile) -> None:
    exposed = cs.evaluate(
        cs.Request(url="https://api.example/x", origin=PAGE),
        _actual(ACAO, ("X-Total-Count", "10"), ("Access-Control-Expose-Headers", "X-Total-Count")),
        browser=browser,
    )
    same = cs.evaluate(
        cs.Request(url=PAGE + "/x", origin=PAGE), _actual(("X-Total-Count", "10")), browser=browser
    )
    for ev in (exposed, same):
        assert not any(n.code is NoteCode.UNEXPOSED_HEADERS for n in ev.notes)


@pytest.mark.parametrize(
    ("credentials", "readable"),
    [("same-origin", True), ("include", False)],
)
def test_reads_with_wildcard_expose_depends_on_credentials(
    credentials: str, readable: bool, browser: cs.BrowserProfile
) -> None:
    # Fetch: "*" in Access-Control-Expose-Headers is a wildcard only when the request's
    # credentials mode is not "include" (then it names a header called "*").
    headers = [
        ("Access-Control-Allow-Origin", PAGE),
        ("X-Total-Count", "10"),
        ("Access-Control-Expose-Headers", "*"),
    ]
    if credentials == "include":
        headers.append(("Access-Control-Allow-Credentials", "true"))
    req = cs.Request(url="https://api.example/x", origin=PAGE, credentials=credentials)  # type: ignore[arg-type]
    ev = cs.evaluate(req, _actual(*headers), browser=browser, reads=("X-Total-Count",))
    if readable:
        assert ev.reason is None
    else:
        assert ev.reason is not None
        assert ev.reason.code is R.HEADER_NOT_EXPOSED
        assert ev.reason.value == "X-Total-Count"
        fix = cs.explain.fix_for(ev.reason, ev.request)
        assert fix.header == "access-control-expose-headers"
        assert fix.value == "X-Total-Count"


def test_reads_on_a_blocked_request_keeps_the_block() -> None:
    ev = cs.evaluate(
        cs.Request(url="https://api.example/x", origin=PAGE), _actual(), reads=("X-Total-Count",)
    )
    assert ev.reason is not None
    assert ev.reason.code is R.ACAO_MISSING


def test_reads_of_an_absent_header_says_it_is_absent() -> None:
    ev = cs.evaluate(
        cs.Request(url="https://api.example/x", origin=PAGE),
        _actual(ACAO),
        reads=("X-Total-Count",),
    )
    assert ev.reason is not None
    assert ev.reason.code is R.HEADER_NOT_EXPOSED
    assert ev.reason.expected == "absent"
    message = cs.explain.console_message(ev)
    assert message is not None
    assert "does not carry the header" in message


def test_reads_of_safelisted_header_passes() -> None:
    ev = cs.evaluate(
        cs.Request(url="https://api.example/x", origin=PAGE),
        _actual(ACAO, ("Content-Type", "text/plain")),
        reads=("content-type",),
    )
    assert ev.reason is None


@pytest.mark.parametrize("reads", [("bad name",), (1,), 5])
def test_reads_must_be_header_names(reads: object) -> None:
    with pytest.raises(cs.InvalidRequestError):
        cs.evaluate(
            cs.Request(url="https://api.example/x", origin=PAGE),
            _actual(ACAO),
            reads=reads,  # type: ignore[arg-type]
        )

"""engine.preflight: when a preflight is sent, what it carries, how its answer is judged."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import corsspec as cs
from corsspec.engine import preflight as pf
from corsspec.engine.preflight import PreflightResult, check_preflight_response, parse_max_age
from corsspec.engine.reasons import NoteCode
from tests.unit._support import ORIGIN, by_profile, params, xfail_for_profile

API = "https://api.example/data"
Pairs = tuple[tuple[str, str], ...]
Code = cs.ReasonCode


@attrs.frozen(kw_only=True)
class Req:
    """A request description as data (``build`` turns it into ``cs.Request``)."""

    method: str = "GET"
    url: str = API
    origin: str = ORIGIN
    headers: Pairs = ()
    mode: str = "cors"
    credentials: str = "same-origin"
    body: cs.Body | None = None
    api: str = "fetch"
    upload_listener: bool = False

    def build(self) -> cs.Request:
        kwargs: dict[str, Any] = attrs.asdict(self, recurse=False)
        return cs.Request(**kwargs)


# --- needs_preflight ---------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class NeedsCase:
    id: str
    spec: str
    request: Req
    expected: bool
    by_browser: tuple[tuple[str, bool], ...] = ()
    bug: str | None = None


_MF = "Fetch main fetch step 12 (#main-fetch)"

NEEDS_PREFLIGHT_CASES: tuple[NeedsCase, ...] = (
    NeedsCase(id="simple-get", spec=_MF, request=Req(), expected=False),
    NeedsCase(id="simple-head", spec=_MF, request=Req(method="HEAD"), expected=False),
    NeedsCase(
        id="post-text", spec=_MF, request=Req(method="POST", body=cs.Body.text("x")), expected=False
    ),
    NeedsCase(
        id="post-form-data",
        spec=_MF,
        request=Req(method="POST", body=cs.Body.form_data()),
        expected=False,
    ),
    NeedsCase(
        id="post-url-search-params",
        spec=_MF,
        request=Req(method="POST", body=cs.Body.url_search_params("a=1")),
        expected=False,
    ),
    NeedsCase(
        id="post-bytes",
        spec=_MF,
        request=Req(method="POST", body=cs.Body.bytes("x")),
        expected=False,
    ),
    NeedsCase(
        id="post-blob-untyped",
        spec=_MF,
        request=Req(method="POST", body=cs.Body.blob("x")),
        expected=False,
    ),
    NeedsCase(
        id="post-blob-json",
        spec=f"{_MF}: the body's Content-Type is in the header list",
        request=Req(method="POST", body=cs.Body.blob("x", "application/json")),
        expected=True,
    ),
    NeedsCase(
        id="put",
        spec=f"{_MF}: method not CORS-safelisted",
        request=Req(method="PUT"),
        expected=True,
    ),
    NeedsCase(id="delete", spec=_MF, request=Req(method="DELETE"), expected=True),
    NeedsCase(id="patch-lower", spec=_MF, request=Req(method="patch"), expected=True),
    NeedsCase(id="options", spec=_MF, request=Req(method="OPTIONS"), expected=True),
    NeedsCase(
        id="get-lower-normalized",
        spec="Fetch normalize: 'get' becomes 'GET'",
        request=Req(method="get"),
        expected=False,
    ),
    NeedsCase(
        id="custom-header",
        spec=f"{_MF}: CORS-unsafe names non-empty",
        request=Req(headers=(("X-Custom", "1"),)),
        expected=True,
    ),
    NeedsCase(
        id="authorization",
        spec=_MF,
        request=Req(headers=(("Authorization", "Bearer t"),)),
        expected=True,
    ),
    NeedsCase(
        id="accept-json",
        spec=_MF,
        request=Req(headers=(("Accept", "application/json"),)),
        expected=False,
    ),
    NeedsCase(
        id="accept-unsafe-byte", spec=_MF, request=Req(headers=(("Accept", "a(b)"),)), expected=True
    ),
    NeedsCase(
        id="content-type-json",
        spec=_MF,
        request=Req(method="POST", headers=(("Content-Type", "application/json"),)),
        expected=True,
    ),
    NeedsCase(
        id="accept-language-129",
        spec=_MF,
        request=Req(headers=(("Accept-Language", "a" * 129),)),
        expected=True,
    ),
    NeedsCase(
        id="range-open", spec=_MF, request=Req(headers=(("Range", "bytes=0-"),)), expected=False
    ),
    NeedsCase(
        id="range-suffix", spec=_MF, request=Req(headers=(("Range", "bytes=-5"),)), expected=True
    ),
    NeedsCase(
        id="forbidden-header-dropped",
        spec="Fetch Headers guard 'request': forbidden request-headers are ignored",
        request=Req(headers=(("Cookie", "a=1"), ("Sec-Fetch-Mode", "x"))),
        expected=False,
    ),
    NeedsCase(
        id="override-trace-dropped",
        spec="Fetch #forbidden-request-header step 3",
        request=Req(headers=(("X-HTTP-Method-Override", "TRACE"),)),
        expected=False,
    ),
    NeedsCase(
        id="override-put-kept",
        spec="Fetch #forbidden-request-header step 3",
        request=Req(headers=(("X-HTTP-Method-Override", "PUT"),)),
        expected=True,
    ),
    NeedsCase(
        id="xhr-upload-forced",
        spec="XHR send(): upload listener sets use-CORS-preflight flag",
        request=Req(method="POST", api="xhr", upload_listener=True, body=cs.Body.text("x")),
        expected=True,
    ),
    NeedsCase(
        id="xhr-simple",
        spec=_MF,
        request=Req(method="POST", api="xhr", body=cs.Body.text("x")),
        expected=False,
    ),
    NeedsCase(
        id="xhr-html-document",
        spec="XHR send(): text/html Content-Type is not safelisted",
        request=Req(method="POST", api="xhr", body=cs.Body.html_document()),
        expected=True,
    ),
    NeedsCase(
        id="xhr-combined-accept-language",
        spec="XHR setRequestHeader combines: 'en, fr' is still safelisted",
        request=Req(api="xhr", headers=(("Accept-Language", "en"), ("Accept-Language", "fr"))),
        expected=False,
    ),
    NeedsCase(
        id="xhr-combined-content-type",
        spec="XHR setRequestHeader combines: 'text/plain, text/plain' fails MIME parsing",
        request=Req(
            method="POST",
            api="xhr",
            headers=(("Content-Type", "text/plain"), ("Content-Type", "text/plain")),
        ),
        expected=True,
    ),
    NeedsCase(
        id="same-origin-put",
        spec="Fetch main fetch step 2: same-origin requests get basic tainting",
        request=Req(method="PUT", url="https://app.example/x"),
        expected=False,
    ),
    NeedsCase(
        id="no-cors-never",
        spec="Fetch main fetch step 4: no-cors gets opaque tainting, no preflight",
        request=Req(method="POST", mode="no-cors", headers=(("X-Custom", "1"),)),
        expected=False,
    ),
    NeedsCase(
        id="same-origin-mode",
        spec="Fetch main fetch step 3: same-origin mode is a network error, not a preflight",
        request=Req(method="PUT", mode="same-origin"),
        expected=False,
    ),
    NeedsCase(
        id="opaque-origin", spec=_MF, request=Req(method="PUT", origin="null"), expected=True
    ),
    NeedsCase(
        id="dpr-client-hint",
        spec="Digest 4.8: Chromium safelists DPR with a numeric value; the spec does not",
        request=Req(headers=(("DPR", "2"),)),
        expected=True,
        by_browser=(("chromium", False),),
    ),
)


@pytest.mark.parametrize("case", params(NEEDS_PREFLIGHT_CASES))
def test_needs_preflight(case: NeedsCase, browser: cs.BrowserProfile) -> None:
    expected = by_profile(case.expected, case.by_browser, browser)
    request = case.request.build()
    assert cs.needs_preflight(request, browser) is expected
    assert (cs.preflight_request(request, browser) is not None) is expected


def test_safelisted_value_budget_counts_ua_accept_spec() -> None:
    # Fetch #cors-unsafe-request-header-names step 2 (1024-byte budget) counts the
    # `Accept: */*` fetch appends before main fetch. Each fetch() header is its own line
    # in the spec, so eight 128-byte Accept-Language values use 1024 bytes.
    eight = tuple(("Accept-Language", "a" * 128) for _ in range(8))
    req = Req(headers=eight).build()
    assert cs.unsafe_header_names(req, cs.SPEC) == ("accept", "accept-language")
    assert cs.needs_preflight(req, cs.SPEC)
    seven = Req(headers=eight[:7]).build()
    assert cs.unsafe_header_names(seven, cs.SPEC) == ()
    # With the script's own short Accept, 8 * 128 + 1 = 1025 > 1024 as well.
    with_accept = Req(headers=(*eight, ("Accept", "a"))).build()
    assert cs.unsafe_header_names(with_accept, cs.SPEC) == ("accept", "accept-language")


# --- preflight_request ---------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PreflightCase:
    id: str
    spec: str
    request: Req
    headers: Pairs  # lowercase names, in order
    by_browser: tuple[tuple[str, Pairs], ...] = ()
    bug: str | None = None


_PF = "Fetch #cors-preflight-fetch steps 1-4"

PREFLIGHT_REQUEST_CASES: tuple[PreflightCase, ...] = (
    PreflightCase(
        id="put",
        spec=_PF,
        request=Req(method="PUT"),
        headers=(("accept", "*/*"), ("access-control-request-method", "PUT"), ("origin", ORIGIN)),
    ),
    PreflightCase(
        id="method-case-kept",
        spec=f"{_PF}: ACRM is the normalized method (patch stays patch)",
        request=Req(method="patch"),
        headers=(("accept", "*/*"), ("access-control-request-method", "patch"), ("origin", ORIGIN)),
    ),
    PreflightCase(
        id="acrh-sorted-lowercase-no-space",
        spec=f"{_PF}: ACRH is the sorted-lowercase set joined with ',' (no space); Firefox "
        "lists a name per header line (recorded: cur-preflight-acrh-sorted-dedup)",
        request=Req(headers=(("X-B", "1"), ("x-a", "2"), ("X-A", "3"))),
        headers=(
            ("accept", "*/*"),
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "x-a,x-b"),
            ("origin", ORIGIN),
        ),
        by_browser=(
            (
                "firefox",
                (
                    ("accept", "*/*"),
                    ("access-control-request-method", "GET"),
                    ("access-control-request-headers", "x-a,x-a,x-b"),
                    ("origin", ORIGIN),
                ),
            ),
        ),
    ),
    PreflightCase(
        id="acrh-content-type",
        spec=_PF,
        request=Req(
            method="POST", headers=(("X-Custom", "1"), ("Content-Type", "application/json"))
        ),
        headers=(
            ("accept", "*/*"),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type,x-custom"),
            ("origin", ORIGIN),
        ),
    ),
    PreflightCase(
        id="acrh-only-unsafe-names",
        spec=f"{_PF}: safelisted headers are not listed",
        request=Req(method="PUT", headers=(("Accept-Language", "en"), ("Authorization", "t"))),
        headers=(
            ("accept", "*/*"),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "authorization"),
            ("origin", ORIGIN),
        ),
    ),
    PreflightCase(
        id="script-accept-not-copied",
        spec=f"{_PF}: the preflight's Accept is always */*; nothing else is copied",
        request=Req(headers=(("Accept", "application/json"), ("X-A", "1"))),
        headers=(
            ("accept", "*/*"),
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "x-a"),
            ("origin", ORIGIN),
        ),
    ),
    PreflightCase(
        id="forbidden-not-listed",
        spec="Fetch: forbidden request-headers never reach the header list",
        request=Req(method="DELETE", headers=(("Cookie", "a"), ("Proxy-X", "b"))),
        headers=(
            ("accept", "*/*"),
            ("access-control-request-method", "DELETE"),
            ("origin", ORIGIN),
        ),
    ),
    PreflightCase(
        id="forced-no-acrh",
        spec=f"{_PF}: ACRH only when the unsafe names are non-empty",
        request=Req(method="POST", api="xhr", upload_listener=True, body=cs.Body.text("x")),
        headers=(("accept", "*/*"), ("access-control-request-method", "POST"), ("origin", ORIGIN)),
    ),
    PreflightCase(
        id="opaque-origin",
        spec="Fetch #serializing-a-request-origin: opaque origins serialize as null",
        request=Req(method="PUT", origin="null"),
        headers=(("accept", "*/*"), ("access-control-request-method", "PUT"), ("origin", "null")),
    ),
)


@pytest.mark.parametrize("case", params(PREFLIGHT_REQUEST_CASES))
def test_preflight_request_headers(case: PreflightCase, browser: cs.BrowserProfile) -> None:
    request = case.request.build()
    preflight = cs.preflight_request(request, browser)
    assert preflight is not None
    assert preflight.method == "OPTIONS"
    assert preflight.url == request.url
    expected = by_profile(case.headers, case.by_browser, browser)
    assert tuple((n.lower(), v) for n, v in preflight.headers) == expected
    # Fetch #cors-preflight-fetch: the preflight never carries credentials.
    assert not preflight.credentialed
    assert preflight.body is None


def test_preflight_request_none_when_not_needed(browser: cs.BrowserProfile) -> None:
    assert cs.preflight_request(Req().build(), browser) is None


def test_preflight_for_credentialed_request_is_uncredentialed(browser: cs.BrowserProfile) -> None:
    request = Req(method="PUT", credentials="include").build()
    preflight = cs.preflight_request(request, browser)
    assert preflight is not None
    assert not preflight.credentialed


# --- check_preflight_response ---------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CheckCase:
    id: str
    spec: str
    response: Pairs
    expected: Code | None
    status: int = 200
    method: str = "PUT"
    headers: Pairs = ()
    unsafe: tuple[str, ...] = ()
    forced: bool = False
    credentialed: bool = False
    origin: str = ORIGIN
    by_browser: tuple[tuple[str, Code | None], ...] = ()
    bug: str | None = None
    bug_profiles: tuple[str, ...] = ()


ACAO = ("Access-Control-Allow-Origin", ORIGIN)
ACAC = ("Access-Control-Allow-Credentials", "true")
_CK = "Fetch #cors-preflight-fetch step 7"
_BROWSERS_REDIRECT = (
    ("chromium", Code.PREFLIGHT_REDIRECT),
    ("firefox", Code.PREFLIGHT_REDIRECT),
    ("webkit", Code.PREFLIGHT_REDIRECT),
)
_STATUS_FIRST = (
    ("firefox", Code.PREFLIGHT_STATUS_NOT_OK),
    ("webkit", Code.PREFLIGHT_STATUS_NOT_OK),
)
_AUTH_WILDCARD = (("chromium", None), ("firefox", None), ("webkit", None))

CHECK_PREFLIGHT_CASES: tuple[CheckCase, ...] = (
    # Step 7 (first part): CORS check with the actual request's credentials mode, ok status.
    CheckCase(
        id="ok",
        spec=_CK,
        response=(ACAO, ("Access-Control-Allow-Methods", "PUT")),
        expected=None,
        status=204,
    ),
    CheckCase(
        id="acao-missing",
        spec=f"{_CK}: CORS check",
        response=(("Access-Control-Allow-Methods", "PUT"),),
        expected=Code.ACAO_MISSING,
    ),
    CheckCase(
        id="acao-mismatch",
        spec=f"{_CK}: CORS check",
        response=(("Access-Control-Allow-Origin", "https://x.example"),),
        expected=Code.ACAO_MISMATCH,
    ),
    CheckCase(
        id="acao-star-credentialed",
        spec=f"{_CK}: CORS check uses the request's credentials mode",
        response=(
            ("Access-Control-Allow-Origin", "*"),
            ACAC,
            ("Access-Control-Allow-Methods", "PUT"),
        ),
        credentialed=True,
        expected=Code.ACAO_WILDCARD_WITH_CREDENTIALS,
    ),
    CheckCase(
        id="acac-missing-credentialed",
        spec=f"{_CK}: CORS check step 6",
        response=(ACAO, ("Access-Control-Allow-Methods", "PUT")),
        credentialed=True,
        expected=Code.ACAC_NOT_TRUE,
    ),
    CheckCase(
        id="credentialed-ok",
        spec=_CK,
        response=(ACAO, ACAC, ("Access-Control-Allow-Methods", "PUT")),
        credentialed=True,
        expected=None,
    ),
    CheckCase(
        id="status-404",
        spec=f"{_CK}: ok status",
        response=(ACAO, ("Access-Control-Allow-Methods", "PUT")),
        status=404,
        expected=Code.PREFLIGHT_STATUS_NOT_OK,
    ),
    CheckCase(
        id="status-199",
        spec="Fetch #ok-status: 200-299",
        response=(ACAO, ("Access-Control-Allow-Methods", "PUT")),
        status=199,
        expected=Code.PREFLIGHT_STATUS_NOT_OK,
    ),
    CheckCase(
        id="status-200",
        spec="Fetch #ok-status",
        response=(ACAO, ("Access-Control-Allow-Methods", "PUT")),
        status=200,
        expected=None,
    ),
    CheckCase(
        id="status-299",
        spec="Fetch #ok-status",
        response=(ACAO, ("Access-Control-Allow-Methods", "PUT")),
        status=299,
        expected=None,
    ),
    CheckCase(
        id="status-300",
        spec="Fetch #ok-status (300 is not a redirect status)",
        response=(ACAO, ("Access-Control-Allow-Methods", "PUT")),
        status=300,
        expected=Code.PREFLIGHT_STATUS_NOT_OK,
    ),
    CheckCase(
        id="status-304",
        spec="Fetch #ok-status (304 is not a redirect status)",
        response=(ACAO, ("Access-Control-Allow-Methods", "PUT")),
        status=304,
        expected=Code.PREFLIGHT_STATUS_NOT_OK,
    ),
    CheckCase(
        id="status-and-acao-both-bad",
        spec=f"{_CK}; digest 4.6: Firefox and WebKit check the status first",
        response=(),
        status=500,
        expected=Code.ACAO_MISSING,
        by_browser=_STATUS_FIRST,
    ),
    CheckCase(
        id="redirect-302",
        spec=f"{_CK}: a 3xx is not ok; digest 4.6: engines report a redirect distinctly",
        response=(ACAO, ("Location", "/elsewhere")),
        status=302,
        expected=Code.PREFLIGHT_STATUS_NOT_OK,
        by_browser=_BROWSERS_REDIRECT,
    ),
    CheckCase(
        id="redirect-307-no-acao",
        spec=f"{_CK}; digest 4.6: Chromium reports the redirect before ACAO",
        response=(("Location", "/elsewhere"),),
        status=307,
        expected=Code.ACAO_MISSING,
        by_browser=_BROWSERS_REDIRECT,
    ),
    # Steps 7.1-7.2: parse the allow lists; failure is fatal.
    CheckCase(
        id="acam-invalid",
        spec=f"{_CK}.2: methods failure",
        response=(ACAO, ("Access-Control-Allow-Methods", "PUT DELETE")),
        expected=Code.ACAM_INVALID,
    ),
    CheckCase(
        id="acah-invalid",
        spec=f"{_CK}.2: headerNames failure",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "X-A X-B"),
        ),
        expected=Code.ACAH_INVALID,
    ),
    CheckCase(
        id="acam-checked-before-acah",
        spec=f"{_CK}.2: methods parsed first",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "P:UT"),
            ("Access-Control-Allow-Headers", "x y"),
        ),
        expected=Code.ACAM_INVALID,
    ),
    CheckCase(
        id="acam-invalid-even-for-safelisted",
        spec=f"{_CK}.2: a parse failure fails whatever the method",
        response=(ACAO, ("Access-Control-Allow-Methods", "GET;POST")),
        method="POST",
        unsafe=("x-a",),
        headers=(("X-A", "1"),),
        expected=Code.ACAM_INVALID,
    ),
    CheckCase(
        id="acah-invalid-even-if-unneeded",
        spec=f"{_CK}.2",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", '"x"'),
        ),
        expected=Code.ACAH_INVALID,
    ),
    # Step 7.4: method rule.
    CheckCase(
        id="method-absent", spec=f"{_CK}.4", response=(ACAO,), expected=Code.METHOD_NOT_ALLOWED
    ),
    CheckCase(
        id="method-case-sensitive",
        spec=f"{_CK}.4: byte-exact comparison",
        response=(ACAO, ("Access-Control-Allow-Methods", "put")),
        expected=Code.METHOD_NOT_ALLOWED,
    ),
    CheckCase(
        id="method-patch-lower-vs-upper",
        spec=f"{_CK}.4: 'patch' needs 'patch'",
        response=(ACAO, ("Access-Control-Allow-Methods", "PATCH")),
        method="patch",
        expected=Code.METHOD_NOT_ALLOWED,
    ),
    CheckCase(
        id="method-patch-lower-listed",
        spec=f"{_CK}.4",
        response=(ACAO, ("Access-Control-Allow-Methods", "patch")),
        method="patch",
        expected=None,
    ),
    CheckCase(
        id="method-in-list",
        spec=f"{_CK}.4",
        response=(ACAO, ("Access-Control-Allow-Methods", "GET, PUT ,DELETE")),
        expected=None,
    ),
    CheckCase(
        id="method-across-lines",
        spec="Fetch #extract-header-list-values: lines concatenated",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "GET"),
            ("Access-Control-Allow-Methods", "PUT"),
        ),
        expected=None,
    ),
    CheckCase(
        id="method-wildcard",
        spec=f"{_CK}.4: `*` without credentials",
        response=(ACAO, ("Access-Control-Allow-Methods", "*")),
        expected=None,
    ),
    CheckCase(
        id="method-wildcard-credentialed",
        spec=f"{_CK}.4: with credentials `*` is literal",
        response=(ACAO, ACAC, ("Access-Control-Allow-Methods", "GET, *")),
        credentialed=True,
        expected=Code.METHOD_NOT_ALLOWED,
    ),
    CheckCase(
        id="method-safelisted-unlisted",
        spec=f"{_CK}.4: CORS-safelisted methods need not be listed",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "x-a"),
        ),
        method="POST",
        headers=(("X-A", "1"),),
        unsafe=("x-a",),
        expected=None,
    ),
    CheckCase(
        id="forced-without-acam",
        spec=f"{_CK}.3: forced preflight with null methods uses [method]; engines do not "
        "(recorded: cur-xhr-upload-listener-put-no-acam)",
        response=(ACAO,),
        forced=True,
        expected=None,
        by_browser=(
            ("chromium", Code.METHOD_NOT_ALLOWED),
            ("firefox", Code.METHOD_NOT_ALLOWED),
            ("webkit", Code.METHOD_NOT_ALLOWED),
        ),
    ),
    CheckCase(
        id="forced-safelisted-without-acam",
        spec=f"{_CK}.4: a safelisted method passes anyway",
        response=(ACAO,),
        method="POST",
        forced=True,
        expected=None,
    ),
    CheckCase(
        id="forced-with-acam-not-listing",
        spec=f"{_CK}.3 applies only when methods is null",
        response=(ACAO, ("Access-Control-Allow-Methods", "DELETE")),
        forced=True,
        expected=Code.METHOD_NOT_ALLOWED,
    ),
    # Step 7.5: Authorization must be listed by name (digest 4.2: browsers let `*` cover it).
    CheckCase(
        id="authorization-wildcard",
        spec=f"{_CK}.5; digest 4.2: all three engines let `*` cover Authorization",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "*"),
        ),
        headers=(("Authorization", "Bearer t"),),
        unsafe=("authorization",),
        expected=Code.HEADER_NOT_ALLOWED,
        by_browser=_AUTH_WILDCARD,
    ),
    CheckCase(
        id="authorization-listed",
        spec=f"{_CK}.5",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "AUTHORIZATION"),
        ),
        headers=(("authorization", "Bearer t"),),
        unsafe=("authorization",),
        expected=None,
    ),
    CheckCase(
        id="authorization-wildcard-credentialed",
        spec=f"{_CK}.5-6: with credentials `*` covers nothing",
        response=(
            ACAO,
            ACAC,
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "*"),
        ),
        headers=(("Authorization", "Bearer t"),),
        unsafe=("authorization",),
        credentialed=True,
        expected=Code.HEADER_NOT_ALLOWED,
    ),
    CheckCase(
        id="authorization-missing",
        spec=f"{_CK}.5",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "x-a"),
        ),
        headers=(("Authorization", "Bearer t"),),
        unsafe=("authorization",),
        expected=Code.HEADER_NOT_ALLOWED,
    ),
    # Step 7.6: every CORS-unsafe name listed, or a usable `*`.
    CheckCase(
        id="header-absent",
        spec=f"{_CK}.6",
        response=(ACAO, ("Access-Control-Allow-Methods", "PUT")),
        headers=(("X-Custom", "1"),),
        unsafe=("x-custom",),
        expected=Code.HEADER_NOT_ALLOWED,
    ),
    CheckCase(
        id="header-listed-other-case",
        spec=f"{_CK}.6: byte-case-insensitive",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "X-CUSTOM"),
        ),
        headers=(("X-Custom", "1"),),
        unsafe=("x-custom",),
        expected=None,
    ),
    CheckCase(
        id="header-wildcard",
        spec=f"{_CK}.6",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "*"),
        ),
        headers=(("X-Custom", "1"),),
        unsafe=("x-custom",),
        expected=None,
    ),
    CheckCase(
        id="header-wildcard-credentialed",
        spec=f"{_CK}.6: with credentials `*` is literal",
        response=(
            ACAO,
            ACAC,
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "*"),
        ),
        headers=(("X-Custom", "1"),),
        unsafe=("x-custom",),
        credentialed=True,
        expected=Code.HEADER_NOT_ALLOWED,
    ),
    CheckCase(
        id="headers-across-lines",
        spec="Fetch #extract-header-list-values",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "x-a"),
            ("Access-Control-Allow-Headers", "x-b"),
        ),
        headers=(("X-A", "1"), ("X-B", "2")),
        unsafe=("x-a", "x-b"),
        expected=None,
    ),
    CheckCase(
        id="header-partly-listed",
        spec=f"{_CK}.6: for each name",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "x-a"),
        ),
        headers=(("X-A", "1"), ("X-B", "2")),
        unsafe=("x-a", "x-b"),
        expected=Code.HEADER_NOT_ALLOWED,
    ),
    CheckCase(
        id="method-checked-before-headers",
        spec=f"{_CK}.4 before 7.6",
        response=(ACAO,),
        headers=(("X-A", "1"),),
        unsafe=("x-a",),
        expected=Code.METHOD_NOT_ALLOWED,
    ),
    CheckCase(
        id="null-origin-allowed-by-null",
        spec="Fetch CORS check: `null` matches a null serialized origin",
        response=(("Access-Control-Allow-Origin", "null"), ("Access-Control-Allow-Methods", "PUT")),
        origin="null",
        expected=None,
    ),
)


def _check(case: CheckCase, browser: cs.BrowserProfile) -> cs.Reason | PreflightResult:
    response = cs.Response(status=case.status, headers=case.response)
    return check_preflight_response(
        method=case.method,
        has_authorization=any(n.lower() == "authorization" for n, _ in case.headers),
        unsafe_names=case.unsafe,
        forced=case.forced,
        credentialed=case.credentialed,
        origin=case.origin,
        response=response,
        profile=browser,
    )


@pytest.mark.parametrize("case", params(CHECK_PREFLIGHT_CASES))
def test_check_preflight_response(
    case: CheckCase, browser: cs.BrowserProfile, request: pytest.FixtureRequest
) -> None:
    xfail_for_profile(request, case, browser)
    expected = by_profile(case.expected, case.by_browser, browser)
    result = _check(case, browser)
    if expected is None:
        assert isinstance(result, PreflightResult), result
    else:
        assert isinstance(result, cs.Reason), result
        assert result.code is expected
        assert result.stage is cs.Stage.PREFLIGHT


def test_check_preflight_reason_names_the_offender() -> None:
    case = CHECK_PREFLIGHT_CASES[
        [c.id for c in CHECK_PREFLIGHT_CASES].index("header-partly-listed")
    ]
    result = _check(case, cs.SPEC)
    assert isinstance(result, cs.Reason)
    assert result.header == "access-control-allow-headers"
    assert result.value == "x-b"
    method_case = CheckCase(id="m", spec="s", response=(ACAO,), expected=None, method="DELETE")
    result = _check(method_case, cs.SPEC)
    assert isinstance(result, cs.Reason)
    assert result.header == "access-control-allow-methods"
    assert result.value == "DELETE"


def test_check_preflight_status_reason_carries_status(browser: cs.BrowserProfile) -> None:
    case = CheckCase(id="s", spec="s", response=(ACAO,), expected=None, status=503)
    result = _check(case, browser)
    assert isinstance(result, cs.Reason)
    assert result.status == 503


def test_check_preflight_result_lists_what_to_cache() -> None:
    # Fetch #cors-preflight-fetch steps 9-10: cache every method and header name item.
    case = CheckCase(
        id="r",
        spec="s",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "PUT, DELETE"),
            ("Access-Control-Allow-Headers", "X-A, *"),
            ("Access-Control-Max-Age", "60"),
        ),
        expected=None,
        headers=(("X-A", "1"),),
        unsafe=("x-a",),
    )
    result = _check(case, cs.SPEC)
    assert isinstance(result, PreflightResult)
    assert set(result.methods) == {"PUT", "DELETE"}
    assert set(result.header_names) == {"x-a", "*"}
    assert result.max_age == 60


# --- Access-Control-Max-Age -------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class MaxAgeCase:
    id: str
    spec: str
    lines: tuple[str, ...] | None
    expected: int | None  # None: not cached
    by_browser: tuple[tuple[str, int | None], ...] = ()
    note: NoteCode | None = None
    note_by_browser: tuple[tuple[str, NoteCode | None], ...] = ()
    bug: str | None = None


_MA = "Fetch #cors-preflight-fetch step 7.7; digest 4.1"
_CAPS = (("chromium", 7200), ("firefox", 86400), ("webkit", 600))
_CLAMPED = NoteCode.MAX_AGE_CLAMPED
_INVALID = NoteCode.MAX_AGE_INVALID

MAX_AGE_CASES: tuple[MaxAgeCase, ...] = (
    MaxAgeCase(id="absent-default-5", spec=f"{_MA}: null -> 5", lines=None, expected=5),
    MaxAgeCase(id="zero", spec=f"{_MA}: 0 is a valid delta-seconds", lines=("0",), expected=0),
    MaxAgeCase(id="ten", spec=_MA, lines=("10",), expected=10),
    MaxAgeCase(id="600", spec=_MA, lines=("600",), expected=600),
    MaxAgeCase(
        id="601",
        spec=f"{_MA}: WebKit caps at 600",
        lines=("601",),
        expected=601,
        by_browser=(("webkit", 600),),
        note_by_browser=(("webkit", _CLAMPED),),
    ),
    MaxAgeCase(
        id="7200",
        spec=f"{_MA}: Chromium caps at 7200",
        lines=("7200",),
        expected=7200,
        by_browser=(("webkit", 600),),
        note_by_browser=(("webkit", _CLAMPED),),
    ),
    MaxAgeCase(
        id="7201",
        spec=f"{_MA}: Chromium caps at 7200",
        lines=("7201",),
        expected=7201,
        by_browser=(("chromium", 7200), ("webkit", 600)),
        note_by_browser=(("chromium", _CLAMPED), ("webkit", _CLAMPED)),
    ),
    MaxAgeCase(
        id="86400",
        spec=f"{_MA}: Firefox caps at 86400",
        lines=("86400",),
        expected=86400,
        by_browser=(("chromium", 7200), ("webkit", 600)),
        note_by_browser=(("chromium", _CLAMPED), ("webkit", _CLAMPED)),
    ),
    MaxAgeCase(
        id="86401",
        spec=f"{_MA}: every engine caps",
        lines=("86401",),
        expected=86401,
        by_browser=_CAPS,
        note_by_browser=(("chromium", _CLAMPED), ("firefox", _CLAMPED), ("webkit", _CLAMPED)),
    ),
    MaxAgeCase(
        id="int64-max",
        spec=f"{_MA}: 2^63-1 is parsed by every engine, then capped",
        lines=("9223372036854775807",),
        expected=2**31,
        by_browser=_CAPS,
        note=_CLAMPED,
    ),
    MaxAgeCase(
        id="2-to-the-31",
        spec="RFC 9111 section 1.2.2: 2^31 is the overflow value itself",
        lines=(str(2**31),),
        expected=2**31,
        by_browser=_CAPS,
        note_by_browser=(("chromium", _CLAMPED), ("firefox", _CLAMPED), ("webkit", _CLAMPED)),
    ),
    MaxAgeCase(
        id="huge",
        spec=(
            "RFC 9111 section 1.2.2: beyond the parser, 2^31; Chromium's StringToInt64 and "
            "WebKit's parseInteger<int64_t> fail (5 s); Firefox saturates at 86400 "
            "(recorded: cur-cache-max-age-20-digits)"
        ),
        lines=("99999999999999999999",),
        expected=2**31,
        by_browser=(("chromium", 5), ("firefox", 86400), ("webkit", 5)),
        note=_CLAMPED,
        note_by_browser=(("chromium", _INVALID), ("webkit", _INVALID)),
    ),
    MaxAgeCase(
        id="5000-digits",
        spec=f"{_MA}: bounded before conversion (recorded: cur-cache-max-age-5000-digits)",
        lines=("9" * 5000,),
        expected=2**31,
        by_browser=(("chromium", 5), ("firefox", 86400), ("webkit", 5)),
        note=_CLAMPED,
        note_by_browser=(("chromium", _INVALID), ("webkit", _INVALID)),
    ),
    MaxAgeCase(
        id="leading-zeros",
        spec=f"{_MA}: 5,000 leading zeros are still 60 (cur-cache-max-age-leading-zeros)",
        lines=("0" * 5000 + "60",),
        expected=60,
    ),
    MaxAgeCase(
        id="negative-huge",
        spec=(
            f"{_MA}: a negative value beyond int64 fails to parse in Chromium and WebKit "
            "(cur-cache-max-age-negative-huge)"
        ),
        lines=("-" + "9" * 30,),
        expected=5,
        by_browser=(("firefox", None),),
        note=_INVALID,
    ),
    MaxAgeCase(
        id="negative-int64-min",
        spec=f"{_MA}: -2^63 is held by an int64 parser, so read as 0",
        lines=("-9223372036854775807",),
        expected=5,
        by_browser=(("chromium", 0), ("webkit", 0), ("firefox", None)),
        note=_INVALID,
        note_by_browser=(("chromium", None), ("webkit", None)),
    ),
    MaxAgeCase(
        id="ows-trimmed",
        spec="RFC 9112: OWS around a field value is not part of it",
        lines=(" 10\t",),
        expected=10,
    ),
    MaxAgeCase(
        id="negative",
        spec=f"{_MA}: '-1' is failure (5); Chromium/WebKit read 0; Firefox does not cache",
        lines=("-1",),
        expected=5,
        by_browser=(("chromium", 0), ("webkit", 0), ("firefox", None)),
        note=_INVALID,
        note_by_browser=(("chromium", None), ("webkit", None)),
    ),
    MaxAgeCase(
        id="not-a-number",
        spec=f"{_MA}: failure -> 5; Firefox does not cache",
        lines=("abc",),
        expected=5,
        by_browser=(("firefox", None),),
        note=_INVALID,
    ),
    MaxAgeCase(
        id="decimal",
        spec=f"{_MA}: delta-seconds is 1*DIGIT",
        lines=("1.5",),
        expected=5,
        by_browser=(("firefox", None),),
        note=_INVALID,
    ),
    MaxAgeCase(
        id="two-lines",
        spec=f"{_MA}: single-valued header repeated is failure",
        lines=("10", "10"),
        expected=5,
        by_browser=(("firefox", None),),
        note=_INVALID,
    ),
    MaxAgeCase(
        id="comma-list",
        spec=f"{_MA}: '10, 20' is not delta-seconds",
        lines=("10, 20",),
        expected=5,
        by_browser=(("firefox", None),),
        note=_INVALID,
    ),
    MaxAgeCase(
        id="non-ascii-digits",
        spec=f"{_MA}: DIGIT is ASCII 0-9",
        lines=("\u0661\u0662",),
        expected=5,
        by_browser=(("firefox", None),),
        note=_INVALID,
    ),
)


@pytest.mark.parametrize("case", params(MAX_AGE_CASES))
def test_parse_max_age(case: MaxAgeCase, browser: cs.BrowserProfile) -> None:
    headers = () if case.lines is None else tuple(("Access-Control-Max-Age", v) for v in case.lines)
    index = cs.Response(headers=headers).index
    value, notes = parse_max_age(index, browser)
    assert value == by_profile(case.expected, case.by_browser, browser)
    note = by_profile(case.note, case.note_by_browser, browser)
    assert [n.code for n in notes] == ([] if note is None else [note])


def test_max_age_spec_plus_sign_is_failure() -> None:
    index = cs.Response(headers=[("Access-Control-Max-Age", "+10")]).index
    assert parse_max_age(index, cs.SPEC)[0] == 5


def test_max_age_reaches_the_preflight_result(browser: cs.BrowserProfile) -> None:
    case = CheckCase(
        id="r",
        spec="s",
        response=(
            ACAO,
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Max-Age", "100000"),
        ),
        expected=None,
    )
    result = _check(case, browser)
    assert isinstance(result, PreflightResult)
    assert result.max_age == by_profile(100000, _CAPS, browser)


@pytest.mark.parametrize(
    ("content_type", "sent_by_spec"),
    [
        ("text/plain;charset=UTF-8", True),
        ("application/x-www-form-urlencoded;charset=UTF-8", True),
        ("multipart/form-data; boundary=x", True),
        ("image/png", False),
        ("application/json", False),
    ],
)
@pytest.mark.parametrize("profile", [cs.SPEC, cs.CHROMIUM, cs.FIREFOX, cs.WEBKIT], ids=str)
def test_no_cors_body_content_type_passes_the_guard(
    content_type: str, sent_by_spec: bool, profile: cs.BrowserProfile
) -> None:
    # Request constructor: the body's Content-Type is appended through the
    # request-no-cors guard; WebKit appends it regardless (recorded:
    # cur-nocors-body-type-blob-unsafe). In cors mode the guard is "request": always sent.
    from corsspec.engine.preflight import prepare_headers

    def sent(no_cors: bool) -> bool:
        prepared = prepare_headers(
            (), api=cs.Api.FETCH, content_type=content_type, profile=profile, no_cors=no_cors
        )
        return ("Content-Type", content_type) in prepared.headers

    expected = sent_by_spec or not profile.no_cors_guards_body_content_type
    assert sent(no_cors=True) is expected
    assert sent(no_cors=False) is True


@pytest.mark.parametrize(
    ("method", "headers", "expected"),
    [
        (
            "OPTIONS",
            [("Origin", "https://a.example"), ("Access-Control-Request-Method", "PUT")],
            True,
        ),
        ("OPTIONS", [("origin", "null"), ("access-control-request-method", "GET")], True),
        ("OPTIONS", [("Access-Control-Request-Method", "PUT")], False),  # not a CORS request
        ("OPTIONS", [("Origin", "https://a.example")], False),  # a plain OPTIONS request
        ("GET", [("Origin", "https://a.example"), ("Access-Control-Request-Method", "PUT")], False),
        (
            "options",
            [("Origin", "https://a.example"), ("Access-Control-Request-Method", "PUT")],
            False,
        ),
    ],
)
def test_is_cors_preflight_request(
    method: str, headers: list[tuple[str, str]], expected: bool
) -> None:
    # Fetch "CORS-preflight request": OPTIONS, with Origin and Access-Control-Request-Method.
    # Methods reach it normalized, so a lowercase method is not OPTIONS.
    assert pf.is_cors_preflight_request(method, headers) is expected

"""corsspec.explain: wording tables, fixes, preflight causes, trace, myths, catalogue."""

from __future__ import annotations

import string
from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest

import corsspec as cs
from corsspec import BrowserFamily, ReasonCode, Stage
from corsspec.explain import (
    APPROXIMATE,
    CAUSE_MESSAGES,
    CONSOLE_MESSAGES,
    FIX_HINTS,
    MYTH_MESSAGES,
    NOTE_MESSAGES,
    CauseCode,
    CheckCode,
    FixAction,
    MythCode,
    Outcome,
    apply_fix,
    check_for_reason,
    console_message,
    diagnose,
    explanation,
    fix_for,
    fix_hint,
    fix_plan,
    myths,
    preflight_causes,
    render_reason_catalogue,
    trace,
)

APP = "https://app.example"
API = "https://api.example/items/1"
ACAO = ("Access-Control-Allow-Origin", APP)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "reasons.md"


def _req(**kw: object) -> cs.Request:
    fields: dict[str, object] = {"url": API, "origin": APP, **kw}
    return cs.Request(**fields)  # type: ignore[arg-type]


def _resp(status: int = 200, *headers: tuple[str, str]) -> cs.Response:
    return cs.Response(status=status, headers=headers)


_OK_PREFLIGHT = _resp(
    204,
    ACAO,
    ("Access-Control-Allow-Methods", "PUT, POST"),
    ("Access-Control-Allow-Headers", "x-api-key"),
)


@attrs.frozen(kw_only=True)
class ReasonCase:
    """A request and a server that make Chromium block for ``code``."""

    code: ReasonCode
    request: cs.Request
    server: cs.Exchange
    #: Substrings the Chromium console message must contain (real values filled in).
    shows: tuple[str, ...] = ()
    #: Response headers the script reads (``evaluate(reads=...)``).
    reads: tuple[str, ...] = ()


def _x(actual: cs.Response, preflight: cs.Response | None = None) -> cs.Exchange:
    return cs.Exchange(preflight=preflight, actual=actual)


REASON_CASES: tuple[ReasonCase, ...] = (
    ReasonCase(
        code=ReasonCode.HEADER_NOT_EXPOSED,
        request=_req(),
        server=_x(_resp(200, ACAO, ("X-Total-Count", "10"))),
        reads=("X-Total-Count",),
        shows=("X-Total-Count", "null"),
    ),
    ReasonCase(
        code=ReasonCode.MIXED_CONTENT,
        request=_req(url="http://api.example/items/1"),
        server=_x(_resp(200, ACAO)),
        shows=(
            "Mixed Content: The page at 'https://app.example/' was loaded over HTTPS",
            "insecure resource 'http://api.example/items/1'",
        ),
    ),
    ReasonCase(
        code=ReasonCode.LOCAL_NETWORK_INSECURE_CONTEXT,
        request=_req(url="http://192.168.1.10/api", origin="http://app.example"),
        server=_x(_resp(200, ACAO)),
        shows=("'http://192.168.1.10/api'", "local address space"),
    ),
    ReasonCase(
        code=ReasonCode.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH,
        request=_req(url="https://192.168.1.10/api", target_address_space="loopback"),
        server=_x(_resp(200, ACAO)),
        shows=("'loopback'", "'local' address space"),
    ),
    ReasonCase(
        code=ReasonCode.LOCAL_NETWORK_PERMISSION_DENIED,
        request=_req(url="http://127.0.0.1:8080/", local_network_permission="denied"),
        server=_x(_resp(200, ACAO)),
        shows=("was denied",),
    ),
    ReasonCase(
        code=ReasonCode.LOCAL_NETWORK_PERMISSION_REQUIRED,
        request=_req(url="https://192.168.1.10/api"),
        server=_x(_resp(200, ACAO)),
        shows=("waits for the user's answer",),
    ),
    ReasonCase(
        code=ReasonCode.DISALLOWED_BY_MODE,
        request=_req(mode="same-origin"),
        server=_x(_resp()),
        shows=('"same-origin"', API, APP),
    ),
    ReasonCase(
        code=ReasonCode.NO_CORS_REDIRECT_NOT_FOLLOW,
        request=_req(mode="no-cors", redirect="error"),
        server=_x(_resp()),
        shows=('"no-cors"', API),
    ),
    ReasonCase(
        code=ReasonCode.CORS_DISABLED_SCHEME,
        request=_req(url="ftp://files.example/a.txt"),
        server=_x(_resp()),
        shows=("ftp://files.example/a.txt",),
    ),
    ReasonCase(
        code=ReasonCode.PREFLIGHT_REDIRECT,
        request=_req(method="PUT"),
        server=_x(_resp(), _resp(301, ACAO, ("Location", API + "/"))),
        shows=("Redirect is not allowed for a preflight request.", "preflight"),
    ),
    ReasonCase(
        code=ReasonCode.PREFLIGHT_STATUS_NOT_OK,
        request=_req(method="PUT"),
        server=_x(_resp(), _resp(403, ACAO)),
        shows=("It does not have HTTP ok status.",),
    ),
    ReasonCase(
        code=ReasonCode.ACAM_INVALID,
        request=_req(method="PUT"),
        server=_x(_resp(), _resp(204, ACAO, ("Access-Control-Allow-Methods", "PUT;POST"))),
        shows=("Cannot parse Access-Control-Allow-Methods",),
    ),
    ReasonCase(
        code=ReasonCode.ACAH_INVALID,
        request=_req(headers=[("X-Api-Key", "k")]),
        server=_x(_resp(), _resp(204, ACAO, ("Access-Control-Allow-Headers", "a/b"))),
        shows=("Cannot parse Access-Control-Allow-Headers",),
    ),
    ReasonCase(
        code=ReasonCode.METHOD_NOT_ALLOWED,
        request=_req(method="DELETE"),
        server=_x(_resp(), _OK_PREFLIGHT),
        shows=("Method DELETE is not allowed",),
    ),
    ReasonCase(
        code=ReasonCode.HEADER_NOT_ALLOWED,
        request=_req(headers=[("X-Trace-Id", "1")]),
        server=_x(_resp(), _OK_PREFLIGHT),
        shows=("Request header field x-trace-id is not allowed",),
    ),
    ReasonCase(
        code=ReasonCode.ACAO_MISSING,
        request=_req(),
        server=_x(_resp(200)),
        shows=("No 'Access-Control-Allow-Origin' header", API, APP),
    ),
    ReasonCase(
        code=ReasonCode.ACAO_MULTIPLE,
        request=_req(),
        server=_x(_resp(200, ACAO, ("Access-Control-Allow-Origin", "https://b.example"))),
        shows=("multiple values 'https://app.example, https://b.example'",),
    ),
    ReasonCase(
        code=ReasonCode.ACAO_INVALID,
        request=_req(),
        server=_x(_resp(200, ("Access-Control-Allow-Origin", "app.example"))),
        shows=("invalid value 'app.example'",),
    ),
    ReasonCase(
        code=ReasonCode.ACAO_MISMATCH,
        request=_req(),
        server=_x(_resp(200, ("Access-Control-Allow-Origin", "https://www.app.example"))),
        shows=("'https://www.app.example' that is not equal to the supplied origin",),
    ),
    ReasonCase(
        code=ReasonCode.ACAO_WILDCARD_WITH_CREDENTIALS,
        request=_req(credentials="include"),
        server=_x(_resp(200, ("Access-Control-Allow-Origin", "*"))),
        shows=("must not be the wildcard '*'",),
    ),
    ReasonCase(
        code=ReasonCode.ACAC_NOT_TRUE,
        request=_req(credentials="include"),
        server=_x(_resp(200, ACAO, ("Access-Control-Allow-Credentials", "yes"))),
        shows=("the response is 'yes' which must be 'true'",),
    ),
    ReasonCase(
        code=ReasonCode.REDIRECT_MODE_ERROR,
        request=_req(redirect="error"),
        server=_x(_resp(302, ACAO, ("Location", "/items/2"))),
        shows=("302",),
    ),
    ReasonCase(
        code=ReasonCode.REDIRECT_TOO_MANY,
        request=_req(),
        server=_x(_resp(302, ACAO, ("Location", "/items/2"))),
        shows=("ERR_TOO_MANY_REDIRECTS",),
    ),
    ReasonCase(
        code=ReasonCode.REDIRECT_HAS_CREDENTIALS,
        request=_req(),
        server=_x(_resp(302, ACAO, ("Location", "https://u:p@other.example/x"))),
        shows=("'https://u:p@other.example/x' contains a username and password",),
    ),
    ReasonCase(
        code=ReasonCode.REDIRECT_INVALID_LOCATION,
        request=_req(),
        server=_x(_resp(302, ACAO, ("Location", "https://[::1"))),
        shows=("ERR_INVALID_REDIRECT",),
    ),
    ReasonCase(
        code=ReasonCode.REDIRECT_NON_HTTP_SCHEME,
        request=_req(),
        server=_x(_resp(302, ACAO, ("Location", "data:text/plain,hi"))),
        shows=("'data:text/plain,hi' (redirected from", "protocol schemes"),
    ),
    ReasonCase(
        code=ReasonCode.REDIRECT_STREAM_BODY,
        request=_req(method="POST", body=cs.Body.stream("x")),
        server=_x(_resp(307, ACAO, ("Location", "/items/2")), _OK_PREFLIGHT),
        shows=("307",),
    ),
)

_BY_CODE = {case.code: case for case in REASON_CASES}
_ALL_FAMILIES = tuple(BrowserFamily)
_FIELDS = {
    name
    for template in CONSOLE_MESSAGES.values()
    for _, name, _, _ in string.Formatter().parse(template)
    if name
}


def _ids(cases: Sequence[ReasonCase]) -> list[str]:
    return [case.code.value for case in cases]


# -- tables are complete ----------------------------------------------------------------


def test_every_engine_and_code_has_console_wording() -> None:
    expected = {(family, code) for family in BrowserFamily for code in ReasonCode}
    assert set(CONSOLE_MESSAGES) == expected
    assert expected >= APPROXIMATE
    assert all(text.strip() for text in CONSOLE_MESSAGES.values())


def test_approximate_entries_are_not_for_the_spec_family() -> None:
    assert all(family is not BrowserFamily.SPEC for family, _ in APPROXIMATE)


def test_every_code_has_a_fix_hint_and_a_fix() -> None:
    assert set(FIX_HINTS) == set(ReasonCode)
    for code in ReasonCode:
        fix = fix_for(cs.Reason(code=code, stage=Stage.ACTUAL, value="x", expected=APP))
        assert fix.code is code


def test_every_note_cause_and_myth_has_wording() -> None:
    assert set(NOTE_MESSAGES) == set(cs.NoteCode)
    assert set(CAUSE_MESSAGES) == set(CauseCode)
    assert set(MYTH_MESSAGES) == set(MythCode)


def test_every_code_maps_to_a_trace_check() -> None:
    assert {check_for_reason(code) for code in ReasonCode} <= set(CheckCode)


def test_reason_table_covers_every_code() -> None:
    assert set(_BY_CODE) == set(ReasonCode)


# -- every reason is reachable and worded with real values -----------------------------


@pytest.mark.parametrize("case", REASON_CASES, ids=_ids(REASON_CASES))
def test_reason_reachable_in_chromium(case: ReasonCase) -> None:
    ev = cs.evaluate(case.request, case.server, browser=cs.CHROMIUM, reads=case.reads)
    assert ev.reason is not None
    assert ev.reason.code is case.code
    message = console_message(ev)
    assert message is not None
    for piece in case.shows:
        assert piece in message


def _evaluate(case: ReasonCase, browser: cs.BrowserProfile) -> cs.Evaluation:
    """Evaluate, skipping where this engine throws synchronously (a stream body in WebKit)."""
    try:
        return cs.evaluate(case.request, case.server, browser=browser, reads=case.reads)
    except cs.ScriptError as exc:
        pytest.skip(f"{browser.name} throws TypeError for this request ({exc.reason.value})")


@pytest.mark.parametrize("case", REASON_CASES, ids=_ids(REASON_CASES))
def test_wording_is_filled_for_every_profile(case: ReasonCase, browser: cs.BrowserProfile) -> None:
    ev = _evaluate(case, browser)
    if ev.reason is None:
        pytest.skip(f"{browser.name} allows this request")
    message = console_message(ev)
    hint = fix_hint(ev)
    assert message is not None
    assert hint is not None
    for text in (message, hint):
        leftovers = [f for f in _FIELDS if "{" + f + "}" in text]
        assert not leftovers, text
    text = explanation(ev)
    assert ev.reason.code.value in text
    assert message.split("\n")[0] in text


@pytest.mark.parametrize("family", _ALL_FAMILIES, ids=[f.value for f in _ALL_FAMILIES])
def test_each_family_words_the_chromium_verdicts(family: BrowserFamily) -> None:
    profile = cs.get_profile(family.value)
    for case in REASON_CASES:
        ev = cs.evaluate(case.request, case.server, browser=cs.CHROMIUM, reads=case.reads)
        message = console_message(ev, profile)
        assert message is not None
        assert "{" not in message.replace('{"', "")


def test_chromium_preflight_acac_message_is_exact() -> None:
    request = _req(method="PUT", credentials="include")
    server = _x(_resp(), _resp(204, ACAO, ("Access-Control-Allow-Methods", "PUT")))
    ev = cs.evaluate(request, server, browser=cs.CHROMIUM)
    assert console_message(ev) == (
        f"Access to fetch at '{API}' from origin '{APP}' has been blocked by CORS policy:"
        " Response to preflight request doesn't pass access control check: The value of the"
        " 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true'"
        " when the request's credentials mode is 'include'."
    )


def test_xhr_wording_uses_the_xhr_initiator() -> None:
    request = _req(api="xhr", credentials="include")
    ev = cs.evaluate(request, _x(_resp(200, ("Access-Control-Allow-Origin", "*"))))
    message = console_message(ev)
    assert message is not None
    assert message.startswith("Access to XMLHttpRequest at ")
    assert message.endswith("controlled by the withCredentials attribute.")
    webkit = console_message(cs.evaluate(request, _x(_resp(200, ACAO)), browser=cs.WEBKIT))
    assert webkit is not None
    assert webkit.endswith(f"XMLHttpRequest cannot load {API} due to access control checks.")


def test_firefox_status_and_token_are_filled() -> None:
    ev = cs.evaluate(_req(method="PUT"), _x(_resp(), _resp(404)), browser=cs.FIREFOX)
    assert console_message(ev) == (
        "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote"
        f" resource at {API}. (Reason: CORS preflight response did not succeed). Status code:"
        " 404."
    )
    bad = _resp(204, ACAO, ("Access-Control-Allow-Methods", "PUT, P@ST"))
    ev = cs.evaluate(_req(method="PUT"), _x(_resp(), bad), browser=cs.FIREFOX)
    message = console_message(ev)
    assert message is not None
    assert "invalid token \u2018P@ST\u2019" in message


def test_firefox_and_webkit_word_a_comma_list_as_a_mismatch_or_multiple() -> None:
    one_line = _x(_resp(200, ("Access-Control-Allow-Origin", f"{APP}, https://b.example")))
    firefox = console_message(cs.evaluate(_req(), one_line, browser=cs.FIREFOX))
    assert firefox is not None
    assert "does not match" in firefox
    webkit = console_message(cs.evaluate(_req(), one_line, browser=cs.WEBKIT))
    assert webkit is not None
    assert webkit.startswith("Access-Control-Allow-Origin cannot contain more than one origin.")


def test_webkit_header_message_keeps_script_casing() -> None:
    ev = cs.evaluate(
        _req(headers=[("X-Trace-Id", "1")]), _x(_resp(), _OK_PREFLIGHT), browser=cs.WEBKIT
    )
    message = console_message(ev)
    assert message is not None
    assert message.startswith("Request header field X-Trace-Id is not allowed")


def test_webkit_wraps_a_failed_redirect_check() -> None:
    server = _x(_resp(302, ("Location", "https://other.example/x")))
    message = console_message(cs.evaluate(_req(), server, browser=cs.WEBKIT))
    assert message is not None
    assert message.startswith(
        "Cross-origin redirection to https://other.example/x denied by Cross-Origin Resource"
        " Sharing policy: Origin https://app.example is not allowed"
    )


def test_allowed_evaluation_has_no_console_message_or_fix() -> None:
    ev = cs.evaluate(_req(), _x(_resp(200, ACAO)))
    assert console_message(ev) is None
    assert fix_hint(ev) is None
    assert "allowed" in cs.explanation(ev)


# -- fixes ------------------------------------------------------------------------------


def test_header_fix_names_the_header_and_the_response() -> None:
    ev = cs.evaluate(_req(headers=[("Authorization", "Bearer t")]), _x(_resp(), _OK_PREFLIGHT))
    assert (
        fix_hint(ev)
        == 'add "authorization" to Access-Control-Allow-Headers on the OPTIONS response'
    )
    assert ev.reason is not None
    fix = fix_for(ev.reason)
    assert (fix.action, fix.response, fix.header, fix.value) == (
        FixAction.ADD_TO_LIST,
        Stage.PREFLIGHT,
        "access-control-allow-headers",
        "authorization",
    )


def test_acac_fix_targets_the_failing_response() -> None:
    request = _req(method="PUT", credentials="include")
    server = _x(_resp(200, ACAO), _resp(204, ACAO, ("Access-Control-Allow-Methods", "PUT")))
    ev = cs.evaluate(request, server)
    hint = fix_hint(ev)
    assert hint is not None
    assert hint.startswith('send "Access-Control-Allow-Credentials: true" on the OPTIONS')
    plan = fix_plan(request, server, cs.CHROMIUM)
    assert plan.passes
    assert [(f.response, f.header) for f in plan.fixes] == [
        (Stage.PREFLIGHT, "access-control-allow-credentials"),
        (Stage.ACTUAL, "access-control-allow-credentials"),
    ]
    assert plan.hints[1].startswith(
        'send "Access-Control-Allow-Credentials: true" on the actual PUT'
    )


def test_fix_plan_repairs_a_server_without_cors(browser: cs.BrowserProfile) -> None:
    request = _req(
        method="PATCH", headers=[("Authorization", "t"), ("X-Api-Key", "k")], credentials="include"
    )
    plan = fix_plan(request, _x(_resp(200)), browser)
    assert plan.passes
    assert len(plan.fixes) == len(plan.hints) >= 4


def test_fix_plan_stops_at_a_change_to_the_page() -> None:
    plan = fix_plan(_req(mode="same-origin"), _x(_resp()), cs.CHROMIUM)
    assert not plan.passes
    assert [f.action for f in plan.fixes] == [FixAction.CHANGE_REQUEST]
    assert apply_fix(_x(_resp()), plan.fixes[0]) is None


# -- why a preflight ---------------------------------------------------------------------

CAUSE_ROWS: tuple[tuple[str, cs.Request, tuple[CauseCode, ...]], ...] = (
    ("simple-get", _req(), ()),
    ("same-origin", _req(url=APP + "/x", method="PUT"), ()),
    ("method-put", _req(method="PUT"), (CauseCode.METHOD,)),
    ("method-patch-lowercase", _req(method="patch"), (CauseCode.METHOD,)),
    ("custom-header", _req(headers=[("X-Api-Key", "k")]), (CauseCode.HEADER_NAME,)),
    (
        "json-content-type",
        _req(method="POST", headers=[("Content-Type", "application/json")]),
        (CauseCode.CONTENT_TYPE_NOT_FORM,),
    ),
    (
        "unparsable-content-type",
        _req(method="POST", headers=[("Content-Type", "text")]),
        (CauseCode.CONTENT_TYPE_UNPARSABLE,),
    ),
    ("accept-unsafe-byte", _req(headers=[("Accept", "a(b")]), (CauseCode.UNSAFE_BYTE,)),
    ("accept-too-long", _req(headers=[("Accept", "a" * 129)]), (CauseCode.VALUE_TOO_LONG,)),
    (
        "language-byte",
        _req(headers=[("Content-Language", "en_US")]),
        (CauseCode.LANGUAGE_BYTE,),
    ),
    ("range-suffix", _req(headers=[("Range", "bytes=-5")]), (CauseCode.RANGE_NOT_SIMPLE,)),
    (
        "budget",
        _req(headers=[("Accept", "a" * 128)] * 9),
        (CauseCode.SAFELIST_BUDGET,),
    ),
    (
        "blob-type",
        _req(method="POST", body=cs.Body.blob("{}", "application/json")),
        (CauseCode.CONTENT_TYPE_NOT_FORM,),
    ),
    ("stream", _req(method="POST", body=cs.Body.stream("x")), (CauseCode.STREAM_BODY,)),
    (
        "upload-listener",
        _req(method="POST", api="xhr", upload_listener=True, body=cs.Body.text("x")),
        (CauseCode.UPLOAD_LISTENER,),
    ),
)


@pytest.mark.parametrize(
    ("request_", "codes"), [r[1:] for r in CAUSE_ROWS], ids=[r[0] for r in CAUSE_ROWS]
)
def test_preflight_causes(request_: cs.Request, codes: tuple[CauseCode, ...]) -> None:
    causes = preflight_causes(request_, cs.SPEC)
    assert tuple(c.code for c in causes) == codes
    assert bool(causes) == cs.needs_preflight(request_, cs.SPEC)


def test_content_type_cause_says_which_rule() -> None:
    causes = preflight_causes(_req(method="POST", body=cs.Body.blob("{}", "application/json")))
    assert len(causes) == 1
    cause = causes[0]
    assert cause.from_body
    ev = cs.evaluate(_req(method="POST", body=cs.Body.blob("{}", "application/json")), _x(_resp()))
    assert "Content-Type application/json is not one of the three form types" in explanation(ev)


def test_causes_agree_with_the_preflight_sent(browser: cs.BrowserProfile) -> None:
    for case in REASON_CASES:
        try:
            pre = cs.preflight_request(case.request, browser)
        except cs.ScriptError:
            continue  # this engine throws before any request (a stream body in WebKit)
        causes = preflight_causes(case.request, browser)
        assert (pre is not None) == bool(causes), case.code


# -- trace -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", REASON_CASES, ids=_ids(REASON_CASES))
def test_trace_fails_exactly_at_the_reason(case: ReasonCase, browser: cs.BrowserProfile) -> None:
    ev = _evaluate(case, browser)
    checks = trace(ev)
    failed = [c for c in checks if c.outcome is Outcome.FAIL]
    if ev.reason is None:
        assert not failed
        return
    assert len(failed) == 1
    assert failed[0].code is check_for_reason(ev.reason.code)
    after = checks[checks.index(failed[0]) + 1 :]
    assert all(c.outcome in (Outcome.SKIPPED, Outcome.INFO) for c in after)


def test_trace_of_an_allowed_preflighted_request() -> None:
    request = _req(method="PUT", headers=[("X-Api-Key", "k")])
    ev = cs.evaluate(request, _x(_resp(200, ACAO), _OK_PREFLIGHT))
    checks = trace(ev)
    assert all(c.outcome in (Outcome.PASS, Outcome.INFO) for c in checks)
    codes = [c.code for c in checks]
    assert (
        codes.index(CheckCode.METHOD)
        < codes.index(CheckCode.HEADER)
        < codes.index(CheckCode.EXPOSE)
    )
    header = next(c for c in checks if c.code is CheckCode.HEADER)
    assert (header.subject, header.observed) == ("x-api-key", "x-api-key")


def test_trace_order_follows_the_engine() -> None:
    server = _x(_resp(), _resp(500))
    chromium = [c.code for c in trace(cs.evaluate(_req(method="PUT"), server, browser=cs.CHROMIUM))]
    firefox = [c.code for c in trace(cs.evaluate(_req(method="PUT"), server, browser=cs.FIREFOX))]
    assert chromium.index(CheckCode.ACAO) < chromium.index(CheckCode.STATUS)
    assert firefox.index(CheckCode.STATUS) < firefox.index(CheckCode.ACAO)


# -- myths -------------------------------------------------------------------------------


def _myth_codes(request: cs.Request, server: cs.Exchange) -> set[MythCode]:
    return {m.code for m in myths(cs.evaluate(request, server))}


def test_myth_preflight_403_is_the_gateway() -> None:
    codes = _myth_codes(_req(method="PUT"), _x(_resp(), _resp(403)))
    assert MythCode.PREFLIGHT_STATUS_IS_THE_SERVER in codes


def test_myth_error_without_cors_headers() -> None:
    codes = _myth_codes(_req(), _x(_resp(502)))
    assert MythCode.ERROR_WITHOUT_CORS_HEADERS in codes


def test_myth_preflight_is_not_enough() -> None:
    codes = _myth_codes(_req(method="PUT"), _x(_resp(200), _OK_PREFLIGHT))
    assert MythCode.PREFLIGHT_IS_NOT_ENOUGH in codes


def test_myth_wildcard_with_credentials() -> None:
    server = _x(_resp(200, ("Access-Control-Allow-Origin", "*")))
    assert MythCode.WILDCARD_WITH_CREDENTIALS in _myth_codes(_req(credentials="include"), server)
    assert MythCode.WILDCARD_WITH_CREDENTIALS not in _myth_codes(_req(), server)


def test_myth_header_name_case() -> None:
    pre = _resp(204, ACAO, ("Access-Control-Allow-Headers", "X-Api-Key"))
    codes = _myth_codes(_req(headers=[("x-api-key", "k")]), _x(_resp(200, ACAO), pre))
    assert MythCode.HEADER_NAME_CASE in codes


def test_myth_method_case() -> None:
    pre = _resp(204, ACAO, ("Access-Control-Allow-Methods", "PATCH"))
    codes = _myth_codes(_req(method="patch"), _x(_resp(200, ACAO), pre))
    assert MythCode.METHOD_CASE in codes


def test_myth_access_control_headers_on_the_request() -> None:
    request = _req(headers=[("Access-Control-Allow-Origin", "*")])
    assert MythCode.ACCESS_CONTROL_ON_REQUEST in _myth_codes(request, _x(_resp(200, ACAO)))


def test_no_myths_for_a_clean_pass() -> None:
    assert _myth_codes(_req(), _x(_resp(200, ACAO))) == set()


# -- diagnosis and catalogue -------------------------------------------------------------


def test_diagnosis_dict_has_codes_not_wording() -> None:
    case = _BY_CODE[ReasonCode.PREFLIGHT_STATUS_NOT_OK]
    ev = cs.evaluate(case.request, case.server, reads=case.reads)
    data = diagnose(ev, server=case.server).to_dict()
    assert data["reason"]["code"] == "preflight-status-not-ok"
    assert data["fix"]["action"] == "set-status"
    assert data["plan"]["passes"] is True
    assert "preflight-status-is-the-server" in {m["myth"] for m in data["myths"]}
    assert "It does not have HTTP ok status" not in repr(data)


def test_evaluation_explain_delegates() -> None:
    case = _BY_CODE[ReasonCode.ACAO_MISSING]
    ev = cs.evaluate(case.request, case.server, browser=cs.FIREFOX, reads=case.reads)
    text = cs.explanation(ev)
    assert "CORS header \u2018Access-Control-Allow-Origin\u2019 missing" in text
    assert "Status code: 200." in text
    assert "No 'Access-Control-Allow-Origin'" in cs.explanation(ev, cs.CHROMIUM)


def test_reason_catalogue_is_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_reason_catalogue(), (
        "docs/reasons.md is stale: run python docs/gen_reasons.py"
    )


def test_catalogue_lists_every_code_and_marks_approximations() -> None:
    text = render_reason_catalogue()
    for code in ReasonCode:
        assert f"## `{code.value}`" in text
    assert text.count("*(approximate)*") == len(APPROXIMATE)


def test_steps_are_unknown_for_an_evaluation_the_engine_does_not_reach() -> None:
    request = cs.Request(method="GET", url="https://api.example/x", origin="https://app.example")
    actual = cs.Response(status=200, headers=[("Access-Control-Allow-Origin", "*")])
    ev = cs.evaluate(request, cs.Exchange(actual=actual))
    assert ev.allowed
    forged = attrs.evolve(ev, reason=cs.Reason(code=cs.ReasonCode.ACAO_MISSING, stage=Stage.ACTUAL))
    assert forged.steps is None
    trace = cs.explain.trace(forged)
    assert trace[-1].outcome is cs.explain.Outcome.FAIL
    assert any(c.code is cs.explain.CheckCode.UNKNOWN for c in trace)

"""The HAR adapter on captures of real browser traffic (tests/adapters/fixtures/)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import corsspec as cs
from corsspec.adapters.har import (
    UNRECORDED_VALUE,
    CorsExchange,
    HarError,
    HarLog,
    cross_origin_exchanges,
    explain_har,
    load_har,
    parse_har,
    request_from_har_entry,
    response_from_har_entry,
)

pytestmark = pytest.mark.adapters

FIXTURES = Path(__file__).parent / "fixtures"
CAPTURES = ["chromium", "firefox", "chromium-h2"]


def _load(name: str) -> HarLog:
    return load_har(FIXTURES / f"{name}.har")


def _raw(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.har").read_text(encoding="utf-8"))
    return data


def _step(exchange: CorsExchange) -> str:
    entry = exchange.actual if exchange.actual is not None else exchange.preflight
    assert entry is not None
    return str(entry.raw["_corsspecStep"])


def _by_step(name: str) -> dict[str, list[CorsExchange]]:
    out: dict[str, list[CorsExchange]] = {}
    for exchange in cross_origin_exchanges(_load(name)):
        out.setdefault(_step(exchange), []).append(exchange)
    return out


# ------------------------------------------------------- agreement with the browser
@pytest.mark.parametrize("capture", CAPTURES)
def test_verdicts_agree_with_what_the_browser_did(capture: str) -> None:
    """Each step's replayed verdict equals what the page saw in the real browser."""
    har = _load(capture)
    observed = {o["name"]: o["observed"] for o in _raw(capture)["log"]["_corsspec"]["observed"]}
    steps = _by_step(capture)
    assert set(steps) == set(observed)
    for step, exchanges in steps.items():
        last = exchanges[-1]
        ev = last.evaluate()
        assert ev.browser is har.profile
        assert ev.allowed == (observed[step]["outcome"] == "ok"), (step, last.explain())
        if ev.allowed:
            assert ev.status == observed[step]["status"]
            assert ev.response_type is not None
            assert ev.response_type.value == observed[step]["type"]
        assert last.mismatches() == (), (step, last.explain())


@pytest.mark.parametrize("capture", CAPTURES)
def test_only_cross_origin_cors_requests_are_found(capture: str) -> None:
    exchanges = cross_origin_exchanges(_load(capture))
    api = _raw(capture)["log"]["_corsspec"]["origins"]["api"]
    assert exchanges
    for exchange in exchanges:
        # The page load and the page's own result posts are same-origin: left out.
        assert str(exchange.request.url).startswith(api)
    indexes = [x.index for x in exchanges]
    assert indexes == sorted(indexes)


def test_capture_browser_is_recognised() -> None:
    assert _load("chromium").profile is cs.CHROMIUM
    assert _load("firefox").profile is cs.FIREFOX
    assert _load("chromium-h2").profile is cs.CHROMIUM


# --------------------------------------------------------------------- pairing
@pytest.mark.parametrize("capture", CAPTURES)
def test_preflight_is_paired_with_its_actual_request(capture: str) -> None:
    (put,) = _by_step(capture)["preflighted-put"]
    assert put.preflight is not None
    assert put.actual is not None
    assert put.preflight.index < put.actual.index
    assert put.preflight.method == "OPTIONS"
    assert put.actual.method == "PUT"
    ev = put.evaluate()
    assert [r.method for r in ev.sent] == ["OPTIONS", "PUT"]
    assert ev.responses[0] == response_from_har_entry(put.preflight)
    assert "x-request-id" in ev.visible_headers


@pytest.mark.parametrize("capture", ["chromium", "chromium-h2"])
def test_cached_preflight_is_reported_with_the_preflight_it_must_have_been(capture: str) -> None:
    steps = _by_step(capture)
    first, second = steps["cached-preflight-1"][0], steps["cached-preflight-2"][0]
    assert first.preflight is not None
    assert second.preflight is None
    assert second.actual is not None
    assert second.preflight_missing()
    assert not first.preflight_missing()
    expected = second.expected_preflight()
    assert expected is not None
    assert expected.headers_view["Access-Control-Request-Method"] == "PATCH"
    assert expected.headers_view["Access-Control-Request-Headers"] == "x-requested-with"
    text = second.explain()
    assert "preflight: not in the HAR" in text
    assert "preflight cache" in text
    assert f"entry {first.preflight.index} answered a preflight" in text
    assert "Access-Control-Max-Age: 600" in text
    assert "  Access-Control-Request-Method: PATCH" in text
    assert second.evaluate().allowed


def test_firefox_sent_the_second_preflight_again() -> None:
    # A real observation: Firefox 153 preflighted again despite Max-Age 600 (see README).
    second = _by_step("firefox")["cached-preflight-2"][0]
    assert second.preflight is not None
    assert not second.preflight_missing()


@pytest.mark.parametrize("capture", CAPTURES)
def test_preflight_without_actual_is_blocked_at_the_preflight(capture: str) -> None:
    (rejected,) = _by_step(capture)["preflight-rejected"]
    assert rejected.actual is None
    assert rejected.preflight is not None
    assert rejected.request.method == "DELETE"
    assert rejected.request.headers == (("x-custom", UNRECORDED_VALUE),)
    ev = rejected.evaluate()
    assert ev.reason is not None
    assert ev.reason.code is cs.ReasonCode.HEADER_NOT_ALLOWED
    assert not ev.actual_sent
    text = rejected.explain()
    assert "preflight only" in text
    assert "x-custom" in text


def test_playwright_style_har_without_options_entries() -> None:
    """An exporter that drops OPTIONS: every preflighted request says so."""
    data = _raw("chromium")
    data["log"]["entries"] = [
        e for e in data["log"]["entries"] if e["request"]["method"] != "OPTIONS"
    ]
    steps: dict[str, CorsExchange] = {}
    for exchange in cross_origin_exchanges(parse_har(data)):
        steps[_step(exchange)] = exchange
    assert "preflight-rejected" not in steps  # it never reached the network
    for step in ("preflighted-put", "cached-preflight-1", "cached-preflight-2"):
        assert steps[step].preflight_missing(), step
        assert "exporter dropped it" in steps[step].explain()
    assert not steps["simple-get"].preflight_missing()


# ------------------------------------------------------------- request rebuilding
@pytest.mark.parametrize("capture", CAPTURES)
def test_request_is_what_script_asked_for(capture: str) -> None:
    (put,) = _by_step(capture)["preflighted-put"]
    request = put.request
    assert request.method == "PUT"
    assert [(n.lower(), v) for n, v in request.headers] == [
        ("authorization", "Bearer token-123"),
        ("content-type", "application/json"),
    ]
    assert request.body is not None
    assert request.body.content == '{"name":"widget"}'
    assert request.credentials is cs.Credentials.SAME_ORIGIN
    assert str(request.origin) == _raw(capture)["log"]["_corsspec"]["origins"]["page"]
    assert cs.unsafe_header_names(request) == ("authorization", "content-type")


@pytest.mark.parametrize("capture", CAPTURES)
def test_cookie_means_credentials_include(capture: str) -> None:
    (me,) = _by_step(capture)["credentialed-blocked"]
    assert me.request.credentials is cs.Credentials.INCLUDE
    ev = me.evaluate()
    assert ev.reason is not None
    assert ev.reason.code is cs.ReasonCode.ACAO_WILDCARD_WITH_CREDENTIALS
    assert "wildcard" in cs.explanation(ev)


def test_http2_capture_pseudo_headers_and_lowercase_names() -> None:
    h1 = {_step(x): x for x in cross_origin_exchanges(_load("chromium"))}
    h2 = {_step(x): x for x in cross_origin_exchanges(_load("chromium-h2"))}
    assert h1.keys() == h2.keys()
    for step, exchange in h2.items():
        assert exchange.actual is None or exchange.actual.http_version == "h2"
        entry = exchange.actual or exchange.preflight
        assert entry is not None
        assert entry.request_headers[0][0] == ":method"
        assert not any(n.startswith(":") for n, _ in exchange.request.headers)
        response = response_from_har_entry(entry)
        assert not any(n.startswith(":") for n, _ in response.headers)
        assert all(n == n.lower() for n, _ in response.headers)
        assert exchange.evaluate().allowed == h1[step].evaluate().allowed, step
        assert exchange.request == h1[step].request  # case-insensitive names


def test_pseudo_status_used_when_status_is_missing() -> None:
    data = _raw("chromium-h2")
    entry = data["log"]["entries"][1]
    entry["response"]["status"] = 0
    assert any(h["name"] == ":status" for h in entry["response"]["headers"])
    har = parse_har(data)
    assert har.entries[1].status == 200


def test_devtools_cache_headers_are_not_taken_for_script_headers() -> None:
    data = _raw("chromium")
    entry = next(e for e in data["log"]["entries"] if e.get("_corsspecStep") == "simple-get")
    entry["request"]["headers"] += [
        {"name": "Pragma", "value": "no-cache"},
        {"name": "Cache-Control", "value": "no-cache"},
    ]
    entry["_resourceType"] = "xhr"
    har = parse_har(data)
    request = request_from_har_entry(har.entries[1])
    assert request.headers == ()
    assert request.api is cs.Api.XHR
    assert not cs.needs_preflight(request)


def test_request_from_a_raw_entry_mapping() -> None:
    entry = _raw("chromium")["log"]["entries"][1]
    request = request_from_har_entry(entry)
    assert request.method == "GET"
    assert request.headers == ()
    with pytest.raises(HarError, match="no Origin header"):
        request_from_har_entry(_raw("chromium")["log"]["entries"][0])
    page = _raw("chromium")["log"]["_corsspec"]["origins"]["page"]
    assert (
        str(request_from_har_entry(entry, origin=page, credentials="include").credentials.value)
        == "include"
    )


def test_explain_har_covers_every_exchange() -> None:
    text = explain_har(FIXTURES / "chromium.har")
    for exchange in cross_origin_exchanges(_load("chromium")):
        assert f"HAR entry {exchange.index}:" in text
    both = explain_har(_load("chromium"), browsers=[cs.FIREFOX, cs.WEBKIT])
    assert "[firefox]" in both
    assert "[webkit]" in both
    empty = _raw("chromium")
    empty["log"]["entries"] = empty["log"]["entries"][:1]
    assert explain_har(parse_har(empty)) == "no cross-origin requests in the capture"


# -------------------------------------------------------------------- bad input
def _mutated(path: str, value: Any, index: int = 3) -> dict[str, Any]:
    data = copy.deepcopy(_raw("chromium"))
    target: Any = data["log"]["entries"][index]
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is _DELETE:
        del target[last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "field", "problem"),
    [
        ("request", _DELETE, "request", "must be an object, got null"),
        ("request.url", _DELETE, "request.url", "is missing"),
        ("request.method", 7, "request.method", "must be a string, got a number"),
        ("request.headers", {"Host": "x"}, "request.headers", "must be a list"),
        ("request.headers.2.value", 5, "request.headers[2].value", "must be a string"),
        ("request.headers.1", "Host: x", "request.headers[1]", "must be an object"),
        ("response.status", "ok", "response.status", "must be a number"),
        ("response.status", 1200, "response.status", "100-999"),
        ("response.headers.0.name", None, "response.headers[0].name", "is missing"),
        ("response.content", [], "response.content", "must be an object"),
        ("request.postData", {"text": 1}, "request.postData.text", "must be a string"),
    ],
)
def test_malformed_entry_names_index_and_field(
    path: str, value: Any, field: str, problem: str
) -> None:
    with pytest.raises(HarError) as info:
        parse_har(_mutated(path, value), source="capture.har")
    error = info.value
    assert error.index == 3
    assert error.field == field
    assert problem in str(error)
    assert str(error).startswith(f"HAR 'capture.har', entry 3, field '{field}'")
    assert isinstance(error, cs.AdapterError)


@pytest.mark.parametrize(
    ("document", "field", "problem"),
    [
        ("[]", "(document)", "must be an object"),
        ("{}", "log", "must be an object"),
        ('{"log": {"entries": {}}}', "log.entries", "must be a list"),
        ('{"log": {"entries": [], "creator": "x"}}', "log.creator", "must be an object"),
    ],
)
def test_malformed_document(document: str, field: str, problem: str) -> None:
    with pytest.raises(HarError) as info:
        parse_har(document)
    assert info.value.index is None
    assert info.value.field == field
    assert problem in str(info.value)


def test_not_json_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(HarError, match="not JSON"):
        parse_har(b"\xef\xbb\xbf{ nope")
    with pytest.raises(HarError, match="cannot read the file") as info:
        load_har(tmp_path / "missing.har")
    assert info.value.source is not None
    assert info.value.source.endswith("missing.har")
    assert isinstance(info.value.__cause__, OSError)
    bom = tmp_path / "bom.har"
    bom.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "chromium.har").read_bytes())
    assert len(load_har(bom).entries) == len(_load("chromium").entries)


def test_entry_the_engine_cannot_use_names_the_field() -> None:
    data = _mutated("request.url", "http://exa mple.com/x", index=1)
    with pytest.raises(HarError) as info:
        cross_origin_exchanges(parse_har(data))
    assert info.value.index == 1
    assert info.value.field == "request.url"
    data = _mutated("request.method", "TRACE", index=1)
    data["log"]["entries"][1]["request"]["headers"].append(
        {"name": "Origin", "value": "http://127.0.0.1:1"}
    )
    with pytest.raises(HarError) as info:
        request_from_har_entry(parse_har(data).entries[1])
    assert info.value.field == "request.method"


def test_unanswered_entry() -> None:
    data = _mutated("response.status", 0, index=1)
    data["log"]["entries"][1]["response"]["headers"] = []
    (simple, *_rest) = cross_origin_exchanges(parse_har(data))
    assert not simple.answered
    with pytest.raises(HarError) as info:
        simple.evaluate()
    assert (info.value.index, info.value.field) == (1, "response.status")
    assert "no response was recorded" in simple.explain()

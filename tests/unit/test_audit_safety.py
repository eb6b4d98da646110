"""The active audit is safe to point at a live server: budgets, safe methods, no bodies,
redirects kept on the target's host, and every request listed."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import corsspec as cs
from corsspec.errors import InvalidRequestError
from corsspec.server.audit import (
    DEFAULT_MAX_REQUESTS,
    DEFAULT_MAX_SECONDS,
    SAFE_METHODS,
    active_audit,
)

API = "https://api.example/items"
APP = "https://app.example"

_REFLECT = [("Access-Control-Allow-Credentials", "true"), ("Vary", "Origin")]


def _reflecting(request: cs.Request) -> cs.Response:
    origin = next((v for n, v in request.headers if n.lower() == "origin"), "")
    return cs.Response(status=200, headers=[("Access-Control-Allow-Origin", origin), *_REFLECT])


class LiveStub:
    """An in-process stand-in for a live server (what HttpServer declares), logging requests."""

    live = True

    def __init__(self, answer: Callable[[cs.Request], cs.Response] = _reflecting) -> None:
        self.answer = answer
        self.seen: list[cs.Request] = []
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def respond(self, request: cs.Request) -> cs.Response:
        self.seen.append(request)
        return self.answer(request)


def test_defaults_are_documented_values() -> None:
    assert DEFAULT_MAX_REQUESTS == 500
    assert DEFAULT_MAX_SECONDS == 60.0
    assert frozenset({"GET", "HEAD", "OPTIONS"}) == SAFE_METHODS


@pytest.mark.parametrize("method", ["DELETE", "POST", "PUT", "PATCH"])
def test_unsafe_methods_are_refused_for_a_live_server(method: str) -> None:
    server = LiveStub()
    with pytest.raises(InvalidRequestError, match="dangerously_allow_unsafe_methods") as info:
        active_audit(server, target_url=API, legit_origin=APP, method=method)
    assert info.value.value == method
    assert server.seen == []


def test_unsafe_methods_with_the_opt_in_never_carry_a_body() -> None:
    server = LiveStub()
    report = active_audit(
        server,
        target_url=API,
        legit_origin=APP,
        method="POST",
        body=cs.Body.text("secret"),
        dangerously_allow_unsafe_methods=True,
    )
    posts = [r for r in server.seen if r.method == "POST"]
    assert posts
    assert all(r.body is None for r in server.seen)
    assert all(r.body_dropped for r in report.requests if r.method == "POST")


def test_in_process_servers_keep_their_method_and_body() -> None:
    seen: list[cs.Request] = []

    def app(request: cs.Request) -> cs.Response:
        seen.append(request)
        return _reflecting(request)

    active_audit(app, target_url=API, legit_origin=APP, method="POST", body=cs.Body.text("x"))
    assert any(r.method == "POST" and r.body is not None for r in seen)


def test_request_budget_gives_a_partial_report_saying_so() -> None:
    server = LiveStub()
    report = active_audit(server, target_url=API, legit_origin=APP, max_requests=10)
    assert len(server.seen) == 10
    assert not report.complete
    assert report.stopped is not None
    assert "10 requests" in report.stopped
    assert "partial audit" in str(report)
    # What the probes found before the stop is still reported.
    assert report.findings


def test_time_budget_gives_a_partial_report() -> None:
    server = LiveStub()

    def slow(request: cs.Request) -> cs.Response:
        server.now += 0.3  # a server that takes 0.3 s per answer
        return _reflecting(request)

    server.answer = slow
    report = active_audit(server, target_url=API, legit_origin=APP, max_seconds=3)
    assert not report.complete
    assert report.stopped is not None
    assert "time budget" in report.stopped
    assert len(server.seen) <= 11


def test_redirect_loop_is_bounded() -> None:
    def loop(request: cs.Request) -> cs.Response:
        return cs.Response(status=302, headers=[("Location", str(request.url))])

    report = active_audit(loop, target_url=API, legit_origin=APP)
    assert len(report.requests) <= DEFAULT_MAX_REQUESTS


def _redirect(request: cs.Request, location: str) -> cs.Response:
    """A redirect that passes the CORS check (so the browser follows it)."""
    reflected = _reflecting(request)
    return cs.Response(status=307, headers=[("Location", location), *reflected.headers])


def _redirect_to(location: str) -> Callable[[cs.Request], cs.Response]:
    def answer(request: cs.Request) -> cs.Response:
        if request.url.host == "api.example":
            return _redirect(request, location)
        return _reflecting(request)

    return answer


def test_redirects_off_the_target_host_are_not_followed() -> None:
    server = LiveStub(_redirect_to("https://elsewhere.example/x"))
    report = active_audit(server, target_url=API, legit_origin=APP)
    assert all(r.url.host == "api.example" for r in server.seen)
    refused = [r for r in report.requests if r.outcome == "off-host-redirect"]
    assert refused
    assert all(r.url.startswith("https://elsewhere.example/") for r in refused)


def test_redirects_off_host_with_the_opt_in() -> None:
    server = LiveStub(_redirect_to("https://elsewhere.example/x"))
    active_audit(
        server, target_url=API, legit_origin=APP, dangerously_follow_redirects_off_host=True
    )
    assert any(r.url.host == "elsewhere.example" for r in server.seen)


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.5/x",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest",
        "http://[fd00::1]/",
    ],
)
def test_loopback_target_never_reaches_private_addresses(location: str) -> None:
    def answer(request: cs.Request) -> cs.Response:
        if request.url.host == "127.0.0.1":
            return _redirect(request, location)
        return _reflecting(request)

    server = LiveStub(answer)
    report = active_audit(
        server,
        target_url="http://127.0.0.1:8000/items",
        legit_origin="http://127.0.0.1:3000",
        dangerously_follow_redirects_off_host=True,
    )
    assert all(r.url.host == "127.0.0.1" for r in server.seen)
    assert any(r.outcome == "off-host-redirect" for r in report.requests)


def test_every_request_is_listed() -> None:
    server = LiveStub()
    report = active_audit(server, target_url=API, legit_origin=APP)
    sent = [r for r in report.requests if r.outcome == "sent"]
    assert len(sent) == len(server.seen)
    assert [(r.method, r.url) for r in sent] == [
        (s.method, s.url.serialize(exclude_fragment=True)) for s in server.seen
    ]
    assert report.complete


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_requests": 0}, "max_requests"),
        ({"max_requests": True}, "max_requests"),
        ({"max_seconds": float("nan")}, "max_seconds"),
        ({"max_seconds": float("inf")}, "max_seconds"),
        ({"max_seconds": "5"}, "max_seconds"),
    ],
)
def test_bad_budgets_are_typed_errors(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        active_audit(LiveStub(), target_url=API, legit_origin=APP, **kwargs)
    assert info.value.field == field


# -- a real live server on 127.0.0.1 ----------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    methods: list[str]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        self.methods.append(self.command)
        if self.path.startswith("/away"):
            self.send_response(302)
            self.send_header("Location", "http://10.255.255.1/stolen")
        else:
            self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin", ""))
        self.send_header("Access-Control-Allow-Credentials", "true")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_OPTIONS = do_DELETE = do_HEAD = _answer  # noqa: N815 - http.server names


@pytest.fixture
def loopback() -> Iterator[tuple[str, list[str]]]:
    methods: list[str] = []
    handler = type("H", (_Handler,), {"methods": methods})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", methods
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_live_http_server_gets_no_delete_and_no_foreign_redirects(
    loopback: tuple[str, list[str]],
) -> None:
    from corsspec.adapters.http import HttpServer

    base, methods = loopback
    live = HttpServer(timeout=5)
    with pytest.raises(InvalidRequestError):
        active_audit(live, target_url=f"{base}/items", legit_origin=APP, method="DELETE")
    assert methods == []
    report = active_audit(
        live,
        target_url=f"{base}/away",
        legit_origin=APP,
        max_requests=50,
        dangerously_follow_redirects_off_host=True,
    )
    assert set(methods) <= SAFE_METHODS
    assert 0 < len(methods) <= 50
    assert any(r.outcome == "off-host-redirect" for r in report.requests)

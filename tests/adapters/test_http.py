"""HttpServer against loopback servers the tests start (plain, TLS, silent, broken)."""

from __future__ import annotations

import http.server
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import corsspec as cs
from corsspec.adapters.http import HttpServer
from corsspec.testing import assert_cors_allowed
from tests.adapters._requests import APP, put_item

pytestmark = pytest.mark.adapters

_PREFLIGHT = [
    ("Access-Control-Allow-Origin", APP),
    ("Access-Control-Allow-Methods", "PUT"),
    ("access-control-allow-headers", "authorization"),
    ("Access-Control-Allow-Headers", "content-type"),  # a second line: lists combine
    ("Access-Control-Allow-Credentials", "true"),
]
_ACTUAL = [
    ("Access-Control-Allow-Origin", APP),
    ("Access-Control-Allow-Credentials", "true"),
    ("Vary", "Origin"),
    ("Vary", "Cookie"),
    ("X-Request-Id", "r-1"),
    ("Access-Control-Expose-Headers", "X-Request-Id"),
]


class _Handler(http.server.BaseHTTPRequestHandler):
    log: list[dict[str, Any]]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.log.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": list(self.headers.items()),
                "body": body,
            }
        )
        is_preflight = self.command == "OPTIONS" and "Access-Control-Request-Method" in self.headers
        self.send_response(204 if is_preflight else 200)
        for name, value in _PREFLIGHT if is_preflight else _ACTUAL:
            self.send_header(name, value)
        payload = b"" if is_preflight else b'{"ok": true}'
        if not is_preflight:
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self._answer()

    def do_PUT(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def do_OPTIONS(self) -> None:
        self._answer()


def _serve(server: http.server.HTTPServer) -> Iterator[http.server.HTTPServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def loopback() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    log: list[dict[str, Any]] = []
    handler = type("Handler", (_Handler,), {"log": log})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    for running in _serve(server):
        yield f"http://127.0.0.1:{running.server_address[1]}", log


def test_preflight_and_actual_go_over_the_wire(loopback: tuple[str, list[dict[str, Any]]]) -> None:
    base, log = loopback
    request = cs.Request(
        method="PUT",
        url=f"{base}/items/1?x=1",
        origin=APP,
        headers=[("Authorization", "Bearer t"), ("Content-Type", "application/json")],
        body=cs.Body.text("{}"),
        credentials="include",
        # A public page calling a loopback server: Chromium's Local Network Access asks
        # the user first; this test is about the wire, so the permission is granted.
        local_network_permission="granted",
    )
    evs = assert_cors_allowed(HttpServer(), request, exposes=["x-request-id"])
    assert [entry["method"] for entry in log] == ["OPTIONS", "PUT"] * len(evs)
    preflight = dict(log[0]["headers"])
    assert preflight["Access-Control-Request-Method"] == "PUT"
    assert preflight["Access-Control-Request-Headers"] == "authorization,content-type"
    assert preflight["Host"] == base.removeprefix("http://")
    assert log[0]["path"] == "/items/1?x=1"
    assert log[1]["body"] == b"{}"
    # Header lines come back as sent: both Vary lines, casing kept, in order.
    actual = evs[0].responses[-1]
    assert [v for n, v in actual.headers if n == "Vary"] == ["Origin", "Cookie"]
    assert ("access-control-allow-headers", "authorization") in evs[0].responses[0].headers


def test_base_url_stands_in_for_the_request_origin(
    loopback: tuple[str, list[dict[str, Any]]],
) -> None:
    base, log = loopback
    server = HttpServer(base + "/v1", user_agent=None, extra_headers=[("Cookie", "s=1")])
    ev = cs.evaluate(put_item(), server)
    assert ev.allowed
    assert log[0]["path"] == "/v1/items/1"
    headers = dict(log[1]["headers"])
    assert headers["Host"] == base.removeprefix("http://")
    assert headers["Cookie"] == "s=1"
    assert "User-Agent" not in headers


def test_unreachable_host_names_the_host() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more: connection refused.
    with pytest.raises(cs.AdapterError, match=rf"127\.0\.0\.1:{port}.*refused") as info:
        cs.evaluate(put_item(), HttpServer(f"http://127.0.0.1:{port}"))
    assert isinstance(info.value.__cause__, OSError)


def test_unresolvable_host(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(cs.AdapterError, match=r"cannot resolve host 'api\.example\.com'"):
        cs.evaluate(put_item(), HttpServer())


def test_silent_server_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts into the backlog, never answers
        port = listener.getsockname()[1]
        with pytest.raises(cs.AdapterError, match=r"did not answer .* within 0\.2 s"):
            HttpServer(f"http://127.0.0.1:{port}", timeout=0.2).respond(put_item())


def test_garbage_answer_is_an_adapter_error() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]

        def answer() -> None:
            conn, _ = listener.accept()
            with conn:
                conn.recv(65536)
                conn.sendall(b"SSH-2.0-OpenSSH\r\n")

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        with pytest.raises(cs.AdapterError, match="no valid HTTP answer"):
            HttpServer(f"http://127.0.0.1:{port}", timeout=5).respond(put_item())
        thread.join(timeout=5)


def test_bad_arguments() -> None:
    with pytest.raises(cs.AdapterError, match="not http or https"):
        HttpServer("ftp://example.com")
    with pytest.raises(cs.AdapterError, match="invalid base URL"):
        HttpServer("not a url")
    with pytest.raises(cs.AdapterError, match="timeout"):
        HttpServer(timeout=0)


# ---------------------------------------------------------------------------- TLS
@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture
def tls_loopback(certificate: tuple[Path, Path]) -> Iterator[str]:
    cert, key = certificate
    handler = type("Handler", (_Handler,), {"log": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    for running in _serve(server):
        yield f"https://127.0.0.1:{running.server_address[1]}"


def test_tls_is_verified_by_default(tls_loopback: str) -> None:
    with pytest.raises(cs.AdapterError, match=r"certificate .* failed verification") as info:
        cs.evaluate(put_item(), HttpServer(tls_loopback))
    assert isinstance(info.value.__cause__, ssl.SSLCertVerificationError)


def test_tls_with_a_private_ca_or_verification_off(
    tls_loopback: str,
    certificate: tuple[Path, Path],
) -> None:
    context = ssl.create_default_context(cafile=str(certificate[0]))
    assert_cors_allowed(HttpServer(tls_loopback, ssl_context=context), put_item())
    ev = cs.evaluate(put_item(), HttpServer(tls_loopback, verify=False))
    assert ev.allowed

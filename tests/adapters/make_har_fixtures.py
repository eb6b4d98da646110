"""Capture real browser traffic and write it as HAR 1.2 fixtures for the HAR adapter tests.

    python -m tests.adapters.make_har_fixtures [--browser chromium|firefox|all] [--out DIR]

How it works (see tests/adapters/fixtures/README.md):

1. Two loopback HTTP/1.1 servers play a page origin and a cross-origin API. They log every
   request **byte for byte** (request line, header lines in order with their casing and
   duplicates, body) and every response they write (also byte for byte: the scripted
   header lines and one ``Content-Length`` framing line, nothing else).
2. The browser suite's launcher (``tests.browser.launchers``) starts headless Chromium or
   Firefox on the page. The page script runs a fixed scenario of ``fetch()`` calls in
   order and posts what happened (resolved or TypeError, status, response type) back to
   the page server after each step.
3. The log becomes one HAR 1.2 file per browser: one entry per request that reached a
   server, in arrival order, with the headers exactly as the browser sent them and the
   responses exactly as they were sent. Preflights are there because the browser really
   sent them; the cached preflight is absent because the browser really did not send it.
   What the page observed is kept in ``log._corsspec`` (our own vendor field), so tests can
   check the engine's HAR verdicts against what the browser actually did.
4. ``chromium-h2.har`` is derived from the Chromium capture: the same exchanges rewritten
   the way an HTTP/2 capture looks in DevTools (lowercase names, ``:method``,
   ``:authority``, ``:scheme``, ``:path`` pseudo-headers, no connection-specific headers,
   ``httpVersion: "h2"``).

Firefox's own HAR auto-export (``devtools.netmonitor.har.enableAutoExportToFile``) needs the
DevTools toolbox open, which headless Firefox does not have, so it is not used.
"""

from __future__ import annotations

import argparse
import datetime
import json
import socketserver
import sys
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any, Final

from tests.browser.launchers import INSTALL_HINT, detect, launch

FIXTURES: Final = Path(__file__).resolve().parent / "fixtures"

#: The scenario: (step name, JS expression making the request). ``API`` is the API origin.
SCENARIO: Final[Sequence[tuple[str, str]]] = (
    ("simple-get", 'fetch(API + "/simple")'),
    (
        "preflighted-put",
        'fetch(API + "/items/1", {method: "PUT", headers: {"Authorization": "Bearer token-123",'
        ' "Content-Type": "application/json"}, body: JSON.stringify({name: "widget"})})',
    ),
    ("credentialed-blocked", 'fetch(API + "/me", {credentials: "include"})'),
    (
        "cached-preflight-1",
        'fetch(API + "/cached", {method: "PATCH", headers: {"X-Requested-With": "XMLHttpRequest"},'
        ' body: "a=1"})',
    ),
    (
        "cached-preflight-2",
        'fetch(API + "/cached", {method: "PATCH", headers: {"X-Requested-With": "XMLHttpRequest"},'
        ' body: "a=1"})',
    ),
    ("preflight-rejected", 'fetch(API + "/admin", {method: "DELETE", headers: {"X-Custom": "1"}})'),
)

#: What the API answers: path -> {"preflight": response, "actual": response}.
#: "${ORIGIN}" is replaced with the page origin. Header lines go out exactly as written.
ROUTES: Final[dict[str, dict[str, dict[str, Any]]]] = {
    "/simple": {
        "actual": {
            "status": 200,
            "headers": [
                ("Access-Control-Allow-Origin", "${ORIGIN}"),
                ("Vary", "Origin"),
                ("Content-Type", "application/json"),
            ],
            "body": '{"ok": true}',
        },
    },
    "/items/1": {
        "preflight": {
            "status": 204,
            "headers": [
                ("Access-Control-Allow-Origin", "${ORIGIN}"),
                ("Access-Control-Allow-Methods", "GET, PUT, DELETE"),
                ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
                ("Access-Control-Max-Age", "0"),
                ("Vary", "Origin"),
            ],
            "body": "",
        },
        "actual": {
            "status": 200,
            "headers": [
                ("Access-Control-Allow-Origin", "${ORIGIN}"),
                ("Access-Control-Expose-Headers", "X-Request-Id"),
                ("Vary", "Origin"),
                ("Vary", "Accept-Encoding"),
                ("Content-Type", "application/json"),
                ("X-Request-Id", "req-42"),
            ],
            "body": '{"id": 1, "name": "widget"}',
        },
    },
    "/me": {
        "actual": {
            "status": 200,
            "headers": [
                ("Access-Control-Allow-Origin", "*"),
                ("Content-Type", "application/json"),
            ],
            "body": '{"user": "alice"}',
        },
    },
    "/cached": {
        "preflight": {
            "status": 204,
            "headers": [
                ("Access-Control-Allow-Origin", "${ORIGIN}"),
                ("Access-Control-Allow-Methods", "PATCH"),
                ("Access-Control-Allow-Headers", "X-Requested-With"),
                ("Access-Control-Max-Age", "600"),
            ],
            "body": "",
        },
        "actual": {
            "status": 200,
            "headers": [
                ("Access-Control-Allow-Origin", "${ORIGIN}"),
                ("Content-Type", "text/plain"),
            ],
            "body": "patched",
        },
    },
    "/admin": {
        "preflight": {
            "status": 204,
            "headers": [
                ("Access-Control-Allow-Origin", "${ORIGIN}"),
                ("Access-Control-Allow-Methods", "DELETE"),
            ],
            "body": "",
        },
        "actual": {
            "status": 200,
            "headers": [("Access-Control-Allow-Origin", "${ORIGIN}")],
            "body": "deleted",
        },
    },
}

_PAGE: Final = """<!doctype html>
<meta charset="utf-8">
<title>corsspec HAR capture</title>
<pre id="status">running</pre>
<script>
"use strict";
const API = %(api)s;
async function post(path, message) {
  await fetch(path, {method: "POST", body: JSON.stringify(message), cache: "no-store"});
}
async function step(name, run) {
  let observed;
  try {
    const response = await run();
    await response.text();
    observed = {outcome: "ok", status: response.status, type: response.type};
  } catch (e) {
    observed = {outcome: "network-error", status: null, type: null, error: String(e)};
  }
  await post("/result", {name, observed});
}
(async () => {
  document.cookie = "session=abc123; path=/";
%(steps)s
  document.getElementById("status").textContent = "done";
  await post("/done", {});
})();
</script>
"""


@dataclass
class Exchange:
    """One request as received and the response as written, byte for byte."""

    server: str  # "page" or "api"
    started: float  # time.time() when the request head was read
    finished: float
    method: str
    target: str
    version: str
    request_headers: list[tuple[str, str]]
    request_head_size: int
    request_body: bytes
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    response_head_size: int
    response_body: bytes
    step: str | None = None


@dataclass
class Capture:
    """Shared state of one capture run (both servers, the page's reports)."""

    origins: dict[str, str] = field(default_factory=dict)
    log: list[Exchange] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, name: str, capture: Capture) -> None:
        self.name = name
        self.capture = capture
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        while self._one():
            pass

    def _one(self) -> bool:
        line = self.rfile.readline(65537)
        while line in (b"\r\n", b"\n"):
            line = self.rfile.readline(65537)
        if not line:
            return False
        started = time.time()
        head = [line]
        while True:
            more = self.rfile.readline(65537)
            if not more:
                return False
            head.append(more)
            if more in (b"\r\n", b"\n"):
                break
        method, target, version = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
        headers: list[tuple[str, str]] = []
        for raw in head[1:-1]:
            name, _, value = raw.decode("latin-1").rstrip("\r\n").partition(":")
            headers.append((name, value.strip(" \t")))
        length = next((int(v) for n, v in headers if n.lower() == "content-length"), 0)
        body = self.rfile.read(length) if length else b""
        status, out_headers, out_body = self._answer(method, target, headers, body)
        lines = [f"HTTP/1.1 {status} {_reason(status)}"]
        lines += [f"{n}: {v}" for n, v in out_headers]
        head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        payload = head_bytes + (b"" if method == "HEAD" or status in (204, 304) else out_body)
        self.wfile.write(payload)
        self.wfile.flush()
        capture = self.server.capture
        with capture.lock:
            capture.log.append(
                Exchange(
                    server=self.server.name,
                    started=started,
                    finished=time.time(),
                    method=method,
                    target=target,
                    version=version,
                    request_headers=headers,
                    request_head_size=sum(len(h) for h in head),
                    request_body=body,
                    status=status,
                    reason=_reason(status),
                    response_headers=out_headers,
                    response_head_size=len(head_bytes),
                    response_body=b"" if status in (204, 304) else out_body,
                )
            )
        return True

    def _answer(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        capture = self.server.capture
        path = target.split("?", 1)[0]
        if self.server.name == "page":
            if method == "GET" and path == "/":
                steps = "\n".join(
                    f"  await step({json.dumps(n)}, () => {js});" for n, js in SCENARIO
                )
                page = _PAGE % {"api": json.dumps(capture.origins["api"]), "steps": steps}
                return _framed(
                    200,
                    [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")],
                    page.encode(),
                )
            if method == "POST" and path == "/result":
                with capture.lock:
                    capture.results.append(json.loads(body))
                return _framed(204, [("Cache-Control", "no-store")], b"")
            if method == "POST" and path == "/done":
                capture.done.set()
                return _framed(204, [("Cache-Control", "no-store")], b"")
            return _framed(404, [("Content-Type", "text/plain")], b"not found")
        route = ROUTES.get(path)
        is_preflight = method == "OPTIONS" and any(
            n.lower() == "access-control-request-method" for n, _ in headers
        )
        spec = (route or {}).get("preflight" if is_preflight else "actual")
        if spec is None:
            return _framed(404, [], b"")
        scripted = [
            (n, v.replace("${ORIGIN}", capture.origins["page"])) for n, v in spec["headers"]
        ]
        return _framed(int(spec["status"]), scripted, str(spec["body"]).encode())


def _framed(
    status: int, headers: list[tuple[str, str]], body: bytes
) -> tuple[int, list[tuple[str, str]], bytes]:
    if status in (204, 304):
        return status, headers, b""
    return status, [*headers, ("Content-Length", str(len(body)))], body


# ------------------------------------------------------------------------------ HAR
def _iso(ts: float) -> str:
    moment = datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _cookies(headers: list[tuple[str, str]]) -> list[dict[str, str]]:
    out = []
    for name, value in headers:
        if name.lower() == "cookie":
            for part in value.split(";"):
                key, _, val = part.strip().partition("=")
                if key:
                    out.append({"name": key, "value": val})
    return out


def _mime(headers: list[tuple[str, str]]) -> str:
    return next((v for n, v in headers if n.lower() == "content-type"), "")


def har_entry(x: Exchange, origins: dict[str, str], page_id: str) -> dict[str, Any]:
    """One HAR 1.2 entry for an exchange (headers as on the wire, in order)."""
    url = origins[x.server] + x.target
    query = urllib.parse.urlsplit(url).query
    request: dict[str, Any] = {
        "method": x.method,
        "url": url,
        "httpVersion": x.version,
        "headers": [{"name": n, "value": v} for n, v in x.request_headers],
        "queryString": [
            {"name": k, "value": v}
            for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True)
        ],
        "cookies": _cookies(x.request_headers),
        "headersSize": x.request_head_size,
        "bodySize": len(x.request_body),
    }
    if x.request_body:
        request["postData"] = {
            "mimeType": _mime(x.request_headers),
            "text": x.request_body.decode("utf-8", "replace"),
        }
    wait = max(0.0, round((x.finished - x.started) * 1000, 3))
    entry: dict[str, Any] = {
        "pageref": page_id,
        "startedDateTime": _iso(x.started),
        "time": wait,
        "request": request,
        "response": {
            "status": x.status,
            "statusText": x.reason,
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": n, "value": v} for n, v in x.response_headers],
            "cookies": [],
            "content": {
                "size": len(x.response_body),
                "mimeType": _mime(x.response_headers),
                "text": x.response_body.decode("utf-8", "replace"),
            },
            "redirectURL": "",
            "headersSize": x.response_head_size,
            "bodySize": len(x.response_body),
        },
        "cache": {},
        "timings": {
            "blocked": -1,
            "dns": -1,
            "connect": -1,
            "ssl": -1,
            "send": 0,
            "wait": wait,
            "receive": 0,
        },
        "serverIPAddress": "127.0.0.1",
    }
    if x.step is not None:
        entry["_corsspecStep"] = x.step
    return entry


def build_har(capture: Capture, browser: str, version: str) -> dict[str, Any]:
    """The HAR 1.2 document for one capture."""
    _attribute_steps(capture)
    page_url = capture.origins["page"] + "/"
    first = capture.log[0].started if capture.log else time.time()
    page_id = "page_1"
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "corsspec tests/adapters/make_har_fixtures.py", "version": "1"},
            "browser": {"name": browser, "version": version},
            "pages": [
                {
                    "startedDateTime": _iso(first),
                    "id": page_id,
                    "title": page_url,
                    "pageTimings": {"onContentLoad": -1, "onLoad": -1},
                }
            ],
            "entries": [har_entry(x, capture.origins, page_id) for x in capture.log],
            "_corsspec": {
                "origins": capture.origins,
                "scenario": [{"step": n, "script": js} for n, js in SCENARIO],
                "observed": capture.results,
            },
        }
    }


def _attribute_steps(capture: Capture) -> None:
    """Tag each API exchange with its step: a step's result post closes the step."""
    names = [r["name"] for r in capture.results]
    index = 0
    for x in capture.log:
        if x.server == "page" and x.method == "POST" and x.target.startswith("/result"):
            index += 1
        elif x.server == "api" and index < len(names):
            x.step = names[index]


_H2_DROPPED: Final = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host"}
)


def to_h2(har: dict[str, Any]) -> dict[str, Any]:
    """Rewrite a captured HAR the way an HTTP/2 capture looks in DevTools."""
    out: dict[str, Any] = json.loads(json.dumps(har))
    log = out["log"]
    log["creator"]["name"] += " (HTTP/2 rewrite of the Chromium capture)"
    for entry in log["entries"]:
        req, resp = entry["request"], entry["response"]
        parts = urllib.parse.urlsplit(req["url"])
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = [
            {"name": ":method", "value": req["method"]},
            {"name": ":authority", "value": parts.netloc},
            {"name": ":scheme", "value": parts.scheme},
            {"name": ":path", "value": path or "/"},
        ]
        headers += [
            {"name": h["name"].lower(), "value": h["value"]}
            for h in req["headers"]
            if h["name"].lower() not in _H2_DROPPED
        ]
        req["headers"] = headers
        req["httpVersion"] = "h2"
        resp["headers"] = [{"name": ":status", "value": str(resp["status"])}] + [
            {"name": h["name"].lower(), "value": h["value"]}
            for h in resp["headers"]
            if h["name"].lower() not in _H2_DROPPED
        ]
        resp["httpVersion"] = "h2"
        resp["statusText"] = ""
        req["headersSize"] = resp["headersSize"] = -1
    return out


# ------------------------------------------------------------------------------ run
def capture(name: str, timeout: float = 60.0) -> dict[str, Any]:
    """Run the scenario in browser ``name`` and return the HAR document."""
    info = detect(name)
    if info is None:
        raise SystemExit(f"{name} is not installed ({INSTALL_HINT})")
    state = Capture()
    servers = {key: _Server(key, state) for key in ("page", "api")}
    threads = []
    for key, server in servers.items():
        state.origins[key] = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        threads.append(thread)
    try:
        with launch(info, state.origins["page"] + "/") as launched:
            if not state.done.wait(timeout):
                raise SystemExit(
                    f"{name}: scenario did not finish in {timeout} s\n" + launched.log_tail()
                )
            time.sleep(0.3)  # let any trailing request (favicon) land in the log
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()
    label = {"chromium": "Chromium", "firefox": "Firefox"}.get(name, name)
    with state.lock:
        state.log.sort(key=lambda x: x.started)
        return build_har(state, label, info.version)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--browser", choices=("chromium", "firefox", "all"), default="all")
    parser.add_argument("--out", type=Path, default=FIXTURES)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    names = ("chromium", "firefox") if args.browser == "all" else (args.browser,)
    for name in names:
        har = capture(name)
        path = args.out / f"{name}.har"
        path.write_text(json.dumps(har, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path} ({len(har['log']['entries'])} entries)", file=sys.stderr)
        if name == "chromium":
            h2 = args.out / "chromium-h2.har"
            h2.write_text(json.dumps(to_h2(har), indent=1) + "\n", encoding="utf-8")
            print(f"wrote {h2}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

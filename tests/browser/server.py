"""Three loopback HTTP/1.1 servers that play ${ORIGIN}, ${API} and ${OTHER} for real browsers.

Pure stdlib (asyncio), run in one background thread. Every case gets its own URL prefix
``/c/<run>/<case index>`` on all three servers, so neither the preflight cache nor the HTTP
cache can carry anything from one case to another; the steps of one case share URLs on
purpose (that is how cache cases work).

Route responses are written byte-exact from the case: the status line, the scripted header
lines in order (duplicates, casing, inner whitespace and empty values untouched), one
framing line ``Content-Length: N`` unless the case scripted one, and the body. Nothing
else: no Date, no Server, no Connection.

The page server additionally serves the runner page, the case list, and receives results.
Requests that hit a case prefix are logged (in arrival order, per case) and later split
into steps: the page posts each step's result before it starts the next step, so the
result post is the boundary between the log entries of consecutive steps.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import http
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from tests.browser.cases import (
    PLACEHOLDERS,
    Case,
    browser_form,
    split_placeholder_url,
    steps_of,
)

__all__ = ["CaseServers", "LogEntry", "StepReport"]

_STATIC_DIR: Final = Path(__file__).resolve().parent
_MAX_HEAD: Final = 1 << 20
# Statuses whose responses carry no body on the wire (RFC 9110 §6.4.1); we never write one.
_NO_BODY_STATUSES: Final = frozenset({204, 304})


@dataclass(frozen=True)
class LogEntry:
    """One request that reached a case route, already mapped back to placeholders.

    `url` is the placeholder origin plus the request-target the browser sent (minus the
    case prefix), i.e. the URL as the browser serialized it, not the route key."""

    url: str
    method: str
    origin: str | None
    acrm: str | None
    acrh: str | None
    names: frozenset[str]  # every request header name, lowercase

    def as_observation(self, script_names: frozenset[str]) -> dict[str, Any]:
        """The request entry of an OBSERVATION, for a step whose script set `script_names`."""
        return {
            "url": self.url,
            "method": self.method,
            "origin": self.origin,
            "acrm": self.acrm,
            "acrh": self.acrh,
            "headers": sorted(self.names & script_names),
        }


@dataclass
class StepReport:
    """What the page reported for one step, plus the server log entries attributed to it."""

    result: dict[str, Any]
    requests: list[LogEntry] = field(default_factory=list)


@dataclass
class _CaseState:
    case: Case
    prefix: str
    routes: dict[tuple[str, str], str]  # (placeholder, browser-form path) -> route key
    log: list[LogEntry] = field(default_factory=list)
    boundaries: list[int] = field(default_factory=list)  # len(log) at each step's result post
    results: dict[int, dict[str, Any]] = field(default_factory=dict)


@dataclass
class _Request:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """First value of a header (case-insensitive name), or None."""
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    def has(self, name: str) -> bool:
        return any(key.lower() == name for key, _ in self.headers)


class CaseServers:
    """The three servers plus per-run state. Use as a context manager."""

    def __init__(
        self, cases: Sequence[Case], *, run_id: str, pool: int = 6, step_timeout: float = 20.0
    ) -> None:
        self.run_id = run_id
        self.pool = pool
        self.step_timeout = step_timeout
        self.cases = list(cases)
        self.origins: dict[str, str] = {}
        self.done = threading.Event()
        self.progress = threading.Event()  # set whenever a result arrives (idle watchdog)
        self.page_loaded = threading.Event()
        self.page_messages: list[str] = []
        self._states: list[_CaseState] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, daemon=True, name="cors-case-servers"
        )
        self._servers: list[asyncio.base_events.Server] = []
        self._writers: set[asyncio.StreamWriter] = set()

    # ----------------------------------------------------------------- lifecycle
    def __enter__(self) -> CaseServers:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(timeout=10)
        self._states = [self._prepare(i, case) for i, case in enumerate(self.cases)]
        return self

    def __exit__(self, *exc: object) -> None:
        future = asyncio.run_coroutine_threadsafe(self._stop(), self._loop)
        with contextlib.suppress(Exception):
            future.result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        for ph in PLACEHOLDERS:
            server = await asyncio.start_server(
                functools.partial(self._serve_connection, ph),
                host="127.0.0.1",
                port=0,
                limit=_MAX_HEAD,
            )
            port = server.sockets[0].getsockname()[1]
            self.origins[ph] = f"http://127.0.0.1:{port}"
            self._servers.append(server)

    async def _stop(self) -> None:
        for server in self._servers:
            server.close()
        # Browsers keep idle keep-alive connections open; their handlers must finish
        # before the loop stops, or asyncio complains about destroyed pending tasks.
        # Closing the transports makes each handler read EOF and return normally.
        # (Cancelling them instead trips a Python 3.11 asyncio bug: the stream
        # callback calls task.exception() on the cancelled task and logs a traceback.)
        for writer in list(self._writers):
            writer.transport.abort()
        handlers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        if handlers:
            await asyncio.wait(handlers, timeout=5)

    @property
    def page_url(self) -> str:
        return f"{self.origins['${ORIGIN}']}/runner.html?run={self.run_id}"

    # ------------------------------------------------------------ substitutions
    def _prepare(self, index: int, case: Case) -> _CaseState:
        prefix = f"/c/{self.run_id}/{index}"
        routes: dict[tuple[str, str], str] = {}
        for key in case.get("routes", {}):
            split = split_placeholder_url(key)
            if split is not None:
                routes[(split[0], browser_form(split[1]))] = key
        return _CaseState(case=case, prefix=prefix, routes=routes)

    def substitute(self, text: str) -> str:
        """Plain placeholder substitution (header values, bodies)."""
        for ph, origin in self.origins.items():
            text = text.replace(ph, origin)
        return text

    def real_url(self, url: str, prefix: str) -> str:
        """A placeholder URL (or an absolute-path reference) as the browser must see it:
        on the real origin and below the case's prefix. Anything else is left alone
        (relative references resolve below the prefix by themselves)."""
        split = split_placeholder_url(url)
        if split is not None:
            return self.origins[split[0]] + prefix + split[1]
        if url.startswith("/") and not url.startswith("//"):
            return prefix + url
        return self.substitute(url)

    def _unmap_origin(self, value: str | None) -> str | None:
        if value is None:
            return None
        for ph, origin in self.origins.items():
            if value == origin:
                return ph
        return value  # "null", or anything unexpected, kept verbatim

    # ----------------------------------------------------------------- page data
    def page_config(self) -> dict[str, Any]:
        """The case list as the page runs it: concrete URLs, in three phases.

        Multi-step cases (the only ones whose outcome depends on cache state) run first,
        on their own: preflight caches are bounded (Firefox keeps 100 entries, LRU;
        Chromium 1024, purged at random), and hundreds of unrelated cases running during
        a step's `after` wait could evict the entry that the next step is meant to hit.
        Within a phase, cases with long waits start first so they do not form the tail."""

        def order(indices: list[int]) -> list[dict[str, Any]]:
            indices.sort(key=lambda i: (-sum(s.after for s in steps_of(self._states[i].case)), i))
            return [self._page_case(i) for i in indices]

        multi = [i for i, st in enumerate(self._states) if len(steps_of(st.case)) > 1]
        single = [i for i, st in enumerate(self._states) if len(steps_of(st.case)) == 1]
        # Generated cache sequences get a phase of their own after the curated ones: a
        # curated step that waits several seconds for an expiry must not see its entry
        # evicted by the entries that dozens of random sequences create meanwhile.
        generated = [i for i in multi if _generated(self._states[i].case)]
        multi = [i for i in multi if not _generated(self._states[i].case)]
        # Warm-up URLs: one no-cors request to each server origin before any case. Firefox
        # revalidates cached preflights against its DNS cache, and the first DNS records
        # for a fresh profile are replaced within the first second or so, which would
        # otherwise drop the preflights cached by the first cases (measured: the first
        # multi-step case never reused its preflight).
        warmup = [f"{origin}/__warmup" for origin in self.origins.values()]
        return {
            "run": self.run_id,
            "pool": self.pool,
            "warmup": warmup,
            "stepTimeoutMs": int(self.step_timeout * 1000),
            "phases": [order(multi), order(generated), order(single)],
        }

    def _page_case(self, index: int) -> dict[str, Any]:
        state = self._states[index]
        steps = []
        for step in steps_of(state.case):
            req = dict(step.request)
            req["url"] = self.real_url(req["url"], state.prefix)
            req["headers"] = [[n, self.substitute(v)] for n, v in req["headers"]]
            if req["body"] is not None:
                req["body"] = json.loads(self.substitute(json.dumps(req["body"])))
            steps.append({"after": step.after, "request": req})
        return {"index": index, "id": state.case["id"], "steps": steps}

    # ----------------------------------------------------------------- results
    def step_reports(self, index: int) -> list[StepReport | None]:
        """Per step of case `index`: the page's result and the requests attributed to it
        (None for a step the page never reported). Call after `done` is set or the run
        was abandoned."""
        state = self._states[index]
        n_steps = len(steps_of(state.case))
        reports: list[StepReport | None] = []
        start = 0
        for step in range(n_steps):
            result = state.results.get(step)
            if result is None:
                reports.append(None)
                continue
            end = state.boundaries[step] if step < len(state.boundaries) else len(state.log)
            reports.append(StepReport(result=result, requests=state.log[start:end]))
            start = end
        # Requests that arrived after the last result post (should not happen: every
        # request of a step precedes its result) are attributed to the last step.
        last = reports[-1]
        if last is not None and start < len(state.log):
            last.requests.extend(state.log[start:])
        return reports

    # --------------------------------------------------------------- HTTP serving
    async def _serve_connection(
        self, which: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self._writers.add(writer)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                payload, close = self._dispatch(which, request)
                writer.write(payload)
                await writer.drain()
                if close or (request.header("connection") or "").lower() == "close":
                    break
        except (
            ConnectionError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ValueError,
        ):
            pass  # a browser dropping a connection (or sending garbage) is not our business
        finally:
            self._writers.discard(writer)
            writer.close()

    def _dispatch(self, which: str, request: _Request) -> tuple[bytes, bool]:
        """Bytes to write, and whether to close the connection afterwards."""
        if request.target.startswith("/c/"):
            return self._case_route(which, request)
        if which == "${ORIGIN}":
            return self._page_endpoint(request), False
        return _simple(404, "text/plain", b"not found"), False

    def _case_route(self, which: str, request: _Request) -> tuple[bytes, bool]:
        parts = request.target.split("/", 4)  # ["", "c", run, index, rest]
        state = self._state_for(parts)
        if state is None:
            return _simple(404, "text/plain", b"unknown case"), False
        rest = "/" + (parts[4] if len(parts) > 4 else "")
        key = state.routes.get((which, rest))
        state.log.append(self._log_entry(which, rest, request))
        route = state.case.get("routes", {}).get(key) if key is not None else None
        is_preflight = request.method == "OPTIONS" and request.has("access-control-request-method")
        response = (route or {}).get("preflight" if is_preflight else "actual")
        if response is None:
            # "absent = 404 with no headers": still framed, or the browser would wait for EOF.
            return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", False
        return self._render(response, state.prefix, head=request.method == "HEAD")

    def _state_for(self, parts: list[str]) -> _CaseState | None:
        if len(parts) < 4 or parts[2] != self.run_id or not parts[3].isdigit():
            return None
        index = int(parts[3])
        return self._states[index] if index < len(self._states) else None

    def _log_entry(self, which: str, rest: str, request: _Request) -> LogEntry:
        return LogEntry(
            url=which + rest,
            method=request.method,
            origin=self._unmap_origin(request.header("origin")),
            acrm=request.header("access-control-request-method"),
            acrh=request.header("access-control-request-headers"),
            names=frozenset(name.lower() for name, _ in request.headers),
        )

    def _render(self, response: dict[str, Any], prefix: str, *, head: bool) -> tuple[bytes, bool]:
        status = int(response.get("status", 200))
        body = str(response.get("body", "")).encode("latin-1")
        lines = [f"HTTP/1.1 {status} {_reason(status)}"]
        scripted_framing = False
        for name, value in response.get("headers", []):
            low = name.strip().lower()
            # Location targets must stay below the case prefix; other values only need
            # their placeholder origins replaced.
            value = self.real_url(value, prefix) if low == "location" else self.substitute(value)
            scripted_framing |= low in ("content-length", "transfer-encoding")
            lines.append(f"{name}: {value}")
        if not any(n.strip().lower() == "content-length" for n, _ in response.get("headers", [])):
            lines.append(f"Content-Length: {len(body)}")
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        no_body = head or status in _NO_BODY_STATUSES or status < 200
        if not no_body:
            payload += body
        # With scripted framing (or a body the status forbids) the browser's idea of where
        # this response ends may differ from ours; closing keeps the next response intact.
        close = scripted_framing or status < 200 or (no_body and bool(body) and not head)
        return payload, close

    # ------------------------------------------------------------- page endpoints
    def _page_endpoint(self, request: _Request) -> bytes:
        path = request.target.split("?", 1)[0]
        if request.method == "GET" and path in ("/", "/runner.html"):
            self.page_loaded.set()
            return _static("runner.html", "text/html; charset=utf-8")
        if request.method == "GET" and path == "/runner.js":
            return _static("runner.js", "text/javascript; charset=utf-8")
        if request.method == "GET" and path == "/cases.json":
            data = json.dumps(self.page_config()).encode()
            return _simple(200, "application/json", data)
        if request.method == "POST" and path in ("/result", "/done", "/log"):
            self._receive(path, request.body)
            return _simple(204, None, b"")
        return _simple(404, "text/plain", b"not found")

    def _receive(self, path: str, body: bytes) -> None:
        message = json.loads(body.decode("utf-8"))
        if message.get("run") != self.run_id:
            return
        if path == "/log":
            self.page_messages.append(str(message.get("text")))
        elif path == "/done":
            self.done.set()
        else:
            state = self._states[int(message["index"])]
            step = int(message["step"])
            # The boundary is taken now: everything logged so far for this case belongs to
            # this step or an earlier one (the page waits for this post before going on).
            while len(state.boundaries) <= step:
                state.boundaries.append(len(state.log))
            state.results[step] = message["result"]
            self.progress.set()


def _generated(case: Case) -> bool:
    """Whether a case comes from a random generator (source ``random:...``)."""
    return str(case.get("source", "")).startswith("random:")


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Status"


def _simple(status: int, content_type: str | None, body: bytes) -> bytes:
    head = [f"HTTP/1.1 {status} {_reason(status)}", "Cache-Control: no-store"]
    if content_type:
        head.append(f"Content-Type: {content_type}")
    head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def _static(name: str, content_type: str) -> bytes:
    return _simple(200, content_type, (_STATIC_DIR / name).read_bytes())


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    """Read one HTTP/1.1 request (head and body). None on a clean EOF between requests."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name, value.strip(" \t")))
    request = _Request(method=method, target=target, headers=headers, body=b"")
    request.body = await _read_body(reader, request)
    return request


async def _read_body(reader: asyncio.StreamReader, request: _Request) -> bytes:
    if "chunked" in (request.header("transfer-encoding") or "").lower():
        # Streaming uploads (ReadableStream bodies) arrive chunked.
        chunks: list[bytes] = []
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                # Trailer section: lines up to an empty one.
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
    length = request.header("content-length")
    return await reader.readexactly(int(length)) if length else b""

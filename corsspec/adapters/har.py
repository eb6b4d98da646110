"""Read HAR 1.2 captures (DevTools "Save all as HAR") and explain every cross-origin request.

    from corsspec.adapters.har import load_har, cross_origin_exchanges
    har = load_har("capture.har")
    for exchange in cross_origin_exchanges(har):
        print(exchange.explain())            # verdict, reason and fix, per the capturing browser

What this module does:

* **Load and validate** HAR 1.2 (``log.entries[]`` with ``request``/``response``) as
  Chromium and Firefox DevTools export it. A malformed file raises :class:`HarError`
  naming the entry index and the field (``entry 3: request.headers[2].value ...``).
* **Normalise** what HTTP/2 and HTTP/3 captures look like: lowercase names and
  pseudo-headers (``:method``, ``:authority``, ``:path``, ``:status``) are understood and
  kept out of the header lists the engine judges.
* **Find every cross-origin request**: a request with an ``Origin`` header whose URL has
  another origin (navigations and ``no-cors`` loads, told apart by ``Sec-Fetch-Mode``,
  are left out), and **pair** each CORS preflight (``OPTIONS`` with
  ``Access-Control-Request-Method``) with the actual request that followed it.
* **Rebuild what page script asked for** (:func:`request_from_har_entry`): the headers
  script set, without the ones the browser adds itself; credentials from the ``Cookie``
  header; fetch or XHR from Chromium's ``_resourceType``.
* **Explain** each exchange by replaying the recorded answers through
  :func:`corsspec.evaluate`. When the capture has the actual request but no preflight
  although one was needed (it came from the browser's preflight cache, or the exporter
  dropped it: Playwright's HARs omit ``OPTIONS``), the explanation says so and shows the
  preflight the browser must have sent; since the actual request went out, that preflight
  passed, and the verdict judges the actual response.

Everything here is stdlib (:mod:`json`); the ``har`` extra needs nothing more.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import collections
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

import corsspec as cs
from corsspec.engine.preflight import is_cors_preflight_request
from corsspec.engine.safelist import FORBIDDEN_REQUEST_HEADER_NAMES
from corsspec.explain import explanation

__all__ = [
    "CorsExchange",
    "HarEntry",
    "HarError",
    "HarLog",
    "cross_origin_exchanges",
    "explain_har",
    "load_har",
    "parse_har",
    "request_from_har_entry",
    "request_from_har_preflight",
    "response_from_har_entry",
]


def __dir__() -> list[str]:
    return __all__


Pairs = tuple[tuple[str, str], ...]

# Fetch: forbidden request-header names and prefixes. The browser sets these itself, so
# they are never part of what script asked for.
_FORBIDDEN_PREFIXES = ("proxy-", "sec-")
# Headers a browser (or DevTools with "Disable cache" ticked) adds on its own. Kept only
# when the recorded preflight lists them, which proves that script set them.
_UA_ADDED = frozenset({"user-agent", "accept-language", "cache-control", "pragma", "priority"})
# The value placed in a header that only a preflight's Access-Control-Request-Headers
# names: its real value was never recorded. It is CORS-unsafe for every safelisted name
# (bad bytes for Accept, not a MIME type, not a range), as the name being listed implies.
UNRECORDED_VALUE = "(not recorded)"

_PREFLIGHT_MISSING = (
    "preflight: not in the HAR, although this request needs one. The browser answered "
    "it from its preflight cache{cached}, or the exporter dropped it (Playwright's HARs "
    "omit OPTIONS requests). Since the actual request went out, that preflight passed; "
    "the verdict below judges the actual response. The preflight the browser must have "
    "sent:"
)


class HarError(cs.AdapterError):
    """A HAR document this adapter cannot read: names the entry index and the field."""

    def __init__(
        self,
        problem: str,
        *,
        index: int | None = None,
        field: str | None = None,
        source: str | None = None,
    ) -> None:
        self.problem = problem
        self.index = index
        self.field = field
        self.source = source
        super().__init__(problem, index, field)

    def __str__(self) -> str:
        where = [f"HAR {self.source!r}" if self.source else "HAR"]
        if self.index is not None:
            where.append(f"entry {self.index}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.problem}"


# ----------------------------------------------------------------------------- model
@attrs.frozen(kw_only=True)
class HarEntry:
    """One ``log.entries[i]`` item: a request and the response the browser recorded.

    Header lists are the recorded lines in order (pseudo-headers included, names as
    recorded). ``status`` is 0 when no response was recorded (the request failed).
    """

    index: int
    method: str
    url: str
    http_version: str = ""
    request_headers: Pairs = ()
    request_body: str | None = None
    status: int = 0
    response_headers: Pairs = ()
    response_body: str = ""
    started: str = ""
    resource_type: str | None = None
    pageref: str | None = None
    #: The entry as parsed from JSON (vendor ``_`` fields included); not compared.
    raw: Mapping[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def request_header(self, name: str) -> str | None:
        """The first request header called ``name`` (case-insensitive), or None."""
        return _first(self.request_headers, name)

    def response_header(self, name: str) -> str | None:
        """The first response header called ``name`` (case-insensitive), or None."""
        return _first(self.response_headers, name)

    @property
    def origin(self) -> str | None:
        """The request's ``Origin`` header value (None when it had none)."""
        return self.request_header("origin")

    @property
    def is_preflight(self) -> bool:
        """Fetch: a CORS-preflight request (OPTIONS with Origin and ACRM)."""
        return is_cors_preflight_request(self.method, self.request_headers)

    @property
    def answered(self) -> bool:
        """Whether a response was recorded (status is not 0)."""
        return self.status != 0

    @property
    def sec_fetch_mode(self) -> str | None:
        """The ``Sec-Fetch-Mode`` the browser sent (``cors``, ``no-cors``, ``navigate``...)."""
        value = self.request_header("sec-fetch-mode")
        return value.strip().lower() if value is not None else None

    @property
    def cache_url(self) -> str:
        """The URL without its fragment (what pairing and the preflight cache key on)."""
        return self.url.split("#", 1)[0]


@attrs.frozen(kw_only=True)
class HarLog:
    """A loaded HAR: who made it and its entries, in file order."""

    version: str
    creator: str
    browser: str | None
    browser_version: str | None
    entries: tuple[HarEntry, ...]
    source: str | None = None

    @property
    def profile(self) -> cs.BrowserProfile | None:
        """The profile of the browser that made the capture, when the HAR says which."""
        return _guess_profile(self.browser or "") or _guess_profile(self.creator)


def _guess_profile(name: str) -> cs.BrowserProfile | None:
    lowered = name.lower()
    if "firefox" in lowered or "gecko" in lowered:
        return cs.FIREFOX
    if "safari" in lowered or "webkit" in lowered:
        return cs.WEBKIT
    if any(word in lowered for word in ("chrom", "edge", "opera", "brave", "webinspector")):
        return cs.CHROMIUM
    return None


def _first(pairs: Pairs, name: str) -> str | None:
    wanted = name.lower()
    for key, value in pairs:
        if key.lower() == wanted:
            return value
    return None


def _without_pseudo(pairs: Pairs) -> Pairs:
    return tuple((n, v) for n, v in pairs if not n.startswith(":"))


# --------------------------------------------------------------------------- parsing
class _Reader:
    """Typed access to one JSON object with errors that name the entry and field."""

    def __init__(self, index: int | None, source: str | None) -> None:
        self.index = index
        self.source = source

    def fail(self, field: str, problem: str) -> HarError:
        return HarError(problem, index=self.index, field=field, source=self.source)

    def obj(self, value: object, field: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(field, f"must be an object, got {_kind(value)}")
        return value

    def text(
        self, parent: Mapping[str, Any], key: str, field: str, *, default: str | None = None
    ) -> str:
        value = parent.get(key, default)
        if value is None:
            raise self.fail(field, "is missing")
        if not isinstance(value, str):
            raise self.fail(field, f"must be a string, got {_kind(value)}")
        return value

    def headers(self, parent: Mapping[str, Any], field: str) -> Pairs:
        items = parent.get("headers", [])
        if not isinstance(items, list):
            raise self.fail(field, f"must be a list of {{name, value}} objects, got {_kind(items)}")
        out: list[tuple[str, str]] = []
        for j, item in enumerate(items):
            where = f"{field}[{j}]"
            header = self.obj(item, where)
            name = self.text(header, "name", f"{where}.name")
            value = self.text(header, "value", f"{where}.value")
            # HAR text is Unicode; header bytes above 0x7F arrive as their UTF-8 decoding.
            # Re-encode so values keep one code point per byte, as the engine expects.
            out.append((_to_byte_string(name), _to_byte_string(value)))
        return tuple(out)


def _to_byte_string(text: str) -> str:
    if text.isascii():
        return text
    try:
        return text.encode("utf-8").decode("latin-1")
    except UnicodeEncodeError:
        return text


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _parse_entry(item: object, index: int, source: str | None) -> HarEntry:
    read = _Reader(index, source)
    entry = read.obj(item, "entry")
    request = read.obj(entry.get("request"), "request")
    response = read.obj(entry.get("response"), "response")
    request_headers = read.headers(request, "request.headers")
    response_headers = read.headers(response, "response.headers")
    method = read.text(
        request, "method", "request.method", default=_first(request_headers, ":method")
    )
    url = read.text(request, "url", "request.url")
    status_value = response.get("status", 0)
    if isinstance(status_value, bool) or not isinstance(status_value, (int, str)):
        raise read.fail("response.status", f"must be a number, got {_kind(status_value)}")
    try:
        status = int(status_value)
    except ValueError:
        raise read.fail("response.status", f"must be a number, got {status_value!r}") from None
    pseudo_status = _first(response_headers, ":status")
    if status <= 0 and pseudo_status is not None and pseudo_status.strip().isdigit():
        status = int(pseudo_status)
    if status < 0 or status > 999 or 0 < status < 100:
        raise read.fail("response.status", f"must be 0 (no response) or 100-999, got {status}")
    body: str | None = None
    post = request.get("postData")
    if post is not None:
        post_data = read.obj(post, "request.postData")
        text = post_data.get("text", "")
        if not isinstance(text, str):
            raise read.fail("request.postData.text", f"must be a string, got {_kind(text)}")
        body = text
    content = response.get("content", {})
    response_body = ""
    if content is not None:
        content_obj = read.obj(content, "response.content")
        text = content_obj.get("text", "")
        if text is not None and not isinstance(text, str):
            raise read.fail("response.content.text", f"must be a string, got {_kind(text)}")
        response_body = text or ""
        if content_obj.get("encoding") == "base64" and response_body:
            try:
                response_body = base64.b64decode(response_body).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                raise read.fail("response.content.text", "is not valid base64") from None
    resource_type = entry.get("_resourceType")
    pageref = entry.get("pageref")
    return HarEntry(
        index=index,
        method=method,
        url=url,
        http_version=str(request.get("httpVersion", "")),
        request_headers=request_headers,
        request_body=body,
        status=status,
        response_headers=response_headers,
        response_body=response_body,
        started=str(entry.get("startedDateTime", "")),
        resource_type=resource_type if isinstance(resource_type, str) else None,
        pageref=pageref if isinstance(pageref, str) else None,
        raw=entry,
    )


def parse_har(data: Mapping[str, Any] | str | bytes, *, source: str | None = None) -> HarLog:
    """Validate a HAR document (parsed JSON, or its text) and return a :class:`HarLog`.

    :raises HarError: not JSON, not HAR, or an entry with a missing or mistyped field
        (the error names the entry index and the field).
    """
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(
                data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
            )
        except RecursionError:
            raise HarError("not readable JSON: nested too deeply", source=source) from None
        except ValueError as exc:  # bad UTF-8, bad JSON, or an integer of > 4,300 digits
            raise HarError(f"not JSON: {exc}", source=source) from exc
    read = _Reader(None, source)
    top = read.obj(data, "(document)")
    log = read.obj(top.get("log"), "log")
    version = log.get("version", "1.2")
    entries = log.get("entries")
    if not isinstance(entries, list):
        raise read.fail("log.entries", f"must be a list, got {_kind(entries)}")
    creator: Mapping[str, Any] = log.get("creator") or {}
    browser: Mapping[str, Any] = log.get("browser") or {}
    if not isinstance(creator, Mapping):
        raise read.fail("log.creator", f"must be an object, got {_kind(creator)}")
    if not isinstance(browser, Mapping):
        raise read.fail("log.browser", f"must be an object, got {_kind(browser)}")
    return HarLog(
        version=str(version),
        creator=str(creator.get("name", "")),
        browser=str(browser["name"]) if "name" in browser else None,
        browser_version=str(browser["version"]) if "version" in browser else None,
        entries=tuple(_parse_entry(item, i, source) for i, item in enumerate(entries)),
        source=source,
    )


#: ``load_har`` reads files up to this size by default (``max_bytes=`` raises it). Parsing
#: JSON takes several times the file in memory; 64 MiB covers long captures.
MAX_HAR_BYTES = 64 * 1024 * 1024


def load_har(path: str | os.PathLike[str], *, max_bytes: int = MAX_HAR_BYTES) -> HarLog:
    """Read and validate a ``.har`` file.

    Only a regular file of at most ``max_bytes`` is read (a FIFO or a device such as
    ``/dev/zero`` is refused before any byte is read).

    :raises HarError: ``path`` is not a path, the file cannot be read, is not a regular
        file, is larger than ``max_bytes``, is not JSON, or is not valid HAR.
    """
    from corsspec.adapters._common import read_regular_file  # noqa: PLC0415 - keeps import light

    if not isinstance(path, (str, os.PathLike)):
        raise HarError(f"load_har() takes a path (str or os.PathLike), got {path!r}")
    limit: object = max_bytes
    if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
        raise HarError(f"max_bytes must be a positive int, got {max_bytes!r}")
    name = os.fspath(path)
    if not isinstance(name, str):
        raise HarError(f"load_har() takes a text path, got {name!r}")
    try:
        data = read_regular_file(name, limit=max_bytes)
    except cs.AdapterError as exc:
        message = str(exc).removeprefix(f"{name}: ")
        raise HarError(f"cannot read the file: {message}", source=name) from (exc.__cause__ or exc)
    return parse_har(data, source=name)


def _profiles(browsers: object) -> list[cs.BrowserProfile] | None:
    """``browsers`` checked: a sequence of :class:`~corsspec.BrowserProfile`, or None."""
    if browsers is None:
        return None
    if isinstance(browsers, (str, bytes)) or not isinstance(browsers, Sequence):
        raise HarError(f"browsers must be a sequence of BrowserProfile values, got {browsers!r}")
    for item in browsers:
        if not isinstance(item, cs.BrowserProfile):
            raise HarError(
                f"browsers must hold BrowserProfile values (corsspec.CHROMIUM, "
                f"corsspec.FIREFOX, ...), got {item!r}"
            )
    return list(browsers)


def _as_entry(entry: HarEntry | Mapping[str, Any]) -> HarEntry:
    if isinstance(entry, HarEntry):
        return entry
    return _parse_entry(entry, 0, None)


# ----------------------------------------------------------------- request rebuilding
def _acrh_names(preflight: HarEntry | None) -> list[str]:
    if preflight is None:
        return []
    value = preflight.request_header("access-control-request-headers") or ""
    return [part.strip().lower() for part in value.split(",") if part.strip()]


def _script_headers(entry: HarEntry, preflight: HarEntry | None) -> Pairs:
    listed = set(_acrh_names(preflight))
    out: list[tuple[str, str]] = []
    for name, value in _without_pseudo(entry.request_headers):
        key = name.lower()
        if key in FORBIDDEN_REQUEST_HEADER_NAMES or key.startswith(_FORBIDDEN_PREFIXES):
            continue
        if key in _UA_ADDED and key not in listed:
            continue
        if key == "accept" and value == "*/*" and key not in listed:
            continue  # the default the browser appends (Fetch: fetch step 12)
        out.append((name, value))
    return tuple(out)


def _credentials(entry: HarEntry) -> str:
    if entry.request_header("cookie") is not None:
        return "include"
    cookies = entry.raw.get("request", {}).get("cookies") if entry.raw else None
    if isinstance(cookies, list) and cookies:
        return "include"
    return "same-origin"


def _api(entry: HarEntry) -> str:
    return "xhr" if (entry.resource_type or "").lower() == "xhr" else "fetch"


def _fail_request(entry: HarEntry, field: str, exc: Exception) -> HarError:
    return HarError(
        f"cannot be used as page script's request: {exc}", index=entry.index, field=field
    )


def request_from_har_entry(
    entry: HarEntry | Mapping[str, Any],
    *,
    preflight: HarEntry | Mapping[str, Any] | None = None,
    credentials: str | None = None,
    origin: str | None = None,
) -> cs.Request:
    """The request page script made, rebuilt from a recorded (actual) request.

    Headers the browser adds itself are left out (forbidden names, ``Sec-*``,
    ``User-Agent``, ``Accept-Language``, the default ``Accept: */*``, DevTools'
    ``Cache-Control``/``Pragma``), unless the recorded ``preflight`` lists them in
    Access-Control-Request-Headers. Credentials are ``include`` when the request carried
    cookies (pass ``credentials`` when the page used credentials without any cookie).
    ``origin`` defaults to the ``Origin`` header.

    :raises HarError: the entry cannot describe a script request (no ``Origin`` and no
        ``origin`` given, an invalid URL, a forbidden method, ...).
    """
    actual = _as_entry(entry)
    before = _as_entry(preflight) if preflight is not None else None
    page = origin or actual.origin
    if page is None:
        raise HarError(
            "has no Origin header; pass origin= to say which page made it",
            index=actual.index,
            field="request.headers",
        )
    body = None
    if actual.method not in ("GET", "HEAD") and actual.request_body is not None:
        body = cs.Body.bytes(actual.request_body)
    mode = actual.sec_fetch_mode if actual.sec_fetch_mode in ("no-cors", "same-origin") else "cors"
    return _build(
        actual,
        method=actual.method,
        url=actual.url,
        origin=page,
        headers=_script_headers(actual, before),
        body=body,
        credentials=credentials or _credentials(actual),
        mode=mode,
    )


def _script_error_field(exc: cs.ScriptError) -> str:
    problem = exc.reason.value
    if "method" in problem:
        return "request.method"
    if "body" in problem:
        return "request.postData"
    return "request.headers"


def _build(
    entry: HarEntry,
    *,
    method: str,
    url: str,
    origin: str,
    headers: Pairs,
    body: cs.Body | None,
    credentials: str,
    mode: str,
) -> cs.Request:
    try:
        return cs.Request(
            method=method,
            url=url,
            origin=origin,
            headers=headers,
            body=body,
            credentials=credentials,  # type: ignore[arg-type]
            mode=mode,  # type: ignore[arg-type]
            api=_api(entry),  # type: ignore[arg-type]
        )
    except cs.InvalidURLError as exc:
        raise _fail_request(entry, "request.url", exc) from exc
    except cs.InvalidOriginError as exc:
        raise _fail_request(entry, "request.headers (Origin)", exc) from exc
    except cs.InvalidMethodError as exc:
        raise _fail_request(entry, "request.method", exc) from exc
    except cs.ScriptError as exc:
        raise _fail_request(entry, _script_error_field(exc), exc) from exc
    except cs.CorsspecError as exc:
        raise _fail_request(entry, "request", exc) from exc


def request_from_har_preflight(
    entry: HarEntry | Mapping[str, Any], *, credentials: str | None = None
) -> cs.Request:
    """The request page script made, rebuilt from a preflight alone (no actual recorded).

    Method and header names come from Access-Control-Request-Method/-Headers; the header
    values were never recorded and read :data:`UNRECORDED_VALUE`.

    :raises HarError: the entry is not a preflight, or describes no valid request.
    """
    pre = _as_entry(entry)
    method = pre.request_header("access-control-request-method")
    if method is None or pre.method != "OPTIONS":
        raise HarError(
            "is not a CORS preflight (OPTIONS with Access-Control-Request-Method)",
            index=pre.index,
            field="request.method",
        )
    origin = pre.origin
    if origin is None:
        raise HarError("has no Origin header", index=pre.index, field="request.headers")
    headers = tuple((name, UNRECORDED_VALUE) for name in _acrh_names(pre))
    return _build(
        pre,
        method=method.strip(),
        url=pre.url,
        origin=origin,
        headers=headers,
        body=None,
        credentials=credentials or "same-origin",
        mode="cors",
    )


def response_from_har_entry(entry: HarEntry | Mapping[str, Any]) -> cs.Response:
    """The recorded response: status and header lines in order, pseudo-headers left out.

    :raises HarError: no response was recorded (status 0).
    """
    item = _as_entry(entry)
    if not item.answered:
        raise HarError(
            "has no recorded response (status 0: the request failed before an answer arrived)",
            index=item.index,
            field="response.status",
        )
    return cs.Response(
        status=item.status, headers=_without_pseudo(item.response_headers), body=item.response_body
    )


# ------------------------------------------------------------------------- exchanges
def _is_cross_origin(entry: HarEntry) -> bool:
    """Whether ``entry`` is a cross-origin CORS request (or preflight).

    :raises HarError: it has an ``Origin`` header but its URL or origin does not parse.
    """
    origin = entry.origin
    if origin is None:
        return False
    if entry.sec_fetch_mode in ("navigate", "websocket", "nested-navigate"):
        return False
    if (entry.resource_type or "").lower() in ("document", "websocket"):
        return False
    try:
        url = cs.parse_url(entry.url)
    except cs.CorsspecError as exc:
        raise _fail_request(entry, "request.url", exc) from exc
    try:
        page = cs.parse_origin(origin.strip())
    except cs.CorsspecError as exc:
        raise _fail_request(entry, "request.headers (Origin)", exc) from exc
    return not page.same_origin(url.origin)


@attrs.frozen(kw_only=True)
class CorsExchange:
    """One cross-origin request in a HAR: its actual entry, its preflight entry, or both."""

    #: The recorded actual request (None: only the preflight was recorded, so the
    #: browser stopped there).
    actual: HarEntry | None
    #: The recorded preflight paired with it (None: none in the capture).
    preflight: HarEntry | None
    #: What page script asked for, rebuilt from the entries.
    request: cs.Request
    #: The profile of the browser that made the capture (None: the HAR does not say).
    capture_browser: cs.BrowserProfile | None = None
    #: Earlier preflight entries for the same URL and origin (cache candidates).
    earlier_preflights: tuple[HarEntry, ...] = ()

    @property
    def index(self) -> int:
        """The entry index of the actual request (or of the preflight, without one)."""
        if self.actual is not None:
            return self.actual.index
        assert self.preflight is not None  # attrs_post_init guarantees one of them
        return self.preflight.index

    @property
    def answered(self) -> bool:
        """Whether every recorded entry of the exchange has a response."""
        return all(e.answered for e in (self.actual, self.preflight) if e is not None)

    def _profile(self, browser: cs.BrowserProfile | None) -> cs.BrowserProfile:
        return browser or self.capture_browser or cs.CHROMIUM

    def expected_preflight(self, browser: cs.BrowserProfile | None = None) -> cs.Request | None:
        """The preflight the browser sends for this request (None: no preflight needed)."""
        return cs.preflight_request(self.request, self._profile(browser))

    def preflight_missing(self, browser: cs.BrowserProfile | None = None) -> bool:
        """Whether a preflight was needed, the actual request went out, and none is recorded."""
        return (
            self.preflight is None
            and self.actual is not None
            and cs.needs_preflight(self.request, self._profile(browser))
        )

    def evaluate(self, browser: cs.BrowserProfile | None = None) -> cs.Evaluation:
        """Replay the recorded answers through :func:`corsspec.evaluate`.

        :raises HarError: a recorded entry has no response (status 0).
        """
        for entry in (self.preflight, self.actual):
            if entry is not None and not entry.answered:
                raise HarError(
                    "has no recorded response (status 0), so there is nothing to judge",
                    index=entry.index,
                    field="response.status",
                )
        return cs.evaluate(self.request, _Replay(self), browser=self._profile(browser))

    def mismatches(self, browser: cs.BrowserProfile | None = None) -> tuple[str, ...]:
        """Where the capture and the engine's profile disagree (empty when they agree)."""
        profile = self._profile(browser)
        out: list[str] = []
        expected = cs.preflight_request(self.request, profile)
        if self.preflight is not None:
            if expected is None:
                out.append(
                    f"the browser sent a preflight (entry {self.preflight.index}) that "
                    f"the {profile.name} profile does not predict"
                )
            else:
                sent = self.preflight.request_header("access-control-request-headers")
                want = expected.headers_view.get("Access-Control-Request-Headers")
                if _names(sent) != _names(want):
                    out.append(
                        f"Access-Control-Request-Headers: the browser sent {sent!r}, "
                        f"the {profile.name} profile predicts {want!r}"
                    )
        if self.actual is None and self.answered:
            ev = self.evaluate(profile)
            if ev.actual_sent:
                out.append(
                    f"the browser stopped after the preflight, but the {profile.name} "
                    "profile lets it pass and sends the actual request"
                )
        return tuple(out)

    def explain(self, browser: cs.BrowserProfile | None = None) -> str:
        """What happened to this request and why, in words (with the fix when blocked)."""
        profile = self._profile(browser)
        request = self.request
        head = f"HAR entry {self.index}: {request.method} {request.url} from {request.origin}"
        if self.actual is not None and self.preflight is not None:
            head += f" (preflight: entry {self.preflight.index})"
        elif self.actual is None:
            head += " (preflight only: the actual request was never sent)"
        lines = [head]
        if not self.answered:
            lines.append(
                "no response was recorded (status 0): the request failed before an "
                "answer arrived, so the HAR cannot say why"
            )
            return "\n".join(lines)
        if self.preflight_missing(profile):
            lines.append(_PREFLIGHT_MISSING.format(cached=self._cache_hint()))
            expected = cs.preflight_request(request, profile)
            if expected is not None:
                lines.append(f"  OPTIONS {expected.url}")
                lines.extend(f"  {name}: {value}" for name, value in expected.headers)
        if self.actual is None:
            lines.append(
                "header values were not recorded (only the preflight was): the "
                f"request is rebuilt with {UNRECORDED_VALUE!r} as their values"
            )
        lines.append(explanation(self.evaluate(profile)))
        lines.extend(f"mismatch: {m}" for m in self.mismatches(profile))
        return "\n".join(lines)

    def _cache_hint(self) -> str:
        for entry in reversed(self.earlier_preflights):
            max_age = entry.response_header("access-control-max-age")
            if max_age is not None:
                return (
                    f" (entry {entry.index} answered a preflight for this URL with "
                    f"Access-Control-Max-Age: {max_age.strip()})"
                )
        return ""


def _names(value: str | None) -> list[str]:
    return sorted({part.strip().lower() for part in (value or "").split(",") if part.strip()})


class _Replay:
    """Answers :func:`corsspec.evaluate` with the recorded responses of one exchange."""

    def __init__(self, exchange: CorsExchange) -> None:
        self.exchange = exchange

    def respond(self, request: cs.Request) -> cs.Response:
        exchange = self.exchange
        if is_cors_preflight_request(request.method, request.headers):
            if exchange.preflight is not None:
                return response_from_har_entry(exchange.preflight)
            return _passing_preflight(request, exchange.request)
        if exchange.actual is not None:
            return response_from_har_entry(exchange.actual)
        # The browser never sent the actual request; answer as if it passed, so the
        # evaluation shows that the engine would have sent it (see mismatches()).
        return cs.Response(status=200, headers=_allow_all(exchange.request))


def _allow_all(script: cs.Request) -> Pairs:
    headers = [("Access-Control-Allow-Origin", script.origin.serialize())]
    if script.credentialed:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    return tuple(headers)


def _passing_preflight(preflight: cs.Request, script: cs.Request) -> cs.Response:
    """The answer a preflight that the browser accepted must have had (it sent the actual)."""
    view = preflight.headers_view
    headers = list(_allow_all(script))
    headers.append(("Access-Control-Allow-Methods", view.get("Access-Control-Request-Method", "")))
    names = view.get("Access-Control-Request-Headers")
    if names:
        headers.append(("Access-Control-Allow-Headers", names))
    return cs.Response(status=204, headers=tuple(headers))


def cross_origin_exchanges(
    har: HarLog | str | os.PathLike[str],
    *,
    credentials: str | None = None,
) -> tuple[CorsExchange, ...]:
    """Every cross-origin request in the capture, preflights paired with actual requests.

    A preflight pairs with the first later request for the same URL from the same origin
    whose method is the preflight's Access-Control-Request-Method. A preflight with no
    such request becomes an exchange of its own (the browser stopped at the preflight).
    Exchanges come in capture order. ``credentials`` overrides the inference from cookies.

    :raises HarError: the file is not valid HAR, or an entry cannot be rebuilt.
    """
    log = har if isinstance(har, HarLog) else load_har(har)
    profile = log.profile
    candidates = [e for e in log.entries if _is_cross_origin(e)]
    preflights = [e for e in candidates if e.is_preflight]
    actuals = [e for e in candidates if not e.is_preflight]
    paired: dict[int, HarEntry] = {}  # actual index -> preflight
    used: set[int] = set()
    # Linear pairing: the unpaired actual requests of each (URL, origin, method), in
    # capture order. Preflights come in capture order too, so an actual request older
    # than the current preflight can never pair with a later one and is dropped for good.
    waiting: dict[tuple[str, str | None, str], collections.deque[HarEntry]] = {}
    for act in actuals:
        waiting.setdefault((act.cache_url, act.origin, act.method), collections.deque()).append(act)
    for pre in preflights:
        method = (pre.request_header("access-control-request-method") or "").strip()
        queue = waiting.get((pre.cache_url, pre.origin, method))
        while queue and queue[0].index < pre.index:
            queue.popleft()
        if queue:
            act = queue.popleft()
            paired[act.index] = pre
            used.add(pre.index)
    # Earlier preflights per (URL, origin): a prefix of that key's preflights, found by
    # bisection on their capture indexes.
    by_key: dict[tuple[str, str | None], list[HarEntry]] = {}
    for pre in preflights:
        by_key.setdefault((pre.cache_url, pre.origin), []).append(pre)
    key_indexes = {key: [p.index for p in group] for key, group in by_key.items()}
    found: list[CorsExchange] = []
    for act in actuals:
        partner = paired.get(act.index)
        key = (act.cache_url, act.origin)
        group = by_key.get(key, [])
        earlier = tuple(group[: bisect.bisect_left(key_indexes.get(key, []), act.index)])
        found.append(
            CorsExchange(
                actual=act,
                preflight=partner,
                capture_browser=profile,
                earlier_preflights=earlier,
                request=request_from_har_entry(act, preflight=partner, credentials=credentials),
            )
        )
    for pre in preflights:
        if pre.index not in used:
            found.append(
                CorsExchange(
                    actual=None,
                    preflight=pre,
                    capture_browser=profile,
                    request=request_from_har_preflight(pre, credentials=credentials),
                )
            )
    found.sort(key=lambda x: x.index)
    return tuple(found)


def explain_har(
    har: HarLog | str | os.PathLike[str],
    *,
    browsers: Sequence[cs.BrowserProfile] | None = None,
    credentials: str | None = None,
) -> str:
    """One explanation per cross-origin request of the capture, per browser profile.

    ``browsers`` defaults to the browser that made the capture (Chromium if unknown).

    :raises HarError: the file is not valid HAR, or an entry cannot be rebuilt.
    """
    chosen = _profiles(browsers)
    log = har if isinstance(har, HarLog) else load_har(har)
    profiles = chosen or [log.profile or cs.CHROMIUM]
    blocks = []
    for exchange in cross_origin_exchanges(log, credentials=credentials):
        for profile in profiles:
            blocks.append(exchange.explain(profile))
    if not blocks:
        return "no cross-origin requests in the capture"
    return "\n\n".join(blocks)

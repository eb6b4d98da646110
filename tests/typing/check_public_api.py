"""Type-checked with ``mypy --strict`` (never executed): the public API as users write it.

``warn_unused_ignores`` is on, so each ``# type: ignore[...]`` below proves that mypy
rejects the line: if the API stopped rejecting it, the ignore would become unused and
mypy would fail.
"""

from __future__ import annotations

from typing import Literal

import corsspec as cs

# --- building requests ---------------------------------------------------------------

req: cs.Request = cs.Request(
    method="PUT",
    url="https://api.example/items/1",
    origin="https://app.example",
    headers=[("Content-Type", "application/json")],
    mode="cors",
    credentials="include",
    redirect="follow",
    api="fetch",
)
req2 = cs.Request(
    url=cs.parse_url("https://api.example/"),
    origin=cs.parse_origin("null"),
    headers={"X-A": "1"},
    mode=cs.Mode.NO_CORS,
    credentials=cs.Credentials.OMIT,
    redirect=cs.RedirectMode.MANUAL,
    body=cs.Body.text("hi"),
)
xhr = cs.Request(
    method="POST",
    url="https://api.example/",
    origin="https://app.example",
    api=cs.Api.XHR,
    upload_listener=True,
    body=cs.Body.xml_document(),
)
blob: cs.Body = cs.Body.blob("data", "application/json")
credentialed: bool = req.credentialed
mode: cs.Mode = req.mode
url: cs.URL = req.url
origin: cs.Origin = req.origin
serialized: str = origin.serialize()
pairs: tuple[tuple[str, str], ...] = req.headers
content_type: str = req.headers_view["content-type"]

# Literal aliases: only the spec's strings are accepted.
cs.Request(url="https://a.example/", origin="https://b.example", credentials="bogus")  # type: ignore[arg-type]
cs.Request(url="https://a.example/", origin="https://b.example", mode="navigate")  # type: ignore[arg-type]
cs.Request(url="https://a.example/", origin="https://b.example", redirect="Follow")  # type: ignore[arg-type]
cs.Request(url="https://a.example/", origin="https://b.example", api="beacon")  # type: ignore[arg-type]
cs.Request(url="https://a.example/", origin="https://b.example", method=5)  # type: ignore[arg-type]
cs.Request(url=5, origin="https://b.example")  # type: ignore[arg-type]
cs.Request("https://a.example/", "https://b.example")  # type: ignore[call-arg]

creds: Literal["omit", "same-origin", "include"] = "include"
cs.Request(url="https://a.example/", origin="https://b.example", credentials=creds)

# --- servers and evaluation -------------------------------------------------------------

exchange = cs.Exchange(
    preflight=cs.Response(
        status=204,
        headers=[
            ("Access-Control-Allow-Origin", "https://app.example"),
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "content-type"),
        ],
    ),
    actual=cs.Response(status=200, headers={"Access-Control-Allow-Origin": "https://app.example"}),
)
ev: cs.Evaluation = cs.evaluate(req, exchange, browser=cs.FIREFOX)
allowed: bool = ev.allowed
readable: bool = ev.readable
reason: cs.Reason | None = ev.reason
if ev.reason is not None:
    code: cs.ReasonCode = ev.reason.code
    stage: cs.Stage = ev.reason.stage
    code_value: str = ev.reason.code.value
    header_name: str | None = ev.reason.header
visible: tuple[str, ...] = ev.visible_headers
notes: tuple[cs.Note, ...] = ev.notes
note_codes: list[cs.NoteCode] = [n.code for n in ev.notes]
preflight: cs.Request | None = ev.preflight
rtype: cs.ResponseType | None = ev.response_type
status: int | None = ev.status
text: str = cs.explanation(ev)


def server(request: cs.Request) -> cs.Response:
    return cs.Response(status=200 if request.method == "GET" else 405)


class PolicyLike:
    def respond(self, request: cs.Request) -> cs.Response:
        return cs.Response()


ev2 = cs.evaluate(req, server)
ev3 = cs.evaluate(req, PolicyLike(), browser=cs.get_profile("webkit"))
as_server: cs.Server = PolicyLike()
cs.evaluate(req, 5)  # type: ignore[arg-type]
cs.evaluate(req, exchange, browser="chromium")  # a profile's name is accepted
cs.evaluate(req, exchange, browser="netscape")  # type: ignore[arg-type]

# --- the cache -------------------------------------------------------------------------

cache = cs.PreflightCache()
first = cs.evaluate(req, exchange, browser=cs.CHROMIUM, cache=cache, now=0.0)
after: cs.PreflightCache | None = first.cache
if first.cache is not None:
    second = cs.evaluate(req, exchange, browser=cs.CHROMIUM, cache=first.cache, now=3)
    entries: tuple[cs.CacheEntry, ...] = first.cache.entries
key = cs.CacheKey(origin="https://app.example", url="https://api.example/", credentialed=False)
hit: bool = cache.method_match("PUT", key, now=1.0, profile=cs.SPEC)

# --- classification helpers -------------------------------------------------------------

needs: bool = cs.needs_preflight(req, cs.WEBKIT)
pf: cs.Request | None = cs.preflight_request(req)
names: tuple[str, ...] = cs.unsafe_header_names(req, browser=cs.SPEC)
profiles: dict[str, cs.BrowserProfile] = cs.PROFILES
family: cs.BrowserFamily = cs.CHROMIUM.family
cap: int | None = cs.WEBKIT.max_age_cap
wildcard: cs.CacheWildcard = cs.FIREFOX.cache_wildcard
order: cs.PreflightCheckOrder = cs.SPEC.preflight_check_order
allow_set = cs.HeaderNameSet.from_items(["X-A", "*"])
ok: bool = allow_set.allows("x-a", credentialed=True)
merged: cs.HeaderNameSet = allow_set.union(cs.HeaderNameSet()).intersection(allow_set)

# --- errors ---------------------------------------------------------------------------------

try:
    cs.parse_origin("https://app.example/")
except cs.InvalidOriginError as exc:
    problem_value: str = exc.reason.value
try:
    cs.Request(url="https://a.example/", origin="https://b.example", method="TRACE")
except cs.ScriptError as script_exc:
    script_problem: cs.ScriptProblem = script_exc.reason
except cs.CorsspecError:
    pass

# Frozen models: attribute assignment is a static error too.
req.method = "GET"  # type: ignore[misc]
ev.reason = None  # type: ignore[misc]

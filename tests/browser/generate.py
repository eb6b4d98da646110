"""Seeded random CORS cases for the browser differential suite (docs/case-format.md).

    python -m tests.browser.generate --seed S -n N      # prints N cases as JSON Lines

Each case is one request from page script plus a server that answers it. The server is
first built to be *correct* for the request (ACAO exact or ``*`` where that is allowed,
ACAC ``true`` when credentials are included, ACAM/ACAH listing exactly what the request
needs, some ACEH names), and then, with probability one half, perturbed by one or two
near-miss mutations: a header name left out of ACAH, the method in the wrong case, ``*``
under credentials, a trailing slash on the origin, a duplicated ACAO line, ``True`` for
ACAC, an invalid list token, a non-2xx preflight, a cross-origin redirect, and so on.
About half of the cases are therefore allowed by the Fetch Standard, and the other half
fail in ways that sit right next to a working configuration, which is where browsers,
the spec and the engine most often disagree.

Cases carry no ``expect``: the differential suite compares what real browsers do with
what the engine predicts. Everything a browser might do differently from run to run is
avoided: every case has its own URLs, there are no cache steps and no waits, no stream
bodies, and header values are printable ASCII except for a few deliberate CORS-unsafe
bytes that are still valid header values (never NUL, CR or LF).

Determinism: case ``i`` of seed ``S`` is drawn from its own ``random.Random`` seeded with
the string ``"corsspec-random:S:i"`` (string seeds are hashed with SHA-512, so the result
does not depend on ``PYTHONHASHSEED``). No global random state is touched. Hence
``generate_cases(S, n)`` is a prefix of ``generate_cases(S, n + k)``, and a failing case
``rnd-S-i`` can be regenerated on its own with :func:`generate_case`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "MUTATIONS",
    "PERTURB_PROBABILITY",
    "generate_case",
    "generate_cases",
    "main",
]

Case = dict[str, Any]
HeaderLines = list[list[str]]

API: Final = "${API}"
ORIGIN: Final = "${ORIGIN}"
OTHER: Final = "${OTHER}"

ACAO: Final = "Access-Control-Allow-Origin"
ACAC: Final = "Access-Control-Allow-Credentials"
ACAM: Final = "Access-Control-Allow-Methods"
ACAH: Final = "Access-Control-Allow-Headers"
ACEH: Final = "Access-Control-Expose-Headers"

#: Probability that a case's correct server is perturbed at all.
PERTURB_PROBABILITY: Final = 0.5
#: Probability that a perturbed case gets a second mutation.
SECOND_MUTATION_PROBABILITY: Final = 0.3

# -- request ingredients ------------------------------------------------------------------

#: (method as script passes it, weight). Lower-case and mixed-case spellings exercise
#: normalization (only DELETE/GET/HEAD/OPTIONS/POST/PUT are upper-cased, so "patch" stays).
_METHODS: Final[tuple[tuple[str, int], ...]] = (
    ("GET", 24),
    ("POST", 18),
    ("HEAD", 5),
    ("PUT", 12),
    ("DELETE", 9),
    ("PATCH", 8),
    ("patch", 5),
    ("get", 2),
    ("post", 2),
    ("Put", 2),
    ("PROPFIND", 3),
    ("X-Custom-Verb", 2),
    ("OPTIONS", 2),
)
_NORMALIZED: Final = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"})
_SAFELISTED_METHODS: Final = frozenset({"GET", "HEAD", "POST"})


@dataclass(frozen=True)
class _Header:
    """A header page script may set, with what the spec makes of it."""

    name: str
    value: str
    #: "safe" (CORS-safelisted), "unsafe" (safelisted name, bad value), "custom",
    #: "authorization" or "forbidden" (silently dropped by the browser).
    kind: str


_SAFE_HEADERS: Final = (
    _Header("Accept", "application/json", "safe"),
    _Header("Accept", "text/html, */*;q=0.8", "safe"),
    _Header("Accept-Language", "en-US,en;q=0.9", "safe"),
    _Header("Accept-Language", "fr", "safe"),
    _Header("Content-Language", "de-DE", "safe"),
    _Header("Content-Type", "text/plain;charset=UTF-8", "safe"),
    _Header("Content-Type", "application/x-www-form-urlencoded", "safe"),
    _Header("Content-Type", "multipart/form-data; boundary=xyz", "safe"),
    _Header("Range", "bytes=0-99", "safe"),
    _Header("Range", "bytes=10-", "safe"),
)
#: Safelisted names with values that make them CORS-unsafe (still valid header values).
_UNSAFE_VALUE_HEADERS: Final = (
    _Header("Accept", 'application/json; q="1"', "unsafe"),
    _Header("Accept", "text/(html)", "unsafe"),
    _Header("Accept", "a:b", "unsafe"),
    _Header("Accept", "text/\x7fhtml", "unsafe"),
    _Header("Accept", "x" * 129, "unsafe"),
    _Header("Accept-Language", "en_US", "unsafe"),
    _Header("Accept-Language", "fr\u00e9", "unsafe"),
    _Header("Content-Language", "en(US)", "unsafe"),
    _Header("Content-Type", "application/json", "unsafe"),
    _Header("Content-Type", "text/html", "unsafe"),
    _Header("Content-Type", 'text/plain; charset="utf-8"', "unsafe"),
    _Header("Content-Type", "text/plain, application/json", "unsafe"),
    _Header("Range", "bytes=-500", "unsafe"),
    _Header("Range", "bytes=0-1,3-4", "unsafe"),
)
_CUSTOM_HEADERS: Final = (
    _Header("X-Requested-With", "XMLHttpRequest", "custom"),
    _Header("X-Api-Key", "k-123", "custom"),
    _Header("X-Trace-Id", "7f3a", "custom"),
    _Header("X-Client-Version", "1.2.3", "custom"),
    _Header("X-CSRF-Token", "abc", "custom"),
    _Header("x-custom", "1", "custom"),
)
_AUTH_HEADERS: Final = (
    _Header("Authorization", "Bearer t0ken", "authorization"),
    _Header("Authorization", "Basic dXNlcjpwdw==", "authorization"),
)
#: Forbidden request-headers that browsers do not send on their own for these requests.
_FORBIDDEN_HEADERS: Final = (
    _Header("Cookie", "session=1", "forbidden"),
    _Header("Sec-Custom", "1", "forbidden"),
    _Header("Proxy-Custom", "1", "forbidden"),
    _Header("Keep-Alive", "timeout=5", "forbidden"),
    _Header("X-HTTP-Method-Override", "TRACE", "forbidden"),
    _Header("Accept-Charset", "utf-8", "forbidden"),
)
_HEADER_POOLS: Final[tuple[tuple[tuple[_Header, ...], int], ...]] = (
    (_SAFE_HEADERS, 35),
    (_UNSAFE_VALUE_HEADERS, 20),
    (_CUSTOM_HEADERS, 25),
    (_AUTH_HEADERS, 10),
    (_FORBIDDEN_HEADERS, 10),
)
#: Blob types: (type, whether the resulting Content-Type is CORS-safelisted).
_BLOB_TYPES: Final = (
    ("", True),
    ("text/plain", True),
    ("application/x-www-form-urlencoded", True),
    ("application/json", False),
    ("image/png", False),
)
_RESPONSE_EXTRA_HEADERS: Final = (
    ("X-Resp-Id", "42"),
    ("X-Resp-Extra", "e"),
    ("Cache-Control", "no-store"),
    ("Content-Language", "en"),
)


@dataclass
class _Request:
    """What page script does, plus what the spec says the request needs from the server."""

    api: str
    method: str
    mode: str
    credentials: str
    headers: list[_Header]
    body: dict[str, Any] | None
    upload_listener: bool = False
    redirect: str = "follow"

    @property
    def normalized_method(self) -> str:
        upper = self.method.upper()
        return upper if upper in _NORMALIZED else self.method

    @property
    def credentialed(self) -> bool:
        return self.credentials == "include"

    @property
    def sent_headers(self) -> list[_Header]:
        """Headers that survive the Headers guard (forbidden ones dropped; in no-cors,
        everything that is not safelisted dropped)."""
        if self.mode == "no-cors":
            return [h for h in self.headers if h.kind == "safe" and h.name != "Range"]
        return [h for h in self.headers if h.kind != "forbidden"]

    @property
    def unsafe_names(self) -> list[str]:
        """CORS-unsafe request-header names, lowercase and sorted (no duplicates)."""
        names = {h.name.lower() for h in self.sent_headers if h.kind != "safe"}
        script_ct = any(h.name.lower() == "content-type" for h in self.sent_headers)
        body = self.body
        if (
            not script_ct
            and body is not None
            and body["kind"] == "blob"
            and not dict(_BLOB_TYPES)[body["type"]]
        ):
            names.add("content-type")
        return sorted(names)

    @property
    def needs_method(self) -> bool:
        return self.normalized_method not in _SAFELISTED_METHODS

    @property
    def needs_preflight(self) -> bool:
        if self.mode == "no-cors":
            return False
        return self.upload_listener or self.needs_method or bool(self.unsafe_names)

    def as_case_request(self, url: str) -> dict[str, Any]:
        req: dict[str, Any] = {"api": self.api, "method": self.method, "url": url}
        if self.headers:
            req["headers"] = [[h.name, h.value] for h in self.headers]
        if self.api == "fetch":
            req["mode"] = self.mode
            req["credentials"] = self.credentials
            req["redirect"] = self.redirect
        else:
            req["credentials"] = "include" if self.credentialed else "same-origin"
            req["upload_listener"] = self.upload_listener
        req["body"] = self.body
        return req


@dataclass
class _Server:
    """The answers of the API (and, after a redirect, of its target)."""

    preflight_status: int | None  # None: no preflight route at all
    preflight_headers: HeaderLines
    actual_status: int
    actual_headers: HeaderLines
    actual_body: str
    redirect_status: int | None = None
    redirect_cross_origin: bool = False
    redirect_headers: HeaderLines = field(default_factory=list)
    #: ACAO (and whether ACAC) the redirect target answers with.
    target_acao: str | None = None


# -- small header-list helpers --------------------------------------------------------------


def _get(lines: HeaderLines, name: str) -> str | None:
    for line in lines:
        if line[0].lower() == name.lower():
            return line[1]
    return None


def _set(lines: HeaderLines, name: str, value: str) -> None:
    """Replace the first line of `name` (dropping later ones), or append one."""
    _drop(lines, name, keep_first=True)
    for line in lines:
        if line[0].lower() == name.lower():
            line[1] = value
            return
    lines.append([name, value])


def _drop(lines: HeaderLines, name: str, *, keep_first: bool = False) -> None:
    seen = False
    for line in list(lines):
        if line[0].lower() == name.lower():
            if keep_first and not seen:
                seen = True
                continue
            lines.remove(line)


def _weighted(rng: random.Random, options: Sequence[tuple[Any, int]]) -> Any:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights=weights, k=1)[0]


def _recase(rng: random.Random, name: str) -> str:
    """The same header name in a random but harmless casing."""
    style = rng.randrange(3)
    if style == 0:
        return name.lower()
    if style == 1:
        return "-".join(part.capitalize() for part in name.split("-"))
    return name.upper()


# -- building the request ----------------------------------------------------------------------


def _draw_request(rng: random.Random) -> _Request:
    api = "xhr" if rng.random() < 0.2 else "fetch"
    method: str = _weighted(rng, _METHODS)
    mode = "cors"
    if api == "fetch" and rng.random() < 0.08:
        mode = "no-cors"
        method = rng.choice(("GET", "HEAD", "POST", "post"))
    if api == "fetch":
        credentials = rng.choice(("omit", "same-origin", "same-origin", "include", "include"))
    else:
        credentials = rng.choice(("same-origin", "include"))
    headers: list[_Header] = []
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
        pool: tuple[_Header, ...] = _weighted(rng, _HEADER_POOLS)
        candidate = rng.choice(pool)
        # One header per name: duplicates would make the case depend on whether an engine
        # judges each line or the combined value (a known engine difference, tested by the
        # curated cases instead). XHR combines anyway.
        if any(h.name.lower() == candidate.name.lower() for h in headers):
            continue
        headers.append(candidate)
    body = _draw_body(rng, method)
    request = _Request(
        api=api, method=method, mode=mode, credentials=credentials, headers=headers, body=body
    )
    if api == "xhr" and body is not None and rng.random() < 0.2:
        request.upload_listener = True
    return request


def _draw_body(rng: random.Random, method: str) -> dict[str, Any] | None:
    upper = method.upper()
    if upper in ("GET", "HEAD") or rng.random() < 0.25:
        return None
    kind = rng.choice(("text", "text", "url-search-params", "form-data", "blob", "bytes"))
    if kind == "text":
        return {"kind": "text", "value": rng.choice(("hi", '{"a":1}', "x=1"))}
    if kind == "url-search-params":
        return {"kind": "url-search-params", "value": "a=1&b=two"}
    if kind == "form-data":
        return {"kind": "form-data", "fields": [["a", "1"], ["b", "two"]]}
    if kind == "blob":
        blob_type = rng.choice([t for t, _ in _BLOB_TYPES])
        return {"kind": "blob", "type": blob_type, "value": "{}"}
    return {"kind": "bytes", "value": "abc"}


# -- building the correct server --------------------------------------------------------------


def _origin_lines(rng: random.Random, request: _Request) -> HeaderLines:
    """ACAO (+ ACAC) that admit this request."""
    if request.credentialed:
        return [[ACAO, ORIGIN], [ACAC, "true"]]
    if rng.random() < 0.5:
        return [[ACAO, "*"]]
    lines = [[ACAO, ORIGIN]]
    if rng.random() < 0.2:
        lines.append([ACAC, "true"])  # harmless without credentials
    return lines


def _correct_server(rng: random.Random, request: _Request) -> _Server:
    preflight_status: int | None = None
    preflight: HeaderLines = []
    if request.needs_preflight or (request.mode == "cors" and rng.random() < 0.15):
        preflight_status = rng.choice((200, 204, 204))
        preflight = _origin_lines(rng, request)
        wildcard_ok = not request.credentialed
        if request.needs_method or rng.random() < 0.3:
            if wildcard_ok and request.needs_method and rng.random() < 0.2:
                preflight.append([ACAM, "*"])
            else:
                methods = [request.normalized_method] if request.needs_method else []
                extras = [m for m in ("GET", "POST", "PUT", "DELETE") if m not in methods]
                methods += rng.sample(extras, rng.randrange(3))
                rng.shuffle(methods)
                if methods:
                    preflight.append([ACAM, ", ".join(methods)])
        needed = list(request.unsafe_names)
        has_auth = any(h.kind == "authorization" for h in request.sent_headers)
        if needed or rng.random() < 0.2:
            if wildcard_ok and not has_auth and needed and rng.random() < 0.2:
                preflight.append([ACAH, "*"])
            else:
                names = [_recase(rng, n) for n in needed]
                if rng.random() < 0.4:
                    names.append(rng.choice(("X-Unused", "Content-Type", "X-Other")))
                rng.shuffle(names)
                if names:
                    preflight.append([ACAH, ", ".join(names)])
        if rng.random() < 0.2:
            preflight.append(["Access-Control-Max-Age", rng.choice(("0", "600"))])
    actual_status = _weighted(rng, ((200, 80), (201, 5), (204, 5), (404, 5), (500, 5)))
    actual = _origin_lines(rng, request)
    if rng.random() < 0.7:
        actual.append(["Content-Type", "text/plain"])
    actual += [list(pair) for pair in _RESPONSE_EXTRA_HEADERS if rng.random() < 0.4]
    if rng.random() < 0.5:
        if not request.credentialed and rng.random() < 0.2:
            actual.append([ACEH, "*"])
        else:
            names = rng.sample(["X-Resp-Id", "X-Resp-Extra", "X-Missing"], rng.randrange(1, 3))
            actual.append([ACEH, ", ".join(names)])
    server = _Server(
        preflight_status=preflight_status,
        preflight_headers=preflight,
        actual_status=actual_status,
        actual_headers=actual,
        actual_body="" if actual_status == 204 else "ok",
    )
    if rng.random() < 0.1:
        _add_redirect(rng, request, server, cross_origin=False)
    return server


def _add_redirect(
    rng: random.Random, request: _Request, server: _Server, *, cross_origin: bool
) -> None:
    if server.redirect_status is None:
        server.redirect_status = (
            rng.choice((301, 302, 303, 307))
            if request.normalized_method in ("GET", "HEAD")
            else rng.choice((307, 308))
        )
        server.redirect_headers = [
            list(line) for line in server.actual_headers if line[0] in (ACAO, ACAC)
        ]
        if not server.redirect_headers and request.mode == "cors":
            server.redirect_headers = _origin_lines(rng, request)
    if cross_origin:
        server.redirect_cross_origin = True
        # After a cross-origin hop the request's origin serializes as "null": ORIGIN is a
        # near miss, "*" fails under credentials, "null" is right.
        server.target_acao = rng.choice(("null", "*", ORIGIN))


# -- near-miss mutations --------------------------------------------------------------------


@dataclass(frozen=True)
class _Mutation:
    """A named near miss: when it can apply to a (request, server) pair, and how."""

    name: str
    applies: Callable[[_Request, _Server], bool]
    apply: Callable[[random.Random, _Request, _Server], None]


def _has(lines: HeaderLines, name: str) -> bool:
    return _get(lines, name) is not None


def _list_items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _m_acah_drop_name(rng: random.Random, request: _Request, server: _Server) -> None:
    value = _get(server.preflight_headers, ACAH) or ""
    items = _list_items(value)
    needed = set(request.unsafe_names)
    if any(h.kind == "authorization" for h in request.sent_headers):
        needed.add("authorization")
    victims = [i for i in items if i.lower() in needed] or items
    victim = rng.choice(victims)
    items.remove(victim)
    _set(server.preflight_headers, ACAH, ", ".join(items))


def _m_acah_absent(rng: random.Random, request: _Request, server: _Server) -> None:
    _drop(server.preflight_headers, ACAH)


def _m_acam_wrong_case(rng: random.Random, request: _Request, server: _Server) -> None:
    method = request.normalized_method
    flipped = method.lower() if method != method.lower() else method.upper()
    _set(server.preflight_headers, ACAM, flipped)


def _m_acam_absent(rng: random.Random, request: _Request, server: _Server) -> None:
    _drop(server.preflight_headers, ACAM)


def _m_wildcard_under_credentials(rng: random.Random, request: _Request, server: _Server) -> None:
    where = ["actual-acao"]
    if server.preflight_status is not None:
        where += ["preflight-acao"]
        if request.needs_method:
            where.append("acam")
        if request.unsafe_names:
            where.append("acah")
    choice = rng.choice(where)
    if choice == "actual-acao":
        _set(server.actual_headers, ACAO, "*")
    elif choice == "preflight-acao":
        _set(server.preflight_headers, ACAO, "*")
    elif choice == "acam":
        _set(server.preflight_headers, ACAM, "*")
    else:
        _set(server.preflight_headers, ACAH, "*")


def _acao_target(rng: random.Random, server: _Server) -> HeaderLines:
    if server.preflight_status is not None and rng.random() < 0.4:
        return server.preflight_headers
    return server.actual_headers


def _m_acao_trailing_slash(rng: random.Random, request: _Request, server: _Server) -> None:
    _set(_acao_target(rng, server), ACAO, ORIGIN + "/")


def _m_acao_duplicate_line(rng: random.Random, request: _Request, server: _Server) -> None:
    lines = _acao_target(rng, server)
    lines.append([ACAO, _get(lines, ACAO) or ORIGIN])


def _m_acao_other_origin(rng: random.Random, request: _Request, server: _Server) -> None:
    _set(_acao_target(rng, server), ACAO, OTHER)


def _m_acao_null(rng: random.Random, request: _Request, server: _Server) -> None:
    _set(_acao_target(rng, server), ACAO, "null")


def _m_acao_list(rng: random.Random, request: _Request, server: _Server) -> None:
    _set(_acao_target(rng, server), ACAO, f"{ORIGIN}, {OTHER}")


def _m_acao_absent_on_actual(rng: random.Random, request: _Request, server: _Server) -> None:
    _drop(server.actual_headers, ACAO)


def _m_acao_absent_on_preflight(rng: random.Random, request: _Request, server: _Server) -> None:
    _drop(server.preflight_headers, ACAO)


def _m_acac_capitalized(rng: random.Random, request: _Request, server: _Server) -> None:
    _set(_acao_target(rng, server), ACAC, rng.choice(("True", "TRUE")))


def _m_acac_absent(rng: random.Random, request: _Request, server: _Server) -> None:
    _drop(_acao_target(rng, server), ACAC)


def _m_acah_invalid_token(rng: random.Random, request: _Request, server: _Server) -> None:
    value = _get(server.preflight_headers, ACAH)
    bad = rng.choice(("x y", "@bad", "a:b"))
    _set(server.preflight_headers, ACAH, f"{value}, {bad}" if value else bad)


def _m_acam_invalid_token(rng: random.Random, request: _Request, server: _Server) -> None:
    value = _get(server.preflight_headers, ACAM)
    if value and rng.random() < 0.5:
        _set(server.preflight_headers, ACAM, value.replace(", ", " "))
    else:
        _set(server.preflight_headers, ACAM, f"{value or 'GET'}, (x)")


def _m_preflight_status(rng: random.Random, request: _Request, server: _Server) -> None:
    status = rng.choice((301, 302, 400, 403, 404, 500))
    server.preflight_status = status
    if status in (301, 302):
        server.preflight_headers.append(["Location", "/elsewhere"])


def _m_cross_origin_redirect(rng: random.Random, request: _Request, server: _Server) -> None:
    _add_redirect(rng, request, server, cross_origin=True)


def _m_redirect_without_acao(rng: random.Random, request: _Request, server: _Server) -> None:
    _add_redirect(rng, request, server, cross_origin=False)
    _drop(server.redirect_headers, ACAO)


def _m_redirect_mode(rng: random.Random, request: _Request, server: _Server) -> None:
    request.redirect = rng.choice(("manual", "error"))


def _m_authorization_by_wildcard(rng: random.Random, request: _Request, server: _Server) -> None:
    # Fetch: `*` never covers Authorization; the three engines let it (digest 4.2).
    _set(server.preflight_headers, ACAH, "*")


def _m_aceh_invalid(rng: random.Random, request: _Request, server: _Server) -> None:
    value = _get(server.actual_headers, ACEH) or "X-Resp-Id"
    _set(server.actual_headers, ACEH, value + ", @x")


def _m_aceh_wildcard(rng: random.Random, request: _Request, server: _Server) -> None:
    _set(server.actual_headers, ACEH, "*")


def _m_upload_listener(rng: random.Random, request: _Request, server: _Server) -> None:
    request.upload_listener = True


def _m_unlisted_extra_header(rng: random.Random, request: _Request, server: _Server) -> None:
    request.headers.append(_Header("X-Extra-Unlisted", "1", "custom"))


def _preflighted(request: _Request, server: _Server) -> bool:
    return request.needs_preflight and server.preflight_status is not None


def _cors(request: _Request) -> bool:
    return request.mode == "cors"


MUTATIONS: Final[tuple[_Mutation, ...]] = (
    _Mutation(
        "acah-drop-name",
        lambda r, s: (
            _preflighted(r, s) and bool(_list_items(_get(s.preflight_headers, ACAH) or ""))
        ),
        _m_acah_drop_name,
    ),
    _Mutation(
        "acah-absent",
        lambda r, s: _preflighted(r, s) and _has(s.preflight_headers, ACAH),
        _m_acah_absent,
    ),
    _Mutation(
        "acam-wrong-case",
        lambda r, s: (
            _preflighted(r, s)
            and r.needs_method
            and r.normalized_method.lower() != r.normalized_method.upper()
        ),
        _m_acam_wrong_case,
    ),
    _Mutation("acam-absent", lambda r, s: _preflighted(r, s) and r.needs_method, _m_acam_absent),
    _Mutation(
        "wildcard-under-credentials",
        lambda r, s: _cors(r) and r.credentialed,
        _m_wildcard_under_credentials,
    ),
    _Mutation("acao-trailing-slash", lambda r, s: _cors(r), _m_acao_trailing_slash),
    _Mutation("acao-duplicate-line", lambda r, s: _cors(r), _m_acao_duplicate_line),
    _Mutation("acao-other-origin", lambda r, s: _cors(r), _m_acao_other_origin),
    _Mutation("acao-null", lambda r, s: _cors(r), _m_acao_null),
    _Mutation("acao-list", lambda r, s: _cors(r), _m_acao_list),
    _Mutation("acao-absent-on-actual", lambda r, s: _cors(r), _m_acao_absent_on_actual),
    _Mutation(
        "acao-absent-on-preflight", lambda r, s: _preflighted(r, s), _m_acao_absent_on_preflight
    ),
    _Mutation("acac-capitalized", lambda r, s: _cors(r), _m_acac_capitalized),
    _Mutation("acac-absent", lambda r, s: _cors(r) and r.credentialed, _m_acac_absent),
    _Mutation("acah-invalid-token", lambda r, s: _preflighted(r, s), _m_acah_invalid_token),
    _Mutation("acam-invalid-token", lambda r, s: _preflighted(r, s), _m_acam_invalid_token),
    _Mutation("preflight-status", lambda r, s: _preflighted(r, s), _m_preflight_status),
    _Mutation(
        "cross-origin-redirect", lambda r, s: not s.redirect_cross_origin, _m_cross_origin_redirect
    ),
    _Mutation(
        "redirect-without-acao",
        lambda r, s: _cors(r) and s.redirect_status is None,
        _m_redirect_without_acao,
    ),
    _Mutation(
        "redirect-mode-not-follow",
        lambda r, s: r.api == "fetch" and s.redirect_status is not None and r.redirect == "follow",
        _m_redirect_mode,
    ),
    _Mutation(
        "authorization-by-wildcard",
        lambda r, s: (
            _preflighted(r, s)
            and not r.credentialed
            and any(h.kind == "authorization" for h in r.sent_headers)
        ),
        _m_authorization_by_wildcard,
    ),
    _Mutation("aceh-invalid-token", lambda r, s: _cors(r), _m_aceh_invalid),
    _Mutation("aceh-wildcard", lambda r, s: _cors(r), _m_aceh_wildcard),
    _Mutation(
        "upload-listener",
        lambda r, s: (
            r.api == "xhr"
            and r.body is not None
            and not r.upload_listener
            and s.preflight_status is None
            and r.normalized_method == "POST"
        ),
        _m_upload_listener,
    ),
    _Mutation(
        "unlisted-extra-header",
        lambda r, s: (
            _cors(r)
            and len(r.headers) < 3
            and not any(h.name == "X-Extra-Unlisted" for h in r.headers)
        ),
        _m_unlisted_extra_header,
    ),
)


#: Relative weights when choosing among applicable mutations (default 1). Rarely
#: applicable near misses that engines are known to treat differently get more weight.
_MUTATION_WEIGHTS: Final[dict[str, int]] = {
    "authorization-by-wildcard": 8,
    "upload-listener": 6,
    "acam-wrong-case": 3,
    "acah-drop-name": 3,
    "wildcard-under-credentials": 3,
    "acam-absent": 2,
    "acah-absent": 2,
}


def _perturb(rng: random.Random, request: _Request, server: _Server) -> list[str]:
    """Apply one or two applicable mutations; returns their names in order."""
    applied: list[str] = []
    rounds = 2 if rng.random() < SECOND_MUTATION_PROBABILITY else 1
    for _ in range(rounds):
        candidates = [m for m in MUTATIONS if m.name not in applied and m.applies(request, server)]
        if not candidates:
            break
        weights = [_MUTATION_WEIGHTS.get(m.name, 1) for m in candidates]
        mutation = rng.choices(candidates, weights=weights, k=1)[0]
        mutation.apply(rng, request, server)
        applied.append(mutation.name)
    return applied


# -- assembling the case ----------------------------------------------------------------------


def _response(status: int, headers: HeaderLines, body: str = "") -> dict[str, Any]:
    return {"status": status, "headers": [list(line) for line in headers], "body": body}


def _routes(request: _Request, server: _Server, url: str) -> dict[str, Any]:
    first: dict[str, Any] = {}
    if server.preflight_status is not None:
        first["preflight"] = _response(server.preflight_status, server.preflight_headers)
    if server.redirect_status is None:
        first["actual"] = _response(server.actual_status, server.actual_headers, server.actual_body)
        return {url: first}
    base = OTHER if server.redirect_cross_origin else API
    target = f"{base}{url[len(API) :]}-next"
    first["actual"] = _response(
        server.redirect_status, [*server.redirect_headers, ["Location", target]]
    )
    second: dict[str, Any] = {}
    preflight_lines = [list(line) for line in server.preflight_headers if line[0] != "Location"]
    actual_lines = [list(line) for line in server.actual_headers]
    if server.target_acao is not None:
        for lines in (preflight_lines, actual_lines):
            _set(lines, ACAO, server.target_acao)
    # The redirected request needs its own preflight if it still has a reason for one; a
    # (correct) preflight answer is provided whenever the first URL had one.
    if server.preflight_headers or server.preflight_status is not None:
        second["preflight"] = _response(204, preflight_lines)
    second["actual"] = _response(server.actual_status, actual_lines, server.actual_body)
    return {url: first, target: second}


def _describe(request: _Request, mutations: list[str]) -> str:
    parts = [request.api, request.mode, request.method, f"credentials={request.credentials}"]
    if request.headers:
        parts.append("headers=" + ",".join(h.name for h in request.headers))
    if request.body is not None:
        parts.append(f"body={request.body['kind']}")
    if request.upload_listener:
        parts.append("upload-listener")
    summary = " ".join(parts)
    if mutations:
        return f"{summary}; perturbed: {', '.join(mutations)}"
    return f"{summary}; unperturbed"


def generate_case(seed: int, index: int) -> Case:
    """Case ``index`` of ``seed`` (id ``rnd-<seed>-<index>``), independent of the others."""
    rng = random.Random(f"corsspec-random:{seed}:{index}")
    request = _draw_request(rng)
    server = _correct_server(rng, request)
    mutations = _perturb(rng, request, server) if rng.random() < PERTURB_PROBABILITY else []
    case_id = f"rnd-{seed}-{index}"
    url = f"{API}/{case_id}"
    return {
        "id": case_id,
        "source": f"random:{seed}:{index}",
        "description": _describe(request, mutations),
        "request": request.as_case_request(url),
        "routes": _routes(request, server, url),
    }


def generate_cases(seed: int, n: int) -> list[Case]:
    """``n`` random cases for ``seed``, in index order (deterministic, prefix-stable)."""
    return [generate_case(seed, index) for index in range(max(n, 0))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.browser.generate",
        description="Print seeded random CORS cases as JSONL.",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument("-n", type=int, default=20, help="number of cases (default 20)")
    args = parser.parse_args(argv)
    for case in generate_cases(args.seed, args.n):
        sys.stdout.write(json.dumps(case, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

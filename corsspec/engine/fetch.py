"""``evaluate``: run a request through the Fetch Standard's steps against a server.

This module composes the per-concept algorithms in the order the Fetch Standard runs
them (https://fetch.spec.whatwg.org/#main-fetch): main fetch picks the response
tainting, HTTP fetch consults the preflight cache and sends a CORS-preflight fetch when
needed, the actual request goes out, the CORS check judges every response (redirects
included), HTTP-redirect fetch follows redirects and loops back to main fetch, and the
final response is filtered into what script can see. The first failing step ends the
evaluation and names the reason.

The server is anything that answers a :class:`~corsspec.engine.model.Request` with a
:class:`~corsspec.engine.model.Response`: an :class:`Exchange` of two canned answers, a plain
callable, or an object with a ``respond`` method (a Policy, an adapter).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterable
from typing import Literal, Protocol, TypeAlias, runtime_checkable

import attrs

from corsspec.engine._abnf import MAX_HEADER_LINES, is_token
from corsspec.engine._memo import remember
from corsspec.engine.browsers import CHROMIUM, BrowserLike, BrowserProfile, to_profile
from corsspec.engine.cache import CacheKey, PreflightCache
from corsspec.engine.check import cors_check, visible_header_names
from corsspec.engine.cookies import (
    Cookie,
    CookieExclusion,
    CookieHop,
    CookieJar,
    CookieReason,
    CookieRejection,
    CookieReport,
    ThirdPartyCookies,
    cookie_context,
)
from corsspec.engine.headers import HeaderPairs, byte_lowercase
from corsspec.engine.mixed_content import pre_network_check
from corsspec.engine.model import (
    Api,
    Body,
    BodyKind,
    Credentials,
    Mode,
    RedirectMode,
    Request,
    Response,
    ResponseType,
    default_content_type,
    require,
    slot_setters,
    wire_request,
)
from corsspec.engine.preflight import (
    REDIRECT_STATUSES,
    build_preflight,
    effective_body,
    is_cors_preflight_request,
    preflight_verdict,
    prepare_headers,
    request_steps,
    uses_cors_preflight_flag,
)
from corsspec.engine.reasons import Note, NoteCode, Reason, ReasonCode, Stage
from corsspec.engine.safelist import (
    CORS_NON_WILDCARD_REQUEST_HEADER_NAMES,
    CORS_SAFELISTED_METHODS,
    FORBIDDEN_RESPONSE_HEADER_NAMES,
    REQUEST_BODY_HEADER_NAMES,
)
from corsspec.engine.sites import same_site, site_of
from corsspec.engine.steps import Step, StepCode, StepLog
from corsspec.engine.url import URL, Origin, parse_origin
from corsspec.errors import InvalidRequestError, RequestProblem

__all__ = ["Evaluation", "Exchange", "Server", "ServerLike", "evaluate", "record_steps"]


def __dir__() -> list[str]:
    return __all__


@runtime_checkable
class Server(Protocol):
    """Anything that answers requests: ``respond(request) -> Response``."""

    def respond(self, request: Request) -> Response:
        """Answer one request exactly as the server would."""
        ...


#: What :func:`evaluate` accepts as a server.
ServerLike: TypeAlias = "Server | Callable[[Request], Response]"

# Notes without detail are immutable constants: no need to build them per evaluation.
_CACHE_HIT_NOTES = (Note(code=NoteCode.PREFLIGHT_CACHE_HIT),)
_OPAQUE = Note(code=NoteCode.OPAQUE_RESPONSE)
#: Marks a memo key not computed yet (None is a result: "the check passed").
_UNSEEN = object()

# Enum members bound once: reading a member off an Enum class costs about as much as
# a CORS check's dictionary lookup, and the hot path reads several.
_BASIC = ResponseType.BASIC
_CORS = ResponseType.CORS
_OPAQUE_TYPE = ResponseType.OPAQUE
_OPAQUE_REDIRECT = ResponseType.OPAQUE_REDIRECT
_REDIRECT_ERROR = RedirectMode.ERROR
_REDIRECT_MANUAL = RedirectMode.MANUAL
_REDIRECT_FOLLOW = RedirectMode.FOLLOW
_INCLUDE = Credentials.INCLUDE
_SAME_ORIGIN = Credentials.SAME_ORIGIN
_FETCH = Api.FETCH

#: What a server without an OPTIONS handler typically answers a preflight with.
_NO_OPTIONS_HANDLER = Response(status=405)


def is_preflight(request: Request) -> bool:
    """Whether ``request`` is a CORS-preflight request (:func:`is_cors_preflight_request`)."""
    return is_cors_preflight_request(request.method, request.headers)


def _check_actual(_: Exchange, __: attrs.Attribute[Response], value: Response) -> None:
    require(value, Response, "actual", "a corsspec.Response")


def _check_preflight(
    _: Exchange, __: attrs.Attribute[Response | None], value: Response | None
) -> None:
    if value is not None:
        require(value, Response, "preflight", "a corsspec.Response or None")


@attrs.frozen(kw_only=True)
class Exchange:
    """A server described by its two answers: to the preflight, and to everything else.

    ``preflight=None`` describes a server with no OPTIONS handler: it answers a
    preflight with ``405`` and no CORS headers, as most frameworks do.
    """

    actual: Response = attrs.field(validator=_check_actual)
    preflight: Response | None = attrs.field(default=None, validator=_check_preflight)

    def respond(self, request: Request) -> Response:
        """Answer ``request`` with the canned preflight or actual response."""
        if is_preflight(request):
            return self.preflight if self.preflight is not None else _NO_OPTIONS_HANDLER
        return self.actual


@attrs.frozen(kw_only=True)
class Evaluation:
    """What the browser did with one request: the verdict and everything behind it.

    :attr:`allowed` means the script's ``fetch()`` resolves (or XHR loads); ``reason``
    says why not, and is None exactly when the request is allowed (``allowed`` is
    derived from it, so the two cannot disagree). An opaque response (``no-cors``) is
    allowed but unreadable: see :attr:`readable`.
    """

    reason: Reason | None
    request: Request
    browser: BrowserProfile
    response_type: ResponseType | None
    #: The status script sees (0 for opaque responses; None on a network error).
    status: int | None
    #: Lowercase header names script can read, sorted.
    visible_headers: tuple[str, ...]
    notes: tuple[Note, ...] = ()
    #: Every request that reached a server, in order (preflights included).
    sent: tuple[Request, ...] = ()
    #: The server's answers, one per item of ``sent``.
    responses: tuple[Response, ...] = ()
    #: The preflight cache after this evaluation (None when called without one).
    cache: PreflightCache | None = None
    #: Which cookies each hop carried and stored, and why others did not (None when
    #: called without a cookie jar). See :mod:`corsspec.engine.cookies`.
    cookies: CookieReport | None = None

    @property
    def allowed(self) -> bool:
        """Whether script gets the response (``fetch()`` resolves, XHR loads)."""
        return self.reason is None

    @property
    def preflight(self) -> Request | None:
        """The first preflight sent (None if none was sent: not needed, or cached)."""
        for request in self.sent:
            if is_preflight(request):
                return request
        return None

    @property
    def actual_sent(self) -> bool:
        """Whether the actual request reached the server (on any hop)."""
        return any(not is_preflight(r) for r in self.sent)

    @property
    def unsafe_headers(self) -> tuple[str, ...]:
        """CORS-unsafe request-header names of the request (what a preflight lists)."""
        return _plan(self.request, self.browser).prepared.unsafe_names

    @property
    def readable(self) -> bool:
        """Whether script can read status, headers and body (allowed and not opaque)."""
        return self.allowed and self.response_type in (_BASIC, _CORS)

    @property
    def preflights(self) -> tuple[Request, ...]:
        """Every preflight sent (several when redirects need fresh ones)."""
        return tuple(r for r in self.sent if is_preflight(r))

    @functools.cached_property
    def steps(self) -> tuple[Step, ...] | None:
        """Every check the engine made, in order: the request classification, then for
        each exchange in :attr:`sent` its CORS-check, preflight and redirect steps.

        Checks the browser did not reach after the failing one are recorded as skipped.
        Built on first access by replaying this evaluation's requests and answers
        through the engine's own check functions (the warm path records nothing).
        None when this evaluation cannot be replayed: it was built by hand and the
        engine does not reach the same requests or the same verdict from its answers.
        """
        return record_steps(self, self.browser)


def _evaluation_constructor() -> Callable[
    [
        Reason | None,
        Request,
        BrowserProfile,
        ResponseType | None,
        int | None,
        tuple[str, ...],
        tuple[Note, ...],
        tuple[Request, ...],
        tuple[Response, ...],
        PreflightCache | None,
        CookieReport | None,
    ],
    Evaluation,
]:
    """A positional constructor for :class:`Evaluation`, for evaluate's hot path.

    Equal to ``Evaluation(reason=..., ...)`` (the class has no converters or
    validators); attrs' keyword ``__init__`` costs about twice as much. The setters
    are the closure's cells: cheaper to reach than globals, per call.
    """
    (
        set_reason,
        set_request,
        set_browser,
        set_response_type,
        set_status,
        set_visible_headers,
        set_notes,
        set_sent,
        set_responses,
        set_cache,
        set_cookies,
    ) = slot_setters(
        Evaluation,
        "reason",
        "request",
        "browser",
        "response_type",
        "status",
        "visible_headers",
        "notes",
        "sent",
        "responses",
        "cache",
        "cookies",
    )
    new = object.__new__

    def new_evaluation(
        reason: Reason | None,
        request: Request,
        browser: BrowserProfile,
        response_type: ResponseType | None,
        status: int | None,
        visible_headers: tuple[str, ...],
        notes: tuple[Note, ...],
        sent: tuple[Request, ...],
        responses: tuple[Response, ...],
        cache: PreflightCache | None,
        cookies: CookieReport | None,
    ) -> Evaluation:
        evaluation: Evaluation = new(Evaluation)
        set_reason(evaluation, reason)
        set_request(evaluation, request)
        set_browser(evaluation, browser)
        set_response_type(evaluation, response_type)
        set_status(evaluation, status)
        set_visible_headers(evaluation, visible_headers)
        set_notes(evaluation, notes)
        set_sent(evaluation, sent)
        set_responses(evaluation, responses)
        set_cache(evaluation, cache)
        set_cookies(evaluation, cookies)
        return evaluation

    return new_evaluation


_new_evaluation = _evaluation_constructor()


class _DivergedError(Exception):
    """The replay asked for something the recorded evaluation did not send."""


class _Replay(StepLog):
    """A server that answers with an evaluation's recorded responses, in order, and
    the log the engine's check functions write their steps to (one object, so that
    evaluate carries one local for it).

    The preflight cache is replayed too: a hop on the preflight path was vouched for
    by the cache exactly when the next recorded request is not a preflight.
    """

    __slots__ = ("next", "responses", "sent")

    def __init__(self, sent: tuple[Request, ...], responses: tuple[Response, ...]) -> None:
        super().__init__()
        self.sent = sent
        self.responses = responses
        self.next = 0

    def respond(self, request: Request) -> Response:
        """The recorded answer to ``request`` (which must be the next recorded one)."""
        i = self.next
        if i >= len(self.sent) or self.sent[i] != request:
            raise _DivergedError
        self.next = i + 1
        self.hop = i
        self.failed = False
        return self.responses[i]

    def cache_hit(self) -> bool:
        """Whether the cache vouched for the hop about to send a preflight."""
        return self.next >= len(self.sent) or not is_preflight(self.sent[self.next])


def record_steps(evaluation: Evaluation, browser: BrowserProfile) -> tuple[Step, ...] | None:
    """The steps behind ``evaluation`` as ``browser`` judges them (see
    :attr:`Evaluation.steps`); None when the replay does not reach the same verdict."""
    replay = _Replay(evaluation.sent, evaluation.responses)
    request = evaluation.request
    try:
        again = evaluate(request, replay, browser=browser)
    except _DivergedError:
        return None
    expected = evaluation.reason
    if expected is not None and expected.code is ReasonCode.HEADER_NOT_EXPOSED:
        # Decided after the fetch from what script reads (evaluate's ``reads``): the
        # fetch itself succeeded.
        expected = None
    if again.reason != expected or replay.next != len(evaluation.sent):
        return None
    return request_steps(request, browser) + tuple(replay.steps)


def _responder(server: object) -> Callable[[Request], Response]:
    respond = getattr(server, "respond", None)
    if callable(respond):
        return respond  # type: ignore[no-any-return]
    if callable(server):
        return server
    raise InvalidRequestError(
        "server",
        server,
        RequestProblem.BAD_ENUM_VALUE,
        "expected an Exchange, a Policy, an adapter, or a callable Request -> Response",
    )


def _check_now(now: object) -> None:
    """``now`` is a finite number of seconds (an int or a float, not a bool).

    :raises InvalidRequestError: anything else.
    """
    if isinstance(now, (int, float)) and not isinstance(now, bool) and math.isfinite(now):
        return
    raise InvalidRequestError(
        "now", now, RequestProblem.BAD_ENUM_VALUE, "expected a finite number of seconds"
    )


def _data_response(url: URL) -> Response:
    """Fetch: scheme fetch for ``data:`` — 200 with the URL's MIME type, no server."""
    mime = url.path.split(",", 1)[0].strip()
    if mime.lower().endswith(";base64"):
        mime = mime[: -len(";base64")]
    return Response(status=200, headers=(("Content-Type", mime or "text/plain;charset=US-ASCII"),))


def _redirect_tainted(origin: Origin, url_list: list[URL]) -> bool:
    """Fetch: request's redirect-taint is not "same-origin" (cross-origin hop away from origin)."""
    for previous, following in itertools.pairwise(url_list):
        if not previous.origin.same_origin(following.origin) and not origin.same_origin(
            previous.origin
        ):
            return True
    return False


def _location(response: Response, base: URL) -> URL | bool | None:
    """Fetch: location URL. None: no Location (not a redirect); False: failure."""
    lines = response.index.get("location")
    if lines is None:
        return None
    if len(lines) != 1:
        return False
    target = base.join(lines[0])
    return False if target is None else target


class _Plan:
    """What the browser derives from one request under one profile before any I/O.

    Computed once per (request, profile) and kept in the request's memo: the request is
    immutable, so re-evaluating it against other servers reuses this work.
    """

    __slots__ = (
        "body",
        "credentialed",
        "first_hop",
        "forced",
        "has_authorization",
        "needs_preflight",
        "notes",
        "prepared",
        "profile",
    )

    def __init__(self, request: Request, profile: BrowserProfile) -> None:
        self.profile = profile
        body = effective_body(request, profile)
        self.body = body
        self.credentialed = request.credentialed
        self.forced = uses_cors_preflight_flag(request, body)
        self.prepared = prepare_headers(
            request.headers,
            api=request.api,
            content_type=default_content_type(body),
            profile=profile,
            no_cors=request.mode is Mode.NO_CORS,
        )
        # Authorization is never CORS-safelisted, so it is among the unsafe names
        # exactly when the header list has it.
        self.has_authorization = not CORS_NON_WILDCARD_REQUEST_HEADER_NAMES.isdisjoint(
            self.prepared.unsafe_names
        )
        #: Whether the request's own headers (or the use-CORS-preflight flag) call for a
        #: preflight, whatever redirects later remove (preflight_need_decided_at_start).
        self.needs_preflight = self.forced or bool(self.prepared.unsafe_names)
        notes = [
            Note(code=NoteCode.FORBIDDEN_HEADER_DROPPED, detail=n) for n in self.prepared.dropped
        ]
        if self.forced:
            notes.append(Note(code=NoteCode.PREFLIGHT_FORCED))
        self.notes = tuple(notes)
        #: Main fetch's decisions for the first hop (built on first use).
        self.first_hop: _Hop | None = None


def _same_origin_credentials_redirect_failure(
    request: Request,
    wire: Request,
    response: Response,
    hop: _Hop,
    profile: BrowserProfile,
) -> Reason | None:
    """The CORS check of a followed cross-origin redirect, as credentialed, for an engine
    that does so for credentials mode "same-origin" when the first URL was on the
    request's own origin (``same_origin_credentials_redirects_checked_credentialed``).
    Fetch: the CORS check needs Access-Control-Allow-Credentials only when "request's
    credentials mode is "include""."""
    if not (
        profile.same_origin_credentials_redirects_checked_credentialed
        and request.credentials is _SAME_ORIGIN
        and request.origin.same_origin_as_url(request.url)
        and not request.origin.same_origin_as_url(wire.url)
    ):
        return None
    return _cors_failure(response, hop.serialized, True, True, profile)


def _plan(request: Request, profile: BrowserProfile) -> _Plan:
    # Keyed by the profile's identity: hashing a profile means hashing ~40 fields, and
    # the plan holds the profile, so its id cannot be reused while the entry exists.
    memo = request._memo
    plan: _Plan | None = memo.get(id(profile))
    if plan is None:
        plan = remember(memo, id(profile), _Plan(request, profile))
    return plan


def _answer(respond: Callable[[Request], Response], request: Request) -> Response:
    """Ask the server; anything but a Response is the caller's mistake, not a verdict."""
    response = respond(request)
    if not isinstance(response, Response):
        raise InvalidRequestError(
            "server response",
            response,
            RequestProblem.BAD_ENUM_VALUE,
            "a server must return corsspec.Response",
        )
    return response


def _finish(
    request: Request,
    profile: BrowserProfile,
    reason: Reason | None,
    notes: tuple[Note, ...],
    sent: tuple[Request, ...],
    responses: tuple[Response, ...],
    cache: PreflightCache | None,
    response: Response | None = None,
    rtype: ResponseType | None = None,
) -> Evaluation:
    """Fetch: main fetch's last steps — filter the response script gets, or fail."""
    status: int | None = None
    visible: tuple[str, ...] = ()
    for answer in responses:
        if len(answer.headers) > MAX_HEADER_LINES:
            # Response.index read only the first MAX_HEADER_LINES lines of this answer.
            notes += (
                Note(
                    code=NoteCode.TOO_MANY_HEADER_LINES,
                    detail=f"{len(answer.headers)} lines; the first {MAX_HEADER_LINES} read",
                ),
            )
    if reason is None and response is not None and rtype is not None:
        if rtype is _OPAQUE_TYPE or rtype is _OPAQUE_REDIRECT:
            status = 0
            notes += (_OPAQUE,)
        else:
            status = response.status
            visible, expose_notes = _visible(response, rtype is _CORS, request, profile)
            if expose_notes:
                notes += expose_notes
    return _new_evaluation(
        reason,
        request,
        profile,
        rtype if reason is None else None,
        status,
        visible,
        notes,
        sent,
        responses,
        cache,
        None,
    )


def _visible(
    response: Response, cors: bool, request: Request, profile: BrowserProfile
) -> tuple[tuple[str, ...], tuple[Note, ...]]:
    """Readable header names of a basic or CORS response, computed once per response."""
    credentialed = request.credentials is _INCLUDE
    short_circuit = profile.expose_wildcard_short_circuits and request.api is _FETCH
    # Plain bools in the key: enum members hash through a Python-level __hash__.
    key = ("visible", cors, credentialed, short_circuit)
    result: tuple[tuple[str, ...], tuple[Note, ...]] | None = response._memo.get(key)
    if result is None:
        result = visible_header_names(
            response.index,
            cors=cors,
            credentialed=credentialed,
            wildcard_short_circuits=short_circuit,
        )
        if cors:
            hidden = _unexposed(response, result[0])
            if hidden:
                note = Note(code=NoteCode.UNEXPOSED_HEADERS, detail=", ".join(hidden))
                result = (result[0], (*result[1], note))
        remember(response._memo, key, result)
    return result


def _unexposed(response: Response, visible: tuple[str, ...]) -> tuple[str, ...]:
    """Fetch: CORS filtered response — the header names on the response that script reads
    as null (neither CORS-safelisted nor exposed), sorted.

    The CORS protocol's own headers (``access-control-*``) and ``Set-Cookie`` (never
    readable; its own note) are left out: nobody reads them from script.
    """
    shown = set(visible)
    return tuple(
        sorted(
            name
            for name in response.index
            if name not in shown
            and not name.startswith("access-control-")
            and name not in FORBIDDEN_RESPONSE_HEADER_NAMES
        )
    )


def _check_reads(evaluation: Evaluation, reads: tuple[str, ...]) -> Evaluation:
    """Whether script can read each header in ``reads`` from the evaluation's response.

    A header the response does not expose to script (``response.headers.get(name)`` is
    null) turns the evaluation into a failed expectation: reason ``header-not-exposed``
    (stage exposure) naming the first such header in ``reads`` order. A blocked
    evaluation is returned unchanged: its own reason comes first.
    """
    if evaluation.reason is not None:
        return evaluation
    visible = evaluation.visible_headers if evaluation.readable else ()
    for name in reads:
        lowered = byte_lowercase(name)
        if lowered not in visible:
            response = evaluation.responses[-1] if evaluation.responses else None
            present = response is not None and lowered in response.index
            reason = Reason(
                code=ReasonCode.HEADER_NOT_EXPOSED,
                stage=Stage.EXPOSURE,
                header=lowered,
                value=name,
                expected=None if present else "absent",
            )
            return attrs.evolve(evaluation, reason=reason)
    return evaluation


def _to_reads(reads: object) -> tuple[str, ...]:
    """Validate ``evaluate(reads=...)``: header names script reads.

    :raises InvalidRequestError: not an iterable of header-name strings.
    """
    if isinstance(reads, str):
        reads = (reads,)
    if not isinstance(reads, (tuple, list)):
        raise InvalidRequestError(
            "reads", reads, RequestProblem.BAD_ENUM_VALUE, "a tuple of header names"
        )
    names: tuple[object, ...] = tuple(reads)
    for name in names:
        if not isinstance(name, str) or not is_token(name):
            raise InvalidRequestError(
                "reads", name, RequestProblem.BAD_ENUM_VALUE, "a header name (an HTTP token)"
            )
    return tuple(str(name) for name in names)


def _cors_failure(
    response: Response,
    origin: str,
    credentialed: bool,
    redirect: bool,
    profile: BrowserProfile,
    log: StepLog | None = None,
) -> Reason | None:
    """Fetch: CORS check of one response, computed once per response and inputs
    (with ``log``, computed again so that its steps are recorded)."""
    multiple_counts_lines = profile.acao_multiple_counts_lines
    if log is not None:
        return cors_check(
            response.index,
            origin=origin,
            credentialed=credentialed,
            stage=Stage.REDIRECT if redirect else Stage.ACTUAL,
            multiple_counts_lines=multiple_counts_lines,
            log=log,
        )
    key = ("cors-check", origin, credentialed, redirect, multiple_counts_lines)
    memo = response._memo
    result: Reason | object | None = memo.get(key, _UNSEEN)
    if result is _UNSEEN:
        result = cors_check(
            response.index,
            origin=origin,
            credentialed=credentialed,
            stage=Stage.REDIRECT if redirect else Stage.ACTUAL,
            multiple_counts_lines=multiple_counts_lines,
        )
        remember(memo, key, result)
    return result  # type: ignore[return-value]


class _Hop:
    """Main fetch's decisions for one hop, and the requests it puts on the wire.

    Built by :func:`_hop`; the first hop's is kept in the request's plan, since it
    depends only on the request and the profile.
    """

    __slots__ = (
        "cache_key",
        "method",
        "notes",
        "origin_value",
        "pf_has_authorization",
        "pf_skips_cors_check",
        "pf_unsafe",
        "preflight",
        "preflight_path",
        "reason",
        "serialized",
        "tainting",
        "wire",
    )

    def __init__(self) -> None:
        self.tainting: ResponseType | None = None
        self.reason: Reason | None = None
        self.preflight_path = False
        self.serialized = ""
        self.origin_value: str | None = None
        self.cache_key: CacheKey | None = None
        self.wire: Request | None = None
        self.preflight: Request | None = None
        self.method = ""
        self.pf_unsafe: tuple[str, ...] = ()
        self.pf_has_authorization = False
        #: Notes main fetch's pre-network checks add on this hop (assumptions made).
        self.notes: tuple[Note, ...] = ()
        self.pf_skips_cors_check = False


def _hop(
    request: Request,
    profile: BrowserProfile,
    *,
    url_list: list[URL],
    tainting: ResponseType | None,
    method: str,
    headers: HeaderPairs,
    body: Body | None,
    adds_accept: bool,
    forced: bool,
    pf_unsafe: tuple[str, ...],
    pf_has_authorization: bool,
    preflighted: bool,
    last_origin_value: str | None,
) -> _Hop:
    """Fetch: main fetch step 12 for the current URL, then the requests it sends.

    ``pf_unsafe``/``pf_has_authorization`` are what a preflight on this hop lists and
    requires; ``preflighted`` whether an earlier hop was on the preflight path.
    """
    hop = _Hop()
    hop.method = method
    hop.pf_unsafe = pf_unsafe
    hop.pf_has_authorization = pf_has_authorization
    origin = request.origin
    current = url_list[-1]
    # Main fetch step 7: mixed content (and Local Network Access), before anything else.
    if current.scheme != "https" or origin.scheme != "https" or profile.local_network_access:
        reason, hop.notes = pre_network_check(request, current, profile, len(url_list) == 1)
        if reason is not None:
            hop.reason = reason
            return hop
    tainted = len(url_list) > 1 and _redirect_tainted(origin, url_list)
    hop.serialized = serialized = "null" if tainted else origin.serialize()

    # Main fetch step 12: choose the response tainting.
    if (tainting in (None, _BASIC) and origin.same_origin_as_url(current)) or (
        current.scheme == "data" and len(url_list) == 1
    ):
        hop.tainting = _BASIC
    elif request.mode is Mode.SAME_ORIGIN:
        hop.reason = Reason(
            code=ReasonCode.DISALLOWED_BY_MODE, stage=Stage.REQUEST, url=current.serialize()
        )
        return hop
    elif request.mode is Mode.NO_CORS:
        if request.redirect is not _REDIRECT_FOLLOW:
            hop.reason = Reason(
                code=ReasonCode.NO_CORS_REDIRECT_NOT_FOLLOW,
                stage=Stage.REQUEST,
                value=request.redirect.value,
            )
            return hop
        hop.tainting = _OPAQUE_TYPE
    elif current.scheme != "http" and current.scheme != "https":
        hop.reason = Reason(
            code=ReasonCode.CORS_DISABLED_SCHEME, stage=Stage.REQUEST, value=current.scheme
        )
        return hop
    else:
        hop.tainting = _CORS
        hop.preflight_path = (
            forced
            or method not in CORS_SAFELISTED_METHODS
            or bool(pf_unsafe)
            or (preflighted and profile.preflight_sticky_across_redirects)
        )

    if hop.preflight_path:
        pf_origin = origin.serialize() if profile.preflight_ignores_redirect_taint else serialized
        hop.cache_key = CacheKey(
            origin=pf_origin, url=current.href, credentialed=request.credentialed
        )
        hop.preflight = build_preflight(
            current, request, method=method, unsafe_names=pf_unsafe, origin_header=pf_origin
        )
        hop.pf_skips_cors_check = (
            profile.same_origin_preflight_skips_cors_check and origin.same_origin_as_url(current)
        )

    # HTTP-network-or-cache fetch: append the Origin header (Fetch: append a request
    # `Origin` header).
    origin_value = _origin_header(request, hop.tainting, method, serialized, current)
    if (
        origin_value is None
        and profile.keeps_origin_header_on_redirect
        and len(url_list) > 1
        and url_list[-2].origin.same_origin(current.origin)
    ):
        origin_value = last_origin_value
    if (
        origin_value is not None
        and request.mode is Mode.NO_CORS
        and profile.no_cors_origin_null_after_cross_origin_redirect
        and any(
            not before.origin.same_origin(after.origin)
            for before, after in itertools.pairwise(url_list)
        )
    ):
        # Chromium's network stack: net/url_request/redirect_util.cc.
        origin_value = "null"
    hop.origin_value = origin_value
    wire_headers = list(headers)
    if adds_accept:
        wire_headers.append(("Accept", "*/*"))
    if origin_value is not None:
        wire_headers.append(("Origin", origin_value))
    hop.wire = wire_request(
        method=method,
        url=current,
        origin=origin,
        headers=tuple(wire_headers),
        like=request,
        body=body,
    )
    return hop


def evaluate(
    request: Request,
    server: ServerLike | Exchange,
    *,
    browser: BrowserLike = CHROMIUM,
    cache: PreflightCache | None = None,
    now: float = 0.0,
    reads: tuple[str, ...] = (),
    cookies: CookieJar | None = None,
    top_level: Origin | str | None = None,
    needs_cookies: Iterable[str] = (),
    third_party_cookies: ThirdPartyCookies | ThirdPartyCookiesName | None = None,
) -> Evaluation:
    """Fetch: fetch, as far as CORS goes — what ``browser`` does with ``request``.

    ``cache`` is the browser's preflight cache before the request (None: a fresh
    browser with caching left out of the result; pass ``PreflightCache()`` to start
    empty and get the updated cache back in ``Evaluation.cache``). ``now`` is the time
    in seconds, used for cache and cookie expiry. ``reads`` names the response headers page
    script reads (``("X-Total-Count",)``): one it cannot read fails the evaluation with
    ``header-not-exposed`` (see :func:`_check_reads`).

    ``cookies`` is the browser's cookie jar before the request (None: cookies left out);
    the result's ``Evaluation.cookies`` tells what each hop carried and stored, and the
    jar after it. ``top_level`` is the page's top-level origin when the requesting page
    is embedded in another site (default: the request's origin is the top-level page);
    ``needs_cookies`` names the cookies the server needs on the actual request (reported
    as ``Evaluation.cookies.missing``); ``third_party_cookies`` overrides the profile's
    third-party cookie policy.

    Never raises because of what the server answered.

    ``browser`` is a profile or its name (``"chromium"``, ``"firefox"``, ``"webkit"``,
    ``"spec"``, any case).

    :raises InvalidRequestError: ``request``, ``browser``, ``cache`` or ``now`` is not
        what it should be, ``server`` is not a server, or it returned a non-Response.
    :raises ScriptError: this engine throws synchronously for the request (e.g. WebKit
        and a ReadableStream body).
    """
    # Caller input is checked here, at the boundary (exact-type fast paths first).
    if type(request) is not Request:
        require(request, Request, "request", "a corsspec.Request")
    profile = browser if type(browser) is BrowserProfile else to_profile(browser)
    if cache is not None and type(cache) is not PreflightCache:
        require(cache, PreflightCache, "cache", "a corsspec.PreflightCache or None")
    if type(now) is not int and not (type(now) is float and now - now == 0.0):
        _check_now(now)  # not an int nor a finite float
    if reads:
        names = _to_reads(reads)
        evaluation = evaluate(
            request,
            server,
            browser=profile,
            cache=cache,
            now=now,
            cookies=cookies,
            top_level=top_level,
            needs_cookies=needs_cookies,
            third_party_cookies=third_party_cookies,
        )
        return _check_reads(evaluation, names)
    if cookies is not None or needs_cookies or top_level is not None:
        return _evaluate_with_cookies(
            request,
            server,
            profile,
            cache,
            now,
            CookieJar() if cookies is None else cookies,
            top_level,
            _cookie_names(needs_cookies),
            third_party_cookies,
        )
    log: _Replay | None = None
    respond: Callable[[Request], Response]
    if type(server) is Exchange:
        respond = server.respond
    else:
        respond = _responder(server)
        if type(server) is _Replay:
            log = server  # Evaluation.steps: the check functions record their steps
    # The plan is keyed by the profile's identity (see _plan), inlined: it is most
    # of a simple request's bookkeeping.
    plan: _Plan | None = request._memo.get(id(profile))
    if plan is None:
        plan = _plan(request, profile)
    # This evaluation's state: what it sent and got back, its notes, the cache.
    notes = plan.notes
    sent: tuple[Request, ...] = ()
    responses: tuple[Response, ...] = ()
    credentialed = plan.credentialed
    hop = plan.first_hop
    if hop is None:
        hop = plan.first_hop = _hop(
            request,
            profile,
            url_list=[request.url],
            tainting=None,
            method=request.method,
            headers=plan.prepared.headers,
            body=plan.body,
            adds_accept=plan.prepared.adds_accept,
            forced=plan.forced,
            pf_unsafe=plan.prepared.unsafe_names,
            pf_has_authorization=plan.has_authorization,
            preflighted=False,
            last_origin_value=None,
        )
    follow: _Follow | None = None  # redirect bookkeeping, created on the first redirect
    reason: Reason | None
    # A redirect's failure some engines report only after the next hop's preflight.
    # A failure the engine reports one hop late, with the response and origin it judged.
    deferred: tuple[Reason, Response, str] | None = None

    while True:
        if hop.notes:
            notes += hop.notes
        reason = hop.reason
        if reason is not None:
            return _finish(request, profile, reason, notes, sent, responses, cache)
        tainting = hop.tainting
        if hop.preflight_path:
            # HTTP fetch step 2.1: a preflight unless the cache already vouches for it.
            if (cache is not None and _cache_vouches(cache, hop, profile, plan.forced, now)) or (
                log is not None and log.cache_hit()
            ):
                notes += _CACHE_HIT_NOTES
            else:
                step = _preflight(
                    respond,
                    profile,
                    hop,
                    cache,
                    forced=plan.forced,
                    credentialed=credentialed,
                    now=now,
                    log=log,
                )
                reason, cache = step.reason, step.cache
                notes += step.notes
                sent += (step.preflight,)
                responses += (step.answer,)
                if reason is not None:
                    return _finish(request, profile, reason, notes, sent, responses, cache)
        if deferred is not None:
            late, judged, judged_origin = deferred
            if log is not None:
                # The engine reports this redirect's credentialed check now, after the
                # next hop's preflight: record it here, as the last request's step.
                _cors_failure(judged, judged_origin, True, True, profile, log)
            return _finish(request, profile, late, notes, sent, responses, cache)

        wire = hop.wire
        assert wire is not None  # precondition: built for every hop without a reason
        if wire.url.scheme == "data":
            # Main fetch step 12.2 / scheme fetch: a data: URL answers itself.
            response = _data_response(wire.url)
            return _finish(
                request, profile, None, notes, sent, responses, cache, response, tainting
            )
        response = _answer(respond, wire)
        sent += (wire,)
        responses += (response,)
        is_redirect = response.status in REDIRECT_STATUSES
        location = _location(response, wire.url) if is_redirect else None

        # HTTP fetch step 4: the CORS check, on every response including redirects.
        if tainting is _CORS:
            reason = _cors_failure(
                response,
                hop.serialized,
                credentialed,
                isinstance(location, URL),
                profile,
                log,
            )
            if reason is not None:
                if (
                    hop.cache_key is not None
                    and cache is not None
                    and profile.clear_cache_on_actual_failure
                ):
                    cache = cache.clear(hop.cache_key)
                return _finish(request, profile, reason, notes, sent, responses, cache)

        if not is_redirect or (
            location is None
            and profile.error_mode_needs_location
            and request.redirect is _REDIRECT_ERROR
        ):
            # Not a redirect (some engines let a 3xx without Location through "error").
            return _finish(
                request, profile, None, notes, sent, responses, cache, response, tainting
            )
        # HTTP fetch step 6: the redirect mode decides, for every redirect status.
        if log is not None:
            _record_redirect_mode(log, request.redirect)
        if request.redirect is _REDIRECT_ERROR:
            reason = Reason(
                code=ReasonCode.REDIRECT_MODE_ERROR, stage=Stage.REDIRECT, status=response.status
            )
            return _finish(request, profile, reason, notes, sent, responses, cache)
        if request.redirect is _REDIRECT_MANUAL:
            rtype = _OPAQUE_REDIRECT
            return _finish(request, profile, None, notes, sent, responses, cache, response, rtype)
        if location is None:
            # HTTP-redirect fetch step 1: no location URL, the response is returned.
            return _finish(
                request, profile, None, notes, sent, responses, cache, response, tainting
            )
        if tainting is _CORS and not credentialed:
            failure = _same_origin_credentials_redirect_failure(
                request, wire, response, hop, profile
            )
            deferred = None if failure is None else (failure, response, hop.serialized)
        if follow is None:
            follow = _Follow(request, plan)
        reason, redirect_notes = follow.redirect(hop, response, location, profile, log)
        notes += redirect_notes
        if reason is not None:
            return _finish(request, profile, reason, notes, sent, responses, cache)
        hop = follow.next_hop(hop, profile)


#: The third-party cookie policies by their names, as the caller may spell them.
ThirdPartyCookiesName: TypeAlias = Literal[
    "allow", "partition", "only-partitioned", "block-storing", "block"
]


class _CookieSession:
    """The browser's cookie handling around one evaluation (Fetch: HTTP-network-or-cache
    fetch, "If includeCredentials is true": append `Cookie`, then store `Set-Cookie`).

    It wraps the server: every non-preflight request gets the jar's ``Cookie`` header
    (when includeCredentials holds), and every answer's ``Set-Cookie`` goes into the jar.
    A CORS preflight is sent without credentials: no cookie, nothing stored.
    """

    def __init__(
        self,
        request: Request,
        respond: Callable[[Request], Response],
        profile: BrowserProfile,
        jar: CookieJar,
        top_level: Origin,
        policy: ThirdPartyCookies | None,
        now: float,
    ) -> None:
        self.request = request
        self.inner = respond
        self.profile = profile
        self.jar = jar
        self.top_level = top_level
        self.policy = policy
        self.now = now
        self.url_list: list[URL] = []
        self.cross_origin = False
        self.hops: list[CookieHop] = []
        self.ignored: list[CookieRejection] = []
        #: The requests as the server saw them, by the identity of the engine's copy.
        self.seen: dict[int, Request] = {}
        self.count = 0

    def __call__(self, wire: Request) -> Response:
        self.count += 1
        if is_preflight(wire):
            answer = self.inner(wire)
            if isinstance(answer, Response):
                for line in answer.index.get("set-cookie", ()):
                    self.ignored.append(
                        CookieRejection(
                            name=line.partition("=")[0].strip(),
                            line=line[:256],
                            reason=CookieReason.PREFLIGHT_RESPONSE,
                        )
                    )
            return answer
        request, profile, now = self.request, self.profile, self.now
        url = wire.url
        self.url_list.append(url)
        # Fetch: includeCredentials — "include", or "same-origin" with tainting "basic"
        # (no cross-origin hop so far and a same-origin URL).
        self.cross_origin = self.cross_origin or not request.origin.same_origin_as_url(url)
        included = request.credentials is _INCLUDE or (
            request.credentials is Credentials.SAME_ORIGIN and not self.cross_origin
        )
        embedded = not request.origin.opaque and not same_site(request.origin, self.top_level)
        context = cookie_context(
            self.url_list,
            top_level=self.top_level,
            profile=profile,
            third_party_cookies=self.policy,
            embedded_cross_site=embedded,
        )
        retrieval = self.jar.retrieve(url, context=context, now=now, profile=profile)
        header = retrieval.header if included else None
        sent_request = wire
        if header is not None:
            sent_request = wire_request(
                method=wire.method,
                url=url,
                origin=wire.origin,
                headers=(*wire.headers, ("Cookie", header)),
                like=wire,
                body=wire.body,
            )
            self.seen[id(wire)] = sent_request
        answer = self.inner(sent_request)
        stored: list[Cookie] = []
        deleted: list[Cookie] = []
        rejected: list[CookieRejection] = []
        if isinstance(answer, Response):
            for line in answer.index.get("set-cookie", ()):
                if not included:
                    rejected.append(
                        CookieRejection(
                            name=line.partition("=")[0].strip(),
                            line=line[:256],
                            reason=CookieReason.CREDENTIALS_NOT_INCLUDED,
                        )
                    )
                    continue
                result = self.jar.store(line, url=url, context=context, now=now, profile=profile)
                self.jar = result.jar
                if result.rejection is not None:
                    rejected.append(result.rejection)
                elif result.cookie is not None:
                    (deleted if result.deleted else stored).append(result.cookie)
        if included:
            excluded = retrieval.excluded
            sent = retrieval.sent
        else:
            sent = ()
            # The cookies that would have gone out stay behind for the credentials mode.
            excluded = (
                tuple(
                    CookieExclusion(cookie=c, reason=CookieReason.CREDENTIALS_NOT_INCLUDED)
                    for c in retrieval.sent
                )
                + retrieval.excluded
            )
        self.hops.append(
            CookieHop(
                index=self.count - 1,
                url=url.serialize(),
                credentials=included,
                same_site=context.same_site,
                third_party=context.third_party,
                header=header,
                sent=sent,
                excluded=excluded,
                stored=tuple(stored),
                deleted=tuple(deleted),
                rejected=tuple(rejected),
            )
        )
        return answer


def _cookie_names(names: object) -> tuple[str, ...]:
    """``needs_cookies`` as a tuple (a lone string is one name, not its letters)."""
    if isinstance(names, str):
        return (names,)
    try:
        return tuple(names)  # type: ignore[arg-type]
    except TypeError:
        raise InvalidRequestError(
            "needs_cookies", names, RequestProblem.BAD_ENUM_VALUE, "cookie names"
        ) from None


def _evaluate_with_cookies(
    request: Request,
    server: ServerLike | Exchange,
    browser: BrowserProfile,
    cache: PreflightCache | None,
    now: float,
    jar: CookieJar,
    top_level: Origin | str | None,
    needs: tuple[str, ...],
    third_party_cookies: ThirdPartyCookies | ThirdPartyCookiesName | None,
) -> Evaluation:
    """:func:`evaluate` with the browser's cookie jar taking part (see :class:`_CookieSession`)."""
    require(jar, CookieJar, "cookies", "a corsspec.CookieJar or None")
    if top_level is not None and not isinstance(top_level, (Origin, str)):
        raise InvalidRequestError(
            "top_level", top_level, RequestProblem.BAD_ENUM_VALUE, "an origin or None"
        )
    top = request.origin if top_level is None else parse_origin(top_level)
    if third_party_cookies is None:
        policy = browser.third_party_cookies
    elif isinstance(third_party_cookies, ThirdPartyCookies):
        policy = third_party_cookies
    else:
        try:
            policy = ThirdPartyCookies(third_party_cookies)
        except ValueError:
            raise InvalidRequestError(
                "third_party_cookies",
                third_party_cookies,
                RequestProblem.BAD_ENUM_VALUE,
                f"known: {', '.join(p.value for p in ThirdPartyCookies)}",
            ) from None
    for name in needs:
        given: object = name  # callers may pass anything; the type is not a guarantee
        if not isinstance(given, str) or not given:
            raise InvalidRequestError(
                "needs_cookies", name, RequestProblem.BAD_ENUM_VALUE, "a cookie name"
            )
    session = _CookieSession(request, _responder(server), browser, jar, top, policy, now)
    evaluation = evaluate(request, session, browser=browser, cache=cache, now=now)
    sent = tuple(session.seen.get(id(r), r) for r in evaluation.sent)
    report = CookieReport(
        top_level=site_of(top),
        third_party_cookies=policy,
        hops=tuple(session.hops),
        jar=session.jar,
        needs=needs,
        ignored=tuple(session.ignored),
    )
    return attrs.evolve(evaluation, sent=sent, cookies=report)


class _Follow:
    """What changes from hop to hop while redirects are followed (Fetch: HTTP-redirect fetch)."""

    __slots__ = (
        "authorization_removed",
        "body",
        "body_headers_removed",
        "has_authorization",
        "headers",
        "method",
        "plan",
        "preflighted",
        "redirects",
        "request",
        "unsafe",
        "url_list",
    )

    def __init__(self, request: Request, plan: _Plan) -> None:
        self.request = request
        self.plan = plan
        self.method = request.method
        self.body = plan.body
        self.headers: HeaderPairs = plan.prepared.headers
        self.has_authorization = plan.has_authorization
        self.unsafe = plan.prepared.unsafe_names
        self.url_list: list[URL] = [request.url]
        self.redirects = 0
        self.preflighted = False
        # Whether a redirect so far removed the request-body headers / Authorization.
        self.body_headers_removed = False
        self.authorization_removed = False

    def redirect(
        self,
        hop: _Hop,
        response: Response,
        location: URL | bool,
        profile: BrowserProfile,
        log: StepLog | None = None,
    ) -> tuple[Reason | None, tuple[Note, ...]]:
        """HTTP-redirect fetch: check the redirect, then change the request for the next hop.

        Returns the reason the redirect fails (or None) and the notes it adds.
        """
        request = self.request
        reason = _redirect_failure(
            request, location, response, self.redirects, hop.tainting, profile, self.body, log
        )
        if reason is not None:
            if reason.code is ReasonCode.REDIRECT_INVALID_LOCATION and reason.value:
                # Never confidently wrong: a host the URL parser cannot map exactly.
                base = self.url_list[-1]
                if base.join_unsupported(reason.value):
                    note = Note(code=NoteCode.LOCATION_HOST_UNSUPPORTED, detail=reason.value)
                    return reason, (note,)
            return reason, ()
        assert isinstance(location, URL)  # _redirect_failure rejects the failure marker
        current = self.url_list[-1]
        self.redirects += 1
        self.preflighted = self.preflighted or hop.preflight_path
        notes: tuple[Note, ...] = (Note(code=NoteCode.REDIRECTED, detail=location.serialize()),)
        # Step 12: 301/302 turn POST into GET; 303 turns anything but GET/HEAD into GET.
        status = response.status
        method = self.method
        rewrites = (status in (301, 302) and method == "POST") or (
            status == 303 and method not in ("GET", "HEAD")
        )
        cross_origin = not current.origin.same_origin(location.origin)
        if rewrites:
            self.method = "GET"
            self.body = None
            notes += (Note(code=NoteCode.METHOD_REWRITTEN_TO_GET, detail=str(status)),)
        elif (
            profile.rewrites_delete_to_get_on_cross_origin_redirect
            and method == "DELETE"
            and cross_origin
        ):
            # Only the method changes; the request's headers stay (recorded: rnd-42-251).
            self.method = "GET"
            self.body = None
            notes += (Note(code=NoteCode.METHOD_REWRITTEN_TO_GET, detail=str(status)),)
        # Step 13: Authorization does not follow a cross-origin redirect.
        strips = profile.strips_authorization_on_cross_origin_redirect and cross_origin
        if strips and any(
            byte_lowercase(n) in CORS_NON_WILDCARD_REQUEST_HEADER_NAMES for n, _ in self.headers
        ):
            notes += (Note(code=NoteCode.AUTHORIZATION_REMOVED_ON_REDIRECT),)
        # Fetch removes both for good; some engines send them again after the next
        # redirect (the profile's restores_* fields), so the list is rebuilt each time.
        restores_body = profile.restores_body_headers_after_redirect and (
            not profile.restores_body_headers_on_cors_hops_only
            or (
                request.mode is Mode.CORS
                and (hop.tainting is _CORS or not request.origin.same_origin(location.origin))
            )
        )
        drop_body = rewrites or (self.body_headers_removed and not restores_body)
        drop_authorization = strips or (
            self.authorization_removed and not profile.restores_authorization_after_redirect
        )
        self.body_headers_removed = drop_body
        self.authorization_removed = drop_authorization
        plan = self.plan
        if drop_body or drop_authorization:
            headers = _without(
                plan.prepared.headers, body=drop_body, authorization=drop_authorization
            )
            self.unsafe = _unsafe_names(headers, request, profile)
        else:
            headers = plan.prepared.headers
            self.unsafe = plan.prepared.unsafe_names
        self.has_authorization = plan.has_authorization and not drop_authorization
        original = request.method
        if profile.wire_body_headers_follow_original_method and (
            (status in (301, 302) and original == "POST")
            or (status == 303 and original not in ("GET", "HEAD"))
        ):
            # The preflight lists them (self.unsafe), the request does not send them.
            headers = _without(headers, body=True, authorization=False)
        self.headers = headers
        origin = request.origin
        was_tainted = _redirect_tainted(origin, self.url_list)
        self.url_list.append(location)
        if not was_tainted and _redirect_tainted(origin, self.url_list):
            notes += (Note(code=NoteCode.ORIGIN_TAINTED_TO_NULL),)
        return None, notes

    def next_hop(self, hop: _Hop, profile: BrowserProfile) -> _Hop:
        """Main fetch runs again for the new URL (Fetch: HTTP-redirect fetch, last step)."""
        plan = self.plan
        pf_unsafe, pf_has_authorization = self.unsafe, self.has_authorization
        if profile.preflight_lists_original_headers:
            pf_unsafe, pf_has_authorization = plan.prepared.unsafe_names, plan.has_authorization
        return _hop(
            self.request,
            profile,
            url_list=self.url_list,
            tainting=hop.tainting,
            method=self.method,
            headers=self.headers,
            body=self.body,
            adds_accept=plan.prepared.adds_accept,
            forced=plan.forced,
            pf_unsafe=pf_unsafe,
            pf_has_authorization=pf_has_authorization,
            preflighted=self.preflighted
            or (profile.preflight_need_decided_at_start and plan.needs_preflight),
            last_origin_value=hop.origin_value,
        )


def _without(headers: HeaderPairs, *, body: bool, authorization: bool) -> HeaderPairs:
    """``headers`` minus the request-body headers and/or Authorization."""
    return tuple(
        (n, v)
        for n, v in headers
        if not (body and byte_lowercase(n) in REQUEST_BODY_HEADER_NAMES)
        and not (authorization and byte_lowercase(n) in CORS_NON_WILDCARD_REQUEST_HEADER_NAMES)
    )


def _unsafe_names(
    headers: HeaderPairs, request: Request, profile: BrowserProfile
) -> tuple[str, ...]:
    """CORS-unsafe names of a header list already prepared for the wire."""
    return prepare_headers(
        headers, api=request.api, content_type=None, profile=profile
    ).unsafe_names


def _origin_header(
    request: Request, tainting: ResponseType | None, method: str, serialized: str, current: URL
) -> str | None:
    """Fetch: append a request ``Origin`` header (returns the value, or None)."""
    if tainting is _CORS:
        return serialized
    if method in ("GET", "HEAD"):
        return None
    if (
        request.mode is not Mode.CORS
        and request.origin.scheme == "https"
        and current.scheme != "https"
    ):
        # Referrer policy strict-origin-when-cross-origin (the default): a downgrade
        # sends `null`.
        return "null"
    return serialized


def _cache_vouches(
    cache: PreflightCache, hop: _Hop, profile: BrowserProfile, forced: bool, now: float
) -> bool:
    """HTTP fetch step 2.1: whether the cache makes this hop's preflight unnecessary."""
    method = hop.method
    exempt = method in profile.cache_exempt_methods and (
        not forced or profile.cache_exempt_when_forced
    )
    key = hop.cache_key
    assert key is not None  # precondition: _hop builds it for a hop on the preflight path
    return cache._vouches(key, method, exempt, hop.pf_unsafe, now, profile)


class _PreflightStep:
    """What a CORS-preflight fetch did: the preflight and the server's answer, the
    failure (or None), the cache after it, and the notes it adds."""

    __slots__ = ("answer", "cache", "notes", "preflight", "reason")

    def __init__(
        self,
        preflight: Request,
        answer: Response,
        reason: Reason | None,
        cache: PreflightCache | None,
        notes: tuple[Note, ...] = (),
    ) -> None:
        self.preflight = preflight
        self.answer = answer
        self.reason = reason
        self.cache = cache
        self.notes = notes


def _preflight(
    respond: Callable[[Request], Response],
    profile: BrowserProfile,
    hop: _Hop,
    cache: PreflightCache | None,
    *,
    forced: bool,
    credentialed: bool,
    now: float,
    log: StepLog | None = None,
) -> _PreflightStep:
    """Fetch: CORS-preflight fetch, and what its result does to the cache."""
    method, unsafe = hop.method, hop.pf_unsafe
    key = hop.cache_key
    preflight = hop.preflight
    # Precondition: _hop built both for a hop on the preflight path.
    assert key is not None
    assert preflight is not None
    answer = _answer(respond, preflight)
    # With a log (Evaluation.steps) the checks run again, every step recorded.
    result = preflight_verdict(
        method=method,
        has_authorization=hop.pf_has_authorization,
        unsafe_names=unsafe,
        forced=forced,
        credentialed=credentialed,
        origin=key.origin,
        response=answer,
        profile=profile,
        cors_checked=not hop.pf_skips_cors_check,
        log=log,
    )
    if isinstance(result, Reason):
        # Fetch: main fetch step 12.2 — a failed preflight clears the cache entries.
        cleared = None if cache is None else cache.clear(key)
        return _PreflightStep(preflight, answer, result, cleared)
    notes = result.notes
    if cache is not None:
        if result.failure is not None and not profile.cache_stores_failed_preflight:
            cache = cache.clear(key)
        elif result.max_age is None or result.max_age <= 0:
            notes += (Note(code=NoteCode.PREFLIGHT_NOT_CACHED),)
            if profile.cache_replaces_entry or result.failure is not None:
                cache = cache.clear(key)
        else:
            cache = cache.store(
                key,
                methods=result.methods,
                header_names=result.header_names,
                max_age=result.max_age,
                now=now,
                profile=profile,
            )
    return _PreflightStep(preflight, answer, result.failure, cache, notes)


def _record_redirect_mode(log: StepLog, mode: RedirectMode) -> None:
    """Record HTTP fetch's "Switch on request's redirect mode" for one redirect."""
    passed = None if mode is _REDIRECT_MANUAL else mode is _REDIRECT_FOLLOW
    log.add(
        StepCode.REDIRECT_MODE, Stage.REDIRECT, passed, observed=mode.value, expected=("follow",)
    )


def _redirect_failure(
    request: Request,
    location: URL | bool,
    response: Response,
    redirects: int,
    tainting: ResponseType | None,
    profile: BrowserProfile,
    body: Body | None,
    log: StepLog | None = None,
) -> Reason | None:
    """Fetch: HTTP-redirect fetch, the checks that end in a network error.

    With ``log``, each check is recorded (those after a failure as skipped).
    """
    status = response.status
    stage = Stage.REDIRECT
    failure: Reason | None = None
    raw = (response.index.get("location") or [""])[0][:512]
    # "If locationURL is failure, then return a network error."
    if not isinstance(location, URL):
        failure = Reason(
            code=ReasonCode.REDIRECT_INVALID_LOCATION,
            stage=stage,
            header="location",
            value=raw,
            status=status,
        )
        if log is None:
            return failure
        log.add(StepCode.LOCATION, stage, False, header="location", observed=raw)
        for code in (
            StepCode.REDIRECT_SCHEME,
            StepCode.REDIRECT_COUNT,
            StepCode.REDIRECT_CREDENTIALS,
            StepCode.REDIRECT_BODY,
        ):
            log.add(code, stage, True)  # recorded as skipped: nothing to look at
        return failure
    if log is not None:
        log.add(StepCode.LOCATION, stage, True, header="location", observed=raw)
    serialized = location.serialize()[:512]
    # "If locationURL's scheme is not an HTTP(S) scheme, then return a network error."
    if not location.is_http:
        failure = Reason(
            code=ReasonCode.REDIRECT_NON_HTTP_SCHEME, stage=stage, value=serialized, status=status
        )
        if log is None:
            return failure
    if log is not None:
        log.add(StepCode.REDIRECT_SCHEME, stage, location.is_http, observed=serialized)
    # "If request's redirect count is 20, then return a network error." (The limit is
    # a profile field.)
    too_many = redirects >= profile.max_redirects
    if too_many and failure is None:
        failure = Reason(
            code=ReasonCode.REDIRECT_TOO_MANY,
            stage=stage,
            value=str(redirects),
            expected=str(profile.max_redirects),
            status=status,
        )
        if log is None:
            return failure
    if log is not None:
        log.add(
            StepCode.REDIRECT_COUNT,
            stage,
            not too_many,
            observed=str(redirects),
            expected=(str(profile.max_redirects),),
        )
    # "If request's mode is "cors", locationURL includes credentials, and request's
    # origin is not same origin with locationURL's origin, then return a network
    # error." and "If request's response tainting is "cors" and locationURL includes
    # credentials, then return a network error."
    credentials = location.includes_credentials and (
        (request.mode is Mode.CORS and not request.origin.same_origin(location.origin))
        or tainting is _CORS
    )
    if credentials and failure is None:
        failure = Reason(
            code=ReasonCode.REDIRECT_HAS_CREDENTIALS, stage=stage, value=serialized, status=status
        )
        if log is None:
            return failure
    if log is not None:
        log.add(StepCode.REDIRECT_CREDENTIALS, stage, not credentials, observed=serialized)
    # "If internalResponse's status is not 303, request's body is non-null, and
    # request's body's source is null, then return a network error."
    stream = status != 303 and body is not None and body.kind is BodyKind.STREAM
    if stream and failure is None:
        failure = Reason(code=ReasonCode.REDIRECT_STREAM_BODY, stage=stage, status=status)
    if log is not None:
        log.add(
            StepCode.REDIRECT_BODY,
            stage,
            not stream,
            observed=None if body is None else body.kind.value,
        )
    return failure

"""When a preflight is sent, what it carries, and whether its answer lets the request go.

Fetch sections: main fetch step 12 (the preflight decision), CORS-preflight fetch
(https://fetch.spec.whatwg.org/#cors-preflight-fetch), and the header-list work the
browser does before that: dropping forbidden request-headers, combining XHR headers,
adding the body's default ``Content-Type`` and the default ``Accept``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from corsspec.engine._memo import remember
from corsspec.engine.browsers import (
    CHROMIUM,
    BrowserLike,
    BrowserProfile,
    MaxAgeOverflow,
    PreflightCheckOrder,
    StreamBodySupport,
    to_profile,
)
from corsspec.engine.check import clip, cors_check
from corsspec.engine.headers import (
    FAILURE,
    HeaderNameSet,
    HeaderPairs,
    byte_lowercase,
    extract_list_values,
    get,
)
from corsspec.engine.model import (
    Api,
    Body,
    BodyKind,
    Mode,
    Request,
    Response,
    default_content_type,
    require,
    wire_request,
)
from corsspec.engine.reasons import Note, NoteCode, Reason, ReasonCode, Stage
from corsspec.engine.safelist import (
    CORS_NON_WILDCARD_REQUEST_HEADER_NAMES,
    CORS_SAFELISTED_METHODS,
    SafelistRecorder,
    SafelistRule,
    cors_unsafe_request_header_names,
    is_cors_safelisted_method,
    is_forbidden_header_key,
    is_no_cors_safelisted_request_header,
)
from corsspec.engine.steps import Step, StepCode, StepLog
from corsspec.engine.url import URL
from corsspec.errors import ScriptError, ScriptProblem

__all__ = [
    "PreflightResult",
    "PreparedHeaders",
    "check_preflight_response",
    "is_cors_preflight_request",
    "needs_preflight",
    "parse_max_age",
    "preflight_request",
    "preflight_verdict",
    "prepare_headers",
    "request_steps",
    "unsafe_header_names",
]


def __dir__() -> list[str]:
    return __all__


# Mode `cors`, credentials `omit`, no body: what every preflight carries (Fetch:
# CORS-preflight fetch step 1; Chromium sets credentials mode omit explicitly).
_PREFLIGHT_TEMPLATE = Request(
    method="OPTIONS", url="http://preflight.invalid/", origin="null", credentials="omit"
)

#: Fetch: redirect status.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACAM = "access-control-allow-methods"
ACAH = "access-control-allow-headers"
ACMA = "access-control-max-age"


@attrs.frozen(kw_only=True)
class PreparedHeaders:
    """The request's header list as the browser holds it when CORS decisions are made."""

    #: Headers that go on the wire (forbidden ones dropped, XHR-combined, Content-Type
    #: added for the body), in order, without ``Accept``/``Origin``.
    headers: HeaderPairs
    #: Names script set that the browser silently dropped (byte-lowercase, sorted).
    dropped: tuple[str, ...]
    #: Whether the UA appends ``Accept: */*`` (script set none).
    adds_accept: bool
    #: Fetch: CORS-unsafe request-header names of the list (sorted, lowercase, unique).
    unsafe_names: tuple[str, ...]


def is_cors_preflight_request(method: str, headers: Sequence[tuple[str, str]]) -> bool:
    """Fetch, "CORS-preflight request": a CORS request (one that "includes an `Origin`
    header") that "uses `OPTIONS` as method and includes the following header:
    `Access-Control-Request-Method`".

    The one definition: the engine, the policy and the HAR adapter all ask this.
    """
    if method != "OPTIONS":
        return False
    has_origin = has_acrm = False
    for name, _ in headers:
        lowered = byte_lowercase(name)
        if lowered == "origin":
            has_origin = True
        elif lowered == "access-control-request-method":
            has_acrm = True
    return has_origin and has_acrm


def _combine(pairs: Sequence[tuple[str, str]]) -> HeaderPairs:
    """Fetch: header list "combine" for every name (first casing and position kept)."""
    order: list[str] = []
    names: dict[str, str] = {}
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        key = byte_lowercase(name)
        if key not in values:
            order.append(key)
            names[key] = name
            values[key] = [value]
        else:
            values[key].append(value)
    return tuple((names[k], ", ".join(values[k])) for k in order)


def prepare_headers(
    headers: HeaderPairs,
    *,
    api: Api,
    content_type: str | None,
    profile: BrowserProfile,
    no_cors: bool = False,
    record: SafelistRecorder | None = None,
) -> PreparedHeaders:
    """Build the header list the browser will send, and its CORS-unsafe names.

    Steps: drop forbidden request-headers (``Headers``' "request" guard, XHR
    setRequestHeader), combine same-name headers for XHR (XHR: setRequestHeader uses
    "combine"), append the body's Content-Type if script set none (Fetch: Request
    constructor), then compute CORS-unsafe request-header names including the
    UA-added ``Accept: */*`` (Fetch: fetch step 12) when the profile counts it.
    ``record`` hears every safelist judgement (see
    :data:`~corsspec.engine.safelist.SafelistRecorder`).
    """
    kept: list[tuple[str, str]] = []
    lowered: set[str] = set()  # byte-lowercased names of what is kept
    dropped: set[str] = set()
    combined: dict[str, str] = {}
    for name, value in headers:
        key = byte_lowercase(name)
        if is_forbidden_header_key(key, value):
            dropped.add(key)
            continue
        if no_cors:
            # Headers guard "request-no-cors": append only if the combined value would
            # still be a no-CORS-safelisted request-header; Range is never kept.
            joined = value if key not in combined else f"{combined[key]}, {value}"
            if not is_no_cors_safelisted_request_header(name, joined):
                dropped.add(key)
                continue
            combined[key] = joined
        kept.append((name, value))
        lowered.add(key)
    # XHR's combine keeps one line per name, so the set of names stays the same.
    wire: HeaderPairs = _combine(kept) if api is Api.XHR else tuple(kept)
    if (
        content_type is not None
        and "content-type" not in lowered
        and not (
            no_cors
            and profile.no_cors_guards_body_content_type
            and not is_no_cors_safelisted_request_header("Content-Type", content_type)
        )
    ):
        # Request constructor: append the body's Content-Type, through the same guard
        # as script's headers (request-no-cors keeps only safelisted values).
        wire = (*wire, ("Content-Type", content_type))
    adds_accept = "accept" not in lowered
    judged: Sequence[tuple[str, str]] = wire
    if profile.combines_duplicate_request_headers and len(lowered) != len(wire):
        judged = _combine(wire)
    if adds_accept and profile.counts_default_accept:
        judged = (*judged, ("Accept", "*/*"))
    unsafe = cors_unsafe_request_header_names(judged, profile.safelist_rules, record)
    return PreparedHeaders(
        headers=wire, dropped=tuple(sorted(dropped)), adds_accept=adds_accept, unsafe_names=unsafe
    )


def effective_body(request: Request, profile: BrowserProfile) -> Body | None:
    """The body the browser actually sends for ``request`` under ``profile``.

    XHR drops the body of GET and HEAD. A ReadableStream body is streamed (Fetch; then
    ``no-cors`` mode is a TypeError), stringified, or refused, depending on the engine.

    :raises ScriptError: the engine throws synchronously for this body.
    """
    body = request.body
    if body is None:
        return None
    if request.api is Api.XHR and request.method in ("GET", "HEAD"):
        return None
    if body.kind is BodyKind.STREAM:
        support = profile.stream_body
        if support is StreamBodySupport.STRINGIFIED:
            return Body.text("[object ReadableStream]")
        if support is StreamBodySupport.UNSUPPORTED:
            raise ScriptError(
                ScriptProblem.STREAM_BODY_NOT_SUPPORTED,
                "ReadableStream",
                f"{profile.name} does not support streaming request bodies",
            )
        if request.mode is Mode.NO_CORS:
            raise ScriptError(
                ScriptProblem.STREAM_BODY_REQUIRES_CORS_OR_SAME_ORIGIN,
                request.mode.value,
                "a ReadableStream body needs mode 'cors' or 'same-origin'",
            )
    return body


def uses_cors_preflight_flag(request: Request, body: Body | None) -> bool:
    """Fetch: use-CORS-preflight flag (XHR upload listener, or a ReadableStream body)."""
    if request.api is Api.XHR:
        return request.upload_listener
    return body is not None and body.kind is BodyKind.STREAM


def _prepared(request: Request, profile: BrowserProfile) -> PreparedHeaders:
    return prepare_headers(
        request.headers,
        api=request.api,
        content_type=default_content_type(effective_body(request, profile)),
        profile=profile,
        no_cors=request.mode is Mode.NO_CORS,
    )


def _arguments(request: object, browser: object) -> BrowserProfile:
    """Boundary check of a public function's (request, browser); the profile.

    :raises InvalidRequestError: not a Request, or not a profile or profile name.
    """
    if type(request) is not Request:
        require(request, Request, "request", "a corsspec.Request")
    return browser if type(browser) is BrowserProfile else to_profile(browser)


def unsafe_header_names(request: Request, browser: BrowserLike = CHROMIUM) -> tuple[str, ...]:
    """Fetch: CORS-unsafe request-header names of the request as the browser sends it.

    Sorted, byte-lowercase and de-duplicated: exactly what goes into
    ``Access-Control-Request-Headers``.

    :raises InvalidRequestError: ``request`` or ``browser`` is not what it should be.
    """
    return _prepared(request, _arguments(request, browser)).unsafe_names


def needs_preflight(request: Request, browser: BrowserLike = CHROMIUM) -> bool:
    """Fetch: main fetch step 12 — whether a CORS-preflight request is required.

    True for a cross-origin ``cors``-mode request with the use-CORS-preflight flag, a
    method that is not CORS-safelisted, or any CORS-unsafe request-header name. A cache
    may still make the browser skip it (see :func:`corsspec.evaluate`).

    :raises InvalidRequestError: ``request`` or ``browser`` is not what it should be.
    """
    browser = _arguments(request, browser)
    return _classify(request, browser, None)


def request_steps(request: Request, browser: BrowserProfile = CHROMIUM) -> tuple[Step, ...]:
    """The steps of :func:`needs_preflight`, each judgement recorded.

    One step for the use-CORS-preflight flag (when set), one for the method, and one per
    header judged by the CORS-safelisted request-header rules (with the rule broken and
    what broke it), plus one per header the 1024-byte budget makes unsafe. Empty when
    the question does not arise (same-origin, not ``cors`` mode, not HTTP(S)).
    """
    log = StepLog()
    _classify(request, browser, log)
    return tuple(log.steps)


def _classify(request: Request, browser: BrowserProfile, log: StepLog | None) -> bool:
    """:func:`needs_preflight`; with ``log``, every judgement is recorded."""
    # Main fetch: "request's mode is "cors"" and the request is cross-origin; a scheme
    # that is not HTTP(S) never gets this far (it fails or answers itself).
    if request.mode is not Mode.CORS or not request.is_cross_origin:
        return False
    if not request.url.is_http:
        return False
    stage = Stage.REQUEST
    forced = uses_cors_preflight_flag(request, effective_body(request, browser))
    safelisted = is_cors_safelisted_method(request.method)
    if log is None:
        if forced or not safelisted:
            return True
        return bool(_prepared(request, browser).unsafe_names)
    if forced:
        flag = "upload-listener" if request.api is Api.XHR else "stream-body"
        log.add(StepCode.PREFLIGHT_FLAG, stage, False, observed=flag, stops=False)
    log.add(
        StepCode.METHOD_SAFELISTED,
        stage,
        safelisted,
        subject=request.method,
        observed=request.method,
        expected=tuple(sorted(CORS_SAFELISTED_METHODS)),
        stops=False,
    )

    def record(name: str, value: str, rule: SafelistRule | None, detail: str | None) -> None:
        log.add(
            StepCode.HEADER_SAFELISTED,
            stage,
            rule is None,
            header=name,
            subject=byte_lowercase(name),
            observed=value,
            rule=rule,
            detail=detail,
            stops=False,
        )

    prepared = prepare_headers(
        request.headers,
        api=request.api,
        content_type=default_content_type(effective_body(request, browser)),
        profile=browser,
        no_cors=False,  # only cors-mode requests get here
        record=record,
    )
    return forced or not safelisted or bool(prepared.unsafe_names)


def build_preflight(
    url: URL, request: Request, *, method: str, unsafe_names: Sequence[str], origin_header: str
) -> Request:
    """Fetch: CORS-preflight fetch steps 1-4 — the OPTIONS request for ``request`` at ``url``.

    Only ``Accept``, ``Access-Control-Request-Method``, ``Access-Control-Request-Headers``
    (when there are CORS-unsafe names) and ``Origin`` are set; credentials are omitted.
    """
    headers: list[tuple[str, str]] = [
        ("Accept", "*/*"),
        ("Access-Control-Request-Method", method),
    ]
    if unsafe_names:
        # Joined with "," and no space: deliberately not "combine" (Fetch note).
        headers.append(("Access-Control-Request-Headers", ",".join(unsafe_names)))
    headers.append(("Origin", origin_header))
    return wire_request(
        method="OPTIONS",
        url=url,
        origin=request.origin,
        headers=tuple(headers),
        like=_PREFLIGHT_TEMPLATE,
        body=None,
    )


def preflight_request(request: Request, browser: BrowserLike = CHROMIUM) -> Request | None:
    """The preflight the browser sends for ``request`` (None when none is needed).

    Ignores any preflight cache; see :func:`corsspec.evaluate` for cache-aware results.

    :raises InvalidRequestError: ``request`` or ``browser`` is not what it should be.
    """
    browser = _arguments(request, browser)
    if not needs_preflight(request, browser):
        return None
    origin = request.origin.serialize()
    return build_preflight(
        request.url,
        request,
        method=request.method,
        unsafe_names=_prepared(request, browser).unsafe_names,
        origin_header=origin,
    )


def _delta_seconds(digits: str, profile: BrowserProfile) -> int | None:
    """The integer an engine reads from ASCII ``digits``, or None if its parse fails.

    Bounded before conversion: leading zeros do not count (the engines' parsers
    accumulate them as zero), and ``int()`` is only ever given at most as many digits as
    ``profile.max_age_parse_limit`` has, so no length of server data makes it raise. A
    value beyond the limit saturates at the limit plus one (so that the cap still
    applies and is reported) or fails to parse, as that engine's integer parser does.
    """
    significant = digits.lstrip("0")
    limit = profile.max_age_parse_limit
    if len(significant) <= len(str(limit)):
        value = int(significant) if significant else 0
        if value <= limit:
            return value
    if profile.max_age_overflow is MaxAgeOverflow.SATURATE:
        return limit + 1
    return None


def parse_max_age(
    index: Mapping[str, Sequence[str]], profile: BrowserProfile
) -> tuple[int | None, tuple[Note, ...]]:
    """Fetch: CORS-preflight fetch step 7 — seconds to cache, or None for "do not cache".

    ``delta-seconds`` (one header line of ASCII digits); absent means the default (5 s);
    invalid means the default or, for some engines, not cached; then "If max-age is
    greater than an imposed limit on max-age, then set max-age to the imposed limit"
    (https://fetch.spec.whatwg.org/#cors-preflight-fetch). A value too large for the
    engine's integer parser is read as that parser reads it (``max_age_parse_limit``,
    ``max_age_overflow``).
    """
    lines = index.get(ACMA)
    if lines is None:
        return profile.max_age_default, ()
    raw = lines[0] if len(lines) == 1 else ", ".join(lines)
    value: int | None = None
    if len(lines) == 1 and raw.isascii() and raw.isdigit():
        value = _delta_seconds(raw, profile)
    elif (
        len(lines) == 1
        and profile.negative_max_age_is_zero
        and raw.startswith("-")
        and raw[1:].isascii()
        and raw[1:].isdigit()
    ):
        # A negative value the parser holds is read as 0; one beyond it fails to parse.
        value = None if _delta_seconds(raw[1:], profile) is None else 0
    if value is None:
        note = Note(code=NoteCode.MAX_AGE_INVALID, detail=clip(raw))
        if profile.invalid_max_age_uses_default:
            return profile.max_age_default, (note,)
        return None, (note,)
    cap = profile.max_age_cap
    if value > profile.max_age_parse_limit:
        # Saturated: the largest value the engine holds, then its cap.
        limit = profile.max_age_parse_limit
        clamped = limit if cap is None else min(cap, limit)
        return clamped, (Note(code=NoteCode.MAX_AGE_CLAMPED, detail=clip(raw)),)
    if cap is not None and value > cap:
        return cap, (Note(code=NoteCode.MAX_AGE_CLAMPED, detail=clip(raw)),)
    return value, ()


@attrs.frozen(kw_only=True)
class PreflightResult:
    """What a successful preflight allows: its methods, header names and lifetime."""

    methods: tuple[str, ...]
    header_names: tuple[str, ...]
    #: Seconds to cache (None: the engine does not cache this answer).
    max_age: int | None
    notes: tuple[Note, ...] = ()
    #: Set when the answer parsed but refused the method or a header (Fetch steps
    #: 7.4-7.6); some engines still cache what it allowed.
    failure: Reason | None = None


def _status_reason(status: int) -> Reason | None:
    if 200 <= status <= 299:
        return None
    return Reason(code=ReasonCode.PREFLIGHT_STATUS_NOT_OK, stage=Stage.PREFLIGHT, status=status)


def _status_step(status: int, redirect: bool, log: StepLog | None) -> Reason | None:
    """The ok-status check of a preflight's answer, recorded in ``log`` when given."""
    reason = _status_reason(status)
    if log is not None:
        log.add(
            StepCode.STATUS,
            Stage.PREFLIGHT,
            reason is None,
            observed=str(status),
            detail="redirect" if redirect else None,
        )
    return reason


def check_preflight_response(
    *,
    method: str,
    has_authorization: bool,
    unsafe_names: tuple[str, ...],
    forced: bool,
    credentialed: bool,
    origin: str,
    response: Response,
    profile: BrowserProfile,
) -> Reason | PreflightResult:
    """Fetch: CORS-preflight fetch steps 7-10 — judge the answer to a preflight.

    ``method``, ``has_authorization`` (an Authorization header is in the header list)
    and ``unsafe_names`` describe the actual request, ``forced`` is its
    use-CORS-preflight flag, ``origin`` its byte-serialized origin. Returns the first
    failing step's reason, or what the preflight allows.
    """
    result = preflight_verdict(
        method=method,
        has_authorization=has_authorization,
        unsafe_names=unsafe_names,
        forced=forced,
        credentialed=credentialed,
        origin=origin,
        response=response,
        profile=profile,
    )
    if isinstance(result, PreflightResult) and result.failure is not None:
        return result.failure
    return result


def preflight_verdict(
    *,
    method: str,
    has_authorization: bool,
    unsafe_names: tuple[str, ...],
    forced: bool,
    credentialed: bool,
    origin: str,
    response: Response,
    profile: BrowserProfile,
    cors_checked: bool = True,
    log: StepLog | None = None,
) -> Reason | PreflightResult:
    """Fetch: CORS-preflight fetch steps 7-10, keeping what a refused answer allowed.

    Like :func:`check_preflight_response`, except that a failure of the method or
    header rules comes back as a :class:`PreflightResult` whose ``failure`` is set,
    since some engines cache such an answer anyway.

    ``method``, ``has_authorization`` (an Authorization header is in the header list)
    and ``unsafe_names`` describe the actual request, ``forced`` is its
    use-CORS-preflight flag, ``origin`` its byte-serialized origin. Returns the first
    failing step's reason, or what the preflight allows. The verdict for one response
    and one set of inputs is computed once and kept with the response; with ``log``
    it is computed again, every check recorded (see :class:`~corsspec.engine.steps.StepLog`).
    ``cors_checked`` False leaves out the CORS check of step 7 (an engine quirk, see
    ``BrowserProfile.same_origin_preflight_skips_cors_check``); the status check stays.
    """
    key = (
        "preflight",
        cors_checked,
        method,
        has_authorization,
        unsafe_names,
        forced,
        credentialed,
        origin,
        profile,
    )
    memo = response._memo
    result = None if log is not None else memo.get(key)
    if result is None:
        result = _check_preflight(
            method=method,
            has_authorization=has_authorization,
            unsafe_names=unsafe_names,
            forced=forced,
            credentialed=credentialed,
            origin=origin,
            status=response.status,
            index=response.index,
            profile=profile,
            cors_checked=cors_checked,
            log=log,
        )
        remember(memo, key, result)
    return result


def _check_preflight(
    *,
    method: str,
    has_authorization: bool,
    unsafe_names: Sequence[str],
    forced: bool,
    credentialed: bool,
    origin: str,
    status: int,
    index: Mapping[str, Sequence[str]],
    profile: BrowserProfile,
    cors_checked: bool = True,
    log: StepLog | None = None,
) -> Reason | PreflightResult:
    """The preflight-response checks; with ``log``, every check is recorded in order
    (those after the first failure as skipped) and the verdict is the same."""
    stage = Stage.PREFLIGHT
    # "If a CORS check for request and response returns success and response's status
    # is an ok status": engines report redirects first, and differ on which of the
    # two they report first.
    redirect = status in REDIRECT_STATUSES and profile.preflight_redirect_is_distinct
    if redirect and "location" in index:
        # Network stacks treat a 3xx as a redirect only when it has a Location.
        redirected = Reason(code=ReasonCode.PREFLIGHT_REDIRECT, stage=stage, status=status)
        if log is None:
            return redirected
        first: Reason | None = redirected
        log.add(StepCode.STATUS, stage, False, observed=str(status), detail="redirect")
        if cors_checked:
            cors_check(index, origin=origin, credentialed=credentialed, stage=stage, log=log)
    elif not cors_checked:
        # The engine skips the CORS check here (same_origin_preflight_skips_cors_check):
        # nothing to record for it; the status check is the only one.
        first = _status_step(status, redirect, log)
    elif profile.preflight_check_order is PreflightCheckOrder.STATUS_FIRST:
        first = _status_step(status, redirect, log)
        if first is None or log is not None:
            cors = cors_check(index, origin=origin, credentialed=credentialed, stage=stage, log=log)
            first = first or cors
    else:
        first = cors_check(index, origin=origin, credentialed=credentialed, stage=stage, log=log)
        if first is None or log is not None:
            status_failure = _status_step(status, redirect, log)  # recorded even if skipped
            first = first or status_failure
    if first is not None and log is None:
        return first

    # "Let methods be the result of extracting header list values given
    # `Access-Control-Allow-Methods` and response's header list. Let headerNames be the
    # result of extracting header list values given `Access-Control-Allow-Headers` and
    # response's header list. If either methods or headerNames is failure, return a
    # network error."
    methods = extract_list_values(index, ACAM)
    raw_acam = get(index, ACAM)
    if log is not None:
        log.add(StepCode.ACAM_PARSE, stage, methods is not FAILURE, header=ACAM, observed=raw_acam)
    if methods is FAILURE and first is None:
        first = Reason(
            code=ReasonCode.ACAM_INVALID, stage=stage, header=ACAM, value=clip(raw_acam or "")
        )
        if log is None:
            return first
    header_items = extract_list_values(index, ACAH)
    raw_acah = get(index, ACAH)
    if log is not None:
        log.add(
            StepCode.ACAH_PARSE, stage, header_items is not FAILURE, header=ACAH, observed=raw_acah
        )
    if header_items is FAILURE and first is None:
        first = Reason(
            code=ReasonCode.ACAH_INVALID, stage=stage, header=ACAH, value=clip(raw_acah or "")
        )
        if log is None:
            return first
    method_list: list[str] = methods if isinstance(methods, list) else []
    # "If methods is null and request's use-CORS-preflight flag is set, then set methods
    # to a new list containing request's method."
    if methods is None and forced and profile.forced_preflight_allows_own_method:
        method_list = [method]
    allowed_headers = HeaderNameSet.from_items(
        header_items if isinstance(header_items, list) else []
    )
    notes: list[Note] = []
    # Max-age (computed first, so a refused answer can still report what it allowed).
    max_age, age_notes = parse_max_age(index, profile)
    notes.extend(age_notes)
    header_list = sorted(allowed_headers.names)
    if allowed_headers.wildcard:
        header_list.insert(0, "*")
    failure = _allow_list_failure(
        method,
        method_list,
        allowed_headers,
        has_authorization,
        unsafe_names,
        credentialed,
        profile,
        notes,
        log,
        raw_acam,
        raw_acah,
    )
    if log is not None:
        log.add(StepCode.MAX_AGE, stage, None, header=ACMA, observed=get(index, ACMA))
        if first is not None:
            return first
    return PreflightResult(
        methods=tuple(method_list),
        header_names=tuple(header_list),
        max_age=max_age,
        notes=tuple(notes),
        failure=failure,
    )


def _allow_list_failure(
    method: str,
    method_list: list[str],
    allowed_headers: HeaderNameSet,
    has_authorization: bool,
    unsafe_names: Sequence[str],
    credentialed: bool,
    profile: BrowserProfile,
    notes: list[Note],
    log: StepLog | None = None,
    raw_acam: str | None = None,
    raw_acah: str | None = None,
) -> Reason | None:
    """Fetch: CORS-preflight fetch, the method and header-name checks.

    With ``log`` every check is recorded (``raw_acam``/``raw_acah`` are the values
    read) and the first failure is still the one returned.
    """
    stage = Stage.PREFLIGHT
    failure: Reason | None = None
    # "If request's method is not in methods, request's method is not a CORS-safelisted
    # method, and request's credentials mode is "include" or methods does not contain
    # `*`, then return a network error."
    safelisted = is_cors_safelisted_method(method)
    if method not in method_list and not safelisted and (credentialed or "*" not in method_list):
        failure = Reason(
            code=ReasonCode.METHOD_NOT_ALLOWED,
            stage=stage,
            header=ACAM,
            value=method,
            expected=method,
        )
        if log is None:
            return failure
    if log is not None:
        log.add(
            StepCode.METHOD,
            stage,
            failure is None,
            header=ACAM,
            subject=method,
            observed=raw_acam,
            expected=(method,),
            detail="safelisted" if safelisted else None,
        )

    # "If one of request's header list's names is a CORS non-wildcard request-header
    # name and is not a byte-case-insensitive match for an item in headerNames, then
    # return a network error." All three engines still let `*` cover it.
    if has_authorization:
        passed = "authorization" in allowed_headers.names
        if (
            not passed
            and profile.authorization_covered_by_wildcard
            and allowed_headers.allows("authorization", credentialed=credentialed)
        ):
            passed = True
            if failure is None:
                notes.append(Note(code=NoteCode.AUTHORIZATION_COVERED_BY_WILDCARD))
        if log is not None:
            log.add(
                StepCode.HEADER,
                stage,
                passed,
                header=ACAH,
                subject="authorization",
                observed=raw_acah,
                expected=("authorization",),
            )
        if not passed and failure is None:
            failure = Reason(
                code=ReasonCode.HEADER_NOT_ALLOWED,
                stage=stage,
                header=ACAH,
                value="authorization",
                expected="authorization",
            )
            if log is None:
                return failure

    # "For each unsafeName of the CORS-unsafe request-header names with request's
    # header list: if unsafeName is not a byte-case-insensitive match for an item in
    # headerNames and request's credentials mode is "include" or headerNames does not
    # contain `*`, return a network error."
    for name in unsafe_names:
        if name in CORS_NON_WILDCARD_REQUEST_HEADER_NAMES:
            continue  # judged above
        passed = allowed_headers.allows(name, credentialed=credentialed)
        if log is not None:
            log.add(
                StepCode.HEADER,
                stage,
                passed,
                header=ACAH,
                subject=name,
                observed=raw_acah,
                expected=(name,),
            )
        if not passed and failure is None:
            failure = Reason(
                code=ReasonCode.HEADER_NOT_ALLOWED,
                stage=stage,
                header=ACAH,
                value=name,
                expected=name,
            )
            if log is None:
                return failure
    return failure

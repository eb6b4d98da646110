"""The trace: every check in the order the browser runs it, observed and expected values."""

from __future__ import annotations

import enum
import sys

import attrs

from corsspec.engine.browsers import BrowserProfile, PreflightCheckOrder
from corsspec.engine.fetch import Evaluation, is_preflight
from corsspec.engine.headers import FAILURE, HeaderNameSet, byte_lowercase, extract_list_values, get
from corsspec.engine.model import Credentials, Mode, Request, Response
from corsspec.engine.preflight import (
    REDIRECT_STATUSES,
    effective_body,
    uses_cors_preflight_flag,
)
from corsspec.engine.reasons import NoteCode, Reason, ReasonCode, Stage
from corsspec.engine.safelist import (
    CORS_NON_WILDCARD_REQUEST_HEADER_NAMES,
    is_cors_safelisted_method,
)
from corsspec.explain._common import (
    ACAC,
    ACAH,
    ACAM,
    ACAO,
    ACMA,
    ACRH,
    ACRM,
)
from corsspec.explain.causes import (
    CauseCode,
    PreflightCause,
    preflight_causes,
)
from corsspec.explain.messages import (
    _R,
    _header_value,
    _location_target,
)

__all__ = ["Check", "CheckCode", "Outcome", "check_for_reason", "trace"]


def __dir__() -> list[str]:
    return __all__


if sys.version_info >= (3, 11):
    from typing import assert_never
else:  # pragma: no cover - Python 3.10
    from typing import NoReturn

    def assert_never(value: NoReturn, /) -> NoReturn:
        """Exhaustiveness check: mypy reports any call it can reach."""
        raise AssertionError(f"unhandled value: {value!r}")


# ---------------------------------------------------------------------------------------
# Trace
# ---------------------------------------------------------------------------------------


class Outcome(enum.Enum):
    """How one check came out."""

    PASS = "pass"
    FAIL = "fail"
    #: Not run by the browser: an earlier check failed (observed/expected still shown).
    SKIPPED = "skipped"
    #: A fact, not a pass/fail step (what was decided, what script can read).
    INFO = "info"


class CheckCode(enum.Enum):
    """The checks a browser runs, named after the Fetch Standard's steps."""

    MODE = "mode"
    SCHEME = "scheme"
    MIXED_CONTENT = "mixed-content"
    LOCAL_NETWORK = "local-network"
    PREFLIGHT_NEEDED = "preflight-needed"
    PREFLIGHT_CACHE = "preflight-cache"
    STATUS = "status"
    ACAO = "acao"
    ACAC = "acac"
    ACAM_PARSE = "acam-parse"
    ACAH_PARSE = "acah-parse"
    METHOD = "method"
    HEADER = "header"
    MAX_AGE = "max-age"
    REDIRECT_MODE = "redirect-mode"
    REDIRECT_COUNT = "redirect-count"
    LOCATION = "location"
    REDIRECT_SCHEME = "redirect-scheme"
    REDIRECT_CREDENTIALS = "redirect-credentials"
    REDIRECT_BODY = "redirect-body"
    EXPOSE = "expose"
    #: Requests left out of a long trace (a redirect loop); ``observed`` says how many.
    ELIDED = "elided"


@attrs.frozen(kw_only=True)
class Check:
    """One step of the trace: which check, on which response, and how it came out."""

    code: CheckCode
    stage: Stage
    outcome: Outcome
    #: What was looked at, as received ("(absent)" when missing).
    observed: str | None = None
    #: What would pass.
    expected: str | None = None
    #: The header name a per-header check is about.
    subject: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """Stable machine-readable form."""
        return {
            "check": self.code.value,
            "stage": self.stage.value,
            "outcome": self.outcome.value,
            "subject": self.subject,
            "observed": self.observed,
            "expected": self.expected,
        }


def check_for_reason(code: ReasonCode) -> CheckCode:
    """The trace check that fails for a reason code."""
    match code:
        case ReasonCode.DISALLOWED_BY_MODE | ReasonCode.NO_CORS_REDIRECT_NOT_FOLLOW:
            return CheckCode.MODE
        case ReasonCode.CORS_DISABLED_SCHEME:
            return CheckCode.SCHEME
        case ReasonCode.MIXED_CONTENT:
            return CheckCode.MIXED_CONTENT
        case ReasonCode.HEADER_NOT_EXPOSED:
            return CheckCode.EXPOSE
        case (
            ReasonCode.LOCAL_NETWORK_INSECURE_CONTEXT
            | ReasonCode.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH
            | ReasonCode.LOCAL_NETWORK_PERMISSION_DENIED
            | ReasonCode.LOCAL_NETWORK_PERMISSION_REQUIRED
        ):
            return CheckCode.LOCAL_NETWORK
        case ReasonCode.PREFLIGHT_REDIRECT | ReasonCode.PREFLIGHT_STATUS_NOT_OK:
            return CheckCode.STATUS
        case ReasonCode.ACAM_INVALID:
            return CheckCode.ACAM_PARSE
        case ReasonCode.ACAH_INVALID:
            return CheckCode.ACAH_PARSE
        case ReasonCode.METHOD_NOT_ALLOWED:
            return CheckCode.METHOD
        case ReasonCode.HEADER_NOT_ALLOWED:
            return CheckCode.HEADER
        case (
            ReasonCode.ACAO_MISSING
            | ReasonCode.ACAO_MULTIPLE
            | ReasonCode.ACAO_INVALID
            | ReasonCode.ACAO_MISMATCH
            | ReasonCode.ACAO_WILDCARD_WITH_CREDENTIALS
        ):
            return CheckCode.ACAO
        case ReasonCode.ACAC_NOT_TRUE:
            return CheckCode.ACAC
        case ReasonCode.REDIRECT_MODE_ERROR:
            return CheckCode.REDIRECT_MODE
        case ReasonCode.REDIRECT_TOO_MANY:
            return CheckCode.REDIRECT_COUNT
        case ReasonCode.REDIRECT_HAS_CREDENTIALS:
            return CheckCode.REDIRECT_CREDENTIALS
        case ReasonCode.REDIRECT_INVALID_LOCATION:
            return CheckCode.LOCATION
        case ReasonCode.REDIRECT_NON_HTTP_SCHEME:
            return CheckCode.REDIRECT_SCHEME
        case ReasonCode.REDIRECT_STREAM_BODY:
            return CheckCode.REDIRECT_BODY
        case _:
            assert_never(code)


_ABSENT = "(absent)"
#: What the Local Network Access check wanted, per reason.
_LOCAL_NETWORK_EXPECTED = {
    ReasonCode.LOCAL_NETWORK_INSECURE_CONTEXT: "a secure-context page",
    ReasonCode.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH: "the declared targetAddressSpace",
    ReasonCode.LOCAL_NETWORK_PERMISSION_DENIED: "local network permission granted",
    ReasonCode.LOCAL_NETWORK_PERMISSION_REQUIRED: "local network permission granted",
}
#: A trace keeps this many requests at each end of a long redirect chain.
_KEEP_HOPS = 3


def _ok(passed: bool) -> Outcome:
    return Outcome.PASS if passed else Outcome.FAIL


def _cors_checks(
    response: Response, *, origin: str, credentialed: bool, stage: Stage
) -> list[Check]:
    """Fetch: CORS check, step by step (ACAO, then ACAC with credentials)."""
    acao = get(response.index, ACAO)
    if credentialed:
        acao_ok = acao == origin
        expected = origin
    else:
        acao_ok = acao in ("*", origin)
        expected = f"{origin} or *"
    checks = [
        Check(
            code=CheckCode.ACAO,
            stage=stage,
            outcome=_ok(acao_ok),
            observed=_ABSENT if acao is None else acao,
            expected=expected,
        )
    ]
    if credentialed:
        acac = get(response.index, ACAC)
        checks.append(
            Check(
                code=CheckCode.ACAC,
                stage=stage,
                outcome=_ok(acac == "true"),
                observed=_ABSENT if acac is None else acac,
                expected="true",
            )
        )
    return checks


def _preflight_checks(
    hop: Request, answer: Response, evaluation: Evaluation, profile: BrowserProfile
) -> list[Check]:
    """Fetch: CORS-preflight fetch step 7, every check in the engine's order."""
    request = evaluation.request
    credentialed = request.credentialed
    origin = _header_value(hop.headers, "origin") or request.origin.serialize()
    method = _header_value(hop.headers, ACRM) or request.method
    names = [n for n in (_header_value(hop.headers, ACRH) or "").split(",") if n]
    stage = Stage.PREFLIGHT
    redirect = answer.status in REDIRECT_STATUSES and profile.preflight_redirect_is_distinct
    status = Check(
        code=CheckCode.STATUS,
        stage=stage,
        outcome=_ok(200 <= answer.status <= 299),
        observed=str(answer.status),
        expected="2xx (not a redirect)" if redirect else "2xx",
    )
    cors = _cors_checks(answer, origin=origin, credentialed=credentialed, stage=stage)
    if profile.same_origin_preflight_skips_cors_check and request.origin.same_origin_as_url(
        hop.url
    ):
        cors = []  # this engine does not CORS-check a preflight to the page's own origin
    checks: list[Check]
    if redirect or profile.preflight_check_order is PreflightCheckOrder.STATUS_FIRST:
        checks = [status, *cors]
    else:
        checks = [*cors, status]
    index = answer.index
    methods = extract_list_values(index, ACAM)
    header_items = extract_list_values(index, ACAH)
    raw_acam = get(index, ACAM)
    raw_acah = get(index, ACAH)
    checks.append(
        Check(
            code=CheckCode.ACAM_PARSE,
            stage=stage,
            outcome=_ok(methods is not FAILURE),
            observed=_ABSENT if raw_acam is None else raw_acam,
            expected="a list of method names",
        )
    )
    checks.append(
        Check(
            code=CheckCode.ACAH_PARSE,
            stage=stage,
            outcome=_ok(header_items is not FAILURE),
            observed=_ABSENT if raw_acah is None else raw_acah,
            expected="a list of header names",
        )
    )
    method_list = methods if isinstance(methods, list) else []
    if (
        methods is None
        and profile.forced_preflight_allows_own_method
        and uses_cors_preflight_flag(request, effective_body(request, profile))
    ):
        method_list = [method]
    method_ok = (
        method in method_list
        or is_cors_safelisted_method(method)
        or (not credentialed and "*" in method_list)
    )
    checks.append(
        Check(
            code=CheckCode.METHOD,
            stage=stage,
            outcome=_ok(method_ok),
            observed=_ABSENT if raw_acam is None else raw_acam,
            expected=f"{method} (safelisted: no need to list it)"
            if is_cors_safelisted_method(method)
            else method,
            subject=method,
        )
    )
    allowed = HeaderNameSet.from_items(header_items if isinstance(header_items, list) else [])
    # Step 7.5 (Authorization) runs before step 7.6 (every other name).
    ordered = [n for n in names if n in CORS_NON_WILDCARD_REQUEST_HEADER_NAMES]
    ordered += [n for n in names if n not in CORS_NON_WILDCARD_REQUEST_HEADER_NAMES]
    for name in ordered:
        if name in CORS_NON_WILDCARD_REQUEST_HEADER_NAMES:
            ok = name in allowed.names or (
                profile.authorization_covered_by_wildcard
                and allowed.allows(name, credentialed=credentialed)
            )
        else:
            ok = allowed.allows(name, credentialed=credentialed)
        checks.append(
            Check(
                code=CheckCode.HEADER,
                stage=stage,
                outcome=_ok(ok),
                observed=_ABSENT if raw_acah is None else raw_acah,
                expected=name,
                subject=name,
            )
        )
    max_age = get(index, ACMA)
    checks.append(
        Check(
            code=CheckCode.MAX_AGE,
            stage=stage,
            outcome=Outcome.INFO,
            observed=_ABSENT if max_age is None else max_age,
            expected=f"seconds to cache (default {profile.max_age_default}"
            + (f", capped at {profile.max_age_cap}" if profile.max_age_cap else "")
            + ")",
        )
    )
    return checks


def _redirect_failure_check(reason: Reason, evaluation: Evaluation) -> Check:
    code = check_for_reason(reason.code)
    observed = reason.value
    expected: str | None = None
    match code:
        case CheckCode.REDIRECT_MODE:
            observed = evaluation.request.redirect.value
            expected = "follow"
        case CheckCode.REDIRECT_COUNT:
            expected = f"fewer than {reason.expected}"
        case CheckCode.LOCATION:
            expected = "one URL"
        case CheckCode.REDIRECT_SCHEME:
            expected = "an http(s) URL"
        case CheckCode.REDIRECT_CREDENTIALS:
            expected = "a URL without user:password"
        case CheckCode.REDIRECT_BODY:
            observed = "stream body"
            expected = "a body that can be resent (not a stream), or a 303"
        case _:
            pass
    return Check(
        code=code,
        stage=Stage.REDIRECT,
        outcome=Outcome.FAIL,
        observed=observed,
        expected=expected,
    )


def trace(evaluation: Evaluation, browser: BrowserProfile | None = None) -> tuple[Check, ...]:
    """Every check the browser ran, in order, passed or failed, observed vs expected.

    Checks that the browser did not reach because an earlier one failed are kept with
    :attr:`Outcome.SKIPPED`, so the trace also shows what would be next.
    """
    return _trace(evaluation, browser or evaluation.browser, settle=True)


def _trace(evaluation: Evaluation, profile: BrowserProfile, *, settle: bool) -> tuple[Check, ...]:
    """The trace; ``settle=False`` leaves each check as this module judged it on its own.

    The checks here re-read the recorded requests and responses instead of replaying
    the engine, so they could drift from it. Settling makes the last hop agree with the
    verdict; the unsettled form lets a test prove there was nothing to correct (every
    case of the conformance corpus, under every profile).
    """
    request = evaluation.request
    reason = evaluation.reason
    checks: list[Check] = []
    cross = request.is_cross_origin
    mode_observed = f"{request.mode.value} ({'cross-origin' if cross else 'same-origin'})"
    if reason is not None and check_for_reason(reason.code) is CheckCode.MODE:
        expected = (
            "a same-origin URL" if reason.code is _R.DISALLOWED_BY_MODE else 'redirect "follow"'
        )
        checks.append(
            Check(
                code=CheckCode.MODE,
                stage=Stage.REQUEST,
                outcome=Outcome.FAIL,
                observed=mode_observed
                if reason.code is _R.DISALLOWED_BY_MODE
                else f'no-cors with redirect "{request.redirect.value}"',
                expected=expected,
            )
        )
        return tuple(checks)
    checks.append(
        Check(
            code=CheckCode.MODE, stage=Stage.REQUEST, outcome=Outcome.INFO, observed=mode_observed
        )
    )
    if reason is not None and reason.code is _R.CORS_DISABLED_SCHEME:
        checks.append(
            Check(
                code=CheckCode.SCHEME,
                stage=Stage.REQUEST,
                outcome=Outcome.FAIL,
                observed=request.url.scheme,
                expected="http or https",
            )
        )
        return tuple(checks)
    if reason is not None and reason.stage is Stage.REQUEST and not evaluation.sent:
        boundary = check_for_reason(reason.code)
        if boundary in (CheckCode.MIXED_CONTENT, CheckCode.LOCAL_NETWORK):
            # Main fetch step 7 / Local Network Access: decided before anything was sent.
            mixed = boundary is CheckCode.MIXED_CONTENT
            checks.append(
                Check(
                    code=boundary,
                    stage=Stage.REQUEST,
                    outcome=Outcome.FAIL,
                    observed=reason.url
                    if mixed
                    else f"{reason.value} address space, from a {reason.expected} page",
                    expected="a potentially trustworthy URL (https)"
                    if mixed
                    else _LOCAL_NETWORK_EXPECTED.get(reason.code, ""),
                )
            )
            return tuple(checks)
    causes = preflight_causes(request, profile)
    if request.mode is Mode.CORS and cross:
        checks.append(
            Check(
                code=CheckCode.PREFLIGHT_NEEDED,
                stage=Stage.REQUEST,
                outcome=Outcome.INFO,
                observed=", ".join(_cause_short(c) for c in causes) if causes else "no",
            )
        )
    if any(note.code is NoteCode.PREFLIGHT_CACHE_HIT for note in evaluation.notes):
        checks.append(
            Check(
                code=CheckCode.PREFLIGHT_CACHE,
                stage=Stage.PREFLIGHT,
                outcome=Outcome.INFO,
                observed="cached preflight result covers the request: no preflight sent",
            )
        )
    tainting_cors = False
    blocks: list[list[Check]] = []
    last = len(evaluation.sent) - 1
    for i, (hop, answer) in enumerate(zip(evaluation.sent, evaluation.responses, strict=True)):
        hop_checks: list[Check]
        if is_preflight(hop):
            hop_checks = _preflight_checks(hop, answer, evaluation, profile)
        else:
            if request.mode is Mode.CORS and (
                tainting_cors or not request.origin.same_origin(hop.url.origin)
            ):
                tainting_cors = True
            is_redirect = answer.status in REDIRECT_STATUSES and "location" in answer.index
            stage = Stage.REDIRECT if is_redirect else Stage.ACTUAL
            hop_checks = []
            if tainting_cors:
                origin = _header_value(hop.headers, "origin") or request.origin.serialize()
                # WebKit checks a redirect away from a same-origin start as credentialed.
                credentialed = request.credentialed or (
                    is_redirect
                    and profile.same_origin_credentials_redirects_checked_credentialed
                    and request.credentials is Credentials.SAME_ORIGIN
                    and request.origin.same_origin_as_url(request.url)
                    and not request.origin.same_origin_as_url(hop.url)
                )
                hop_checks = _cors_checks(
                    answer, origin=origin, credentialed=credentialed, stage=stage
                )
            if is_redirect and i < last:
                hop_checks.append(
                    Check(
                        code=CheckCode.LOCATION,
                        stage=Stage.REDIRECT,
                        outcome=Outcome.PASS,
                        observed=_location_target(answer, hop.url.serialize()),
                        expected="one http(s) URL",
                    )
                )
        if settle and i == last and reason is not None:
            hop_checks = _settle(hop_checks, reason, evaluation)
        blocks.append(hop_checks)
    if len(blocks) > 2 * _KEEP_HOPS + 1:
        # A redirect loop: keep the first and last requests, say how many are left out.
        hidden = len(blocks) - 2 * _KEEP_HOPS
        elided = Check(
            code=CheckCode.ELIDED,
            stage=Stage.REDIRECT,
            outcome=Outcome.INFO,
            observed=f"{hidden} more requests",
        )
        blocks = [*blocks[:_KEEP_HOPS], [elided], *blocks[-_KEEP_HOPS:]]
    for block in blocks:
        checks.extend(block)
    if reason is None and evaluation.readable:
        checks.append(
            Check(
                code=CheckCode.EXPOSE,
                stage=Stage.EXPOSURE,
                outcome=Outcome.INFO,
                observed=", ".join(evaluation.visible_headers) or "(none)",
            )
        )
    return tuple(checks)


def _settle(checks: list[Check], reason: Reason, evaluation: Evaluation) -> list[Check]:
    """Make the last hop's checks agree with the verdict: the reason's check fails, and
    everything after it was not reached."""
    target = check_for_reason(reason.code)
    subject = reason.value if target is CheckCode.HEADER else None
    index = next(
        (
            i
            for i, c in enumerate(checks)
            if c.code is target and (subject is None or c.subject == subject)
        ),
        None,
    )
    if index is None:
        if reason.stage is Stage.REDIRECT and target not in (CheckCode.ACAO, CheckCode.ACAC):
            checks.append(_redirect_failure_check(reason, evaluation))
        else:
            checks.append(
                Check(
                    code=target,
                    stage=reason.stage,
                    outcome=Outcome.FAIL,
                    observed=reason.value,
                    expected=reason.expected,
                )
            )
        return checks
    settled = checks[:index]
    settled.append(attrs.evolve(checks[index], outcome=Outcome.FAIL))
    for later in checks[index + 1 :]:
        outcome = later.outcome if later.outcome is Outcome.INFO else Outcome.SKIPPED
        settled.append(attrs.evolve(later, outcome=outcome))
    return settled


def _cause_short(cause: PreflightCause) -> str:
    if cause.code is CauseCode.METHOD:
        return f"method {cause.value}"
    if cause.header is not None:
        return f"header {byte_lowercase(cause.header)}"
    return str(cause.code.value)

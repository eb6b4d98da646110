"""The trace: every check in the order the browser runs it, observed and expected values."""

from __future__ import annotations

import attrs

from corsspec.engine.browsers import BrowserProfile
from corsspec.engine.fetch import Evaluation, record_steps
from corsspec.engine.headers import byte_lowercase
from corsspec.engine.model import Mode
from corsspec.engine.reasons import NoteCode, Reason, ReasonCode, Stage
from corsspec.engine.steps import Outcome, Step, StepCode
from corsspec.explain._common import assert_never
from corsspec.explain.causes import (
    CauseCode,
    PreflightCause,
    preflight_causes,
)
from corsspec.explain.messages import (
    _R,
    _location_target,
)

__all__ = ["Check", "CheckCode", "Outcome", "check_for_reason", "trace"]


def __dir__() -> list[str]:
    return __all__


# ---------------------------------------------------------------------------------------
# Trace
# ---------------------------------------------------------------------------------------


#: The trace's check codes are the engine's step codes (one vocabulary; the trace shows
#: the request classification through :data:`PREFLIGHT_NEEDED` and the causes).
CheckCode = StepCode


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
            return assert_never(code)


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


_REDIRECT_STEPS = frozenset(
    {
        StepCode.REDIRECT_MODE,
        StepCode.LOCATION,
        StepCode.REDIRECT_SCHEME,
        StepCode.REDIRECT_COUNT,
        StepCode.REDIRECT_CREDENTIALS,
        StepCode.REDIRECT_BODY,
    }
)


def _observed(step: Step) -> str:
    return _ABSENT if step.observed is None else step.observed


def _expected(step: Step, profile: BrowserProfile) -> str | None:
    """The trace's wording of what would pass, for one engine step."""
    match step.code:
        case StepCode.STATUS:
            return "2xx (not a redirect)" if step.detail == "redirect" else "2xx"
        case StepCode.ACAM_PARSE:
            return "a list of method names"
        case StepCode.ACAH_PARSE:
            return "a list of header names"
        case StepCode.METHOD:
            method = step.subject or ""
            return f"{method} (safelisted: no need to list it)" if step.detail else method
        case StepCode.MAX_AGE:
            cap = f", capped at {profile.max_age_cap}" if profile.max_age_cap else ""
            return f"seconds to cache (default {profile.max_age_default}{cap})"
        case _:
            return " or ".join(step.expected) if step.expected else None


def _check(step: Step, profile: BrowserProfile) -> Check:
    """A CORS-check or preflight step as a trace check."""
    return Check(
        code=step.code,
        stage=step.stage,
        outcome=step.outcome,
        observed=_observed(step),
        expected=_expected(step, profile),
        subject=step.subject,
    )


def _redirect_failure_check(step: Step, evaluation: Evaluation) -> Check:
    """The redirect step that failed, in the trace's words."""
    code = step.code
    observed = step.observed
    expected: str | None = None
    match code:
        case CheckCode.REDIRECT_MODE:
            expected = "follow"
        case CheckCode.REDIRECT_COUNT:
            expected = f"fewer than {step.expected[0]}" if step.expected else None
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


def _hop_checks(
    i: int,
    steps: list[Step],
    evaluation: Evaluation,
    profile: BrowserProfile,
) -> list[Check]:
    """The trace checks of one exchange, rendered from the engine's steps about it."""
    checks: list[Check] = []
    redirect_passed = False
    for step in steps:
        if step.code in _REDIRECT_STEPS:
            if step.outcome is Outcome.FAIL:
                checks.append(_redirect_failure_check(step, evaluation))
            elif step.code is StepCode.LOCATION and step.outcome is Outcome.PASS:
                redirect_passed = True
            continue
        checks.append(_check(step, profile))
    failed = any(step.outcome is Outcome.FAIL for step in steps)
    if redirect_passed and not failed and i < len(evaluation.sent) - 1:
        hop, answer = evaluation.sent[i], evaluation.responses[i]
        checks.append(
            Check(
                code=CheckCode.LOCATION,
                stage=Stage.REDIRECT,
                outcome=Outcome.PASS,
                observed=_location_target(answer, hop.url.serialize()),
                expected="one http(s) URL",
            )
        )
    return checks


def trace(evaluation: Evaluation, browser: BrowserProfile | None = None) -> tuple[Check, ...]:
    """Every check the browser ran, in order, passed or failed, observed vs expected.

    Checks that the browser did not reach because an earlier one failed are kept with
    :attr:`Outcome.SKIPPED`, so the trace also shows what would be next. The checks are
    the engine's own record (:attr:`~corsspec.Evaluation.steps`), in words; nothing
    here judges a response again.
    """
    profile = browser or evaluation.browser
    same = profile is evaluation.browser
    steps = evaluation.steps if same else record_steps(evaluation, profile)
    return _trace(evaluation, profile, steps)


def _trace(
    evaluation: Evaluation, profile: BrowserProfile, steps: tuple[Step, ...] | None
) -> tuple[Check, ...]:
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
    if steps is None:
        checks.append(
            Check(
                code=CheckCode.UNKNOWN,
                stage=Stage.REQUEST,
                outcome=Outcome.INFO,
                observed="the engine does not reach this evaluation's verdict from its"
                " requests and answers (built by hand?): its checks are unknown",
            )
        )
        if reason is not None:
            checks.append(_verdict_check(reason))
        return tuple(checks)
    by_hop: list[list[Step]] = [[] for _ in evaluation.sent]
    for step in steps:
        if step.hop is not None:
            by_hop[step.hop].append(step)
    blocks = [_hop_checks(i, hop, evaluation, profile) for i, hop in enumerate(by_hop)]
    if reason is not None and not any(c.outcome is Outcome.FAIL for b in blocks for c in b):
        # The engine records a failing step for every reason it gives after a request
        # went out; this keeps the verdict visible should one ever be missing.
        blocks.append([_verdict_check(reason)])
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


def _verdict_check(reason: Reason) -> Check:
    """The reason's check, from the verdict alone."""
    return Check(
        code=check_for_reason(reason.code),
        stage=reason.stage,
        outcome=Outcome.FAIL,
        observed=reason.value,
        expected=reason.expected,
    )


def _cause_short(cause: PreflightCause) -> str:
    if cause.code is CauseCode.METHOD:
        return f"method {cause.value}"
    if cause.header is not None:
        return f"header {byte_lowercase(cause.header)}"
    return str(cause.code.value)

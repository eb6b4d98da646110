"""What the engine judged, step by step: small typed records, built only when asked for.

The engine's check functions (the CORS check, the CORS-preflight fetch's response
checks, the CORS-safelisted request-header rules, HTTP-redirect fetch) take an optional
:class:`StepLog`. Without one they run as fast as before; with one they append a
:class:`Step` per check they make, in the order they make it, and keep going after the
first failure so the checks the browser did not reach are recorded as
:attr:`Outcome.SKIPPED` (with the values they would have read). The verdict they return
does not change. ``Evaluation.steps`` replays an evaluation through the same functions
with a log; the diagnostics render those records and re-judge nothing.
"""

from __future__ import annotations

import enum

import attrs

from corsspec.engine.reasons import Stage
from corsspec.engine.safelist import SafelistRule

__all__ = ["Outcome", "Step", "StepCode", "StepLog"]


def __dir__() -> list[str]:
    return __all__


class Outcome(enum.Enum):
    """How one check came out."""

    PASS = "pass"
    FAIL = "fail"
    #: Not run by the browser: an earlier check failed (observed/expected still shown).
    SKIPPED = "skipped"
    #: A fact, not a pass/fail step (what was decided, what script can read).
    INFO = "info"


class StepCode(enum.Enum):
    """The checks the engine makes, named after the Fetch Standard's steps.

    Also the check codes of the diagnostics' trace (``corsspec.explain.CheckCode`` is
    this enum), which shows some steps as one line (:attr:`PREFLIGHT_NEEDED`) and
    adds :attr:`ELIDED` and :attr:`UNKNOWN` of its own.
    """

    #: Fetch: main fetch, the request's mode ("same-origin" fails cross-origin;
    #: "no-cors" needs redirect mode "follow").
    MODE = "mode"
    #: Fetch: main fetch, a scheme CORS works with (HTTP(S)).
    SCHEME = "scheme"
    #: Fetch: main fetch, "Should request be blocked as mixed content".
    MIXED_CONTENT = "mixed-content"
    #: Local Network Access: the permission gate for a request into a more private
    #: address space.
    LOCAL_NETWORK = "local-network"
    #: Fetch: main fetch, whether a CORS-preflight request is needed (the trace's
    #: summary of the classification steps below).
    PREFLIGHT_NEEDED = "preflight-needed"
    #: Fetch: HTTP fetch, "there is a method cache entry match ... and a header-name
    #: cache entry match" (the preflight cache vouches for the request).
    PREFLIGHT_CACHE = "preflight-cache"
    #: Fetch: use-CORS-preflight flag (an XHR upload listener or a ReadableStream body).
    PREFLIGHT_FLAG = "preflight-flag"
    #: Fetch: CORS-safelisted method (main fetch: "request's method is not a
    #: CORS-safelisted method").
    METHOD_SAFELISTED = "method-safelisted"
    #: Fetch: CORS-safelisted request-header, one judged header (``rule`` is what broke).
    HEADER_SAFELISTED = "header-safelisted"
    #: Fetch: CORS check, Access-Control-Allow-Origin.
    ACAO = "acao"
    #: Fetch: CORS check, Access-Control-Allow-Credentials.
    ACAC = "acac"
    #: Fetch: CORS-preflight fetch, "response's status is an ok status".
    STATUS = "status"
    #: Fetch: CORS-preflight fetch, "Let methods be the result of extracting header list
    #: values given `Access-Control-Allow-Methods`" (failure is a network error).
    ACAM_PARSE = "acam-parse"
    #: Fetch: CORS-preflight fetch, the same for `Access-Control-Allow-Headers`.
    ACAH_PARSE = "acah-parse"
    #: Fetch: CORS-preflight fetch, "If request's method is not in methods ...".
    METHOD = "method"
    #: Fetch: CORS-preflight fetch, the header-name checks (Authorization first).
    HEADER = "header"
    #: Fetch: CORS-preflight fetch, "Let max-age be the result of extracting header
    #: list values given `Access-Control-Max-Age`" (information, never a failure).
    MAX_AGE = "max-age"
    #: Fetch: HTTP fetch, "Switch on request's redirect mode" (error / manual / follow).
    REDIRECT_MODE = "redirect-mode"
    #: Fetch: HTTP-redirect fetch, "If locationURL is failure, then return a network
    #: error."
    LOCATION = "location"
    #: Fetch: HTTP-redirect fetch, "If locationURL's scheme is not an HTTP(S) scheme".
    REDIRECT_SCHEME = "redirect-scheme"
    #: Fetch: HTTP-redirect fetch, "If request's redirect count is 20, then return a
    #: network error."
    REDIRECT_COUNT = "redirect-count"
    #: Fetch: HTTP-redirect fetch, "locationURL includes credentials".
    REDIRECT_CREDENTIALS = "redirect-credentials"
    #: Fetch: HTTP-redirect fetch, "request's body is non-null, and request's body's
    #: source is null" (a stream cannot be sent again).
    REDIRECT_BODY = "redirect-body"
    #: Fetch: the CORS-exposed header-name list (what script can read).
    EXPOSE = "expose"
    #: Trace only: requests left out of a long trace (a redirect loop).
    ELIDED = "elided"
    #: Trace only: the steps are not known (an evaluation the engine does not
    #: reproduce); only the verdict is shown.
    UNKNOWN = "unknown"


@attrs.frozen(kw_only=True)
class Step:
    """One check the engine made: what it read, what would pass, and how it came out."""

    code: StepCode
    stage: Stage
    outcome: Outcome
    #: Index into ``Evaluation.sent`` of the exchange judged (None: the request itself).
    hop: int | None = None
    #: The header read: a response header (byte-lowercase), or the request header as
    #: script wrote it for :attr:`StepCode.HEADER_SAFELISTED`.
    header: str | None = None
    #: The method or request-header name a per-item check is about.
    subject: str | None = None
    #: The value read, as received (None: absent).
    observed: str | None = None
    #: Values that would have passed (empty when no single value does).
    expected: tuple[str, ...] = ()
    #: For :attr:`StepCode.HEADER_SAFELISTED`: the safelist rule broken (None: safelisted).
    rule: SafelistRule | None = None
    #: What in the value broke the rule (a character, a length, a total), or a fact the
    #: check depended on (``"safelisted"`` for a method that needs no listing,
    #: ``"redirect"`` for a preflight status the engine reports as a redirect).
    detail: str | None = None


class StepLog:
    """Collects :class:`Step` records while an engine function runs.

    After the first failing step, every later pass/fail step is recorded as skipped:
    the browser stopped there, the log shows what it would have looked at next.
    """

    __slots__ = ("failed", "hop", "steps")

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.failed = False
        #: The exchange the next steps are about (set by the replay).
        self.hop: int | None = None

    def add(
        self,
        code: StepCode,
        stage: Stage,
        passed: bool | None,
        *,
        header: str | None = None,
        subject: str | None = None,
        observed: str | None = None,
        expected: tuple[str, ...] = (),
        rule: SafelistRule | None = None,
        detail: str | None = None,
        stops: bool = True,
    ) -> None:
        """Record one check; ``passed=None`` records a fact (:attr:`Outcome.INFO`).

        ``stops=False`` marks a judgement that does not end the fetch (a header that is
        not safelisted only makes a preflight necessary): it is never skipped and does
        not make later steps skipped.
        """
        if passed is None:
            outcome = Outcome.INFO
        elif not stops:
            outcome = Outcome.PASS if passed else Outcome.FAIL
        elif self.failed:
            outcome = Outcome.SKIPPED
        elif passed:
            outcome = Outcome.PASS
        else:
            outcome = Outcome.FAIL
            self.failed = True
        self.steps.append(
            Step(
                code=code,
                stage=stage,
                outcome=outcome,
                hop=self.hop,
                header=header,
                subject=subject,
                observed=observed,
                expected=expected,
                rule=rule,
                detail=detail,
            )
        )

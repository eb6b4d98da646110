"""Diagnosis and the text explanation: everything about one evaluation, rendered."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from corsspec.engine.browsers import BrowserProfile
from corsspec.engine.fetch import Evaluation, Exchange
from corsspec.engine.reasons import ReasonCode
from corsspec.explain.causes import (
    PreflightCause,
    cause_message,
    preflight_causes,
)
from corsspec.explain.cookies import cookie_lines
from corsspec.explain.fixes import (
    Fix,
    FixPlan,
    fix_for,
    fix_hint,
    fix_plan,
)
from corsspec.explain.messages import (
    console_message,
)
from corsspec.explain.myths import (
    Myth,
    myth_message,
    myths,
)
from corsspec.explain.notes import (
    note_message,
)
from corsspec.explain.trace import (
    Check,
    Outcome,
    trace,
)

__all__ = ["Diagnosis", "check_line", "diagnose", "explanation"]


def __dir__() -> list[str]:
    return __all__


# ---------------------------------------------------------------------------------------
# Diagnosis
# ---------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Diagnosis:
    """Everything that explains one evaluation: verdict, words, causes, trace, fixes."""

    evaluation: Evaluation
    browser: BrowserProfile
    console: str | None
    fix: Fix | None
    fix_text: str | None
    causes: tuple[PreflightCause, ...]
    trace: tuple[Check, ...]
    myths: tuple[Myth, ...]
    #: Every fix in order, when the server's answers were given (see :func:`fix_plan`).
    plan: FixPlan | None = None

    def to_dict(self) -> dict[str, Any]:
        """Stable machine-readable form: codes and values, never wording."""
        ev = self.evaluation
        reason = ev.reason
        return {
            "browser": self.browser.name,
            "allowed": ev.allowed,
            "readable": ev.readable,
            "reason": None
            if reason is None
            else {
                "code": reason.code.value,
                "stage": reason.stage.value,
                "header": reason.header,
                "value": reason.value,
                "expected": reason.expected,
                "status": reason.status,
            },
            "response_type": None if ev.response_type is None else ev.response_type.value,
            "status": ev.status,
            "visible_headers": list(ev.visible_headers),
            "preflight": None
            if ev.preflight is None
            else {
                "method": ev.preflight.method,
                "url": ev.preflight.url.serialize(),
                "headers": [[n, v] for n, v in ev.preflight.headers],
            },
            "preflight_causes": [c.to_dict() for c in self.causes],
            "actual_sent": ev.actual_sent,
            "notes": [{"code": n.code.value, "detail": n.detail} for n in ev.notes],
            "trace": [c.to_dict() for c in self.trace],
            "fix": None if self.fix is None else self.fix.to_dict(),
            "plan": None
            if self.plan is None
            else {
                "fixes": [f.to_dict() for f in self.plan.fixes],
                "passes": self.plan.passes,
            },
            "myths": [m.to_dict() for m in self.myths],
        }


def diagnose(
    evaluation: Evaluation,
    browser: BrowserProfile | None = None,
    *,
    server: Exchange | None = None,
) -> Diagnosis:
    """Explain ``evaluation``: console wording, fix, preflight causes, trace and myths.

    ``browser`` picks the console wording (default: the evaluation's profile). With
    ``server`` (the exchange the evaluation ran against) the diagnosis also carries the
    full fix plan.
    """
    profile = browser or evaluation.browser
    reason = evaluation.reason
    plan = None
    if server is not None:
        plan = fix_plan(evaluation.request, server, evaluation.browser)
    return Diagnosis(
        evaluation=evaluation,
        browser=profile,
        console=console_message(evaluation, profile),
        fix=None if reason is None else fix_for(reason, evaluation.request),
        fix_text=fix_hint(evaluation, profile),
        causes=preflight_causes(evaluation.request, evaluation.browser),
        trace=trace(evaluation, evaluation.browser),
        myths=myths(evaluation),
        plan=plan,
    )


_OUTCOME_MARKS: Mapping[Outcome, str] = MappingProxyType(
    {
        Outcome.PASS: "pass",
        Outcome.FAIL: "FAIL",
        Outcome.SKIPPED: "skip",
        Outcome.INFO: "info",
    }
)


def check_line(check: Check) -> str:
    """One trace step as a plain line: outcome, stage, check, observed vs expected."""
    name = check.code.value + (f" {check.subject}" if check.subject else "")
    text = f"{_OUTCOME_MARKS[check.outcome]:<4}  {check.stage.value:<9}  {name}"
    if check.observed is not None:
        text += f": {check.observed}"
    if check.expected is not None and check.outcome is not Outcome.INFO:
        text += f" (expected {check.expected})"
    return text


def explanation(evaluation: Evaluation, browser: BrowserProfile | None = None) -> str:
    """A multi-line account: verdict, console message, why a preflight, trace, fix, myths.

    ``browser`` picks whose console wording to use (default: the profile the evaluation
    ran under).
    """
    d = diagnose(evaluation, browser)
    req = evaluation.request
    verdict = "allowed" if evaluation.allowed else "blocked"
    if evaluation.reason is not None:
        if evaluation.reason.code is ReasonCode.HEADER_NOT_EXPOSED:
            verdict = "the fetch resolves, but script cannot read a header it reads"
        elif evaluation.reason.code is ReasonCode.LOCAL_NETWORK_PERMISSION_REQUIRED:
            verdict = "needs the user's permission (not sent until the user allows it)"
    cookies = evaluation.cookies
    if evaluation.allowed and cookies is not None and cookies.needs_met is not True:
        state = "missing" if cookies.needs_met is False else "unknown"
        verdict += f" by CORS, but needed cookies {state}: " + ", ".join(cookies.missing)
    lines = [f"{req.method} {req.url} from {req.origin} [{d.browser.name}]: {verdict}"]
    reason = evaluation.reason
    if reason is not None:
        lines.append(f"reason: {reason.code.value} at {reason.stage.value}")
    if d.console is not None:
        lines.append("console: " + d.console.replace("\n", "\n         "))
    if evaluation.preflight is not None:
        lines.append("preflight sent: OPTIONS " + evaluation.preflight.url.serialize())
        lines.extend(f"  {n}: {v}" for n, v in evaluation.preflight.headers)
    if d.causes:
        lines.append("why a preflight:")
        lines.extend(f"  - {cause_message(c)}" for c in d.causes)
    lines.append("trace:")
    lines.extend(f"  {check_line(c)}" for c in d.trace)
    if d.fix_text is not None:
        lines.append("fix: " + d.fix_text)
    notes = [note_message(note) for note in evaluation.notes]
    lines.extend("note: " + text for i, text in enumerate(notes) if text not in notes[:i])
    for myth in d.myths:
        lines.append("myth: " + myth_message(myth))
    if cookies is not None:
        lines.extend(cookie_lines(cookies, d.browser))
    return "\n".join(lines)

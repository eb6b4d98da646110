"""Words for verdicts: what each browser prints for a reason, and how to fix it.

Codes live in :mod:`corsspec.reasons`; this module is the wording table over them.
"""

from __future__ import annotations

from .browsers import BrowserProfile
from .fetch import Evaluation

__all__ = ["explain"]


def __dir__() -> list[str]:
    return __all__


def explain(evaluation: Evaluation, browser: BrowserProfile | None = None) -> str:
    """A short multi-line account of the evaluation (verdict, reason, preflight)."""
    profile = browser or evaluation.browser
    req = evaluation.request
    lines = [
        f"{req.method} {req.url} from {req.origin} [{profile.name}]: "
        + ("allowed" if evaluation.allowed else "blocked")
    ]
    if evaluation.preflight is not None:
        lines.append("preflight sent: " + ", ".join(f"{n}: {v}" for n, v in evaluation.preflight.headers))
    reason = evaluation.reason
    if reason is not None:
        detail = f" ({reason.header}: {reason.value!r})" if reason.header else ""
        lines.append(f"reason: {reason.code.value} at {reason.stage.value}{detail}")
    return "\n".join(lines)

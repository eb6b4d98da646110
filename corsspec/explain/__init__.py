"""Words for verdicts: what each browser prints for a reason, why, and what to change.

Codes live in :mod:`corsspec.engine.reasons`; this module is the wording over them, in layers:

* :data:`CONSOLE_MESSAGES` — for every (engine, reason code) pair, the message that
  engine's console prints, as a template whose ``{placeholders}`` are filled with the
  real origin, URL, header and value (:func:`console_message`). The strings of real
  engines are copied from their sources (Chromium ``cors_error_string.cc`` and
  ``fetch_manager.cc``, Firefox ``security.properties``, WebKit
  ``CrossOriginAccessControl.cpp`` and ``NetworkLoadChecker.cpp``); pairs in
  :data:`APPROXIMATE` are the few where an engine prints no dedicated message, and the
  entry says in our words what the developer sees. The ``spec`` family is our own
  account of the Fetch Standard step.
* :data:`FIX_HINTS` — per reason code, the concrete change: which header, on which
  response (preflight or actual), with which value; :func:`fix_for` gives the same as
  data (:class:`Fix`), and :func:`fix_plan` applies fixes to an :class:`Exchange` until
  the request passes, so a user sees every change, not just the first.
* :func:`preflight_causes` — why a preflight was needed (which method, which header,
  which value rule it broke).
* :func:`trace` — every check in the order the browser runs it, with the observed and
  the expected value.
* :func:`myths` — corrections for CORS folklore, attached where they apply.
* :func:`diagnose` bundles all of that; :func:`explanation` renders it as text, and
  :func:`render_reason_catalogue` renders ``docs/reasons.md``.
"""

from __future__ import annotations

from corsspec.explain.catalogue import (
    render_reason_catalogue,
)
from corsspec.explain.causes import (
    CAUSE_MESSAGES,
    CauseCode,
    PreflightCause,
    cause_message,
    preflight_causes,
)
from corsspec.explain.cookies import (
    CHROMIUM_COOKIE_WORDING,
    COOKIE_FIXES,
    COOKIE_MESSAGES,
    cookie_fix,
    cookie_lines,
    cookie_message,
)
from corsspec.explain.fixes import (
    FIX_HINTS,
    Fix,
    FixAction,
    FixPlan,
    apply_fix,
    fix_for,
    fix_hint,
    fix_plan,
)
from corsspec.explain.messages import (
    APPROXIMATE,
    CONSOLE_MESSAGES,
    console_message,
)
from corsspec.explain.myths import (
    MYTH_MESSAGES,
    Myth,
    MythCode,
    myth_message,
    myths,
)
from corsspec.explain.notes import (
    NOTE_MESSAGES,
    note_message,
)
from corsspec.explain.render import (
    Diagnosis,
    check_line,
    diagnose,
    explanation,
)
from corsspec.explain.trace import (
    Check,
    CheckCode,
    Outcome,
    check_for_reason,
    trace,
)

__all__ = [
    "APPROXIMATE",
    "CAUSE_MESSAGES",
    "CHROMIUM_COOKIE_WORDING",
    "CONSOLE_MESSAGES",
    "COOKIE_FIXES",
    "COOKIE_MESSAGES",
    "FIX_HINTS",
    "MYTH_MESSAGES",
    "NOTE_MESSAGES",
    "CauseCode",
    "Check",
    "CheckCode",
    "Diagnosis",
    "Fix",
    "FixAction",
    "FixPlan",
    "Myth",
    "MythCode",
    "Outcome",
    "PreflightCause",
    "apply_fix",
    "cause_message",
    "check_for_reason",
    "check_line",
    "console_message",
    "cookie_fix",
    "cookie_lines",
    "cookie_message",
    "diagnose",
    "explanation",
    "fix_for",
    "fix_hint",
    "fix_plan",
    "myth_message",
    "myths",
    "note_message",
    "preflight_causes",
    "render_reason_catalogue",
    "trace",
]


def __dir__() -> list[str]:
    return __all__

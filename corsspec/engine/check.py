"""The CORS check, response tainting, and which response headers script can read.

Fetch sections: CORS check (https://fetch.spec.whatwg.org/#cors-check), main fetch's
"expose" step and CORS-exposed header-name list, CORS filtered response, and
CORS-safelisted response-header name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from corsspec.engine._abnf import MAX_HEADER_VALUE_LEN, is_token
from corsspec.engine.headers import FAILURE, byte_lowercase, extract_list_values, get
from corsspec.engine.reasons import Note, NoteCode, Reason, ReasonCode, Stage
from corsspec.engine.safelist import (
    CORS_SAFELISTED_RESPONSE_HEADER_NAMES,
    FORBIDDEN_RESPONSE_HEADER_NAMES,
)
from corsspec.engine.steps import StepCode, StepLog
from corsspec.engine.url import try_parse_url

__all__ = ["clip", "cors_check", "visible_header_names"]


def __dir__() -> list[str]:
    return __all__


ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
ACEH = "access-control-expose-headers"


def clip(value: str) -> str:
    """Bound a server-sent value kept in a verdict (diagnostics stay small)."""
    if len(value) <= MAX_HEADER_VALUE_LEN:
        return value
    return value[:MAX_HEADER_VALUE_LEN] + "..."


def _acao_failure(
    value: str, lines: int, credentialed: bool, multiple_counts_lines: bool
) -> ReasonCode:
    """Pick the reason code for an ACAO value that is not the request's origin.

    The spec has a single failure; engines name several (Chromium's CorsError values
    kWildcardOriginNotAllowed, kMultipleAllowOriginValues, kInvalidAllowOriginValue,
    kAllowOriginMismatch), and so do we, so diagnostics can say what to change.
    """
    if value == "*" and credentialed:
        return ReasonCode.ACAO_WILDCARD_WITH_CREDENTIALS
    if lines > 1 or (not multiple_counts_lines and ("," in value or " " in value)):
        return ReasonCode.ACAO_MULTIPLE
    if multiple_counts_lines:
        # Firefox has no "invalid value" class: anything else does not match.
        return ReasonCode.ACAO_MISMATCH
    if value != "null" and (value == "*" or try_parse_url(value) is None):
        return ReasonCode.ACAO_INVALID
    return ReasonCode.ACAO_MISMATCH


def cors_check(
    index: Mapping[str, Sequence[str]],
    *,
    origin: str,
    credentialed: bool,
    stage: Stage,
    multiple_counts_lines: bool = False,
    log: StepLog | None = None,
) -> Reason | None:
    """Fetch: CORS check. Returns None on success, or the reason it fails.

    ``origin`` is the byte-serialized request origin (``null`` when opaque or
    redirect-tainted); ``credentialed`` is "credentials mode is include".
    ``multiple_counts_lines`` picks Firefox's naming of the failure (only several
    lines are "multiple"); it never changes whether the check passes. ``log``, when
    given, receives one step for Access-Control-Allow-Origin and, with credentials, one
    for Access-Control-Allow-Credentials (skipped when the first fails).
    """
    reason = _cors_check(index, origin, credentialed, stage, multiple_counts_lines)
    if log is not None:
        failed = None if reason is None else reason.header
        acao = get(index, ACAO)
        accepted = (origin,) if credentialed else (origin, "*")
        log.add(
            StepCode.ACAO,
            stage,
            failed != ACAO,
            header=ACAO,
            observed=acao,
            expected=accepted,
        )
        if credentialed:
            log.add(
                StepCode.ACAC,
                stage,
                failed != ACAC,
                header=ACAC,
                observed=get(index, ACAC),
                expected=("true",),
            )
    return reason


def _cors_check(
    index: Mapping[str, Sequence[str]],
    origin: str,
    credentialed: bool,
    stage: Stage,
    multiple_counts_lines: bool,
) -> Reason | None:
    """:func:`cors_check` without a log."""
    # "Let origin be the result of getting `Access-Control-Allow-Origin` from
    # response's header list. If origin is null, then return failure."
    value = get(index, ACAO)
    if value is None:
        return Reason(code=ReasonCode.ACAO_MISSING, stage=stage, header=ACAO, expected=origin)
    # "If request's credentials mode is not "include" and origin is `*`, then return
    # success."
    if not credentialed and value == "*":
        return None
    # "If the result of byte-serializing a request origin with request is not origin,
    # then return failure."
    if value != origin:
        code = _acao_failure(value, len(index[ACAO]), credentialed, multiple_counts_lines)
        return Reason(code=code, stage=stage, header=ACAO, value=clip(value), expected=origin)
    # "If request's credentials mode is not "include", then return success."
    if not credentialed:
        return None
    # "Let credentials be the result of getting `Access-Control-Allow-Credentials` from
    # response's header list. If credentials is `true`, then return success."
    acac = get(index, ACAC)
    if acac != "true":
        return Reason(
            code=ReasonCode.ACAC_NOT_TRUE,
            stage=stage,
            header=ACAC,
            value=None if acac is None else clip(acac),
            expected="true",
        )
    return None


def visible_header_names(
    index: Mapping[str, Sequence[str]],
    *,
    cors: bool,
    credentialed: bool,
    wildcard_short_circuits: bool = False,
) -> tuple[tuple[str, ...], tuple[Note, ...]]:
    """Fetch: the header names script can read on a basic or CORS filtered response.

    Basic responses hide only ``Set-Cookie``/``Set-Cookie2``. CORS responses show the
    CORS-safelisted response-header names plus the CORS-exposed header-name list from
    ``Access-Control-Expose-Headers``; ``*`` there exposes every header, but only when
    credentials mode is not ``include``. Opaque responses show nothing (callers handle
    that). Returns the sorted names and notes about the expose list.
    """
    present = [name for name in index if name not in FORBIDDEN_RESPONSE_HEADER_NAMES]
    notes: list[Note] = []
    if not cors:
        return tuple(sorted(present)), ()
    if wildcard_short_circuits and not credentialed and _wildcard_before_failure(index):
        return tuple(sorted(present)), ()
    exposed = extract_list_values(index, ACEH)
    exposed_names: set[str] = set()
    if exposed is FAILURE:
        # Main fetch: a parse failure exposes nothing beyond the safelist.
        notes.append(
            Note(code=NoteCode.EXPOSE_HEADERS_INVALID, detail=clip(get(index, ACEH) or ""))
        )
    elif isinstance(exposed, list):
        items = {byte_lowercase(item) for item in exposed}
        if "*" in items and not credentialed:
            return tuple(sorted(present)), tuple(notes)
        if "*" in items:
            notes.append(Note(code=NoteCode.EXPOSE_WILDCARD_LITERAL))
        if items & FORBIDDEN_RESPONSE_HEADER_NAMES:
            notes.append(Note(code=NoteCode.SET_COOKIE_NEVER_EXPOSED))
        exposed_names = items
    visible = [
        name
        for name in present
        if name in CORS_SAFELISTED_RESPONSE_HEADER_NAMES or name in exposed_names
    ]
    return tuple(sorted(visible)), tuple(notes)


def _wildcard_before_failure(index: Mapping[str, Sequence[str]]) -> bool:
    """Whether reading ACEH item by item meets ``*`` before any invalid item."""
    for line in index.get(ACEH, ()):
        for piece in line.split(","):
            item = piece.strip(" \t")
            if item == "*":
                return True
            if item and not is_token(item):
                return False
    return False

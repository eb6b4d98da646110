"""Myths: corrections for CORS folklore, attached where they apply."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from corsspec.engine.fetch import Evaluation, is_preflight
from corsspec.engine.headers import byte_lowercase, extract_list_values, get
from corsspec.engine.preflight import (
    REDIRECT_STATUSES,
)
from corsspec.engine.reasons import NoteCode, Stage
from corsspec.explain._common import (
    _DISPLAY_NAMES,
    ACAH,
    ACAM,
    ACAO,
    ACRH,
)
from corsspec.explain.messages import (
    _CORS_CHECK_CODES,
    _R,
    _display,
    _header_value,
)

__all__ = ["MYTH_MESSAGES", "Myth", "MythCode", "myth_message", "myths"]


def __dir__() -> list[str]:
    return __all__


# ---------------------------------------------------------------------------------------
# Myths
# ---------------------------------------------------------------------------------------


class MythCode(enum.Enum):
    """Folklore about CORS that the evaluation contradicts."""

    HEADER_NAME_CASE = "header-name-case"
    METHOD_CASE = "method-case"
    WILDCARD_WITH_CREDENTIALS = "wildcard-with-credentials"
    PREFLIGHT_STATUS_IS_THE_SERVER = "preflight-status-is-the-server"
    ERROR_WITHOUT_CORS_HEADERS = "error-without-cors-headers"
    PREFLIGHT_IS_NOT_ENOUGH = "preflight-is-not-enough"
    ACCESS_CONTROL_ON_REQUEST = "access-control-headers-on-request"


@attrs.frozen(kw_only=True)
class Myth:
    """A correction that applies to this evaluation, with the value that triggered it."""

    code: MythCode
    detail: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """Stable machine-readable form."""
        return {"myth": self.code.value, "detail": self.detail}


#: Myth code -> wording. Placeholder: {detail}.
MYTH_MESSAGES: Mapping[MythCode, str] = MappingProxyType(
    {
        MythCode.HEADER_NAME_CASE: (
            "Header-name case does not matter to browsers: Access-Control-Request-Headers lists"
            " names in lowercase and Access-Control-Allow-Headers is compared case-insensitively,"
            " so {detail} match whatever their case."
        ),
        MythCode.METHOD_CASE: (
            "Method names are case-sensitive: Access-Control-Allow-Methods must contain {detail}"
            " exactly as the request sends it (only GET, HEAD, POST, PUT, DELETE and OPTIONS are"
            " upper-cased by the browser; 'patch' stays 'patch')."
        ),
        MythCode.WILDCARD_WITH_CREDENTIALS: (
            "'*' with credentials never works: with credentials: \"include\" (or withCredentials),"
            " '*' in {detail} is a literal name, not a wildcard; send the exact origin and list"
            " methods and headers by name."
        ),
        MythCode.PREFLIGHT_STATUS_IS_THE_SERVER: (
            "The {detail} on the preflight is the server's or gateway's answer to OPTIONS, not a"
            " CORS rule: the browser only needs a 2xx with the right headers. Usual causes: no"
            " OPTIONS route deployed (404/405, or 403 'Missing Authentication Token' on API"
            " Gateway), or an authorizer/auth middleware running on OPTIONS (401/403) although"
            " preflights never carry cookies or Authorization."
        ),
        MythCode.ERROR_WITHOUT_CORS_HEADERS: (
            "This is a server error wearing a CORS costume: the {detail} response has no"
            " Access-Control-Allow-Origin, so the browser reports a CORS error and hides the real"
            " status from script. Fix the error, and make error responses carry CORS headers too"
            " (on API Gateway: Gateway Responses DEFAULT_4XX/DEFAULT_5XX)."
        ),
        MythCode.PREFLIGHT_IS_NOT_ENOUGH: (
            "A working preflight does not make the actual response pass: the {detail} response is"
            " checked on its own and needs its own Access-Control-Allow-Origin (and"
            " Access-Control-Allow-Credentials with credentials)."
        ),
        MythCode.ACCESS_CONTROL_ON_REQUEST: (
            "Access-Control-Allow-* are response headers: sending {detail} from the page does"
            " nothing except make the request need a preflight."
        ),
    }
)


def myths(evaluation: Evaluation) -> tuple[Myth, ...]:
    """The corrections that apply to this evaluation, in a fixed order."""
    request = evaluation.request
    reason = evaluation.reason
    found: list[Myth] = []
    preflight_answers = [
        answer
        for hop, answer in zip(evaluation.sent, evaluation.responses, strict=True)
        if is_preflight(hop)
    ]
    actual_answers = [
        answer
        for hop, answer in zip(evaluation.sent, evaluation.responses, strict=True)
        if not is_preflight(hop)
    ]
    # Header-name case: the allow list names a requested header in another case.
    differing: set[str] = set()
    for hop, answer in zip(evaluation.sent, evaluation.responses, strict=True):
        if not is_preflight(hop):
            continue
        asked = [n for n in (_header_value(hop.headers, ACRH) or "").split(",") if n]
        items = extract_list_values(answer.index, ACAH)
        for item in items if isinstance(items, list) else []:
            if item != byte_lowercase(item) and byte_lowercase(item) in asked:
                differing.add(f"'{byte_lowercase(item)}' (asked) and '{item}' (allowed)")
    if differing:
        detail = ", ".join(sorted(differing))
        found.append(Myth(code=MythCode.HEADER_NAME_CASE, detail=detail))
    # Method case.
    if reason is not None and reason.code is _R.METHOD_NOT_ALLOWED and preflight_answers:
        items = extract_list_values(preflight_answers[-1].index, ACAM)
        method = reason.value or request.method
        if isinstance(items, list) and any(
            i != method and i.upper() == method.upper() for i in items
        ):
            found.append(Myth(code=MythCode.METHOD_CASE, detail=f"'{method}'"))
    # '*' with credentials.
    if request.credentialed:
        stars: set[str] = set()
        for answer in [*preflight_answers, *actual_answers]:
            for name in (ACAO, ACAM, ACAH, "access-control-expose-headers"):
                items = extract_list_values(answer.index, name)
                if isinstance(items, list) and "*" in items:
                    stars.add(
                        _display(name)
                        if name in _DISPLAY_NAMES
                        else "Access-Control-Expose-Headers"
                    )
                elif get(answer.index, name) == "*":
                    stars.add(_display(name))
        if stars:
            found.append(
                Myth(code=MythCode.WILDCARD_WITH_CREDENTIALS, detail=", ".join(sorted(stars)))
            )
    # A non-2xx preflight: the server's answer, whatever the console leads with.
    for answer in preflight_answers:
        if not 200 <= answer.status <= 299 and answer.status not in REDIRECT_STATUSES:
            found.append(
                Myth(code=MythCode.PREFLIGHT_STATUS_IS_THE_SERVER, detail=str(answer.status))
            )
            break
    # An error response without CORS headers.
    if (
        reason is not None
        and reason.code is _R.ACAO_MISSING
        and reason.stage is Stage.ACTUAL
        and actual_answers
        and actual_answers[-1].status >= 400
    ):
        found.append(
            Myth(code=MythCode.ERROR_WITHOUT_CORS_HEADERS, detail=str(actual_answers[-1].status))
        )
    # The preflight passed, the actual response did not.
    if (
        reason is not None
        and reason.stage in (Stage.ACTUAL, Stage.REDIRECT)
        and reason.code in _CORS_CHECK_CODES
        and (
            preflight_answers
            or any(n.code is NoteCode.PREFLIGHT_CACHE_HIT for n in evaluation.notes)
        )
    ):
        status = actual_answers[-1].status if actual_answers else 0
        found.append(
            Myth(code=MythCode.PREFLIGHT_IS_NOT_ENOUGH, detail=f"{request.method} {status}")
        )
    # Response headers sent as request headers.
    sent_by_page = sorted(
        {n for n, _ in request.headers if byte_lowercase(n).startswith("access-control-allow-")}
    )
    if sent_by_page:
        found.append(Myth(code=MythCode.ACCESS_CONTROL_ON_REQUEST, detail=", ".join(sent_by_page)))
    return tuple(found)


def myth_message(myth: Myth) -> str:
    """One myth correction in words."""
    return MYTH_MESSAGES[myth.code].format(detail=myth.detail or "")

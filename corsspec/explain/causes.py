"""Why a preflight: which method, which header, which value rule made the request unsafe."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from corsspec.engine.browsers import SPEC, BrowserProfile
from corsspec.engine.headers import byte_lowercase
from corsspec.engine.model import Request
from corsspec.engine.preflight import request_steps, unsafe_header_names
from corsspec.engine.safelist import (
    SAFELISTED_VALUE_BUDGET,
    SAFELISTED_VALUE_MAX_LEN,
    SafelistRule,
)
from corsspec.engine.steps import Outcome, Step, StepCode

__all__ = ["CAUSE_MESSAGES", "CauseCode", "PreflightCause", "cause_message", "preflight_causes"]


def __dir__() -> list[str]:
    return __all__


# ---------------------------------------------------------------------------------------
# Why a preflight
# ---------------------------------------------------------------------------------------


class CauseCode(enum.Enum):
    """Why the request needs a preflight (Fetch: main fetch step 12, CORS-unsafe names)."""

    METHOD = "method"
    STREAM_BODY = "stream-body"
    UPLOAD_LISTENER = "upload-listener"
    HEADER_NAME = "header-name"
    VALUE_TOO_LONG = "value-too-long"
    UNSAFE_BYTE = "unsafe-byte"
    CONTENT_TYPE_NOT_FORM = "content-type-not-form"
    CONTENT_TYPE_UNPARSABLE = "content-type-unparsable"
    LANGUAGE_BYTE = "language-byte"
    RANGE_NOT_SIMPLE = "range-not-simple"
    CLIENT_HINT_VALUE = "client-hint-value"
    RANGE_TOO_LARGE = "range-too-large"
    SAFELIST_BUDGET = "safelist-budget"


@attrs.frozen(kw_only=True)
class PreflightCause:
    """One reason a preflight is sent: the rule, the header (if any) and the value."""

    code: CauseCode
    header: str | None = None
    value: str | None = None
    #: The offending character, length or total, when the rule is about one.
    detail: str | None = None
    #: The header came from the body (fetch's default Content-Type), not from script.
    from_body: bool = False

    def to_dict(self) -> dict[str, object]:
        """Stable machine-readable form."""
        return {
            "cause": self.code.value,
            "header": self.header,
            "value": self.value,
            "detail": self.detail,
            "from_body": self.from_body,
        }


#: Cause code -> wording. Placeholders: {header} (as script wrote it), {value}, {detail}.
CAUSE_MESSAGES: Mapping[CauseCode, str] = MappingProxyType(
    {
        CauseCode.METHOD: (
            "method {value} is not CORS-safelisted (only GET, HEAD and POST are, byte for byte)"
        ),
        CauseCode.STREAM_BODY: "the body is a ReadableStream, which always needs a preflight",
        CauseCode.UPLOAD_LISTENER: (
            "an XMLHttpRequest upload listener was registered, which always needs a preflight"
        ),
        CauseCode.HEADER_NAME: (
            "header {header} is not a CORS-safelisted request-header (only Accept,"
            " Accept-Language, Content-Language, Content-Type and Range can be)"
        ),
        CauseCode.VALUE_TOO_LONG: (
            f"header {{header}}: the value is {{detail}} bytes, over the"
            f" {SAFELISTED_VALUE_MAX_LEN}-byte"
            " limit for safelisted values"
        ),
        CauseCode.UNSAFE_BYTE: "header {header}: the value contains {detail}, a CORS-unsafe byte",
        CauseCode.CONTENT_TYPE_NOT_FORM: (
            "Content-Type {value} is not one of the three form types"
            " (application/x-www-form-urlencoded, multipart/form-data, text/plain)"
        ),
        CauseCode.CONTENT_TYPE_UNPARSABLE: "Content-Type {value} does not parse as a MIME type",
        CauseCode.LANGUAGE_BYTE: (
            "header {header}: {detail} is not allowed in a safelisted language tag list"
            " (only letters, digits, space and * , - . ; =)"
        ),
        CauseCode.RANGE_NOT_SIMPLE: (
            "Range {value} is not one simple range with a start (bytes=N- or bytes=N-M)"
        ),
        CauseCode.CLIENT_HINT_VALUE: "client hint {header}: the value {value} is not a valid hint",
        CauseCode.RANGE_TOO_LARGE: (
            "Range {value}: a bound is larger than this browser accepts in a safelisted range"
        ),
        CauseCode.SAFELIST_BUDGET: (
            f"the safelisted header values add up to {{detail}} bytes, over the"
            f" {SAFELISTED_VALUE_BUDGET}-byte budget, so {{header}} counts as unsafe too"
        ),
    }
)

#: The safelist rule a header broke -> the cause that explains it. Chromium's
#: high-byte rule makes a byte unsafe, so it reads as an unsafe byte.
_RULE_CAUSES: Mapping[SafelistRule, CauseCode] = MappingProxyType(
    {
        SafelistRule.NAME: CauseCode.HEADER_NAME,
        SafelistRule.VALUE_TOO_LONG: CauseCode.VALUE_TOO_LONG,
        SafelistRule.UNSAFE_BYTE: CauseCode.UNSAFE_BYTE,
        SafelistRule.HIGH_BYTE: CauseCode.UNSAFE_BYTE,
        SafelistRule.CONTENT_TYPE_UNPARSABLE: CauseCode.CONTENT_TYPE_UNPARSABLE,
        SafelistRule.CONTENT_TYPE_NOT_FORM: CauseCode.CONTENT_TYPE_NOT_FORM,
        SafelistRule.LANGUAGE_BYTE: CauseCode.LANGUAGE_BYTE,
        SafelistRule.RANGE_NOT_SIMPLE: CauseCode.RANGE_NOT_SIMPLE,
        SafelistRule.RANGE_TOO_LARGE: CauseCode.RANGE_TOO_LARGE,
        SafelistRule.CLIENT_HINT_VALUE: CauseCode.CLIENT_HINT_VALUE,
        SafelistRule.BUDGET: CauseCode.SAFELIST_BUDGET,
    }
)


def _header_cause(step: Step, script_names: set[str]) -> PreflightCause:
    """The cause for one header the engine judged not safelisted."""
    assert step.rule is not None  # precondition: a failed HEADER_SAFELISTED step
    code = _RULE_CAUSES[step.rule]
    name = step.header
    if code is CauseCode.SAFELIST_BUDGET:
        return PreflightCause(code=code, header=name, detail=step.detail)
    value = step.observed
    from_body = step.subject == "content-type" and step.subject not in script_names
    if code is CauseCode.VALUE_TOO_LONG and value is not None:
        value = value[:64]
    return PreflightCause(
        code=code,
        header=name,
        value=value,
        detail=step.detail if code is not CauseCode.CONTENT_TYPE_UNPARSABLE else None,
        from_body=from_body and code is not CauseCode.HEADER_NAME,
    )


def preflight_causes(
    request: Request, browser: BrowserProfile | None = None
) -> tuple[PreflightCause, ...]:
    """Why ``browser`` sends a preflight for ``request``: each rule the request breaks.

    Empty when no preflight is needed (same-origin, ``no-cors``, or a simple request).
    Order: the forcing flags, the method, then headers by name. Rendered from the
    engine's own record of the request classification
    (:func:`~corsspec.engine.preflight.request_steps`).
    """
    profile = browser or SPEC
    causes: list[PreflightCause] = []
    by_name: dict[str, PreflightCause] = {}
    script_names = {byte_lowercase(n) for n, _ in request.headers}
    for step in request_steps(request, profile):
        if step.outcome is not Outcome.FAIL:
            continue
        if step.code is StepCode.PREFLIGHT_FLAG:
            flag = CauseCode.UPLOAD_LISTENER
            if step.observed == "stream-body":
                flag = CauseCode.STREAM_BODY
            causes.append(PreflightCause(code=flag))
        elif step.code is StepCode.METHOD_SAFELISTED:
            causes.append(PreflightCause(code=CauseCode.METHOD, value=step.observed))
        elif step.subject is not None and step.subject not in by_name:
            by_name[step.subject] = _header_cause(step, script_names)
    for key in unsafe_header_names(request, profile):
        cause = by_name.get(key)
        if cause is not None:
            causes.append(cause)
    return tuple(causes)


def cause_message(cause: PreflightCause) -> str:
    """One cause in words."""
    text = CAUSE_MESSAGES[cause.code].format(
        header=cause.header or "", value=cause.value or "", detail=cause.detail or ""
    )
    if cause.from_body:
        text += " (fetch added it for the body)"
    return text

"""Why a preflight: which method, which header, which value rule made the request unsafe."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from corsspec.engine.browsers import SPEC, BrowserProfile
from corsspec.engine.headers import byte_lowercase
from corsspec.engine.model import Api, Mode, Request, default_content_type
from corsspec.engine.preflight import (
    effective_body,
    prepare_headers,
    uses_cors_preflight_flag,
)
from corsspec.engine.safelist import (
    SAFELISTED_CONTENT_TYPE_ESSENCES,
    SAFELISTED_VALUE_BUDGET,
    SAFELISTED_VALUE_MAX_LEN,
    has_cors_unsafe_byte,
    is_client_hint_safelisted,
    is_cors_safelisted_method,
    is_cors_safelisted_request_header,
    parse_mime_essence,
    parse_single_range,
)

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
        CauseCode.SAFELIST_BUDGET: (
            f"the safelisted header values add up to {{detail}} bytes, over the"
            f" {SAFELISTED_VALUE_BUDGET}-byte budget, so {{header}} counts as unsafe too"
        ),
    }
)

_LANGUAGE_BYTES = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz *,-.;=")


def _char(ch: str) -> str:
    return repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"


def _header_cause(
    name: str, value: str, key: str, profile: BrowserProfile, from_body: bool
) -> PreflightCause | None:
    """Why one (name, value) header is not CORS-safelisted (None: it is)."""
    if is_cors_safelisted_request_header(name, value, profile.safelist_rules):
        return None
    safelisted_names = {"accept", "accept-language", "content-language", "content-type", "range"}
    hint = profile.safelists_client_hints and is_client_hint_safelisted(key, "1")
    if key not in safelisted_names and not hint and key not in ("ect", "save-data"):
        return PreflightCause(code=CauseCode.HEADER_NAME, header=name, value=value)
    if len(value) > SAFELISTED_VALUE_MAX_LEN:
        return PreflightCause(
            code=CauseCode.VALUE_TOO_LONG,
            header=name,
            value=value[:64],
            detail=str(len(value)),
            from_body=from_body,
        )
    if key in ("accept", "content-type") and has_cors_unsafe_byte(value):
        bad = next(ch for ch in value if has_cors_unsafe_byte(ch))
        return PreflightCause(
            code=CauseCode.UNSAFE_BYTE,
            header=name,
            value=value,
            detail=_char(bad),
            from_body=from_body,
        )
    if key == "content-type":
        essence = parse_mime_essence(value)
        if essence is None:
            return PreflightCause(
                code=CauseCode.CONTENT_TYPE_UNPARSABLE,
                header=name,
                value=value,
                from_body=from_body,
            )
        if essence not in SAFELISTED_CONTENT_TYPE_ESSENCES:
            return PreflightCause(
                code=CauseCode.CONTENT_TYPE_NOT_FORM,
                header=name,
                value=value,
                detail=essence,
                from_body=from_body,
            )
    if key in ("accept-language", "content-language"):
        bad = next((ch for ch in value if ch not in _LANGUAGE_BYTES), "")
        return PreflightCause(
            code=CauseCode.LANGUAGE_BYTE, header=name, value=value, detail=_char(bad)
        )
    if key == "range":
        parsed = parse_single_range(value)
        if parsed is None or parsed[0] is None:
            return PreflightCause(code=CauseCode.RANGE_NOT_SIMPLE, header=name, value=value)
    if key not in safelisted_names:
        return PreflightCause(code=CauseCode.CLIENT_HINT_VALUE, header=name, value=value)
    return PreflightCause(code=CauseCode.HEADER_NAME, header=name, value=value)


def preflight_causes(
    request: Request, browser: BrowserProfile | None = None
) -> tuple[PreflightCause, ...]:
    """Why ``browser`` sends a preflight for ``request``: each rule the request breaks.

    Empty when no preflight is needed (same-origin, ``no-cors``, or a simple request).
    Order: the forcing flags, the method, then headers by name.
    """
    profile = browser or SPEC
    if request.mode is not Mode.CORS or not request.is_cross_origin or not request.url.is_http:
        return ()
    causes: list[PreflightCause] = []
    body = effective_body(request, profile)
    if uses_cors_preflight_flag(request, body):
        if request.api is Api.XHR:
            causes.append(PreflightCause(code=CauseCode.UPLOAD_LISTENER))
        else:
            causes.append(PreflightCause(code=CauseCode.STREAM_BODY))
    if not is_cors_safelisted_method(request.method):
        causes.append(PreflightCause(code=CauseCode.METHOD, value=request.method))
    content_type = default_content_type(body)
    prepared = prepare_headers(
        request.headers,
        api=request.api,
        content_type=content_type,
        profile=profile,
        no_cors=False,  # only cors-mode requests get here
    )
    script_names = {byte_lowercase(n) for n, _ in request.headers}
    judged: list[tuple[str, str]] = list(prepared.headers)
    if profile.combines_duplicate_request_headers:
        merged: dict[str, tuple[str, list[str]]] = {}
        for name, value in judged:
            merged.setdefault(byte_lowercase(name), (name, []))[1].append(value)
        judged = [(name, ", ".join(values)) for name, values in merged.values()]
    if prepared.adds_accept and profile.counts_default_accept:
        judged.append(("Accept", "*/*"))
    budget = 0
    safelisted: list[str] = []
    by_name: dict[str, PreflightCause] = {}
    for name, value in judged:
        key = byte_lowercase(name)
        from_body = key == "content-type" and key not in script_names
        cause = _header_cause(name, value, key, profile, from_body)
        if cause is None:
            budget += len(value)
            safelisted.append(name)
        elif key not in by_name:
            by_name[key] = cause
    if budget > SAFELISTED_VALUE_BUDGET:
        for name in safelisted:
            key = byte_lowercase(name)
            by_name.setdefault(
                key,
                PreflightCause(code=CauseCode.SAFELIST_BUDGET, header=name, detail=str(budget)),
            )
    for key in prepared.unsafe_names:
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

"""Exceptions raised by corsspec, each with a closed set of problem codes.

An exception always means the *caller's* input is wrong (or, for :class:`ScriptError`,
that page script did something the browser rejects synchronously). Whatever a server
answers is never an exception: it is a verdict (see :mod:`corsspec.engine.reasons`).
"""

from __future__ import annotations

import enum

__all__ = [
    "AdapterError",
    "CorsspecError",
    "HeaderProblem",
    "InvalidHeaderError",
    "InvalidMethodError",
    "InvalidOriginError",
    "InvalidRequestError",
    "InvalidURLError",
    "MethodProblem",
    "MissingExtraError",
    "OriginProblem",
    "PolicyError",
    "RequestProblem",
    "ScriptError",
    "ScriptProblem",
    "URLProblem",
    "describe",
]


def __dir__() -> list[str]:
    return __all__


#: How much of an offending value an error message quotes.
_SHOWN = 80


def describe(value: object) -> str:
    """``repr(value)`` for an error message, clipped to a readable length.

    Never raises: an int too long for ``repr`` (``10**5000``) is described by its digit
    count, and an object whose ``__repr__`` fails by its type.
    """
    try:
        text = repr(value)
    except ValueError:
        # int -> str conversion limit (CPython's int_max_str_digits).
        if isinstance(value, int):
            return f"<int with more than {_SHOWN} digits>"
        return f"<{type(value).__name__} object>"
    except Exception:
        return f"<{type(value).__name__} object>"
    if len(text) > _SHOWN:
        return f"{text[:_SHOWN]}... ({len(text)} characters)"
    return text


class OriginProblem(enum.Enum):
    """Why a string is not a serialized origin."""

    NOT_A_STRING = "not-a-string"
    TOO_LONG = "too-long"
    NO_SCHEME = "no-scheme"
    BAD_SCHEME = "bad-scheme"
    NO_HOST = "no-host"
    BAD_HOST = "bad-host"
    BAD_PORT = "bad-port"
    HAS_PATH = "has-path"
    HAS_QUERY_OR_FRAGMENT = "has-query-or-fragment"
    HAS_USERINFO = "has-userinfo"
    #: The host needs UTS #46 data the core does not carry (see ``corsspec.engine.url``).
    UNSUPPORTED_HOST = "unsupported-host"


class URLProblem(enum.Enum):
    """Why a string is not a URL corsspec can fetch."""

    NOT_A_STRING = "not-a-string"
    TOO_LONG = "too-long"
    NOT_ABSOLUTE = "not-absolute"
    BAD_HOST = "bad-host"
    BAD_PORT = "bad-port"
    BAD_CHARACTER = "bad-character"
    #: The host needs UTS #46 data the core does not carry (see ``corsspec.engine.url``).
    UNSUPPORTED_HOST = "unsupported-host"


class HeaderProblem(enum.Enum):
    """Why a header pair is not usable."""

    NOT_A_STRING = "not-a-string"
    NOT_A_PAIR = "not-a-pair"
    INVALID_NAME = "invalid-name"
    INVALID_VALUE = "invalid-value"


class MethodProblem(enum.Enum):
    """Why a method is not usable."""

    NOT_A_STRING = "not-a-string"
    NOT_A_TOKEN = "not-a-token"


class RequestProblem(enum.Enum):
    """Why a request description is inconsistent (caller error, not a browser rule)."""

    BAD_ENUM_VALUE = "bad-enum-value"
    XHR_ONLY = "xhr-only"
    FETCH_ONLY = "fetch-only"
    BAD_STATUS = "bad-status"
    BAD_BODY = "bad-body"


class ScriptProblem(enum.Enum):
    """The synchronous ``TypeError`` (or XHR DOMException) a browser raises to page script."""

    INVALID_METHOD = "invalid-method"
    FORBIDDEN_METHOD = "forbidden-method"
    INVALID_HEADER_NAME = "invalid-header-name"
    INVALID_HEADER_VALUE = "invalid-header-value"
    NO_CORS_METHOD_NOT_SAFELISTED = "no-cors-method-not-safelisted"
    BODY_WITH_GET_OR_HEAD = "body-with-get-or-head"
    STREAM_BODY_REQUIRES_CORS_OR_SAME_ORIGIN = "stream-body-requires-cors-or-same-origin"
    STREAM_BODY_REQUIRES_HALF_DUPLEX = "stream-body-requires-half-duplex"
    STREAM_BODY_NOT_SUPPORTED = "stream-body-not-supported"
    URL_HAS_CREDENTIALS = "url-has-credentials"


class CorsspecError(Exception):
    """Base class of every exception corsspec raises on purpose."""


class InvalidOriginError(CorsspecError, ValueError):
    """A caller passed something that is not a serialized origin."""

    def __init__(self, value: object, reason: OriginProblem, hint: str = "") -> None:
        self.value = value
        self.reason = reason
        self.hint = hint
        super().__init__(value, reason)

    def __str__(self) -> str:
        extra = f"; {self.hint}" if self.hint else ""
        return f"invalid origin {describe(self.value)} ({self.reason.value}{extra})"


class InvalidURLError(CorsspecError, ValueError):
    """A caller passed a URL that cannot be fetched."""

    def __init__(self, value: object, reason: URLProblem, hint: str = "") -> None:
        self.value = value
        self.reason = reason
        self.hint = hint
        super().__init__(value, reason)

    def __str__(self) -> str:
        extra = f"; {self.hint}" if self.hint else ""
        return f"invalid URL {describe(self.value)} ({self.reason.value}{extra})"


class InvalidHeaderError(CorsspecError, ValueError):
    """A caller passed a malformed header name or value (outside page-script semantics)."""

    def __init__(self, name: object, value: object, reason: HeaderProblem) -> None:
        self.name = name
        self.value = value
        self.reason = reason
        super().__init__(name, value, reason)

    def __str__(self) -> str:
        return f"invalid header {describe(self.name)}: {describe(self.value)} ({self.reason.value})"


class InvalidMethodError(CorsspecError, ValueError):
    """A caller passed something that is not an HTTP method token."""

    def __init__(self, value: object, reason: MethodProblem) -> None:
        self.value = value
        self.reason = reason
        super().__init__(value, reason)

    def __str__(self) -> str:
        return (
            f"invalid method {describe(self.value)} "
            f"({self.reason.value}; a method is an HTTP token)"
        )


class InvalidRequestError(CorsspecError, ValueError):
    """A request description mixes options that do not go together."""

    def __init__(self, field: str, value: object, reason: RequestProblem, hint: str = "") -> None:
        self.field = field
        self.value = value
        self.reason = reason
        self.hint = hint
        super().__init__(field, value, reason)

    def __str__(self) -> str:
        extra = f"; {self.hint}" if self.hint else ""
        return f"invalid {self.field} {describe(self.value)} ({self.reason.value}{extra})"


class ScriptError(CorsspecError, TypeError):
    """What page script would get synchronously: the browser's ``TypeError``.

    Raised when the request as described could never leave the page (an invalid header
    name, a forbidden method, a non-safelisted method in ``no-cors`` mode, ...).
    """

    def __init__(self, reason: ScriptProblem, value: object, hint: str = "") -> None:
        self.reason = reason
        self.value = value
        self.hint = hint
        super().__init__(reason, value)

    def __str__(self) -> str:
        extra = f": {self.hint}" if self.hint else ""
        return (
            f"the browser throws TypeError ({self.reason.value}) for {describe(self.value)}{extra}"
        )


class PolicyError(CorsspecError, ValueError):
    """A server policy has one or more problems; ``problems`` lists all of them."""

    def __init__(self, problems: tuple[object, ...]) -> None:
        self.problems = problems
        super().__init__(problems)

    def __str__(self) -> str:
        lines = "; ".join(str(p) for p in self.problems)
        return f"invalid CORS policy ({len(self.problems)} problem(s)): {lines}"


class AdapterError(CorsspecError):
    """An adapter could not turn a real thing (app, URL, file) into core values."""


class MissingExtraError(CorsspecError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, extra: str, module: str) -> None:
        self.extra = extra
        self.module = module
        super().__init__(extra, module)

    def __str__(self) -> str:
        return (
            f"this feature needs the optional module {self.module!r}; "
            f"install it with: pip install 'corsspec[{self.extra}]'"
        )

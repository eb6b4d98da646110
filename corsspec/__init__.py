"""corsspec: what a browser does with a cross-origin request, decided by the Fetch Standard.

The public API (everything here is importable from ``corsspec``)::

    import corsspec as cs
    req = cs.Request(method="PUT", url="https://api.example/items/1",
                     origin="https://app.example", headers=[("Content-Type", "application/json")])
    ev = cs.evaluate(req, cs.Exchange(preflight=..., actual=...), browser=cs.FIREFOX)
    ev.allowed, ev.reason, ev.visible_headers
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._version import __version__
from .browsers import (
    ALL_BROWSERS,
    CHROMIUM,
    FIREFOX,
    PROFILES,
    SPEC,
    WEBKIT,
    BrowserFamily,
    BrowserProfile,
    CacheWildcard,
    PreflightCheckOrder,
    StreamBodySupport,
    get_profile,
)
from .cache import CacheEntry, CacheKey, PreflightCache
from .errors import (
    AdapterError,
    CorsspecError,
    InvalidHeaderError,
    InvalidMethodError,
    InvalidOriginError,
    InvalidRequestError,
    InvalidURLError,
    MissingExtraError,
    PolicyError,
    ScriptError,
    ScriptProblem,
)
from .fetch import Evaluation, Exchange, Server, ServerLike, evaluate
from .headers import HeaderNameSet
from .model import (
    Api,
    Body,
    BodyKind,
    Credentials,
    Mode,
    RedirectMode,
    Request,
    Response,
    ResponseType,
)
from .origins import URL, Origin, parse_origin, parse_url
from .preflight import needs_preflight, preflight_request, unsafe_header_names
from .reasons import Note, NoteCode, Reason, ReasonCode, Stage

if TYPE_CHECKING:
    from .policy import Policy, PolicyProblem, ProblemCode

__all__ = [
    "ALL_BROWSERS",
    "CHROMIUM",
    "FIREFOX",
    "PROFILES",
    "SPEC",
    "URL",
    "WEBKIT",
    "AdapterError",
    "Api",
    "Body",
    "BodyKind",
    "BrowserFamily",
    "BrowserProfile",
    "CacheEntry",
    "CacheKey",
    "CacheWildcard",
    "CorsspecError",
    "Credentials",
    "Evaluation",
    "Exchange",
    "HeaderNameSet",
    "InvalidHeaderError",
    "InvalidMethodError",
    "InvalidOriginError",
    "InvalidRequestError",
    "InvalidURLError",
    "MissingExtraError",
    "Mode",
    "Note",
    "NoteCode",
    "Origin",
    "Policy",
    "PolicyError",
    "PolicyProblem",
    "PreflightCache",
    "PreflightCheckOrder",
    "ProblemCode",
    "Reason",
    "ReasonCode",
    "RedirectMode",
    "Request",
    "Response",
    "ResponseType",
    "ScriptError",
    "ScriptProblem",
    "Server",
    "ServerLike",
    "Stage",
    "StreamBodySupport",
    "__version__",
    "evaluate",
    "get_profile",
    "needs_preflight",
    "parse_origin",
    "parse_url",
    "preflight_request",
    "unsafe_header_names",
]


def __dir__() -> list[str]:
    return __all__


# The server-side policy model is loaded on first use, so that `import corsspec` stays
# cheap for tools that only evaluate requests.
_LAZY = {"Policy", "PolicyProblem", "ProblemCode"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from . import policy  # noqa: PLC0415 - deferred for import time

        return getattr(policy, name)
    raise AttributeError(f"module 'corsspec' has no attribute {name!r}")

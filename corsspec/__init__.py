"""corsspec: what a browser does with a cross-origin request, decided by the Fetch Standard.

The public API (everything here is importable from ``corsspec``)::

    import corsspec as cs
    req = cs.Request(method="PUT", url="https://api.example/items/1",
                     origin="https://app.example", headers=[("Content-Type", "application/json")])
    ev = cs.evaluate(req, cs.Exchange(preflight=..., actual=...), browser=cs.FIREFOX)
    ev.allowed, ev.reason, ev.visible_headers
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._version import __version__

if TYPE_CHECKING:
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
    from .cache import (
        CacheEntry,
        CacheKey,
        PreflightCache,
    )
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
    from .fetch import (
        Evaluation,
        Exchange,
        Server,
        ServerLike,
        evaluate,
    )
    from .headers import (
        HeaderNameSet,
    )
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
    from .origins import (
        URL,
        Origin,
        parse_origin,
        parse_url,
    )
    from .policy import (
        Policy,
        PolicyProblem,
        ProblemCode,
    )
    from .preflight import (
        needs_preflight,
        preflight_request,
        unsafe_header_names,
    )
    from .reasons import (
        Note,
        NoteCode,
        Reason,
        ReasonCode,
        Stage,
    )

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


# Submodules load on first use of a name they export (PEP 562), so `import corsspec`
# costs almost nothing for tools that only need part of it (the pytest plugin loads in
# every test session, the CLI's --help). The first use of, say, ``evaluate`` loads the
# engine; after that the name is an ordinary module attribute.
#: Where each public name lives: the submodule loads on first use of the name.
_EXPORTS: dict[str, str] = {
    "ALL_BROWSERS": "browsers",
    "BrowserFamily": "browsers",
    "BrowserProfile": "browsers",
    "CHROMIUM": "browsers",
    "CacheWildcard": "browsers",
    "FIREFOX": "browsers",
    "PROFILES": "browsers",
    "PreflightCheckOrder": "browsers",
    "SPEC": "browsers",
    "StreamBodySupport": "browsers",
    "WEBKIT": "browsers",
    "get_profile": "browsers",
    "CacheEntry": "cache",
    "CacheKey": "cache",
    "PreflightCache": "cache",
    "AdapterError": "errors",
    "CorsspecError": "errors",
    "InvalidHeaderError": "errors",
    "InvalidMethodError": "errors",
    "InvalidOriginError": "errors",
    "InvalidRequestError": "errors",
    "InvalidURLError": "errors",
    "MissingExtraError": "errors",
    "PolicyError": "errors",
    "ScriptError": "errors",
    "ScriptProblem": "errors",
    "Evaluation": "fetch",
    "Exchange": "fetch",
    "Server": "fetch",
    "ServerLike": "fetch",
    "evaluate": "fetch",
    "HeaderNameSet": "headers",
    "Api": "model",
    "Body": "model",
    "BodyKind": "model",
    "Credentials": "model",
    "Mode": "model",
    "RedirectMode": "model",
    "Request": "model",
    "Response": "model",
    "ResponseType": "model",
    "Origin": "origins",
    "URL": "origins",
    "parse_origin": "origins",
    "parse_url": "origins",
    "Policy": "policy",
    "PolicyProblem": "policy",
    "ProblemCode": "policy",
    "needs_preflight": "preflight",
    "preflight_request": "preflight",
    "unsafe_header_names": "preflight",
    "Note": "reasons",
    "NoteCode": "reasons",
    "Reason": "reasons",
    "ReasonCode": "reasons",
    "Stage": "reasons",
}


if not TYPE_CHECKING:
    # Hidden from type checkers, which see the imports above: a module-level
    # __getattr__ would make them accept any attribute (a typo like ``cs.evalute``).

    def __getattr__(name: str) -> object:
        module = _EXPORTS.get(name)
        if module is None:
            raise AttributeError(f"module 'corsspec' has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = value
        return value

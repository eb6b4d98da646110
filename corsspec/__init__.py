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

from corsspec._version import __version__

if TYPE_CHECKING:
    from corsspec.engine.browsers import (
        ALL_BROWSERS,
        CHROMIUM,
        FIREFOX,
        PROFILES,
        SPEC,
        WEBKIT,
        BrowserFamily,
        BrowserProfile,
        CacheWildcard,
        MaxAgeOverflow,
        PreflightCheckOrder,
        StreamBodySupport,
        ThirdPartyCookies,
        get_profile,
    )
    from corsspec.engine.cache import (
        CacheEntry,
        CacheKey,
        PreflightCache,
    )
    from corsspec.engine.cookies import (
        CookieJar,
        CookieReason,
    )
    from corsspec.engine.fetch import (
        Evaluation,
        Exchange,
        Server,
        ServerLike,
        evaluate,
    )
    from corsspec.engine.headers import (
        HeaderNameSet,
    )
    from corsspec.engine.model import (
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
    from corsspec.engine.preflight import (
        needs_preflight,
        preflight_request,
        unsafe_header_names,
    )
    from corsspec.engine.reasons import (
        Note,
        NoteCode,
        Reason,
        ReasonCode,
        Stage,
    )
    from corsspec.engine.url import (
        URL,
        Origin,
        parse_origin,
        parse_url,
    )
    from corsspec.errors import (
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
    from corsspec.explain import explanation
    from corsspec.server.policy import (
        Policy,
        PolicyProblem,
        ProblemCode,
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
    "CookieJar",
    "CookieReason",
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
    "MaxAgeOverflow",
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
    "ThirdPartyCookies",
    "__version__",
    "evaluate",
    "explanation",
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
    "ALL_BROWSERS": "engine.browsers",
    "BrowserFamily": "engine.browsers",
    "BrowserProfile": "engine.browsers",
    "CHROMIUM": "engine.browsers",
    "CacheWildcard": "engine.browsers",
    "CookieJar": "engine.cookies",
    "CookieReason": "engine.cookies",
    "ThirdPartyCookies": "engine.browsers",
    "MaxAgeOverflow": "engine.browsers",
    "FIREFOX": "engine.browsers",
    "PROFILES": "engine.browsers",
    "PreflightCheckOrder": "engine.browsers",
    "SPEC": "engine.browsers",
    "StreamBodySupport": "engine.browsers",
    "WEBKIT": "engine.browsers",
    "get_profile": "engine.browsers",
    "CacheEntry": "engine.cache",
    "CacheKey": "engine.cache",
    "PreflightCache": "engine.cache",
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
    "Evaluation": "engine.fetch",
    "Exchange": "engine.fetch",
    "Server": "engine.fetch",
    "ServerLike": "engine.fetch",
    "evaluate": "engine.fetch",
    "HeaderNameSet": "engine.headers",
    "Api": "engine.model",
    "Body": "engine.model",
    "BodyKind": "engine.model",
    "Credentials": "engine.model",
    "Mode": "engine.model",
    "RedirectMode": "engine.model",
    "Request": "engine.model",
    "Response": "engine.model",
    "ResponseType": "engine.model",
    "Origin": "engine.url",
    "URL": "engine.url",
    "parse_origin": "engine.url",
    "parse_url": "engine.url",
    "Policy": "server.policy",
    "PolicyProblem": "server.policy",
    "ProblemCode": "server.policy",
    "needs_preflight": "engine.preflight",
    "preflight_request": "engine.preflight",
    "unsafe_header_names": "engine.preflight",
    "Note": "engine.reasons",
    "NoteCode": "engine.reasons",
    "Reason": "engine.reasons",
    "ReasonCode": "engine.reasons",
    "Stage": "engine.reasons",
    "explanation": "explain",
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

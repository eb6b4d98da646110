"""Policies from the configurations people already have: starlette, flask-cors, django.

Each importer reads the options exactly as the library does and returns the
:class:`~corsspec.server.policy.Policy` that allows what the library *really* allows, quirks
included, so that :mod:`corsspec.server.audit` can show it. Where a library accepts something
corsspec refuses by default (any origin with credentials, ``null``, prefix-anchored
regexes, a long max-age), the importer sets the matching ``dangerously_*`` option: the
library does it, so the model must too, and the audit reports it. Entries the library can
never match against a browser's ``Origin`` header (``https://a.com/`` compared as a
string, ``https://A.com``) are dropped, since they allow nothing.

Read from the libraries' sources: starlette ``starlette/middleware/cors.py`` (1.x),
flask-cors ``flask_cors/core.py`` and ``extension.py`` (6.0), django-cors-headers
``corsheaders/middleware.py`` and ``conf.py`` (4.x). The libraries are not imported:
the importers take the options as plain values.
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import Any

from corsspec.engine._abnf import is_token
from corsspec.engine.headers import byte_lowercase
from corsspec.engine.safelist import normalize_method
from corsspec.engine.url import parse_origin
from corsspec.errors import InvalidOriginError, PolicyError
from corsspec.server.policy import (
    RELAXED_BY,
    OriginRegex,
    Policy,
    PolicyProblem,
    ProblemCode,
    VaryMode,
    is_app_origin,
    parse_app_origin,
    parse_origin_pattern,
)

__all__ = [
    "DJANGO_DEFAULT_HEADERS",
    "DJANGO_DEFAULT_METHODS",
    "FLASK_CORS_ALL_METHODS",
    "STARLETTE_ALL_METHODS",
    "STARLETTE_SAFELISTED_HEADERS",
    "from_django_cors_headers",
    "from_flask_cors",
    "from_starlette",
]


def __dir__() -> list[str]:
    return __all__


#: starlette: ``allow_methods=["*"]`` becomes this fixed list (``ALL_METHODS``).
STARLETTE_ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
#: starlette adds these to ``allow_headers`` whatever the configuration says.
STARLETTE_SAFELISTED_HEADERS = ("accept", "accept-language", "content-language", "content-type")
#: flask-cors's default ``methods`` (``ALL_METHODS``).
FLASK_CORS_ALL_METHODS = ("GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE")
#: django-cors-headers ``corsheaders.defaults``.
DJANGO_DEFAULT_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
)
DJANGO_DEFAULT_METHODS = ("DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT")

# Longest string option the importers expand character by character or by substrings.
_MAX_OPTION_LEN = 512


def _unsupported(field: str, value: object) -> PolicyError:
    return PolicyError(
        (PolicyProblem(field=field, value=value, code=ProblemCode.UNSUPPORTED_OPTION),)
    )


def _tolerant(**fields: Any) -> Policy:
    """Build a policy, turning on the ``dangerously_*`` option for each relaxable problem
    (the library being modelled accepts it); any other problem is raised."""
    try:
        return Policy(**fields)
    except PolicyError as exc:
        flags: dict[str, Any] = {}
        for problem in exc.problems:
            flag = RELAXED_BY.get(problem.code) if isinstance(problem, PolicyProblem) else None
            if flag is None:
                raise
            flags[flag] = True
        return Policy(**fields, **flags)


def _canonical_origin(value: str) -> str | None:
    """``value`` if it is exactly how a browser serializes some origin, else None.

    Extension and WebView origins (``chrome-extension://<id>``, ``capacitor://localhost``)
    count when well-formed; hosts the URL Standard rejects (an IPv6 zone, an invalid
    Punycode label) never arrive from a browser.
    """
    if value == "null":
        return value
    try:
        if is_app_origin(value):
            return parse_app_origin(value)
        parsed = parse_origin(value)
        if "*" not in value:
            parse_origin_pattern(value)
    except InvalidOriginError:
        return None
    serialized = parsed.serialize()
    return serialized if serialized == value else None


def _method_items(items: Iterable[object]) -> list[str]:
    """Methods a browser can actually send that equal an item byte for byte."""
    out: list[str] = []
    for item in items:
        if isinstance(item, str) and is_token(item) and normalize_method(item) == item:
            out.append(item)
    return out


def _header_items(items: Iterable[object]) -> list[str]:
    """Header names (lower-cased) that can match a browser's request-header names."""
    return [byte_lowercase(i) for i in items if isinstance(i, str) and (i == "*" or is_token(i))]


def _expose_items(items: Iterable[object]) -> list[str]:
    """An expose list as the browser reads the joined header: one bad item spoils it all
    (Fetch: extract header list values fails, and nothing is exposed)."""
    names = [i for i in items if isinstance(i, str)]
    if not all(n == "*" or is_token(n) for n in names):
        return []
    return [byte_lowercase(n) for n in names]


def _regex(value: object, *, field: str, prefix: bool, ignore_case: bool) -> OriginRegex:
    """An :class:`OriginRegex` from a pattern string or a compiled ``re.Pattern``."""
    if isinstance(value, re.Pattern):
        flags = value.flags & ~re.UNICODE
        if flags & ~re.IGNORECASE or not isinstance(value.pattern, str):
            raise _unsupported(field, value.pattern)
        return OriginRegex(
            pattern=value.pattern, prefix=prefix, ignore_case=bool(flags & re.IGNORECASE)
        )
    if not isinstance(value, str):
        raise _unsupported(field, value)
    return OriginRegex(pattern=value, prefix=prefix, ignore_case=ignore_case)


# ---------------------------------------------------------------------------------------
# starlette / FastAPI CORSMiddleware
# ---------------------------------------------------------------------------------------


def _starlette_items(value: object) -> list[object]:
    # starlette iterates whatever it is given: a string becomes its characters.
    if isinstance(value, str):
        if len(value) > _MAX_OPTION_LEN:
            raise _unsupported("option", value[:64])
        return list(value)
    return list(value) if isinstance(value, Iterable) else []


def _substring_origins(text: str) -> list[str]:
    """Origins ``o`` with ``o in text`` for a string ``allow_origins`` (starlette tests
    membership with ``in``, which on a string is a substring test)."""
    if len(text) > _MAX_OPTION_LEN:
        raise _unsupported("allow_origins", text[:64])
    found: set[str] = set()
    for start in range(len(text)):
        for end in range(start + 4, len(text) + 1):
            candidate = _canonical_origin(text[start:end])
            if candidate is not None:
                found.add(candidate)
    return sorted(found)


def from_starlette(
    *,
    allow_origins: Iterable[str] | str = (),
    allow_methods: Iterable[str] | str = ("GET",),
    allow_headers: Iterable[str] | str = (),
    allow_credentials: bool = False,
    allow_origin_regex: str | re.Pattern[str] | None = None,
    allow_private_network: bool = False,
    expose_headers: Iterable[str] | str = (),
    max_age: int = 600,
) -> Policy:
    """The policy of ``starlette.middleware.cors.CORSMiddleware(app, **options)``
    (also FastAPI's), taking the same keyword arguments with the same defaults.

    Semantics reproduced: ``*`` in ``allow_origins`` allows every origin and, with
    credentials, reflects it; other entries are compared to the ``Origin`` header as
    strings; ``allow_origin_regex`` must match the whole origin (``fullmatch``,
    case-sensitive); ``allow_methods=["*"]`` is a fixed list of eight methods; the four
    safelisted header names are always allowed and ``*`` mirrors the requested headers;
    failed preflights are answered 400.

    :raises PolicyError: the regex does not compile (starlette raises too).
    """
    # Origins: `"*" in allow_origins` and `origin in self.allow_origins`.
    origins: list[str]
    if isinstance(allow_origins, str):
        origins = ["*"] if "*" in allow_origins else _substring_origins(allow_origins)
    else:
        raw = list(allow_origins)
        if "*" in raw:
            origins = ["*"]
        else:
            found = (_canonical_origin(o) for o in raw)
            origins = [c for c in found if c is not None]
    regexes = []
    if allow_origin_regex is not None:
        regexes.append(
            _regex(allow_origin_regex, field="allow_origin_regex", prefix=False, ignore_case=False)
        )

    method_items = _starlette_items(allow_methods)
    methods = list(STARLETTE_ALL_METHODS) if "*" in method_items else _method_items(method_items)

    header_items = _starlette_items(allow_headers)
    headers: list[str]
    if "*" in header_items:
        headers = ["*"]  # the requested headers are mirrored, credentials or not
    else:
        headers = [*STARLETTE_SAFELISTED_HEADERS, *_header_items(header_items)]

    expose = _expose_items(_starlette_items(expose_headers))
    age: int | None = max_age if type(max_age) is int else None
    return _tolerant(
        allow_origins=origins,
        allow_origin_regexes=regexes,
        allow_methods=methods,
        allow_headers=headers,
        allow_credentials=bool(allow_credentials),
        expose_headers=expose,
        max_age=age,
        allow_private_network=bool(allow_private_network),
        # A request without Origin passes through untouched, even with `*`.
        always_send_static=False,
    )


# ---------------------------------------------------------------------------------------
# flask-cors
# ---------------------------------------------------------------------------------------

_FLASK_DEFAULTS: dict[str, Any] = {
    "origins": "*",
    "methods": FLASK_CORS_ALL_METHODS,
    "allow_headers": "*",
    "expose_headers": None,
    "supports_credentials": False,
    "max_age": None,
    "send_wildcard": False,
    "automatic_options": True,
    "vary_header": True,
    "resources": r"/*",
    "intercept_exceptions": True,
    "always_send": True,
    "allow_private_network": False,
}
_FLASK_REGEX_CHARS = frozenset("*\\]?$^[()")


def _flask_probably_regex(value: object) -> bool:
    """flask-cors ``probably_regex``: a compiled pattern, or a string with a regex char."""
    if isinstance(value, re.Pattern):
        return True
    return isinstance(value, str) and any(c in value for c in _FLASK_REGEX_CHARS)


def _flask_re_fix(value: object) -> object:
    return r".*" if value == r"*" else value


def _flask_iterable(value: object) -> list[object]:
    """flask-cors ``ensure_iterable``: a string or scalar becomes a one-item list."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _flask_str(value: object) -> str | None:
    """flask-cors ``flexible_str``: iterables are sorted and joined with ", "."""
    if value is None:
        return None
    if not isinstance(value, str) and isinstance(value, Iterable):
        return ", ".join(str(item) for item in sorted(value))
    return str(value)


def _flask_path_match(path: str, pattern: object) -> bool:
    """flask-cors ``try_match_pattern`` for resource paths (case-sensitive)."""
    if isinstance(pattern, re.Pattern):
        return re.match(pattern, path) is not None
    if _flask_probably_regex(pattern):
        try:
            return re.match(str(pattern), path) is not None
        except re.error:
            return False
    return path == str(pattern)


def _flask_resource_options(resources: object, path: str) -> dict[str, Any] | None:
    """The per-resource options that apply to ``path``, or None when no resource matches
    (flask-cors ``parse_resources`` ordering, then the first match wins)."""
    entries: list[tuple[object, dict[str, Any]]]
    if isinstance(resources, Mapping):
        entries = [(_flask_re_fix(k), dict(v or {})) for k, v in resources.items()]

        def sort_key(pair: tuple[object, dict[str, Any]]) -> tuple[int, int, int, int]:
            pattern = pair[0]
            if isinstance(pattern, re.Pattern):
                text = str(pattern.pattern)
                return (1, 0, -text.count("/"), -len(text))
            text = str(pattern)
            if _flask_probably_regex(text):
                return (1, 1, -text.count("/"), -len(text))
            return (0, 0, -text.count("/"), -len(text))

        entries.sort(key=sort_key)
    elif isinstance(resources, (str, re.Pattern)):
        entries = [(_flask_re_fix(resources), {})]
    elif isinstance(resources, Iterable):
        entries = [(_flask_re_fix(r), {}) for r in resources]
    else:
        raise _unsupported("resources", resources)
    for pattern, options in entries:
        if _flask_path_match(urllib.parse.unquote(path), pattern):
            return options
    return None


def from_flask_cors(
    *, path: str = "/", app_config: Mapping[str, object] | None = None, **options: object
) -> Policy:
    """The policy ``flask_cors.CORS(app, **options)`` applies to requests for ``path``.

    ``app_config`` holds the app's ``CORS_*`` settings (lower priority than ``options``,
    as in flask-cors). Semantics reproduced: origins that look like regexes (any of
    ``* \\ ] ? $ ^ [ ( )``) are matched with ``re.match`` (anchored at the start only)
    and ``re.IGNORECASE``; other strings are compared case-insensitively; ``*`` (the
    default) reflects every origin, with credentials when ``supports_credentials``;
    ``Vary: Origin`` is sent only with several origins or a regex, and only on answers
    that allow the origin; methods are upper-cased; the requested headers that match
    ``allow_headers`` are echoed; preflights go on to Flask (which answers 200).

    :raises PolicyError: an option corsspec cannot model (a header regex other than
        ``*``), or ``*`` with credentials and ``send_wildcard`` (flask-cors raises too).
    """
    merged: dict[str, Any] = dict(_FLASK_DEFAULTS)
    for key, value in (app_config or {}).items():
        if key.startswith("CORS_") and value is not None:
            merged[key[5:].lower()] = value
    merged.update(options)
    resource = _flask_resource_options(merged.get("resources"), path)
    if resource is None:
        # No resource matches: flask-cors adds no header at all.
        return Policy(vary=VaryMode.NEVER)
    merged.update(resource)

    origins_raw = [_flask_re_fix(o) for o in _flask_iterable(merged.get("origins"))]
    credentials = bool(merged.get("supports_credentials"))
    send_wildcard = bool(merged.get("send_wildcard"))
    any_origin = r".*" in origins_raw
    if any_origin and credentials and send_wildcard:
        raise PolicyError(
            (
                PolicyProblem(
                    field="origins", value="*", code=ProblemCode.WILDCARD_ORIGIN_WITH_CREDENTIALS
                ),
            )
        )

    origins: list[str] = []
    regexes: list[OriginRegex] = []
    if any_origin:
        origins = ["*"]
    else:
        for item in origins_raw:
            if isinstance(item, re.Pattern):
                regexes.append(_regex(item, field="origins", prefix=True, ignore_case=False))
            elif _flask_probably_regex(item):
                text = str(item)
                try:
                    re.compile(text, re.IGNORECASE)
                except re.error:
                    continue  # flask-cors swallows re.error: the entry never matches
                regexes.append(OriginRegex(pattern=text, prefix=True, ignore_case=True))
            elif isinstance(item, str):
                canonical = _canonical_origin(item.casefold())
                if canonical is not None:
                    origins.append(canonical)

    # Methods: upper-cased and joined into one string; the browser reads the list.
    methods_text = _flask_str(merged.get("methods")) or ""
    methods = _method_items(m.strip(" \t") for m in methods_text.upper().split(","))

    headers: list[str] = []
    for item in (_flask_re_fix(h) for h in _flask_iterable(merged.get("allow_headers"))):
        if item == r".*":
            headers.append("*")
        elif _flask_probably_regex(item):
            raise _unsupported("allow_headers", getattr(item, "pattern", item))
        elif isinstance(item, str):
            headers.extend(_header_items([item]))

    expose_text = _flask_str(merged.get("expose_headers"))
    expose = _expose_items(p.strip(" \t") for p in expose_text.split(",")) if expose_text else []

    max_age = merged.get("max_age")
    age: int | None = None
    if isinstance(max_age, datetime.timedelta):
        age = int(max_age.total_seconds())
    elif type(max_age) is int:
        age = max_age
    elif isinstance(max_age, str) and max_age.isascii() and max_age.isdigit():
        age = int(max_age)

    if not merged.get("vary_header", True):
        vary = VaryMode.NEVER
    elif any_origin and send_wildcard:
        vary = VaryMode.ALWAYS  # `*` never varies; nothing to add
    elif len(origins_raw) > 1 or any(_flask_probably_regex(o) for o in origins_raw):
        vary = VaryMode.ALLOWED_ONLY
    else:
        vary = VaryMode.NEVER
    return _tolerant(
        allow_origins=origins,
        allow_origin_regexes=regexes,
        allow_methods=methods,
        allow_headers=headers,
        allow_credentials=credentials,
        expose_headers=expose,
        max_age=age,
        allow_private_network=bool(merged.get("allow_private_network")),
        preflight_passthrough=True,
        reflect_any_origin=any_origin and not send_wildcard,
        vary=vary,
        # flask-cors matches each request's Origin; a single origin is not sent to others.
        always_send_static=False,
    )


# ---------------------------------------------------------------------------------------
# django-cors-headers
# ---------------------------------------------------------------------------------------


def _django_setting(
    settings: Mapping[str, object], name: str, legacy: str | None, default: Any
) -> Any:
    if name in settings:
        return settings[name]
    if legacy is not None and legacy in settings:
        return settings[legacy]
    return default


def from_django_cors_headers(settings: Mapping[str, object], *, path: str = "/") -> Policy:
    """The policy django-cors-headers' ``CorsMiddleware`` applies to ``path``, given the
    Django settings (a mapping of the ``CORS_*`` names, legacy names included).

    Semantics reproduced: ``CORS_URLS_REGEX`` selects the paths (``re.match``);
    ``CORS_ALLOWED_ORIGINS`` entries are compared by scheme and netloc after
    ``urlsplit`` (so a path is ignored, a capital letter never matches, and an entry
    without a scheme, such as ``example.com``, matches the ``null`` origin);
    ``CORS_ALLOWED_ORIGIN_REGEXES`` use ``re.match`` (anchored at the start only);
    allow-all with credentials reflects the origin; preflights get 200 with the method
    and header lists as configured (a literal ``*`` included); ``Vary: Origin`` on every
    response. The ``check_request_enabled`` signal is not modelled.
    """
    urls = _django_setting(settings, "CORS_URLS_REGEX", None, r"^.*$")
    try:
        enabled = re.match(urls, path) is not None
    except (re.error, TypeError):
        raise _unsupported("CORS_URLS_REGEX", urls) from None
    if not enabled:
        return Policy(vary=VaryMode.NEVER)

    allow_all = bool(
        _django_setting(settings, "CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL", False)
    )
    credentials = bool(_django_setting(settings, "CORS_ALLOW_CREDENTIALS", None, False))
    origins: list[str] = []
    regexes: list[OriginRegex] = []
    if allow_all:
        origins = ["*"]
    else:
        listed = _django_setting(settings, "CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST", ())
        for entry in listed:
            if not isinstance(entry, str):
                continue
            if entry == "null":
                origins.append("null")
                continue
            try:
                parts = urllib.parse.urlsplit(entry)
            except ValueError:
                continue
            if not parts.scheme and not parts.netloc:
                # urlsplit("null") has the same empty scheme and netloc.
                origins.append("null")
                continue
            canonical = _canonical_origin(f"{parts.scheme}://{parts.netloc}")
            if canonical is not None:
                origins.append(canonical)
        patterns = _django_setting(
            settings, "CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST", ()
        )
        for pattern in patterns:
            regexes.append(
                _regex(pattern, field="CORS_ALLOWED_ORIGIN_REGEXES", prefix=True, ignore_case=False)
            )

    method_items = list(
        _django_setting(settings, "CORS_ALLOW_METHODS", None, DJANGO_DEFAULT_METHODS)
    )
    # Static lists: a literal `*` is sent as is (a wildcard only without credentials).
    methods = (["*"] if "*" in method_items else []) + _method_items(method_items)
    headers = _header_items(
        _django_setting(settings, "CORS_ALLOW_HEADERS", None, DJANGO_DEFAULT_HEADERS)
    )
    expose = _expose_items(_django_setting(settings, "CORS_EXPOSE_HEADERS", None, ()))
    max_age_raw = _django_setting(settings, "CORS_PREFLIGHT_MAX_AGE", None, 86400)
    age = max_age_raw if type(max_age_raw) is int and max_age_raw else None
    return _tolerant(
        allow_origins=origins,
        allow_origin_regexes=regexes,
        allow_methods=methods,
        allow_headers=headers,
        allow_credentials=credentials,
        expose_headers=expose,
        max_age=age,
        allow_private_network=bool(
            _django_setting(settings, "CORS_ALLOW_PRIVATE_NETWORK", None, False)
        ),
        static_lists=True,
        # No Origin, no CORS headers (only Vary).
        always_send_static=False,
    )

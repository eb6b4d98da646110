"""The server side of CORS: a validated :class:`Policy` that answers requests correctly.

A policy says which origins may read a resource, with which methods, request headers and
credentials, and which response headers script may see. It is validated once, when it is
built (every problem is collected and reported together, see :class:`PolicyProblem`), then
compiled into lookup tables, so answering a request costs a few set and dict lookups.

``policy.respond(request)`` returns the :class:`~corsspec.engine.model.Response` a correct server
sends, for a CORS-preflight request (``OPTIONS`` with ``Access-Control-Request-Method``)
and for any other request, with ``Vary`` whenever the answer depends on the request.
A policy is therefore a server for :func:`corsspec.evaluate`, and ``policy.wrap(app)``
puts it in front of another server, the way a middleware does.

``policy.allows(request, browser)`` predicts, without running the fetch algorithm, whether
a browser lets script read the response; a property test checks that it always agrees
with :func:`corsspec.evaluate`.

An answer that does not depend on ``Origin`` (``*``, or one exact origin) is sent on every
response, without ``Vary: Origin`` (Fetch, "CORS protocol and HTTP caches"). Debug mode:
``policy.answer(request)`` also says why the policy refused (a :class:`Refusal`, never
sent), and ``policy.respond(request, debug=True)`` lets the browser name the failing step.

Allowed origins are exact serialized origins and structured patterns
(https://fetch.spec.whatwg.org/#origin-header, following jub0bs/cors's syntax):

* ``https://app.example.com`` — exactly that origin;
* ``https://*.example.com`` — any subdomain of ``example.com`` (not ``example.com`` itself);
* ``http://localhost:*`` — any port, the default one included (combinable with ``*.``);
* ``*`` — any origin (alone);
* ``null`` — the opaque origin (only with ``dangerously_allow_null_origin``);
* ``chrome-extension://<id>``, ``moz-extension://<uuid>``, ``capacitor://localhost`` and
  the other :data:`APP_ORIGIN_SCHEMES` — that extension page or WebView app, exactly.

Hosts the URL Standard rejects (an IPv6 zone identifier, a Punycode label that does not
decode) are validation problems, since no browser sends them.

There is no prefix or substring matching. Regular expressions are an opt-in
(``allow_origin_regexes``), full-match by default; the prefix-anchored form that
``re.match`` gives (flask-cors, django-cors-headers) exists only to model those libraries
and needs ``dangerously_allow_prefix_regexes``. :mod:`corsspec.server.audit` probes both.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, Protocol, TypeAlias, cast

import attrs

from corsspec.engine._abnf import MAX_ORIGIN_LEN, is_token
from corsspec.engine._memo import remember
from corsspec.engine.browsers import CHROMIUM, BrowserLike, BrowserProfile, to_profile
from corsspec.engine.headers import HeaderNameSet, byte_lowercase
from corsspec.engine.mixed_content import pre_network_check
from corsspec.engine.model import Mode, RedirectMode, Request, Response, require
from corsspec.engine.preflight import effective_body, unsafe_header_names, uses_cors_preflight_flag
from corsspec.engine.safelist import (
    CORS_NON_WILDCARD_REQUEST_HEADER_NAMES,
    CORS_SAFELISTED_METHODS,
    FORBIDDEN_RESPONSE_HEADER_NAMES,
    is_forbidden_method,
    is_forbidden_request_header,
    normalize_method,
)
from corsspec.engine.sites import PUBLIC_SUFFIXES, is_public_suffix
from corsspec.engine.url import parse_origin
from corsspec.errors import (
    InvalidOriginError,
    OriginProblem,
    PolicyError,
    ScriptError,
    ScriptProblem,
    describe,
)

__all__ = [
    "APP_ORIGIN_SCHEMES",
    "MAX_MAX_AGE",
    "PUBLIC_SUFFIXES",
    "OriginPattern",
    "OriginRegex",
    "Policy",
    "PolicyAnswer",
    "PolicyProblem",
    "PolicyServer",
    "ProblemCode",
    "Refusal",
    "RefusalCode",
    "VaryMode",
    "is_app_origin",
    "is_loopback_host",
    "is_public_suffix",
    "parse_app_origin",
    "parse_origin_pattern",
    "validate",
]


def __dir__() -> list[str]:
    return __all__


#: Largest ``max_age`` accepted without ``dangerously_allow_max_age_out_of_range``: one
#: day, Firefox's cap and the largest any engine honours (jub0bs/cors uses the same bound).
MAX_MAX_AGE = 86400


def is_loopback_host(host: str) -> bool:
    """Secure Contexts: a loopback host (``localhost``, 127.0.0.0/8, ``[::1]``).

    Such origins are "potentially trustworthy" even over ``http``, so they are not
    insecure origins for the credentials rule. Secure Contexts, "Is origin potentially
    trustworthy?" (https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy):
    "origin's host is "localhost" or "localhost."" and "origin's host ends with
    ".localhost" or ".localhost."" count as well as 127.0.0.0/8 and ::1/128.
    """
    if host.endswith("."):
        host = host[:-1]
    if host == "localhost" or host.endswith(".localhost") or host == "[::1]":
        return True
    parts = host.split(".")
    return len(parts) == 4 and parts[0] == "127" and all(p.isdigit() for p in parts)


# ---------------------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------------------


class ProblemCode(enum.Enum):
    """Why a policy field value is refused (a closed set; wording is in ``_MESSAGES``)."""

    INVALID_TYPE = "invalid-type"
    UNKNOWN_FIELD = "unknown-field"
    INVALID_ORIGIN = "invalid-origin"
    INVALID_ORIGIN_PATTERN = "invalid-origin-pattern"
    ORIGIN_WILDCARD_NOT_ALONE = "origin-wildcard-not-alone"
    WILDCARD_ORIGIN_WITH_CREDENTIALS = "wildcard-origin-with-credentials"
    NULL_ORIGIN = "null-origin"
    INSECURE_ORIGIN_WITH_CREDENTIALS = "insecure-origin-with-credentials"
    PUBLIC_SUFFIX_WILDCARD = "public-suffix-wildcard"
    INVALID_REGEX = "invalid-regex"
    PREFIX_REGEX = "prefix-regex"
    INVALID_METHOD = "invalid-method"
    FORBIDDEN_METHOD = "forbidden-method"
    INVALID_HEADER_NAME = "invalid-header-name"
    FORBIDDEN_HEADER_NAME = "forbidden-header-name"
    INVALID_EXPOSED_HEADER = "invalid-exposed-header"
    FORBIDDEN_EXPOSED_HEADER = "forbidden-exposed-header"
    EXPOSE_WILDCARD_WITH_CREDENTIALS = "expose-wildcard-with-credentials"
    PREFLIGHT_WILDCARDS_WITH_CREDENTIALS = "preflight-wildcards-with-credentials"
    MAX_AGE_OUT_OF_RANGE = "max-age-out-of-range"
    PRIVATE_NETWORK_ANY_ORIGIN = "private-network-any-origin"
    UNSUPPORTED_OPTION = "unsupported-option"


_MESSAGES: dict[ProblemCode, str] = {
    ProblemCode.INVALID_TYPE: "wrong type for this field",
    ProblemCode.UNKNOWN_FIELD: "no such policy field",
    ProblemCode.INVALID_ORIGIN: "not a serialized origin (scheme://host[:port], no path)",
    ProblemCode.INVALID_ORIGIN_PATTERN: (
        "not an origin pattern; use scheme://*.domain, scheme://host:* or both"
    ),
    ProblemCode.ORIGIN_WILDCARD_NOT_ALONE: "'*' allows every origin; list nothing beside it",
    ProblemCode.WILDCARD_ORIGIN_WITH_CREDENTIALS: (
        "any origin with credentials lets every site read users' data; list the origins "
        "(or set dangerously_allow_any_origin_with_credentials)"
    ),
    ProblemCode.NULL_ORIGIN: (
        "'null' is the origin of sandboxed documents and data: URLs, which any site can "
        "create (or set dangerously_allow_null_origin)"
    ),
    ProblemCode.INSECURE_ORIGIN_WITH_CREDENTIALS: (
        "an http:// origin with credentials lets a network attacker read users' data; "
        "use https:// (or set dangerously_allow_insecure_origins)"
    ),
    ProblemCode.PUBLIC_SUFFIX_WILDCARD: (
        "a wildcard over a public suffix allows sites anyone can register "
        "(or set dangerously_allow_public_suffix_wildcards)"
    ),
    ProblemCode.INVALID_REGEX: "the regular expression does not compile",
    ProblemCode.PREFIX_REGEX: (
        "a prefix-anchored regex (re.match) also accepts any origin that merely starts "
        "with a match; use a full match (or set dangerously_allow_prefix_regexes)"
    ),
    ProblemCode.INVALID_METHOD: "a method is an HTTP token",
    ProblemCode.FORBIDDEN_METHOD: (
        "browsers never send CONNECT, TRACE or TRACK (or set dangerously_allow_forbidden_names)"
    ),
    ProblemCode.INVALID_HEADER_NAME: "a header name is an HTTP token, or '*'",
    ProblemCode.FORBIDDEN_HEADER_NAME: (
        "browsers never let script set this header (or set dangerously_allow_forbidden_names)"
    ),
    ProblemCode.INVALID_EXPOSED_HEADER: "a header name is an HTTP token, or '*'",
    ProblemCode.FORBIDDEN_EXPOSED_HEADER: (
        "Set-Cookie is never exposed to script (or set dangerously_allow_forbidden_names)"
    ),
    ProblemCode.EXPOSE_WILDCARD_WITH_CREDENTIALS: (
        "with credentials, Access-Control-Expose-Headers: * is the literal name '*' and "
        "exposes nothing to credentialed requests; list the names (or set "
        "dangerously_allow_expose_wildcard_with_credentials if uncredentialed clients "
        "rely on it)"
    ),
    ProblemCode.PREFLIGHT_WILDCARDS_WITH_CREDENTIALS: (
        "a literal '*' in a preflight answer is no wildcard for requests with credentials; "
        "preflight_wildcards needs allow_credentials=False"
    ),
    ProblemCode.MAX_AGE_OUT_OF_RANGE: (
        f"max_age is 0-{MAX_MAX_AGE} seconds, or None to send no Access-Control-Max-Age "
        "(or set dangerously_allow_max_age_out_of_range)"
    ),
    ProblemCode.PRIVATE_NETWORK_ANY_ORIGIN: (
        "private-network access for any origin lets every public site reach this device in "
        "browsers that still honour the Private Network Access preflight (superseded by Local "
        "Network Access, a user permission, in current Chromium) "
        "(or set dangerously_allow_private_network_from_any_origin)"
    ),
    ProblemCode.UNSUPPORTED_OPTION: "this option cannot be modelled by a corsspec Policy",
}

#: The ``dangerously_*`` option that relaxes each problem, when one does.
RELAXED_BY: dict[ProblemCode, str] = {
    ProblemCode.WILDCARD_ORIGIN_WITH_CREDENTIALS: "dangerously_allow_any_origin_with_credentials",
    ProblemCode.NULL_ORIGIN: "dangerously_allow_null_origin",
    ProblemCode.INSECURE_ORIGIN_WITH_CREDENTIALS: "dangerously_allow_insecure_origins",
    ProblemCode.PUBLIC_SUFFIX_WILDCARD: "dangerously_allow_public_suffix_wildcards",
    ProblemCode.PREFIX_REGEX: "dangerously_allow_prefix_regexes",
    ProblemCode.FORBIDDEN_METHOD: "dangerously_allow_forbidden_names",
    ProblemCode.FORBIDDEN_HEADER_NAME: "dangerously_allow_forbidden_names",
    ProblemCode.FORBIDDEN_EXPOSED_HEADER: "dangerously_allow_forbidden_names",
    ProblemCode.EXPOSE_WILDCARD_WITH_CREDENTIALS: (
        "dangerously_allow_expose_wildcard_with_credentials"
    ),
    ProblemCode.MAX_AGE_OUT_OF_RANGE: "dangerously_allow_max_age_out_of_range",
    ProblemCode.PRIVATE_NETWORK_ANY_ORIGIN: "dangerously_allow_private_network_from_any_origin",
}


@attrs.frozen(kw_only=True)
class PolicyProblem:
    """One thing wrong with a policy: the field, the offending value, and why."""

    field: str
    value: object
    code: ProblemCode

    @property
    def message(self) -> str:
        """What the rule is and what is accepted instead."""
        return _MESSAGES[self.code]

    def __str__(self) -> str:
        return f"{self.field}: {describe(self.value)} ({self.code.value}: {self.message})"


# ---------------------------------------------------------------------------------------
# Refusals: why the policy did not allow a request (debug mode)
# ---------------------------------------------------------------------------------------


class RefusalCode(enum.Enum):
    """Which step of the policy refused a request (a closed set, in the order checked)."""

    #: The ``Origin`` value is not allowed (preflight or not).
    ORIGIN_NOT_ALLOWED = "origin-not-allowed"
    #: ``Access-Control-Request-Method`` names a method the policy does not allow.
    METHOD_NOT_ALLOWED = "method-not-allowed"
    #: ``Access-Control-Request-Headers`` names a header the policy does not allow.
    HEADER_NOT_ALLOWED = "header-not-allowed"
    #: ``Access-Control-Request-Private-Network`` is present and not granted.
    PRIVATE_NETWORK_NOT_ALLOWED = "private-network-not-allowed"


@attrs.frozen(kw_only=True)
class Refusal:
    """Why the policy refused a request: the step, and the value it refused as received.

    For an operator's eyes (logs, tests): :meth:`Policy.answer` returns it beside the
    response and never puts it on the wire.
    """

    code: RefusalCode
    #: Whether the refused request was a CORS-preflight request.
    preflight: bool
    #: The refused ``Origin``, method, header name or ``-Private-Network`` value.
    value: str

    def __str__(self) -> str:
        kind = "preflight" if self.preflight else "request"
        return f"{kind} refused: {self.code.value} ({self.value!r})"


@attrs.frozen(kw_only=True)
class PolicyAnswer:
    """A policy's answer to one request, with the reason when it refuses."""

    response: Response
    #: None when the policy allows the request, or when there is nothing to refuse (no
    #: ``Origin``: not a CORS request).
    refusal: Refusal | None = None


# ---------------------------------------------------------------------------------------
# Origin patterns and regexes
# ---------------------------------------------------------------------------------------

#: Port value of an :class:`OriginPattern` that matches any port.
ANY_PORT = -1


@attrs.frozen(kw_only=True)
class OriginPattern:
    """A structured origin pattern: scheme, a host (or every subdomain of one), a port.

    ``port`` is None for the scheme's default port, a number, or :data:`ANY_PORT`.
    """

    scheme: str
    host: str
    subdomains: bool = False
    port: int | None = None

    def serialize(self) -> str:
        """The pattern in the syntax :func:`parse_origin_pattern` reads."""
        host = f"*.{self.host}" if self.subdomains else self.host
        if self.port is None:
            return f"{self.scheme}://{host}"
        return f"{self.scheme}://{host}:{'*' if self.port == ANY_PORT else self.port}"

    def __str__(self) -> str:
        return self.serialize()

    def matches(self, scheme: str, host: str, port: int | None) -> bool:
        """Whether a tuple origin's (scheme, host, port) falls under the pattern."""
        if scheme != self.scheme or (self.port != ANY_PORT and port != self.port):
            return False
        if self.subdomains:
            return host.endswith("." + self.host) and len(host) > len(self.host) + 1
        return host == self.host


#: Schemes whose origins browsers send from extension pages and app WebViews, with the
#: host each one takes. These are not URL Standard special schemes, so ``parse_origin``
#: has no tuple origin for them; the policy accepts them as exact origins only, matched
#: byte for byte against the ``Origin`` header (no patterns, no port, no path).
#:
#: * ``chrome-extension``: Chromium extension ids are 32 letters ``a``-``p`` (the
#:   SHA-256 of the extension key, one letter per nibble), always lower case.
#: * ``moz-extension``: Firefox sends the per-installation internal UUID, lower case.
#: * ``safari-web-extension``: Safari sends a per-installation UUID; corsspec does not
#:   know which case it uses, so either is accepted and matched as written.
#: * ``capacitor``, ``ionic``, ``tauri``: WebView hosts that serve the app under a custom
#:   scheme (``capacitor://localhost``, ``ionic://localhost``, ``tauri://localhost`` by
#:   default; Capacitor and Ionic let the app pick another host name).
APP_ORIGIN_SCHEMES: dict[str, str] = {
    "chrome-extension": "32 letters a-p (the extension id)",
    "moz-extension": "a lower-case UUID (the installation's internal UUID)",
    "safari-web-extension": "a UUID",
    "capacitor": "a lower-case host name, no port",
    "ionic": "a lower-case host name, no port",
    "tauri": "localhost",
}
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_APP_HOSTS: dict[str, re.Pattern[str]] = {
    "chrome-extension": re.compile(r"[a-p]{32}"),
    "moz-extension": re.compile(_UUID),
    "safari-web-extension": re.compile(_UUID, re.IGNORECASE),
    "capacitor": re.compile(rf"{_LABEL}(?:\.{_LABEL})*"),
    "ionic": re.compile(rf"{_LABEL}(?:\.{_LABEL})*"),
    "tauri": re.compile("localhost"),
}


def parse_app_origin(value: str) -> str:
    """Check an exact origin of one of :data:`APP_ORIGIN_SCHEMES` (``scheme://host``).

    The value is returned unchanged: browsers send these origins as they are, and the
    policy compares them byte for byte.

    :raises InvalidOriginError: the scheme is not one of them, or the host is malformed
        for it (a wrong extension id, a port, a path, a ``*``).
    """
    scheme, sep, host = value.partition("://")
    pattern = _APP_HOSTS.get(scheme)
    if not sep or pattern is None:
        raise InvalidOriginError(
            value, OriginProblem.BAD_SCHEME, f"not one of {', '.join(APP_ORIGIN_SCHEMES)}"
        )
    if "*" in host:
        raise InvalidOriginError(
            value, OriginProblem.BAD_HOST, f"{scheme}: origins are exact (no '*' patterns)"
        )
    if pattern.fullmatch(host) is None:
        if "/" in host:
            problem = OriginProblem.HAS_PATH
        elif ":" in host:
            problem = OriginProblem.BAD_PORT
        else:
            problem = OriginProblem.BAD_HOST
        raise InvalidOriginError(
            value, problem, f"a {scheme}: origin's host is {APP_ORIGIN_SCHEMES[scheme]}"
        )
    return value


def is_app_origin(value: str) -> bool:
    """Whether ``value`` starts with a scheme of :data:`APP_ORIGIN_SCHEMES` (``scheme://``)."""
    scheme, sep, _ = value.partition("://")
    return bool(sep) and scheme in _APP_HOSTS


def _check_url_host(value: str, rest: str) -> None:
    """Host checks the URL Standard makes and ``parse_origin`` does not (yet).

    * An IPv6 address with a zone identifier (``[fe80::1%25eth2]``): the URL Standard's
      IPv6 parser (https://url.spec.whatwg.org/#concept-ipv6-parser) fails on ``%``,
      so no browser sends such an origin; ``ipaddress`` would accept and drop the zone.
    * A Punycode label (``xn--``) that does not decode: "domain to ASCII"
      (https://url.spec.whatwg.org/#concept-domain-to-ascii) runs UTS #46 ToASCII, which
      records an error when "the label starts with xn--" and the rest is not valid
      Punycode, or decodes to nothing or to ASCII only (UTS #46 section 4.1, step 4).

    :raises InvalidOriginError: naming the value.
    """
    host = rest.rpartition("@")[2]
    if host.startswith("["):
        if "%" in host.partition("]")[0]:
            raise InvalidOriginError(
                value, OriginProblem.BAD_HOST, "an IPv6 zone identifier is not part of a URL"
            )
        return
    for label in host.partition(":")[0].lower().split("."):
        if not label.startswith("xn--"):
            continue
        encoded = label[4:]
        try:
            decoded = encoded.encode("ascii").decode("punycode")
        except (UnicodeError, ValueError):
            decoded = ""
        if not decoded or decoded.isascii():
            raise InvalidOriginError(
                value, OriginProblem.BAD_HOST, f"{label!r} is not a valid Punycode label"
            )


def parse_origin_pattern(value: str) -> OriginPattern:
    """Parse ``scheme://[*.]host[:port|:*]`` into an :class:`OriginPattern`.

    Without a ``*`` the value must be a serialized origin (it is canonicalised: lower-case
    host, default port elided). ``*.`` needs a domain (not an IP address) and matches its
    subdomains only; ``:*`` matches every port, the default one included. Hosts the URL
    Standard rejects are refused (an IPv6 zone identifier, an invalid Punycode label).

    :raises InvalidOriginError: the text is neither an origin nor a pattern.
    """
    scheme, sep, rest = value.partition("://")
    if sep:
        _check_url_host(value, rest.partition("/")[0])
    subdomains = rest.startswith("*.")
    if subdomains:
        rest = rest[2:]
    any_port = rest.endswith(":*")
    if any_port:
        rest = rest[:-2]
        if ":" in rest.rpartition("]")[2]:
            raise InvalidOriginError(value, OriginProblem.BAD_PORT, "give a port or ':*'")
    if not sep or "*" in rest:
        raise InvalidOriginError(value, OriginProblem.BAD_HOST, "'*' only as '*.' or ':*'")
    base = parse_origin(f"{scheme}://{rest}")
    if subdomains and (base.host.startswith("[") or base.host.replace(".", "").isdigit()):
        raise InvalidOriginError(value, OriginProblem.BAD_HOST, "'*.' needs a domain")
    port = ANY_PORT if any_port else base.port
    return OriginPattern(scheme=base.scheme, host=base.host, subdomains=subdomains, port=port)


@attrs.frozen(kw_only=True)
class OriginRegex:
    """A regular expression over the serialized origin (the ``Origin`` header value).

    ``prefix=False`` (the default) requires the whole value to match (``re.fullmatch``,
    as starlette does). ``prefix=True`` models ``re.match``, which only anchors the
    start: flask-cors and django-cors-headers match this way, so an origin that merely
    *starts* with an allowed one passes. ``ignore_case`` is ``re.IGNORECASE``.
    """

    pattern: str
    prefix: bool = False
    ignore_case: bool = False

    def compile(self) -> Callable[[str], object]:
        """The matching function (``fullmatch`` or ``match`` of the compiled pattern).

        :raises re.error: the pattern does not compile.
        """
        compiled = re.compile(self.pattern, re.IGNORECASE if self.ignore_case else 0)
        return compiled.match if self.prefix else compiled.fullmatch

    def to_mapping(self) -> dict[str, object]:
        """Plain-data form, as :meth:`Policy.to_mapping` writes it."""
        return {"pattern": self.pattern, "prefix": self.prefix, "ignore_case": self.ignore_case}


# ---------------------------------------------------------------------------------------
# Converters: lenient, never raising, so that validation can report every problem
# ---------------------------------------------------------------------------------------


class VaryMode(enum.Enum):
    """When the policy adds ``Vary`` to answers that depend on the request."""

    #: Whenever the answer depends on ``Origin`` (and, for preflights, on the
    #: ``Access-Control-Request-*`` headers): what a correct server does.
    ALWAYS = "always"
    #: Only on answers that allow the origin (flask-cors with several origins).
    ALLOWED_ONLY = "allowed-only"
    #: Never (flask-cors with a single origin, ``vary_header=False``).
    NEVER = "never"


def _items(value: Iterable[str] | str) -> tuple[str, ...]:
    """Converter for list fields: a lone string is one item; anything else is kept."""
    if type(value) is tuple:
        return value
    if isinstance(value, str):
        return (value,)
    try:
        return tuple(value)
    except TypeError:
        return cast("tuple[str, ...]", (value,))


RegexLike: TypeAlias = "OriginRegex | str | Mapping[str, object]"


def _regexes(value: Iterable[RegexLike] | RegexLike) -> tuple[OriginRegex, ...]:
    """Converter for ``allow_origin_regexes``: strings are full-match regexes."""
    if isinstance(value, (str, OriginRegex, Mapping)):
        value = (value,)
    out: list[object] = []
    try:
        iterator = iter(value)
    except TypeError:
        return cast("tuple[OriginRegex, ...]", (value,))
    for item in iterator:
        if isinstance(item, str):
            out.append(OriginRegex(pattern=item))
        elif isinstance(item, Mapping):
            keys = set(item)
            if keys <= {"pattern", "prefix", "ignore_case"} and isinstance(
                item.get("pattern"), str
            ):
                out.append(
                    OriginRegex(
                        pattern=cast(str, item["pattern"]),
                        prefix=cast(bool, item.get("prefix", False)),
                        ignore_case=cast(bool, item.get("ignore_case", False)),
                    )
                )
            else:
                out.append(item)
        else:
            out.append(item)
    return cast("tuple[OriginRegex, ...]", tuple(out))


def _vary(value: VaryMode | Literal["always", "allowed-only", "never"]) -> VaryMode:
    """Converter for ``vary`` (an unknown value is kept for validation to report)."""
    if isinstance(value, VaryMode):
        return value
    try:
        return VaryMode(value)
    except ValueError:
        return cast(VaryMode, value)


# ---------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------

_LIST_FIELDS = ("allow_origins", "allow_methods", "allow_headers", "expose_headers")
_BOOL_FIELDS = (
    "allow_credentials",
    "allow_private_network",
    "preflight_passthrough",
    "reflect_any_origin",
    "static_lists",
    "always_send_static",
    "preflight_wildcards",
    "dangerously_allow_any_origin_with_credentials",
    "dangerously_allow_null_origin",
    "dangerously_allow_insecure_origins",
    "dangerously_allow_public_suffix_wildcards",
    "dangerously_allow_prefix_regexes",
    "dangerously_allow_forbidden_names",
    "dangerously_allow_expose_wildcard_with_credentials",
    "dangerously_allow_max_age_out_of_range",
    "dangerously_allow_private_network_from_any_origin",
)


class _Collector:
    """Collects problems in field order, then input order (STYLE: collect every problem)."""

    __slots__ = ("policy", "problems")

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.problems: list[PolicyProblem] = []

    def add(self, field: str, value: object, code: ProblemCode) -> None:
        flag = RELAXED_BY.get(code)
        if flag is not None and getattr(self.policy, flag) is True:
            return
        self.problems.append(PolicyProblem(field=field, value=value, code=code))


def _well_typed_regex(item: object) -> bool:
    if not isinstance(item, OriginRegex):
        return False
    fields: tuple[object, ...] = (item.pattern, item.prefix, item.ignore_case)
    return isinstance(fields[0], str) and type(fields[1]) is bool and type(fields[2]) is bool


def _check(policy: Policy) -> list[PolicyProblem]:
    """Every problem of a policy's raw field values, in field order then input order."""
    out = _Collector(policy)
    credentials = policy.allow_credentials is True

    # allow_origins: exact origins, patterns, '*', 'null'.
    origins = policy.allow_origins
    any_origin = False
    for item in origins:
        if not isinstance(item, str):
            out.add("allow_origins", item, ProblemCode.INVALID_TYPE)
            continue
        if item == "*":
            any_origin = True
            if len(origins) > 1:
                out.add("allow_origins", item, ProblemCode.ORIGIN_WILDCARD_NOT_ALONE)
            if credentials:
                out.add("allow_origins", item, ProblemCode.WILDCARD_ORIGIN_WITH_CREDENTIALS)
            continue
        if item == "null":
            out.add("allow_origins", item, ProblemCode.NULL_ORIGIN)
            continue
        pattern = "*" in item
        if is_app_origin(item):
            # Extension and WebView origins: exact only. Their documents come from the
            # browser's extension store or the app bundle, never from the network, so the
            # insecure-origin rule (a network attacker) does not apply.
            try:
                parse_app_origin(item)
            except InvalidOriginError:
                code = ProblemCode.INVALID_ORIGIN_PATTERN if pattern else ProblemCode.INVALID_ORIGIN
                out.add("allow_origins", item, code)
            continue
        try:
            parsed = parse_origin_pattern(item)
        except InvalidOriginError:
            code = ProblemCode.INVALID_ORIGIN_PATTERN if pattern else ProblemCode.INVALID_ORIGIN
            out.add("allow_origins", item, code)
            continue
        if (
            credentials
            and parsed.scheme not in ("https", "wss")
            and not is_loopback_host(parsed.host)
        ):
            out.add("allow_origins", item, ProblemCode.INSECURE_ORIGIN_WITH_CREDENTIALS)
        # `*.localhost` (and `*.localhost.`) is no registrable suffix: every name under it
        # is the loopback interface (Secure Contexts; "let localhost be localhost").
        if (
            parsed.subdomains
            and is_public_suffix(parsed.host)
            and not is_loopback_host(parsed.host)
        ):
            out.add("allow_origins", item, ProblemCode.PUBLIC_SUFFIX_WILDCARD)

    # allow_origin_regexes.
    for rx in policy.allow_origin_regexes:
        if not _well_typed_regex(rx):
            out.add("allow_origin_regexes", rx, ProblemCode.INVALID_TYPE)
            continue
        try:
            rx.compile()
        except re.error:
            out.add("allow_origin_regexes", rx.pattern, ProblemCode.INVALID_REGEX)
            continue
        if rx.prefix:
            out.add("allow_origin_regexes", rx.pattern, ProblemCode.PREFIX_REGEX)

    # allow_methods.
    for item in policy.allow_methods:
        if not isinstance(item, str):
            out.add("allow_methods", item, ProblemCode.INVALID_TYPE)
        elif item == "*":
            continue
        elif not is_token(item):
            out.add("allow_methods", item, ProblemCode.INVALID_METHOD)
        elif is_forbidden_method(item):
            out.add("allow_methods", item, ProblemCode.FORBIDDEN_METHOD)

    # allow_headers.
    for item in policy.allow_headers:
        if not isinstance(item, str):
            out.add("allow_headers", item, ProblemCode.INVALID_TYPE)
        elif item == "*":
            continue
        elif not is_token(item):
            out.add("allow_headers", item, ProblemCode.INVALID_HEADER_NAME)
        elif is_forbidden_request_header(item, ""):
            out.add("allow_headers", item, ProblemCode.FORBIDDEN_HEADER_NAME)

    # allow_credentials (type only; its interplay is judged with the origins above).
    for name in ("allow_credentials",):
        if type(getattr(policy, name)) is not bool:
            out.add(name, getattr(policy, name), ProblemCode.INVALID_TYPE)

    # expose_headers.
    for item in policy.expose_headers:
        if not isinstance(item, str):
            out.add("expose_headers", item, ProblemCode.INVALID_TYPE)
        elif item == "*":
            # Fetch, Access-Control-Expose-Headers: "* ... counts as a wildcard for
            # requests without credentials"; with credentials it is the name "*".
            if credentials:
                out.add("expose_headers", item, ProblemCode.EXPOSE_WILDCARD_WITH_CREDENTIALS)
        elif not is_token(item):
            out.add("expose_headers", item, ProblemCode.INVALID_EXPOSED_HEADER)
        elif byte_lowercase(item) in FORBIDDEN_RESPONSE_HEADER_NAMES:
            out.add("expose_headers", item, ProblemCode.FORBIDDEN_EXPOSED_HEADER)

    # max_age.
    age = policy.max_age
    if age is not None:
        if type(age) is not int:
            out.add("max_age", age, ProblemCode.INVALID_TYPE)
        elif not 0 <= age <= MAX_MAX_AGE:
            out.add("max_age", age, ProblemCode.MAX_AGE_OUT_OF_RANGE)

    # allow_private_network.
    if type(policy.allow_private_network) is not bool:
        out.add("allow_private_network", policy.allow_private_network, ProblemCode.INVALID_TYPE)
    elif policy.allow_private_network and any_origin:
        out.add("allow_private_network", True, ProblemCode.PRIVATE_NETWORK_ANY_ORIGIN)

    # The remaining switches.
    for name in _BOOL_FIELDS:
        if name in ("allow_credentials", "allow_private_network"):
            continue
        if type(getattr(policy, name)) is not bool:
            out.add(name, getattr(policy, name), ProblemCode.INVALID_TYPE)
    if policy.preflight_wildcards is True and credentials:
        out.add("preflight_wildcards", True, ProblemCode.PREFLIGHT_WILDCARDS_WITH_CREDENTIALS)
    if not isinstance(policy.vary, VaryMode):
        out.add("vary", policy.vary, ProblemCode.INVALID_TYPE)
    return out.problems


def validate(config: Policy | Mapping[str, object]) -> tuple[PolicyProblem, ...]:
    """Every problem of a policy configuration (a mapping as :meth:`Policy.to_mapping`
    writes it), without raising. A constructed :class:`Policy` has none.
    """
    if isinstance(config, Policy):
        return ()
    try:
        Policy.from_mapping(config)
    except PolicyError as exc:
        return cast("tuple[PolicyProblem, ...]", exc.problems)
    return ()


# ---------------------------------------------------------------------------------------
# Normalisation (after validation: every value is known to be well-formed)
# ---------------------------------------------------------------------------------------


def _normal_origin(item: str) -> str:
    if item in ("*", "null") or is_app_origin(item):
        return item
    return parse_origin_pattern(item).serialize()


def _normal_names(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({byte_lowercase(i) for i in items}))


# ---------------------------------------------------------------------------------------
# The policy
# ---------------------------------------------------------------------------------------


class _Responder(Protocol):
    def respond(self, request: Request) -> Response: ...


#: What :meth:`Policy.wrap` accepts as the application behind the policy.
AppLike: TypeAlias = "_Responder | Callable[[Request], Response]"

_OK = Response(status=200)


def _default_app(request: Request) -> Response:
    """The application behind a bare policy: 200 with no headers, for every request."""
    return _OK


@attrs.frozen(kw_only=True)
class Policy:
    """A server's CORS policy (Fetch: the CORS protocol, server side), validated at build.

    :raises PolicyError: with every problem found (``.problems``), if any.
    """

    #: Exact origins and patterns (``https://*.example.com``, ``http://localhost:*``),
    #: ``*`` for any origin, ``null`` for the opaque origin.
    allow_origins: tuple[str, ...] = attrs.field(default=(), converter=_items)
    #: Regular expressions over the ``Origin`` value (full-match unless ``prefix``).
    allow_origin_regexes: tuple[OriginRegex, ...] = attrs.field(default=(), converter=_regexes)
    #: Methods beyond GET, HEAD and POST (which CORS cannot restrict), or ``*``.
    allow_methods: tuple[str, ...] = attrs.field(default=(), converter=_items)
    #: Request-header names (case-insensitive), or ``*`` for any.
    allow_headers: tuple[str, ...] = attrs.field(default=(), converter=_items)
    #: Whether requests with credentials (cookies, HTTP auth, client certificates) may read.
    allow_credentials: bool = False
    #: Response-header names script may read beyond the safelisted ones, or ``*``.
    expose_headers: tuple[str, ...] = attrs.field(default=(), converter=_items)
    #: Seconds a browser may cache a preflight answer (None: no header, browser default).
    max_age: int | None = None
    #: Whether to answer ``Access-Control-Request-Private-Network: true`` positively.
    #: Superseded: that preflight belongs to Private Network Access, which Chromium put on
    #: hold and replaced with Local Network Access (since Chrome 142 a *user permission*
    #: gates requests into a more private address space; no server header grants it, see
    #: :mod:`corsspec.engine.local_network`). Firefox and WebKit never shipped it. The knob
    #: stays for servers that still answer the header (older Chromium builds, enterprise
    #: policies); in current engines it changes nothing.
    allow_private_network: bool = False
    #: Whether preflights go on to the application (which sets the status) after the
    #: policy adds its headers, instead of the policy answering them itself.
    preflight_passthrough: bool = False
    #: With ``*`` and no credentials: answer with the request's origin instead of ``*``
    #: (flask-cors's default); the verdict is the same, caching is not.
    reflect_any_origin: bool = False
    #: Answer preflights with the configured method and header lists as they are (a
    #: literal ``*`` included), without checking the request against them, as
    #: django-cors-headers does. By default the policy checks the request and echoes
    #: exactly what it allows, so ``*`` also works for requests with credentials.
    static_lists: bool = False
    #: When ``Vary`` is added to answers that depend on the request.
    vary: VaryMode = attrs.field(default=VaryMode.ALWAYS, converter=_vary)
    #: When the answer does not depend on ``Origin`` (``*``, or a single exact origin and
    #: no pattern or regex), send it on every non-preflight response, with or without an
    #: ``Origin``, and without ``Vary: Origin`` (Fetch, "CORS protocol and HTTP caches").
    #: False models servers that add CORS headers only when a request has an ``Origin``
    #: (starlette, django-cors-headers): a shared cache can then store the answer
    #: without them and serve it to a later cross-origin request.
    always_send_static: bool = True
    #: Without credentials: answer allowed preflights with a literal ``*`` in
    #: ``Access-Control-Allow-Methods`` / ``-Headers`` where the policy allows ``*``,
    #: instead of echoing the requested method and names, so that the browser's
    #: preflight cache covers later methods and headers too. ``*`` does not cover
    #: ``Authorization`` (a CORS non-wildcard request-header name), so it is listed
    #: beside ``*``. The verdicts are the same either way.
    preflight_wildcards: bool = False

    dangerously_allow_any_origin_with_credentials: bool = False
    dangerously_allow_null_origin: bool = False
    dangerously_allow_insecure_origins: bool = False
    dangerously_allow_public_suffix_wildcards: bool = False
    dangerously_allow_prefix_regexes: bool = False
    dangerously_allow_forbidden_names: bool = False
    dangerously_allow_expose_wildcard_with_credentials: bool = False
    dangerously_allow_max_age_out_of_range: bool = False
    dangerously_allow_private_network_from_any_origin: bool = False

    def __attrs_post_init__(self) -> None:
        problems = _check(self)
        if problems:
            raise PolicyError(tuple(problems))
        # Normalise once, at the boundary: canonical origins, lower-case header names,
        # normalised methods; sorted and de-duplicated, so equal policies compare equal.
        setattr_ = object.__setattr__
        origins = {_normal_origin(o) for o in self.allow_origins}
        setattr_(self, "allow_origins", tuple(sorted(origins)))
        setattr_(
            self,
            "allow_origin_regexes",
            tuple(
                sorted(
                    set(self.allow_origin_regexes),
                    key=lambda r: (r.pattern, r.prefix, r.ignore_case),
                )
            ),
        )
        methods = {m if m == "*" else normalize_method(m) for m in self.allow_methods}
        setattr_(self, "allow_methods", tuple(sorted(methods)))
        setattr_(self, "allow_headers", _normal_names(self.allow_headers))
        setattr_(self, "expose_headers", _normal_names(self.expose_headers))

    # -- derived facts ---------------------------------------------------------------

    @property
    def allows_any_origin(self) -> bool:
        """Whether every origin (``null`` included) is allowed."""
        return "*" in self.allow_origins

    @property
    def reflects_any_origin(self) -> bool:
        """Whether any origin is allowed and answered with its own value (not ``*``)."""
        return self.allows_any_origin and (self.allow_credentials or self.reflect_any_origin)

    @property
    def static_allow_origin(self) -> str | None:
        """The ``Access-Control-Allow-Origin`` value that does not depend on ``Origin``:
        ``*`` (any origin, not reflected), or the one exact origin of a policy with no
        pattern and no regex; None when the value depends on the request's ``Origin``.

        Fetch, "CORS protocol and HTTP caches": such a value is best sent on every
        response (``always_send_static``), without ``Vary``.
        """
        if self.allows_any_origin:
            return None if self.reflects_any_origin else "*"
        if len(self.allow_origins) == 1 and not self.allow_origin_regexes:
            only = self.allow_origins[0]
            if only != "null" and "*" not in only:
                return only
        return None

    @functools.cached_property
    def _compiled(self) -> _Compiled:
        return _Compiled(self)

    @functools.cached_property
    def origin_patterns(self) -> tuple[OriginPattern, ...]:
        """The ``allow_origins`` entries as patterns (exact origins included), parsed."""
        return tuple(
            parse_origin_pattern(o)
            for o in self.allow_origins
            if o not in ("*", "null") and not is_app_origin(o)
        )

    def allowed_origin_value(self, origin: str) -> str | None:
        """The ``Access-Control-Allow-Origin`` value the policy sends to ``origin`` (the
        ``Origin`` header value), or None when it does not allow it.
        """
        return self._compiled.acao(origin)

    def allows_origin(self, origin: str) -> bool:
        """Whether ``origin`` (an ``Origin`` header value) is allowed."""
        return self._compiled.acao(origin) is not None

    # -- serving -----------------------------------------------------------------------

    def respond(self, request: Request, *, debug: bool = False) -> Response:
        """What a correct server with this policy answers (a 200 application behind it).

        Preflights (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``)
        get 204 and the allowing headers, or 403 with no CORS headers; other requests
        get 200, plus ``Access-Control-Allow-Origin`` (and the rest) when the origin is
        allowed, or always when that answer does not depend on the origin
        (``always_send_static``).

        ``debug=True`` answers a refused preflight with an ok status and the headers that
        passed, so that the browser's console names the failing step (the browser still
        refuses); :meth:`answer` gives the reason itself.
        """
        if debug:
            return self._compiled.answer(request, _default_app, debug=True).response
        return self._compiled.respond(request, _default_app)

    def answer(self, request: Request, *, debug: bool = False) -> PolicyAnswer:
        """:meth:`respond`'s answer, with a :class:`Refusal` saying why the policy refused
        (the origin, the method, a header name, private-network access), or None.

        The refusal is never sent: without ``debug`` the response is exactly what
        :meth:`respond` sends.
        """
        return self._compiled.answer(request, _default_app, debug=debug)

    def wrap(self, app: AppLike) -> PolicyServer:
        """A server that applies this policy in front of ``app``, like a middleware."""
        return PolicyServer(policy=self, app=app)

    # -- predicting ------------------------------------------------------------------

    def allows(self, request: Request, browser: BrowserLike = CHROMIUM) -> bool:
        """Whether ``browser`` lets script have the response when this policy answers.

        The same verdict as ``corsspec.evaluate(request, policy, browser=browser)
        .allowed``, computed from the policy's tables instead of running the fetch.
        ``browser`` is a profile or its name.

        :raises InvalidRequestError: ``request`` or ``browser`` is not what it should be.
        """
        if type(request) is not Request:
            require(request, Request, "request", "a corsspec.Request")
        profile = to_profile(browser)
        if pre_network_check(request, request.url, profile, True)[0] is not None:
            return False  # mixed content or Local Network Access: no server can help
        return self._compiled.allows(request, profile)

    # -- plain data ------------------------------------------------------------------

    def to_mapping(self) -> dict[str, object]:
        """The policy as plain data (JSON/YAML-ready); :meth:`from_mapping` reads it."""
        out: dict[str, object] = {}
        for field in attrs.fields(Policy):
            value = getattr(self, field.name)
            if field.name == "allow_origin_regexes":
                value = [r.to_mapping() for r in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, VaryMode):
                value = value.value
            out[field.name] = value
        return out

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> Policy:
        """Build a policy from plain data (the :meth:`to_mapping` format; keys optional).

        :raises PolicyError: unknown keys and every problem of the values, together.
        """
        if not isinstance(mapping, Mapping):
            problem = PolicyProblem(field="", value=mapping, code=ProblemCode.INVALID_TYPE)
            raise PolicyError((problem,))
        names = {f.name for f in attrs.fields(Policy)}
        unknown = [
            PolicyProblem(field=str(k), value=mapping[k], code=ProblemCode.UNKNOWN_FIELD)
            for k in mapping
            if k not in names
        ]
        kwargs: dict[str, Any] = {k: v for k, v in mapping.items() if k in names}
        for key in (*_LIST_FIELDS, "allow_origin_regexes"):
            value = kwargs.get(key)
            if isinstance(value, list):
                kwargs[key] = tuple(value)
        try:
            policy = cls(**kwargs)
        except PolicyError as exc:
            raise PolicyError((*unknown, *exc.problems)) from None
        if unknown:
            raise PolicyError(tuple(unknown))
        return policy


@attrs.frozen(kw_only=True)
class PolicyServer:
    """A :class:`Policy` in front of an application: a server for ``evaluate``."""

    policy: Policy
    app: AppLike = attrs.field(eq=False)

    def respond(self, request: Request) -> Response:
        """Answer ``request``: the policy answers preflights (unless passthrough) and adds
        its headers to the application's answers."""
        return self.policy._compiled.respond(request, self._call())

    def answer(self, request: Request, *, debug: bool = False) -> PolicyAnswer:
        """:meth:`Policy.answer` with the application behind the policy."""
        return self.policy._compiled.answer(request, self._call(), debug=debug)

    def _call(self) -> Callable[[Request], Response]:
        app = self.app
        responder = getattr(app, "respond", None)
        return cast("Callable[[Request], Response]", responder if callable(responder) else app)


# ---------------------------------------------------------------------------------------
# The compiled form: lookup tables built once per policy
# ---------------------------------------------------------------------------------------

ACAO = "Access-Control-Allow-Origin"
ACAC = "Access-Control-Allow-Credentials"
ACAM = "Access-Control-Allow-Methods"
ACAH = "Access-Control-Allow-Headers"
ACMA = "Access-Control-Max-Age"
ACEH = "Access-Control-Expose-Headers"
ACAPN = "Access-Control-Allow-Private-Network"

_PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
#: Access-Control-Allow-Methods of a debug answer that refuses the method.
_SAFELISTED_LIST = ", ".join(sorted(CORS_SAFELISTED_METHODS))
# The request headers a CORS server reads, by lower-case and usual spelling: 0 Origin,
# 1 Access-Control-Request-Method, 2 -Headers, 3 -Private-Network.
_ROLES: dict[str, int] = {}
for _role, _name in enumerate(
    (
        "Origin",
        "Access-Control-Request-Method",
        "Access-Control-Request-Headers",
        "Access-Control-Request-Private-Network",
    )
):
    _ROLES[_name] = _ROLES[_name.lower()] = _role
#: Most answers one compiled policy remembers (then it starts over): bounded memory.
_MEMO_SIZE = 4096


def _split_origin(value: str) -> tuple[str, str, int | None] | None:
    """Split an ``Origin`` header value into (scheme, host, port); None if it is not a
    tuple origin's serialization. Bounded and exception-free (server-side input)."""
    if len(value) > MAX_ORIGIN_LEN:
        return None
    scheme, sep, rest = value.partition("://")
    if not sep or not rest or any(ch in rest for ch in "/?#@\\ "):
        return None
    if rest.startswith("["):
        end = rest.find("]")
        if end < 0:
            return None
        host, tail = rest[: end + 1], rest[end + 1 :]
        if tail and not tail.startswith(":"):
            return None
        port_text = tail[1:] if tail else ""
        has_port = bool(tail)
    else:
        host, colon, port_text = rest.partition(":")
        has_port = bool(colon)
    if not host:
        return None
    if not has_port:
        return scheme, host, None
    if not port_text.isascii() or not port_text.isdigit() or len(port_text) > 5:
        return None
    return scheme, host, int(port_text)


def _read(request: Request) -> tuple[str | None, str | None, str | None, str | None]:
    """The values a CORS server reads: the first ``Origin``, the last
    ``Access-Control-Request-Method``, every ``Access-Control-Request-Headers`` line
    joined with commas, and the last ``Access-Control-Request-Private-Network``."""
    origin: str | None = None
    acrm: str | None = None
    acrh: str | None = None
    acrpn: str | None = None
    for name, value in request.headers:
        role = _ROLES.get(name)
        if role is None:
            role = _ROLES.get(byte_lowercase(name))
            if role is None:
                continue
        if role == 0:
            if origin is None:
                origin = value
        elif role == 1:
            acrm = value
        elif role == 2:
            acrh = value if acrh is None else f"{acrh},{value}"
        else:
            acrpn = value
    return origin, acrm, acrh, acrpn


def _classify(request: Request, profile: BrowserProfile) -> tuple[bool, tuple[str, ...]]:
    """The use-CORS-preflight flag and the CORS-unsafe request-header names of the request
    as ``profile`` sends it: what decides whether (and with what) it is preflighted.

    :raises ScriptError: the engine refuses the body synchronously.
    """
    body = effective_body(request, profile)
    return uses_cors_preflight_flag(request, body), unsafe_header_names(request, profile)


class _Compiled:
    """Lookup tables for one policy; every per-request step is a lookup."""

    __slots__ = (
        "actual_allowed",
        "any_origin",
        "any_origin_value",
        "by_scheme_host_any_port",
        "credentials",
        "exact",
        "header_set",
        "headers_wild",
        "literal_headers",
        "literal_methods",
        "max_age",
        "memo",
        "method_set",
        "methods_wild",
        "passthrough",
        "pna",
        "preflight_base",
        "preflight_fail",
        "regexes",
        "static",
        "static_actual",
        "static_tail",
        "subdomain_index",
        "vary_actual",
        "vary_allowed_only",
        "vary_preflight",
    )

    def __init__(self, policy: Policy) -> None:
        self.credentials = policy.allow_credentials
        self.any_origin = policy.allows_any_origin
        #: ACAO for any origin: None means "reflect the request's origin".
        self.any_origin_value: str | None = None if policy.reflects_any_origin else "*"
        self.exact = frozenset(o for o in policy.allow_origins if o == "null" or ("*" not in o))
        subdomain_index: dict[tuple[str, int | None], set[str]] = {}
        any_port: dict[str, set[str]] = {}
        for pattern in policy.origin_patterns:
            if pattern.subdomains:
                subdomain_index.setdefault((pattern.scheme, pattern.port), set()).add(pattern.host)
            elif pattern.port == ANY_PORT:
                any_port.setdefault(pattern.scheme, set()).add(pattern.host)
        self.subdomain_index = {k: frozenset(v) for k, v in subdomain_index.items()}
        self.by_scheme_host_any_port = {k: frozenset(v) for k, v in any_port.items()}
        self.regexes = tuple(r.compile() for r in policy.allow_origin_regexes)
        #: Answers already computed, by what decides them (bounded; answers are immutable).
        self.memo: dict[tuple[str | None, ...], Response] = {}

        self.methods_wild = "*" in policy.allow_methods
        self.method_set = frozenset(m for m in policy.allow_methods if m != "*")
        self.headers_wild = "*" in policy.allow_headers
        self.header_set = frozenset(h for h in policy.allow_headers if h != "*")
        self.max_age = None if policy.max_age is None else str(policy.max_age)
        self.pna = policy.allow_private_network
        self.passthrough = policy.preflight_passthrough
        self.static = policy.static_lists
        wildcards = policy.preflight_wildcards and not policy.allow_credentials
        #: ACAM / ACAH values of allowed preflights when they are a literal `*` (Fetch:
        #: "* ... counts as a wildcard for requests without credentials"); `*` never
        #: covers the CORS non-wildcard request-header names, so they are listed too.
        self.literal_methods = "*" if wildcards and self.methods_wild else None
        self.literal_headers = (
            ", ".join(("*", *sorted(CORS_NON_WILDCARD_REQUEST_HEADER_NAMES)))
            if wildcards and self.headers_wild
            else None
        )

        # Does the answer depend on the Origin header? Not when every origin gets `*`.
        origin_dependent = not (self.any_origin and self.any_origin_value == "*")
        # Fetch, "CORS protocol and HTTP caches": when ACAO is `*` or a static origin,
        # "always send Access-Control-Allow-Origin in responses for the resource — for
        # non-CORS requests as well as CORS requests — and do not use Vary".
        static_acao = policy.static_allow_origin if policy.always_send_static else None
        vary = policy.vary
        self.vary_allowed_only = vary is VaryMode.ALLOWED_ONLY
        self.vary_actual: tuple[tuple[str, str], ...] = (
            (("Vary", "Origin"),)
            if origin_dependent and static_acao is None and vary is not VaryMode.NEVER
            else ()
        )
        if vary is VaryMode.NEVER:
            preflight_vary: tuple[tuple[str, str], ...] = ()
        elif self.static:
            # Static lists: only the origin decides the answer.
            preflight_vary = (("Vary", "Origin"),) if origin_dependent else ()
        else:
            names = _PREFLIGHT_VARY if origin_dependent else _PREFLIGHT_VARY[8:]
            if self.pna:
                names += ", Access-Control-Request-Private-Network"
            preflight_vary = (("Vary", names),)
        self.vary_preflight = preflight_vary

        tail: list[tuple[str, str]] = []
        if self.credentials:
            tail.append((ACAC, "true"))
        self.actual_allowed = tuple(tail) + (
            ((ACEH, ", ".join(policy.expose_headers)),) if policy.expose_headers else ()
        )
        #: The headers every non-preflight answer gets, when they do not depend on Origin.
        self.static_actual: tuple[tuple[str, str], ...] | None = (
            None if static_acao is None else ((ACAO, static_acao), *self.actual_allowed)
        )
        # Static-list preflight answers: everything after ACAO/ACAC is fixed.
        static_tail: list[tuple[str, str]] = []
        if policy.allow_methods:
            static_tail.append((ACAM, ", ".join(policy.allow_methods)))
        if policy.allow_headers:
            static_tail.append((ACAH, ", ".join(policy.allow_headers)))
        if self.max_age is not None:
            static_tail.append((ACMA, self.max_age))
        self.static_tail = tuple(static_tail)
        self.preflight_base = tuple(tail)
        self.preflight_fail = Response(
            status=200 if self.static else 403,
            headers=() if self.vary_allowed_only else self.vary_preflight,
        )

    # -- origins -----------------------------------------------------------------------

    def acao(self, origin: str) -> str | None:
        """The Access-Control-Allow-Origin value for an Origin header value, or None."""
        if self.any_origin:
            return self.any_origin_value or origin
        if origin in self.exact:
            return origin
        if self.subdomain_index or self.by_scheme_host_any_port:
            parts = _split_origin(origin)
            if parts is not None and self._pattern_match(*parts):
                return origin
        for match in self.regexes:
            if match(origin):
                return origin
        return None

    def _pattern_match(self, scheme: str, host: str, port: int | None) -> bool:
        hosts = self.by_scheme_host_any_port.get(scheme)
        if hosts is not None and host in hosts:
            return True
        index = self.subdomain_index
        if not index:
            return False
        exact_port = index.get((scheme, port))
        wild_port = index.get((scheme, ANY_PORT))
        if exact_port is None and wild_port is None:
            return False
        dot = host.find(".")
        while dot >= 0:
            suffix = host[dot + 1 :]
            if (exact_port is not None and suffix in exact_port) or (
                wild_port is not None and suffix in wild_port
            ):
                return dot > 0
            dot = host.find(".", dot + 1)
        return False

    # -- answering ---------------------------------------------------------------------

    def respond(self, request: Request, app: Callable[[Request], Response]) -> Response:
        origin: str | None = None
        acrm: str | None = None
        acrh: str | None = None
        acrpn: str | None = None
        for name, value in request.headers:
            role = _ROLES.get(name)
            if role is None:
                if name[:1] not in "oOaA":
                    continue
                role = _ROLES.get(byte_lowercase(name))
                if role is None:
                    continue
            if role == 0:
                if origin is None:
                    origin = value
            elif role == 1:
                acrm = value
            elif role == 2:
                acrh = value if acrh is None else f"{acrh},{value}"
            else:
                acrpn = value
        # Fetch's "CORS-preflight request" (engine.preflight.is_cors_preflight_request),
        # applied to the Origin and ACRM values this loop has already picked out.
        preflight = origin is not None and acrm is not None and request.method == "OPTIONS"
        if app is not _default_app and (not preflight or self.passthrough):
            # The application's answer is part of the result: nothing to remember.
            if origin is not None and acrm is not None and preflight:
                return self._preflight(request, app, origin, acrm, acrh, acrpn)
            return self._actual(request, app, origin)
        # A bare policy's answer depends on these values only: remember it.
        key: tuple[str | None, ...] = (origin, acrm, acrh, acrpn) if preflight else (origin,)
        memo = self.memo
        response = memo.get(key)
        if response is None:
            if origin is not None and acrm is not None and preflight:
                response = self._preflight(request, app, origin, acrm, acrh, acrpn)
            else:
                response = self._actual(request, app, origin)
            remember(memo, key, response, _MEMO_SIZE)
        return response

    def _preflight(
        self,
        request: Request,
        app: Callable[[Request], Response],
        origin: str,
        acrm: str,
        acrh: str | None,
        acrpn: str | None,
    ) -> Response:
        """Answer a CORS-preflight request (Fetch: CORS-preflight fetch, server side)."""
        headers, refusal = self._judge_preflight(origin, acrm, acrh, acrpn)
        return self._finish_preflight(request, app, None if refusal is not None else headers)

    def _judge_preflight(
        self, origin: str, acrm: str, acrh: str | None, acrpn: str | None
    ) -> tuple[list[tuple[str, str]], Refusal | None]:
        """The headers of the allowing answer, or the headers that passed so far and why
        the rest did not (the first refused step, in the order the browser checks them:
        Fetch, "CORS-preflight fetch": the CORS check, then methods, then header names).
        """
        acao = self.acao(origin)
        if acao is None:
            return [], Refusal(code=RefusalCode.ORIGIN_NOT_ALLOWED, preflight=True, value=origin)
        headers: list[tuple[str, str]] = [(ACAO, acao), *self.preflight_base]
        if self.static:
            headers.extend(self.static_tail)
            if acrpn == "true" and self.pna:
                headers.append((ACAPN, "true"))
            headers.extend(self.vary_preflight)
            return headers, None
        # Method: safelisted methods need no listing; others must be allowed.
        acrm = acrm.strip(" \t")
        if acrm not in CORS_SAFELISTED_METHODS:
            if not (acrm in self.method_set or (self.methods_wild and is_token(acrm))):
                # What a debug answer carries: only the safelisted methods, so that the
                # browser names the refused one. No header at all would let a forced
                # preflight through ("If methods is null and request's use-CORS-preflight
                # flag is set, then set methods to a new list containing request's method").
                headers.append((ACAM, _SAFELISTED_LIST))
                return headers, Refusal(
                    code=RefusalCode.METHOD_NOT_ALLOWED, preflight=True, value=acrm
                )
            if self.literal_methods is None:
                headers.append((ACAM, acrm))
        if self.literal_methods is not None:
            headers.append((ACAM, self.literal_methods))
        # Headers: each requested name must be allowed; echo exactly those names.
        if acrh is not None:
            names: list[str] = []
            header_set = self.header_set
            for piece in acrh.split(","):
                item = piece.strip(" \t")
                if not item:
                    continue
                key = item.lower() if item.isascii() else byte_lowercase(item)
                if key not in header_set and not (self.headers_wild and is_token(key)):
                    passed = [n for n in names if n != "*"]
                    if passed:
                        headers.append((ACAH, ", ".join(passed)))
                    return headers, Refusal(
                        code=RefusalCode.HEADER_NOT_ALLOWED, preflight=True, value=item
                    )
                names.append(key)
            if names and self.literal_headers is None:
                headers.append((ACAH, ", ".join(names)))
        if self.literal_headers is not None:
            headers.append((ACAH, self.literal_headers))
        if self.max_age is not None:
            headers.append((ACMA, self.max_age))
        if acrpn is not None:
            if acrpn != "true" or not self.pna:
                return headers, Refusal(
                    code=RefusalCode.PRIVATE_NETWORK_NOT_ALLOWED, preflight=True, value=acrpn
                )
            headers.append((ACAPN, "true"))
        headers.extend(self.vary_preflight)
        return headers, None

    def _finish_preflight(
        self,
        request: Request,
        app: Callable[[Request], Response],
        headers: list[tuple[str, str]] | None,
    ) -> Response:
        if self.passthrough:
            answer = app(request)
            extra = tuple(headers) if headers is not None else self.preflight_fail.headers
            return Response(status=answer.status, headers=answer.headers + extra, body=answer.body)
        if headers is None:
            return self.preflight_fail
        return Response(status=200 if self.static else 204, headers=tuple(headers))

    def _actual(
        self, request: Request, app: Callable[[Request], Response], origin: str | None
    ) -> Response:
        """Add the CORS response headers to the application's answer (Fetch: CORS check,
        server side)."""
        answer = app(request)
        extra: tuple[tuple[str, str], ...]
        static = self.static_actual
        if static is not None:
            # Fetch, "CORS protocol and HTTP caches": the answer does not depend on
            # Origin, so every request gets the same one, Origin or not, with no Vary.
            extra = static
        else:
            acao = None if origin is None else self.acao(origin)
            if acao is None:
                extra = () if self.vary_allowed_only else self.vary_actual
            else:
                extra = ((ACAO, acao), *self.actual_allowed, *self.vary_actual)
        if not extra:
            return answer
        return Response(status=answer.status, headers=answer.headers + extra, body=answer.body)

    # -- debugging ---------------------------------------------------------------------

    def answer(
        self, request: Request, app: Callable[[Request], Response], *, debug: bool
    ) -> PolicyAnswer:
        """The answer and, when the policy refuses, why (computed afresh, not remembered).

        With ``debug``, a refused preflight gets an ok status carrying the headers that
        passed (as jub0bs/cors's debug mode does), so the browser's console names the
        step that failed instead of "does not have HTTP ok status"; it still refuses.
        """
        origin, acrm, acrh, acrpn = _read(request)
        if origin is not None and acrm is not None and request.method == "OPTIONS":
            headers, refusal = self._judge_preflight(origin, acrm, acrh, acrpn)
            if refusal is None:
                response = self._finish_preflight(request, app, headers)
            elif not debug:
                response = self._finish_preflight(request, app, None)
            else:
                partial = [*headers, *self.vary_preflight]
                if self.passthrough:
                    response = self._finish_preflight(request, app, partial)
                else:
                    status = 200 if self.static else 204
                    response = Response(status=status, headers=tuple(partial))
            return PolicyAnswer(response=response, refusal=refusal)
        response = self._actual(request, app, origin)
        refusal = None
        if origin is not None and self.acao(origin) is None:
            refusal = Refusal(code=RefusalCode.ORIGIN_NOT_ALLOWED, preflight=False, value=origin)
        return PolicyAnswer(response=response, refusal=refusal)

    # -- predicting --------------------------------------------------------------------

    def allows(self, request: Request, profile: BrowserProfile) -> bool:
        """Replay of :func:`corsspec.evaluate` for this policy's answers, step by step.

        Fetch main fetch step 12 picks the tainting (same-origin: basic; ``no-cors``:
        opaque, readable as such; ``same-origin`` mode: network error); CORS requests
        with a non-safelisted method, unsafe headers or the use-CORS-preflight flag
        first pass a preflight; both answers pass the CORS check.

        :raises ScriptError: where ``evaluate`` raises it (a refused stream body).
        """
        # The browser prepares the request before anything else (and may throw).
        forced, unsafe = _classify(request, profile)
        if forced and request.mode is Mode.NO_CORS:
            raise ScriptError(
                ScriptProblem.STREAM_BODY_REQUIRES_CORS_OR_SAME_ORIGIN,
                request.mode.value,
                "a ReadableStream body needs mode 'cors' or 'same-origin'",
            )
        origin = request.origin
        url = request.url
        if origin.same_origin(url.origin):
            return True
        mode = request.mode
        if mode is Mode.SAME_ORIGIN:
            return False
        if mode is Mode.NO_CORS:
            return request.redirect is RedirectMode.FOLLOW
        if url.scheme not in ("http", "https"):
            return False
        acao = self.acao(origin.serialize())
        if acao is None:
            return False
        credentialed = request.credentialed
        if credentialed and (acao == "*" or not self.credentials):
            return False
        method = request.method
        if not forced and method in CORS_SAFELISTED_METHODS and not unsafe:
            return True
        # The preflight.
        if not self.static:
            if method not in CORS_SAFELISTED_METHODS and not (
                method in self.method_set or self.methods_wild
            ):
                return False
            return all(n in self.header_set or self.headers_wild for n in unsafe)
        # Static lists: the browser judges the literal lists (Fetch: CORS-preflight fetch
        # steps 7.4-7.6), with `*` a wildcard only without credentials. With no
        # Access-Control-Allow-Methods at all, a forced preflight allows the request's own
        # method where the engine follows step 7.3.
        own_method = (
            forced
            and not self.method_set
            and not self.methods_wild
            and profile.forced_preflight_allows_own_method
        )
        if (
            not own_method
            and method not in CORS_SAFELISTED_METHODS
            and method not in self.method_set
            and not (method == "*" and self.methods_wild)
            and (credentialed or not self.methods_wild)
        ):
            return False
        allowed = HeaderNameSet(names=self.header_set, wildcard=self.headers_wild)
        for name in unsafe:
            if name in CORS_NON_WILDCARD_REQUEST_HEADER_NAMES:
                if name in self.header_set:
                    continue
                if profile.authorization_covered_by_wildcard and allowed.allows(
                    name, credentialed=credentialed
                ):
                    continue
                return False
            if not allowed.allows(name, credentialed=credentialed):
                return False
        return True

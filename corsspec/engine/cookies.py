"""Cookies: which cookies a request carries and which a response stores (RFC 6265bis).

The model follows "Cookies: HTTP State Management Mechanism" (draft-ietf-httpbis-rfc6265bis,
the revision the browsers implement), cited below by its section names:

* "The Set-Cookie Header Field" / "Parsing the Set-Cookie Header" / "Storage Model":
  :meth:`CookieJar.store` turns one ``Set-Cookie`` value into a stored cookie or a
  :class:`CookieReason` saying why the browser ignored it;
* "Retrieval Algorithm" / "The Cookie Header Field": :meth:`CookieJar.retrieve` picks the
  cookies a request carries, in the draft's order, and gives a reason for every cookie in
  the jar that stays behind;
* "Same-site and Cross-site Requests": :func:`cookie_context` decides whether a hop is
  same-site from the page's top-level site, the request's URL list and the current URL;
* CHIPS (``Partitioned``) and the third-party cookie policy, which the draft leaves to the
  user agent ("Third-Party Cookies"), are :class:`ThirdPartyCookies` and the ``cookie_*``
  fields of :class:`~corsspec.engine.browsers.BrowserProfile`.

Fetch decides *whether* cookies take part at all: HTTP-network-or-cache fetch's
*includeCredentials* is true when the request's credentials mode is ``include``, or
``same-origin`` with response tainting ``basic``; only then is the ``Cookie`` header added
and ``Set-Cookie`` parsed and stored. A CORS preflight is sent without credentials, so it
never carries a cookie and its ``Set-Cookie`` is never stored.

The jar is an immutable value, like :class:`~corsspec.engine.cache.PreflightCache`: every
update returns a new jar, time (``now``, seconds since the Unix epoch) is an argument, and
nothing here reads a clock. Where a profile field is ``None`` the engine's behaviour has
not been measured: the outcome is :attr:`CookieReason.ENGINE_BEHAVIOUR_UNKNOWN`, naming the
field, never a guess.
"""

from __future__ import annotations

import calendar
import enum
import re
from collections.abc import Iterable
from typing import Final

import attrs

from corsspec.engine.browsers import SPEC, BrowserProfile, ThirdPartyCookies
from corsspec.engine.sites import Site, is_ip_address, is_public_suffix, same_site, site_of
from corsspec.engine.url import URL, Origin, parse_url
from corsspec.errors import InvalidRequestError, RequestProblem

__all__ = [
    "MAX_ATTRIBUTE_VALUE_SIZE",
    "MAX_EXPIRY_SECONDS",
    "MAX_NAME_VALUE_SIZE",
    "Cookie",
    "CookieContext",
    "CookieExclusion",
    "CookieHop",
    "CookieJar",
    "CookieReason",
    "CookieRejection",
    "CookieReport",
    "Retrieval",
    "SameSite",
    "Storing",
    "ThirdPartyCookies",
    "cookie_context",
    "parse_cookie_date",
]


def __dir__() -> list[str]:
    return __all__


#: RFC 6265bis "Cookie Name Value Size": name plus value may not exceed 4096 octets.
MAX_NAME_VALUE_SIZE: Final = 4096
#: RFC 6265bis "Cookie Attribute Value Size": a longer attribute value is ignored.
MAX_ATTRIBUTE_VALUE_SIZE: Final = 1024
#: RFC 6265bis "The Expires Attribute"/"The Max-Age Attribute": at most 400 days ahead.
MAX_EXPIRY_SECONDS: Final = 400 * 24 * 3600

#: RFC 6265bis "Parsing the Set-Cookie Header": a set-cookie-string with one of these
#: (CTLs other than HTAB) is ignored entirely.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class SameSite(enum.Enum):
    """RFC 6265bis "The SameSite Attribute": the cookie's same-site-flag."""

    STRICT = "strict"
    LAX = "lax"
    NONE = "none"
    #: No (or an unrecognised) ``SameSite`` attribute: "Default", whose enforcement the
    #: profile decides (``cookie_lax_by_default``).
    DEFAULT = "default"


class CookieReason(enum.Enum):
    """Why a cookie was not sent with a request, or a ``Set-Cookie`` was not stored."""

    # -- Both directions --------------------------------------------------------
    #: Fetch: includeCredentials is false (credentials mode ``omit``, or ``same-origin``
    #: on a cross-origin request).
    CREDENTIALS_NOT_INCLUDED = "credentials-not-included"
    #: A profile field this decision depends on is None (not measured for the engine).
    ENGINE_BEHAVIOUR_UNKNOWN = "engine-behaviour-unknown"
    #: The third-party cookie policy blocks the cookie in a cross-site context.
    THIRD_PARTY_BLOCKED = "third-party-blocked"
    # -- Not sent (RFC 6265bis "Retrieval Algorithm") ---------------------------
    DOMAIN_MISMATCH = "domain-mismatch"
    PATH_MISMATCH = "path-mismatch"
    #: A ``Secure`` cookie and a request that is not secure.
    SECURE_ONLY = "secure-only"
    EXPIRED = "expired"
    SAMESITE_STRICT = "samesite-strict"
    SAMESITE_LAX = "samesite-lax"
    #: No ``SameSite`` attribute, enforced as ``Lax`` by this engine.
    SAMESITE_DEFAULT_LAX = "samesite-default-lax"
    #: The cookie lives in another top-level site's partition (CHIPS, or the engine
    #: partitions every third-party cookie).
    PARTITION_MISMATCH = "partition-mismatch"
    # -- Not stored (RFC 6265bis "Parsing the Set-Cookie Header", "Storage Model") --
    #: A CTL in the value, or neither name nor value.
    INVALID_SYNTAX = "invalid-syntax"
    NAME_VALUE_TOO_LARGE = "name-value-too-large"
    #: ``Domain`` names a public suffix other than the request host.
    DOMAIN_PUBLIC_SUFFIX = "domain-public-suffix"
    #: ``Domain`` does not domain-match the request host.
    DOMAIN_NOT_MATCHED = "domain-not-matched"
    #: ``Secure`` set by a response to a request that is not secure.
    SECURE_FROM_INSECURE_ORIGIN = "secure-from-insecure-origin"
    #: "Leave Secure Cookies Alone": an insecure response may not shadow a Secure cookie.
    OVERWRITES_SECURE_COOKIE = "overwrites-secure-cookie"
    #: ``SameSite=None`` without ``Secure``.
    SAMESITE_NONE_INSECURE = "samesite-none-insecure"
    #: ``SameSite=Strict``/``Lax`` set by a cross-site response.
    SAMESITE_CROSS_SITE_SET = "samesite-cross-site-set"
    #: No ``SameSite`` (enforced as ``Lax``) set by a cross-site response.
    SAMESITE_DEFAULT_CROSS_SITE_SET = "samesite-default-cross-site-set"
    #: ``__Secure-`` without ``Secure`` (or from an insecure origin).
    PREFIX_SECURE = "prefix-secure"
    #: ``__Host-`` without ``Secure``, with ``Domain``, or with a ``Path`` other than ``/``.
    PREFIX_HOST = "prefix-host"
    #: ``Partitioned`` without ``Secure`` (CHIPS).
    PARTITIONED_INSECURE = "partitioned-insecure"
    #: The response was a CORS preflight's: sent without credentials, never stored.
    PREFLIGHT_RESPONSE = "preflight-response"


@attrs.frozen(kw_only=True)
class Cookie:
    """RFC 6265bis "Storage Model": one stored cookie.

    ``partition`` is the serialized top-level site of a partitioned cookie (CHIPS, or an
    engine that partitions third-party cookies), None for the unpartitioned jar.
    ``expires`` is None for a session cookie; ``order`` is the creation order (the
    Cookie header lists older cookies first among equal paths).
    """

    name: str
    value: str
    domain: str
    host_only: bool = True
    path: str = "/"
    secure: bool = False
    http_only: bool = False
    same_site: SameSite = SameSite.DEFAULT
    partitioned: bool = False
    partition: str | None = None
    expires: float | None = None
    created: float = 0.0
    order: int = 0

    def pair(self) -> str:
        """RFC 6265bis "The Cookie Header Field": ``name=value`` (the value alone if nameless)."""
        return f"{self.name}={self.value}" if self.name else self.value

    def key(self) -> tuple[str, str, str, str | None]:
        """What identifies a stored cookie: name, domain, path and partition."""
        return (self.name, self.domain, self.path, self.partition)


@attrs.frozen(kw_only=True)
class CookieExclusion:
    """A cookie of the jar that a request did not carry, and why."""

    cookie: Cookie
    reason: CookieReason
    #: The profile field behind an ENGINE_BEHAVIOUR_UNKNOWN, or other detail.
    detail: str | None = None


@attrs.frozen(kw_only=True)
class CookieRejection:
    """A ``Set-Cookie`` value the browser did not store, and why."""

    name: str
    line: str
    reason: CookieReason
    detail: str | None = None


@attrs.frozen(kw_only=True)
class CookieContext:
    """What the cookie algorithms need to know about one request hop.

    ``same_site`` is RFC 6265bis "Same-site and Cross-site Requests" for this hop (None:
    it depends on whether the engine compares schemes, which is not measured);
    ``third_party`` whether the hop's site differs from the top-level site (the context
    third-party cookie policies act on); ``secure`` whether the URL's scheme counts as
    secure for cookies (None: the engine's answer for an ``http`` loopback URL is unknown).
    """

    top_level: Site
    same_site: bool | None
    third_party: bool
    secure: bool | None
    third_party_cookies: ThirdPartyCookies | None


def _is_loopback(host: str) -> bool:
    """Secure Contexts: ``localhost`` names, 127.0.0.0/8 and ``[::1]``."""
    if host == "localhost" or host.endswith(".localhost") or host == "[::1]":
        return True
    parts = host.split(".")
    return len(parts) == 4 and parts[0] == "127" and all(p.isdigit() for p in parts)


def _secure(url: URL, profile: BrowserProfile) -> bool | None:
    """RFC 6265bis: whether the request-uri "denotes a secure protocol" for this engine."""
    if url.scheme in ("https", "wss"):
        return True
    if url.scheme == "http" and _is_loopback(url.host):
        return profile.cookie_secure_on_loopback
    return False


def cookie_context(
    url_list: Iterable[URL],
    *,
    top_level: Origin,
    profile: BrowserProfile,
    third_party_cookies: ThirdPartyCookies | None,
    embedded_cross_site: bool = False,
) -> CookieContext:
    """RFC 6265bis "Same-site and Cross-site Requests", for the last URL of ``url_list``.

    A non-navigation request is same-site when "the request is not the result of a
    cross-site redirect" (every URL of the list is same-site with the current one) and
    the current URL is same-site with the client's "site for cookies" — the top-level
    site, or no site at all when the page is embedded cross-site (``embedded_cross_site``).
    Schemeless comparison (scheme ignored) is used when the profile says so.
    """
    urls = list(url_list)
    current = urls[-1].origin

    def alike(a: Origin, b: Origin, schemeful: bool) -> bool:
        if schemeful:
            return same_site(a, b)
        if a.opaque or b.opaque:
            return False
        return same_site(attrs.evolve(a, scheme="https"), attrs.evolve(b, scheme="https"))

    def judged(schemeful: bool) -> bool:
        chain = all(alike(u.origin, current, schemeful) for u in urls)
        return chain and alike(current, top_level, schemeful) and not embedded_cross_site

    rule = profile.cookie_schemeful_same_site
    verdict: bool | None
    if rule is None:
        # Not measured: known only where both readings agree.
        strict, loose = judged(True), judged(False)
        verdict = strict if strict == loose else None
    else:
        verdict = judged(rule)
    return CookieContext(
        top_level=site_of(top_level),
        same_site=verdict,
        third_party=not same_site(current, top_level),
        secure=_secure(urls[-1], profile),
        third_party_cookies=third_party_cookies,
    )


@attrs.frozen(kw_only=True)
class Storing:
    """The outcome of one ``Set-Cookie`` value: the jar after it, and what happened."""

    jar: CookieJar
    #: The cookie stored (or, for an expired one, deleted), or None if rejected.
    cookie: Cookie | None
    rejection: CookieRejection | None
    #: Whether the value deleted a cookie (an expiry in the past) instead of storing one.
    deleted: bool = False


@attrs.frozen(kw_only=True)
class Retrieval:
    """RFC 6265bis "Retrieval Algorithm": the cookies one request carries, and the rest."""

    sent: tuple[Cookie, ...]
    excluded: tuple[CookieExclusion, ...]

    @property
    def header(self) -> str | None:
        """The ``Cookie`` header value (None when no cookie goes out)."""
        if not self.sent:
            return None
        return "; ".join(c.pair() for c in self.sent)


# -- Parsing (RFC 6265bis "Parsing the Set-Cookie Header") -------------------------

_DELIMITER = re.compile(r"[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+")
_TIME = re.compile(r"^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D.*)?$")
_DAY = re.compile(r"^(\d{1,2})(?:\D.*)?$")
_YEAR = re.compile(r"^(\d{2,4})(?:\D.*)?$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def parse_cookie_date(text: str) -> float | None:
    """RFC 6265bis "Dates" ("Date Parsing" algorithm): seconds since the epoch, or None."""
    hms: tuple[int, int, int] | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    for token in _DELIMITER.split(text):
        if not token:
            continue
        if hms is None and (m := _TIME.match(token)):
            hms = (int(m[1]), int(m[2]), int(m[3]))
        elif day is None and (m := _DAY.match(token)):
            day = int(m[1])
        elif month is None and token[:3].lower() in _MONTHS:
            month = _MONTHS.index(token[:3].lower()) + 1
        elif year is None and (m := _YEAR.match(token)):
            year = int(m[1])
    if hms is None or day is None or month is None or year is None:
        return None
    if 70 <= year <= 99:
        year += 1900
    elif 0 <= year <= 69:
        year += 2000
    hour, minute, second = hms
    if not 1 <= day <= 31 or year < 1601 or hour > 23 or minute > 59 or second > 59:
        return None
    if day > calendar.monthrange(year, month)[1]:
        return None
    return float(calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)))


@attrs.frozen(kw_only=True)
class _Parsed:
    name: str
    value: str
    expires: float | None = None
    max_age: float | None = None
    domain: str | None = None
    path: str | None = None
    secure: bool = False
    http_only: bool = False
    same_site: SameSite = SameSite.DEFAULT
    partitioned: bool = False


def _parse(line: str) -> _Parsed | CookieReason:
    """RFC 6265bis "Parsing the Set-Cookie Header" (the last occurrence of an attribute wins)."""
    if _CONTROL.search(line):
        return CookieReason.INVALID_SYNTAX
    pair, _, rest = line.partition(";")
    if "=" in pair:
        raw_name, _, raw_value = pair.partition("=")
    else:
        raw_name, raw_value = "", pair
    name, value = raw_name.strip(" \t"), raw_value.strip(" \t")
    if not name and not value:
        return CookieReason.INVALID_SYNTAX
    if len(name) + len(value) > MAX_NAME_VALUE_SIZE:
        return CookieReason.NAME_VALUE_TOO_LARGE
    fields: dict[str, object] = {}
    for item in rest.split(";") if rest else ():
        key, _, raw = item.partition("=")
        key, attr = key.strip(" \t").lower(), raw.strip(" \t")
        if len(attr) > MAX_ATTRIBUTE_VALUE_SIZE:
            continue
        if key == "expires":
            when = parse_cookie_date(attr)
            if when is not None:
                fields["expires"] = when
        elif key == "max-age":
            if re.fullmatch(r"-?\d+", attr):
                fields["max_age"] = float(attr)
        elif key == "domain":
            if attr:
                fields["domain"] = attr.removeprefix(".").lower()
        elif key == "path":
            fields["path"] = attr if attr.startswith("/") else None
        elif key == "secure":
            fields["secure"] = True
        elif key == "httponly":
            fields["http_only"] = True
        elif key == "samesite":
            fields["same_site"] = {
                "none": SameSite.NONE,
                "strict": SameSite.STRICT,
                "lax": SameSite.LAX,
            }.get(attr.lower(), SameSite.DEFAULT)
        elif key == "partitioned":
            fields["partitioned"] = True
    return _Parsed(name=name, value=value, **fields)  # type: ignore[arg-type]


def _default_path(url: URL) -> str:
    """RFC 6265bis "Paths and Path-Match": the default-path of a request-uri."""
    path = url.path or "/"
    if not path.startswith("/") or path.count("/") <= 1:
        return "/"
    return path[: path.rindex("/")]


def _domain_match(host: str, domain: str) -> bool:
    """RFC 6265bis "Domain Matching"."""
    if host == domain:
        return True
    return host.endswith("." + domain) and not is_ip_address(host)


def _path_match(request_path: str, cookie_path: str) -> bool:
    """RFC 6265bis "Paths and Path-Match"."""
    if request_path == cookie_path:
        return True
    if request_path.startswith(cookie_path):
        return cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"
    return False


def _effective_same_site(same_site: SameSite, profile: BrowserProfile) -> SameSite | None:
    """RFC 6265bis "The SameSite Attribute": how this engine enforces "Default" (None: unknown)."""
    if same_site is not SameSite.DEFAULT:
        return same_site
    lax = profile.cookie_lax_by_default
    if lax is None:
        return None
    return SameSite.LAX if lax else SameSite.NONE


def _reject(
    jar: CookieJar, name: str, line: str, reason: CookieReason, detail: str | None = None
) -> Storing:
    rejection = CookieRejection(name=name, line=line[:256], reason=reason, detail=detail)
    return Storing(jar=jar, cookie=None, rejection=rejection)


_UNKNOWN = CookieReason.ENGINE_BEHAVIOUR_UNKNOWN


@attrs.frozen(kw_only=True)
class CookieJar:
    """The browser's cookie store, as an immutable value (RFC 6265bis "Storage Model").

    ``cookies`` is kept sorted by (domain, path, name, partition); :meth:`store` and
    :meth:`retrieve` never change the jar they are called on.
    """

    cookies: tuple[Cookie, ...] = ()
    #: The creation order the next new cookie gets.
    next_order: int = 0

    def __len__(self) -> int:
        return len(self.cookies)

    def names(self) -> tuple[str, ...]:
        """The names of the stored cookies, sorted and deduplicated."""
        return tuple(sorted({c.name for c in self.cookies}))

    @classmethod
    def from_set_cookie(
        cls,
        url: URL | str,
        lines: Iterable[str],
        *,
        now: float = 0.0,
        profile: BrowserProfile | None = None,
    ) -> CookieJar:
        """A jar holding what ``Set-Cookie`` answers from ``url`` stored, as a first party.

        This states what the browser already holds for a site (the user logged in on it
        as a top-level page). Each line goes through :meth:`store`.

        :raises InvalidRequestError: a line would not be stored (the reason is named).
        """
        target = parse_url(url) if isinstance(url, str) else url
        prof = profile or SPEC
        context = cookie_context(
            [target],
            top_level=target.origin,
            profile=prof,
            third_party_cookies=ThirdPartyCookies.ALLOW,
        )
        jar = cls()
        for line in lines:
            result = jar.store(line, url=target, context=context, now=now, profile=prof)
            if result.rejection is not None:
                raise InvalidRequestError(
                    "cookie",
                    line,
                    RequestProblem.BAD_ENUM_VALUE,
                    f"a browser would not store it for {target.origin.serialize()}: "
                    f"{result.rejection.reason.value}"
                    + (f" ({result.rejection.detail})" if result.rejection.detail else ""),
                )
            jar = result.jar
        return jar

    def store(
        self,
        line: str,
        *,
        url: URL,
        context: CookieContext,
        now: float,
        profile: BrowserProfile,
    ) -> Storing:
        """RFC 6265bis "Storage Model": store one ``Set-Cookie`` value received for ``url``."""
        parsed = _parse(line)
        if isinstance(parsed, CookieReason):
            return _reject(self, "", line, parsed)
        name = parsed.name
        host = url.host
        # "Storage Model" steps: expiry (Max-Age wins over Expires; at most 400 days).
        expires: float | None = None
        if parsed.max_age is not None:
            expires = now + min(parsed.max_age, MAX_EXPIRY_SECONDS) if parsed.max_age > 0 else -1.0
        elif parsed.expires is not None:
            expires = min(parsed.expires, now + MAX_EXPIRY_SECONDS)
        # Domain: a public suffix is ignored unless it is the host; it must domain-match.
        domain = parsed.domain
        host_only = True
        if domain is not None:
            if is_public_suffix(domain) and not is_ip_address(domain):
                if domain != host:
                    return _reject(self, name, line, CookieReason.DOMAIN_PUBLIC_SUFFIX, domain)
                domain = None
            elif not _domain_match(host, domain):
                return _reject(self, name, line, CookieReason.DOMAIN_NOT_MATCHED, domain)
            else:
                host_only = False
        cookie_domain = host if domain is None else domain
        path = parsed.path or _default_path(url)
        # "If the cookie's secure-only-flag is true" and the request-uri is not secure.
        secure_request = context.secure
        if parsed.secure and secure_request is not True:
            if secure_request is None:
                return _reject(self, name, line, _UNKNOWN, "cookie_secure_on_loopback")
            return _reject(self, name, line, CookieReason.SECURE_FROM_INSECURE_ORIGIN)
        # SameSite=None requires Secure.
        if parsed.same_site is SameSite.NONE and not parsed.secure:
            rule = profile.cookie_none_requires_secure
            if rule is None:
                return _reject(self, name, line, _UNKNOWN, "cookie_none_requires_secure")
            if rule:
                return _reject(self, name, line, CookieReason.SAMESITE_NONE_INSECURE)
        # "If the cookie's same-site-flag is not None": only a same-site request sets it.
        if context.same_site is not True:
            effective = _effective_same_site(parsed.same_site, profile)
            if effective is None:
                return _reject(self, name, line, _UNKNOWN, "cookie_lax_by_default")
            if effective is not SameSite.NONE and context.same_site is None:
                return _reject(self, name, line, _UNKNOWN, "cookie_schemeful_same_site")
            if effective is not SameSite.NONE:
                reason = (
                    CookieReason.SAMESITE_DEFAULT_CROSS_SITE_SET
                    if parsed.same_site is SameSite.DEFAULT
                    else CookieReason.SAMESITE_CROSS_SITE_SET
                )
                return _reject(self, name, line, reason)
        # Cookie name prefixes ("The __Secure- Prefix", "The __Host- Prefix").
        lowered = name.lower()
        if lowered.startswith("__secure-") and not parsed.secure:
            return _reject(self, name, line, CookieReason.PREFIX_SECURE)
        if lowered.startswith("__host-") and (
            not parsed.secure or parsed.domain is not None or parsed.path != "/"
        ):
            return _reject(self, name, line, CookieReason.PREFIX_HOST)
        # CHIPS: Partitioned requires Secure.
        if parsed.partitioned and not parsed.secure:
            rule = profile.cookie_partitioned_requires_secure
            if rule is None:
                return _reject(self, name, line, _UNKNOWN, "cookie_partitioned_requires_secure")
            if rule:
                return _reject(self, name, line, CookieReason.PARTITIONED_INSECURE)
        # The third-party cookie policy, in a cross-site context.
        partition: str | None = context.top_level.serialize() if parsed.partitioned else None
        if context.third_party:
            policy = context.third_party_cookies
            if policy is None:
                return _reject(self, name, line, _UNKNOWN, "third_party_cookies")
            if (
                policy is ThirdPartyCookies.BLOCK
                or policy is ThirdPartyCookies.BLOCK_STORING
                or (policy is ThirdPartyCookies.ONLY_PARTITIONED and not parsed.partitioned)
            ):
                return _reject(self, name, line, CookieReason.THIRD_PARTY_BLOCKED, policy.value)
            if policy is ThirdPartyCookies.PARTITION:
                partition = context.top_level.serialize()
        # "Leave Secure Cookies Alone": an insecure response may not shadow a Secure cookie.
        if not parsed.secure and secure_request is not True:
            for old in self.cookies:
                if (
                    old.secure
                    and old.name == name
                    and (
                        _domain_match(old.domain, cookie_domain)
                        or _domain_match(cookie_domain, old.domain)
                    )
                    and _path_match(path, old.path)
                ):
                    return _reject(self, name, line, CookieReason.OVERWRITES_SECURE_COOKIE)
        cookie = Cookie(
            name=name,
            value=parsed.value,
            domain=cookie_domain,
            host_only=host_only,
            path=path,
            secure=parsed.secure,
            http_only=parsed.http_only,
            same_site=parsed.same_site,
            partitioned=parsed.partitioned,
            partition=partition,
            expires=expires,
            created=now,
            order=self.next_order,
        )
        key = cookie.key()
        old_cookie = next((c for c in self.cookies if c.key() == key), None)
        kept = tuple(c for c in self.cookies if c.key() != key)
        if expires is not None and expires <= now:
            # An expiry in the past deletes the cookie it names ("Storage Model", last steps).
            jar = attrs.evolve(self, cookies=kept)
            return Storing(jar=jar, cookie=cookie, rejection=None, deleted=True)
        if old_cookie is not None:
            # "Set the creation-time of the newly-created cookie to the creation-time of
            # the old-cookie."
            cookie = attrs.evolve(cookie, created=old_cookie.created, order=old_cookie.order)
        cookies = tuple(sorted((*kept, cookie), key=_sort_key))
        jar = CookieJar(cookies=cookies, next_order=self.next_order + 1)
        return Storing(jar=jar, cookie=cookie, rejection=None)

    def retrieve(
        self, url: URL, *, context: CookieContext, now: float, profile: BrowserProfile
    ) -> Retrieval:
        """RFC 6265bis "Retrieval Algorithm": the cookies a request to ``url`` carries.

        Fetch and XHR requests are never top-level navigations, so ``Lax`` cookies stay
        behind on every cross-site request, whatever the method.
        """
        sent: list[Cookie] = []
        excluded: list[CookieExclusion] = []
        host, path = url.host, url.path or "/"
        top = context.top_level.serialize()
        for cookie in self.cookies:
            reason: CookieReason | None = None
            detail: str | None = None
            if not (
                host == cookie.domain if cookie.host_only else _domain_match(host, cookie.domain)
            ):
                reason = CookieReason.DOMAIN_MISMATCH
            elif not _path_match(path, cookie.path):
                reason = CookieReason.PATH_MISMATCH
            elif cookie.expires is not None and cookie.expires <= now:
                reason = CookieReason.EXPIRED
            elif cookie.secure and context.secure is not True:
                reason, detail = (
                    (_UNKNOWN, "cookie_secure_on_loopback")
                    if context.secure is None
                    else (CookieReason.SECURE_ONLY, None)
                )
            elif context.same_site is not True and cookie.same_site is not SameSite.NONE:
                effective = _effective_same_site(cookie.same_site, profile)
                if effective is None:
                    reason, detail = _UNKNOWN, "cookie_lax_by_default"
                elif effective is not SameSite.NONE and context.same_site is None:
                    reason, detail = _UNKNOWN, "cookie_schemeful_same_site"
                elif effective is SameSite.STRICT:
                    reason = CookieReason.SAMESITE_STRICT
                elif effective is SameSite.LAX:
                    reason = (
                        CookieReason.SAMESITE_DEFAULT_LAX
                        if cookie.same_site is SameSite.DEFAULT
                        else CookieReason.SAMESITE_LAX
                    )
            if reason is None:
                reason, detail = _partition_rule(cookie, context, top)
            if reason is None:
                sent.append(cookie)
            else:
                excluded.append(CookieExclusion(cookie=cookie, reason=reason, detail=detail))
        # "The Cookie Header Field": longer paths first, then earlier creation.
        sent.sort(key=lambda c: (-len(c.path), c.created, c.order))
        return Retrieval(sent=tuple(sent), excluded=tuple(excluded))


def _partition_rule(
    cookie: Cookie, context: CookieContext, top: str
) -> tuple[CookieReason | None, str | None]:
    """Which jar a request reads: its top-level site's partition, and maybe the shared one."""
    if cookie.partition is not None:
        if cookie.partition != top:
            return CookieReason.PARTITION_MISMATCH, cookie.partition
        return None, None
    if not context.third_party:
        return None, None
    policy = context.third_party_cookies
    if policy is None:
        return _UNKNOWN, "third_party_cookies"
    if policy is ThirdPartyCookies.ALLOW or policy is ThirdPartyCookies.BLOCK_STORING:
        return None, None
    if policy is ThirdPartyCookies.PARTITION:
        return CookieReason.PARTITION_MISMATCH, "the site's own first-party jar"
    return CookieReason.THIRD_PARTY_BLOCKED, policy.value


def _sort_key(cookie: Cookie) -> tuple[str, str, str, str]:
    return (cookie.domain, cookie.path, cookie.name, cookie.partition or "")


@attrs.frozen(kw_only=True)
class CookieHop:
    """What happened to cookies on one request that reached the server (preflights aside).

    ``index`` is the request's position in :attr:`Evaluation.sent
    <corsspec.engine.fetch.Evaluation.sent>`; ``header`` the ``Cookie`` value it carried.
    """

    index: int
    url: str
    #: Fetch: includeCredentials for this hop.
    credentials: bool
    #: None: depends on schemeful same-site, not measured for the engine.
    same_site: bool | None
    third_party: bool
    header: str | None
    sent: tuple[Cookie, ...]
    excluded: tuple[CookieExclusion, ...]
    stored: tuple[Cookie, ...]
    deleted: tuple[Cookie, ...]
    rejected: tuple[CookieRejection, ...]


@attrs.frozen(kw_only=True)
class CookieReport:
    """The cookie side of an evaluation: every hop, the jar after it, and the expectation.

    ``needs`` are the cookie names the caller said the server needs on the actual request;
    :attr:`missing` those the last request to reach the server did not carry.
    """

    top_level: Site
    third_party_cookies: ThirdPartyCookies | None
    hops: tuple[CookieHop, ...]
    jar: CookieJar
    needs: tuple[str, ...] = ()
    #: ``Set-Cookie`` values on preflight responses (never stored).
    ignored: tuple[CookieRejection, ...] = ()

    @property
    def final(self) -> CookieHop | None:
        """The last hop (the request whose response script gets), or None if none was sent."""
        return self.hops[-1] if self.hops else None

    @property
    def sent_names(self) -> tuple[str, ...]:
        """Names of the cookies the last hop carried, sorted."""
        final = self.final
        return () if final is None else tuple(sorted({c.name for c in final.sent}))

    @property
    def missing(self) -> tuple[str, ...]:
        """Needed cookie names the last hop did not carry (all of them if none was sent)."""
        sent = set(self.sent_names)
        return tuple(n for n in self.needs if n not in sent)

    @property
    def uncertain(self) -> tuple[str, ...]:
        """Missing names whose fate depends on an engine behaviour not measured yet."""
        final = self.final
        if final is None:
            return ()
        unknown = {e.cookie.name for e in final.excluded if e.reason is _UNKNOWN}
        unknown |= {r.name for h in self.hops for r in h.rejected if r.reason is _UNKNOWN}
        return tuple(n for n in self.missing if n in unknown)

    @property
    def needs_met(self) -> bool | None:
        """True: every needed cookie was sent; False: one is missing; None: unknown."""
        if not self.missing:
            return True
        return None if len(self.uncertain) == len(self.missing) else False

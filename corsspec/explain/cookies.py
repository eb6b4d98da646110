"""Words for the cookie side of a verdict: why a cookie stayed behind, and what to change.

Codes are :class:`~corsspec.engine.cookies.CookieReason`; this module is the wording over
them. :data:`COOKIE_MESSAGES` says in our words what happened, :data:`COOKIE_FIXES` what to
change, and :data:`CHROMIUM_COOKIE_WORDING` what Chromium's DevTools (the Network panel's
cookie tooltips and the Issues panel) say for the reasons it names; Firefox and WebKit
print no per-cookie console line for these, so they get our words only.
:func:`cookie_lines` renders an evaluation's :class:`~corsspec.engine.cookies.CookieReport`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from corsspec.engine.browsers import BrowserFamily, BrowserProfile
from corsspec.engine.cookies import CookieReason, CookieReport

__all__ = [
    "CHROMIUM_COOKIE_WORDING",
    "COOKIE_FIXES",
    "COOKIE_MESSAGES",
    "cookie_fix",
    "cookie_lines",
    "cookie_message",
]


def __dir__() -> list[str]:
    return __all__


R = CookieReason

#: What happened, per reason (``{detail}`` is the reason's detail, when it has one).
COOKIE_MESSAGES: Mapping[CookieReason, str] = MappingProxyType(
    {
        R.CREDENTIALS_NOT_INCLUDED: (
            "the request's credentials mode does not include credentials, so no cookie "
            "is sent and Set-Cookie is ignored"
        ),
        R.ENGINE_BEHAVIOUR_UNKNOWN: (
            "depends on an engine behaviour corsspec has not measured ({detail}): unknown"
        ),
        R.THIRD_PARTY_BLOCKED: (
            "the request is third-party (its site is not the top-level page's) and the "
            "third-party cookie policy ({detail}) blocks this cookie"
        ),
        R.DOMAIN_MISMATCH: "the cookie belongs to another host or domain",
        R.PATH_MISMATCH: "the request's path is outside the cookie's Path",
        R.SECURE_ONLY: "the cookie is Secure and the request is not over a secure scheme",
        R.EXPIRED: "the cookie has expired",
        R.SAMESITE_STRICT: "the cookie is SameSite=Strict and the request is cross-site",
        R.SAMESITE_LAX: (
            "the cookie is SameSite=Lax and the request is cross-site (fetch and XHR are "
            "never top-level navigations, so Lax never goes out cross-site)"
        ),
        R.SAMESITE_DEFAULT_LAX: (
            "the cookie has no SameSite attribute, which this engine enforces as Lax, and "
            "the request is cross-site"
        ),
        R.PARTITION_MISMATCH: (
            "the cookie is kept in another partition ({detail}): requests under this "
            "top-level site read their own"
        ),
        R.INVALID_SYNTAX: "the Set-Cookie value has a control character or no name and value",
        R.NAME_VALUE_TOO_LARGE: "the cookie's name and value exceed 4096 bytes",
        R.DOMAIN_PUBLIC_SUFFIX: "Domain={detail} is a public suffix",
        R.DOMAIN_NOT_MATCHED: "Domain={detail} does not cover the responding host",
        R.SECURE_FROM_INSECURE_ORIGIN: "a Secure cookie cannot be set over an insecure scheme",
        R.OVERWRITES_SECURE_COOKIE: (
            "an insecure response may not overwrite a Secure cookie of the same name"
        ),
        R.SAMESITE_NONE_INSECURE: "SameSite=None without Secure is rejected",
        R.SAMESITE_CROSS_SITE_SET: (
            "a SameSite=Strict or Lax cookie cannot be set by a cross-site response"
        ),
        R.SAMESITE_DEFAULT_CROSS_SITE_SET: (
            "a cookie without SameSite (enforced as Lax) cannot be set by a cross-site response"
        ),
        R.PREFIX_SECURE: "a __Secure- cookie needs Secure",
        R.PREFIX_HOST: "a __Host- cookie needs Secure, Path=/ and no Domain",
        R.PARTITIONED_INSECURE: "a Partitioned cookie needs Secure",
        R.PREFLIGHT_RESPONSE: (
            "Set-Cookie on a preflight response is never stored (the preflight is sent "
            "without credentials)"
        ),
    }
)

_SAME_SITE_FIX = (
    "serve the API from the page's own site (e.g. api.<your site>), or set the cookie "
    'with "SameSite=None; Secure" over https'
)
_THIRD_PARTY_FIX = (
    "serve the API from the page's own site (a first-party host), or use a partitioned "
    'cookie (CHIPS: "SameSite=None; Secure; Partitioned") set while embedded under this site'
)

#: What to change, per reason.
COOKIE_FIXES: Mapping[CookieReason, str] = MappingProxyType(
    {
        R.CREDENTIALS_NOT_INCLUDED: (
            "fetch(url, { credentials: 'include' }) (XHR: withCredentials = true); the server "
            "must then answer Access-Control-Allow-Credentials: true and echo the origin"
        ),
        R.ENGINE_BEHAVIOUR_UNKNOWN: (
            "state the behaviour (evaluate(..., third_party_cookies=...), or a profile with "
            "the field set) or record it in the browser suite"
        ),
        R.THIRD_PARTY_BLOCKED: _THIRD_PARTY_FIX,
        R.DOMAIN_MISMATCH: (
            "request the host that set the cookie, or set it with Domain=<registrable domain> "
            "to share it with subdomains"
        ),
        R.PATH_MISMATCH: "set the cookie with Path=/",
        R.SECURE_ONLY: "serve the API over https",
        R.EXPIRED: "renew the cookie (Max-Age or Expires)",
        R.SAMESITE_STRICT: _SAME_SITE_FIX,
        R.SAMESITE_LAX: _SAME_SITE_FIX,
        R.SAMESITE_DEFAULT_LAX: _SAME_SITE_FIX,
        R.PARTITION_MISMATCH: _THIRD_PARTY_FIX,
        R.INVALID_SYNTAX: "send a well-formed name=value pair without control characters",
        R.NAME_VALUE_TOO_LARGE: "keep name and value within 4096 bytes",
        R.DOMAIN_PUBLIC_SUFFIX: "drop Domain, or name your own registrable domain",
        R.DOMAIN_NOT_MATCHED: "drop Domain, or set it to the responding host or its parent",
        R.SECURE_FROM_INSECURE_ORIGIN: "serve the API over https",
        R.OVERWRITES_SECURE_COOKIE: "set the cookie over https, with Secure",
        R.SAMESITE_NONE_INSECURE: 'add Secure ("SameSite=None; Secure") and serve over https',
        R.SAMESITE_CROSS_SITE_SET: _SAME_SITE_FIX,
        R.SAMESITE_DEFAULT_CROSS_SITE_SET: _SAME_SITE_FIX,
        R.PREFIX_SECURE: "add Secure (over https)",
        R.PREFIX_HOST: "set Secure and Path=/, without Domain",
        R.PARTITIONED_INSECURE: "add Secure (over https)",
        R.PREFLIGHT_RESPONSE: "set the cookie on the actual response, not the preflight",
    }
)

#: Chromium DevTools' wording for the exclusion reasons it names (cookie tooltips in the
#: Network panel, CookieBlockedReason / CookieExclusionReason).
CHROMIUM_COOKIE_WORDING: Mapping[CookieReason, str] = MappingProxyType(
    {
        R.SECURE_ONLY: 'This cookie was blocked because it had the "Secure" attribute and '
        "the connection was not secure.",
        R.DOMAIN_MISMATCH: "This cookie was blocked because neither did the request URL's "
        "domain exactly match the cookie's domain, nor was the request URL's domain a "
        "subdomain of the cookie's Domain attribute value.",
        R.PATH_MISMATCH: "This cookie was blocked because its path was not an exact match "
        "for or a superdirectory of the request url's path.",
        R.SAMESITE_STRICT: 'This cookie was blocked because it had the "SameSite=Strict" '
        "attribute and the request was made from a different site. This includes top-level "
        "navigation requests initiated by other sites.",
        R.SAMESITE_LAX: 'This cookie was blocked because it had the "SameSite=Lax" attribute '
        "and the request was made from a different site and was not initiated by a "
        "top-level navigation.",
        R.SAMESITE_DEFAULT_LAX: 'This cookie didn\'t specify a "SameSite" attribute when it '
        'was stored and was defaulted to "SameSite=Lax," and was blocked because the '
        "request was made from a different site and was not initiated by a top-level "
        'navigation. The cookie had to have been set with "SameSite=None" to enable '
        "cross-site usage.",
        R.SAMESITE_NONE_INSECURE: 'This Set-Cookie had the "SameSite=None" attribute but did '
        'not have the "Secure" attribute, which is required in order to use "SameSite=None".',
        R.THIRD_PARTY_BLOCKED: "This cookie was blocked due to user preferences.",
    }
)


def cookie_message(reason: CookieReason, detail: str | None = None) -> str:
    """Our account of ``reason`` (``detail`` fills its placeholder)."""
    return COOKIE_MESSAGES[reason].replace("{detail}", detail or "?")


def cookie_fix(reason: CookieReason) -> str:
    """The change that makes ``reason`` go away."""
    return COOKIE_FIXES[reason]


def _engine_words(reason: CookieReason, browser: BrowserProfile) -> str | None:
    if browser.family is BrowserFamily.CHROMIUM:
        return CHROMIUM_COOKIE_WORDING.get(reason)
    return None


def cookie_lines(report: CookieReport, browser: BrowserProfile) -> list[str]:
    """The cookie part of an explanation: each hop, each cookie's fate, the expectation."""
    lines = [f"cookies (top-level site {report.top_level}):"]
    for hop in report.hops:
        where = {True: "same-site", False: "cross-site", None: "same-site unknown"}[hop.same_site]
        if hop.third_party:
            where += ", third-party"
        lines.append(f"  request {hop.index + 1} {hop.url} ({where}):")
        lines.append(f"    Cookie: {hop.header}" if hop.header else "    Cookie: (none)")
        seen: set[tuple[str, CookieReason]] = set()
        for exclusion in hop.excluded:
            key = (exclusion.cookie.name, exclusion.reason)
            if key in seen or (
                exclusion.reason is R.DOMAIN_MISMATCH and exclusion.cookie.name not in report.needs
            ):
                continue
            seen.add(key)
            lines.append(
                f"    not sent {exclusion.cookie.name}: "
                + cookie_message(exclusion.reason, exclusion.detail)
            )
            words = _engine_words(exclusion.reason, browser)
            if words:
                lines.append(f"      {browser.name}: {words}")
            lines.append(f"      fix: {cookie_fix(exclusion.reason)}")
        lines.extend(f"    stored {c.name} (Set-Cookie)" for c in hop.stored)
        lines.extend(f"    deleted {c.name} (expired Set-Cookie)" for c in hop.deleted)
        for rejection in hop.rejected:
            lines.append(
                f"    not stored {rejection.name or '(nameless)'}: "
                + cookie_message(rejection.reason, rejection.detail)
            )
            words = _engine_words(rejection.reason, browser)
            if words:
                lines.append(f"      {browser.name}: {words}")
            lines.append(f"      fix: {cookie_fix(rejection.reason)}")
    for ignored in report.ignored:
        lines.append(f"  not stored {ignored.name}: {cookie_message(ignored.reason)}")
    if report.needs:
        met = report.needs_met
        if met is True:
            lines.append("  needed cookies sent: " + ", ".join(report.needs))
        elif met is None:
            lines.append(
                "  NEEDED COOKIES UNKNOWN: "
                + ", ".join(report.uncertain)
                + " (depends on engine behaviour corsspec has not measured)"
            )
        else:
            lines.append(
                "  NEEDED COOKIES MISSING: "
                + ", ".join(report.missing)
                + " — the server gets the request without them (a logged-out request)"
            )
    return lines

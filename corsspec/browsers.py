"""Browser profiles: every way an engine departs from the Fetch Standard, as data.

A :class:`BrowserProfile` is a frozen record of switches and limits. The algorithms in
:mod:`corsspec.preflight`, :mod:`corsspec.cache` and :mod:`corsspec.check` read these
fields; they never ask which browser they are running for. Each field's comment names
its evidence: engine source, a WPT case, or a case id from the recorded browser runs in
``tests/conformance/recorded/`` (where a recorded run confirmed or corrected it).
"""

from __future__ import annotations

import enum

import attrs

from .errors import InvalidRequestError, RequestProblem

__all__ = [
    "ALL_BROWSERS",
    "CHROMIUM",
    "FIREFOX",
    "PROFILES",
    "SPEC",
    "WEBKIT",
    "BrowserFamily",
    "BrowserProfile",
    "CacheWildcard",
    "PreflightCheckOrder",
    "get_profile",
]


def __dir__() -> list[str]:
    return __all__


class BrowserFamily(enum.Enum):
    """The engine a profile describes (``SPEC`` is the Fetch Standard read literally)."""

    SPEC = "spec"
    CHROMIUM = "chromium"
    FIREFOX = "firefox"
    WEBKIT = "webkit"


class CacheWildcard(enum.Enum):
    """When a cached ``*`` (methods or headers) counts as a wildcard on lookup."""

    #: Only for a request whose credentials mode is not ``include`` (Fetch, read safely).
    UNCREDENTIALED_REQUEST = "uncredentialed-request"
    #: Only if the cached preflight itself was uncredentialed.
    UNCREDENTIALED_ENTRY = "uncredentialed-entry"
    #: Never: ``*`` is stored literally and only matches a method/header named ``*``.
    NEVER = "never"


class PreflightCheckOrder(enum.Enum):
    """Which failure a preflight response reports first when several apply."""

    #: CORS check (ACAO, ACAC), then ok status (Fetch: CORS-preflight fetch step 7).
    CORS_CHECK_FIRST = "cors-check-first"
    #: ok status, then CORS check.
    STATUS_FIRST = "status-first"


@attrs.frozen(kw_only=True, cache_hash=True)
class BrowserProfile:
    """The CORS-relevant behaviour of one engine."""

    family: BrowserFamily
    #: Engine version the profile was checked against (a recorded run), or "" for SPEC.
    version: str = ""

    # -- Access-Control-Max-Age -------------------------------------------------
    #: Fetch: CORS-preflight fetch step 7, the default when the header is absent/invalid.
    max_age_default: int = 5
    #: The engine's cap on a cached preflight's lifetime in seconds (None: no cap).
    max_age_cap: int | None = None
    #: What an unparsable value means: True = use the default, False = do not cache.
    invalid_max_age_uses_default: bool = True
    #: Whether a negative integer is read as 0 (True) or is invalid (False).
    negative_max_age_is_zero: bool = False

    # -- Preflight response checks ---------------------------------------------
    #: Whether ``*`` in Access-Control-Allow-Headers covers ``Authorization`` for a fresh
    #: preflight (Fetch: no, "CORS non-wildcard request-header name").
    authorization_covered_by_wildcard: bool = False
    #: Order of the status and CORS checks on the preflight response (affects the reason).
    preflight_check_order: PreflightCheckOrder = PreflightCheckOrder.CORS_CHECK_FIRST
    #: Whether a 3xx preflight answer has its own reason (``preflight-redirect``) rather
    #: than the generic not-ok status.
    preflight_redirect_is_distinct: bool = False

    # -- Request headers --------------------------------------------------------
    #: Whether duplicate request headers are combined ("a, b") before the safelist is
    #: applied (the spec judges each header line on its own).
    combines_duplicate_request_headers: bool = False
    #: Whether Chromium's client-hint headers (DPR, Width, ...) are CORS-safelisted.
    safelists_client_hints: bool = False
    #: Whether the UA-added ``Accept: */*`` counts toward the 1024-byte safelist budget.
    counts_default_accept: bool = True

    # -- Preflight cache --------------------------------------------------------
    #: Whether a new preflight result replaces the whole cached entry for (origin, URL)
    #: (True) or is merged per method/header name with separate expiry (Fetch).
    cache_replaces_entry: bool = False
    #: Whether the cache key includes the credentials flag, so credentialed and
    #: uncredentialed requests never share results.
    cache_key_includes_credentials: bool = False
    #: When a cached ``*`` acts as a wildcard.
    cache_wildcard: CacheWildcard = CacheWildcard.UNCREDENTIALED_REQUEST
    #: Whether a cached header ``*`` covers ``Authorization``.
    cache_wildcard_covers_authorization: bool = False
    #: Whether a failed CORS check on the actual response clears the cached preflight
    #: results for (origin, URL) (Fetch: main fetch step "clear cache entries").
    clear_cache_on_actual_failure: bool = True
    #: URLs at least this long are never cached (None: no limit).
    max_cacheable_url_length: int | None = None

    # -- Redirects --------------------------------------------------------------
    #: Fetch: HTTP-redirect fetch step 3, the most redirects followed.
    max_redirects: int = 20
    #: Fetch: HTTP-redirect fetch step 13, Authorization removed on cross-origin redirects.
    strips_authorization_on_cross_origin_redirect: bool = True

    @property
    def name(self) -> str:
        """The profile's short name (``chromium``, ``firefox``, ``webkit``, ``spec``)."""
        return self.family.value


#: The Fetch Standard read literally (https://fetch.spec.whatwg.org/).
SPEC = BrowserProfile(family=BrowserFamily.SPEC)

#: Chromium (Chrome, Edge, ...). Sources: services/network/cors/* and
#: third_party/blink/renderer/platform/loader/cors/* (digest sections 4.1-4.8).
CHROMIUM = BrowserProfile(
    family=BrowserFamily.CHROMIUM,
    # preflight_result.cc: kMaxTimeout = 2 hours; StringToInt64, negatives become 0.
    max_age_cap=7200,
    negative_max_age_is_zero=True,
    # Feature CorsNonWildcardRequestHeadersSupport is disabled by default (features.cc).
    authorization_covered_by_wildcard=True,
    # cors_url_loader.cc reports ACAO/ACAC problems before kPreflightInvalidStatus, and
    # a redirected preflight as kPreflightDisallowedRedirect.
    preflight_check_order=PreflightCheckOrder.CORS_CHECK_FIRST,
    preflight_redirect_is_distinct=True,
    # net::HttpRequestHeaders is a map: duplicates are joined before the CORS check.
    combines_duplicate_request_headers=True,
    # cors.cc IsCorsSafelistedHeader accepts client hints with valid values.
    safelists_client_hints=True,
    # preflight_cache.cc: one PreflightResult per (origin, URL, isolation key), replaced
    # whole; a `*` honoured only if the stored result was uncredentialed; the cache
    # lookup always runs the strict Authorization rule.
    cache_replaces_entry=True,
    cache_wildcard=CacheWildcard.UNCREDENTIALED_ENTRY,
    cache_wildcard_covers_authorization=False,
    clear_cache_on_actual_failure=False,
    max_cacheable_url_length=1024,
)

#: Firefox (Gecko). Source: netwerk/protocol/http/nsCORSListenerProxy.cpp.
FIREFOX = BrowserProfile(
    family=BrowserFamily.FIREFOX,
    # AddResultToCache: cap 86400 s; a value with a non-digit byte is not cached.
    max_age_cap=86400,
    invalid_max_age_uses_default=False,
    # Pref network.cors_preflight.authorization_covered_by_wildcard defaults to true.
    authorization_covered_by_wildcard=True,
    # CheckPreflightRequestAllowed checks the status before the allow lists.
    preflight_check_order=PreflightCheckOrder.STATUS_FIRST,
    preflight_redirect_is_distinct=True,
    combines_duplicate_request_headers=True,
    # nsPreflightCache: key includes withCredentials; `*` stored literally, never matches.
    cache_key_includes_credentials=True,
    cache_wildcard=CacheWildcard.NEVER,
    clear_cache_on_actual_failure=True,
)

#: WebKit (Safari). Source: Source/WebCore/loader/CrossOriginPreflightResultCache.cpp,
#: CrossOriginAccessControl.cpp.
WEBKIT = BrowserProfile(
    family=BrowserFamily.WEBKIT,
    # maxPreflightCacheTimeout = 600 s; parsed as a signed integer.
    max_age_cap=600,
    negative_max_age_is_zero=True,
    authorization_covered_by_wildcard=True,
    preflight_check_order=PreflightCheckOrder.STATUS_FIRST,
    preflight_redirect_is_distinct=True,
    combines_duplicate_request_headers=True,
    # One item per (origin, URL), replaced on each preflight; wildcard only for
    # uncredentialed requests.
    cache_replaces_entry=True,
    cache_wildcard=CacheWildcard.UNCREDENTIALED_REQUEST,
    cache_wildcard_covers_authorization=True,
    clear_cache_on_actual_failure=False,
)

#: The three browser profiles, in a fixed order.
ALL_BROWSERS: tuple[BrowserProfile, ...] = (CHROMIUM, FIREFOX, WEBKIT)
#: Every profile by name, SPEC included.
PROFILES: dict[str, BrowserProfile] = {p.name: p for p in (CHROMIUM, FIREFOX, WEBKIT, SPEC)}


def get_profile(name: object) -> BrowserProfile:
    """Look a profile up by name (``chromium``, ``firefox``, ``webkit``, ``spec``).

    :raises InvalidRequestError: unknown name (the message lists the known ones).
    """
    profile = PROFILES.get(name.lower()) if isinstance(name, str) else None
    if profile is None:
        raise InvalidRequestError(
            "browser", name, RequestProblem.BAD_ENUM_VALUE, f"known: {', '.join(PROFILES)}"
        )
    return profile

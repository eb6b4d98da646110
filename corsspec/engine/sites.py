"""HTML: sites, and the public-suffix data that decides them.

A *site* (https://html.spec.whatwg.org/multipage/browsers.html#obtain-a-site) is what
"same site" compares: an opaque origin is its own site; a tuple origin's site is its scheme
and its host's *registrable domain* (https://url.spec.whatwg.org/#host-registrable-domain),
or the host itself when that is null (IP addresses, ``localhost``, a host that is itself a
public suffix). Cookies' ``SameSite`` (RFC 6265bis "Same-site and Cross-site Requests")
and the third-party cookie policies are decided on sites.

**The data is a curated subset of the Public Suffix List** (https://publicsuffix.org/list/),
not the list itself: the common ICANN second-level registries (``co.uk``, ``com.au``, ...),
the shared-hosting suffixes of the private section where each customer gets a subdomain
(``github.io``, ``s3.amazonaws.com``, ``up.railway.app``, ...), and two of the list's
wildcard/exception pairs (``*.ck`` with ``!www.ck``, ``*.kawasaki.jp`` with
``!city.kawasaki.jp``) so the rule kinds are all exercised. A suffix that is not listed
falls back to the list's default rule ``*``: the last label alone (``example.dev`` has the
public suffix ``dev``). For a name under an unlisted multi-label suffix (``a.b.gov.xx``)
the registrable domain is therefore the last two labels, which can be wider than the real
list's answer: say so, or pass the real list, when it matters.

The matching is the list's own algorithm (https://github.com/publicsuffix/list/wiki/Format,
"Algorithm"): the longest matching rule wins, an exception rule beats every other rule and
removes its leftmost label, and the registrable domain is the public suffix plus one label.
"""

from __future__ import annotations

import functools
from typing import Final

import attrs

from corsspec.engine.url import Origin

__all__ = [
    "PUBLIC_SUFFIXES",
    "PUBLIC_SUFFIX_EXCEPTIONS",
    "PUBLIC_SUFFIX_WILDCARDS",
    "Site",
    "is_ip_address",
    "is_public_suffix",
    "public_suffix",
    "registrable_domain",
    "same_site",
    "site_of",
]


def __dir__() -> list[str]:
    return __all__


#: Normal rules of the curated subset (multi-label: every single label is a public
#: suffix by the default rule ``*`` anyway).
PUBLIC_SUFFIXES: Final[frozenset[str]] = frozenset(
    {
        # ICANN section: common second-level registries.
        "ac.jp", "ac.uk", "co.id", "co.il", "co.in", "co.jp", "co.kr", "co.nz", "co.uk",
        "co.za", "com.ar", "com.au", "com.br", "com.cn", "com.hk", "com.mx", "com.my",
        "com.ph", "com.sg", "com.tr", "com.tw", "com.ua", "com.vn", "edu.au", "gov.uk",
        "ltd.uk", "me.uk", "ne.jp", "net.au", "net.br", "net.cn", "net.in", "or.jp",
        "or.kr", "org.au", "org.br", "org.cn", "org.in", "org.nz", "org.uk", "plc.uk",
        # Private section: shared hosting where each customer gets a subdomain.
        "appspot.com", "azurestaticapps.net", "azurewebsites.net", "bitbucket.io",
        "blogspot.com", "cloudapp.net", "cloudfront.net", "codesandbox.io", "csb.app",
        "deno.dev", "elasticbeanstalk.com", "firebaseapp.com", "fly.dev", "github.io",
        "githubusercontent.com", "gitlab.io", "glitch.me", "herokuapp.com", "myshopify.com",
        "netlify.app", "ngrok-free.app", "ngrok.io", "now.sh", "onrender.com", "pages.dev",
        "r2.dev", "readthedocs.io", "repl.co", "replit.dev", "s3.amazonaws.com",
        "stackblitz.io", "surge.sh", "trycloudflare.com", "up.railway.app", "vercel.app",
        "web.app", "webcontainer.io", "workers.dev", "wixsite.com",
    }
)  # fmt: skip

#: Wildcard rules (``*.ck``), stored without the ``*.``: every label under them is a
#: public suffix.
PUBLIC_SUFFIX_WILDCARDS: Final[frozenset[str]] = frozenset({"ck", "kawasaki.jp"})

#: Exception rules (``!www.ck``), stored without the ``!``: the name is registrable
#: although a wildcard covers it.
PUBLIC_SUFFIX_EXCEPTIONS: Final[frozenset[str]] = frozenset({"www.ck", "city.kawasaki.jp"})


def is_ip_address(host: str) -> bool:
    """URL: the host is an IPv4 or IPv6 address (canonical form, as :mod:`.url` gives it)."""
    if host.startswith("["):
        return True
    labels = host.split(".")
    return len(labels) == 4 and all(label.isdigit() for label in labels)


@functools.lru_cache(maxsize=4096)
def public_suffix(host: str) -> str:
    """URL: host public suffix, by the curated list (see the module docstring).

    ``host`` is a canonical domain (lowercase ASCII). An unlisted suffix falls back to the
    default rule ``*``: the last label. A trailing dot is kept, as the URL Standard keeps
    it ("Let trailingDot be "." if host ends with ".").
    """
    trailing = "." if host.endswith(".") else ""
    labels = (host[:-1] if trailing else host).split(".")
    count = len(labels)
    # An exception rule beats every other rule: the suffix is the name minus its
    # leftmost label.
    for start in range(count - 1):
        if ".".join(labels[start:]) in PUBLIC_SUFFIX_EXCEPTIONS:
            return ".".join(labels[start + 1 :]) + trailing
    # Otherwise the longest matching rule wins: walk from the longest candidate down.
    for start in range(count - 1):
        candidate = ".".join(labels[start:])
        if candidate in PUBLIC_SUFFIXES or ".".join(labels[start + 1 :]) in PUBLIC_SUFFIX_WILDCARDS:
            return candidate + trailing
    return labels[-1] + trailing


def is_public_suffix(domain: str) -> bool:
    """Whether ``domain`` (canonical, no trailing dot) is itself a public suffix."""
    return public_suffix(domain) == domain


def registrable_domain(host: str) -> str | None:
    """URL: host registrable domain — the public suffix plus one label, or None.

    None for IP addresses, for the empty host, and for a host that is itself a public
    suffix (``localhost``, ``github.io``).
    """
    if not host or is_ip_address(host):
        return None
    suffix = public_suffix(host)
    if suffix == host:
        return None
    head = host[: -len(suffix) - 1]
    if not head:
        return None
    return f"{head.rsplit('.', 1)[-1]}.{suffix}"


@attrs.frozen(kw_only=True, cache_hash=True)
class Site:
    """HTML: site — a scheme and a domain (a scheme-and-host), or an opaque origin.

    ``host`` is the registrable domain, or the host when that is null. Opaque sites are
    never equal to anything but themselves (``opaque`` carries the origin's identity).
    """

    scheme: str = ""
    host: str = ""
    opaque: bool = False

    def serialize(self) -> str:
        """HTML: serialization of a site (``null`` for an opaque one)."""
        return "null" if self.opaque else f"{self.scheme}://{self.host}"

    def __str__(self) -> str:
        return self.serialize()


def site_of(origin: Origin) -> Site:
    """HTML: obtain a site, for ``origin``."""
    if origin.opaque:
        return Site(opaque=True)
    return Site(scheme=origin.scheme, host=registrable_domain(origin.host) or origin.host)


def same_site(a: Origin, b: Origin) -> bool:
    """HTML: same site — same scheme and same registrable domain (or the same host).

    "A and B are both tuple origins, their schemes are identical, and their hosts are same
    site" (https://html.spec.whatwg.org/multipage/browsers.html#same-site). Two opaque
    origins are never same site here, as they are never same origin (no identity is kept).
    Ports never matter: ``http://127.0.0.1:8000`` and ``http://127.0.0.1:9000`` are same site.
    """
    if a.opaque or b.opaque:
        return False
    if a.scheme != b.scheme:
        return False
    if a.host == b.host:
        return True
    domain = registrable_domain(a.host)
    return domain is not None and domain == registrable_domain(b.host)

"""Local Network Access: address spaces, the permission, and when a request needs it.

WICG Local Network Access (https://wicg.github.io/local-network-access/) sorts every
address into one of three IP address spaces, from most to least private: ``loopback``
(the user's own machine), ``local`` (the user's network) and ``public`` (everything
else). A *local network request* is one whose target is in a more private space than
the page that makes it: a public page calling ``http://192.168.1.10/`` or
``http://127.0.0.1:8080/``, or an intranet page calling loopback. Chromium gates those
requests behind a permission prompt since version 142 ("New permission prompt for Local
Network Access", Chrome for Developers); it replaced the Private Network Access
preflight (``Access-Control-Request-Private-Network``), which never shipped enforcing.

corsspec cannot resolve host names. An IP literal and ``localhost`` (``*.localhost``)
are classified from the URL alone; for any other name the caller states the address
space it resolves to (``Request.address_space``, ``Request.page_address_space``), and a
name nobody stated is taken as ``public`` — which the evaluation records as an
assumption (:attr:`~corsspec.engine.reasons.NoteCode.ADDRESS_SPACE_ASSUMED_PUBLIC`),
never as a fact.

This module is data and pure functions; :mod:`~corsspec.engine.fetch` applies them per
hop (main fetch runs again for every redirect, so a redirect into a more private space
is a local network request of its own).
"""

from __future__ import annotations

import enum
import ipaddress
from typing import Final, Literal, TypeAlias

from corsspec.errors import InvalidRequestError, RequestProblem

__all__ = [
    "AddressSpace",
    "AddressSpaceLike",
    "LocalNetworkPermission",
    "PermissionLike",
    "address_space_of_host",
    "ip_literal",
    "is_local_network_request",
    "is_localhost_name",
    "to_address_space",
    "to_permission",
]


def __dir__() -> list[str]:
    return __all__


class AddressSpace(enum.Enum):
    """Local Network Access: IP address space (most private first)."""

    LOOPBACK = "loopback"
    LOCAL = "local"
    PUBLIC = "public"


class LocalNetworkPermission(enum.Enum):
    """The state of the ``local-network-access`` permission for the page's origin.

    Permissions: a permission state is ``granted``, ``denied`` or ``prompt``. A fresh
    browser profile starts at ``prompt``: Chromium then shows the prompt and the request
    waits for the user's answer. What a headless Chromium does with that prompt is not
    something corsspec models or the browser suite has recorded; corsspec reports
    ``prompt`` as "needs the user's permission" and never as allowed. Automation grants
    or denies it explicitly (WebDriver ``set_permission``, CDP
    ``Browser.grantPermissions``), which is what ``granted``/``denied`` describe.
    """

    GRANTED = "granted"
    DENIED = "denied"
    PROMPT = "prompt"


AddressSpaceLike: TypeAlias = "AddressSpace | Literal['loopback', 'local', 'public']"
PermissionLike: TypeAlias = "LocalNetworkPermission | Literal['granted', 'denied', 'prompt']"

#: Privacy order: a lower rank is more private (LNA: "more private than").
_RANK: Final = {AddressSpace.LOOPBACK: 0, AddressSpace.LOCAL: 1, AddressSpace.PUBLIC: 2}

# LNA "IP address space" table (non-public address blocks). Each block is listed with the
# registry that reserves it; Chromium's services/network/public/cpp/ip_address_space_util.cc
# carries the same table. An IPv4-mapped IPv6 address takes its IPv4 address's space.
_LOOPBACK_NETWORKS: Final = (
    ipaddress.ip_network("127.0.0.0/8"),  # RFC 1122
    ipaddress.ip_network("::1/128"),  # RFC 4291
)
_LOCAL_NETWORKS: Final = (
    ipaddress.ip_network("10.0.0.0/8"),  # RFC 1918
    ipaddress.ip_network("100.64.0.0/10"),  # RFC 6598 (carrier-grade NAT)
    ipaddress.ip_network("172.16.0.0/12"),  # RFC 1918
    ipaddress.ip_network("192.168.0.0/16"),  # RFC 1918
    ipaddress.ip_network("198.18.0.0/15"),  # RFC 2544 (benchmarking)
    ipaddress.ip_network("169.254.0.0/16"),  # RFC 3927 (link-local)
    ipaddress.ip_network("fc00::/7"),  # RFC 4193 (unique local)
    ipaddress.ip_network("fe80::/10"),  # RFC 4291 (link-local)
)


def _enum(enum_cls: type[enum.Enum], field: str, value: object) -> enum.Enum:
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in enum_cls)
        raise InvalidRequestError(
            field, value, RequestProblem.BAD_ENUM_VALUE, f"expected one of {allowed}"
        ) from None


def to_address_space(
    value: AddressSpace | Literal["loopback", "local", "public"],
    field: str = "address_space",
) -> AddressSpace:
    """Convert ``"loopback"``/``"local"``/``"public"`` (or a member) to :class:`AddressSpace`.

    :raises InvalidRequestError: any other value (the message lists the choices).
    """
    result = _enum(AddressSpace, field, value)
    assert isinstance(result, AddressSpace)
    return result


def to_permission(
    value: LocalNetworkPermission | Literal["granted", "denied", "prompt"],
) -> LocalNetworkPermission:
    """Convert ``"granted"``/``"denied"``/``"prompt"`` to :class:`LocalNetworkPermission`.

    :raises InvalidRequestError: any other value (the message lists the choices).
    """
    result = _enum(LocalNetworkPermission, "local_network_permission", value)
    assert isinstance(result, LocalNetworkPermission)
    return result


def is_localhost_name(host: str) -> bool:
    """Secure Contexts: the host is ``localhost`` or ends in ``.localhost``.

    Precondition: ``host`` is a parsed URL's host (ASCII-lowercase). A trailing dot is
    ignored, as Chromium's ``net::IsLocalHostname`` ignores it.
    """
    name = host[:-1] if host.endswith(".") else host
    return name == "localhost" or name.endswith(".localhost")


def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address of a URL host that is an IP literal (None for a domain).

    Precondition: ``host`` is a parsed URL's host, so an IPv4 address is already in
    dotted-quad form and an IPv6 address is bracketed. A string such as ``127.999.1.1``
    is not an address (the URL parser rejects it before it gets here).
    """
    if not host:
        return None
    if host[0] == "[":
        try:
            return ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return None
    if not host[-1].isdigit():
        return None  # a domain: its last label is not a number
    try:
        return ipaddress.IPv4Address(host)
    except ValueError:
        return None


def _space_of_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> AddressSpace:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for network in _LOOPBACK_NETWORKS:
        if address.version == network.version and address in network:
            return AddressSpace.LOOPBACK
    for network in _LOCAL_NETWORKS:
        if address.version == network.version and address in network:
            return AddressSpace.LOCAL
    return AddressSpace.PUBLIC


def address_space_of_host(host: str) -> AddressSpace | None:
    """LNA: the IP address space of a URL host, where the URL alone decides it.

    An IP literal is classified by the LNA table; ``localhost`` and ``*.localhost`` are
    ``loopback`` (they never leave the machine in engines that follow "let localhost be
    localhost"). Any other name returns None: only name resolution can tell.
    """
    address = ip_literal(host)
    if address is not None:
        return _space_of_address(address)
    if is_localhost_name(host):
        return AddressSpace.LOOPBACK
    return None


def is_local_network_request(target: AddressSpace, page: AddressSpace) -> bool:
    """LNA: a request is a local network request when its target is more private than
    the page's address space ("is ... more private than")."""
    return _RANK[target] < _RANK[page]

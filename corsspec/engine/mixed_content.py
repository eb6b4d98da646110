"""Mixed content: when a secure page's fetch is blocked before anything is sent.

Fetch's main fetch asks "should fetching request be blocked as mixed content?" (W3C Mixed
Content, https://w3c.github.io/webappsec-mixed-content/#should-block-fetch) before the
request goes anywhere — before the preflight, before the CORS protocol. Requests from
``fetch()`` and ``XMLHttpRequest`` are *blockable* content: Mixed Content Level 2 upgrades
only images, audio and video to https, never a fetch, so an ``http:`` URL from an
``https:`` page is blocked, whatever the request mode (``no-cors`` included). Because main
fetch runs again for every redirect, a chain that lands on ``http:`` mid-way is blocked
at that hop, after the earlier hops were sent.

A URL is allowed when it is *potentially trustworthy* (W3C Secure Contexts, "Is url
potentially trustworthy?", https://w3c.github.io/webappsec-secure-contexts/#is-url-trustworthy):
``https:``/``wss:``, a ``data:`` URL, an IPv4 loopback address (``127.0.0.0/8``), ``[::1]``,
and — for engines that follow "let localhost be localhost" — ``localhost`` and names
under ``.localhost``. How far each engine goes is a :class:`BrowserProfile` field.

:func:`pre_network_check` is what main fetch runs per hop: this check, then (for engines
with Local Network Access) Chromium's exemption and the permission gate from
:mod:`~corsspec.engine.local_network`. ``Policy.allows`` runs it too, so the policy's
shortcut verdict agrees with :func:`~corsspec.engine.fetch.evaluate`.

Not modelled: a page's ``Content-Security-Policy: upgrade-insecure-requests`` (which does
upgrade fetches; corsspec has no page CSP), user overrides ("allow insecure content"),
and ``file:`` pages.
"""

from __future__ import annotations

from corsspec.engine.browsers import BrowserProfile
from corsspec.engine.local_network import (
    AddressSpace,
    LocalNetworkPermission,
    address_space_of_host,
    ip_literal,
    is_local_network_request,
    is_localhost_name,
)
from corsspec.engine.model import Request
from corsspec.engine.reasons import Note, NoteCode, Reason, ReasonCode, Stage
from corsspec.engine.url import URL, Origin

__all__ = [
    "is_potentially_trustworthy_origin",
    "is_potentially_trustworthy_url",
    "pre_network_check",
    "prohibits_mixed_content",
    "should_block_as_mixed_content",
]


def __dir__() -> list[str]:
    return __all__


#: Secure Contexts: schemes whose origins are "a priori authenticated".
_SECURE_SCHEMES = frozenset(("https", "wss"))


def is_potentially_trustworthy_origin(origin: Origin, profile: BrowserProfile) -> bool:
    """Secure Contexts: "Is origin potentially trustworthy?" as ``profile``'s engine answers.

    Steps: an opaque origin is not; ``https``/``wss`` are; a host in ``127.0.0.0/8`` or
    ``::1/128`` is; "If the user agent conforms to the name resolution rules in
    [let-localhost-be-localhost] and ... origin's host is "localhost" or "localhost.", or
    ... ends with ".localhost" or ".localhost.", return "Potentially Trustworthy"" — the
    engines differ there (``BrowserProfile.localhost_is_trustworthy``,
    ``localhost_subdomains_are_trustworthy``).
    """
    if origin.opaque:
        return False
    if origin.scheme in _SECURE_SCHEMES:
        return True
    return _trustworthy_host(origin.host, profile)


def _trustworthy_host(host: str, profile: BrowserProfile) -> bool:
    address = ip_literal(host)
    if address is not None:
        if address.version == 4:
            return int(address) >> 24 == 127  # 127.0.0.0/8
        return int(address) == 1  # ::1/128
    if not is_localhost_name(host):
        return False
    name = host[:-1] if host.endswith(".") else host
    if name == "localhost":
        return profile.localhost_is_trustworthy
    return profile.localhost_subdomains_are_trustworthy


def is_potentially_trustworthy_url(url: URL, profile: BrowserProfile) -> bool:
    """Secure Contexts: "Is url potentially trustworthy?" (``data:`` is; else its origin)."""
    scheme = url.scheme
    if scheme in _SECURE_SCHEMES or scheme == "data":
        return True
    if scheme not in ("http", "ws"):
        return False  # corsspec models only network schemes besides data:
    return _trustworthy_host(url.host, profile)


def prohibits_mixed_content(origin: Origin, profile: BrowserProfile) -> bool:
    """Mixed Content: "Does settings prohibit mixed security contexts?" for the page.

    The standard's step: "If settings' origin is a potentially trustworthy origin, then
    return "Prohibits Mixed Security Contexts"" — which includes an ``http://localhost``
    page. The engines restrict only ``https:`` pages
    (``BrowserProfile.mixed_content_only_from_https``).
    """
    if profile.mixed_content_only_from_https:
        return not origin.opaque and origin.scheme == "https"
    return is_potentially_trustworthy_origin(origin, profile)


def should_block_as_mixed_content(origin: Origin, url: URL, profile: BrowserProfile) -> bool:
    """Mixed Content: "Should fetching request be blocked as mixed content?"

    "Return allowed if one or more of the following conditions are met: request's URL is a
    potentially trustworthy URL. [...] Does settings prohibit mixed security contexts?
    returns "Does Not Restrict Mixed Security Contexts" [...]. Return blocked."
    The Local Network Access exemption (Chromium) is applied by :func:`pre_network_check`,
    which knows the request's target address space.
    """
    if url.scheme != "http" and url.scheme != "ws":
        # https/wss (the common case) are trustworthy. Other schemes (ftp:, file:, ...)
        # fail anyway, and corsspec keeps reporting them by their scheme
        # (cors-disabled-scheme); data: is trustworthy.
        return False
    return prohibits_mixed_content(origin, profile) and not is_potentially_trustworthy_url(
        url, profile
    )


_LOOPBACK = AddressSpace.LOOPBACK
_LOCAL = AddressSpace.LOCAL
_PUBLIC = AddressSpace.PUBLIC


def _assumed(host: str, space: AddressSpace, why: str) -> Note:
    return Note(code=NoteCode.ADDRESS_SPACE_ASSUMED, detail=f"{host}={space.value} ({why})")


def pre_network_check(
    request: Request, url: URL, profile: BrowserProfile, first: bool
) -> tuple[Reason | None, tuple[Note, ...]]:
    """Main fetch step 7 and Local Network Access: the checks before anything is sent.

    Fetch, main fetch: "If should request be blocked due to a bad port, should fetching
    request be blocked as mixed content, or should request be blocked by Content Security
    Policy returns blocked, then set response to a network error." Then, for engines with
    Local Network Access, a request into a more private address space needs the page's
    permission (WICG LNA, "local network access check"). ``first``: this is the request's
    own URL (not a redirect target), so the caller's statements about it apply.
    """
    origin = request.origin
    if not profile.local_network_access:
        if should_block_as_mixed_content(origin, url, profile):
            return Reason(
                code=ReasonCode.MIXED_CONTENT,
                stage=Stage.REQUEST,
                url=url.serialize()[:512],
                value=origin.serialize(),
            ), ()
        return None, ()
    if url.scheme != "http" and url.scheme != "https":
        return None, ()  # data: and the like never reach a network address
    notes: tuple[Note, ...] = ()
    declared = request.target_address_space
    # The target's address space: from the URL, else what the caller stated, else what
    # targetAddressSpace declares, else public (assumed, and said so where it matters).
    host = url.host
    target = address_space_of_host(host)
    target_known = target is not None
    if target is None:
        if request.address_space is not None and (first or host == request.url.host):
            target, target_known = request.address_space, True
        elif declared is not None:
            target = declared
            notes += (_assumed(host, declared, "from targetAddressSpace"),)
        else:
            target = _PUBLIC
    if should_block_as_mixed_content(origin, url, profile):
        # Chromium's exemption: a request the page declares local (targetAddressSpace), a
        # private IP literal or a .local name skips mixed-content blocking when it does
        # reach a private address; the permission then gates it.
        bare = host[:-1] if host.endswith(".") else host
        exempt = declared in (_LOCAL, _LOOPBACK) or (
            target is not _PUBLIC or bare.endswith(".local")
        )
        if not exempt or target is _PUBLIC:
            if not target_known and bare.endswith(".local"):
                notes += (_assumed(host, _PUBLIC, "not stated; pass address_space"),)
            return Reason(
                code=ReasonCode.MIXED_CONTENT,
                stage=Stage.REQUEST,
                url=url.serialize()[:512],
                value=origin.serialize(),
            ), notes
        notes += (Note(code=NoteCode.MIXED_CONTENT_EXEMPT_LOCAL_NETWORK, detail=host),)
    if declared is not None and target_known and target is not declared:
        # LNA: the connection's address space must match targetAddressSpace.
        return Reason(
            code=ReasonCode.LOCAL_NETWORK_ADDRESS_SPACE_MISMATCH,
            stage=Stage.REQUEST,
            url=url.serialize()[:512],
            value=target.value,
            expected=declared.value,
        ), notes
    page = request.page_address_space
    if page is None:
        page = address_space_of_host(origin.host)
        if page is None:
            page = _PUBLIC
            if target is not _PUBLIC:
                notes += (_assumed(origin.host, _PUBLIC, "the page's host; not stated"),)
    if not target_known and target is _PUBLIC and page is _LOCAL:
        notes += (_assumed(host, _PUBLIC, "not stated; pass address_space"),)
    if not is_local_network_request(target, page):
        return None, notes
    reason_code: ReasonCode | None
    if not is_potentially_trustworthy_origin(origin, profile):
        # LNA: the permission exists only for secure contexts.
        reason_code = ReasonCode.LOCAL_NETWORK_INSECURE_CONTEXT
    elif request.local_network_permission is LocalNetworkPermission.GRANTED:
        return None, (*notes, Note(code=NoteCode.LOCAL_NETWORK_PERMISSION_GRANTED, detail=host))
    elif request.local_network_permission is LocalNetworkPermission.DENIED:
        reason_code = ReasonCode.LOCAL_NETWORK_PERMISSION_DENIED
    else:
        reason_code = ReasonCode.LOCAL_NETWORK_PERMISSION_REQUIRED
    return Reason(
        code=reason_code,
        stage=Stage.REQUEST,
        url=url.serialize()[:512],
        value=target.value,
        expected=page.value,
    ), notes

"""Value types: what page script asks for (:class:`Request`) and what a server answers.

All models are frozen, slotted attrs classes: hashable, picklable and safe to share.
Header lists are stored as tuples of (name, value) pairs with case-insensitive
equality; ``headers_view`` gives a read-only case-insensitive multidict.

Validation happens here, at the boundary. A caller's mistake (a malformed URL or origin,
an unknown option) raises a :class:`~corsspec.errors.CorsspecError` subclass; something
page script could write but the browser refuses synchronously (an invalid header name, a
forbidden method, a body on GET) raises :class:`~corsspec.errors.ScriptError`, which is
the browser's ``TypeError``.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Literal, TypeAlias

import attrs
from multidict import CIMultiDictProxy

from corsspec.engine._abnf import (
    HTTP_TAB_OR_SPACE,
    MAX_HEADER_LINES,
    is_header_value,
    is_token,
    normalize_header_value,
)
from corsspec.engine.headers import HeaderPairs, ci_key, index_headers, to_header_pairs, view
from corsspec.engine.local_network import (
    AddressSpace,
    LocalNetworkPermission,
    to_address_space,
    to_permission,
)
from corsspec.engine.safelist import (
    is_cors_safelisted_method,
    is_forbidden_method,
    normalize_method,
)
from corsspec.engine.url import URL, Origin, parse_origin, parse_url
from corsspec.errors import (
    InvalidMethodError,
    InvalidRequestError,
    MethodProblem,
    RequestProblem,
    ScriptError,
    ScriptProblem,
)

__all__ = [
    "Api",
    "Body",
    "BodyKind",
    "Credentials",
    "Mode",
    "RedirectMode",
    "Request",
    "Response",
    "ResponseType",
    "default_content_type",
]


def __dir__() -> list[str]:
    return __all__


class Mode(enum.Enum):
    """Fetch: request mode (the three page script can choose)."""

    CORS = "cors"
    NO_CORS = "no-cors"
    SAME_ORIGIN = "same-origin"


class Credentials(enum.Enum):
    """Fetch: request credentials mode."""

    OMIT = "omit"
    SAME_ORIGIN = "same-origin"
    INCLUDE = "include"


class RedirectMode(enum.Enum):
    """Fetch: request redirect mode."""

    FOLLOW = "follow"
    ERROR = "error"
    MANUAL = "manual"


class Api(enum.Enum):
    """Which script API makes the request: ``fetch()`` or ``XMLHttpRequest``."""

    FETCH = "fetch"
    XHR = "xhr"


class ResponseType(enum.Enum):
    """Fetch: response type as script sees it (``response.type``)."""

    BASIC = "basic"
    CORS = "cors"
    OPAQUE = "opaque"
    OPAQUE_REDIRECT = "opaqueredirect"


class BodyKind(enum.Enum):
    """Fetch: the kinds of BodyInit that decide the default ``Content-Type``."""

    TEXT = "text"
    URL_SEARCH_PARAMS = "url-search-params"
    FORM_DATA = "form-data"
    BLOB = "blob"
    BYTES = "bytes"
    STREAM = "stream"
    DOCUMENT_HTML = "document-html"
    DOCUMENT_XML = "document-xml"


ModeLike: TypeAlias = "Mode | Literal['cors', 'no-cors', 'same-origin']"
CredentialsLike: TypeAlias = "Credentials | Literal['omit', 'same-origin', 'include']"
RedirectLike: TypeAlias = "RedirectMode | Literal['follow', 'error', 'manual']"
ApiLike: TypeAlias = "Api | Literal['fetch', 'xhr']"


def _enum_value(enum_cls: type[enum.Enum], field: str, value: object) -> Any:
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in enum_cls)
        raise InvalidRequestError(
            field, value, RequestProblem.BAD_ENUM_VALUE, f"expected one of {allowed}"
        ) from None


def to_mode(value: Mode | Literal["cors", "no-cors", "same-origin"]) -> Mode:
    """Converter for ``Request.mode``."""
    result: Mode = _enum_value(Mode, "mode", value)
    return result


def to_credentials(value: Credentials | Literal["omit", "same-origin", "include"]) -> Credentials:
    """Converter for ``Request.credentials``."""
    result: Credentials = _enum_value(Credentials, "credentials", value)
    return result


def to_redirect(value: RedirectMode | Literal["follow", "error", "manual"]) -> RedirectMode:
    """Converter for ``Request.redirect``."""
    result: RedirectMode = _enum_value(RedirectMode, "redirect", value)
    return result


def to_api(value: Api | Literal["fetch", "xhr"]) -> Api:
    """Converter for ``Request.api``."""
    result: Api = _enum_value(Api, "api", value)
    return result


def to_body_kind(
    value: BodyKind
    | Literal[
        "text",
        "url-search-params",
        "form-data",
        "blob",
        "bytes",
        "stream",
        "document-html",
        "document-xml",
    ],
) -> BodyKind:
    """Converter for ``Body.kind``: a :class:`BodyKind` or its value.

    :raises InvalidRequestError: anything else (the message lists the kinds).
    """
    result: BodyKind = _enum_value(BodyKind, "body kind", value)
    return result


#: File API: a Blob type with a code point outside U+0020-U+007E is dropped.
_OUTSIDE_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")


def _blob_type(value: str) -> str:
    # File API: a Blob type outside U+0020-U+007E becomes "", otherwise it is lowercased.
    text: object = value
    if not isinstance(text, str):
        raise InvalidRequestError("body type", text, RequestProblem.BAD_BODY, "a str")
    if _OUTSIDE_PRINTABLE_ASCII.search(value) is not None:
        return ""
    return value.lower()


@attrs.frozen(kw_only=True)
class Body:
    """What script passes as the body; its kind decides fetch's default Content-Type."""

    kind: BodyKind = attrs.field(converter=to_body_kind)
    content: str = ""
    type: str = ""
    fields: tuple[tuple[str, str], ...] = ()

    def __attrs_post_init__(self) -> None:
        # Callers may pass anything at run time; the annotations are not a check.
        kind: object = self.kind
        content: object = self.content
        mime: object = self.type
        fields: object = self.fields
        if not isinstance(kind, BodyKind):
            raise InvalidRequestError("body kind", kind, RequestProblem.BAD_BODY)
        if not isinstance(content, str) or not isinstance(mime, str):
            raise InvalidRequestError(
                "body", (content, mime), RequestProblem.BAD_BODY, "content and type are str"
            )
        if not isinstance(fields, tuple) or not all(
            isinstance(f, tuple) and len(f) == 2 and all(isinstance(x, str) for x in f)
            for f in fields
        ):
            raise InvalidRequestError(
                "body fields",
                self.fields,
                RequestProblem.BAD_BODY,
                "a tuple of (name, value) str pairs",
            )

    @classmethod
    def text(cls, content: str = "") -> Body:
        """A string body (``text/plain;charset=UTF-8``)."""
        return cls(kind=BodyKind.TEXT, content=content)

    @classmethod
    def url_search_params(cls, content: str = "") -> Body:
        """``URLSearchParams`` (``application/x-www-form-urlencoded;charset=UTF-8``)."""
        return cls(kind=BodyKind.URL_SEARCH_PARAMS, content=content)

    @classmethod
    def form_data(cls, fields: tuple[tuple[str, str], ...] = ()) -> Body:
        """``FormData`` (``multipart/form-data; boundary=...``)."""
        try:
            pairs = tuple(tuple(field) for field in fields)
        except TypeError:
            raise InvalidRequestError("body fields", fields, RequestProblem.BAD_BODY) from None
        return cls(kind=BodyKind.FORM_DATA, fields=pairs)  # type: ignore[arg-type]

    @classmethod
    def blob(cls, content: str = "", type: str = "") -> Body:
        """A ``Blob``; its (File API-normalised) type becomes the Content-Type if non-empty."""
        return cls(kind=BodyKind.BLOB, content=content, type=_blob_type(type))

    @classmethod
    def bytes(cls, content: str = "") -> Body:
        """A BufferSource (no default Content-Type)."""
        return cls(kind=BodyKind.BYTES, content=content)

    @classmethod
    def stream(cls, content: str = "") -> Body:
        """A ``ReadableStream`` (``duplex: 'half'``): no Content-Type, forces a preflight."""
        return cls(kind=BodyKind.STREAM, content=content)

    @classmethod
    def html_document(cls) -> Body:
        """XHR only: an HTML ``Document`` (``text/html;charset=UTF-8``)."""
        return cls(kind=BodyKind.DOCUMENT_HTML)

    @classmethod
    def xml_document(cls) -> Body:
        """XHR only: an XML ``Document`` (``application/xml;charset=UTF-8``)."""
        return cls(kind=BodyKind.DOCUMENT_XML)


_FORM_BOUNDARY = "multipart/form-data; boundary=----WebKitFormBoundary0123456789abcdef"

_DEFAULT_CONTENT_TYPES: dict[BodyKind, str] = {
    BodyKind.TEXT: "text/plain;charset=UTF-8",
    BodyKind.URL_SEARCH_PARAMS: "application/x-www-form-urlencoded;charset=UTF-8",
    BodyKind.FORM_DATA: _FORM_BOUNDARY,
    BodyKind.DOCUMENT_HTML: "text/html;charset=UTF-8",
    BodyKind.DOCUMENT_XML: "application/xml;charset=UTF-8",
}


def default_content_type(body: Body | None) -> str | None:
    """Fetch: extract a body — the Content-Type a body kind implies (None if none)."""
    if body is None:
        return None
    if body.kind is BodyKind.BLOB:
        return body.type or None
    return _DEFAULT_CONTENT_TYPES.get(body.kind)


def to_method(value: str) -> str:
    """Converter for ``Request.method``: validate as script would, then normalize.

    :raises InvalidMethodError: not a string.
    :raises ScriptError: not a token, or a forbidden method (the browser's TypeError).
    """
    if type(value) is str and value in ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"):
        return value  # fast path: already valid and normalised
    if not isinstance(value, str):
        raise InvalidMethodError(value, MethodProblem.NOT_A_STRING)
    if not is_token(value):
        raise ScriptError(ScriptProblem.INVALID_METHOD, value, "a method must be an HTTP token")
    if is_forbidden_method(value):
        raise ScriptError(ScriptProblem.FORBIDDEN_METHOD, value, "CONNECT, TRACE, TRACK")
    return normalize_method(value)


def to_script_headers(value: object) -> HeaderPairs:
    """Converter for ``Request.headers``: pairs, each value normalised as ``Headers`` does.

    Validity is judged later, in the Request constructor's order (see
    :func:`validate_script_headers`).

    :raises InvalidHeaderError: not (name, value) pairs of strings.
    """
    pairs = to_header_pairs(value)
    out: list[tuple[str, str]] = []
    changed = False
    for name, raw in pairs:
        val = normalize_header_value(raw)
        if val != raw:
            changed = True
        out.append((name, val))
    return tuple(out) if changed else pairs


def validate_script_headers(pairs: HeaderPairs) -> None:
    """Fetch: Headers append — a name must be a header name, a value a header value.

    :raises ScriptError: an invalid header name or value (the browser's TypeError).
    """
    for name, val in pairs:
        if not is_token(name):
            raise ScriptError(ScriptProblem.INVALID_HEADER_NAME, name, "a header name is a token")
        if not is_header_value(val):
            raise ScriptError(
                ScriptProblem.INVALID_HEADER_VALUE,
                val,
                f"header {name!r} value has NUL, CR, LF or a character above U+00FF",
            )


def to_body(value: Body | None) -> Body | None:
    """Converter for ``Request.body``: a :class:`Body` or None.

    :raises InvalidRequestError: anything else (use the ``Body.*`` factories).
    """
    if value is None or isinstance(value, Body):
        return value
    raise InvalidRequestError(
        "body", value, RequestProblem.BAD_BODY, "use Body.text(...), Body.blob(...), ..."
    )


def _to_address_space(
    value: AddressSpace | Literal["loopback", "local", "public"] | None,
) -> AddressSpace | None:
    """Converter for ``Request.address_space``."""
    return None if value is None else to_address_space(value, "address_space")


def _to_page_address_space(
    value: AddressSpace | Literal["loopback", "local", "public"] | None,
) -> AddressSpace | None:
    """Converter for ``Request.page_address_space``."""
    return None if value is None else to_address_space(value, "page_address_space")


def _to_target_address_space(
    value: AddressSpace | Literal["loopback", "local", "public"] | None,
) -> AddressSpace | None:
    """Converter for ``Request.target_address_space``."""
    return None if value is None else to_address_space(value, "target_address_space")


def _to_permission(
    value: LocalNetworkPermission | Literal["granted", "denied", "prompt"],
) -> LocalNetworkPermission:
    """Converter for ``Request.local_network_permission``."""
    if value is LocalNetworkPermission.PROMPT:
        return value  # fast path: the default
    return to_permission(value)


def to_upload_listener(value: bool) -> bool:
    """Converter for ``Request.upload_listener``: a bool, nothing else.

    ``"no"`` or ``[]`` are mistakes, not truthy or falsy answers.

    :raises InvalidRequestError: not a bool.
    """
    if value is True or value is False:
        return value
    raise InvalidRequestError(
        "upload_listener", value, RequestProblem.BAD_ENUM_VALUE, "expected True or False"
    )


def require(value: object, cls: type[Any], field: str, expected: str) -> None:
    """Boundary check: ``value`` is a ``cls``.

    :raises InvalidRequestError: it is not; the message names ``field`` and the value.
    """
    if not isinstance(value, cls):
        raise InvalidRequestError(
            field, value, RequestProblem.BAD_ENUM_VALUE, f"expected {expected}"
        )


def _to_url(value: URL | str) -> URL:
    return parse_url(value)


def _to_origin(value: Origin | str) -> Origin:
    return parse_origin(value)


@attrs.frozen(kw_only=True)
class Request:
    """A request as page script describes it to ``fetch()`` or ``XMLHttpRequest``.

    ``origin`` is the page's origin (Fetch: request origin); ``headers`` are the headers
    script sets, in order (the browser later drops forbidden ones and adds defaults).
    For XHR, ``credentials="include"`` means ``withCredentials = true`` and
    ``upload_listener`` means an upload progress listener was registered before send().

    Local Network Access (see :mod:`corsspec.engine.local_network`): corsspec cannot
    resolve names, so ``address_space`` states what the URL's host resolves to and
    ``page_address_space`` what the page's host resolves to (None: decided from an IP
    literal or ``localhost``, else assumed ``public``, and the evaluation says so).
    ``target_address_space`` is fetch()'s ``targetAddressSpace`` option, and
    ``local_network_permission`` the state of the page's permission (a fresh profile:
    ``prompt``).

    :raises ScriptError: the browser would throw synchronously for this request.
    :raises CorsspecError: the description itself is malformed.
    """

    method: str = attrs.field(default="GET", converter=to_method)
    url: URL = attrs.field(converter=_to_url)
    origin: Origin = attrs.field(converter=_to_origin)
    headers: HeaderPairs = attrs.field(default=(), converter=to_script_headers, eq=ci_key)
    mode: Mode = attrs.field(default=Mode.CORS, converter=to_mode)
    credentials: Credentials = attrs.field(
        default=Credentials.SAME_ORIGIN, converter=to_credentials
    )
    redirect: RedirectMode = attrs.field(default=RedirectMode.FOLLOW, converter=to_redirect)
    body: Body | None = attrs.field(default=None, converter=to_body)
    api: Api = attrs.field(default=Api.FETCH, converter=to_api)
    upload_listener: bool = attrs.field(default=False, converter=to_upload_listener)
    address_space: AddressSpace | None = attrs.field(default=None, converter=_to_address_space)
    page_address_space: AddressSpace | None = attrs.field(
        default=None, converter=_to_page_address_space
    )
    target_address_space: AddressSpace | None = attrs.field(
        default=None, converter=_to_target_address_space
    )
    local_network_permission: LocalNetworkPermission = attrs.field(
        default=LocalNetworkPermission.PROMPT, converter=_to_permission
    )

    def __attrs_post_init__(self) -> None:
        # The order below is the order of the Request constructor's steps (Fetch:
        # "new Request(input, init)"), so the first error matches the browser's.
        if self.api is Api.XHR:
            if self.mode is not Mode.CORS:
                raise InvalidRequestError(
                    "mode",
                    self.mode.value,
                    RequestProblem.FETCH_ONLY,
                    "XMLHttpRequest always uses mode 'cors'",
                )
            if self.credentials is Credentials.OMIT:
                raise InvalidRequestError(
                    "credentials",
                    "omit",
                    RequestProblem.FETCH_ONLY,
                    "XMLHttpRequest has 'same-origin' or, with withCredentials, 'include'",
                )
            if self.redirect is not RedirectMode.FOLLOW:
                raise InvalidRequestError(
                    "redirect", self.redirect.value, RequestProblem.FETCH_ONLY
                )
            if self.body is not None and self.body.kind is BodyKind.STREAM:
                raise InvalidRequestError("body", "stream", RequestProblem.FETCH_ONLY)
            if self.target_address_space is not None:
                raise InvalidRequestError(
                    "target_address_space",
                    self.target_address_space.value,
                    RequestProblem.FETCH_ONLY,
                    "targetAddressSpace is a fetch() option",
                )
        else:
            if self.upload_listener:
                raise InvalidRequestError("upload_listener", True, RequestProblem.XHR_ONLY)
            if self.body is not None and self.body.kind in (
                BodyKind.DOCUMENT_HTML,
                BodyKind.DOCUMENT_XML,
            ):
                raise InvalidRequestError("body", self.body.kind.value, RequestProblem.XHR_ONLY)
        if self.api is Api.FETCH and self.url.includes_credentials:
            # Fetch: new Request() step 5.4 — a URL with a username or password throws.
            raise ScriptError(
                ScriptProblem.URL_HAS_CREDENTIALS,
                self.url.serialize(),
                "fetch() refuses URLs with a username or password",
            )
        if self.mode is Mode.NO_CORS and not is_cors_safelisted_method(self.method):
            raise ScriptError(
                ScriptProblem.NO_CORS_METHOD_NOT_SAFELISTED,
                self.method,
                "mode 'no-cors' allows only GET, HEAD and POST",
            )
        validate_script_headers(self.headers)
        if self.body is not None and self.method in ("GET", "HEAD") and self.api is Api.FETCH:
            raise ScriptError(
                ScriptProblem.BODY_WITH_GET_OR_HEAD,
                self.method,
                "a GET or HEAD request cannot have a body",
            )
        # A ReadableStream body in no-cors mode is refused by engines that stream it;
        # others do not (see BrowserProfile.stream_body): judged at evaluation.

    @functools.cached_property
    def headers_view(self) -> CIMultiDictProxy[str]:
        """The script-set headers as a read-only case-insensitive multidict."""
        return view(self.headers)

    @functools.cached_property
    def _memo(self) -> dict[object, Any]:
        # Per-request memo of derived data (per browser profile): the request is
        # immutable, so what the browser derives from it never changes.
        return {}

    @property
    def credentialed(self) -> bool:
        """Whether the credentials mode is ``include`` (the CORS protocol's sense)."""
        return self.credentials is Credentials.INCLUDE

    @property
    def is_cross_origin(self) -> bool:
        """Whether the URL's origin differs from the request origin."""
        return not self.origin.same_origin(self.url.origin)


def _to_status(value: int) -> int:
    if type(value) is not int or not 100 <= value <= 999:
        raise InvalidRequestError("status", value, RequestProblem.BAD_STATUS, "an int 100-999")
    return value


def _response_headers(value: object) -> HeaderPairs:
    return to_header_pairs(value)


@attrs.frozen(kw_only=True)
class Response:
    """A server's answer: status and header lines exactly as sent (duplicates kept).

    Names and values may be anything a server can put on the wire; the engine judges
    them and never raises because of them.
    """

    status: int = attrs.field(default=200, converter=_to_status)
    headers: HeaderPairs = attrs.field(default=(), converter=_response_headers, eq=ci_key)
    body: str = ""

    @functools.cached_property
    def index(self) -> Mapping[str, tuple[str, ...]]:
        """Values by byte-lowercased name, as an HTTP parser hands them on (OWS trimmed).

        Read-only, like the response it describes. Only the first
        :data:`~corsspec.engine._abnf.MAX_HEADER_LINES` lines are read (the evaluation
        notes ``too-many-header-lines`` when there are more).
        """
        lines = self.headers
        if len(lines) > MAX_HEADER_LINES:
            lines = lines[:MAX_HEADER_LINES]
        trimmed = tuple((n.strip(HTTP_TAB_OR_SPACE), v.strip(HTTP_TAB_OR_SPACE)) for n, v in lines)
        return MappingProxyType({k: tuple(v) for k, v in index_headers(trimmed).items()})

    @functools.cached_property
    def headers_view(self) -> CIMultiDictProxy[str]:
        """The header lines as a read-only case-insensitive multidict."""
        return view(self.headers)

    @functools.cached_property
    def _memo(self) -> dict[object, Any]:
        # Per-response memo: judging the same immutable answer twice gives the same
        # result, so parsed CORS headers are kept with the response.
        return {}

    def header_names(self) -> tuple[str, ...]:
        """Distinct byte-lowercase header names present, sorted."""
        return tuple(sorted(self.index))


def slot_setters(cls: type, *names: str) -> tuple[Callable[[object, Any], None], ...]:
    """The slot descriptors' setters of a frozen, slotted attrs class, in ``names`` order.

    For the engine's hot path: building an instance with ``object.__new__`` and these
    setters costs about half of attrs' keyword ``__init__`` (which goes through
    ``object.__setattr__``), for classes whose fields have no converters or validators
    to run. ``names`` must be exactly the class's fields, so a field added later cannot
    be left unset.

    :raises TypeError: ``names`` are not exactly the fields of ``cls``.
    """
    fields = [field.name for field in attrs.fields(cls)]
    if sorted(names) != sorted(fields):
        raise TypeError(f"{cls.__name__} has fields {fields}, not {list(names)}")
    return tuple(getattr(cls, name).__set__ for name in names)


#: Request's slot setters, in the order wire_request unpacks them.
_REQUEST_SETTERS = slot_setters(
    Request,
    "method",
    "url",
    "origin",
    "headers",
    "mode",
    "credentials",
    "redirect",
    "body",
    "api",
    "upload_listener",
    "address_space",
    "page_address_space",
    "target_address_space",
    "local_network_permission",
)


def wire_request(
    *,
    method: str,
    url: URL,
    origin: Origin,
    headers: HeaderPairs,
    like: Request,
    body: Body | None,
) -> Request:
    """A request as the browser puts it on the wire, built without re-validation.

    Precondition: every value is already valid and normalised (it was derived from a
    validated :class:`Request`); only the engine calls this. Mode, credentials, redirect
    mode, API, upload listener and the Local Network Access fields are those of ``like``.
    """
    (
        set_method,
        set_url,
        set_origin,
        set_headers,
        set_mode,
        set_credentials,
        set_redirect,
        set_body,
        set_api,
        set_upload_listener,
        set_address_space,
        set_page_address_space,
        set_target_address_space,
        set_local_network_permission,
    ) = _REQUEST_SETTERS
    inst: Request = object.__new__(Request)
    set_method(inst, method)
    set_url(inst, url)
    set_origin(inst, origin)
    set_headers(inst, headers)
    set_mode(inst, like.mode)
    set_credentials(inst, like.credentials)
    set_redirect(inst, like.redirect)
    set_body(inst, body)
    set_api(inst, like.api)
    set_upload_listener(inst, like.upload_listener)
    set_address_space(inst, like.address_space)
    set_page_address_space(inst, like.page_address_space)
    set_target_address_space(inst, like.target_address_space)
    set_local_network_permission(inst, like.local_network_permission)
    return inst

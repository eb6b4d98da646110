"""engine.model: Request/Response/Body validation, as the Request constructor and XHR do it."""

from __future__ import annotations

import pickle
from typing import Any

import attrs
import pytest

import corsspec as cs
from corsspec.engine.model import default_content_type
from corsspec.errors import RequestProblem, ScriptProblem
from tests.unit._support import ORIGIN, params

API = "https://api.example/data"


@attrs.frozen(kw_only=True)
class ReqSpec:
    """The arguments of one ``cs.Request(...)`` call, as plain data."""

    method: object = "GET"
    url: object = API
    origin: object = ORIGIN
    headers: object = ()
    mode: object = "cors"
    credentials: object = "same-origin"
    redirect: object = "follow"
    body: object = None
    api: object = "fetch"
    upload_listener: object = False

    def build(self) -> cs.Request:
        kwargs: dict[str, Any] = attrs.asdict(self, recurse=False)
        return cs.Request(**kwargs)


# --- method validation and normalization ----------------------------------------------


@attrs.frozen(kw_only=True)
class MethodCase:
    id: str
    spec: str
    method: str
    expected: str
    bug: str | None = None


METHOD_NORMALIZE_CASES: tuple[MethodCase, ...] = (
    MethodCase(id="get", spec="Fetch #concept-method-normalize", method="get", expected="GET"),
    MethodCase(id="Get", spec="Fetch #concept-method-normalize", method="Get", expected="GET"),
    MethodCase(id="head", spec="Fetch #concept-method-normalize", method="head", expected="HEAD"),
    MethodCase(id="post", spec="Fetch #concept-method-normalize", method="post", expected="POST"),
    MethodCase(id="put", spec="Fetch #concept-method-normalize", method="pUt", expected="PUT"),
    MethodCase(
        id="delete", spec="Fetch #concept-method-normalize", method="delete", expected="DELETE"
    ),
    MethodCase(
        id="options", spec="Fetch #concept-method-normalize", method="options", expected="OPTIONS"
    ),
    MethodCase(
        id="patch-kept",
        spec="Fetch #concept-method-normalize: PATCH is not in the list",
        method="patch",
        expected="patch",
    ),
    MethodCase(
        id="Patch-kept", spec="Fetch #concept-method-normalize", method="Patch", expected="Patch"
    ),
    MethodCase(
        id="PATCH", spec="Fetch #concept-method-normalize", method="PATCH", expected="PATCH"
    ),
    MethodCase(
        id="custom", spec="Fetch #concept-method: any token", method="mkcol", expected="mkcol"
    ),
    MethodCase(
        id="token-symbols",
        spec="Fetch #concept-method: any token",
        method="X-!#$",
        expected="X-!#$",
    ),
)


@pytest.mark.parametrize("case", params(METHOD_NORMALIZE_CASES))
def test_request_method_normalized(case: MethodCase) -> None:
    assert ReqSpec(method=case.method).build().method == case.expected


# --- ScriptError: what the browser throws synchronously -------------------------------


@attrs.frozen(kw_only=True)
class ScriptCase:
    id: str
    spec: str
    request: ReqSpec
    problem: ScriptProblem
    bug: str | None = None


SCRIPT_ERROR_CASES: tuple[ScriptCase, ...] = (
    ScriptCase(
        id="method-not-token",
        spec="Fetch new Request step 25.2: not a method -> TypeError",
        request=ReqSpec(method="G ET"),
        problem=ScriptProblem.INVALID_METHOD,
    ),
    ScriptCase(
        id="method-empty",
        spec="Fetch #concept-method: a method is a token (1*tchar)",
        request=ReqSpec(method=""),
        problem=ScriptProblem.INVALID_METHOD,
    ),
    ScriptCase(
        id="method-non-ascii",
        spec="Fetch #concept-method",
        request=ReqSpec(method="G\xc9T"),
        problem=ScriptProblem.INVALID_METHOD,
    ),
    ScriptCase(
        id="forbidden-connect",
        spec="Fetch #forbidden-method",
        request=ReqSpec(method="CONNECT"),
        problem=ScriptProblem.FORBIDDEN_METHOD,
    ),
    ScriptCase(
        id="forbidden-trace-lower",
        spec="Fetch #forbidden-method: byte-case-insensitive",
        request=ReqSpec(method="trace"),
        problem=ScriptProblem.FORBIDDEN_METHOD,
    ),
    ScriptCase(
        id="forbidden-track-mixed",
        spec="Fetch #forbidden-method: byte-case-insensitive",
        request=ReqSpec(method="TrAcK"),
        problem=ScriptProblem.FORBIDDEN_METHOD,
    ),
    ScriptCase(
        id="header-name-space",
        spec="Fetch Headers append: invalid header name -> TypeError",
        request=ReqSpec(headers=(("X A", "1"),)),
        problem=ScriptProblem.INVALID_HEADER_NAME,
    ),
    ScriptCase(
        id="header-name-empty",
        spec="Fetch #header-name: a token",
        request=ReqSpec(headers=(("", "1"),)),
        problem=ScriptProblem.INVALID_HEADER_NAME,
    ),
    ScriptCase(
        id="header-name-colon",
        spec="Fetch #header-name: a token",
        request=ReqSpec(headers=(("X:A", "1"),)),
        problem=ScriptProblem.INVALID_HEADER_NAME,
    ),
    ScriptCase(
        id="header-name-obs-text",
        spec="Fetch #header-name: a token",
        request=ReqSpec(headers=(("X-\xe9", "1"),)),
        problem=ScriptProblem.INVALID_HEADER_NAME,
    ),
    ScriptCase(
        id="header-value-nul",
        spec="Fetch Headers append: invalid header value -> TypeError",
        request=ReqSpec(headers=(("X-A", "a\x00b"),)),
        problem=ScriptProblem.INVALID_HEADER_VALUE,
    ),
    ScriptCase(
        id="header-value-lf",
        spec="Fetch #header-value: no 0x0A inside",
        request=ReqSpec(headers=(("X-A", "a\nb"),)),
        problem=ScriptProblem.INVALID_HEADER_VALUE,
    ),
    ScriptCase(
        id="header-value-cr",
        spec="Fetch #header-value: no 0x0D inside",
        request=ReqSpec(headers=(("X-A", "a\rb"),)),
        problem=ScriptProblem.INVALID_HEADER_VALUE,
    ),
    ScriptCase(
        id="header-value-not-bytestring",
        spec="WebIDL ByteString: code points above U+00FF throw TypeError",
        request=ReqSpec(headers=(("X-A", "\u20ac"),)),
        problem=ScriptProblem.INVALID_HEADER_VALUE,
    ),
    ScriptCase(
        id="no-cors-put",
        spec="Fetch new Request step 30.1: no-cors needs a CORS-safelisted method",
        request=ReqSpec(method="PUT", mode="no-cors"),
        problem=ScriptProblem.NO_CORS_METHOD_NOT_SAFELISTED,
    ),
    ScriptCase(
        id="no-cors-patch-lower",
        spec="Fetch new Request step 30.1 (patch is not normalized, not safelisted)",
        request=ReqSpec(method="patch", mode="no-cors"),
        problem=ScriptProblem.NO_CORS_METHOD_NOT_SAFELISTED,
    ),
    ScriptCase(
        id="no-cors-options",
        spec="Fetch new Request step 30.1",
        request=ReqSpec(method="OPTIONS", mode="no-cors"),
        problem=ScriptProblem.NO_CORS_METHOD_NOT_SAFELISTED,
    ),
    ScriptCase(
        id="body-with-get",
        spec="Fetch new Request step 34: GET/HEAD with a body -> TypeError",
        request=ReqSpec(method="GET", body=cs.Body.text("x")),
        problem=ScriptProblem.BODY_WITH_GET_OR_HEAD,
    ),
    ScriptCase(
        id="body-with-head",
        spec="Fetch new Request step 34",
        request=ReqSpec(method="HEAD", body=cs.Body.bytes("x")),
        problem=ScriptProblem.BODY_WITH_GET_OR_HEAD,
    ),
    ScriptCase(
        id="body-with-get-lowercase",
        spec="Fetch new Request step 34 (after normalization)",
        request=ReqSpec(method="get", body=cs.Body.text("")),
        problem=ScriptProblem.BODY_WITH_GET_OR_HEAD,
    ),
)


@pytest.mark.parametrize("case", params(SCRIPT_ERROR_CASES))
def test_request_script_errors(case: ScriptCase) -> None:
    with pytest.raises(cs.ScriptError) as info:
        case.request.build()
    assert info.value.reason is case.problem
    # The browser's error is a TypeError; ours is one too, and a CorsspecError.
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, cs.CorsspecError)
    assert str(info.value)


# --- InvalidRequestError: the description itself is inconsistent ----------------------


@attrs.frozen(kw_only=True)
class InvalidCase:
    id: str
    spec: str
    request: ReqSpec
    problem: RequestProblem
    field: str
    bug: str | None = None


INVALID_REQUEST_CASES: tuple[InvalidCase, ...] = (
    InvalidCase(
        id="xhr-no-cors",
        spec="XHR: mode is always cors",
        request=ReqSpec(api="xhr", mode="no-cors"),
        problem=RequestProblem.FETCH_ONLY,
        field="mode",
    ),
    InvalidCase(
        id="xhr-same-origin-mode",
        spec="XHR: mode is always cors",
        request=ReqSpec(api="xhr", mode="same-origin"),
        problem=RequestProblem.FETCH_ONLY,
        field="mode",
    ),
    InvalidCase(
        id="xhr-omit",
        spec="XHR #the-withcredentials-attribute: same-origin or include only",
        request=ReqSpec(api="xhr", credentials="omit"),
        problem=RequestProblem.FETCH_ONLY,
        field="credentials",
    ),
    InvalidCase(
        id="xhr-redirect-manual",
        spec="XHR: redirect mode is follow",
        request=ReqSpec(api="xhr", redirect="manual"),
        problem=RequestProblem.FETCH_ONLY,
        field="redirect",
    ),
    InvalidCase(
        id="xhr-redirect-error",
        spec="XHR: redirect mode is follow",
        request=ReqSpec(api="xhr", redirect="error"),
        problem=RequestProblem.FETCH_ONLY,
        field="redirect",
    ),
    InvalidCase(
        id="xhr-stream-body",
        spec="XHR send(): no ReadableStream bodies",
        request=ReqSpec(api="xhr", method="POST", body=cs.Body.stream()),
        problem=RequestProblem.FETCH_ONLY,
        field="body",
    ),
    InvalidCase(
        id="fetch-upload-listener",
        spec="XHR send(): upload listener flag exists only for XHR",
        request=ReqSpec(method="POST", upload_listener=True),
        problem=RequestProblem.XHR_ONLY,
        field="upload_listener",
    ),
    InvalidCase(
        id="fetch-html-document",
        spec="XHR send(): Document bodies exist only for XHR",
        request=ReqSpec(method="POST", body=cs.Body.html_document()),
        problem=RequestProblem.XHR_ONLY,
        field="body",
    ),
    InvalidCase(
        id="fetch-xml-document",
        spec="XHR send(): Document bodies exist only for XHR",
        request=ReqSpec(method="POST", body=cs.Body.xml_document()),
        problem=RequestProblem.XHR_ONLY,
        field="body",
    ),
    InvalidCase(
        id="mode-bogus",
        spec="Fetch RequestMode enum",
        request=ReqSpec(mode="navigate"),
        problem=RequestProblem.BAD_ENUM_VALUE,
        field="mode",
    ),
    InvalidCase(
        id="credentials-bogus",
        spec="Fetch RequestCredentials enum",
        request=ReqSpec(credentials="bogus"),
        problem=RequestProblem.BAD_ENUM_VALUE,
        field="credentials",
    ),
    InvalidCase(
        id="credentials-case",
        spec="WebIDL enums are case-sensitive",
        request=ReqSpec(credentials="Include"),
        problem=RequestProblem.BAD_ENUM_VALUE,
        field="credentials",
    ),
    InvalidCase(
        id="redirect-bogus",
        spec="Fetch RequestRedirect enum",
        request=ReqSpec(redirect="follow-me"),
        problem=RequestProblem.BAD_ENUM_VALUE,
        field="redirect",
    ),
    InvalidCase(
        id="api-bogus",
        spec="corsspec Api enum",
        request=ReqSpec(api="beacon"),
        problem=RequestProblem.BAD_ENUM_VALUE,
        field="api",
    ),
    InvalidCase(
        id="mode-none",
        spec="Fetch RequestMode enum",
        request=ReqSpec(mode=None),
        problem=RequestProblem.BAD_ENUM_VALUE,
        field="mode",
    ),
    InvalidCase(
        id="mode-unhashable",
        spec="Fetch RequestMode enum",
        request=ReqSpec(mode=["cors"]),
        problem=RequestProblem.BAD_ENUM_VALUE,
        field="mode",
    ),
)


@pytest.mark.parametrize("case", params(INVALID_REQUEST_CASES))
def test_request_invalid_descriptions(case: InvalidCase) -> None:
    with pytest.raises(cs.InvalidRequestError) as info:
        case.request.build()
    assert info.value.reason is case.problem
    assert info.value.field == case.field
    assert str(info.value)


@pytest.mark.parametrize(
    ("spec", "exc"),
    [
        pytest.param(ReqSpec(method=5), cs.InvalidMethodError, id="method-int"),
        pytest.param(ReqSpec(url=5), cs.InvalidURLError, id="url-int"),
        pytest.param(ReqSpec(url="/relative"), cs.InvalidURLError, id="url-relative"),
        pytest.param(
            ReqSpec(origin="https://app.example/"), cs.InvalidOriginError, id="origin-path"
        ),
        pytest.param(ReqSpec(headers="X-A: 1"), cs.InvalidHeaderError, id="headers-string"),
        pytest.param(ReqSpec(headers=[("X-A", 1)]), cs.InvalidHeaderError, id="header-value-int"),
    ],
)
def test_request_caller_errors(spec: ReqSpec, exc: type[cs.CorsspecError]) -> None:
    with pytest.raises(exc):
        spec.build()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("hello", id="str"),
        pytest.param(b"hello", id="bytes"),
        pytest.param(5, id="int"),
    ],
)
def test_request_body_must_be_a_body(body: object) -> None:
    with pytest.raises(cs.CorsspecError):
        ReqSpec(method="POST", body=body).build()


# --- accepted requests -----------------------------------------------------------------


def test_request_defaults() -> None:
    req = cs.Request(url=API, origin=ORIGIN)
    assert req.method == "GET"
    assert req.mode is cs.Mode.CORS
    assert req.credentials is cs.Credentials.SAME_ORIGIN
    assert req.redirect is cs.RedirectMode.FOLLOW
    assert req.api is cs.Api.FETCH
    assert req.body is None
    assert req.headers == ()
    assert not req.upload_listener
    assert isinstance(req.url, cs.URL)
    assert isinstance(req.origin, cs.Origin)


def test_request_enum_strings_converted() -> None:
    req = cs.Request(
        url=API, origin=ORIGIN, mode="no-cors", credentials="include", redirect="manual"
    )
    assert req.mode is cs.Mode.NO_CORS
    assert req.credentials is cs.Credentials.INCLUDE
    assert req.redirect is cs.RedirectMode.MANUAL
    assert req.credentialed


def test_request_header_values_normalized() -> None:
    # Fetch Headers append: normalize the value (strip HTTP whitespace), then validate.
    req = cs.Request(url=API, origin=ORIGIN, headers=[("X-A", " \t1 \r\n"), ("X-B", "a  b")])
    assert req.headers == (("X-A", "1"), ("X-B", "a  b"))


def test_request_header_name_casing_kept_but_equality_ignores_it() -> None:
    a = cs.Request(url=API, origin=ORIGIN, headers=[("X-Custom", "1")])
    b = cs.Request(url=API, origin=ORIGIN, headers=[("x-custom", "1")])
    assert a.headers[0][0] == "X-Custom"
    assert a == b
    assert hash(a) == hash(b)
    assert a != cs.Request(url=API, origin=ORIGIN, headers=[("x-custom", "2")])


def test_request_headers_accept_mapping_and_bytes() -> None:
    req = cs.Request(url=API, origin=ORIGIN, headers={"X-A": "1"})
    assert req.headers == (("X-A", "1"),)
    req = cs.Request(url=API, origin=ORIGIN, headers=[(b"X-A", b"caf\xe9")])
    assert req.headers == (("X-A", "caf\xe9"),)
    assert req.headers_view["x-a"] == "caf\xe9"


def test_request_forbidden_headers_are_kept_on_the_description() -> None:
    # Forbidden request-headers are dropped silently by the browser (no TypeError): the
    # request description keeps them and evaluation drops them with a note.
    req = cs.Request(url=API, origin=ORIGIN, headers=[("Cookie", "a=1")])
    assert req.headers == (("Cookie", "a=1"),)


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(ReqSpec(method="post", mode="no-cors"), id="no-cors-post-normalized"),
        pytest.param(ReqSpec(method="HEAD", mode="no-cors"), id="no-cors-head"),
        pytest.param(
            ReqSpec(method="POST", mode="same-origin", body=cs.Body.stream()),
            id="same-origin-stream",
        ),
        pytest.param(ReqSpec(method="POST", body=cs.Body.stream()), id="cors-stream"),
        # Refused or not depending on the engine (BrowserProfile.stream_body): judged by
        # evaluate, see test_fetch.test_stream_body_per_profile.
        pytest.param(
            ReqSpec(method="POST", mode="no-cors", body=cs.Body.stream()), id="no-cors-stream"
        ),
        pytest.param(
            ReqSpec(api="xhr", method="GET", body=cs.Body.text("x")), id="xhr-get-body-ignored"
        ),
        pytest.param(
            ReqSpec(api="xhr", credentials="include", upload_listener=True, method="POST"),
            id="xhr-upload",
        ),
        pytest.param(
            ReqSpec(api="xhr", method="POST", body=cs.Body.xml_document()), id="xhr-document"
        ),
        pytest.param(ReqSpec(origin="null"), id="opaque-origin"),
        pytest.param(ReqSpec(url="https://api.example/x#frag"), id="url-with-fragment"),
        pytest.param(ReqSpec(method="OPTIONS"), id="options"),
        pytest.param(ReqSpec(headers=(("X-A", ""),)), id="empty-header-value"),
        pytest.param(ReqSpec(headers=(("X-A", "\x7f\x80\xff\x01"),)), id="header-value-odd-bytes"),
    ],
)
def test_request_accepted(spec: ReqSpec) -> None:
    req = spec.build()
    assert pickle.loads(pickle.dumps(req)) == req


def test_request_cross_origin_property() -> None:
    assert cs.Request(url=API, origin=ORIGIN).is_cross_origin
    assert not cs.Request(url="https://app.example/x", origin=ORIGIN).is_cross_origin
    assert cs.Request(url="https://app.example/x", origin="null").is_cross_origin
    assert cs.Request(url="http://app.example/x", origin=ORIGIN).is_cross_origin


# --- Body ------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class BlobTypeCase:
    id: str
    spec: str
    type: str
    expected: str
    bug: str | None = None


BLOB_TYPE_CASES: tuple[BlobTypeCase, ...] = (
    BlobTypeCase(id="empty", spec="File API Blob constructor: type", type="", expected=""),
    BlobTypeCase(
        id="lowercased",
        spec="File API Blob: convert to ASCII lowercase",
        type="Text/Plain",
        expected="text/plain",
    ),
    BlobTypeCase(
        id="params-lowercased",
        spec="File API Blob: convert to ASCII lowercase",
        type="Application/JSON; Charset=UTF-8",
        expected="application/json; charset=utf-8",
    ),
    BlobTypeCase(
        id="space-ok", spec="File API Blob: U+0020 to U+007E allowed", type="a b", expected="a b"
    ),
    BlobTypeCase(id="tilde-ok", spec="File API Blob: U+007E allowed", type="a~", expected="a~"),
    BlobTypeCase(
        id="non-ascii",
        spec="File API Blob: outside U+0020-U+007E -> empty",
        type="t\xe9xt/plain",
        expected="",
    ),
    BlobTypeCase(
        id="control",
        spec="File API Blob: outside U+0020-U+007E -> empty",
        type="text/plain\x1f",
        expected="",
    ),
    BlobTypeCase(
        id="tab",
        spec="File API Blob: U+0009 is outside the range",
        type="text/plain;\ta=b",
        expected="",
    ),
    BlobTypeCase(
        id="del",
        spec="File API Blob: U+007F is outside the range",
        type="text/plain\x7f",
        expected="",
    ),
)


@pytest.mark.parametrize("case", params(BLOB_TYPE_CASES))
def test_blob_type_normalized(case: BlobTypeCase) -> None:
    assert cs.Body.blob("x", case.type).type == case.expected


@attrs.frozen(kw_only=True)
class ContentTypeCase:
    id: str
    spec: str
    body: cs.Body | None
    expected: str | None
    bug: str | None = None


DEFAULT_CONTENT_TYPE_CASES: tuple[ContentTypeCase, ...] = (
    ContentTypeCase(id="no-body", spec="Fetch #concept-bodyinit-extract", body=None, expected=None),
    ContentTypeCase(
        id="string",
        spec="Fetch extract a body: scalar value string",
        body=cs.Body.text("hi"),
        expected="text/plain;charset=UTF-8",
    ),
    ContentTypeCase(
        id="url-search-params",
        spec="Fetch extract a body: URLSearchParams",
        body=cs.Body.url_search_params("a=1"),
        expected="application/x-www-form-urlencoded;charset=UTF-8",
    ),
    ContentTypeCase(
        id="blob-typed",
        spec="Fetch extract a body: Blob with non-empty type",
        body=cs.Body.blob("x", "image/PNG"),
        expected="image/png",
    ),
    ContentTypeCase(
        id="blob-untyped",
        spec="Fetch extract a body: Blob with empty type",
        body=cs.Body.blob("x"),
        expected=None,
    ),
    ContentTypeCase(
        id="bytes",
        spec="Fetch extract a body: BufferSource",
        body=cs.Body.bytes("x"),
        expected=None,
    ),
    ContentTypeCase(
        id="stream",
        spec="Fetch extract a body: ReadableStream",
        body=cs.Body.stream("x"),
        expected=None,
    ),
    ContentTypeCase(
        id="xhr-html-document",
        spec="XHR send(): HTML Document",
        body=cs.Body.html_document(),
        expected="text/html;charset=UTF-8",
    ),
    ContentTypeCase(
        id="xhr-xml-document",
        spec="XHR send(): XML Document",
        body=cs.Body.xml_document(),
        expected="application/xml;charset=UTF-8",
    ),
)


@pytest.mark.parametrize("case", params(DEFAULT_CONTENT_TYPE_CASES))
def test_default_content_type(case: ContentTypeCase) -> None:
    assert default_content_type(case.body) == case.expected


def test_form_data_content_type_has_boundary() -> None:
    # Fetch extract a body: FormData gives `multipart/form-data; boundary=...`.
    ct = default_content_type(cs.Body.form_data((("a", "1"),)))
    assert ct is not None
    assert ct.startswith("multipart/form-data; boundary=")
    assert len(ct) > len("multipart/form-data; boundary=")


def test_body_factories_set_kind() -> None:
    assert cs.Body.text().kind is cs.BodyKind.TEXT
    assert cs.Body.url_search_params().kind is cs.BodyKind.URL_SEARCH_PARAMS
    assert cs.Body.form_data().kind is cs.BodyKind.FORM_DATA
    assert cs.Body.blob().kind is cs.BodyKind.BLOB
    assert cs.Body.bytes().kind is cs.BodyKind.BYTES
    assert cs.Body.stream().kind is cs.BodyKind.STREAM
    assert cs.Body.html_document().kind is cs.BodyKind.DOCUMENT_HTML
    assert cs.Body.xml_document().kind is cs.BodyKind.DOCUMENT_XML


# --- Response --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [
        pytest.param(99, id="below-100"),
        pytest.param(1000, id="above-999"),
        pytest.param(0, id="zero"),
        pytest.param("200", id="string"),
        pytest.param(200.0, id="float"),
        pytest.param(True, id="bool"),
    ],
)
def test_response_status_validated(status: object) -> None:
    with pytest.raises(cs.InvalidRequestError) as info:
        cs.Response(status=status)  # type: ignore[arg-type]
    assert info.value.reason is RequestProblem.BAD_STATUS


@pytest.mark.parametrize("status", [100, 200, 599, 999])
def test_response_status_accepted(status: int) -> None:
    assert cs.Response(status=status).status == status


def test_response_index_trims_ows_and_lowercases() -> None:
    # RFC 9112 5: OWS around a field value is not part of it.
    r = cs.Response(headers=[("Vary", " Origin\t"), ("VARY", "Accept"), ("X-A", "")])
    assert dict(r.index) == {"vary": ("Origin", "Accept"), "x-a": ("",)}
    assert r.header_names() == ("vary", "x-a")
    assert r.headers_view.getall("vary") == [" Origin\t", "Accept"]


def test_response_keeps_anything_a_server_sends() -> None:
    r = cs.Response(headers=[("Bad Name", "\x00\n"), ("\u2603", "\u20ac")])
    assert len(r.headers) == 2


def test_response_equality_ignores_name_case() -> None:
    a = cs.Response(headers=[("Access-Control-Allow-Origin", "*")])
    b = cs.Response(headers=[("access-control-allow-origin", "*")])
    assert a == b
    assert hash(a) == hash(b)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://u:p@api.example/x", id="user-and-password"),
        pytest.param("https://u@api.example/x", id="user-only"),
    ],
)
def test_fetch_url_with_credentials_is_a_type_error(url: str) -> None:
    with pytest.raises(cs.ScriptError):
        ReqSpec(url=url).build()


def test_xhr_url_with_credentials_is_accepted() -> None:
    # XHR open() takes a URL with credentials (they become the request's username and
    # password), so only fetch() throws.
    req = ReqSpec(api="xhr", url="https://u:p@api.example/x").build()
    assert req.url.includes_credentials


def test_response_index_is_read_only() -> None:
    r = cs.Response(headers=[("Vary", "Origin")])
    with pytest.raises(TypeError):
        r.index["access-control-allow-origin"] = ("*",)  # type: ignore[index]


def test_slot_setters_need_exactly_the_fields() -> None:
    # The engine's fast constructors (wire_request, Evaluation) name every field; a
    # field added to a model without updating them fails at import, not silently.
    from corsspec.engine.model import slot_setters

    names = [f.name for f in attrs.fields(cs.Body)]
    assert len(slot_setters(cs.Body, *names)) == len(names)
    with pytest.raises(TypeError, match="Body has fields"):
        slot_setters(cs.Body, *names[:-1])
    with pytest.raises(TypeError, match="Body has fields"):
        slot_setters(cs.Body, *names, "extra")


def test_wire_request_equals_a_validated_request() -> None:
    from corsspec.engine.model import wire_request

    like = cs.Request(
        method="POST",
        url="https://api.example/x",
        origin="https://app.example",
        mode="same-origin",
        credentials="include",
        redirect="manual",
    )
    built = wire_request(
        method="PUT",
        url=like.url,
        origin=like.origin,
        headers=(("X-A", "1"),),
        like=like,
        body=cs.Body.text("x"),
    )
    expected = attrs.evolve(like, method="PUT", headers=(("X-A", "1"),), body=cs.Body.text("x"))
    assert built == expected
    assert hash(built) == hash(expected)
    assert built._memo == {}

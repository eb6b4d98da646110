"""engine.check: the CORS check (Fetch #cors-check) and the header names script can read."""

from __future__ import annotations

import attrs
import pytest

import corsspec as cs
from corsspec.engine.check import cors_check, visible_header_names
from corsspec.engine.reasons import NoteCode
from tests.unit._support import ORIGIN, params

Pairs = tuple[tuple[str, str], ...]
Code = cs.ReasonCode
_ACAO = "Access-Control-Allow-Origin"
_ACAC = "Access-Control-Allow-Credentials"


@attrs.frozen(kw_only=True)
class CorsCheckCase:
    id: str
    spec: str
    headers: Pairs
    expected: Code | None
    credentialed: bool = False
    origin: str = ORIGIN
    bug: str | None = None


_CC = "Fetch #cors-check"

CORS_CHECK_CASES: tuple[CorsCheckCase, ...] = (
    # Steps 1-2: get ACAO (all lines joined); null fails.
    CorsCheckCase(id="acao-missing", spec=f"{_CC} step 2", headers=(), expected=Code.ACAO_MISSING),
    CorsCheckCase(
        id="acao-missing-credentialed",
        spec=f"{_CC} step 2",
        headers=((_ACAC, "true"),),
        credentialed=True,
        expected=Code.ACAO_MISSING,
    ),
    CorsCheckCase(
        id="acao-name-case",
        spec="Fetch #concept-header-list-get: names are case-insensitive",
        headers=(("access-control-ALLOW-origin", ORIGIN),),
        expected=None,
    ),
    # Step 3: `*` without credentials.
    CorsCheckCase(id="star", spec=f"{_CC} step 3", headers=((_ACAO, "*"),), expected=None),
    CorsCheckCase(
        id="star-credentialed",
        spec=f"{_CC} step 3-4: `*` never works with credentials include",
        headers=((_ACAO, "*"), (_ACAC, "true")),
        credentialed=True,
        expected=Code.ACAO_WILDCARD_WITH_CREDENTIALS,
    ),
    CorsCheckCase(
        id="star-null-origin",
        spec=f"{_CC} step 3",
        headers=((_ACAO, "*"),),
        origin="null",
        expected=None,
    ),
    # Step 4: byte-identical to the serialized origin.
    CorsCheckCase(id="exact", spec=f"{_CC} step 4", headers=((_ACAO, ORIGIN),), expected=None),
    CorsCheckCase(
        id="exact-with-ows",
        spec="RFC 9112 field parsing trims OWS before Fetch sees the value",
        headers=((_ACAO, f" {ORIGIN}\t"),),
        expected=None,
    ),
    CorsCheckCase(
        id="other-origin",
        spec=f"{_CC} step 4",
        headers=((_ACAO, "https://evil.example"),),
        expected=Code.ACAO_MISMATCH,
    ),
    CorsCheckCase(
        id="trailing-slash",
        spec=f"{_CC} step 4: no trailing slash",
        headers=((_ACAO, ORIGIN + "/"),),
        expected=Code.ACAO_MISMATCH,
    ),
    CorsCheckCase(
        id="case-differs",
        spec=f"{_CC} step 4: byte comparison, no case folding",
        headers=((_ACAO, "HTTPS://APP.EXAMPLE"),),
        expected=Code.ACAO_MISMATCH,
    ),
    CorsCheckCase(
        id="explicit-default-port",
        spec=f"{_CC} step 4: the serialization elides the default port",
        headers=((_ACAO, ORIGIN + ":443"),),
        expected=Code.ACAO_MISMATCH,
    ),
    CorsCheckCase(
        id="other-scheme",
        spec=f"{_CC} step 4",
        headers=((_ACAO, "http://app.example"),),
        expected=Code.ACAO_MISMATCH,
    ),
    CorsCheckCase(
        id="null-value-real-origin",
        spec=f"{_CC} step 4: `null` is a value, not a wildcard",
        headers=((_ACAO, "null"),),
        expected=Code.ACAO_MISMATCH,
    ),
    CorsCheckCase(
        id="null-value-null-origin",
        spec=f"{_CC} step 4: a null serialized origin matches `null`",
        headers=((_ACAO, "null"),),
        origin="null",
        expected=None,
    ),
    CorsCheckCase(
        id="null-value-null-origin-credentialed",
        spec=f"{_CC} steps 4-6",
        headers=((_ACAO, "null"), (_ACAC, "true")),
        origin="null",
        credentialed=True,
        expected=None,
    ),
    CorsCheckCase(
        id="null-case",
        spec=f"{_CC} step 4: `Null` is not `null`",
        headers=((_ACAO, "Null"),),
        origin="null",
        expected=Code.ACAO_INVALID,
    ),
    CorsCheckCase(
        id="real-value-null-origin",
        spec=f"{_CC} step 4",
        headers=((_ACAO, ORIGIN),),
        origin="null",
        expected=Code.ACAO_MISMATCH,
    ),
    CorsCheckCase(
        id="two-lines-same-origin",
        spec=f"{_CC} step 1: get joins lines with ', ', which never equals an origin",
        headers=((_ACAO, ORIGIN), (_ACAO, ORIGIN)),
        expected=Code.ACAO_MULTIPLE,
    ),
    CorsCheckCase(
        id="two-lines-star",
        spec=f"{_CC} step 1: '*, *' is not '*'",
        headers=((_ACAO, "*"), (_ACAO, "*")),
        expected=Code.ACAO_MULTIPLE,
    ),
    CorsCheckCase(
        id="comma-list",
        spec=f"{_CC} step 4; digest 4.4",
        headers=((_ACAO, f"{ORIGIN}, https://other.example"),),
        expected=Code.ACAO_MULTIPLE,
    ),
    CorsCheckCase(
        id="space-separated",
        spec=f"{_CC} step 4; digest 4.4 (Chromium: a space means multiple values)",
        headers=((_ACAO, f"{ORIGIN} https://other.example"),),
        expected=Code.ACAO_MULTIPLE,
    ),
    CorsCheckCase(
        id="empty-value",
        spec=f"{_CC} step 4: '' is present but not the origin",
        headers=((_ACAO, ""),),
        expected=Code.ACAO_INVALID,
    ),
    CorsCheckCase(
        id="bare-host",
        spec=f"{_CC} step 4; digest 5.1 kInvalidAllowOriginValue",
        headers=((_ACAO, "app.example"),),
        expected=Code.ACAO_INVALID,
    ),
    # Steps 5-6: credentials.
    CorsCheckCase(
        id="acac-ignored-uncredentialed",
        spec=f"{_CC} step 5",
        headers=((_ACAO, ORIGIN), (_ACAC, "false")),
        expected=None,
    ),
    CorsCheckCase(
        id="acac-true",
        spec=f"{_CC} step 6",
        headers=((_ACAO, ORIGIN), (_ACAC, "true")),
        credentialed=True,
        expected=None,
    ),
    CorsCheckCase(
        id="acac-true-ows",
        spec="RFC 9112: OWS trimmed",
        headers=((_ACAO, ORIGIN), (_ACAC, " true ")),
        credentialed=True,
        expected=None,
    ),
    CorsCheckCase(
        id="acac-missing",
        spec=f"{_CC} step 6",
        headers=((_ACAO, ORIGIN),),
        credentialed=True,
        expected=Code.ACAC_NOT_TRUE,
    ),
    CorsCheckCase(
        id="acac-True",
        spec=f"{_CC} step 6: case-sensitive",
        headers=((_ACAO, ORIGIN), (_ACAC, "True")),
        credentialed=True,
        expected=Code.ACAC_NOT_TRUE,
    ),
    CorsCheckCase(
        id="acac-TRUE",
        spec=f"{_CC} step 6: case-sensitive",
        headers=((_ACAO, ORIGIN), (_ACAC, "TRUE")),
        credentialed=True,
        expected=Code.ACAC_NOT_TRUE,
    ),
    CorsCheckCase(
        id="acac-duplicate",
        spec=f"{_CC} step 6: two lines become 'true, true'",
        headers=((_ACAO, ORIGIN), (_ACAC, "true"), (_ACAC, "true")),
        credentialed=True,
        expected=Code.ACAC_NOT_TRUE,
    ),
    CorsCheckCase(
        id="acac-1",
        spec=f"{_CC} step 6",
        headers=((_ACAO, ORIGIN), (_ACAC, "1")),
        credentialed=True,
        expected=Code.ACAC_NOT_TRUE,
    ),
    CorsCheckCase(
        id="acac-empty",
        spec=f"{_CC} step 6",
        headers=((_ACAO, ORIGIN), (_ACAC, "")),
        credentialed=True,
        expected=Code.ACAC_NOT_TRUE,
    ),
    CorsCheckCase(
        id="acao-checked-before-acac",
        spec=f"{_CC} step 4 before step 6",
        headers=((_ACAO, "https://x.example"),),
        credentialed=True,
        expected=Code.ACAO_MISMATCH,
    ),
)


@pytest.mark.parametrize("case", params(CORS_CHECK_CASES))
def test_cors_check(case: CorsCheckCase) -> None:
    index = cs.Response(headers=case.headers).index
    reason = cors_check(
        index, origin=case.origin, credentialed=case.credentialed, stage=cs.Stage.ACTUAL
    )
    if case.expected is None:
        assert reason is None
    else:
        assert reason is not None
        assert reason.code is case.expected
        assert reason.stage is cs.Stage.ACTUAL


def test_cors_check_reason_fields() -> None:
    index = cs.Response(headers=[(_ACAO, "https://x.example")]).index
    reason = cors_check(index, origin=ORIGIN, credentialed=False, stage=cs.Stage.PREFLIGHT)
    assert reason is not None
    assert reason.stage is cs.Stage.PREFLIGHT
    assert reason.header == "access-control-allow-origin"
    assert reason.value == "https://x.example"
    assert reason.expected == ORIGIN
    index = cs.Response(headers=[(_ACAO, ORIGIN), (_ACAC, "True")]).index
    reason = cors_check(index, origin=ORIGIN, credentialed=True, stage=cs.Stage.ACTUAL)
    assert reason is not None
    assert reason.header == "access-control-allow-credentials"
    assert reason.value == "True"
    assert reason.expected == "true"


def test_cors_check_keeps_big_values_small() -> None:
    index = cs.Response(headers=[(_ACAO, "x" * 1_000_000)]).index
    reason = cors_check(index, origin=ORIGIN, credentialed=False, stage=cs.Stage.ACTUAL)
    assert reason is not None
    assert reason.value is not None
    assert len(reason.value) < 10_000


# --- visible header names ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class VisibleCase:
    id: str
    spec: str
    headers: Pairs
    expected: tuple[str, ...]
    cors: bool = True
    credentialed: bool = False
    notes: tuple[NoteCode, ...] = ()
    bug: str | None = None


_SAFE = (
    ("Cache-Control", "no-cache"),
    ("Content-Language", "en"),
    ("Content-Length", "3"),
    ("Content-Type", "text/plain"),
    ("Expires", "0"),
    ("Last-Modified", "x"),
    ("Pragma", "no-cache"),
)
_SAFE_NAMES = (
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
)
_EXPOSE = "Access-Control-Expose-Headers"
_ACEH = "access-control-expose-headers"
_VS = "Fetch main fetch 'expose' step; #concept-filtered-response-cors"

VISIBLE_CASES: tuple[VisibleCase, ...] = (
    VisibleCase(
        id="basic-hides-set-cookie",
        spec="Fetch #concept-filtered-response-basic",
        headers=(("Set-Cookie", "a=1"), ("Set-Cookie2", "b"), ("X-A", "1"), ("Content-Type", "t")),
        cors=False,
        expected=("content-type", "x-a"),
    ),
    VisibleCase(
        id="cors-safelist-only",
        spec="Fetch #cors-safelisted-response-header-name",
        headers=(*_SAFE, ("X-A", "1"), ("Date", "now"), ("Set-Cookie", "a"), (_ACAO, "*")),
        expected=_SAFE_NAMES,
    ),
    VisibleCase(
        id="cors-only-present-names",
        spec="Fetch CORS filtered response: only headers in the list",
        headers=(("Content-Type", "t"), (_EXPOSE, "x-a, x-missing")),
        expected=("content-type",),
    ),
    VisibleCase(
        id="expose-listed",
        spec=_VS,
        headers=(("X-A", "1"), ("X-B", "2"), (_EXPOSE, "X-A")),
        expected=("x-a",),
    ),
    VisibleCase(
        id="expose-case-insensitive",
        spec=_VS,
        headers=(("x-a", "1"), (_EXPOSE, "X-A")),
        expected=("x-a",),
    ),
    VisibleCase(
        id="expose-across-lines",
        spec="Fetch #extract-header-list-values",
        headers=(("X-A", "1"), ("X-B", "2"), (_EXPOSE, "x-a"), (_EXPOSE, "x-b")),
        expected=("x-a", "x-b"),
    ),
    VisibleCase(
        id="expose-empty-elements",
        spec="RFC 9110 list rule",
        headers=(("X-A", "1"), (_EXPOSE, ", x-a ,,")),
        expected=("x-a",),
    ),
    VisibleCase(
        id="expose-star-uncredentialed",
        spec=f"{_VS}: `*` exposes every header name without credentials",
        headers=(("X-A", "1"), ("Set-Cookie", "s"), (_EXPOSE, "*"), (_ACAO, "*")),
        expected=("access-control-allow-origin", _ACEH, "x-a"),
    ),
    VisibleCase(
        id="expose-star-with-other-items",
        spec=f"{_VS}: `*` works among other items",
        headers=(("X-A", "1"), ("X-B", "2"), (_EXPOSE, "x-a, *")),
        expected=(_ACEH, "x-a", "x-b"),
    ),
    VisibleCase(
        id="expose-star-credentialed",
        spec=f"{_VS}: with credentials `*` is a literal name",
        headers=(("X-A", "1"), ("Content-Type", "t"), (_EXPOSE, "*")),
        credentialed=True,
        expected=("content-type",),
        notes=(NoteCode.EXPOSE_WILDCARD_LITERAL,),
    ),
    VisibleCase(
        id="expose-star-credentialed-with-name",
        spec=_VS,
        headers=(("X-A", "1"), ("X-B", "2"), (_EXPOSE, "*, X-B")),
        credentialed=True,
        expected=("x-b",),
        notes=(NoteCode.EXPOSE_WILDCARD_LITERAL,),
    ),
    VisibleCase(
        id="expose-invalid",
        spec=f"{_VS}: a parse failure exposes only the safelist",
        headers=(("X-A", "1"), ("Content-Type", "t"), (_EXPOSE, "X-A X-B")),
        expected=("content-type",),
        notes=(NoteCode.EXPOSE_HEADERS_INVALID,),
    ),
    VisibleCase(
        id="expose-one-bad-line",
        spec="Fetch #extract-header-list-values: any failure is failure",
        headers=(("X-A", "1"), (_EXPOSE, "x-a"), (_EXPOSE, "x/b")),
        expected=(),
        notes=(NoteCode.EXPOSE_HEADERS_INVALID,),
    ),
    VisibleCase(
        id="set-cookie-never-exposed",
        spec="Fetch #forbidden-response-header-name",
        headers=(("Set-Cookie", "a=1"), ("X-A", "1"), (_EXPOSE, "Set-Cookie, x-a")),
        expected=("x-a",),
        notes=(NoteCode.SET_COOKIE_NEVER_EXPOSED,),
    ),
    VisibleCase(
        id="set-cookie2-never-exposed",
        spec="Fetch #forbidden-response-header-name",
        headers=(("Set-Cookie2", "a=1"), (_EXPOSE, "set-cookie2")),
        expected=(),
        notes=(NoteCode.SET_COOKIE_NEVER_EXPOSED,),
    ),
    VisibleCase(
        id="set-cookie-hidden-under-star",
        spec="Fetch #forbidden-response-header-name",
        headers=(("Set-Cookie", "a=1"), (_EXPOSE, "*")),
        expected=(_ACEH,),
    ),
)


@pytest.mark.parametrize("case", params(VISIBLE_CASES))
def test_visible_header_names(case: VisibleCase) -> None:
    index = cs.Response(headers=case.headers).index
    names, notes = visible_header_names(index, cors=case.cors, credentialed=case.credentialed)
    assert names == case.expected
    assert list(names) == sorted(set(names))
    assert tuple(n.code for n in notes) == case.notes

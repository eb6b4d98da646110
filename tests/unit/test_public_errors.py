"""Typed errors at every public entry point (STYLE "Errors": validate at the boundary).

Every function and constructor in ``corsspec.__all__`` is called with each parameter in
turn replaced by a wrong value; the call either succeeds or raises a
:class:`~corsspec.CorsspecError` subclass whose message stays short and can be printed.
Never an ``AttributeError`` (or ``TypeError``, ``ValueError``...) from deep inside.
"""

from __future__ import annotations

import enum
import inspect
import math
from collections.abc import Callable
from typing import Any

import pytest

import corsspec as cs
from corsspec.server.policy import ProblemCode

REQ = cs.Request(method="PUT", url="https://api.example/x", origin="https://app.example")
OK = cs.Response(
    status=204,
    headers=[
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", "PUT"),
    ],
)
EXCHANGE = cs.Exchange(preflight=OK, actual=OK)
EV = cs.evaluate(REQ, EXCHANGE)

#: The smallest valid arguments of each public callable (its required parameters).
BASELINE: dict[str, dict[str, object]] = {
    "Body": {"kind": cs.BodyKind.TEXT},
    "BrowserProfile": {"family": cs.BrowserFamily.SPEC},
    "CacheEntry": {
        "origin": "https://app.example",
        "url": "https://api.example/x",
        "credentials": False,
        "expires": 1.0,
    },
    "CacheKey": {
        "origin": "https://app.example",
        "url": "https://api.example/x",
        "credentialed": False,
    },
    "Evaluation": {
        "reason": None,
        "request": REQ,
        "browser": cs.CHROMIUM,
        "response_type": None,
        "status": None,
        "visible_headers": (),
    },
    "Exchange": {"actual": OK},
    "Note": {"code": cs.NoteCode.REDIRECTED},
    "PolicyProblem": {"field": "max_age", "value": -1, "code": ProblemCode.INVALID_TYPE},
    "Reason": {"code": cs.ReasonCode.ACAO_MISSING, "stage": cs.Stage.ACTUAL},
    "Request": {"url": "https://api.example/x", "origin": "https://app.example"},
    "URL": {"scheme": "https", "host": "api.example"},
    "evaluate": {"request": REQ, "server": EXCHANGE},
    "explanation": {"evaluation": EV},
    "get_profile": {"name": "chromium"},
    "needs_preflight": {"request": REQ},
    "parse_origin": {"value": "https://app.example"},
    "parse_url": {"value": "https://api.example/x"},
    "preflight_request": {"request": REQ},
    "unsafe_header_names": {"request": REQ},
}

#: Public names that are not called here, and why.
NOT_CALLED: dict[str, str] = {
    "Server": "a typing Protocol, not constructed",
    # corsspec.explain belongs to the diagnostics layer (being split into a package);
    # explanation(None) still raises AttributeError there.
    "explanation": "diagnostics layer, outside the engine's boundary checks",
}

WRONG: tuple[object, ...] = (
    None,
    True,
    0,
    -1,
    10**5000,
    1.5,
    math.nan,
    math.inf,
    "",
    "x",
    "\udc80",
    "9" * 5000,
    b"x",
    [],
    ["x"],
    {},
    (),
    ("a", 1),
    object(),
)


def _public_callables() -> list[tuple[str, Callable[..., Any]]]:
    out = []
    for name in cs.__all__:
        obj = getattr(cs, name)
        if not callable(obj):
            continue
        if inspect.isclass(obj) and issubclass(obj, (BaseException, enum.Enum)):
            continue  # exceptions and enums have their own constructors' contracts
        out.append((name, obj))
    return out


def _cases() -> list[Any]:
    cases = []
    for name, obj in _public_callables():
        if name in NOT_CALLED:
            continue
        assert name in BASELINE or not _required(obj), f"add {name} to BASELINE"
        for param in inspect.signature(obj).parameters.values():
            if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            cases.append(pytest.param(name, param.name, id=f"{name}-{param.name}"))
    return cases


def _required(obj: Callable[..., Any]) -> list[str]:
    return [
        p.name
        for p in inspect.signature(obj).parameters.values()
        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def test_every_public_callable_is_covered() -> None:
    names = {name for name, _ in _public_callables()}
    assert set(BASELINE) - names == set(), "BASELINE names a callable that is gone"
    assert set(NOT_CALLED) <= names


def test_baselines_are_valid() -> None:
    for name, kwargs in BASELINE.items():
        getattr(cs, name)(**kwargs)


@pytest.mark.parametrize(("name", "param"), _cases())
def test_wrong_argument_gives_a_typed_error(name: str, param: str) -> None:
    call = getattr(cs, name)
    for wrong in WRONG:
        kwargs = {**BASELINE.get(name, {}), param: wrong}
        try:
            call(**kwargs)
        except cs.CorsspecError as err:
            text = str(err)
            assert text
            assert len(text) < 1_000, f"{name}({param}=...) message is not clipped"
        except Exception as err:
            pytest.fail(f"{name}({param}={wrong!r:.40}) raised {type(err).__name__}: {err}")


# --- the mistakes the hostile-input campaign found, one by one --------------------------------


def _raises(call: Callable[[], object], field: str) -> cs.InvalidRequestError:
    with pytest.raises(cs.InvalidRequestError) as info:
        call()
    assert info.value.field == field
    return info.value


def test_evaluate_rejects_a_non_request() -> None:
    err = _raises(lambda: cs.evaluate(None, EXCHANGE), "request")  # type: ignore[arg-type]
    assert "None" in str(err)


@pytest.mark.parametrize("cache", ["x", (), [], {}, 5], ids=repr)
def test_evaluate_rejects_a_non_cache(cache: object) -> None:
    _raises(lambda: cs.evaluate(REQ, EXCHANGE, cache=cache), "cache")  # type: ignore[arg-type]


@pytest.mark.parametrize("now", ["x", None, True, math.nan, math.inf, -math.inf], ids=repr)
def test_evaluate_rejects_a_bad_now(now: object) -> None:
    _raises(lambda: cs.evaluate(REQ, EXCHANGE, now=now), "now")  # type: ignore[arg-type]


@pytest.mark.parametrize("now", [0, 1.5, -3, 10**30], ids=repr)
def test_evaluate_accepts_finite_numbers_as_now(now: float) -> None:
    assert cs.evaluate(REQ, EXCHANGE, now=now, cache=cs.PreflightCache()).allowed


def test_huge_status_error_prints() -> None:
    with pytest.raises(cs.InvalidRequestError) as info:
        cs.Response(status=10**5000)
    text = str(info.value)
    assert text.startswith("invalid status <int with more than")
    assert len(text) < 200


@pytest.mark.parametrize("value", [[], "no", "yes", 1, 0, None], ids=repr)
def test_upload_listener_must_be_a_bool(value: object) -> None:
    _raises(
        lambda: cs.Request(
            url="https://api.example/x",
            origin="https://app.example",
            api="xhr",
            upload_listener=value,  # type: ignore[arg-type]
        ),
        "upload_listener",
    )


def test_upload_listener_bools_still_work() -> None:
    req = cs.Request(
        url="https://api.example/x", origin="https://app.example", api="xhr", upload_listener=True
    )
    assert req.upload_listener is True
    assert hash(req) == hash(req)


def test_exchange_and_cache_check_their_fields() -> None:
    _raises(lambda: cs.Exchange(actual=None), "actual")  # type: ignore[arg-type]
    _raises(lambda: cs.Exchange(actual=OK, preflight="x"), "preflight")  # type: ignore[arg-type]
    _raises(lambda: cs.PreflightCache(entries="x"), "entries")  # type: ignore[arg-type]
    _raises(lambda: cs.PreflightCache(entries=(5,)), "entries")  # type: ignore[arg-type]
    entry = cs.CacheEntry(origin="o", url="u", credentials=False, expires=1.0)
    assert cs.PreflightCache(entries=[entry]) == cs.PreflightCache(entries=(entry,))


def test_long_values_are_clipped_in_messages() -> None:
    with pytest.raises(cs.InvalidURLError) as info:
        cs.parse_url(["x" * 10_000])
    assert len(str(info.value)) < 300


# --- browser= takes a profile or its name -----------------------------------------------------


@pytest.mark.parametrize("name", ["chromium", "Firefox", "WEBKIT", "spec"])
def test_browser_by_name(name: str) -> None:
    profile = cs.get_profile(name)
    by_name = cs.evaluate(REQ, EXCHANGE, browser=name)  # type: ignore[arg-type]
    assert by_name == cs.evaluate(REQ, EXCHANGE, browser=profile)
    assert by_name.browser is profile
    assert cs.needs_preflight(REQ, name) == cs.needs_preflight(REQ, profile)  # type: ignore[arg-type]
    assert cs.preflight_request(REQ, name) == cs.preflight_request(REQ, profile)  # type: ignore[arg-type]
    assert cs.unsafe_header_names(REQ, name) == cs.unsafe_header_names(REQ, profile)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["netscape", "", None, 5, cs.BrowserFamily.FIREFOX], ids=repr)
def test_unknown_browser_names_the_choices(value: object) -> None:
    err = _raises(lambda: cs.evaluate(REQ, EXCHANGE, browser=value), "browser")  # type: ignore[arg-type]
    assert "'chromium', 'firefox', 'webkit', 'spec'" in str(err)


def test_policy_allows_takes_a_browser_name() -> None:
    policy = cs.Policy(allow_origins=["https://app.example"], allow_methods=["PUT"])
    for name in ("chromium", "Firefox", "webkit", "spec"):
        assert policy.allows(REQ, name) == policy.allows(REQ, cs.get_profile(name))  # type: ignore[arg-type]
    _raises(lambda: policy.allows(REQ, "netscape"), "browser")  # type: ignore[arg-type]
    _raises(lambda: policy.allows(None, cs.CHROMIUM), "request")  # type: ignore[arg-type]


def test_testing_helpers_take_browser_names() -> None:
    from corsspec import testing

    policy = cs.Policy(allow_origins=["https://app.example"], allow_methods=["PUT"])
    evs = testing.assert_cors_allowed(policy, REQ, ["chromium", "FIREFOX"])  # type: ignore[list-item]
    assert [ev.browser for ev in evs] == [cs.CHROMIUM, cs.FIREFOX]
    assert testing.assert_cors_allowed(policy, REQ, "webkit")[0].browser is cs.WEBKIT
    simple = cs.Request(url="https://api.example/x", origin="https://app.example")
    testing.assert_no_preflight(simple, browsers=["spec"])
    with pytest.raises(cs.InvalidRequestError, match="netscape"):
        testing.assert_cors_allowed(policy, REQ, ["netscape"])  # type: ignore[list-item]


def test_body_kind_by_value() -> None:
    assert cs.Body(kind="text") == cs.Body.text()
    with pytest.raises(cs.InvalidRequestError, match="'document-xml'"):
        cs.Body(kind="txt")  # type: ignore[arg-type]

"""Monotonicity: granting more never blocks; granting less never allows.

Adding a name the preflight needs to Access-Control-Allow-Headers (or the method to
Access-Control-Allow-Methods) never turns allowed into blocked; removing
Access-Control-Allow-Origin (or Access-Control-Allow-Credentials) never turns blocked
into allowed.
"""

from __future__ import annotations

import pytest
from hypothesis import given

import corsspec as cs
from tests.property._common import check_invariants, map_responses, profiles, scaled
from tests.strategies import RouteServer, scenarios

pytestmark = pytest.mark.property


def _with_line(name: str, value: str) -> object:
    def change(response: cs.Response) -> cs.Response:
        return cs.Response(
            status=response.status, headers=(*response.headers, (name, value)), body=response.body
        )

    return change


def _without(name: str) -> object:
    def change(response: cs.Response) -> cs.Response:
        kept = tuple((n, v) for n, v in response.headers if n.strip(" \t").lower() != name)
        return cs.Response(status=response.status, headers=kept, body=response.body)

    return change


def _preflights_only(server: RouteServer, change: object) -> RouteServer:
    assert callable(change)
    return RouteServer(
        routes=tuple(
            type(route)(
                url=route.url,
                actual=route.actual,
                preflight=None if route.preflight is None else change(route.preflight),
            )
            for route in server.routes
        )
    )


def _everywhere(server: RouteServer, change: object) -> RouteServer:
    assert callable(change)
    return map_responses(server, change)


@scaled(0.5)
@given(scenarios(), profiles())
def test_adding_needed_header_names_never_blocks(
    scenario: tuple[cs.Request, RouteServer], browser: cs.BrowserProfile
) -> None:
    request, server = scenario
    before = cs.evaluate(request, server, browser=browser)
    needed = cs.unsafe_header_names(request, browser)
    if not before.allowed or not needed:
        return
    more = _preflights_only(server, _with_line("Access-Control-Allow-Headers", ", ".join(needed)))
    after = cs.evaluate(request, more, browser=browser)
    check_invariants(after)
    assert after.allowed, after.reason


@scaled(0.5)
@given(scenarios(), profiles())
def test_adding_the_method_never_blocks(
    scenario: tuple[cs.Request, RouteServer], browser: cs.BrowserProfile
) -> None:
    request, server = scenario
    before = cs.evaluate(request, server, browser=browser)
    if not before.allowed:
        return
    more = _preflights_only(server, _with_line("Access-Control-Allow-Methods", request.method))
    assert cs.evaluate(request, more, browser=browser).allowed


@scaled(0.5)
@given(scenarios(), profiles())
def test_removing_acao_never_allows(
    scenario: tuple[cs.Request, RouteServer], browser: cs.BrowserProfile
) -> None:
    request, server = scenario
    before = cs.evaluate(request, server, browser=browser)
    if before.allowed:
        return
    less = _everywhere(server, _without("access-control-allow-origin"))
    after = cs.evaluate(request, less, browser=browser)
    check_invariants(after)
    assert not after.allowed


@scaled(0.5)
@given(scenarios(), profiles())
def test_removing_acao_blocks_every_cors_read(
    scenario: tuple[cs.Request, RouteServer], browser: cs.BrowserProfile
) -> None:
    # Without any ACAO, a CORS-tainted response is never readable.
    request, server = scenario
    less = _everywhere(server, _without("access-control-allow-origin"))
    ev = cs.evaluate(request, less, browser=browser)
    assert ev.response_type is not cs.ResponseType.CORS


@scaled(0.5)
@given(scenarios(), profiles())
def test_removing_acac_never_allows(
    scenario: tuple[cs.Request, RouteServer], browser: cs.BrowserProfile
) -> None:
    request, server = scenario
    before = cs.evaluate(request, server, browser=browser)
    if before.allowed:
        return
    less = _everywhere(server, _without("access-control-allow-credentials"))
    assert not cs.evaluate(request, less, browser=browser).allowed

"""Invariance (h11's "whole buffer vs byte by byte", applied to headers).

Re-casing header names, splitting a list-valued header across lines or merging its lines,
and adding legal OWS never change what the browser decides.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import corsspec as cs
from tests.property._common import map_responses, profiles, scaled, verdict
from tests.strategies import RouteServer, apply_mask, scenarios

pytestmark = pytest.mark.property

# Fetch: the CORS response headers whose ABNF is a #list (extract header list values).
LIST_HEADERS = frozenset(
    {
        "access-control-allow-methods",
        "access-control-allow-headers",
        "access-control-expose-headers",
    }
)


def _recase_response(mask: int) -> object:
    def change(response: cs.Response) -> cs.Response:
        headers = tuple(
            (apply_mask((name, mask + i)), value)
            for i, (name, value) in enumerate(response.headers)
        )
        return cs.Response(status=response.status, headers=headers, body=response.body)

    return change


def _split_lists(response: cs.Response) -> cs.Response:
    """Every list-valued header becomes one line per element (empty elements dropped)."""
    out: list[tuple[str, str]] = []
    for name, value in response.headers:
        if name.lower() in LIST_HEADERS and "," in value:
            pieces = [p.strip(" \t") for p in value.split(",")]
            kept = [p for p in pieces if p]
            if kept:
                out.extend((name, p) for p in kept)
                continue
        out.append((name, value))
    return cs.Response(status=response.status, headers=tuple(out), body=response.body)


def _merge_lists(response: cs.Response) -> cs.Response:
    """Every list-valued header's lines merged into its first line, joined with ", "."""
    merged: dict[str, list[str]] = {}
    for name, value in response.headers:
        if name.lower() in LIST_HEADERS:
            merged.setdefault(name.lower(), []).append(value.strip(" \t"))
    out: list[tuple[str, str]] = []
    done: set[str] = set()
    for name, value in response.headers:
        key = name.lower()
        if key in LIST_HEADERS:
            if key not in done:
                done.add(key)
                out.append((name, ", ".join(merged[key])))
            continue
        out.append((name, value))
    return cs.Response(status=response.status, headers=tuple(out), body=response.body)


def _add_ows(pad: str) -> object:
    def change(response: cs.Response) -> cs.Response:
        headers = []
        for name, value in response.headers:
            if name.lower() in LIST_HEADERS:
                value = f",{pad}".join(value.split(","))
                value = value.replace(",", f"{pad},")
            headers.append((name, f"{pad}{value}{pad}"))
        return cs.Response(status=response.status, headers=tuple(headers), body=response.body)

    return change


def _apply(server: RouteServer, change: object) -> RouteServer:
    assert callable(change)
    return map_responses(server, change)


@scaled(0.5)
@given(scenarios(), profiles(), st.integers(0, 2**24 - 1))
def test_recasing_response_header_names(
    scenario: tuple[cs.Request, RouteServer], browser: cs.BrowserProfile, mask: int
) -> None:
    request, server = scenario
    before = cs.evaluate(request, server, browser=browser)
    after = cs.evaluate(request, _apply(server, _recase_response(mask)), browser=browser)
    assert verdict(after) == verdict(before)


@scaled(0.5)
@given(scenarios(), profiles(), st.integers(0, 2**24 - 1))
def test_recasing_request_header_names(
    scenario: tuple[cs.Request, RouteServer], browser: cs.BrowserProfile, mask: int
) -> None:
    request, server = scenario
    recased = cs.Request(
        method=request.method,
        url=request.url,
        origin=request.origin,
        headers=tuple((apply_mask((n, mask + i)), v) for i, (n, v) in enumerate(request.headers)),
        mode=request.mode,
        credentials=request.credentials,
        redirect=request.redirect,
        body=request.body,
        api=request.api,
        upload_listener=request.upload_listener,
    )
    assert recased == request  # header names compare case-insensitively
    before = cs.evaluate(request, server, browser=browser)
    after = cs.evaluate(recased, server, browser=browser)
    assert verdict(after) == verdict(before)


@scaled(0.5)
@given(scenarios(), profiles())
def test_splitting_list_headers_across_lines(
    scenario: tuple[cs.Request, RouteServer], browser: cs.BrowserProfile
) -> None:
    request, server = scenario
    before = cs.evaluate(request, server, browser=browser)
    after = cs.evaluate(request, _apply(server, _split_lists), browser=browser)
    assert verdict(after) == verdict(before)


@scaled(0.5)
@given(scenarios(), profiles())
def test_merging_list_header_lines(
    scenario: tuple[cs.Request, RouteServer], browser: cs.BrowserProfile
) -> None:
    request, server = scenario
    before = cs.evaluate(request, server, browser=browser)
    after = cs.evaluate(request, _apply(server, _merge_lists), browser=browser)
    assert verdict(after) == verdict(before)


@scaled(0.5)
@given(scenarios(), profiles(), st.sampled_from([" ", "\t", " \t ", "  "]))
def test_adding_legal_ows(
    scenario: tuple[cs.Request, RouteServer], browser: cs.BrowserProfile, pad: str
) -> None:
    request, server = scenario
    before = cs.evaluate(request, server, browser=browser)
    after = cs.evaluate(request, _apply(server, _add_ows(pad)), browser=browser)
    assert verdict(after) == verdict(before)

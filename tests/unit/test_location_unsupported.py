"""A redirect to a host the URL parser cannot map exactly is flagged as uncertain."""

from __future__ import annotations

import pytest

import corsspec as cs
from corsspec.engine.url import parse_url
from corsspec.explain import explanation

# U+200C ZERO WIDTH NON-JOINER: UTS #46's ContextJ rule needs joining-type data the
# core does not carry, so the parser reports the host as unsupported.
UNSUPPORTED = "https://a\u200cb.example/next"


def _redirect_to(location: str) -> cs.Evaluation:
    request = cs.Request(
        method="GET", url="https://api.example/start", origin="https://app.example"
    )
    server = cs.Exchange(
        actual=cs.Response(
            status=302,
            headers=[("Location", location), ("Access-Control-Allow-Origin", "*")],
        )
    )
    return cs.evaluate(request, server, browser=cs.CHROMIUM)


def test_the_parser_calls_the_host_unsupported() -> None:
    base = parse_url("https://api.example/start")
    assert base.join(UNSUPPORTED) is None
    assert base.join_unsupported(UNSUPPORTED)
    assert not base.join_unsupported("https://b.example/")  # parses
    assert not base.join_unsupported("https://exa mple/")  # fails for another reason


def test_the_verdict_says_it_is_uncertain() -> None:
    ev = _redirect_to(UNSUPPORTED)
    assert ev.reason is not None
    assert ev.reason.code is cs.ReasonCode.REDIRECT_INVALID_LOCATION
    codes = [note.code for note in ev.notes]
    assert cs.NoteCode.LOCATION_HOST_UNSUPPORTED in codes
    assert "uncertain" in explanation(ev)


@pytest.mark.parametrize("location", ["https://exa mple/", "http://[::1"])
def test_an_invalid_location_is_not_called_uncertain(location: str) -> None:
    ev = _redirect_to(location)
    assert ev.reason is not None
    assert ev.reason.code is cs.ReasonCode.REDIRECT_INVALID_LOCATION
    assert cs.NoteCode.LOCATION_HOST_UNSUPPORTED not in [note.code for note in ev.notes]

"""corsspec.testing: ``assert_cors_allowed(..., sends_cookies=...)``."""

from __future__ import annotations

import attrs
import pytest

import corsspec as cs
from corsspec.testing import CorsAssertionError, assert_cors_allowed

pytestmark = pytest.mark.adapters

APP = "https://app.example.com"
SERVER = cs.Exchange(
    actual=cs.Response(
        status=200,
        headers=[
            ("Access-Control-Allow-Origin", APP),
            ("Access-Control-Allow-Credentials", "true"),
        ],
    )
)


#: A profile whose third-party cookie policy is not known.
UNMEASURED = attrs.evolve(cs.CHROMIUM, third_party_cookies=None)


def _request(url: str) -> cs.Request:
    return cs.Request(url=url, origin=APP, credentials="include")


def test_same_site_api_carries_the_session_cookie() -> None:
    url = "https://api.example.com/me"
    jar = cs.CookieJar.from_set_cookie(url, ["sid=1; SameSite=Lax; Secure"])
    evaluations = assert_cors_allowed(SERVER, _request(url), cookies=jar, sends_cookies=["sid"])
    assert all(ev.cookies is not None and ev.cookies.needs_met for ev in evaluations)


def test_cross_site_lax_cookie_fails_the_assertion() -> None:
    url = "https://api.other.com/me"
    jar = cs.CookieJar.from_set_cookie(url, ["sid=1; SameSite=Lax; Secure"])
    with pytest.raises(CorsAssertionError) as info:
        assert_cors_allowed(SERVER, _request(url), cookies=jar, sends_cookies=["sid"])
    message = str(info.value)
    assert "CORS allows GET https://api.other.com/me" in message
    assert "sid not sent" in message
    assert "SameSite=Lax" in message


def test_unknown_engine_behaviour_fails_instead_of_passing() -> None:
    url = "https://api.other.com/me"
    jar = cs.CookieJar.from_set_cookie(url, ["sid=1; SameSite=None; Secure"])
    with pytest.raises(CorsAssertionError) as info:
        assert_cors_allowed(SERVER, _request(url), [UNMEASURED], cookies=jar, sends_cookies=["sid"])
    assert "sid unknown" in str(info.value)
    # Stating the policy settles it.
    assert_cors_allowed(
        SERVER,
        _request(url),
        [UNMEASURED],
        cookies=jar,
        sends_cookies=["sid"],
        third_party_cookies="allow",
    )


def test_no_jar_means_the_cookie_is_missing() -> None:
    with pytest.raises(CorsAssertionError):
        assert_cors_allowed(SERVER, _request("https://api.example.com/"), sends_cookies=["sid"])

"""corsspec.testing: the assert helpers directly, and the pytest plugin through pytester."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

import corsspec as cs
from corsspec.adapters.asgi import AsgiServer
from corsspec.adapters.wsgi import WsgiServer
from corsspec.testing import (
    CorsAssertionError,
    as_server,
    assert_cors_allowed,
    assert_cors_blocked,
    assert_no_preflight,
    cors_browsers,
)
from tests.adapters._requests import APP, get_items, put_item

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.adapters

# Load the plugin by module name whether or not corsspec is installed (the installed
# entry point is called "corsspec"; block it so the module is not registered twice).
PLUGIN_ARGS = ("-p", "no:corsspec", "-p", "corsspec.testing", "-p", "no:cacheprovider")

GOOD = cs.Exchange(
    preflight=cs.Response(
        status=204,
        headers=[
            ("Access-Control-Allow-Origin", APP),
            ("Access-Control-Allow-Credentials", "true"),
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "authorization, content-type"),
        ],
    ),
    actual=cs.Response(
        status=200,
        headers=[
            ("Access-Control-Allow-Origin", APP),
            ("Access-Control-Allow-Credentials", "true"),
        ],
    ),
)
# Authorization covered only by "*": browsers accept it, the spec does not.
WILDCARD = cs.Exchange(
    preflight=cs.Response(
        status=204,
        headers=[
            ("Access-Control-Allow-Origin", APP),
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "*"),
        ],
    ),
    actual=cs.Response(status=200, headers=[("Access-Control-Allow-Origin", APP)]),
)


# --------------------------------------------------------------------- helpers
def test_allowed_returns_one_evaluation_per_browser() -> None:
    evs = assert_cors_allowed(GOOD, put_item())
    assert [ev.browser for ev in evs] == list(cs.ALL_BROWSERS)
    assert all(ev.allowed for ev in evs)


def test_allowed_failure_lists_only_the_browsers_that_disagree() -> None:
    request = put_item(credentials="omit")
    assert_cors_allowed(WILDCARD, request)  # every real engine: fine
    with pytest.raises(CorsAssertionError) as info:
        assert_cors_allowed(WILDCARD, request, [cs.CHROMIUM, cs.SPEC])
    message = str(info.value)
    assert message.startswith(
        "CORS blocks PUT https://api.example.com/items/1 from https://app.example.com in spec"
        " (allowed in chromium)"
    )
    assert "--- spec ---" in message
    assert "--- chromium ---" not in message
    assert "header-not-allowed" in message
    assert [ev.allowed for ev in info.value.evaluations] == [True, False]


def test_blocked_with_and_without_reason() -> None:
    evil = put_item("https://evil.example.com")
    assert_cors_blocked(GOOD, evil)
    assert_cors_blocked(GOOD, evil, reason=cs.ReasonCode.ACAO_MISMATCH)
    assert_cors_blocked(GOOD, evil, reason="acao-mismatch")
    with pytest.raises(CorsAssertionError, match="another reason than acao-missing"):
        assert_cors_blocked(GOOD, evil, reason="acao-missing")
    with pytest.raises(CorsAssertionError, match=r"CORS allows .* in chromium, firefox, webkit"):
        assert_cors_blocked(GOOD, put_item())
    with pytest.raises(ValueError, match="unknown reason 'nope'"):
        assert_cors_blocked(GOOD, evil, reason="nope")


def test_no_preflight_static_and_with_a_warm_cache() -> None:
    assert_no_preflight(get_items())
    with pytest.raises(CorsAssertionError) as info:
        assert_no_preflight(put_item())
    message = str(info.value)
    assert "chromium, firefox, webkit send a CORS preflight" in message
    assert "why: method PUT is not CORS-safelisted" in message
    assert "why: CORS-unsafe request headers: authorization, content-type" in message
    assert "Access-Control-Request-Headers: authorization,content-type" in message
    # A preflight answered with Max-Age is not sent again while it is fresh.
    cached = cs.Exchange(
        preflight=cs.Response(
            status=204,
            headers=[*GOOD.preflight.headers, ("Access-Control-Max-Age", "60")],  # type: ignore[union-attr]
        ),
        actual=GOOD.actual,
    )
    for browser in cs.ALL_BROWSERS:
        first = cs.evaluate(put_item(), cached, browser=browser, cache=cs.PreflightCache())
        assert first.cache is not None
        assert_no_preflight(put_item(), [browser], server=cached, cache=first.cache, now=1.0)
    with pytest.raises(CorsAssertionError):
        assert_no_preflight(put_item(), server=cached)


def test_empty_browser_list_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="at least one"):
        assert_cors_allowed(GOOD, put_item(), [])
    with pytest.raises(ValueError, match="at least one"):
        assert_no_preflight(put_item(), [])


def test_as_server_recognises_apps() -> None:
    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        return None

    def wsgi(environ: Any, start_response: Any) -> list[bytes]:
        return []

    def plain(request: cs.Request) -> cs.Response:
        return cs.Response()

    assert isinstance(as_server(asgi), AsgiServer)
    assert isinstance(as_server(wsgi), WsgiServer)
    assert as_server(plain) is plain
    assert as_server(GOOD) is GOOD
    with pytest.raises(cs.AdapterError, match="cannot use 42"):
        as_server(42)


def test_cors_browsers_mark() -> None:
    mark = cors_browsers()
    assert mark.args[0] == "cors_browser"
    assert [b.name for b in mark.args[1]] == ["chromium", "firefox", "webkit"]
    assert mark.kwargs["ids"] == ["chromium", "firefox", "webkit"]


def test_import_stays_light() -> None:
    code = (
        "import sys, corsspec.testing; "
        "heavy = {'pytest', 'starlette', 'flask', 'django', 'corsspec.adapters.asgi'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    assert out == "[]"


# ---------------------------------------------------------------------- plugin
def test_cors_browser_runs_a_test_per_profile(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import corsspec as cs

        def test_profile(cors_browser):
            assert cors_browser in cs.ALL_BROWSERS
    """)
    result = pytester.runpytest(*PLUGIN_ARGS, "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*test_profile?chromium? PASSED*",
            "*test_profile?firefox? PASSED*",
            "*test_profile?webkit? PASSED*",
        ]
    )
    narrowed = pytester.runpytest(*PLUGIN_ARGS, "--cors-browser", "firefox", "-v")
    narrowed.assert_outcomes(passed=1)
    narrowed.stdout.fnmatch_lines(["*test_profile?firefox? PASSED*"])


def test_explicit_parametrization_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import corsspec as cs
        from corsspec.testing import cors_browsers

        @cors_browsers([cs.SPEC])
        def test_spec_only(cors_browser):
            assert cors_browser is cs.SPEC
    """)
    pytester.runpytest(*PLUGIN_ARGS).assert_outcomes(passed=1)


def test_cors_server_wraps_the_cors_app_fixture(pytester: pytest.Pytester) -> None:
    pytest.importorskip("starlette")
    pytester.makeconftest("""
        import contextlib
        import pytest
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.middleware.cors import CORSMiddleware
        from starlette.responses import PlainTextResponse
        from starlette.routing import Route

        STARTED = []

        @contextlib.asynccontextmanager
        async def lifespan(app):
            STARTED.append(True)
            yield

        async def hello(request):
            return PlainTextResponse("hi")

        @pytest.fixture
        def cors_app():
            return Starlette(
                routes=[Route("/hello", hello, methods=["GET", "PUT"])],
                middleware=[Middleware(CORSMiddleware, allow_origins=["https://app.example"],
                                       allow_methods=["PUT"], allow_headers=["x-token"])],
                lifespan=lifespan)
    """)
    pytester.makepyfile("""
        import corsspec as cs
        from corsspec.testing import assert_cors_allowed, assert_cors_blocked
        from conftest import STARTED

        REQ = cs.Request(method="PUT", url="https://api.example/hello",
                         origin="https://app.example", headers=[("X-Token", "1")])

        def test_allowed(cors_server, cors_browser):
            assert STARTED
            assert_cors_allowed(cors_server, REQ, [cors_browser])

        def test_failure_message(cors_server):
            bad = cs.Request(method="PUT", url="https://api.example/hello",
                             origin="https://app.example", headers=[("X-Other", "1")])
            assert_cors_allowed(cors_server, bad)
    """)
    result = pytester.runpytest(*PLUGIN_ARGS)
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*CorsAssertionError: CORS blocks PUT https://api.example/hello from "
            "https://app.example in chromium, firefox, webkit (allowed in none)",
            "*--- chromium ---*",
            "*--- firefox ---*",
            "*--- webkit ---*",
        ]
    )


def test_cors_server_without_cors_app(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_needs_app(cors_server):
            pass
    """)
    result = pytester.runpytest(*PLUGIN_ARGS)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*needs a fixture named 'cors_app'*"])


def test_factories_for_asgi_and_wsgi(pytester: pytest.Pytester) -> None:
    pytest.importorskip("flask")
    pytest.importorskip("flask_cors")
    pytest.importorskip("starlette")
    pytester.makepyfile("""
        import corsspec as cs
        import flask
        import flask_cors
        from starlette.applications import Starlette
        from starlette.middleware.cors import CORSMiddleware
        from corsspec.testing import assert_cors_allowed

        REQ = cs.Request(method="GET", url="https://api.example/", origin="https://app.example")

        def test_wsgi(cors_wsgi_server):
            app = flask.Flask("t")
            app.route("/")(lambda: "ok")
            flask_cors.CORS(app)
            assert_cors_allowed(cors_wsgi_server(app), REQ)

        def test_asgi(cors_asgi_server):
            app = CORSMiddleware(Starlette(), allow_origins=["*"])
            assert_cors_allowed(cors_asgi_server(app, lifespan=False), REQ)
    """)
    pytester.runpytest(*PLUGIN_ARGS).assert_outcomes(passed=2)


def test_allowed_with_reads_fails_on_an_unexposed_header() -> None:
    origin = "https://app.example"
    req = cs.Request(url="https://api.example/items", origin=origin)
    hidden = cs.Exchange(
        actual=cs.Response(
            status=200,
            headers=(("Access-Control-Allow-Origin", origin), ("X-Total-Count", "10")),
        )
    )
    with pytest.raises(CorsAssertionError) as info:
        assert_cors_allowed(hidden, req, reads=("X-Total-Count",))
    text = str(info.value)
    assert "header-not-exposed" in text
    assert "Access-Control-Expose-Headers: X-Total-Count" in text
    exposed = cs.Exchange(
        actual=cs.Response(
            status=200,
            headers=(
                ("Access-Control-Allow-Origin", origin),
                ("X-Total-Count", "10"),
                ("Access-Control-Expose-Headers", "X-Total-Count"),
            ),
        )
    )
    evaluations = assert_cors_allowed(exposed, req, reads=("X-Total-Count",))
    assert all("x-total-count" in ev.visible_headers for ev in evaluations)

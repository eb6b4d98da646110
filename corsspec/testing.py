"""Test helpers and the pytest plugin: prove an app's CORS works in every browser engine.

    from corsspec.testing import assert_cors_allowed
    import corsspec as cs

    def test_frontend_can_update_items(app):        # a FastAPI, Starlette, Flask, Django app
        assert_cors_allowed(app, cs.Request(
            method="PUT", url="https://api.example.com/items/1",
            origin="https://app.example.com",
            headers=[("Authorization", "Bearer t"), ("Content-Type", "application/json")]))

The ``assert_*`` helpers evaluate the request under every browser profile (Chromium,
Firefox, WebKit by default) against a real server: an ASGI or WSGI app (called in process,
no network), an adapter such as :class:`~corsspec.adapters.http.HttpServer`, a
:class:`~corsspec.Exchange`, or any ``Request -> Response`` callable. A failure raises
:class:`CorsAssertionError` (an ``AssertionError``) whose message is the explanation and
the fix for each browser that disagrees.

As a pytest plugin (entry point ``pytest11``: ``corsspec``, active once corsspec is
installed) it adds:

* ``cors_browser``: a test that asks for it runs once per browser profile (ids
  ``chromium``, ``firefox``, ``webkit``); ``--cors-browser NAME`` (repeatable) narrows that.
* ``cors_server``: your ``cors_app`` fixture (ASGI or WSGI app) wrapped as a corsspec
  server, with the ASGI lifespan run around the test.
* ``cors_asgi_server`` / ``cors_wsgi_server``: factories ``(app, **options) -> server``.

Importing this module imports neither pytest nor any web framework; the plugin's
fixtures are built when pytest configures it.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import corsspec as cs
from corsspec.engine.browsers import BrowserLike, to_profile
from corsspec.errors import InvalidRequestError, RequestProblem
from corsspec.explain import explanation

if TYPE_CHECKING:
    import pytest

__all__ = [
    "CorsAssertionError",
    "as_server",
    "assert_cors_allowed",
    "assert_cors_blocked",
    "assert_no_preflight",
    "cors_browsers",
    "pytest_addoption",
    "pytest_configure",
    "pytest_generate_tests",
]


def __dir__() -> list[str]:
    return __all__


#: The default set of profiles every helper checks.
DEFAULT_BROWSERS: tuple[cs.BrowserProfile, ...] = cs.ALL_BROWSERS


class CorsAssertionError(AssertionError):
    """A CORS expectation failed; ``evaluations`` holds one result per browser checked."""

    def __init__(self, message: str, evaluations: Sequence[cs.Evaluation] = ()) -> None:
        super().__init__(message)
        self.evaluations = tuple(evaluations)


# --------------------------------------------------------------------------- servers
def _is_asgi(app: object) -> bool:
    if inspect.iscoroutinefunction(app):
        return True
    call = getattr(app, "__call__", None)  # noqa: B004 - we want the method, not callable()
    return inspect.iscoroutinefunction(call)


def as_server(target: object) -> Any:
    """What ``target`` is as a corsspec server.

    Objects with ``respond`` (adapters, :class:`~corsspec.Exchange`, policies) and
    ``Request -> Response`` callables are used as they are; an ASGI 3 app (an async
    callable) becomes an :class:`~corsspec.adapters.asgi.AsgiServer`, and a WSGI app (a
    callable taking ``environ, start_response``) a
    :class:`~corsspec.adapters.wsgi.WsgiServer`.

    :raises cs.AdapterError: ``target`` is none of these.
    """
    if callable(getattr(target, "respond", None)):
        return target
    if _is_asgi(target):
        from corsspec.adapters.asgi import AsgiServer  # noqa: PLC0415 - only when used

        return AsgiServer(target)  # type: ignore[arg-type]
    if callable(target):
        try:
            params = [
                p
                for p in inspect.signature(target).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
            ]
        except (TypeError, ValueError):
            params = []
        if len(params) == 2:
            from corsspec.adapters.wsgi import WsgiServer  # noqa: PLC0415 - only when used

            return WsgiServer(target)
        return target
    raise cs.AdapterError(
        f"cannot use {target!r} as a server: expected an ASGI or WSGI app, an adapter, "
        "a corsspec.Exchange, or a callable Request -> Response"
    )


# -------------------------------------------------------------------------- messages
def _title(request: cs.Request) -> str:
    return f"{request.method} {request.url} from {request.origin}"


def _profiles(browsers: Sequence[BrowserLike] | BrowserLike) -> tuple[cs.BrowserProfile, ...]:
    """Profiles from profiles or their names (one name or profile alone is allowed).

    :raises InvalidRequestError: an item is neither a profile nor a profile's name.
    """
    if isinstance(browsers, (str, cs.BrowserProfile)):
        return (to_profile(browsers, "browsers"),)
    if not isinstance(browsers, Iterable):
        raise InvalidRequestError(
            "browsers",
            browsers,
            RequestProblem.BAD_ENUM_VALUE,
            "expected browser profiles or their names",
        )
    return tuple(to_profile(b, "browsers") for b in browsers)


def _names(profiles: Iterable[cs.BrowserProfile]) -> str:
    return ", ".join(p.name for p in profiles) or "none"


def _blocks(evaluations: Iterable[cs.Evaluation]) -> str:
    return "\n\n".join(f"--- {ev.browser.name} ---\n{explanation(ev)}" for ev in evaluations)


def _evaluate_all(
    server: object,
    request: cs.Request,
    browsers: Sequence[BrowserLike] | BrowserLike,
    cache: cs.PreflightCache | None,
    now: float,
    reads: tuple[str, ...] = (),
    **cookie_options: Any,
) -> tuple[cs.Evaluation, ...]:
    browsers = _profiles(browsers)
    if not browsers:
        raise ValueError("browsers must name at least one profile")
    target = as_server(server)
    return tuple(
        cs.evaluate(request, target, browser=b, cache=cache, now=now, reads=reads, **cookie_options)
        for b in browsers
    )


def _reason_code(reason: cs.ReasonCode | str) -> cs.ReasonCode:
    if isinstance(reason, cs.ReasonCode):
        return reason
    try:
        return cs.ReasonCode(reason)
    except ValueError:
        known = ", ".join(code.value for code in cs.ReasonCode)
        raise ValueError(f"unknown reason {reason!r}; known: {known}") from None


# --------------------------------------------------------------------------- asserts
def assert_cors_allowed(
    server: object,
    request: cs.Request,
    browsers: Sequence[BrowserLike] | BrowserLike = DEFAULT_BROWSERS,
    *,
    exposes: Iterable[str] = (),
    reads: Iterable[str] = (),
    cache: cs.PreflightCache | None = None,
    now: float = 0.0,
    sends_cookies: Iterable[str] = (),
    cookies: cs.CookieJar | None = None,
    top_level: str | None = None,
    third_party_cookies: cs.ThirdPartyCookies | str | None = None,
) -> tuple[cs.Evaluation, ...]:
    """Assert that every browser in ``browsers`` lets script read the response.

    ``exposes`` names response headers script must also be able to read
    (``Access-Control-Expose-Headers``). ``reads`` does the same through the engine
    (``evaluate(reads=...)``): a header script reads as null fails with reason
    ``header-not-exposed``, explained with its fix. ``sends_cookies`` names cookies the
    request must carry, from ``cookies`` (the browser's jar:
    ``cs.CookieJar.from_set_cookie``), with the page under ``top_level`` (default: the
    request's origin) and, optionally, a stated ``third_party_cookies`` policy. Returns
    the evaluations, one per browser.

    :raises CorsAssertionError: some browser blocks the request, hides a header, or sends
        it without a needed cookie (or corsspec cannot tell whether it would); the
        message explains each of them, with the fix.
    """
    needs = tuple(sends_cookies)
    cookie_options: dict[str, Any] = {}
    if needs or cookies is not None or top_level is not None:
        cookie_options = {
            "cookies": cookies,
            "top_level": top_level,
            "needs_cookies": needs,
            "third_party_cookies": third_party_cookies,
        }
    evaluations = _evaluate_all(
        server, request, browsers, cache, now, tuple(reads), **cookie_options
    )
    blocked = [ev for ev in evaluations if not ev.allowed]
    if blocked:
        allowed = [ev.browser for ev in evaluations if ev.allowed]
        raise CorsAssertionError(
            f"CORS blocks {_title(request)} in {_names(ev.browser for ev in blocked)}"
            f" (allowed in {_names(allowed)})\n\n{_blocks(blocked)}",
            evaluations,
        )
    wanted = sorted({name.lower() for name in exposes})
    hidden = [ev for ev in evaluations if not set(wanted) <= set(ev.visible_headers)]
    if hidden:
        lines = [f"script cannot read every expected header of {_title(request)}"]
        for ev in hidden:
            missing = [name for name in wanted if name not in ev.visible_headers]
            lines.append(
                f"--- {ev.browser.name} ---\nhidden: {', '.join(missing)}; readable: "
                f"{', '.join(ev.visible_headers) or 'none'}\nfix: list "
                f"{', '.join(missing)} in Access-Control-Expose-Headers on the response"
            )
        raise CorsAssertionError("\n\n".join(lines), evaluations)
    logged_out = [
        ev for ev in evaluations if ev.cookies is not None and ev.cookies.needs_met is not True
    ]
    if logged_out:
        lines = [f"CORS allows {_title(request)}, but not with the cookies it needs"]
        for ev in logged_out:
            assert ev.cookies is not None
            state = "unknown" if ev.cookies.needs_met is None else "not sent"
            lines.append(
                f"--- {ev.browser.name}: {', '.join(ev.cookies.missing)} {state} ---\n"
                + explanation(ev)
            )
        raise CorsAssertionError("\n\n".join(lines), evaluations)
    return evaluations


def assert_cors_blocked(
    server: object,
    request: cs.Request,
    browsers: Sequence[BrowserLike] | BrowserLike = DEFAULT_BROWSERS,
    *,
    reason: cs.ReasonCode | str | None = None,
    cache: cs.PreflightCache | None = None,
    now: float = 0.0,
) -> tuple[cs.Evaluation, ...]:
    """Assert that every browser in ``browsers`` blocks the request (for ``reason``).

    ``reason`` is a :class:`~corsspec.ReasonCode` or its value (``"acao-missing"``);
    None accepts any reason. Returns the evaluations, one per browser.

    :raises CorsAssertionError: some browser allows it, or blocks it for another reason.
    """
    expected = _reason_code(reason) if reason is not None else None
    evaluations = _evaluate_all(server, request, browsers, cache, now)
    allowed = [ev for ev in evaluations if ev.allowed]
    wrong = [
        ev
        for ev in evaluations
        if ev.reason is not None and expected is not None and ev.reason.code is not expected
    ]
    if not allowed and not wrong:
        return evaluations
    parts = []
    if allowed:
        parts.append(
            f"CORS allows {_title(request)} in {_names(ev.browser for ev in allowed)}"
            f", expected it to be blocked"
            + (f" ({expected.value})" if expected is not None else "")
        )
    if wrong:
        got = ", ".join(
            f"{ev.browser.name}: {ev.reason.code.value}" for ev in wrong if ev.reason is not None
        )
        parts.append(
            f"blocked for another reason than {expected.value if expected else ''} ({got})"
        )
    raise CorsAssertionError("\n".join(parts) + "\n\n" + _blocks([*allowed, *wrong]), evaluations)


def _why_preflight(request: cs.Request, profile: cs.BrowserProfile) -> list[str]:
    why = []
    if request.method not in ("GET", "HEAD", "POST"):
        why.append(f"method {request.method} is not CORS-safelisted (GET, HEAD, POST are)")
    unsafe = cs.unsafe_header_names(request, profile)
    if unsafe:
        why.append(
            f"CORS-unsafe request headers: {', '.join(unsafe)} (remove them, or keep "
            "to safelisted names and values)"
        )
    if request.upload_listener:
        why.append("an XHR upload listener forces a preflight")
    if request.body is not None and request.body.kind is cs.BodyKind.STREAM:
        why.append("a ReadableStream body forces a preflight")
    return why or ["(see the evaluation)"]


def assert_no_preflight(
    request: cs.Request,
    browsers: Sequence[BrowserLike] | BrowserLike = DEFAULT_BROWSERS,
    *,
    server: object | None = None,
    cache: cs.PreflightCache | None = None,
    now: float = 0.0,
) -> None:
    """Assert that no browser in ``browsers`` sends a preflight for ``request``.

    Without ``server`` this is the request's classification (a "simple" request). With a
    ``server`` (and optionally a warm ``cache``) the request is evaluated and no
    preflight may reach the server, so a preflight answered from the cache passes.

    :raises CorsAssertionError: some browser preflights; the message says why.
    """
    browsers = _profiles(browsers)
    if not browsers:
        raise ValueError("browsers must name at least one profile")
    evaluations: tuple[cs.Evaluation, ...] = ()
    if server is None:
        offenders = [b for b in browsers if cs.needs_preflight(request, b)]
    else:
        evaluations = _evaluate_all(server, request, browsers, cache, now)
        offenders = [ev.browser for ev in evaluations if ev.preflights]
    if not offenders:
        return
    lines = [f"{_names(offenders)} send a CORS preflight for {_title(request)}"]
    for profile in offenders:
        preflight = cs.preflight_request(request, profile)
        lines.append(f"--- {profile.name} ---")
        lines.extend(f"why: {reason}" for reason in _why_preflight(request, profile))
        if preflight is not None:
            lines.append(f"preflight: OPTIONS {preflight.url}")
            lines.extend(f"  {name}: {value}" for name, value in preflight.headers)
    raise CorsAssertionError("\n".join(lines), evaluations)


# ---------------------------------------------------------------- parametrization
def cors_browsers(
    browsers: Sequence[BrowserLike] | BrowserLike = DEFAULT_BROWSERS,
    *,
    argname: str = "cors_browser",
) -> Any:
    """``pytest.mark.parametrize`` over browser profiles (ids are the profile names).

    @cors_browsers()
    def test_x(cors_browser): ...
    """
    import pytest  # noqa: PLC0415 - pytest only when a test module uses the helper

    profiles = _profiles(browsers)
    return pytest.mark.parametrize(argname, list(profiles), ids=[b.name for b in profiles])


# ------------------------------------------------------------------- pytest hooks
def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--cors-browser`` to choose the profiles ``cors_browser`` runs under."""
    group = parser.getgroup("corsspec", "corsspec CORS checks")
    group.addoption(
        "--cors-browser",
        action="append",
        default=None,
        metavar="NAME",
        choices=sorted(cs.PROFILES),
        help="run cors_browser tests under this profile only (repeatable; default: "
        "chromium, firefox, webkit)",
    )


def _selected(config: pytest.Config) -> tuple[cs.BrowserProfile, ...]:
    names = config.getoption("cors_browser", default=None)
    if not names:
        return DEFAULT_BROWSERS
    return tuple(cs.get_profile(name) for name in dict.fromkeys(names))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that asks for ``cors_browser`` once per selected profile."""
    if "cors_browser" not in metafunc.fixturenames:
        return
    if any(
        "cors_browser" in mark.args[0]
        for mark in metafunc.definition.iter_markers("parametrize")
        if mark.args and isinstance(mark.args[0], str)
    ):
        return  # the test parametrizes it itself (cors_browsers())
    profiles = _selected(metafunc.config)
    metafunc.parametrize("cors_browser", list(profiles), ids=[p.name for p in profiles])


def pytest_configure(config: pytest.Config) -> None:
    """Register the plugin's fixtures (built here, so importing this module stays light)."""
    config.pluginmanager.register(_fixture_plugin(), "corsspec-fixtures")


def _fixture_plugin() -> object:
    import pytest  # noqa: PLC0415 - only under pytest

    class CorsspecFixtures:
        """The fixtures of corsspec's pytest plugin."""

        @pytest.fixture
        def cors_asgi_server(self) -> Iterator[Callable[..., Any]]:
            """Factory: ``cors_asgi_server(app, lifespan=True, **options) -> AsgiServer``.

            With ``lifespan`` (default) the app's lifespan startup runs before the test
            and shutdown after it.
            """
            from corsspec.adapters.asgi import AsgiServer  # noqa: PLC0415

            with contextlib.ExitStack() as stack:

                def make(app: Any, *, lifespan: bool = True, **options: Any) -> AsgiServer:
                    server = AsgiServer(app, **options)
                    return stack.enter_context(server) if lifespan else server

                yield make

        @pytest.fixture
        def cors_wsgi_server(self) -> Callable[..., Any]:
            """Factory: ``cors_wsgi_server(app, **options) -> WsgiServer``."""
            from corsspec.adapters.wsgi import WsgiServer  # noqa: PLC0415

            def make(app: Any, **options: Any) -> WsgiServer:
                return WsgiServer(app, **options)

            return make

        @pytest.fixture
        def cors_server(self, request: pytest.FixtureRequest) -> Iterator[Any]:
            """Your ``cors_app`` fixture (an ASGI or WSGI app) as a corsspec server."""
            try:
                app = request.getfixturevalue("cors_app")
            except pytest.FixtureLookupError:
                pytest.fail(
                    "cors_server needs a fixture named 'cors_app' that returns your ASGI or "
                    "WSGI app (define it in conftest.py)",
                    pytrace=False,
                )
            server = as_server(app)
            with contextlib.ExitStack() as stack:
                if hasattr(server, "__enter__"):
                    server = stack.enter_context(server)
                yield server

    return CorsspecFixtures()

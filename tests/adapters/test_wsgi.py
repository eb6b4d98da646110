"""WsgiServer against Flask + flask-cors, Django + django-cors-headers, and raw WSGI apps."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest

import corsspec as cs
from corsspec.adapters.wsgi import WsgiServer
from corsspec.testing import assert_cors_allowed, assert_cors_blocked, assert_no_preflight
from tests.adapters._requests import API, APP, EVIL, get_items, put_item

pytestmark = pytest.mark.adapters

StartResponse = Callable[..., Any]


# ------------------------------------------------------------------------ Flask
def flask_app(**cors: Any) -> Any:
    flask = pytest.importorskip("flask")
    flask_cors = pytest.importorskip("flask_cors")
    app = flask.Flask("corsspec_flask_test")

    def item(item_id: int) -> Any:
        return flask.jsonify(id=item_id), 200, {"X-Request-Id": "r-1"}

    def items() -> Any:
        return flask.jsonify([1, 2])

    app.add_url_rule("/items/<int:item_id>", view_func=item, methods=["GET", "PUT"])
    app.add_url_rule("/items", view_func=items)

    flask_cors.CORS(app, **cors)
    return app


FLASK_GOOD = {
    "origins": [APP],
    "methods": ["GET", "PUT"],
    "allow_headers": ["Authorization", "Content-Type"],
    "expose_headers": ["X-Request-Id"],
    "supports_credentials": True,
}


def test_flask_cors_good_config() -> None:
    server = WsgiServer(flask_app(**FLASK_GOOD))
    evs = assert_cors_allowed(server, put_item(), exposes=["x-request-id"])
    preflight_answer = evs[0].responses[0]
    # Werkzeug's header casing, exactly as flask-cors set them.
    assert ("Access-Control-Allow-Origin", APP) in preflight_answer.headers
    assert_cors_allowed(server, get_items())
    assert_no_preflight(get_items(), server=server)


def test_flask_cors_defaults_block_credentialed_requests() -> None:
    # CORS(app): any origin (reflected, since send_wildcard is off), no credentials.
    server = WsgiServer(flask_app())
    evs = assert_cors_allowed(server, get_items())
    assert evs[0].responses[0].headers_view["Access-Control-Allow-Origin"] == APP
    assert_cors_blocked(server, get_items(credentials="include"), reason="acac-not-true")
    # With send_wildcard the answer is "*", which credentialed requests never accept.
    wildcard = WsgiServer(flask_app(send_wildcard=True))
    assert_cors_blocked(
        wildcard, get_items(credentials="include"), reason="acao-wildcard-with-credentials"
    )


def test_flask_cors_wrong_origin() -> None:
    server = WsgiServer(flask_app(**FLASK_GOOD))
    evs = assert_cors_blocked(server, put_item(EVIL), reason="acao-missing")
    assert all(not ev.actual_sent for ev in evs)


def test_flask_cors_missing_allowed_header() -> None:
    config = {**FLASK_GOOD, "allow_headers": ["Content-Type"]}
    evs = assert_cors_blocked(WsgiServer(flask_app(**config)), put_item())
    assert {ev.reason.code for ev in evs if ev.reason} <= {
        cs.ReasonCode.HEADER_NOT_ALLOWED,
        cs.ReasonCode.ACAO_MISSING,
    }


# ----------------------------------------------------------------------- Django
def _django(module: str) -> Any:
    """A Django module, imported without static typing (Django ships no type hints)."""
    return importlib.import_module(module)


def _django_view(request: Any, item_id: int) -> Any:
    response = _django("django.http").JsonResponse({"id": item_id})
    response["X-Request-Id"] = "r-1"
    return response


urlpatterns: list[Any] = []


@pytest.fixture(scope="module")
def django_app() -> Any:
    django = pytest.importorskip("django")
    pytest.importorskip("corsheaders")
    settings = _django("django.conf").settings
    if not settings.configured:
        path = _django("django.urls").path
        urlpatterns[:] = [path("items/<int:item_id>", _django_view)]
        settings.configure(
            DEBUG=False,
            SECRET_KEY="corsspec-tests",
            ALLOWED_HOSTS=["api.example.com"],
            ROOT_URLCONF=__name__,
            INSTALLED_APPS=["corsheaders"],
            MIDDLEWARE=[
                "corsheaders.middleware.CorsMiddleware",
                "django.middleware.common.CommonMiddleware",
            ],
            CORS_ALLOWED_ORIGINS=[APP],
            CORS_ALLOW_CREDENTIALS=True,
            CORS_EXPOSE_HEADERS=["X-Request-Id"],
            USE_TZ=True,
        )
        django.setup()
    elif __name__ != settings.ROOT_URLCONF:
        pytest.skip("Django is already configured by another test module")
    return _django("django.core.wsgi").get_wsgi_application()


def test_django_cors_headers_good_config(django_app: Any) -> None:
    server = WsgiServer(django_app)
    evs = assert_cors_allowed(server, put_item(), exposes=["X-Request-Id"])
    # django-cors-headers writes lowercase names; Django's own headers keep their case.
    actual = evs[0].responses[-1]
    assert ("access-control-allow-origin", APP) in actual.headers
    assert ("Content-Type", "application/json") in actual.headers


def test_django_cors_headers_origin_not_allowed(django_app: Any) -> None:
    override_settings = _django("django.test").override_settings
    with override_settings(CORS_ALLOWED_ORIGINS=["https://other.example.com"]):
        assert_cors_blocked(
            WsgiServer(django_app), put_item(), [cs.CHROMIUM], reason="acao-missing"
        )


def test_django_cors_headers_custom_header_not_in_allow_list(django_app: Any) -> None:
    request = put_item(extra=(("X-Api-Key", "k"),))
    evs = assert_cors_blocked(WsgiServer(django_app), request, reason="header-not-allowed")
    assert [ev.reason.value if ev.reason else None for ev in evs] == ["x-api-key"] * 3


def test_django_without_credentials_setting(django_app: Any) -> None:
    override_settings = _django("django.test").override_settings
    with override_settings(CORS_ALLOW_CREDENTIALS=False):
        assert_cors_blocked(WsgiServer(django_app), put_item(), reason="acac-not-true")
        assert_cors_allowed(WsgiServer(django_app), put_item(credentials="omit"))


# ------------------------------------------------------------------- raw WSGI apps
def raw_app(status: str, headers: list[tuple[str, str]], body: Iterable[bytes] = (b"",)) -> Any:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response(status, headers)
        return body

    return app


def test_header_lines_exactly_as_start_response_got_them() -> None:
    lines = [
        ("access-control-allow-origin", APP),
        ("Vary", "Origin"),
        ("VARY", "Cookie"),
        ("X-Empty", ""),
    ]
    response = WsgiServer(raw_app("200 OK", lines, [b"a", b"b"])).respond(get_items())
    assert response.headers == tuple(lines)
    assert [n for n, _ in response.headers] == [
        "access-control-allow-origin",
        "Vary",
        "VARY",
        "X-Empty",
    ]
    assert response.body == "ab"


def test_duplicate_acao_is_judged() -> None:
    app = raw_app("200 OK", [("Access-Control-Allow-Origin", APP)] * 2)
    assert_cors_blocked(WsgiServer(app), get_items(), reason="acao-multiple")


def test_environ_follows_pep_3333() -> None:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        seen.update(environ)
        seen["body"] = environ["wsgi.input"].read()
        start_response("204 No Content", [])
        return []

    request = cs.Request(
        method="POST",
        url=f"{API}/api/caf%C3%A9?q=1",
        origin=APP,
        headers=[("X-A", "1"), ("x-a", "2"), ("Content-Type", "text/plain")],
        body=cs.Body.text("hello"),
    )
    WsgiServer(app, script_name="/api").respond(request)
    assert seen["REQUEST_METHOD"] == "POST"
    assert seen["SCRIPT_NAME"] == "/api"
    assert seen["PATH_INFO"] == "/café".encode().decode("latin-1")  # WSGI "bytes as latin-1"
    assert seen["QUERY_STRING"] == "q=1"
    assert seen["SERVER_NAME"] == "api.example.com"
    assert seen["SERVER_PORT"] == "443"
    assert seen["wsgi.url_scheme"] == "https"
    assert seen["HTTP_HOST"] == "api.example.com"
    assert seen["HTTP_X_A"] == "1,2"
    assert "HTTP_ORIGIN" not in seen  # respond() sends exactly the request's headers
    assert seen["CONTENT_TYPE"] == "text/plain"
    assert seen["CONTENT_LENGTH"] == "5"
    assert "HTTP_CONTENT_TYPE" not in seen
    assert seen["body"] == b"hello"
    assert seen["wsgi.version"] == (1, 0)


def test_app_exception_is_chained() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        raise KeyError("settings")

    with pytest.raises(cs.AdapterError, match="KeyError") as info:
        cs.evaluate(put_item(), WsgiServer(app))
    assert isinstance(info.value.__cause__, KeyError)
    assert "OPTIONS https://api.example.com/items/1" in str(info.value)
    ev = cs.evaluate(put_item(), WsgiServer(app, raise_app_exceptions=False))
    assert ev.responses[0].status == 500
    assert not ev.allowed


def test_exc_info_replaces_headers_before_the_body() -> None:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", [("Access-Control-Allow-Origin", APP)])
        try:
            raise ValueError("late failure")
        except ValueError:
            start_response(
                "500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info()
            )
        return [b"oops"]

    response = WsgiServer(app).respond(get_items())
    assert response.status == 500
    assert response.headers == (("Content-Type", "text/plain"),)


def test_write_callable_and_close() -> None:
    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Iterator[bytes]:
            yield b"-tail"

        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Body:
        write = start_response("200 OK", [("Access-Control-Allow-Origin", "*")])
        write(b"head")
        return Body()

    response = WsgiServer(app).respond(get_items())
    assert response.body == "head-tail"
    assert closed == [True]


@pytest.mark.parametrize(
    ("app", "message"),
    [
        (lambda environ, start_response: [b"x"], "without calling start_response|before calling"),
        (raw_app("OK", []), "malformed status"),
        (raw_app("200 OK", [("X", 1)]), r"\(str, str\) tuples"),  # type: ignore[list-item]
    ],
    ids=["no-start-response", "bad-status", "bad-header"],
)
def test_protocol_violations(app: Any, message: str) -> None:
    with pytest.raises(cs.AdapterError, match=message):
        WsgiServer(app).respond(get_items())

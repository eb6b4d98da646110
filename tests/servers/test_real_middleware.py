"""Real CORS middleware as independent servers: starlette, flask-cors, django-cors-headers.

Each configuration runs in a real app, driven in process through corsspec's ASGI/WSGI
adapters, and is checked three ways:

1. **Importer fidelity** — for a table of requests under every browser profile, the real
   server, the imported :class:`~corsspec.server.policy.Policy` and ``policy.allows`` give the
   same verdict.
2. **Active audit** of the real server catches the configuration's known vulnerability
   classes, and a safe configuration yields no high-severity finding.
3. **Static audit** of the imported policy catches the same classes without a server.

The libraries are test-only dependencies; each group skips when its library is missing.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest

import corsspec as cs
from corsspec.adapters.asgi import AsgiServer
from corsspec.adapters.wsgi import WsgiServer
from corsspec.server.audit import AuditReport, FindingCode, Severity, active_audit, static_audit
from corsspec.server.importers import from_django_cors_headers, from_flask_cors, from_starlette
from corsspec.server.policy import Policy

pytestmark = pytest.mark.adapters

TARGET = "https://api.example.com/items"
BOOM = "https://api.example.com/boom"
LEGIT = "https://app.example.com"
F = FindingCode


@attrs.frozen(kw_only=True)
class Config:
    """One middleware configuration and what the audits must find in it."""

    id: str
    options: dict[str, Any]
    #: Finding codes both audits must report at ``severity`` or worse.
    expect: frozenset[FindingCode] = frozenset()
    severity: Severity = Severity.HIGH
    #: Whether the configuration is safe: no high-severity finding at all.
    safe: bool = False
    #: Codes only the active audit can see (error responses, real caches).
    active_only: frozenset[FindingCode] = frozenset()


# -- the request table for the differential check -----------------------------------

_ORIGINS = (
    LEGIT,
    "https://admin.example.com",
    "https://attacker.test",
    "null",
    "http://app.example.com",
    "https://app.example.com.attacker.test",
    "https://attackerexample.com",
    "https://appxexample.com",
    "https://attacker.app.example.com",
)


def _requests() -> list[cs.Request]:
    out: list[cs.Request] = []
    for origin in _ORIGINS:
        for credentials in ("include", "omit"):
            out.append(cs.Request(url=TARGET, origin=origin, credentials=credentials))
            out.append(
                cs.Request(
                    method="PUT",
                    url=TARGET,
                    origin=origin,
                    headers=[("X-Token", "1"), ("Content-Type", "application/json")],
                    credentials=credentials,
                )
            )
            out.append(
                cs.Request(
                    method="DELETE",
                    url=TARGET,
                    origin=origin,
                    headers=[("Authorization", "Bearer x")],
                    credentials=credentials,
                )
            )
            out.append(
                cs.Request(method="patch", url=TARGET, origin=origin, credentials=credentials)
            )
    return out


REQUESTS = tuple(_requests())
PROFILES = [cs.get_profile(n) for n in ("chromium", "firefox", "webkit", "spec")]


def _check_fidelity(server: cs.Server, policy: Policy) -> None:
    """The real server, the imported policy and ``allows`` agree on every request."""
    mismatches = []
    for request in REQUESTS:
        for browser in PROFILES:
            real = cs.evaluate(request, server, browser=browser)
            model = cs.evaluate(request, policy, browser=browser)
            predicted = policy.allows(request, browser)
            if not real.allowed == model.allowed == predicted:
                mismatches.append(
                    f"{request.method} {request.origin} {request.credentials.value} "
                    f"[{browser.name}]: real={real.allowed} ({real.reason and real.reason.code}) "
                    f"model={model.allowed} allows={predicted}"
                )
    assert not mismatches, "\n".join(mismatches)


def _check_audits(config: Config, server: cs.Server, policy: Policy) -> None:
    active = active_audit(server, target_url=TARGET, legit_origin=LEGIT, error_urls=(BOOM,))
    static = static_audit(policy, legit_origins=[LEGIT], target_url=TARGET)
    for report, name, codes in (
        (active, "active", config.expect | config.active_only),
        (static, "static", config.expect),
    ):
        found = {f.code for f in report.at_least(config.severity)}
        assert codes <= found, f"{name} audit missed {codes - found}:\n{report}"
        for finding in report.findings:
            assert finding.fix
        if config.safe:
            assert not report.at_least(Severity.HIGH), f"{name} audit of a safe config:\n{report}"
    for finding in active.at_least(Severity.LOW):
        assert finding.evidence is not None, finding
        assert finding.evidence.response_headers is not None


def _report_codes(report: AuditReport) -> set[str]:
    return {f.code.value for f in report.findings}


# -- starlette -----------------------------------------------------------------------

STARLETTE = (
    Config(
        id="wildcard-with-credentials-reflects",
        options={
            "allow_origins": ["*"],
            "allow_credentials": True,
            "allow_methods": ["*"],
            "allow_headers": ["*"],
        },
        expect=frozenset({F.REFLECTION_WITH_CREDENTIALS}),
    ),
    Config(
        id="regex-suffix",
        options={"allow_origin_regex": r"https://.*example\.com", "allow_credentials": True},
        expect=frozenset({F.SUFFIX_MATCH}),
    ),
    Config(
        id="regex-unescaped-dot",
        options={"allow_origin_regex": r"https://app.example.com", "allow_credentials": True},
        expect=frozenset({F.UNESCAPED_DOT}),
    ),
    Config(
        id="null-trusted",
        options={"allow_origins": [LEGIT, "null"], "allow_credentials": True},
        expect=frozenset({F.NULL_ORIGIN}),
    ),
    Config(
        id="http-downgrade",
        options={"allow_origins": [LEGIT, "http://app.example.com"], "allow_credentials": True},
        expect=frozenset({F.INSECURE_ORIGIN}),
    ),
    Config(
        id="safe-exact",
        options={
            "allow_origins": [LEGIT],
            "allow_credentials": True,
            "allow_methods": ["GET", "PUT", "DELETE"],
            "allow_headers": ["X-Token", "Authorization"],
            "expose_headers": ["X-Total"],
        },
        safe=True,
        # A view that raises gets starlette's 500 from ServerErrorMiddleware, which sits
        # outside CORSMiddleware: no CORS headers.
        expect=frozenset(),
        active_only=frozenset({F.ERROR_WITHOUT_CORS}),
        severity=Severity.LOW,
    ),
    Config(
        id="safe-public",
        options={"allow_origins": ["*"]},
        safe=True,
        expect=frozenset({F.WILDCARD_ORIGIN}),
        severity=Severity.INFO,
    ),
    Config(
        id="safe-subdomain-regex",
        options={
            "allow_origin_regex": r"https://[a-z0-9-]+\.example\.com",
            "allow_credentials": True,
        },
        safe=True,
        expect=frozenset({F.ANY_SUBDOMAIN}),
        severity=Severity.MEDIUM,
    ),
)


def _starlette_app(options: dict[str, Any]) -> Any:
    applications = pytest.importorskip("starlette.applications")
    middleware = importlib.import_module("starlette.middleware")
    cors = importlib.import_module("starlette.middleware.cors")
    responses = importlib.import_module("starlette.responses")
    routing = importlib.import_module("starlette.routing")

    def items(request: Any) -> Any:
        return responses.PlainTextResponse("items", headers={"X-Total": "3"})

    def boom(request: Any) -> Any:
        raise RuntimeError("boom")

    methods = ["GET", "PUT", "POST", "DELETE", "PATCH", "patch"]
    return applications.Starlette(
        routes=[
            routing.Route("/items", items, methods=methods),
            routing.Route("/boom", boom, methods=methods),
        ],
        middleware=[middleware.Middleware(cors.CORSMiddleware, **options)],
    )


@pytest.fixture(scope="module")
def starlette_servers() -> Iterator[Callable[[Config], cs.Server]]:
    with contextlib.ExitStack() as stack:
        made: dict[str, cs.Server] = {}

        def get(config: Config) -> cs.Server:
            if config.id not in made:
                server = AsgiServer(_starlette_app(config.options), raise_app_exceptions=False)
                made[config.id] = stack.enter_context(server)
            return made[config.id]

        yield get


@pytest.mark.parametrize("config", STARLETTE, ids=[c.id for c in STARLETTE])
def test_starlette_importer_fidelity(
    config: Config, starlette_servers: Callable[[Config], cs.Server]
) -> None:
    _check_fidelity(starlette_servers(config), from_starlette(**config.options))


@pytest.mark.parametrize("config", STARLETTE, ids=[c.id for c in STARLETTE])
def test_starlette_audits(config: Config, starlette_servers: Callable[[Config], cs.Server]) -> None:
    _check_audits(config, starlette_servers(config), from_starlette(**config.options))


# -- flask-cors ----------------------------------------------------------------------

FLASK = (
    Config(
        id="default-origins-with-credentials",
        options={"supports_credentials": True},
        expect=frozenset({F.REFLECTION_WITH_CREDENTIALS}),
    ),
    Config(
        id="regex-prefix-match",
        options={"origins": [r"https://.*\.example\.com"], "supports_credentials": True},
        expect=frozenset({F.PREFIX_MATCH, F.SPECIAL_CHARACTER}),
    ),
    Config(
        id="regex-unescaped-dot",
        options={"origins": [r"^https://app.example.com$"], "supports_credentials": True},
        expect=frozenset({F.UNESCAPED_DOT}),
    ),
    Config(
        id="null-trusted",
        options={"origins": ["null", LEGIT], "supports_credentials": True},
        expect=frozenset({F.NULL_ORIGIN}),
    ),
    Config(
        id="single-origin-without-vary",
        options={"origins": LEGIT, "supports_credentials": True},
        expect=frozenset({F.MISSING_VARY}),
        severity=Severity.MEDIUM,
        safe=True,
    ),
    Config(
        id="safe-two-origins",
        options={
            "origins": [LEGIT, "https://admin.example.com"],
            "supports_credentials": True,
            "methods": ["GET", "PUT", "DELETE"],
            "allow_headers": ["X-Token", "Content-Type", "Authorization"],
            "expose_headers": ["X-Total"],
        },
        safe=True,
        # Answers to disallowed origins carry no Vary: Origin.
        expect=frozenset({F.MISSING_VARY}),
        severity=Severity.MEDIUM,
    ),
)


def _flask_app(options: dict[str, Any]) -> Any:
    flask = pytest.importorskip("flask")
    flask_cors = pytest.importorskip("flask_cors")
    app = flask.Flask(f"corsspec_test_{abs(hash(repr(options)))}")

    methods = ["GET", "PUT", "POST", "DELETE", "PATCH"]

    def items() -> Any:
        return flask.Response("items", headers={"X-Total": "3"})

    def boom() -> Any:
        raise RuntimeError("boom")

    app.add_url_rule("/items", "items", items, methods=methods)
    app.add_url_rule("/boom", "boom", boom, methods=methods)
    flask_cors.CORS(app, **options)
    return app


@pytest.mark.parametrize("config", FLASK, ids=[c.id for c in FLASK])
def test_flask_cors_importer_fidelity(config: Config) -> None:
    server = WsgiServer(_flask_app(config.options), raise_app_exceptions=False)
    _check_fidelity(server, from_flask_cors(**config.options))


@pytest.mark.parametrize("config", FLASK, ids=[c.id for c in FLASK])
def test_flask_cors_audits(config: Config) -> None:
    server = WsgiServer(_flask_app(config.options), raise_app_exceptions=False)
    _check_audits(config, server, from_flask_cors(**config.options))


# -- django-cors-headers ---------------------------------------------------------------

DJANGO = (
    Config(
        id="allow-all-with-credentials",
        options={"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True},
        expect=frozenset({F.REFLECTION_WITH_CREDENTIALS}),
    ),
    Config(
        id="regex-not-end-anchored",
        options={
            "CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.example\.com"],
            "CORS_ALLOW_CREDENTIALS": True,
        },
        expect=frozenset({F.PREFIX_MATCH}),
    ),
    Config(
        id="schemeless-entry-trusts-null",
        options={
            "CORS_ALLOWED_ORIGINS": [LEGIT, "app.example.com"],
            "CORS_ALLOW_CREDENTIALS": True,
        },
        expect=frozenset({F.NULL_ORIGIN}),
    ),
    Config(
        id="safe-exact",
        options={
            "CORS_ALLOWED_ORIGINS": [LEGIT],
            "CORS_ALLOW_CREDENTIALS": True,
            "CORS_ALLOW_HEADERS": ["x-token", "content-type", "authorization"],
            "CORS_EXPOSE_HEADERS": ["X-Total"],
        },
        safe=True,
    ),
)


@pytest.fixture(scope="module")
def django_app() -> Any:
    pytest.importorskip("corsheaders")
    django = pytest.importorskip("django")
    conf = importlib.import_module("django.conf")
    if not conf.settings.configured:
        conf.settings.configure(
            DEBUG=False,
            SECRET_KEY="corsspec-test",
            ALLOWED_HOSTS=["*"],
            ROOT_URLCONF="tests.servers._django_urls",
            MIDDLEWARE=[
                "corsheaders.middleware.CorsMiddleware",
                "django.middleware.common.CommonMiddleware",
            ],
            INSTALLED_APPS=["corsheaders"],
            USE_TZ=True,
            LOGGING_CONFIG=None,
        )
        django.setup()
    wsgi = importlib.import_module("django.core.wsgi")
    return wsgi.get_wsgi_application()


@attrs.frozen
class _DjangoServer:
    """The Django app with one configuration's CORS settings in force per request."""

    server: WsgiServer
    settings: dict[str, Any]

    def respond(self, request: cs.Request) -> cs.Response:
        override = importlib.import_module("django.test.utils").override_settings
        with override(**self.settings):
            return self.server.respond(request)


@pytest.mark.parametrize("config", DJANGO, ids=[c.id for c in DJANGO])
def test_django_cors_headers_importer_fidelity(config: Config, django_app: Any) -> None:
    server = _DjangoServer(WsgiServer(django_app, raise_app_exceptions=False), config.options)
    _check_fidelity(server, from_django_cors_headers(config.options))


@pytest.mark.parametrize("config", DJANGO, ids=[c.id for c in DJANGO])
def test_django_cors_headers_audits(config: Config, django_app: Any) -> None:
    server = _DjangoServer(WsgiServer(django_app, raise_app_exceptions=False), config.options)
    _check_audits(config, server, from_django_cors_headers(config.options))

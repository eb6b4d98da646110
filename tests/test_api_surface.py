"""Public API: an ``__all__`` snapshot; every public model frozen, slotted, hashable, picklable."""

from __future__ import annotations

import enum
import importlib
import pickle
import re
from collections.abc import Callable

import attrs
import pytest

import corsspec as cs

# Any change to the public API shows up here, in review.
PUBLIC_API_SNAPSHOT = [
    "ALL_BROWSERS",
    "AdapterError",
    "Api",
    "Body",
    "BodyKind",
    "BrowserFamily",
    "BrowserProfile",
    "CHROMIUM",
    "CacheEntry",
    "CacheKey",
    "CacheWildcard",
    "CookieJar",
    "CookieReason",
    "CorsspecError",
    "Credentials",
    "Evaluation",
    "Exchange",
    "FIREFOX",
    "HeaderNameSet",
    "InvalidHeaderError",
    "InvalidMethodError",
    "InvalidOriginError",
    "InvalidRequestError",
    "InvalidURLError",
    "MaxAgeOverflow",
    "MissingExtraError",
    "Mode",
    "Note",
    "NoteCode",
    "Origin",
    "PROFILES",
    "Policy",
    "PolicyError",
    "PolicyProblem",
    "PreflightCache",
    "PreflightCheckOrder",
    "ProblemCode",
    "Reason",
    "ReasonCode",
    "RedirectMode",
    "Request",
    "Response",
    "ResponseType",
    "SPEC",
    "ScriptError",
    "ScriptProblem",
    "Server",
    "ServerLike",
    "Stage",
    "StreamBodySupport",
    "ThirdPartyCookies",
    "URL",
    "WEBKIT",
    "__version__",
    "evaluate",
    "explanation",
    "get_profile",
    "needs_preflight",
    "parse_origin",
    "parse_url",
    "preflight_request",
    "unsafe_header_names",
]


def test_public_api_snapshot() -> None:
    assert sorted(cs.__all__) == PUBLIC_API_SNAPSHOT


def test_all_names_exist_and_dir_matches() -> None:
    for name in cs.__all__:
        assert hasattr(cs, name), name
    assert len(set(cs.__all__)) == len(cs.__all__)
    assert sorted(dir(cs)) == sorted(cs.__all__)


def test_lazy_exports_match_the_type_checking_imports() -> None:
    # corsspec/__init__.py lists each public name twice: in the TYPE_CHECKING imports
    # (what type checkers see) and in _EXPORTS (what __getattr__ loads). They must name
    # the same objects, and cover __all__.
    import ast
    import importlib
    from pathlib import Path

    tree = ast.parse(Path(cs.__file__).read_text(encoding="utf-8"))
    static: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom)
                assert stmt.module is not None
                static.update({alias.name: stmt.module for alias in stmt.names})
    exports = cs._EXPORTS
    assert {name: f"corsspec.{module}" for name, module in exports.items()} == static
    assert set(exports) | {"__version__"} == set(cs.__all__)
    for name, module in exports.items():
        assert getattr(cs, name) is getattr(importlib.import_module(f"corsspec.{module}"), name)
    with pytest.raises(AttributeError, match="no_such_name"):
        cs.no_such_name  # type: ignore[attr-defined]  # noqa: B018


def test_import_corsspec_defers_the_engine() -> None:
    # `import corsspec` alone loads no submodule but _version; the first use of a name
    # loads the module that defines it (and what that imports), nothing more.
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "import corsspec\n"
        "before = sorted(m for m in sys.modules if m.startswith('corsspec.'))\n"
        "corsspec.Request\n"
        "after = sorted(m for m in sys.modules if m.startswith('corsspec.'))\n"
        "print(' '.join(before)); print(' '.join(after))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert out[0].split() == ["corsspec._version"]
    after = set(out[1].split())
    assert "corsspec.engine.model" in after
    assert "corsspec.engine.fetch" not in after
    assert "corsspec.server.policy" not in after


def _request() -> cs.Request:
    return cs.Request(
        method="PUT",
        url="https://api.example/x",
        origin="https://app.example",
        headers=[("X-A", "1")],
        body=cs.Body.text("x"),
    )


def _evaluation() -> cs.Evaluation:
    exchange = cs.Exchange(
        preflight=cs.Response(
            status=204,
            headers=[
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Allow-Headers", "x-a"),
            ],
        ),
        actual=cs.Response(headers=[("Access-Control-Allow-Origin", "*")]),
    )
    return cs.evaluate(_request(), exchange, browser=cs.SPEC, cache=cs.PreflightCache())


# One representative instance per public attrs class.
SAMPLES: dict[str, Callable[[], object]] = {
    "Body": lambda: cs.Body.form_data((("a", "1"),)),
    "BrowserProfile": lambda: cs.CHROMIUM,
    "CacheEntry": lambda: cs.CacheEntry(
        origin="https://app.example",
        url="https://api.example/",
        credentials=False,
        expires=5.0,
        method="PUT",
    ),
    "CacheKey": lambda: cs.CacheKey(origin="null", url="https://api.example/", credentialed=True),
    "CookieJar": lambda: cs.CookieJar.from_set_cookie(
        "https://api.example/", ["sid=1; SameSite=None; Secure", "a=2; Path=/x"]
    ),
    "Evaluation": _evaluation,
    "Exchange": lambda: cs.Exchange(actual=cs.Response(status=204)),
    "HeaderNameSet": lambda: cs.HeaderNameSet.from_items(["X-A", "*"]),
    "Note": lambda: cs.Note(code=cs.NoteCode.PREFLIGHT_CACHE_HIT, detail="x"),
    "Origin": lambda: cs.parse_origin("https://app.example:8443"),
    "Policy": lambda: cs.Policy(
        allow_origins=["https://app.example"], allow_methods=["PUT"], allow_headers=["X-A"]
    ),
    "PolicyProblem": lambda: cs.PolicyProblem(
        field="allow_origins", value="x", code=next(iter(cs.ProblemCode))
    ),
    "PreflightCache": lambda: _evaluation().cache,
    "Reason": lambda: cs.Reason(code=cs.ReasonCode.ACAO_MISSING, stage=cs.Stage.ACTUAL, header="h"),
    "Request": _request,
    "Response": lambda: cs.Response(status=301, headers=[("Location", "/x"), ("location", "/y")]),
    "URL": lambda: cs.parse_url("https://u:p@api.example:8443/p?q#f"),
}

PUBLIC_ATTRS_CLASSES = sorted(
    name
    for name in cs.__all__
    if isinstance(getattr(cs, name), type) and attrs.has(getattr(cs, name))
)


def test_every_public_attrs_class_has_a_sample() -> None:
    assert sorted(SAMPLES) == PUBLIC_ATTRS_CLASSES


@pytest.mark.parametrize("name", PUBLIC_ATTRS_CLASSES)
def test_public_model_shape(name: str) -> None:
    cls = getattr(cs, name)
    assert attrs.has(cls)
    instance = SAMPLES[name]()
    assert type(instance) is cls
    # Touch every cached property first: caches must not leak into equality, hashing
    # or pickling.
    for attr in ("headers_view", "index", "origin", "href"):
        if isinstance(getattr(cls, attr, None), property) or attr in getattr(cls, "__dict__", {}):
            getattr(instance, attr, None)
    # Slotted: no per-instance __dict__.
    assert "__slots__" in cls.__dict__
    assert not hasattr(instance, "__dict__")
    # Frozen: assignment to any field raises.
    first = attrs.fields(cls)[0].name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(instance, first, getattr(instance, first))
    # Hashable and a value.
    assert isinstance(hash(instance), int)
    assert instance == SAMPLES[name]()
    assert hash(instance) == hash(SAMPLES[name]())
    # Pickle round trip.
    restored = pickle.loads(pickle.dumps(instance))
    assert restored == instance
    assert hash(restored) == hash(instance)


def test_models_are_kw_only() -> None:
    for name in PUBLIC_ATTRS_CLASSES:
        cls = getattr(cs, name)
        assert all(a.kw_only for a in attrs.fields(cls)), name


PUBLIC_ENUMS = sorted(
    name
    for name in cs.__all__
    if isinstance(getattr(cs, name), type) and issubclass(getattr(cs, name), enum.Enum)
)
_KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@pytest.mark.parametrize("name", PUBLIC_ENUMS)
def test_enum_values_are_stable_kebab_case(name: str) -> None:
    members = list(getattr(cs, name))
    values = [m.value for m in members]
    assert len(set(values)) == len(values)
    for member in members:
        assert isinstance(member.value, str), member
        assert _KEBAB.fullmatch(member.value), member
        assert member.name == member.name.upper(), member


@pytest.mark.parametrize("name", ["Api", "Credentials", "Mode", "RedirectMode", "ResponseType"])
def test_enum_values_are_the_spec_tokens(name: str) -> None:
    # Fetch IDL enums (RequestMode, RequestCredentials, RequestRedirect, ResponseType).
    expected = {
        "Api": {"fetch", "xhr"},
        "Credentials": {"omit", "same-origin", "include"},
        "Mode": {"cors", "no-cors", "same-origin"},
        "RedirectMode": {"follow", "error", "manual"},
        "ResponseType": {"basic", "cors", "opaque", "opaqueredirect"},
    }[name]
    assert {m.value for m in getattr(cs, name)} == expected


def test_exceptions_hierarchy() -> None:
    # STYLE "Errors": each subclasses the built-in whose meaning it shares.
    assert issubclass(cs.InvalidOriginError, ValueError)
    assert issubclass(cs.InvalidURLError, ValueError)
    assert issubclass(cs.InvalidHeaderError, ValueError)
    assert issubclass(cs.InvalidMethodError, ValueError)
    assert issubclass(cs.InvalidRequestError, ValueError)
    assert issubclass(cs.ScriptError, TypeError)
    assert issubclass(cs.PolicyError, ValueError)
    assert issubclass(cs.MissingExtraError, ImportError)
    for name in cs.__all__:
        obj = getattr(cs, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, cs.CorsspecError), name


def test_profiles() -> None:
    assert cs.ALL_BROWSERS == (cs.CHROMIUM, cs.FIREFOX, cs.WEBKIT)
    assert set(cs.PROFILES) == {"chromium", "firefox", "webkit", "spec"}
    for name, profile in cs.PROFILES.items():
        assert cs.get_profile(name) is profile
        assert cs.get_profile(name.upper()) is profile
        assert profile.name == name
    with pytest.raises(cs.InvalidRequestError):
        cs.get_profile("netscape")
    with pytest.raises(cs.InvalidRequestError):
        cs.get_profile(None)


CORE_MODULES = [
    "errors",
    "engine._abnf",
    "engine.reasons",
    "engine.headers",
    "engine.url",
    "engine.model",
    "engine.safelist",
    "engine.browsers",
    "engine.preflight",
    "engine.cache",
    "engine.check",
    "engine.sites",
    "engine.cookies",
    "engine.fetch",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_all_and_dir(module: str) -> None:
    # STYLE rule 12: `__all__` in every module and `__dir__` returning it.
    mod = importlib.import_module(f"corsspec.{module}")
    names = mod.__all__
    assert len(set(names)) == len(names)
    for name in names:
        assert hasattr(mod, name), f"corsspec.{module}.{name}"
    assert sorted(dir(mod)) == sorted(names)


def test_version() -> None:
    assert isinstance(cs.__version__, str)
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?([a-z0-9.+-]*)", cs.__version__)

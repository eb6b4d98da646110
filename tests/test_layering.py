"""Import layering (STYLE "Layout"): imports go one way only, and the core does no I/O.

Every module under ``corsspec/`` is parsed with :mod:`ast`. Module-level imports of
``corsspec`` modules must point to a lower layer (same-layer imports only where the
STYLE table allows them); function-level (lazy) imports must carry ``# noqa: PLC0415``;
layers 0-4 may not import I/O, clock, randomness or third-party modules other than
attrs and multidict. A fresh interpreter checks what ``import corsspec`` loads.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import corsspec

PACKAGE_DIR = Path(corsspec.__file__).parent
ROOT = PACKAGE_DIR.parent

# STYLE "Layout": the layer of each module. Inside a layer, the fraction orders modules
# that build on each other (docs/how-it-works.md, "Modules"): safelist is data that model
# and browsers read; check is what preflight's CORS check calls; fetch, then policy and
# explain, then importers and audit, then synthesis compose what is below them. A module
# may import only modules with a strictly smaller number (or, inside one adapter package,
# its siblings). The package itself (``corsspec``) re-exports the core, above layer 4.
LAYERS: dict[str, float] = {
    "corsspec._abnf": 0,
    "corsspec._memo": 0,
    "corsspec.errors": 0,
    "corsspec.reasons": 0,
    "corsspec._version": 0,
    "corsspec.headers": 1,
    "corsspec.origins": 1,
    "corsspec.safelist": 2,
    "corsspec.model": 2.1,
    "corsspec.browsers": 2.1,
    "corsspec.check": 3,
    "corsspec.preflight": 3.1,
    "corsspec.cache": 3.1,
    "corsspec.fetch": 4,
    "corsspec.policy": 4.1,
    "corsspec.explain": 4.1,
    "corsspec.importers": 4.2,
    "corsspec.audit": 4.2,
    "corsspec.synthesis": 4.3,
    "corsspec": 4.5,
    "corsspec.testing": 6,
    "corsspec.cli": 7,
    "corsspec.__main__": 8,
}
# Same-layer imports are never needed: the fractions above order every pair.
SAME_LAYER_ALLOWED: frozenset[tuple[str, str]] = frozenset()
ADAPTERS_LAYER = 5
#: Layers 0-4 (up to synthesis, 4.3) are the sans-I/O core.
CORE_TOP = 4.4

# Layers 0-4 never touch sockets, files, the clock, randomness, processes or the network.
BANNED_IN_CORE = frozenset(
    {
        "socket",
        "asyncio",
        "time",
        "random",
        "os",
        "pathlib",
        "subprocess",
        "http",
        "urllib.request",
        "threading",
        "yaml",
    }
)
THIRD_PARTY_ALLOWED_IN_CORE = frozenset({"attrs", "multidict"})


def layer_of(module: str) -> float:
    """The STYLE layer of a corsspec module (KeyError for a module missing from the table)."""
    if module == "corsspec.adapters" or module.startswith("corsspec.adapters."):
        return ADAPTERS_LAYER
    return LAYERS[module]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULE_FILES: dict[str, Path] = {
    _module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py")) if "__pycache__" not in p.parts
}
MODULES = sorted(MODULE_FILES)


@attrs.frozen(kw_only=True)
class Import:
    """One import statement's target, as a dotted module name."""

    target: str
    line: int
    lazy: bool
    noqa: bool


def _is_package(module: str) -> bool:
    return module in MODULE_FILES and MODULE_FILES[module].name == "__init__.py"


def _resolve_from(module: str, node: ast.ImportFrom) -> list[str]:
    if node.level:
        package = module if _is_package(module) else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    targets = []
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        # `from pkg import submodule` imports the submodule; anything else the module.
        targets.append(candidate if candidate in MODULE_FILES else base)
    return targets


def imports_of(module: str) -> list[Import]:
    path = MODULE_FILES[module]
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source, filename=str(path))
    found: list[Import] = []

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                line = lines[child.lineno - 1]
                noqa = "noqa: PLC0415" in line or "noqa:PLC0415" in line
                if isinstance(child, ast.Import):
                    targets = [alias.name for alias in child.names]
                else:
                    if child.module == "__future__":
                        continue
                    targets = _resolve_from(module, child)
                for target in targets:
                    found.append(Import(target=target, line=child.lineno, lazy=lazy, noqa=noqa))
            visit(child, inner)

    visit(tree, False)
    return found


def test_every_module_is_in_the_layer_table() -> None:
    missing = []
    for module in MODULES:
        try:
            layer_of(module)
        except KeyError:
            missing.append(module)
    assert not missing, f"add these modules to the STYLE layer table and LAYERS: {missing}"


def _adapter_of(module: str) -> str | None:
    """``corsspec.adapters.<name>`` for a module inside one adapter, else None."""
    parts = module.split(".")
    if len(parts) >= 3 and parts[:2] == ["corsspec", "adapters"]:
        return ".".join(parts[:3])
    return None


def _adapter_import_allowed(module: str, target: str) -> bool:
    """STYLE: adapters never import each other, except the shared ``_common`` plumbing.

    Modules inside one adapter package (``adapters/apigateway/*``) may import each other.
    """
    if _adapter_of(module) is None:
        return False
    if target in ("corsspec.adapters._common", "corsspec.adapters"):
        return True
    return _adapter_of(target) == _adapter_of(module)


def _direction_problems(module: str) -> list[str]:
    problems: list[str] = []
    own = layer_of(module)
    for imp in imports_of(module):
        if imp.lazy:
            if not imp.noqa:
                problems.append(
                    f"line {imp.line}: function-level import of {imp.target} without "
                    "'# noqa: PLC0415' and a reason"
                )
            continue
        target = imp.target
        if target != "corsspec" and not target.startswith("corsspec."):
            continue
        if target == module:
            continue
        other = layer_of(target)
        if other > own:
            problems.append(f"line {imp.line}: imports {target} (layer {other}) from layer {own}")
        elif (
            other == own
            and (module, target) not in SAME_LAYER_ALLOWED
            and not _adapter_import_allowed(module, target)
        ):
            problems.append(
                f"line {imp.line}: same-layer import of {target} (layer {own}) "
                "not permitted by the STYLE table"
            )
    return problems


def _direction_params() -> list[object]:
    return [pytest.param(module, id=module) for module in MODULES]


@pytest.mark.parametrize("module", _direction_params())
def test_imports_go_downward(module: str) -> None:
    problems = _direction_problems(module)
    assert not problems, f"{module}:\n" + "\n".join(dict.fromkeys(problems))


def _is_stdlib(name: str) -> bool:
    return name.split(".")[0] in sys.stdlib_module_names


CORE_MODULES = [m for m in MODULES if layer_of(m) <= CORE_TOP]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_is_sans_io(module: str) -> None:
    problems = []
    for imp in imports_of(module):
        target = imp.target
        top = target.split(".")[0]
        if top == "corsspec":
            continue
        banned = any(target == b or target.startswith(b + ".") for b in BANNED_IN_CORE)
        if banned:
            problems.append(f"line {imp.line}: imports {target} (I/O, clock or randomness)")
        elif not _is_stdlib(target) and top not in THIRD_PARTY_ALLOWED_IN_CORE:
            problems.append(f"line {imp.line}: imports third-party {target}")
    assert not problems, f"{module}:\n" + "\n".join(problems)


def test_layer_table_covers_the_core() -> None:
    for module in (
        "corsspec._abnf",
        "corsspec.errors",
        "corsspec.reasons",
        "corsspec.headers",
        "corsspec.origins",
        "corsspec.model",
        "corsspec.safelist",
        "corsspec.browsers",
        "corsspec.preflight",
        "corsspec.cache",
        "corsspec.check",
        "corsspec.fetch",
    ):
        assert module in MODULE_FILES, module


def test_checker_sees_imports() -> None:
    # The checker itself: fetch imports preflight at module level and explain lazily.
    targets = {(i.target, i.lazy) for i in imports_of("corsspec.fetch")}
    assert ("corsspec.preflight", False) in targets
    assert ("corsspec.explain", True) in targets


def _python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_corsspec_loads_only_the_core() -> None:
    # Compare with what the interpreter had loaded before (site hooks may load modules).
    out = _python(
        "import sys\n"
        "before = set(sys.modules)\n"
        "import corsspec\n"
        "print('\\n'.join(sorted(set(sys.modules) - before)))\n"
    )
    loaded = set(out.split())
    forbidden = sorted(
        m
        for m in loaded
        if m.startswith(
            ("corsspec.adapters", "corsspec.cli", "corsspec.testing", "corsspec.__main__")
        )
        or (m.startswith("corsspec.") and layer_of(m) > CORE_TOP)
    )
    assert not forbidden, forbidden
    io = sorted(m for m in ("socket", "asyncio", "yaml", "http.client", "ssl") if m in loaded)
    assert not io, io
    third_party = sorted(
        m.split(".")[0]
        for m in loaded
        if not _is_stdlib(m)
        and m.split(".")[0] not in ("corsspec", "attrs", "attr", "multidict", "typing_extensions")
        and not m.startswith("_")
    )
    assert not third_party, third_party


def test_each_module_imports_in_a_fresh_state() -> None:
    # Import every module after forgetting all of corsspec, so a module that only works
    # when something else was imported first is caught.
    code = (
        "import importlib, sys, traceback\n"
        f"modules = {MODULES!r}\n"
        "failed = []\n"
        "for name in modules:\n"
        "    for loaded in [m for m in sys.modules if m.split('.')[0] == 'corsspec']:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        failed.append(name + ': ' + traceback.format_exc().splitlines()[-1])\n"
        "print('\\n'.join(failed))\n"
    )
    assert _python(code).strip() == ""

"""Import layering (DESIGN "Layers and layout"): imports go one way only, and the core does no I/O.

The packages are the layers: ``engine`` (the sans-I/O browser model) at the bottom, then
``explain`` and ``server`` (which build on the engine and never on each other), then
``adapters`` (I/O), then ``testing`` and ``cli``. ``errors`` and ``_version`` sit below
everything; the package itself (``corsspec/__init__``) re-exports the engine, the policy
model and the explanation, lazily. Every module under ``corsspec/`` is parsed with
:mod:`ast`; every import counts, lazy (function-level) ones included, and lazy ones must
also carry ``# noqa: PLC0415`` with a reason. Inside a package, modules may import their
siblings, but the whole module graph must have no cycle. Imports by string
(``importlib.import_module``, ``__import__``) are rejected, except the one PEP 562 loader in
``corsspec/__init__`` whose table is checked here instead. ``python -m tests.test_layering``
prints the package graph.
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

#: The layer of each package (or top-level module), by longest matching prefix.
#: A module may import modules of a strictly lower layer, and its own package's modules.
LAYERS: dict[str, int] = {
    "corsspec._version": 0,
    "corsspec.errors": 0,
    "corsspec.findings": 0,
    "corsspec.engine": 1,
    "corsspec.explain": 2,
    "corsspec.server": 2,
    "corsspec": 3,
    "corsspec.adapters": 4,
    "corsspec.testing": 5,
    "corsspec.cli": 5,
    "corsspec.__main__": 6,
}
#: Layers up to here are the sans-I/O core (engine, explain, server).
CORE_TOP = 2

# The core never touches sockets, files, the clock, randomness, processes or the network.
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
        "importlib",
    }
)
THIRD_PARTY_ALLOWED_IN_CORE = frozenset({"attrs", "multidict"})

#: Modules allowed to import by string, and why: the package's PEP 562 loader (its targets
#: come from ``corsspec._EXPORTS``, which ``test_lazy_exports_point_down`` checks), and
#: loaders of user code named on the command line. A string naming a corsspec module is
#: rejected everywhere.
STRING_IMPORT_ALLOWED: dict[str, str] = {
    "corsspec": "PEP 562 lazy re-exports; targets checked against the layer table",
    # Loading the *user's* code by the name they gave; never a corsspec module.
    "corsspec.adapters.aws.apigateway._lambda": "imports the user's Lambda handler module",
}


def package_of(module: str) -> str:
    """The entry of :data:`LAYERS` that a module belongs to (longest prefix)."""
    best = ""
    for prefix in LAYERS:
        if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    if not best:
        raise KeyError(module)
    return best


def layer_of(module: str) -> int:
    """The layer of a corsspec module (KeyError for a module outside the table)."""
    return LAYERS[package_of(module)]


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
    """Adapters never import each other, except the shared ``_common`` plumbing.

    Modules inside one adapter package (``adapters/aws/*``) may import each other.
    """
    if target in ("corsspec.adapters._common", "corsspec.adapters"):
        return True
    return _adapter_of(target) == _adapter_of(module)


def _corsspec_imports(module: str) -> list[Import]:
    return [
        imp
        for imp in imports_of(module)
        if (imp.target == "corsspec" or imp.target.startswith("corsspec.")) and imp.target != module
    ]


def _direction_problems(module: str) -> list[str]:
    problems: list[str] = []
    own, own_layer = package_of(module), layer_of(module)
    for imp in imports_of(module):
        if imp.lazy and not imp.noqa:
            problems.append(
                f"line {imp.line}: function-level import of {imp.target} without "
                "'# noqa: PLC0415' and a reason"
            )
    for imp in _corsspec_imports(module):
        target = imp.target
        kind = "lazy import" if imp.lazy else "import"
        if package_of(target) == own:
            if own == "corsspec.adapters" and not _adapter_import_allowed(module, target):
                problems.append(f"line {imp.line}: {kind} of another adapter, {target}")
            continue
        if layer_of(target) >= own_layer:
            problems.append(
                f"line {imp.line}: {kind} of {target} ({package_of(target)}, layer "
                f"{layer_of(target)}) from {own} (layer {own_layer})"
            )
    return problems


def _direction_params() -> list[object]:
    return [pytest.param(module, id=module) for module in MODULES]


@pytest.mark.parametrize("module", _direction_params())
def test_imports_go_downward(module: str) -> None:
    problems = _direction_problems(module)
    assert not problems, f"{module}:\n" + "\n".join(dict.fromkeys(problems))


def module_graph() -> dict[str, set[str]]:
    """Every corsspec module's corsspec imports, lazy ones included."""
    return {m: {imp.target for imp in _corsspec_imports(m)} for m in MODULES}


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_no_import_cycle_lazy_imports_included() -> None:
    # The package __init__ imports nothing at module level but _version; its lazy loader
    # is checked by test_lazy_exports_point_down. Leaving it out of the graph keeps
    # `import corsspec as cs` (in adapters) from looking like a cycle through it.
    graph = {m: {t for t in ts if t != "corsspec"} for m, ts in module_graph().items()}
    cycle = _find_cycle(graph)
    assert cycle is None, " -> ".join(cycle or ())


def test_cycle_finder_finds_cycles() -> None:
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def _string_imports(module: str) -> list[int]:
    tree = ast.parse(MODULE_FILES[module].read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            if name in ("import_module", "__import__"):
                lines.append(node.lineno)
    return lines


def _literal_corsspec_string_imports(module: str) -> list[int]:
    tree = ast.parse(MODULE_FILES[module].read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and node.lineno in _string_imports(module):
            arg = node.args[0]
            text = (
                arg.value
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                else arg.values[0].value
                if isinstance(arg, ast.JoinedStr)
                and arg.values
                and isinstance(arg.values[0], ast.Constant)
                else ""
            )
            if isinstance(text, str) and text.startswith("corsspec"):
                found.append(node.lineno)
    return found


@pytest.mark.parametrize("module", MODULES)
def test_no_string_imports(module: str) -> None:
    assert not _literal_corsspec_string_imports(module), module
    if module in STRING_IMPORT_ALLOWED:
        assert _string_imports(module), f"{module} no longer needs its allow-list entry"
        return
    assert not _string_imports(module), f"{module}: import by string at {_string_imports(module)}"


def test_lazy_exports_point_down() -> None:
    exports: dict[str, str] = corsspec._EXPORTS
    for name, where in exports.items():
        target = f"corsspec.{where}"
        assert target in MODULE_FILES, (name, target)
        assert layer_of(target) < layer_of("corsspec"), (name, target)


def package_graph() -> dict[str, set[str]]:
    """The import graph between the layer table's packages (lazy imports included)."""
    out: dict[str, set[str]] = {p: set() for p in LAYERS}
    for module, targets in module_graph().items():
        for target in targets:
            if package_of(target) != package_of(module):
                out[package_of(module)].add(package_of(target))
    exports: dict[str, str] = corsspec._EXPORTS
    out["corsspec"] |= {package_of(f"corsspec.{where}") for where in exports.values()}
    return out


def render_package_graph() -> str:
    graph = package_graph()
    rows = []
    for package in sorted(graph, key=lambda p: (LAYERS[p], p)):
        targets = ", ".join(sorted(graph[package], key=lambda p: (LAYERS[p], p))) or "-"
        rows.append(f"  [{LAYERS[package]}] {package} -> {targets}")
    return "corsspec import graph (layer, package -> what it imports):\n" + "\n".join(rows)


def test_package_graph_runs_one_way(capsys: pytest.CaptureFixture[str]) -> None:
    graph = package_graph()
    back = [(a, b) for a, targets in graph.items() for b in targets if LAYERS[b] >= LAYERS[a]]
    with capsys.disabled():
        print("\n" + render_package_graph())
    assert not back
    # The shape the architecture promises: engine depends on nothing above it.
    assert graph["corsspec.engine"] <= {"corsspec.errors", "corsspec._version"}
    assert "corsspec.server" not in graph["corsspec.explain"]
    assert "corsspec.explain" not in graph["corsspec.server"]


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
        "corsspec.engine._abnf",
        "corsspec.errors",
        "corsspec.engine.reasons",
        "corsspec.engine.headers",
        "corsspec.engine.url",
        "corsspec.engine.model",
        "corsspec.engine.safelist",
        "corsspec.engine.browsers",
        "corsspec.engine.preflight",
        "corsspec.engine.cache",
        "corsspec.engine.check",
        "corsspec.engine.fetch",
    ):
        assert module in MODULE_FILES, module


def test_checker_sees_imports() -> None:
    # The checker itself: fetch imports preflight at module level; the CLI imports the
    # gateway adapter lazily (an optional extra).
    targets = {(i.target, i.lazy) for i in imports_of("corsspec.engine.fetch")}
    assert ("corsspec.engine.preflight", False) in targets
    lazy = {(i.target, i.lazy) for i in imports_of("corsspec.cli")}
    assert ("corsspec.adapters.aws.apigateway", True) in lazy


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


if __name__ == "__main__":
    print(render_package_graph())

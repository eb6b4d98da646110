"""The code blocks of docs/adapters.md and docs/testing.md run, so the docs stay true."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.adapters

DOCS = Path(__file__).resolve().parents[2] / "docs"
FIXTURES = Path(__file__).parent / "fixtures"
_BLOCK = re.compile(r"^```python([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
PLUGIN_ARGS = ("-p", "no:corsspec", "-p", "corsspec.testing", "-p", "no:cacheprovider")


def blocks(page: str) -> list[str]:
    """The page's ```python blocks, minus those marked ``no-run``."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return [body for info, body in _BLOCK.findall(text) if "no-run" not in info]


def test_adapters_page_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for module in ("starlette", "flask", "flask_cors"):
        pytest.importorskip(module)
    shutil.copy(FIXTURES / "chromium.har", tmp_path / "capture.har")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "docs_adapters"}
    found = blocks("adapters.md")
    assert len(found) >= 8
    for number, code in enumerate(found, 1):
        exec(compile(code, f"docs/adapters.md block {number}", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "blocked" in printed
    assert "preflight: not in the HAR" in printed


def test_testing_page_runs(pytester: pytest.Pytester) -> None:
    for module in ("starlette", "flask", "flask_cors"):
        pytest.importorskip(module)
    files = {}
    for code in blocks("testing.md"):
        first, _, rest = code.partition("\n")
        match = re.fullmatch(r"# (\w+\.py)", first.strip())
        assert match, f"every python block on testing.md names its file: {first!r}"
        files[match.group(1)] = rest
    assert set(files) == {"test_shop.py", "conftest.py", "test_api.py"}
    for name, code in files.items():
        (pytester.path / name).write_text(code, encoding="utf-8")
    result = pytester.runpytest(*PLUGIN_ARGS)
    result.assert_outcomes(passed=3 + 3 + 1 + 2 + 1)

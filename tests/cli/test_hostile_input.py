"""Hostile input to the command line: one line and exit 2, or one line and exit 3; never
a traceback, never a hang, never an unbounded read."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

import corsspec.cli as cli
from corsspec.cli import EXIT_INTERNAL, EXIT_USAGE, MAX_SCENARIO_BYTES, main

ROOT = Path(__file__).resolve().parents[2]

_CASE = (
    '{"cases": [{"name": "a", "request": {"url": "https://api.example/", '
    '"origin": "https://app.example"}, "response": {"status": STATUS}}]}'
)


def run(argv: Sequence[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def assert_one_line(err: str) -> None:
    assert err.startswith("corsspec: error: ")
    assert err.count("\n") == 1
    assert err.endswith("\n")
    assert "Traceback" not in err


def _deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def _deep_yaml(depth: int) -> str:
    return "cases:\n" + "".join(" " * (i + 2) + f"- k{i}:\n" for i in range(depth))


HOSTILE_FILES = [
    pytest.param("deep.json", _deep_json(100_000), "nested too deeply", id="json-100000-deep"),
    pytest.param("deep.yaml", _deep_yaml(20_000), "", id="yaml-20000-deep"),
    pytest.param("n.json", _CASE.replace("STATUS", "9" * 5000), "digits", id="huge-int-json"),
    pytest.param(
        "n.yaml",
        "cases:\n- name: a\n  response: {status: " + "9" * 5000 + "}\n",
        "digits",
        id="huge-int-yaml",
    ),
    pytest.param("bad.json", "\xff\xfe", "UTF-8", id="not-utf8"),
]


@pytest.mark.parametrize(("name", "text", "needle"), HOSTILE_FILES)
def test_hostile_scenario_file_is_one_line_exit_2(
    tmp_path: Path, name: str, text: str, needle: str
) -> None:
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1") if needle == "UTF-8" else text.encode())
    code, out, err = run(["explain", str(path)])
    assert code == EXIT_USAGE, err
    assert_one_line(err)
    assert needle in err
    assert out == ""


def test_oversized_scenario_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with open(path, "wb") as fh:
        fh.truncate(MAX_SCENARIO_BYTES + 1)
    code, _, err = run(["explain", str(path)])
    assert code == EXIT_USAGE
    assert_one_line(err)
    assert f"limit of {MAX_SCENARIO_BYTES} bytes" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("command", ["explain", "check --scenario", "gateway"])
def test_fifo_and_dev_zero_are_refused_at_once(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "s.json"
    os.mkfifo(fifo)
    targets = [str(fifo)] + (["/dev/zero"] if os.path.exists("/dev/zero") else [])
    for target in targets:
        started = time.monotonic()
        code, _, err = run([*command.split(), target])
        assert time.monotonic() - started < 5
        assert code == EXIT_USAGE, err
        assert_one_line(err)
        assert "not a regular file" in err


def test_directory_is_one_line(tmp_path: Path) -> None:
    code, _, err = run(["explain", str(tmp_path)])
    assert code == EXIT_USAGE
    assert "is a directory" in err


def test_stdin_is_read_with_an_explicit_dash() -> None:
    text = _CASE.replace("STATUS", "200")
    proc = subprocess.run(
        [sys.executable, "-m", "corsspec", "explain", "-", "--json"],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr  # no ACAO: blocked
    assert json.loads(proc.stdout)["cases"][0]["name"] == "a"


def test_stdin_over_the_cap_is_refused() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "corsspec", "explain", "-"],
        input=b" " * (MAX_SCENARIO_BYTES + 10),
        capture_output=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == EXIT_USAGE
    assert b"larger than the limit" in proc.stderr
    assert b"Traceback" not in proc.stderr


def test_json_error_is_an_object_on_stdout(tmp_path: Path) -> None:
    code, out, err = run(["explain", str(tmp_path / "missing.json"), "--json"])
    assert code == EXIT_USAGE
    assert_one_line(err)
    body = json.loads(out)
    assert body == {
        "schema": "corsspec.error/1",
        "error": "usage",
        "message": f"{tmp_path / 'missing.json'}: no such file",
        "exit_code": EXIT_USAGE,
    }


def test_internal_error_is_one_line_exit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> object:
        raise KeyError("boom")

    monkeypatch.setattr(cli, "evaluate", broken)
    argv = ["check", "https://api.example/", "--origin", "https://app.example", "--json"]
    code, out, err = run(argv)
    assert code == EXIT_INTERNAL
    assert_one_line(err)
    assert "internal error (KeyError" in err
    assert "please report it" in err
    assert json.loads(out)["error"] == "internal"


def test_an_error_whose_message_cannot_be_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    class UnprintableError(Exception):
        def __str__(self) -> str:
            raise ValueError("no")

    def broken(*_: object, **__: object) -> object:
        raise UnprintableError

    monkeypatch.setattr(cli, "evaluate", broken)
    code, _, err = run(["check", "https://api.example/", "--origin", "https://app.example"])
    assert code == EXIT_INTERNAL
    assert_one_line(err)
    assert "cannot be printed" in err


def test_long_error_messages_are_clipped(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"cases": [], "x" * 100_000: 1}), encoding="utf-8")
    code, _, err = run(["explain", str(path)])
    assert code == EXIT_USAGE
    assert_one_line(err)
    assert len(err) < 3000
    assert "more characters)" in err


def test_help_documents_exit_code_3() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "corsspec", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert "3 internal error" in " ".join(proc.stdout.split())
    assert "| 3 |" in (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def test_gateway_alias_bomb_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    text = "Metadata:\n" + "".join(f"  {line}\n" for line in lines)
    text += "Resources:\n  Api: {Type: AWS::ApiGateway::RestApi}\n"
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    code, _, err = run(["gateway", str(path)])
    assert time.monotonic() - started < 30
    assert code == EXIT_USAGE
    assert_one_line(err)
    assert "too-large" in err

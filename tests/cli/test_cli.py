"""The ``corsspec`` command through its real entry points, against golden output.

Golden files live in tests/cli/golden/; ``CORSSPEC_UPDATE_GOLDEN=1 pytest tests/cli``
rewrites them from the current output (review the diff before committing).
"""

from __future__ import annotations

import importlib
import io
import json
import os
import re
import subprocess
import sys
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import corsspec
from corsspec import ReasonCode
from corsspec.cli import main
from tests.cli.reachability import API, APP, REASON_FLAGS

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLE = "examples/spa-apigateway.json"
UPDATE = os.environ.get("CORSSPEC_UPDATE_GOLDEN") == "1"


class _TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(argv: Sequence[str], *, tty: bool = False) -> tuple[int, str, str]:
    """Run ``corsspec argv`` in-process (the argparse entry point); (code, stdout, stderr)."""
    out: io.StringIO = _TTY() if tty else io.StringIO()
    err = io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"missing golden {name}: run with CORSSPEC_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.fixture(autouse=True)
def _repo_cwd_and_plain_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("NO_COLOR", raising=False)


# -- golden output -----------------------------------------------------------------------

TEXT_GOLDEN: tuple[tuple[str, list[str], int], ...] = (
    ("explain-spa-apigateway.txt", ["explain", EXAMPLE], 1),
    (
        "check-allowed-put.txt",
        [
            "check",
            API,
            "--origin",
            APP,
            "-X",
            "PUT",
            "-H",
            "Content-Type: application/json",
            "--preflight-response",
            "204",
            f"Access-Control-Allow-Origin: {APP}",
            "Access-Control-Allow-Methods: PUT",
            "Access-Control-Allow-Headers: content-type",
            "--response",
            "200",
            f"Access-Control-Allow-Origin: {APP}",
            "X-Request-Id: 7",
        ],
        0,
    ),
    (
        "check-preflight-403.txt",
        [
            "check",
            API,
            "--origin",
            APP,
            "-X",
            "DELETE",
            "-H",
            "Authorization: Bearer t",
            "--preflight-response",
            "HTTP/1.1 403 Forbidden",
            "x-amzn-ErrorType: MissingAuthenticationTokenException",
        ],
        1,
    ),
    (
        "check-error-without-cors.txt",
        ["check", API, "--origin", APP, "--response", "502", "Content-Type: application/json"],
        1,
    ),
    (
        "check-engines-differ.txt",
        [
            "check",
            API,
            "--origin",
            APP,
            "-H",
            "Authorization: Bearer t",
            "--preflight-response",
            "204",
            "Access-Control-Allow-Origin: *",
            "Access-Control-Allow-Headers: *",
            "--response",
            "200",
            "Access-Control-Allow-Origin: *",
        ],
        1,
    ),
    (
        "check-wildcard-credentials.txt",
        [
            "check",
            API,
            "--origin",
            APP,
            "--credentials",
            "--browser",
            "firefox",
            "--response",
            "200",
            "Access-Control-Allow-Origin: *",
            "Access-Control-Allow-Credentials: true",
        ],
        1,
    ),
)


@pytest.mark.parametrize(("name", "argv", "code"), TEXT_GOLDEN, ids=[g[0] for g in TEXT_GOLDEN])
def test_text_golden(name: str, argv: list[str], code: int) -> None:
    got, out, err = run(argv)
    assert (got, err) == (code, "")
    assert "\x1b[" not in out
    check_golden(name, out)


def test_example_json_golden() -> None:
    code, out, err = run(["explain", EXAMPLE, "--json"])
    assert (code, err) == (1, "")
    check_golden("explain-spa-apigateway.json", out)
    report = json.loads(out)
    assert report["schema"] == "corsspec.report/1"
    assert report["exit_code"] == 1
    results = report["cases"][0]["results"]
    assert [r["browser"] for r in results] == ["chromium", "firefox", "webkit", "spec"]
    for result in results:
        assert result["reason"]["code"] == "acac-not-true"
        assert result["reason"]["stage"] == "preflight"
        assert result["fix"]["header"] == "access-control-allow-credentials"
        assert result["fix"]["response"] == "preflight"
        assert result["plan"]["passes"] is True


def test_example_text_shows_the_fix_for_every_engine() -> None:
    _, out, _ = run(["explain", EXAMPLE])
    assert "all engines agree" in out
    assert (
        '1. send "Access-Control-Allow-Credentials: true" on the OPTIONS (preflight) response'
        in out
    )
    assert "then the request passes" in out
    for fragment in (
        "The value of the 'Access-Control-Allow-Credentials' header in the response is ''",
        "(Reason: expected \u2018true\u2019 in CORS header"
        " \u2018Access-Control-Allow-Credentials\u2019)",
        'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".',
    ):
        assert fragment in out


# -- every reason code through `corsspec check` ------------------------------------------


def test_reason_flag_table_covers_every_code() -> None:
    assert set(REASON_FLAGS) == set(ReasonCode)


@pytest.mark.parametrize("code", list(REASON_FLAGS), ids=[c.value for c in REASON_FLAGS])
def test_every_reason_reachable_from_flags(code: ReasonCode) -> None:
    args, browser = REASON_FLAGS[code]
    got, out, err = run(["check", *args, "--browser", browser, "--json"])
    assert (got, err) == (1, "")
    report = json.loads(out)
    result = report["cases"][0]["results"][0]
    assert result["browser"] == browser
    assert result["reason"]["code"] == code.value
    check_golden(f"reason-{code.value}.json", out)


@pytest.mark.parametrize("code", list(REASON_FLAGS), ids=[c.value for c in REASON_FLAGS])
def test_every_reason_renders_as_text(code: ReasonCode) -> None:
    args, _ = REASON_FLAGS[code]
    got, out, err = run(["check", *args])
    assert got == 1
    assert err == ""
    assert "BLOCKED" in out
    assert "console" in out
    assert "{" not in out.replace('{"', "")


# -- exit codes ----------------------------------------------------------------------------


def test_exit_0_when_allowed() -> None:
    code, out, _ = run(
        ["check", API, "--origin", APP, "--response", "200", "Access-Control-Allow-Origin: *"]
    )
    assert code == 0
    assert "BLOCKED" not in out


def test_exit_0_for_an_opaque_no_cors_response() -> None:
    code, out, _ = run(
        ["check", API, "--origin", APP, "--mode", "no-cors", "--browser", "chromium"]
    )
    assert code == 0
    assert "allowed (opaque)" in out


def test_json_exit_code_matches_process_exit_code() -> None:
    code, out, _ = run(["--json", "check", API, "--origin", APP])
    assert code == json.loads(out)["exit_code"] == 1


BAD_INPUT: tuple[tuple[str, list[str], str], ...] = (
    ("no-command", [], "give a command"),
    ("unknown-flag", ["--bogus"], "unrecognized arguments: --bogus"),
    ("unknown-check-flag", ["check", API, "--origin", APP, "--nope"], "--nope"),
    ("no-url", ["check", "--origin", APP], "give the request URL"),
    ("no-origin", ["check", API], "--origin: required"),
    ("bad-origin", ["check", API, "--origin", "app.example"], "--origin: invalid origin"),
    ("origin-with-path", ["check", API, "--origin", APP + "/"], "--origin: invalid origin"),
    ("bad-url", ["check", "api.example/x", "--origin", APP], "URL: invalid URL"),
    ("bad-mode", ["check", API, "--origin", APP, "--mode", "cors2"], "argument --mode"),
    ("bad-browser", ["check", API, "--origin", APP, "--browser", "ie"], "argument --browser"),
    ("bad-header", ["check", API, "--origin", APP, "-H", "X-Api-Key"], "-H/--header"),
    ("bad-header-name", ["check", API, "--origin", APP, "-H", "X Y: 1"], "-H/--header"),
    ("forbidden-method", ["check", API, "--origin", APP, "-X", "TRACE"], "--method"),
    ("get-with-body", ["check", API, "--origin", APP, "--body-kind", "text"], "--body-kind"),
    ("body-type-alone", ["check", API, "--origin", APP, "--body-type", "a/b"], "--body-type"),
    (
        "xhr-stream",
        ["check", API, "--origin", APP, "--api", "xhr", "-X", "POST", "--body-kind", "stream"],
        "--body-kind",
    ),
    ("bad-status", ["check", API, "--origin", APP, "--response", "OK"], "--response"),
    ("status-range", ["check", API, "--origin", APP, "--response", "99"], "--response"),
    (
        "bad-response-header",
        ["check", API, "--origin", APP, "--preflight-response", "204", "no colon"],
        "--preflight-response",
    ),
    ("case-without-scenario", ["check", API, "--origin", APP, "--case", "x"], "--case"),
    ("missing-file", ["explain", "nope.json"], "nope.json: no such file"),
    ("directory", ["explain", "examples"], "examples: is a directory"),
)


@pytest.mark.parametrize(
    ("argv", "needle"), [b[1:] for b in BAD_INPUT], ids=[b[0] for b in BAD_INPUT]
)
def test_bad_input_exits_2_with_one_line(argv: list[str], needle: str) -> None:
    code, out, err = run(argv)
    assert code == 2
    assert out == ""
    assert err.startswith("corsspec: error: ")
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert needle in err
    assert "Traceback" not in err


def _case(**over: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "name": "c1",
        "request": {"url": API, "origin": APP},
        "response": {"status": 200, "headers": [f"Access-Control-Allow-Origin: {APP}"]},
    }
    case.update(over)
    return case


BAD_SCENARIOS: tuple[tuple[str, str, str], ...] = (
    ("malformed-json", '{"cases": [', "invalid JSON at line 1 column"),
    ("not-an-object", "[1, 2]", "expected an object, got a list"),
    ("no-cases", "{}", "cases: expected a non-empty list"),
    ("unknown-top-key", json.dumps({"cases": [_case()], "case": 1}), "case: unknown key"),
    (
        "unknown-request-key",
        json.dumps({"cases": [_case(request={"url": API, "origin": APP, "methd": "PUT"})]}),
        "cases[0].request.methd: unknown key",
    ),
    (
        "missing-origin",
        json.dumps({"cases": [_case(request={"url": API})]}),
        "cases[0].request.origin: missing",
    ),
    (
        "missing-response",
        json.dumps({"cases": [{"name": "x", "request": {"url": API, "origin": APP}}]}),
        "cases[0].response: missing",
    ),
    (
        "bad-status",
        json.dumps({"cases": [_case(response={"status": "200"})]}),
        "cases[0].response.status: expected an HTTP status",
    ),
    (
        "bad-header-line",
        json.dumps({"cases": [_case(response={"headers": ["nocolon"]})]}),
        "cases[0].response.headers[0]: expected 'Name: value'",
    ),
    (
        "bad-origin",
        json.dumps({"cases": [_case(request={"url": API, "origin": "app"})]}),
        "cases[0].request.origin: invalid origin 'app'",
    ),
    (
        "bad-credentials",
        json.dumps({"cases": [_case(request={"url": API, "origin": APP, "credentials": "yes"})]}),
        "cases[0].request.credentials: invalid credentials 'yes'",
    ),
    (
        "bad-body-kind",
        json.dumps(
            {
                "cases": [
                    _case(
                        request={
                            "url": API,
                            "origin": APP,
                            "method": "POST",
                            "body": {"kind": "json"},
                        }
                    )
                ]
            }
        ),
        "cases[0].request.body.kind: unknown body kind 'json'",
    ),
    (
        "script-error",
        json.dumps(
            {"cases": [_case(request={"url": API, "origin": APP, "headers": ["Bad Name: 1"]})]}
        ),
        "cases[0].request.headers: the browser throws TypeError",
    ),
    (
        "duplicate-name",
        json.dumps({"cases": [_case(), _case()]}),
        "cases[1].name: 'c1' is empty or not unique",
    ),
)


@pytest.mark.parametrize(
    ("content", "needle"), [b[1:] for b in BAD_SCENARIOS], ids=[b[0] for b in BAD_SCENARIOS]
)
def test_malformed_scenario_exits_2_with_one_line(
    tmp_path: Path, content: str, needle: str
) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(["explain", str(path)])
    assert (code, out) == (2, "")
    assert err.count("\n") == 1, err
    assert err.startswith(f"corsspec: error: {path}")
    assert needle in err


def test_yaml_scenario(tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    path = tmp_path / "s.yaml"
    path.write_text(
        "cases:\n"
        "  - name: simple\n"
        f"    request: {{url: '{API}', origin: '{APP}'}}\n"
        "    response:\n"
        "      status: 200\n"
        "      headers:\n"
        "        - 'Access-Control-Allow-Origin: *'\n",
        encoding="utf-8",
    )
    code, out, err = run(["explain", str(path), "--json"])
    assert (code, err) == (0, "")
    assert json.loads(out)["allowed"] is True


def test_malformed_yaml(tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    path = tmp_path / "s.yml"
    path.write_text("cases: [\n  - name: x\n", encoding="utf-8")
    code, _, err = run(["explain", str(path)])
    assert code == 2
    assert err.count("\n") == 1
    assert "invalid YAML at line" in err


def test_yaml_without_pyyaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)
    path = tmp_path / "s.yaml"
    path.write_text("cases: []\n", encoding="utf-8")
    code, _, err = run(["explain", str(path)])
    assert code == 2
    assert err.count("\n") == 1
    assert "pip install 'corsspec[yaml]'" in err


def test_scenario_case_selection(tmp_path: Path) -> None:
    path = tmp_path / "two.json"
    blocked = _case(name="blocked", response={"status": 200})
    path.write_text(json.dumps({"cases": [_case(name="ok"), blocked]}), encoding="utf-8")
    assert run(["explain", str(path)])[0] == 1
    assert run(["explain", str(path), "--case", "ok"])[0] == 0
    assert run(["check", "--scenario", str(path), "--case", "blocked"])[0] == 1
    code, _, err = run(["check", "--scenario", str(path), "--case", "nope"])
    assert code == 2
    assert "--case: no case named 'nope'" in err
    code, _, err = run(["check", API, "--origin", APP, "--scenario", str(path)])
    assert code == 2
    assert "--scenario" in err


def test_scenario_headers_as_pairs_and_mapping(tmp_path: Path) -> None:
    path = tmp_path / "forms.json"
    case = _case(
        request={"url": API, "origin": APP, "headers": [["X-Api-Key", "k"]]},
        preflight={
            "status": 204,
            "headers": {
                "Access-Control-Allow-Origin": APP,
                "Access-Control-Allow-Headers": "x-api-key",
            },
        },
    )
    path.write_text(json.dumps({"cases": [case]}), encoding="utf-8")
    assert run(["explain", str(path)])[0] == 0


# -- colour ----------------------------------------------------------------------------------


def test_colour_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["explain", EXAMPLE]
    assert "\x1b[" in run(argv, tty=True)[1]
    assert "\x1b[" not in run(argv)[1]
    assert "\x1b[" not in run([*argv, "--color", "never"], tty=True)[1]
    assert "\x1b[" in run([*argv, "--color", "always"])[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run(argv, tty=True)[1]


def test_json_is_never_coloured() -> None:
    assert "\x1b[" not in run(["explain", EXAMPLE, "--json", "--color", "always"], tty=True)[1]


# -- the real entry points ---------------------------------------------------------------


def _subprocess(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "corsspec", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_python_dash_m_matches_the_golden_output() -> None:
    proc = _subprocess("explain", EXAMPLE)
    assert proc.returncode == 1
    assert proc.stderr == ""
    assert proc.stdout == (GOLDEN / "explain-spa-apigateway.txt").read_text(encoding="utf-8")


def test_python_dash_m_bad_flag_has_no_traceback() -> None:
    proc = _subprocess("check", API, "--origin", APP, "--mode", "nope")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert "Traceback" not in proc.stderr
    assert "argument --mode" in proc.stderr


def test_help_and_version() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"], stdout=io.StringIO(), stderr=io.StringIO())
    assert exc.value.code == 0
    proc = _subprocess("--help")
    assert proc.returncode == 0
    for command in ("check", "explain", "gateway"):
        assert command in proc.stdout


def test_console_script_entry_point_is_main() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^corsspec = "([\w.]+):(\w+)"$', text, re.MULTILINE)
    assert match is not None
    module, attr = match.groups()
    assert getattr(importlib.import_module(module), attr) is main


# -- gateway ---------------------------------------------------------------------------------


class _Report:
    exit_code = 1

    def to_text(self, color: bool) -> str:
        return f"gateway report (color={color})"

    def to_json(self) -> dict[str, object]:
        return {"routes": [], "exit_code": 1}


def _install_gateway(monkeypatch: pytest.MonkeyPatch, module: types.ModuleType | None) -> None:
    adapters = importlib.import_module("corsspec.adapters")
    monkeypatch.setitem(sys.modules, "corsspec.adapters.aws.apigateway", module)
    if module is None:
        monkeypatch.delattr(adapters, "apigateway", raising=False)
    else:
        monkeypatch.setattr(adapters, "apigateway", module, raising=False)


def test_gateway_calls_the_adapter(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[tuple[str, list[str], str | None]] = []

    def gateway_report(
        path: str, *, origins: list[str], route: str | None = None, **options: object
    ) -> _Report:
        calls.append((path, origins, route))
        return _Report()

    fake = types.ModuleType("corsspec.adapters.aws.apigateway")
    fake.gateway_report = gateway_report  # type: ignore[attr-defined]
    _install_gateway(monkeypatch, fake)
    spec_file = tmp_path / "openapi.yaml"
    spec_file.write_text("openapi: 3.0.0\n", encoding="utf-8")
    code, out, err = run(
        [
            "gateway",
            str(spec_file),
            "--origin",
            APP,
            "--origin",
            "https://b.example",
            "--route",
            "GET /items",
        ]
    )
    assert (code, out, err) == (1, "gateway report (color=False)\n", "")
    assert calls == [(str(spec_file), [APP, "https://b.example"], "GET /items")]
    code, out, _ = run(["gateway", str(spec_file), "--json"])
    assert code == 1
    assert json.loads(out) == {"routes": [], "exit_code": 1}


def test_gateway_passes_lambda_sources_and_options(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[dict[str, object]] = []

    def gateway_report(path: str, **options: object) -> _Report:
        seen.append(options)
        return _Report()

    fake = types.ModuleType("corsspec.adapters.aws.apigateway")
    fake.gateway_report = gateway_report  # type: ignore[attr-defined]
    _install_gateway(monkeypatch, fake)
    spec_file = tmp_path / "template.yaml"
    spec_file.write_text("Resources: {}\n", encoding="utf-8")
    args = ["gateway", str(spec_file), "--lambda", "LoginFunction = login.json"]
    code, _, err = run(
        [*args, "--lambda", "POST /x=h.py:handler", "--run-handlers", "--credentials", "include"]
    )
    assert (code, err) == (1, "")
    assert seen[0]["lambda_responses"] == {"LoginFunction": "login.json", "POST /x": "h.py:handler"}
    assert seen[0]["run_handlers"] is True
    assert seen[0]["credentials"] == "include"
    code, _, err = run(["gateway", str(spec_file), "--lambda", "no-equals-sign"])
    assert code == 2
    assert "--lambda" in err
    assert "\n" not in err.strip()
    code, _, err = run(["gateway", str(tmp_path / "missing.yaml")])
    assert code == 2
    assert "no such file" in err


def test_gateway_without_the_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    _install_gateway(monkeypatch, None)
    code, out, err = run(["gateway", "template.yaml", "--origin", APP])
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "corsspec.adapters.aws.apigateway" in err


def test_package_version_is_printed() -> None:
    with pytest.raises(SystemExit):
        main(["--version"], stdout=io.StringIO(), stderr=io.StringIO())
    assert corsspec.__version__


def test_an_engine_that_throws_is_a_row_not_an_error() -> None:
    # WebKit refuses a ReadableStream body synchronously; the other engines evaluate it.
    args = [
        "check",
        API,
        "--origin",
        APP,
        "-X",
        "POST",
        "--body-kind",
        "stream",
        "--preflight-response",
        "204",
        "Access-Control-Allow-Origin: *",
        "Access-Control-Allow-Methods: POST",
        "--response",
        "200",
        "Access-Control-Allow-Origin: *",
    ]
    code, out, err = run(args)
    assert (code, err) == (1, "")
    assert "webkit    TYPEERROR" in out
    assert "stream-body-not-supported" in out
    code, out, _ = run([*args, "--json"])
    case = json.loads(out)["cases"][0]
    assert case["script_errors"] == [{"browser": "webkit", "code": "stream-body-not-supported"}]
    assert case["engines_agree"] is False
    assert {r["browser"] for r in case["results"]} == {"chromium", "firefox", "spec"}
    # Only WebKit named: the request itself is refused, exit 2 with one line.
    code, out, err = run([*args, "--browser", "webkit"])
    assert (code, out) == (2, "")
    assert err.count("\n") == 1

"""Tests for the seeded random case generator (tests/browser/generate.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser.generate import MUTATIONS, generate_case, generate_cases, main

REPO_ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDERS = ("${ORIGIN}", "${API}", "${OTHER}")
TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
MUTATION_NAMES = {m.name for m in MUTATIONS}

_CASE_KEYS = {"id", "source", "description", "request", "routes"}
_REQUEST_KEYS = {
    "api",
    "method",
    "url",
    "headers",
    "mode",
    "credentials",
    "redirect",
    "body",
    "upload_listener",
}


def _structural_problems(case: dict[str, Any]) -> list[str]:
    """A minimal, engine-independent check of docs/case-format.md."""
    problems = []
    if set(case) - _CASE_KEYS:
        problems.append(f"unknown case keys {sorted(set(case) - _CASE_KEYS)}")
    request = case["request"]
    if set(request) - _REQUEST_KEYS:
        problems.append(f"unknown request keys {sorted(set(request) - _REQUEST_KEYS)}")
    if request["url"] not in case["routes"]:
        problems.append("request url is not a route key")
    for key, route in case["routes"].items():
        if not key.startswith(PLACEHOLDERS):
            problems.append(f"route {key} does not start with a placeholder")
        if set(route) - {"preflight", "actual"}:
            problems.append(f"route {key}: unknown keys")
        for part in route.values():
            if set(part) - {"status", "headers", "body"} or not isinstance(part["status"], int):
                problems.append(f"route {key}: bad response")
    for token in re.findall(r"\$\{[^}]*\}", json.dumps(case)):
        if token not in PLACEHOLDERS:
            problems.append(f"unknown placeholder {token}")
    return problems


@pytest.fixture(scope="module")
def batch() -> list[dict[str, Any]]:
    return generate_cases(20260101, 400)


def test_same_seed_same_output() -> None:
    first = generate_cases(7, 60)
    second = generate_cases(7, 60)
    assert first == second
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_different_seeds_differ() -> None:
    assert generate_cases(1, 30) != generate_cases(2, 30)


def test_prefix_stable_and_single_case() -> None:
    longer = generate_cases(3, 25)
    assert generate_cases(3, 10) == longer[:10]
    assert generate_case(3, 17) == longer[17]
    assert generate_cases(3, 0) == []


def test_independent_of_hash_seed() -> None:
    outputs = []
    for hash_seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        proc = subprocess.run(
            [sys.executable, "-m", "tests.browser.generate", "--seed", "11", "-n", "25"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == 25


def test_ids_and_sources(batch: list[dict[str, Any]]) -> None:
    ids = [case["id"] for case in batch]
    assert ids == [f"rnd-20260101-{i}" for i in range(len(batch))]
    assert len(set(ids)) == len(ids)
    for i, case in enumerate(batch):
        assert case["source"] == f"random:20260101:{i}"
        assert re.fullmatch(r"[a-z0-9.-]+", case["id"])


def test_structure(batch: list[dict[str, Any]]) -> None:
    problems = {case["id"]: _structural_problems(case) for case in batch}
    assert {cid: p for cid, p in problems.items() if p} == {}


def test_cases_pass_the_format_loader(batch: list[dict[str, Any]], tmp_path: Path) -> None:
    casekit = pytest.importorskip("tests.casekit")
    path = tmp_path / "random.jsonl"
    path.write_text("".join(json.dumps(case) + "\n" for case in batch), encoding="utf-8")
    loaded = casekit.load_cases([path])
    assert [case["id"] for case in loaded] == [case["id"] for case in batch]


def test_runnable_in_real_browsers(batch: list[dict[str, Any]]) -> None:
    cases_mod = pytest.importorskip("tests.browser.cases")
    for case in batch:
        for browser in ("chromium", "firefox"):
            assert cases_mod.runnability_problem(case, browser) is None, case["id"]


def test_nothing_nondeterministic(batch: list[dict[str, Any]]) -> None:
    urls: set[str] = set()
    for case in batch:
        assert "expect" not in case
        assert "steps" not in case  # one step, no `after` waits, no cache steps
        body = case["request"].get("body")
        assert body is None or body["kind"] != "stream"
        for key in case["routes"]:
            assert case["id"] in key, "every URL belongs to its case"
            assert key not in urls
            urls.add(key)


def test_header_values_are_valid(batch: list[dict[str, Any]]) -> None:
    """Names are tokens; values are isomorphic (<= 0xFF), free of NUL/CR/LF and of
    leading/trailing whitespace, and ASCII printable except for deliberate unsafe bytes."""
    deliberate = {"\x7f", "\u00e9"}
    for case in batch:
        pairs = list(case["request"].get("headers", []))
        for route in case["routes"].values():
            for part in route.values():
                pairs += part["headers"]
        for name, value in pairs:
            assert TOKEN.fullmatch(name), (case["id"], name)
            assert value == value.strip(" \t"), (case["id"], value)
            for ch in value:
                assert ch not in "\x00\r\n", case["id"]
                assert (" " <= ch <= "~") or ch in deliberate, (case["id"], repr(value))


def test_about_half_perturbed(batch: list[dict[str, Any]]) -> None:
    perturbed = 0
    for case in batch:
        description = case["description"]
        if "; perturbed: " in description:
            perturbed += 1
            names = description.split("; perturbed: ", 1)[1].split(", ")
            assert 1 <= len(names) <= 2
            assert set(names) <= MUTATION_NAMES
        else:
            assert description.endswith("; unperturbed")
    assert 0.4 <= perturbed / len(batch) <= 0.6


def test_variety(batch: list[dict[str, Any]]) -> None:
    requests = [case["request"] for case in batch]
    assert {r["api"] for r in requests} == {"fetch", "xhr"}
    assert {"no-cors", "cors"} <= {r.get("mode") for r in requests}
    assert {"omit", "same-origin", "include"} <= {r["credentials"] for r in requests}
    methods = {r["method"] for r in requests}
    assert {"GET", "POST", "PUT", "DELETE", "PATCH", "patch"} <= methods
    names = {h[0].lower() for r in requests for h in r.get("headers", [])}
    assert {"accept", "content-type", "authorization", "cookie", "x-requested-with"} <= names
    used = {
        name
        for case in batch
        if "; perturbed: " in case["description"]
        for name in case["description"].split("; perturbed: ", 1)[1].split(", ")
    }
    assert len(used) >= len(MUTATION_NAMES) - 3


def test_spec_verdicts(batch: list[dict[str, Any]]) -> None:
    """The engine's strict-spec profile allows every unperturbed case (the server is built
    to be correct), and overall roughly half of the batch."""
    casekit = pytest.importorskip("tests.casekit")
    sample = batch[:200]
    allowed = 0
    clean_blocked = []
    for case in sample:
        observed = casekit.engine_observations(casekit.normalize_case(case), "spec")[0]
        ok = observed["outcome"] == "ok"
        allowed += ok
        if not ok and case["description"].endswith("; unperturbed"):
            clean_blocked.append((case["id"], observed.get("reason")))
    assert clean_blocked == []
    assert 0.35 <= allowed / len(sample) <= 0.8


def test_cli_prints_jsonl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--seed", "5", "-n", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == generate_cases(5, 3)
    assert lines == [json.dumps(case, sort_keys=True) for case in generate_cases(5, 3)]

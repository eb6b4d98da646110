"""Record what real browsers do with the CORS cases.

    python -m tests.browser.record --browser chromium|firefox|webkit|all
        [--cases GLOB ...] [--only ID_GLOB] [--random N] [--chains N] [--sequences N]
        [--seed S] [--out DIR]

Writes DIR/<browser>-<major>.jsonl (default DIR: tests/conformance/recorded), one line per
case that was observed, sorted by case id:
    {"case": <case as run, placeholders kept>, "browser": ..., "version": ..., "observed": [...]}
Cases that could not be observed (unrunnable, harness timeout) are reported on stderr and
left out of the file. Exit status: 0 if every selected browser ran, 1 otherwise.
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tests.browser.cases import (
    CURATED_GLOB,
    REPO_ROOT,
    Case,
    expand_globs,
    load_case_files,
    normalize_generated,
)
from tests.browser.harness import BrowserRun, HarnessError, run_cases
from tests.browser.launchers import BROWSERS, INSTALL_HINT, detect

__all__ = ["generate_random_cases", "main", "recording_lines"]

DEFAULT_OUT = REPO_ROOT / "tests" / "conformance" / "recorded"


def generate_random_cases(
    seed: int, count: int, *, chains: int = 0, sequences: int = 0
) -> list[Case]:
    """Random cases for ``seed``: ``count`` single requests (tests/browser/generate.py),
    then ``chains`` redirect chains and ``sequences`` preflight-cache sequences
    (tests/browser/generate_multi.py)."""
    if count <= 0 and chains <= 0 and sequences <= 0:
        return []
    try:
        # Imported by name: the generator is optional and may not exist yet.
        module = importlib.import_module("tests.browser.generate")
    except ImportError as exc:
        raise SystemExit(
            f"--random needs tests/browser/generate.py (generate_cases(seed, n)): {exc}"
        ) from exc
    generate: Callable[[int, int], list[Case]] = module.generate_cases
    from tests.browser.generate_multi import generate_chains, generate_sequences

    return normalize_generated(
        [
            *generate(seed, count),
            *generate_chains(seed, chains),
            *generate_sequences(seed, sequences),
        ]
    )


def recording_lines(run: BrowserRun) -> list[str]:
    """The recording file's lines for one browser run (sorted by case id, deterministic)."""
    lines = []
    for case_run in sorted(run.runs, key=lambda r: r.id):
        if case_run.observed is None:
            continue
        record: dict[str, Any] = {
            "case": case_run.case,
            "browser": run.info.name,
            "version": run.info.version,
            "observed": case_run.observed,
        }
        lines.append(json.dumps(record, sort_keys=True, separators=(", ", ": ")))
    return lines


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.browser.record",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--browser", required=True, choices=[*BROWSERS, "all"])
    parser.add_argument(
        "--cases",
        action="append",
        metavar="GLOB",
        help=f"case files (repeatable; default {CURATED_GLOB})",
    )
    parser.add_argument("--only", metavar="ID_GLOB", help="run only cases whose id matches")
    parser.add_argument(
        "--random",
        type=int,
        default=0,
        metavar="N",
        help="also run N generated cases (tests/browser/generate.py)",
    )
    parser.add_argument(
        "--chains",
        type=int,
        default=0,
        metavar="N",
        help="also run N generated redirect chains (tests/browser/generate_multi.py)",
    )
    parser.add_argument(
        "--sequences",
        type=int,
        default=0,
        metavar="N",
        help="also run N generated preflight-cache sequences (tests/browser/generate_multi.py)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="seed for --random/--chains/--sequences"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR")
    parser.add_argument("--pool", type=int, default=6, help="cases run concurrently (default 6)")
    parser.add_argument(
        "--debug",
        type=Path,
        metavar="FILE",
        help="also write per-step debug text (JS error messages) as JSONL",
    )
    return parser.parse_args(argv)


def _select_cases(args: argparse.Namespace) -> list[Case]:
    files = expand_globs(args.cases or [CURATED_GLOB])
    cases = load_case_files(files) + generate_random_cases(
        args.seed, args.random, chains=args.chains, sequences=args.sequences
    )
    if args.only:
        cases = [case for case in cases if fnmatch.fnmatchcase(str(case["id"]), args.only)]
    return cases


def _record_one(name: str, cases: list[Case], args: argparse.Namespace) -> bool:
    info = detect(name)
    if info is None:
        print(f"{name}: not installed ({INSTALL_HINT})", file=sys.stderr)
        return False
    try:
        run = run_cases(info, cases, pool=args.pool)
    except HarnessError as exc:
        print(f"{name} {info.version}: run failed: {exc}", file=sys.stderr)
        return False
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{name}-{info.tag}.jsonl"
    lines = recording_lines(run)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    for case_run in run.runs:
        if case_run.problem:
            print(f"{name}: {case_run.id}: {case_run.problem}", file=sys.stderr)
    for message in run.page_messages:
        print(f"{name}: page: {message}", file=sys.stderr)
    if args.debug:
        _write_debug(args.debug, run)
    print(
        f"{name} {info.version}: {len(lines)}/{len(cases)} cases recorded in "
        f"{run.seconds:.1f} s -> {path}"
    )
    return True


def _write_debug(path: Path, run: BrowserRun) -> None:
    with path.open("a", encoding="utf-8") as fh:
        for case_run in run.runs:
            fh.write(
                json.dumps(
                    {
                        "browser": run.info.name,
                        "case": case_run.id,
                        "debug": case_run.debug,
                        "problem": case_run.problem,
                    },
                    sort_keys=True,
                )
                + "\n"
            )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    cases = _select_cases(args)
    names = list(BROWSERS) if args.browser == "all" else [args.browser]
    ok = [_record_one(name, cases, args) for name in names]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())

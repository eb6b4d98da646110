"""Run a batch of cases in one real browser launch and turn what happened into observations.

run = run_cases(detect("firefox"), cases)
for case_run in run.runs: case_run.observed  # OBSERVATION per step (docs/case-format.md)
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from tests.browser.cases import (
    Case,
    CaseError,
    Observation,
    runnability_problem,
    step_script_header_names,
    steps_of,
)
from tests.browser.launchers import BrowserInfo, Launched, LaunchError, launch
from tests.browser.server import CaseServers, StepReport

__all__ = ["BrowserRun", "CaseRun", "HarnessError", "run_cases"]

_OUTCOMES: Final = frozenset({"ok", "network-error", "script-error"})


class HarnessError(RuntimeError):
    """The browser run as a whole failed (did not start, crashed, stalled)."""


@dataclass
class CaseRun:
    """One case: its observations, or the problem that kept it from being observed."""

    case: Case
    observed: list[Observation] | None = None
    debug: list[str | None] = field(default_factory=list)  # per step: JS error text etc.
    problem: str | None = None  # set iff observed is None
    unrunnable: bool = False  # the case cannot run in a browser at all

    @property
    def id(self) -> str:
        return str(self.case["id"])


@dataclass
class BrowserRun:
    """All cases of one browser launch, sorted by case id."""

    info: BrowserInfo
    runs: list[CaseRun]
    seconds: float
    page_messages: list[str]


def run_cases(
    info: BrowserInfo,
    cases: Sequence[Case],
    *,
    pool: int = 6,
    step_timeout: float = 20.0,
    start_timeout: float = 60.0,
) -> BrowserRun:
    """Run every case in one launch of `info`; raise HarnessError if the run breaks down."""
    started = time.monotonic()
    runs = [CaseRun(case=case) for case in cases]
    runnable = [run for run in runs if _mark_unrunnable(run, info.name) is None]
    messages: list[str] = []
    if runnable:
        messages = _run_in_browser(
            info, runnable, pool=pool, step_timeout=step_timeout, start_timeout=start_timeout
        )
    runs.sort(key=lambda run: run.id)
    return BrowserRun(
        info=info, runs=runs, seconds=time.monotonic() - started, page_messages=messages
    )


def _mark_unrunnable(run: CaseRun, browser: str) -> str | None:
    try:
        problem = runnability_problem(run.case, browser)
    except CaseError as exc:
        problem = f"malformed case: {exc}"
    if problem is not None:
        run.problem, run.unrunnable = f"not runnable in a browser: {problem}", True
    return problem


def _run_in_browser(
    info: BrowserInfo, runs: list[CaseRun], *, pool: int, step_timeout: float, start_timeout: float
) -> list[str]:
    cases = [run.case for run in runs]
    with CaseServers(
        cases, run_id=secrets.token_hex(4), pool=pool, step_timeout=step_timeout
    ) as servers:
        try:
            with launch(info, servers.page_url) as browser:
                _wait_for_page(servers, browser, info, start_timeout)
                _wait_until_done(servers, browser, info, _idle_limit(cases, step_timeout))
        except LaunchError as exc:
            raise HarnessError(str(exc)) from exc
        for index, run in enumerate(runs):
            _fill_observations(run, servers.step_reports(index))
        return list(servers.page_messages)


def _idle_limit(cases: Sequence[Case], step_timeout: float) -> float:
    """Longest time without any step result before the run counts as stalled: one step
    can legitimately take its `after` wait plus the page's own per-step timeout."""
    longest_wait = max((step.after for case in cases for step in steps_of(case)), default=0.0)
    return longest_wait + step_timeout + 30.0


def _wait_for_page(
    servers: CaseServers, browser: Launched, info: BrowserInfo, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while not servers.page_loaded.wait(0.2):
        if browser.proc.poll() is not None:
            raise HarnessError(
                f"{info.name} exited with {browser.proc.returncode} before "
                f"loading the page:\n{browser.log_tail()}"
            )
        if time.monotonic() > deadline:
            raise HarnessError(
                f"{info.name} did not load {servers.page_url} within "
                f"{timeout:.0f} s:\n{browser.log_tail()}"
            )


def _wait_until_done(
    servers: CaseServers, browser: Launched, info: BrowserInfo, idle_limit: float
) -> None:
    last_progress = time.monotonic()
    while not servers.done.wait(0.2):
        if servers.progress.is_set():
            servers.progress.clear()
            last_progress = time.monotonic()
        if browser.proc.poll() is not None:
            raise HarnessError(
                f"{info.name} exited with {browser.proc.returncode} mid-run:\n{browser.log_tail()}"
            )
        if time.monotonic() - last_progress > idle_limit:
            raise HarnessError(
                f"{info.name}: no step finished for {idle_limit:.0f} s; "
                f"page said: {servers.page_messages[-5:]}\n{browser.log_tail()}"
            )


def _fill_observations(run: CaseRun, reports: list[StepReport | None]) -> None:
    observed: list[Observation] = []
    for number, report in enumerate(reports):
        if report is None:
            run.problem = f"harness: the page never reported step {number}"
            return
        result = report.result
        run.debug.append(result.get("debug"))
        if result.get("outcome") not in _OUTCOMES:
            run.problem = f"harness: step {number}: {result.get('outcome')}: {result.get('debug')}"
            return
        request = steps_of(run.case)[number].request
        observed.append(_observation(result, report, step_script_header_names(request)))
    run.observed = observed


def _observation(
    result: dict[str, object], report: StepReport, script_names: frozenset[str]
) -> Observation:
    """The OBSERVATION of docs/case-format.md (no "reason": that is engine-only)."""
    ok = result["outcome"] == "ok"
    headers = result.get("headers")
    return {
        "outcome": result["outcome"],
        "status": result.get("status") if ok else None,
        "type": result.get("type") if ok else None,
        "headers": sorted({str(h).lower() for h in headers})
        if ok and isinstance(headers, list)
        else None,
        "requests": [entry.as_observation(script_names) for entry in report.requests],
    }

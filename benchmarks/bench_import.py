"""What ``import corsspec`` adds to ``import attrs, multidict`` (issue #2: <= 30 ms).

Run: ``python benchmarks/bench_import.py [runs]``. Each run is a fresh interpreter
that imports attrs and multidict first, then times with ``time.perf_counter`` (so
interpreter start-up, the two dependencies and process-spawn noise are not counted):

* ``import corsspec`` itself (the budget; submodules load on first use of a name);
* then the first use of ``corsspec.evaluate``, which loads the whole engine: what a
  program that evaluates anything pays once, reported so the deferral hides nothing;
* then ``corsspec.Policy`` (the server-side policy model);
* and, for scale, ``import attrs, multidict`` themselves (a loaded or throttled machine
  shows up here first).

Prints the median, fastest and slowest of each, and the largest self times of
corsspec's modules when the engine loads (``-X importtime``).
"""

from __future__ import annotations

import statistics
import subprocess
import sys

PROBE = (
    "import time\n"
    "before = time.perf_counter()\n"
    "import attrs, multidict\n"
    "start = time.perf_counter()\n"
    "import corsspec\n"
    "imported = time.perf_counter()\n"
    "corsspec.evaluate\n"
    "engine = time.perf_counter()\n"
    "corsspec.Policy\n"
    "policy = time.perf_counter()\n"
    "print((imported - start) * 1000, (engine - imported) * 1000, (policy - engine) * 1000,"
    " (start - before) * 1000)\n"
)
BUDGET_MS = 30.0


ENGINE = "corsspec.engine.fetch"


def one_run() -> tuple[float, float, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], check=True, capture_output=True, text=True
    ).stdout
    imported, engine, policy, dependencies = (float(part) for part in out.split())
    return imported, engine, policy, dependencies


def slowest_modules(count: int = 5) -> list[tuple[int, str]]:
    """Self time (microseconds) of corsspec's modules, from ``-X importtime``."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import attrs, multidict, " + ENGINE],
        check=True,
        capture_output=True,
        text=True,
    ).stderr
    rows = []
    for line in err.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and "corsspec" in parts[2]:
            self_us = parts[0].split(":")[-1].strip()
            if self_us.isdigit():
                rows.append((int(self_us), parts[2].strip()))
    return sorted(rows, reverse=True)[:count]


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 15
    results = [one_run() for _ in range(runs)]
    print(f"python {sys.version.split()[0]}, {runs} fresh interpreters, after attrs, multidict")
    labels = (
        f"import corsspec (budget <= {BUDGET_MS:.0f} ms)",
        "then first corsspec.evaluate (loads the engine)",
        "then first corsspec.Policy (loads policies)",
        "(reference) import attrs, multidict themselves",
    )
    medians = []
    for column, label in enumerate(labels):
        times = sorted(result[column] for result in results)
        median = statistics.median(times)
        medians.append(median)
        print(
            f"  {label:48} median {median:5.1f} ms, "
            f"fastest {times[0]:5.1f} ms, slowest {times[-1]:5.1f} ms"
        )
    print("largest self times while the engine loads (-X importtime):")
    for micros, module in slowest_modules():
        print(f"  {micros / 1000:6.1f} ms  {module}")
    over = medians[0] > BUDGET_MS
    if over:
        print("OVER budget")
    return 1 if over and "--check" in argv else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

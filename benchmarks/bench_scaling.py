"""Cost versus input size for the adapters' batch paths (issue 13: linear growth).

Run: ``PYTHONHASHSEED=0 python benchmarks/bench_scaling.py [--sizes 1000,2000,5000,10000]``.

For each size N it times, best of three runs:

* ``har-pairing``: :func:`corsspec.adapters.har.cross_origin_exchanges` over a parsed HAR
  of N entries (half preflights, half actual requests, to N/5 URLs), which pairs every
  preflight with its request and collects the earlier preflights of each;
* ``route-matching``: N lookups with
  :func:`corsspec.adapters.aws.apigateway._model.match_route` in an API of N routes
  (``/rI/{id}``), the lookups :func:`gateway_report` makes per route.

It prints the seconds and the microseconds per item; linear growth shows as a flat
per-item column. Measured on the shared 2-core development machine (one run each, so
indicative only):

=============== ====== ============================ ============================
benchmark       N      before (quadratic), s        after, s (us/item)
=============== ====== ============================ ============================
har-pairing     1,000  0.63                         0.19 (188)
har-pairing     2,000  1.91                         0.39 (194)
har-pairing     5,000  11.5                         1.12 (224)
har-pairing     10,000 50.7                         2.25 (225)
route-matching  1,000  5.8                          0.021 (21)
route-matching  2,000  35.2                         0.035 (18)
route-matching  5,000  240                          0.110 (22)
route-matching  10,000 (not run: minutes)           0.189 (19)
=============== ====== ============================ ============================
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

from corsspec.adapters.aws.apigateway._codes import Evidence, Source
from corsspec.adapters.aws.apigateway._model import (
    ApiKind,
    GatewayApi,
    Method,
    Route,
    match_route,
)
from corsspec.adapters.har import HarLog, cross_origin_exchanges, parse_har

APP = "https://app.example"


def _entry(method: str, url: str, headers: list[tuple[str, str]], status: int) -> Any:
    return {
        "request": {
            "method": method,
            "url": url,
            "headers": [{"name": n, "value": v} for n, v in headers],
        },
        "response": {
            "status": status,
            "headers": [{"name": "Access-Control-Allow-Origin", "value": APP}],
        },
    }


def har_document(count: int) -> dict[str, Any]:
    rng = random.Random(count)
    entries = []
    for _ in range(count):
        url = f"https://api.example/r{rng.randrange(max(1, count // 5))}"
        if rng.random() < 0.5:
            pre = [("Origin", APP), ("Access-Control-Request-Method", "PUT")]
            entries.append(_entry("OPTIONS", url, pre, 204))
        else:
            entries.append(_entry("PUT", url, [("Origin", APP)], 200))
    return {"log": {"version": "1.2", "creator": {"name": "bench"}, "entries": entries}}


def gateway_api(count: int) -> GatewayApi:
    evidence = Evidence(path="", line=1, source=Source.OPENAPI)
    routes = tuple(
        Route(path=f"/r{i}/{{id}}", methods=(_method(evidence),), evidence=evidence)
        for i in range(count)
    )
    return GatewayApi(name="Api", kind=ApiKind.REST, stage="prod", routes=routes, evidence=evidence)


def _method(evidence: Evidence) -> Method:
    return Method(http_method="GET", evidence=evidence)


def best_of(runs: int, call: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,2000,5000,10000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'benchmark':<16}{'N':>8}{'seconds':>12}{'us/item':>12}")
    for size in sizes:
        log = parse_har(har_document(size))

        def pairing(log: HarLog = log) -> None:
            cross_origin_exchanges(log)

        seconds = best_of(args.runs, pairing)
        print(f"{'har-pairing':<16}{size:>8}{seconds:>12.4f}{seconds / size * 1e6:>12.1f}")
    for size in sizes:
        api = gateway_api(size)
        paths = [f"/r{i}/123" for i in range(size)]

        def lookups(api: GatewayApi = api, paths: list[str] = paths) -> None:
            for path in paths:
                match_route(api, path, "GET")

        seconds = best_of(args.runs, lookups)
        print(f"{'route-matching':<16}{size:>8}{seconds:>12.4f}{seconds / size * 1e6:>12.1f}")


if __name__ == "__main__":
    main()

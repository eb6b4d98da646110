"""The route index answers exactly what scoring every route answers, in linear time."""

from __future__ import annotations

import random

import pytest

from corsspec.adapters.aws.apigateway._codes import Evidence, Source
from corsspec.adapters.aws.apigateway._model import (
    ApiKind,
    GatewayApi,
    Route,
    match_route,
    path_score,
)

SEGMENTS = ["a", "b", "items", "{id}", "{x}", "{proxy+}"]
_EVIDENCE = Evidence(path="", line=1, source=Source.OPENAPI)
PATHS = ["/", "/a", "/a/b", "/items/1", "/a/1/b", "/b/items/a", "/a/b/c/d", "/items"]


def _reference(routes: list[Route], path: str) -> list[Route]:
    scored = [(path_score(r.path, path), r) for r in routes if r.path != "$default"]
    matched = [(score, r) for score, r in scored if score is not None]
    matched.sort(key=lambda item: item[0], reverse=True)
    return [r for _, r in matched]


@pytest.mark.parametrize("seed", range(20))
def test_index_matches_scoring_every_route(seed: int) -> None:
    from corsspec.adapters.aws.apigateway._model import _build_index, _candidates

    rng = random.Random(seed)
    templates = {
        "/" + "/".join(rng.choice(SEGMENTS) for _ in range(rng.randrange(0, 4))) for _ in range(30)
    }
    routes = [_route(t) for t in sorted(templates)]
    api = _api(routes, ApiKind.REST)
    root, _ = _build_index(api)
    for path in PATHS:
        assert _candidates(root, path) == _reference(routes, path), path
        found = match_route(api, path, "GET")
        expected = _reference(routes, path)
        assert (found[0] if found else None) == (expected[0] if expected else None)


def _route(path: str) -> Route:
    return Route(path=path, methods=(), evidence=_EVIDENCE)


def _api(routes: list[Route], kind: ApiKind) -> GatewayApi:
    return GatewayApi(name="Api", kind=kind, stage="prod", routes=tuple(routes), evidence=_EVIDENCE)

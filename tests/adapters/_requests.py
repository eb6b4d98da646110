"""Requests shared by the adapter tests: what a single-page app on APP sends to API."""

from __future__ import annotations

import corsspec as cs

APP = "https://app.example.com"
EVIL = "https://evil.example.com"
API = "https://api.example.com"


def put_item(
    origin: str = APP, *, credentials: str = "include", extra: tuple[tuple[str, str], ...] = ()
) -> cs.Request:
    """A preflighted PUT with Authorization and a JSON body (the common SPA call)."""
    return cs.Request(
        method="PUT",
        url=f"{API}/items/1",
        origin=origin,
        headers=[("Authorization", "Bearer t0ken"), ("Content-Type", "application/json"), *extra],
        body=cs.Body.text('{"name": "widget"}'),
        credentials=credentials,  # type: ignore[arg-type]
    )


def get_items(origin: str = APP, *, credentials: str = "same-origin") -> cs.Request:
    """A simple GET (no preflight)."""
    return cs.Request(
        method="GET",
        url=f"{API}/items?page=2",
        origin=origin,
        credentials=credentials,  # type: ignore[arg-type]
    )

"""Shared test configuration: Hypothesis profiles and the ``browser`` profile fixture."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

import corsspec as cs

# Reproducible by default (derandomised, no example database); `--hypothesis-profile=deep`
# explores far more, with fresh randomness each run.
settings.register_profile(
    "default",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    derandomize=False,
    deadline=None,
    max_examples=2000,
    suppress_health_check=[HealthCheck.too_slow],
)
# The hostile-input campaign (tox -e hostile-deep): a million examples per targeted
# never-crash test, fresh randomness, no example database.
settings.register_profile(
    "million",
    derandomize=False,
    database=None,
    deadline=None,
    max_examples=1_000_000,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

PROFILE_IDS = ["chromium", "firefox", "webkit", "spec"]


@pytest.fixture(params=PROFILE_IDS)
def browser(request: pytest.FixtureRequest) -> cs.BrowserProfile:
    """Every behavioural test runs under every profile (ids: chromium/firefox/webkit/spec)."""
    return cs.get_profile(str(request.param))

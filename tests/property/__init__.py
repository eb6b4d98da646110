"""Property tests: laws, never-crash, determinism, invariance, monotonicity."""

from __future__ import annotations

import contextlib
import warnings

# When a Hypothesis test fails (or a strict xfail fails as expected), the Hypothesis
# pytest plugin imports ``hypothesis.extra._patching`` to suggest an ``@example``; that
# imports libcst, which triggers a DeprecationWarning from mypy_extensions. Under
# ``filterwarnings = error`` the report hook then crashes pytest (INTERNALERROR).
# Importing it once here, with that warning silenced, keeps failure reports readable.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    with contextlib.suppress(ImportError):  # libcst may be missing
        import hypothesis.extra._patching  # noqa: F401

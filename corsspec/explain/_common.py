"""Shared bits of the explanations: header display names and small helpers."""

from __future__ import annotations

import sys
from collections.abc import Mapping

__all__ = []


def __dir__() -> list[str]:
    return __all__


if sys.version_info >= (3, 11):
    from typing import assert_never
else:  # pragma: no cover - Python 3.10
    from typing import NoReturn

    def assert_never(value: NoReturn, /) -> NoReturn:
        """Exhaustiveness check: mypy reports any call it can reach."""
        raise AssertionError(f"unhandled value: {value!r}")


ACAO = "access-control-allow-origin"
ACAC = "access-control-allow-credentials"
ACAM = "access-control-allow-methods"
ACAH = "access-control-allow-headers"
ACMA = "access-control-max-age"
ACRM = "access-control-request-method"
ACRH = "access-control-request-headers"

#: Display casing of the header names that reasons and fixes mention.
_DISPLAY_NAMES: Mapping[str, str] = {
    ACAO: "Access-Control-Allow-Origin",
    ACAC: "Access-Control-Allow-Credentials",
    ACAM: "Access-Control-Allow-Methods",
    ACAH: "Access-Control-Allow-Headers",
    ACMA: "Access-Control-Max-Age",
    "location": "Location",
}

#: What Chromium lists in kCorsDisabledScheme (SchemeRegistry; varies by build/embedder).
CHROMIUM_CORS_SCHEMES = (
    "http, data, isolated-app, chrome-extension, chrome, https, chrome-untrusted"
)

"""URLconf of the Django test app driven by ``test_real_middleware`` (views only)."""

from __future__ import annotations

import importlib
from typing import Any

# Imported by name: Django ships no type information.
HttpResponse = importlib.import_module("django.http").HttpResponse
path = importlib.import_module("django.urls").path


def items(request: Any) -> Any:
    """A resource answering every method, with a header script may want to read."""
    response = HttpResponse("items")
    response["X-Total"] = "3"
    return response


def boom(request: Any) -> Any:
    """A view that fails: Django answers 500."""
    raise RuntimeError("boom")


urlpatterns = [path("items", items), path("boom", boom)]

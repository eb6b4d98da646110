"""Adapters: real servers and real captures turned into corsspec values.

Each adapter lives in its own module and is imported from there; nothing is re-exported
here, so ``import corsspec.adapters`` stays free of optional dependencies:

* :mod:`corsspec.adapters.asgi` — :class:`~corsspec.adapters.asgi.AsgiServer`: an ASGI 3
  app (Starlette, FastAPI, ...) called in process.
* :mod:`corsspec.adapters.wsgi` — :class:`~corsspec.adapters.wsgi.WsgiServer`: a WSGI app
  (Flask, Django, ...) called in process.
* :mod:`corsspec.adapters.http` — :class:`~corsspec.adapters.http.HttpServer`: a live
  HTTP(S) server over the network.
* :mod:`corsspec.adapters.har` — HAR 1.2 captures: load, pair preflights, explain.

All of them need only the standard library.
"""

from __future__ import annotations

__all__: list[str] = []


def __dir__() -> list[str]:
    return __all__

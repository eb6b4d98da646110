"""The sans-I/O browser model: what a browser does with a cross-origin request.

One concept per module (headers, url, safelist, model, browsers, check, preflight, cache,
fetch). Nothing here does I/O, reads the clock or imports from above the engine.
"""

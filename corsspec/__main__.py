"""``python -m corsspec``: the same as the ``corsspec`` command."""

from __future__ import annotations

from corsspec.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

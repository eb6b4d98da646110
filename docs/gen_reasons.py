"""Regenerate docs/reasons.md from corsspec.engine.reasons and corsspec.explain.

python docs/gen_reasons.py          # rewrite docs/reasons.md
python docs/gen_reasons.py --check  # exit 1 if the committed page is stale
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corsspec.explain import render_reason_catalogue

PAGE = Path(__file__).resolve().parent / "reasons.md"


def main(argv: list[str]) -> int:
    text = render_reason_catalogue()
    if "--check" in argv:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != text:
            sys.stderr.write("docs/reasons.md is stale: run python docs/gen_reasons.py\n")
            return 1
        return 0
    PAGE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

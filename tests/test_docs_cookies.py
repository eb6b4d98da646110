"""docs/cookies.md: its Python example runs and says what its comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import corsspec as cs

DOC = Path(__file__).resolve().parent.parent / "docs" / "cookies.md"


def test_cookies_doc_example_runs_as_commented() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert blocks
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(compile(blocks[0], "docs/cookies.md", "exec"), namespace)
    ev = namespace["ev"]
    assert isinstance(ev, cs.Evaluation)
    assert ev.allowed is True
    assert ev.cookies is not None
    assert ev.cookies.missing == ("sid",)
    assert ev.cookies.hops[0].excluded[0].reason is cs.CookieReason.SAMESITE_LAX
    assert "NEEDED COOKIES MISSING: sid" in printed.getvalue()


def test_cookies_doc_table_matches_the_profiles() -> None:
    text = DOC.read_text(encoding="utf-8")
    words = {True: "yes", False: "no", None: "unknown"}
    for field in (
        "cookie_none_requires_secure",
        "cookie_secure_on_loopback",
        "cookie_schemeful_same_site",
        "cookie_partitioned_requires_secure",
        "third_party_cookies",
        "cookie_lax_by_default",
    ):
        (row,) = [line for line in text.splitlines() if line.startswith(f"| `{field}` |")]
        cells = [c.strip().strip("*") for c in row.strip("|").split("|")[1:]]
        for profile, cell in zip((cs.SPEC, cs.CHROMIUM, cs.FIREFOX, cs.WEBKIT), cells, strict=True):
            value = getattr(profile, field)
            expected = value.value if isinstance(value, cs.ThirdPartyCookies) else words[value]
            assert cell.split(" (")[0].strip("*") == expected, (field, profile.name, cell)

"""The README's Python example runs and says what its comments say."""

from __future__ import annotations

import re
from pathlib import Path

import corsspec as cs

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_example_runs_as_commented() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "the README has a Python example"
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    ev = namespace["ev"]
    assert isinstance(ev, cs.Evaluation)
    assert ev.allowed is False
    assert ev.reason is not None
    assert ev.reason.code is cs.ReasonCode.ACAC_NOT_TRUE
    assert ev.reason.stage is cs.Stage.PREFLIGHT
    req = namespace["req"]
    assert isinstance(req, cs.Request)
    assert cs.needs_preflight(req) is True
    assert cs.unsafe_header_names(req) == ("authorization", "content-type")

"""The documentation site's navigation covers every page (issue 18).

``mkdocs build --strict`` (``tox -e docs``, a step of ``.ci/run``) proves the site builds
and its links and API references resolve, but MkDocs only *warns* about a page that is
not in ``nav`` when told to, and a reader never finds it. This test reads ``mkdocs.yml``
and fails when a Markdown file under ``docs/`` is missing from the nav, or when the nav
names a page that does not exist.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import yaml

import corsspec

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def nav_pages(node: object) -> list[str]:
    """The page paths in an MkDocs ``nav`` value (a list of ``{title: page-or-section}``)."""
    if isinstance(node, str):
        return [] if "://" in node else [node]
    if isinstance(node, list):
        return [page for item in node for page in nav_pages(item)]
    if isinstance(node, dict):
        return [page for value in node.values() for page in nav_pages(value)]
    raise TypeError(f"unexpected nav entry {node!r} in mkdocs.yml")


def load_nav() -> list[str]:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["docs_dir"] == "docs"
    return nav_pages(config["nav"])


def docs_pages() -> set[str]:
    return {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")}


def test_nav_pages_extracted_from_nested_sections() -> None:
    nav = [{"Home": "index.md"}, {"Group": [{"A": "a.md"}, {"Sub": [{"B": "x/b.md"}]}]}]
    assert nav_pages(nav) == ["index.md", "a.md", "x/b.md"]
    assert nav_pages([{"Out": "https://example.org/"}]) == []


def test_every_docs_page_is_in_the_nav() -> None:
    missing = sorted(docs_pages() - set(load_nav()))
    assert missing == [], f"pages under docs/ missing from mkdocs.yml's nav: {missing}"


def test_nav_names_only_existing_pages_once() -> None:
    nav = load_nav()
    absent = sorted(set(nav) - docs_pages())
    assert absent == [], f"mkdocs.yml's nav names pages that do not exist: {absent}"
    repeated = sorted({page for page in nav if nav.count(page) > 1})
    assert repeated == [], f"pages listed more than once in mkdocs.yml's nav: {repeated}"


def test_api_index_names_every_top_level_name() -> None:
    """``docs/api/corsspec.md`` links each ``corsspec.__all__`` name to where it is defined.

    ``mkdocs build --strict`` fails when a link's target is not documented; this fails when
    a name is added to ``corsspec`` and not to the page, or when a link points at a module
    that does not export the name.
    """
    text = (DOCS / "api" / "corsspec.md").read_text(encoding="utf-8")
    links = dict(re.findall(r"\[`(\w+)`\]\[([\w.]+)\]", text))
    expected = set(corsspec.__all__) - {"__version__"}
    assert sorted(expected - set(links)) == [], "names missing from docs/api/corsspec.md"
    assert sorted(set(links) - expected) == [], "names not in corsspec.__all__"
    for name, target in sorted(links.items()):
        module_name, _, attribute = target.rpartition(".")
        assert attribute == name, f"{name} links to {target}"
        module = importlib.import_module(module_name)
        assert name in module.__all__, f"{module_name} does not export {name}"
        assert getattr(module, name) is getattr(corsspec, name), target

"""The reference in docs/ stays whole: links resolve, every command is documented, and the
default codebook's summary names every label, attribute, role and relation."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from annotator.cli import build_parser
from annotator.core.codebook import load_codebook

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
PAGES = sorted(DOCS.glob("*.md"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens."""
    out: set[str] = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        m = re.match(r"#{1,6} (.+)", line)
        if m:
            slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
            out.add(slug)
    return out


@pytest.mark.parametrize("page", [REPO / "README.md", *PAGES], ids=lambda p: p.name)
def test_relative_links_point_at_existing_files_and_headings(page: Path) -> None:
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        path, _, anchor = target.partition("#")
        dest = (page.parent / path).resolve() if path else page
        if not dest.exists() or (anchor and dest.suffix == ".md" and anchor not in _anchors(dest)):
            broken.append(target)
    assert broken == []


# The team's internal contract and folder, which users of the repository do not have; spelled
# in pieces so that this file does not cite them either.
FOREIGN = ("SPEC" + " §", ".." + "/shared")


def test_docs_and_code_cite_only_the_project() -> None:
    pages = [REPO / "README.md", *PAGES]
    sources = [*(REPO / "annotator").rglob("*.py"), *(REPO / "tests").rglob("*.py")]
    for path in [*pages, *sources]:
        text = path.read_text(encoding="utf-8")
        for foreign in FOREIGN:
            assert foreign not in text, path.relative_to(REPO)


def _commands(parser: argparse.ArgumentParser, prefix: str = "annotator") -> list[str]:
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = _commands(sub, f"{prefix} {name}")
                out.extend(nested or [f"{prefix} {name}"])
    return out


def test_every_subcommand_and_option_is_in_cli_md() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = _commands(build_parser())
    assert "annotator export" in commands
    # "annotator actors import" may be written with its PROJECT first: `annotator actors PROJECT import`
    missing = [
        c
        for c in commands
        if not re.search("`" + r"(?: PROJECT)? ".join(map(re.escape, c.split())), text)
    ]
    assert missing == []
    options: set[str] = set()
    stack = [build_parser()]
    while stack:
        parser = stack.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())
            options.update(o for o in action.option_strings if o.startswith("--"))
    options.discard("--help")
    assert "--done-only" in options
    assert sorted(o for o in options if not re.search(rf"{o}(?![\w-])", text)) == []


def test_codebook_md_lists_the_default_codebook() -> None:
    text = (DOCS / "codebook.md").read_text(encoding="utf-8")
    cb = load_codebook(REPO / "schema" / "conflict-events.yaml")
    names = [f"### {lab.name}" for lab in cb.labels]
    for lab in cb.labels:
        names += [f"`{a.name}`" for a in lab.attributes]
        names += [f"`{v}`" for a in lab.attributes for v in a.value_names]
        names += [f"`{r.name}`" for r in lab.roles]
    names += [f"`{r.name}`" for r in cb.relations]
    assert [n for n in names if n not in text] == []

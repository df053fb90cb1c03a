"""The CLI imports only the module of the command it runs; ``--help`` still lists them all."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from annotator.cli import COMMANDS, build_parser

REPO = Path(__file__).resolve().parents[1]


def _loaded_after(*args: str) -> set[str]:
    """The annotator, store-library and numpy modules a fresh process has loaded after main."""
    code = (
        "import sys\n"
        "from annotator.cli import main\n"
        "try:\n"
        f"    main({list(args)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(m for m in sys.modules if m.startswith(('annotator', 'sqlalchemy', "
        "'sqlmodel', 'numpy'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    return set(out.stdout.split())


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def test_the_table_names_every_command_in_order_with_its_modules_help() -> None:
    full = _subparsers(build_parser())
    listed = {action.dest: action.help for action in full._choices_actions}
    assert list(listed) == list(COMMANDS)
    assert listed == {name: help_text for name, (_module, help_text) in COMMANDS.items()}


def test_help_lists_every_command_without_loading_any_command_module() -> None:
    loaded = _loaded_after("--help")
    assert sorted(m for m in loaded if m.startswith("annotator.")) == ["annotator.cli"]
    assert not {m for m in loaded if m.startswith(("sqlalchemy", "sqlmodel", "numpy"))}
    help_text = subprocess.run(
        [sys.executable, "-m", "annotator.cli", "--help"],
        capture_output=True, text=True, check=True, cwd=REPO,
    ).stdout  # fmt: skip
    for name in ("gui", "import", "agreement", "actors", "places", "assignments", "merge"):
        assert f"\n    {name}" in help_text


def test_a_command_loads_its_own_module_only() -> None:
    loaded = _loaded_after("agreement", "--help")
    assert "annotator.cli.agreement" in loaded
    others = {"annotator.cli.export", "annotator.cli.dataset", "annotator.cli.team",
              "annotator.cli.fieldwork", "annotator.cli.check", "annotator.cli.backup"}  # fmt: skip
    assert not loaded & others
    assert "annotator.core.export" not in loaded  # the exporters only for --disagreements
    loaded = _loaded_after("places", "--help")  # a module with two commands
    assert "annotator.cli.dataset" in loaded
    assert "annotator.cli.agreement" not in loaded


def test_a_second_command_of_a_module_parses_in_full() -> None:
    parser = build_parser(("places",))
    args = parser.parse_args(["actors", "p.annot", "list"])
    assert args.command == "actors"

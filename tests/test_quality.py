"""Lint, format and type checks are part of the suite (ruff; mypy: strict on core, store and
cli, plain on gui)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN))
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return found


def test_ruff_lint() -> None:
    out = subprocess.run(
        [tool("ruff"), "check", "--output-format", "concise", "annotator", "tests"],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_format() -> None:
    out = subprocess.run(
        [tool("ruff"), "format", "--check", "annotator", "tests"],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_strict_on_core_and_store() -> None:
    out = subprocess.run(
        [tool("mypy"), "annotator/core", "annotator/store", "annotator/cli"],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_gui() -> None:
    """Not strict (PySide6 stubs leave too much untyped), but no errors: Optional Qt returns
    get a None check and callbacks a type."""
    out = subprocess.run(
        [tool("mypy"), "annotator/gui"],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr

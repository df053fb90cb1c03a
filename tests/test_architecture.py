"""The model never depends on Qt: core, store and the CLI load without PySide6."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_core_store_and_cli_never_load_pyside6() -> None:
    code = (
        "import sys, pkgutil, importlib\n"
        "import annotator.core, annotator.store, annotator.cli\n"
        "for pkg in (annotator.core, annotator.store):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if '.migrations.versions' not in m.name:\n"
        "            importlib.import_module(m.name)\n"
        "from annotator.cli import build_parser; build_parser()\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'annotator.gui')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == ""


def test_import_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed")
    out = subprocess.run([lint], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_package_is_listed_for_the_wheel() -> None:
    """pyproject lists packages explicitly (to map schema/ and seeds/ into annotator.data)."""
    import tomllib

    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(REPO).parts)
        for p in (REPO / "annotator").rglob("__init__.py")
    }
    assert found - listed == set(), "add these packages to [tool.setuptools] packages"

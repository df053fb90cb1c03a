"""Damaging a project file on purpose, as a bad disk would."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def damage(path: Path, table: str = "document") -> None:
    """Overwrite the start of ``table``'s root page with garbage, as a bad disk sector would."""
    db = sqlite3.connect(path)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    db.execute("PRAGMA journal_mode = DELETE")  # everything in the main file, no -wal
    db.close()
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xff" * 64)

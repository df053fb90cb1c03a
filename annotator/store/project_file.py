"""A project file on disk, looked at without writing to it; its full check; its backup.

Everything here opens the file with SQLite's read-only mode, so looking at a file that turns out
not to be a project (someone else's database, a text file, a 0-byte file) never changes it:
opening it with the project engine would switch it to WAL mode, which writes to its header.
See docs/cli.md#project-files.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
PROJECT_TABLE = "alembic_version"
CODEBOOK_TABLE = "codebook_version"
MAX_PROBLEMS = 20  # lines of integrity_check worth showing
FULL_BELOW = 64 * 1024  # free bytes under which a disk counts as full (SQLite's -shm is 32 KiB)


@dataclass(frozen=True)
class Look:
    """What a file is: ``project``; ``empty`` (0 bytes, or SQLite without tables: a new or an
    interrupted ``init``); ``unfinished`` (tables but no codebook: ``init`` killed half way);
    ``not_sqlite``; ``other_tables`` (someone else's database); ``damaged``."""

    state: str
    detail: str = ""


def default_project_path() -> Path:
    """The per-user project ``annotator`` opens with no argument (the demo on first start)."""
    from platformdirs import user_data_path

    return user_data_path("annotator", appauthor=False) / "default.annot"


def read_only_reason(path: Path) -> str:
    """Why the project cannot be written to ("" when it can). SQLite in WAL mode writes two
    files beside the project, so a read-only folder makes the project read-only too."""
    folder = path.parent
    if not os.access(folder, os.W_OK):
        return "folder is read-only"
    if path.exists() and not os.access(path, os.W_OK):
        return "file is read-only"
    return ""


def disk_full(path: Path) -> bool:
    """Whether the disk holding ``path`` has no room left for SQLite's next page or log."""
    try:
        stat = os.statvfs(path.parent)
    except OSError:
        return False
    return stat.f_bavail * stat.f_frsize < FULL_BELOW


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to ``path`` or create files beside it.

    A WAL project whose folder cannot be written holds no ``-shm`` file, which plain read-only
    mode needs; it is then opened as immutable, which is exact as long as no ``-wal`` file holds
    commits not yet copied into the project (then nobody can have written it since: the folder
    is read-only), so that case is refused rather than read without them.
    """
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=False)


def look(path: Path) -> Look:
    """What ``path`` holds, read without writing (includes SQLite's quick_check)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        return Look("unreadable", exc.strerror or str(exc))
    if not header:
        return Look("empty", "0 bytes")
    if header != SQLITE_HEADER:
        return Look("not_sqlite")
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as exc:
        if read_only_reason(path) and Path(f"{path}-wal").exists():
            return Look(
                "unreadable",
                "its -wal file holds recent changes, which SQLite cannot read in a read-only "
                "folder; copy the project and its -wal file to a folder you can write to",
            )
        return Look("unreadable", str(exc))
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        problems = _lines(conn.execute("PRAGMA quick_check(5)"))
        if problems != ["ok"]:
            return Look("damaged", problems[0])
        if not names:
            return Look("empty", "no tables")
        if PROJECT_TABLE not in names:
            return Look("other_tables")
        if (
            CODEBOOK_TABLE not in names
            or not conn.execute(f"SELECT 1 FROM {CODEBOOK_TABLE} LIMIT 1").fetchone()
        ):
            return Look("unfinished")
        return Look("project")
    except sqlite3.DatabaseError as exc:  # "database disk image is malformed", "not a database"
        return Look("damaged", str(exc))
    finally:
        conn.close()


def integrity_problems(path: Path) -> list[str]:
    """SQLite's full integrity check and the foreign-key check: [] when the file is sound."""
    conn = connect_read_only(path)
    try:
        problems = _lines(conn.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})"))
        if problems == ["ok"]:
            problems = []
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{table} row {rowid}: refers to a missing {parent} row")
            if len(problems) >= MAX_PROBLEMS:
                break
        return problems
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        conn.close()


def backup(path: Path, out: Path) -> None:
    """A consistent copy of the project at ``out``, taken while others keep working.

    SQLite's online backup reads one snapshot (in WAL mode writers go on meanwhile); the copy is
    written under a temporary name beside ``out``, synced, checked and only then renamed over
    ``out``, so a failed backup never leaves a half file where a good one was.
    """
    out_dir = out.parent
    tmp = out_dir / f".{out.name}.{uuid.uuid4().hex[:8]}.tmp"
    source = connect_read_only(path)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            if target.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise sqlite3.DatabaseError("the copy does not pass SQLite's check")
        finally:
            target.close()
        _fsync(tmp)
        os.replace(tmp, out)
        _fsync(out_dir)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        source.close()


def _lines(rows: Iterable[tuple[str]]) -> list[str]:
    """SQLite's check results as one problem a line (it prefixes "*** in database main ***")."""
    out: list[str] = []
    for (text,) in rows:
        out.extend(line for line in str(text).splitlines() if line and not line.startswith("***"))
    return out


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

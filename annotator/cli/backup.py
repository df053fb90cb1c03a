"""``annotator backup``: a consistent copy of a project file while others keep working
(docs/cli.md#project-files)."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path
from typing import Any

from annotator.store import project_file
from annotator.store.engine import ProjectError, check_project_file, mask_password, project_url


def cmd_backup(args: argparse.Namespace) -> int:
    url = project_url(args.project)
    label = mask_password(args.project)
    if not url.startswith("sqlite:///"):
        raise ProjectError(
            f"{label}: a PostgreSQL project is backed up with pg_dump "
            "(e.g. pg_dump -Fc -f annotator.dump DBNAME), not by annotator"
        )
    path = Path(url.removeprefix("sqlite:///"))
    out = Path(args.output).expanduser().resolve()
    if not path.exists():
        raise ProjectError(f"{label}: no such project")
    check_project_file(path, label)  # a damaged project is refused, not copied as good
    if out == path or out.is_dir():
        raise ProjectError(f"{args.output}: name a new file for the backup, not the project")
    if not out.parent.is_dir():
        raise ProjectError(f"{out.parent}: no such folder")
    try:
        project_file.backup(path, out)
    except sqlite3.Error as exc:
        raise ProjectError(f"{label}: backup failed, nothing was written ({exc})") from None
    except OSError as exc:
        reason = "disk full" if exc.errno == 28 else (exc.strerror or str(exc))
        raise ProjectError(f"{args.output}: cannot write the backup ({reason})") from None
    print(f"backed up {label} to {args.output} ({out.stat().st_size:,} bytes, checked)")
    return 0


def register(sub: Any) -> None:
    bk = sub.add_parser(
        "backup",
        help="write a consistent copy of a project file",
        description="Copies a project file with SQLite's online backup while others keep "
        "working in it. The copy is checked and only then put in place.",
    )
    bk.add_argument("project")
    bk.add_argument("output", metavar="OUT", help="the backup file to write")
    bk.set_defaults(func=cmd_backup)

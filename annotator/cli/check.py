"""``annotator check``: the full integrity check of a project (docs/cli.md#project-files)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from annotator.store import project_file
from annotator.store.engine import (
    Project,
    ProjectError,
    check_project_file,
    mask_password,
    project_url,
)


def cmd_check(args: argparse.Namespace) -> int:
    url = project_url(args.project)
    label = mask_password(args.project)
    if not url.startswith("sqlite:///"):
        # Opening checks the connection and brings the schema up to date; the storage itself
        # is the server's to check (PostgreSQL's amcheck, its checksums).
        Project.open(args.project).close()
        print(f"{label}: ok (schema current; PostgreSQL checks its own storage: see amcheck)")
        return 0
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        raise ProjectError(f"{label}: no such project")
    found = project_file.look(path)
    if found.state in ("not_sqlite", "other_tables", "empty", "unfinished", "unreadable"):
        check_project_file(path, label)  # one line saying what it is instead
    problems = project_file.integrity_problems(path)
    if problems:
        print(f"{label}: DAMAGED — {len(problems)} problem(s) found:")
        for line in problems:
            print(f"  {line}")
        print("restore your latest backup ('annotator backup' makes one); nothing was changed")
        return 1
    print(f"{label}: ok (SQLite integrity check and foreign keys)")
    return 0


def register(sub: Any) -> None:
    ch = sub.add_parser(
        "check",
        help="check a project file for damage",
        description="Runs SQLite's full integrity check and the foreign-key check on a "
        "project file, read-only, and lists what is wrong. Exit status 1 when damaged.",
    )
    ch.add_argument("project")
    ch.set_defaults(func=cmd_check)

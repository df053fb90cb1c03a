"""Team commands: ``users``, ``assign``, ``assignments``, ``progress`` (docs/team.md, docs/cli.md).

``users`` works on team projects (PostgreSQL); ``assign``, ``assignments`` and ``progress``
on every project. On a team project the server decides what the caller may do and see.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import orjson

from annotator.store import team
from annotator.store.assign import AssignPlan, assign, assignments
from annotator.store.engine import Project, ProjectError
from annotator.store.progress import progress


def _open(project: str) -> Project:
    return Project.open(project)


def _password(args: argparse.Namespace) -> str | None:
    """From --password-file (first line), a prompt on a terminal, or none (trusted server)."""
    if args.no_password:
        return None
    if args.password_file:
        path = Path(args.password_file)
        try:
            lines = path.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ProjectError(f"{path}: cannot read the password file ({exc})") from None
        if not lines or not lines[0]:
            raise ProjectError(f"{path}:1: the password file is empty")
        return lines[0]
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass(f"password for {args.name} (empty: none): ")
    if not first:
        return None
    if getpass.getpass("again: ") != first:
        raise ProjectError("the two passwords differ; nothing was changed")
    return first


def cmd_users(args: argparse.Namespace) -> int:
    project = _open(args.project)
    if args.users_command == "add":
        user = team.add_user(project, args.name, args.role, _password(args))
        print(f"{user.name}: {', '.join(user.roles)}")
    elif args.users_command == "remove":
        team.remove_user(project, args.name)
        print(f"{args.name}: no longer a user of this project (their work is kept)")
    else:
        users = team.list_users(project)
        if args.format == "json":
            print(orjson.dumps([u.as_json() for u in users], option=orjson.OPT_INDENT_2).decode())
        else:
            for u in users:
                print(f"{u.name:<24} {', '.join(u.roles)}")
    return 0


def _csv(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def cmd_assign(args: argparse.Namespace) -> int:
    project = _open(args.project)
    plan = AssignPlan(
        coders=_csv(args.coders) or [],
        per_document=args.per_document,
        overlap=args.overlap,
        documents=_csv(args.documents),
        unassigned=args.unassigned,
        seed=args.seed,
        force=args.force,
    )
    result, _ = assign(project, plan)
    loads = ", ".join(f"{name} {n}" for name, n in sorted(result.loads.items()))
    print(
        f"assigned {result.documents} document(s) (seed {result.seed}); "
        f"{result.extra} with {args.per_document + 1} coders; "
        f"{result.kept} started assignment(s) kept"
    )
    print(f"loads: {loads}")
    return 0


def cmd_assignments(args: argparse.Namespace) -> int:
    rows = assignments(_open(args.project))
    if args.format == "json":
        print(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode())
    else:
        for row in rows:
            coders = row["coders"]
            assert isinstance(coders, list)
            print(f"{row['document']}\t{','.join(coders) or '-'}")
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    report = progress(_open(args.project))
    if args.format == "json":
        print(orjson.dumps(report.as_json(), option=orjson.OPT_INDENT_2).decode())
        return 0
    print(f"{'coder':<20} {'assigned':>8} {'started':>8} {'done':>6} {'spans':>7}  last activity")
    for c in report.coders:
        last = c.last_activity.strftime("%Y-%m-%d %H:%M") if c.last_activity else "-"
        print(
            f"{c.coder:<20} {c.assigned:>8} {c.started:>8} {c.done:>6} {c.annotations:>7}  {last}"
        )
    print()
    print(f"{'document':<28} {'done':>7}  review")
    sys.stdout.write(  # one write: a listing has a line per document
        "".join(
            f"{d.document[:28]:<28} {len(d.done):>3}/{len(d.coders):<3}  {d.state}\n"
            for d in report.documents
        )
    )
    states = ", ".join(
        f"{report.count(s)} {s}" for s in ("waiting", "ready", "adjudicated", "stale")
    )
    print(f"\n{report.n_documents} document(s): {states}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    u = sub.add_parser("users", help="a team project's people and their roles")
    u.add_argument("project")
    us = u.add_subparsers(dest="users_command", metavar="add|list|remove", required=True)
    add = us.add_parser("add", help="create or reuse a login role and give it a role here")
    add.add_argument("name")
    add.add_argument("--role", choices=team.ROLES, required=True)
    add.add_argument("--password-file", help="read the password from this file's first line")
    add.add_argument("--no-password", action="store_true", help="the server trusts this user")
    ls = us.add_parser("list", help="who has which role")
    ls.add_argument("--format", choices=("table", "json"), default="table")
    rm = us.add_parser("remove", help="revoke access (every annotation is kept)")
    rm.add_argument("name")
    for p in (add, ls, rm):
        p.set_defaults(func=cmd_users)

    a = sub.add_parser("assign", help="give documents to coders (K each, a fraction K+1)")
    a.add_argument("project")
    a.add_argument("--coders", required=True, help="comma-separated coder names")
    a.add_argument("--per-document", type=int, default=1, metavar="K")
    a.add_argument("--overlap", type=float, default=0.0, metavar="F", help="share with K+1")
    which = a.add_mutually_exclusive_group()
    which.add_argument("--documents", metavar="IDS", help="comma-separated document ids")
    which.add_argument("--unassigned", action="store_true", help="only documents nobody has")
    a.add_argument("--seed", type=int, help="the same seed gives the same assignment")
    a.add_argument("--force", action="store_true", help="also take away started documents")
    a.set_defaults(func=cmd_assign)

    s = sub.add_parser("assignments", help="who codes which document")
    s.add_argument("project")
    s.add_argument("--format", choices=("table", "json"), default="table")
    s.set_defaults(func=cmd_assignments)

    p = sub.add_parser("progress", help="per coder and per document: done, review state")
    p.add_argument("project")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_progress)

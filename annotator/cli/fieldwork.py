"""``annotator package`` and ``annotator merge``: a coder's layer out for field work and back
(docs/team.md, "Field work"; docs/cli.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from annotator.store.engine import Project
from annotator.store.fieldwork import MergeConflict, package
from annotator.store.merge import merge
from annotator.store.services import valid_coder_name


def cmd_package(args: argparse.Namespace) -> int:
    project = Project.open(args.project)
    try:
        documents = [d for d in (args.documents or "").split(",") if d] or None
        report = package(project, valid_coder_name(args.coder), Path(args.output), documents)
    finally:
        project.close()
    print(
        f"wrote {report.path}: {report.documents} document(s), {report.spans} span(s) and "
        f"{report.links} link(s) of {args.coder}; code it with "
        f"'annotator gui {report.path} --coder {args.coder}', then 'annotator merge'"
    )
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    project = Project.open(args.project)
    try:
        report = merge(project, Path(args.package))
    except MergeConflict as exc:
        for item in exc.items:
            print(f"conflict: {item}", file=sys.stderr)
        raise
    finally:
        project.close()
    if not report.changed and not report.audit:
        print(f"nothing to merge: {report.coder}'s layer is up to date")
        return 0
    print(
        f"merged {report.coder}'s work: {report.added} span(s) added, {report.edited} edited, "
        f"{report.deleted} deleted; {report.links_added} link(s) added, "
        f"{report.links_deleted} removed; {report.statuses} status(es); "
        f"{report.audit} audit entries"
    )
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("package", help="a coder's documents and layer as a project for field work")
    p.add_argument("project")
    p.add_argument("--coder", required=True, help="whose layer goes into the package")
    p.add_argument("-o", "--output", required=True, metavar="FILE.annot")
    p.add_argument("--documents", help="comma-separated document ids (default: all)")
    p.set_defaults(func=cmd_package)
    m = sub.add_parser("merge", help="bring a field-work package's layer back into the project")
    m.add_argument("project")
    m.add_argument("package", metavar="FILE.annot")
    m.set_defaults(func=cmd_merge)

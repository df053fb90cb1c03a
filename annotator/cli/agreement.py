"""``annotator agreement``: inter-annotator agreement report and disagreement list."""

from __future__ import annotations

import argparse
import csv
import gc
import sys
from pathlib import Path
from typing import Any

import orjson

from annotator.core.agreement import (
    AgreementInput,
    agreement_report,
    disagreements,
    format_table,
    report_csv_rows,
)
from annotator.store.coding_sql import SCOPES, Selection


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    names = [v.strip() for v in value.split(",") if v.strip()]
    return names or None


def cmd_agreement(args: argparse.Namespace) -> int:
    # The command builds hundreds of thousands of rows, dicts and lists that hold no cycles;
    # the cycle collector's passes over them cost a tenth of its time, so it is off meanwhile.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _agreement(args)
    finally:
        if was_enabled:
            gc.enable()


def _read(args: argparse.Namespace) -> tuple[Selection, AgreementInput]:
    """The selection and what to compare: from a current project file through a read-only
    ``sqlite3`` connection (no SQLAlchemy import), otherwise (a team database, a file to
    migrate or to refuse, or any refusal, which is then said by the normal path) through
    ``Project.open``. Both run the same SQL (``annotator.store.coding_sql``)."""
    found = _read_file(args)
    if found is not None:
        return found
    from annotator.store.engine import Project
    from annotator.store.review import agreement_input, select_documents

    project = Project.open(args.project)
    selection = select_documents(
        project, _names(args.coders), _names(args.documents), scope=args.scope
    )
    data = agreement_input(
        project, selection, _names(args.labels), suggestions=not args.without_suggestions
    )
    return selection, data


def _read_file(args: argparse.Namespace) -> tuple[Selection, AgreementInput] | None:
    import sqlite3

    from annotator.core.codebook import CodebookError, parse_codebook
    from annotator.store import coding_sql
    from annotator.store.read_only import open_current, runner

    conn = open_current(args.project)
    if conn is None:
        return None
    try:
        run = runner(conn)
        source = coding_sql.codebook_source(run)
        if source is None:
            return None
        codebook = parse_codebook(source)
        selection = coding_sql.select_documents(
            run, _names(args.coders), _names(args.documents), scope=args.scope
        )
        data = coding_sql.agreement_input(
            run,
            codebook,
            selection,
            _names(args.labels),
            suggestions=not args.without_suggestions,
        )
        return selection, data
    except (coding_sql.Refusal, CodebookError, sqlite3.Error):
        return None  # said (or refused) by the normal path, in the words of every command
    finally:
        conn.close()


def _agreement(args: argparse.Namespace) -> int:
    selection, data = _read(args)
    report: dict[str, Any] = agreement_report(data)
    report["document_rule"] = selection.rule
    if args.disagreements:
        rows = disagreements(data)
        _write_csv(Path(args.disagreements), rows)
        print(f"wrote {len(rows)} disagreement(s) to {args.disagreements}", file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n")
    elif args.format == "csv":
        rows = report_csv_rows(report)
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["metric"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        n = len(selection.document_ids)
        print(f"{n} document{'s' if n != 1 else ''} compared: {selection.rule}")
        print(format_table(report))
    return 0


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    from annotator.core.export.atomic import atomic_output  # the exporters load only for this

    fields: list[str] = []
    for row in rows:
        fields.extend(k for k in row if k not in fields)
    with atomic_output(path, "w") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields or ["document"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def register(sub: Any) -> None:
    ag = sub.add_parser("agreement", help="inter-annotator agreement report")
    ag.add_argument("project")
    ag.add_argument("--coders", help="comma-separated coders (default: all but gold)")
    ag.add_argument("--labels", help="comma-separated labels (default: all)")
    ag.add_argument("--documents", help="comma-separated document ids (default: see --scope)")
    ag.add_argument(
        "--scope",
        choices=SCOPES,
        default="coded",
        help="coded: documents every coder marked done or annotated (default); "
        "done: marked done by all; all: every document",
    )
    ag.add_argument("--format", choices=("table", "json", "csv"), default="table")
    ag.add_argument(
        "--without-suggestions",
        action="store_true",
        help="leave out spans the coders accepted as suggestions",
    )
    ag.add_argument(
        "--disagreements", metavar="FILE.csv", help="also write one row per disagreement"
    )
    ag.set_defaults(func=cmd_agreement)

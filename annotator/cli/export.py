"""``annotator export``: JSONL, tidy CSV tables (with events.csv) and brat standoff."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from typing import Any

from annotator.core.codebook import Codebook
from annotator.core.export import (
    DocumentBundle,
    ExportError,
    ExportStats,
    Progress,
    write_brat,
    write_csv,
    write_jsonl,
)
from annotator.store.engine import Project
from annotator.store.exporting import ExportFilter, bundles, selected_documents, stale_gold

FORMATS = ("jsonl", "csv", "brat")


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()] or None


def cmd_export(args: argparse.Namespace) -> int:
    from annotator.cli import progress_bar

    project = Project.open(args.project)
    args.opened = project  # the CSV writer reads the project's actor registry and gazetteer
    flt = ExportFilter(
        coders=_names(args.coders),
        labels=_names(args.labels),
        documents=_names(args.documents),
        done_only=args.done_only,
    )
    to_stdout = args.output == "-"
    if to_stdout and args.format != "jsonl":
        raise ExportError(f"-o - (standard output) is for jsonl; {args.format} writes a folder")
    ids = selected_documents(project, flt)
    update, close = progress_bar(len(ids), "exporting")

    def progress(_stats: ExportStats) -> None:
        update(1)

    stream = bundles(project, flt, ids)
    cb = project.codebook
    try:
        if to_stdout:
            stats = write_jsonl(stream, sys.stdout.buffer, cb.name, progress)
            sys.stdout.buffer.flush()
        else:
            stats = _write(args, stream, cb, flt, progress)
    except BrokenPipeError:  # the reader stopped early (| head): not an error of ours
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (no second error at exit)
        return 0
    except OSError as exc:
        where = "standard output" if to_stdout else args.output
        raise ExportError(f"{where}: cannot write ({exc.strerror or exc})") from None
    finally:
        close()
    stale = stale_gold(project, flt)
    if stale:
        shown = ", ".join(stale[:5]) + (" …" if len(stale) > 5 else "")
        print(
            f"left out {len(stale)} document(s) whose gold is stale (a coder changed their work "
            f"after it was adjudicated; review them again): {shown}",
            file=sys.stderr,
        )
    extra = f", {stats.events} event(s)" if args.format == "csv" else ""
    print(
        f"wrote {stats.documents} document(s), {stats.annotations} annotation(s), "
        f"{stats.links} link(s){extra} to {'standard output' if to_stdout else args.output}",
        file=sys.stderr if to_stdout else sys.stdout,  # stdout holds the JSONL alone
    )
    return 0


def _write(
    args: argparse.Namespace,
    stream: Iterator[DocumentBundle],
    cb: Codebook,
    flt: ExportFilter,
    progress: Progress,
) -> ExportStats:
    if args.format == "jsonl":
        return write_jsonl(stream, args.output, cb.name, progress)
    if args.format == "csv":
        from annotator.store.registry import references

        return write_csv(stream, args.output, cb, progress, references(args.opened))
    one = flt.coders[0] if flt.coders is not None and len(flt.coders) == 1 else None
    return write_brat(stream, args.output, cb, coder=one, progress=progress)


def register(sub: Any) -> None:
    ex = sub.add_parser(
        "export",
        help="write annotations out",
        description="Defaults: every document, every coder (gold included), every label. "
        "csv and brat write a folder; jsonl writes one file. Nothing is replaced unless the "
        "whole export succeeds.",
    )
    ex.add_argument("project")
    ex.add_argument("--format", choices=FORMATS, required=True)
    ex.add_argument(
        "-o",
        "--output",
        required=True,
        help="file (jsonl; - for standard output) or folder (csv, brat; replaced whole)",
    )
    ex.add_argument("--coders", help="comma-separated coders, e.g. gold or alice,bob")
    ex.add_argument("--labels", help="comma-separated labels")
    ex.add_argument("--documents", help="comma-separated document ids")
    ex.add_argument(
        "--done-only", action="store_true", help="only documents the coders marked done"
    )
    ex.set_defaults(func=cmd_export)

"""Export writers: pure Python (no Qt, no SQL), streaming one document at a time, atomic.

The store turns its rows into an iterator of :class:`DocumentBundle`; each writer consumes it and
returns :class:`ExportStats`. A single file is written under a temporary name and renamed into
place when complete (:mod:`.atomic`); a folder (CSV bundle, brat) is built in a staging folder and
swapped in whole (:mod:`.staging`): an interrupted export never leaves a half file or a mix.
"""

from __future__ import annotations

from annotator.core.export.atomic import atomic_output
from annotator.core.export.brat import annotation_conf, write_brat
from annotator.core.export.bundle import DocumentBundle, ExportError, ExportStats, Progress
from annotator.core.export.csv_tables import write_csv
from annotator.core.export.jsonl import document_to_json, write_jsonl
from annotator.core.export.staging import AtomicDirectory, atomic_directory

__all__ = [
    "AtomicDirectory",
    "DocumentBundle",
    "ExportError",
    "ExportStats",
    "Progress",
    "annotation_conf",
    "atomic_directory",
    "atomic_output",
    "document_to_json",
    "write_brat",
    "write_csv",
    "write_jsonl",
]

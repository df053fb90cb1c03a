"""Choosing what to export: coders (``gold`` included), labels, documents, done only.

The result is a stream of :class:`DocumentBundle` read in short batches, so an export of a
million annotations never holds the project in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from annotator.core.export.bundle import DocumentBundle
from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.services import ServiceError


@dataclass(frozen=True)
class ExportFilter:
    coders: Sequence[str] | None = None  # None: every coder, gold included
    labels: Sequence[str] | None = None  # None: every label
    documents: Sequence[str] | None = None  # external ids; None: every document
    done_only: bool = False  # only documents marked done by (each of) the chosen coders


def selected_documents(project: Project, flt: ExportFilter) -> list[int]:
    """Check the filter against the project (one clear error) and list the document ids."""
    known = queries.coders(project)
    if flt.coders is not None:
        for name in flt.coders:
            if name not in known:
                raise ServiceError(
                    f"unknown coder {name!r} (coders: {', '.join(known) or 'none yet'})"
                )
    if flt.labels is not None:
        cb = project.codebook
        for label in flt.labels:
            if cb.label(label) is None:
                raise ServiceError(
                    f"unknown label {label!r} (codebook has {', '.join(cb.label_names)})"
                )
    ids = queries.document_ids(project, ext_ids=flt.documents)
    if flt.documents is not None and len(ids) != len(set(flt.documents)):
        found = {queries.document(project, i).ext_id for i in ids}
        missing = sorted(set(flt.documents) - found)
        raise ServiceError(f"unknown document id {missing[0]!r}")
    if flt.done_only:
        done = queries.done_document_ids(project, list(flt.coders or known))
        ids = [i for i in ids if i in done]
    return ids


def bundles(project: Project, flt: ExportFilter, ids: Sequence[int]) -> Iterator[DocumentBundle]:
    for doc, anns, links in queries.iter_documents(project, ids, flt.coders, flt.labels):
        yield DocumentBundle(doc, anns, links)

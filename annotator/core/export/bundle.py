"""What the writers consume: one document with its annotations and links, streamed.

The store yields an ``Iterator[DocumentBundle]``; every writer handles one bundle at a time and
keeps nothing of it afterwards, so memory stays flat however large the project is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from annotator.core.records import Annotation, Document, Link


class ExportError(ValueError):
    """Data that cannot be written as asked (a link to an annotation not in its document...)."""


@dataclass(frozen=True)
class Decision:
    """A reviewer's adjudication decision in force on a document (written to adjudication.csv)."""

    decision: str  # "accepted" (copied into gold) or "rejected" (nothing in gold here)
    gold_uid: str  # accepted: the gold span made; "" for rejected
    sources: tuple[str, ...]  # "coder:uid" of the coders' spans decided on
    reviewer: str
    note: str
    at: str  # ISO 8601 UTC


@dataclass(frozen=True)
class DocumentBundle:
    document: Document
    annotations: Sequence[Annotation]
    links: Sequence[Link]
    decisions: Sequence[Decision] = ()


@dataclass
class ExportStats:
    """Counts of what a writer wrote; updated as it goes and returned at the end."""

    documents: int = 0
    annotations: int = 0
    links: int = 0
    events: int = 0
    paths: list[str] = field(default_factory=list)  # the files written (final names)


Progress = Callable[[ExportStats], None]
"""Called after each document with the running counts (e.g. to advance a progress bar)."""


def document_key(document: Document) -> str:
    """The id users see for a document: its external id, else its database id."""
    return document.ext_id or str(document.id)


def annotation_order(a: Annotation) -> tuple[int, int, str, str, str]:
    """The one order every export lists spans in: by position, then label, coder and uid."""
    return (a.start, a.end, a.label, a.coder, a.uid)


def sorted_annotations(bundle: DocumentBundle) -> list[Annotation]:
    return sorted(bundle.annotations, key=annotation_order)


def sorted_links(links: Sequence[Link], position: dict[int, int]) -> list[Link]:
    """Links ordered by coder, then where their ends sit in the span order, role and uid.

    ``position`` maps an annotation's database id to its index in the sorted spans; a link whose
    end is missing from it has already been reported by :func:`check_links`.
    """
    return sorted(
        links, key=lambda k: (k.coder, position[k.from_id], k.role, position[k.to_id], k.uid)
    )


def check_links(bundle: DocumentBundle, by_id: dict[int, Annotation]) -> None:
    """Every link must join two annotations of the same document."""
    for link in bundle.links:
        for end in (link.from_id, link.to_id):
            if end not in by_id:
                raise ExportError(
                    f"document {document_key(bundle.document)}: link {link.uid or link.id} "
                    f"({link.role}) points at annotation {end}, which is not in this document"
                )

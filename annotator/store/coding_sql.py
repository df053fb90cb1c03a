"""What `annotator agreement` reads, as SQL text and row decoding, for any connection.

One implementation for both ways a project is read for agreement: through the project's engine
(SQLAlchemy; every project, and the only way for PostgreSQL) and through a read-only stdlib
``sqlite3`` connection to a current project file (see ``annotator.store.read_only``), which
spares the command the import of SQLAlchemy and SQLModel. Only the connection differs: each
function here takes ``run(sql, params) -> rows`` (plain tuples); the SQL is portable (named
``:p`` parameters, JSON columns cast to text, ``"end"`` quoted) and this module imports no
SQLAlchemy.

Reading: plain columns, one query per table and batch of documents; attribute objects are read
as text and decoded with orjson; the annotations stay columns (`AnnotationTable`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import starmap
from typing import Any

import orjson

from annotator.core.agreement import AgreementInput
from annotator.core.agreement.model import AnnotationTable
from annotator.core.codebook import Codebook
from annotator.core.records import GOLD, Document, Link
from annotator.store.plain_sql import (
    ANNOTATIONS,
    DOCUMENTS,
    LINKS,
    Run,
    codebook_source,
    collector_paused,
    in_list,
    json_object,
)

BATCH = 5_000
"""Documents per query: well under every database's limit on bound parameters."""

SCOPES = ("coded", "done", "all")


class Refusal(Exception):
    """A selection that cannot be compared (unknown coder, too few coders ...): one line."""


@dataclass(frozen=True)
class Selection:
    coders: list[str]
    document_ids: list[int]
    rule: str  # how the documents were chosen, said in the report


def coders(run: Run) -> list[str]:
    return [name for (name,) in run("SELECT name FROM coder ORDER BY name", {})]


def coder_ids(run: Run, names: Sequence[str]) -> dict[int, str]:
    where, params = in_list("c", list(names))
    return dict(run(f"SELECT id, name FROM coder WHERE name IN {where}", params))


def document_ids(run: Run, ext_ids: Sequence[str] | None = None) -> list[int]:
    """Document ids in import order (of those with ``ext_ids``, when given)."""
    if ext_ids is None:
        return [i for (i,) in run("SELECT id FROM document ORDER BY id", {})]
    out: list[int] = []
    wanted = list(dict.fromkeys(ext_ids))
    for start in range(0, len(wanted), BATCH):
        where, params = in_list("e", wanted[start : start + BATCH])
        out.extend(i for (i,) in run(f"SELECT id FROM document WHERE ext_id IN {where}", params))
    return sorted(out)


def select_documents(
    run: Run,
    chosen_coders: Sequence[str] | None = None,
    ext_ids: Sequence[str] | None = None,
    scope: str = "coded",
) -> Selection:
    """Which coders and documents to compare.

    ``coded`` (default): documents every compared coder has marked done or annotated;
    ``done``: marked done by every one of them; ``all``: every document (unmarked ones count
    as coded with no spans, which lowers the figures).
    """
    if scope not in SCOPES:
        raise Refusal(f"unknown document scope {scope!r} (one of {', '.join(SCOPES)})")
    known = coders(run)
    if chosen_coders is None:
        chosen = [c for c in known if c != GOLD]
    else:
        unknown = [c for c in chosen_coders if c not in known]
        if unknown:
            raise Refusal(
                f"unknown coder {unknown[0]!r} (coders: {', '.join(known) or 'none yet'})"
            )
        chosen = list(dict.fromkeys(chosen_coders))
    if len(chosen) < 2:
        raise Refusal(
            f"agreement needs at least two coders; this project has {', '.join(known) or 'none'}"
        )
    ids = document_ids(run, ext_ids)
    if ext_ids is not None and len(ids) != len(set(ext_ids)):
        found: set[str] = set()
        for start in range(0, len(ids), BATCH):
            where, params = in_list("d", ids[start : start + BATCH])
            rows = run(f"SELECT ext_id FROM document WHERE id IN {where}", params)
            found.update(e for (e,) in rows)
        missing = sorted(set(ext_ids) - found)
        raise Refusal(f"unknown document id {missing[0]!r}")
    if scope == "all":
        return Selection(chosen, ids, "all of them")
    wanted = coder_ids(run, chosen)
    where, params = in_list("c", list(wanted))
    coded = set(
        run(
            f"SELECT document_id, coder_id FROM document_status "
            f"WHERE status = 'done' AND coder_id IN {where}",
            params,
        )
    )
    if scope == "coded":
        coded.update(
            run(
                f"SELECT DISTINCT document_id, coder_id FROM annotation "
                f"WHERE coder_id IN {where} AND deleted_at IS NULL",
                params,
            )
        )
    per_doc: dict[int, set[int]] = {}
    for doc_id, coder_id in coded:
        per_doc.setdefault(doc_id, set()).add(coder_id)
    need = set(wanted)
    kept = [i for i in ids if per_doc.get(i, set()) >= need]
    rule = {
        "coded": "those every coder marked done or annotated",
        "done": "those every coder marked done",
    }[scope]
    return Selection(chosen, kept, rule)


def accepted_suggestions(run: Run, document_ids: Sequence[int]) -> set[int]:
    """Annotations that entered a layer as accepted suggestions (docs/dataset.md)."""
    out: set[int] = set()
    ids = list(document_ids)
    for start in range(0, len(ids), 900):
        where, params = in_list("d", ids[start : start + 900])
        out.update(
            i
            for (i,) in run(
                f"SELECT entity_id FROM audit WHERE action = 'accept_suggestion' "
                f"AND document_id IN {where}",
                params,
            )
            if i is not None
        )
    return out


def read_coding(
    run: Run, document_ids: Sequence[int], coders: Sequence[str]
) -> tuple[list[Document], AnnotationTable, list[Link]]:
    """The documents (in the order given) with the live annotations and links of `coders`.

    Annotations come as a table (records built on demand), by document, start, end and id;
    links by id.
    """
    documents: dict[int, Document] = {}
    annotation_rows: list[tuple[Any, ...]] = []
    links: list[Link] = []
    in_coders, coder_params = in_list("c", list(coders))
    with collector_paused():
        for i in range(0, len(document_ids), BATCH):
            in_documents, params = in_list("d", list(document_ids[i : i + BATCH]))
            for ident, ext_id, text, title, source, url, published, language, meta, sha in run(
                DOCUMENTS.format(documents=in_documents), params
            ):
                documents[ident] = Document(
                    ident, ext_id, text, title, source, url, published, language,
                    json_object(meta), sha,
                )  # fmt: skip
            params.update(coder_params)
            annotation_rows.extend(
                run(ANNOTATIONS.format(documents=in_documents, coders=in_coders), params)
            )
            links.extend(
                starmap(Link, run(LINKS.format(documents=in_documents, coders=in_coders), params))
            )
    ordered = [documents[i] for i in document_ids if i in documents]
    if not annotation_rows:
        return ordered, AnnotationTable.empty(), links
    with collector_paused():
        columns: list[Sequence[Any]] = list(zip(*annotation_rows, strict=True))
        # Attribute objects are stored as JSON text, and spans repeat a few of them: each
        # distinct one is decoded once and shared by its spans (the agreement engine codes
        # it once; AnnotationTable says they are read-only).
        loads = orjson.loads
        decoded = {raw: loads(raw) or {} for raw in dict.fromkeys(columns[7])}
        columns[7] = list(map(decoded.__getitem__, columns[7]))
    return ordered, AnnotationTable(columns), links


def agreement_input(
    run: Run,
    cb: Codebook,
    selection: Selection,
    labels: Sequence[str] | None = None,
    *,
    suggestions: bool = True,
) -> AgreementInput:
    """What the agreement engine compares; ``suggestions=False`` leaves out spans the coders
    accepted as suggestions (and the links that touch them)."""
    if labels is not None:
        for label in labels:
            if cb.label(label) is None:
                raise Refusal(f"unknown label {label!r} (codebook has {', '.join(cb.label_names)})")
    documents, annotations, links = read_coding(run, selection.document_ids, selection.coders)
    if not suggestions:
        left_out = accepted_suggestions(run, selection.document_ids)
        if left_out:
            keep = [i for i, a in enumerate(annotations.column("id")) if a not in left_out]
            annotations = AnnotationTable(
                [[column[i] for i in keep] for column in annotations.columns()]
            )
            links = [k for k in links if k.from_id not in left_out and k.to_id not in left_out]
    return AgreementInput(
        documents=documents,
        annotations=annotations,
        links=links,
        coders=selection.coders,
        attribute_metrics=cb.attribute_metrics(),
        labels=list(labels) if labels is not None else None,
    )


__all__ = [
    "SCOPES",
    "Refusal",
    "Run",
    "Selection",
    "accepted_suggestions",
    "agreement_input",
    "codebook_source",
    "read_coding",
    "select_documents",
]

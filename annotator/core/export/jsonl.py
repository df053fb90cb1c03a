"""JSONL export: one object per document in the interchange shape of docs/formats.md, "JSONL".

The shape is the import shape plus ``codebook`` and ``version`` on each annotation (and
``source``, ``"coder:uid"``, on a gold annotation taken from a coder), so export -> import into a
new project -> export gives the same bytes. Keys come in a fixed order, annotations in the
span order (start, end, label, coder, uid), links by coder and then by where their ends sit, and
attribute keys sorted, so two exports of the same data are byte-identical.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import IO, Any

import orjson

from annotator.core.export.atomic import atomic_output
from annotator.core.export.bundle import (
    DocumentBundle,
    ExportStats,
    Progress,
    check_links,
    document_key,
    sorted_annotations,
    sorted_links,
)

Output = str | os.PathLike[str] | IO[bytes]


def document_to_json(bundle: DocumentBundle, codebook_name: str) -> dict[str, Any]:
    """The JSON object written for one document (what an import test compares against)."""
    doc = bundle.document
    text = doc.text
    spans = sorted_annotations(bundle)
    by_id = {a.id: a for a in spans}
    check_links(bundle, by_id)
    position = {a.id: i for i, a in enumerate(spans)}
    annotations: list[dict[str, Any]] = []
    for a in spans:
        obj: dict[str, Any] = {
            "id": a.uid,
            "coder": a.coder,
            "label": a.label,
            "start": a.start,
            "end": a.end,
            "text": text[a.start : a.end],
            "attributes": dict(sorted(a.attributes.items())) if a.attributes else {},
            "note": a.note,
            "codebook": codebook_name,
            "version": a.codebook_version,
        }
        if a.source_uid:
            obj["source"] = a.source_uid
        annotations.append(obj)
    links = [
        {
            "id": k.uid,
            "coder": k.coder,
            "from": by_id[k.from_id].uid,
            "role": k.role,
            "to": by_id[k.to_id].uid,
        }
        for k in sorted_links(bundle.links, position)
    ]
    return {
        "id": document_key(doc),
        "title": doc.title,
        "text": text,
        "source": doc.source,
        "url": doc.url,
        "published": doc.published,
        "language": doc.language,
        "metadata": doc.metadata,
        "annotations": annotations,
        "links": links,
    }


def write_jsonl(
    bundles: Iterable[DocumentBundle],
    out: Output,
    codebook_name: str,
    progress: Progress | None = None,
) -> ExportStats:
    """Write one line per document to ``out`` (a path, written atomically, or a binary stream).

    Streams: one document is in memory at a time.
    """
    stats = ExportStats()
    if isinstance(out, (str, os.PathLike)):
        with atomic_output(out) as f:
            _write(bundles, f, codebook_name, stats, progress)
        stats.paths.append(os.fspath(out))
    else:
        _write(bundles, out, codebook_name, stats, progress)
    return stats


def _write(
    bundles: Iterable[DocumentBundle],
    f: IO[bytes],
    codebook_name: str,
    stats: ExportStats,
    progress: Progress | None,
) -> None:
    dumps = orjson.dumps
    option = orjson.OPT_APPEND_NEWLINE
    for bundle in bundles:
        obj = document_to_json(bundle, codebook_name)
        f.write(dumps(obj, option=option))
        stats.documents += 1
        stats.annotations += len(obj["annotations"])
        stats.links += len(obj["links"])
        if progress is not None:
            progress(stats)

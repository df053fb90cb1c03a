"""Field work: a coder's layer taken out as a personal project, and merged back (docs/team.md).

``package`` writes a normal SQLite project holding the coder's documents (those assigned to
them when the project assigns documents, else all, or the ones named), the current codebook
and the coder's own layer (spans, links, statuses) only, plus the package's *origin* in its
``project_setting``: the project's id, the coder, and a fingerprint of every row of the coder's
layer at package time. The coder codes offline in that file with the same app.

``merge`` brings the layer back in one transaction. For each span, link and status (matched by
document id and uid) it compares three versions: the origin's (what the package started from —
or what the last merge of this package brought in), the package's and the project's.

- unchanged in the package: nothing to do;
- the project already has the package's version: nothing to do (so merging twice is a no-op);
- the project still has the origin's version: the package's edit, addition or deletion is applied;
- otherwise both sides changed it: a conflict. Conflicts are all reported and nothing is
  written; so is a merge that would overfill a role or link the same span twice.

The package's audit entries since the origin are copied in (marked with the package id).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlmodel import Session, col, select

from annotator.store.engine import Project, ProjectError
from annotator.store.services import ServiceError, coder_id, insert_new
from annotator.store.tables import (
    AnnotationRow,
    Assignment,
    CoderRow,
    DocumentRow,
    DocumentStatus,
    LinkRow,
    ProjectSetting,
    now,
)

PROJECT_ID = "project_id"
ORIGIN = "package_origin"
MERGED = "package_merged:"  # + package id: the state the last merge of that package left
Key = str  # "ext_id\tuid" (annotations, links) or "ext_id" (statuses)


class MergeConflict(ServiceError):
    """Both sides changed the same rows; ``items`` names each, one line apiece."""

    def __init__(self, items: list[str]) -> None:
        self.items = items
        more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
        super().__init__(f"merge refused, nothing changed: {items[0]}{more}")


def _fingerprint(*parts: Any) -> str:
    data = orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(data, digest_size=12).hexdigest()


@dataclass
class Layer:
    """One coder's layer on some documents, keyed by document ext_id and uid."""

    spans: dict[Key, dict[str, Any]] = field(default_factory=dict)
    links: dict[Key, dict[str, Any]] = field(default_factory=dict)
    statuses: dict[Key, str] = field(default_factory=dict)

    def state(self) -> dict[str, dict[Key, str]]:
        return {
            "spans": {k: span_hash(v) for k, v in self.spans.items()},
            "links": {k: link_hash(v) for k, v in self.links.items()},
            "statuses": dict(self.statuses),
        }


def span_hash(row: Mapping[str, Any]) -> str:
    return _fingerprint(row["label"], row["start"], row["end"], row["attributes"], row["note"])


def link_hash(row: Mapping[str, Any]) -> str:
    return _fingerprint(row["from_uid"], row["role"], row["to_uid"])


def read_layer(s: Session, coder: int, docs: Mapping[int, str]) -> Layer:
    """The live rows of ``coder``'s layer on ``docs`` (document id -> ext_id)."""
    layer = Layer()
    ids = list(docs)
    uid_of: dict[int, str] = {}
    for chunk in _chunks(ids):
        for row in s.exec(
            select(AnnotationRow).where(
                AnnotationRow.coder_id == coder,
                col(AnnotationRow.document_id).in_(chunk),
                col(AnnotationRow.deleted_at).is_(None),
            )
        ).all():
            assert row.id is not None
            uid_of[row.id] = row.uid
            layer.spans[f"{docs[row.document_id]}\t{row.uid}"] = row.model_dump()
        for link in s.exec(
            select(LinkRow).where(
                LinkRow.coder_id == coder,
                col(LinkRow.document_id).in_(chunk),
                col(LinkRow.deleted_at).is_(None),
            )
        ).all():
            data = link.model_dump()
            data["from_uid"], data["to_uid"] = uid_of.get(link.from_id), uid_of.get(link.to_id)
            layer.links[f"{docs[link.document_id]}\t{link.uid}"] = data
        for doc_id, status in s.exec(
            select(DocumentStatus.document_id, DocumentStatus.status).where(
                DocumentStatus.coder_id == coder, col(DocumentStatus.document_id).in_(chunk)
            )
        ).all():
            layer.statuses[docs[doc_id]] = status
    return layer


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def project_id(project: Project) -> str:
    """The project's permanent id (made on first use), which packages remember."""
    with project.write() as s:
        row = s.get(ProjectSetting, PROJECT_ID)
        if row is None:
            insert_new(s, ProjectSetting, ["key"], key=PROJECT_ID, value=uuid.uuid4().hex)
            row = s.get(ProjectSetting, PROJECT_ID, populate_existing=True)
        assert row is not None
        return row.value


# ------------------------------------------------------------------------------- package


@dataclass(frozen=True)
class PackageReport:
    path: Path
    documents: int
    spans: int
    links: int


def package(
    project: Project, coder: str, out: Path, documents: list[str] | None = None
) -> PackageReport:
    """Write ``coder``'s documents (all, or the ext ids given), the codebook and their layer to
    a new project file ``out``; written under a temporary name and renamed when complete."""
    from annotator.store.setup import create_project

    if out.exists():
        raise ProjectError(f"{out}: already exists (choose another file name)")
    pid = project_id(project)
    with project.read() as s:
        cid = s.exec(select(CoderRow.id).where(CoderRow.name == coder)).first()
        query = select(DocumentRow).order_by(col(DocumentRow.id))
        if documents:
            query = query.where(col(DocumentRow.ext_id).in_(documents))
        elif s.exec(select(Assignment.document_id).limit(1)).first() is not None:
            # a project that assigns documents: the coder's queue (all of it, done or not)
            mine = select(Assignment.document_id).where(Assignment.coder_id == (cid or -1))
            query = query.where(col(DocumentRow.id).in_(mine))
        docs = list(s.exec(query).all())
        if not docs:
            raise ServiceError(f"no document is assigned to {coder!r} (or name them: --documents)")
        if documents:
            missing = sorted(set(documents) - {d.ext_id for d in docs})
            if missing:
                raise ServiceError(f"--documents: no document {missing[0]!r} in the project")
        ext = {d.id: d.ext_id for d in docs if d.id is not None}
        layer = read_layer(s, cid, ext) if cid is not None else Layer()
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    target = create_project(tmp, project.codebook)
    try:
        with target.write() as t:
            new_doc: dict[str, int] = {}
            for d in docs:
                data = d.model_dump(exclude={"id"})
                new = DocumentRow(**data)
                t.add(new)
                t.flush()
                assert new.id is not None
                new_doc[d.ext_id] = new.id
            tid = coder_id(t, coder)
            for doc_id in new_doc.values():  # the package is their queue
                t.add(Assignment(document_id=doc_id, coder_id=tid))
            _write_layer(t, tid, layer, new_doc)
            origin = {
                "package_id": uuid.uuid4().hex,
                "project_id": pid,
                "project": project.display_name,
                "coder": coder,
                "made_at": now().isoformat(),
                "documents": list(ext.values()),
                "state": layer.state(),
            }
            t.add(ProjectSetting(key=ORIGIN, value=orjson.dumps(origin).decode()))
        target.close()
        os.replace(tmp, out)
    except BaseException:
        target.close()
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        raise
    return PackageReport(out, len(docs), len(layer.spans), len(layer.links))


def _write_layer(t: Session, cid: int, layer: Layer, doc_ids: Mapping[str, int]) -> None:
    ann_id: dict[Key, int] = {}
    for key, row in layer.spans.items():
        ext_id = key.split("\t")[0]
        data = {k: v for k, v in row.items() if k != "id"}
        new = AnnotationRow(**{**data, "document_id": doc_ids[ext_id], "coder_id": cid})
        t.add(new)
        t.flush()
        assert new.id is not None
        ann_id[f"{ext_id}\t{row['uid']}"] = new.id
    for key, row in layer.links.items():
        ext_id = key.split("\t")[0]
        t.add(
            LinkRow(
                uid=row["uid"],
                document_id=doc_ids[ext_id],
                coder_id=cid,
                from_id=ann_id[f"{ext_id}\t{row['from_uid']}"],
                role=row["role"],
                to_id=ann_id[f"{ext_id}\t{row['to_uid']}"],
                created_at=row["created_at"],
            )
        )
    for ext_id, status in layer.statuses.items():
        t.add(DocumentStatus(document_id=doc_ids[ext_id], coder_id=cid, status=status))
    t.flush()


def origin_of(package_project: Project) -> dict[str, Any]:
    raw = package_project.setting(ORIGIN)
    if not raw:
        raise ProjectError(
            f"{package_project.display_name}: not a package (make one with 'annotator package')"
        )
    value: dict[str, Any] = orjson.loads(raw)
    return value


__all__ = ["MergeConflict", "PackageReport", "origin_of", "package", "project_id", "read_layer"]

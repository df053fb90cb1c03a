"""Merging a field-work package back into its project: the rules are in
``annotator.store.fieldwork`` and docs/team.md ("Field work"). One transaction; a conflict
anywhere refuses the whole merge; merging the same package again changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import func
from sqlmodel import Session, col, select

from annotator.core.codebook import Codebook
from annotator.store.engine import Project, ProjectError
from annotator.store.fieldwork import (
    MERGED,
    Key,
    Layer,
    MergeConflict,
    origin_of,
    project_id,
    read_layer,
)
from annotator.store.locks import lock_layer
from annotator.store.services import audit, coder_id, touch_status
from annotator.store.tables import (
    AnnotationRow,
    AuditEntry,
    CoderRow,
    DocumentRow,
    DocumentStatus,
    LinkRow,
    ProjectSetting,
    now,
)


@dataclass(frozen=True)
class MergeReport:
    coder: str
    added: int = 0
    edited: int = 0
    deleted: int = 0
    links_added: int = 0
    links_deleted: int = 0
    statuses: int = 0
    audit: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (
                self.added,
                self.edited,
                self.deleted,
                self.links_added,
                self.links_deleted,
                self.statuses,
            )
        )


def _plan(
    base: Mapping[Key, str],
    pkg: Mapping[Key, str],
    prj: Mapping[Key, str],
    what: str,
    describe: Mapping[Key, str],
    conflicts: list[str],
) -> list[Key]:
    """The keys whose package version is to be applied; conflicts are appended."""
    todo = []
    for key in sorted(set(base) | set(pkg) | set(prj)):
        b, p, j = base.get(key), pkg.get(key), prj.get(key)
        if p in (b, j):
            continue
        if j == b:
            todo.append(key)
        else:
            conflicts.append(
                f"{describe.get(key, key)}: {what} changed on the project and in the package"
            )
    return todo


def merge(project: Project, package_path: Path) -> MergeReport:
    from annotator.store.engine import Project as Opened

    if not package_path.exists():
        raise ProjectError(f"{package_path}: no such package")
    pkg_project = Opened.open(package_path)
    try:
        origin = origin_of(pkg_project)
        coder = str(origin["coder"])
        if origin["project_id"] != project_id(project):
            raise ProjectError(f"{package_path}: made from another project ({origin['project']})")
        with pkg_project.read() as ps:
            pkg_docs = {d.id: d.ext_id for d in ps.exec(select(DocumentRow)).all() if d.id}
            pcid = ps.exec(select(CoderRow.id).where(CoderRow.name == coder)).first()
            pkg_layer = read_layer(ps, pcid, pkg_docs) if pcid is not None else Layer()
            entries = list(ps.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all())
            pkg_uid = {r.id: r.uid for r in ps.exec(select(AnnotationRow)).all() if r.id}
            pkg_link_uid = {r.id: r.uid for r in ps.exec(select(LinkRow)).all() if r.id}
        return _merge(project, origin, coder, pkg_layer, entries, pkg_docs, pkg_uid, pkg_link_uid)
    finally:
        pkg_project.close()


def _merge(
    project: Project,
    origin: dict[str, Any],
    coder: str,
    pkg: Layer,
    entries: list[AuditEntry],
    pkg_docs: dict[int, str],
    pkg_uid: dict[int, str],
    pkg_link_uid: dict[int, str],
) -> MergeReport:
    key = MERGED + str(origin["package_id"])
    with project.write() as s:
        done = s.get(ProjectSetting, key)
        base = orjson.loads(done.value) if done is not None else {**origin["state"], "audit": 0}
        docs: dict[str, int] = {
            d.ext_id: d.id
            for d in s.exec(
                select(DocumentRow).where(col(DocumentRow.ext_id).in_(list(pkg_docs.values())))
            ).all()
            if d.id is not None
        }
        gone = sorted(set(pkg_docs.values()) - set(docs))
        if gone:
            raise ProjectError(f"document {gone[0]!r} of the package is not in the project")
        cid = coder_id(s, coder)
        for doc_id in sorted(d for d in docs.values() if d is not None):
            lock_layer(s, doc_id, cid)
        ext = {i: e for e, i in docs.items() if i is not None}
        prj = read_layer(s, cid, ext)
        pkg_state, prj_state = pkg.state(), prj.state()
        describe = {
            k: f"{k.split(chr(9))[0]}: {r['label']} {r['start']}-{r['end']}"
            for layer in (prj, pkg)
            for k, r in layer.spans.items()
        }
        conflicts: list[str] = []
        spans = _plan(
            base["spans"], pkg_state["spans"], prj_state["spans"], "span", describe, conflicts
        )
        links = _plan(base["links"], pkg_state["links"], prj_state["links"], "link", {}, conflicts)
        statuses = _plan(
            base["statuses"], pkg_state["statuses"], prj_state["statuses"], "status", {}, conflicts
        )
        new_entries = [e for e in entries if (e.id or 0) > int(base.get("audit", 0))]
        if conflicts:
            raise MergeConflict(conflicts)
        counts = _apply(s, cid, docs, pkg, prj, spans, links, statuses)
        problems = _role_problems(
            s, project.codebook, cid, [docs[k.split("\t")[0]] for k in spans + links]
        )
        if problems:
            raise MergeConflict(problems)
        copied = _copy_audit(s, origin, new_entries, pkg_docs, docs, pkg_uid, pkg_link_uid, cid)
        report = MergeReport(coder, *counts, audit=copied)
        if not report.changed and not copied:
            return report
        audit(s, coder, "merge_package", None, package=origin["package_id"], counts=tally(report))
        state = {**pkg_state, "audit": max((e.id or 0 for e in entries), default=0)}
        row = done or ProjectSetting(key=key)
        row.value = orjson.dumps(state).decode()
        s.add(row)
        return report


def tally(report: MergeReport) -> dict[str, int]:
    return {
        "added": report.added,
        "edited": report.edited,
        "deleted": report.deleted,
        "links_added": report.links_added,
        "links_deleted": report.links_deleted,
        "statuses": report.statuses,
    }


def _apply(
    s: Session,
    cid: int,
    docs: Mapping[str, int],
    pkg: Layer,
    prj: Layer,
    spans: list[Key],
    links: list[Key],
    statuses: list[Key],
) -> tuple[int, int, int, int, int, int]:
    added = edited = deleted = links_added = links_deleted = 0
    stamp = now()

    def row_for(key: Key) -> AnnotationRow | None:
        ext_id, uid = key.split("\t")
        return s.exec(
            select(AnnotationRow).where(
                AnnotationRow.document_id == docs[ext_id], AnnotationRow.uid == uid
            )
        ).first()

    # links first lose their dead ends: deletions of links, then of spans
    for key in links:
        if key not in pkg.links:
            ext_id, uid = key.split("\t")
            link = s.exec(
                select(LinkRow).where(LinkRow.document_id == docs[ext_id], LinkRow.uid == uid)
            ).first()
            if link is not None and link.deleted_at is None:
                link.deleted_at = stamp
                s.add(link)
                links_deleted += 1
    for key in spans:
        new = pkg.spans.get(key)
        row = row_for(key)
        if new is None:
            if row is not None and row.deleted_at is None:
                row.deleted_at = stamp
                s.add(row)
                deleted += 1
            continue
        fields = {
            k: new[k] for k in ("label", "start", "end", "attributes", "note", "codebook_version")
        }
        if row is None:
            ext_id = key.split("\t")[0]
            row = AnnotationRow(
                uid=new["uid"],
                document_id=docs[ext_id],
                coder_id=cid,
                source_uid=new["source_uid"],
                created_at=new["created_at"],
                **fields,
            )
            added += 1
        else:
            for k, v in fields.items():
                setattr(row, k, v)
            edited += 1 if row.deleted_at is None else 0
            added += 1 if row.deleted_at is not None else 0
            row.deleted_at = None
        row.updated_at = new["updated_at"]
        s.add(row)
        s.flush()
        touch_status(s, row.document_id, cid)
    for key in links:
        new = pkg.links.get(key)
        if new is None:
            continue
        ext_id = key.split("\t")[0]
        ends = [row_for(f"{ext_id}\t{new[e]}") for e in ("from_uid", "to_uid")]
        end_ids = [e.id for e in ends if e is not None and e.deleted_at is None and e.id]
        if len(end_ids) != 2:
            raise MergeConflict([f"{ext_id}: a {new['role']} link ends on a span no longer there"])
        link = s.exec(
            select(LinkRow).where(LinkRow.document_id == docs[ext_id], LinkRow.uid == new["uid"])
        ).first()
        if link is None:
            link = LinkRow(
                uid=new["uid"],
                document_id=docs[ext_id],
                coder_id=cid,
                role=new["role"],
                from_id=end_ids[0],
                to_id=end_ids[1],
                created_at=new["created_at"],
            )
        link.deleted_at = None
        s.add(link)
        links_added += 1
    for ext_id in statuses:
        status = pkg.statuses.get(ext_id)
        doc_id = docs[ext_id]
        assert doc_id is not None
        touch_status(s, doc_id, cid)
        state = s.get(DocumentStatus, (doc_id, cid), populate_existing=True)
        assert state is not None
        state.status = status or "in_progress"
        state.updated_at = stamp
        s.add(state)
    s.flush()
    return added, edited, deleted, links_added, links_deleted, len(statuses)


def _role_problems(
    s: Session, codebook: Codebook, cid: int, documents: list[int | None]
) -> list[str]:
    """Roles the merged layer would overfill, and spans linked twice the same way."""
    problems = []
    ids = sorted({d for d in documents if d is not None})
    if not ids:
        return []
    rows = s.exec(
        select(LinkRow.from_id, LinkRow.role, LinkRow.to_id, func.count())
        .where(
            LinkRow.coder_id == cid,
            col(LinkRow.document_id).in_(ids),
            col(LinkRow.deleted_at).is_(None),
        )
        .group_by(col(LinkRow.from_id), col(LinkRow.role), col(LinkRow.to_id))
    ).all()
    dangling = s.exec(
        select(LinkRow.role, AnnotationRow.label, AnnotationRow.start, AnnotationRow.end)
        .join(
            AnnotationRow,
            (col(AnnotationRow.id) == LinkRow.from_id) | (col(AnnotationRow.id) == LinkRow.to_id),
        )
        .where(
            LinkRow.coder_id == cid,
            col(LinkRow.document_id).in_(ids),
            col(LinkRow.deleted_at).is_(None),
            col(AnnotationRow.deleted_at).is_not(None),
        )
    ).all()
    for role, label, start, end in dangling:
        problems.append(
            f"a {role} link made on the project ends on {label} {start}-{end}, "
            "which the package deletes"
        )
    fillers: dict[tuple[int, str], int] = {}
    for from_id, role, _to, n in rows:
        if n > 1:
            problems.append(f"the same span is linked twice as {role} of annotation {from_id}")
        fillers[(from_id, role)] = fillers.get((from_id, role), 0) + 1
    for (from_id, role), n in fillers.items():
        src = s.get(AnnotationRow, from_id)
        mx = codebook.role_max(src.label, role) if src is not None else None
        if mx is not None and n > mx and src is not None:
            problems.append(
                f"{src.label} {src.start}-{src.end}: role '{role}' would have {n} fillers "
                f"(at most {mx}) after the merge"
            )
    return problems


def _copy_audit(
    s: Session,
    origin: Mapping[str, Any],
    entries: list[AuditEntry],
    pkg_docs: Mapping[int, str],
    docs: Mapping[str, int],
    pkg_uid: Mapping[int, str],
    pkg_link_uid: Mapping[int, str],
    cid: int,
) -> int:
    """The coder's offline audit entries, with the project's ids, marked with the package."""
    copied = 0
    for e in entries:
        if e.coder != origin["coder"] and e.detail.get("layer") != origin["coder"]:
            continue
        doc = docs.get(pkg_docs.get(e.document_id or -1, ""))
        entity_id = None
        if doc is not None and e.entity_id is not None and e.entity in ("annotation", "link"):
            table: Any = AnnotationRow if e.entity == "annotation" else LinkRow
            uid = (pkg_uid if e.entity == "annotation" else pkg_link_uid).get(e.entity_id)
            entity_id = s.exec(
                select(table.id).where(table.document_id == doc, table.uid == uid)
            ).first()
        elif e.entity == "document":
            entity_id = doc
        s.add(
            AuditEntry(
                at=e.at,
                coder=e.coder,
                action=e.action,
                document_id=doc,
                entity=e.entity,
                entity_id=entity_id,
                detail={**e.detail, "package": origin["package_id"]},
            )
        )
        copied += 1
    return copied

"""Copying coders' spans into gold with their provenance, and the links between them.

One ``GoldCopy`` lives for one transaction of ``accept`` or ``accept_agreed``
(``annotator.store.adjudication``): it copies spans one by one, refusing any already in gold or
no longer fitting the codebook, then copies the coders' links as far as gold allows.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from annotator.core.change import Change
from annotator.core.codebook import Codebook
from annotator.core.records import GOLD
from annotator.store import queries, services
from annotator.store.review_state import ACCEPT, ACCEPT_LINK, unit_members
from annotator.store.services import ServiceError, coder_id, new_uid
from annotator.store.tables import AnnotationRow, DocumentRow, LinkRow


def touch_gold(s: Session, document_id: int, gold_id: int) -> None:
    services.touch_status(s, document_id, gold_id)


def live_rows(s: Session, document_id: int) -> list[AnnotationRow]:
    return list(
        s.exec(
            select(AnnotationRow).where(
                AnnotationRow.document_id == document_id,
                col(AnnotationRow.deleted_at).is_(None),
            )
        ).all()
    )


class GoldCopy:
    """Copies coders' spans into gold inside one transaction, then the links between them."""

    def __init__(self, s: Session, codebook: Codebook, reviewer: str, document_id: int) -> None:
        self.s = s
        self.codebook = codebook
        self.reviewer = reviewer
        self.document_id = document_id
        self.names = queries.coder_ids(s, None)
        self.gold_id = coder_id(s, GOLD)
        self.names[self.gold_id] = GOLD
        self.live = live = live_rows(s, document_id)
        # coder's span id -> the live gold span copied from it (both directions of provenance)
        self.source_id = {
            f"{self.names[r.coder_id]}:{r.uid}": r.id
            for r in live
            if r.coder_id != self.gold_id and r.id is not None
        }
        self.gold_of: dict[int, int] = {}
        for r in live:
            if r.coder_id == self.gold_id and r.source_uid in self.source_id and r.id is not None:
                self.gold_of[self.source_id[r.source_uid]] = r.id
        self.in_gold = {r.source_uid for r in live if r.coder_id == self.gold_id and r.source_uid}
        self.created: list[int] = []
        self.copied: list[int] = []  # the coders' span ids copied in this batch
        self.spans: list[tuple[int, int]] = []

    def copy(self, row: AnnotationRow, note: str) -> None:
        coder = self.names.get(row.coder_id, "")
        source = f"{coder}:{row.uid}"
        if source in self.in_gold:
            raise ServiceError(
                f"{coder}'s {row.label} at {row.start}-{row.end} is already in gold "
                "(undo or delete that gold span first)"
            )
        cb = self.codebook
        if cb.label(row.label) is None:
            raise ServiceError(
                f"{coder}'s {row.label} at {row.start}-{row.end}: unknown label in codebook "
                f"{cb.name} v{cb.version}; draw the gold span by hand"
            )
        attrs = services.clean_attributes(row.attributes)
        errors = cb.attribute_errors(row.label, attrs)
        if errors:
            raise ServiceError(f"{coder}'s {row.label}: {errors[0]}; fix it in gold by hand")
        gold = AnnotationRow(
            uid=new_uid("a"),
            document_id=self.document_id,
            coder_id=self.gold_id,
            label=row.label,
            start=row.start,
            end=row.end,
            attributes=attrs,
            note=row.note,
            codebook_version=cb.version,
            source_uid=source,
        )
        self.s.add(gold)
        self.s.flush()
        assert gold.id is not None and row.id is not None
        self.in_gold.add(source)
        self.gold_of[row.id] = gold.id
        self.created.append(gold.id)
        self.copied.append(row.id)
        self.spans.append((row.start, row.end))
        services.audit(
            self.s,
            self.reviewer,
            ACCEPT,
            self.document_id,
            "annotation",
            gold.id,
            note=note,
            source=source,
        )

    def copy_links(self) -> list[int]:
        """Give the copied spans the links their coders made, as far as gold allows.

        A coder's link ``x -role-> y`` is copied when ``x`` itself is in gold (its coder's
        roles come with it) and ``y``'s unit has a span in gold: ``y``'s own copy, else the
        copy of another coder's span in the same unit (an event accepted from one coder keeps
        its casualty when the reviewer took the other coder's boundaries for it). Only links
        touching this batch are considered, so a gold link the reviewer deleted stays deleted.
        Links the codebook does not allow, or that would overfill a role, are left out.
        """
        if not self.copied:
            return []
        s = self.s
        doc = s.get(DocumentRow, self.document_id)
        assert doc is not None
        coded = [
            queries.to_annotation(r, self.names[r.coder_id])
            for r in self.live
            if r.coder_id != self.gold_id
        ]
        members = unit_members(queries.to_document(doc), coded, sorted({a.coder for a in coded}))
        unit_of = {a.id: k for k, unit in enumerate(members) for a in unit}

        def gold_for(span_id: int) -> int | None:
            own = self.gold_of.get(span_id)
            if own is not None or span_id not in unit_of:
                return own
            return next(
                (self.gold_of[a.id] for a in members[unit_of[span_id]] if a.id in self.gold_of),
                None,
            )

        copied = set(self.copied)
        copied_units = {unit_of[i] for i in copied if i in unit_of}
        touching = [
            link
            for link in s.exec(
                select(LinkRow)
                .where(
                    LinkRow.document_id == self.document_id,
                    col(LinkRow.deleted_at).is_(None),
                    LinkRow.coder_id != self.gold_id,
                )
                .order_by(col(LinkRow.id))
            ).all()
            if link.from_id in copied or unit_of.get(link.to_id, -1) in copied_units
        ]
        gold_links = s.exec(
            select(LinkRow).where(
                LinkRow.document_id == self.document_id,
                LinkRow.coder_id == self.gold_id,
                col(LinkRow.deleted_at).is_(None),
            )
        ).all()
        present = {(k.from_id, k.role, k.to_id) for k in gold_links}
        filled: dict[tuple[int, str], int] = {}
        for k in gold_links:
            filled[(k.from_id, k.role)] = filled.get((k.from_id, k.role), 0) + 1
        made: list[int] = []
        for link in touching:
            src, dst = self.gold_of.get(link.from_id), gold_for(link.to_id)
            if src is None or dst is None or src == dst or (src, link.role, dst) in present:
                continue
            a, b = s.get(AnnotationRow, src), s.get(AnnotationRow, dst)
            if a is None or b is None or self.codebook.link_error(a.label, link.role, b.label):
                continue
            most = self.codebook.role_max(a.label, link.role)
            if most is not None and filled.get((src, link.role), 0) >= most:
                continue
            gold_link = LinkRow(
                uid=new_uid("l"),
                document_id=self.document_id,
                coder_id=self.gold_id,
                from_id=src,
                role=link.role,
                to_id=dst,
            )
            s.add(gold_link)
            s.flush()
            assert gold_link.id is not None
            present.add((src, link.role, dst))
            filled[(src, link.role)] = filled.get((src, link.role), 0) + 1
            made.append(gold_link.id)
            services.audit(
                s,
                self.reviewer,
                ACCEPT_LINK,
                self.document_id,
                "link",
                gold_link.id,
                source=f"{self.names.get(link.coder_id, '')}:{link.uid}",
            )
        return made

    def change(self, action: str) -> Change:
        links = self.copy_links()
        if self.created or links:
            touch_gold(self.s, self.document_id, self.gold_id)
        return Change(
            action,
            self.document_id,
            tuple(self.created),
            tuple(links),
            spans=tuple(self.spans),
        )


__all__ = ["GoldCopy", "live_rows", "touch_gold"]

"""Copying coders' spans into gold with their provenance, and the links between them.

One ``GoldCopy`` lives for one transaction of ``accept`` or ``accept_agreed``
(``annotator.store.adjudication``): it copies spans one by one, refusing any already in gold or
no longer fitting the codebook, then copies the coders' links as far as gold allows.

A decision touches one unit, so the document is neither read as objects nor aligned whole:
only the stretches of overlapping spans (``stretches``) that hold a copied span or the target
of a link from one are read (plain column rows, found by the database) and aligned, and gold
copies are looked up by provenance for the spans concerned. Alignment only ever joins
overlapping spans and solves each tangle on its own (``annotator.core.agreement.alignment``),
so a unit found in such a stretch is the unit the whole document's alignment finds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter

from sqlalchemy import bindparam, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from annotator.core.change import Change
from annotator.core.codebook import Codebook
from annotator.core.records import GOLD, Annotation, Document
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


# Values bound in one IN (...) at most. More: the document's rows are read and filtered here,
# which costs less than building the statement (each value is a parameter to render and send,
# and each length of list a new statement to the driver's cache).
MAX_IDS = 64

# (id, coder id, uid, label, start, end, source_uid) of one live span
SpanRow = tuple[int, int, str, str, int, int, str]


def live_spans(s: Session, document_id: int) -> list[SpanRow]:
    """The document's live spans, every layer, as plain column rows (no objects)."""
    q = sa_select(
        col(AnnotationRow.id),
        col(AnnotationRow.coder_id),
        col(AnnotationRow.uid),
        col(AnnotationRow.label),
        col(AnnotationRow.start),
        col(AnnotationRow.end),
        col(AnnotationRow.source_uid),
    ).where(col(AnnotationRow.document_id) == document_id, col(AnnotationRow.deleted_at).is_(None))
    rows = s.connection().execute(q).all()  # Core rows: no ORM loading step
    return [(i, c, u, lab, a, b, src or "") for i, c, u, lab, a, b, src in rows if i is not None]


FEW = 8  # spans whose stretches are found in the database; more: every span read once

# The coders' live spans of the stretches holding the spans ``ids``: the document's spans in
# the order ``stretches`` takes them, a new stretch wherever a span starts after every span
# before it has ended, and each stretch marked if it holds one of ``ids``: window functions
# only, so one sort of the document's spans (PostgreSQL, and SQLite since 3.25).
_STRETCHES = text(
    """WITH coded AS (
  SELECT id, coder_id, uid, label, start, "end",
    max("end") OVER (ORDER BY start, "end", id
                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
  FROM annotation
  WHERE document_id = :document AND deleted_at IS NULL AND coder_id <> :gold),
numbered AS (
  SELECT id, coder_id, uid, label, start, "end",
    sum(CASE WHEN reach IS NULL OR start > reach THEN 1 ELSE 0 END)
      OVER (ORDER BY start, "end", id ROWS UNBOUNDED PRECEDING) AS stretch
  FROM coded),
marked AS (
  SELECT id, coder_id, uid, label, start, "end",
    max(CASE WHEN id IN :ids THEN 1 ELSE 0 END) OVER (PARTITION BY stretch) AS wanted
  FROM numbered)
SELECT id, coder_id, uid, label, start, "end" FROM marked WHERE wanted = 1"""
).bindparams(bindparam("ids", expanding=True))


def stretches(spans: Sequence[SpanRow]) -> dict[int, int]:
    """Span id -> its stretch: spans chained by overlap (touching counts too, to be safe) share
    one. No unit of the alignment reaches across two stretches."""
    out: dict[int, int] = {}
    stretch, reach = -1, -1
    for span in sorted(spans, key=itemgetter(4, 5)):
        if span[4] > reach or stretch < 0:
            stretch += 1
        reach = max(reach, span[5])
        out[span[0]] = stretch
    return out


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
        # coder's span id -> the live gold span copied from it; the provenance (coder:uid) of
        # the spans in gold: both looked up for the spans a decision touches (``look_up``)
        self.gold_of: dict[int, int] = {}
        self.in_gold: set[str] = set()
        self._looked: set[int] = set()
        self.created: list[int] = []
        self.copied: list[int] = []  # the coders' span ids copied in this batch
        self.spans: list[tuple[int, int]] = []

    def look_up(self, spans: Iterable[tuple[int, int, str]]) -> None:
        """Find which of these coders' spans ``(id, coder id, uid)`` are in gold: their gold
        copies by provenance (an index look-up), into ``gold_of`` and ``in_gold``."""
        wanted = {
            f"{self.names.get(c, '')}:{uid}": i for i, c, uid in spans if i not in self._looked
        }
        if not wanted:
            return
        self._looked.update(wanted.values())
        q = sa_select(col(AnnotationRow.source_uid), col(AnnotationRow.id)).where(
            col(AnnotationRow.document_id) == self.document_id,
            col(AnnotationRow.coder_id) == self.gold_id,
            col(AnnotationRow.deleted_at).is_(None),
        )
        if len(wanted) <= MAX_IDS:  # else every gold span of the document, matched here
            q = q.where(col(AnnotationRow.source_uid).in_(sorted(wanted)))
        for source, gold_id in self.s.connection().execute(q).all():
            if gold_id is not None and source in wanted:
                self.in_gold.add(source)
                self.gold_of[wanted[source]] = gold_id

    def copy(self, row: AnnotationRow, note: str) -> None:
        coder = self.names.get(row.coder_id, "")
        source = f"{coder}:{row.uid}"
        assert row.id is not None
        self.look_up([(row.id, row.coder_id, row.uid)])
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
        copied = set(self.copied)
        near = self._stretch_rows(copied)  # the coders' spans of the copied spans' stretches
        in_near = set(near)
        # the coders' links from a copied span or into the stretch of one, with their start's
        # coder and uid (its gold copy is looked up by provenance)
        link_cols = (
            sa_select(
                col(LinkRow.id),
                col(LinkRow.uid),
                col(LinkRow.coder_id),
                col(LinkRow.from_id),
                col(LinkRow.role),
                col(LinkRow.to_id),
                col(AnnotationRow.coder_id),
                col(AnnotationRow.uid),
            )
            .join(AnnotationRow, col(AnnotationRow.id) == col(LinkRow.from_id))
            .where(
                col(LinkRow.document_id) == self.document_id,
                col(LinkRow.deleted_at).is_(None),
                col(LinkRow.coder_id) != self.gold_id,
                col(AnnotationRow.deleted_at).is_(None),  # from a live span only, as before
            )
        )
        if len(copied) + len(in_near) <= MAX_IDS:  # else all of them, filtered here
            link_cols = link_cols.where(
                col(LinkRow.from_id).in_(sorted(copied)) | col(LinkRow.to_id).in_(sorted(in_near))
            )
        # (id, uid, coder, from, role, to, from's coder, from's uid)
        candidates: list[tuple[int, str, int, int, str, int, int, str]] = []
        for i, uid, c, f, role, t, fc, fuid in (
            s.connection().execute(link_cols.order_by(col(LinkRow.id))).all()
        ):
            if i is not None and (f in copied or t in in_near):
                candidates.append((i, uid, c, f, role, t, fc, fuid))
        # the units of those stretches and of the stretches the links point into
        elsewhere = {k[5] for k in candidates} - in_near
        if elsewhere:
            near.update(self._stretch_rows(elsewhere))
        members = self._units(near.values())
        unit_of = {a.id: k for k, unit in enumerate(members) for a in unit}
        self.look_up([(r[0], r[1], r[2]) for r in near.values()])
        self.look_up([(k[3], k[6], k[7]) for k in candidates])

        def gold_for(span_id: int) -> int | None:
            own = self.gold_of.get(span_id)
            if own is not None or span_id not in unit_of:
                return own
            return next(
                (self.gold_of[a.id] for a in members[unit_of[span_id]] if a.id in self.gold_of),
                None,
            )

        copied_units = {unit_of[i] for i in copied if i in unit_of}
        touching = [
            k[:6] for k in candidates if k[3] in copied or unit_of.get(k[5], -1) in copied_units
        ]
        gold_links = s.execute(
            sa_select(col(LinkRow.from_id), col(LinkRow.role), col(LinkRow.to_id)).where(
                col(LinkRow.document_id) == self.document_id,
                col(LinkRow.coder_id) == self.gold_id,
                col(LinkRow.deleted_at).is_(None),
            )
        ).all()
        present = {(f, r, t) for f, r, t in gold_links}
        filled: dict[tuple[int, str], int] = {}
        for f, r, _ in gold_links:
            filled[(f, r)] = filled.get((f, r), 0) + 1
        made: list[int] = []
        for _, link_uid, link_coder, from_id, role, to_id in touching:
            src, dst = self.gold_of.get(from_id), gold_for(to_id)
            if src is None or dst is None or src == dst or (src, role, dst) in present:
                continue
            a, b = s.get(AnnotationRow, src), s.get(AnnotationRow, dst)
            if a is None or b is None or self.codebook.link_error(a.label, role, b.label):
                continue
            most = self.codebook.role_max(a.label, role)
            if most is not None and filled.get((src, role), 0) >= most:
                continue
            gold_link = LinkRow(
                uid=new_uid("l"),
                document_id=self.document_id,
                coder_id=self.gold_id,
                from_id=src,
                role=role,
                to_id=dst,
            )
            s.add(gold_link)
            s.flush()
            assert gold_link.id is not None
            present.add((src, role, dst))
            filled[(src, role)] = filled.get((src, role), 0) + 1
            made.append(gold_link.id)
            services.audit(
                s,
                self.reviewer,
                ACCEPT_LINK,
                self.document_id,
                "link",
                gold_link.id,
                source=f"{self.names.get(link_coder, '')}:{link_uid}",
            )
        return made

    def _stretch_rows(self, span_ids: Iterable[int]) -> dict[int, SpanRow]:
        """The coders' live spans in the stretches (``stretches``) of these spans, by id.

        For a few spans the database numbers the document's stretches (``_STRETCHES``, one
        statement, one snapshot) and hands over only theirs. Many spans: every span of the
        document read once (plain rows) and the stretches numbered here."""
        ids = sorted(set(span_ids))
        if not ids:
            return {}
        if len(ids) > FEW:
            coded = [r for r in live_spans(self.s, self.document_id) if r[1] != self.gold_id]
            stretch_of = stretches(coded)
            wanted = {stretch_of[i] for i in ids if i in stretch_of}
            return {r[0]: r for r in coded if stretch_of[r[0]] in wanted}
        rows = self.s.connection().execute(
            _STRETCHES, {"document": self.document_id, "gold": self.gold_id, "ids": ids}
        )
        return {i: (i, c, uid, label, lo, hi, "") for i, c, uid, label, lo, hi in rows.all()}

    def _units(self, spans: Iterable[SpanRow]) -> list[list[Annotation]]:
        """The alignment's units among ``spans`` (whole stretches of the coders' spans)."""
        chosen = list(spans)
        if not chosen:
            return []
        text = self.s.execute(
            sa_select(col(DocumentRow.text)).where(col(DocumentRow.id) == self.document_id)
        ).scalar_one()
        doc = Document(self.document_id, "", text)
        coded = [
            Annotation(i, uid, self.document_id, self.names[c], label, start, end)
            for i, c, uid, label, start, end, _ in chosen
        ]
        return unit_members(doc, coded, sorted({a.coder for a in coded}))

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


__all__ = ["GoldCopy", "live_rows", "live_spans", "stretches", "touch_gold"]

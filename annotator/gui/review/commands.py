"""Undo commands of review mode: they hold ids and unit keys, never rows, and call services.

``ReviewSession.push`` runs ``first_run`` before the command goes on the stack, so a refused
action (ServiceError) never becomes an undo step. Undoing an acceptance withdraws the very gold
rows it made (soft delete); redoing reinstates the same rows, with the same ids and uids.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotator.core.change import Change
from annotator.core.records import GOLD
from annotator.store import adjudication as adj
from annotator.store import services
from annotator.store.review_state import Resolution, UnitKey
from annotator.store.services import ServiceError

from ..undo import ServiceCommandBase
from .session import ReviewSession


class ReviewCommand(ServiceCommandBase):
    """A review-mode command; see :mod:`annotator.gui.undo` for the protocol."""

    def __init__(self, session: ReviewSession, text: str) -> None:
        super().__init__(session, text)
        self.session = session

    def run(self, service: Callable[[], Change]) -> Change:
        return self.session.run(service)

    @property
    def project(self) -> Any:
        return self.session.project

    @property
    def reviewer(self) -> str:
        return self.session.reviewer


class _Replacing(ReviewCommand):
    """Accepting or rejecting a unit that was resolved another way first takes that back."""

    def __init__(
        self,
        session: ReviewSession,
        text: str,
        document_id: int,
        key: UnitKey,
        previous: Resolution | None,
    ) -> None:
        super().__init__(session, text)
        self.document_id = document_id
        self.key = key
        self.previous = previous if previous is not None and previous.how != "edited" else None
        self.previous_links: tuple[int, ...] = ()

    def take_back_previous(self) -> None:
        p, doc, key = self.previous, self.document_id, self.key
        if p is None:
            return
        if p.how == "accepted":
            change = self.run(lambda: adj.withdraw(self.project, self.reviewer, p.gold_ids))
            self.previous_links = change.links
        else:
            self.run(lambda: adj.unreject(self.project, self.reviewer, doc, key))

    def put_back_previous(self) -> None:
        p, doc, key = self.previous, self.document_id, self.key
        if p is None:
            return
        if p.how == "accepted":
            links = self.previous_links
            self.run(lambda: adj.reinstate(self.project, self.reviewer, p.gold_ids, links))
        else:
            self.run(lambda: adj.reject(self.project, self.reviewer, doc, key, p.note))


class AcceptVersion(_Replacing):
    """Take one coder's span of a unit into gold (with its links and the reviewer's note)."""

    def __init__(
        self,
        session: ReviewSession,
        document_id: int,
        key: UnitKey,
        annotation_id: int,
        coder: str,
        note: str,
        previous: Resolution | None,
    ) -> None:
        super().__init__(session, f"Accept {coder}'s version", document_id, key, previous)
        self.annotation_id = annotation_id
        self.note = note
        self.gold_ids: tuple[int, ...] = ()
        self.links: tuple[int, ...] = ()

    def do(self) -> None:
        self.take_back_previous()
        if not self.gold_ids:
            ann, note = self.annotation_id, self.note
            change = self.run(lambda: adj.accept(self.project, self.reviewer, [ann], note))
            self.gold_ids, self.links = change.annotations, change.links
        else:
            ids, links = self.gold_ids, self.links
            self.run(lambda: adj.reinstate(self.project, self.reviewer, ids, links))

    def undo_it(self) -> None:
        ids = self.gold_ids
        self.links = self.run(lambda: adj.withdraw(self.project, self.reviewer, ids)).links
        self.put_back_previous()


class Reject(_Replacing):
    """Resolve a unit as "no span in gold"."""

    def __init__(
        self,
        session: ReviewSession,
        document_id: int,
        key: UnitKey,
        note: str,
        previous: Resolution | None,
    ) -> None:
        super().__init__(session, "Reject (no span)", document_id, key, previous)
        self.note = note

    def do(self) -> None:
        self.take_back_previous()
        doc, key, note = self.document_id, self.key, self.note
        self.run(lambda: adj.reject(self.project, self.reviewer, doc, key, note))

    def undo_it(self) -> None:
        doc, key = self.document_id, self.key
        self.run(lambda: adj.unreject(self.project, self.reviewer, doc, key))
        self.put_back_previous()


class AcceptAgreed(ReviewCommand):
    """Every unit all coders agree on, into gold at once."""

    def __init__(
        self, session: ReviewSession, document_id: int, coders: tuple[str, ...], note: str
    ) -> None:
        super().__init__(session, "Accept all agreed units")
        self.document_id, self.coders, self.note = document_id, coders, note
        self.gold_ids: tuple[int, ...] = ()
        self.links: tuple[int, ...] = ()

    def do(self) -> None:
        if not self.gold_ids:
            doc, coders, note = self.document_id, self.coders, self.note
            change = self.run(
                lambda: adj.accept_agreed(self.project, self.reviewer, doc, coders, note)
            )
            if not change.annotations:
                raise ServiceError("every agreed unit is in gold already")
            self.gold_ids, self.links = change.annotations, change.links
            self.setText(f"Accept {len(self.gold_ids)} agreed units")
        else:
            ids, links = self.gold_ids, self.links
            self.run(lambda: adj.reinstate(self.project, self.reviewer, ids, links))

    def undo_it(self) -> None:
        ids = self.gold_ids
        self.links = self.run(lambda: adj.withdraw(self.project, self.reviewer, ids)).links


# ------------------------------------------------------------------------------ hand edits


class AddGoldSpan(ReviewCommand):
    """A gold span drawn by hand (no provenance)."""

    def __init__(
        self,
        session: ReviewSession,
        document_id: int,
        label: str,
        start: int,
        end: int,
        attributes: dict[str, Any],
    ) -> None:
        super().__init__(session, f"Add gold {label}")
        self.document_id, self.label, self.start, self.end = document_id, label, start, end
        self.attributes = dict(attributes)
        self.annotation_id: int | None = None
        self.link_ids: tuple[int, ...] = ()

    def do(self) -> None:
        if self.annotation_id is None:
            change = self.run(
                lambda: services.create_annotation(
                    self.project,
                    GOLD,
                    self.document_id,
                    self.label,
                    self.start,
                    self.end,
                    self.attributes,
                    actor=self.reviewer,
                )
            )
            self.annotation_id = change.created_id
        else:
            ann, links = self.annotation_id, self.link_ids
            self.run(
                lambda: services.restore_annotation(
                    self.project, GOLD, ann, links, actor=self.reviewer
                )
            )

    def undo_it(self) -> None:
        assert self.annotation_id is not None
        ann = self.annotation_id
        self.link_ids = self.run(
            lambda: services.delete_annotation(self.project, GOLD, ann, actor=self.reviewer)
        ).links


class DeleteGoldSpan(ReviewCommand):
    def __init__(self, session: ReviewSession, annotation_id: int, label: str) -> None:
        super().__init__(session, f"Delete gold {label}")
        self.annotation_id = annotation_id
        self.link_ids: tuple[int, ...] = ()

    def do(self) -> None:
        ann = self.annotation_id
        self.link_ids = self.run(
            lambda: services.delete_annotation(self.project, GOLD, ann, actor=self.reviewer)
        ).links

    def undo_it(self) -> None:
        ann, links = self.annotation_id, self.link_ids
        self.run(
            lambda: services.restore_annotation(self.project, GOLD, ann, links, actor=self.reviewer)
        )


class EditGoldSpan(ReviewCommand):
    """Attributes, note or boundaries of a gold span: old and new values kept."""

    def __init__(
        self,
        session: ReviewSession,
        annotation_id: int,
        old: dict[str, Any],
        new: dict[str, Any],
        text: str,
    ) -> None:
        super().__init__(session, text)
        self.annotation_id = annotation_id
        self.old, self.new = dict(old), dict(new)

    def _apply(self, values: dict[str, Any]) -> None:
        fields = dict(values)
        ann = self.annotation_id
        self.run(
            lambda: services.update_annotation(
                self.project, GOLD, ann, actor=self.reviewer, **fields
            )
        )

    def do(self) -> None:
        self._apply(self.new)

    def undo_it(self) -> None:
        self._apply(self.old)


class SetGoldStatus(ReviewCommand):
    def __init__(self, session: ReviewSession, document_id: int, done: bool) -> None:
        super().__init__(session, "Mark gold done" if done else "Reopen gold")
        self.document_id = document_id
        self.done = done

    def _set(self, done: bool) -> None:
        doc = self.document_id
        if done:
            coders = self.session.coders
            self.run(lambda: adj.finish(self.project, self.reviewer, doc, coders))
        else:
            self.run(
                lambda: services.set_status(
                    self.project, GOLD, doc, "in_progress", actor=self.reviewer
                )
            )

    def do(self) -> None:
        self._set(self.done)

    def undo_it(self) -> None:
        self._set(not self.done)


class AddGoldLink(ReviewCommand):
    """A gold link drawn by hand: an event role filled, or a relation between gold spans."""

    def __init__(self, session: ReviewSession, from_id: int, role: str, to_id: int) -> None:
        super().__init__(session, f"Link gold {role}")
        self.from_id, self.role, self.to_id = from_id, role, to_id
        self.link_id: int | None = None

    def do(self) -> None:
        if self.link_id is None:
            source, role, target = self.from_id, self.role, self.to_id
            change = self.run(
                lambda: services.create_link(
                    self.project, GOLD, source, role, target, actor=self.reviewer
                )
            )
            self.link_id = change.links[0]
        else:
            link = self.link_id
            self.run(lambda: services.restore_link(self.project, GOLD, link, actor=self.reviewer))

    def undo_it(self) -> None:
        assert self.link_id is not None
        link = self.link_id
        self.run(lambda: services.delete_link(self.project, GOLD, link, actor=self.reviewer))


class RemoveGoldLink(ReviewCommand):
    def __init__(self, session: ReviewSession, link_id: int, role: str) -> None:
        super().__init__(session, f"Remove gold {role} link")
        self.link_id = link_id

    def do(self) -> None:
        link = self.link_id
        self.run(lambda: services.delete_link(self.project, GOLD, link, actor=self.reviewer))

    def undo_it(self) -> None:
        link = self.link_id
        self.run(lambda: services.restore_link(self.project, GOLD, link, actor=self.reviewer))

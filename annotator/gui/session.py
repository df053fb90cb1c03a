"""What one coding window is working on: project, coder, document, its spans and links.

No widgets here. The session runs store services, applies each returned ``Change`` to its
caches from the rows it carries (never reloading the document), and tells the views
through signals what to redraw. Blind coding: it only ever asks the store for the current
coder's annotations and links.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from annotator.core.change import Change
from annotator.core.codebook import Codebook, Label
from annotator.core.records import Annotation, Document, Link
from annotator.store import queries, services
from annotator.store.engine import Project, ProjectError
from annotator.store.queries import DocumentSummary

from .document_pages import DocumentPages
from .undo import StoreCommand, UndoStacks


class Session(QObject):
    projectChanged = Signal()  # a project (and maybe a codebook) was opened
    coderChanged = Signal()
    documentsChanged = Signal()  # the document list must be reloaded
    documentRowChanged = Signal(int)  # status or count of one document changed
    documentOpened = Signal(int)
    annotationUpserted = Signal(int)
    annotationRemoved = Signal(int)
    linksChanged = Signal()
    currentChanged = Signal(int)  # -1: nothing selected
    activeEventChanged = Signal(int)  # the event frame being linked; -1: none
    linkModeChanged = Signal(str)  # relation waiting for its target; "": none
    notice = Signal(str, bool)  # message, is it an error
    saved = Signal()
    # Emitted before the open document, the selected span, the coder or the project changes,
    # so an editor holding typed-but-unconfirmed text commits it to what it belongs to.
    aboutToLeave = Signal()

    def __init__(self, project: Project, coder: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.coder = coder
        self.undo = UndoStacks(self, self.fail)
        self.undo_group = self.undo.group
        self.summaries = DocumentPages.empty(project, coder)  # the coder's list, read lazily
        self.document: Document | None = None
        self.status = "not_started"
        self.annotations: dict[int, Annotation] = {}
        self.links: dict[int, Link] = {}
        self.current_id: int | None = None
        self.active_event_id: int | None = None
        self.link_mode: tuple[str, int] | None = None  # (relation, source annotation id)
        self.missing: dict[int, tuple[str, ...]] = {}  # required fields shown as missing

    # ------------------------------------------------------------------------- project, coder

    @property
    def codebook(self) -> Codebook:
        return self.project.codebook

    def switch_project(self, project: Project) -> None:
        self.aboutToLeave.emit()
        old = self.project
        self.project = project
        self._reset()
        if old is not project:
            old.close()
        self.projectChanged.emit()
        self.reload_documents()

    def switch_to(self, path: str, opener: Callable[[str], Project | None] = Project.open) -> bool:
        """Open the project at ``path`` in place of this one (ProjectError: nothing changed;
        False: ``opener`` gave up, e.g. the password question was cancelled). On a team project
        the coder becomes the login (docs/team.md)."""
        from .team_login import team_identity

        project = opener(path)
        if project is None:
            return False
        try:
            project.codebook  # noqa: B018 - fail here, not halfway through the switch
            login = team_identity(project)
        except ProjectError:
            project.close()
            raise
        self.switch_project(project)
        if login is not None and login != self.coder:
            self.switch_coder(login)
        return True

    def review_access(self) -> tuple[str, str]:
        """May this coder open review mode? ("open", ""), ("confirm", the question to ask:
        no reviewers are named) or ("refused", why). On a team project the server role
        decides (docs/team.md)."""
        from .team_login import team_review

        on_team, refusal = team_review(self.project)
        if on_team:
            return ("refused", refusal) if refusal else ("open", "")
        names = services.reviewers(self.project)
        if not services.may_review(self.project, self.coder):
            return "refused", f"Only reviewers ({', '.join(names)}) may open review mode."
        if not names:
            return "confirm", (
                "Review mode shows every coder's annotations side by side. Coders who still "
                f"code blind must not open it.\n\nOpen review mode as {self.coder}?"
            )
        return "open", ""

    def switch_coder(self, coder: str) -> None:
        self.aboutToLeave.emit()
        self.coder = coder
        doc_id = self.document.id if self.document else None
        self._reset()
        self.coderChanged.emit()
        self.reload_documents(prefer=doc_id)

    def _reset(self) -> None:
        self.undo.clear()
        self.document = None
        self.annotations.clear()
        self.links.clear()
        self.current_id = self.active_event_id = None
        self.link_mode = None
        self.missing.clear()

    def reload_documents(self, prefer: int | None = None) -> None:
        self.summaries = DocumentPages(self.project, self.coder).load()
        self.documentsChanged.emit()
        if prefer is not None and self.summaries.reach(prefer):
            self.open_document(prefer)
        elif self.summaries:
            first_open = (
                next((s.id for s in self.summaries.values() if s.status != "done"), None)
                or self.summaries.next_unfinished_after_loaded()
            )
            self.open_document(first_open or next(iter(self.summaries)))

    # ------------------------------------------------------------------------------ documents

    def open_document(self, document_id: int) -> None:
        self.aboutToLeave.emit()
        self.cancel_link_mode()
        view = queries.coder_view(self.project, document_id, self.coder)  # one snapshot
        self.document = view.document
        self.status = view.status
        self.annotations = {a.id: a for a in view.annotations}
        self.links = {k.id: k for k in view.links}
        self.current_id = None
        self.active_event_id = None
        self.missing.clear()
        self.undo.activate(document_id)
        self.documentOpened.emit(document_id)
        self.currentChanged.emit(-1)
        self.activeEventChanged.emit(-1)

    def neighbour(self, step: int) -> int | None:
        """The document ``step`` places after (or before) the open one, in list order."""
        pages = self.summaries
        if self.document is None or self.document.id not in pages:
            return None
        i = pages.position(self.document.id) + step
        while i >= len(pages) and pages.fetch_more():
            pass
        return pages.at(i).id if 0 <= i < len(pages) else None

    def next_unfinished(self) -> int | None:
        """The first document after the open one (wrapping round) this coder has not done:
        among the rows read, else the next one the list has further down."""
        pages = self.summaries
        current = self.document.id if self.document is not None else None
        start = pages.position(current) + 1 if current in pages and current is not None else 0
        ids = list(pages)
        for doc_id in ids[start:]:
            if pages[doc_id].status != "done" and doc_id != current:
                return doc_id
        further = pages.next_unfinished_after_loaded()
        if further is not None:
            return further
        for doc_id in ids[:start]:
            if pages[doc_id].status != "done" and doc_id != current:
                return doc_id
        return None

    def text_of(self, annotation: Annotation) -> str:
        return self.document.text[annotation.start : annotation.end] if self.document else ""

    # --------------------------------------------------------------------------- running work

    def push(self, command: StoreCommand) -> bool:
        """Run a command's first service call; only if it worked, put it on the undo stack."""
        return self.undo.push(command, self.document.id if self.document is not None else None)

    def run(self, service: Callable[[], Change]) -> Change:
        """Run one service (one transaction) and show its result. ServiceError propagates."""
        change = service()
        self.apply(change)
        return change

    def fail(self, message: str) -> None:
        self.notice.emit(message, True)

    def apply(self, change: Change) -> None:
        """Take the rows the change carries (read in its own transaction) and tell the views."""
        doc = self.document
        rows = {a.id: a for a in change.rows}
        link_rows = {k.id: k for k in change.link_rows}
        for ann_id in change.annotations:
            fresh = rows.get(ann_id)
            visible = (
                fresh is not None
                and doc is not None
                and fresh.document_id == doc.id
                and fresh.coder == self.coder
            )
            if visible and fresh is not None:
                self.annotations[ann_id] = fresh
                self.annotationUpserted.emit(ann_id)
            elif self.annotations.pop(ann_id, None) is not None:
                self.missing.pop(ann_id, None)
                if self.current_id == ann_id:
                    self.select(None)
                if self.active_event_id == ann_id:
                    self.set_active_event(None)
                self.annotationRemoved.emit(ann_id)
        if change.links:
            for link_id in change.links:
                link = link_rows.get(link_id)
                mine = link is not None and link.coder == self.coder
                if mine and link is not None and doc is not None and link.document_id == doc.id:
                    self.links[link_id] = link
                else:
                    self.links.pop(link_id, None)
            self.linksChanged.emit()
        if doc is not None and change.document_id == doc.id:
            if change.status:
                self.status = queries.status(self.project, self.coder, doc.id)
            elif self.status == "not_started" and (change.annotations or change.links):
                self.status = "in_progress"  # the store's first-edit rule, mirrored
            self._update_summary(doc.id)
        self.saved.emit()

    def _update_summary(self, document_id: int) -> None:
        old = self.summaries.get(document_id)
        if old is None:
            return
        self.summaries[document_id] = DocumentSummary(
            old.id, old.ext_id, old.title, old.length, self.status, len(self.annotations)
        )
        self.documentRowChanged.emit(document_id)

    # ------------------------------------------------------------------------------ selection

    def label_of(self, annotation_id: int | None) -> Label | None:
        ann = self.annotations.get(annotation_id) if annotation_id is not None else None
        return self.codebook.label(ann.label) if ann is not None else None

    def is_frame(self, annotation_id: int | None) -> bool:
        lab = self.label_of(annotation_id)
        return lab is not None and bool(lab.roles)

    def select(self, annotation_id: int | None) -> None:
        if annotation_id is not None and annotation_id not in self.annotations:
            annotation_id = None
        if annotation_id == self.current_id:
            return
        self.aboutToLeave.emit()
        self.current_id = annotation_id
        self.currentChanged.emit(-1 if annotation_id is None else annotation_id)
        if annotation_id is None:
            return
        if self.is_frame(annotation_id):
            self.set_active_event(annotation_id)
        elif self.active_event_id is None:
            # No frame chosen yet: show the one this span fills. With one chosen, the frame
            # stays: a span may fill roles of several events, and the next digit links it
            # to the event the coder selected, not to another one it already fills.
            events = self.frames_filled_by(annotation_id)
            if events:
                self.set_active_event(events[0])

    def set_active_event(self, annotation_id: int | None) -> None:
        if annotation_id == self.active_event_id:
            return
        self.active_event_id = annotation_id
        self.activeEventChanged.emit(-1 if annotation_id is None else annotation_id)

    # ---------------------------------------------------------------------------- event frames

    def role_names(self) -> set[str]:
        return {r.name for lab in self.codebook.labels for r in lab.roles}

    def frames_filled_by(self, annotation_id: int) -> list[int]:
        roles = self.role_names()
        return [
            k.from_id
            for k in self.links.values()
            if k.to_id == annotation_id and k.role in roles and k.from_id in self.annotations
        ]

    def fillers(self, event_id: int) -> list[tuple[str, list[Link]]]:
        """Each role of the event's label with the links that fill it, in codebook order."""
        lab = self.label_of(event_id)
        if lab is None:
            return []
        out: list[tuple[str, list[Link]]] = []
        for role in lab.roles:
            filled = [
                k
                for k in self.links.values()
                if k.from_id == event_id and k.role == role.name and k.to_id in self.annotations
            ]
            filled.sort(key=lambda k: self.annotations[k.to_id].start)
            out.append((role.name, filled))
        return out

    def relations_of(self, annotation_id: int) -> list[Link]:
        """Links between spans outside event frames that start or end at this span."""
        roles = self.role_names()
        return [
            k
            for k in self.links.values()
            if k.role not in roles and annotation_id in (k.from_id, k.to_id)
        ]

    # ------------------------------------------------------------------------------ link mode

    def start_link_mode(self, relation: str, source_id: int) -> None:
        self.link_mode = (relation, source_id)
        self.linkModeChanged.emit(relation)

    def cancel_link_mode(self) -> None:
        if self.link_mode is not None:
            self.link_mode = None
            self.linkModeChanged.emit("")

    # --------------------------------------------------------------------------------- labels

    def project_label(self) -> str:
        url = self.project.url
        if url.startswith("sqlite:///"):
            return Path(url.removeprefix("sqlite:///")).name
        return self.project.display_name

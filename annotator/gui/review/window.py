"""The review window: every coder's layer side by side with gold, the disagreements, the keys
that adjudicate them, and the agreement dashboard. Layout and wiring only: adjudication rules
live in ``annotator.store.adjudication``, state in ``ReviewSession``, what a reviewer's choice
becomes in ``decisions`` (undoable commands of ``annotator.gui.commands``), the keys in
``actions``, the dashboard's figures in ``agreement``."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from annotator.core.change import Change
from annotator.core.records import GOLD, Annotation
from annotator.gui.actions import ActionRegistry
from annotator.gui.docks import add_dock, add_panel_toggles
from annotator.gui.elided_label import ElidedLabel
from annotator.gui.panels.attribute_form import AttributeForm
from annotator.gui.settings import Preferences
from annotator.gui.status_bar import StatusBar
from annotator.gui.style import STYLE_SHEET
from annotator.store.engine import Project
from annotator.store.review_state import DocumentReview
from annotator.store.services import ServiceError

from .actions import ACTIONS, MAX_CODER_KEYS, link_actions
from .agreement import show_document_agreement, show_project_agreement
from .dashboard import AgreementDashboard
from .decisions import Decisions
from .disagreements import DisagreementList
from .document_chooser import DocumentChooser
from .event_frame import EventFrame, GoldLinking
from .layers import Layers, default_one_at_a_time
from .live import LiveReview
from .session import ReviewSession

# Wide enough for two coders' columns and gold side by side with both dock columns, each
# column about 60 characters wide; smaller screens get most of what they have.
DEFAULT_SIZE = (1680, 1000)


class ReviewWindow(QMainWindow):
    def __init__(
        self,
        session: ReviewSession,
        parent: QWidget | None = None,
        prefs: Preferences | None = None,
    ) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.setObjectName("reviewWindow")
        self.setStyleSheet(STYLE_SHEET)
        self.session = session
        session.setParent(self)
        self.decisions = Decisions(session)
        self.docks: dict[str, QDockWidget] = {}
        self.gold_current: int | None = None
        self._selection: tuple[int, int] = (0, 0)  # last text selected in any layer
        self._shown_unit: tuple[str, ...] | None = None  # key of the unit last highlighted
        self._watching_focus = False

        # ---- centre: header with progress, the layers, then disagreements and dashboard
        self.doc_header = ElidedLabel()  # a long title ends in "…", never widens the window
        self.doc_header.setObjectName("reviewTitle")
        self.gold_state = QLabel()
        self.gold_state.setObjectName("reviewGoldState")
        self.progress = QProgressBar()
        self.progress.setObjectName("adjudicationProgress")
        self.progress.setFixedWidth(200)
        self.progress.setFormat("%v of %m units adjudicated")
        header = QWidget()
        header.setObjectName("reviewHeader")
        row = QHBoxLayout(header)
        row.setContentsMargins(12, 6, 10, 6)
        row.setSpacing(12)
        self.layer_split = Layers()
        row.addWidget(self.doc_header)
        row.addWidget(self.gold_state)
        row.addStretch(1)
        row.addWidget(self.layer_split.switcher)  # one coder at a time: which coder
        row.addWidget(self.progress)
        self.layers = self.layer_split.layers  # coder (and gold) -> its layer
        self.gold = self.layer_split.gold
        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(header)
        column.addWidget(self.layer_split, 1)

        self.list = DisagreementList()
        self.note = QLineEdit()
        self.note.setObjectName("reviewNote")
        self.note.setPlaceholderText("Why? An optional note for the next accept or reject (Ctrl+N)")
        self.note.setClearButtonEnabled(True)
        self.note.returnPressed.connect(self.list.table.setFocus)
        work = QWidget()
        work_column = QVBoxLayout(work)
        work_column.setContentsMargins(0, 0, 0, 4)
        work_column.setSpacing(3)
        work_column.addWidget(self.list, 1)
        work_column.addWidget(self.note)
        self.dashboard = AgreementDashboard()
        self.main_split = QSplitter(Qt.Orientation.Vertical)
        self.main_split.setObjectName("reviewSplit")
        self.main_split.addWidget(top)
        self.main_split.addWidget(work)
        self.main_split.setStretchFactor(0, 5)
        self.main_split.setStretchFactor(1, 2)
        self.setCentralWidget(self.main_split)

        # ---- docks: documents on the left, the current gold span's attributes on the right
        self.documents = DocumentChooser()
        self.form = AttributeForm()
        self.form.set_codebook(session.codebook)
        self.event_frame = EventFrame()
        self.linking = GoldLinking(self)
        self._dock("Documents", self.documents, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("Gold event", self.event_frame, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("Gold span", self.form, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock("Agreement", self.dashboard, Qt.DockWidgetArea.RightDockWidgetArea)
        self._docks_sized = False

        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.status.coder.setText(f"Reviewer: <b>{html.escape(session.reviewer)}</b>")
        self.status.project.setText(f"Project: {html.escape(session.project.display_name)}")
        self.setWindowTitle(f"Review — {session.project.display_name} — Annotator")

        # ---- actions → menus, toolbar; the label for hand-drawn gold spans
        self.label_choice = QComboBox()
        self.label_choice.setObjectName("goldLabel")
        self.label_choice.setToolTip("Label of a gold span drawn by hand")
        for lab in session.codebook.labels:
            self.label_choice.addItem(lab.name)
        self.actions_ = ActionRegistry(self, self.gold.view, prefs.shortcuts if prefs else None)
        self.actions_.add(ACTIONS)
        self.actions_.add(link_actions(session.codebook))
        self.toolbar = QToolBar("Review")
        self.toolbar.setObjectName("toolbar.review")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)
        self.actions_.build_menus(self.menuBar())
        add_panel_toggles(self.menuBar(), self.docks.values())
        self.actions_.build_toolbar(self.toolbar)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(QLabel(" Gold label "))
        self.toolbar.addWidget(self.label_choice)
        self.toolbar.addAction(self.actions_.qaction("review.add_gold"))
        self._wire()
        self.live = LiveReview(session, self.documents)  # others' decisions show live
        self._restore_layout()

    def _restore_layout(self) -> None:
        geometry, state = self.prefs.window_layout("review") if self.prefs else (None, None)
        if geometry is not None and self.restoreGeometry(geometry):
            if state is not None:
                self.restoreState(state)
            self._docks_sized = state is not None
            return
        width, height = DEFAULT_SIZE
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            width = min(width, screen.width() * 19 // 20)
            height = min(height, screen.height() * 19 // 20)
        self.resize(width, height)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = add_dock(self, title, widget, area, floatable=False)
        self.docks[dock.objectName().removeprefix("dock.")] = dock
        return dock

    # ------------------------------------------------------------------------------ wiring

    def _wire(self) -> None:
        s = self.session
        self.layer_split.selected.connect(self._selected)
        self.layer_split.coderSpanClicked.connect(self._coder_clicked)
        self.layer_split.goldSpanClicked.connect(self._gold_clicked)
        self.layer_split.shownChanged.connect(self._layers_rearranged)
        s.documentsChanged.connect(self._documents_changed)
        s.aboutToLeave.connect(self.form.commit_pending)
        s.documentOpened.connect(self._document_opened)
        s.documentRowChanged.connect(self._row_changed)
        s.reviewChanged.connect(self._review_changed)
        s.reviewRefreshed.connect(self._review_refreshed)
        s.codebookChanged.connect(self._codebook_changed)
        s.notice.connect(self.status.notice)
        s.saved.connect(self.status.saved)
        s.undo_group.indexChanged.connect(lambda _i: self.actions_.refresh())
        s.undo_group.activeStackChanged.connect(lambda _s: self.actions_.refresh())
        undo, redo = self.actions_.qaction("review.undo"), self.actions_.qaction("review.redo")
        s.undo.name_actions(undo, redo)
        self.documents.documentChosen.connect(s.open_document)
        self.list.currentChanged.connect(self._show_current)
        self.form.attributesEdited.connect(self._attributes_edited)
        self.form.noteEdited.connect(self._note_edited)
        self.gold.view.contextMenuForSpans.connect(self._gold_menu)
        self.event_frame.removeRequested.connect(self.linking.remove)
        self.event_frame.fillerChosen.connect(self.select_gold)
        self.dashboard.projectRequested.connect(self.compute_project_agreement)

    def _documents_changed(self) -> None:
        s = self.session
        self.documents.fill(list(s.documents.values()), s.progress)

    def _row_changed(self, doc_id: int) -> None:
        s = self.session
        entry = s.documents.get(doc_id)
        if entry is not None:
            self.documents.update_row(entry, s.progress.get(doc_id))
        if doc_id == s.document_id:
            self._show_progress()

    # ----------------------------------------------------------------------- session → views

    def _document_opened(self, doc_id: int) -> None:
        s = self.session
        review = s.review
        assert review is not None
        one = s.one_coder_at_a_time  # the reviewer's choice, else by the number of coders
        self.layer_split.show_review(
            review, s.codebook, default_one_at_a_time(len(review.coders)) if one is None else one
        )
        for k, coder in enumerate(review.coders):
            act = self.actions_.qaction(f"review.accept.{k + 1}")
            act.setText(f"Accept {coder}'s version")
            act.setToolTip(f"Accept {coder}'s version of the current unit ({k + 1})")
        for k in range(len(review.coders), MAX_CODER_KEYS):
            self.actions_.qaction(f"review.accept.{k + 1}").setText(f"Accept coder {k + 1}")
        for k in range(MAX_CODER_KEYS):
            who = review.coders[k] if k < len(review.coders) else f"coder {k + 1}"
            self.actions_.qaction(f"review.layer.{k + 1}").setText(f"Show {who}")
        self.gold_current = None
        self._shown_unit = None
        self.form.show_annotation(None, "")
        self.linking.reset()
        self.documents.select(doc_id)
        self._show_header()
        self._show_layer_headings()
        self.list.set_review(review)
        self.list.next_open(-1)
        self._show_current()
        self._document_agreement()
        self._show_progress()
        self.actions_.refresh()

    def _show_header(self) -> None:
        review = self.session.review
        assert review is not None
        doc = review.document
        gold = review.gold_status.replace("_", " ")
        title = doc.title or doc.ext_id
        self.doc_header.set_full_text(title)
        self.doc_header.setToolTip(f"{title}\n{doc.ext_id}\ncoders: {', '.join(review.coders)}")
        self.gold_state.setText(f"gold: {gold}")
        self.status.document.setText(f"Gold: {gold}")

    def _show_layer_headings(self) -> None:
        assert self.session.review is not None
        self.layer_split.show_headings(self.session.review)

    def _show_progress(self) -> None:
        state = self.session.progress.get(self.session.document_id or -1)
        if state is None:
            return
        self.progress.setMaximum(max(state.units_total, 1))
        self.progress.setValue(state.units_resolved)
        open_rows = state.disagreements_total - state.disagreements_resolved
        self.progress.setToolTip(
            f"{state.units_resolved} of {state.units_total} units adjudicated; "
            f"{open_rows} of {state.disagreements_total} disagreements open"
        )

    def _review_changed(self, change: Change) -> None:
        review = self.session.review
        assert review is not None
        gold_view = self.gold.view
        fresh = {a.id: a for a in review.gold}
        for ann_id in change.annotations:
            if ann_id in fresh:
                gold_view.add_or_update(fresh[ann_id])
            else:
                gold_view.remove(ann_id)
                if ann_id == self.gold_current:
                    self._set_gold_current(None)
        if self.gold_current is not None and self.gold_current in fresh:
            self._show_form()
        self.linking.refresh()
        self._show_header()
        self._show_layer_headings()
        if self.gold_current is None:
            self._shown_unit = None  # let the current unit's new gold span become current
        self.list.set_review(review)
        self._show_current()
        self.actions_.refresh()

    def _review_refreshed(self, old: DocumentReview) -> None:
        """Another process changed the open document (``annotator.gui.review.live``): each
        layer redraws the spans that changed in it, the disagreement list and the marks follow;
        the current row, the layers' scroll and selection, the form being typed in and the
        undo history stay as they are."""
        review = self.session.review
        assert review is not None
        coders_changed = False
        for name, layer in self.layers.items():
            before = {a.id: a for a in old.annotations.get(name, [])}
            after = {a.id: a for a in review.annotations.get(name, [])}
            view = layer.view
            for ann_id in before.keys() - after.keys():
                view.remove(ann_id)
            changed = [a for i, a in after.items() if before.get(i) != a]
            for ann in changed:
                view.add_or_update(ann)
            if name != GOLD and (changed or before.keys() - after.keys()):
                coders_changed = True
        gold_ids = {a.id for a in review.gold}
        if self.gold_current is not None and self.gold_current not in gold_ids:
            self._set_gold_current(None)
        elif self.gold_current is not None:
            was = next((a for a in old.gold if a.id == self.gold_current), None)
            focus = QApplication.focusWidget()
            typing = focus is not None and self.form.isAncestorOf(focus)
            if was != self._gold_annotation() and not typing:
                self._show_form()
        self.linking.refresh()
        self._show_header()
        self._show_layer_headings()
        self.list.set_review(review)
        self._show_current(follow=False)
        if coders_changed or old.units != review.units:
            self._document_agreement()
        self.actions_.refresh()

    def _codebook_changed(self) -> None:
        """A new codebook version (installed elsewhere): the form, the label choice and the
        layers' colours follow it."""
        codebook = self.session.codebook
        self.form.set_codebook(codebook)
        chosen = self.label_choice.currentText()
        self.label_choice.clear()
        for lab in codebook.labels:
            self.label_choice.addItem(lab.name)
        self.label_choice.setCurrentIndex(max(self.label_choice.findText(chosen), 0))
        colors = {lab.name: lab.color for lab in codebook.labels}
        for layer in self.layers.values():
            layer.view.set_label_colors(colors)
        self._show_form()

    # --------------------------------------------------------------------- the current unit

    def _show_current(self, follow: bool = True) -> None:
        """Highlight the current unit in every layer and scroll them all to it (``follow``;
        a live refresh only redraws the marks)."""
        review = self.session.review
        if review is None:
            return
        row = self.list.current()
        unit = row.unit if row is not None else None
        self.layer_split.show_unit(review, unit, follow)
        key = unit.key if unit is not None else None
        if follow and unit is not None and key != self._shown_unit:
            # a new current unit: its gold span (if any) goes into the form; after an edit
            # on the same unit the gold span being edited stays current
            resolution = review.resolution(unit)
            gold_ids = resolution.gold_ids if resolution is not None else ()
            self._set_gold_current(gold_ids[0] if gold_ids else None)
            self.gold.view.scroll_to_cp(unit.start)
        self._shown_unit = key
        self.actions_.refresh()

    def step(self, by: int) -> None:
        self.list.step(by)

    # ------------------------------------------------------------------------------- layout

    def toggle_layout(self) -> None:
        """Side by side ↔ one coder at a time; the choice holds for the rest of the session."""
        self.layer_split.set_one_at_a_time(not self.layer_split.one_at_a_time)

    def _layers_rearranged(self) -> None:
        """The reviewer chose another layout or coder: it holds for the rest of the session;
        the current unit is marked and scrolled to in what is shown."""
        self.session.one_coder_at_a_time = self.layer_split.one_at_a_time
        self._show_current()
        self.actions_.refresh()

    def _coder_clicked(self, ann_id: int) -> None:
        unit = self.session.unit_of(ann_id)
        if unit is not None and not self.list.select_matching(unit.key):
            self.status.notice("The coders agree on this span.", False)

    # ------------------------------------------------------------------------- adjudicating

    def _note_text(self) -> str:
        return self.note.text().strip()

    def _after_decision(self, pushed: bool, row_index: int) -> None:
        if pushed:
            self.note.clear()
            self.list.next_open(row_index)

    def accept_version(self, k: int) -> None:
        """Accept coder k's version of the current unit (see ``Decisions.accept_version``)."""
        row = self.list.current()
        if row is not None:
            i = self.list.current_index()
            self._after_decision(self.decisions.accept_version(row, k, self._note_text()), i)

    def reject(self, because: str = "") -> None:
        row = self.list.current()
        if row is not None:
            i = self.list.current_index()
            self._after_decision(self.decisions.reject(row, self._note_text() or because), i)

    def accept_agreed(self) -> None:
        command = self.decisions.accept_agreed(self._note_text())
        if command is not None:
            self.note.clear()
            self.status.notice(command.text(), False)

    def toggle_done(self) -> None:
        self.decisions.toggle_done()
        self.actions_.refresh()

    # --------------------------------------------------------------------------- hand edits

    def _selected(self, start: int, end: int) -> None:
        if start < end:
            self._selection = (start, end)

    def add_gold(self) -> None:
        label = self.label_choice.currentText()
        ann_id = self.decisions.add_gold(label, *self._selection)
        if ann_id is not None:
            self._set_gold_current(ann_id)

    def resize_gold(self) -> None:
        ann = self._gold_annotation()
        if ann is not None:
            self.decisions.resize_gold(ann, *self._selection)

    def delete_gold(self, ann_id: int | None = None) -> None:
        ann = self._gold_annotation(ann_id)
        if ann is not None:
            self.decisions.delete_gold(ann)

    def _attributes_edited(self, ann_id: int, values: dict[str, Any]) -> None:
        ann = self._gold_annotation(ann_id)
        if ann is not None:
            self.decisions.edit_attributes(ann, values)

    def _note_edited(self, ann_id: int, note: str) -> None:
        ann = self._gold_annotation(ann_id)
        if ann is not None:
            self.decisions.edit_note(ann, note)

    def _gold_annotation(self, ann_id: int | None = None) -> Annotation | None:
        return self.decisions.gold(self.gold_current if ann_id is None else ann_id)

    def _gold_clicked(self, ann_id: int) -> None:
        if self.linking.clicked(ann_id):
            self.gold.view.set_current(self.gold_current)
            return
        self._set_gold_current(ann_id if ann_id >= 0 else None)

    def select_gold(self, ann_id: int) -> None:
        self._set_gold_current(ann_id)
        self.gold.view.setFocus()

    def _gold_menu(self, ids: list[int], pos: QPoint) -> None:
        menu = self.linking.menu(ids, pos)
        if menu is not None:
            menu.exec(pos)

    def _set_gold_current(self, ann_id: int | None) -> None:
        if ann_id != self.gold_current:
            self.form.commit_pending()  # typed text belongs to the span shown until now
        self.gold_current = ann_id
        self.gold.view.set_current(ann_id)
        self._show_form()
        self.linking.current_changed(ann_id)
        self.actions_.refresh()

    def _focus_moved(self, old: QWidget | None, new: QWidget | None) -> None:
        view = self.gold.view
        if any(w is not None and (w is view or view.isAncestorOf(w)) for w in (old, new)):
            self.actions_.refresh()  # the digits change meaning (see digits_link_roles)

    def _show_form(self) -> None:
        ann = self._gold_annotation()
        review = self.session.review
        words = review.document.text[ann.start : ann.end] if ann and review else ""
        self.form.show_annotation(ann, words)

    # ---------------------------------------------------------------------------- agreement

    def show_keys(self) -> None:
        """The shortcut editor on the review window's actions (saved with the coding
        window's, each under its own action ids)."""
        from annotator.gui.shortcuts_dialog import edit_shortcuts

        edit_shortcuts(self, self.actions_, self.prefs)

    def _document_agreement(self) -> None:
        show_document_agreement(self.session, self.dashboard)

    def compute_project_agreement(self) -> None:
        """On demand: it reads the whole project."""
        show_project_agreement(self.session, self.dashboard)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        app = QApplication.instance()
        if isinstance(app, QApplication) and not self._watching_focus:
            app.focusChanged.connect(self._focus_moved)
            self._watching_focus = True
        if not self._docks_sized:  # docks take sizes only once the window has its own
            self._docks_sized = True
            width = self.width()
            self.resizeDocks(
                [self.docks["documents"], self.docks["gold_span"]],
                [max(230, width // 7), max(300, width // 5)],
                Qt.Orientation.Horizontal,
            )
            self.resizeDocks(
                [self.docks["gold_span"], self.docks["agreement"]],
                [self.height() // 2, self.height() // 2],
                Qt.Orientation.Vertical,
            )
            self.resizeDocks(  # the left column: a short document list over the gold event
                [self.docks["documents"], self.docks["gold_event"]],
                [self.height() * 2 // 5, self.height() * 3 // 5],
                Qt.Orientation.Vertical,
            )

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.prefs is not None:
            self.prefs.save_window_layout(self.saveGeometry(), self.saveState(), "review")
        # The project belongs to whoever opened the window (the coding window shares it).
        app = QApplication.instance()
        if isinstance(app, QApplication) and self._watching_focus:
            app.focusChanged.disconnect(self._focus_moved)
            self._watching_focus = False
        super().closeEvent(event)


def open_review_window(
    project: Project,
    reviewer: str,
    parent: QWidget | None = None,
    prefs: Preferences | None = None,
) -> ReviewWindow:
    """Review mode on ``project`` for ``reviewer``: opens the first document still open.

    The caller keeps ownership of ``project`` (closing the window does not close it).
    """
    if reviewer.strip() in ("", GOLD):
        raise ServiceError(f"{reviewer!r} cannot review: name a reviewer other than {GOLD!r}")
    session = ReviewSession(project, reviewer.strip())
    window = ReviewWindow(session, parent, prefs)
    session.reload_documents()
    if session.documents:
        first = next(
            (d.id for d in session.documents.values() if d.gold_status != "done"),
            next(iter(session.documents)),
        )
        session.open_document(first)
    else:
        window.status.notice("No document has been coded by two coders yet.", False)
    return window

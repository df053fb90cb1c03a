"""The review window: every coder's layer side by side with gold, the disagreements, the keys
that adjudicate them, and the agreement dashboard. Layout and wiring only: adjudication rules
live in ``annotator.store.adjudication``, state in ``ReviewSession``, undo in ``commands``."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication, QShowEvent
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

from annotator.core.agreement import agreement_report
from annotator.core.change import Change
from annotator.core.records import GOLD, Annotation
from annotator.gui.actions import Action, ActionRegistry
from annotator.gui.elided_label import ElidedLabel
from annotator.gui.panels.attribute_form import AttributeForm
from annotator.gui.status_bar import StatusBar
from annotator.gui.style import STYLE_SHEET
from annotator.store.adjudication import source_of
from annotator.store.engine import Project
from annotator.store.review import Selection, agreement_input, select_documents
from annotator.store.services import ServiceError

from . import commands as cmd
from .event_frame import EventFrame, GoldLinking, role_key_titles
from .panels import (
    GOLD_COLOR,
    AgreementDashboard,
    DisagreementList,
    DocumentChooser,
    LayerView,
    coder_color,
)
from .session import ReviewSession

MAX_CODER_KEYS = 9


class ReviewWindow(QMainWindow):
    def __init__(self, session: ReviewSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewWindow")
        self.setStyleSheet(STYLE_SHEET)
        self.session = session
        session.setParent(self)
        self.layers: dict[str, LayerView] = {}  # coder (and gold) -> its layer
        self.docks: dict[str, QDockWidget] = {}
        self.gold_current: int | None = None
        self._selection: tuple[int, int] = (0, 0)  # last text selected in any layer
        self._shown_unit: tuple[str, ...] | None = None  # key of the unit last highlighted
        self._syncing = False  # a scroll being passed on to the other layers
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
        row.addWidget(self.doc_header)
        row.addWidget(self.gold_state)
        row.addStretch(1)
        row.addWidget(self.progress)
        self.layer_split = QSplitter(Qt.Orientation.Horizontal)
        self.layer_split.setObjectName("layers")
        self.layer_split.setChildrenCollapsible(False)
        self.gold = self._layer(GOLD, GOLD_COLOR)
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
        self.actions_ = ActionRegistry(self, self.gold.view)
        self._n_role_keys = 0
        self.actions_.add(self._actions())
        self.actions_.add(self._link_actions())
        self.toolbar = QToolBar("Review")
        self.toolbar.setObjectName("toolbar.review")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)
        self.actions_.build_menus(self.menuBar())
        self.actions_.build_toolbar(self.toolbar)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(QLabel(" Gold label "))
        self.toolbar.addWidget(self.label_choice)
        self.toolbar.addAction(self.actions_.qaction("review.add_gold"))
        self._wire()

    def _layer(self, name: str, color: str) -> LayerView:
        layer = LayerView(name, color)
        self.layers[name] = layer
        self.layer_split.addWidget(layer)
        v = layer.view
        v.selectionChangedCp.connect(self._selected)
        v.verticalScrollBar().valueChanged.connect(lambda value: self._scrolled(layer, value))
        if name == GOLD:
            v.spanClicked.connect(self._gold_clicked)
        else:
            v.spanClicked.connect(self._coder_clicked)
        return layer

    def _scrolled(self, source: LayerView, value: int) -> None:
        """The layers show the same text at the same width: they scroll together."""
        if self._syncing:
            return
        self._syncing = True
        try:
            for layer in self.layers.values():
                if layer is not source:
                    layer.view.verticalScrollBar().setValue(value)
        finally:
            self._syncing = False

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock.{title.lower().replace(' ', '_')}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        self.docks[dock.objectName().removeprefix("dock.")] = dock
        return dock

    # --------------------------------------------------------------------------- actions

    def _actions(self) -> list[Action]:
        group = self.session.undo_group
        has_row = lambda: self.list.current() is not None  # noqa: E731
        has_doc = lambda: self.session.review is not None  # noqa: E731
        has_gold = lambda: self.gold_current is not None  # noqa: E731
        out = [
            Action(
                "review.previous",
                "&Previous disagreement",
                lambda: self.step(-1),
                "Review",
                ("P", "Shift+F8"),
                section="walk",
                toolbar=True,
                tip="Previous disagreement (P, Shift+F8)",
            ),
            Action(
                "review.next",
                "&Next disagreement",
                lambda: self.step(1),
                "Review",
                ("N", "F8"),
                section="walk",
                toolbar=True,
                tip="Next disagreement (N, F8)",
            ),
        ]
        for k in range(1, MAX_CODER_KEYS + 1):
            out.append(
                Action(
                    f"review.accept.{k}",
                    f"Accept coder {k}'s version",
                    self._accepting(k),
                    "Review/Accept version",
                    (str(k),),
                    enabled=self._can_accept(k),
                    section="decide",
                    toolbar=k <= 2,
                )
            )
        out += [
            Action(
                "review.reject",
                "&Reject (no span in gold)",
                self.reject,
                "Review",
                ("R",),
                enabled=has_row,
                section="decide",
                toolbar=True,
                tip="Resolve the current unit as no span (R)",
            ),
            Action(
                "review.accept_agreed",
                "Accept all &agreed units",
                self.accept_agreed,
                "Review",
                ("A",),
                enabled=has_doc,
                section="decide",
                toolbar=True,
                tip="Every unit all coders agree on, into gold (A)",
            ),
            Action(
                "review.note",
                "Write a &note…",
                self.note.setFocus,
                "Review",
                ("Ctrl+N",),
                section="decide",
            ),
            Action(
                "review.undo",
                "&Undo",
                group.undo,
                "Edit",
                ("Ctrl+Z",),
                enabled=group.canUndo,
                section="undo",
                toolbar=True,
            ),
            Action(
                "review.redo",
                "&Redo",
                group.redo,
                "Edit",
                ("Ctrl+Shift+Z", "Ctrl+Y"),
                enabled=group.canRedo,
                section="undo",
                toolbar=True,
            ),
            Action(
                "review.add_gold",
                "Add selection to gold",
                self.add_gold,
                "Gold",
                ("Ctrl+Return", "Insert"),
                enabled=has_doc,
                section="hand",
                tip="A gold span of the chosen label over the selected words (Ctrl+Return)",
            ),
            Action(
                "review.resize_gold",
                "Gold span to the selection",
                self.resize_gold,
                "Gold",
                ("Ctrl+B",),
                enabled=has_gold,
                section="hand",
            ),
            Action(
                "review.delete_gold",
                "Delete gold span",
                self.delete_gold,
                "Gold",
                ("Delete",),
                enabled=has_gold,
                section="hand",
            ),
            Action(
                "review.done",
                "Gold &done",
                self.toggle_done,
                "Gold",
                ("Ctrl+D",),
                enabled=has_doc,
                checked=lambda: (
                    self.session.review is not None and self.session.review.gold_status == "done"
                ),
                section="status",
                toolbar=True,
                tip="Mark the gold version of this document done (all units adjudicated)",
            ),
            Action(
                "review.project_agreement",
                "Compute project agreement",
                self.compute_project_agreement,
                "Agreement",
            ),
            Action("review.close", "&Close review", self.close, "Review", ("Ctrl+W",)),
        ]
        return out

    def _accepting(self, k: int) -> Callable[[], None]:
        return lambda: self.accept_version(k)

    def _can_accept(self, k: int) -> Callable[[], bool]:
        return lambda: (
            self.list.current() is not None
            and k <= len(self.session.coders)
            and not (k <= self._n_role_keys and self._role_keys_live())
        )

    def _role_keys_live(self) -> bool:
        """Digits link roles while the gold view has the focus and a gold event is active;
        elsewhere they accept coders' versions (one key, one meaning at a time: Qt calls a key
        bound to two enabled actions ambiguous and runs neither)."""
        focus = QApplication.focusWidget()
        view = self.gold.view
        on_gold = focus is not None and (focus is view or view.isAncestorOf(focus))
        return on_gold and self.linking.event_id is not None

    def _linking(self, index: int) -> Callable[[], None]:
        return lambda: self.linking.link_role(index)

    def _link_actions(self) -> list[Action]:
        titles = role_key_titles(self.session.codebook)
        self._n_role_keys = len(titles)
        out = [
            Action(
                f"review.link.role{i + 1}",
                title,
                self._linking(i),
                "Gold/Link",
                (str(i + 1),),
                enabled=lambda: self.linking.event_id is not None,
                scope="view",
                section="link",
                tip=f"Link the current gold span as role {i + 1} of the active gold event",
            )
            for i, title in enumerate(titles)
        ]
        out.append(
            Action(
                "review.link.cancel",
                "Cancel linking",
                self.linking.cancel,
                "Gold/Link",
                ("Esc",),
                enabled=lambda: self.linking.link_mode is not None,
                section="link",
            )
        )
        return out

    # ------------------------------------------------------------------------------ wiring

    def _wire(self) -> None:
        s = self.session
        s.documentsChanged.connect(self._documents_changed)
        s.aboutToLeave.connect(self.form.commit_pending)
        s.documentOpened.connect(self._document_opened)
        s.documentRowChanged.connect(self._row_changed)
        s.reviewChanged.connect(self._review_changed)
        s.notice.connect(self.status.notice)
        s.saved.connect(self.status.saved)
        s.undo_group.indexChanged.connect(lambda _i: self.actions_.refresh())
        s.undo_group.activeStackChanged.connect(lambda _s: self.actions_.refresh())
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
        # one layer per coder of this document, then gold on the right
        for name in [n for n in self.layers if n != GOLD and n not in review.coders]:
            layer = self.layers.pop(name)
            layer.setParent(None)
            layer.deleteLater()
        for k, coder in enumerate(review.coders):
            if coder not in self.layers:
                self._layer(coder, coder_color(k))
            self.layer_split.insertWidget(k, self.layers[coder])
        self.layer_split.insertWidget(len(review.coders), self.gold)
        self.layer_split.setSizes([1000] * (len(review.coders) + 1))
        text = review.document.text
        colors = {lab.name: lab.color for lab in s.codebook.labels}
        for name, layer in self.layers.items():
            layer.set_text(text)
            layer.view.set_document(text, review.annotations.get(name, []), s.codebook)
            layer.view.set_label_colors(colors)
        for k, coder in enumerate(review.coders):
            act = self.actions_.qaction(f"review.accept.{k + 1}")
            act.setText(f"Accept {coder}'s version")
            act.setToolTip(f"Accept {coder}'s version of the current unit ({k + 1})")
        for k in range(len(review.coders), MAX_CODER_KEYS):
            self.actions_.qaction(f"review.accept.{k + 1}").setText(f"Accept coder {k + 1}")
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
        review = self.session.review
        assert review is not None
        for k, coder in enumerate(review.coders):
            key = str(k + 1) if k < MAX_CODER_KEYS else ""
            self.layers[coder].set_heading(key, len(review.annotations.get(coder, [])))
        done = " · <span style='color:#2e7d4f'>done</span>" if review.gold_status == "done" else ""
        self.gold.set_heading("", len(review.gold), done)

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

    # --------------------------------------------------------------------- the current unit

    def _show_current(self) -> None:
        """Highlight the current unit in every layer and scroll them all to it."""
        review = self.session.review
        if review is None:
            return
        row = self.list.current()
        unit = row.unit if row is not None else None
        open_ranges = [
            (u.start, u.end)
            for u in review.units
            if u.differences and review.resolution(u) is None and u is not unit
        ]
        current = (unit.start, unit.end) if unit is not None else None
        for name, layer in self.layers.items():
            layer.mark(current, open_ranges)
            if unit is None or name == GOLD:
                continue
            span = unit.spans.get(name)
            layer.view.set_current(span.id if span is not None else None)
            layer.view.scroll_to_cp(unit.start)
        key = unit.key if unit is not None else None
        if unit is not None and key != self._shown_unit:
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

    def _coder_clicked(self, ann_id: int) -> None:
        review = self.session.review
        if review is None or ann_id < 0:
            return
        for unit in review.units:
            if any(a.id == ann_id for a in unit.spans.values()):
                if not self.list.select_matching(unit.key):
                    self.status.notice("The coders agree on this span.", False)
                return

    # ------------------------------------------------------------------------- adjudicating

    def _note_text(self) -> str:
        return self.note.text().strip()

    def _after_decision(self, pushed: bool, row_index: int) -> None:
        if pushed:
            self.note.clear()
            self.list.next_open(row_index)

    def accept_version(self, k: int) -> None:
        """Accept coder k's span of the current unit; a coder without one there means no span."""
        s = self.session
        row = self.list.current()
        if row is None or s.review is None or not 1 <= k <= len(s.coders):
            return
        coder = s.coders[k - 1]
        span = row.unit.spans.get(coder)
        if span is None:
            self.reject(because=f"{coder} marked nothing here")
            return
        resolution = row.resolution
        if resolution is not None and resolution.source == source_of(span):
            s.say(f"{coder}'s version is in gold already.")
            return
        i = self.list.current_index()
        command = cmd.AcceptVersion(
            s,
            s.review.document.id,
            row.unit.key,
            span.id,
            coder,
            self._note_text(),
            row.resolution,
        )
        self._after_decision(s.push(command), i)

    def reject(self, because: str = "") -> None:
        s = self.session
        row = self.list.current()
        if row is None or s.review is None:
            return
        i = self.list.current_index()
        note = self._note_text() or because
        command = cmd.Reject(s, s.review.document.id, row.unit.key, note, row.resolution)
        self._after_decision(s.push(command), i)

    def accept_agreed(self) -> None:
        s = self.session
        if s.review is None:
            return
        command = cmd.AcceptAgreed(s, s.review.document.id, s.review.coders, self._note_text())
        if s.push(command):
            self.note.clear()
            self.status.notice(command.text(), False)

    def toggle_done(self) -> None:
        s = self.session
        if s.review is None:
            return
        done = s.review.gold_status != "done"
        s.push(cmd.SetGoldStatus(s, s.review.document.id, done))
        self.actions_.refresh()

    # --------------------------------------------------------------------------- hand edits

    def _selected(self, start: int, end: int) -> None:
        if start < end:
            self._selection = (start, end)

    def add_gold(self) -> None:
        s = self.session
        start, end = self._selection
        if s.review is None:
            return
        if start >= end:
            s.fail("Select words in any layer first, then add them to gold.")
            return
        label = self.label_choice.currentText()
        command = cmd.AddGoldSpan(
            s, s.review.document.id, label, start, end, s.codebook.defaults(label)
        )
        if s.push(command):
            self._set_gold_current(command.annotation_id)

    def resize_gold(self) -> None:
        ann = self._gold_annotation()
        start, end = self._selection
        if ann is None or start >= end:
            return
        old = {"start": ann.start, "end": ann.end}
        new = {"start": start, "end": end}
        self.session.push(cmd.EditGoldSpan(self.session, ann.id, old, new, "Gold boundaries"))

    def delete_gold(self, ann_id: int | None = None) -> None:
        ann = self._gold_annotation(ann_id)
        if ann is not None:
            self.session.push(cmd.DeleteGoldSpan(self.session, ann.id, ann.label))

    def _attributes_edited(self, ann_id: int, values: dict[str, Any]) -> None:
        ann = self._gold_annotation(ann_id)
        if ann is None:
            return
        old = {"attributes": {k: ann.attributes.get(k) for k in values}}
        command = cmd.EditGoldSpan(
            self.session, ann_id, old, {"attributes": dict(values)}, "Gold attributes"
        )
        self.session.push(command)

    def _note_edited(self, ann_id: int, note: str) -> None:
        ann = self._gold_annotation(ann_id)
        if ann is not None and ann.note != note:
            command = cmd.EditGoldSpan(
                self.session, ann_id, {"note": ann.note}, {"note": note}, "Gold note"
            )
            self.session.push(command)

    def _gold_annotation(self, ann_id: int | None = None) -> Annotation | None:
        review = self.session.review
        wanted = self.gold_current if ann_id is None else ann_id
        if review is None or wanted is None:
            return None
        return next((a for a in review.gold if a.id == wanted), None)

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
            self.actions_.refresh()  # the digits change meaning (see _role_keys_live)

    def _show_form(self) -> None:
        ann = self._gold_annotation()
        review = self.session.review
        words = review.document.text[ann.start : ann.end] if ann and review else ""
        self.form.show_annotation(ann, words)

    # ---------------------------------------------------------------------------- agreement

    def _report(self, selection: Selection) -> dict[str, Any]:
        return agreement_report(agreement_input(self.session.project, selection))

    def _document_agreement(self) -> None:
        review = self.session.review
        if review is None:
            return
        selection = Selection(list(review.coders), [review.document.id], "this document")
        self.dashboard.document.show_report(self._report(selection))

    def compute_project_agreement(self) -> None:
        """Agreement of this document's coders over every document they all coded (on demand:
        it reads the whole project)."""
        review = self.session.review
        if review is None:
            return
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            selection = select_documents(self.session.project, list(review.coders))
            report = self._report(selection)
        except (ServiceError, ValueError) as exc:
            self.dashboard.project.show_report(None, str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.dashboard.project.show_report(report, selection.rule)
        self.dashboard.setCurrentWidget(self.dashboard.project)

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
        # The project belongs to whoever opened the window (the coding window shares it).
        app = QApplication.instance()
        if isinstance(app, QApplication) and self._watching_focus:
            app.focusChanged.disconnect(self._focus_moved)
            self._watching_focus = False
        super().closeEvent(event)


def open_review_window(
    project: Project, reviewer: str, parent: QWidget | None = None
) -> ReviewWindow:
    """Review mode on ``project`` for ``reviewer``: opens the first document still open.

    The caller keeps ownership of ``project`` (closing the window does not close it).
    """
    if reviewer.strip() in ("", GOLD):
        raise ServiceError(f"{reviewer!r} cannot review: name a reviewer other than {GOLD!r}")
    session = ReviewSession(project, reviewer.strip())
    window = ReviewWindow(session, parent)
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

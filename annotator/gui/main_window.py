"""The coding window: lays out the article and the panels and wires their signals. No logic
of its own beyond routing: coding rules live in ``coding.Coding``, state in ``Session``."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from annotator.store import queries
from annotator.store.engine import ProjectError
from annotator.store.project_file import default_project_path
from annotator.store.setup import create_demo, create_project

from .actions import ActionRegistry
from .coding import Coding
from .dialogs import ask_coder, ask_new_project, ask_open_project
from .docks import add_dock, add_panel_toggles
from .document_header import DocumentHeader
from .document_view import DocumentView
from .live import LiveCoding
from .panels.annotation_table import AnnotationTable
from .panels.attribute_form import AttributeForm
from .panels.codebook_help import CodebookHelp
from .panels.document_list import STATUS_COLOR, STATUS_TEXT, DocumentList
from .panels.event_panel import EventPanel
from .panels.find_bar import FindBar
from .panels.label_palette import LabelPalette
from .reference_fields import ReferenceFields
from .session import Session
from .settings import Preferences
from .status_bar import StatusBar
from .style import STYLE_SHEET
from .suggestions import Suggestions
from .window_actions import (
    ACTIONS,
    MAX_ROLE_KEYS,
    label_actions,
    recent_actions,
    role_actions,
)


class MainWindow(QMainWindow):
    def __init__(self, session: Session, prefs: Preferences) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setStyleSheet(STYLE_SHEET)
        self.session = session
        self.prefs = prefs
        self.coding = Coding(session, snap=prefs.snap_to_words)
        self.help: CodebookHelp | None = None
        self._header_shows: tuple[int, str] | None = None
        session.setParent(self)

        # ---- centre: find bar over the article
        self.view = DocumentView()
        self.suggestions = Suggestions(session, self.coding, self.view)
        self.view.setObjectName("documentView")
        self.view.show_arcs(prefs.show_arcs)
        self.view.show_tags(prefs.show_tags)
        self.find_bar = FindBar()
        self.doc_header = DocumentHeader()
        centre = QWidget()
        column = QVBoxLayout(centre)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.doc_header)
        column.addWidget(self.find_bar)
        column.addWidget(self.view, 1)
        self.setCentralWidget(centre)

        # ---- panels
        self.documents = DocumentList(session)
        self.label_palette = LabelPalette()
        self.form = AttributeForm()
        self.references = ReferenceFields(self.form, session)  # actor and place completion
        self.references.referenceChosen.connect(self.suggestions.after_reference)
        session.aboutToLeave.connect(self.form.commit_pending)
        self.event_panel = EventPanel(session)
        self.table = AnnotationTable(session)
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.docks = {
            "documents": self._dock("Documents", self.documents, left),
            "palette": self._dock("Codebook", self.label_palette, right),
            "attributes": self._dock("Attributes", self.form, right),
            "event": self._dock("Event Frame", self.event_panel, right),
            "annotations": self._dock(
                "Annotations", self.table, Qt.DockWidgetArea.BottomDockWidgetArea
            ),
        }
        self.setCorner(Qt.Corner.BottomLeftCorner, left)
        self.setCorner(Qt.Corner.BottomRightCorner, right)
        self.default_state = self.saveState()

        self.status = StatusBar(self)
        self.setStatusBar(self.status)

        # ---- actions → menus, toolbar
        self.actions_ = ActionRegistry(self, self.view, prefs.shortcuts)
        self.actions_.add(ACTIONS)
        self.toolbar = QToolBar("Main")
        self.toolbar.setObjectName("toolbar.main")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        self._wire()
        self.live = LiveCoding(session, self.documents)  # others' changes show without restart
        self._codebook_changed()
        self._recent_changed()
        self._restore_layout()

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        return add_dock(self, title, widget, area)

    # ------------------------------------------------------------------------------ wiring

    def _wire(self) -> None:
        s, v = self.session, self.view
        s.projectChanged.connect(self._codebook_changed)
        s.coderChanged.connect(self._update_titles)
        s.documentsChanged.connect(self.documents.reload)
        s.documentRowChanged.connect(self._row_changed)
        s.documentOpened.connect(self._document_opened)
        s.annotationUpserted.connect(self._upserted)
        s.annotationRemoved.connect(self._removed)
        s.linksChanged.connect(self._links_changed)
        s.currentChanged.connect(self._current_changed)
        s.activeEventChanged.connect(self._links_changed)
        s.linkModeChanged.connect(self._link_mode)
        s.notice.connect(self.status.notice)
        s.saved.connect(self.status.saved)
        s.undo_group.indexChanged.connect(lambda _i: self.actions_.refresh())
        self.suggestions.changed.connect(self.actions_.refresh)
        s.undo_group.activeStackChanged.connect(lambda _s: self.actions_.refresh())
        s.undo.name_actions(self.actions_.qaction("edit.undo"), self.actions_.qaction("edit.redo"))
        v.spanClicked.connect(self._span_clicked)
        v.contextMenuForSpans.connect(self._context_menu)
        v.zoomChanged.connect(self._zoomed)  # Ctrl+wheel in the article
        self.label_palette.labelChosen.connect(self.code_selection)
        self.form.attributesEdited.connect(self.coding.edit_attributes)
        self.form.noteEdited.connect(self.coding.edit_note)
        self.documents.documentChosen.connect(s.open_document)
        self.table.spanActivated.connect(self.jump_to)
        self.event_panel.spanActivated.connect(self.jump_to)
        self.event_panel.unlinkRequested.connect(self.coding.unlink)
        self.find_bar.hitsChanged.connect(v.set_search_hits)
        self.find_bar.hitChosen.connect(self._show_hit)
        self.find_bar.closed.connect(v.setFocus)
        self.form.leaveRequested.connect(v.setFocus)

    def _codebook_changed(self) -> None:
        cb = self.session.codebook
        self.label_palette.set_codebook(cb)
        self.form.set_codebook(cb)
        self.view.set_label_colors({lab.name: lab.color for lab in cb.labels})
        self.actions_.replace("label.", label_actions(cb))
        self.actions_.replace("link.", role_actions(cb))
        self._show_label_keys()
        self._rebuild_menus()
        self._show_mode()  # a new project: no relation waits, no event is selected
        if self.help is not None:
            self.help.close()
            self.help = None
        self._update_titles()

    def _rebuild_menus(self) -> None:
        self.actions_.build_menus(self.menuBar())
        add_panel_toggles(self.menuBar(), self.docks.values())
        self.actions_.build_toolbar(self.toolbar)
        self.actions_.refresh()

    def _recent_changed(self) -> None:
        self.actions_.replace("file.recent.", recent_actions(self.prefs.recent_projects))
        self._rebuild_menus()

    def _update_titles(self) -> None:
        s = self.session
        self.setWindowTitle(f"{s.project_label()} — Annotator")
        self.status.set_context(s.coder, s.project_label())

    # ----------------------------------------------------------------------- session → views

    def _document_opened(self, doc_id: int) -> None:
        s = self.session
        doc = s.document
        assert doc is not None
        self.view.set_document(doc.text, list(s.annotations.values()), s.codebook)
        self.view.set_role_fillers([])
        self.view.set_links(list(s.links.values()), s.active_event_id)
        self.view.zoom(self.prefs.zoom)
        self.table.model.reset()
        self.find_bar.set_text(doc.text)
        self.documents.set_current(doc_id)
        self._row_changed(doc_id)
        self.view.setFocus()

    def _row_changed(self, doc_id: int) -> None:
        self.documents.row_changed(doc_id)
        s = self.session
        if s.document is None or doc_id != s.document.id:
            return
        self.status.set_document_status(s.status, len(s.annotations))
        shown = (doc_id, s.status)
        if self._header_shows != shown:  # restyling is slow: only when the status changed
            self._header_shows = shown
            self._show_header()
            self._show_form()  # read-only while done
        self.actions_.refresh()

    def _show_header(self) -> None:
        s = self.session
        doc = s.document
        assert doc is not None
        meta = " · ".join(x for x in (doc.source, doc.published) if x)
        chip = STATUS_COLOR.get(s.status, "#999")
        self.doc_header.show_document(
            doc.title or doc.ext_id, meta, s.status, STATUS_TEXT[s.status], chip
        )

    def _upserted(self, ann_id: int) -> None:
        ann = self.session.annotations[ann_id]
        self.view.add_or_update(ann)
        self.table.model.upsert(ann_id)
        if ann_id == self.session.current_id:
            self._show_form()
        if ann_id == self.session.active_event_id or ann.label == "CASUALTY":
            self.event_panel.refresh()

    def _removed(self, ann_id: int) -> None:
        self.view.remove(ann_id)
        self.table.model.remove(ann_id)
        self.event_panel.refresh()

    def _links_changed(self, *_args: object) -> None:
        s = self.session
        event = s.active_event_id
        fillers = [k.to_id for k in s.links.values() if k.from_id == event] if event else []
        self.view.set_role_fillers(fillers)
        self.view.set_links(list(s.links.values()), event)
        self.event_panel.refresh()
        self.actions_.refresh()
        self._show_mode()

    def _current_changed(self, ann_id: int) -> None:
        self.view.set_current(None if ann_id < 0 else ann_id)
        self._show_form()
        if ann_id >= 0:
            self.table.select(ann_id)
        self.event_panel.refresh()
        self.actions_.refresh()

    def _show_form(self) -> None:
        s = self.session
        ann = s.annotations.get(s.current_id) if s.current_id is not None else None
        words = s.text_of(ann) if ann is not None else ""
        missing = s.missing.get(ann.id, ()) if ann is not None else ()
        locked = "Marked done: reopen it to edit (Ctrl+Shift+Enter)." if s.status == "done" else ""
        self.form.show_annotation(ann, words, missing, locked)

    def _link_mode(self, _relation: str) -> None:
        self.actions_.refresh()
        self._show_mode()

    def _show_mode(self) -> None:
        """The status bar names what the relation key, the role digits or the next selection
        will do, with the keys in force."""

        def key(action_id: str) -> str:
            keys = self.actions_.shortcuts(action_id) if action_id in self.actions_ else []
            return keys[0].toString() if keys else ""

        roles = [key(f"link.role{i + 1}") for i in range(MAX_ROLE_KEYS)]
        self.status.set_mode(self.coding.link_prompt(key("code.relation"), roles))

    # -------------------------------------------------------------------------- view → work

    def _span_clicked(self, ann_id: int) -> None:
        if ann_id >= 0 and self._pick_target(ann_id):
            return
        self.session.select(ann_id if ann_id >= 0 else None)

    def _pick_target(self, ann_id: int) -> bool:
        """With a relation waiting, the span selected (click, Tab, a panel) is its target; the
        relation is then picked from a small menu at it. False: no relation was waiting."""
        if self.session.link_mode is None:
            return False
        choices = self.coding.complete_link_mode(ann_id)
        if choices is None:
            return True
        from .context_menu import link_menu

        to = self.session.annotations[ann_id]
        self.view.select_cp(to.start, to.start)
        self.view.scroll_to_cp(to.start)
        entries = [
            (c.name, c.text, partial(self.coding.link, c.from_id, c.name, c.to_id)) for c in choices
        ]
        menu = link_menu(self, f"Link to {to.label} '{self.session.text_of(to)[:30]}'", entries)
        menu.popup(self.view.viewport().mapToGlobal(self.view.cursorRect().bottomLeft()))
        return True

    def start_relation(self) -> None:
        self.coding.start_relation()
        self.view.setFocus()

    def code_selection(self, label: str) -> None:
        start, end = self.view.selection_cp()
        if start == end and self.session.current_id is not None:
            self.coding.relabel(self.session.current_id, label)
            return
        if self.coding.create_span(label, start, end) is not None:
            end_cp = self.session.annotations[self.session.current_id].end  # type: ignore[index]
            self.view.select_cp(end_cp, end_cp)  # drop the selection, keep the place
        self.view.setFocus()

    def toggle_form_focus(self) -> None:
        """F2: into the selected span's attribute form; again (or Esc there): back."""
        if self.form.has_focus_inside():
            self.form.commit_pending()
            self.view.setFocus()
            return
        if not self.docks["attributes"].isVisible():
            self.docks["attributes"].show()
        if not self.form.focus_first():
            self.status.notice("Select a span to edit its attributes.", True)

    def delete_current(self) -> None:
        self.coding.delete(self.session.current_id)

    def cycle(self, step: int) -> None:
        """Tab / Shift+Tab: which span comes next is the coding layer's rule."""
        cursor = self.view.cursor_cp()
        target, covering = self.coding.cycle_target(self.view.annotations_at(cursor), cursor, step)
        if target is None or self._pick_target(target):
            return
        if covering:
            self.session.select(target)
        else:
            self.jump_to(target)

    def escape(self) -> None:
        if self.session.link_mode is not None:
            self.session.cancel_link_mode()
            self.status.notice("Relation cancelled: nothing linked.", False)
        else:
            self.session.select(None)

    def move_boundary(self, which: str, direction: int, by_word: bool) -> None:
        self.coding.move_boundary(which, direction, by_word)

    def link_role(self, index: int) -> None:
        start, end = self.view.selection_cp()
        under = [self.view.annotations_at(cp) for cp in (start, end, self.view.cursor_cp())]
        self.coding.link_role(index, self.coding.role_target(under))

    def jump_to(self, ann_id: int) -> None:
        ann = self.session.annotations.get(ann_id)
        if ann is None or self._pick_target(ann_id):
            return
        self.view.select_cp(ann.start, ann.start)
        self.view.scroll_to_cp(ann.start)
        self.session.select(ann_id)
        self.view.setFocus()

    def _show_hit(self, start: int, end: int) -> None:
        self.view.select_cp(start, end)
        self.view.scroll_to_cp(start)

    def _context_menu(self, ids: list[int], pos: QPoint) -> None:
        from .context_menu import span_menu

        menu = span_menu(self, self, ids)
        if menu is not None:
            menu.exec(pos)

    def mark_done(self) -> None:
        said = self.coding.finish(advance=self.prefs.advance_after_done)
        if said is None:  # refused: show the span that lacks a required field
            if self.session.current_id is not None:
                self.jump_to(self.session.current_id)
                self._show_form()
            return
        self.status.notice(said, False)

    def toggle_advance(self) -> None:
        self.prefs.advance_after_done = not self.prefs.advance_after_done
        self.actions_.refresh()

    def go_document(self, step: int) -> None:
        target = self.session.neighbour(step)
        if target is not None:
            self.session.open_document(target)

    def zoom(self, steps: int) -> None:
        self.prefs.zoom = 0 if steps == 0 else max(-8, min(20, self.prefs.zoom + steps))
        self.view.zoom(self.prefs.zoom)

    def _zoomed(self, level: int) -> None:
        self.prefs.zoom = level

    def toggle_snap(self) -> None:
        self.coding.snap = not self.coding.snap
        self.prefs.snap_to_words = self.coding.snap
        self.actions_.refresh()

    # ---------------------------------------------------------------------- project, coder

    def switch_project(self, path: str) -> bool:
        from .team_login import open_project

        try:
            if not self.session.switch_to(path, lambda target: open_project(target, self)):
                return False  # the password question was cancelled
        except ProjectError as exc:
            self.status.notice(str(exc), True)
            if path in self.prefs.recent_projects:
                self.prefs.forget_recent(path)
                self._recent_changed()
            return False
        self.prefs.add_recent(str(Path(path)))
        self._recent_changed()
        return True

    def open_project(self) -> None:
        path = ask_open_project(self)
        if path:
            self.switch_project(path)

    def new_project(self) -> None:
        path = ask_new_project(self)
        if not path:
            return
        try:
            create_project(path).close()
        except ProjectError as exc:
            self.status.notice(str(exc), True)
            return
        self.switch_project(path)

    def open_demo(self) -> None:
        path = default_project_path()
        if not path.exists():
            create_demo(path).close()
        self.switch_project(str(path))

    def switch_coder(self) -> None:
        from .team_login import team_identity

        login = team_identity(self.session.project)
        if login is not None:
            self.status.notice(f"On a team project you code as your login, {login}.", True)
            return
        known = queries.coders(self.session.project)
        name = ask_coder(known, self.session.coder, self)
        if name and name != self.session.coder:
            self.set_coder(name)

    def set_coder(self, name: str) -> None:
        self.prefs.coder = name
        self.session.switch_coder(name)
        self.status.notice(f"Now coding as {name}.", False)

    def export(self) -> None:
        from .export_dialog import ExportDialog

        dialog = ExportDialog(
            self.session.project,
            self.prefs.qsettings,
            self.session.document,
            self,
            layers=[self.session.coder],  # a coder's export is their own layer only
        )
        dialog.exported.connect(lambda text: self.status.notice(text, False))
        dialog.open()

    def open_review(self) -> None:
        """Review mode: the one view of several coders' work, for reviewers only."""
        from annotator.store import services

        from .review import open_review_window

        project, me = self.session.project, self.session.coder
        access, text = self.session.review_access()
        if access == "refused":
            self.status.notice(text, True)
            return
        if access == "confirm":
            answer = QMessageBox.question(self, "Review mode", text)
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            window = open_review_window(project, me, self, self.prefs)
        except services.ServiceError as exc:
            self.status.notice(str(exc), True)
            return
        window.show()

    # ------------------------------------------------------------------------------- help

    def show_codebook(self) -> None:
        if self.help is None:
            self.help = CodebookHelp(self.session.codebook, self)
        self.help.show()
        self.help.raise_()
        lab = self.session.label_of(self.session.current_id)
        if lab is not None:
            self.help.show_label(lab.name)

    def show_keys(self) -> None:
        """The shortcut editor: every action's keys, changeable, saved in the settings."""
        from .shortcuts_dialog import edit_shortcuts

        edit_shortcuts(self, self.actions_, self.prefs, self._keys_changed)

    def _keys_changed(self) -> None:
        self._show_label_keys()
        self._show_mode()  # it names the relation and role keys in force

    def _show_label_keys(self) -> None:
        """The palette shows each label's key in force (the user may have changed it)."""
        keys = {}
        for lab in self.session.codebook.labels:
            in_force = self.actions_.shortcuts(f"label.{lab.name}")
            keys[lab.name] = in_force[0].toString() if in_force else ""
        self.label_palette.show_keys(keys)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About Annotator",
            "<b>Annotator</b><br>Code conflict news into traceable event data.<br>"
            "Every change is saved the moment you make it.",
        )

    # ----------------------------------------------------------------------------- layout

    def _restore_layout(self) -> None:
        geometry, state = self.prefs.window_layout()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        if state is not None:
            self.restoreState(state)
        else:
            QTimer.singleShot(0, self._default_sizes)

    def _default_sizes(self) -> None:
        self.resizeDocks(
            [self.docks["documents"], self.docks["palette"]], [230, 340], Qt.Orientation.Horizontal
        )
        self.resizeDocks(
            [self.docks["palette"], self.docks["attributes"], self.docks["event"]],
            [128, 380, 320],
            Qt.Orientation.Vertical,
        )
        self.resizeDocks([self.docks["annotations"]], [180], Qt.Orientation.Vertical)

    def reset_layout(self) -> None:
        self.restoreState(self.default_state)
        for dock in self.docks.values():
            dock.show()
        self._default_sizes()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.prefs.save_window_layout(self.saveGeometry(), self.saveState())
        super().closeEvent(event)

"""The window the coder sees while the store loads, and its hand-over to the coding window.

``StartingWindow`` is the coding window's frame: its menus (disabled) and an article that says
what is being opened. When the project file can be read without the store
(``annotator.store.first_look``), ``show_look`` puts the document the coding window will open
into it, drawn as the coding window draws it (spans, tags, arcs, the coder's zoom): the coder
can read, scroll, select and copy at once. Any other key (a label key, a role digit, Ctrl+] ...)
is kept with the selection it was pressed on, and ``hand_over`` gives the coding window the
selection and plays those keys on the coding window's own actions, in order, once it shows:
nothing pressed is lost and nothing is coded before the store can check it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QPlainTextEdit

from .actions import MENU_ORDER
from .settings import Preferences
from .style import STYLE_SHEET

if TYPE_CHECKING:
    from annotator.store.first_look import FirstLook

    from .document_view import DocumentView
    from .main_window import MainWindow

Mod = Qt.KeyboardModifier
_NAVIGATION = {
    Qt.Key.Key_Left,
    Qt.Key.Key_Right,
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_Home,
    Qt.Key.Key_End,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}
_BARE_MODIFIERS = {
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_Meta,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_CapsLock,
}


@dataclass(frozen=True, slots=True)
class Pressed:
    """A key pressed on the first look, with the selection (anchor, cursor; code points)."""

    keys: QKeyCombination
    anchor: int
    cursor: int


def moves_only(event: QKeyEvent) -> bool:
    """Whether the first look handles ``event`` itself: moving, selecting, copying (plain or
    with Shift/Ctrl; Ctrl+PgUp/PgDown change the document, so they are kept for the window)."""
    key = Qt.Key(event.key())
    if key in _BARE_MODIFIERS:
        return True
    if event.matches(QKeySequence.StandardKey.Copy) or event.matches(
        QKeySequence.StandardKey.SelectAll
    ):
        return True
    mods = event.modifiers() & ~Mod.KeypadModifier
    if key not in _NAVIGATION or mods & ~(Mod.ShiftModifier | Mod.ControlModifier):
        return False
    return not (mods & Mod.ControlModifier and key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown))


class StartingWindow(QMainWindow):
    """The coding window's frame while the project opens, where the coding window will be:
    its menus (disabled) and an article that says what is being opened, then (``show_look``)
    the document the coding window will open."""

    def __init__(self, project_path: str | Path | None, prefs: Preferences) -> None:
        super().__init__()
        self.setObjectName("startingWindow")
        self.setStyleSheet(STYLE_SHEET)
        # Closed by `start` once the coding window shows or the start stops (which says how
        # the app ends): closing it never quits the app by itself. Closed by the coder before
        # then, it is ``abandoned``: the coding window is not shown (the start is cancelled).
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.abandoned = False
        self.finished = False
        self.prefs = prefs
        for top in MENU_ORDER:
            self.menuBar().addMenu(f"&{top}").setEnabled(False)
        name = Path(project_path).name if project_path and "://" not in str(project_path) else ""
        self.project_name = name
        self.article = QPlainTextEdit()
        self.article.setObjectName("startingArticle")
        self.article.setReadOnly(True)
        self.article.setEnabled(False)
        self.article.setPlaceholderText(f"Opening {name or 'the project'}…")
        self.setCentralWidget(self.article)
        self.look: FirstLook | None = None
        self.view: DocumentView | None = None
        self.pressed: list[Pressed] = []
        geometry, _state = prefs.window_layout()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1400, 900)

    def show_look(self, look: FirstLook) -> None:
        """Show ``look``'s document as the coding window will, readable and selectable."""
        from .document_view import DocumentView

        view = DocumentView()
        view.setObjectName("firstLook")
        self.setCentralWidget(view)  # the placeholder article goes
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the view at its width now: the text is laid out once
        view.show_arcs(self.prefs.show_arcs)
        view.show_tags(self.prefs.show_tags)
        view.set_label_colors({lab.name: lab.color for lab in look.codebook.labels})
        view.zoom(self.prefs.zoom)
        view.set_document(look.document.text, look.annotations, look.codebook)
        view.set_links(look.links)
        view.installEventFilter(self)
        self.article = view
        self.look, self.view = look, view
        title = look.document.title or look.document.ext_id
        self.setWindowTitle(f"{title} — {self.project_name or 'Annotator'} — Annotator")
        view.setFocus()

    def finish(self) -> None:
        """Close it: the coding window took its place, or the start stopped."""
        self.finished = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.finished:
            self.abandoned = True
        super().closeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if not moves_only(event):
                view = self.view
                start, end = view.selection_cp()
                cursor = view.cursor_cp()
                anchor = start if cursor == end else end
                self.pressed.append(Pressed(event.keyCombination(), anchor, cursor))
                return True  # kept for the coding window
        return super().eventFilter(watched, event)


def _sequences(keys: QKeyCombination) -> list[QKeySequence]:
    """The key as a shortcut, and without Shift for a symbol typed with it ("?" is Shift+/)."""
    out = [QKeySequence(keys)]
    key = keys.key()
    if keys.keyboardModifiers() & Mod.ShiftModifier and not Qt.Key.Key_A <= key <= Qt.Key.Key_Z:
        out.append(
            QKeySequence(QKeyCombination(keys.keyboardModifiers() & ~Mod.ShiftModifier, key))
        )
    return out


def hand_over(starting: StartingWindow, window: MainWindow) -> int:
    """Give ``window`` the first look's selection and play the keys pressed on it through the
    window's own actions (the coder's shortcuts), in order; returns how many ran. Only when the
    window opened the same coder's same document: otherwise nothing pressed is played."""
    look, view = starting.look, starting.view
    document = window.session.document
    if look is None or view is None or document is None:
        return 0
    if window.session.coder != look.coder or document.id != look.document.id:
        return 0
    start, end = view.selection_cp()
    cursor = view.cursor_cp()
    final = (start if cursor == end else end, cursor)
    window.view.setFocus()
    registry = window.actions_
    played = 0
    for press in starting.pressed:
        window.view.select_cp(press.anchor, press.cursor)
        wanted = _sequences(press.keys)
        for spec in registry.specs():
            if any(seq in wanted for seq in registry.shortcuts(spec.id)):
                if registry.qaction(spec.id).isEnabled():
                    registry.trigger(spec.id)
                    played += 1
                break
    last = starting.pressed[-1] if starting.pressed else None
    if last is None or (last.anchor, last.cursor) != final:  # the coder moved on after it
        window.view.select_cp(*final)
    window.view.scroll_to_cp(cursor)
    starting.pressed.clear()
    return played


__all__ = ["Pressed", "StartingWindow", "hand_over", "moves_only"]

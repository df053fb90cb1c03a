"""Actions as data (napari app-model style): module-level records → QActions, menus, toolbar,
shortcuts and the shortcut editor.

Each window declares its ``Action`` records once, at module level (``window_actions.ACTIONS``,
``review.actions.ACTIONS``); a record names what it runs as a function of the window, which the
``ActionRegistry`` injects when the action is triggered, and when it is possible as a declared
``Condition``. Actions that follow the codebook (label keys, role digits) or the recent projects
are records made from that data. The menu bar is generated from the registry, in ``MENU_ORDER``,
then in the order new menus first appear, Help last. Nothing else creates menu entries or shortcuts.
The user's own shortcuts (the shortcut editor, saved in settings) replace a record's defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QStyle, QToolBar, QWidget

MENU_ORDER = ("File", "Edit", "Code", "Link", "Document", "View", "Help")

Shortcut = str | QKeySequence.StandardKey


@dataclass(frozen=True, slots=True)
class Condition:
    """When an action is possible, declared once and named (the shortcut editor shows it)."""

    name: str
    test: Callable[[Any], bool]  # of the window

    def __call__(self, window: Any) -> bool:
        return bool(self.test(window))


@dataclass(frozen=True, slots=True)
class Action:
    """A user command: what it is called, how it is reached and when it is possible.

    ``run`` takes the window (injected when triggered). ``menu`` is a path ("Edit" or
    "Edit/Boundaries"); ``section`` groups entries of one menu between separators.
    ``scope="view"`` keys only fire while the article (or a widget inside it) has focus, so
    that single-letter label keys never steal typing from a form field.
    """

    id: str
    title: str
    run: Callable[[Any], object]
    menu: str = ""
    shortcuts: tuple[Shortcut, ...] = ()
    when: Condition | None = None
    checked: Condition | None = None  # makes the action checkable
    scope: str = "window"
    tip: str = ""
    section: str = ""
    toolbar: bool = False
    icon: str = ""  # name of a QStyle.StandardPixmap, e.g. "SP_ArrowForward"


def key_sequences(shortcuts: Iterable[Shortcut]) -> list[QKeySequence]:
    """Distinct, non-empty sequences (a standard key may equal an explicit one: Qt would call
    two equal bindings of one action ambiguous)."""
    keys: list[QKeySequence] = []
    for k in shortcuts:
        seq = QKeySequence(k)
        if not seq.isEmpty() and seq not in keys:
            keys.append(seq)
    return keys


class ActionRegistry(QObject):
    """Owns the QActions made from ``Action`` records and the menus generated from them."""

    def __init__(
        self, window: QWidget, view: QWidget, custom: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        super().__init__(window)
        self._window = window
        self._view = view
        self._specs: dict[str, Action] = {}
        self._qactions: dict[str, QAction] = {}
        self._custom: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in (custom or {}).items()}

    # --------------------------------------------------------------------------- declaring

    def add(self, actions: Iterable[Action]) -> None:
        for spec in actions:
            if spec.id in self._specs:
                raise ValueError(f"action {spec.id!r} declared twice")
            self._specs[spec.id] = spec
            self._qactions[spec.id] = self._make(spec)

    def replace(self, prefix: str, actions: Iterable[Action]) -> None:
        """Swap the actions whose id starts with ``prefix`` (labels of a new codebook...)."""
        for action_id in [i for i in self._specs if i.startswith(prefix)]:
            del self._specs[action_id]
            qa = self._qactions.pop(action_id)
            for w in qa.associatedObjects():
                if isinstance(w, QWidget):
                    w.removeAction(qa)
            qa.deleteLater()
        self.add(actions)

    def _make(self, spec: Action) -> QAction:
        qa = QAction(spec.title, self._window)
        qa.setObjectName(spec.id)
        keys = self.shortcuts(spec.id) if spec.id in self._custom else key_sequences(spec.shortcuts)
        if keys:
            qa.setShortcuts(keys)
        if spec.tip:
            qa.setToolTip(spec.tip)
            qa.setStatusTip(spec.tip)
        if spec.icon:
            pixmap = getattr(QStyle.StandardPixmap, spec.icon)
            qa.setIcon(self._window.style().standardIcon(pixmap))
        if spec.checked is not None:
            qa.setCheckable(True)
            qa.setChecked(spec.checked(self._window))
        qa.triggered.connect(lambda _checked=False, s=spec: s.run(self._window))
        if spec.scope == "view":
            qa.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self._view.addAction(qa)
        else:
            qa.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self._window.addAction(qa)
        return qa

    # ----------------------------------------------------------------------------- reading

    def __contains__(self, action_id: str) -> bool:
        return action_id in self._specs

    def qaction(self, action_id: str) -> QAction:
        return self._qactions[action_id]

    def spec(self, action_id: str) -> Action:
        return self._specs[action_id]

    def specs(self) -> Sequence[Action]:
        return list(self._specs.values())

    def defaults(self, action_id: str) -> list[QKeySequence]:
        return key_sequences(self._specs[action_id].shortcuts)

    def shortcuts(self, action_id: str) -> list[QKeySequence]:
        """The keys in force: the user's own if they set any, else the record's defaults."""
        if action_id in self._custom:
            return key_sequences(self._custom[action_id])
        return self.defaults(action_id)

    def set_custom(self, custom: Mapping[str, Sequence[str]]) -> None:
        """The user's shortcuts (action id → portable key texts); the others get defaults."""
        self._custom = {k: tuple(v) for k, v in custom.items()}
        for action_id, qa in self._qactions.items():
            qa.setShortcuts(self.shortcuts(action_id))

    def trigger(self, action_id: str) -> None:
        qa = self._qactions[action_id]
        if qa.isEnabled():
            qa.trigger()

    # ----------------------------------------------------------------------- menus, state

    def build_menus(self, menubar: QMenuBar) -> None:
        menubar.clear()
        tops: list[str] = []
        for spec in self._specs.values():
            top = spec.menu.split("/")[0]
            if top and top not in tops:
                tops.append(top)
        order = [m for m in MENU_ORDER if m in tops and m != "Help"]
        order += [m for m in tops if m not in MENU_ORDER] + (["Help"] if "Help" in tops else [])
        for top in order:
            menu = menubar.addMenu(f"&{top}")
            menu.setObjectName(f"menu.{top}")
            self._fill(menu, top)

    def _fill(self, menu: QMenu, path: str) -> None:
        submenus: dict[str, QMenu] = {}
        section: str | None = None
        for spec in self._specs.values():
            if spec.menu == path:
                if section is not None and spec.section != section:
                    menu.addSeparator()
                section = spec.section
                menu.addAction(self._qactions[spec.id])
            elif spec.menu.startswith(path + "/"):
                name = spec.menu[len(path) + 1 :].split("/")[0]
                if name not in submenus:
                    if section is not None and spec.section != section:
                        menu.addSeparator()
                    section = spec.section
                    sub = menu.addMenu(name)
                    sub.setObjectName(f"menu.{path}/{name}")
                    submenus[name] = sub
                    self._fill(sub, f"{path}/{name}")

    def build_toolbar(self, toolbar: QToolBar) -> None:
        toolbar.clear()
        section: str | None = None
        for spec in self._specs.values():
            if not spec.toolbar:
                continue
            if section is not None and spec.menu != section:
                toolbar.addSeparator()
            section = spec.menu
            toolbar.addAction(self._qactions[spec.id])

    def refresh(self) -> None:
        """Re-evaluate every action's enablement and check state."""
        for action_id, spec in self._specs.items():
            qa = self._qactions[action_id]
            if spec.when is not None:
                qa.setEnabled(spec.when(self._window))
            if spec.checked is not None:
                qa.setChecked(spec.checked(self._window))

"""Help → Keyboard Shortcuts: every declared action with its keys, and the user's own keys.

Read from the window's action records (``ActionRegistry``), so it lists exactly what the menus
and keys do. A key already bound to another action is refused, naming that action (Qt would
call a key bound twice ambiguous and run neither). OK saves the changes in the settings and
applies them at once; Cancel leaves everything as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .actions import ActionRegistry
from .settings import Preferences

NATIVE = QKeySequence.SequenceFormat.NativeText
PORTABLE = QKeySequence.SequenceFormat.PortableText


def shown(keys: list[QKeySequence]) -> str:
    return ", ".join(k.toString(NATIVE) for k in keys)


class ShortcutsDialog(QDialog):
    def __init__(
        self,
        registry: ActionRegistry,
        save: Callable[[dict[str, list[str]]], None],
        custom: dict[str, list[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard Shortcuts")
        self.registry = registry
        self._save = save
        # the keys in force, edited here: action id → sequences
        self.keys = {spec.id: registry.shortcuts(spec.id) for spec in registry.specs()}
        self._custom_ids = set(custom)
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcutTable")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Action", "Keys", "Possible when"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.items: dict[str, QTreeWidgetItem] = {}
        for spec in registry.specs():
            where = spec.menu.replace("/", " › ")
            title = spec.title.replace("&", "")
            item = QTreeWidgetItem([f"{where} › {title}" if where else title, "", ""])
            item.setData(0, Qt.ItemDataRole.UserRole, spec.id)
            item.setText(2, spec.when.name if spec.when is not None else "")
            if spec.tip:
                item.setToolTip(0, spec.tip)
            self.tree.addTopLevelItem(item)
            self.items[spec.id] = item
            self._show(spec.id)

        self.editor = QKeySequenceEdit()
        self.editor.setObjectName("shortcutEditor")
        self.editor.setMaximumSequenceLength(1)
        self.editor.setToolTip("Press the new key here, then Assign")
        assign = QPushButton("&Assign")
        assign.setObjectName("assignShortcut")
        add = QPushButton("Add as &second key")
        add.setObjectName("addShortcut")
        none = QPushButton("&No key")
        none.setObjectName("clearShortcut")
        default = QPushButton("&Default")
        default.setObjectName("defaultShortcut")
        reset = QPushButton("Reset &all")
        reset.setObjectName("resetShortcuts")
        self.message = QLabel()
        self.message.setObjectName("shortcutMessage")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("New key:"))
        row.addWidget(self.editor, 1)
        for b in (assign, add, none, default, reset):
            row.addWidget(b)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        assign.clicked.connect(lambda: self._set_key(replace=True))
        add.clicked.connect(lambda: self._set_key(replace=False))
        none.clicked.connect(self._no_key)
        default.clicked.connect(self._default)
        reset.clicked.connect(self._reset_all)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self.resize(760, 560)

    # -------------------------------------------------------------------------------- editing

    def current_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, action_id: str) -> None:
        self.tree.setCurrentItem(self.items[action_id])

    def _show(self, action_id: str) -> None:
        item = self.items[action_id]
        item.setText(1, shown(self.keys[action_id]))
        changed = self.keys[action_id] != self.registry.defaults(action_id)
        font = item.font(1)
        font.setBold(changed)  # the user's own keys stand out
        item.setFont(1, font)

    def _tell(self, text: str, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b3261e;" if error else "color: #2e7d4f;")

    def owner_of(self, key: QKeySequence, other_than: str) -> str | None:
        for action_id, keys in self.keys.items():
            if action_id != other_than and key in keys:
                return action_id
        return None

    def _set_key(self, *, replace: bool) -> None:
        action_id = self.current_id()
        key = self.editor.keySequence()
        if action_id is None or key.isEmpty():
            self._tell("Choose an action, press the new key, then Assign.", True)
            return
        owner = self.owner_of(key, action_id)
        if owner is not None:
            title = self.registry.spec(owner).title.replace("&", "")
            self._tell(
                f"{key.toString(NATIVE)} is already the key of “{title}”: give that action "
                "another key (or none) first.",
                True,
            )
            return
        keys = [key] if replace else [*self.keys[action_id], key]
        self.keys[action_id] = list(dict.fromkeys(keys))
        self._show(action_id)
        self.editor.clear()
        self._tell(f"{key.toString(NATIVE)}: {self.items[action_id].text(0)}", False)

    def _no_key(self) -> None:
        action_id = self.current_id()
        if action_id is not None:
            self.keys[action_id] = []
            self._show(action_id)

    def _default(self) -> None:
        action_id = self.current_id()
        if action_id is None:
            return
        defaults = self.registry.defaults(action_id)
        for key in defaults:
            owner = self.owner_of(key, action_id)
            if owner is not None:
                title = self.registry.spec(owner).title.replace("&", "")
                self._tell(f"{key.toString(NATIVE)} is now the key of “{title}”.", True)
                return
        self.keys[action_id] = defaults
        self._show(action_id)

    def _reset_all(self) -> None:
        for action_id in self.keys:
            self.keys[action_id] = self.registry.defaults(action_id)
            self._show(action_id)
        self._tell("Every action has its default keys again.", False)

    def custom(self) -> dict[str, list[str]]:
        """The keys that differ from the defaults, in portable text for the settings."""
        return {
            action_id: [k.toString(PORTABLE) for k in keys]
            for action_id, keys in self.keys.items()
            if keys != self.registry.defaults(action_id)
        }

    def accept(self) -> None:
        custom = self.custom()
        self.registry.set_custom(custom)
        self._save(custom)
        super().accept()


def edit_shortcuts(
    parent: QWidget,
    registry: ActionRegistry,
    prefs: Preferences | None,
    saved: Callable[[], None] | None = None,
) -> ShortcutsDialog:
    """Open the editor on ``registry``; OK saves its keys in ``prefs`` (the other window's
    keys, saved under their own ids, are kept) and calls ``saved``."""
    stored = prefs.shortcuts if prefs is not None else {}
    own = {i: keys for i, keys in stored.items() if i in registry}

    def save(custom: dict[str, list[str]]) -> None:
        if prefs is not None:
            others = {i: keys for i, keys in prefs.shortcuts.items() if i not in registry}
            prefs.shortcuts = {**others, **custom}
        if saved is not None:
            saved()

    dialog = ShortcutsDialog(registry, save, own, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

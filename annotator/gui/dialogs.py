"""Who is coding, and which project: the small dialogs of the coding window."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from annotator.core.records import GOLD
from annotator.store.services import ServiceError, valid_coder_name

PROJECT_FILTER = "Annotator projects (*.annot);;SQLite databases (*.sqlite *.db);;All files (*)"


def coder_problem(name: str) -> str | None:
    """Why ``name`` cannot be a coder's name in the coding window (None when it can)."""
    try:
        name = valid_coder_name(name)
    except ServiceError as exc:
        return str(exc)
    if name.casefold() == GOLD:
        return f"'{GOLD}' is reserved for the adjudicated layer of review mode"
    return None


class CoderDialog(QDialog):
    """Asks the coder's name; known coders are offered, 'gold' is refused."""

    def __init__(
        self, known: Sequence[str], current: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("coderDialog")
        self.setWindowTitle("Who is coding?")
        self.name = QComboBox()
        self.name.setObjectName("coderName")
        self.name.setEditable(True)
        self.name.addItems([k for k in known if k != GOLD])
        self.name.setCurrentText(current)
        edit = self.name.lineEdit()  # exists: the combo box was made editable above
        if edit is not None:
            edit.setPlaceholderText("your name or initials")
        self.problem = QLabel()
        self.problem.setObjectName("coderProblem")
        self.problem.setStyleSheet("color: #c0392b")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Your annotations are kept under this name. You only ever see your own work, "
            "so that coders stay blind to each other."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.name)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.name.editTextChanged.connect(self._check)
        self._check(current)
        self.resize(380, self.sizeHint().height())

    def _check(self, text: str) -> None:
        problem = coder_problem(text) if text.strip() else ""
        self.problem.setText(problem or "")
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(text.strip()) and not problem)

    def accept(self) -> None:
        if coder_problem(self.coder()) is None:
            super().accept()

    def coder(self) -> str:
        return self.name.currentText().strip()


def ask_coder(known: Sequence[str], current: str = "", parent: QWidget | None = None) -> str:
    """The chosen coder name, or "" if the coder cancelled."""
    dialog = CoderDialog(known, current, parent)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    return dialog.coder() if dialog.exec() == QDialog.DialogCode.Accepted else ""


def ask_open_project(parent: QWidget | None, start: str = "") -> str:
    path, _ = QFileDialog.getOpenFileName(parent, "Open project", start, PROJECT_FILTER)
    return path


def ask_new_project(parent: QWidget | None, start: str = "") -> str:
    path, _ = QFileDialog.getSaveFileName(
        parent, "New project", str(Path(start) / "project.annot") if start else "", PROJECT_FILTER
    )
    if path and not Path(path).suffix:
        path += ".annot"
    return path

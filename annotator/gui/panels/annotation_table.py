"""This document's spans as a sortable table; a click jumps to the span in the text.

The model follows the session incrementally: one row inserted, changed or removed per change.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from annotator.core.codebook import Label
from annotator.core.records import Annotation

from ..session import Session

COLUMNS = ("Label", "Text", "Start", "End", "Attributes")
Index = QModelIndex | QPersistentModelIndex


def in_codebook_order(annotation: Annotation, label: Label | None) -> list[tuple[str, Any]]:
    """The span's attributes in the order its label declares them (unknown ones last), not
    in the order they happened to be filled."""
    attrs = annotation.attributes
    declared = [a.name for a in label.attributes] if label is not None else []
    names = [n for n in declared if n in attrs] + [n for n in attrs if n not in declared]
    return [(n, attrs[n]) for n in names]


def summary(annotation: Annotation, label: Label | None = None) -> str:
    """The few attribute values worth seeing in a list, in codebook order."""
    values = [
        _shown(k, v)
        for k, v in in_codebook_order(annotation, label)
        if v not in (None, "", []) and k not in ("low", "high", "vague_term", "end")
    ]
    note = " ✎" if annotation.note else ""
    return " · ".join(values[:5]) + note


def _shown(name: str, value: object) -> str:
    if isinstance(value, bool):  # a bare True says nothing: name the field
        return name.replace("_", " ") if value else f"not {name.replace('_', ' ')}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value).replace("_", " ")


class AnnotationModel(QAbstractTableModel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.ids: list[int] = []

    def reset(self) -> None:
        self.beginResetModel()
        self.ids = sorted(self.session.annotations, key=self._key)
        self.endResetModel()

    def _key(self, annotation_id: int) -> tuple[int, int, int]:
        a = self.session.annotations[annotation_id]
        return (a.start, a.end, a.id)

    def upsert(self, annotation_id: int) -> None:
        """Rows stay in text order (the table's unsorted order), so a new one goes in place."""
        if annotation_id in self.ids:
            row = self.ids.index(annotation_id)
            if self._in_order(row):
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                return
            self.remove(annotation_id)  # a boundary moved it past a neighbour
        row = bisect_left(self.ids, self._key(annotation_id), key=self._key)
        self.beginInsertRows(QModelIndex(), row, row)
        self.ids.insert(row, annotation_id)
        self.endInsertRows()

    def _in_order(self, row: int) -> bool:
        key = self._key(self.ids[row])
        before = row == 0 or self._key(self.ids[row - 1]) <= key
        after = row + 1 >= len(self.ids) or key <= self._key(self.ids[row + 1])
        return before and after

    def remove(self, annotation_id: int) -> None:
        if annotation_id not in self.ids:
            return
        row = self.ids.index(annotation_id)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.ids[row]
        self.endRemoveRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        ann = self.session.annotations.get(self.ids[index.row()])
        if ann is None:
            return None
        col = index.column()
        lab = self.session.codebook.label(ann.label)
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                ann.label,
                self.session.text_of(ann).replace("\n", " "),
                ann.start,
                ann.end,
                summary(ann, lab),
            )[col]
        if role == Qt.ItemDataRole.UserRole:  # sort key
            text = self.session.text_of(ann).lower()
            return (ann.label, text, ann.start, ann.end, summary(ann, lab))[col]
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return QColor(lab.color) if lab else None
        if role == Qt.ItemDataRole.ToolTipRole and col == 4:
            return "\n".join(f"{k}: {v}" for k, v in in_codebook_order(ann, lab)) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class AnnotationTable(QWidget):
    spanActivated = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = AnnotationModel(session)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.view = QTableView()
        self.view.setObjectName("annotationTable")
        self.view.setModel(self.proxy)
        header = self.view.horizontalHeader()
        # Unsorted is text order (kept by the model): no sorting of 10,000 rows on every open.
        # A third click on a header returns to it.
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((96, 200, 56, 56)):
            header.resizeSection(col, width)
        self.view.clicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def _clicked(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        self.spanActivated.emit(self.model.ids[source.row()])

    def select(self, annotation_id: int) -> None:
        selection = self.view.selectionModel()
        if annotation_id not in self.model.ids:
            selection.clearSelection()
            return
        source = self.model.index(self.model.ids.index(annotation_id), 0)
        index = self.proxy.mapFromSource(source)
        selection.select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)

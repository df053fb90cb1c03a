"""This document's spans as a sortable table; a click jumps to the span in the text.

The model follows the session incrementally: one row inserted, changed or removed per change
(never a reset but on opening a document). A row's cells are worked out once and kept until its
span changes: a repaint asks for them many times.
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
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
SORT = int(Qt.ItemDataRole.UserRole)
DECORATION = int(Qt.ItemDataRole.DecorationRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
ANSWERED = frozenset((DISPLAY, SORT, DECORATION, TOOLTIP, ALIGNMENT))
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


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


def _key(annotation: Annotation) -> tuple[int, int, int]:
    return (annotation.start, annotation.end, annotation.id)


class _Row:
    """One span's cells as the table shows them, and their sort keys."""

    __slots__ = ("annotation", "color", "display", "sort", "tooltip")

    def __init__(self, annotation: Annotation, label: Label | None, words: str) -> None:
        self.annotation = annotation
        attrs = summary(annotation, label)
        self.display = (
            annotation.label,
            words.replace("\n", " "),
            annotation.start,
            annotation.end,
            attrs,
        )
        self.sort = (annotation.label, words.lower(), annotation.start, annotation.end, attrs)
        self.color = QColor(label.color) if label is not None else None
        shown = "\n".join(f"{k}: {v}" for k, v in in_codebook_order(annotation, label))
        self.tooltip = shown or None


class AnnotationModel(QAbstractTableModel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.ids: list[int] = []  # in text order: by _key
        self._keys: dict[int, tuple[int, int, int]] = {}  # the key each row was placed by
        self._rows: dict[int, _Row] = {}

    def reset(self) -> None:
        self.beginResetModel()
        self._keys = {i: _key(a) for i, a in self.session.annotations.items()}
        self.ids = sorted(self._keys, key=self._keys.__getitem__)
        self._rows.clear()
        self.endResetModel()

    def row_of(self, annotation_id: int) -> int | None:
        """The span's row (text order), found by its key as the table holds it: O(log n)."""
        key = self._keys.get(annotation_id)
        if key is None:
            return None
        row = bisect_left(self.ids, key, key=self._keys.__getitem__)
        return row if row < len(self.ids) and self.ids[row] == annotation_id else None

    def upsert(self, annotation_id: int) -> None:
        """Rows stay in text order (the table's unsorted order), so a new one goes in place."""
        self._rows.pop(annotation_id, None)
        key = _key(self.session.annotations[annotation_id])
        row = self.row_of(annotation_id)
        if row is not None:
            ids, keys = self.ids, self._keys
            before = row == 0 or keys[ids[row - 1]] <= key
            after = row + 1 >= len(ids) or key <= keys[ids[row + 1]]
            if before and after:  # still in its place (a boundary may have moved a little)
                keys[annotation_id] = key
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                return
            self.remove(annotation_id)  # a boundary moved it past a neighbour
        row = bisect_left(self.ids, key, key=self._keys.__getitem__)
        self.beginInsertRows(QModelIndex(), row, row)
        self._keys[annotation_id] = key
        self.ids.insert(row, annotation_id)
        self.endInsertRows()

    def remove(self, annotation_id: int) -> None:
        self._rows.pop(annotation_id, None)
        row = self.row_of(annotation_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.ids[row]
        del self._keys[annotation_id]
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
        if role not in ANSWERED:
            return None
        row = self._row(self.ids[index.row()])
        if row is None:
            return None
        col = index.column()
        if role == DISPLAY:
            return row.display[col]
        if role == SORT:
            return row.sort[col]
        if role == DECORATION:
            return row.color if col == 0 else None
        if role == TOOLTIP:
            return row.tooltip if col == 4 else None
        return RIGHT if col in (2, 3) else None  # alignment

    def _row(self, annotation_id: int) -> _Row | None:
        ann = self.session.annotations.get(annotation_id)
        if ann is None:
            return None
        row = self._rows.get(annotation_id)
        if row is None or row.annotation is not ann:
            row = _Row(ann, self.session.codebook.label(ann.label), self.session.text_of(ann))
            self._rows[annotation_id] = row
        return row


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
        row = self.model.row_of(annotation_id)
        if row is None:
            selection.clearSelection()
            return
        source = self.model.index(row, 0)
        index = self.proxy.mapFromSource(source)
        selection.select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)

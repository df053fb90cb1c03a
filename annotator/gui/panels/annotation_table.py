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
DECORATION = int(Qt.ItemDataRole.DecorationRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
ANSWERED = frozenset((DISPLAY, DECORATION, TOOLTIP, ALIGNMENT))
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
    """One span's cells as the table shows them, and the values a column sorts by."""

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


class _Descending:
    """A sort value compared the other way round (a descending column)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Descending) -> bool:
        return bool(other.value < self.value)

    def __le__(self, other: _Descending) -> bool:
        return bool(other.value <= self.value)


class AnnotationModel(QAbstractTableModel):
    """Rows in text order, or sorted by a column (a header click): the model sorts itself and
    keeps a new or changed row in its place, so the table needs no proxy in between."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.ids: list[int] = []  # in the shown order: by _placed
        self._placed: dict[int, Any] = {}  # the key each row was put in its place by
        self._rows: dict[int, _Row] = {}
        self._column = -1  # sorted by; -1: text order
        self._order = Qt.SortOrder.AscendingOrder

    def reset(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self._placed = {i: self._place_key(i) for i in self.session.annotations}
        self.ids = sorted(self._placed, key=self._placed.__getitem__)
        self.endResetModel()

    def _place_key(self, annotation_id: int) -> Any:
        text_order = _key(self.session.annotations[annotation_id])
        if self._column < 0:
            return text_order
        row = self._row(annotation_id)
        assert row is not None
        value = row.sort[self._column]
        if self._order == Qt.SortOrder.DescendingOrder:
            return (_Descending(value), text_order)
        return (value, text_order)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: by that column (equal values in text order); -1: text order."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_ids = [self.ids[i.row()] for i in old]
        self._column, self._order = (column if column < len(COLUMNS) else -1), order
        self._placed = {i: self._place_key(i) for i in self.ids}
        self.ids.sort(key=self._placed.__getitem__)
        rows = {annotation_id: row for row, annotation_id in enumerate(self.ids)}
        self.changePersistentIndexList(
            old,
            [self.index(rows[i], index.column()) for i, index in zip(old_ids, old, strict=True)],
        )
        self.layoutChanged.emit()

    def row_of(self, annotation_id: int) -> int | None:
        """The span's row, found by the key it was placed by: O(log n)."""
        key = self._placed.get(annotation_id)
        if key is None:
            return None
        row = bisect_left(self.ids, key, key=self._placed.__getitem__)
        return row if row < len(self.ids) and self.ids[row] == annotation_id else None

    def upsert(self, annotation_id: int) -> None:
        """A new row goes in its place; a changed one stays unless it must move."""
        self._rows.pop(annotation_id, None)
        key = self._place_key(annotation_id)
        row = self.row_of(annotation_id)
        if row is not None:
            ids, placed = self.ids, self._placed
            before = row == 0 or placed[ids[row - 1]] <= key
            after = row + 1 >= len(ids) or key <= placed[ids[row + 1]]
            if before and after:  # still in its place (a boundary may have moved a little)
                placed[annotation_id] = key
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                return
            self.remove(annotation_id)  # it must move past a neighbour
        row = bisect_left(self.ids, key, key=self._placed.__getitem__)
        self.beginInsertRows(QModelIndex(), row, row)
        self._placed[annotation_id] = key
        self.ids.insert(row, annotation_id)
        self.endInsertRows()

    def remove(self, annotation_id: int) -> None:
        self._rows.pop(annotation_id, None)
        row = self.row_of(annotation_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.ids[row]
        del self._placed[annotation_id]
        self.endRemoveRows()

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """As the base class does, without asking rowCount and columnCount (a repaint asks
        for hundreds of indexes)."""
        if 0 <= row < len(self.ids) and 0 <= column < len(COLUMNS) and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

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
        self.view = QTableView()
        self.view.setObjectName("annotationTable")
        self.view.setModel(self.model)
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
        self.spanActivated.emit(self.model.ids[index.row()])

    def select(self, annotation_id: int) -> None:
        selection = self.view.selectionModel()
        row = self.model.row_of(annotation_id)
        if row is None:
            selection.clearSelection()
            return
        index = self.model.index(row, 0)
        selection.select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)

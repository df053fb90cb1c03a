"""The project's documents with this coder's status and span count; search and status filter."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..session import Session

# "stale": gold marked done before a coder changed their work; it needs a reviewer again.
STATUS_TEXT = {
    "not_started": "not started",
    "in_progress": "in progress",
    "done": "done",
    "stale": "stale",
}
STATUS_COLOR = {
    "not_started": "#b0b0b0",
    "in_progress": "#f0a202",
    "done": "#3a9d5d",
    "stale": "#c0392b",
}
Index = QModelIndex | QPersistentModelIndex


def status_icon(status: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor(STATUS_COLOR.get(status, "#b0b0b0"))
    rect = QRectF(1.5, 1.5, size - 3, size - 3)
    if status == "not_started":
        p.setPen(QPen(color, 1.4))
        p.drawEllipse(rect)
    elif status in ("in_progress", "stale"):
        p.setPen(QPen(color, 1.4))
        p.drawEllipse(rect)
        p.setBrush(color)
        p.drawPie(rect, 90 * 16, 180 * 16)
    else:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawEllipse(rect)
        p.setPen(QPen(QColor("white"), 1.6))
        p.drawPolyline([rect.center() + d for d in _tick(size)])
    p.end()
    return QIcon(pixmap)


def _tick(size: int) -> list[Any]:
    from PySide6.QtCore import QPointF

    k = size / 12
    return [QPointF(-2.6 * k, 0.2 * k), QPointF(-0.6 * k, 2.2 * k), QPointF(2.8 * k, -1.8 * k)]


class DocumentModel(QAbstractTableModel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.ids: list[int] = []
        self.current: int | None = None
        self._icons = {s: status_icon(s) for s in STATUS_TEXT}

    def reset(self) -> None:
        self.beginResetModel()
        self.ids = list(self.session.summaries)
        self.endResetModel()

    def row_changed(self, document_id: int) -> None:
        if document_id in self.ids:
            row = self.ids.index(document_id)
            self.dataChanged.emit(self.index(row, 0), self.index(row, 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Document", "Spans")[section]
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        doc = self.session.summaries.get(self.ids[index.row()])
        if doc is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return doc.title if col == 0 else (doc.n_annotations or "")
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return self._icons.get(doc.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{doc.title}\n{doc.ext_id} · {doc.length:,} characters · {STATUS_TEXT[doc.status]}"
            )
        if role == Qt.ItemDataRole.UserRole:
            return doc.status
        if role == Qt.ItemDataRole.FontRole and doc.id == self.current:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DocumentFilter(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.status = ""
        self.words = ""

    def set_filter(self, words: str, status: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9; invalidateRowsFilter is deprecated
            self.beginFilterChange()
            self.words, self.status = words.casefold().strip(), status
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self.words, self.status = words.casefold().strip(), status
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        model = self.sourceModel()
        index = model.index(row, 0, parent)
        if self.status and model.data(index, Qt.ItemDataRole.UserRole) != self.status:
            return False
        if self.words:
            title = str(model.data(index, Qt.ItemDataRole.DisplayRole) or "").casefold()
            return self.words in title
        return True


class DocumentList(QWidget):
    documentChosen = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = DocumentModel(session)
        self.proxy = DocumentFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setObjectName("documentSearch")
        self.search.setPlaceholderText("Filter by title…")
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.setObjectName("documentStatusFilter")
        self.status.addItem("All", "")
        for key, text in STATUS_TEXT.items():
            self.status.addItem(self.model._icons[key], text.capitalize(), key)
        self.view = QTableView()
        self.view.setObjectName("documentTable")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.progress = QLabel()
        self.progress.setObjectName("progress")
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.progress)
        self.search.textChanged.connect(self._filter)
        self.status.currentIndexChanged.connect(self._filter)
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._clicked)

    def _filter(self) -> None:
        self.proxy.set_filter(self.search.text(), str(self.status.currentData() or ""))

    def _clicked(self, index: QModelIndex) -> None:
        doc_id = self.model.ids[self.proxy.mapToSource(index).row()]
        if self.session.document is None or doc_id != self.session.document.id:
            self.documentChosen.emit(doc_id)

    def reload(self) -> None:
        self.model.reset()
        self._progress()

    def row_changed(self, document_id: int) -> None:
        self.model.row_changed(document_id)
        self._progress()

    def set_current(self, document_id: int) -> None:
        old = self.model.current
        self.model.current = document_id
        for doc in (old, document_id):
            if doc is not None:
                self.model.row_changed(doc)
        if document_id in self.model.ids:
            index = self.proxy.mapFromSource(self.model.index(self.model.ids.index(document_id), 0))
            self.view.selectionModel().select(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.view.scrollTo(index)

    def _progress(self) -> None:
        statuses = [s.status for s in self.session.summaries.values()]
        done = statuses.count("done")
        self.progress.setText(f"{done} of {len(statuses)} done")

"""The coder's documents (their queue, or every document of a solo project) with their status
and span count, read a page at a time; search and status filter run in SQL."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QIdentityProxyModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    Qt,
    QTimer,
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

from ..document_pages import DocumentPages
from ..session import Session

SEARCH_DELAY_MS = 250

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
    """The rows of a ``DocumentPages`` (the session's list, or a filtered one), read a page at a
    time as the view scrolls (``canFetchMore`` / ``fetchMore``)."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.source: DocumentPages = session.summaries
        self.source.listener = self
        self.current: int | None = None
        self._icons = {s: status_icon(s) for s in STATUS_TEXT}

    @property
    def ids(self) -> list[int]:
        """The document ids listed so far, in list order."""
        return list(self.source)

    def set_source(self, source: DocumentPages) -> None:
        self.beginResetModel()
        if self.source.listener is self:
            self.source.listener = None
        self.source = source
        source.listener = self
        self.endResetModel()

    def reset(self) -> None:
        self.set_source(self.session.summaries)

    def rows_about_to_be_added(self, first: int, count: int) -> None:
        self.beginInsertRows(QModelIndex(), first, first + count - 1)

    def rows_added(self) -> None:
        self.endInsertRows()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.source.can_fetch_more()

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self.source.fetch_more()

    def row_of(self, document_id: int) -> int | None:
        return self.source.position(document_id) if document_id in self.source else None

    def row_changed(self, document_id: int) -> None:
        if self.source is not self.session.summaries:  # a filtered list: take the new row
            fresh = self.session.summaries.get(document_id)
            if fresh is not None and document_id in self.source:
                self.source[document_id] = fresh
        row = self.row_of(document_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.source)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Document", "Spans")[section]
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        if not 0 <= index.row() < len(self.source):
            return None
        doc = self.source.at(index.row())
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


class DocumentList(QWidget):
    documentChosen = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = DocumentModel(session)
        # search and status filter are done in SQL (a new DocumentPages), not over rows read
        self.proxy = QIdentityProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self._typing = QTimer(self)  # search once typing pauses, not at every key
        self._typing.setSingleShot(True)
        self._typing.setInterval(SEARCH_DELAY_MS)
        self._typing.timeout.connect(self._filter)
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
        self.search.textChanged.connect(lambda _text: self._typing.start())
        self.status.currentIndexChanged.connect(self._filter)
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._clicked)

    def _filter(self) -> None:
        self._typing.stop()
        words, status = self.search.text().strip(), str(self.status.currentData() or "")
        s = self.session
        if words or status:
            self.model.set_source(
                DocumentPages(s.project, s.coder, words=words, status=status).load()
            )
        else:
            self.model.set_source(s.summaries)
        if self.model.current is not None:
            self._select(self.model.current)

    def _clicked(self, index: QModelIndex) -> None:
        doc_id = self.model.source.at(self.proxy.mapToSource(index).row()).id
        self.session.summaries.reach(doc_id)  # found by a filter further down the list
        if self.session.document is None or doc_id != self.session.document.id:
            self.documentChosen.emit(doc_id)

    def reload(self) -> None:
        """The session read its list again: show it (a filter in use is read again too)."""
        if self.search.text().strip() or self.status.currentData():
            self._filter()
        else:
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
        self._select(document_id)

    def _select(self, document_id: int) -> None:
        if self.model.source.reach(document_id):  # reading down to it when it is further down
            row = self.model.source.position(document_id)
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.view.selectionModel().select(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.view.scrollTo(index)

    def _progress(self) -> None:
        pages = self.session.summaries  # counted in SQL: the list is read a page at a time
        self.progress.setText(f"{pages.done} of {pages.total} done")

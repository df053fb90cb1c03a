"""The review window's document chooser: each document with its adjudication progress and
gold's status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from annotator.gui.panels.document_list import STATUS_TEXT, status_icon
from annotator.store.review_state import (
    AdjudicationProgress,
    ReviewDocument,
)

PROGRESS_FILL = "#bcd6ef"  # the chooser's bars: light enough for black text on them
DONE_FILL = "#b7dfc3"
Index = QModelIndex | QPersistentModelIndex


class ProgressDelegate(QStyledItemDelegate):
    """Paints (resolved, total) from the item's UserRole as "3/6" over a bar filled 3/6 of the way.

    Drawn by hand rather than as a style's progress bar: those are thinner than a row and
    draw their text through the groove, unreadable at this size."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.UserRole)
        if not isinstance(value, tuple):
            super().paint(painter, option, index)
            return
        done, total = value
        rect = option.rect.adjusted(3, 2, -3, -2)
        palette = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        share = done / total if total else 1.0
        if share > 0:
            filled = QRectF(rect).adjusted(1, 1, -1, -1)
            filled.setWidth(filled.width() * share)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(DONE_FILL if share >= 1 else PROGRESS_FILL))
            painter.drawRoundedRect(filled, 2, 2)
        painter.setPen(QColor("#000000"))  # dark on the light fill, selected row or not
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{done}/{total}")
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(
            max(hint.width(), option.fontMetrics.horizontalAdvance("000/000") + 16), hint.height()
        )


class DocumentChooser(QTreeWidget):
    """Documents two or more coders worked on: coders, units adjudicated, gold's status."""

    documentChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDocuments")
        self.setColumnCount(3)
        self.setHeaderLabels(["Document", "Units", "Gold"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setItemDelegateForColumn(1, ProgressDelegate(self))
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.header().resizeSection(1, 64)
        self._items: dict[int, QTreeWidgetItem] = {}
        self.currentItemChanged.connect(self._chosen)

    def fill(
        self, documents: Sequence[ReviewDocument], progress: Mapping[int, AdjudicationProgress]
    ) -> None:
        self.blockSignals(True)
        self.clear()
        self._items.clear()
        for doc in documents:
            item = QTreeWidgetItem(self)
            item.setData(0, Qt.ItemDataRole.UserRole + 1, doc.id)
            self._items[doc.id] = item
            self.update_row(doc, progress.get(doc.id))
        self.blockSignals(False)

    def update_row(self, doc: ReviewDocument, state: AdjudicationProgress | None) -> None:
        item = self._items.get(doc.id)
        if item is None:
            return
        item.setText(0, doc.title)
        item.setToolTip(0, f"{doc.title}\n{doc.ext_id}\ncoders: {', '.join(doc.coders)}")
        if state is not None:
            item.setData(1, Qt.ItemDataRole.UserRole, (state.units_resolved, state.units_total))
            item.setToolTip(
                1,
                f"{state.units_resolved} of {state.units_total} units adjudicated; "
                f"{state.disagreements_resolved} of {state.disagreements_total} disagreements",
            )
        item.setIcon(2, status_icon(doc.gold_status))
        item.setToolTip(2, f"gold: {STATUS_TEXT.get(doc.gold_status, doc.gold_status)}")

    def select(self, document_id: int) -> None:
        item = self._items.get(document_id)
        if item is not None and item is not self.currentItem():
            self.blockSignals(True)
            self.setCurrentItem(item)
            self.blockSignals(False)

    def _chosen(self, item: QTreeWidgetItem | None, _old: QTreeWidgetItem | None) -> None:
        if item is not None:
            self.documentChosen.emit(int(item.data(0, Qt.ItemDataRole.UserRole + 1)))


# -------------------------------------------------------------------------- disagreements

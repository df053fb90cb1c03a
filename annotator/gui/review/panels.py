"""The review window's panels: the document chooser, a coder's layer, the disagreement list
and the agreement dashboard. Thin views: they show what the session holds and emit what the
reviewer points at."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement.disagreements import KINDS
from annotator.core.records import GOLD
from annotator.gui.document_view import DocumentView
from annotator.gui.offsets import OffsetMap
from annotator.gui.panels.document_list import STATUS_TEXT, status_icon
from annotator.store.review_state import (
    AdjudicationProgress,
    Difference,
    DocumentReview,
    Resolution,
    ReviewDocument,
    Unit,
)

CODER_COLORS = ("#4e79a7", "#59a14f", "#b07aa1", "#76b7b2", "#9c755f", "#e15759", "#edc948")
GOLD_COLOR = "#b8860b"
PROGRESS_FILL = "#bcd6ef"  # the chooser's bars: light enough for black text on them
DONE_FILL = "#b7dfc3"
CURRENT_COLOR = "#ffd43b"  # the search-hit yellow of the coding window
OPEN_COLOR = "#d62728"
Index = QModelIndex | QPersistentModelIndex
KIND_TEXT = {
    "missing_span": "missing span",
    "label": "label",
    "boundary": "boundary",
    "attribute": "attribute",
    "number": "number",
    "role": "role",
}


def coder_color(position: int) -> str:
    return CODER_COLORS[position % len(CODER_COLORS)]


# ---------------------------------------------------------------------------- one layer


class LayerView(QWidget):
    """One coder's annotations (or gold's) in a read-only article view under a coloured header."""

    def __init__(self, name: str, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.color = color
        self.setObjectName(f"layer.{name}")
        self.header = QLabel()
        self.header.setObjectName("layerHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setStyleSheet(
            f"QLabel#layerHeader {{ border-top: 4px solid {color}; padding: 4px 8px;"
            " background: palette(window); }"
        )
        self.view = DocumentView()
        self.view.setObjectName(f"view.{name}")
        self.view.zoom(-2)  # three columns side by side: a little smaller than coding
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.view, 1)
        self._offsets = OffsetMap("")

    def set_heading(self, key: str, n_spans: int, extra: str = "") -> None:
        who = "gold" if self.name == GOLD else html.escape(self.name)
        spans = f"{n_spans} span{'s' if n_spans != 1 else ''}"
        badge = f"<span style='color:#777'>[{key}]</span> " if key else ""
        self.header.setText(
            f"{badge}<b>{who}</b> &nbsp;<span style='color:#777'>{spans}</span>{extra}"
        )

    def set_text(self, text: str) -> None:
        self._offsets = OffsetMap(text)

    def mark(self, current: tuple[int, int] | None, others: Sequence[tuple[int, int]]) -> None:
        """The current unit in search-hit yellow, other open disagreements underlined in red."""
        selections = []
        wavy = QTextCharFormat()
        wavy.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        wavy.setUnderlineColor(QColor(OPEN_COLOR))
        for start, end in others:
            selections.append(self._selection(start, end, wavy))
        if current is not None:
            hit = QTextCharFormat()
            hit.setBackground(QColor(CURRENT_COLOR))
            hit.setForeground(QColor("#000000"))
            selections.append(self._selection(*current, hit))
        self.view.setExtraSelections(selections)

    def _selection(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(self._offsets.to_utf16(start))
        cursor.setPosition(self._offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        sel = QTextEdit.ExtraSelection()
        sel.cursor = cursor
        sel.format = fmt
        return sel


# ------------------------------------------------------------------------- document chooser


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


@dataclass(frozen=True, slots=True)
class Row:
    unit: Unit
    difference: Difference
    resolution: Resolution | None


def resolution_text(resolution: Resolution | None, gold_coder_of: Callable[[str], str]) -> str:
    if resolution is None:
        return ""
    if resolution.how == "accepted":
        text = f"{gold_coder_of(resolution.source)}'s"
    elif resolution.how == "rejected":
        text = "no span"
    else:
        text = "by hand"
    return f"{text} — {resolution.note}" if resolution.note else text


class DisagreementModel(QAbstractTableModel):
    FIXED = ("", "Kind", "What", "Text")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []
        self.coders: tuple[str, ...] = ()
        self.sources: dict[str, str] = {}  # "coder:uid" -> coder
        self.text = ""

    def set_rows(self, rows: list[Row], coders: tuple[str, ...], text: str) -> None:
        self.beginResetModel()
        self.rows = rows
        self.coders = coders
        self.text = text
        self.sources = {f"{c}:{a.uid}": c for r in rows for c, a in r.unit.spans.items()}
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.FIXED) + len(self.coders) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        names = [*self.FIXED, *(f"{i + 1} {c}" for i, c in enumerate(self.coders)), "Gold"]
        if role == Qt.ItemDataRole.DisplayRole:
            return names[section]
        if role == Qt.ItemDataRole.ForegroundRole:
            k = section - len(self.FIXED)
            if 0 <= k < len(self.coders):
                return QColor(coder_color(k))
            if k == len(self.coders):
                return QColor(GOLD_COLOR)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, col, role == Qt.ItemDataRole.ToolTipRole)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 0:
                return QColor("#2e7d4f" if row.resolution else OPEN_COLOR)
            if row.resolution is not None:
                return QColor("#888888")
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def _text(self, row: Row, col: int, tip: bool) -> str:
        d = row.difference
        if col == 0:
            if row.resolution is None:
                return "open" if tip else "●"
            return row.resolution.how if tip else "✓"
        if col == 1:
            return KIND_TEXT.get(d.kind, d.kind)
        if col == 2:
            return f"{d.label}.{d.attribute}" if d.attribute else d.label
        if col == 3:
            return f"{row.unit.start}–{row.unit.end}" if tip else self._quote(row)
        k = col - len(self.FIXED)
        if k < len(self.coders):
            said = d.said.get(self.coders[k], "")
            return said or ("(no span)" if tip else "—")
        return resolution_text(row.resolution, lambda src: self.sources.get(src, src))

    def _quote(self, row: Row) -> str:
        words = self.text[row.unit.start : row.unit.end].replace("\n", " ")
        return words if len(words) <= 60 else words[:57] + "…"


class DisagreementList(QWidget):
    """The document's disagreements, one row each, filtered by kind and by still open."""

    currentChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("disagreements")
        self.kind = QComboBox()
        self.kind.setObjectName("kindFilter")
        self.kind.addItem("All kinds", "")
        for kind in KINDS:
            self.kind.addItem(KIND_TEXT[kind], kind)
        self.open_only = QCheckBox("Open only")
        self.open_only.setObjectName("openOnly")
        self.count = QLabel()
        self.count.setObjectName("disagreementCount")
        self.count.setStyleSheet("color: #777")
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 2)
        bar.setSpacing(8)
        title = QLabel("<b>Disagreements</b>")
        bar.addWidget(title)
        bar.addWidget(self.count)
        bar.addStretch(1)
        bar.addWidget(self.kind)
        bar.addWidget(self.open_only)
        self.model = DisagreementModel(self)
        self.table = QTableView()
        self.table.setObjectName("disagreementTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setHighlightSections(False)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addLayout(bar)
        column.addWidget(self.table, 1)
        self._all: list[Row] = []
        self._coders: tuple[str, ...] = ()
        self._text = ""
        self.kind.currentIndexChanged.connect(lambda _i: self._refilter())
        self.open_only.toggled.connect(lambda _on: self._refilter())
        self.table.selectionModel().currentRowChanged.connect(
            lambda _new, _old: self.currentChanged.emit()
        )

    def set_review(self, review: DocumentReview) -> None:
        """Show the review's disagreements; the current row stays on the same one if it can."""
        self._text = review.document.text
        self._all = [Row(u, d, review.resolution(u)) for u in review.units for d in u.differences]
        self._coders = review.coders
        self._refilter()

    def _refilter(self) -> None:
        keep = self.current()
        kind = self.kind.currentData()
        rows = [
            r
            for r in self._all
            if (not kind or r.difference.kind == kind)
            and not (self.open_only.isChecked() and r.resolution is not None)
        ]
        self.model.set_rows(rows, self._coders, self._text)
        self._size_columns()
        still = sum(1 for r in self._all if r.resolution is None)
        self.count.setText(f"{still} open of {len(self._all)}")
        if keep is not None:
            self.select_matching(keep.unit.key, keep.difference)

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        fixed = len(DisagreementModel.FIXED)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 28)
        header.resizeSection(1, 95)
        header.resizeSection(2, 130)
        header.resizeSection(3, 120)
        for k in range(len(self._coders)):
            header.resizeSection(fixed + k, 210)
        header.setStretchLastSection(True)

    # ------------------------------------------------------------------------- navigation

    def rows(self) -> list[Row]:
        return list(self.model.rows)

    def current_index(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def current(self) -> Row | None:
        i = self.current_index()
        return self.model.rows[i] if 0 <= i < len(self.model.rows) else None

    def select_row(self, i: int) -> None:
        if 0 <= i < len(self.model.rows):
            self.table.setCurrentIndex(self.model.index(i, 0))
            self.table.scrollTo(self.model.index(i, 0))

    def select_matching(self, key: tuple[str, ...], difference: Difference | None = None) -> bool:
        for i, r in enumerate(self.model.rows):
            if r.unit.key == key and (difference is None or r.difference == difference):
                self.select_row(i)
                return True
        return False

    def step(self, by: int) -> None:
        n = len(self.model.rows)
        if not n:
            return
        i = self.current_index()
        self.select_row((i + by) % n if i >= 0 else (0 if by > 0 else n - 1))

    def next_open(self, after: int) -> None:
        """Go to the first open row after row ``after`` (of another unit), wrapping around."""
        rows = self.model.rows
        n = len(rows)
        here = rows[after].unit.key if 0 <= after < n else None
        for k in range(1, n + 1):
            i = (after + k) % n
            if rows[i].resolution is None and rows[i].unit.key != here:
                self.select_row(i)
                return
        if 0 <= after < n:
            self.select_row(after)
        elif n:
            self.select_row(min(max(after, 0), n - 1))


# ----------------------------------------------------------------------------- dashboard


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value) + 0.0:.2f}".replace("-0.00", "0.00")  # no "-0.00" for a tiny -0.003


class AgreementPage(QWidget):
    """One report: a summary line, agreement per label, and per coder pair."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.labels = self._table(["Label", "F1\nexact", "F1\noverlap", "u-α", "spans"])
        self.pairs = self._table(["Pair", "κ", "F1\nexact", "F1\noverlap"])
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        self.top = QHBoxLayout()
        self.top.addWidget(self.summary, 1)
        column.addLayout(self.top)
        column.addWidget(self.labels, 3)
        column.addWidget(self.pairs, 2)

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(20)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setShowGrid(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return table

    def show_report(self, report: Mapping[str, Any] | None, message: str = "") -> None:
        if report is None:
            self.summary.setText(f"<span style='color:#777'>{html.escape(message)}</span>")
            self.labels.setRowCount(0)
            self.pairs.setRowCount(0)
            return
        spans = report["spans"]
        f1 = spans["f1"]
        alpha = spans["unitizing_alpha"]
        labels = report["labels"]
        self.summary.setText(
            f"{report['documents']} document{'s' if report['documents'] != 1 else ''} · "
            f"coders {html.escape(', '.join(report['coders']))}<br>"
            # non-breaking spaces: a wrapped line never parts a figure from its name
            f"F1&nbsp;exact&nbsp;<b>{_fmt(f1['exact_labeled'])}</b> · "
            f"overlap&nbsp;<b>{_fmt(f1['overlap_labeled'])}</b> · "
            f"u-α&nbsp;<b>{_fmt(alpha['overall'])}</b> · "
            f"label&nbsp;κ&nbsp;<b>{_fmt(labels.get('cohen_kappa'))}</b>"
            f"&nbsp;(n={labels.get('n_units', 0)})"
            + (f"<br><span style='color:#777'>{html.escape(message)}</span>" if message else "")
        )
        by_label = spans.get("f1_by_label", {})
        names = sorted(set(by_label) | set(alpha.get("by_label", {})))
        self.labels.setRowCount(len(names))
        for r, name in enumerate(names):
            entry = by_label.get(name, {})
            n = sum(entry.get("n_spans", {}).values())
            cells = [
                name,
                _fmt(entry.get("exact_labeled")),
                _fmt(entry.get("overlap_labeled")),
                _fmt(alpha.get("by_label", {}).get(name)),
                str(n),
            ]
            self._fill_row(self.labels, r, cells)
        pairs = report.get("pairs", [])
        self.pairs.setRowCount(len(pairs))
        for r, pair in enumerate(pairs):
            cells = [
                " – ".join(pair["coders"]),
                _fmt(pair.get("cohen_kappa")),
                _fmt(pair["f1"].get("exact_labeled")),
                _fmt(pair["f1"].get("overlap_labeled")),
            ]
            self._fill_row(self.pairs, r, cells)

    @staticmethod
    def _fill_row(table: QTableWidget, r: int, cells: Sequence[str]) -> None:
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


class AgreementDashboard(QTabWidget):
    """Agreement of the document's coders on this document, and (on demand) the project."""

    projectRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementDashboard")
        self.document = AgreementPage()
        self.project = AgreementPage()
        self.compute = QPushButton("Compute")
        self.compute.setObjectName("computeProjectAgreement")
        self.compute.setToolTip("Agreement over every document these coders all coded")
        self.compute.clicked.connect(self.projectRequested.emit)
        self.project.top.addWidget(self.compute, 0, Qt.AlignmentFlag.AlignTop)
        self.addTab(self.document, "This document")
        self.addTab(self.project, "Project")
        self.project.show_report(None, "Not computed yet: press Compute (it reads every document).")

"""The review window's disagreement list: one row per difference between the coders, with
how it was resolved; a filter by kind and "open only"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement.disagreements import KINDS
from annotator.store.review_state import (
    Difference,
    DocumentReview,
    Resolution,
    Unit,
)

from .layer_view import GOLD_COLOR, OPEN_COLOR, coder_color

Index = QModelIndex | QPersistentModelIndex
KIND_TEXT = {
    "missing_span": "missing span",
    "label": "label",
    "boundary": "boundary",
    "attribute": "attribute",
    "number": "number",
    "role": "role",
}


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

    def update_rows(self, rows: list[Row]) -> None:
        """The same rows (units and differences) with their resolutions as they are now: only
        the rows whose resolution changed are repainted (no reset)."""
        assert len(rows) == len(self.rows)
        old, self.rows = self.rows, rows
        last = self.columnCount() - 1
        for i, (before, after) in enumerate(zip(old, rows, strict=True)):
            if before.resolution != after.resolution:
                self.dataChanged.emit(self.index(i, 0), self.index(i, last))

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
        self._quiet = False  # the current row is being kept across a new review: no signal
        self.kind.currentIndexChanged.connect(lambda _i: self._refilter())
        self.open_only.toggled.connect(lambda _on: self._refilter())
        self.table.selectionModel().currentRowChanged.connect(self._current_moved)

    def _current_moved(self) -> None:
        if not self._quiet:
            self.currentChanged.emit()

    def set_review(self, review: DocumentReview) -> None:
        """Show the review's disagreements; the current row stays on the same one if it can
        (without ``currentChanged``: the caller shows it). When only resolutions changed (a
        decision) only those rows are repainted; the list is not rebuilt."""
        rows = [Row(u, d, review.resolution(u)) for u in review.units for d in u.differences]
        same = (
            review.document.text == self._text
            and review.coders == self._coders
            and len(rows) == len(self._all)
            and all(
                a.unit == b.unit and a.difference == b.difference
                for a, b in zip(rows, self._all, strict=True)
            )
        )
        self._text = review.document.text
        self._all = rows
        self._coders = review.coders
        self._quiet = True
        try:
            if same and not self.open_only.isChecked():
                self.model.update_rows(self._shown_rows())
                self._show_count()
            else:
                self._refilter()
        finally:
            self._quiet = False

    def _shown_rows(self) -> list[Row]:
        kind = self.kind.currentData()
        return [
            r
            for r in self._all
            if (not kind or r.difference.kind == kind)
            and not (self.open_only.isChecked() and r.resolution is not None)
        ]

    def _show_count(self) -> None:
        still = sum(1 for r in self._all if r.resolution is None)
        self.count.setText(f"{still} open of {len(self._all)}")

    def _refilter(self) -> None:
        keep = self.current()
        scrolled = self.table.verticalScrollBar().value()
        self.model.set_rows(self._shown_rows(), self._coders, self._text)
        self._size_columns()
        self._show_count()
        self.table.verticalScrollBar().setValue(scrolled)  # where the reviewer was reading
        if keep is not None and not self.select_matching(keep.unit.key, keep.difference):
            self._select_near(keep)

    def _select_near(self, keep: Row) -> None:
        """A coder redrew a span of the current unit (a new span, a new unit key): the same
        kind of difference over the same words stays current."""
        for i, r in enumerate(self.model.rows):
            unit = r.unit
            if (
                r.difference.kind == keep.difference.kind
                and unit.start < keep.unit.end
                and unit.end > keep.unit.start
            ):
                self.select_row(i)
                return

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

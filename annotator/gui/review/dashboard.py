"""The review window's agreement dashboard: per-label and per-pair figures for the document
and, on demand, the project."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)


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

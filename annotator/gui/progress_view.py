"""The manager's progress view: per-coder bars (assigned / started / done), the documents
waiting for review, and agreement so far on the double-coded sample, drawn as bars.

Everything shown is read through the store as the connected person: on a team project the
server decides what that is (a coder sees their own row only). See docs/team.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt, QThread, Signal
from PySide6.QtGui import QCloseEvent, QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.store.engine import Project
from annotator.store.errors import StoreError
from annotator.store.progress import (
    SAMPLE_PER_PAIR,
    DocumentProgress,
    PairAgreement,
    Progress,
    documents_in_state,
    progress,
    sample_agreement,
)

DONE = QColor("#2e7d4f")
STARTED = QColor("#e0a030")
ASSIGNED = QColor("#d5d8dc")
ROW = 26
NAME_WIDTH = 140
COUNT_WIDTH = 200
READY_SHOWN = 200  # the first documents ready for review; the count says how many there are


class CoderBars(QWidget):
    """One bar per coder, as long as their assignment; done and started drawn over it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("coderBars")
        self.rows: list[tuple[str, int, int, int]] = []  # coder, assigned, started, done
        self.empty = "Reading…"  # what an empty chart says: nothing read yet, or no work

    def set_progress(self, report: Progress) -> None:
        self.rows = [(c.coder, c.assigned, c.started, c.done) for c in report.coders]
        self.empty = "No coder has work yet."
        self.setMinimumHeight(max(1, len(self.rows)) * ROW + 8)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, max(1, len(self.rows)) * ROW + 8)

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.rows:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty)
            p.end()
            return
        longest = max(1, max(r[1] for r in self.rows))
        width = max(10, self.width() - NAME_WIDTH - COUNT_WIDTH - 16)
        for i, (name, assigned, started, done) in enumerate(self.rows):
            y = 4 + i * ROW
            p.setPen(self.palette().text().color())
            p.drawText(QRectF(4, y, NAME_WIDTH - 8, ROW - 6), Qt.AlignmentFlag.AlignVCenter, name)
            x = NAME_WIDTH
            for count, color in ((assigned, ASSIGNED), (started, STARTED), (done, DONE)):
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(color)
                p.drawRoundedRect(QRectF(x, y + 3, width * count / longest, ROW - 12), 3, 3)
            p.setPen(self.palette().text().color())
            p.drawText(
                QRectF(x + width + 8, y, COUNT_WIDTH, ROW - 6),
                Qt.AlignmentFlag.AlignVCenter,
                f"{done} / {started} / {assigned}",
            )
        p.end()


class AgreementBars(QWidget):
    """Span F1 (exact, labeled) per pair of coders on the documents both did, 0 to 1."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementBars")
        self.pairs: list[PairAgreement] = []
        self.empty = "Reading…"  # what an empty chart says: nothing read yet, or no pair

    def set_pairs(self, pairs: list[PairAgreement]) -> None:
        self.pairs = pairs
        self.empty = "No document has been coded twice and finished yet."
        self.setMinimumHeight(max(1, len(pairs)) * ROW + 8)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, max(1, len(self.pairs)) * ROW + 8)

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.pairs:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty)
            p.end()
            return
        width = max(10, self.width() - NAME_WIDTH - COUNT_WIDTH - 16)
        for i, pair in enumerate(self.pairs):
            y = 4 + i * ROW
            p.setPen(self.palette().text().color())
            p.drawText(
                QRectF(4, y, NAME_WIDTH - 8, ROW - 6),
                Qt.AlignmentFlag.AlignVCenter,
                " – ".join(pair.coders),
            )
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(ASSIGNED)
            p.drawRoundedRect(QRectF(NAME_WIDTH, y + 3, width, ROW - 12), 3, 3)
            if pair.f1 is not None:
                p.setBrush(_agreement_color(pair.f1))
                p.drawRoundedRect(QRectF(NAME_WIDTH, y + 3, width * pair.f1, ROW - 12), 3, 3)
            p.setPen(self.palette().text().color())
            f1 = "–" if pair.f1 is None else f"{pair.f1:.2f}"
            p.drawText(
                QRectF(NAME_WIDTH + width + 8, y, COUNT_WIDTH, ROW - 6),
                Qt.AlignmentFlag.AlignVCenter,
                f"F1 {f1}  ({pair.documents} doc)"
                if pair.finished <= pair.documents
                else f"F1 {f1}  (latest {pair.documents} of {pair.finished})",
            )
        p.end()


def _agreement_color(value: float) -> QColor:
    if value >= 0.8:
        return DONE
    return STARTED if value >= 0.6 else QColor("#c0392b")


class ProgressView(QDialog):
    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressView")
        self.setWindowTitle("Team progress")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.project = project
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Coders</b> — done / started / assigned"))
        self.bars = CoderBars()
        layout.addWidget(self.bars)
        self.summary = QLabel()
        self.summary.setObjectName("progressSummary")
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("<b>Waiting for review</b> (every assigned coder done)"))
        self.ready = QListWidget()
        self.ready.setObjectName("readyForReview")
        self.ready.setMaximumHeight(140)
        layout.addWidget(self.ready)
        layout.addWidget(
            QLabel(
                "<b>Agreement so far</b> on the double-coded sample (each pair's latest "
                f"{SAMPLE_PER_PAIR} documents both finished)"
            )
        )
        self.agreement = AgreementBars()
        layout.addWidget(self.agreement)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setObjectName("progressRefresh")
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.status = QLabel()  # "Reading the project…", or why it could not be read
        self.status.setObjectName("progressStatus")
        layout.addWidget(self.status)
        self.reading: ProgressRead | None = None
        self.reads = 0  # figures shown so far
        app = QCoreApplication.instance()
        if app is not None:  # quitting with the view open: its read ends first
            app.aboutToQuit.connect(self._wait)
        buttons.rejected.connect(self.close)
        self.refresh_button.clicked.connect(self.refresh)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        """Read the figures again, off the GUI thread (on a project of 200,000 documents that
        takes a second or two); the view shows what it had until they are in."""
        if self.reading is not None:
            return  # a read is under way: its figures are the fresh ones
        reading = ProgressRead(self.project)
        reading.succeeded.connect(self._show)
        reading.failed.connect(self._failed)
        reading.finished.connect(self._finished)
        self.reading = reading
        self.refresh_button.setEnabled(False)
        self.status.setText("Reading the project…")
        reading.start()

    def _show(self, figures: Figures) -> None:
        report = figures.report
        self.bars.set_progress(report)
        states = ("waiting", "ready", "adjudicated", "stale")
        self.summary.setText(
            f"{report.n_documents} documents: "
            + ", ".join(f"{report.count(s)} {s}" for s in states)
        )
        self.ready.clear()
        for d in figures.ready:
            self.ready.addItem(f"{d.title or d.document}  ({', '.join(d.coders)})")
        if report.count("ready") > len(figures.ready):
            self.ready.addItem(f"… and {report.count('ready') - len(figures.ready):,} more")
        self.agreement.set_pairs(figures.pairs)
        self.status.setText("")
        self.reads += 1

    def _failed(self, line: str) -> None:
        self.status.setText(f"Not read: {line}")

    def _finished(self) -> None:
        if self.reading is not None:
            self.reading.deleteLater()
        self.reading = None
        self.refresh_button.setEnabled(True)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._wait()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self._wait()
        super().done(result)

    def _wait(self) -> None:
        """Never let a running read outlive its view: it ends with its statements."""
        if self.reading is not None:
            self.reading.wait()


@dataclass(frozen=True)
class Figures:
    """What the view shows, read in one go."""

    report: Progress
    ready: list[DocumentProgress]
    pairs: list[PairAgreement]


class ProgressRead(QThread):
    """The view's figures read in a worker thread; the store opens its own sessions there."""

    succeeded = Signal(object)  # Figures
    failed = Signal(str)  # one line

    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project

    def run(self) -> None:
        # every failure is one line in the view: a traceback here would reach stderr only,
        # and the view would wait for figures that never come
        try:
            report = progress(self.project, documents=False)  # counts, aggregated in SQL
            ready = documents_in_state(self.project, "ready", READY_SHOWN)
            pairs = sample_agreement(self.project)
        except StoreError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:
            self.failed.emit(f"{exc.__class__.__name__}: {exc}")
        else:
            self.succeeded.emit(Figures(report, ready, pairs))


def show_progress_view(window: QWidget, project: Project) -> ProgressView:
    view = ProgressView(project, window)
    view.show()
    return view

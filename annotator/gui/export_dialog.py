"""File → Export: format, where to write, what to include; runs in a worker thread.

The writers (``annotator.core.export``) are atomic: they write under temporary names and rename
into place only at the end. Cancelling therefore only has to make the progress callback raise;
the writer's own clean-up removes what it staged, and whatever was at the path stays as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import Codebook
from annotator.core.export import (
    DocumentBundle,
    ExportError,
    ExportStats,
    write_brat,
    write_csv,
    write_jsonl,
)
from annotator.core.records import GOLD, Document
from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.errors import DatabaseError
from annotator.store.exporting import ExportFilter, bundles, selected_documents
from annotator.store.services import ServiceError

FOLDER_KEY = "export/folder"  # the folder the last export went to (QSettings)
POLL_MS = 50  # how often the progress bar reads the worker's count
MAX_NAMED_FILES = 4


@dataclass(frozen=True)
class Format:
    key: str
    title: str
    explanation: str
    writes_folder: bool
    suffix: str  # appended to the project's name for the suggested output


FORMATS = (
    Format(
        "jsonl",
        "JSONL file",
        "One line per document with its text, spans and links; imports back into Annotator.",
        False,
        ".jsonl",
    ),
    Format(
        "csv",
        "CSV folder",
        "Tidy tables (documents, annotations, links, events) for pandas, R or a spreadsheet.",
        True,
        "-csv",
    ),
    Format(
        "brat",
        "brat folder",
        "A .txt and .ann pair per document (a subfolder per coder) for the brat viewer.",
        True,
        "-brat",
    ),
)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def summary(stats: ExportStats, fmt: str, output: str) -> str:
    """ "Wrote 12 documents, 340 annotations, 55 links, 9 events to /path" (events: CSV only)."""
    parts = [
        _plural(stats.documents, "document"),
        _plural(stats.annotations, "annotation"),
        _plural(stats.links, "link"),
    ]
    if fmt == "csv":
        parts.append(_plural(stats.events, "event"))
    return f"Wrote {', '.join(parts)} to {output}"


class _Cancelled(Exception):
    """Raised from the progress callback so that the writer rolls its temporary files back."""


class ExportRun(QThread):
    """One export in a worker thread. The store opens its own short sessions in this thread.

    ``done`` and ``total`` are plain ints the dialog polls: a signal per document would flood
    the event loop on a large project.
    """

    succeeded = Signal(object)  # ExportStats
    failed = Signal(str)  # one line
    cancelled = Signal()

    def __init__(
        self, project: Project, codebook: Codebook, fmt: str, output: str, flt: ExportFilter
    ) -> None:
        super().__init__()
        self.project = project
        self.codebook = codebook
        self.fmt = fmt
        self.output = output
        self.filter = flt
        self.done = 0
        self.total = 0
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def _progress(self, stats: ExportStats) -> None:
        self.done = stats.documents
        if self._cancel.is_set():
            raise _Cancelled

    def run(self) -> None:
        # Every failure becomes one line for the dialog: a traceback here would only reach
        # stderr, and the coder would see a dialog that never finishes.
        try:
            ids = selected_documents(self.project, self.filter)
            self.total = len(ids)
            if self._cancel.is_set():
                raise _Cancelled
            stream = bundles(self.project, self.filter, ids)
            try:
                stats = self._write(stream)
            finally:
                close = getattr(stream, "close", None)
                if close is not None:  # end the read session the generator may hold open
                    close()
        except _Cancelled:
            self.cancelled.emit()
        except (ServiceError, ExportError) as exc:
            self.failed.emit(str(exc))
        except OSError as exc:
            # The path the coder chose, not the temporary file the writer was staging.
            self.failed.emit(f"{self.output}: cannot write ({exc.strerror or exc})")
        except DatabaseError as exc:
            self.failed.emit(f"The project could not be read: {exc}")
        except Exception as exc:  # see above: one line, never a traceback
            self.failed.emit(f"Export failed: {exc.__class__.__name__}: {exc}")
        else:
            self.succeeded.emit(stats)

    def _write(self, stream: Iterator[DocumentBundle]) -> ExportStats:
        cb = self.codebook
        if self.fmt == "jsonl":
            return write_jsonl(stream, self.output, cb.name, self._progress)
        if self.fmt == "csv":
            from annotator.store.registry import references

            return write_csv(stream, self.output, cb, self._progress, references(self.project))
        coders = self.filter.coders
        one = coders[0] if coders is not None and len(coders) == 1 else None
        return write_brat(stream, self.output, cb, coder=one, progress=self._progress)


def _check_list(names: list[tuple[str, str]]) -> QListWidget:
    box = QListWidget()
    for name, shown in names:
        item = QListWidgetItem(shown)
        item.setData(Qt.ItemDataRole.UserRole, name)
        item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        item.setCheckState(Qt.CheckState.Checked)
        box.addItem(item)
    box.setMinimumHeight(100)
    box.setMaximumHeight(150)
    return box


def _checked(box: QListWidget) -> list[str] | None:
    """The checked names; None when all are checked (export every one, new ones included)."""
    items = [box.item(i) for i in range(box.count())]
    names = [
        str(it.data(Qt.ItemDataRole.UserRole))
        for it in items
        if it.checkState() == Qt.CheckState.Checked
    ]
    return None if len(names) == len(items) else names


def documents_folder() -> Path:
    """The user's documents folder (XDG_DOCUMENTS_DIR on Linux), else their home folder."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(location) if location and Path(location).is_dir() else Path.home()


class ExportDialog(QDialog):
    """Choose format, output and filters; Export runs in a thread with a progress bar."""

    exported = Signal(str)  # the one-line summary of a finished export (for the status bar)

    def __init__(
        self,
        project: Project,
        settings: QSettings,
        current: Document | None = None,
        parent: QWidget | None = None,
        *,
        layers: Sequence[str] | None = None,
    ) -> None:
        """``layers``: the only coders offered (the coding window offers its own coder's
        layer alone; None, every coder: the lead's export)."""
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.project = project
        self.settings = settings
        self.current = current
        self.worker: ExportRun | None = None
        self._suggested = ""

        # ---- format
        self.format_group = QButtonGroup(self)
        formats = QGroupBox("Format")
        grid = QGridLayout(formats)
        grid.setColumnStretch(1, 1)
        for row, fmt in enumerate(FORMATS):
            radio = QRadioButton(fmt.title)
            radio.setObjectName(f"format.{fmt.key}")
            self.format_group.addButton(radio, row)
            note = QLabel(fmt.explanation)
            note.setObjectName("formatNote")
            note.setWordWrap(True)
            grid.addWidget(radio, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(note, row, 1, Qt.AlignmentFlag.AlignTop)
        self.format_group.button(0).setChecked(True)

        # ---- output
        output = QGroupBox("Write to")
        line = QHBoxLayout(output)
        self.path = QLineEdit()
        self.path.setObjectName("exportPath")
        self.choose = QPushButton("Choose…")
        self.choose.setObjectName("exportChoose")
        line.addWidget(self.path, 1)
        line.addWidget(self.choose)

        # ---- filters
        filters = QGroupBox("Include")
        fl = QGridLayout(filters)
        coders = queries.coders(project)
        self.layers = None if layers is None else [c for c in coders if c in layers]
        if self.layers is not None:
            coders = self.layers
        self.coders = _check_list([(c, f"{c} (adjudicated)" if c == GOLD else c) for c in coders])
        self.coders.setObjectName("exportCoders")
        self.labels = _check_list([(n, n) for n in project.codebook.label_names])
        self.labels.setObjectName("exportLabels")
        fl.addWidget(QLabel("Coders" if coders else "Coders (none yet)"), 0, 0)
        fl.addWidget(QLabel("Labels"), 0, 1)
        fl.addWidget(self.coders, 1, 0)
        fl.addWidget(self.labels, 1, 1)
        self.done_only = QCheckBox("Only documents marked done (by every chosen coder)")
        self.done_only.setObjectName("exportDoneOnly")
        fl.addWidget(self.done_only, 2, 0, 1, 2)
        self.all_docs = QRadioButton("All documents")
        self.all_docs.setObjectName("exportAllDocuments")
        self.current_doc = QRadioButton("Current document only")
        self.current_doc.setObjectName("exportCurrentDocument")
        if current is not None and current.ext_id:
            name = current.title or current.ext_id
            shown = self.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, 280)
            self.current_doc.setText(f"Current document only ({shown})")
            self.current_doc.setToolTip(name)
        else:
            self.current_doc.setEnabled(False)
        self.all_docs.setChecked(True)
        docs = QHBoxLayout()
        docs.addWidget(self.all_docs)
        docs.addWidget(self.current_doc)
        docs.addStretch(1)
        fl.addLayout(docs, 3, 0, 1, 2)

        self.settings_box = QWidget()
        column = QVBoxLayout(self.settings_box)
        column.setContentsMargins(0, 0, 0, 0)
        for box in (formats, output, filters):
            column.addWidget(box)

        # ---- progress, message, buttons
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setFormat("%v / %m documents")
        self.progress.setTextVisible(False)  # no "0 / 1 documents" before anything ran
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.message = QLabel()
        self.message.setObjectName("exportMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setObjectName("exportRun")
        self.export_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("exportCancel")
        self.cancel_button.setEnabled(False)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("exportClose")

        layout = QVBoxLayout(self)
        layout.addWidget(self.settings_box)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setStyleSheet(
            "QLabel#formatNote { color: #666; }"
            "QLabel#exportMessage[error='true'] { color: #c0392b; font-weight: bold; }"
        )

        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._show_progress)
        self.format_group.idClicked.connect(self._format_changed)
        self.choose.clicked.connect(self.choose_output)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)
        self._format_changed()
        self.resize(700, self.sizeHint().height())

    # ------------------------------------------------------------------------------ choices

    @property
    def format(self) -> Format:
        return FORMATS[max(0, self.format_group.checkedId())]

    def set_format(self, key: str) -> None:
        i = next(i for i, f in enumerate(FORMATS) if f.key == key)
        self.format_group.button(i).setChecked(True)
        self._format_changed()

    def _folder(self) -> Path:
        remembered = self.settings.value(FOLDER_KEY, "")
        if isinstance(remembered, str) and remembered and Path(remembered).is_dir():
            return Path(remembered)
        # Not the project's folder: the demo project lives in the hidden data folder.
        return documents_folder()

    def _suggestion(self) -> str:
        stem = Path(self.project.display_name).stem if self.project.is_sqlite else "export"
        return str(self._folder() / f"{stem}{self.format.suffix}")

    def _format_changed(self, _id: int = 0) -> None:
        # Follow the format only while the path is still our own suggestion, never the user's.
        if not self.path.text() or self.path.text() == self._suggested:
            self._suggested = self._suggestion()
            self.path.setText(self._suggested)
        what = "folder" if self.format.writes_folder else "file"
        self.path.setPlaceholderText(f"the {what} to write")

    def choose_output(self) -> None:
        fmt = self.format
        start = self.path.text() or self._suggestion()
        if fmt.writes_folder:
            chosen = QFileDialog.getExistingDirectory(
                self, f"Export {fmt.title} into", str(Path(start).parent)
            )
        else:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export JSONL to", start, "JSON lines (*.jsonl);;All files (*)"
            )
        if chosen:
            self.path.setText(chosen)
            self._remember(chosen)

    def _remember(self, output: str) -> None:
        self.settings.setValue(FOLDER_KEY, str(Path(output).parent))
        self.settings.sync()

    def export_filter(self) -> ExportFilter:
        docs = None
        if self.current_doc.isChecked() and self.current is not None:
            docs = [self.current.ext_id]
        return ExportFilter(
            coders=self._coder_filter(),
            labels=_checked(self.labels),
            documents=docs,
            done_only=self.done_only.isChecked(),
        )

    def _coder_filter(self) -> list[str] | None:
        chosen = _checked(self.coders) if self.coders.count() else None
        if self.layers is None:
            return chosen
        return list(self.layers) if chosen is None else chosen  # never "every coder"

    def _problem(self, output: str, flt: ExportFilter) -> str | None:
        """What is wrong with the choices before anything runs (None: nothing)."""
        if not output:
            return "Choose where to write the export."
        if flt.coders is not None and not flt.coders:
            return "Choose at least one coder."
        if flt.labels is not None and not flt.labels:
            return "Choose at least one label."
        target = Path(output)
        try:
            if self.format.writes_folder and target.is_file():
                return f"{output} is a file; {self.format.title} writes a folder."
            if not self.format.writes_folder and target.is_dir():
                return f"{output} is a folder; choose a file name for the JSONL export."
            blocker = next((p for p in target.parents if p.is_file()), None)
        except OSError:  # a name too long...: the writer will say so, in one line
            return None
        if blocker is not None:  # the writer would only say "File exists"
            return f"{blocker} is a file, not a folder."
        return None

    # ------------------------------------------------------------------------------ running

    @property
    def running(self) -> bool:
        return self.worker is not None

    def start(self) -> None:
        if self.running:
            return
        output = (
            str(Path(self.path.text().strip()).expanduser()) if self.path.text().strip() else ""
        )
        flt = self.export_filter()
        problem = self._problem(output, flt)
        if problem is not None:
            self._say(problem, error=True)
            return
        run = ExportRun(self.project, self.project.codebook, self.format.key, output, flt)
        run.succeeded.connect(self._succeeded)
        run.failed.connect(self._failed)
        run.cancelled.connect(self._cancelled)
        run.finished.connect(self._finished)
        self.worker = run
        self._set_running(True)
        self.progress.setRange(0, 0)  # busy until the documents are counted
        self.progress.setTextVisible(True)
        self._say("Exporting…")
        run.start()
        self._poll.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.cancel_button.setEnabled(False)
            self._say("Cancelling…")

    def _show_progress(self) -> None:
        run = self.worker
        if run is None or not run.total:
            return
        if self.progress.maximum() != run.total:
            self.progress.setRange(0, run.total)
        self.progress.setValue(run.done)

    def _set_running(self, on: bool) -> None:
        self.settings_box.setEnabled(not on)
        self.export_button.setEnabled(not on)
        self.close_button.setEnabled(not on)
        self.cancel_button.setEnabled(on)

    def _succeeded(self, stats: ExportStats) -> None:
        assert self.worker is not None
        text = summary(stats, self.worker.fmt, self.worker.output)
        self.progress.setRange(0, max(1, stats.documents))
        self.progress.setValue(stats.documents)
        files = [Path(p).name if self.format.writes_folder else p for p in stats.paths]
        if self.format.writes_folder and files:
            more = len(files) - MAX_NAMED_FILES
            named = ", ".join(sorted(files)[:MAX_NAMED_FILES])
            detail = f"Files: {named}" + (f" and {more:,} more" if more > 0 else "")
            self._say(f"{text}.\n{detail}")
        else:
            self._say(f"{text}.")
        self._remember(self.worker.output)
        self.exported.emit(text)

    def _failed(self, line: str) -> None:
        self._reset_progress()
        self._say(f"Not exported: {line}", error=True)

    def _cancelled(self) -> None:
        self._reset_progress()
        self._say("Export cancelled, nothing written.")

    def _reset_progress(self) -> None:
        self.progress.setTextVisible(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)

    def _finished(self) -> None:
        self._poll.stop()
        if self.worker is not None:
            self.worker.deleteLater()
        self.worker = None
        self._set_running(False)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    # ------------------------------------------------------------------------------ closing

    def reject(self) -> None:
        """Esc during an export cancels it; the dialog stays to say so."""
        if self.running:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def done(self, result: int) -> None:
        if self.worker is not None:  # never let a running thread outlive its dialog
            self.worker.cancel()
            self.worker.wait()
        super().done(result)

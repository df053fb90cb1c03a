"""What the review window shows fits where it is shown: the document title ends in "…" rather
than being cut mid-letter or widening the window, and the agreement tables' headers are whole."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QTableWidget
from pytestqt.qtbot import QtBot

from annotator.gui.elided_label import ElidedLabel
from annotator.store.setup import create_project

sys.path.insert(0, str(Path(__file__).parent))
from test_review import build_review, code_two_coders

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")
TITLE = "Russia admits support for Syrian regime attacks in Idlib despite Sochi deal"


def test_an_elided_label_keeps_its_text_and_shows_what_fits(qtbot: QtBot) -> None:
    label = ElidedLabel(TITLE)
    qtbot.addWidget(label)
    label.resize(120, 30)
    label.show()
    assert label.text().endswith("…") and len(label.text()) < len(TITLE)
    assert label.full_text() == TITLE
    assert label.minimumSizeHint().width() < label.sizeHint().width()
    label.resize(label.sizeHint().width() + 10, 30)
    assert label.text() == TITLE


def headers_fit(table: QTableWidget) -> bool:
    header = table.horizontalHeader()
    return all(
        header.sectionSizeFromContents(i).width() <= header.sectionSize(i)
        for i in range(header.count())
    )


def test_the_review_header_and_agreement_tables_fit(qtbot: QtBot, tmp_path: Path) -> None:
    project = create_project(tmp_path / "layout.annot")
    code_two_coders(project)
    window = build_review(qtbot, project)
    QApplication.processEvents()
    assert window.doc_header.text() == TITLE  # whole at the README's 1500 × 900
    for page in (window.dashboard.document, window.dashboard.project):
        assert headers_fit(page.labels), "an agreement-by-label header is cut"
        assert headers_fit(page.pairs), "an agreement-by-pair header is cut"
    window.resize(1000, 800)
    QApplication.processEvents()
    assert window.width() == 1000  # the title gave way, the window did not grow
    assert window.doc_header.text().endswith("…")
    assert window.gold_state.isVisible() and window.gold_state.text().startswith("gold: ")
    assert TITLE in window.doc_header.toolTip()
    window.close()
    project.close()

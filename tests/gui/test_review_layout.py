"""What the review window shows fits where it is shown: the document title ends in "…" rather
than being cut mid-letter or widening the window, and the agreement tables' headers are whole."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDockWidget,
    QMainWindow,
    QMenu,
    QTableWidget,
)
from pytestqt.qtbot import QtBot

from annotator.gui.elided_label import ElidedLabel
from annotator.gui.review import open_review_window
from annotator.store.setup import create_project

from helpers.review import build_review, code_two_coders
from helpers.window import build_window, make_project, temp_prefs

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


def close_button(dock: QDockWidget) -> QAbstractButton:
    button = dock.findChild(QAbstractButton, "qt_dockwidget_closebutton")
    assert button is not None
    return button


def view_toggle(window: QMainWindow, title: str) -> QAction:
    view = window.menuBar().findChild(QMenu, "menu.View")
    assert view is not None
    return next(a for a in view.actions() if a.text().replace("&", "") == title)


def test_review_opens_large_remembers_its_size_and_panels_come_back(
    qtbot: QtBot, tmp_path: Path
) -> None:
    project = create_project(tmp_path / "layout.annot")
    code_two_coders(project)
    prefs = temp_prefs(tmp_path)
    window = open_review_window(project, "carol", prefs=prefs)
    qtbot.addWidget(window)
    screen = window.screen().availableGeometry()
    # as large as the screen allows (the offscreen screen is smaller than the default size)
    assert window.width() >= min(1600, screen.width() * 9 // 10)
    assert window.height() >= min(950, screen.height() * 9 // 10)
    assert window.width() <= screen.width() and window.height() <= screen.height()
    window.show()
    # a closed panel comes back from the View menu, one toggle per panel
    for title, dock in (
        ("Documents", window.docks["documents"]),
        ("Agreement", window.docks["agreement"]),
    ):
        qtbot.mouseClick(close_button(dock), Qt.MouseButton.LeftButton)
        assert not dock.isVisible()
        toggle = view_toggle(window, title)
        assert not toggle.isChecked()
        toggle.trigger()
        assert dock.isVisible()
    window.resize(700, 650)
    window.close()
    again = open_review_window(project, "carol", prefs=prefs)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (700, 650)
    again.close()
    project.close()


def test_coding_window_panels_come_back_from_the_view_menu(qtbot: QtBot, tmp_path: Path) -> None:
    window = build_window(qtbot, make_project(tmp_path), temp_prefs(tmp_path))
    titles = {
        "documents": "Documents",
        "palette": "Codebook",
        "attributes": "Attributes",
        "event": "Event Frame",
        "annotations": "Annotations",
    }
    for name, title in titles.items():
        dock = window.docks[name]
        qtbot.mouseClick(close_button(dock), Qt.MouseButton.LeftButton)
        assert not dock.isVisible()
        view_toggle(window, title).trigger()
        assert dock.isVisible()
    window.close()
    window.session.project.close()

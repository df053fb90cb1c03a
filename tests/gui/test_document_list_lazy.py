"""The coding window's document list is read a page at a time (docs/team.md, "Scale"): scrolling,
next/previous document, "done then advance" and search reach rows not read yet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, text

from annotator.gui import document_pages
from annotator.gui.main_window import MainWindow
from annotator.store import queries
from annotator.store.assign import AssignPlan, assign
from annotator.store.engine import Project

from helpers.window import build_window, make_project, temp_prefs

EXTRA = 298  # with the seed and Aleppo: 300 documents
PAGE = 25


@pytest.fixture
def many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """300 documents ("Report 3" ... "Report 300" after the two of make_project)."""
    monkeypatch.setattr(document_pages, "PAGE", PAGE)
    path = make_project(tmp_path)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        for i in range(3, 3 + EXTRA):
            body = f"Report {i}\n\nShelling was reported in district {i} on Sunday.\n"
            conn.execute(
                text(
                    "INSERT INTO document (ext_id, sha256, title, source, url, published, "
                    "language, meta, text, length, created_at) VALUES (:e, :h, :t, '', '', '', "
                    "'en', '{}', :b, :n, CURRENT_TIMESTAMP)"
                ),
                {"e": f"r{i:03}", "h": f"sha{i}", "t": f"Report {i}", "b": body, "n": len(body)},
            )
    engine.dispose()
    return path


def open_window(qtbot: QtBot, tmp_path: Path, path: Path, advance: bool = False) -> MainWindow:
    prefs = temp_prefs(tmp_path)
    prefs.advance_after_done = advance
    return build_window(qtbot, path, prefs, "alice")


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path, many: Path) -> Iterator[MainWindow]:
    w = open_window(qtbot, tmp_path, many)
    yield w
    w.close()
    w.session.project.close()


def all_ids(path: Path) -> list[int]:
    project = Project.open(path)
    try:
        return queries.document_ids(project)
    finally:
        project.close()


def selected_row(window: MainWindow) -> int:
    rows = window.documents.view.selectionModel().selectedRows()
    assert len(rows) == 1
    return rows[0].row()


def ctrl(qtbot: QtBot, window: MainWindow, key: Qt.Key, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(window.view, key, Qt.KeyboardModifier.ControlModifier)


def test_only_the_first_pages_are_read_and_scrolling_reads_the_rest(
    qtbot: QtBot, window: MainWindow, many: Path
) -> None:
    docs = window.documents
    shown = docs.model.rowCount()
    assert PAGE <= shown < 300  # the view asks for more only to fill itself
    assert docs.progress.text() == "0 of 300 done"  # counted in SQL, not over the rows read
    view = docs.view
    view.setFocus()
    for _ in range(30):  # Ctrl+End: to the last row read; the view then reads the next page
        qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        if docs.model.rowCount() == 300:
            break
    assert docs.model.rowCount() == 300
    assert docs.model.ids == all_ids(many)
    last = docs.proxy.index(299, 0)
    assert last.data() == "Report 300"


def test_next_and_previous_document_go_past_the_rows_read(
    qtbot: QtBot, window: MainWindow, many: Path
) -> None:
    ids = all_ids(many)
    s = window.session
    assert s.document is not None and s.document.id == ids[0]
    read = window.documents.model.rowCount()
    ctrl(qtbot, window, Qt.Key.Key_BracketRight, read + 10)
    assert s.document.id == ids[read + 10]
    assert window.documents.model.rowCount() > read + 10
    assert selected_row(window) == read + 10
    ctrl(qtbot, window, Qt.Key.Key_BracketLeft, 3)
    assert s.document.id == ids[read + 7]
    assert selected_row(window) == read + 7


def test_done_then_advance_opens_the_next_unfinished_one_further_down(
    qtbot: QtBot, tmp_path: Path, many: Path
) -> None:
    ids = all_ids(many)
    engine = create_engine(f"sqlite:///{many}")
    with engine.begin() as conn:
        alice = conn.execute(
            text(
                "INSERT INTO coder (name, created_at) VALUES ('alice', CURRENT_TIMESTAMP) "
                "RETURNING id"
            )
        ).scalar_one()
        for d in ids[1:120]:  # done already: the next unfinished one after the first is ids[120]
            conn.execute(
                text(
                    "INSERT INTO document_status (document_id, coder_id, status, note, "
                    "updated_at) VALUES (:d, :c, 'done', '', CURRENT_TIMESTAMP)"
                ),
                {"d": d, "c": alice},
            )
    engine.dispose()
    window = open_window(qtbot, tmp_path, many, advance=True)
    s = window.session
    assert s.document is not None and s.document.id == ids[0]
    assert window.documents.progress.text() == "119 of 300 done"
    assert window.documents.model.rowCount() < 120
    ctrl(qtbot, window, Qt.Key.Key_Return)  # done, then the next unfinished document
    assert s.document.id == ids[120]
    assert selected_row(window) == 120
    assert window.documents.progress.text() == "120 of 300 done"
    window.close()
    window.session.project.close()


def test_search_runs_in_the_database_and_its_row_stays_current_after(
    qtbot: QtBot, window: MainWindow, many: Path
) -> None:
    ids = all_ids(many)
    docs = window.documents
    qtbot.keyClicks(docs.search, "report 25")  # 25 and 250 ... 259
    qtbot.waitUntil(lambda: docs.model.rowCount() == 11)
    assert [docs.proxy.index(r, 0).data() for r in (0, 1, 10)] == [
        "Report 25",
        "Report 250",
        "Report 259",
    ]
    index = docs.proxy.index(3, 0)  # Report 252, far below the rows the full list has read
    qtbot.mouseClick(
        docs.view.viewport(), Qt.MouseButton.LeftButton, pos=docs.view.visualRect(index).center()
    )
    s = window.session
    assert s.document is not None and s.document.title == "Report 252"
    docs.search.clear()
    qtbot.waitUntil(lambda: docs.model.rowCount() > 11)
    assert selected_row(window) == ids.index(s.document.id)
    ctrl(qtbot, window, Qt.Key.Key_BracketRight)
    assert s.document.title == "Report 253"


def test_a_coders_queue_is_listed_lazily_and_a_solo_coder_sees_every_document(
    qtbot: QtBot, tmp_path: Path, many: Path
) -> None:
    ids = all_ids(many)
    project = Project.open(many)
    ext = {d: queries.document(project, d).ext_id for d in ids[::3]}
    assign(project, AssignPlan(coders=["alice"], documents=list(ext.values())))
    project.close()
    window = open_window(qtbot, tmp_path, many)
    docs = window.documents
    assert docs.progress.text() == "0 of 100 done"
    assert docs.model.rowCount() < 100
    assert set(docs.model.ids) <= set(ext)
    ctrl(qtbot, window, Qt.Key.Key_BracketRight, 60)
    assert window.session.document is not None and window.session.document.id == ids[::3][60]
    window.set_coder("bob")  # nothing assigned to bob: every document, still a page at a time
    assert docs.progress.text() == "0 of 300 done"
    assert docs.model.rowCount() < 300
    assert docs.model.ids == ids[: docs.model.rowCount()]
    window.close()
    window.session.project.close()

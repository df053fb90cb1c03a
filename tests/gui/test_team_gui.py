"""Queues, the progress view, and a team project's window (identity = login, roles gate review)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.gui import progress_view, team_login
from annotator.gui.export_dialog import ExportDialog
from annotator.gui.main_window import MainWindow
from annotator.gui.progress_view import ProgressView
from annotator.store import queries, services
from annotator.store.assign import AssignPlan, assign
from annotator.store.engine import Project, ProjectError
from annotator.store.errors import DatabaseError

from helpers.window import build_window, make_project, temp_prefs

THIRD = "Shelling in Gao\n\nTwo soldiers were killed in Gao on Monday.\n"


@pytest.fixture
def assigned(tmp_path: Path) -> Iterator[Path]:
    """Three articles: the seed and Aleppo to alice and bob, Gao to bob only."""
    path = make_project(tmp_path, {"002_gao.txt": THIRD})
    project = Project.open(path)
    ids = {queries.document(project, d).ext_id: d for d in queries.document_ids(project)}
    seed, aleppo, gao = sorted(ids)
    assign(project, AssignPlan(coders=["alice", "bob"], per_document=2, documents=[seed, aleppo]))
    assign(project, AssignPlan(coders=["bob"], documents=[gao]))
    project.close()
    yield path


def read(view: ProgressView, n: int) -> bool:
    """The view's read has ended (its thread too), having shown figures ``n`` times."""
    return view.reading is None and view.reads == n


def test_a_coders_list_is_their_queue_unfinished_first(
    qtbot: QtBot, tmp_path: Path, assigned: Path
) -> None:
    project = Project.open(assigned)
    seed, aleppo, _gao = queries.document_ids(project)
    services.set_status(project, "alice", seed, "done")
    project.close()
    window = build_window(qtbot, assigned, temp_prefs(tmp_path), "alice")
    s = window.session
    assert list(s.summaries) == [aleppo, seed]  # Gao is not hers; the done one comes last
    assert s.document is not None and s.document.id == aleppo
    qtbot.keyClick(window.view, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    assert s.document.id == seed
    window.close()
    window.session.project.close()


def test_the_progress_view_draws_coders_review_queue_and_agreement(
    qtbot: QtBot, tmp_path: Path, assigned: Path
) -> None:
    project = Project.open(assigned)
    seed, aleppo, _gao = queries.document_ids(project)
    text = queries.document(project, aleppo).text
    start = text.index("Aleppo on Friday")
    for coder in ("alice", "bob"):
        services.create_annotation(project, coder, aleppo, "LOCATION", start, start + 6)
        services.set_status(project, coder, aleppo, "done")
    services.create_annotation(project, "alice", seed, "ACTOR", 0, 3)
    project.close()
    window = build_window(qtbot, assigned, temp_prefs(tmp_path), "lead")
    qtbot.keyClick(
        window.view,
        Qt.Key.Key_G,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    view = window.findChild(ProgressView)
    assert view is not None and view.isVisible()
    qtbot.waitUntil(lambda: read(view, 1), timeout=60_000)  # read off the GUI thread
    assert view.refresh_button.isEnabled() and view.status.text() == ""
    assert view.bars.rows == [("alice", 2, 2, 1), ("bob", 3, 1, 1)]
    assert [view.ready.item(i).text() for i in range(view.ready.count())] == [
        "Clashes in Aleppo  (alice, bob)"
    ]
    assert view.summary.text() == "3 documents: 2 waiting, 1 ready, 0 adjudicated, 0 stale"
    [pair] = view.agreement.pairs
    assert (pair.coders, pair.documents, pair.f1) == (("alice", "bob"), 1, 1.0)
    image = view.grab().toImage()
    assert not image.isNull() and image.width() > 300
    # a later change shows after Refresh
    services.set_status(window.session.project, "bob", seed, "done")
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    assert not view.refresh_button.isEnabled()  # one read at a time
    assert view.status.text() == "Reading the project…"
    qtbot.waitUntil(lambda: read(view, 2), timeout=60_000)
    assert view.bars.rows[1] == ("bob", 3, 2, 2)
    assert view.refresh_button.isEnabled()
    view.close()
    window.close()
    window.session.project.close()


def test_the_progress_view_says_in_one_line_why_it_could_not_read(
    qtbot: QtBot, tmp_path: Path, assigned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = build_window(qtbot, assigned, temp_prefs(tmp_path), "lead")

    def unreadable(*_a: object, **_k: object) -> None:
        raise DatabaseError("database error, nothing was changed: the server went away")

    monkeypatch.setattr(progress_view, "progress", unreadable)
    qtbot.keyClick(
        window.view,
        Qt.Key.Key_G,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    view = window.findChild(ProgressView)
    assert view is not None
    qtbot.waitUntil(lambda: read(view, 0), timeout=60_000)
    assert view.status.text() == (
        "Not read: database error, nothing was changed: the server went away"
    )
    assert view.reads == 0
    monkeypatch.undo()  # the server is back: Refresh reads
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: read(view, 1), timeout=60_000)
    assert view.status.text() == "" and view.bars.rows
    view.close()
    window.close()
    window.session.project.close()


def test_the_password_is_asked_for_when_the_server_wants_one() -> None:
    tries: list[str] = []
    asked: list[bool] = []

    def opener(url: str) -> Project:
        tries.append(url)
        if "right" not in url:
            raise ProjectError("x: cannot open database (fe_sendauth: no password supplied)")
        return "opened"  # type: ignore[return-value]

    answers = iter(["wrong", "right"])

    def ask(_target: str, _parent: object, again: bool) -> str | None:
        asked.append(again)
        return next(answers)

    url = "postgresql+psycopg://ann@db.example/proj"
    assert team_login.open_project(url, None, ask, opener) == "opened"
    assert asked == [False, True]
    assert tries == [url, url.replace("ann@", "ann:wrong@"), url.replace("ann@", "ann:right@")]
    assert team_login.open_project(url, None, lambda *_a: None, opener) is None  # cancelled

    def broken(url: str) -> Project:
        raise ProjectError("x: cannot open database (connection refused)")

    with pytest.raises(ProjectError, match="connection refused"):
        team_login.open_project(url, None, ask, broken)


def open_export(qtbot: QtBot, window: MainWindow) -> ExportDialog:
    qtbot.keyClick(window.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(ExportDialog)
    assert dialog is not None
    return dialog

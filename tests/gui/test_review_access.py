"""Review mode opens from the coding window, for reviewers only."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from annotator.cli import main
from annotator.gui.main_window import MainWindow
from annotator.gui.review import ReviewWindow
from annotator.store import services


def review_windows() -> list[ReviewWindow]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, ReviewWindow) and w.isVisible()
    ]


def test_only_listed_reviewers_open_review_mode(qtbot: QtBot, window: MainWindow) -> None:
    project = window.session.project
    services.set_reviewers(project, ["bob"])
    qtbot.keyClick(
        window,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert review_windows() == []
    assert "Only reviewers (bob)" in window.status.message.text()

    services.set_reviewers(project, ["alice", "bob"])
    window.open_review()
    [review] = review_windows()
    qtbot.addWidget(review)
    review.close()


def test_without_a_list_the_coder_confirms(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    window.open_review()
    assert review_windows() == []
    window.open_review()
    [review] = review_windows()
    qtbot.addWidget(review)
    review.close()


def test_reviewers_command(window: MainWindow, capsys: pytest.CaptureFixture[str]) -> None:
    url = window.session.project.url
    assert main(["reviewers", url]) == 0
    assert "anyone" in capsys.readouterr().out
    assert main(["reviewers", url, "--add", "carol", "--add", "dan"]) == 0
    assert main(["reviewers", url, "--remove", "dan"]) == 0
    assert capsys.readouterr().out.strip().endswith("reviewers: carol")
    assert services.reviewers(window.session.project) == ["carol"]
    with pytest.raises(SystemExit):
        main(["reviewers", url, "--add", "gold"])

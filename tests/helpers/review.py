"""A review window over two coders' work on the seed article, and driving it by keys.

``work`` and ``window`` are fixtures; a review test module takes them with
``work = review.work`` and ``window = review.window``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from annotator.core.records import GOLD, Annotation
from annotator.gui.review import ReviewWindow, open_review_window
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.setup import create_project

from helpers.paths import SEED

Mod = Qt.KeyboardModifier


@dataclass
class Work:
    """Two coders' work on the seed article: span ids by (coder, name)."""

    project: Project
    doc: int
    text: str
    ids: dict[tuple[str, str], int] = field(default_factory=dict)

    def at(self, needle: str, after: str = "") -> tuple[int, int]:
        start = self.text.index(needle, self.text.index(after) if after else 0)
        return start, start + len(needle)

    def uid(self, coder: str, name: str) -> str:
        a = queries.annotation(self.project, self.ids[(coder, name)])
        assert a is not None
        return f"{coder}:{a.uid}"

    def gold(self) -> list[Annotation]:
        return queries.annotations(self.project, self.doc, [GOLD])

    def gold_rows(self) -> set[tuple[str, str, str]]:
        """(label, words, provenance) of every live gold span."""
        return {(g.label, self.text[g.start : g.end], g.source_uid) for g in self.gold()}


def code_two_coders(project: Project) -> Work:
    """alice and bob on the seed article: an agreed EVENT "attack" with its agreed actor1
    "Syrian regime"; CASUALTY "15 civilians" (alice) vs "15" (bob), each the event's casualties
    (boundary); "Idlib" LOCATION vs ACTOR (label); DATE "Sunday" by alice only (missing span);
    CASUALTY "more than 600" best 600 vs 6000 (number)."""
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    work = Work(project, doc, queries.document(project, doc).text)
    killed = "Syrian regime attack killed"

    def add(coder: str, name: str, label: str, span: tuple[int, int], **attrs: object) -> int:
        change = services.create_annotation(project, coder, doc, label, *span, attrs)
        work.ids[(coder, name)] = change.created_id
        return change.created_id

    for coder in ("alice", "bob"):
        event = add(
            coder,
            "event",
            "EVENT",
            work.at("attack", killed),
            event_type="violence_against_civilians",
        )
        actor = add(
            coder, "actor", "ACTOR", work.at("Syrian regime", killed), category="state_forces"
        )
        fifteen = work.at("15 civilians" if coder == "alice" else "15", killed)
        casualty = add(
            coder, "fifteen", "CASUALTY", fifteen, kind="killed", best=15, count_scope="event"
        )
        add(
            coder,
            "idlib",
            "LOCATION" if coder == "alice" else "ACTOR",
            work.at("Idlib", "northwestern"),
        )
        if coder == "alice":
            add(coder, "sunday", "DATE", work.at("Sunday", "regime came on"))
        best = 600 if coder == "alice" else 6000
        add(
            coder,
            "600",
            "CASUALTY",
            work.at("more than 600"),
            kind="killed",
            best=best,
            count_scope="cumulative",
        )
        services.create_link(project, coder, event, "actor1", actor)
        services.create_link(project, coder, event, "casualties", casualty)
    return work


def build_review(qtbot: QtBot, project: Project) -> ReviewWindow:
    window = open_review_window(project, "carol")
    qtbot.addWidget(window)
    window.resize(1500, 900)
    with qtbot.waitActive(window):  # keys reach shortcuts only in the active window
        window.show()
        window.activateWindow()
    window.list.table.setFocus()
    return window


@pytest.fixture
def work(tmp_path: Path) -> Iterator[Work]:
    project = create_project(tmp_path / "review.annot")
    yield code_two_coders(project)
    project.close()


@pytest.fixture
def window(qtbot: QtBot, work: Work) -> Iterator[ReviewWindow]:
    w = build_review(qtbot, work.project)
    yield w
    w.close()


def press(qtbot: QtBot, window: ReviewWindow, key: Qt.Key | str, mod: Mod = Mod.NoModifier) -> None:
    target = QApplication.focusWidget()
    qtbot.keyClick(target if isinstance(target, QWidget) else window.list.table, key, mod)
    QApplication.processEvents()


def current(window: ReviewWindow) -> tuple[str, str]:
    row = window.list.current()
    assert row is not None
    return row.difference.kind, window.session.review.document.text[row.unit.start : row.unit.end]  # type: ignore[union-attr]


def shown_progress(window: ReviewWindow) -> tuple[int, int]:
    return window.progress.value(), window.progress.maximum()

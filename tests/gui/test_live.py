"""Open windows show what another process commits, without a restart, and without moving the
coder's cursor, selection or undo history (docs/team.md, "Live windows").

The "other process" is a second ``Project`` on the same file (its own engine and connections);
the window notices through its watcher's timer. Waits are on conditions, never on time.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.core.codebook import Codebook, codebook_from_dict
from annotator.core.records import GOLD
from annotator.gui import live as live_module
from annotator.gui.main_window import MainWindow
from annotator.gui.review import ReviewWindow
from annotator.store import adjudication, queries, services
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.setup import create_demo, install_codebook

from helpers.postgres import PG_URL, reset_postgres
from helpers.review import Work, build_review, code_two_coders
from helpers.window import build_window, code, open_seed, temp_prefs

WAIT_MS = 20_000  # generous: a loaded machine may be slow; the window must get there


@pytest.fixture
def coding(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[MainWindow, Project]]:
    from helpers.window import make_project

    path = make_project(tmp_path)
    window = build_window(qtbot, path, temp_prefs(tmp_path))
    other = Project.open(path)
    yield window, other
    other.close()
    window.close()
    window.session.project.close()


def test_a_document_imported_elsewhere_appears_and_nothing_moves(
    qtbot: QtBot, coding: tuple[MainWindow, Project], tmp_path: Path
) -> None:
    window, other = coding
    open_seed(window)
    code(qtbot, window, "Syrian regime", "a")
    window.view.select_cp(10, 25)
    stack = window.session.undo.stack(window.session.document.id)  # type: ignore[union-attr]
    undo_steps, open_doc = stack.count(), window.session.document.id  # type: ignore[union-attr]
    before = len(window.documents.model.ids)

    article = tmp_path / "002_homs.txt"
    article.write_text("Shelling in Homs\n\nThree people were killed in Homs.\n", encoding="utf-8")
    import_paths(other, [article])

    qtbot.waitUntil(lambda: len(window.documents.model.ids) == before + 1, timeout=WAIT_MS)
    assert queries.document_ids(other)[-1] in window.documents.model.ids
    assert window.session.document.id == open_doc  # type: ignore[union-attr]
    assert window.view.selection_cp() == (10, 25)
    assert stack.count() == undo_steps and stack.canUndo()


def test_a_document_marked_done_elsewhere_shows_done(
    qtbot: QtBot, coding: tuple[MainWindow, Project]
) -> None:
    window, other = coding
    open_seed(window)
    doc = window.session.document.id  # type: ignore[union-attr]
    services.set_status(other, "alice", doc, "done")
    qtbot.waitUntil(lambda: window.session.status == "done", timeout=WAIT_MS)
    assert window.session.summaries[doc].status == "done"
    assert "1 of" in window.documents.progress.text()
    services.set_status(other, "alice", doc, "in_progress")  # reopened elsewhere
    qtbot.waitUntil(lambda: window.session.status == "in_progress", timeout=WAIT_MS)


def test_a_new_codebook_version_elsewhere_reaches_the_palette(
    qtbot: QtBot, coding: tuple[MainWindow, Project]
) -> None:
    window, other = coding
    old = other.codebook
    data = copy.deepcopy(dict(old.raw))
    weapon = copy.deepcopy(next(lab for lab in data["labels"] if lab["name"] == "SOURCE"))
    weapon.update(name="WEAPON", key="w", color="#444444", attributes=[], examples=[])
    data["labels"].append(weapon)
    data["version"] = old.version + 1
    install_codebook(other, codebook_from_dict(data))
    qtbot.waitUntil(lambda: "WEAPON" in window.label_palette.buttons, timeout=WAIT_MS)
    assert window.session.codebook.version == old.version + 1


class Clock:
    """``time`` for the live module: what ``monotonic`` says is up to the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


def with_label(old: Codebook, name: str, key: str, version: int) -> Codebook:
    data = copy.deepcopy(dict(old.raw))
    label = copy.deepcopy(next(lab for lab in data["labels"] if lab["name"] == "SOURCE"))
    label.update(name=name, key=key, color="#444444", attributes=[], examples=[])
    data["labels"].append(label)
    data["version"] = version
    return codebook_from_dict(data)


def test_a_codebook_version_read_between_two_refreshes_still_reaches_the_palette(
    qtbot: QtBot, coding: tuple[MainWindow, Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second writer publishes two versions. The second is noticed while refreshes are held
    back (at most one a second) and something in the window reads the codebook before the next
    refresh: the palette, the form and the notice still follow the newest version, and the
    coder's cursor, selection and undo history stay."""
    window, other = coding
    clock = Clock()
    monkeypatch.setattr(live_module, "time", clock)
    open_seed(window)
    code(qtbot, window, "Syrian regime", "a")
    window.view.select_cp(10, 25)
    doc = window.session.document.id  # type: ignore[union-attr]
    stack = window.session.undo.stack(doc)
    undo_steps = stack.count()
    notices: list[str] = []
    window.session.notice.connect(lambda text, _error: notices.append(text))
    project = window.session.project
    forgotten: list[int] = []
    forget = project.forget_codebook

    def noted_forget() -> None:
        forget()
        forgotten.append(1)

    monkeypatch.setattr(project, "forget_codebook", noted_forget)

    old = other.codebook
    install_codebook(other, with_label(old, "WEAPON", "w", old.version + 1))
    qtbot.waitUntil(lambda: "WEAPON" in window.label_palette.buttons, timeout=WAIT_MS)
    # the second version is noticed within the second after that refresh: held back
    install_codebook(other, with_label(other.codebook, "VEHICLE", "v", old.version + 2))
    qtbot.waitUntil(lambda: len(forgotten) == 2, timeout=WAIT_MS)
    assert "VEHICLE" not in window.label_palette.buttons
    assert window.session.codebook.version == old.version + 2  # read meanwhile, e.g. a paint
    clock.now += 2  # the next refresh is due
    qtbot.waitUntil(lambda: "VEHICLE" in window.label_palette.buttons, timeout=WAIT_MS)
    assert f"Codebook is now {old.name} v{old.version + 2}." in notices
    assert window.session.document.id == doc  # type: ignore[union-attr]
    assert window.view.selection_cp() == (10, 25)
    assert stack.count() == undo_steps and stack.canUndo()


@pytest.fixture
def review(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[ReviewWindow, Work, Project]]:
    from annotator.store.setup import create_project

    project = create_project(tmp_path / "review.annot")
    work = code_two_coders(project)
    window = build_review(qtbot, project)
    other = Project.open(project.url)
    yield window, work, other
    other.close()
    window.close()
    project.close()


def test_another_reviewers_decision_shows_in_gold(
    qtbot: QtBot, review: tuple[ReviewWindow, Work, Project]
) -> None:
    window, work, other = review
    undo_steps = window.session.undo.stack(work.doc).count()
    current = window.list.current_index()
    actor = work.ids[("alice", "actor")]
    change = adjudication.accept(other, "dave", [actor])
    [gold_id] = change.annotations

    def shown() -> bool:
        review_now = window.session.review
        return review_now is not None and any(g.id == gold_id for g in review_now.gold)

    qtbot.waitUntil(shown, timeout=WAIT_MS)
    assert window.gold.view.annotation(gold_id) is not None  # drawn in the gold column
    assert window.session.undo.stack(work.doc).count() == undo_steps
    assert window.list.current_index() == current
    assert [g.id for g in queries.annotations(other, work.doc, [GOLD])] == [gold_id]


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured (ANNOTATOR_TEST_PG_URL)")
def test_on_postgres_a_window_hears_of_an_import_and_a_status_elsewhere(
    qtbot: QtBot, tmp_path: Path
) -> None:
    reset_postgres(PG_URL)
    create_demo(PG_URL).close()
    window = build_window(qtbot, PG_URL, temp_prefs(tmp_path))  # type: ignore[arg-type]
    other = Project.open(PG_URL)
    try:
        open_seed(window)
        doc = window.session.document.id  # type: ignore[union-attr]
        before = len(window.documents.model.ids)
        article = tmp_path / "002_homs.txt"
        article.write_text("Shelling in Homs\n\nThree were killed in Homs.\n", encoding="utf-8")
        import_paths(other, [article])
        qtbot.waitUntil(lambda: len(window.documents.model.ids) == before + 1, timeout=WAIT_MS)
        services.set_status(other, "alice", doc, "done")
        qtbot.waitUntil(lambda: window.session.status == "done", timeout=WAIT_MS)
        assert window.session.document.id == doc  # type: ignore[union-attr]
    finally:
        other.close()
        window.live.stop()
        window.close()
        window.session.project.close()


def test_an_unreadable_project_pauses_live_updates_in_one_line_and_a_closed_window_stops(
    qtbot: QtBot, coding: tuple[MainWindow, Project], monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.gui import live
    from annotator.store.errors import DatabaseError

    window, other = coding
    live_window = window.live
    notices: list[tuple[str, bool]] = []
    window.session.notice.connect(lambda text, error: notices.append((text, error)))

    def gone(*_args: object) -> tuple[object, ...]:
        # the store's own wording of a failed read (Project.read/connect translate it)
        raise DatabaseError("database error, nothing was changed: unable to open database")

    monkeypatch.setattr(live, "documents_fingerprint", gone)
    services.register_coder(other, "zoe")  # something changed: the window looks
    qtbot.waitUntil(lambda: any("paused" in text for text, _ in notices), timeout=WAIT_MS)
    text, error = next(n for n in notices if "paused" in n[0])
    assert error and "\n" not in text and "unable to open database" in text
    monkeypatch.undo()
    services.register_coder(other, "yann")
    qtbot.waitUntil(lambda: any("resumed" in text for text, _ in notices), timeout=WAIT_MS)
    window.close()
    qtbot.waitUntil(lambda: not live_window.timer.isActive(), timeout=WAIT_MS)

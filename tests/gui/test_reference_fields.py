"""The actor and place fields complete from the registry and the gazetteer, by keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from annotator.gui.main_window import MainWindow
from annotator.store import queries, registry

from helpers.window import code, open_seed, press

ANCHOR = "The most recent assistance"


def line(window: MainWindow, name: str) -> QLineEdit:
    field = window.form.field(name)
    assert field is not None and isinstance(field.widget, QLineEdit)
    return field.widget


def type_and_pick(qtbot: QtBot, edit: QLineEdit, typed: str, last: bool = False) -> list[str]:
    """Type into the field, then choose the popup's first (or last) row with the arrow keys."""
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(edit, typed)
    completer = edit.completer()
    popup = completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=10_000)
    model = completer.model()
    rows = [model.index(i, 0).data() for i in range(model.rowCount())]
    for _ in range(len(rows) if last else 1):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    return rows


def stored(window: MainWindow, ann_id: int) -> dict[str, object]:
    ann = queries.annotation(window.session.project, ann_id)
    assert ann is not None
    return dict(ann.attributes)


def test_actor_field_completes_from_names_and_aliases(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    regime = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    rows = type_and_pick(qtbot, line(window, "actor"), "assad regim")
    assert rows[0] == "Military Forces of Syria (2000-)  ← Assad regime"
    assert stored(window, regime.id)["actor"] == "Military Forces of Syria (2000-)"
    qtbot.waitUntil(lambda: line(window, "actor").text() == "Military Forces of Syria (2000-)")


def test_a_new_actor_is_added_on_the_spot(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    helmets = code(qtbot, window, "White Helmets", "a")
    rows = type_and_pick(qtbot, line(window, "actor"), "Syria Civil Defence", last=True)
    # not in the registry: the last row offers to add it
    assert rows[-1] == "+ Add “Syria Civil Defence” to the registry"
    assert stored(window, helmets.id)["actor"] == "Syria Civil Defence"
    assert "Syria Civil Defence" in {a.name for a in registry.actors(window.session.project)}


def test_place_field_completes_from_the_gazetteer(qtbot: QtBot, window: MainWindow) -> None:
    # only the project's own places here: the built-in gazetteer is not assembled in this test
    window.references._building = True
    open_seed(window)
    zita = code(qtbot, window, "Kefer Zita", "l")
    rows = type_and_pick(qtbot, line(window, "geonames_id"), "Kefer Zita")
    assert rows[0] == "Kafr Zaytā (Hama, SY) · PPL · 168620"
    assert stored(window, zita.id)["geonames_id"] == "168620"
    assert stored(window, zita.id)["geo_precision"] == 1  # a populated place


def test_other_mentions_are_suggested_and_accepted_by_keys(
    qtbot: QtBot, window: MainWindow
) -> None:
    from sqlmodel import select

    from annotator.store.tables import AuditEntry

    open_seed(window)
    text = window.session.document.text  # type: ignore[union-attr]
    regime = code(qtbot, window, "Syrian regime", "a", after=ANCHOR)
    type_and_pick(qtbot, line(window, "actor"), "syrian regime")
    pending = window.suggestions.items
    # the registry's spellings of the Syrian forces elsewhere in the article, nothing written yet
    expected = (
        sum(text.count(w) for w in ("Syrian regime", "Assad regime", "Syrian army")) - 1
    )  # the span just coded
    assert len(pending) >= expected > 3
    assert len(window.session.annotations) == 1
    window.view.setFocus()
    first = pending[0]
    press(qtbot, window, "Y", Qt.KeyboardModifier.AltModifier)
    accepted = [a for a in window.session.annotations.values() if a.start == first.start]
    assert (
        len(accepted) == 1 and accepted[0].attributes["actor"] == "Military Forces of Syria (2000-)"
    )
    left = len(window.suggestions.items)
    press(qtbot, window, "N", Qt.KeyboardModifier.AltModifier)  # not this one
    assert len(window.suggestions.items) == left - 1
    press(qtbot, window, "Y", Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.suggestions.items == []
    assert len(window.session.annotations) == 1 + 1 + (left - 1)
    with window.session.project.read() as s:
        actions = s.exec(select(AuditEntry.action)).all()
    assert actions.count("accept_suggestion") == 1 + (left - 1)
    # accepting them all was one step: one undo takes all of them back
    press(qtbot, window, "Z", Qt.KeyboardModifier.ControlModifier)
    assert len(window.session.annotations) == 2
    assert regime.id in window.session.annotations


def test_tag_all_occurrences_of_a_span(qtbot: QtBot, window: MainWindow) -> None:
    open_seed(window)
    text = window.session.document.text  # type: ignore[union-attr]
    idlib = code(qtbot, window, "Idlib", "l", after="The attack")
    window.session.select(idlib.id)
    window.view.setFocus()
    press(
        qtbot, window, "A", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert len(window.suggestions.items) == text.count("Idlib") - 1
    press(qtbot, window, "Y", Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    spans = [a for a in window.session.annotations.values() if a.label == "LOCATION"]
    assert len(spans) == text.count("Idlib")


def test_a_gazetteer_that_cannot_be_built_is_one_line_and_project_places_stay(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.core.places import GazetteerError
    from annotator.store import gazetteer

    def full_disk(path: Path) -> Path:
        raise GazetteerError(f"{path.parent}: cannot build the built-in gazetteer (disk full)")

    monkeypatch.setenv("ANNOTATOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(gazetteer, "build_builtin", full_disk)
    open_seed(window)
    code(qtbot, window, "Kefer Zita", "l")
    edit = line(window, "geonames_id")
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(edit, "Kefer")
    qtbot.waitUntil(
        lambda: (
            "cannot build the built-in gazetteer (disk full); only the project's places"
            in window.status.message.text()
        ),
        timeout=10_000,
    )
    qtbot.keyClicks(edit, " Zita")  # the project's own places are still offered
    model = edit.completer().model()
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)
    assert model.index(0, 0).data() == "Kafr Zaytā (Hama, SY) · PPL · 168620"

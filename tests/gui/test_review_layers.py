"""Four coders: their layers one at a time next to gold, switched by Alt+digits, toggled with
side by side by Ctrl+L; the digits keep accepting coder k's version whichever layer is shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.core.records import GOLD
from annotator.gui.review import ReviewWindow
from annotator.store import queries, services
from annotator.store.importer import import_paths
from annotator.store.setup import create_project

from helpers.paths import SEED
from helpers.review import Work, build_review, current, press

Mod = Qt.KeyboardModifier
CODERS = ("alice", "bob", "cy", "dee")
IDLIB = {"alice": "LOCATION", "bob": "ACTOR", "cy": "DATE", "dee": "LOCATION"}


def code_four_coders(work: Work) -> None:
    """Each coder labels "Idlib" (three different labels) and marks "Sunday" as a DATE."""
    for coder in CODERS:
        for name, label, span in (
            ("idlib", IDLIB[coder], work.at("Idlib", "northwestern")),
            ("sunday", "DATE", work.at("Sunday", "regime came on")),
        ):
            change = services.create_annotation(work.project, coder, work.doc, label, *span, {})
            work.ids[(coder, name)] = change.created_id


@pytest.fixture
def four(tmp_path: Path) -> Iterator[Work]:
    project = create_project(tmp_path / "four.annot")
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    work = Work(project, doc, queries.document(project, doc).text)
    code_four_coders(work)
    yield work
    project.close()


@pytest.fixture
def window(qtbot: QtBot, four: Work) -> Iterator[ReviewWindow]:
    w = build_review(qtbot, four.project)
    yield w
    w.close()


def visible_layers(window: ReviewWindow) -> list[str]:
    split = window.layer_split
    return [
        split.widget(i).objectName()  # type: ignore[union-attr]
        for i in range(split.count())
        if split.widget(i).isVisible()  # type: ignore[union-attr]
    ]


def in_view(window: ReviewWindow, coder: str, cp: int) -> bool:
    view = window.layers[coder].view
    cursor = QTextCursor(view.document())
    cursor.setPosition(cp)  # the seed's text before "Idlib" is all BMP: code points = UTF-16
    return view.viewport().rect().contains(view.cursorRect(cursor).center())


def holds_only(window: ReviewWindow, work: Work, coder: str) -> bool:
    view = window.layers[coder].view
    return all(
        (view.annotation(ann_id) is not None) == (owner == coder)
        for (owner, _), ann_id in work.ids.items()
    )


def test_four_coders_open_one_at_a_time_and_switch_by_keys(
    qtbot: QtBot, window: ReviewWindow, four: Work
) -> None:
    assert window.session.coders == CODERS
    assert window.layer_split.one_at_a_time
    assert visible_layers(window) == ["layer.alice", "layer.gold"]
    switcher = window.layer_split.switcher
    assert switcher.isVisible()
    assert [b.text() for b in switcher.buttons] == ["[1] alice", "[2] bob", "[3] cy", "[4] dee"]
    assert current(window) == ("label", "Idlib")

    bar = window.gold.view.verticalScrollBar()
    bar.setValue(bar.maximum())  # scrolled away from the current unit
    assert not in_view(window, "alice", four.at("Idlib", "northwestern")[0])
    press(qtbot, window, Qt.Key.Key_2, Mod.AltModifier)
    assert visible_layers(window) == ["layer.bob", "layer.gold"]
    assert in_view(window, "bob", four.at("Idlib", "northwestern")[0])
    assert holds_only(window, four, "bob")
    assert switcher.buttons[1].isChecked()
    assert window.actions_.qaction("review.layer.2").isChecked()
    # the current unit is marked in bob's layer and in view there
    bob = window.layers["bob"].view
    assert bob.current() == four.ids[("bob", "idlib")]
    assert len(bob.extraSelections()) >= 1
    press(qtbot, window, Qt.Key.Key_Right, Mod.AltModifier)
    assert visible_layers(window) == ["layer.cy", "layer.gold"]
    press(qtbot, window, Qt.Key.Key_Left, Mod.AltModifier)
    press(qtbot, window, Qt.Key.Key_Left, Mod.AltModifier)
    assert visible_layers(window) == ["layer.alice", "layer.gold"]
    press(qtbot, window, Qt.Key.Key_Left, Mod.AltModifier)  # round the end
    assert visible_layers(window) == ["layer.dee", "layer.gold"]
    switcher.buttons[2].click()
    assert visible_layers(window) == ["layer.cy", "layer.gold"]

    # Ctrl+L: all side by side, the choice kept for the session; and back
    press(qtbot, window, Qt.Key.Key_L, Mod.ControlModifier)
    assert not window.layer_split.one_at_a_time
    assert visible_layers(window) == [f"layer.{c}" for c in (*CODERS, GOLD)]
    assert not switcher.isVisible()
    assert window.session.one_coder_at_a_time is False
    sizes = window.layer_split.sizes()
    assert min(sizes) > 0 and max(sizes) - min(sizes) <= 2  # equal columns
    press(qtbot, window, Qt.Key.Key_L, Mod.ControlModifier)
    assert visible_layers(window) == ["layer.cy", "layer.gold"]
    assert window.session.one_coder_at_a_time is True


def test_a_digit_accepts_coder_k_whichever_layer_is_shown(
    qtbot: QtBot, window: ReviewWindow, four: Work
) -> None:
    press(qtbot, window, Qt.Key.Key_1, Mod.AltModifier)
    assert visible_layers(window) == ["layer.alice", "layer.gold"]
    assert current(window) == ("label", "Idlib")
    press(qtbot, window, "3")
    [gold] = four.gold()
    assert gold.source_uid == four.uid("cy", "idlib")
    assert (gold.label, four.text[gold.start : gold.end]) == ("DATE", "Idlib")
    assert visible_layers(window) == ["layer.alice", "layer.gold"]  # the layout stays
    assert window.gold.view.annotation(gold.id) is not None


def test_two_coders_open_side_by_side(qtbot: QtBot, tmp_path: Path) -> None:
    from helpers.review import code_two_coders

    project = create_project(tmp_path / "two.annot")
    code_two_coders(project)
    window = build_review(qtbot, project)
    QApplication.processEvents()
    assert not window.layer_split.one_at_a_time
    assert visible_layers(window) == ["layer.alice", "layer.bob", "layer.gold"]
    assert not window.layer_split.switcher.isVisible()
    window.close()
    project.close()

"""The review window as the README shows it: two coders' work on the seed article, partly
adjudicated. ``python tests/gui/test_review_screenshot.py`` writes resources/review.png."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if __name__ == "__main__":  # run as a script: the repository and the shared test helpers
    sys.path[:0] = [str(Path(__file__).parents[2]), str(Path(__file__).parents[1])]

from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.store.setup import create_project

from helpers.review import build_review, code_two_coders
from helpers.window import assert_not_blank

SIZE = (1500, 900)


def render(window_builder: object, folder: Path, out: Path) -> QImage:
    project = create_project(folder / "screenshot.annot")
    code_two_coders(project)
    window = window_builder(project)  # type: ignore[operator]
    window.resize(*SIZE)
    QApplication.processEvents()
    for key in "NN2AP":  # to the boundary, bob's "15", the agreed units, back to it
        window.list.table.setFocus()
        QTest.keyClick(window.list.table, key)
        QApplication.processEvents()
    # the gold event made current: its roles and their fillers show in the Gold event panel
    review = window.session.review
    assert review is not None
    window.select_gold(next(g.id for g in review.gold if g.label == "EVENT"))
    assert window.event_frame.tree.topLevelItemCount() == 8  # EVENT's eight roles
    window.list.table.setFocus()
    QApplication.processEvents()
    image = window.grab().toImage()
    image.save(str(out))
    window.close()
    project.close()
    return image


def test_the_review_window_renders(qtbot: QtBot, tmp_path: Path) -> None:
    image = render(lambda p: build_review(qtbot, p), tmp_path, tmp_path / "review.png")
    assert (image.width(), image.height()) == SIZE
    assert (tmp_path / "review.png").stat().st_size > 20_000
    assert_not_blank(image, ("#e0e0c2",))  # a CASUALTY span: 30 % #999933 on white


if __name__ == "__main__":  # pragma: no cover - writes the README screenshot
    import tempfile

    from annotator.gui.app import make_app
    from annotator.gui.review import open_review_window

    app = make_app()

    def build(project: object) -> object:
        w = open_review_window(project, "carol")  # type: ignore[arg-type]
        w.resize(*SIZE)
        w.show()
        return w

    target = Path(__file__).parents[2] / "resources" / "review.png"
    target.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        render(build, Path(folder), target)
    print(target)

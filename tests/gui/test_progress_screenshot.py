"""The team progress view as the README shows it: four coders on eight articles, each article
coded by two, some finished and agreeing. ``python tests/gui/test_progress_screenshot.py``
writes resources/progress.png."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if __name__ == "__main__":  # run as a script: the repository and the shared test helpers
    sys.path[:0] = [str(Path(__file__).parents[2]), str(Path(__file__).parents[1])]

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from annotator.gui.progress_view import DONE, STARTED, ProgressView
from annotator.store import queries, services
from annotator.store.assign import AssignPlan, assign, assignments
from annotator.store.engine import Project

from helpers.window import assert_not_blank, make_project

SIZE = (720, 560)
TOWNS = ["Gao", "Mopti", "Kidal", "Timbuktu", "Menaka", "Segou"]


def build(folder: Path) -> Project:
    """Eight articles, two coders each; who finished what is fixed, so the picture is too."""
    articles = {
        f"{i + 2:03}_{town.lower()}.txt": f"Shelling in {town}\n\nTwo soldiers were killed in "
        f"{town} on Monday, the army said.\n"
        for i, town in enumerate(TOWNS)
    }
    project = Project.open(make_project(folder, articles))
    docs = queries.document_ids(project)
    ext = [queries.document(project, d).ext_id for d in docs]
    coders = ["alice", "bob", "chen", "dana"]
    assign(project, AssignPlan(coders=coders, per_document=2, documents=ext, seed=7))
    who = {row["document"]: row["coders"] for row in assignments(project)}
    for doc, ext_id in zip(docs, ext, strict=True):
        text = queries.document(project, doc).text
        start = text.index("soldiers") if "soldiers" in text else 0
        coders_here = who[ext_id]
        assert isinstance(coders_here, list)
        for coder in coders_here:
            services.create_annotation(project, coder, doc, "ACTOR", start, start + 8)
            if coder in ("bob", "dana") and "Monday" in text:  # a span the other did not mark
                day = text.index("Monday")
                services.create_annotation(project, coder, doc, "DATE", day, day + 6)
            if (doc + len(coder)) % 3:  # most finish; the rest are still at it
                services.set_status(project, coder, doc, "done")
    return project


def render(show: Callable[[ProgressView], None], folder: Path, out: Path) -> QImage:
    project = build(folder)
    view = ProgressView(project)
    view.resize(*SIZE)
    show(view)
    image = view.grab().toImage()
    image.save(str(out))
    view.close()
    project.close()
    return image


def test_the_progress_view_renders(qtbot: QtBot, tmp_path: Path) -> None:
    def shown(view: ProgressView) -> None:
        qtbot.addWidget(view)
        view.show()
        qtbot.waitUntil(lambda: view.reading is None and view.reads == 1, timeout=60_000)
        assert len(view.bars.rows) == 4 and view.agreement.pairs
        assert view.ready.count() > 0

    image = render(shown, tmp_path, tmp_path / "progress.png")
    assert (image.width(), image.height()) == SIZE
    assert_not_blank(image, (DONE.name(), STARTED.name()))


if __name__ == "__main__":  # pragma: no cover - writes the README screenshot
    import tempfile

    from annotator.gui.app import make_app

    app = make_app()

    def shown(view: ProgressView) -> None:
        view.show()
        while view.reading is not None:
            app.processEvents()
        app.processEvents()

    target = Path(__file__).parents[2] / "resources" / "progress.png"
    with tempfile.TemporaryDirectory() as folder:
        render(shown, Path(folder), target)
    print(target)

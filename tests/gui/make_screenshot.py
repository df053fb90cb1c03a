"""Regenerate resources/screenshot.png: the coding window on the seed article.

    QT_QPA_PLATFORM=offscreen python tests/gui/make_screenshot.py [OUT.png]

Codes the seed article the way the codebook's examples do (an attack with its actor, casualties,
place and time; nested casualty figures; a source), selects the EVENT and renders the window.
Not a test (pytest collects only test_*.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # a script: the shared test helpers (tests/helpers)


def make_screenshot(out: Path) -> Path:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.gui.app import make_app, open_window
    from annotator.gui.settings import Preferences
    from annotator.store.engine import Project

    from helpers.window import make_project

    app = make_app()
    with tempfile.TemporaryDirectory() as tmp:
        path = make_project(Path(tmp))
        prefs = Preferences(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window = open_window(Project.open(path), "alice", prefs)
        window.resize(1400, 900)
        window.show()
        s, coding = window.session, window.coding
        seed = next(d.id for d in s.summaries.values() if d.ext_id.startswith("000_"))
        s.open_document(seed)
        text = s.document.text  # type: ignore[union-attr]

        def span(label: str, words: str, after: str = "", **attrs: object) -> int:
            start = text.index(words, text.index(after) if after else 0)
            ann_id = coding.create_span(label, start, start + len(words))
            assert ann_id is not None, words
            if attrs:
                coding.edit_attributes(ann_id, dict(attrs))
            return ann_id

        anchor = "The most recent assistance"
        span("ACTOR", "Russian Air Force", category="external_other_forces", country="RUS")
        span("ACTOR", "Syrian army", category="state_forces", country="SYR", sector="MIL")
        span("ACTOR", "opposition groups", category="rebel_group", sector="REB")
        span("SOURCE", "TASS news agency", source_type="news_agency")
        actor = span("ACTOR", "Syrian regime", anchor, category="state_forces", country="SYR")
        event = span(
            "EVENT",
            "attack",
            anchor,
            event_type="violence_against_civilians",
            sub_event_type="attack",
            civilian_targeting=True,
            modality="asserted",
        )
        fifteen = span(
            "CASUALTY", "15", anchor, kind="killed", victim="civilians", count_scope="event"
        )
        victims = span("ACTOR", "15 civilians", anchor, category="civilians", sector="CVL")
        two = span("CASUALTY", "two", anchor, kind="killed", victim="children")
        three = span("CASUALTY", "three", anchor, kind="killed", victim="women")
        sunday = span("DATE", "Sunday", anchor)
        idlib = span("LOCATION", "Idlib", "The attack was", admin_level="admin1")
        for role, target in (
            ("actor1", actor),
            ("actor2", victims),
            ("casualties", fifteen),
            ("casualties", two),
            ("casualties", three),
            ("place", idlib),
            ("time", sunday),
        ):
            coding.link(event, role, target)
        coding.link(two, "subset_of", fifteen)
        coding.link(three, "subset_of", fifteen)
        span("CASUALTY", "more than 600", kind="killed", count_scope="cumulative")
        span("SOURCE", "Syrian Observatory for Human Rights", source_type="monitoring_ngo")
        window.jump_to(event)
        window.view.scroll_to_cp(text.index("TASS news agency"))
        window.status.notice("", False)
        for _ in range(5):
            app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))
        window.close()
        s.project.close()
    QApplication.processEvents()
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "resources" / "screenshot.png"
    print(make_screenshot(target))

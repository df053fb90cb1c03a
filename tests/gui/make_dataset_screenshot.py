"""Regenerate resources/dataset.png: an ACTOR linked to the actor registry in the coding window,
with the other mentions of that actor suggested (dashed outlines).

    QT_QPA_PLATFORM=offscreen python tests/gui/make_dataset_screenshot.py [OUT.png]

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
        start = text.index("Syrian regime", text.index("The most recent assistance"))
        regime = coding.create_span("ACTOR", start, start + len("Syrian regime"))
        assert regime is not None
        coding.edit_attributes(
            regime,
            {
                "category": "state_forces",
                "country": "SYR",
                "actor": "Military Forces of Syria (2000-)",
            },
        )
        idlib = text.index("Idlib", text.index("The attack was"))
        place = coding.create_span("LOCATION", idlib, idlib + 5)
        assert place is not None
        coding.edit_attributes(
            place, {"admin_level": "admin1", "geonames_id": "iso:SY-ID", "geo_precision": 3}
        )
        window.suggestions.after_reference(regime)
        s.select(regime)
        window.view.scroll_to_cp(text.index("Russia confessed"))
        for _ in range(5):
            app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))
        window.close()
        s.project.close()
    QApplication.processEvents()
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "resources" / "dataset.png"
    print(make_screenshot(target))

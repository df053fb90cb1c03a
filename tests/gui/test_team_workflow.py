"""The whole team workflow on PostgreSQL, each step as the right role: the manager sets up,
imports and assigns (commands); a coder codes in the window (keys), another through the store;
the reviewer adjudicates; the manager exports gold. The server keeps everyone in their lane."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.cli import main
from annotator.gui import team_login
from annotator.gui.export_dialog import ExportDialog
from annotator.gui.review import ReviewWindow
from annotator.store import adjudication, queries, services
from annotator.store.engine import Project

from helpers.team import needs_postgres, new_team
from helpers.window import (
    SECOND_ARTICLE,
    build_window,
    code,
    select_words,
    temp_prefs,
)

pytestmark = needs_postgres

THIRD = "Shelling in Gao\n\nTwo soldiers were killed in Gao on Monday.\n"
PLACES = {"Clashes in Aleppo": "Aleppo", "Shelling in Gao": "Gao"}


def ok(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_coding_review_export_on_a_team_project(
    qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with new_team(init=False) as t:
        # -- the manager: project, people, documents, assignment
        ok(["init", t.url, "--team"], capsys)
        alice, bob, carol = t.name("alice"), t.name("bob"), t.name("carol")
        t.logins += [alice, bob, carol]
        for name, role in ((alice, "coder"), (bob, "coder"), (carol, "reviewer")):
            ok(["users", t.url, "add", name, "--role", role], capsys)
        for i, text in enumerate((SECOND_ARTICLE, THIRD)):
            (tmp_path / f"{i}.txt").write_text(text, "utf-8")
        ok(["import", t.url, str(tmp_path / "0.txt"), str(tmp_path / "1.txt")], capsys)
        ok(["assign", t.url, "--coders", f"{alice},{bob}", "--per-document", "2"], capsys)

        # -- alice codes in the window, as her login
        project = t.open_as(alice)
        login = team_login.team_identity(project)
        assert login == alice
        url = t.url_as(alice)  # build_window opens any PROJECT, a URL too
        window = build_window(qtbot, url, temp_prefs(tmp_path), login)  # type: ignore[arg-type]
        s = window.session
        assert len(s.summaries) == 2
        mod = Qt.KeyboardModifier
        qtbot.keyClick(window.view, Qt.Key.Key_U, mod.ControlModifier | mod.ShiftModifier)
        assert s.coder == alice and "you code as your login" in window.status.message.text()
        qtbot.keyClick(window.view, Qt.Key.Key_R, mod.ControlModifier | mod.ShiftModifier)
        assert "Review mode is for reviewers" in window.status.message.text()
        for _ in range(2):
            assert s.document is not None
            place = PLACES[s.document.title]
            code(qtbot, window, place, "l")
            qtbot.keyClick(window.view, Qt.Key.Key_Return, mod.ControlModifier)
        assert {d.status for d in queries.document_summaries(project, alice)} == {"done"}
        qtbot.keyClick(window.view, Qt.Key.Key_E, mod.ControlModifier)
        dialog = window.findChild(ExportDialog)
        assert dialog is not None
        assert [dialog.coders.item(i).text() for i in range(dialog.coders.count())] == [alice]
        dialog.close()
        window.close()
        window.session.project.close()

        # -- bob codes through the store, as his login; one place differs from alice
        as_bob = t.open_as(bob)
        for doc in queries.document_ids(as_bob):
            text = queries.document(as_bob, doc).text
            start = text.index("Aleppo" if "Aleppo" in text else "soldiers")
            label = "LOCATION" if "Aleppo" in text else "ACTOR"
            word = "Aleppo" if label == "LOCATION" else "soldiers"
            services.create_annotation(as_bob, bob, doc, label, start, start + len(word))
            if label == "LOCATION":
                services.set_status(as_bob, bob, doc, "done")  # Gao: later

        # -- carol's review mode (opened by key, as her server role allows) lists only the
        #    document both coders finished
        as_carol = t.open_as(carol)
        assert team_login.team_review(as_carol) == (True, None)
        url = t.url_as(carol)
        window = build_window(qtbot, url, temp_prefs(tmp_path), carol)  # type: ignore[arg-type]
        select_words(window, "Aleppo")  # a reviewer codes no layer of her own
        qtbot.keyClick(window.view, Qt.Key.Key_L)
        assert window.status.message.text() == (
            "Not saved: your role on this team project does not allow that change."
        )
        assert window.session.annotations == {}
        qtbot.keyClick(window.view, Qt.Key.Key_R, mod.ControlModifier | mod.ShiftModifier)
        review = window.findChild(ReviewWindow)
        assert review is not None, window.status.message.text()
        assert review.documents.topLevelItemCount() == 1
        assert "Aleppo" in review.documents.topLevelItem(0).text(0)
        review.close()
        window.close()
        window.session.project.close()
        gao_id = next(d for d in queries.document_ids(as_bob) if d not in review.session.documents)
        services.set_status(as_bob, bob, gao_id, "done")

        # -- carol adjudicates: what both agree on, and alice's Gao
        docs = {queries.document(as_carol, d).title: d for d in queries.document_ids(as_carol)}
        agreed = adjudication.accept_agreed(as_carol, carol, docs["Clashes in Aleppo"])
        assert len(agreed.annotations) == 1
        gao = docs["Shelling in Gao"]
        [alice_gao] = queries.annotations(as_carol, gao, [alice])
        adjudication.accept(as_carol, carol, [alice_gao.id])
        review = adjudication.load_review(as_carol, gao, None)
        for unit in review.units:  # bob's "soldiers": not an actor here
            if unit.key not in review.resolutions:
                adjudication.reject(as_carol, carol, gao, unit.key, "victims, not an actor")
        for doc in docs.values():
            adjudication.finish(as_carol, carol, doc)

        # -- the manager sees it all adjudicated and exports gold
        report = json.loads(ok(["progress", t.url, "--format", "json"], capsys))
        assert {d["state"] for d in report["documents"]} == {"adjudicated"}
        out = tmp_path / "gold.jsonl"
        ok(["export", t.url, "--format", "jsonl", "-o", str(out), "--coders", "gold"], capsys)
        lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
        spans = sorted(
            (x["title"], a["label"], x["text"][a["start"] : a["end"]])
            for x in lines
            for a in x["annotations"]
        )
        assert spans == [
            ("Clashes in Aleppo", "LOCATION", "Aleppo"),
            ("Shelling in Gao", "LOCATION", "Gao"),
        ]

        # -- and a coder's own export through the command holds only her layer
        mine = tmp_path / "mine.jsonl"
        ok(["export", t.url_as(alice), "--format", "jsonl", "-o", str(mine)], capsys)
        exported = mine.read_text("utf-8")
        coders = {
            a["coder"] for x in map(json.loads, exported.splitlines()) for a in x["annotations"]
        }
        assert coders == {alice}
        assert bob not in exported and '"gold"' not in exported
        Project.open(t.url_as(alice)).close()

"""The reviewer's decisions and notes travel with gold into the CSV bundle (adjudication.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

from annotator.core.export import write_csv
from annotator.store import adjudication as adj
from annotator.store.engine import Project
from annotator.store.exporting import ExportFilter, bundles, selected_documents

from helpers.coding import Work, code_two_coders, source


def export(project: Project, out: Path, flt: ExportFilter) -> list[dict[str, str]]:
    ids = selected_documents(project, flt)
    write_csv(bundles(project, flt, ids), out, project.codebook)
    with (out / "adjudication.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_decisions_in_force_are_exported_with_their_notes(project: Project, tmp_path: Path) -> None:
    work: Work = code_two_coders(project)
    fifteen = work.ids[("bob", "fifteen")]
    accepted = adj.accept(project, "carol", [fifteen], note="bob's boundary is the number")
    adj.accept(project, "carol", [work.ids[("alice", "event")]], note="")
    sunday = [source(project, work.ids[("alice", "sunday")])]
    adj.reject(project, "carol", work.doc, sunday, note="not the event's date")
    idlib = sorted(source(project, work.ids[(c, "idlib")]) for c in ("alice", "bob"))
    adj.reject(project, "carol", work.doc, idlib, note="first thoughts")
    adj.unreject(project, "carol", work.doc, idlib)  # taken back: no longer in force
    withdrawn = adj.accept(project, "carol", [work.ids[("alice", "actor")]], note="oops")
    adj.withdraw(project, "carol", withdrawn.annotations)  # undone: no longer in force

    rows = export(project, tmp_path / "all", ExportFilter())
    doc_id = rows[0]["document_id"]
    gold_fifteen = [a for a in adj.load_review(project, work.doc).gold if a.label == "CASUALTY"]
    assert [
        (r["decision"], r["gold_id"], r["sources"], r["reviewer"], r["note"]) for r in rows
    ] == [
        ("accepted", gold_fifteen[0].uid, source(project, fifteen), "carol",
         "bob's boundary is the number"),
        ("accepted", rows[1]["gold_id"], source(project, work.ids[("alice", "event")]), "carol",
         ""),
        ("rejected", "", sunday[0], "carol", "not the event's date"),
    ]  # fmt: skip
    assert accepted.annotations == (gold_fifteen[0].id,)
    assert all(r["document_id"] == doc_id and r["decided_at"].endswith("Z") for r in rows)

    # Decisions belong to gold: an export of the coders alone has none; a label filter keeps
    # the accepted spans of its labels.
    assert export(project, tmp_path / "coders", ExportFilter(coders=["alice", "bob"])) == []
    events_only = export(project, tmp_path / "events", ExportFilter(labels=["EVENT"]))
    assert [r["decision"] for r in events_only] == ["accepted", "rejected"]


def test_the_audit_actions_read_are_the_ones_adjudication_writes() -> None:
    from annotator.store import exporting, review_state

    assert (exporting.ACCEPT, exporting.REJECT, exporting.UNREJECT) == (
        review_state.ACCEPT, review_state.REJECT, review_state.UNREJECT,
    )  # fmt: skip

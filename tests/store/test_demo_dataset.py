"""The demo project ships a registry, the seed's places and the seed coded to ACLED rules
(gold), so its event table is complete out of the box. Expected values are the seed
article's facts, written by hand."""

from __future__ import annotations

import csv
from pathlib import Path

from annotator.core.export import write_csv
from annotator.store import registry
from annotator.store.exporting import ExportFilter, bundles, selected_documents
from annotator.store.setup import create_demo


def test_demo_event_table_is_complete(tmp_path: Path) -> None:
    project = create_demo(tmp_path / "demo.annot")
    names = {a.name for a in registry.actors(project)}
    assert {
        "Military Forces of Syria (2000-)",
        "Civilians (Syria)",
        "Hayat Tahrir al-Sham",
    } <= names
    flt = ExportFilter(coders=("gold",))
    out = tmp_path / "tables"
    write_csv(
        bundles(project, flt, selected_documents(project, flt)),
        out,
        project.codebook,
        references=registry.references(project),
    )
    with (out / "events.csv").open(encoding="utf-8", newline="") as f:
        events = {r["trigger_text"]: r for r in csv.DictReader(f)}
    project.close()
    assert set(events) == {"attack", "attacks", "attacked"}
    sunday = events["attack"]  # "the Syrian regime attack killed 15 civilians"
    assert (sunday["actor1"], sunday["actor2"], sunday["assoc_actor_1"]) == (
        "Military Forces of Syria (2000-)",
        "Civilians (Syria)",
        "Military Forces of Russia (2000-)",
    )
    assert (sunday["inter1"], sunday["inter2"], sunday["interaction"]) == ("1", "7", "17")
    assert (sunday["event_date"], sunday["fatalities"], sunday["deaths_civilians"]) == (
        "2019-07-28",
        "15",
        "15",
    )
    assert (sunday["country"], sunday["iso"], sunday["admin1"], sunday["geo_precision"]) == (
        "Syria",
        "760",
        "Idlib",
        "3",
    )
    clash = events["attacks"]  # opposition attacks repelled by the army with Russian air support
    assert (clash["actor1"], clash["actor2"], clash["assoc_actor_2"]) == (
        "Opposition Rebels (Syria)",
        "Military Forces of Syria (2000-)",
        "Military Forces of Russia (2000-)",
    )
    assert (clash["interaction"], clash["fatalities"], clash["type_of_violence"]) == ("12", "", "1")
    assert clash["source"] == "TASS news agency"
    monday = events["attacked"]  # seven civilians: five in Kefer Zita, two in Latmin
    assert (monday["event_date"], monday["fatalities"], monday["location"]) == (
        "2019-07-29",
        "7",
        "Kafr Zaytā",
    )
    assert (monday["admin1"], monday["geonames_id"], monday["geo_precision"]) == (
        "Hama",
        "168620",
        "2",
    )
    assert monday["source"] == "White Helmets" and monday["unlinked"] == ""
    for row in events.values():
        assert row["country"] == "Syria" and row["unlinked"] == ""


def test_info_lists_casualties_without_scope(tmp_path: Path) -> None:
    from annotator.store import queries, services
    from annotator.store.importer import import_paths

    from helpers.paths import SEED

    project = create_demo(tmp_path / "p.annot")
    assert queries.info(project)["casualties_without_scope"] == {}  # the gold coding has them all
    doc = queries.document_ids(project)[0]
    text = queries.document(project, doc).text
    start = text.index("over 25,000")
    services.create_annotation(
        project, "alice", doc, "CASUALTY", start, start + 11, {"kind": "killed", "best": 25000}
    )
    services.create_annotation(
        project,
        "alice",
        doc,
        "CASUALTY",
        start,
        start + 4,
        {"kind": "killed", "count_scope": "cumulative"},
    )
    assert queries.info(project)["casualties_without_scope"] == {"alice": 1}
    import_paths(project, [SEED])  # nothing else changes it
    assert queries.info(project)["casualties_without_scope"] == {"alice": 1}
    project.close()

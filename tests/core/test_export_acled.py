"""events.csv's ACLED/UCDP columns: canonical actors with inter codes, places from the
gazetteer, UCDP's death split. Expected values written by hand from ACLED's and UCDP's
codebooks and the places' GeoNames records."""

from __future__ import annotations

import csv
from pathlib import Path

from test_export_fixtures import Builder, codebook

from annotator.core.export import write_csv
from annotator.core.export.acled import References, interaction
from annotator.core.places import Place
from annotator.core.registry import Actor

TEXT = (
    "Regime warplanes struck the village of Latmin in Hama on Monday, killing 12 people, "
    "including 9 civilians, and three rebel fighters of Jaish al-Izza. Russian jets took part. "
    "A separate clash near Kafr Zita left no one dead."
)
SYRIA = Actor("Military Forces of Syria (2000-)", "state_forces", "SYR", ("Syrian army",))
RUSSIA = Actor("Military Forces of Russia (2000-)", "external_other_forces", "RUS")
IZZA = Actor("Jaish al-Izza", "rebel_group", "SYR")
LATMIN = Place("167046", "Laţmīn", "SY", "Hama", "Muhradah", 35.30826, 36.62286, "PPL")


def refs() -> References:
    places = {LATMIN.geonames_id: LATMIN}
    return References({a.name: a for a in (SYRIA, RUSSIA, IZZA)}, places.get)


def export(tmp_path: Path, references: References | None) -> list[dict[str, str]]:
    b = Builder(TEXT, doc_id=3, ext_id="latmin", coder="alice")
    strike = b.span(
        "EVENT", "struck", violence_type="one_sided", event_type="explosions_remote_violence"
    )
    regime = b.span("ACTOR", "Regime warplanes", category="state_forces", actor=SYRIA.name)
    rebels = b.span("ACTOR", "rebel fighters", category="rebel_group", actor=IZZA.name)
    russia = b.span("ACTOR", "Russian jets", actor=RUSSIA.name)
    place = b.span("LOCATION", "Latmin", geonames_id="167046")
    monday = b.span("DATE", "Monday", start="2019-07-29", end="2019-07-29", time_precision=1)
    twelve = b.span(
        "CASUALTY", "12", kind="killed", victim="people_unspecified", best=12, count_scope="event"
    )
    nine = b.span("CASUALTY", "9", kind="killed", victim="civilians", best=9, count_scope="event")
    three = b.span(
        "CASUALTY",
        "three",
        kind="killed",
        victim="combatants_nonstate",
        best=3,
        count_scope="event",
    )
    for role, target in [
        ("actor1", regime),
        ("actor2", rebels),
        ("assoc_actor", russia),
        ("place", place),
        ("time", monday),
        ("casualties", nine),
        ("casualties", three),
    ]:
        b.link(strike, role, target)
    clash = b.span("EVENT", "clash")
    nobody = b.span("CASUALTY", "no one", kind="killed", best=0, low=0, high=0, count_scope="event")
    zita = b.span("LOCATION", "Kafr Zita")
    b.link(clash, "casualties", nobody)
    b.link(clash, "place", zita)
    del twelve
    out = tmp_path / "csv"
    write_csv([b.bundle(published="2019-07-30")], out, codebook(), references=references)
    with (out / "events.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_acled_columns_from_registry_and_gazetteer(tmp_path: Path) -> None:
    strike, clash = export(tmp_path, refs())
    assert strike["actor1"] == "Military Forces of Syria (2000-)"
    assert strike["actor2"] == "Jaish al-Izza"
    assert strike["assoc_actor_1"] == "Military Forces of Russia (2000-)"
    assert (strike["inter1"], strike["inter2"], strike["interaction"]) == ("1", "2", "12")
    assert (strike["event_date"], strike["year"], strike["time_precision"]) == (
        "2019-07-29",
        "2019",
        "1",
    )
    assert (strike["iso"], strike["country"], strike["admin1"], strike["admin2"]) == (
        "760",
        "Syria",
        "Hama",
        "Muhradah",
    )
    assert (strike["location"], strike["latitude"], strike["longitude"]) == (
        "Laţmīn",
        "35.30826",
        "36.62286",
    )
    assert (strike["geo_precision"], strike["geonames_id"]) == ("1", "167046")
    # 9 civilians and 3 rebel fighters counted (the 12 is not linked to the event)
    assert (strike["fatalities"], strike["best"], strike["low"], strike["high"]) == (
        "12",
        "12",
        "12",
        "12",
    )
    assert (
        strike["deaths_a"],
        strike["deaths_b"],
        strike["deaths_civilians"],
        strike["deaths_unknown"],
    ) == ("0", "3", "9", "0")
    assert strike["type_of_violence"] == "3"
    assert strike["notes"].startswith("Regime warplanes struck the village of Latmin")
    assert strike["unlinked"] == ""
    # an explicit zero is 0, not blank; an unknown place keeps its text and is flagged
    assert (clash["fatalities"], clash["fatalities_best"]) == ("0", "0")
    assert (clash["location"], clash["country"], clash["unlinked"]) == ("Kafr Zita", "", "place")
    assert (clash["event_date"], clash["time_precision"]) == (
        "2019-07-30",
        "",
    )  # the article's date
    assert (clash["inter1"], clash["interaction"]) == ("", "")


def test_without_registry_span_texts_stand_in_and_are_flagged(tmp_path: Path) -> None:
    strike, _ = export(tmp_path, None)
    assert (strike["actor1"], strike["actor2"]) == ("Regime warplanes", "rebel fighters")
    # the inter codes still come from the spans' own category
    assert (strike["inter1"], strike["inter2"], strike["interaction"]) == ("1", "2", "12")
    assert strike["unlinked"] == "actor1; actor2; assoc_actor_1; place"


def test_interaction_codes() -> None:
    # ACLED: lower code first; a sole actor's code times ten
    assert interaction(1, 7) == 17
    assert interaction(7, 1) == 17
    assert interaction(2, 2) == 22
    assert interaction(6, None) == 60
    assert interaction(None, None) is None

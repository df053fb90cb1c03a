"""events.csv's ACLED/UCDP columns: canonical actors with inter codes, places from the
gazetteer, UCDP's death split. Expected values written by hand from ACLED's and UCDP's
codebooks and the places' GeoNames records."""

from __future__ import annotations

import csv
from pathlib import Path

from annotator.core.export import write_csv
from annotator.core.export.acled import References, interaction
from annotator.core.places import Place
from annotator.core.registry import Actor

from helpers.export import Builder, codebook

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


def test_claims_recompute_the_event_totals(tmp_path: Path) -> None:
    """Every casualty figure is a row with its sources and why it was (not) counted; summing
    the counted groups' smallest best per event gives events.csv's fatalities_best."""
    text = (
        "An airstrike on Sunday killed 25 people, including 4 children, the White Helmets said, "
        "citing local medics. The toll later rose to 31. The Observatory put it at 29. "
        "Since April, more than 600 people have been killed; 40 were wounded."
    )
    b = Builder(text, doc_id=4, ext_id="toll", coder="alice")
    strike = b.span("EVENT", "airstrike")
    first = b.span("CASUALTY", "25", kind="killed", best=25, count_scope="event")
    kids = b.span("CASUALTY", "4", kind="killed", victim="children", best=4, count_scope="event")
    later = b.span("CASUALTY", "31", kind="killed", best=31, count_scope="event")
    other = b.span("CASUALTY", "29", kind="killed", best=29, count_scope="event")
    total = b.span("CASUALTY", "more than 600", kind="killed", best=600, count_scope="cumulative")
    hurt = b.span("CASUALTY", "40", kind="injured", best=40)  # scope left blank
    helmets = b.span("SOURCE", "White Helmets")
    medics = b.span("SOURCE", "local medics")
    observatory = b.span("SOURCE", "Observatory")
    for c in (first, kids, later, other, total, hurt):
        b.link(strike, "casualties", c)
    b.link(strike, "source", helmets)
    b.link(helmets, "cites", medics)
    b.link(other, "reported_by", observatory)
    b.link(kids, "subset_of", first)
    b.link(later, "updates", first)
    b.link(other, "alternative_to", later)
    out = tmp_path / "csv"
    write_csv([b.bundle(published="2019-07-30")], out, codebook())
    with (out / "claims.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["text"]: r for r in csv.DictReader(f)}
    with (out / "events.csv").open(encoding="utf-8", newline="") as f:
        (event,) = list(csv.DictReader(f))
    assert {t: (r["counted"], r["reason"]) for t, r in rows.items()} == {
        "25": ("false", "superseded"),
        "4": ("false", "subset"),
        "31": ("true", "counted_alternative"),
        "29": ("true", "counted_alternative"),
        "more than 600": ("false", "cumulative"),
        "40": ("false", "no_scope"),
    }
    assert rows["25"]["superseded_by"] == later.uid
    assert rows["4"]["subset_of"] == first.uid
    assert rows["31"]["group"] == rows["29"]["group"]
    assert (rows["31"]["sources"], rows["29"]["sources"]) == (
        "White Helmets; local medics",
        "Observatory",
    )
    assert rows["31"]["published"] == "2019-07-30" and rows["31"]["event_id"] == strike.uid
    # recompute the total from claims.csv alone
    groups: dict[str, int] = {}
    for r in rows.values():
        if r["counted"] == "true" and r["kind"] == "killed":
            best = int(r["best"])
            groups[r["group"]] = min(best, groups.get(r["group"], best))
    assert sum(groups.values()) == int(event["fatalities_best"]) == 29
    assert event["injured_best"] == ""  # the blank-scope 40 is not counted

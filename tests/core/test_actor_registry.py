"""The actor registry's CSV reader and completer (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.registry import (
    ACTOR_TYPES,
    Actor,
    ActorCompleter,
    RegistryError,
    actor_type,
    read_actor_csv,
)

SYRIA = Actor(
    "Government of Syria (2000-)",
    "state_forces",
    "SYR",
    ("Assad regime", "Syrian regime", "Syrian army", "Syrian regime forces"),
)
RUSSIA = Actor(
    "Government of Russia (2000-)", "external_other_forces", "RUS", ("Russian Air Force",)
)
HTS = Actor("Hayat Tahrir al-Sham", "rebel_group", "SYR", ("HTS", "Tahrir al-Sham"))
SOHR = Actor("Syrian Observatory for Human Rights", "", "GBR", ("SOHR",))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "actors.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_acled_inter_codes() -> None:
    # ACLED's numbering, written out by hand from its codebook
    assert ACTOR_TYPES["state_forces"] == 1
    assert ACTOR_TYPES["rebel_group"] == 2
    assert ACTOR_TYPES["civilians"] == 7
    assert ACTOR_TYPES["external_other_forces"] == 8
    assert SYRIA.inter == 1 and RUSSIA.inter == 8 and SOHR.inter is None


@pytest.mark.parametrize(
    ("given", "ours"),
    [
        ("State forces", "state_forces"),
        ("Rebel Groups", "rebel_group"),
        ("2", "rebel_group"),
        ("External/Other forces", "external_other_forces"),
        ("protesters", "protesters"),
        ("", ""),
    ],
)
def test_actor_type_spellings(given: str, ours: str) -> None:
    assert actor_type(given) == ours


def test_csv_reads_aliases_and_ids(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name,type,country,aliases,ids\n"
        "Government of Syria (2000-),State forces,syr,Assad regime; Syrian army ;,acled:1; wikidata:Q193619\n"
        "Hayat Tahrir al-Sham,rebel_group,SYR,HTS,\n",
    )
    actors = read_actor_csv(path)
    assert actors[0] == Actor(
        "Government of Syria (2000-)",
        "state_forces",
        "SYR",
        ("Assad regime", "Syrian army"),
        {"acled": "1", "wikidata": "Q193619"},
    )
    assert actors[1].aliases == ("HTS",)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("A,militia,SYR,,\n", ":2: type: unknown actor type 'militia'"),
        ("A,rebel_group,Syria,,\n", ":2: country: 'SYRIA' is not an ISO 3166 code"),
        ("A,,,,wikidata\n", ":2: id 'wikidata' is not SCHEME:ID"),
        (",rebel_group,,,\n", ":2: name: empty"),
        ("A,,,,\nB,,,,\na,,,,\n", ":4: name: 'a' is already on line 2"),
    ],
)
def test_csv_errors_name_line_and_field(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path, "name,type,country,aliases,ids\n" + body)
    with pytest.raises(RegistryError) as err:
        read_actor_csv(path)
    assert str(err.value) == f"{path}{message}" or message in str(err.value)
    assert str(err.value).startswith(str(path))


def test_csv_without_name_column(tmp_path: Path) -> None:
    path = write(tmp_path, "actor,type\nA,\n")
    with pytest.raises(RegistryError, match=r":1: no 'name' column"):
        read_actor_csv(path)


def test_completer_finds_names_aliases_and_typos() -> None:
    c = ActorCompleter([SYRIA, RUSSIA, HTS, SOHR])
    assert c.complete("Assad")[0].name == SYRIA.name
    assert c.complete("assad regime")[0].matched == "Assad regime"
    assert c.complete("Russian air")[0].name == RUSSIA.name
    assert c.complete("Hayat Tahrir al Sham")[0].name == HTS.name  # no hyphen
    assert c.complete("Syrain army")[0].name == SYRIA.name  # a typo
    assert c.complete("HTS")[0].name == HTS.name
    # one entry per actor, however many of its spellings match
    names = [x.name for x in c.complete("Syria")]
    assert len(names) == len(set(names))
    assert c.complete("") == []

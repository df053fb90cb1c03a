"""The gazetteer: the built-in places (countries, provinces, towns of the seed's region) and a
project's own places from a GeoNames dump or a CSV, searched best first."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from annotator.core.places import Place
from annotator.store.engine import Project
from annotator.store.gazetteer import Gazetteer, build_builtin, builtin_path, import_places

from helpers.paths import REPO


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The built-in index, assembled once for this module in a cache folder of its own."""
    folder = tmp_path_factory.mktemp("cache")
    old = os.environ.get("ANNOTATOR_CACHE_DIR")
    os.environ["ANNOTATOR_CACHE_DIR"] = str(folder)
    build_builtin(builtin_path())
    yield folder
    if old is None:
        del os.environ["ANNOTATOR_CACHE_DIR"]
    else:
        os.environ["ANNOTATOR_CACHE_DIR"] = old


def ids(matches: list) -> list[str]:  # type: ignore[type-arg]
    return [m.place.geonames_id for m in matches]


def test_builtin_finds_places_of_the_seed_region(cache: Path, sqlite_project: Project) -> None:
    g = Gazetteer(sqlite_project)
    idlib = g.search("Idleb")[0]  # an alternate spelling
    assert (idlib.place.geonames_id, idlib.place.name, idlib.place.country) == (
        "169389",
        "Idlib",
        "SY",
    )
    assert idlib.place.admin1 == "Idlib"
    assert idlib.place.latitude == pytest.approx(35.93, abs=0.01)
    assert idlib.place.longitude == pytest.approx(36.63, abs=0.01)
    assert idlib.place.geo_precision == 1
    # the province, by its ISO 3166-2 code, and the country
    assert "iso:SY-ID" in ids(g.search("Idlib", country="SY"))
    syria = g.search("Syria")[0].place
    assert (syria.geonames_id, syria.feature_code, syria.geo_precision) == ("163843", "PCLI", 3)
    # a transliteration with other vowels still finds the town
    assert g.search("Khan Sheikhoun")[0].place.geonames_id == "168325"
    assert g.search("Maarat al-Numan")[0].place.geonames_id == "167611"
    assert g.search("Kefer Zita", country="SY")[0].place.name == "Kafr Zaytā"


def test_country_filter_and_preference(cache: Path, sqlite_project: Project) -> None:
    g = Gazetteer(sqlite_project)
    everywhere = g.search("Damascus")
    assert {m.place.country for m in everywhere} >= {"SY", "US"}
    assert everywhere[0].place.country == "SY"  # the largest
    assert {m.place.country for m in g.search("Damascus", country="US")} == {"US"}
    # among equally good names, a country already coded in the document comes first
    assert g.search("Tripoli", prefer=["LB"])[0].place.country == "LB"
    assert g.search("Tripoli", prefer=["LY"])[0].place.country == "LY"


def test_project_places_come_first_and_reach_villages(cache: Path, project: Project) -> None:
    latmin = Place(
        "167046",
        "Laţmīn",
        "SY",
        "Hama",
        "Muhradah",
        35.30826,
        36.62286,
        "PPL",
        0,
        ("Latamneh", "Latmin"),
    )
    camp = Place("p-1", "Atmeh camp", "SY", "Idlib", "Harem", 36.21, 36.66, "CMP")
    assert import_places(project, [latmin, camp], "lead") == (2, 0)
    g = Gazetteer(project)
    assert g.search("Latamneh")[0].place == latmin
    assert g.search("Atmeh camp")[0].place.geo_precision == 1
    # re-importing replaces by id
    moved = Place("p-1", "Atmeh camp", "SY", "Idlib", "Harem", 36.2, 36.7, "CMP")
    assert import_places(project, [moved], "lead") == (0, 1)
    g.refresh()
    assert g.search("Atmeh")[0].place.longitude == pytest.approx(36.7)
    assert g.get("167046") == latmin
    # only the project's places, without the built-in index
    assert ids(Gazetteer(project, builtin=False).search("Idlib")) == []


def test_cli_places_search_and_import(cache: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "ANNOTATOR_CACHE_DIR": str(cache)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "annotator.cli", *args], capture_output=True, text=True, env=env
        )

    project = str(tmp_path / "p.annot")
    assert run("init", project).returncode == 0
    out = run("places", project, "search", "Idleb", "--format", "json")
    assert out.returncode == 0, out.stderr
    first = orjson.loads(out.stdout)[0]
    assert {k: first[k] for k in ("geonames_id", "name", "country", "admin1", "feature_code")} == {
        "geonames_id": "169389",
        "name": "Idlib",
        "country": "SY",
        "admin1": "Idlib",
        "feature_code": "PPL",
    }
    assert set(first) >= {"admin2", "latitude", "longitude", "population"}
    csv = tmp_path / "places.csv"
    csv.write_text("geonames_id,name,country,latitude\nv-9,Tal Hadya,SY,abc\n", encoding="utf-8")
    bad = run("places", project, "import", str(csv))
    assert bad.returncode == 1
    assert bad.stderr.strip() == f"annotator: error: {csv}:2: latitude: 'abc' is not a number"
    csv.write_text(
        "geonames_id,name,country,latitude,longitude\nv-9,Tal Hadya,SY,36.1,37.0\n",
        encoding="utf-8",
    )
    assert (
        run("places", project, "import", str(csv)).stdout.strip()
        == f"places: 1 added, 0 replaced from {csv}"
    )
    found = orjson.loads(run("places", project, "search", "Tal Hadya", "--format", "json").stdout)
    assert found[0]["geonames_id"] == "v-9"


def test_cli_actor_approval(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "annotator.cli", *args], capture_output=True, text=True, env=env
        )

    project = str(tmp_path / "p.annot")
    assert run("init", project).returncode == 0
    assert run("reviewers", project, "--add", "carol").returncode == 0
    refused = run("actors", project, "approval", "on", "--as", "alice")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "annotator: error: 'alice' is not a reviewer of this project; only reviewers decide"
    )
    assert run("actors", project, "approval", "on", "--as", "carol").returncode == 0
    opened = Project.open(project)
    from annotator.core.registry import Actor
    from annotator.store import registry

    assert registry.add_actor(opened, Actor("Syria Civil Defence"), "alice") is False
    opened.close()
    listed = run("actors", project, "list")
    assert "Syria Civil Defence  -  -  [awaiting approval]" in listed.stdout
    assert run("actors", project, "approve", "Syria Civil Defence", "--as", "carol").returncode == 0
    assert "awaiting" not in run("actors", project, "list").stdout


def test_a_gazetteer_that_cannot_be_built_is_one_line(tmp_path: Path) -> None:
    """A cache folder that cannot be written (here: a file where the folder should be)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "ANNOTATOR_CACHE_DIR": str(blocker / "cache")}
    project = str(tmp_path / "p.annot")
    subprocess.run([sys.executable, "-m", "annotator.cli", "init", project], env=env, check=True)
    out = subprocess.run(
        [sys.executable, "-m", "annotator.cli", "places", project, "search", "Idlib"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert out.returncode == 1
    lines = [x for x in out.stderr.splitlines() if x.startswith("annotator: error:")]
    assert lines == [
        f"annotator: error: {blocker / 'cache'}: cannot build the built-in gazetteer "
        "(Not a directory)"
    ]
    assert "Traceback" not in out.stderr

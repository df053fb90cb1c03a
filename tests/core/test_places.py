"""Place records, GeoNames dump and place CSV readers, name folding, geo-precision."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.places import (
    PlaceError,
    fold,
    geo_precision,
    read_admin_codes,
    read_geonames_dump,
    read_places_csv,
)

# Two lines in GeoNames' dump format (19 tab-separated columns), values as GeoNames gives them.
LATMIN = "\t".join(
    [
        "167046",
        "Laţmīn",
        "Latmin",
        "Latamneh,Latmin,Laṭmīn,لطمين",
        "35.30826",
        "36.62286",
        "P",
        "PPL",
        "SY",
        "",
        "11",
        "1234",
        "",
        "",
        "0",
        "",
        "302",
        "Asia/Damascus",
        "2012-01-18",
    ]
)
IDLIB_GOV = "\t".join(
    [
        "169388",
        "Idlib",
        "Idlib",
        "Idleb,Idlib Governorate,إدلب",
        "35.83333",
        "36.66667",
        "A",
        "ADM1",
        "SY",
        "",
        "12",
        "",
        "",
        "",
        "1501000",
        "",
        "400",
        "Asia/Damascus",
        "2020-06-10",
    ]
)


def test_fold_drops_case_accents_and_punctuation() -> None:
    assert fold("Ma‘arrat an-Nu‘mān") == "maarrat an numan"
    assert fold("  Laţmīn ") == "latmin"
    assert fold("KHAN SHAYKHUN") == "khan shaykhun"
    assert fold("إدلب") == "ادلب"


@pytest.mark.parametrize(
    ("code", "precision"), [("PPL", 1), ("PPLA2", 1), ("ADM2", 2), ("ADM1", 3), ("PCLI", 3)]
)
def test_geo_precision_from_feature_code(code: str, precision: int) -> None:
    assert geo_precision(code) == precision


def test_geonames_dump_with_admin_names(tmp_path: Path) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text(LATMIN + "\n" + IDLIB_GOV + "\n", encoding="utf-8")
    admin = tmp_path / "admin1CodesASCII.txt"
    admin.write_text("SY.11\tHama\tHama\t170016\nSY.12\tIdlib\tIdlib\t169388\n", encoding="utf-8")
    admin2 = tmp_path / "admin2Codes.txt"
    admin2.write_text("SY.11.1234\tMuhradah\tMuhradah\t999\n", encoding="utf-8")
    names = {**read_admin_codes(admin), **read_admin_codes(admin2)}
    latmin, gov = list(read_geonames_dump(dump, names))
    assert (latmin.geonames_id, latmin.name, latmin.country, latmin.admin1, latmin.admin2) == (
        "167046",
        "Laţmīn",
        "SY",
        "Hama",
        "Muhradah",
    )
    assert latmin.latitude == pytest.approx(35.30826) and latmin.geo_precision == 1
    assert "Latamneh" in latmin.alternate_names
    assert gov.feature_code == "ADM1" and gov.population == 1501000 and gov.geo_precision == 3


def test_geonames_dump_bad_line(tmp_path: Path) -> None:
    dump = tmp_path / "SY.txt"
    dump.write_text(LATMIN + "\nnot\ta\tdump\n", encoding="utf-8")
    with pytest.raises(PlaceError, match=r"SY.txt:2: 3 tab-separated fields"):
        list(read_geonames_dump(dump))


def test_places_csv_and_its_errors(tmp_path: Path) -> None:
    path = tmp_path / "places.csv"
    path.write_text(
        "geonames_id,name,country,admin1,latitude,longitude,alternate_names\n"
        "p-1,Kafr Nabudah,sy,Hama,35.42,36.51,Kafranbouda;Kafr Nbouda\n",
        encoding="utf-8",
    )
    (place,) = read_places_csv(path)
    assert place.country == "SY" and place.alternate_names == ("Kafranbouda", "Kafr Nbouda")
    assert place.feature_code == "PPL"
    path.write_text("geonames_id,name,latitude\np-1,X,91\n", encoding="utf-8")
    with pytest.raises(PlaceError, match=r"places.csv:2: latitude: 91.0 is outside -90..90"):
        list(read_places_csv(path))
    path.write_text("id,name\n1,X\n", encoding="utf-8")
    with pytest.raises(PlaceError, match=r":1: no 'geonames_id' column"):
        list(read_places_csv(path))

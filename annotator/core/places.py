"""Places: the record a LOCATION span links to (by ``geonames_id``), the readers of GeoNames
country dumps and of a project's own place CSV, and how candidates are ranked.

Pure Python; the built-in gazetteer and the project's places are stored and searched in
``annotator.store.gazetteer``. See ``docs/dataset.md``.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# GeoNames dump columns (https://download.geonames.org/export/dump/readme.txt, "geoname" table).
GEONAMES_COLUMNS = (
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "latitude",
    "longitude",
    "feature_class",
    "feature_code",
    "country_code",
    "cc2",
    "admin1_code",
    "admin2_code",
    "admin3_code",
    "admin4_code",
    "population",
    "elevation",
    "dem",
    "timezone",
    "modification_date",
)
CSV_COLUMNS = (
    "geonames_id",
    "name",
    "country",
    "admin1",
    "admin2",
    "latitude",
    "longitude",
    "feature_code",
    "population",
    "alternate_names",
)


class PlaceError(ValueError):
    """Bad gazetteer input; the message names the file, line and field."""


class GazetteerError(Exception):
    """The built-in gazetteer could not be assembled (one line: where, and why)."""


@dataclass(frozen=True)
class Place:
    geonames_id: str  # GeoNames id; "iso:SY-ID" for a subdivision known only by ISO 3166-2
    name: str
    country: str = ""  # ISO 3166-1 alpha-2
    admin1: str = ""
    admin2: str = ""
    latitude: float | None = None
    longitude: float | None = None
    feature_code: str = ""  # GeoNames feature code: PPL, PPLA, ADM1, PCLI...
    population: int = 0
    alternate_names: tuple[str, ...] = field(default=(), compare=False)

    @property
    def geo_precision(self) -> int:
        return geo_precision(self.feature_code)

    def as_dict(self) -> dict[str, object]:
        return {
            "geonames_id": self.geonames_id,
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "admin2": self.admin2,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "feature_code": self.feature_code,
            "population": self.population,
            "geo_precision": self.geo_precision,
        }


def geo_precision(feature_code: str) -> int:
    """ACLED's geo-precision from the kind of place coded: 1 a town or village (the exact
    place), 2 a district or part of a region (ADM2 and below), 3 a province, region or
    country (coded to its centre)."""
    code = feature_code.upper()
    if code.startswith("PPL") or code in {"STLMT", "CMP", "CMPRF", "RUIN"}:
        return 1
    if code in {"ADM2", "ADM3", "ADM4", "ADM5", "ADMD", "PRSH"}:
        return 2
    return 3


def fold(name: str) -> str:
    """The search key of a name: case-folded, accents and punctuation dropped, spaces single
    ("Ma‘arrat an-Nu‘mān" → "maarrat an numan")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    out = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        cat = unicodedata.category(ch)
        if cat.startswith(("L", "N")):
            out.append(ch)
        elif cat.startswith(("Z", "P")) and ch not in "'‘’`ʿʾ":
            out.append(" ")
    return " ".join("".join(out).split())


_VOWELS_AND_GLIDES = set("aeiouyhw")


def skeleton(key: str) -> str:
    """A folded name without vowels, glides and doubled letters, per word: transliterations of
    one Arabic or Persian name share it ("kefer zita" and "kafr zayta" → "kfr zt")."""
    words = []
    for word in key.split():
        out: list[str] = []
        for ch in word:
            if ch in _VOWELS_AND_GLIDES or (out and out[-1] == ch):
                continue
            out.append(ch)
        words.append("".join(out) or word[:1])
    return " ".join(words)


def _float(value: str, line: str, name: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise PlaceError(f"{line}: {name}: {value!r} is not a number") from None


def _int(value: str, line: str, name: str) -> int:
    value = value.strip()
    if not value:
        return 0
    try:
        return int(value)
    except ValueError:
        raise PlaceError(f"{line}: {name}: {value!r} is not a whole number") from None


def read_geonames_dump(path: Path, admin_names: dict[str, str] | None = None) -> Iterator[Place]:
    """Places of a GeoNames dump (``SY.txt``: tab-separated, 19 columns, no header).
    ``admin_names`` maps "SY.12" / "SY.12.1234" codes to names (GeoNames' admin1CodesASCII.txt
    and admin2Codes.txt); without it admin1/admin2 hold the codes."""
    names = admin_names or {}
    with path.open("r", encoding="utf-8", newline="") as fh:
        for number, raw in enumerate(fh, start=1):
            where = f"{path}:{number}"
            if not raw.strip() or raw.startswith("#"):
                continue
            parts = raw.rstrip("\n").split("\t")
            if len(parts) != len(GEONAMES_COLUMNS):
                raise PlaceError(
                    f"{where}: {len(parts)} tab-separated fields, a GeoNames dump line has "
                    f"{len(GEONAMES_COLUMNS)}"
                )
            row = dict(zip(GEONAMES_COLUMNS, parts, strict=True))
            if not row["geonameid"].isdigit():
                raise PlaceError(f"{where}: geonameid: {row['geonameid']!r} is not a number")
            cc = row["country_code"].upper()
            a1 = f"{cc}.{row['admin1_code']}"
            a2 = f"{a1}.{row['admin2_code']}"
            yield Place(
                geonames_id=row["geonameid"],
                name=row["name"],
                country=cc,
                admin1=names.get(a1, row["admin1_code"]),
                admin2=names.get(a2, row["admin2_code"]),
                latitude=_float(row["latitude"], where, "latitude"),
                longitude=_float(row["longitude"], where, "longitude"),
                feature_code=row["feature_code"],
                population=_int(row["population"], where, "population"),
                alternate_names=tuple(a for a in row["alternatenames"].split(",") if a),
            )


def read_admin_codes(path: Path) -> dict[str, str]:
    """GeoNames' admin1CodesASCII.txt / admin2Codes.txt: code → name."""
    out: dict[str, str] = {}
    with path.open("r", encoding="utf-8") as fh:
        for number, raw in enumerate(fh, start=1):
            parts = raw.rstrip("\n").split("\t")
            if len(parts) < 2:
                raise PlaceError(f"{path}:{number}: expected CODE<tab>NAME")
            out[parts[0]] = parts[1]
    return out


def read_places_csv(path: Path) -> Iterator[Place]:
    """A project's own places: ``geonames_id,name,country,admin1,admin2,latitude,longitude,
    feature_code,population,alternate_names`` (alternate names ``;``-separated; only
    ``geonames_id`` and ``name`` are required)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlaceError(f"{path}: not UTF-8 (byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    for need in ("geonames_id", "name"):
        if need not in header:
            raise PlaceError(f"{path}:1: no {need!r} column (columns: {','.join(CSV_COLUMNS)})")
    reader.fieldnames = header
    for row in reader:
        where = f"{path}:{reader.line_num}"

        def get(key: str, row: dict[str, str | None] = row) -> str:
            return (row.get(key) or "").strip()

        if not get("geonames_id"):
            raise PlaceError(f"{where}: geonames_id: empty")
        if not get("name"):
            raise PlaceError(f"{where}: name: empty")
        country = get("country").upper()
        if country and (len(country) != 2 or not country.isalpha()):
            raise PlaceError(f"{where}: country: {country!r} is not an ISO 3166-1 alpha-2 code")
        lat = _float(get("latitude"), where, "latitude")
        lon = _float(get("longitude"), where, "longitude")
        if lat is not None and not -90 <= lat <= 90:
            raise PlaceError(f"{where}: latitude: {lat} is outside -90..90")
        if lon is not None and not -180 <= lon <= 180:
            raise PlaceError(f"{where}: longitude: {lon} is outside -180..180")
        yield Place(
            geonames_id=get("geonames_id"),
            name=get("name"),
            country=country,
            admin1=get("admin1"),
            admin2=get("admin2"),
            latitude=lat,
            longitude=lon,
            feature_code=get("feature_code").upper() or "PPL",
            population=_int(get("population"), where, "population"),
            alternate_names=tuple(
                a.strip() for a in get("alternate_names").split(";") if a.strip()
            ),
        )

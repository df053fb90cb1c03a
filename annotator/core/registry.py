"""The actor registry: canonical actors, their ACLED types, aliases and external ids.

A project keeps one registry so that "Assad regime", "Syrian army" and "Syrian regime" become
one actor across thousands of articles and coders. An ACTOR span names its registry entry in its
``actor`` attribute (the canonical name). This module is pure: records, the CSV reader with
one-line errors, and the fuzzy completer the attribute form uses (rapidfuzz). See
``docs/dataset.md``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz, process, utils

# ACLED's actor types with their "inter" codes (ACLED codebook, "Actor types"); the names match
# the values of the ACTOR ``category`` attribute of the default codebook.
ACTOR_TYPES: dict[str, int] = {
    "state_forces": 1,
    "rebel_group": 2,
    "political_militia": 3,
    "identity_militia": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external_other_forces": 8,
}
# Spellings accepted on import ("State forces", "Rebel Groups", "external/other") → our names.
_TYPE_SPELLINGS = {
    "state forces": "state_forces",
    "rebel group": "rebel_group",
    "rebel groups": "rebel_group",
    "political militia": "political_militia",
    "political militias": "political_militia",
    "identity militia": "identity_militia",
    "identity militias": "identity_militia",
    "rioter": "rioters",
    "protester": "protesters",
    "civilian": "civilians",
    "external/other forces": "external_other_forces",
    "external / other": "external_other_forces",
    "external/other": "external_other_forces",
    "external other forces": "external_other_forces",
    "other forces": "external_other_forces",
}

CSV_COLUMNS = ("name", "type", "country", "aliases", "ids")
MAX_NAME = 300


class RegistryError(ValueError):
    """Bad registry input; the message names the file, line and field."""


@dataclass(frozen=True)
class Actor:
    name: str
    type: str = ""
    country: str = ""
    aliases: tuple[str, ...] = ()
    ids: dict[str, str] = field(default_factory=dict)  # e.g. {"acled": "...", "wikidata": "Q..."}
    start: str = ""  # ISO date or ""
    end: str = ""

    @property
    def inter(self) -> int | None:
        """ACLED's inter code of this actor's type (None when untyped)."""
        return ACTOR_TYPES.get(self.type)


def actor_type(value: str) -> str:
    """Our name for an ACLED actor type, from any usual spelling or its inter code ("" stays "")."""
    text = " ".join(value.strip().lower().replace("_", " ").split())
    if not text:
        return ""
    if text.isdigit() and int(text) in ACTOR_TYPES.values():
        return next(k for k, v in ACTOR_TYPES.items() if v == int(text))
    snake = text.replace(" ", "_").replace("/", "_")
    if snake in ACTOR_TYPES:
        return snake
    if text in _TYPE_SPELLINGS:
        return _TYPE_SPELLINGS[text]
    raise ValueError(f"unknown actor type {value!r} (one of {', '.join(ACTOR_TYPES)})")


def _ids(value: str) -> dict[str, str]:
    """``acled:1234; wikidata:Q123`` → {"acled": "1234", "wikidata": "Q123"}."""
    out: dict[str, str] = {}
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        scheme, sep, ident = part.partition(":")
        if not sep or not scheme.strip() or not ident.strip():
            raise ValueError(f"id {part!r} is not SCHEME:ID (e.g. wikidata:Q1234)")
        out[scheme.strip().lower()] = ident.strip()
    return out


def _iso_date(value: str, name: str) -> str:
    value = value.strip()
    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name} {value!r} is not an ISO date (YYYY-MM-DD)") from None
    return value


def read_actor_csv(path: Path) -> list[Actor]:
    """Read ``name,type,country,aliases,ids[,start,end]`` (aliases and ids ``;``-separated)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: not UTF-8 (byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "name" not in header:
        raise RegistryError(f"{path}:1: no 'name' column (expected {','.join(CSV_COLUMNS)})")
    reader.fieldnames = header
    actors: list[Actor] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        try:
            actor = _actor_from_row(row)
        except ValueError as exc:
            raise RegistryError(f"{path}:{line}: {exc}") from None
        key = actor.name.casefold()
        if key in seen:
            raise RegistryError(
                f"{path}:{line}: name: {actor.name!r} is already on line {seen[key]}"
            )
        seen[key] = line
        actors.append(actor)
    return actors


def _actor_from_row(row: dict[str, str | None]) -> Actor:
    def get(key: str) -> str:
        return (row.get(key) or "").strip()

    name = " ".join(get("name").split())
    if not name:
        raise ValueError("name: empty")
    if len(name) > MAX_NAME:
        raise ValueError(f"name: longer than {MAX_NAME} characters")
    try:
        kind = actor_type(get("type"))
    except ValueError as exc:
        raise ValueError(f"type: {exc}") from None
    country = get("country").upper()
    if country and not re.fullmatch(r"[A-Z]{2,3}", country):
        raise ValueError(f"country: {country!r} is not an ISO 3166 code")
    aliases = tuple(
        dict.fromkeys(
            a for a in (" ".join(x.split()) for x in get("aliases").split(";")) if a and a != name
        )
    )
    try:
        ids = _ids(get("ids"))
        start = _iso_date(get("start"), "start")
        end = _iso_date(get("end"), "end")
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    return Actor(name, kind, country, aliases, ids, start, end)


@dataclass(frozen=True)
class Candidate:
    name: str  # the canonical name
    matched: str  # the name or alias that matched
    score: float  # 0..100


class ActorCompleter:
    """Completes what a coder types to registry actors, by name and alias, tolerant of typos.

    A prefix of a name or alias ranks first (the coder is typing it), then rapidfuzz's WRatio
    (handles word order and partial names: "assad regime" → "Government of Syria (2000-)" via
    its alias "Assad regime").
    """

    def __init__(self, actors: Iterable[Actor]) -> None:
        self._choices: list[str] = []
        self._owner: list[str] = []
        for actor in actors:
            for text in (actor.name, *actor.aliases):
                self._choices.append(text)
                self._owner.append(actor.name)
        self._folded = [utils.default_process(c) for c in self._choices]

    def complete(self, typed: str, limit: int = 10, cutoff: float = 60.0) -> list[Candidate]:
        query = utils.default_process(typed)
        if not query:
            return []
        best: dict[str, Candidate] = {}
        for i, folded in enumerate(self._folded):
            if folded.startswith(query) or any(w.startswith(query) for w in folded.split()):
                score = 100.0 if folded.startswith(query) else 95.0
                self._keep(best, Candidate(self._owner[i], self._choices[i], score))
        for _choice, score, i in process.extract(
            query,
            self._folded,
            scorer=fuzz.WRatio,
            processor=None,
            limit=limit * 3,
            score_cutoff=cutoff,
        ):
            self._keep(best, Candidate(self._owner[i], self._choices[i], float(score)))
        ranked = sorted(best.values(), key=lambda c: (-c.score, c.name.casefold()))
        return ranked[:limit]

    @staticmethod
    def _keep(best: dict[str, Candidate], cand: Candidate) -> None:
        old = best.get(cand.name)
        if old is None or cand.score > old.score:
            best[cand.name] = cand


def names_and_aliases(actors: Sequence[Actor]) -> dict[str, str]:
    """Every name and alias (case-folded) → the canonical name it stands for."""
    out: dict[str, str] = {}
    for actor in actors:
        for text in (actor.name, *actor.aliases):
            out.setdefault(text.casefold(), actor.name)
    return out

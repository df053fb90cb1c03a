"""The ACLED- and UCDP-style columns of ``events.csv`` (docs/formats.md, "ACLED and UCDP
columns").

An event's actors become canonical registry names (the ACTOR span's ``actor`` attribute; the
span text when it names none, listed in ``unlinked``), with ACLED "inter" codes from the
registry's actor type (else the span's ``category``); its place becomes country, admin units
and coordinates from the gazetteer (the LOCATION span's ``geonames_id``); its counted casualty
figures are split by victim into UCDP's deaths of side A, side B, civilians and unknown.
Pure: the store hands in look-ups of the project's registry and gazetteer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from annotator.core.export.cells import Cell, join_cell, text_cell
from annotator.core.fatalities import Tally
from annotator.core.places import Place, geo_precision
from annotator.core.records import Annotation
from annotator.core.registry import ACTOR_TYPES, Actor

ACTOR_ATTRIBUTE = "actor"
PLACE_ATTRIBUTE = "geonames_id"
# Which roles feed which side. A codebook with one ``assoc_actor`` role (no side) puts its
# fillers on side 1, the side ACLED lists first.
SIDE_ROLES = {
    "actor1": ("actor1",),
    "actor2": ("actor2",),
    "assoc_actor_1": ("assoc_actor1", "assoc_actor"),
    "assoc_actor_2": ("assoc_actor2",),
}
ROLE_SIDE = {role: side for side, roles in SIDE_ROLES.items() for role in roles}
CIVILIAN_VICTIMS = {
    "civilians", "children", "women", "men", "aid_workers", "medical", "journalists",
}  # fmt: skip
VIOLENCE_TYPES = {"state_based": 1, "non_state": 2, "one_sided": 3}  # UCDP type_of_violence
STATE = ACTOR_TYPES["state_forces"]
NON_STATE = {ACTOR_TYPES[t] for t in ("rebel_group", "political_militia", "identity_militia")}

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("event_date", "date", "ACLED event_date: the earliest start of the time role's DATEs, else "
     "the article's publication date (then time_precision 3)"),
    ("year", "integer", "ACLED year of event_date"),
    ("assoc_actor_1", "string", "ACLED: canonical names of actors associated with actor1, "
     "'; '-joined"),
    ("inter1", "integer", "ACLED inter code of actor1 (1 state forces ... 8 external/other)"),
    ("assoc_actor_2", "string", "ACLED: canonical names of actors associated with actor2"),
    ("inter2", "integer", "ACLED inter code of actor2"),
    ("interaction", "integer", "ACLED interaction: the two inter codes, lower first (10, 20... "
     "when there is no actor2)"),
    ("iso", "integer", "ISO 3166-1 numeric code of the place's country"),
    ("country", "string", "the place's country"),
    ("admin1", "string", "first-level administrative unit of the place"),
    ("admin2", "string", "second-level administrative unit of the place"),
    ("location", "string", "the place's gazetteer name (else the LOCATION span's text)"),
    ("latitude", "number", "latitude of the place (WGS84)"),
    ("longitude", "number", "longitude of the place"),
    ("geo_precision", "integer", "ACLED geo-precision: 1 the town itself, 2 near it or a "
     "district, 3 a province or larger (the LOCATION span's own value, else from the place)"),
    ("geonames_id", "string", "the place's gazetteer id (GeoNames id or iso:XX-YY)"),
    ("source_scale", "string", "ACLED source scale of the sources, '; '-joined"),
    ("notes", "string", "the EVENT span's note, else the sentence around its trigger"),
    ("fatalities", "integer", "ACLED fatalities: fatalities_best; 0 when the text says no one "
     "was killed, empty when unknown"),
    ("deaths_a", "integer", "UCDP: counted deaths of side A (actor1's side)"),
    ("deaths_b", "integer", "UCDP: counted deaths of side B (actor2's side)"),
    ("deaths_civilians", "integer", "UCDP: counted civilian deaths"),
    ("deaths_unknown", "integer", "UCDP: counted deaths of unknown status"),
    ("best", "integer", "UCDP best estimate (= fatalities_best)"),
    ("low", "integer", "UCDP low estimate (= fatalities_low)"),
    ("high", "integer", "UCDP high estimate (= fatalities_high)"),
    ("type_of_violence", "integer", "UCDP: 1 state-based, 2 non-state, 3 one-sided (from "
     "the EVENT's violence_type)"),
    ("unlinked", "string", "roles whose actor or place is not linked to the registry or "
     "gazetteer (the span text stands in), '; '-joined"),
)  # fmt: skip
HEADER = tuple(c[0] for c in COLUMNS)


@dataclass(frozen=True)
class References:
    """The project's actor registry and gazetteer, as the writer needs them."""

    actors: Mapping[str, Actor] = field(default_factory=dict)  # canonical name -> entry
    place: Callable[[str], Place | None] = lambda _gid: None

    def actor(self, name: object) -> Actor | None:
        return self.actors.get(name) if isinstance(name, str) and name else None


def _country(iso2: str) -> tuple[Cell, Cell]:
    import pycountry

    found = pycountry.countries.get(alpha_2=iso2) if iso2 else None
    if found is None:
        return "", text_cell(iso2)
    name = getattr(found, "common_name", None) or found.name
    return int(found.numeric), text_cell(name)


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(ch, 0, start) for ch in ".!?\n") + 1
    rights = [i for i in (text.find(ch, end) for ch in ".!?\n") if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return " ".join(text[left:right].split())


def interaction(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction code: both inter codes, the lower first; a sole actor's code × 10."""
    if inter1 is None and inter2 is None:
        return None
    if inter1 is None or inter2 is None:
        return 10 * (inter1 if inter1 is not None else inter2)  # type: ignore[operator]
    low, high = sorted((inter1, inter2))
    return 10 * low + high


class AcledColumns:
    def __init__(self, references: References | None) -> None:
        self.refs = references or References()

    def _names(
        self, spans: Sequence[Annotation], text: str, unlinked: list[str], role: str
    ) -> list[str]:
        names = []
        for a in spans:
            entry = self.refs.actor(a.attributes.get(ACTOR_ATTRIBUTE))
            if entry is not None:
                names.append(entry.name)
            else:
                names.append(text[a.start : a.end])
                if role not in unlinked:
                    unlinked.append(role)
        return list(dict.fromkeys(names))

    def _inter(self, spans: Sequence[Annotation]) -> int | None:
        for a in spans:
            entry = self.refs.actor(a.attributes.get(ACTOR_ATTRIBUTE))
            code = entry.inter if entry is not None else None
            if code is None:
                code = ACTOR_TYPES.get(str(a.attributes.get("category", "")))
            if code is not None:
                return code
        return None

    def actor_cell(
        self, spans: Sequence[Annotation], text: str, role: str, unlinked: list[str]
    ) -> Cell:
        return join_cell(self._names(spans, text, unlinked, ROLE_SIDE.get(role, role)))

    def cells(
        self,
        event: Annotation,
        roles: Mapping[str, list[Annotation]],
        text: str,
        published: str,
        date_start: Cell,
        killed: Tally,
        unlinked: list[str],
    ) -> list[Cell]:
        """The ACLED/UCDP cells of one event, in ``HEADER`` order."""
        side = {k: [a for r in rs for a in roles.get(r, [])] for k, rs in SIDE_ROLES.items()}
        inter1, inter2 = self._inter(side["actor1"]), self._inter(side["actor2"])
        if date_start:
            event_date: Cell = date_start
        else:
            event_date = text_cell(published[:10]) if published else ""
        year: Cell = int(str(event_date)[:4]) if str(event_date)[:4].isdigit() else ""
        place_cells = self._place(roles.get("place", []), text, unlinked)
        scales = [
            str(a.attributes["source_scale"])
            for a in roles.get("source", [])
            if a.attributes.get("source_scale")
        ]
        notes = event.note or _sentence(text, event.start, event.end)
        deaths = self._deaths(killed, inter1, inter2)
        violence = VIOLENCE_TYPES.get(str(event.attributes.get("violence_type", "")), "")

        def num(value: int | float | None) -> Cell:
            return "" if value is None else value

        return [
            event_date,
            year,
            join_cell(self._names(side["assoc_actor_1"], text, unlinked, "assoc_actor_1")),
            num(inter1),
            join_cell(self._names(side["assoc_actor_2"], text, unlinked, "assoc_actor_2")),
            num(inter2),
            num(interaction(inter1, inter2)),
            *place_cells,
            join_cell(list(dict.fromkeys(scales))),
            text_cell(notes),
            num(killed.best),
            *deaths,
            num(killed.best),
            num(killed.low),
            num(killed.high),
            violence,
            join_cell(unlinked),
        ]

    def _place(self, places: Sequence[Annotation], text: str, unlinked: list[str]) -> list[Cell]:
        """iso, country, admin1, admin2, location, latitude, longitude, geo_precision, geonames_id
        of the event's first LOCATION (in text order) that the gazetteer knows, else its text."""
        blank: list[Cell] = ["", "", "", "", "", "", "", "", ""]
        if not places:
            return blank
        for a in places:
            gid = a.attributes.get(PLACE_ATTRIBUTE)
            place = self.refs.place(gid) if isinstance(gid, str) and gid else None
            if place is None:
                continue
            iso, country = _country(place.country)
            precision = a.attributes.get("geo_precision")
            if not isinstance(precision, int) or isinstance(precision, bool):
                precision = geo_precision(place.feature_code)
            return [
                iso, country, text_cell(place.admin1), text_cell(place.admin2),
                text_cell(place.name),
                "" if place.latitude is None else place.latitude,
                "" if place.longitude is None else place.longitude,
                precision, text_cell(place.geonames_id),
            ]  # fmt: skip
        first = places[0]
        unlinked.append("place")
        precision = first.attributes.get("geo_precision")
        blank[4] = text_cell(text[first.start : first.end])
        blank[7] = (
            precision if isinstance(precision, int) and not isinstance(precision, bool) else ""
        )
        return blank

    @staticmethod
    def _deaths(killed: Tally, inter1: int | None, inter2: int | None) -> list[Cell]:
        """UCDP's split of the counted deaths: each counted group adds its smallest best to the
        side its victims belong to (state or non-state combatants to the side whose actor is
        of that kind; civilians; everything else unknown)."""
        if killed.best is None:
            return ["", "", "", ""]
        a = b = civ = unknown = 0
        for group in killed.groups:
            numbered = [c for c in group if isinstance(c.attributes.get("best"), (int, float))]
            if not numbered:
                continue
            chosen = min(numbered, key=lambda c: c.attributes["best"])
            n = chosen.attributes["best"]
            victim = chosen.attributes.get("victim")
            if victim in CIVILIAN_VICTIMS:
                civ += n
            elif victim == "combatants_state" and STATE in (inter1, inter2):
                a, b = (a + n, b) if inter1 == STATE else (a, b + n)
            elif victim == "combatants_nonstate" and (inter1 in NON_STATE or inter2 in NON_STATE):
                a, b = (a + n, b) if inter1 in NON_STATE else (a, b + n)
            else:
                unknown += n
        return [a, b, civ, unknown]

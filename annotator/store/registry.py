"""The project's actor registry: import, list, add on the spot, merge duplicates.

Each function is one transaction. An ACTOR span points at an entry through its ``actor``
attribute (the canonical name), so merging B into A rewrites that attribute on every span that
named B, in the same transaction, and the audit trail records who merged what and how many spans
moved. See ``docs/dataset.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from annotator.core.change import Change
from annotator.core.export.acled import References
from annotator.core.places import Place
from annotator.core.registry import Actor, ActorCompleter, names_and_aliases
from annotator.store.engine import Project
from annotator.store.services import ServiceError, audit
from annotator.store.tables import ActorRow, AnnotationRow, ProjectSetting

APPROVAL_KEY = "actors_require_approval"
ACTOR_ATTRIBUTE = "actor"


def _to_actor(row: ActorRow) -> Actor:
    return Actor(
        row.name, row.type, row.country, tuple(row.aliases), dict(row.ids), row.start, row.end
    )


def actors(project: Project, *, include_unapproved: bool = True) -> list[Actor]:
    """The registry's live entries (merged ones left out), by name."""
    with project.read() as s:
        query = select(ActorRow).where(col(ActorRow.merged_into).is_(None))
        if not include_unapproved:
            query = query.where(col(ActorRow.approved).is_(True))
        rows = s.exec(query.order_by(col(ActorRow.name))).all()
        return [_to_actor(r) for r in rows]


def actor_rows(project: Project) -> list[dict[str, Any]]:
    """The registry as plain rows (for ``actors list --format json``)."""
    with project.read() as s:
        rows = s.exec(
            select(ActorRow).where(col(ActorRow.merged_into).is_(None)).order_by(col(ActorRow.name))
        ).all()
        return [
            {
                "name": r.name,
                "type": r.type,
                "inter": _to_actor(r).inter,
                "country": r.country,
                "aliases": list(r.aliases),
                "ids": dict(r.ids),
                "start": r.start,
                "end": r.end,
                "approved": r.approved,
            }
            for r in rows
        ]


def _new_row(actor: Actor, who: str, *, approved: bool) -> ActorRow:
    return ActorRow(
        name=actor.name,
        type=actor.type,
        country=actor.country,
        aliases=list(actor.aliases),
        ids=dict(actor.ids),
        start=actor.start,
        end=actor.end,
        approved=approved,
        created_by=who,
    )


def completer(project: Project) -> ActorCompleter:
    return ActorCompleter(actors(project))


def import_actors(project: Project, new: Sequence[Actor], who: str) -> tuple[int, int]:
    """Add the entries, or update those of the same name (aliases and ids are merged, not
    replaced). One transaction; returns (added, updated)."""
    added = updated = 0
    with project.write() as s:
        existing = {r.name.casefold(): r for r in s.exec(select(ActorRow)).all()}
        taken = names_and_aliases(
            [_to_actor(r) for r in existing.values() if r.merged_into is None]
        )
        for actor in new:
            row = existing.get(actor.name.casefold())
            if row is not None and row.merged_into is not None:
                raise ServiceError(
                    f"actor {actor.name!r} was merged into another entry; import it under that name"
                )
            for alias in actor.aliases:
                owner = taken.get(alias.casefold())
                if owner is not None and owner.casefold() != actor.name.casefold():
                    raise ServiceError(
                        f"actor {actor.name!r}: alias {alias!r} already names {owner!r}"
                    )
            if row is None:
                row = _new_row(actor, who, approved=True)
                existing[actor.name.casefold()] = row
                added += 1
            else:
                row.type = actor.type or row.type
                row.country = actor.country or row.country
                row.aliases = list(dict.fromkeys([*row.aliases, *actor.aliases]))
                row.ids = {**row.ids, **actor.ids}
                row.start = actor.start or row.start
                row.end = actor.end or row.end
                updated += 1
            for text in (actor.name, *actor.aliases):
                taken.setdefault(text.casefold(), actor.name)
            s.add(row)
        audit(s, who, "actors_import", None, "actor", None, added=added, updated=updated)
    return added, updated


def requires_approval(project: Project) -> bool:
    return project.setting(APPROVAL_KEY) == "1"


def set_requires_approval(project: Project, required: bool, who: str) -> Change:
    with project.write() as s:
        row = s.get(ProjectSetting, APPROVAL_KEY) or ProjectSetting(key=APPROVAL_KEY)
        row.value = "1" if required else "0"
        s.add(row)
        audit(s, who, "actors_approval", None, required=required)
    return Change("actors_approval")


def add_actor(project: Project, actor: Actor, who: str, *, approved: bool | None = None) -> bool:
    """A coder adds an actor on the spot; it waits for approval when the project asks for it.
    Returns whether the entry is approved."""
    ok = (not requires_approval(project)) if approved is None else approved
    with project.write() as s:
        if s.exec(select(ActorRow.id).where(ActorRow.name == actor.name)).first() is not None:
            raise ServiceError(f"actor {actor.name!r} is already in the registry")
        s.add(_new_row(actor, who, approved=ok))
        audit(s, who, "actor_add", None, "actor", None, name=actor.name, approved=ok)
    return ok


def approve_actor(project: Project, name: str, who: str) -> None:
    with project.write() as s:
        row = _live(s, name)
        row.approved = True
        s.add(row)
        audit(s, who, "actor_approve", None, "actor", row.id, name=row.name)


def _live(s: Session, name: str) -> ActorRow:
    row = s.exec(select(ActorRow).where(ActorRow.name == name)).first()
    if row is None:
        raise ServiceError(f"no actor {name!r} in the registry")
    if row.merged_into is not None:
        raise ServiceError(f"actor {name!r} was already merged into another entry")
    return row


def merge_actors(project: Project, keep: str, drop: str, who: str) -> int:
    """Join duplicate ``drop`` into ``keep``: its aliases and ids move over, and every span whose
    ``actor`` attribute named ``drop`` now names ``keep``. Returns how many spans changed."""
    if keep == drop:
        raise ServiceError("merge needs two different actors")
    with project.write() as s:
        kept = _live(s, keep)
        gone = _live(s, drop)
        kept.aliases = list(
            dict.fromkeys(a for a in [*kept.aliases, gone.name, *gone.aliases] if a != kept.name)
        )
        kept.ids = {**gone.ids, **kept.ids}
        kept.type = kept.type or gone.type
        kept.country = kept.country or gone.country
        gone.merged_into = kept.id
        s.add(kept)
        s.add(gone)
        moved = 0
        rows = s.exec(
            select(AnnotationRow).where(
                AnnotationRow.label == "ACTOR", col(AnnotationRow.deleted_at).is_(None)
            )
        ).all()
        for ann in rows:
            if ann.attributes.get(ACTOR_ATTRIBUTE) == gone.name:
                ann.attributes = {**ann.attributes, ACTOR_ATTRIBUTE: kept.name}
                s.add(ann)
                moved += 1
        audit(
            s,
            who,
            "actor_merge",
            None,
            "actor",
            kept.id,
            kept=kept.name,
            merged=gone.name,
            spans=moved,
        )
    return moved


def references(project: Project) -> References:
    """The registry and the gazetteer as the event table reads them (places looked up lazily:
    the built-in gazetteer is opened only if an exported LOCATION names one of its places)."""
    from annotator.store.gazetteer import Gazetteer

    entries = {a.name: a for a in actors(project)}
    gazetteer = Gazetteer(project)
    cache: dict[str, Place | None] = {}

    def place(geonames_id: str) -> Place | None:
        if geonames_id not in cache:
            cache[geonames_id] = gazetteer.get(geonames_id)
        return cache[geonames_id]

    return References(entries, place)

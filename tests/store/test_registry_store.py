"""The actor registry in a project: import, merge (spans follow, audited), approval."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from annotator.core.registry import Actor
from annotator.store import queries, registry, services
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.services import ServiceError
from annotator.store.tables import AnnotationRow, AuditEntry

from helpers.paths import SEED

SYRIA = Actor(
    "Government of Syria (2000-)", "state_forces", "SYR", ("Assad regime", "Syrian regime")
)
ARMY = Actor("Syrian Arab Army", "state_forces", "SYR", ("Syrian army",), {"wikidata": "Q1394329"})
RUSSIA = Actor(
    "Government of Russia (2000-)", "external_other_forces", "RUS", ("Russian Air Force",)
)


def test_import_adds_then_updates_without_losing_aliases(project: Project) -> None:
    assert registry.import_actors(project, [SYRIA, RUSSIA], "lead") == (2, 0)
    more = Actor(SYRIA.name, "", "", ("Syrian regime forces",), {"acled": "1"})
    assert registry.import_actors(project, [more], "lead") == (0, 1)
    (syria,) = [a for a in registry.actors(project) if a.name == SYRIA.name]
    assert syria.aliases == ("Assad regime", "Syrian regime", "Syrian regime forces")
    assert syria.ids == {"acled": "1"} and syria.type == "state_forces"


def test_an_alias_cannot_name_two_actors(project: Project) -> None:
    registry.import_actors(project, [SYRIA], "lead")
    clash = Actor("Syrian government", "state_forces", "SYR", ("Assad regime",))
    with pytest.raises(
        ServiceError, match="alias 'Assad regime' already names 'Government of Syria"
    ):
        registry.import_actors(project, [clash, RUSSIA], "lead")
    # all or nothing: RUSSIA was not added either
    assert [a.name for a in registry.actors(project)] == [SYRIA.name]


def test_merge_moves_every_span_and_is_audited(project: Project) -> None:
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    text = queries.document(project, doc).text
    registry.import_actors(project, [SYRIA, ARMY], "lead")
    for coder, needle, actor in [
        ("alice", "Syrian army", ARMY.name),
        ("bob", "Syrian army", ARMY.name),
        ("alice", "Syrian regime", SYRIA.name),
    ]:
        start = text.index(needle)
        services.create_annotation(
            project, coder, doc, "ACTOR", start, start + len(needle), {"actor": actor}
        )
    assert registry.merge_actors(project, SYRIA.name, ARMY.name, "carol") == 2
    with project.read() as s:
        named = [a.attributes.get("actor") for a in s.exec(select(AnnotationRow)).all()]
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "actor_merge")).one()
    assert named == [SYRIA.name] * 3
    assert entry.coder == "carol"
    assert entry.detail == {"kept": SYRIA.name, "merged": ARMY.name, "spans": 2}
    (syria,) = registry.actors(project)
    assert syria.aliases == ("Assad regime", "Syrian regime", "Syrian Arab Army", "Syrian army")
    assert syria.ids == {"wikidata": "Q1394329"}
    with pytest.raises(ServiceError, match="already merged"):
        registry.merge_actors(project, SYRIA.name, ARMY.name, "carol")
    with pytest.raises(ServiceError, match="no actor 'Nobody'"):
        registry.merge_actors(project, SYRIA.name, "Nobody", "carol")


def test_actors_added_on_the_spot_wait_for_approval_when_asked(project: Project) -> None:
    assert registry.add_actor(project, RUSSIA, "alice") is True
    registry.set_requires_approval(project, True, "lead")
    assert registry.add_actor(project, SYRIA, "alice") is False
    assert [a.name for a in registry.actors(project, include_unapproved=False)] == [RUSSIA.name]
    registry.approve_actor(project, SYRIA.name, "lead")
    assert len(registry.actors(project, include_unapproved=False)) == 2
    with pytest.raises(ServiceError, match="already in the registry"):
        registry.add_actor(project, SYRIA, "bob")
    with project.read() as s:
        actions = [e.action for e in s.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()]
    assert actions == ["actor_add", "actors_approval", "actor_add", "actor_approve"]

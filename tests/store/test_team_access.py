"""On a team project the server itself refuses what a role may not see or do.

Each check connects as the restricted login role with plain psycopg (no Annotator code in
between), reads every row of every table, and tries the forbidden writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import errors

from annotator.core.records import GOLD
from annotator.store import adjudication, queries, services, team
from annotator.store.assign import AssignPlan, assign
from annotator.store.importer import import_paths
from annotator.store.setup import install_codebook

from helpers.paths import SEED
from helpers.team import Team, needs_postgres, team_db  # noqa: F401

pytestmark = needs_postgres

SECOND = "Second article.\n\nGunmen killed 4 villagers near Gao on Monday.\n"
THIRD = "Third article.\n\nA convoy was ambushed; 2 soldiers died.\n"


@dataclass
class Coded:
    team: Team
    alice: str
    bob: str
    carol: str
    docs: dict[str, int]  # "shared" (alice+bob), "alice", "bob"
    ann: dict[str, int]  # one annotation id per coder on the shared document


def _span(project: Any, doc: int, needle: str) -> tuple[int, int]:
    text = queries.document(project, doc).text
    start = text.index(needle)
    return start, start + len(needle)


@pytest.fixture
def coded(team_db: Team, tmp_path: Path) -> Iterator[Coded]:  # noqa: F811
    admin = team_db.open_as(None)
    (tmp_path / "b.txt").write_text(SECOND, "utf-8")
    (tmp_path / "c.txt").write_text(THIRD, "utf-8")
    import_paths(admin, [SEED, tmp_path / "b.txt", tmp_path / "c.txt"])
    shared, only_alice, only_bob = queries.document_ids(admin)
    alice = team_db.add("alice", "coder")
    bob = team_db.add("bob", "coder")
    carol = team_db.add("carol", "reviewer")
    ext = {d: queries.document(admin, d).ext_id for d in (shared, only_alice, only_bob)}
    assign(admin, AssignPlan(coders=[alice, bob], per_document=2, documents=[ext[shared]]))
    assign(admin, AssignPlan(coders=[alice], documents=[ext[only_alice]]))
    assign(admin, AssignPlan(coders=[bob], documents=[ext[only_bob]]))
    ann: dict[str, int] = {}
    for name in (alice, bob):
        project = team_db.open_as(name)
        assert team.login(project) == name
        start, end = _span(project, shared, "killed")
        event = services.create_annotation(
            project, name, shared, "EVENT", start, end, note=f"{name}-secret-note"
        ).created_id
        assert event is not None
        start, end = _span(project, shared, "15")
        casualty = services.create_annotation(
            project,
            name,
            shared,
            "CASUALTY",
            start,
            end,
            {"kind": "killed", "best": 15, "count_scope": "event"},
        ).created_id
        assert casualty is not None
        services.create_link(project, name, event, "casualties", casualty)
        ann[name] = event
    bob_project = team_db.open_as(bob)
    services.create_annotation(bob_project, bob, only_bob, "ACTOR", 0, 5, note="bob-own-doc")
    yield Coded(
        team_db, alice, bob, carol, {"shared": shared, "alice": only_alice, "bob": only_bob}, ann
    )


def every_row(conn: psycopg.Connection[Any]) -> dict[str, list[dict[str, Any]]]:
    """SELECT * from every table of the project, as the connected role sees it."""
    tables = conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    ).fetchall()
    out = {}
    for (table,) in tables:
        cur = conn.execute(f'SELECT * FROM "{table}"')
        names = [c.name for c in cur.description or []]
        out[table] = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    return out


def coder_ids(c: Coded) -> dict[str, int]:
    admin = c.team.open_as(None)
    with admin.read() as s:
        from sqlmodel import select

        from annotator.store.tables import CoderRow

        return {r.name: r.id for r in s.exec(select(CoderRow)).all() if r.id is not None}


def refused(conn: psycopg.Connection[Any], sql: str, *params: Any) -> None:
    """The statement fails in the server (permission or row-level security)."""
    with pytest.raises(errors.InsufficientPrivilege), conn.transaction():
        conn.execute(sql, params)


def updates_nothing(conn: psycopg.Connection[Any], sql: str, *params: Any) -> None:
    with conn.transaction():
        assert conn.execute(sql, params).rowcount == 0


def test_a_coder_sees_only_their_own_layer_and_documents(coded: Coded) -> None:
    ids = coder_ids(coded)
    with psycopg.connect(coded.team.dsn_as(coded.alice)) as conn:
        seen = every_row(conn)
    assert "annotation" in seen and "audit" in seen and "assignment" in seen
    assert [r["name"] for r in seen["coder"]] == [coded.alice]
    assert {r["id"] for r in seen["document"]} == {coded.docs["shared"], coded.docs["alice"]}
    for table in ("annotation", "link", "document_status", "assignment"):
        assert seen[table], table
        assert {r["coder_id"] for r in seen[table]} == {ids[coded.alice]}, table
    assert {r["coder"] for r in seen["audit"]} == {coded.alice}
    everything = repr(seen)
    for secret in (coded.bob, "bob-own-doc", f"{coded.bob}-secret-note", coded.carol):
        assert secret not in everything
    assert {r["note"] for r in seen["annotation"]} == {f"{coded.alice}-secret-note", ""}


def test_a_coder_cannot_write_another_layer_gold_or_project_tables(coded: Coded) -> None:
    ids = coder_ids(coded)
    alice, bob, gold = ids[coded.alice], ids[coded.bob], ids[GOLD]
    shared = coded.docs["shared"]
    new_row = (
        'INSERT INTO annotation (uid, document_id, coder_id, label, start, "end", attributes, '
        "note, codebook_version, source_uid, created_at, updated_at) "
        "VALUES (%s, %s, %s, 'ACTOR', 0, 5, '{}', '', 1, '', now(), now())"
    )
    with psycopg.connect(coded.team.dsn_as(coded.alice)) as conn:
        refused(conn, new_row, "x1", shared, bob)
        refused(conn, new_row, "x2", shared, gold)
        refused(conn, new_row, "x3", coded.docs["bob"], alice)  # not assigned to alice
        refused(
            conn, "UPDATE annotation SET coder_id = %s WHERE id = %s", bob, coded.ann[coded.alice]
        )
        refused(
            conn, "UPDATE annotation SET coder_id = %s WHERE id = %s", gold, coded.ann[coded.alice]
        )
        updates_nothing(conn, "UPDATE annotation SET note = 'hacked' WHERE coder_id = %s", bob)
        updates_nothing(conn, "UPDATE link SET role = 'actor1' WHERE coder_id = %s", bob)
        updates_nothing(conn, "UPDATE document_status SET status = 'done' WHERE coder_id = %s", bob)
        refused(
            conn,
            "INSERT INTO document_status (document_id, coder_id, status, note, updated_at) "
            "VALUES (%s, %s, 'done', '', now())",
            shared,
            gold,
        )
        refused(
            conn,
            "INSERT INTO link (uid, document_id, coder_id, from_id, role, to_id, created_at) "
            "VALUES ('l1', %s, %s, %s, 'actor1', %s, now())",
            shared,
            bob,
            coded.ann[coded.bob],
            coded.ann[coded.bob],
        )
        refused(
            conn,
            "INSERT INTO audit (at, coder, action, detail) VALUES (now(), %s, 'x', '{}')",
            coded.bob,
        )
        refused(conn, "INSERT INTO coder (name, created_at) VALUES ('mallory', now())")
        refused(conn, "DELETE FROM annotation")
        refused(conn, "INSERT INTO assignment (document_id, coder_id, assigned_at) "
                      "VALUES (%s, %s, now())", coded.docs["bob"], alice)  # fmt: skip
        refused(conn, "UPDATE codebook_version SET source = ''")
        refused(conn, "UPDATE project_setting SET value = ''")
        refused(conn, "ALTER TABLE annotation DISABLE ROW LEVEL SECURITY")
        refused(conn, "CREATE TABLE mine (x int)")
    admin = coded.team.open_as(None)
    bobs = queries.annotations(admin, shared, [coded.bob])
    assert {a.note for a in bobs} == {f"{coded.bob}-secret-note", ""}
    assert queries.status(admin, coded.bob, shared) == "in_progress"


def test_a_reviewer_reads_layers_of_finished_documents_and_writes_only_gold(coded: Coded) -> None:
    ids = coder_ids(coded)
    shared = coded.docs["shared"]
    with psycopg.connect(coded.team.dsn_as(coded.carol)) as conn:
        assert every_row(conn)["annotation"] == []  # nobody is done yet
    for name in (coded.alice, coded.bob):
        services.set_status(coded.team.open_as(name), name, shared, "done")
    with psycopg.connect(coded.team.dsn_as(coded.carol)) as conn:
        seen = every_row(conn)
        assert {r["coder_id"] for r in seen["annotation"]} == {ids[coded.alice], ids[coded.bob]}
        assert "bob-own-doc" not in repr(seen)  # bob's other document is not finished
        updates_nothing(
            conn, "UPDATE annotation SET note = 'x' WHERE coder_id = %s", ids[coded.alice]
        )
        refused(
            conn,
            'INSERT INTO annotation (uid, document_id, coder_id, label, start, "end", '
            "attributes, note, codebook_version, source_uid, created_at, updated_at) "
            "VALUES ('r1', %s, %s, 'ACTOR', 0, 5, '{}', '', 1, '', now(), now())",
            shared,
            ids[coded.alice],
        )
        refused(conn, "INSERT INTO assignment (document_id, coder_id, assigned_at) "
                      "VALUES (%s, %s, now())", coded.docs["bob"], ids[coded.alice])  # fmt: skip
    # Through the store, as the reviewer: accept alice's event into gold.
    reviewer = coded.team.open_as(coded.carol)
    change = adjudication.accept(reviewer, coded.carol, [coded.ann[coded.alice]])
    [gold_id] = change.annotations
    admin = coded.team.open_as(None)
    assert [a.id for a in queries.annotations(admin, shared, [GOLD])] == [gold_id]
    with admin.read() as s:
        from sqlmodel import select

        from annotator.store.tables import AuditEntry

        entry = s.exec(select(AuditEntry).where(AuditEntry.entity_id == gold_id)).first()
    assert entry is not None and entry.coder == coded.carol
    # ... and the coders still see nothing of gold.
    with psycopg.connect(coded.team.dsn_as(coded.alice)) as conn:
        assert ids[GOLD] not in {r["coder_id"] for r in every_row(conn)["annotation"]}


def test_a_coder_cannot_manage_the_project(coded: Coded) -> None:
    alice = coded.team.open_as(coded.alice)
    assert team.my_roles(alice) == ("coder",)
    with pytest.raises(team.TeamError, match="only a manager"):
        team.add_user(alice, f"eve_{coded.team.suffix}", "manager", None)
    prefix = team.role_prefix(coded.team.database)
    with psycopg.connect(coded.team.dsn_as(coded.alice)) as conn:  # the server refuses too
        refused(conn, f'GRANT "{prefix}_manager" TO "{coded.alice}"')
        refused(conn, f'CREATE ROLE "eve_{coded.team.suffix}" LOGIN')
    with pytest.raises(team.TeamError, match="only a manager"):
        assign(alice, AssignPlan(coders=[coded.alice], documents=[]))
    with pytest.raises(team.TeamError, match="only a manager"):
        install_codebook(alice, alice.codebook)
    reviewer = coded.team.open_as(coded.carol)
    with pytest.raises(team.TeamError, match="only a manager"):
        team.remove_user(reviewer, coded.alice)


def test_removing_a_user_keeps_their_work_and_closes_the_door(coded: Coded) -> None:
    admin = coded.team.open_as(None)
    team.remove_user(admin, coded.bob)
    assert coded.bob not in {u.name for u in team.list_users(admin)}
    assert len(queries.annotations(admin, coded.docs["shared"], [coded.bob])) == 2
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        psycopg.connect(coded.team.dsn_as(coded.bob)).close()


def test_a_coders_change_after_adjudication_makes_gold_stale(coded: Coded) -> None:
    from annotator.store.progress import progress

    shared = coded.docs["shared"]
    as_alice = coded.team.open_as(coded.alice)
    for name in (coded.alice, coded.bob):
        services.set_status(coded.team.open_as(name), name, shared, "done")
    as_carol = coded.team.open_as(coded.carol)
    adjudication.accept(as_carol, coded.carol, [coded.ann[coded.alice]])
    services.set_status(as_carol, GOLD, shared, "done", actor=coded.carol)
    admin = coded.team.open_as(None)
    assert queries.status(admin, GOLD, shared) == "done"
    services.set_status(as_alice, coded.alice, shared, "in_progress")
    assert queries.status(admin, GOLD, shared) == "done"  # reopening alone changes nothing
    services.create_annotation(as_alice, coded.alice, shared, "ACTOR", 0, 3)
    assert queries.status(admin, GOLD, shared) == "stale"  # the server saw to it
    states = {d.document: d.state for d in progress(admin).documents}
    assert states[queries.document(admin, shared).ext_id] == "stale"
    with psycopg.connect(coded.team.dsn_as(coded.alice)) as conn:
        seen = every_row(conn)
    [stale] = [r for r in seen["audit"] if r["action"] == "gold_stale"]  # her own doing
    assert stale["coder"] == coded.alice and stale["document_id"] == shared
    assert {r["coder_id"] for r in seen["document_status"]} == {coder_ids(coded)[coded.alice]}


def test_the_actor_registry_hides_other_coders_proposals(coded: Coded) -> None:
    from annotator.core.registry import Actor
    from annotator.store import registry

    admin = coded.team.open_as(None)
    registry.add_actor(admin, Actor("Armed Forces of Mali", "state"), "postgres", approved=True)
    registry.set_requires_approval(admin, True, "postgres")
    as_alice = coded.team.open_as(coded.alice)
    assert registry.add_actor(as_alice, Actor("JNIM"), coded.alice) is False  # proposed
    names = {coded.alice: {"Armed Forces of Mali", "JNIM"}, coded.bob: {"Armed Forces of Mali"}}
    for who, expected in names.items():
        assert {a.name for a in registry.actors(coded.team.open_as(who))} == expected
    assert {a.name for a in registry.actors(coded.team.open_as(coded.carol))} == names[coded.alice]
    with psycopg.connect(coded.team.dsn_as(coded.alice)) as conn:
        refused(
            conn,
            'INSERT INTO actor (name, type, country, aliases, ids, start, "end", approved, '
            "created_by, created_at) VALUES ('X', '', '', '[]', '{}', '', '', true, %s, now())",
            coded.bob,
        )
        refused(conn, "UPDATE actor SET approved = true WHERE name = 'JNIM'")


def test_every_command_run_as_a_coder_shows_only_her_work(
    coded: Coded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from annotator.cli import main

    url = coded.team.url_as(coded.alice)
    for name in (coded.alice, coded.bob):  # both done: the reviewer could see it all now
        services.set_status(coded.team.open_as(name), name, coded.docs["shared"], "done")
    capsys.readouterr()
    outputs = []
    for argv in (
        ["info", url, "--json"],
        ["assignments", url, "--format", "json"],
        ["progress", url, "--format", "json"],
        ["export", url, "--format", "jsonl", "-o", str(tmp_path / "all.jsonl")],
        ["export", url, "--format", "csv", "-o", str(tmp_path / "csv")],
        ["codebook", "show", url],
    ):
        assert main(argv) == 0, argv
        outputs.append(capsys.readouterr().out)
    outputs.append((tmp_path / "all.jsonl").read_text("utf-8"))
    outputs += [p.read_text("utf-8") for p in sorted((tmp_path / "csv").rglob("*.csv"))]
    for out in outputs:
        assert coded.bob not in out and "bob-own-doc" not in out and '"gold"' not in out
    info = json.loads(outputs[0])
    assert info["coders"] == [coded.alice] and info["documents"] == 2
    with pytest.raises(SystemExit):
        main(["agreement", url])  # one coder in sight: nothing to compare
    err = capsys.readouterr().err
    assert "agreement needs at least two coders" in err and coded.bob not in err
    with pytest.raises(SystemExit):
        main(["export", url, "--format", "jsonl", "-o", "-", "--coders", coded.bob])
    err = capsys.readouterr().err
    assert err.startswith("annotator: error: unknown coder") and "Traceback" not in err

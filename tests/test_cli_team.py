"""The team commands: init --team, users, assign, assignments, progress."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from annotator.cli import main
from annotator.store import queries, services, team
from annotator.store.engine import Project
from annotator.store.setup import create_project
from annotator.store.tables import DocumentRow

from helpers.paths import DEFAULT_CODEBOOK
from helpers.team import needs_postgres, new_team


def fails(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def personal(tmp_path: Path, n: int) -> str:
    path = tmp_path / "p.annot"
    project = create_project(path)
    with project.write() as s:
        for i in range(n):
            s.add(DocumentRow(ext_id=f"d{i}", sha256=f"{i:064x}", text="one two", length=7))
    project.close()
    return str(path)


def test_assign_and_assignments_on_a_personal_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = personal(tmp_path, 10)
    argv = ["assign", path, "--coders", "ann,bob,cy", "--overlap", "0.5", "--seed", "4"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "assigned 10 document(s) (seed 4); 5 with 2 coders" in out
    assert main(["assignments", path, "--format", "json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert [d["document"] for d in first] == [f"d{i}" for i in range(10)]
    assert sorted(len(d["coders"]) for d in first) == [1] * 5 + [2] * 5
    assert main(argv) == 0
    capsys.readouterr()
    assert main(["assignments", path, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == first
    err = fails(["assign", path, "--coders", "ann", "--per-document", "2"], capsys)
    assert "2 coders per document need at least 2 coders; 1 named" in err


def test_progress_reports_coders_and_review_states(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = personal(tmp_path, 4)
    assert main(["assign", path, "--coders", "ann,bob", "--per-document", "2"]) == 0
    project = Project.open(path)
    d0, d1, d2, d3 = queries.document_ids(project)
    services.set_reviewers(project, ["rev"])
    services.create_annotation(project, "ann", d0, "ACTOR", 0, 3)
    for doc in (d1, d2, d3):
        for coder in ("ann", "bob"):
            services.set_status(project, coder, doc, "done")
    services.set_status(project, "gold", d2, "done", actor="rev")
    services.set_status(project, "gold", d3, "done", actor="rev")
    services.set_status(project, "bob", d3, "in_progress")  # reopened after adjudication
    services.create_annotation(project, "bob", d3, "ACTOR", 0, 3)  # and changed
    project.close()
    capsys.readouterr()
    assert main(["progress", path, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    states = {d["document"]: (d["state"], d["done"]) for d in report["documents"]}
    assert states == {
        "d0": ("waiting", []),
        "d1": ("ready", ["ann", "bob"]),
        "d2": ("adjudicated", ["ann", "bob"]),
        "d3": ("stale", ["ann"]),
    }
    ann = next(c for c in report["coders"] if c["coder"] == "ann")
    assert (ann["assigned"], ann["started"], ann["done"], ann["annotations"]) == (4, 4, 3, 1)
    bob = next(c for c in report["coders"] if c["coder"] == "bob")
    assert (bob["assigned"], bob["started"], bob["done"], bob["annotations"]) == (4, 3, 2, 1)
    assert ann["last_activity"] is not None
    assert [c["coder"] for c in report["coders"]] == ["ann", "bob"]
    assert main(["progress", path]) == 0
    table = capsys.readouterr().out
    assert "4 document(s): 1 waiting, 1 ready, 1 adjudicated, 1 stale" in table


def test_users_needs_a_team_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = personal(tmp_path, 1)
    err = fails(["users", path, "list"], capsys)
    assert "not a team project" in err


@needs_postgres
def test_team_commands_each_as_the_right_role(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with new_team(init=False) as t:
        assert main(["init", t.url, "--team"]) == 0
        assert "is its manager" in capsys.readouterr().out
        secret = tmp_path / "pw"
        secret.write_text("s3cret-pw\n", "utf-8")
        alice, bob = t.name("alice"), t.name("bob")
        t.logins += [alice, bob]
        assert main(["users", t.url, "add", alice, "--role", "coder", "--password-file", str(secret)]) == 0  # fmt: skip
        assert main(["users", t.url, "add", bob, "--role", "reviewer"]) == 0
        assert "s3cret" not in capsys.readouterr().out
        assert main(["users", t.url, "list", "--format", "json"]) == 0
        listed = {u["name"]: u["roles"] for u in json.loads(capsys.readouterr().out)}
        assert listed[alice] == ["coder"] and listed[bob] == ["reviewer"]
        with psycopg.connect(t.dsn_as(alice)) as conn:  # the role exists and logs in
            assert conn.execute("SELECT current_user").fetchone() == (alice,)
        as_alice, as_bob = t.url_as(alice), t.url_as(bob)
        for who in (as_alice, as_bob):
            assert "only a manager" in fails(
                ["users", who, "add", "eve", "--role", "manager"], capsys
            )
            assert "only a manager" in fails(["assign", who, "--coders", alice], capsys)
            assert "only a manager" in fails(["codebook", "update", who, str(DEFAULT_CODEBOOK)], capsys)  # fmt: skip
        err = fails(["assign", t.url, "--coders", bob], capsys)  # bob reviews, he does not code
        assert f"'{bob}' is not a coder of this project" in err
        assert main(["users", t.url, "remove", alice]) == 0
        capsys.readouterr()
        assert main(["users", t.url, "list", "--format", "json"]) == 0
        assert alice not in {u["name"] for u in json.loads(capsys.readouterr().out)}
        admin = t.open_as(None)
        assert alice in queries.coders(admin)  # the layer stays
        assert team.is_team(admin)


@needs_postgres
def test_an_administrator_who_is_not_a_superuser_sets_up_a_team(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The usual case on a server a team already runs: the lead may create databases and
    roles, nothing more. The lead's project still refuses a coder everything not hers."""
    with new_team(init=False) as t:
        lead = t.name("lead")
        t.logins.append(lead)
        with psycopg.connect(t.dsn_as("postgres").replace(t.database, "postgres")) as conn:
            conn.autocommit = True
            conn.execute(f'CREATE ROLE "{lead}" LOGIN CREATEROLE CREATEDB')
        as_lead = t.url_as(lead)
        assert main(["init", as_lead, "--team"]) == 0  # creates the database too
        assert f"{lead} is its manager" in capsys.readouterr().out
        alice, bob = t.name("alice"), t.name("bob")
        t.logins += [alice, bob]
        for name in (alice, bob):
            assert main(["users", as_lead, "add", name, "--role", "coder"]) == 0
        lead_project = Project.open(as_lead)
        try:
            with lead_project.write() as s:
                for i in range(4):
                    s.add(DocumentRow(ext_id=f"d{i}", sha256=f"{i:064x}", text="a b", length=3))
            assert team.my_roles(lead_project) == ("manager",)
        finally:
            lead_project.close()
        assert main(["assign", as_lead, "--coders", f"{alice},{bob}", "--seed", "2"]) == 0
        capsys.readouterr()
        assert main(["assignments", t.url_as(alice), "--format", "json"]) == 0
        mine = json.loads(capsys.readouterr().out)
        assert [d["coders"] for d in mine] == [[alice], [alice]]  # two documents, hers only
        with psycopg.connect(t.dsn_as(lead)) as conn:
            owners = conn.execute(
                "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r'"
            ).fetchall()
        assert owners == [(team.group(team.role_prefix(t.database), "owner"),)]

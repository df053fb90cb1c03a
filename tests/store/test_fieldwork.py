"""Field work: a coder's layer goes out as a package and merges back (docs/team.md).

Offline work is done in the package with the ordinary services, as the app does; the project is
checked afterwards through queries and the tables themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from annotator.cli import main
from annotator.store import queries, services
from annotator.store.engine import Project, ProjectError
from annotator.store.fieldwork import MergeConflict, origin_of, package
from annotator.store.importer import import_paths
from annotator.store.merge import merge
from annotator.store.services import ServiceError
from annotator.store.setup import create_project
from annotator.store.tables import AnnotationRow, Assignment, AuditEntry, CoderRow, LinkRow

from helpers.paths import SEED

EVENT = {"event_type": "violence_against_civilians"}


def at(project: Project, doc: int, needle: str) -> tuple[int, int]:
    text = queries.document(project, doc).text
    start = text.index(needle)
    return start, start + len(needle)


def dump(project: Project) -> dict[str, Any]:
    """Everything a merge could touch, to compare before and after."""
    with project.read() as s:
        return {
            "spans": sorted(
                (
                    r.uid,
                    r.coder_id,
                    r.label,
                    r.start,
                    r.end,
                    str(r.attributes),
                    r.note,
                    r.deleted_at is None,
                )
                for r in s.exec(select(AnnotationRow)).all()
            ),
            "links": sorted(
                (r.uid, r.role, r.from_id, r.to_id, r.deleted_at is None)
                for r in s.exec(select(LinkRow)).all()
            ),
            "audit": len(s.exec(select(AuditEntry)).all()),
            "status": queries.status(project, "alice", queries.document_ids(project)[0]),
        }


@pytest.fixture
def coded(project: Project) -> tuple[Project, int, dict[str, int]]:
    """alice: EVENT "attack" with actor1 "Syrian regime", a LOCATION "Idlib"; bob: one ACTOR."""
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    ids = {
        "event": services.create_annotation(
            project, "alice", doc, "EVENT", *at(project, doc, "attack"), EVENT
        ).created_id,
        "regime": services.create_annotation(
            project, "alice", doc, "ACTOR", *at(project, doc, "Syrian regime")
        ).created_id,
        "idlib": services.create_annotation(
            project, "alice", doc, "LOCATION", *at(project, doc, "Idlib")
        ).created_id,
        "bob": services.create_annotation(
            project, "bob", doc, "ACTOR", *at(project, doc, "Syrian regime")
        ).created_id,
    }
    services.create_link(project, "alice", ids["event"], "actor1", ids["regime"])
    return project, doc, ids


def uid(project: Project, ann_id: int) -> str:
    row = queries.annotation(project, ann_id)
    assert row is not None
    return row.uid


def in_package(pkg: Project, project: Project, ann_id: int) -> int:
    """The package's id of a project span (same document, same uid)."""
    wanted = uid(project, ann_id)
    with pkg.read() as s:
        found = s.exec(select(AnnotationRow.id).where(AnnotationRow.uid == wanted)).one()
    assert found is not None
    return found


def test_a_package_holds_the_coders_documents_codebook_and_own_layer_only(
    coded: tuple[Project, int, dict[str, int]], tmp_path: Path
) -> None:
    project, doc, _ids = coded
    out = tmp_path / "alice.annot"
    report = package(project, "alice", out)
    assert (report.documents, report.spans, report.links) == (1, 3, 1)
    pkg = Project.open(out)
    with pkg.read() as s:
        assert s.exec(select(CoderRow.name)).all() == ["alice"]
    [pdoc] = queries.document_ids(pkg)
    assert queries.document(pkg, pdoc).text == queries.document(project, doc).text
    assert {a.uid for a in queries.annotations(pkg, pdoc)} == {
        a.uid for a in queries.annotations(project, doc, ["alice"])
    }
    assert len(queries.links(pkg, pdoc)) == 1
    assert pkg.codebook == project.codebook
    origin = origin_of(pkg)
    assert origin["coder"] == "alice" and len(origin["state"]["spans"]) == 3
    pkg.close()
    with pytest.raises(ProjectError, match="already exists"):
        package(project, "alice", out)


def test_offline_work_merges_back_with_its_audit_trail_and_a_second_merge_changes_nothing(
    coded: tuple[Project, int, dict[str, int]], tmp_path: Path
) -> None:
    project, doc, ids = coded
    out = tmp_path / "alice.annot"
    package(project, "alice", out)
    pkg = Project.open(out)
    [pdoc] = queries.document_ids(pkg)
    # offline: a new span linked as the place, an edit, a deletion, the document done
    place = services.create_annotation(pkg, "alice", pdoc, "LOCATION", *at(pkg, pdoc, "Idlib"))
    event = in_package(pkg, project, ids["event"])
    services.create_link(pkg, "alice", event, "place", place.created_id)
    services.update_annotation(pkg, "alice", event, note="the regime's attack")
    services.delete_annotation(pkg, "alice", in_package(pkg, project, ids["idlib"]))
    pkg.close()
    bob_before = queries.annotations(project, doc, ["bob"])

    report = merge(project, out)
    assert (report.added, report.edited, report.deleted, report.links_added) == (1, 1, 1, 1)
    alice = {a.uid: a for a in queries.annotations(project, doc, ["alice"])}
    assert ids["idlib"] not in {a.id for a in alice.values()}  # deleted offline
    assert alice[uid(project, ids["event"])].note == "the regime's attack"
    assert sorted(a.label for a in alice.values()) == ["ACTOR", "EVENT", "LOCATION"]
    roles = sorted(k.role for k in queries.links(project, doc, ["alice"]))
    assert roles == ["actor1", "place"]
    assert queries.annotations(project, doc, ["bob"]) == bob_before
    with project.read() as s:
        copied = s.exec(select(AuditEntry).where(AuditEntry.coder == "alice")).all()
    offline = [e for e in copied if "package" in e.detail and e.action != "merge_package"]
    assert [e.action for e in copied].count("merge_package") == 1
    assert [e.action for e in offline] == [
        "create_annotation",
        "create_link",
        "update_annotation",
        "delete_annotation",
    ]
    assert all(e.document_id == doc for e in offline)

    before = dump(project)
    again = merge(project, out)
    assert not again.changed and again.audit == 0
    assert dump(project) == before


def test_a_change_on_both_sides_is_a_conflict_and_nothing_is_written(
    coded: tuple[Project, int, dict[str, int]], tmp_path: Path
) -> None:
    project, _doc, ids = coded
    out = tmp_path / "alice.annot"
    package(project, "alice", out)
    pkg = Project.open(out)
    services.update_annotation(pkg, "alice", in_package(pkg, project, ids["idlib"]), note="town")
    services.create_annotation(pkg, "alice", queries.document_ids(pkg)[0], "DATE", 0, 3)
    pkg.close()
    services.update_annotation(project, "alice", ids["idlib"], note="province")
    before = dump(project)
    with pytest.raises(MergeConflict) as refused:
        merge(project, out)
    assert len(refused.value.items) == 1
    assert "LOCATION" in refused.value.items[0] and "\n" not in str(refused.value)
    assert dump(project) == before
    assert queries.annotation(project, ids["idlib"]).note == "province"  # type: ignore[union-attr]


def test_the_same_edit_on_both_sides_is_no_conflict(
    coded: tuple[Project, int, dict[str, int]], tmp_path: Path
) -> None:
    project, _doc, ids = coded
    out = tmp_path / "alice.annot"
    package(project, "alice", out)
    pkg = Project.open(out)
    services.update_annotation(pkg, "alice", in_package(pkg, project, ids["idlib"]), note="x")
    pkg.close()
    services.update_annotation(project, "alice", ids["idlib"], note="x")
    assert not merge(project, out).changed


def test_a_merge_that_would_overfill_a_role_is_refused(
    coded: tuple[Project, int, dict[str, int]], tmp_path: Path
) -> None:
    project, doc, ids = coded
    services.delete_annotation(project, "alice", ids["regime"])  # actor1 is free again
    out = tmp_path / "alice.annot"
    package(project, "alice", out)
    pkg = Project.open(out)
    [pdoc] = queries.document_ids(pkg)
    army = services.create_annotation(pkg, "alice", pdoc, "ACTOR", *at(pkg, pdoc, "Syrian army"))
    event = in_package(pkg, project, ids["event"])
    services.create_link(pkg, "alice", event, "actor1", army.created_id)
    pkg.close()
    other = services.create_annotation(project, "alice", doc, "ACTOR", *at(project, doc, "Russia"))
    services.create_link(project, "alice", ids["event"], "actor1", other.created_id)
    before = dump(project)
    with pytest.raises(MergeConflict, match="actor1"):
        merge(project, out)
    assert dump(project) == before


def test_work_after_a_merge_merges_again_without_false_conflicts(
    coded: tuple[Project, int, dict[str, int]], tmp_path: Path
) -> None:
    project, doc, ids = coded
    out = tmp_path / "alice.annot"
    package(project, "alice", out)
    pkg = Project.open(out)
    idlib = in_package(pkg, project, ids["idlib"])
    services.update_annotation(pkg, "alice", idlib, note="first")
    merge(project, out)
    services.update_annotation(pkg, "alice", idlib, note="second")
    services.set_status(pkg, "alice", queries.document_ids(pkg)[0], "done")
    pkg.close()
    report = merge(project, out)
    assert (report.edited, report.statuses) == (1, 1)
    assert queries.annotation(project, ids["idlib"]).note == "second"  # type: ignore[union-attr]
    assert queries.status(project, "alice", doc) == "done"


def test_a_package_of_another_project_is_refused(
    coded: tuple[Project, int, dict[str, int]], tmp_path: Path
) -> None:
    project, _doc, _ids = coded
    out = tmp_path / "alice.annot"
    package(project, "alice", out)
    stranger = create_project(tmp_path / "stranger.annot")
    with pytest.raises(ProjectError, match="another project"):
        merge(stranger, out)
    stranger.close()


def test_package_and_merge_commands(
    coded: tuple[Project, int, dict[str, int]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project, _doc, ids = coded
    out = tmp_path / "field.annot"
    assert main(["package", project.url, "--coder", "alice", "-o", str(out)]) == 0
    assert "1 document(s), 3 span(s) and 1 link(s) of alice" in capsys.readouterr().out
    pkg = Project.open(out)
    services.update_annotation(pkg, "alice", in_package(pkg, project, ids["idlib"]), note="a")
    pkg.close()
    assert main(["merge", project.url, str(out)]) == 0
    assert "0 span(s) added, 1 edited" in capsys.readouterr().out
    assert main(["merge", project.url, str(out)]) == 0
    assert "nothing to merge" in capsys.readouterr().out
    pkg = Project.open(out)
    services.update_annotation(pkg, "alice", in_package(pkg, project, ids["idlib"]), note="b")
    pkg.close()
    services.update_annotation(project, "alice", ids["idlib"], note="c")
    with pytest.raises(SystemExit) as exited:
        main(["merge", project.url, str(out)])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("conflict: ") and "merge refused, nothing changed" in err


def test_a_package_holds_the_documents_assigned_to_the_coder(
    coded: tuple[Project, int, dict[str, int]], tmp_path: Path
) -> None:
    project, doc, _ids = coded
    extra = tmp_path / "002_homs.txt"
    extra.write_text("Shelling in Homs\n\nThree people were killed in Homs.\n", encoding="utf-8")
    import_paths(project, [extra])
    with project.write() as s:
        alice = services.coder_id(s, "alice")
        s.add(Assignment(document_id=doc, coder_id=alice))
    out = tmp_path / "alice.annot"
    assert package(project, "alice", out).documents == 1
    pkg = Project.open(out)
    [pdoc] = queries.document_ids(pkg)
    assert queries.document(pkg, pdoc).text == queries.document(project, doc).text
    with pkg.read() as s:
        assert len(s.exec(select(Assignment)).all()) == 1  # their queue, in the package too
    pkg.close()
    with pytest.raises(ServiceError, match="no document is assigned to 'bob'"):
        package(project, "bob", tmp_path / "bob.annot")
    assert not (tmp_path / "bob.annot").exists()

"""Project files: damage is refused on open, files that are not projects are never written to,
an interrupted init is finished, and a project that cannot be written still opens for reading."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlmodel import select

from annotator.store import project_file, queries, services
from annotator.store.engine import Project, ProjectError, mask_password
from annotator.store.importer import import_paths
from annotator.store.setup import create_demo, create_project, seed_paths
from annotator.store.tables import CodebookVersion

from helpers.paths import SEED
from helpers.project_files import damage


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("table", ["document", "coder", "annotation"])
def test_a_damaged_project_is_refused_on_open_with_one_line(tmp_path: Path, table: str) -> None:
    path = tmp_path / "p.annot"
    create_demo(path).close()
    damage(path, table)
    before = snapshot(tmp_path)
    with pytest.raises(ProjectError) as err:
        Project.open(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: the project file is damaged (")
    assert f"annotator check {path}" in message
    assert snapshot(tmp_path) == before  # refused without writing anything


def test_a_sound_project_passes_the_checks(tmp_path: Path) -> None:
    path = tmp_path / "p.annot"
    create_demo(path).close()
    assert project_file.look(path).state == "project"
    assert project_file.integrity_problems(path) == []


def test_the_full_check_lists_what_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "p.annot"
    create_demo(path).close()
    damage(path, "coder")
    problems = project_file.integrity_problems(path)
    assert problems and all("\n" not in p for p in problems)
    assert any("Page" in p or "malformed" in p for p in problems)


def not_projects(folder: Path) -> dict[str, Path]:
    text = folder / "notes.annot"
    text.write_text("shopping list\n", "utf-8")
    other = folder / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE birds (name TEXT)")
    db.execute("INSERT INTO birds VALUES ('wren')")
    db.commit()
    db.close()
    empty = folder / "empty.annot"
    empty.touch()
    return {"not_sqlite": text, "other_tables": other, "empty": empty}


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("not_sqlite", "not an Annotator project (not an SQLite database)"),
        ("other_tables", "not an Annotator project (a database with other tables)"),
        ("empty", "an empty file, not a project"),
    ],
)
def test_opening_a_file_that_is_not_a_project_never_writes_to_it(
    tmp_path: Path, kind: str, message: str
) -> None:
    path = not_projects(tmp_path)[kind]
    before = snapshot(tmp_path)
    with pytest.raises(ProjectError, match=re.escape(message)):
        Project.open(path)
    assert snapshot(tmp_path) == before  # same bytes, and no -wal / -shm created beside it


def test_init_finishes_an_init_that_was_interrupted(tmp_path: Path) -> None:
    empty = tmp_path / "empty.annot"
    empty.touch()  # killed before SQLite wrote anything
    project = create_project(empty)
    assert project.codebook.name == "conflict-events"
    project.close()

    half = tmp_path / "half.annot"
    Project.open(half, create=True).close()  # killed after the tables, before the codebook
    with pytest.raises(ProjectError, match=r"an unfinished project .* run it again"):
        Project.open(half)
    project = create_project(half)
    import_paths(project, [SEED])
    with project.read() as s:
        assert len(s.exec(select(CodebookVersion)).all()) == 1
    project.close()
    assert Project.open(half).codebook.name == "conflict-events"


def test_init_refuses_a_finished_project_and_files_that_are_not_projects(tmp_path: Path) -> None:
    done = tmp_path / "done.annot"
    create_project(done).close()
    with pytest.raises(ProjectError, match="already exists"):
        create_project(done)
    for kind, path in not_projects(tmp_path).items():
        if kind == "empty":
            continue
        before = snapshot(tmp_path)
        with pytest.raises(ProjectError, match="not an Annotator project"):
            create_project(path)
        assert snapshot(tmp_path) == before


def test_backup_is_a_consistent_copy_while_a_writer_is_mid_transaction(tmp_path: Path) -> None:
    path = tmp_path / "p.annot"
    project = create_demo(path)
    doc = queries.document_ids(project)[0]
    services.create_annotation(project, "alice", doc, "ACTOR", 0, 5)
    writer = sqlite3.connect(path, timeout=30)
    writer.execute("BEGIN IMMEDIATE")  # another coder's action, not yet committed
    writer.execute("UPDATE coder SET name = 'half-done' WHERE name = 'alice'")
    out = tmp_path / "copy.annot"
    project_file.backup(path, out)
    writer.commit()  # the writer was never blocked by the backup
    writer.close()
    assert project_file.integrity_problems(out) == []
    copy = Project.open(out)
    assert [a.coder for a in queries.annotations(copy, doc, ["alice"])] == ["alice"]
    copy.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    project.close()


def test_a_password_never_appears_in_a_message() -> None:
    url = "postgresql+psycopg://ann:s3cr%3At@db.example.org:5432/study"
    assert mask_password(f"{url}: cannot open") == (
        "postgresql+psycopg://ann:***@db.example.org:5432/study: cannot open"
    )
    assert mask_password("postgresql://ann@host/db") == "postgresql://ann@host/db"
    with pytest.raises(ProjectError) as err:
        Project.open("postgresql+psycopg://ann:s3cret@127.0.0.1:notaport/db")
    assert "s3cret" not in str(err.value) and "***" in str(err.value)


# ------------------------------------------------------------------ read-only folder, full disk


def test_a_project_in_a_read_only_folder_opens_for_reading(
    tmp_path: Path, mount_point: Path
) -> None:
    source = tmp_path / "p.annot"
    project = create_demo(source)
    doc = queries.document_ids(project)[0]
    services.create_annotation(project, "alice", doc, "ACTOR", 0, 5)
    project.close()
    path = mount_point / "p.annot"
    path.write_bytes(source.read_bytes())
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
    assert not os.access(mount_point, os.W_OK)
    opened = Project.open(path)
    assert opened.read_only == "folder is read-only"
    assert queries.info(opened)["annotations_by_coder"]["alice"] == 1
    with pytest.raises(ProjectError, match=r"opened read-only \(folder is read-only\)"):
        services.create_annotation(opened, "alice", doc, "ACTOR", 6, 9)
    opened.close()


def test_a_full_disk_refuses_the_action_and_reading_still_works(
    tmp_path: Path, mount_point: Path
) -> None:
    path = mount_point / "p.annot"
    create_demo(path).close()
    filler = mount_point / "filler"
    with filler.open("wb") as fh:  # fill the disk, leaving room for SQLite's shared memory file
        free = os.statvfs(mount_point).f_bavail * os.statvfs(mount_point).f_frsize
        fh.write(b"\0" * max(free - 96 * 1024, 0))
    big = tmp_path / "big.txt"
    big.write_text("Shelling was reported. " * 20_000, "utf-8")
    project = Project.open(path)
    before = queries.info(project)
    with pytest.raises(Exception) as err:
        import_paths(project, [big])
    from annotator.store.engine import describe_database_error

    assert describe_database_error(err.value) == "disk full: nothing was changed"
    assert queries.info(project) == before
    project.close()


def test_a_first_start_killed_half_way_is_finished_on_the_next(tmp_path: Path) -> None:
    from annotator.store.setup import ensure_default_project

    empty = tmp_path / "default.annot"
    empty.touch()  # the first start died before SQLite wrote anything
    ensure_default_project(empty)
    project = Project.open(empty)
    demo = queries.info(project)
    assert demo["documents"] == len(seed_paths()) > 0  # the demo articles are there
    project.close()
    ensure_default_project(empty)  # a finished project is left as it is
    assert queries.info(Project.open(empty)) == demo


def test_a_disk_with_no_room_at_all_still_opens_the_project_for_reading(
    mount_point: Path,
) -> None:
    path = mount_point / "p.annot"
    project = create_demo(path)
    doc = queries.document_ids(project)[0]
    services.create_annotation(project, "alice", doc, "ACTOR", 0, 5)
    project.close()  # the last connection folds the log into the file and removes -wal/-shm
    filler = (mount_point / "filler").open("wb", buffering=0)
    with filler as fh, pytest.raises(OSError, match="No space"):
        while True:
            fh.write(b"\0" * 4096)
    opened = Project.open(path)  # SQLite cannot even create its shared-memory file
    assert opened.read_only == "disk full"
    assert queries.info(opened)["annotations_by_coder"]["alice"] == 1
    with pytest.raises(ProjectError, match=r"opened read-only \(disk full\); nothing was changed"):
        services.create_annotation(opened, "alice", doc, "ACTOR", 6, 9)
    opened.close()


def test_recent_changes_a_read_only_folder_hides_are_named_not_lost(
    tmp_path: Path, mount_point: Path
) -> None:
    source = tmp_path / "p.annot"
    create_demo(source).close()
    writer = sqlite3.connect(source)
    writer.execute("PRAGMA wal_autocheckpoint = 0")  # the change stays in p.annot-wal
    writer.execute("UPDATE coder SET name = name")
    writer.execute("INSERT INTO project_setting (key, value) VALUES ('note', 'recent')")
    writer.commit()
    for suffix in ("", "-wal"):  # copied while open: the -wal holds the last commit
        (mount_point / f"p.annot{suffix}").write_bytes(Path(f"{source}{suffix}").read_bytes())
    writer.close()
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
    with pytest.raises(ProjectError, match="its -wal file holds recent changes"):
        Project.open(mount_point / "p.annot")


def test_init_in_a_read_only_folder_says_so(mount_point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
    with pytest.raises(ProjectError, match="cannot create the project: folder is read-only"):
        create_project(mount_point / "p.annot")


def test_the_full_check_finds_rows_that_point_nowhere(tmp_path: Path) -> None:
    path = tmp_path / "p.annot"
    project = create_demo(path)
    doc = queries.document_ids(project)[0]
    ann = services.create_annotation(project, "alice", doc, "ACTOR", 0, 5).created_id
    project.close()
    db = sqlite3.connect(path)  # foreign keys off, as in a tool that ignores them
    db.execute("UPDATE annotation SET document_id = 999999 WHERE id = ?", (ann,))
    db.commit()
    db.close()
    assert project_file.look(path).state == "project"  # the quick check does not look at this
    assert project_file.integrity_problems(path) == [
        f"annotation row {ann}: refers to a missing document row"
    ]


def test_export_works_from_a_read_only_folder(tmp_path: Path, mount_point: Path) -> None:
    from annotator.cli import main

    create_demo(mount_point / "p.annot").close()
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
    out = tmp_path / "out.jsonl"
    assert main(["export", str(mount_point / "p.annot"), "--format", "jsonl", "-o", str(out)]) == 0
    assert out.read_bytes().count(b"\n") == len(seed_paths())

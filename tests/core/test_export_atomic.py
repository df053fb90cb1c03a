from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from annotator.core.export.atomic import TEMP_PREFIX, atomic_directory, atomic_output


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.startswith(TEMP_PREFIX)]


def test_atomic_output_replaces_only_on_a_clean_exit(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    with atomic_output(target) as f:
        f.write(b"first\n")
        assert not target.exists()  # nothing visible until the block ends
    assert target.read_bytes() == b"first\n"
    with pytest.raises(ValueError, match="boom"), atomic_output(target) as f:
        f.write(b"half a li")
        raise ValueError("boom")
    assert target.read_bytes() == b"first\n"
    with pytest.raises(KeyboardInterrupt), atomic_output(target, "w") as t:
        t.write("interrupted")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"first\n"
    assert leftovers(tmp_path) == []


def test_atomic_output_text_mode_writes_utf8_without_newline_translation(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "t.csv"  # the folder is created
    with atomic_output(target, "w") as f:
        f.write("إدلب 🕊️\r\nx\n")
    assert target.read_bytes() == "إدلب 🕊️\r\nx\n".encode()


def test_atomic_output_makes_an_ordinary_file(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        with atomic_output(tmp_path / "f") as f:
            f.write(b"x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o644


def test_atomic_output_rejects_other_modes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mode"):
        atomic_output(tmp_path / "f", "a")  # type: ignore[call-overload]


def test_atomic_directory_places_all_files_together(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_directory(out) as d:
        with d.open_text("a.csv") as f:
            f.write("a\n")
        staged = d.write_bytes(None, b"shared")
        d.place(staged, "alice/doc.txt")
        d.link(staged, "bob/doc.txt")
        d.write_bytes("conf", b"c")
        d.temp("scratch")  # never placed: deleted
        assert sorted(p.name for p in out.iterdir() if not p.name.startswith(TEMP_PREFIX)) == []
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == ["a.csv", "alice/doc.txt", "bob/doc.txt", "conf"]
    assert (out / "bob" / "doc.txt").read_bytes() == b"shared"
    assert leftovers(out) == []


def test_atomic_directory_rollback_keeps_old_files_and_removes_a_new_empty_folder(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_text("old")
    with pytest.raises(RuntimeError), atomic_directory(out) as d:
        with d.open_text("a.csv") as f:
            f.write("new")
        raise RuntimeError
    assert (out / "a.csv").read_text() == "old"
    assert leftovers(out) == []
    fresh = tmp_path / "fresh"
    with pytest.raises(RuntimeError), atomic_directory(fresh) as d:
        d.write_bytes("x", b"x")
        raise RuntimeError
    assert not fresh.exists()


@pytest.mark.parametrize("name", ["../escape", "/abs", "a/../b", ""])
def test_atomic_directory_refuses_names_outside_the_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError), atomic_directory(tmp_path / "o") as d:
        d.write_bytes(name, b"x")
    assert not (tmp_path / "o").exists()


def test_atomic_directory_refuses_the_same_name_twice(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="twice"), atomic_directory(tmp_path / "o") as d:
        d.write_bytes("a", b"1")
        d.write_bytes("a", b"2")

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from annotator.core.export.atomic import TEMP_PREFIX, atomic_output, try_lock


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


def test_a_killed_writers_temporary_file_is_removed_by_the_next_write(tmp_path: Path) -> None:
    dead = tmp_path / f"{TEMP_PREFIX}0123456789ab-out.jsonl"
    dead.write_bytes(b"half a li")  # nobody holds its lock: its writer died
    live = tmp_path / f"{TEMP_PREFIX}ba9876543210-other.jsonl"
    live.write_bytes(b"being written")
    fd = os.open(live, os.O_RDWR)
    try:
        assert try_lock(fd)  # a writer at work holds the lock on its temporary file
        with atomic_output(tmp_path / "out.jsonl") as f:
            f.write(b"x\n")
        assert not dead.exists()
        assert live.read_bytes() == b"being written"
    finally:
        os.close(fd)
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "out.jsonl"]

"""A folder export is replaced as a set: old or new, never a mix, whatever kills it and when."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.export import staging
from annotator.core.export.atomic import TEMP_PREFIX
from annotator.core.export.bundle import ExportError
from annotator.core.export.staging import AtomicDirectory, atomic_directory, recover

ROOT = Path(__file__).resolve().parents[2]
SUFFIXES = (".txt", ".csv")
OLD = {"version.txt": b"old", "stale.txt": b"only in the old export", "sub/a.txt": b"old a"}
NEW = {"version.txt": b"new", "sub/a.txt": b"new a", "sub/b.txt": b"new b", "t.csv": b"x\n"}

# Writes NEW into OUT, killing itself with SIGKILL at the named step of the swap ("writing":
# halfway through writing the files). Steps are signalled by the code, never by timing.
KILLER = """
import os, signal, sys
from annotator.core.export import staging
out, step, exchange = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
staging.use_exchange = exchange
def die(name):
    if name == step:
        os.kill(os.getpid(), signal.SIGKILL)
staging.fault = die
files = %r
with staging.atomic_directory(out, (".txt", ".csv")) as d:
    for i, (name, data) in enumerate(files.items()):
        if i == 2:
            die("writing")
        d.write_bytes(name, data)
"""


def contents(folder: Path) -> dict[str, bytes] | None:
    if not folder.exists():
        return None
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]


def write(out: Path, files: dict[str, bytes]) -> None:
    with atomic_directory(out, SUFFIXES) as d:
        for name, data in files.items():
            d.write_bytes(name, data)


def test_a_new_export_replaces_the_old_set_and_leaves_no_stale_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, OLD)
    assert contents(out) == OLD
    write(out, NEW)
    assert contents(out) == NEW  # stale.txt of the earlier export is gone
    assert temporaries(tmp_path) == []


def test_files_appear_only_when_the_block_succeeds(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_directory(out, SUFFIXES) as d:
        with d.open_text("a.csv") as f:
            f.write("a\n")
        staged = d.write_bytes(None, b"shared")
        d.place(staged, "alice/doc.txt")
        d.link(staged, "bob/doc.txt")
        d.temp("scratch")  # never placed: deleted
        assert not out.exists()
    assert contents(out) == {"a.csv": b"a\n", "alice/doc.txt": b"shared", "bob/doc.txt": b"shared"}
    assert temporaries(tmp_path) == []


@pytest.mark.parametrize(
    "failure",
    [RuntimeError("boom"), KeyboardInterrupt(), OSError(errno.ENOSPC, "No space left on device")],
    ids=["error", "ctrl-c", "disk-full"],
)
def test_a_failed_export_keeps_the_old_set_and_removes_its_staging(
    tmp_path: Path, failure: BaseException
) -> None:
    out = tmp_path / "out"
    write(out, OLD)
    with pytest.raises(type(failure)), atomic_directory(out, SUFFIXES) as d:
        d.write_bytes("version.txt", b"new")
        raise failure
    assert contents(out) == OLD
    assert temporaries(tmp_path) == []
    with pytest.raises(type(failure)), atomic_directory(tmp_path / "fresh", SUFFIXES) as d:
        d.write_bytes("x.txt", b"x")
        raise failure
    assert not (tmp_path / "fresh").exists()
    assert temporaries(tmp_path) == []


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_failure_after_the_old_set_moved_aside_puts_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    out = tmp_path / "out"
    write(out, OLD)
    monkeypatch.setattr(staging, "use_exchange", exchange)

    def full_disk(step: str) -> None:
        if step == "ready":
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(staging, "fault", full_disk)
    with pytest.raises(OSError, match="space"):
        write(out, NEW)
    assert contents(out) == OLD
    assert temporaries(tmp_path) == []


STEPS = {  # where the kill falls -> which set the folder holds once recovered
    "writing": OLD,
    "staged": OLD,
    "ready": OLD,
    "moved aside": NEW,  # only on the two-rename path: the new set was complete
    "swapped": NEW,
    "cleaned": NEW,
}


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
@pytest.mark.parametrize("step", list(STEPS))
def test_a_kill_at_any_step_leaves_the_old_or_the_new_set(
    tmp_path: Path, step: str, exchange: bool
) -> None:
    out = tmp_path / "out"
    write(out, OLD)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    script = KILLER % (NEW,)
    done = subprocess.run(
        [sys.executable, "-c", script, str(out), step, "1" if exchange else "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if exchange and step == "moved aside" and done.returncode == 0:
        return  # the atomic exchange worked: nothing is ever moved aside
    assert done.returncode == -signal.SIGKILL, done.stderr
    seen = contents(out)
    if step == "moved aside":  # killed between the two renames: OUT is missing till settled
        assert seen is None
    else:
        assert seen in (OLD, NEW)
    recover(tmp_path)
    assert contents(out) == STEPS[step]
    assert temporaries(tmp_path) == []


def test_the_next_export_cleans_up_after_a_killed_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, OLD)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run(
        [sys.executable, "-c", KILLER % (NEW,), str(out), "writing", "1"], env=env, timeout=120
    )
    assert temporaries(tmp_path) != []  # the dead export's lock file and staging folder
    write(out, {"version.txt": b"third"})
    assert contents(out) == {"version.txt": b"third"}
    assert temporaries(tmp_path) == []


def test_a_live_export_is_never_cleaned_up_by_another(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_directory(out, SUFFIXES) as first:
        first.write_bytes("version.txt", b"first")
        write(tmp_path / "other", NEW)  # recovers the folder: must leave `first` alone
        recover(tmp_path)
    assert contents(out) == {"version.txt": b"first"}
    assert contents(tmp_path / "other") == NEW
    assert temporaries(tmp_path) == []


def test_a_folder_with_other_files_is_refused_and_untouched(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"years of work")
    with pytest.raises(ExportError, match=r"thesis\.docx.*new or empty folder"):
        write(out, NEW)
    (out / "thesis.docx").unlink()
    (out / ".git").mkdir()
    with pytest.raises(ExportError, match=r"\.git"):
        write(out, NEW)
    assert [p.name for p in out.iterdir()] == [".git"]
    (tmp_path / "file").write_bytes(b"x")
    with pytest.raises(ExportError, match="not a folder"):
        write(tmp_path / "file", NEW)
    with pytest.raises(ExportError, match="root folder"):
        write(Path(tmp_path.anchor), NEW)
    assert temporaries(tmp_path) == []


def test_an_empty_existing_folder_keeps_its_permissions(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o750)
    write(out, NEW)
    assert (out.stat().st_mode & 0o777) == 0o750


@pytest.mark.parametrize("name", ["../escape", "/abs", "a/../b", "", ".parts/x.txt"])
def test_names_outside_the_folder_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError), atomic_directory(tmp_path / "o", SUFFIXES) as d:
        d.write_bytes(name, b"x")
    assert not (tmp_path / "o").exists()
    assert temporaries(tmp_path) == []


def test_the_same_name_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="twice"), atomic_directory(tmp_path / "o", SUFFIXES) as d:
        d.write_bytes("a.txt", b"1")
        d.write_bytes("A.txt", b"2")  # one file on a case-insensitive file system


def test_staging_is_a_sibling_of_the_output(tmp_path: Path) -> None:
    d = AtomicDirectory(tmp_path / "out", SUFFIXES)
    try:
        staged = d.write_bytes("a.txt", b"a")
        assert staged.is_relative_to(tmp_path)
        assert not staged.is_relative_to(tmp_path / "out")
    finally:
        d.rollback()
    assert temporaries(tmp_path) == []


def test_leftovers_of_an_export_killed_while_starting_are_removed(tmp_path: Path) -> None:
    draft = tmp_path / f"{TEMP_PREFIX}0123456789abcdef.lock-draft"
    draft.write_bytes(b"")  # killed between creating its lock file and naming it
    stray = tmp_path / f"{TEMP_PREFIX}fedcba9876543210.new"
    stray.mkdir()  # a staging folder whose lock file is gone
    (stray / "a.txt").write_bytes(b"half")
    write(tmp_path / "out", NEW)
    assert temporaries(tmp_path) == []

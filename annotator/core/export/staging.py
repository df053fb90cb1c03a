"""Multi-file exports (CSV bundle, brat folder) replaced all at once, as a set.

An export to ``OUT`` is built in a staging folder beside it and swapped in whole, so ``OUT``
holds either the previous export or the new one, never a mix, and never a stale file of the
previous export beside the new ones. The siblings of ``OUT`` an export uses, all named
``.annotator-tmp-<token>.<step>``:

- ``.lock``: a small file naming ``OUT``, locked by the exporting process for as long as it
  runs (the lock dies with the process, however it dies);
- ``.new``: the staging folder being written;
- ``.ready``: the staging folder once complete (renamed from ``.new``, files flushed to disk);
- ``.old``: the previous ``OUT``, moved aside, then deleted.

The swap: ``.new`` -> ``.ready``; then on Linux one ``renameat2(RENAME_EXCHANGE)`` swaps
``.ready`` and ``OUT`` atomically (``OUT`` is never missing); elsewhere (or on file systems
without it) ``OUT`` -> ``.old`` and ``.ready`` -> ``OUT``, two renames between which ``OUT`` is
briefly absent. The old set is deleted last. A failed export (an exception, Ctrl-C, a full
disk) deletes its staging folder at once and puts the old set back if it had moved it.

Recovery: every export first looks for the ``.lock`` files beside ``OUT`` whose lock no process
holds (their exporter died) and settles them: an incomplete ``.new`` is deleted; a complete
``.ready`` becomes ``OUT`` if ``OUT`` is missing (the kill fell between the two renames) and is
deleted otherwise; ``.old`` is put back if ``OUT`` is still missing, and deleted otherwise.
So after any kill the next export finds ``OUT`` whole, and no temporary folder accumulates.

``OUT`` is replaced as a whole, so an export refuses a non-empty folder holding files an export
does not write (``notes.docx``, a ``.git`` folder): it never deletes a user's other files.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Callable, Collection, Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO, TextIO

import orjson

from annotator.core.export.atomic import (
    TEMP_PREFIX,
    fsync_dir,
    remove_dead_temps,
    try_lock,
    unlink,
)
from annotator.core.export.bundle import ExportError

_STEP = re.compile(re.escape(TEMP_PREFIX) + r"([0-9a-f]{16})\.(lock|new|ready|old|lock-draft)$")
# Files the operating system drops into folders; deleting them with the old set loses nothing.
_SYSTEM_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
_PARTS = ".parts"

fault: Callable[[str], None] | None = None
"""Test hook: called with the name of each step of the swap (see ``_step``)."""

use_exchange = True
"""Whether to try the atomic exchange (tests turn it off to check the two-rename path)."""


def _step(name: str) -> None:
    if fault is not None:
        fault(name)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is not available."""
    if not use_exchange or sys.platform != "linux":
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _remove_tree(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return

    def writable_then_retry(func: Callable[..., object], p: str, _exc: object) -> None:
        with contextlib.suppress(OSError):  # a read-only file on Windows
            os.chmod(p, stat.S_IWRITE)
            func(p)

    shutil.rmtree(path, onerror=writable_then_retry)


def _sibling(target: Path, token: str, step: str) -> Path:
    return target.parent / f"{TEMP_PREFIX}{token}.{step}"


def _settle(target: Path, token: str, forward: bool) -> None:
    """Leave ``target`` whole and delete the export's temporaries (see the module docstring).

    ``forward``: when ``target`` is missing and both sets are at hand, take the new one (after
    a kill: the export had finished) rather than the old one (after a failure).
    """
    new, ready, old = (_sibling(target, token, s) for s in ("new", "ready", "old"))
    _remove_tree(new)
    missing = not os.path.lexists(target)
    if missing and os.path.lexists(ready) and (forward or not os.path.lexists(old)):
        os.replace(ready, target)
        missing = False
    if missing and os.path.lexists(old):
        os.replace(old, target)
    _remove_tree(ready)
    _remove_tree(old)
    fsync_dir(target.parent)


def recover(folder: Path) -> None:
    """Settle the exports into ``folder``'s entries whose process died (module docstring)."""
    remove_dead_temps(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = _STEP.match(name)
        if m is None or m.group(2) not in ("lock", "lock-draft"):
            continue
        lock = folder / name
        try:
            fd = os.open(lock, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except OSError:
            continue
        try:
            if not try_lock(fd):
                continue  # a live export
            if m.group(2) == "lock-draft":  # killed before it started: nothing else to undo
                unlink(lock)
                continue
            try:
                target = folder / str(orjson.loads(lock.read_bytes())["target"])
            except (OSError, ValueError, KeyError, TypeError):
                continue  # not one we can read: leave it alone
            if target.parent != folder:
                continue
            _settle(target, m.group(1), forward=True)
            unlink(lock)
        finally:
            os.close(fd)
    for name in names:  # temporaries whose lock file is gone (killed while settling)
        m = _STEP.match(name)
        orphan = m is not None and not (folder / f"{TEMP_PREFIX}{m.group(1)}.lock").exists()
        if orphan and m is not None and m.group(2) not in ("lock", "lock-draft"):
            _remove_tree(folder / name)


def _foreign(out: Path, suffixes: Collection[str]) -> str | None:
    """The first entry of ``out`` that an export would not have written, if any."""
    for root, _dirs, files in os.walk(out):
        rel = Path(root).relative_to(out)
        if len(rel.parts) > 1 or rel.name.startswith("."):
            return str(rel)
        for name in files:
            if name.lower() in _SYSTEM_FILES:
                continue
            if name.startswith(".") or PurePosixPath(name).suffix.lower() not in suffixes:
                return str(rel / name)
    return None


class AtomicDirectory:
    """A set of files written in a staging folder and swapped in for the old set together.

    ``temp``/``write_bytes``/``open_*`` create files in the staging folder; :meth:`place` gives
    one its final name (relative, ``/``-separated), :meth:`commit` lays the placed files out,
    drops the unplaced ones and swaps the folder in; :meth:`rollback` deletes it all.
    ``suffixes`` are the file types the export writes: an existing non-empty ``path`` holding
    anything else is refused, since the swap would delete it.
    """

    def __init__(self, path: str | os.PathLike[str], suffixes: Collection[str]) -> None:
        target = Path(os.path.realpath(path))
        self.path = Path(path)
        self._target = target
        parent = target.parent
        if os.path.lexists(target) and not target.is_dir():
            raise ExportError(f"{path}: exists and is not a folder")
        if target.parent == target:
            raise ExportError(f"{path}: cannot replace the root folder; name a folder in it")
        parent.mkdir(parents=True, exist_ok=True)
        recover(parent)
        if target.is_dir():
            other = _foreign(target, {s.lower() for s in suffixes})
            if other is not None:
                raise ExportError(
                    f"{path}: holds {other!r}, which is not part of an export; "
                    "export into a new or empty folder (the whole folder is replaced)"
                )
        self._token = secrets.token_hex(8)
        lock = _sibling(target, self._token, "lock")
        draft = _sibling(target, self._token, "lock-draft")
        if sys.platform == "win32":
            draft = lock  # Windows cannot rename an open file
        self._lock_fd = os.open(draft, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            try_lock(self._lock_fd)
            os.write(self._lock_fd, orjson.dumps({"target": target.name}))
            os.fsync(self._lock_fd)
            if draft != lock:
                os.replace(draft, lock)  # appears under its name only once locked and filled
        except BaseException:
            os.close(self._lock_fd)
            unlink(draft)
            raise
        self._lock = lock
        self._stage = _sibling(target, self._token, "new")
        self._parts = self._stage / _PARTS  # files before they get their final names
        try:
            self._parts.mkdir(parents=True)
        except BaseException:
            _remove_tree(self._stage)
            os.close(self._lock_fd)
            unlink(lock)
            raise
        self._temps: list[Path] = []
        self._final: dict[Path, str] = {}  # temp -> final relative name
        self._names: set[str] = set()  # every final name, lower case
        self._placed: list[str] = []  # every final name
        self._folders: set[Path] = {self._stage}
        self._closed = False

    def temp(self, hint: str = "") -> Path:
        """A new empty file, not yet given a final name (deleted at the end unless placed)."""
        p = self._parts / f"{len(self._temps)}-{hint[:60]}"
        os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        self._temps.append(p)
        return p

    def _claim(self, name: str) -> str:
        name = _check_name(name)
        if name.lower() in self._names:  # lower(): case-insensitive file systems
            raise ValueError(f"{name} is written twice")
        self._names.add(name.lower())
        self._placed.append(name)
        return name

    def _create_final(self, name: str) -> Path:
        """A new file created at its final place in the staging folder (no rename later)."""
        final = self._stage / self._claim(name)
        if final.parent != self._stage:
            final.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(final.parent)
        return final

    def place(self, temp: Path, name: str) -> None:
        """Give a staged file its final name (relative to the folder, ``/``-separated)."""
        self._final[temp] = self._claim(name)

    def link(self, temp: Path, name: str) -> None:
        """Place another copy of a staged (complete) file under ``name``."""
        copy = self.temp(PurePosixPath(name).name)
        os.unlink(copy)
        try:
            os.link(temp, copy)
        except OSError:
            shutil.copyfile(temp, copy)
        self.place(copy, name)

    def write_bytes(self, name: str | None, data: bytes) -> Path:
        """Stage a whole file at once, at its final name when ``name`` is given (else a file
        to :meth:`place` or :meth:`link` later)."""
        if name is None:
            p = self._parts / str(len(self._temps))
            self._temps.append(p)
        else:
            p = self._create_final(name)
        with open(p, "xb") as f:
            f.write(data)
        return p

    @contextlib.contextmanager
    def open_binary(self, name: str) -> Iterator[BinaryIO]:
        with open(self._create_final(name), "xb", buffering=1 << 20) as f:
            yield f

    @contextlib.contextmanager
    def open_text(self, name: str) -> Iterator[TextIO]:
        """A UTF-8 text file with no newline translation (what the csv module wants)."""
        p = self._create_final(name)
        with open(p, "x", encoding="utf-8", newline="", buffering=1 << 20) as f:
            yield f

    @property
    def names(self) -> list[str]:
        return sorted(self._placed)

    def commit(self) -> None:
        """Lay the placed files out, flush them to disk and swap the staging folder in."""
        folders = self._folders
        for temp in self._temps:
            name = self._final.get(temp)
            if name is None:
                unlink(temp)
                continue
            final = self._stage / name
            if final.parent != self._stage:
                final.parent.mkdir(parents=True, exist_ok=True)
                folders.add(final.parent)
            os.replace(temp, final)
        self._parts.rmdir()
        _flush_to_disk(self._stage, [self._stage / n for n in self._placed], folders)
        target = self._target
        with contextlib.suppress(OSError):
            os.chmod(self._stage, stat.S_IMODE(target.stat().st_mode))  # keep the folder's mode
        _step("staged")
        ready = _sibling(target, self._token, "ready")
        os.replace(self._stage, ready)
        fsync_dir(target.parent)
        _step("ready")
        if not (os.path.lexists(target) and _exchange(ready, target)):
            if os.path.lexists(target):
                os.replace(target, _sibling(target, self._token, "old"))
                _step("moved aside")
            os.replace(ready, target)
        fsync_dir(target.parent)
        _step("swapped")
        _settle(target, self._token, forward=True)  # deletes the old set
        _step("cleaned")
        self._release()

    def rollback(self) -> None:
        """Delete the staging folder; put the old set back if it was moved aside already."""
        if self._closed:
            return
        try:
            _settle(self._target, self._token, forward=False)
        finally:
            self._release()

    def _release(self) -> None:
        if not self._closed:
            self._closed = True
            os.close(self._lock_fd)  # first: Windows cannot delete an open file
            unlink(self._lock)


def _flush_to_disk(stage: Path, files: list[Path], folders: set[Path]) -> None:
    """Make the staged files and folders durable before the swap makes them visible.

    On Linux one ``syncfs`` of the staging folder's file system does it for thousands of files
    (one ``fsync`` each costs milliseconds: a CSV bundle has a text file per document);
    elsewhere each file and folder is fsynced.
    """
    if sys.platform == "linux":
        syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
        if syncfs is not None:
            fd = os.open(stage, os.O_RDONLY)
            try:
                if syncfs(fd) == 0:
                    return
            finally:
                os.close(fd)
    for path in files:
        _fsync_file(path)
    for folder in folders:
        fsync_dir(folder)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_name(name: str) -> str:
    p = PurePosixPath(name)
    if p.is_absolute() or not p.parts or any(part in ("", ".", "..") for part in p.parts):
        raise ValueError(f"not a relative file name: {name!r}")
    if p.parts[0] == _PARTS:
        raise ValueError(f"not a relative file name: {name!r}")
    return str(p)


@contextlib.contextmanager
def atomic_directory(
    path: str | os.PathLike[str], suffixes: Collection[str]
) -> Iterator[AtomicDirectory]:
    """Stage a multi-file output for ``path``; it replaces ``path`` only if the block succeeds."""
    staged = AtomicDirectory(path, suffixes)
    try:
        yield staged
        staged.commit()
    except BaseException:
        staged.rollback()
        raise

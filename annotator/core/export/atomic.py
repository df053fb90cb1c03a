"""Writes that never leave a half file where a good one was.

A single file (JSONL, a disagreements CSV) is written under a temporary name in the destination
folder (same file system, so the final rename is atomic), flushed to disk, and renamed over the
real name only when the whole write finished cleanly. On any exception, Ctrl-C and a full disk
included, the temporary file is deleted and whatever was there before is untouched.

A process that is killed (``kill -9``, a power cut) cannot delete its temporary file, so every
temporary file is locked (``flock``; ``msvcrt.locking`` on Windows) by the process writing it.
The lock dies with the process: the next write into the same folder deletes the temporary files
nobody holds a lock on any more (:func:`remove_dead_temps`). Multi-file outputs (CSV bundle,
brat folder) are in :mod:`annotator.core.export.staging`, built on the same locks.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, TextIO, overload

TEMP_PREFIX = ".annotator-tmp-"
# A single file's temporary name: TEMP_PREFIX, 12 hex digits, "-", a hint of the final name.
_FILE_TEMP = re.compile(re.escape(TEMP_PREFIX) + r"[0-9a-f]{12}-")


def _temp_name(folder: Path, hint: str) -> Path:
    return folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}-{hint[:60]}"


def _create(path: Path) -> int:
    # O_EXCL: never clobber; mode 0o666 lets the umask decide, like an ordinary new file.
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)


def try_lock(fd: int) -> bool:
    """Take an exclusive lock on an open file without waiting; False if someone holds it.

    The lock belongs to this open file and is released when it is closed or the process dies.
    """
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def remove_dead_temps(folder: Path) -> None:
    """Delete the single-file temporaries in ``folder`` left by writers that died.

    A live writer holds the lock on its temporary file, so it is never touched.
    """
    try:
        names = [n for n in os.listdir(folder) if _FILE_TEMP.match(n)]
    except OSError:
        return
    for name in names:
        path = folder / name
        try:
            fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except OSError:
            continue  # gone already, a folder, or not ours to open
        try:
            dead = try_lock(fd)
        finally:
            os.close(fd)
        if dead:
            with contextlib.suppress(OSError):
                path.unlink()


@overload
def atomic_output(
    path: str | os.PathLike[str], mode: Literal["wb"] = "wb"
) -> contextlib.AbstractContextManager[BinaryIO]: ...


@overload
def atomic_output(
    path: str | os.PathLike[str], mode: Literal["w"]
) -> contextlib.AbstractContextManager[TextIO]: ...


def atomic_output(
    path: str | os.PathLike[str], mode: str = "wb"
) -> contextlib.AbstractContextManager[IO[Any]]:
    """Open ``path`` for writing through a temporary file renamed over it on a clean exit.

    ``mode`` is ``"wb"`` (bytes) or ``"w"`` (UTF-8 text, no newline translation, which is what
    the csv module wants). The temporary file sits in the same folder and is deleted on error.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"mode must be 'wb' or 'w', not {mode!r}")
    return _atomic_output(Path(path), mode)


@contextlib.contextmanager
def _atomic_output(target: Path, mode: str) -> Iterator[IO[Any]]:
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    remove_dead_temps(folder)
    temp = _temp_name(folder, target.name)
    fd = _create(temp)
    try_lock(fd)  # ours alone: nobody else has it open yet
    if mode == "wb":
        f: IO[Any] = os.fdopen(fd, "wb", buffering=1 << 20)
    else:
        f = os.fdopen(fd, "w", encoding="utf-8", newline="", buffering=1 << 20)
    try:
        yield f
        f.flush()
        os.fsync(f.fileno())
        if sys.platform == "win32":
            f.close()  # Windows cannot rename an open file
        os.replace(temp, target)
    except BaseException:
        f.close()
        unlink(temp)
        raise
    f.close()
    fsync_dir(folder)

"""Writes that never leave a half file where a good one was.

Everything is written under a temporary name in the destination folder (same file system, so
the final rename is atomic), flushed to disk, and renamed over the real name only when the
whole write finished cleanly. On any exception, Ctrl-C included, the temporary files are
deleted and whatever was there before is untouched.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO, Literal, TextIO, overload

TEMP_PREFIX = ".annotator-tmp-"


def _temp_name(folder: Path, hint: str) -> Path:
    return folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}-{hint[:60]}"


def _create(path: Path) -> int:
    # O_EXCL: never clobber; mode 0o666 lets the umask decide, like an ordinary new file.
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
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
    temp = _temp_name(folder, target.name)
    fd = _create(temp)
    if mode == "wb":
        f: IO[Any] = os.fdopen(fd, "wb", buffering=1 << 20)
    else:
        f = os.fdopen(fd, "w", encoding="utf-8", newline="", buffering=1 << 20)
    try:
        yield f
        f.flush()
        os.fsync(f.fileno())
        f.close()
        os.replace(temp, target)
    except BaseException:
        f.close()
        _unlink(temp)
        raise
    _fsync_dir(folder)


class AtomicDirectory:
    """A set of files written under temporary names and renamed into place together.

    Files are staged in the destination folder itself; :meth:`commit` renames them to their final
    relative names (creating subfolders then), :meth:`rollback` deletes them. Files already in the
    folder that this export does not write are left as they are.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._created_root = not self.path.exists()
        self.path.mkdir(parents=True, exist_ok=True)
        self._temps: list[Path] = []
        self._final: dict[Path, str] = {}  # temp -> final relative name
        self._names: set[str] = set()

    def temp(self, hint: str = "") -> Path:
        """A new empty file, not yet given a final name (deleted at the end unless placed)."""
        p = _temp_name(self.path, hint)
        os.close(_create(p))
        self._temps.append(p)
        return p

    def place(self, temp: Path, name: str) -> None:
        """Give a staged file its final name (relative to the folder, ``/``-separated)."""
        name = _check_name(name)
        if name in self._names:
            raise ValueError(f"{name} is written twice")
        self._names.add(name)
        self._final[temp] = name

    def link(self, temp: Path, name: str) -> None:
        """Place another copy of a staged (complete) file under ``name``."""
        copy = _temp_name(self.path, PurePosixPath(name).name)
        try:
            os.link(temp, copy)
        except OSError:
            shutil.copyfile(temp, copy)
        self._temps.append(copy)
        self.place(copy, name)

    def write_bytes(self, name: str | None, data: bytes) -> Path:
        """Stage a whole file at once (flushed to disk); place it when ``name`` is given."""
        p = self.temp(PurePosixPath(name).name if name else "")
        with open(p, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if name is not None:
            self.place(p, name)
        return p

    @contextlib.contextmanager
    def open_binary(self, name: str) -> Iterator[BinaryIO]:
        p = self.temp(PurePosixPath(name).name)
        self.place(p, name)
        with open(p, "wb", buffering=1 << 20) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())

    @contextlib.contextmanager
    def open_text(self, name: str) -> Iterator[TextIO]:
        """A UTF-8 text file with no newline translation (what the csv module wants)."""
        p = self.temp(PurePosixPath(name).name)
        self.place(p, name)
        with open(p, "w", encoding="utf-8", newline="", buffering=1 << 20) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())

    @property
    def names(self) -> list[str]:
        return sorted(self._names)

    def commit(self) -> list[Path]:
        """Rename every placed file to its final name; delete the unplaced ones."""
        folders: set[Path] = {self.path}
        done: list[Path] = []
        for temp in self._temps:
            name = self._final.get(temp)
            if name is None:
                _unlink(temp)
                continue
            final = self.path / name
            if final.parent != self.path:
                final.parent.mkdir(parents=True, exist_ok=True)
                folders.add(final.parent)
            os.replace(temp, final)
            done.append(final)
        self._temps.clear()
        for folder in folders:
            _fsync_dir(folder)
        return done

    def rollback(self) -> None:
        for temp in self._temps:
            _unlink(temp)
        self._temps.clear()
        if self._created_root:
            with contextlib.suppress(OSError):
                self.path.rmdir()  # only succeeds when empty: never deletes anyone's files


def _check_name(name: str) -> str:
    p = PurePosixPath(name)
    if p.is_absolute() or not p.parts or any(part in ("", ".", "..") for part in p.parts):
        raise ValueError(f"not a relative file name: {name!r}")
    return str(p)


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike[str]) -> Iterator[AtomicDirectory]:
    """Stage a multi-file output in ``path``; all files appear only if the block succeeds."""
    staged = AtomicDirectory(path)
    try:
        yield staged
    except BaseException:
        staged.rollback()
        raise
    try:
        staged.commit()
    except BaseException:
        staged.rollback()
        raise

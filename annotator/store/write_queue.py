"""Writers of one SQLite project file take turns in order (docs/team.md, "Load").

SQLite lets one transaction write at a time. A writer that finds the file taken does not wait
in a queue: its busy handler sleeps (1, 2, 5 ... up to 100 ms) and tries again, so under steady
load a writer keeps missing the moments the lock is free and waits for seconds while others,
arriving later, go first. So before ``BEGIN IMMEDIATE`` every write transaction of this program
takes an exclusive ``flock`` on a small file beside the project (``<project>-writer``) and keeps
it until its connection goes back to the pool: the kernel wakes the next writer the moment the
turn is free, and no one polls. SQLite's own locks are untouched (``flock`` and SQLite's
``fcntl`` locks do not interact on a local disk); any other program writing the file is still
held off by them, with the busy timeout.

Waiting for the turn is bounded by the busy timeout too: then the write goes on to
``BEGIN IMMEDIATE`` and SQLite's busy handling, which fails with "database is locked" if the
holder (a process stopped mid-transaction, say) still has the file. Where the file cannot be
made (a read-only folder, a full disk, a system without ``flock``) writers go straight to
SQLite as before.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: SQLite's own busy handling only
    fcntl = None  # type: ignore[assignment]

SUFFIX = "-writer"
_FD = "annotator_writer_fd"
_HELD = "annotator_writer_held"
_PATH = "annotator_writer_path"


def turn_path(database: Path) -> Path:
    return database.with_name(database.name + SUFFIX)


def open_turn(info: dict[str, Any], database: Path) -> None:
    """On a new connection: open the turn file (kept open as long as the connection)."""
    if fcntl is None:
        return
    try:
        fd = os.open(turn_path(database), os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return
    info[_FD] = fd
    info[_PATH] = database


def take_turn(info: dict[str, Any], timeout_s: float) -> None:
    """Before a write transaction: wait (at most ``timeout_s``) for this connection's turn."""
    fd = info.get(_FD)
    if fd is None or info.get(_HELD) or fcntl is None:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if not _wait(info, fd, timeout_s):
            return  # SQLite's busy timeout decides now
    except OSError:
        return
    info[_HELD] = True


def _wait(info: dict[str, Any], fd: int, timeout_s: float) -> bool:
    """A blocking ``flock`` has no timeout: it waits in a thread of its own. Given up, that
    thread owns the file it waits on: it lets go of the turn as soon as it gets it and closes
    the file; the connection opens a new one (never sharing a lock with an abandoned waiter)."""
    assert fcntl is not None
    done = threading.Event()
    guard = threading.Lock()
    state = {"abandoned": False, "got": False, "failed": False}

    def wait() -> None:
        assert fcntl is not None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            with guard:
                state["failed"] = True
                abandoned = state["abandoned"]
        else:
            with guard:
                state["got"] = not state["abandoned"]
                abandoned = state["abandoned"]
        done.set()
        if abandoned:
            os.close(fd)  # lets go of the turn if it was taken after all

    threading.Thread(target=wait, name="annotator-writer-turn", daemon=True).start()
    done.wait(timeout_s)
    with guard:
        if state["got"]:
            return True
        if state["failed"]:
            return False
        state["abandoned"] = True
    info.pop(_FD, None)
    open_turn(info, info[_PATH])
    return False


def end_turn(info: dict[str, Any]) -> None:
    """The connection went back to the pool: its transaction is over, the next writer's turn."""
    if info.pop(_HELD, False) and fcntl is not None:
        fd = info.get(_FD)
        if fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)


def close_turn(info: dict[str, Any]) -> None:
    """The connection is closed: so is its turn file (which lets go of any turn held)."""
    info.pop(_HELD, None)
    fd = info.pop(_FD, None)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)

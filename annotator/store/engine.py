"""Opening a project database: engine, SQLite pragmas, schema migrations, sessions.

``PROJECT`` is a file path (SQLite, suggested extension ``.annot``) or any SQLAlchemy URL.
SQLite runs with WAL, foreign keys and a busy timeout; write transactions start with
``BEGIN IMMEDIATE`` so that a GUI and a CLI on the same file queue instead of failing with
"database is locked" when a reader upgrades to a writer. A project file is looked at read-only
before it is opened (see ``project_file``): a damaged file, or one that is not a project, is
refused without being touched, and a project that cannot be written is opened read-only.
See docs/cli.md#project-files.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlmodel import Session, col, create_engine, select

from annotator.core.codebook import Codebook, CodebookError, parse_codebook
from annotator.store import migrations, project_file, tables, write_queue
from annotator.store.errors import ProjectError, StoreError, translate
from annotator.store.tables import CodebookVersion, ProjectSetting

DEFAULT_BUSY_TIMEOUT_MS = 10_000
# A server connection idle in the pool for longer than this is pinged before it is used (a
# server restart or a dropped network shows there, not in the user's action); one in use more
# recently is not, which saves a round trip per action under load. Older than RECYCLE_S: replaced.
PING_IDLE_S = 10.0
RECYCLE_S = 1800
SYNCHRONOUS = ("normal", "full")
_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)[^@\s]+@", re.IGNORECASE)


def mask_password(text: str) -> str:
    """``postgresql://ann:secret@host/db`` -> ``postgresql://ann:***@host/db``, anywhere in text."""
    return _PASSWORD.sub(r"\1***@", text)


def busy_timeout_ms() -> int:
    """How long a write waits for another process's transaction before giving up (ms):
    ``ANNOTATOR_BUSY_TIMEOUT_MS``, default 10 s."""
    raw = os.environ.get("ANNOTATOR_BUSY_TIMEOUT_MS", "").strip()
    if not raw:
        return DEFAULT_BUSY_TIMEOUT_MS
    if not raw.isdigit():
        raise ProjectError(
            f"ANNOTATOR_BUSY_TIMEOUT_MS={raw!r}: expected a whole number of milliseconds"
        )
    return int(raw)


def synchronous_mode() -> str:
    """SQLite's ``synchronous`` for project files: ``ANNOTATOR_SYNCHRONOUS``, default normal.

    With WAL, NORMAL loses nothing when the program is killed; only a power cut or an OS crash
    can lose the last actions before it (the file stays sound). FULL closes that gap at the
    cost of a disk sync per action (tests/benchmarks/bench_durability.py measured 7-10 ms on
    the development machine, over the 2 ms it may cost by default; see README).
    """
    raw = os.environ.get("ANNOTATOR_SYNCHRONOUS", "").strip().lower() or "normal"
    if raw not in SYNCHRONOUS:
        raise ProjectError(f"ANNOTATOR_SYNCHRONOUS={raw!r}: expected normal or full")
    return raw.upper()


def server_login(target: str) -> tuple[str, str]:
    """The user name and host a database URL names ("" for either when it has none)."""
    url = make_url(target)
    return url.username or "", url.host or ""


def with_password(target: str, password: str) -> str:
    """The database URL ``target`` carrying ``password``."""
    return make_url(target).set(password=password).render_as_string(hide_password=False)


def project_url(project: str | Path) -> str:
    """Turn a PROJECT argument (path or URL) into an SQLAlchemy URL."""
    text = str(project)
    if "://" in text:
        try:
            make_url(text)
        except (ArgumentError, ValueError):  # ValueError: a port that is not a number
            raise ProjectError(f"{mask_password(text)}: not a valid database URL") from None
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _sqlite_pragmas(busy_ms: int, synchronous: str, read_only: bool, database: Path | None) -> Any:
    def connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling is off).
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout = {busy_ms}")
        if not read_only:
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA synchronous = {synchronous}")
        cur.close()
        if database is not None:
            write_queue.open_turn(record.info, database)

    return connect


def _sqlite_begin(busy_ms: int) -> Any:
    def begin(conn: Connection) -> None:
        if conn.get_execution_options().get("annotator_write"):
            write_queue.take_turn(conn.info, busy_ms / 1000)  # writers take turns, in order
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN DEFERRED")

    return begin


def _end_turn(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    write_queue.end_turn(record.info)


def _close_turn(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    write_queue.close_turn(record.info)


def _ping_if_idle(engine: Engine) -> Any:
    """The pool's pre-ping, for connections idle longer than ``PING_IDLE_S`` only: a dead one
    raises ``DisconnectionError``, on which the pool replaces it and tries again."""

    def checkout(
        dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        returned = record.info.get("annotator_checkin")
        if returned is None or time.monotonic() - returned < PING_IDLE_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failure of the ping means: not this connection
            raise DisconnectionError(str(exc)) from exc
        if not alive:
            raise DisconnectionError("the connection did not answer")

    return checkout


def _mark_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info["annotator_checkin"] = time.monotonic()


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """The engine for ``url``; ``read_only`` (SQLite files only) never writes to the file."""
    if url.startswith("sqlite"):
        busy_ms = busy_timeout_ms()
        if read_only:
            path = Path(url.removeprefix("sqlite:///"))
            engine = create_engine(url, creator=lambda: project_file.connect_read_only(path))
        else:
            engine = create_engine(url, connect_args={"timeout": busy_ms / 1000})
        database = None if read_only else Path(url.removeprefix("sqlite:///"))
        pragmas = _sqlite_pragmas(busy_ms, synchronous_mode(), read_only, database)
        event.listen(engine, "connect", pragmas)
        event.listen(engine, "begin", _sqlite_begin(busy_ms))
        event.listen(engine, "checkin", _end_turn)
        event.listen(engine, "close", _close_turn)
    else:
        engine = create_engine(url, pool_recycle=RECYCLE_S)
        event.listen(engine, "checkout", _ping_if_idle(engine))
        event.listen(engine, "checkin", _mark_checkin)
    return engine


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "orig", None) or exc
    return " ".join(mask_password(str(reason)).split())


def database_problem(exc: BaseException) -> str | None:
    """The known causes of a database failure in the user's words; None for others."""
    lowered = _reason(exc).lower()
    if "disk is full" in lowered or "no space left" in lowered:
        return "disk full"
    if "readonly database" in lowered or "read-only file system" in lowered:
        return "the project is read-only (its folder or file)"
    if "database is locked" in lowered:
        return (
            "another program kept the project busy for longer than the busy timeout "
            "(ANNOTATOR_BUSY_TIMEOUT_MS)"
        )
    if "malformed" in lowered or "not a database" in lowered:
        return f"the project file is damaged ({_reason(exc)}); run 'annotator check'"
    return None


def describe_database_error(exc: BaseException) -> str:
    """One line for a failed action: what went wrong and that nothing was changed."""
    if isinstance(exc, StoreError):  # translated by read/write already: worded
        return str(exc)
    problem = database_problem(exc)
    if problem is None:
        return f"database error, nothing was changed: {_reason(exc)}"
    return f"{problem}: nothing was changed"


class Known:
    """Facts that never change once committed, kept by a ``Project`` so that an action need not
    read them again: a coder's row id by name, a document's external id and length, and the
    layer (document, coder) an annotation belongs to (rows of these tables are never deleted,
    renamed or moved).

    A session of ``Project.read``/``write`` finds the project's ``Known`` in
    ``session.info["known"]`` and notes what it reads in ``session.info["learned"]``, which the
    project takes over only once the transaction has committed: a row inserted by a transaction
    that is then rolled back is never remembered."""

    def __init__(self) -> None:
        self.coders: dict[str, int] = {}
        self.documents: dict[int, tuple[str, int]] = {}
        self.layers: dict[int, tuple[int, int]] = {}

    def update(self, other: Known) -> None:
        self.coders.update(other.coders)
        self.documents.update(other.documents)
        self.layers.update(other.layers)


class Project:
    """An open project database. Cheap to keep open; sessions are short and per action."""

    def __init__(self, url: str, engine: Engine, *, read_only: str = "") -> None:
        self.url = url
        self.engine = engine
        self._write_engine = engine.execution_options(annotator_write=True)
        # a brief read on a server: no transaction (``read(brief=True)``)
        self._brief_engine = (
            engine
            if engine.dialect.name == "sqlite"
            else engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._codebook: Codebook | None = None
        self.known = Known()
        self._writing = threading.local()  # the write session open in this thread, if any
        self.read_only = read_only  # why the project cannot be written to; "" when it can

    @property
    def path(self) -> Path | None:
        """The project file (None for a database server)."""
        return Path(self.url.removeprefix("sqlite:///")) if self.is_sqlite else None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def display_name(self) -> str:
        if self.is_sqlite and self.engine.url.database:
            return Path(self.engine.url.database).name
        return self.engine.url.render_as_string(hide_password=True)

    @classmethod
    def open(cls, project: str | Path, *, create: bool = False) -> Project:
        """Open an existing project (or create an empty one with ``create``)."""
        url = project_url(project)
        label = mask_password(str(project))
        path: Path | None = None
        read_only = ""
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if not create:
                if not path.exists():
                    raise ProjectError(
                        f"{label}: no such project (create it with 'annotator init')"
                    )
                check_project_file(path, label)
                read_only = project_file.read_only_reason(path)
        try:
            engine = _connect(url, label, create=create, read_only=bool(read_only))
        except ProjectError:
            if path is None or create or read_only or not project_file.disk_full(path):
                raise
            # No room even for SQLite's shared-memory file: the work done so far can still be
            # read (and exported), without writing a byte.
            read_only = "disk full"
            engine = _connect(url, label, create=False, read_only=True)
        return cls(url, engine, read_only=read_only)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def read(self, *, brief: bool = False) -> Iterator[Session]:
        """A read session; a database failure comes out as the store's ``DatabaseError``.

        ``brief``: a read of a statement or two, no server-side cursor (``yield_per``). On a
        server it runs outside a transaction, which saves the round trips of its BEGIN and
        ROLLBACK; each statement sees what was committed when it began, as it would in a
        transaction at READ COMMITTED. On SQLite it is an ordinary read (one snapshot)."""
        try:
            bind = self._brief_engine if brief else self.engine
            with Session(bind, info=self._session_info()) as session:
                yield session
                self.known.update(session.info["learned"])
        except SQLAlchemyError as exc:
            raise translate(exc, describe_database_error(exc)) from exc

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A plain connection (server queries: roles, ``current_user``); a database failure
        comes out as the store's ``DatabaseError``."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise translate(exc, describe_database_error(exc)) from exc

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error; a database
        failure comes out as the store's ``DatabaseError`` (see ``annotator.store.errors``)."""
        if self.read_only:
            raise ProjectError(
                f"{self.display_name}: opened read-only ({self.read_only}); nothing was changed"
            )
        try:
            with Session(self._write_engine, info=self._session_info()) as session:
                with session.begin():
                    self._writing.session = session
                    try:
                        yield session
                    finally:
                        self._writing.session = None
                self.known.update(session.info["learned"])  # committed
        except SQLAlchemyError as exc:
            raise translate(exc, describe_database_error(exc)) from exc

    def statement(self, sql: str, parameters: dict[str, Any]) -> Any:
        """Run one statement on a server as a transaction of its own (autocommit: no BEGIN or
        COMMIT round trip) and return its first row (None without one). ``sql`` is the
        driver's own text (``%(name)s`` parameters). A database failure comes out as the
        store's ``DatabaseError``; nothing the statement did then stays."""
        if self.read_only:
            raise ProjectError(
                f"{self.display_name}: opened read-only ({self.read_only}); nothing was changed"
            )
        try:
            with self._brief_engine.connect() as conn:
                return conn.exec_driver_sql(sql, parameters).first()
        except SQLAlchemyError as exc:
            raise translate(exc, describe_database_error(exc)) from exc

    def statements(self, *steps: tuple[str, dict[str, Any]]) -> Any:
        """Run these statements (``statement``'s kind, their parameters' names distinct) as one
        transaction and return the last one's first row: for a statement that must read what an
        earlier one waited for (each statement reads what was committed when it began).
        PostgreSQL only: they go to the server as one query, values bound by the driver on the
        client (its quoting), so the transaction is one round trip; the server runs them in
        order, all or none."""
        if self.read_only:
            raise ProjectError(
                f"{self.display_name}: opened read-only ({self.read_only}); nothing was changed"
            )
        from psycopg import ClientCursor, Error

        sql = ";\n".join(statement for statement, _ in steps)
        parameters = {k: v for _, values in steps for k, v in values.items()}
        try:
            with self._brief_engine.connect() as conn:
                driver: Any = conn.connection.dbapi_connection
                cursor = ClientCursor(driver)
                cursor.execute(sql, parameters)
                for _ in steps[1:]:
                    cursor.nextset()
                return cursor.fetchone()
        except SQLAlchemyError as exc:
            raise translate(exc, describe_database_error(exc)) from exc
        except Error as exc:  # the driver's own, raised outside SQLAlchemy's calls
            wrapped = DBAPIError.instance(None, None, exc, Error)
            raise translate(wrapped, describe_database_error(wrapped)) from exc

    def _session_info(self) -> dict[str, Any]:
        return {"known": self.known, "learned": Known()}

    # ------------------------------------------------------------------ codebook

    @property
    def codebook(self) -> Codebook:
        if self._codebook is None:
            self._codebook = self.load_codebook()
        return self._codebook

    def load_codebook(self) -> Codebook:
        with self.read() as s:
            source = s.exec(
                select(CodebookVersion.source).order_by(col(CodebookVersion.id).desc()).limit(1)
            ).first()
        if source is None:
            raise ProjectError(f"{self.display_name}: the project has no codebook")
        try:
            return parse_codebook(source)
        except CodebookError as exc:
            raise ProjectError(f"stored codebook is invalid: {exc}") from None

    def forget_codebook(self) -> None:
        self._codebook = None

    def setting(self, key: str, default: str = "") -> str:
        """A project setting; inside a write (a rule checked by an action), read in that
        transaction: no other connection, and what it checks is what it writes against."""
        writing: Session | None = getattr(self._writing, "session", None)
        if writing is not None:  # a plain column read (a setting written before is flushed)
            writing.flush()
            value = writing.connection().execute(_SETTING, {"key": key}).scalar()
            return value if value is not None else default
        with self.read() as s:
            row = s.get(ProjectSetting, key)
            return row.value if row is not None else default


_SETTINGS = ProjectSetting.metadata.tables["project_setting"]
_SETTING = select(_SETTINGS.c.value).where(_SETTINGS.c.key == bindparam("key"))


def _connect(url: str, label: str, *, create: bool, read_only: bool) -> Engine:
    """The engine, with the schema created (``create``) or brought up to date."""
    engine = make_engine(url, read_only=read_only)
    try:
        with engine.connect() as conn:
            migrations.ensure_current(conn, create=create)
            conn.commit()
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        problem = database_problem(exc) or _reason(exc)
        raise ProjectError(f"{label}: cannot open database ({problem})") from None
    except migrations.NotAProject as exc:
        engine.dispose()
        raise ProjectError(f"{label}: {exc}") from None
    return engine


def check_project_file(path: Path, label: str) -> None:
    """Refuse, without writing to it, a file that is not a sound and finished project."""
    found = project_file.look(path)
    if found.state == "project":
        return
    problem = {
        "empty": "an empty file, not a project (an interrupted 'annotator init'? run it again)",
        "unfinished": "an unfinished project (an interrupted 'annotator init'? run it again)",
        "not_sqlite": "not an Annotator project (not an SQLite database)",
        "other_tables": "not an Annotator project (a database with other tables)",
        "damaged": f"the project file is damaged ({found.detail}); nothing was opened. Run "
        f"'annotator check {label}' for the full report and restore your latest backup",
        "unreadable": f"cannot read ({found.detail})",
    }[found.state]
    raise ProjectError(f"{label}: {problem}")


def known_facts(session: Session) -> tuple[Known, Known]:
    """The project's committed facts and the ones this session learns (``engine.Known``); two
    empty ones for a session not opened by a ``Project``."""
    known, learned = session.info.get("known"), session.info.get("learned")
    if isinstance(known, Known) and isinstance(learned, Known):
        return known, learned
    return Known(), Known()


__all__ = [
    "Project",
    "ProjectError",
    "describe_database_error",
    "known_facts",
    "mask_password",
    "project_url",
    "tables",
]

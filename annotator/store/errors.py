"""The store's own errors: what the CLI and the GUI catch instead of SQLAlchemy's.

Every read and write goes through ``Project.read`` / ``Project.write``, which turn a database
failure (a lock held past the busy timeout, a full disk, a dropped server, a constraint) into a
``DatabaseError`` with a one-line reason; the transaction was rolled back, so nothing was
half-written. Refusals by the rules (the codebook, ownership, an undo that no longer applies)
are ``ServiceError``. Both are ``StoreError``, so a caller needs one ``except``.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError, SQLAlchemyError


class StoreError(Exception):
    """A user-facing problem from the store: ``str()`` is one line fit to show."""


class ProjectError(StoreError):
    """A problem with a project itself (missing, unreadable, not a project)."""


class ServiceError(StoreError, ValueError):
    """A request the codebook or the data does not allow; nothing was written."""


class StaleError(ServiceError):
    """An undo or redo that no longer applies: the row changed since (another window or process
    edited or deleted it). Nothing was written."""


class DatabaseError(StoreError):
    """The database failed the request (locked, full, gone); it was rolled back."""


class ConflictError(DatabaseError):
    """The database refused a write by one of its own rules (a unique index): usually another
    writer did the same at the same time. An operation may name it (``operations.operation``)."""


class NotAllowed(DatabaseError):
    """The server refused the change for the connected login's role (a team project's grants
    and row-level security, docs/team.md)."""


INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE, row-level security included


def translate(exc: SQLAlchemyError, message: str) -> DatabaseError:
    """The store's own error for a SQLAlchemy one, with ``message`` (one line, no SQL: the
    engine words it, ``annotator.store.engine.describe_database_error``)."""
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
        return NotAllowed("your role on this team project does not allow that change")
    kind = ConflictError if isinstance(exc, IntegrityError) else DatabaseError
    return kind(message)


__all__ = [
    "ConflictError",
    "DatabaseError",
    "NotAllowed",
    "ProjectError",
    "ServiceError",
    "StaleError",
    "StoreError",
    "translate",
]

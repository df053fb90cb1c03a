"""Rules that must hold whatever runs at once (docs/team.md, "Concurrency").

The services check a rule (a role's maximum, one gold copy per coder's span, no duplicate
link) by reading, then write. On SQLite that is safe: every write transaction starts with
``BEGIN IMMEDIATE``, so writers run one after the other. On PostgreSQL at READ COMMITTED two
transactions can read the same state at once and both write. So before reading, a write that
checks such a rule takes a lock on the *layer* it writes to — one coder's (or gold's) work on
one document — with a transaction-scoped advisory lock: a second writer to the same layer waits
until the first has committed, then reads what it wrote. Coders never wait for each other
(each writes their own layer); reviewers wait for each other only on the same document.

Marking gold done checks that no unit is open and writes the status in one transaction holding
gold's status row of the document, which every coder's edit locks too (``open_for_edit``), as
do a reviewer's actions that reopen a unit: the check sees every edit committed before it and
none lands between the check and the status. On a document gold never touched there is no such
row to lock, so every coder's edit also holds the document's lock shared (taken inside the same
statement that locks the status rows: no round trip of its own), and marking gold done takes it
exclusively first: it waits for the edits under way and then sees them.

The database also refuses what a lock might miss (unique indexes: one live gold copy per
source span). A refusal reaches the user as a ``ServiceError`` line, never as database text.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import TextClause, text
from sqlmodel import Session, select

from annotator.store.engine import known_facts
from annotator.store.tables import AnnotationRow


def layer_key(document_id: int, coder_id: int) -> int:
    """A signed 64-bit advisory-lock key for one layer (namespaced: other locks never clash)."""
    digest = hashlib.blake2b(f"annotator-layer:{document_id}:{coder_id}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def document_key(document_id: int) -> int:
    """The advisory-lock key of a whole document (namespaced apart from the layers')."""
    digest = hashlib.blake2b(f"annotator-document:{document_id}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def sharing_document(document_id: int) -> TextClause:
    """A condition, always true, that takes the document's lock shared (until commit) before
    its statement reads a row: added to the statement that locks a coder's status rows. The
    subquery runs once, ahead of the scan, even when no row matches (PostgreSQL only)."""
    return text(
        "(SELECT 1 FROM (SELECT pg_advisory_xact_lock_shared(:document_key)) AS held) = 1"
    ).bindparams(document_key=document_key(document_id))


def hold_document(session: Session, document_id: int) -> None:
    """Wait for every edit of the document under way to commit, and keep new ones waiting
    until this transaction ends (marking gold done). A no-op on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(_LOCK, {"key": document_key(document_id)})


def lock_layer(session: Session, document_id: int, coder_id: int) -> None:
    """Wait for, then hold until commit, the right to write ``coder_id``'s layer of a document.

    A no-op on SQLite, whose write transactions are serialised already."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(_LOCK, {"key": layer_key(document_id, coder_id)})


def lock_layer_of(session: Session, annotation_id: int) -> None:
    """Lock the layer an annotation belongs to (a missing annotation locks nothing).

    Reads only the annotation's document and coder, which never change, so nothing read here
    can be stale once the lock is held (and once read, the project remembers them)."""
    known, learned = known_facts(session)
    layer = known.layers.get(annotation_id) or learned.layers.get(annotation_id)
    if layer is not None:
        lock_layer(session, *layer)
        return
    row = session.exec(
        select(AnnotationRow.document_id, AnnotationRow.coder_id).where(
            AnnotationRow.id == annotation_id
        )
    ).first()
    if row is not None:
        learned.layers[annotation_id] = (row[0], row[1])
        lock_layer(session, row[0], row[1])

"""The newest schema revision (Alembic's head), importable without SQLAlchemy or Alembic: a
project file stamped with it needs no migration, so it may be read by the stdlib alone
(``annotator.store.read_only``). Set it whenever a revision is added to ``migrations/versions``
(a test checks that it is Alembic's head)."""

HEAD = "0009"

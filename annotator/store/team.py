"""Team projects: one PostgreSQL database, each person their own login role (docs/team.md).

The server, not this program, decides who sees and writes what. ``init --team`` creates four
group roles named after the database (``<db>_coder``, ``<db>_reviewer``, ``<db>_manager`` and
``<db>_owner``, which owns the tables and never logs in), hands the tables to the owner, forces
row-level security on every table and installs the policies of ``team_policies``: a coder sees
the documents assigned to them and only their own layer, a reviewer sees every layer of the
documents whose assigned coders are all done and writes only gold, a manager does everything.
Identity is ``current_user``: the layer of a person is the coder row named like their login.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from annotator.core.codebook import Codebook
from annotator.core.records import GOLD
from annotator.store.engine import Project, ProjectError, make_engine, project_url
from annotator.store.tables import CoderRow
from annotator.store.team_policies import secure
from annotator.store.team_roles import (
    LOGIN_NAME,
    PREFIX_KEY,
    ROLES,
    TeamError,
    group,
    is_team,
    login,
    my_roles,
    prefix_of,
    quote_ident,
    quote_literal,
    require_manager,
    role_prefix,
)


@dataclass(frozen=True)
class TeamUser:
    name: str
    roles: tuple[str, ...]
    has_layer: bool  # a coder row (annotations, statuses) exists under this name

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "roles": list(self.roles)}


# ---------------------------------------------------------------------------------- setup


def init_team(project: str | Path, codebook: Codebook | None = None) -> Project:
    """Create (or turn) a PostgreSQL project into a team project; the caller becomes manager."""
    from annotator.store.setup import create_project

    url = project_url(project)
    if not url.startswith("postgresql"):
        raise TeamError(f"{project}: a team project lives on a PostgreSQL server (a URL)")
    _create_database_if_missing(url)
    opened = create_project(url, codebook, exist_ok=True)
    try:
        with _ddl(opened) as conn:
            prefix = role_prefix(str(opened.engine.url.database))
            stored = conn.execute(
                text("SELECT value FROM project_setting WHERE key = :k"), {"k": PREFIX_KEY}
            ).scalar_one_or_none()
            if stored is None:
                taken = (
                    conn.execute(
                        text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"),
                        {"names": [group(prefix, r) for r in (*ROLES, "owner")]},
                    )
                    .scalars()
                    .all()
                )
                if taken:
                    raise TeamError(
                        f"role {taken[0]} already exists: another project uses the name {prefix}"
                    )
            _create_groups(conn, prefix, str(opened.engine.url.database))
            conn.execute(text(f"GRANT {quote_ident(group(prefix, 'manager'))} TO CURRENT_USER"))
            if stored is None:
                conn.execute(
                    text("INSERT INTO project_setting (key, value) VALUES (:k, :v)"),
                    {"k": PREFIX_KEY, "v": prefix},
                )
            if (
                conn.execute(text("SELECT 1 FROM coder WHERE name = :g"), {"g": GOLD}).first()
                is None
            ):
                conn.execute(
                    text("INSERT INTO coder (name, created_at) VALUES (:g, now())"), {"g": GOLD}
                )
            secure(conn, prefix)
    except BaseException:
        opened.close()
        raise
    return opened


def _create_database_if_missing(url: str) -> None:
    parsed = make_url(url)
    engine = make_engine(url)
    try:
        with engine.connect():
            return
    except DBAPIError as exc:
        if "does not exist" not in str(exc.orig):
            raise ProjectError(f"{parsed.database}: cannot connect ({exc.orig})") from None
    finally:
        engine.dispose()
    admin = make_engine(parsed.set(database="postgres").render_as_string(hide_password=False))
    try:
        with admin.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f"CREATE DATABASE {quote_ident(str(parsed.database))}"))
    except DBAPIError as exc:
        raise ProjectError(f"{parsed.database}: cannot create the database ({exc.orig})") from None
    finally:
        admin.dispose()


@contextmanager
def _ddl(project: Project) -> Iterator[Connection]:
    """One transaction for role and policy changes; a refusal becomes one line."""
    try:
        with project.engine.begin() as conn:
            yield conn
    except DBAPIError as exc:
        message = str(exc.orig).strip().splitlines()[0]
        raise TeamError(f"{project.display_name}: the server refused: {message}") from None


def _create_groups(conn: Connection, prefix: str, database: str) -> None:
    for role in (*ROLES, "owner"):
        name = group(prefix, role)
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f"CREATE ROLE {quote_ident(name)} NOLOGIN"))
    owner, manager = quote_ident(group(prefix, "owner")), quote_ident(group(prefix, "manager"))
    # Managers may act as the owner: schema upgrades and codebook updates.
    conn.execute(text(f"GRANT {owner} TO {manager}"))
    db = quote_ident(database)
    conn.execute(text(f"REVOKE ALL ON DATABASE {db} FROM PUBLIC"))
    conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    conn.execute(text(f"GRANT USAGE, CREATE ON SCHEMA public TO {owner}"))  # owns the tables
    for role in ROLES:
        conn.execute(
            text(f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {quote_ident(group(prefix, role))}")
        )
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {quote_ident(group(prefix, role))}"))


# ---------------------------------------------------------------------------------- users


def add_user(project: Project, name: str, role: str, password: str | None) -> TeamUser:
    """Create (or reuse) the login role ``name`` and make it a ``role`` of this project."""
    prefix = prefix_of(project)
    require_manager(project, "users add")
    if role not in ROLES:
        raise TeamError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if not LOGIN_NAME.match(name) or name == GOLD or name.startswith(prefix + "_"):
        raise TeamError(
            f"invalid user name {name!r} (lower-case letters, digits, _ . -; not {GOLD!r})"
        )
    with _ddl(project) as conn:
        ident = quote_ident(name)
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f"CREATE ROLE {ident} LOGIN"))
        if password is not None:
            conn.execute(text(f"ALTER ROLE {ident} PASSWORD {quote_literal(password)}"))
        conn.execute(text(f"GRANT {quote_ident(group(prefix, role))} TO {ident}"))
        known = conn.execute(text("SELECT 1 FROM coder WHERE name = :n"), {"n": name}).first()
        if known is None:
            conn.execute(
                text("INSERT INTO coder (name, created_at) VALUES (:n, now())"), {"n": name}
            )
        conn.execute(
            text(
                "INSERT INTO audit (at, coder, action, entity, detail) "
                "VALUES (now(), current_user, 'add_user', 'user', CAST(:d AS json))"
            ),
            {"d": json.dumps({"user": name, "role": role})},
        )
    return next(u for u in list_users(project) if u.name == name)


def remove_user(project: Project, name: str) -> None:
    """Revoke every role of this project from ``name``; their annotations stay."""
    prefix = prefix_of(project)
    require_manager(project, "users remove")
    current = {u.name: u for u in list_users(project)}
    if name not in current:
        raise TeamError(f"{name!r} is not a user of this project")
    with _ddl(project) as conn:
        for role in current[name].roles:
            conn.execute(
                text(f"REVOKE {quote_ident(group(prefix, role))} FROM {quote_ident(name)}")
            )
        conn.execute(
            text(
                "INSERT INTO audit (at, coder, action, entity, detail) "
                "VALUES (now(), current_user, 'remove_user', 'user', CAST(:d AS json))"
            ),
            {"d": json.dumps({"user": name})},
        )


def list_users(project: Project) -> list[TeamUser]:
    """Members of the project's groups (login roles), with their roles, by name."""
    prefix = prefix_of(project)
    groups = {group(prefix, role): role for role in ROLES}
    with project.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT m.rolname, g.rolname FROM pg_auth_members a "
                "JOIN pg_roles m ON m.oid = a.member JOIN pg_roles g ON g.oid = a.roleid "
                "WHERE g.rolname = ANY(:groups) AND m.rolcanlogin"
            ),
            {"groups": list(groups)},
        ).all()
    with project.read() as s:
        layers = set(s.exec(select(CoderRow.name)).all())
    by_name: dict[str, list[str]] = {}
    for member, grp in rows:
        by_name.setdefault(str(member), []).append(groups[str(grp)])
    return [
        TeamUser(name, tuple(r for r in ROLES if r in roles), name in layers)
        for name, roles in sorted(by_name.items())
    ]


# the roles' names are the team's public names too (annotator.store.team_roles)
__all__ = [
    "LOGIN_NAME",
    "PREFIX_KEY",
    "ROLES",
    "TeamError",
    "group",
    "is_team",
    "login",
    "my_roles",
    "prefix_of",
    "quote_ident",
    "quote_literal",
    "require_manager",
    "role_prefix",
]

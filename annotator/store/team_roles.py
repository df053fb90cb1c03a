"""Who is connected to a team project and in which roles (docs/team.md): what the rest of the
store checks before a manager-only action. Creating teams and users is ``annotator.store.team``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import text

from annotator.store.errors import ProjectError

if TYPE_CHECKING:  # annotations only: the engine (migrations) applies the team's policies
    from annotator.store.engine import Project

ROLES = ("coder", "reviewer", "manager")
PREFIX_KEY = "team_roles"  # project_setting: the prefix of the project's group roles
LOGIN_NAME = re.compile(r"^[a-z_][a-z0-9_.-]{0,62}$")


class TeamError(ProjectError):
    """A team-project request that cannot be done (one line, nothing changed)."""


def quote_ident(name: str) -> str:
    """A PostgreSQL identifier, quoted (names are checked before they get here)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    if "\x00" in value:
        raise TeamError("a password cannot contain a NUL character")
    return "'" + value.replace("'", "''") + "'"


def role_prefix(database: str) -> str:
    """The group-role prefix of a database: its name, in the characters roles allow."""
    prefix = re.sub(r"[^a-z0-9_]", "_", database.lower())[:50]
    if not prefix:
        raise TeamError(f"{database!r}: cannot name roles after this database")
    return prefix


def group(prefix: str, role: str) -> str:
    return f"{prefix}_{role}"


def is_team(project: Project) -> bool:
    return not project.is_sqlite and bool(project.setting(PREFIX_KEY))


def prefix_of(project: Project) -> str:
    prefix = project.setting(PREFIX_KEY) if not project.is_sqlite else ""
    if not prefix:
        raise TeamError(
            f"{project.display_name}: not a team project "
            "(create one with 'annotator init URL --team')"
        )
    return prefix


def login(project: Project) -> str:
    """Who is connected: ``current_user`` (the identity and layer name on a team project)."""
    with project.connect() as conn:
        return str(conn.execute(text("SELECT current_user")).scalar_one())


def my_roles(project: Project) -> tuple[str, ...]:
    """The team roles of the connected login (a superuser counts as manager)."""
    prefix = prefix_of(project)
    with project.connect() as conn:
        superuser = conn.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar_one()
        if superuser:
            return ("manager",)
        return tuple(
            role
            for role in ROLES
            if conn.execute(
                text("SELECT pg_has_role(current_user, :g, 'MEMBER')"),
                {"g": group(prefix, role)},
            ).scalar_one()
        )


def require_manager(project: Project, what: str) -> None:
    if is_team(project) and "manager" not in my_roles(project):
        raise TeamError(f"{what}: only a manager of this team project may do that")

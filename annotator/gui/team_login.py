"""Team projects in the GUI: identity is the PostgreSQL login, review mode follows the server
role, and the password is asked for when the server wants one (docs/team.md).

The password lives only in memory (inside the connection URL of the open project); libpq's
own ``~/.pgpass`` is read as usual, so a coder who keeps one there is never asked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from annotator.store import team
from annotator.store.engine import Project, ProjectError, server_login, with_password

PASSWORD_WORDS = ("no password supplied", "password authentication failed")


def team_identity(project: Project) -> str | None:
    """The login on a team project (the only layer its window may code), else None."""
    return team.login(project) if team.is_team(project) else None


def team_review(project: Project) -> tuple[bool, str | None]:
    """(is a team project, why review mode is refused or None)."""
    if not team.is_team(project):
        return False, None
    roles = team.my_roles(project)
    if "reviewer" in roles or "manager" in roles:
        return True, None
    return True, f"Review mode is for reviewers; {team.login(project)} is a {', '.join(roles)}."


def wants_password(error: ProjectError) -> bool:
    return any(words in str(error) for words in PASSWORD_WORDS)


def ask_password(target: str, parent: QWidget | None, again: bool) -> str | None:
    user, host = server_login(target)
    prompt = f"Password for {user or 'you'} on {host or 'the server'}:"
    text, ok = QInputDialog.getText(
        parent,
        "Team project",
        ("That password was refused. " if again else "") + prompt,
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None


def open_project(
    path: str | Path,
    parent: QWidget | None = None,
    ask: Callable[[str, QWidget | None, bool], str | None] = ask_password,
    opener: Callable[[str], Project] = Project.open,
) -> Project | None:
    """Open ``path``; on a server that wants a password, ask (until it is right or the coder
    cancels: None). Other problems raise ``ProjectError`` as usual."""
    target = str(path)
    try:
        return opener(target)
    except ProjectError as exc:
        if "://" not in target or not wants_password(exc):
            raise
    again = False
    while True:
        password = ask(target, parent, again)
        if password is None:
            return None
        try:
            return opener(with_password(target, password))
        except ProjectError as exc:
            if not wants_password(exc):
                raise
            again = True

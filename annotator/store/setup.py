"""Creating projects: an empty one with a codebook, the demo, and the default per-user project."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sqlmodel import col, select

from annotator.core.codebook import Codebook, CodebookError, load_codebook, parse_codebook
from annotator.store import project_file
from annotator.store.engine import (
    Project,
    ProjectError,
    check_project_file,
    mask_password,
    project_url,
)
from annotator.store.queries import flagged_annotations
from annotator.store.tables import CodebookVersion, ProjectSetting
from annotator.store.team_roles import require_manager


def repo_file(*parts: str) -> Path | None:
    """A file shipped beside the package (``schema/``, ``seeds/``) in a checkout or an install."""
    packaged = resources.files("annotator") / "data"
    candidates = [Path(str(packaged)).joinpath(*parts), Path(__file__).parents[2].joinpath(*parts)]
    for c in candidates:
        if c.exists():
            return c
    return None


def default_codebook_path() -> Path:
    path = repo_file("schema", "conflict-events.yaml")
    if path is None:
        raise ProjectError("the default codebook schema/conflict-events.yaml is missing")
    return path


def seed_paths() -> list[Path]:
    folder = repo_file("seeds")
    return sorted(folder.glob("*.txt")) if folder is not None else []


def create_project(
    project: str | Path, codebook: Codebook | None = None, *, exist_ok: bool = False
) -> Project:
    """Create a new, empty project with ``codebook`` (the default one when None).

    A file or database that already holds a project is refused (unless ``exist_ok``); one left
    empty or unfinished by an interrupted ``init`` is finished. Anything else is never touched.
    """
    url = project_url(project)
    label = mask_password(str(project))
    path: Path | None = None
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if path.exists():
            _check_can_finish(path, label, exist_ok)
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ProjectError(
                    f"{path.parent}: cannot create folder ({exc.strerror})"
                ) from None
            if project_file.read_only_reason(path):
                raise ProjectError(f"{label}: cannot create the project: folder is read-only")
    if codebook is None:
        codebook = load_codebook(default_codebook_path())
    fresh = path is not None and not path.exists()
    try:
        opened = Project.open(project, create=True)
        with opened.read() as s:
            has_codebook = s.exec(select(CodebookVersion.id)).first() is not None
        if has_codebook and path is None and not exist_ok:
            opened.close()
            raise ProjectError(f"{label}: already holds an Annotator project")
        if not has_codebook:
            install_codebook(opened, codebook)
    except BaseException:
        if fresh and path is not None:
            _remove_sqlite(path)
        raise
    return opened


def _check_can_finish(path: Path, label: str, exist_ok: bool) -> None:
    """An existing file may be finished only when an interrupted ``init`` left it."""
    state = project_file.look(path).state
    if state in ("empty", "unfinished") or (state == "project" and exist_ok):
        return
    if state == "project":
        raise ProjectError(f"{label}: already exists")
    check_project_file(path, label)  # says what is wrong with it
    raise ProjectError(f"{label}: already exists")  # pragma: no cover - look() said no project


def _remove_sqlite(path: Path) -> None:
    """Take away a project file this process had just begun to create."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def install_codebook(project: Project, codebook: Codebook) -> list[int]:
    """Make ``codebook`` the project's current one. Nothing is ever deleted: returns the ids of
    annotations whose label, attributes or values the new version no longer has (flagged)."""
    require_manager(project, "codebook update")
    source = codebook.to_yaml()
    try:
        parse_codebook(source)
    except CodebookError as exc:  # pragma: no cover - to_yaml of a valid codebook is valid
        raise ProjectError(f"codebook does not round-trip: {exc}") from None
    with project.write() as s:
        latest = s.exec(
            select(CodebookVersion).order_by(col(CodebookVersion.id).desc()).limit(1)
        ).first()
        if latest is not None:
            if latest.source == source:
                return flagged_annotations(project, codebook)
            if latest.name == codebook.name and codebook.version <= latest.version:
                raise ProjectError(
                    f"codebook {codebook.name} changed but its version is still "
                    f"{codebook.version}: bump 'version' (current {latest.version})"
                )
        s.add(CodebookVersion(name=codebook.name, version=codebook.version, source=source))
        row = s.get(ProjectSetting, "codebook")
        if row is None:
            s.add(ProjectSetting(key="codebook", value=codebook.name))
    project.forget_codebook()
    return flagged_annotations(project, codebook)


def ensure_default_project(path: Path) -> None:
    """Create the per-user demo project on first start, or finish one a killed first start
    left empty or unfinished (the user never ran ``init`` for it, so nobody else would)."""
    if not path.exists() or project_file.look(path).state in ("empty", "unfinished"):
        create_demo(path).close()


def create_demo(project: str | Path, *, exist_ok: bool = False) -> Project:
    """A project with the default codebook and the seed articles."""
    from annotator.store.importer import import_paths  # not needed to open a project

    opened = create_project(project, exist_ok=exist_ok)
    seeds = seed_paths()
    if seeds:
        import_paths(opened, seeds)
    _demo_references(opened)
    return opened


def _demo_references(project: Project) -> None:
    """The demo's actor registry and places, then the seed article's reference coding (the
    gold layer, coded to ACLED rules), so that its event table is complete out of the box."""
    from annotator.core.places import read_places_csv
    from annotator.core.registry import read_actor_csv
    from annotator.store.gazetteer import import_places
    from annotator.store.import_model import ImportOptions
    from annotator.store.importer import import_paths
    from annotator.store.registry import import_actors

    folder = repo_file("seeds")
    if folder is None:
        return
    if (folder / "actors.csv").is_file():
        import_actors(project, read_actor_csv(folder / "actors.csv"), "demo")
    if (folder / "places.csv").is_file():
        import_places(project, read_places_csv(folder / "places.csv"), "demo")
    coded = sorted(folder.glob("*.gold.jsonl"))
    if coded:
        import_paths(project, coded, ImportOptions(allow_gold=True))

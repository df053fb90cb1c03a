"""The ``annotator`` command. Imports core and store only; the GUI is loaded by ``gui``.

User errors print one line on stderr (naming file, line or field) and exit with status 1.

Subcommands load lazily: ``main`` imports only the module of the command it runs (the store,
numpy or the exporters cost more than a short command's own work), while ``--help`` lists every
command from `COMMANDS` and ``build_parser()`` with no argument builds every command in full.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from annotator.store.engine import Project

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (where it is registered: a module of annotator.cli, or "" for this one; help)
    "gui": ("", "open the coding window"),
    "init": ("", "create a project"),
    "import": ("", "add documents (and their annotations)"),
    "reviewers": ("", "who may open review mode"),
    "info": ("", "counts and progress"),
    "codebook": ("", "check or show a codebook"),
    "export": ("export", "write annotations out"),
    "agreement": ("agreement", "inter-annotator agreement report"),
    "actors": ("dataset", "the project's registry of canonical actors"),
    "places": ("dataset", "the gazetteer: the project's places and the built-in one"),
    "check": ("check", "check a project file for damage"),
    "backup": ("backup", "write a consistent copy of a project file"),
    "users": ("team", "a team project's people and their roles"),
    "assign": ("team", "give documents to coders (K each, a fraction K+1)"),
    "assignments": ("team", "who codes which document"),
    "progress": ("team", "per coder and per document: done, review state"),
    "package": ("fieldwork", "a coder's documents and layer as a project for field work"),
    "merge": ("fieldwork", "bring a field-work package's layer back into the project"),
}
"""Every subcommand, in the order ``--help`` lists them (a test holds this table to the
parsers the modules build)."""


def user_errors() -> tuple[type[Exception], ...]:
    """The errors shown as one line (exit 1) rather than a traceback. Imported only when
    something went wrong (the modules defining them are loaded by then)."""
    from annotator.cli.dataset import USER_ERRORS as DATASET_ERRORS
    from annotator.core.codebook import CodebookError
    from annotator.core.export.bundle import ExportError
    from annotator.core.text import TextError
    from annotator.store.errors import StoreError
    from annotator.store.importer import ImportRejected

    return (
        CodebookError,
        StoreError,  # refusals, project problems and database failures, each one line
        ImportRejected,
        TextError,
        ExportError,
        *DATASET_ERRORS,
    )


class UsageError(Exception):
    """A bad combination of arguments (one line, exit 1)."""


def _open(project: str) -> Project:
    from annotator.store.engine import Project

    return Project.open(project)


def progress_bar(total: int, desc: str) -> tuple[Callable[[int], None], Callable[[], None]]:
    """A progress bar on a terminal; silent when stderr is not one."""
    if not sys.stderr.isatty() or total < 50:
        return (lambda _n: None), (lambda: None)
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit="doc", file=sys.stderr, leave=False)

    def update(n: int) -> None:
        bar.update(n)

    return update, bar.close


# --------------------------------------------------------------------------------- commands


def cmd_init(args: argparse.Namespace) -> int:
    from annotator.core.codebook import load_codebook
    from annotator.store.setup import create_demo, create_project

    codebook = load_codebook(args.codebook) if args.codebook else None
    if args.team:
        if args.demo:
            raise UsageError("--team projects start empty; import documents, then assign them")
        from annotator.store import team

        project = team.init_team(args.project, codebook)
        cb = project.codebook
        print(
            f"created team project {project.display_name} (codebook {cb.name} v{cb.version}); "
            f"{team.login(project)} is its manager"
        )
        return 0
    if args.demo:
        if codebook is not None:
            raise UsageError("--demo uses the default codebook; drop --codebook or --demo")
        project = create_demo(args.project)
    else:
        project = create_project(args.project, codebook)
    cb = project.codebook
    print(f"created {project.display_name} (codebook {cb.name} v{cb.version})")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.store.importer import ImportOptions, import_paths

    project = _open(args.project)
    label_map: dict[str, str] = {}
    for item in args.map_label or []:
        theirs, sep, ours = item.partition("=")
        if not sep or not theirs or not ours:
            raise UsageError(f"--map-label {item!r}: expected THEIR_TYPE=OUR_LABEL")
        label_map[theirs] = ours
    options = ImportOptions(
        format=args.format,
        max_bytes=args.max_size,
        coder=args.coder,
        text_column=args.text_column,
        title_column=args.title_column,
        id_column=args.id_column,
        label_map=label_map,
        ignore_unknown_labels=args.ignore_unknown_labels,
        allow_gold=args.allow_gold,
        join_fragments=args.join_fragments,
        encoding=args.encoding or "",
        delimiter=_delimiter(args.delimiter),
        date_format=args.date_format or "",
    )
    update, close = progress_bar(_count_hint(args.paths), "importing")
    try:
        report = import_paths(project, args.paths, options, update)
    finally:
        close()
    print(
        f"imported {report.added} document(s), {report.annotations} annotation(s), "
        f"{report.links} link(s) from {report.files} file(s); "
        f"skipped {report.skipped} already in the project"
    )
    if report.repeated:
        print(f"{report.repeated} text(s) came more than once in the input: imported once")
    if report.merged:
        print(f"added new coders' annotations to {report.merged} document(s)")
    for what, n in sorted(report.converted.items()):
        print(f"converted: {n} {what}")
    for what, n in sorted(report.dropped.items()):
        print(f"left out: {n} {what}")
    for notice in report.notices:
        print(f"not kept: {notice}")
    return 0


def _delimiter(value: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}
    delimiter = named.get(value.lower(), value)
    if len(delimiter) != 1:
        raise UsageError(f"--delimiter {value!r}: one character (or tab, comma, semicolon)")
    return delimiter


def _count_hint(paths: Sequence[str]) -> int:
    total = 0
    for p in paths:
        path = Path(p)
        if path.is_dir():
            total += sum(1 for _ in path.rglob("*.txt"))
        elif path.suffix.lower() in (".jsonl", ".ndjson") and path.is_file():
            with path.open("rb") as fh:
                total += sum(1 for _ in fh)
        else:
            total += 1
    return total


def cmd_info(args: argparse.Namespace) -> int:
    import orjson

    from annotator.store.queries import info

    data = info(_open(args.project))
    if args.json:
        print(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
        return 0
    print(f"project    {data['project']}")
    print(f"codebook   {data['codebook']['name']} v{data['codebook']['version']}")
    print(f"documents  {data['documents']}")
    print(f"coders     {', '.join(data['coders']) or '-'}")
    print(f"annotations {data['annotations']}   links {data['links']}")
    for label, n in data["annotations_by_label"].items():
        print(f"  {label:<12} {n:>8}")
    if data["flagged_for_review"]:
        print(
            f"flagged    {data['flagged_for_review']} annotation(s) use labels or values the "
            "current codebook no longer has"
        )
    unscoped = data["casualties_without_scope"]
    if unscoped:
        print(
            f"attention  {sum(unscoped.values())} casualty figure(s) with no count_scope are "
            "not counted in any event's totals: "
            + ", ".join(f"{coder} {n}" for coder, n in unscoped.items())
        )
    if data["progress"]:
        print("progress   done / in progress / not started")
        for coder, p in data["progress"].items():
            print(f"  {coder:<12} {p['done']:>5} / {p['in_progress']:>5} / {p['not_started']:>5}")
        stale = sum(p["stale"] for p in data["progress"].values())
        if stale:
            print(
                f"stale      gold of {stale} document(s) was marked done before a coder changed "
                "their work: review it again (left out by --done-only)"
            )
    return 0


def cmd_codebook_check(args: argparse.Namespace) -> int:
    from annotator.core.codebook import load_codebook

    cb = load_codebook(args.file)
    n_attrs = sum(len(lab.attributes) for lab in cb.labels)
    n_roles = sum(len(lab.roles) for lab in cb.labels)
    print(
        f"{args.file}: ok — {cb.name} v{cb.version}: {len(cb.labels)} labels, "
        f"{n_attrs} attributes, {n_roles} roles, {len(cb.relations)} relations"
    )
    return 0


def cmd_codebook_show(args: argparse.Namespace) -> int:
    cb = _open(args.project).codebook
    if args.yaml:
        print(cb.to_yaml(), end="")
        return 0
    print(f"{cb.title} ({cb.name} v{cb.version})")
    for lab in cb.labels:
        key = f" [{lab.key}]" if lab.key else ""
        print(f"\n{lab.name}{key}  {lab.color}")
        if lab.description:
            print(f"  {lab.description.strip()}")
        for a in lab.attributes:
            req = " (required)" if a.required else ""
            values = f": {', '.join(a.value_names)}" if a.values else ""
            print(f"  - {a.name} [{a.type}]{req}{values}")
        for r in lab.roles:
            mx = f", max {r.max}" if r.max else ""
            print(f"  > {r.name} -> {'|'.join(r.targets)}{mx}")
    if cb.relations:
        print("\nrelations")
        for rel in cb.relations:
            print(f"  {rel.name}: {'|'.join(rel.sources)} -> {'|'.join(rel.targets)}")
    return 0


def cmd_codebook_update(args: argparse.Namespace) -> int:
    from annotator.core.codebook import load_codebook
    from annotator.store.setup import install_codebook

    project = _open(args.project)
    old = project.codebook
    new = load_codebook(args.file)
    flagged = install_codebook(project, new)
    if new == old:
        print(f"codebook unchanged ({new.name} v{new.version})")
    else:
        print(f"codebook {old.name} v{old.version} -> {new.name} v{new.version}")
    if flagged:
        print(
            f"{len(flagged)} annotation(s) use labels, attributes or values this version no "
            "longer has; they are kept and flagged for review"
        )
    return 0


def cmd_reviewers(args: argparse.Namespace) -> int:
    from annotator.store import services

    project = _open(args.project)
    from annotator.store.team import is_team

    if is_team(project):
        raise UsageError(
            "on a team project reviewers are a role: "
            "annotator users PROJECT add NAME --role reviewer (see docs/team.md)"
        )
    names = set(services.reviewers(project))
    if args.add or args.remove:
        names = (names | set(args.add or [])) - set(args.remove or [])
        services.set_reviewers(project, sorted(names))
    current = services.reviewers(project)
    print(
        "reviewers: " + ", ".join(current)
        if current
        else "reviewers: anyone (no list set; add one with --add NAME)"
    )
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from annotator.gui.platform_check import display_problem

    problem = display_problem()  # before Qt loads a platform plugin that would abort
    if problem is not None:
        raise UsageError(problem)
    from annotator.gui.app import run  # no argument: the per-user demo, made on first start

    return int(run(getattr(args, "project", None), coder=getattr(args, "coder", None)))


# ------------------------------------------------------------------------------------ parser


def build_parser(full: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command; with `full`, only those commands (and the others of their
    modules) are built in full and imported, the rest are listed by name and help."""
    p = argparse.ArgumentParser(
        prog="annotator", description="Code conflict news into traceable event data."
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    wanted = {COMMANDS[name][0] or name for name in full if name in COMMANDS} if full else set()
    for name, (module, help_text) in COMMANDS.items():
        if name in sub.choices:
            continue  # registered with another command of its module
        if full is not None and (module or name) not in wanted:
            sub.add_parser(name, help=help_text, add_help=False)
        elif module:
            importlib.import_module(f"annotator.cli.{module}").register(sub)
        else:
            BUILT_IN[name](sub.add_parser(name, help=help_text))
    return p


def _gui_parser(g: argparse.ArgumentParser) -> None:
    g.add_argument("project", nargs="?", help="project file or database URL (default: demo)")
    g.add_argument("--coder", help="code as this coder (skips the question)")
    g.set_defaults(func=cmd_gui)


def _init_parser(i: argparse.ArgumentParser) -> None:
    i.add_argument("project")
    i.add_argument("--codebook", help="codebook YAML (default: schema/conflict-events.yaml)")
    i.add_argument("--demo", action="store_true", help="add the demo articles")
    i.add_argument("--team", action="store_true", help="a team project (PostgreSQL URL)")
    i.set_defaults(func=cmd_init)


def _import_parser(im: argparse.ArgumentParser) -> None:
    from annotator.store.importer import FORMATS

    im.add_argument("project")
    im.add_argument("paths", nargs="+", metavar="PATH")
    im.add_argument("--format", choices=FORMATS, help="default: from the file extension")
    im.add_argument("--coder", default="imported", help="coder of annotations that name none")
    im.add_argument("--max-size", type=int, default=10_000_000, help="bytes per document")
    im.add_argument("--text-column", default="text")
    im.add_argument("--title-column", default="title")
    im.add_argument("--id-column", default="id")
    im.add_argument("--map-label", action="append", metavar="THEIRS=OURS", help="brat types")
    im.add_argument("--ignore-unknown-labels", action="store_true", help="brat: leave them out")
    im.add_argument(
        "--allow-gold", action="store_true", help="accept annotations of the gold layer (a lead)"
    )
    im.add_argument(
        "--join-fragments",
        action="store_true",
        help="brat: read a discontinuous span as one span over its fragments (counted)",
    )
    im.add_argument("--encoding", help="txt/CSV/brat files not in UTF-8, e.g. cp1252, latin-1")
    im.add_argument("--delimiter", default=",", help="CSV: e.g. ';' or tab (default ',')")
    im.add_argument(
        "--date-format", metavar="FORMAT", help="'published' values not in ISO, e.g. %%d/%%m/%%Y"
    )
    im.set_defaults(func=cmd_import)


def _reviewers_parser(rv: argparse.ArgumentParser) -> None:
    rv.add_argument("project")
    rv.add_argument("--add", action="append", metavar="NAME")
    rv.add_argument("--remove", action="append", metavar="NAME")
    rv.set_defaults(func=cmd_reviewers)


def _info_parser(inf: argparse.ArgumentParser) -> None:
    inf.add_argument("project")
    inf.add_argument("--json", action="store_true")
    inf.set_defaults(func=cmd_info)


def _codebook_parser(cb: argparse.ArgumentParser) -> None:
    cbs = cb.add_subparsers(dest="codebook_command", metavar="check|show|update", required=True)
    chk = cbs.add_parser("check", help="validate a codebook file")
    chk.add_argument("file")
    chk.set_defaults(func=cmd_codebook_check)
    show = cbs.add_parser("show", help="print a project's codebook")
    show.add_argument("project")
    show.add_argument("--yaml", action="store_true", help="print the YAML source")
    show.set_defaults(func=cmd_codebook_show)
    upd = cbs.add_parser("update", help="give a project a new version of its codebook")
    upd.add_argument("project")
    upd.add_argument("file")
    upd.set_defaults(func=cmd_codebook_update)


BUILT_IN: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "gui": _gui_parser,
    "init": _init_parser,
    "import": _import_parser,
    "reviewers": _reviewers_parser,
    "info": _info_parser,
    "codebook": _codebook_parser,
}


def fail(message: str) -> NoReturn:
    from annotator.store.engine import mask_password

    one_line = mask_password(" ".join(message.split()))  # driver messages can span lines
    print(f"annotator: error: {one_line}", file=sys.stderr)
    raise SystemExit(1)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    # Only the chosen command's module is imported (an unknown one: all, for argparse's list).
    parser = build_parser(() if command is None else (command,) if command in COMMANDS else None)
    args = parser.parse_args(argv)
    if args.command is None:
        args.project = None
        args.func = cmd_gui
    try:
        return int(args.func(args))
    except UsageError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted; nothing half-written was kept")
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if isinstance(exc, user_errors()):
            fail(str(exc))
        raise


if __name__ == "__main__":
    raise SystemExit(main())

"""``annotator actors`` and ``annotator places``: the actor registry and the gazetteer."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

import orjson

from annotator.core.places import (
    GazetteerError,
    Place,
    PlaceError,
    read_admin_codes,
    read_geonames_dump,
    read_places_csv,
)
from annotator.core.registry import RegistryError, read_actor_csv
from annotator.store import registry
from annotator.store.engine import Project
from annotator.store.services import ServiceError, may_review


def _who(args: argparse.Namespace) -> str:
    return str(getattr(args, "as_", None) or getpass.getuser())


def _print_json(data: Any) -> None:
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


# ------------------------------------------------------------------------------- actors


def cmd_actors_import(args: argparse.Namespace) -> int:
    project = Project.open(args.project)
    actors = read_actor_csv(Path(args.file))
    added, updated = registry.import_actors(project, actors, _who(args))
    print(f"actors: {added} added, {updated} updated from {args.file}")
    return 0


def cmd_actors_list(args: argparse.Namespace) -> int:
    rows = registry.actor_rows(Project.open(args.project))
    if args.format == "json":
        _print_json(rows)
        return 0
    for r in rows:
        aliases = f"  (also: {'; '.join(r['aliases'])})" if r["aliases"] else ""
        pending = "  [awaiting approval]" if not r["approved"] else ""
        print(f"{r['name']}  {r['type'] or '-'}  {r['country'] or '-'}{aliases}{pending}")
    print(f"{len(rows)} actor(s)", file=sys.stderr)
    return 0


def _reviewer(project: Project, args: argparse.Namespace, what: str) -> str:
    """Who acts; refused unless they may review this project."""
    who = _who(args)
    if not may_review(project, who):
        raise ServiceError(f"{who!r} is not a reviewer of this project; only reviewers {what}")
    return who


def cmd_actors_merge(args: argparse.Namespace) -> int:
    project = Project.open(args.project)
    who = _reviewer(project, args, "merge actors")
    moved = registry.merge_actors(project, args.keep, args.drop, who)
    print(f"merged {args.drop!r} into {args.keep!r}; {moved} span(s) now name {args.keep!r}")
    return 0


def cmd_actors_approval(args: argparse.Namespace) -> int:
    project = Project.open(args.project)
    who = _reviewer(project, args, "decide")
    registry.set_requires_approval(project, args.state == "on", who)
    print(
        "actors added while coding now wait for a reviewer's approval"
        if args.state == "on"
        else "actors added while coding join the registry at once"
    )
    return 0


def cmd_actors_approve(args: argparse.Namespace) -> int:
    project = Project.open(args.project)
    who = _reviewer(project, args, "approve")
    for name in args.names:
        registry.approve_actor(project, name, who)
    print(f"approved {len(args.names)} actor(s)")
    return 0


# ------------------------------------------------------------------------------- places


def _read_places(path: Path, admin_files: list[str]) -> list[Place]:
    if path.suffix.lower() == ".csv":
        return list(read_places_csv(path))
    if path.suffix.lower() == ".txt":
        names: dict[str, str] = {}
        for f in admin_files:
            names.update(read_admin_codes(Path(f)))
        return list(read_geonames_dump(path, names))
    raise PlaceError(
        f"{path}: unknown place file (a GeoNames dump such as SY.txt, or a .csv of places)"
    )


def cmd_places_import(args: argparse.Namespace) -> int:
    from annotator.store.gazetteer import import_places

    project = Project.open(args.project)
    try:
        places = _read_places(Path(args.file), args.admin_names or [])
    except OSError as exc:
        raise PlaceError(f"{args.file}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise PlaceError(f"{args.file}: not UTF-8 (byte {exc.start})") from None
    try:
        added, replaced = import_places(project, places, _who(args))
    except ValueError as exc:
        raise PlaceError(f"{args.file}: {exc}") from None
    print(f"places: {added} added, {replaced} replaced from {args.file}")
    return 0


def cmd_places_search(args: argparse.Namespace) -> int:
    from annotator.store.gazetteer import Gazetteer, builtin_path

    project = Project.open(args.project)
    if not args.no_builtin and not builtin_path().exists():
        print("building the built-in gazetteer (once per machine)…", file=sys.stderr)
    gazetteer = Gazetteer(project, builtin=not args.no_builtin)
    matches = gazetteer.search(args.name, country=args.country, limit=args.limit)
    if args.format == "json":
        _print_json([m.as_dict() for m in matches])
        return 0
    for m in matches:
        p = m.place
        where = ", ".join(x for x in (p.admin2, p.admin1, p.country) if x)
        coords = (
            f"{p.latitude:.4f},{p.longitude:.4f}"
            if p.latitude is not None and p.longitude is not None
            else "-"
        )
        print(f"{p.geonames_id:>12}  {p.name}  ({where})  {coords}  {p.feature_code}")
    return 0


# ------------------------------------------------------------------------------- parser


def register(sub: Any) -> None:
    a = sub.add_parser("actors", help="the project's registry of canonical actors")
    a.add_argument("project")
    asub = a.add_subparsers(
        dest="actors_command", metavar="import|list|merge|approval|approve", required=True
    )
    imp = asub.add_parser("import", help="add or update actors from a CSV")
    imp.add_argument("file", help="CSV: name,type,country,aliases,ids (aliases ';'-separated)")
    imp.add_argument("--as", dest="as_", metavar="NAME", help="who does it (default: login)")
    imp.set_defaults(func=cmd_actors_import)
    ls = asub.add_parser("list", help="print the registry")
    ls.add_argument("--format", choices=("table", "json"), default="table")
    ls.set_defaults(func=cmd_actors_list)
    mg = asub.add_parser("merge", help="join duplicate B into A (spans naming B name A)")
    mg.add_argument("keep", metavar="A")
    mg.add_argument("drop", metavar="B")
    mg.add_argument("--as", dest="as_", metavar="NAME", help="who does it (default: login)")
    mg.set_defaults(func=cmd_actors_merge)
    ap = asub.add_parser("approval", help="must actors added while coding be approved?")
    ap.add_argument("state", choices=("on", "off"))
    ap.add_argument("--as", dest="as_", metavar="NAME", help="who does it (default: login)")
    ap.set_defaults(func=cmd_actors_approval)
    ok = asub.add_parser("approve", help="approve actors added while coding")
    ok.add_argument("names", nargs="+", metavar="NAME")
    ok.add_argument("--as", dest="as_", metavar="NAME", help="who does it (default: login)")
    ok.set_defaults(func=cmd_actors_approve)

    p = sub.add_parser("places", help="the gazetteer: the project's places and the built-in one")
    p.add_argument("project")
    psub = p.add_subparsers(dest="places_command", metavar="import|search", required=True)
    pi = psub.add_parser("import", help="add places: a GeoNames dump (SY.txt) or a CSV")
    pi.add_argument("file")
    pi.add_argument(
        "--admin-names",
        action="append",
        metavar="FILE",
        help="GeoNames admin1CodesASCII.txt / admin2Codes.txt, to name admin units",
    )
    pi.add_argument("--as", dest="as_", metavar="NAME", help="who does it (default: login)")
    pi.set_defaults(func=cmd_places_import)
    ps = psub.add_parser("search", help="candidates for a place name, best first")
    ps.add_argument("name")
    ps.add_argument("--country", metavar="ISO2")
    ps.add_argument("--limit", type=int, default=10)
    ps.add_argument("--format", choices=("table", "json"), default="table")
    ps.add_argument("--no-builtin", action="store_true", help="only the project's own places")
    ps.set_defaults(func=cmd_places_search)


USER_ERRORS: tuple[type[Exception], ...] = (RegistryError, PlaceError, GazetteerError)

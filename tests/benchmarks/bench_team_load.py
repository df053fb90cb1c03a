"""A team at work on one project as fast as it can (docs/team.md, "Load").

Run:  python tests/benchmarks/bench_team_load.py [--seconds 60] [--coders 20] [--reviewers 2]
      [--import-docs 10000] [--backend postgres|sqlite|both] [--threads] [--pace SECONDS]

PostgreSQL (server from ANNOTATOR_TEST_PG_URL, default postgres@127.0.0.1:5432; a database of
its own is created and dropped): ``--coders`` coders, ``--reviewers`` reviewers and two windows
of one coder racing for the same role, each a process of its own working through the store's
services, while ``annotator import`` adds ``--import-docs`` documents and ``annotator export``
runs. SQLite: 5 coders on one file the same way. Printed: actions per second, refusals, errors,
lost actions and broken rules (``team_workload.verify``), p50/p95/p99 action latency (target
p95 < 50 ms), and beside it the floor: the same number of inserts as raw SQL, one committed
transaction each, on one connection.

By default each writer works as fast as it can (closed loop): with N writers the latency is then
about N / throughput (Little's law) whatever the database does, and the run prints that figure
and the writers' own processor time per action beside the measured latency, so one sees whether
the latency is queueing for a processor or waiting on the database. ``--pace SECONDS`` runs an
open loop instead: every writer issues its actions on a schedule (Poisson arrivals with that
mean gap, as a person works), and an action's latency runs from its scheduled time, so an action
started late counts as late.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import orjson  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from team_workload import Result, run_workload, verify  # noqa: E402

from annotator.store.engine import Project  # noqa: E402
from annotator.store.setup import create_project  # noqa: E402

TARGET_P95_MS = 50.0
PG_SERVER = os.environ.get(
    "ANNOTATOR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def floor(project: Project, n: int) -> tuple[float, float, float]:
    """Raw SQL: ``n`` single-row INSERTs into annotation, each committed, on one connection."""
    with project.read() as s:
        doc = s.execute(text("SELECT min(id) FROM document")).scalar_one()
        coder = s.execute(text("SELECT min(id) FROM coder")).scalar_one()
    stmt = text(
        'INSERT INTO annotation (uid, document_id, coder_id, label, start, "end", attributes, '
        "note, codebook_version, source_uid, created_at, updated_at) VALUES (:uid, :doc, "
        ":coder, 'ACTOR', 1, 5, '{}', '', 1, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    times = []
    with project.engine.connect() as conn:
        t0 = time.perf_counter()
        for i in range(n):
            t = time.perf_counter()
            conn.execute(stmt, {"uid": f"floor{i}", "doc": doc, "coder": coder})
            conn.commit()
            times.append(time.perf_counter() - t)
        total = time.perf_counter() - t0
    times.sort()
    return n / total, times[len(times) // 2] * 1000, times[int(len(times) * 0.95)] * 1000


def background(project_url: str, docs: int, out: Path) -> list[subprocess.Popen[bytes]]:
    """``annotator import`` of ``docs`` documents and a CSV export, as other processes."""
    feed = out / "import.jsonl"
    with feed.open("wb") as fh:
        for i in range(docs):
            fh.write(orjson.dumps({"id": f"bg{i}", "text": f"Background report {i}. " * 40}))
            fh.write(b"\n")
    cli = "import sys; from annotator.cli import main; sys.exit(main(sys.argv[1:]))"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return [
        subprocess.Popen([sys.executable, "-c", cli, "import", project_url, str(feed)], env=env),
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                cli,
                "export",
                project_url,
                "--format",
                "csv",
                "-o",
                str(out / "export"),
            ],
            env=env,
        ),
    ]


def report(
    name: str, project: Project, result: Result, n_floor: int, processes: bool, pace: float
) -> bool:
    problems = verify(project, result)
    rate, f50, f95 = floor(project, n_floor)
    p95 = result.percentile(95)
    writers = len(result.ledgers)
    attempts = len(result.latencies) / result.seconds
    print(f"{name}: {result.summary()}")
    if pace:
        print(
            f"{name}: open loop, {writers} writers each one action every {pace:g} s on average: "
            f"offered {writers / pace:.1f}/s, done {attempts:.1f}/s; due but not yet started "
            f"when the run stopped: {result.unstarted}"
        )
    else:
        mean = statistics.fmean(result.latencies) * 1000 if result.latencies else 0.0
        print(
            f"{name}: closed loop, Little's law: {writers} writers / {attempts:.1f} attempts/s "
            f"= {writers / attempts * 1000 if attempts else 0:.0f} ms per action "
            f"(measured mean {mean:.0f} ms): the latency is the queue the writers make"
        )
    if processes:  # threads share one process's clock
        print(
            f"{name}: the writers' own processor time {result.cpu_per_action_ms:.1f} ms per action "
            f"(the rest of the latency is waiting: for a core, the server or a lock); machine "
            f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
    for kind, values in sorted(result.by_kind().items()):
        print(
            f"{name}:   {kind}: {len(values)} ({len(values) / len(result.latencies):.0%}), "
            f"p50 {result.percentile(50, values):.1f} p95 {result.percentile(95, values):.1f} ms"
        )
    print(
        f"{name}: lost or broken: {len(problems)}"
        + (f" (first: {problems[0]})" if problems else "")
    )
    for error in result.errors[:3]:
        print(f"{name}: error: {error}")
    print(
        f"{name}: p95 {p95:.1f} ms (target < {TARGET_P95_MS:.0f} ms) | floor, raw INSERT + "
        f"COMMIT on one connection: {rate:.0f}/s, p50 {f50:.2f} ms, p95 {f95:.2f} ms"
    )
    return not problems and not result.errors


def run_postgres(args: argparse.Namespace, tmp: Path) -> bool:
    db = f"annotator_bench_{uuid.uuid4().hex[:8]}"
    server = PG_SERVER.rsplit("/", 1)[0]
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{db}"'))
    try:
        project = create_project(f"{server}/{db}")
        procs = background(project.url, args.import_docs, tmp) if args.import_docs else []
        result = run_workload(
            project,
            coders=args.coders,
            reviewers=args.reviewers,
            seconds=args.seconds,
            documents=40,
            processes=not args.threads,
            pace=args.pace,
        )
        codes = [p.wait() for p in procs]
        print(f"postgres: background import and export exit codes {codes}")
        ok = report(
            f"postgres {args.coders}+{args.reviewers}",
            project,
            result,
            2000,
            not args.threads,
            args.pace,
        )
        project.close()
        return ok and all(c == 0 for c in codes)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()


def run_sqlite(args: argparse.Namespace, tmp: Path) -> bool:
    project = create_project(tmp / "team.annot")
    result = run_workload(
        project,
        coders=5,
        reviewers=0,
        seconds=args.seconds,
        documents=40,
        processes=not args.threads,
        pace=args.pace,
    )
    locked = sum("locked" in e for e in result.errors)
    print(f"sqlite: 'database is locked' errors: {locked}")
    ok = report("sqlite 5 coders", project, result, 2000, not args.threads, args.pace)
    project.close()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--coders", type=int, default=20)
    parser.add_argument("--reviewers", type=int, default=2)
    parser.add_argument("--import-docs", type=int, default=10_000)
    parser.add_argument("--backend", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument("--threads", action="store_true", help="threads instead of processes")
    parser.add_argument(
        "--pace",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="open loop: each writer's actions arrive at random, this mean gap apart "
        "(default: closed loop, as fast as it can)",
    )
    args = parser.parse_args()
    # a stopped run (timeout, kill) still drops the database it made: the finally blocks run
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    print(
        f"ran: {args.seconds:.0f} s, backend {args.backend}, {args.coders} coders + "
        f"{args.reviewers} reviewers + 2 racing windows on PostgreSQL, 5 coders + 2 on SQLite, "
        f"{'threads' if args.threads else 'processes'}, "
        f"{f'paced, one action every {args.pace:g} s' if args.pace else 'closed loop'}, "
        f"background import of "
        f"{args.import_docs} documents; machine load {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores"
    )
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        if args.backend in ("postgres", "both"):
            ok &= run_postgres(args, Path(tmp))
        if args.backend in ("sqlite", "both"):
            ok &= run_sqlite(args, Path(tmp))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

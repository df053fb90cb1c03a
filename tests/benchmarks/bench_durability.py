"""What power-loss safety costs a coder: one action with SQLite ``synchronous=FULL`` vs ``NORMAL``.

Run:  python tests/benchmarks/bench_durability.py [--tries N]

With WAL, ``synchronous=FULL`` syncs the log on every commit, so an action shown as done
survives a power cut; NORMAL syncs only at checkpoints, and the last actions before the cut can
be lost (docs/cli.md#project-files). This measures the same service
actions (add a span, change an attribute, delete the span: each its own transaction) on the same
project file, alternating the two settings try by try so that disk noise hits both alike, and
prints the cost of FULL per action. FULL would be the default if it cost at most 2 ms per action;
over that, project files stay at NORMAL (``ANNOTATOR_SYNCHRONOUS=full`` opts in) and the README
says what is risked. The figure is the answer either way, so the script exits 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from sqlalchemy import event  # noqa: E402

from annotator.store import queries, services  # noqa: E402
from annotator.store.engine import Project  # noqa: E402
from annotator.store.setup import create_demo  # noqa: E402

LIMIT_MS = 2.0


def open_with(path: Path, synchronous: str) -> Project:
    project = Project.open(path)
    project.engine.dispose()  # later connections get the setting below

    def _set(dbapi_connection: Any, _record: Any) -> None:
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA synchronous = {synchronous}")
        cur.close()

    event.listen(project.engine, "connect", _set)
    with project.engine.connect() as conn:
        got = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    assert got == {"NORMAL": 1, "FULL": 2}[synchronous], got
    return project


def one_try(project: Project, doc: int, i: int) -> list[float]:
    """Milliseconds for add, update and delete of one span."""
    times = []
    t0 = time.perf_counter()
    change = services.create_annotation(project, "alice", doc, "CASUALTY", i % 500, i % 500 + 3)
    times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    services.update_annotation(project, "alice", change.created_id, attributes={"best": i})
    times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    services.delete_annotation(project, "alice", change.created_id)
    times.append(time.perf_counter() - t0)
    return [t * 1000 for t in times]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=300)
    args = parser.parse_args()
    # Not /dev/shm: a RAM disk would make every sync free. The temporary folder's disk is the
    # one a project file would live on.
    with tempfile.TemporaryDirectory(dir=REPO) as tmp:
        path = Path(tmp) / "bench.annot"
        create_demo(path).close()
        normal, full = open_with(path, "NORMAL"), open_with(path, "FULL")
        doc = queries.document_ids(normal)[0]
        for warm in range(10):
            one_try(normal, doc, warm)
            one_try(full, doc, warm)
        results: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
        for i in range(args.tries):
            for name, project in (("NORMAL", normal), ("FULL", full))[:: 1 if i % 2 else -1]:
                results[name].extend(one_try(project, doc, i))
        normal.close()
        full.close()
    means = {name: statistics.mean(values) for name, values in results.items()}
    medians = {name: statistics.median(values) for name, values in results.items()}
    cost = means["FULL"] - means["NORMAL"]
    for name in ("NORMAL", "FULL"):
        values = sorted(results[name])
        p95 = values[int(len(values) * 0.95) - 1]
        print(
            f"one action, synchronous={name:<6}  mean {means[name]:6.2f} ms  "
            f"median {medians[name]:6.2f}  p95 {p95:6.2f}   ({len(values)} actions)"
        )
    verdict = "FULL is affordable" if cost <= LIMIT_MS else "over: the default stays NORMAL"
    print(
        f"cost of FULL over NORMAL: {cost:+.2f} ms per action (median "
        f"{medians['FULL'] - medians['NORMAL']:+.2f})   limit {LIMIT_MS:.0f} ms: {verdict}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: what row-level security costs a team project's coders and reviewers.

Run: python tests/benchmarks/bench_team.py [--documents N]   (needs ANNOTATOR_TEST_PG_URL)

A team project of N documents (default 1,000), 7 coders (one each, 20% coded twice), each
coder's layer 30 spans per document, every document done. Each figure is the same store call
made as the restricted role (policies evaluated by the server) and, as its floor, as the
administrator (a superuser: no policies), in the same run: a coder opening a document, a coder's
queue, a reviewer loading every layer of a document, and ``progress`` for the project.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import select

from annotator.store import queries, team
from annotator.store.assign import AssignPlan, assign, assignments
from annotator.store.engine import Project
from annotator.store.progress import progress
from annotator.store.tables import AnnotationRow, Assignment, DocumentRow, DocumentStatus

CODERS = 7
SPANS = 30


def timed(call: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``call`` in milliseconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def fill(admin: Project, n_docs: int, names: list[str]) -> None:
    rng = random.Random(5)
    text_ = "Rebels attacked the town near the border, killing at least five civilians. " * 40
    with admin.write() as s:
        for i in range(n_docs):
            s.add(
                DocumentRow(ext_id=f"d{i:05d}", sha256=f"{i:064x}", text=text_, length=len(text_))
            )
    assign(admin, AssignPlan(coders=names, per_document=1, overlap=0.2, seed=1))
    with admin.write() as s:
        pairs = s.exec(select(Assignment)).all()
        rows = []
        for a in pairs:
            for k in range(SPANS):
                start = rng.randrange(0, len(text_) - 20)
                rows.append(
                    AnnotationRow(
                        uid=f"a{a.document_id}-{a.coder_id}-{k}",
                        document_id=a.document_id,
                        coder_id=a.coder_id,
                        label="ACTOR",
                        start=start,
                        end=start + 6,
                    )
                )
            s.add(DocumentStatus(document_id=a.document_id, coder_id=a.coder_id, status="done"))
        s.add_all(rows)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1000)
    args = parser.parse_args()
    server = os.environ.get("ANNOTATOR_TEST_PG_URL", "")
    if not server:
        print("skipped: set ANNOTATOR_TEST_PG_URL to a PostgreSQL server")
        return 0
    suffix = uuid.uuid4().hex[:8]
    database = f"annotator_bench_{suffix}"
    url = make_url(server).set(database=database)
    admin_url = url.render_as_string(hide_password=False)
    names = [f"c{i}_{suffix}" for i in range(CODERS)]
    reviewer = f"rev_{suffix}"
    opened: list[Project] = []
    try:
        admin = team.init_team(admin_url)
        opened.append(admin)
        for n in names:
            team.add_user(admin, n, "coder", None)
        team.add_user(admin, reviewer, "reviewer", None)
        t0 = time.perf_counter()
        fill(admin, args.documents, names)
        print(f"built {args.documents} documents x {SPANS} spans per layer in "
              f"{time.perf_counter() - t0:.1f} s")  # fmt: skip

        def as_login(login: str) -> Project:
            p = Project.open(url.set(username=login).render_as_string(hide_password=False))
            opened.append(p)
            return p

        coder, rev = as_login(names[0]), as_login(reviewer)
        queue = [d.id for d in queries.document_summaries(coder, names[0])]
        doc = queue[len(queue) // 2]
        both = next(str(d["document"]) for d in assignments(admin) if len(d["coders"]) == 2)  # type: ignore[arg-type]
        double = queries.document_ids(admin, ext_ids=[both])[0]
        rows = [
            ("coder opens a document (ms)", lambda p, who: queries.annotations(p, doc, [who]), coder, names[0], 30),
            ("coder's queue (ms)", lambda p, who: queries.document_summaries(p, who), coder, names[0], 10),
            ("reviewer loads a double-coded document (ms)", lambda p, _w: queries.annotations(p, double), rev, reviewer, 30),
            ("progress of the project (ms)", lambda p, _w: progress(p), rev, reviewer, 3),
        ]  # fmt: skip
        for title, call, restricted, who, repeat in rows:
            figure = timed(lambda c=call, r=restricted, w=who: c(r, w), repeat)
            floor = timed(lambda c=call, w=who: c(admin, w), repeat)
            print(f"{title:<48} {figure:8.1f}   floor (no policies) {floor:8.1f}")
    finally:
        for p in opened:
            p.close()
        maint = create_engine(server, isolation_level="AUTOCOMMIT")
        with maint.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            prefix = team.role_prefix(database)
            for role in [
                *names,
                reviewer,
                *(team.group(prefix, r) for r in (*team.ROLES, "owner")),
            ]:
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        maint.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

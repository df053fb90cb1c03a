"""A large team project (docs/team.md, "Load"): queue, opening a document, progress, export.

Run:  python tests/benchmarks/bench_team_scale.py [--documents 200000] [--annotations 5000000]
      [--coders 20] [--backend postgres|sqlite]

Generates the project in the database itself (``generate_series`` on PostgreSQL, a recursive
CTE on SQLite): documents of ~1,500 characters, annotations spread over the coders and the
documents (each with its audit entry), a status for a third of each coder's documents. Then measures, each beside a floor
doing the same reading as raw SQL on one connection:

- a coder's queue: ``assign.queue``, each document being assigned to two coders (target
  < 200 ms); the coding window's list, read a page at a time (``queries.document_page``): the
  queue's first page, a solo coder's list of every document (first page, a page near the end),
  a search by title, and the whole queue at once for comparison;
- opening a document: the document, the coder's spans and links (target < 200 ms);
- progress: ``queries.info`` (counts by label, coder and status; target < 2 s),
  ``progress.progress`` (the view's counts; the CLI's listing of every document), the
  progress view opened until its figures show (offscreen), and ``annotator progress`` as a
  new process;
- export: ``annotator export --format jsonl`` of a tenth of the documents (at most 10,000)
  and of all of them, each in a subprocess: peak memory of each (flat: the same whatever the
  size).

Generating 200,000 documents and 5,000,000 annotations takes minutes; smaller sizes show the
trend. The sizes run are printed first.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402

from annotator.store import assign, queries  # noqa: E402
from annotator.store import progress as progress_module  # noqa: E402
from annotator.store.engine import Project  # noqa: E402
from annotator.store.setup import create_project  # noqa: E402

PG_SERVER = os.environ.get(
    "ANNOTATOR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BODY = "Forces shelled the village on Sunday, killing civilians, the observatory said. " * 19


def generate(project: Project, documents: int, annotations: int, coders: int) -> None:
    pg = not project.is_sqlite
    series = (
        "generate_series(1, {n}) AS g(i)"
        if pg
        else "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n}) "
        "SELECT i FROM c) AS g"
    )
    now = "CURRENT_TIMESTAMP"
    with project.engine.begin() as conn:
        for k in range(coders):
            conn.execute(text(f"INSERT INTO coder (name, created_at) VALUES ('coder{k}', {now})"))
        conn.execute(
            text(
                "INSERT INTO document (ext_id, sha256, title, source, url, published, language, "
                f"meta, text, length, created_at) SELECT 'doc' || i, 'sha' || i, 'Report ' || i, "
                f"'', '', '2019-07-28', 'en', '{{}}', :body, :length, {now} FROM "
                + series.format(n=documents)
            ),
            {"body": BODY, "length": len(BODY)},
        )
        conn.execute(
            text(
                'INSERT INTO annotation (uid, document_id, coder_id, label, start, "end", '
                "attributes, note, codebook_version, source_uid, created_at, updated_at) "
                f"SELECT 'a' || i, 1 + (i % {documents}), 1 + (i % {coders}), "
                "CASE i % 3 WHEN 0 THEN 'ACTOR' WHEN 1 THEN 'EVENT' ELSE 'LOCATION' END, "
                f"(i / {documents}) % 1400, (i / {documents}) % 1400 + 7, '{{}}', '', 1, '', "
                f"{now}, {now} FROM " + series.format(n=annotations)
            )
        )
        conn.execute(  # the audit trail: an entry per span created, by its coder
            text(
                "INSERT INTO audit (at, coder, action, document_id, entity, entity_id, detail) "
                f"SELECT {now}, 'coder' || (i % {coders}), 'create_annotation', "
                f"1 + (i % {documents}), 'annotation', i, '{{}}' FROM "
                + series.format(n=annotations)
            )
        )
        conn.execute(  # each document assigned to two coders (double coding)
            text(
                "INSERT INTO assignment (document_id, coder_id, assigned_at) "
                f"SELECT d.id, c.id, {now} FROM document d, coder c "
                f"WHERE c.id - 1 IN (d.id % {coders}, (d.id + 1) % {coders})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO document_status (document_id, coder_id, status, note, updated_at) "
                f"SELECT d.id, c.id, CASE WHEN d.id % 2 = 0 THEN 'done' ELSE 'in_progress' END, "
                f"'', {now} FROM document d, coder c WHERE d.id % 3 = 0"
            )
        )
    if pg:  # what autovacuum does to a project in use: statistics, and the visibility map
        with project.engine.connect() as conn:  # that lets counts read indexes alone
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def timed(work: Callable[[], object], tries: int = 5) -> float:
    times = []
    for _ in range(tries):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def raw(project: Project, sql: str, **params: object) -> Callable[[], object]:
    def run() -> object:
        with project.engine.connect() as conn:
            return conn.execute(text(sql), params).fetchall()

    return run


def export_peak_mb(url: str, out: Path, documents: str | None) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of an ``annotator export`` subprocess."""
    args = ["export", url, "--format", "jsonl", "-o", str(out)]
    if documents:
        args += ["--documents", documents]
    script = (  # VmHWM: this process's own peak (ru_maxrss would include the parent's)
        "import re, sys; from annotator.cli import main; rc = main(sys.argv[1:]); "
        "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1); "
        "print(hwm, file=sys.stderr); sys.exit(rc)"
    )
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
        check=True,
    )
    peak_kb = int(proc.stderr.strip().splitlines()[-1])
    return time.perf_counter() - t0, peak_kb / 1024


def progress_view_ms(project: Project, tries: int = 3) -> tuple[float, float]:
    """The manager's progress view, opened on the project (offscreen) until it shows its
    figures (its read runs in a worker thread while the event loop turns), median of
    ``tries``; and the same three reads run here one after another."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from annotator.gui.progress_view import READY_SHOWN, ProgressView

    app = QApplication.instance() or QApplication([])
    times = []
    for _ in range(tries):
        t0 = time.perf_counter()
        view = ProgressView(project)
        view.show()
        while view.reading is not None:
            app.processEvents()
            time.sleep(0.001)
        times.append(time.perf_counter() - t0)
        assert view.reads == 1, view.status.text()
        view.close()
        view.deleteLater()
        app.processEvents()

    def reads() -> None:
        progress_module.progress(project, documents=False)
        progress_module.documents_in_state(project, "ready", READY_SHOWN)
        progress_module.sample_agreement(project)

    return statistics.median(times) * 1000, timed(reads, tries)


def measure(project: Project, args: argparse.Namespace, tmp: Path) -> None:
    coder = "coder1"
    with project.engine.connect() as conn:
        cid = conn.execute(text("SELECT id FROM coder WHERE name = :n"), {"n": coder}).scalar()
    doc = queries.document_ids(project, ext_ids=[f"doc{args.documents // 2}"])[0]
    queue = timed(lambda: assign.queue(project, coder))
    queue_floor = timed(
        raw(project, "SELECT document_id FROM assignment WHERE coder_id = :c", c=cid)
    )
    print(
        f"queue of {coder} ({len(assign.queue(project, coder))} assigned documents): "
        f"{queue:.0f} ms (target < 200) | floor, raw SELECT: {queue_floor:.0f} ms"
    )
    first_page = timed(
        lambda: (queries.document_page(project, coder), queries.document_counts(project, coder))
    )
    page_floor = timed(
        raw(
            project,
            "SELECT document_id FROM assignment WHERE coder_id = :c ORDER BY document_id LIMIT 200",
            c=cid,
        )
    )
    print(
        f"the coding window's list (first page of the queue and its counts): {first_page:.0f} ms "
        f"(target < 200) | floor, raw first 200 assigned: {page_floor:.1f} ms"
    )
    solo = timed(
        lambda: (
            queries.document_page(project, "nobody"),
            queries.document_counts(project, "nobody"),
        )
    )
    deep = queries.document_page(project, "nobody", document_id=args.documents - 300, limit=1)
    deep_page = timed(lambda: queries.document_page(project, "nobody", after=deep.keys[0]))
    print(
        f"a solo coder's list of all {args.documents} documents: first page {solo:.0f} ms, "
        f"a page near the end {deep_page:.0f} ms (target < 200)"
    )
    searched = timed(lambda: queries.document_page(project, coder, words="report 77"), tries=3)
    print(f"search of the queue by title: {searched:.0f} ms")
    listing = timed(lambda: queries.document_summaries(project, coder), tries=3)
    print(f"(the whole queue read at once, as before the lazy list: {listing:.0f} ms)")

    def open_doc() -> None:
        queries.document(project, doc)
        queries.annotations(project, doc, [coder])
        queries.links(project, doc, [coder])

    opened = timed(open_doc)
    open_floor = timed(
        raw(
            project,
            "SELECT * FROM annotation WHERE document_id = :d AND coder_id = :c",
            d=doc,
            c=cid,
        )
    )
    print(
        f"open a document: {opened:.1f} ms (target < 200) | floor, raw SELECT: {open_floor:.1f} ms"
    )
    progress = timed(lambda: queries.info(project), tries=3)
    status_counts = raw(
        project, "SELECT coder_id, status, count(*) FROM document_status GROUP BY 1, 2"
    )
    label_counts = raw(
        project,
        "SELECT coder_id, label, count(*) FROM annotation WHERE deleted_at IS NULL GROUP BY 1, 2",
    )
    progress_floor = timed(lambda: (status_counts(), label_counts()), tries=3)
    print(
        f"progress (info): {progress:.0f} ms (target < 2000) | floor, raw counts of statuses "
        f"and of spans by coder and label: {progress_floor:.0f} ms"
    )
    counts = timed(lambda: progress_module.progress(project, documents=False), tries=3)
    listed = timed(lambda: progress_module.progress(project), tries=1)
    spans = raw(
        project, "SELECT coder_id, count(*) FROM annotation WHERE deleted_at IS NULL GROUP BY 1"
    )
    joined = raw(
        project,
        "SELECT a.coder_id, count(*), count(s.status) FROM assignment a LEFT JOIN "
        "document_status s ON s.document_id = a.document_id AND s.coder_id = a.coder_id "
        "GROUP BY 1",
    )
    count_floor = timed(lambda: (spans(), joined()), tries=3)
    print(
        f"progress (the view's counts): {counts:.0f} ms (target < 2000) | floor, raw spans per "
        f"coder and assignments joined to statuses: {count_floor:.0f} ms; with every document "
        f"listed (the CLI): {listed:.0f} ms"
    )
    view_ms, view_floor = progress_view_ms(project)
    print(
        f"the progress view (File → Team Progress), opened until its figures show: "
        f"{view_ms:.0f} ms (target < 2000) | floor, its three reads in this process: "
        f"{view_floor:.0f} ms"
    )
    command = [sys.executable, "-m", "annotator.cli", "progress", project.url]
    cli = timed(
        lambda: subprocess.run(
            command,
            env=dict(os.environ, PYTHONPATH=str(REPO)),
            stdout=subprocess.DEVNULL,
            check=True,
        ),
        tries=3,
    )
    listing = [
        raw(project, sql, **params)
        for sql, params in progress_module._listing_statements(None).values()
    ]
    cli_floor = timed(lambda: [read() for read in (spans, *listing)], tries=3)
    print(
        f"annotator progress (a new process, every document listed): {cli:.0f} ms "
        f"(target < 2000) | floor, its statements raw, one after another on one connection: "
        f"{cli_floor:.0f} ms"
    )
    # a tenth of the documents, at most 10,000 (their ids must fit on a command line)
    small = min(args.documents // 10, 10_000)
    tenth = ",".join(f"doc{i}" for i in range(1, small + 1))
    t_small, mb_small = export_peak_mb(project.url, tmp / "small.jsonl", tenth)
    t_all, mb_all = export_peak_mb(project.url, tmp / "all.jsonl", None)
    print(
        f"export jsonl: {small} documents {t_small:.0f} s, peak {mb_small:.0f} MB | all "
        f"{t_all:.0f} s, peak {mb_all:.0f} MB (flat memory: the two peaks close)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--annotations", type=int, default=5_000_000)
    parser.add_argument("--coders", type=int, default=20)
    parser.add_argument("--backend", choices=("postgres", "sqlite"), default="postgres")
    args = parser.parse_args()
    # a stopped run (timeout, kill) still drops the database it made: the finally blocks run
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    print(
        f"ran: {args.backend}, {args.documents} documents, {args.annotations} annotations, "
        f"{args.coders} coders; machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.backend == "sqlite":
            project = create_project(tmp / "scale.annot")
            db = None
        else:
            db = f"annotator_scale_{uuid.uuid4().hex[:8]}"
            server = PG_SERVER.rsplit("/", 1)[0]
            admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{db}"'))
            project = create_project(f"{server}/{db}")
        try:
            t0 = time.perf_counter()
            generate(project, args.documents, args.annotations, args.coders)
            print(f"generated in {time.perf_counter() - t0:.0f} s")
            measure(project, args, tmp)
        finally:
            project.close()
            if db is not None:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
                admin.dispose()
    print(f"(this process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Two processes on one project (a GUI coding, a CLI importing or exporting) never fail with
"database is locked": writes queue behind the busy timeout, reads never block writes (WAL)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from annotator.store import queries, services
from annotator.store.importer import import_paths
from annotator.store.setup import create_project

from helpers.paths import SEED

IMPORTER = r"""
import sys
from annotator.store.engine import Project
from annotator.store.importer import import_paths
project = Project.open(sys.argv[1])
print("start", flush=True)
report = import_paths(project, [sys.argv[2]])
print("imported", report.added, flush=True)
"""

EXPORTER = r"""
import sys
from annotator.cli import main
print("start", flush=True)
for _ in range(3):
    main(["export", sys.argv[1], "--format", "csv", "-o", sys.argv[2]])
"""


def test_coding_while_another_process_imports_and_exports(tmp_path: Path) -> None:
    path = tmp_path / "shared.annot"
    project = create_project(path)
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as fh:
        for i in range(4000):
            fh.write(
                json.dumps({"id": f"n{i}", "text": f"Report {i}: " + "shelling " * 300}) + "\n"
            )
    importer = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(path), str(big)], stdout=subprocess.PIPE, text=True
    )
    exporter = subprocess.Popen(
        [sys.executable, "-c", EXPORTER, str(path), str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert importer.stdout is not None and importer.stdout.readline().strip() == "start"
    created = []
    # Code for as long as the import runs (however long a loaded machine takes), and at least a
    # few actions even if it finished first. No clock: the processes' own ends are the events.
    while importer.poll() is None or len(created) < 5:
        change = services.create_annotation(project, "alice", doc, "ACTOR", 0, 6)
        created.append(change.created_id)
    out, _ = importer.communicate()
    exporter.communicate()
    assert importer.returncode == 0 and "imported 4000" in out
    assert exporter.returncode == 0
    assert len(created) > 0
    live = {a.id for a in queries.annotations(project, doc, ["alice"])}
    assert set(created) <= live
    assert queries.info(project)["documents"] == 4001
    project.close()

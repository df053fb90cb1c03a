"""A process killed at any moment loses nothing it reported done, and the file stays sound."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.setup import create_project

from helpers.paths import SEED

CHILD = r"""
import random, sys
from annotator.store.engine import Project
from annotator.store import services, queries
project = Project.open(sys.argv[1])
doc = queries.document_ids(project)[0]
n = len(queries.document(project, doc).text)
rng = random.Random(int(sys.argv[2]))
mine = []
def say(*parts):  # one write per line: a pipe takes it whole, so a kill never cuts a line
    sys.stdout.write(" ".join(map(str, parts)) + "\n")
    sys.stdout.flush()
while True:
    roll = rng.random()
    if roll < 0.6 or not mine:
        s = rng.randrange(0, n - 20)
        change = services.create_annotation(project, "crash", doc, "CASUALTY", s, s + rng.randint(1, 20),
                                            {"kind": "killed", "best": rng.randint(0, 999)})
        mine.append(change.created_id)
        say("add", change.created_id)
    elif roll < 0.8:
        a = rng.choice(mine)
        best = rng.randint(0, 999)
        say("try set", a, best)  # the kill may land between these two lines
        services.update_annotation(project, "crash", a, attributes={"best": best})
        say("set", a, best)
    else:
        a = mine.pop(rng.randrange(len(mine)))
        say("try del", a)
        services.delete_annotation(project, "crash", a)
        say("del", a)
"""


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_reported(tmp_path: Path) -> None:
    path = tmp_path / "crash.annot"
    project = create_project(path)
    import_paths(project, [SEED])
    project.close()
    rng = random.Random(20191230)
    expected_live: dict[int, int] = {}
    deleted: set[int] = set()
    uncertain: set[int] = set()
    for run in range(12):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), str(run)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        # The kill is timed from the child's own reports, not the clock: a loaded machine may
        # take seconds to start Python, but it still gets this many actions in before the kill.
        seen = [child.stdout.readline() for _ in range(rng.randint(3, 40))]
        assert all(seen), "the child stopped before it was killed"
        time.sleep(rng.uniform(0, 0.01))  # land anywhere in the next action, or between two
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate()
        out = "".join(seen) + rest
        assert child.returncode == -signal.SIGKILL
        in_flight: list[str] = []
        for line in out.splitlines():
            parts = line.split()
            if len(parts) < 2:
                continue  # a line cut by the kill was never reported whole
            if parts[0] == "try":
                in_flight = parts[1:]
                continue
            in_flight = []
            if parts[0] == "add":
                expected_live[int(parts[1])] = -1
            elif parts[0] == "set" and len(parts) == 3:
                expected_live[int(parts[1])] = int(parts[2])
            elif parts[0] == "del":
                expected_live.pop(int(parts[1]), None)
                deleted.add(int(parts[1]))
        if in_flight:
            # Killed during an action it had not reported: either outcome is allowed, so that
            # annotation is left out of the check (an unreported add is simply an extra row).
            ann_id = int(in_flight[1])
            expected_live.pop(ann_id, None)
            uncertain.add(ann_id)
        db = sqlite3.connect(path)
        try:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            db.close()
    assert len(expected_live) > 20, "the child did too little work to test anything"
    project = Project.open(path)
    doc = queries.document_ids(project)[0]
    live = {a.id: a for a in queries.annotations(project, doc, ["crash"])}
    for ann_id, best in expected_live.items():
        assert ann_id in live, f"annotation {ann_id} was reported done but is gone"
        if best >= 0:
            assert live[ann_id].attributes["best"] == best
    assert not (deleted - uncertain) & set(live)
    project.close()

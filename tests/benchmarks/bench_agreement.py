"""Benchmark: `annotator agreement PROJECT` end to end, 1,000 documents x 3 coders x 50 spans.

Run: python tests/benchmarks/bench_agreement.py [--documents N] [--profile] [--keep DIR]

What a user waits for (README, "Benchmarks" target < 2 s, goal 1 s): the real command, in a fresh process,
from the project file to the printed JSON report (a current project file is read through a
read-only sqlite3 connection, without importing SQLAlchemy). The project is built once (seeded
data, see below, imported through the importer) and then the command is timed, best of three. The floor,
measured in the same run, is a fresh process doing the same reads with the raw libraries:
sqlite3 fetching the same documents, annotations and links, orjson parsing every attribute
object, numpy arrays of the offsets, and orjson writing a report-sized answer.

The data is generated (seeded): ~3 KB English-like news texts; a reference set of 50 spans per
document with ACTOR/EVENT/CASUALTY/LOCATION/DATE labels, attributes and event frames; each coder
copies it with realistic noise (dropped and extra spans, shifted boundaries, other labels,
other attribute values, other role fillers).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotator.core.agreement import AgreementInput, agreement_report  # noqa: E402
from annotator.core.records import Annotation, Document, Link  # noqa: E402

VOCABULARY = (
    "the government forces said on monday that rebels attacked a village near the border "
    "killing at least civilians including children and wounding dozens more according to "
    "local officials and a monitoring group which reported heavy shelling airstrikes clashes "
    "protesters police army militia province district town capital ministry spokesman "
    "humanitarian agency hospital displaced families fled their homes after the offensive"
)
WORDS = VOCABULARY.split()
LABELS = ("ACTOR", "EVENT", "CASUALTY", "LOCATION", "DATE")
KINDS = ("killed", "injured", "displaced", "missing")
CATEGORIES = ("state_forces", "rebel_group", "political_militia", "civilians", "protesters")
EVENT_TYPES = ("battles", "explosions_remote_violence", "violence_against_civilians", "protests")
ROLE_OF = {"ACTOR": "actor1", "CASUALTY": "casualties", "LOCATION": "place", "DATE": "time"}
CODERS = ("alice", "bob", "carol")


def make_text(rng: random.Random, size: int) -> str:
    words: list[str] = []
    length = 0
    while length < size:
        sentence = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
        sentence[0] = sentence[0].capitalize()
        text = " ".join(sentence) + "."
        words.append(text)
        length += len(text) + 1
    return " ".join(words)[:size]


def word_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, ch in enumerate(text + " "):
        if ch.isalnum() and start is None:
            start = i
        elif not ch.isalnum() and start is not None:
            spans.append((start, i))
            start = None
    return spans


def attributes_for(rng: random.Random, label: str) -> dict[str, object]:
    if label == "CASUALTY":
        return {"kind": rng.choice(KINDS), "best": rng.choice((1, 2, 3, 5, 12, 15, 40, 100))}
    if label == "ACTOR":
        return {"category": rng.choice(CATEGORIES)}
    if label == "EVENT":
        return {"event_type": rng.choice(EVENT_TYPES), "civilian_targeting": rng.random() < 0.3}
    return {}


def generate(n_documents: int, spans_per_document: int = 50, seed: int = 7) -> AgreementInput:
    rng = random.Random(seed)
    documents: list[Document] = []
    annotations: list[Annotation] = []
    links: list[Link] = []
    next_id = 1
    for d in range(1, n_documents + 1):
        text = make_text(rng, rng.randint(2800, 3300))
        documents.append(Document(id=d, ext_id=f"doc{d}", text=text))
        words = word_spans(text)
        picks = sorted(rng.sample(range(len(words) - 3), spans_per_document))
        reference = []
        for w in picks:
            width = rng.choice((1, 1, 2, 3))
            start, end = words[w][0], words[min(w + width - 1, len(words) - 1)][1]
            label = rng.choices(LABELS, weights=(4, 2, 2, 1, 1))[0]
            reference.append((start, end, label, attributes_for(rng, label)))
        events = [i for i, r in enumerate(reference) if r[2] == "EVENT"]
        frames: dict[int, list[tuple[str, int]]] = {}
        for e in events:
            fillers: list[tuple[str, int]] = []
            for f in rng.sample(range(len(reference)), 4):
                role = ROLE_OF.get(reference[f][2])
                taken = role == "actor1" and any(r == role for r, _ in fillers)
                if role is not None and not taken:  # actor1 takes one filler (the codebook)
                    fillers.append((role, f))
            frames[e] = fillers
        for coder in CODERS:
            ids: dict[int, int] = {}
            label_of: dict[int, str] = {}
            for i, (start, end, label, attrs) in enumerate(reference):
                if rng.random() < 0.08:
                    continue  # missed span
                if rng.random() < 0.12:  # boundary shift
                    start = max(0, start + rng.choice((-4, -2, 2)))
                    end = max(start + 1, end + rng.choice((-2, 0, 3)))
                    end = min(end, len(text))
                if rng.random() < 0.05:
                    label = rng.choice(LABELS)
                attrs = dict(attrs) if label == reference[i][2] else attributes_for(rng, label)
                if attrs and rng.random() < 0.15:
                    attrs = attributes_for(rng, label)
                ids[i] = next_id
                label_of[i] = label
                annotations.append(
                    Annotation(next_id, f"t{next_id}", d, coder, label, start, end, attrs)
                )
                next_id += 1
            for _ in range(rng.randint(0, 4)):  # extra spans
                w = rng.randrange(len(words))
                label = rng.choice(LABELS)
                annotations.append(
                    Annotation(
                        next_id,
                        f"t{next_id}",
                        d,
                        coder,
                        label,
                        words[w][0],
                        words[w][1],
                        attributes_for(rng, label),
                    )
                )
                next_id += 1
            for e, fillers in frames.items():
                if e not in ids or label_of[e] != "EVENT":
                    continue
                for role, f in fillers:
                    # A filler relabelled by this coder no longer fits the role (the codebook
                    # would refuse the link), so the coder leaves it out.
                    fits = f in ids and ROLE_OF.get(label_of[f]) == role
                    if fits and rng.random() < 0.9:
                        links.append(Link(next_id, f"l{next_id}", d, coder, ids[e], role, ids[f]))
                        next_id += 1
    return AgreementInput(
        documents=documents,
        annotations=annotations,
        links=links,
        attribute_metrics={
            "CASUALTY.kind": "nominal",
            "CASUALTY.best": "interval",
            "ACTOR.category": "nominal",
            "EVENT.event_type": "nominal",
            "EVENT.civilian_targeting": "nominal",
        },
    )


FLOOR = """
import sqlite3, sys
import numpy as np
import orjson
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
docs = db.execute("SELECT id, ext_id, text FROM document ORDER BY id").fetchall()
rows = db.execute(
    "SELECT a.id, a.uid, a.document_id, c.name, a.label, a.start, a.end, a.attributes "
    "FROM annotation a JOIN coder c ON c.id = a.coder_id WHERE a.deleted_at IS NULL "
    "ORDER BY a.document_id, a.start, a.end, a.id"
).fetchall()
links = db.execute(
    "SELECT l.id, l.document_id, c.name, l.from_id, l.role, l.to_id "
    "FROM link l JOIN coder c ON c.id = l.coder_id WHERE l.deleted_at IS NULL"
).fetchall()
attributes = [orjson.loads(r[7]) if r[7] else {} for r in rows]
start = np.fromiter((r[5] for r in rows), dtype=np.int64, count=len(rows))
end = np.fromiter((r[6] for r in rows), dtype=np.int64, count=len(rows))
sys.stdout.write(orjson.dumps({"documents": len(docs), "spans": int(start.size),
                               "links": len(links), "length": int((end - start).sum())}).decode())
"""


def build_project(data: AgreementInput, folder: Path) -> Path:
    """The generated coding as a project file, through the real importer (one JSONL file)."""
    from annotator.store.importer import import_paths
    from annotator.store.setup import create_project

    path = folder / "agreement.annotator"
    jsonl = folder / "coding.jsonl"
    by_document: dict[int, dict[str, object]] = {
        d.id: {"id": d.ext_id, "text": d.text, "annotations": [], "links": []}
        for d in data.documents
    }
    uid_of = {}
    for a in data.annotations:
        uid_of[a.id] = a.uid
        entry = {
            "id": a.uid,
            "coder": a.coder,
            "label": a.label,
            "start": a.start,
            "end": a.end,
            "attributes": a.attributes,
        }
        by_document[a.document_id]["annotations"].append(entry)  # type: ignore[union-attr]
    for k in data.links:
        link = {"id": k.uid, "coder": k.coder, "from": uid_of[k.from_id], "role": k.role,
                "to": uid_of[k.to_id]}  # fmt: skip
        by_document[k.document_id]["links"].append(link)  # type: ignore[union-attr]
    with jsonl.open("wb") as fh:
        for record in by_document.values():
            fh.write(orjson.dumps(record) + b"\n")
    project = create_project(path)
    try:
        import_paths(project, [jsonl])
    except BaseException:
        project.close()
        path.unlink()  # never leave a half-built project to be reused by --keep
        raise
    finally:
        jsonl.unlink()
    project.close()
    return path


def timed_run(args: list[str]) -> tuple[float, float, bytes]:
    """Wall-clock and CPU seconds (user + system) of a fresh process, and what it printed.

    Both are given: on a shared, loaded machine the wall clock also counts waiting for a core.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="profile the command in-process")
    parser.add_argument("--keep", type=Path, help="build (or reuse) the project in this folder")
    args = parser.parse_args()
    data = generate(args.documents)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "agreement.annotator"
        if not path.exists():
            started = time.perf_counter()
            build_project(data, folder)
            print(f"  (project built in {time.perf_counter() - started:.1f} s)")
        if args.profile:
            from annotator.cli import main as cli_main

            profile = cProfile.Profile()
            profile.enable()
            cli_main(["agreement", str(path), "--format", "json"])
            profile.disable()
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
            return
        command = [
            sys.executable,
            "-m",
            "annotator.cli",
            "agreement",
            str(path),
            "--format",
            "json",
        ]
        floor_command = [sys.executable, "-c", FLOOR, str(path)]
        runs, floors = [], []
        for _ in range(3):
            wall, cpu, out = timed_run(command)
            runs.append((wall, cpu))
            floors.append(timed_run(floor_command)[:2])
        report = orjson.loads(out)
    # The command's figures are those of the engine on the same records (nothing lost on the
    # way through the project file).
    direct = agreement_report(data)
    assert report["documents"] == args.documents
    for key in ("spans", "labels", "events"):
        assert report[key] == direct[key], key
    for key, figures in direct["attributes"].items():  # the codebook lists more attributes
        assert report["attributes"][key] == figures, key
    best, floor = min(runs), min(floors)
    print(
        f"agreement {args.documents} docs x {len(CODERS)} coders x 50 spans, end to end "
        f"(`annotator agreement PROJECT --format json`, best of 3): {best[0]:.2f} s wall, "
        f"{best[1]:.2f} s CPU (target < 2 s, goal 1 s)"
    )
    print(
        f"  floor (raw sqlite3 + orjson + numpy reads of the same rows, fresh process): "
        f"{floor[0]:.2f} s wall, {floor[1]:.2f} s CPU ({best[0] / floor[0]:.1f}x wall, "
        f"{best[1] / floor[1]:.1f}x CPU)"
    )
    print(
        f"  overlap F1 {report['spans']['f1']['overlap_labeled']:.3f}, "
        f"u-alpha {report['spans']['unitizing_alpha']['overall']:.3f}, "
        f"label alpha {report['labels']['alpha_nominal']:.3f}, "
        f"events aligned {report['events']['aligned']}"
    )


if __name__ == "__main__":
    main()

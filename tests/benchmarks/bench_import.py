"""Import 10,000 generated 5 KB articles; floor: raw sqlite3 executemany of the same rows.

Run: python tests/benchmarks/bench_import.py   (target: <= 2x the floor)
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from annotator.store.importer import ImportOptions, import_paths
from annotator.store.setup import create_project

N_DOCS = 10_000
WORDS = (
    "the regime forces shelled village civilians killed injured displaced according observatory "
    "monitor reported sunday attack airstrike province district town opposition fighters killed "
    "وقتل مدنيين في إدلب"
).split()


def article(rng: random.Random, i: int) -> str:
    words: list[str] = []
    size = 0
    while size < 5000:
        w = rng.choice(WORDS)
        words.append(w)
        size += len(w) + 1
    return f"Article {i}\n\n" + " ".join(words)


def main() -> int:
    rng = random.Random(5)
    texts = [article(rng, i) for i in range(N_DOCS)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "articles.jsonl"
        with source.open("w", encoding="utf-8") as fh:
            for i, text in enumerate(texts):
                fh.write(json.dumps({"id": f"d{i}", "title": f"Article {i}", "text": text}) + "\n")

        # Ours: read + validate + hash + insert, through the CLI's code path.
        project = create_project(folder / "ours.annot")
        t0 = time.perf_counter()
        report = import_paths(project, [source], ImportOptions())
        ours = time.perf_counter() - t0
        assert report.added == N_DOCS
        project.close()

        # Floor: the same rows, prepared in advance, written by raw sqlite3 executemany.
        floor_project = create_project(folder / "floor.annot")
        floor_project.close()
        rows = [
            (f"d{i}", hashlib.sha256(t.encode()).hexdigest(), f"Article {i}", t, len(t), "{}")
            for i, t in enumerate(texts)
        ]
        db = sqlite3.connect(folder / "floor.annot")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        t0 = time.perf_counter()
        with db:
            db.executemany(
                "INSERT INTO document (ext_id, sha256, title, text, length, meta, source, url,"
                " published, language, created_at) VALUES (?, ?, ?, ?, ?, ?, '', '', '', '',"
                " CURRENT_TIMESTAMP)",
                rows,
            )
        floor = time.perf_counter() - t0
        db.close()
    ratio = ours / floor
    print(
        f"import {N_DOCS:,} articles of 5 KB: {ours:.2f} s "
        f"(floor: raw sqlite3 executemany {floor:.2f} s; ratio {ratio:.2f}x, target <= 2x)"
    )
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())

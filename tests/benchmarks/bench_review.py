"""Benchmark: what one reviewer decision costs the review window's state, on a large document.

Run: python tests/benchmarks/bench_review.py [--spans N] [--decisions K]

One document (~100 KB) coded by two coders, N spans each (seeded: most spans agree, some differ
in label, boundary or attribute, some only one coder has). The reviewer accepts one coder's
version of K open units, one after another; each decision is timed as the review window does it:
the decision's transaction, then the state the window shows brought up to date
(``review_state.after_change``: gold from the action's own rows, the decisions re-read; the
units stay). The floor, measured on the same decisions: the transaction alone. For comparison,
a full re-read of the document's review after each decision (``load_review``, what the window
did before) is timed too. Medians, in ms.

The decision's transaction itself (``adjudication.decide``: the span copied into gold with its
provenance, checks, links, audit) is printed beside its own floor, measured in the same run: the
same number of gold spans drawn by hand at the same places, one transaction each
(``services.create_annotation`` for gold: one span, its audit entry, gold's status; no reading
of the document).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from annotator.core.records import GOLD  # noqa: E402
from annotator.store import adjudication, operations, review_state, services  # noqa: E402
from annotator.store.engine import Project  # noqa: E402
from annotator.store.importer import import_paths  # noqa: E402
from annotator.store.queries import document_ids  # noqa: E402
from annotator.store.setup import create_project  # noqa: E402

VOCABULARY = (
    "the government forces said on monday that rebels attacked a village near the border "
    "killing at least civilians including children and wounding dozens more according to "
    "local officials"
)
WORDS = VOCABULARY.split(" ")


def build(folder: Path, n_spans: int, rng: random.Random) -> tuple[Project, int]:
    text = " ".join(rng.choice(WORDS) for _ in range(n_spans * 12))
    article = folder / "big.txt"
    article.write_text("A long report\n\n" + text + "\n", encoding="utf-8")
    project = create_project(folder / "bench.annot")
    import_paths(project, [article])
    doc = document_ids(project)[0]
    body = len("A long report\n\n")
    step = len(text) // n_spans
    spans = []
    for k in range(n_spans):
        start = body + k * step
        end = start + rng.randint(5, step - 2)
        spans.append((start, end))
    for coder in ("alice", "bob"):
        steps = []
        for start, end in spans:
            r = rng.random()
            if coder == "bob" and r < 0.05:
                continue  # only alice marked it
            label = "LOCATION" if coder == "bob" and r < 0.10 else "ACTOR"
            cut = end - 2 if coder == "bob" and 0.10 <= r < 0.15 else end
            steps.append(
                operations.step(
                    "create_annotation",
                    coder=coder,
                    document_id=doc,
                    label=label,
                    start=start,
                    end=cut,
                    attributes={},
                )
            )
        operations.run(project, steps)
    return project, doc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spans", type=int, default=1500)
    parser.add_argument("--decisions", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        project, doc = build(Path(tmp), args.spans, rng)
        review = review_state.load_review(project, doc)
        open_units = [u for u in review.units if u.differences][: args.decisions]
        times: dict[str, list[float]] = {
            "transaction": [],
            "update": [],
            "full re-read": [],
            "hand-drawn": [],
        }
        for unit in open_units:
            span = next(iter(unit.spans.values()))
            t0 = time.perf_counter()
            change = adjudication.decide(project, "carol", doc, unit.key, span.id)
            t1 = time.perf_counter()
            updated = review_state.after_change(project, review, change)
            t2 = time.perf_counter()
            review_state.load_review(project, doc, review.coders)  # as before, for comparison
            t3 = time.perf_counter()
            review = updated
            times["transaction"].append((t1 - t0) * 1000)
            times["update"].append((t2 - t1) * 1000)
            times["full re-read"].append((t3 - t2) * 1000)
        for unit in open_units:  # the decision's floor: a gold span drawn by hand there
            span = next(iter(unit.spans.values()))
            t0 = time.perf_counter()
            services.create_annotation(
                project, GOLD, doc, span.label, span.start, span.end, {}, actor="carol"
            )
            times["hand-drawn"].append((time.perf_counter() - t0) * 1000)
        floor = statistics.median(times["transaction"])
        drawn = statistics.median(times["hand-drawn"])
        print(
            f"reviewer decision (accept one unit), {args.spans} spans x 2 coders: {floor:.1f} ms "
            f"(floor: a gold span drawn by hand at the same place {drawn:.1f} ms, ratio "
            f"{floor / drawn:.2f})"
        )
        update = statistics.median(times["update"])
        full = statistics.median(times["full re-read"])
        print(
            f"reviewer decision + window state, {args.spans} spans x 2 coders: "
            f"{floor + update:.1f} ms (floor: the transaction alone {floor:.1f} ms, ratio "
            f"{(floor + update) / floor:.2f}); the state's update {update:.1f} ms, a full "
            f"re-read as before {full:.1f} ms"
        )
        project.close()


if __name__ == "__main__":
    main()

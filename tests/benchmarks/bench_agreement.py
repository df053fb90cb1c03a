"""Benchmark: agreement report on 1,000 documents x 3 coders x 50 spans (SPEC §5: < 5 s).

Run: python tests/benchmarks/bench_agreement.py [--documents N] [--profile]

The data is generated (seeded): ~3 KB English-like news texts; a reference set of 50 spans per
document with ACTOR/EVENT/CASUALTY/LOCATION/DATE labels, attributes and event frames; each coder
copies it with realistic noise (dropped and extra spans, shifted boundaries, other labels,
other attribute values, other role fillers).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from annotator.core.agreement import AgreementInput, agreement_report
from annotator.core.records import Annotation, Document, Link

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
        frames = {
            e: [
                (ROLE_OF[reference[f][2]], f)
                for f in rng.sample(range(len(reference)), 4)
                if reference[f][2] in ROLE_OF
            ]
            for e in events
        }
        for coder in CODERS:
            ids: dict[int, int] = {}
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
                if e not in ids:
                    continue
                for role, f in fillers:
                    if f in ids and rng.random() < 0.9:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    data = generate(args.documents)
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
    started = time.perf_counter()
    report = agreement_report(data)
    elapsed = time.perf_counter() - started
    if args.profile:
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    assert report["documents"] == args.documents
    print(
        f"agreement report {args.documents} docs x {len(CODERS)} coders x 50 spans: "
        f"{elapsed:.2f} s (target < 5 s)"
    )
    print(
        f"  overlap F1 {report['spans']['f1']['overlap_labeled']:.3f}, "
        f"u-alpha {report['spans']['unitizing_alpha']['overall']:.3f}, "
        f"label alpha {report['labels']['alpha_nominal']:.3f}, "
        f"events aligned {report['events']['aligned']}"
    )


if __name__ == "__main__":
    main()

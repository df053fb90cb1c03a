"""Article view benchmark (README, "Benchmarks"): scroll and repaint with arcs and span tags on.

Run:  QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_arcs.py

The 1 MB / 10,000-span article of bench_gui.py, plus role links (each EVENT to the spans that
follow it) and relations (subset_of between neighbouring CASUALTY spans): about 6,000 arcs.
A frame is one scroll step (three lines, a mouse wheel notch) and a synchronous repaint of the
viewport; frames run over 400 steps from the middle of the article.

(a) the view with the full arc set and the tags on, against
(b) the floor: the same view class with arcs and tags off and no links, same text, spans, size
    and scroll steps, in the same run (the two alternate in chunks so neither gets a quieter
    machine). The target is < 16 ms per frame (60 frames a second).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_gui's article and spans

from bench_gui import HEIGHT, REPO, WIDTH, make_annotations, make_article
from PySide6.QtWidgets import QApplication

from annotator.core.codebook import load_codebook
from annotator.core.records import Annotation, Link
from annotator.gui.document_view import DocumentView

STEPS = 400
CHUNK = 50
LINES_PER_STEP = 3


def make_links(anns: list[Annotation]) -> list[Link]:
    """Each EVENT links its next three spans; each CASUALTY is subset_of the next one."""
    ordered = sorted(anns, key=lambda a: (a.start, a.id))
    links: list[Link] = []
    roles = ("actor1", "casualties", "place")
    for i, ann in enumerate(ordered):
        if ann.label == "EVENT":
            for role, other in zip(roles, ordered[i + 1 : i + 4], strict=False):
                links.append(_link(len(links) + 1, ann.id, role, other.id))
        elif ann.label == "CASUALTY":
            nxt = next((o for o in ordered[i + 1 : i + 8] if o.label == "CASUALTY"), None)
            if nxt is not None:
                links.append(_link(len(links) + 1, ann.id, "subset_of", nxt.id))
    return links


def _link(i: int, source: int, role: str, target: int) -> Link:
    return Link(id=i, uid=f"k{i}", document_id=1, coder="bench", from_id=source, role=role,
                to_id=target)  # fmt: skip


def open_view(text: str, anns: list[Annotation], links: list[Link], on: bool) -> DocumentView:
    codebook = load_codebook(REPO / "schema" / "conflict-events.yaml")
    view = DocumentView()
    view.resize(WIDTH, HEIGHT)
    view.set_document(text, anns, codebook)
    view.show_arcs(on)
    view.show_tags(on)
    if on:
        events = [k.from_id for k in links if k.role == "actor1"]
        view.set_links(links, events[len(events) // 2])
    view.show()
    view.scroll_to_cp(len(text) // 2)
    QApplication.processEvents()
    view.viewport().repaint()
    return view


def frames(view: DocumentView, first: int, count: int) -> list[float]:
    bar = view.verticalScrollBar()
    out = []
    for step in range(first, first + count):
        t0 = time.perf_counter()
        bar.setValue(bar.value() + LINES_PER_STEP)
        view.viewport().repaint()
        out.append(time.perf_counter() - t0)
        del step
    return out


def report(name: str, times: list[float]) -> tuple[float, float]:
    ms = sorted(t * 1000 for t in times)
    med = statistics.median(ms)
    p95 = ms[int(len(ms) * 0.95)]
    print(f"  {name}: median {med:.2f} ms, p95 {p95:.2f} ms, max {ms[-1]:.2f} ms per frame")
    return med, p95


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    codebook = load_codebook(REPO / "schema" / "conflict-events.yaml")
    rng = random.Random(42)
    text = make_article(rng)
    anns = make_annotations(text, list(codebook.label_names), rng)
    links = make_links(anns)
    print(f"article: {len(text):,} code points, {len(anns):,} spans, {len(links):,} links")
    ours = open_view(text, anns, links, on=True)
    floor = open_view(text, anns, [], on=False)
    times: dict[str, list[float]] = {"arcs and tags on": [], "floor (off)": []}
    for first in range(0, STEPS, CHUNK):
        times["arcs and tags on"] += frames(ours, first, CHUNK)
        times["floor (off)"] += frames(floor, first, CHUNK)
    print(f"scroll {LINES_PER_STEP} lines + repaint, {STEPS} frames each:")
    med, p95 = report("arcs and tags on", times["arcs and tags on"])
    f_med, f_p95 = report("floor (off)", times["floor (off)"])
    verdict = "ok" if med < 16 else "OVER"
    print(
        f"arcs and tags on: median {med:.2f} ms per frame (floor {f_med:.2f} ms, ratio "
        f"{med / f_med:.2f}; target < 16 ms: {verdict}); p95 {p95:.2f} ms (floor {f_p95:.2f} ms)"
    )
    ours.close()
    floor.close()
    del app


if __name__ == "__main__":
    main()

"""A team working at once through the store's services: the load test and the CI check share it.

``run_workload`` starts coder and reviewer threads, each with its own ``Project`` (its own engine
and connections, as separate processes would have), for a given time:

- each coder codes their own layer on the shared documents: new spans, note edits, deletions,
  links (actor1, at most one, and assoc_actor1, any number), statuses, and reads of a document;
- two "hot" threads write the *same* coder's layer at once, racing to fill actor1 of the same
  events and freeing it again, so the role maximum is tested under real contention;
- reviewers accept coders' spans into gold, often the same span at the same moment.

Every coder keeps a ledger of what the store confirmed; ``verify`` compares it with the database
afterwards (a confirmed action missing is *lost*) and checks every rule: role maxima, no link
twice, one live gold copy per coder's span. A ``ServiceError`` is a refusal (a role was full, a
span is in gold already): counted, not an error. Anything else raised is an error.

By default every writer works as fast as it can (closed loop); with ``pace`` each issues its
actions on a schedule instead (Poisson arrivals, that mean gap in seconds), and an action's
latency runs from its scheduled time.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import func
from sqlmodel import col, select

from annotator.core.records import GOLD
from annotator.store import adjudication, queries, services
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.services import ServiceError
from annotator.store.tables import AnnotationRow, CoderRow, DocumentRow, LinkRow

EVENT = {"event_type": "violence_against_civilians"}
WORDS = [
    "forces",
    "shelled",
    "the",
    "village",
    "on",
    "Sunday",
    "killing",
    "civilians",
    "according",
    "to",
    "the",
    "observatory",
    "while",
    "rebels",
    "attacked",
    "an",
    "army",
    "post",
    "near",
    "the",
    "town",
    "and",
    "dozens",
    "fled",
    "towards",
    "the",
    "border",
]
HOT = "hot"


def article(i: int, rng: random.Random, words: int = 300) -> dict[str, Any]:
    body = " ".join(rng.choice(WORDS) for _ in range(words))
    return {"id": f"load-{i}", "title": f"Report {i}", "text": f"Report {i}. {body}."}


@dataclass
class Ledger:
    """What the store confirmed to one writer."""

    spans: dict[int, tuple[str, int, int, str]] = field(default_factory=dict)  # live ones
    links: dict[int, tuple[int, str, int]] = field(default_factory=dict)  # live ones
    statuses: dict[int, str] = field(default_factory=dict)
    gold: set[int] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # what each action was, beside its latency
    cpu: float = 0.0  # the writer's own processor time over its actions (s)
    actions: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)
    unstarted: int = 0  # paced: actions already due when the run stopped, never started


@dataclass
class Result:
    seconds: float
    ledgers: dict[str, Ledger]

    @property
    def latencies(self) -> list[float]:
        return [x for led in self.ledgers.values() for x in led.latencies]

    @property
    def actions(self) -> int:
        return sum(led.actions for led in self.ledgers.values())

    @property
    def refused(self) -> int:
        return sum(led.refused for led in self.ledgers.values())

    @property
    def unstarted(self) -> int:
        return sum(led.unstarted for led in self.ledgers.values())

    @property
    def errors(self) -> list[str]:
        return [e for led in self.ledgers.values() for e in led.errors]

    @property
    def cpu_per_action_ms(self) -> float:
        """The writers' own processor time per action (ms); meaningful with processes only
        (threads share one process's clock)."""
        n = len(self.latencies)
        return sum(led.cpu for led in self.ledgers.values()) / n * 1000 if n else 0.0

    def by_kind(self) -> dict[str, list[float]]:
        """Each kind of action's latencies (s)."""
        out: dict[str, list[float]] = {}
        for led in self.ledgers.values():
            for kind, latency in zip(led.kinds, led.latencies, strict=True):
                out.setdefault(kind, []).append(latency)
        return out

    def percentile(self, p: float, values: list[float] | None = None) -> float:
        values = sorted(self.latencies if values is None else values)
        if not values:
            return 0.0
        return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000

    def summary(self) -> str:
        lat = self.latencies
        return (
            f"{self.actions} actions in {self.seconds:.1f} s = {self.actions / self.seconds:.0f}/s, "
            f"{self.refused} refused, {len(self.errors)} errors; latency ms "
            f"p50 {self.percentile(50):.1f} p95 {self.percentile(95):.1f} "
            f"p99 {self.percentile(99):.1f} (mean {statistics.fmean(lat) * 1000 if lat else 0:.1f})"
        )


class Worker:
    """One writer: its own ``Project`` (engine, connections), a random stream of actions."""

    def __init__(
        self,
        url: str,
        name: str,
        docs: list[int],
        lengths: dict[int, int],
        seed: int,
    ) -> None:
        self.url, self.name, self.coder, self.docs, self.lengths = url, name, name, docs, lengths
        self.rng = random.Random(seed)
        self.ledger = Ledger()
        self.arrivals = random.Random(-seed - 1)  # a stream of its own: the actions stay the same
        self.pace = 0.0  # > 0: open loop, Poisson arrivals with this mean gap (s)
        self.kind = ""  # what the step under way does (the ledger notes it per action)

    def run(self, stop: Any, gate: Any) -> Ledger:
        project = Project.open(self.url)
        try:
            gate.wait()
            cpu0 = time.process_time()
            due = time.perf_counter() + self._gap()  # when the next action is due
            while not stop.is_set():
                t0 = time.perf_counter()
                if self.pace:
                    # open loop: the action is due at its scheduled time, and its latency is
                    # counted from then, so a late start counts (no coordinated omission)
                    if due > t0 and stop.wait(due - t0):
                        break
                    t0, due = due, due + self._gap()
                try:
                    self.step(project)
                    self.ledger.actions += 1
                except ServiceError:
                    self.ledger.refused += 1
                except Exception as exc:
                    self.ledger.errors.append(f"{self.name}: {exc.__class__.__name__}: {exc}")
                self.ledger.latencies.append(time.perf_counter() - t0)
                self.ledger.kinds.append(self.kind)
            self.ledger.cpu = time.process_time() - cpu0
            end = time.perf_counter()
            while self.pace and due <= end:  # a backlog left behind is no latency, but counted
                self.ledger.unstarted += 1
                due += self._gap()
        finally:
            project.close()
        return self.ledger

    def _gap(self) -> float:
        """Paced: the time to the next action, a Poisson process's (exponential) gap."""
        return self.arrivals.expovariate(1 / self.pace) if self.pace else 0.0

    def step(self, project: Project) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class Coder(Worker):
    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.document_of: dict[int, int] = {}  # each of its live spans' document

    def step(self, project: Project) -> None:
        rng, led, me = self.rng, self.ledger, self.coder
        roll = rng.random()
        mine = list(led.spans)
        if roll < 0.35 or len(mine) < 4:
            self.kind = "create span"
            doc = rng.choice(self.docs)
            start = rng.randrange(0, self.lengths[doc] - 30)
            end = start + rng.randint(3, 25)
            label = rng.choice(("ACTOR", "ACTOR", "EVENT", "LOCATION"))
            change = services.create_annotation(
                project, me, doc, label, start, end, EVENT if label == "EVENT" else {}
            )
            led.spans[change.created_id] = (label, start, end, "")
            self.document_of[change.created_id] = doc
        elif roll < 0.55:
            self.kind = "edit span"
            ann = rng.choice(mine)
            note = f"note {rng.randrange(10**6)}"
            services.update_annotation(project, me, ann, note=note)
            label, start, end, _ = led.spans[ann]
            led.spans[ann] = (label, start, end, note)
        elif roll < 0.65:
            self.kind = "delete span"
            ann = rng.choice(mine)
            services.delete_annotation(project, me, ann)
            del led.spans[ann]
            del self.document_of[ann]
            for link_id, (a, _r, b) in list(led.links.items()):
                if ann in (a, b):
                    del led.links[link_id]
        elif roll < 0.85:
            self.kind = "link"
            self._link(project)
        elif roll < 0.92:
            self.kind = "status"
            doc = rng.choice(self.docs)
            services.set_status(project, me, doc, "in_progress")
            led.statuses[doc] = "in_progress"
        else:
            self.kind = "open a document"
            queries.annotations(project, rng.choice(self.docs), [me])

    def _link(self, project: Project) -> None:
        """An event linked to an actor of the same document, as the coding window does it:
        the window shows the document's spans already, so a link is one action."""
        led = self.ledger
        events = [a for a, v in led.spans.items() if v[0] == "EVENT"]
        if not events:
            return
        event = self.rng.choice(events)
        doc = self.document_of[event]
        actors = [a for a, v in led.spans.items() if v[0] == "ACTOR" and self.document_of[a] == doc]
        if not actors:
            return
        role = self.rng.choice(("actor1", "assoc_actor1"))  # at most one; any number
        actor = self.rng.choice(actors)
        change = services.create_link(project, self.coder, event, role, actor)
        led.links[change.created_id] = (event, role, actor)


class HotCoder(Worker):
    """One of two windows of the same coder racing for the same events' actor1."""

    def __init__(self, *args: Any, events: list[int], actors: list[int], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.events, self.actors = events, actors
        self.coder = HOT

    def step(self, project: Project) -> None:
        if self.ledger.links and self.rng.random() < 0.3:
            self.kind = "racing window: unlink"
            link_id = self.rng.choice(list(self.ledger.links))
            services.delete_link(project, HOT, link_id)
            del self.ledger.links[link_id]
            return
        self.kind = "racing window: link actor1"
        event, actor = self.rng.choice(self.events), self.rng.choice(self.actors)
        change = services.create_link(project, HOT, event, "actor1", actor)
        self.ledger.links[change.created_id] = (event, "actor1", actor)


class Reviewer(Worker):
    def step(self, project: Project) -> None:
        self.kind = "reviewer: read a document, accept a span"
        doc = self.rng.choice(self.docs[:4])  # reviewers meet on the same few documents
        spans = [a for a in queries.annotations(project, doc) if a.coder not in (GOLD, HOT)]
        if not spans:
            return
        pick = self.rng.choice(spans)
        change = adjudication.accept(project, self.coder, [pick.id])
        self.ledger.gold.update(change.annotations)


def prepare(
    project: Project, documents: int, seed: int = 1
) -> tuple[list[int], list[int], list[int]]:
    """Documents, and the hot coder's events and actors on the first of them."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "load.jsonl"
        path.write_bytes(b"".join(orjson.dumps(article(i, rng)) + b"\n" for i in range(documents)))
        import_paths(project, [path])
    docs = queries.document_ids(project)
    first = docs[0]
    events = [
        services.create_annotation(
            project, HOT, first, "EVENT", 10 * i, 10 * i + 5, EVENT
        ).created_id
        for i in range(5)
    ]
    actors = [
        services.create_annotation(
            project, HOT, first, "ACTOR", 60 + 10 * i, 65 + 10 * i
        ).created_id
        for i in range(10)
    ]
    return docs, events, actors


def run_workload(
    project: Project,
    *,
    coders: int,
    reviewers: int,
    seconds: float,
    documents: int = 20,
    seed: int = 1,
    processes: bool = False,
    min_attempts: int = 0,
    pace: float = 0.0,
) -> Result:
    docs, events, actors = prepare(project, documents, seed)
    with project.read() as s:
        lengths = {i: n for i, n in s.exec(select(DocumentRow.id, DocumentRow.length)).all() if i}
    workers: list[Worker] = []
    for k in range(coders):
        workers.append(Coder(project.url, f"coder{k}", docs, lengths, seed * 1000 + k))
    for k in range(reviewers):
        workers.append(Reviewer(project.url, f"reviewer{k}", docs, lengths, seed * 2000 + k))
    for k in range(2):
        workers.append(
            HotCoder(
                project.url,
                f"hot{k}",
                docs,
                lengths,
                seed * 3000 + k,
                events=events,
                actors=actors,
            )
        )
    for w in workers:
        w.pace = pace
    if processes:
        ledgers, elapsed = _in_processes(workers, seconds)
    else:
        ledgers, elapsed = _in_threads(workers, seconds, min_attempts)
    return Result(elapsed, ledgers)


def _in_threads(
    workers: list[Worker], seconds: float, min_attempts: int
) -> tuple[dict[str, Ledger], float]:
    """Run for ``seconds``, or, with ``min_attempts``, until every writer has tried that many
    actions (``seconds`` then only bounds a hung run): a slow machine does the same work."""
    stop = threading.Event()
    gate = threading.Barrier(len(workers) + 1, timeout=120)
    threads = [threading.Thread(target=w.run, args=(stop, gate), daemon=True) for w in workers]
    for t in threads:
        t.start()
    gate.wait()
    t0 = time.perf_counter()
    if min_attempts:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and any(
            w.ledger.actions + w.ledger.refused < min_attempts for w in workers
        ):
            stop.wait(0.05)
    else:
        stop.wait(seconds)
    stop.set()
    for t in threads:
        t.join(120)
    return {w.name: w.ledger for w in workers}, time.perf_counter() - t0


def _process_main(worker: Worker, stop: Any, gate: Any, out: Any) -> None:
    out.put((worker.name, worker.run(stop, gate)))


def _in_processes(workers: list[Worker], seconds: float) -> tuple[dict[str, Ledger], float]:
    """Each writer in a process of its own, as coders' apps are (no shared interpreter lock)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    stop, gate, out = ctx.Event(), ctx.Barrier(len(workers) + 1, timeout=300), ctx.Queue()
    procs = [ctx.Process(target=_process_main, args=(w, stop, gate, out)) for w in workers]
    for p in procs:
        p.start()
    gate.wait()
    t0 = time.perf_counter()
    stop.wait(seconds)
    stop.set()
    elapsed = time.perf_counter() - t0  # the time actions were started in
    ledgers = dict(out.get(timeout=300) for _ in procs)
    for p in procs:
        p.join(60)
    return ledgers, elapsed


def verify(project: Project, result: Result) -> list[str]:
    """Lost actions and broken rules, one line each; empty when all is well."""
    problems: list[str] = []
    with project.read() as s:
        names = {cid: n for cid, n in s.exec(select(CoderRow.id, CoderRow.name)).all()}
        live = s.exec(select(AnnotationRow).where(col(AnnotationRow.deleted_at).is_(None))).all()
        links = s.exec(select(LinkRow).where(col(LinkRow.deleted_at).is_(None))).all()
        by_coder: dict[str, dict[int, tuple[str, int, int, str]]] = {}
        for a in live:
            assert a.id is not None
            by_coder.setdefault(names[a.coder_id], {})[a.id] = (a.label, a.start, a.end, a.note)
        live_links: dict[str, dict[int, tuple[int, str, int]]] = {}
        for k in links:
            assert k.id is not None
            live_links.setdefault(names[k.coder_id], {})[k.id] = (k.from_id, k.role, k.to_id)
        for name, led in result.ledgers.items():
            if name.startswith("coder"):
                if by_coder.get(name, {}) != led.spans:
                    problems.append(f"{name}: spans differ from what the store confirmed")
                if live_links.get(name, {}) != led.links:
                    problems.append(f"{name}: links differ from what the store confirmed")
                for doc, status in led.statuses.items():
                    if queries.status(project, name, doc) != status:
                        problems.append(f"{name}: status of document {doc} lost")
            if name.startswith("reviewer"):
                gold = by_coder.get(GOLD, {})
                lost = led.gold - set(gold)
                if lost:
                    problems.append(f"{name}: {len(lost)} accepted gold span(s) lost")
        if live_links.get(HOT, {}) != {
            k: v
            for name, led in result.ledgers.items()
            if name.startswith("hot")
            for k, v in led.links.items()
        }:
            problems.append("hot: links differ from what the store confirmed")
        # the rules themselves
        cb = project.codebook
        label_of = {a.id: a.label for a in live}
        fillers = Counter((k.from_id, k.role) for k in links)
        for (from_id, role), n in fillers.items():
            mx = cb.role_max(label_of.get(from_id, ""), role)
            if mx is not None and n > mx:
                problems.append(f"annotation {from_id}: {n} {role} fillers (at most {mx})")
        twice = Counter((k.from_id, k.role, k.to_id) for k in links)
        problems += [f"link {key} made {n} times" for key, n in twice.items() if n > 1]
        copies = s.exec(
            select(AnnotationRow.source_uid, func.count())
            .where(col(AnnotationRow.deleted_at).is_(None), AnnotationRow.source_uid != "")
            .group_by(col(AnnotationRow.source_uid), col(AnnotationRow.document_id))
        ).all()
        problems += [f"{src} in gold {n} times" for src, n in copies if n > 1]
    return problems

"""A short version of the team load test on both backends: coders, reviewers and two windows of
one coder racing for the same role, all at once; nothing confirmed is lost, nothing fails, every
rule holds (tests/benchmarks/bench_team_load.py runs the long one and prints figures)."""

from __future__ import annotations

from team_workload import run_workload, verify

from annotator.store.engine import Project


def test_a_team_at_work_loses_nothing_and_breaks_no_rule(project: Project) -> None:
    # every writer tries 25 actions (however slow the machine); 600 s only bounds a hang
    result = run_workload(
        project, coders=4, reviewers=2, seconds=600.0, documents=8, min_attempts=25
    )
    attempts = {name: led.actions + led.refused for name, led in result.ledgers.items()}
    assert min(attempts.values()) >= 25, attempts
    assert result.errors == []
    assert verify(project, result) == []
    assert result.actions > 0

"""A project's watcher notices what another process committed (docs/team.md, "Live windows")."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator

import pytest

from annotator.core.codebook import Codebook, codebook_from_dict
from annotator.store import queries, services
from annotator.store.engine import Project
from annotator.store.importer import import_paths
from annotator.store.setup import install_codebook
from annotator.store.watch import Watcher, documents_fingerprint

from helpers.paths import SEED

TIMEOUT = 30.0


@pytest.fixture
def other(project: Project) -> Iterator[Project]:
    """The same project opened a second time, as another process would."""
    opened = Project.open(project.url)
    yield opened
    opened.close()


def changes_seen(watcher: Watcher) -> frozenset[str]:
    """Poll until the watcher reports something (or a generous deadline passes)."""
    seen: frozenset[str] = frozenset()
    deadline = time.monotonic() + TIMEOUT
    while not seen and time.monotonic() < deadline:
        seen = watcher.poll()
        if not seen:
            time.sleep(0.05)
    return seen


def test_nothing_changed_nothing_reported(project: Project) -> None:
    watcher = Watcher(project)
    assert watcher.poll() == frozenset()
    assert watcher.poll() == frozenset()
    watcher.close()


def test_an_import_elsewhere_is_reported_once(project: Project, other: Project) -> None:
    watcher = Watcher(project)
    import_paths(other, [SEED])
    assert "document" in changes_seen(watcher)
    assert watcher.poll() == frozenset()  # reported once, not again
    services.set_reviewers(other, ["carol"])
    assert "project_setting" in changes_seen(watcher)
    watcher.close()


def test_a_new_codebook_version_elsewhere_replaces_the_cached_one(
    project: Project, other: Project, codebook: Codebook
) -> None:
    watcher = Watcher(project)
    assert project.codebook.version == codebook.version
    data = copy.deepcopy(dict(codebook.raw))
    data["version"] = codebook.version + 1
    data["title"] = "Conflict events, revised"
    newer = codebook_from_dict(data)
    install_codebook(other, newer)
    assert "codebook_version" in changes_seen(watcher)
    assert project.codebook.version == codebook.version + 1
    watcher.close()


def test_the_document_list_fingerprint_ignores_spans_and_sees_what_the_list_shows(
    project: Project, other: Project, codebook: Codebook
) -> None:
    import_paths(other, [SEED])
    doc = queries.document_ids(project)[0]
    first = documents_fingerprint(project, "alice")
    services.create_annotation(other, "alice", doc, "ACTOR", 0, 5)  # also makes her status row
    started = documents_fingerprint(project, "alice")
    assert started != first
    services.create_annotation(other, "alice", doc, "ACTOR", 6, 9)
    services.create_annotation(other, "bob", doc, "ACTOR", 6, 9)
    assert documents_fingerprint(project, "alice") == started  # spans: the list is unchanged
    services.set_status(other, "alice", doc, "done")
    done = documents_fingerprint(project, "alice")
    assert done != started
    services.set_status(other, "bob", doc, "done")
    assert documents_fingerprint(project, "alice") == done  # bob's status is not in her list
    data = copy.deepcopy(dict(codebook.raw))
    data["version"] = codebook.version + 1
    install_codebook(other, codebook_from_dict(data))
    assert documents_fingerprint(project, "alice") != done

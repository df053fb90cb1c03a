"""A changed codebook never deletes annotations: what it no longer describes is flagged."""

from __future__ import annotations

import copy

import pytest

from annotator.core.codebook import Codebook, codebook_from_dict
from annotator.store import queries, services
from annotator.store.engine import Project, ProjectError
from annotator.store.importer import import_paths
from annotator.store.setup import flagged_annotations, install_codebook

from helpers.paths import SEED


def changed(codebook: Codebook, edit: object, version: int | None = None) -> Codebook:
    data = copy.deepcopy(dict(codebook.raw))
    edit(data)  # type: ignore[operator]
    data["version"] = version if version is not None else codebook.version + 1
    return codebook_from_dict(data)


def test_removed_label_and_value_are_kept_and_flagged(project: Project) -> None:
    import_paths(project, [SEED])
    doc = queries.document_ids(project)[0]
    src = services.create_annotation(project, "alice", doc, "SOURCE", 0, 6).created_id
    cas = services.create_annotation(
        project, "alice", doc, "CASUALTY", 10, 12, {"kind": "abducted"}
    ).created_id
    ok = services.create_annotation(project, "alice", doc, "ACTOR", 20, 25).created_id

    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["labels"] = [lab for lab in data["labels"] if lab["name"] != "SOURCE"]
        for lab in data["labels"]:
            lab["roles"] = [r for r in lab.get("roles") or [] if "SOURCE" not in r["targets"]]
            for attr in lab.get("attributes", []):
                if attr["name"] == "kind":
                    attr["values"] = [
                        v
                        for v in attr["values"]
                        if (v.get("value") if isinstance(v, dict) else v) != "abducted"
                    ]
        data["relations"] = [r for r in data["relations"] if "SOURCE" not in r["from"] + r["to"]]

    new = changed(project.codebook, edit)
    flagged = install_codebook(project, new)
    assert sorted(flagged) == sorted([src, cas])
    assert project.codebook.version == new.version
    ids = {a.id for a in queries.annotations(project, doc)}
    assert {src, cas, ok} <= ids  # nothing deleted
    assert flagged_annotations(project, project.codebook) == flagged
    assert queries.info(project)["flagged_for_review"] == 2


def test_a_changed_codebook_needs_a_new_version(project: Project) -> None:
    same_version = changed(
        project.codebook, lambda d: d.update(title="Renamed"), project.codebook.version
    )
    with pytest.raises(ProjectError, match="bump 'version'"):
        install_codebook(project, same_version)
    assert install_codebook(project, project.codebook) == []  # unchanged: a no-op

"""A changed codebook never deletes annotations: what it no longer describes is flagged."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from annotator.core.codebook import Codebook, codebook_from_dict, load_codebook
from annotator.store import queries, services
from annotator.store.engine import Project, ProjectError
from annotator.store.importer import import_paths
from annotator.store.setup import create_project, flagged_annotations, install_codebook

from helpers.paths import DEFAULT_CODEBOOK, SEED


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


def test_a_project_on_the_old_default_colours_keeps_them_until_it_updates(
    tmp_path: Path,
) -> None:
    # Version 3 of the default codebook changed only its colours (issue 13): a project made
    # with version 2 keeps the colours it has; `codebook update` brings the new ones and
    # flags nothing.
    shipped = load_codebook(DEFAULT_CODEBOOK)
    assert shipped.version == 3
    old = {
        "ACTOR": "#4e79a7",
        "EVENT": "#f28e2b",
        "CASUALTY": "#e15759",
        "LOCATION": "#59a14f",
        "DATE": "#76b7b2",
        "SOURCE": "#b07aa1",
    }

    def recolour(data: dict) -> None:  # type: ignore[type-arg]
        for lab in data["labels"]:
            lab["color"] = old[lab["name"]]

    project = create_project(tmp_path / "old.annot", changed(shipped, recolour, 2))
    try:
        import_paths(project, [SEED])
        doc = queries.document_ids(project)[0]
        services.create_annotation(project, "alice", doc, "ACTOR", 20, 25)
    finally:
        project.close()
    project = Project.open(tmp_path / "old.annot")  # opened again: still version 2
    try:
        assert project.codebook.version == 2
        assert {lab.name: lab.color for lab in project.codebook.labels} == old
        assert install_codebook(project, shipped) == []
        assert project.codebook.version == 3
        assert {lab.name: lab.color for lab in project.codebook.labels}["ACTOR"] == "#332288"
    finally:
        project.close()

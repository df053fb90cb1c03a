"""No import circles among the GUI's modules, visible or hidden in a function body or behind
TYPE_CHECKING: where two modules need each other, a third holds what they share."""

from __future__ import annotations

import grimp
import pytest


@pytest.mark.parametrize(
    "package", ["annotator.gui", "annotator.gui.review", "annotator.gui.panels"]
)
def test_no_import_cycles(package: str) -> None:
    graph = grimp.build_graph("annotator")
    children = sorted(graph.find_children(package))
    circles = [
        (a, b)
        for i, a in enumerate(children)
        for b in children[i + 1 :]
        if graph.chain_exists(a, b, as_packages=True) and graph.chain_exists(b, a, as_packages=True)
    ]
    assert circles == []

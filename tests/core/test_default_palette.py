"""The default codebook's colours are colour-blind safe (issue 13), checked with colorspacious.

Every two labels must stay apart, for normal vision and simulated (severity 100) deuteranopia,
protanopia and tritanopia, measured as CAM02-UCS distance (deltaE; about 1 is a just noticeable
difference):

- the full colours (tags, underlines, arcs): deltaE >= 15;
- the pale fills the view paints (30 % of the colour over white, gui/highlighter.py): >= 5;
- the current span's stronger fill (55 %): >= 8.

Tints are mixed here from the hex values by hand, independently of the view's code.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from colorspacious import cspace_convert

from annotator.core.codebook import load_codebook

DEFAULT = Path(__file__).resolve().parents[2] / "schema" / "conflict-events.yaml"
VISIONS = {
    "normal": None,
    "deuteranopia": "deuteranomaly",
    "protanopia": "protanomaly",
    "tritanopia": "tritanomaly",
}


def rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)])


def seen(color: np.ndarray, vision: str) -> np.ndarray:
    """``color`` (sRGB, 0-1) in CAM02-UCS as someone with ``vision`` sees it."""
    cvd = VISIONS[vision]
    if cvd is not None:
        space = {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}
        color = np.clip(cspace_convert(color, space, "sRGB1"), 0, 1)
    return np.asarray(cspace_convert(color, "sRGB1", "CAM02-UCS"))


def closest_pair(colors: dict[str, np.ndarray], vision: str) -> tuple[float, str, str]:
    ucs = {name: seen(c, vision) for name, c in colors.items()}
    return min(
        (float(np.linalg.norm(ucs[a] - ucs[b])), a, b) for a, b in itertools.combinations(ucs, 2)
    )


def test_the_default_codebook_uses_the_pinned_colour_blind_safe_set() -> None:
    colors = {label.name: label.color for label in load_codebook(DEFAULT).labels}
    assert colors == {  # Paul Tol's "muted" set
        "ACTOR": "#332288",
        "EVENT": "#aa4499",
        "CASUALTY": "#999933",
        "LOCATION": "#117733",
        "DATE": "#88ccee",
        "SOURCE": "#ddcc77",
    }


@pytest.mark.parametrize("vision", list(VISIONS))
@pytest.mark.parametrize(("share", "threshold"), [(1.0, 15.0), (0.55, 8.0), (0.30, 5.0)])
def test_every_two_default_labels_stay_apart(vision: str, share: float, threshold: float) -> None:
    white = np.ones(3)
    colors = {
        label.name: rgb(label.color) * share + white * (1 - share)
        for label in load_codebook(DEFAULT).labels
    }
    distance, a, b = closest_pair(colors, vision)
    assert distance >= threshold, f"{a} and {b}: deltaE {distance:.1f} ({vision}, {share:.0%})"


def test_the_measure_tells_apart_colours_that_only_differ_in_red_and_green() -> None:
    # The old Tableau-like ACTOR blue and DATE teal were fine for normal vision; a red and a
    # green of equal lightness are not for deuteranopia: the simulation must catch that.
    colors = {"red": rgb("#d55e00"), "green": rgb("#6f8a00")}
    assert closest_pair(colors, "normal")[0] >= 15
    assert closest_pair(colors, "deuteranopia")[0] < 15

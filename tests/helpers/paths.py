"""Where the test data lives."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "000_fb25855139c210c8.txt"
DEFAULT_CODEBOOK = REPO / "schema" / "conflict-events.yaml"

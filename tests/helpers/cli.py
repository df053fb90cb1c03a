"""Running the ``annotator`` command in a process of its own, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers.paths import REPO


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annotator.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
    )

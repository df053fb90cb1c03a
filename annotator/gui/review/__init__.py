"""Review mode: several coders' work on a document side by side, adjudicated into gold.

The only part of the GUI that ever loads more than one coder's annotations (blind coding stays
intact in the coding window). ``open_review_window`` is the entry point.
"""

from __future__ import annotations

from .window import ReviewWindow, open_review_window

__all__ = ["ReviewWindow", "open_review_window"]

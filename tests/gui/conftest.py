"""Every GUI test may take the coding window fixtures (``project_path``, ``window``); a module
that works on another window defines its own ``window``."""

from helpers.window import project_path, window

__all__ = ["project_path", "window"]

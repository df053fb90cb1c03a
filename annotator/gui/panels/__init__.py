"""Dockable panels of the coding window: thin widgets that read the session and emit intents."""

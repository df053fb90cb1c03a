"""Helpers shared by the tests: import them as ``helpers.<module>`` (pytest puts ``tests/`` on
the path via ``pythonpath`` in pyproject); test modules never import each other.

- ``helpers.paths``: the repository, the seed article, the default codebook;
- ``helpers.coding``: coding the seed article through the store services;
- ``helpers.window``: opening windows and driving them with real key and mouse events;
- ``helpers.review``: a review window over two coders' work;
- ``helpers.export``: in-memory documents and codebooks for the export writers.
"""

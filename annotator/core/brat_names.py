"""How codebook names are spelled in brat files, both ways (export writes, import reads back).

brat reads trailing digits of an event argument as a repeat number (``Theme2`` is the second
``Theme``), and its configuration refuses a repeatable argument whose name ends in a digit. So a
role whose name ends in a digit (``actor1``) is written with a trailing ``_`` (``actor1_``) in
``annotation.conf`` and in the ``.ann`` files; the codebook keeps its own name. The mapping is
one-to-one: a name ending in a digit and any underscores gets one more underscore, and reading
takes one off again.
"""

from __future__ import annotations

import re

_NEEDS_MARK = re.compile(r"\d_*$")
_MARKED = re.compile(r"\d_+$")


def role_to_brat(role: str) -> str:
    """The spelling of a codebook role in brat (``actor1`` -> ``actor1_``)."""
    return role + "_" if _NEEDS_MARK.search(role) else role


def role_from_brat(name: str) -> str:
    """The codebook role a brat argument name stands for (``actor1_`` -> ``actor1``)."""
    return name[:-1] if _MARKED.search(name) else name

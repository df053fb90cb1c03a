"""Merging one coder's annotations of a text into another copy of the same text.

Coders work offline in their own projects (or brat folders, one per coder); a lead gathers
their exports. When the same text arrives again, the annotations of coders who have none on it
yet are added; a coder who already has work on it is left alone, so importing the same file
twice changes nothing. Ids that clash with ids already on the document are renumbered.
"""

from __future__ import annotations

from annotator.store.import_model import PendingDocument
from annotator.store.services import new_uid


def merge_into(
    target: PendingDocument, doc: PendingDocument, taken: set[str], present: set[str]
) -> bool:
    """Append to ``target`` the annotations and links of ``doc``'s coders new to the document.

    ``taken``: annotation and link uids already on the document; ``present``: coders with work
    on it besides ``target``'s own annotations. False when nobody new brought anything.
    """
    present = present | {a.coder for a in target.annotations} | {k.coder for k in target.links}
    newcomers = {a.coder for a in doc.annotations} - present
    if not newcomers:
        return False
    taken = taken | {a.uid for a in target.annotations} | {k.uid for k in target.links}
    renamed: dict[str, str] = {}
    for a in doc.annotations:
        if a.coder not in newcomers:
            continue
        if a.uid in taken:
            renamed[a.uid] = new_uid("a")
        a.uid = renamed.get(a.uid, a.uid)
        target.annotations.append(a)
    for k in doc.links:
        if k.coder not in newcomers:
            continue
        k.from_uid = renamed.get(k.from_uid, k.from_uid)
        k.to_uid = renamed.get(k.to_uid, k.to_uid)
        if k.uid in taken:
            k.uid = new_uid("l")
        target.links.append(k)
    return True

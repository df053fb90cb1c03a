"""The coder's actions on the open document, each one undo command (no widgets here).

Offsets come in as code points (the view converts); spans are trimmed and, unless the coder
turned it off, snapped to whole words; CASUALTY and DATE spans are prefilled from their words.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from annotator.core.dates import resolve_date
from annotator.core.fatalities import scope_hint
from annotator.core.numbers import read_quantity
from annotator.core.spans import snap_to_words, trim
from annotator.core.suggestions import Suggestion
from annotator.store import queries

from . import commands as cmd
from .commands import MERGE_BOUNDARY, MERGE_TEXT, Who
from .session import Session


class LinkChoice(NamedTuple):
    """One link the coder may pick once a relation's target is selected."""

    from_id: int
    name: str
    to_id: int
    text: str  # as the menu shows it


def prefill(label: str, words: str, published: str) -> dict[str, Any]:
    """Attributes a new span starts with: codebook defaults, then what its words say."""
    if label == "CASUALTY":
        quantity = read_quantity(words)
        return dict(quantity.as_attributes()) if quantity is not None else {}
    if label == "DATE":
        value = resolve_date(words, published or None)
        return dict(value.as_attributes()) if value is not None else {}
    return {}


def _short(text: str, n: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def word_step(text: str, pos: int, direction: int) -> int:
    """The next word boundary from ``pos`` going left (-1) or right (+1)."""
    n = len(text)
    if direction > 0:
        while pos < n and not _is_word(text[pos]):
            pos += 1
        while pos < n and _is_word(text[pos]):
            pos += 1
    else:
        while pos > 0 and not _is_word(text[pos - 1]):
            pos -= 1
        while pos > 0 and _is_word(text[pos - 1]):
            pos -= 1
    return pos


def past_spaces(text: str, pos: int, direction: int, which: str) -> int:
    """A moved boundary kept off whitespace: it goes on in its direction past any spaces,
    so a span never starts or ends with one ("by| Turkey" → "by |Turkey")."""
    shift = 0 if which == "start" else -1  # the character just inside the boundary
    while 0 <= pos + shift < len(text) and text[pos + shift].isspace():
        pos += direction
    return pos


class Coding:
    """Turns the coder's keys and clicks into commands on the session's undo stack."""

    def __init__(self, session: Session, snap: bool = True) -> None:
        self.session = session
        self.snap = snap

    @property
    def who(self) -> Who:
        """The coder writes their own layer."""
        return Who(self.session.coder)

    # --------------------------------------------------------------------------------- spans

    def span_bounds(self, start: int, end: int) -> tuple[int, int] | None:
        doc = self.session.document
        if doc is None:
            return None
        start, end = min(start, end), max(start, end)
        return (snap_to_words if self.snap else trim)(doc.text, start, end)

    def create_span(self, label: str, start: int, end: int) -> int | None:
        """A span of ``label`` over the selection; its id, or None if nothing was created."""
        s = self.session
        doc = s.document
        if doc is None:
            return None
        if start == end:
            s.fail(f"Select some text first, then press the key for {label}.")
            return None
        bounds = self.span_bounds(start, end)
        if bounds is None:
            s.fail("The selection holds only spaces or punctuation.")
            return None
        start, end = bounds
        attrs = {**s.codebook.defaults(label), **prefill(label, doc.text[start:end], doc.published)}
        if label == "CASUALTY" and not attrs.get("count_scope"):
            hint = scope_hint(doc.text, start, end)  # "since April": a running total
            if hint is not None:
                attrs["count_scope"] = hint
        command = cmd.add_span(s, self.who, doc.id, label, start, end, attrs)
        if not s.push(command):
            return None
        s.select(command.created_id)
        return command.created_id

    def accept_suggestions(self, items: list[Suggestion]) -> bool:
        """Suggested spans into the coder's layer: one transaction, one undo step."""
        s = self.session
        doc = s.document
        if doc is None or not items:
            return False
        if not s.push(cmd.accept_suggestions(s, self.who, doc.id, items)):
            return False
        n = len(items)
        s.notice.emit(f"Accepted {n} suggested span{'s' if n != 1 else ''}.", False)
        return True

    def delete(self, annotation_id: int | None) -> None:
        s = self.session
        ann = s.annotations.get(annotation_id) if annotation_id is not None else None
        if ann is None:
            s.fail("Nothing selected to delete.")
            return
        s.push(cmd.delete_span(s, self.who, ann.id, ann.label))

    def relabel(self, annotation_id: int, label: str) -> None:
        s = self.session
        ann = s.annotations.get(annotation_id)
        if ann is None or ann.label == label:
            return
        # the store drops attributes the new label lacks; its undo gives them back
        if s.push(cmd.edit_span(s, self.who, ann.id, f"relabel {label}", label=label)):
            s.notice.emit(f"“{s.text_of(ann)}” is now {label} (Ctrl+Z undoes).", False)

    def move_boundary(self, which: str, direction: int, by_word: bool) -> None:
        """Move the start or end of the selected span one character (or word) left or right."""
        s = self.session
        ann = s.annotations.get(s.current_id) if s.current_id is not None else None
        if ann is None or s.document is None:
            s.fail("Select a span to adjust its boundaries.")
            return
        text = s.document.text
        old = ann.start if which == "start" else ann.end
        new = word_step(text, old, direction) if by_word else old + direction
        new = past_spaces(text, new, direction, which)
        start, end = (new, ann.end) if which == "start" else (ann.start, new)
        if not (0 <= start < end <= len(text)):
            return
        title = f"move {which} of {ann.label}"
        s.push(cmd.edit_span(s, self.who, ann.id, title, MERGE_BOUNDARY, start=start, end=end))

    # ------------------------------------------------------------------------------ choosing

    def cycle_target(self, covering: list[int], cursor: int, step: int) -> tuple[int | None, bool]:
        """Tab (``step`` 1) / Shift+Tab (-1): the next of the spans ``covering`` the cursor
        (innermost first) after the selected one; with none there, the next span in the text
        after (or before) the cursor, wrapping round. The id, and whether it covers the cursor.
        """
        s = self.session
        source = s.link_mode[1] if s.link_mode is not None else None  # never a relation's target
        covering = [i for i in covering if i != source]
        if covering:
            i = covering.index(s.current_id) + step if s.current_id in covering else 0
            return covering[i % len(covering)], True
        ordered = sorted(
            (a for a in s.annotations.values() if a.id != source), key=lambda a: (a.start, a.end)
        )
        if not ordered:
            return None, False
        later = [a for a in ordered if (a.start > cursor if step > 0 else a.end <= cursor)]
        target = (later[0] if step > 0 else later[-1]) if later else ordered[0 if step > 0 else -1]
        return target.id, False

    def role_target(self, spans_under: list[list[int]]) -> int | None:
        """What a role digit links: the selected span unless it is the event itself, else the
        first span under the selection's ends or the cursor (``spans_under``) that is not."""
        s = self.session
        if s.current_id is not None and s.current_id != s.active_event_id:
            return s.current_id
        for ids in spans_under:
            for ann_id in ids:
                if ann_id != s.active_event_id:
                    return ann_id
        return None

    # ---------------------------------------------------------------------------- attributes

    def edit_attributes(self, annotation_id: int, values: dict[str, Any]) -> None:
        s = self.session
        ann = s.annotations.get(annotation_id)
        if ann is None:
            return
        changed = {k: v for k, v in values.items() if ann.attributes.get(k) != v}
        if not changed:
            return
        merge = MERGE_TEXT if self._is_text_edit(ann.label, changed) else -1
        title = f"edit {', '.join(changed)}"
        for name in changed:  # before the form redraws from the change
            if changed[name] not in (None, "", []):
                self._clear_missing(ann.id, name)
        s.push(cmd.edit_span(s, self.who, ann.id, title, merge, attributes=changed))

    def copy_previous(self) -> bool:
        """The attributes of the previous span (in text order) with the selected span's label
        onto it, as one undo step; what its own words give (numbers, dates) stays its own."""
        s = self.session
        ann = s.annotations.get(s.current_id) if s.current_id is not None else None
        lab = s.codebook.label(ann.label) if ann is not None else None
        if ann is None or lab is None or s.document is None:
            s.fail("Select a span to copy the previous one's attributes onto.")
            return False
        here = (ann.start, ann.end, ann.id)
        before = [
            a
            for a in s.annotations.values()
            if a.label == ann.label and (a.start, a.end, a.id) < here
        ]
        if not before:
            s.fail(f"There is no {ann.label} before this one to copy from.")
            return False
        prev = max(before, key=lambda a: (a.start, a.end, a.id))
        own = prefill(ann.label, s.text_of(ann), s.document.published)
        values = {a.name: prev.attributes.get(a.name) for a in lab.attributes if a.name not in own}
        changed = {k: v for k, v in values.items() if ann.attributes.get(k) != v}
        words = _short(s.text_of(prev))
        if not changed:
            s.notice.emit(f"Already the same attributes as {ann.label} '{words}'.", False)
            return False
        for name, value in changed.items():
            if value not in (None, "", []):
                self._clear_missing(ann.id, name)
        title = f"copy attributes from previous {ann.label}"
        if not s.push(cmd.edit_span(s, self.who, ann.id, title, attributes=changed)):
            return False
        s.notice.emit(f"Copied the attributes of {ann.label} '{words}' (Ctrl+Z undoes).", False)
        return True

    def _is_text_edit(self, label: str, changed: dict[str, Any]) -> bool:
        lab = self.session.codebook.label(label)
        if lab is None or len(changed) != 1:
            return False
        attr = lab.attribute(next(iter(changed)))
        return attr is not None and attr.type == "text"

    def _clear_missing(self, annotation_id: int, name: str) -> None:
        fields = self.session.missing.get(annotation_id)
        if fields and name in fields:
            left = tuple(f for f in fields if f != name)
            if left:
                self.session.missing[annotation_id] = left
            else:
                del self.session.missing[annotation_id]

    def edit_note(self, annotation_id: int, note: str) -> None:
        s = self.session
        ann = s.annotations.get(annotation_id)
        if ann is None or ann.note == note:
            return
        s.push(cmd.edit_span(s, self.who, ann.id, "edit note", MERGE_TEXT, note=note))

    # --------------------------------------------------------------------------------- links

    def link_role(self, index: int, target_id: int | None) -> None:
        """Fill role number ``index`` (0-based) of the active event with ``target_id``."""
        s = self.session
        event_id = s.active_event_id
        lab = s.label_of(event_id)
        if event_id is None or lab is None:
            s.fail("Select an EVENT first, then the span to link to one of its roles.")
            return
        if index >= len(lab.roles):
            s.fail(f"{lab.name} has only {len(lab.roles)} roles.")
            return
        if target_id is None or target_id == event_id:
            s.fail(f"Select the span to link as {lab.roles[index].name} of the event.")
            return
        self.link(event_id, lab.roles[index].name, target_id)

    def link(self, from_id: int, role: str, to_id: int) -> bool:
        s = self.session
        if not s.push(cmd.add_link(s, self.who, from_id, role, to_id)):
            return False
        target = s.annotations.get(to_id)
        if (
            role == "casualties"
            and target is not None
            and target.label == "CASUALTY"
            and not target.attributes.get("count_scope")
        ):
            # a figure linked as an event's casualties is that event's, unless the coder says
            # otherwise (docs/fatalities.md): prefilled, one more undo step
            self.edit_attributes(to_id, {"count_scope": "event"})
        words = s.text_of(target) if target is not None else ""
        s.notice.emit(f"Linked “{words}” as {role}.", False)
        return True

    def unlink(self, link_id: int) -> None:
        s = self.session
        link = s.links.get(link_id)
        if link is not None:
            s.push(cmd.remove_link(s, self.who, link_id, link.role))

    def start_relation(self) -> bool:
        """The relation key: the selected span is the source; the next span selected (Tab,
        a click, the panels) is the target, and then the coder picks the relation."""
        s = self.session
        ann = s.annotations.get(s.current_id) if s.current_id is not None else None
        if ann is None:
            s.fail("Select a span first, then press the relation key.")
            return False
        cb = s.codebook
        if not (
            any(lab.name == ann.label and lab.roles for lab in cb.labels)
            or any(ann.label in r.targets for lab in cb.labels for r in lab.roles)
            or any(ann.label in r.sources for r in cb.relations)
        ):
            s.fail(f"The codebook has no relation or role for {ann.label}.")
            return False
        s.start_link_mode("", ann.id)
        return True

    def link_choices(self, source_id: int, target_id: int) -> list[LinkChoice]:
        """What may link the two spans, in this order: the source's roles (it is an event)
        that take the target's label; the target's roles that take the source's (the source
        is to fill a role of the event selected next, even if it fills one elsewhere); the
        relations from the source's label to the target's."""
        s = self.session
        src, dst = s.annotations.get(source_id), s.annotations.get(target_id)
        if src is None or dst is None:
            return []
        out: list[LinkChoice] = []
        lab, other = s.codebook.label(src.label), s.codebook.label(dst.label)
        for r in lab.roles if lab is not None else ():
            if dst.label in r.targets:
                out.append(LinkChoice(source_id, r.name, target_id, f"{r.name} (role)"))
        for r in other.roles if other is not None else ():
            if src.label in r.targets:
                text = f"{r.name} of {dst.label} (role)"
                out.append(LinkChoice(target_id, r.name, source_id, text))
        for rel in s.codebook.relations:
            if src.label in rel.sources and dst.label in rel.targets:
                out.append(LinkChoice(source_id, rel.name, target_id, rel.name))
        return out

    def complete_link_mode(self, target_id: int) -> list[LinkChoice] | None:
        """A span was selected while a relation waits for its target. A relation named
        beforehand (the span menu) is linked at once; otherwise the links the coder chooses
        from. None when there is nothing left to choose; selecting the source itself leaves
        the relation waiting."""
        s = self.session
        if s.link_mode is None:
            return None
        relation, source = s.link_mode
        if target_id == source:
            s.fail("That is the span the relation starts from: select its target (Esc cancels).")
            return None
        s.cancel_link_mode()
        if relation:
            self.link(source, relation, target_id)
            return None
        choices = self.link_choices(source, target_id)
        if not choices:
            src, dst = s.annotations.get(source), s.annotations.get(target_id)
            if src is not None and dst is not None:
                s.fail(f"No relation or role links {src.label} and {dst.label}: nothing linked.")
            return None
        return choices

    def link_prompt(self, relation_key: str, role_keys: list[str]) -> str:
        """What the status bar says the next key or selection will do: the waiting relation's
        target, else the selected event's role keys; "" when neither."""
        s = self.session
        if s.link_mode is not None:
            relation, source = s.link_mode
            ann = s.annotations.get(source)
            if ann is None:
                return ""
            what = relation if relation else "Relation"
            return (
                f"{what} from {ann.label} '{_short(s.text_of(ann))}': select the target span, "
                "Esc cancels"
            )
        event = s.annotations.get(s.active_event_id) if s.active_event_id is not None else None
        lab = s.codebook.label(event.label) if event is not None else None
        if event is None or lab is None:
            return ""
        keys = [f"{k} {r.name}" for k, r in zip(role_keys, lab.roles, strict=False) if k]
        said = f"{event.label} '{_short(s.text_of(event))}': "
        if keys:
            said += f"select a span and press {', '.join(keys)} to link it"
        if relation_key:
            said += f"{'; ' if keys else ''}{relation_key} starts a relation from the selected span"
        return said

    # ------------------------------------------------------------------------------ document

    def mark_done(self) -> bool:
        s = self.session
        doc = s.document
        if doc is None:
            return False
        missing = queries.missing_required(s.project, s.coder, doc.id)
        if missing:
            s.missing = {m.annotation_id: m.fields for m in missing}
            first = missing[0]
            s.select(first.annotation_id)
            s.fail(
                f"Not done yet: {len(missing)} span(s) have empty required fields — "
                f"{first.label} “{first.text}” needs {', '.join(first.fields)}."
            )
            return False
        s.missing.clear()
        if s.push(cmd.set_status(s, self.who, doc.id, "done")):
            s.notice.emit("Marked done.", False)
            return True
        return False

    def finish(self, *, advance: bool) -> str | None:
        """Mark the document done and, if ``advance``, open the next unfinished one; what to
        tell the coder, or None when marking done was refused (the span lacking a required
        field is selected)."""
        if not self.mark_done():
            return None
        if not advance:
            return "Marked done. Ctrl+] opens the next document."
        target = self.session.next_unfinished()
        if target is None:
            return "Marked done. Every document is done."
        self.session.open_document(target)
        return "Marked done; here is the next unfinished document."

    def reopen(self) -> None:
        s = self.session
        if s.document is not None and s.status == "done":
            s.push(cmd.set_status(s, self.who, s.document.id, "in_progress"))

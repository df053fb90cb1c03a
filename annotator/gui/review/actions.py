"""The review window's declared actions. Menus, toolbar and shortcuts are generated from these.

Keys follow the reviewer's flow: N / P (F8 / Shift+F8) walk the disagreements, the digits accept
a coder's version of the current unit, R rejects it, A accepts everything the coders agree on.
Ctrl+L switches between every coder's layer side by side and one coder at a time next to gold;
Alt+1..9 show coder k alone, Alt+Left / Alt+Right the previous / next coder. The digits keep
meaning "coder k" whichever layer is shown.
While the gold view has the focus and a gold event is active the digits link roles instead
(see ``digits_link_roles``).

The records are module-level data; ``run`` and the conditions receive the window when called.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QApplication

from annotator.core.codebook import Codebook
from annotator.gui.actions import Action, Condition

from .event_frame import role_key_titles

MAX_CODER_KEYS = 9


def digits_link_roles(w: Any) -> bool:
    """Digits link roles while the gold view has the focus and a gold event is active;
    elsewhere they accept coders' versions (one key, one meaning at a time: Qt calls a key
    bound to two enabled actions ambiguous and runs neither)."""
    focus = QApplication.focusWidget()
    view = w.gold.view
    on_gold = focus is not None and (focus is view or view.isAncestorOf(focus))
    return on_gold and w.linking.event_id is not None


def _can_accept(w: Any, k: int) -> bool:
    n_role_keys = len(role_key_titles(w.session.codebook))
    return (
        w.list.current() is not None
        and k <= len(w.session.coders)
        and not (k <= n_role_keys and digits_link_roles(w))
    )


def _gold_done(w: Any) -> bool:
    return w.session.review is not None and w.session.review.gold_status == "done"


HAS_ROW = Condition("a disagreement is chosen", lambda w: w.list.current() is not None)
HAS_DOC = Condition("a document is open", lambda w: w.session.review is not None)
HAS_GOLD = Condition("a gold span is selected", lambda w: w.gold_current is not None)
CAN_UNDO = Condition("there is something to undo", lambda w: w.session.undo_group.canUndo())
CAN_REDO = Condition("there is something to redo", lambda w: w.session.undo_group.canRedo())
GOLD_DONE = Condition("gold is done", _gold_done)
SEVERAL = Condition("several coders", lambda w: len(w.session.coders) > 1)
ONE_AT_A_TIME = Condition(
    "one coder at a time is shown",
    lambda w: w.layer_split.one_at_a_time and len(w.session.coders) > 1,
)
HAS_EVENT = Condition("a gold event is active", lambda w: w.linking.event_id is not None)
LINKING = Condition("a relation awaits its target", lambda w: w.linking.link_mode is not None)


def _accept(k: int) -> Action:
    return Action(
        f"review.accept.{k}",
        f"Accept coder {k}'s version",
        lambda w: w.accept_version(k),
        "Review/Accept version",
        (str(k),),
        when=Condition(f"coder {k} has a version of the chosen unit", lambda w: _can_accept(w, k)),
        section="decide",
        toolbar=k <= 2,
    )


def _show_coder(k: int) -> Action:
    return Action(
        f"review.layer.{k}",
        f"Show coder {k}",
        lambda w: w.layer_split.show_coder(k - 1),
        "View/Show coder",
        (f"Alt+{k}",),
        when=Condition(f"a coder {k}", lambda w: k <= len(w.session.coders)),
        checked=Condition(
            f"coder {k} is shown",
            lambda w: w.layer_split.one_at_a_time and w.layer_split.shown_index() == k - 1,
        ),
        section="coder",
    )


# fmt: off
ACTIONS: tuple[Action, ...] = (
    # Walking the disagreements, deciding them, undo, hand edits of gold, gold's status
    Action("review.previous", "&Previous disagreement", lambda w: w.step(-1), "Review",
           ("P", "Shift+F8"), section="walk", toolbar=True,
           tip="Previous disagreement (P, Shift+F8)"),
    Action("review.next", "&Next disagreement", lambda w: w.step(1), "Review", ("N", "F8"),
           section="walk", toolbar=True, tip="Next disagreement (N, F8)"),
    *(_accept(k) for k in range(1, MAX_CODER_KEYS + 1)),
    Action("review.reject", "&Reject (no span in gold)", lambda w: w.reject(), "Review",
           ("R",), when=HAS_ROW, section="decide", toolbar=True,
           tip="Resolve the current unit as no span (R)"),
    Action("review.accept_agreed", "Accept all &agreed units", lambda w: w.accept_agreed(),
           "Review", ("A",), when=HAS_DOC, section="decide", toolbar=True,
           tip="Every unit all coders agree on, into gold (A)"),
    Action("review.note", "Write a &note…", lambda w: w.note.setFocus(), "Review",
           ("Ctrl+N",), section="decide"),
    Action("review.undo", "&Undo", lambda w: w.session.undo_group.undo(), "Edit", ("Ctrl+Z",),
           when=CAN_UNDO, section="undo", toolbar=True),
    Action("review.redo", "&Redo", lambda w: w.session.undo_group.redo(), "Edit",
           ("Ctrl+Shift+Z", "Ctrl+Y"), when=CAN_REDO, section="undo", toolbar=True),
    Action("review.add_gold", "Add selection to gold", lambda w: w.add_gold(), "Gold",
           ("Ctrl+Return", "Insert"), when=HAS_DOC, section="hand",
           tip="A gold span of the chosen label over the selected words (Ctrl+Return)"),
    Action("review.resize_gold", "Gold span to the selection", lambda w: w.resize_gold(),
           "Gold", ("Ctrl+B",), when=HAS_GOLD, section="hand"),
    Action("review.delete_gold", "Delete gold span", lambda w: w.delete_gold(), "Gold",
           ("Delete",), when=HAS_GOLD, section="hand"),
    Action("review.done", "Gold &done", lambda w: w.toggle_done(), "Gold", ("Ctrl+D",),
           when=HAS_DOC, checked=GOLD_DONE, section="status", toolbar=True,
           tip="Mark the gold version of this document done (all units adjudicated)"),
    Action("review.project_agreement", "Compute project agreement",
           lambda w: w.compute_project_agreement(), "Agreement"),
    Action("review.close", "&Close review", lambda w: w.close(), "Review", ("Ctrl+W",)),
    # The View menu: side by side or one coder at a time, and which coder
    Action("review.layout", "Side by Side / One Coder at a &Time",
           lambda w: w.toggle_layout(), "View", ("Ctrl+L",), when=SEVERAL, section="layout",
           tip="Every coder's layer side by side, or one coder's at a time next to gold "
               "(Ctrl+L)"),
    Action("review.layer.previous", "Previous coder", lambda w: w.layer_split.step_coder(-1),
           "View", ("Alt+Left",), when=ONE_AT_A_TIME, section="coder",
           tip="Show the previous coder's layer next to gold (Alt+Left)"),
    Action("review.layer.next", "Next coder", lambda w: w.layer_split.step_coder(1), "View",
           ("Alt+Right",), when=ONE_AT_A_TIME, section="coder",
           tip="Show the next coder's layer next to gold (Alt+Right)"),
    *(_show_coder(k) for k in range(1, MAX_CODER_KEYS + 1)),
    Action("review.keys", "&Keyboard Shortcuts…", lambda w: w.show_keys(), "Help"),
)
# fmt: on


def _link_role(index: int) -> Callable[[Any], object]:
    return lambda w: w.linking.link_role(index)


def link_actions(codebook: Codebook) -> list[Action]:
    """The digits that link the current gold span into the active gold event, and Esc."""
    out = [
        Action(
            f"review.link.role{i + 1}",
            title,
            _link_role(i),
            "Gold/Link",
            (str(i + 1),),
            when=HAS_EVENT,
            scope="view",
            section="link",
            tip=f"Link the current gold span as role {i + 1} of the active gold event",
        )
        for i, title in enumerate(role_key_titles(codebook))
    ]
    out.append(
        Action(
            "review.link.cancel",
            "Cancel linking",
            lambda w: w.linking.cancel(),
            "Gold/Link",
            ("Esc",),
            when=LINKING,
            section="link",
        )
    )
    return out

"""The review window's declared actions. Menus, toolbar and shortcuts are generated from these.

Keys follow the reviewer's flow: N / P (F8 / Shift+F8) walk the disagreements, the digits accept
a coder's version of the current unit, R rejects it, A accepts everything the coders agree on.
Ctrl+L switches between every coder's layer side by side and one coder at a time next to gold;
Alt+1..9 show coder k alone, Alt+Left / Alt+Right the previous / next coder. The digits keep
meaning "coder k" whichever layer is shown.
While the gold view has the focus and a gold event is active the digits link roles instead
(see ``digits_link_roles``).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from annotator.gui.actions import Action

from .event_frame import role_key_titles

if TYPE_CHECKING:
    from collections.abc import Callable

    from .window import ReviewWindow

MAX_CODER_KEYS = 9


def digits_link_roles(w: ReviewWindow) -> bool:
    """Digits link roles while the gold view has the focus and a gold event is active;
    elsewhere they accept coders' versions (one key, one meaning at a time: Qt calls a key
    bound to two enabled actions ambiguous and runs neither)."""
    focus = QApplication.focusWidget()
    view = w.gold.view
    on_gold = focus is not None and (focus is view or view.isAncestorOf(focus))
    return on_gold and w.linking.event_id is not None


def review_actions(w: ReviewWindow) -> list[Action]:
    """Walking the disagreements, deciding them, undo, hand edits of gold, gold's status."""
    group = w.session.undo_group
    n_role_keys = len(role_key_titles(w.session.codebook))

    def has_row() -> bool:
        return w.list.current() is not None

    def has_doc() -> bool:
        return w.session.review is not None

    def has_gold() -> bool:
        return w.gold_current is not None

    def can_accept(k: int) -> Callable[[], bool]:
        return lambda: (
            w.list.current() is not None
            and k <= len(w.session.coders)
            and not (k <= n_role_keys and digits_link_roles(w))
        )

    out = [
        Action(
            "review.previous",
            "&Previous disagreement",
            lambda: w.step(-1),
            "Review",
            ("P", "Shift+F8"),
            section="walk",
            toolbar=True,
            tip="Previous disagreement (P, Shift+F8)",
        ),
        Action(
            "review.next",
            "&Next disagreement",
            lambda: w.step(1),
            "Review",
            ("N", "F8"),
            section="walk",
            toolbar=True,
            tip="Next disagreement (N, F8)",
        ),
    ]
    for k in range(1, MAX_CODER_KEYS + 1):
        out.append(
            Action(
                f"review.accept.{k}",
                f"Accept coder {k}'s version",
                partial(w.accept_version, k),
                "Review/Accept version",
                (str(k),),
                enabled=can_accept(k),
                section="decide",
                toolbar=k <= 2,
            )
        )
    out += [
        Action(
            "review.reject",
            "&Reject (no span in gold)",
            w.reject,
            "Review",
            ("R",),
            enabled=has_row,
            section="decide",
            toolbar=True,
            tip="Resolve the current unit as no span (R)",
        ),
        Action(
            "review.accept_agreed",
            "Accept all &agreed units",
            w.accept_agreed,
            "Review",
            ("A",),
            enabled=has_doc,
            section="decide",
            toolbar=True,
            tip="Every unit all coders agree on, into gold (A)",
        ),
        Action(
            "review.note",
            "Write a &note…",
            w.note.setFocus,
            "Review",
            ("Ctrl+N",),
            section="decide",
        ),
        Action(
            "review.undo",
            "&Undo",
            group.undo,
            "Edit",
            ("Ctrl+Z",),
            enabled=group.canUndo,
            section="undo",
            toolbar=True,
        ),
        Action(
            "review.redo",
            "&Redo",
            group.redo,
            "Edit",
            ("Ctrl+Shift+Z", "Ctrl+Y"),
            enabled=group.canRedo,
            section="undo",
            toolbar=True,
        ),
        Action(
            "review.add_gold",
            "Add selection to gold",
            w.add_gold,
            "Gold",
            ("Ctrl+Return", "Insert"),
            enabled=has_doc,
            section="hand",
            tip="A gold span of the chosen label over the selected words (Ctrl+Return)",
        ),
        Action(
            "review.resize_gold",
            "Gold span to the selection",
            w.resize_gold,
            "Gold",
            ("Ctrl+B",),
            enabled=has_gold,
            section="hand",
        ),
        Action(
            "review.delete_gold",
            "Delete gold span",
            w.delete_gold,
            "Gold",
            ("Delete",),
            enabled=has_gold,
            section="hand",
        ),
        Action(
            "review.done",
            "Gold &done",
            w.toggle_done,
            "Gold",
            ("Ctrl+D",),
            enabled=has_doc,
            checked=lambda: w.session.review is not None and w.session.review.gold_status == "done",
            section="status",
            toolbar=True,
            tip="Mark the gold version of this document done (all units adjudicated)",
        ),
        Action(
            "review.project_agreement",
            "Compute project agreement",
            w.compute_project_agreement,
            "Agreement",
        ),
        Action("review.close", "&Close review", w.close, "Review", ("Ctrl+W",)),
    ]
    return out + layer_actions(w)


def layer_actions(w: ReviewWindow) -> list[Action]:
    """The View menu: side by side or one coder at a time, and which coder."""
    layers = w.layer_split

    def several() -> bool:
        return len(w.session.coders) > 1

    def one_at_a_time() -> bool:
        return layers.one_at_a_time and several()

    def shows(k: int) -> Callable[[], bool]:
        return lambda: layers.one_at_a_time and layers.shown_index() == k - 1

    def has_coder(k: int) -> Callable[[], bool]:
        return lambda: k <= len(w.session.coders)

    out = [
        Action(
            "review.layout",
            "Side by Side / One Coder at a &Time",
            w.toggle_layout,
            "View",
            ("Ctrl+L",),
            enabled=several,
            section="layout",
            tip="Every coder's layer side by side, or one coder's at a time next to gold (Ctrl+L)",
        ),
        Action(
            "review.layer.previous",
            "Previous coder",
            lambda: layers.step_coder(-1),
            "View",
            ("Alt+Left",),
            enabled=one_at_a_time,
            section="coder",
            tip="Show the previous coder's layer next to gold (Alt+Left)",
        ),
        Action(
            "review.layer.next",
            "Next coder",
            lambda: layers.step_coder(1),
            "View",
            ("Alt+Right",),
            enabled=one_at_a_time,
            section="coder",
            tip="Show the next coder's layer next to gold (Alt+Right)",
        ),
    ]
    for k in range(1, MAX_CODER_KEYS + 1):
        out.append(
            Action(
                f"review.layer.{k}",
                f"Show coder {k}",
                partial(layers.show_coder, k - 1),
                "View/Show coder",
                (f"Alt+{k}",),
                enabled=has_coder(k),
                checked=shows(k),
                section="coder",
            )
        )
    return out


def link_actions(w: ReviewWindow) -> list[Action]:
    """The digits that link the current gold span into the active gold event, and Esc."""
    titles = role_key_titles(w.session.codebook)
    out = [
        Action(
            f"review.link.role{i + 1}",
            title,
            partial(w.linking.link_role, i),
            "Gold/Link",
            (str(i + 1),),
            enabled=lambda: w.linking.event_id is not None,
            scope="view",
            section="link",
            tip=f"Link the current gold span as role {i + 1} of the active gold event",
        )
        for i, title in enumerate(titles)
    ]
    out.append(
        Action(
            "review.link.cancel",
            "Cancel linking",
            w.linking.cancel,
            "Gold/Link",
            ("Esc",),
            enabled=lambda: w.linking.link_mode is not None,
            section="link",
        )
    )
    return out

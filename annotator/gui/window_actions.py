"""The coding window's declared actions. Menus, toolbar and shortcuts are generated from these.

Keys follow the coder's flow: label keys (from the codebook) code the selection, digits fill
the active event's roles, Tab walks overlapping spans, Alt+arrows move a boundary (Ctrl: by
word; Shift: the end instead of the start). Next/previous document are Ctrl+] / Ctrl+[ and
Ctrl+PgDown / Ctrl+PgUp: plain PgDown must keep scrolling the article.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence

from annotator.core.codebook import Codebook

from .actions import Action

if TYPE_CHECKING:
    from .main_window import MainWindow

Std = QKeySequence.StandardKey
MAX_ROLE_KEYS = 9


def window_actions(w: MainWindow) -> list[Action]:
    s = w.session

    def has_doc() -> bool:
        return s.document is not None

    def has_span() -> bool:
        return s.current_id is not None

    def can_mark_done() -> bool:
        return has_doc() and s.status != "done"

    group = s.undo_group
    return [
        # File
        Action("file.open", "&Open Project…", w.open_project, "File", (Std.Open,), section="p"),
        Action("file.new", "&New Project…", w.new_project, "File", (Std.New,), section="p"),
        Action("file.demo", "Open &Demo Project", w.open_demo, "File", section="p"),
        Action(
            "file.coder", "Switch &Coder…", w.switch_coder, "File", ("Ctrl+Shift+U",), section="c"
        ),
        Action(
            "file.export",
            "&Export…",
            w.export,
            "File",
            ("Ctrl+E",),
            enabled=lambda: s.project is not None,
            section="x",
        ),
        Action(
            "review.open",
            "&Review Mode…",
            w.open_review,
            "File",
            ("Ctrl+Shift+R",),
            enabled=lambda: s.project is not None,
            section="x",
        ),
        Action("file.quit", "&Quit", w.close, "File", (Std.Quit,), section="q"),
        # Edit
        Action(
            "edit.undo",
            "&Undo",
            group.undo,
            "Edit",
            (Std.Undo,),
            enabled=group.canUndo,
            section="u",
        ),
        Action(
            "edit.redo",
            "&Redo",
            group.redo,
            "Edit",
            ("Ctrl+Shift+Z", "Ctrl+Y"),
            enabled=group.canRedo,
            section="u",
        ),
        Action(
            "edit.find",
            "&Find in Article…",
            w.find_bar.open_bar,
            "Edit",
            (Std.Find,),
            enabled=has_doc,
            section="f",
        ),
        Action(
            "edit.delete",
            "&Delete Span",
            w.delete_current,
            "Edit",
            ("Delete", "Backspace"),
            enabled=has_span,
            scope="view",
            section="d",
        ),
        # Code
        Action(
            "code.next_span",
            "Next Span at Cursor",
            lambda: w.cycle(1),
            "Code",
            ("Tab",),
            enabled=has_doc,
            scope="view",
            section="sel",
        ),
        Action(
            "code.prev_span",
            "Previous Span at Cursor",
            lambda: w.cycle(-1),
            "Code",
            ("Shift+Tab",),
            enabled=has_doc,
            scope="view",
            section="sel",
        ),
        Action(
            "code.deselect",
            "Clear Selection",
            w.escape,
            "Code",
            ("Esc",),
            scope="view",
            section="sel",
        ),
        Action(
            "code.attributes",
            "Edit &Attributes",
            w.toggle_form_focus,
            "Code",
            ("F2",),
            enabled=has_doc,
            section="form",
            tip="Into the selected span's attribute form (Tab walks its fields); F2 or Esc: back",
        ),
        *boundary_actions(w),
        Action(
            "code.snap",
            "Snap Spans to &Whole Words",
            w.toggle_snap,
            "Code",
            checked=lambda: w.coding.snap,
            section="opt",
        ),
        # Document
        Action(
            "doc.prev",
            "&Previous Document",
            lambda: w.go_document(-1),
            "Document",
            ("Ctrl+[", "Ctrl+PgUp"),
            enabled=lambda: s.neighbour(-1) is not None,
            section="n",
            toolbar=True,
            icon="SP_MediaSeekBackward",
        ),
        Action(
            "doc.next",
            "&Next Document",
            lambda: w.go_document(1),
            "Document",
            ("Ctrl+]", "Ctrl+PgDown"),
            enabled=lambda: s.neighbour(1) is not None,
            section="n",
            toolbar=True,
            icon="SP_MediaSeekForward",
        ),
        Action(
            "doc.done",
            "Mark &Done",
            w.mark_done,
            "Document",
            ("Ctrl+Return", "Ctrl+Enter"),
            enabled=can_mark_done,
            section="s",
            toolbar=True,
            icon="SP_DialogApplyButton",
            tip="Mark this document done (Ctrl+Enter)",
        ),
        Action(
            "doc.advance",
            "Open the Next Unfinished Document after &Done",
            w.toggle_advance,
            "Document",
            checked=lambda: w.prefs.advance_after_done,
            section="opt",
        ),
        Action(
            "doc.reopen",
            "&Reopen",
            w.coding.reopen,
            "Document",
            ("Ctrl+Shift+Return",),
            enabled=lambda: s.status == "done",
            section="s",
        ),
        # View
        Action(
            "view.zoom_in",
            "Zoom &In",
            lambda: w.zoom(1),
            "View",
            (Std.ZoomIn, "Ctrl+="),
            section="z",
        ),
        Action(
            "view.zoom_out", "Zoom &Out", lambda: w.zoom(-1), "View", (Std.ZoomOut,), section="z"
        ),
        Action(
            "view.zoom_reset", "&Actual Size", lambda: w.zoom(0), "View", ("Ctrl+0",), section="z"
        ),
        Action("view.reset_layout", "&Reset Panel Layout", w.reset_layout, "View", section="l"),
        # Help
        Action(
            "help.codebook",
            "&Codebook",
            w.show_codebook,
            "Help",
            (Std.HelpContents, "F1"),
            toolbar=True,
            icon="SP_MessageBoxQuestion",
            tip="Every label's guideline, attributes and examples (F1)",
        ),
        Action("help.keys", "&Keyboard Shortcuts", w.show_keys, "Help"),
        Action("help.about", "&About Annotator", w.show_about, "Help"),
    ]


def boundary_actions(w: MainWindow) -> list[Action]:
    out = []
    for which, shift in (("start", ""), ("end", "Shift+")):
        for direction, arrow, word in ((-1, "Left", "left"), (1, "Right", "right")):
            out.append(
                Action(
                    f"code.{which}_{word}",
                    f"Move {which.capitalize()} {word.capitalize()}",
                    partial(w.move_boundary, which, direction, False),
                    "Code/Boundaries",
                    (f"Alt+{shift}{arrow}",),
                    enabled=lambda: w.session.current_id is not None,
                    scope="view",
                    section="b",
                )
            )
            out.append(
                Action(
                    f"code.{which}_{word}_word",
                    f"Move {which.capitalize()} {word.capitalize()} by Word",
                    partial(w.move_boundary, which, direction, True),
                    "Code/Boundaries",
                    (f"Ctrl+Alt+{shift}{arrow}",),
                    enabled=lambda: w.session.current_id is not None,
                    scope="view",
                    section="b",
                )
            )
    return out


def label_actions(w: MainWindow, codebook: Codebook) -> list[Action]:
    """One action per label: its key codes the selection (or relabels the selected span)."""
    return [
        Action(
            f"label.{lab.name}",
            lab.name,
            partial(w.code_selection, lab.name),
            "Code",
            (lab.key,) if lab.key else (),
            enabled=lambda: w.session.document is not None,
            scope="view",
            section="labels",
            tip=lab.description.strip()[:200],
        )
        for lab in codebook.labels
    ]


def role_actions(w: MainWindow, codebook: Codebook) -> list[Action]:
    """Digit n links the selected span as the n-th role of the active event."""
    framed = [lab for lab in codebook.labels if lab.roles]
    n_roles = min(max((len(lab.roles) for lab in framed), default=0), MAX_ROLE_KEYS)
    out = []
    for i in range(n_roles):
        names = {lab.roles[i].name for lab in framed if len(lab.roles) > i}
        title = f"Link as {names.pop()}" if len(names) == 1 else f"Link as Role {i + 1}"
        out.append(
            Action(
                f"link.role{i + 1}",
                title,
                partial(w.link_role, i),
                "Link",
                (str(i + 1),),
                enabled=lambda: w.session.active_event_id is not None,
                scope="view",
                section="roles",
            )
        )
    out.append(
        Action(
            "link.cancel",
            "Cancel Linking",
            w.session.cancel_link_mode,
            "Link",
            enabled=lambda: w.session.link_mode is not None,
            section="mode",
        )
    )
    return out


def recent_actions(w: MainWindow, paths: list[str]) -> list[Action]:
    return [
        Action(
            f"file.recent.{i}",
            f"&{i + 1} {p}",
            partial(w.switch_project, p),
            "File/Recent Projects",
            section="p",
        )
        for i, p in enumerate(paths)
    ]

"""The coding window's declared actions, as module-level records; menus, toolbar, shortcuts and
the shortcut editor are generated from them. ``run`` receives the window when triggered.

Keys follow the coder's flow: label keys (from the codebook) code the selection, digits fill
the active event's roles, Tab walks overlapping spans, F2 goes into the attribute form (on its
first empty required field; Enter or Esc comes back), Ctrl+D copies the attributes of the
previous span of the same label. Shift+R starts a relation (or role link) from the selected
span: the next span selected (Tab, click) is its target, picked from a small menu by digit or
first letter. Label keys are lowercase letters and digits, so these never clash with them. A
span's start moves with Alt+[ / Alt+], its end with Alt+, / Alt+. (add Ctrl: by a word) — not
Ctrl+Alt+arrows or Alt+Shift+arrows, which common Linux window managers take for workspaces.
Next/previous document are Ctrl+] / Ctrl+[ and Ctrl+PgDown / Ctrl+PgUp: plain PgDown must keep
scrolling the article. Every key can be changed in Help → Keyboard Shortcuts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QKeySequence

from annotator.core.codebook import Codebook

from .actions import Action, Condition

Std = QKeySequence.StandardKey
MAX_ROLE_KEYS = 9

# ------------------------------------------------------------------------------ conditions


def _has_doc(w: Any) -> bool:  # w: the coding window (MainWindow)
    return w.session.document is not None


HAS_PROJECT = Condition("a project is open", lambda w: w.session.project is not None)
HAS_DOCUMENT = Condition("a document is open", _has_doc)
HAS_SPAN = Condition("a span is selected", lambda w: w.session.current_id is not None)
CAN_MARK_DONE = Condition(
    "the document is not done yet", lambda w: _has_doc(w) and w.session.status != "done"
)
IS_DONE = Condition("the document is done", lambda w: w.session.status == "done")
CAN_UNDO = Condition("there is something to undo", lambda w: w.session.undo_group.canUndo())
CAN_REDO = Condition("there is something to redo", lambda w: w.session.undo_group.canRedo())
HAS_PREVIOUS = Condition("a previous document", lambda w: w.session.neighbour(-1) is not None)
HAS_NEXT = Condition("a next document", lambda w: w.session.neighbour(1) is not None)
HAS_EVENT = Condition("an EVENT is selected", lambda w: w.session.active_event_id is not None)
LINKING = Condition("a relation awaits its target", lambda w: w.session.link_mode is not None)
SNAPS = Condition("spans snap to whole words", lambda w: w.coding.snap)
ADVANCES = Condition("done opens the next document", lambda w: w.prefs.advance_after_done)
SUGGESTING = Condition("suggested spans wait for a decision", lambda w: w.suggestions.pending)


SHOWS_ARCS = Condition("all arcs are shown", lambda w: w.prefs.show_arcs)
SHOWS_TAGS = Condition("span labels are shown", lambda w: w.prefs.show_tags)


def _toggle_arcs(w: Any) -> None:
    w.prefs.show_arcs = not w.prefs.show_arcs
    w.view.show_arcs(w.prefs.show_arcs)
    w.actions_.refresh()


def _toggle_tags(w: Any) -> None:
    w.prefs.show_tags = not w.prefs.show_tags
    w.view.show_tags(w.prefs.show_tags)
    w.actions_.refresh()


def _show_progress(w: Any) -> None:
    from .progress_view import show_progress_view  # the manager's view (docs/team.md)

    show_progress_view(w, w.session.project)


def _calls(method: str, *args: object) -> Callable[[Any], object]:
    """``run`` for a record made from data: the window's ``method`` with these arguments."""
    return lambda w: getattr(w, method)(*args)


def _boundary(which: str, direction: int, by_word: bool, key: str) -> Action:
    way = "Left" if direction < 0 else "Right"
    word = " by Word" if by_word else ""
    return Action(
        f"code.{which}_{way.lower()}{'_word' if by_word else ''}",
        f"Move {which.capitalize()} {way}{word}",
        lambda w: w.move_boundary(which, direction, by_word),
        "Code/Boundaries",
        (("Ctrl+Alt+" if by_word else "Alt+") + key,),
        when=HAS_SPAN,
        scope="view",
        section="b",
    )


# fmt: off
ACTIONS: tuple[Action, ...] = (
    # File
    Action("file.open", "&Open Project…", lambda w: w.open_project(), "File", (Std.Open,),
           section="p"),
    Action("file.new", "&New Project…", lambda w: w.new_project(), "File", (Std.New,),
           section="p"),
    Action("file.demo", "Open &Demo Project", lambda w: w.open_demo(), "File", section="p"),
    Action("file.coder", "Switch &Coder…", lambda w: w.switch_coder(), "File",
           ("Ctrl+Shift+U",), section="c"),
    Action("file.export", "&Export…", lambda w: w.export(), "File", ("Ctrl+E",),
           when=HAS_PROJECT, section="x"),
    Action("review.open", "&Review Mode…", lambda w: w.open_review(), "File",
           ("Ctrl+Shift+R",), when=HAS_PROJECT, section="x"),
    Action("review.progress", "Team &Progress…", _show_progress, "File", ("Ctrl+Shift+G",),
           when=HAS_PROJECT, section="x"),
    Action("file.quit", "&Quit", lambda w: w.close(), "File", (Std.Quit,), section="q"),
    # Edit
    Action("edit.undo", "&Undo", lambda w: w.session.undo_group.undo(), "Edit", (Std.Undo,),
           when=CAN_UNDO, section="u"),
    Action("edit.redo", "&Redo", lambda w: w.session.undo_group.redo(), "Edit",
           ("Ctrl+Shift+Z", "Ctrl+Y"), when=CAN_REDO, section="u"),
    Action("edit.find", "&Find in Article…", lambda w: w.find_bar.open_bar(), "Edit",
           (Std.Find,), when=HAS_DOCUMENT, section="f"),
    Action("edit.delete", "&Delete Span", lambda w: w.delete_current(), "Edit",
           ("Delete", "Backspace"), when=HAS_SPAN, scope="view", section="d"),
    # Code
    Action("code.next_span", "Next Span at Cursor", lambda w: w.cycle(1), "Code", ("Tab",),
           when=HAS_DOCUMENT, scope="view", section="sel"),
    Action("code.prev_span", "Previous Span at Cursor", lambda w: w.cycle(-1), "Code",
           ("Shift+Tab",), when=HAS_DOCUMENT, scope="view", section="sel"),
    Action("code.deselect", "Clear Selection", lambda w: w.escape(), "Code", ("Esc",),
           scope="view", section="sel"),
    Action("code.attributes", "Edit &Attributes", lambda w: w.toggle_form_focus(), "Code",
           ("F2",), when=HAS_DOCUMENT, section="form",
           tip="Into the selected span's attribute form, on its first empty required field (Tab "
               "walks the fields); Enter, F2 or Esc: back"),
    Action("code.copy_previous", "&Copy Attributes from Previous Span",
           lambda w: w.coding.copy_previous(), "Code", ("Ctrl+D",), when=HAS_SPAN, scope="view",
           section="form",
           tip="The attributes of the previous span with this label, onto the selected one"),
    Action("code.relation", "Start &Relation…", lambda w: w.start_relation(), "Code",
           ("Shift+R",), when=HAS_SPAN, scope="view", section="rel",
           tip="From the selected span: select the target next (Tab or click), then pick the "
               "relation or role by its number or first letter; Esc cancels"),
    _boundary("start", -1, False, "["),
    _boundary("start", 1, False, "]"),
    _boundary("start", -1, True, "["),
    _boundary("start", 1, True, "]"),
    _boundary("end", -1, False, ","),
    _boundary("end", 1, False, "."),
    _boundary("end", -1, True, ","),
    _boundary("end", 1, True, "."),
    Action("code.tag_all", "&Tag All Occurrences", lambda w: w.suggestions.tag_all(), "Code",
           ("Ctrl+Shift+A",), when=HAS_SPAN, section="suggest",
           tip="Suggest the selected span's other occurrences (nothing is written yet)"),
    Action("code.accept_suggestion", "&Accept Suggestion", lambda w: w.suggestions.accept(),
           "Code", ("Alt+Y",), when=SUGGESTING, section="suggest"),
    Action("code.reject_suggestion", "&Reject Suggestion", lambda w: w.suggestions.reject(),
           "Code", ("Alt+N",), when=SUGGESTING, section="suggest"),
    Action("code.accept_all_suggestions", "Accept A&ll Suggestions",
           lambda w: w.suggestions.accept_all(), "Code", ("Alt+Shift+Y",), when=SUGGESTING,
           section="suggest"),
    Action("code.snap", "Snap Spans to &Whole Words", lambda w: w.toggle_snap(), "Code",
           checked=SNAPS, section="opt"),
    # Document
    Action("doc.prev", "&Previous Document", lambda w: w.go_document(-1), "Document",
           ("Ctrl+[", "Ctrl+PgUp"), when=HAS_PREVIOUS, section="n", toolbar=True,
           icon="SP_MediaSeekBackward"),
    Action("doc.next", "&Next Document", lambda w: w.go_document(1), "Document",
           ("Ctrl+]", "Ctrl+PgDown"), when=HAS_NEXT, section="n", toolbar=True,
           icon="SP_MediaSeekForward"),
    Action("doc.done", "Mark &Done", lambda w: w.mark_done(), "Document",
           ("Ctrl+Return", "Ctrl+Enter"), when=CAN_MARK_DONE, section="s", toolbar=True,
           icon="SP_DialogApplyButton", tip="Mark this document done (Ctrl+Enter)"),
    Action("doc.advance", "Open the Next Unfinished Document after &Done",
           lambda w: w.toggle_advance(), "Document", checked=ADVANCES, section="opt"),
    Action("doc.reopen", "&Reopen", lambda w: w.coding.reopen(), "Document",
           ("Ctrl+Shift+Return",), when=IS_DONE, section="s"),
    # View
    Action("view.zoom_in", "Zoom &In", lambda w: w.zoom(1), "View", (Std.ZoomIn, "Ctrl+="),
           section="z"),
    Action("view.zoom_out", "Zoom &Out", lambda w: w.zoom(-1), "View", (Std.ZoomOut,),
           section="z"),
    Action("view.zoom_reset", "&Actual Size", lambda w: w.zoom(0), "View", ("Ctrl+0",),
           section="z"),
    Action("view.arcs", "Show &Arcs", _toggle_arcs, "View", ("Ctrl+Shift+K",),
           checked=SHOWS_ARCS, section="a",
           tip="Every role link and relation of the visible text as arcs; off: only the "
           "selected event's roles and the relations"),
    Action("view.tags", "Show Span &Labels", _toggle_tags, "View", ("Ctrl+Shift+L",),
           checked=SHOWS_TAGS, section="a", tip="A label tag above each span"),
    Action("view.reset_layout", "&Reset Panel Layout", lambda w: w.reset_layout(), "View",
           section="l"),
    # Help
    Action("help.codebook", "&Codebook", lambda w: w.show_codebook(), "Help",
           (Std.HelpContents, "F1"), toolbar=True, icon="SP_MessageBoxQuestion",
           tip="Every label's guideline, attributes and examples (F1)"),
    Action("help.keys", "&Keyboard Shortcuts…", lambda w: w.show_keys(), "Help"),
    Action("help.about", "&About Annotator", lambda w: w.show_about(), "Help"),
)
# fmt: on


def label_actions(codebook: Codebook) -> list[Action]:
    """One action per label: its key codes the selection (or relabels the selected span)."""
    return [
        Action(
            f"label.{lab.name}",
            lab.name,
            _calls("code_selection", lab.name),
            "Code",
            (lab.key,) if lab.key else (),
            when=HAS_DOCUMENT,
            scope="view",
            section="labels",
            tip=lab.description.strip()[:200],
        )
        for lab in codebook.labels
    ]


def role_actions(codebook: Codebook) -> list[Action]:
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
                _calls("link_role", i),
                "Link",
                (str(i + 1),),
                when=HAS_EVENT,
                scope="view",
                section="roles",
            )
        )
    out.append(
        Action(
            "link.cancel",
            "Cancel Linking",
            lambda w: w.session.cancel_link_mode(),
            "Link",
            when=LINKING,
            section="mode",
        )
    )
    return out


def recent_actions(paths: list[str]) -> list[Action]:
    return [
        Action(
            f"file.recent.{i}",
            f"&{i + 1} {p}",
            _calls("switch_project", p),
            "File/Recent Projects",
            section="p",
        )
        for i, p in enumerate(paths)
    ]

"""The attribute form of the selected span, generated from the codebook.

choice → combo (descriptions as item tooltips), multi_choice → checkable menu, integer/number →
spin box, boolean → tri-state check box, date → date field, text → line edit. Empty is a real
value everywhere ("—"). Combos and check boxes commit at once; typed fields on editingFinished.
Required fields have a bold label with an asterisk and turn red when marking done refused them.
From the article F2 lands on the first empty required field; Enter (after committing) or Esc
goes back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QMenu,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import Attribute, Codebook, Label
from annotator.core.records import Annotation

EMPTY = "—"
NO_DATE = QDate(1800, 1, 1)
SPIN_LIMIT = 2_000_000_000


class Field:
    """One generated editor: reads and writes a plain value, emits ``commit`` with a new one."""

    def __init__(self, attribute: Attribute, widget: QWidget, commit: Callable[[Any], None]):
        self.attribute = attribute
        self.widget = widget
        self._commit = commit

    def set_value(self, value: Any, siblings: dict[str, Any]) -> None:
        a, w = self.attribute, self.widget
        w.blockSignals(True)
        if isinstance(w, QComboBox):
            self.fill_choices(siblings.get(a.depends_on) if a.depends_on else None)
            i = w.findData(value) if value is not None else 0
            w.setCurrentIndex(max(i, 0))
        elif isinstance(w, QSpinBox):  # an integer attribute: stored values may be 15.0
            w.setValue(w.minimum() if value is None else int(value))
        elif isinstance(w, QDoubleSpinBox):
            w.setValue(w.minimum() if value is None else float(value))
        elif isinstance(w, QCheckBox):
            state = {True: Qt.CheckState.Checked, False: Qt.CheckState.Unchecked}.get(
                value, Qt.CheckState.PartiallyChecked
            )
            w.setCheckState(state)
            w.setText(_bool_text(value))
        elif isinstance(w, QDateEdit):
            d = QDate.fromString(value, "yyyy-MM-dd") if isinstance(value, str) else QDate()
            w.setDate(d if d.isValid() else NO_DATE)
        elif isinstance(w, QLineEdit):
            w.setText("" if value is None else str(value))
            w.setCursorPosition(0)
        elif isinstance(w, QToolButton):
            chosen = set(value or [])
            menu = w.menu()
            for act in menu.actions() if menu else []:
                act.setChecked(act.data() in chosen)
            w.setText(", ".join(sorted(chosen)) or EMPTY)
        w.blockSignals(False)

    def fill_choices(self, parent_value: Any) -> None:
        w = self.widget
        assert isinstance(w, QComboBox)
        choices = self.attribute.choices_for(
            parent_value if isinstance(parent_value, str) else None
        )
        if w.property("filledFor") == (parent_value or "") and w.count():
            return
        w.clear()
        w.addItem(EMPTY, None)
        for c in choices:
            w.addItem(c.value.replace("_", " "), c.value)
            if c.description:
                w.setItemData(w.count() - 1, _wrap(c.description), Qt.ItemDataRole.ToolTipRole)
        w.setProperty("filledFor", parent_value or "")

    def value(self) -> Any:
        w = self.widget
        if isinstance(w, QComboBox):
            return w.currentData()
        if isinstance(w, (QSpinBox, QDoubleSpinBox)):
            return None if w.value() == w.minimum() else w.value()
        if isinstance(w, QCheckBox):
            return {Qt.CheckState.Checked: True, Qt.CheckState.Unchecked: False}.get(w.checkState())
        if isinstance(w, QDateEdit):
            return None if w.date() == NO_DATE else w.date().toString("yyyy-MM-dd")
        if isinstance(w, QLineEdit):
            return w.text().strip() or None
        if isinstance(w, QToolButton):
            menu = w.menu()
            return [a.data() for a in (menu.actions() if menu else []) if a.isChecked()] or None
        return None

    def commit(self) -> None:
        self._commit(self.value())


def _type_to_filter(combo: QComboBox, field: Field) -> None:
    """Typing in a choice field filters its values (any part of a value matches) instead of
    opening the popup on a space; Enter or leaving the field takes the value whose text was
    typed, anything else goes back to the stored value. Up/Down still step through them."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    edit = combo.lineEdit()
    assert completer is not None and edit is not None  # an editable combo has both
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    edit.setPlaceholderText(EMPTY)

    def typed() -> None:
        text = edit.text().strip()
        i = 0 if text in ("", EMPTY) else combo.findText(text, Qt.MatchFlag.MatchFixedString)
        if i < 0:  # not a value: show the stored one again
            combo.setCurrentIndex(max(combo.currentIndex(), 0))
            edit.setText(combo.currentText())
            return
        if i != combo.currentIndex() or edit.text() != combo.itemText(i):
            combo.setCurrentIndex(i)
            field.commit()

    edit.editingFinished.connect(typed)


def _wrap(text: str) -> str:
    return f"<div style='max-width: 380px'>{text.strip()}</div>"


def _bool_text(value: Any) -> str:
    return {True: "yes", False: "no"}.get(value, "not set")


class LabelForm(QWidget):
    """The generated editors for one label (built once per label, reused for every span)."""

    def __init__(self, label: Label, edited: Callable[[dict[str, Any]], None]) -> None:
        super().__init__()
        self.label = label
        self._edited = edited
        self.fields: dict[str, Field] = {}
        self.captions: dict[str, QLabel] = {}
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for attribute in label.attributes:
            field = self._field(attribute)
            caption = QLabel(
                attribute.name.replace("_", " ") + (" *" if attribute.required else "")
            )
            caption.setObjectName("requiredCaption" if attribute.required else "caption")
            if attribute.description:
                caption.setToolTip(_wrap(attribute.description))
                field.widget.setToolTip(_wrap(attribute.description))
            caption.setBuddy(field.widget)
            field.widget.setObjectName(f"attr.{attribute.name}")
            layout.addRow(caption, field.widget)
            self.fields[attribute.name] = field
            self.captions[attribute.name] = caption

    def _field(self, a: Attribute) -> Field:
        def commit(value: Any) -> None:
            self._commit(a, value)

        w: QWidget
        if a.type == "choice":
            combo = QComboBox()
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
            field = Field(a, combo, commit)
            field.fill_choices(None)
            _type_to_filter(combo, field)
            combo.activated.connect(lambda _i: field.commit())
            return field
        if a.type in ("integer", "number"):
            spin: QSpinBox | QDoubleSpinBox = (
                QSpinBox() if a.type == "integer" else QDoubleSpinBox()
            )
            low = int(a.min) if a.min is not None else -SPIN_LIMIT
            high = int(a.max) if a.max is not None else SPIN_LIMIT
            spin.setRange(low - 1, high)  # one below the minimum stands for "empty"
            spin.setSpecialValueText(EMPTY)
            spin.setKeyboardTracking(False)
            spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
            w = spin
            field = Field(a, w, commit)
            spin.editingFinished.connect(field.commit)
            return field
        if a.type == "boolean":
            box = QCheckBox(_bool_text(None))
            box.setTristate(True)
            field = Field(a, box, commit)
            box.clicked.connect(lambda _c: field.commit())
            return field
        if a.type == "date":
            date = QDateEdit()
            date.setCalendarPopup(True)
            date.setDisplayFormat("yyyy-MM-dd")
            date.setMinimumDate(NO_DATE)
            date.setSpecialValueText(EMPTY)
            date.setDate(NO_DATE)
            field = Field(a, date, commit)
            date.editingFinished.connect(field.commit)
            return field
        if a.type == "multi_choice":
            button = QToolButton()
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            button.setText(EMPTY)
            menu = QMenu(button)
            for c in a.values:
                act = menu.addAction(c.value)
                act.setCheckable(True)
                act.setData(c.value)
                act.setToolTip(c.description)
            button.setMenu(menu)
            field = Field(a, button, commit)
            menu.triggered.connect(lambda _a: field.commit())
            return field
        line = QLineEdit()
        line.setPlaceholderText(EMPTY)
        field = Field(a, line, commit)
        line.editingFinished.connect(field.commit)
        return field

    def _commit(self, a: Attribute, value: Any) -> None:
        values = {a.name: value}
        # A sub-type that does not belong to the newly chosen type is cleared in the same step.
        for other in self.label.attributes:
            if other.depends_on == a.name:
                current = self.fields[other.name].value()
                allowed = {c.value for c in other.choices_for(value)}
                if current is not None and current not in allowed:
                    values[other.name] = None
        self._edited(values)

    def show_annotation(self, annotation: Annotation, missing: tuple[str, ...]) -> None:
        for name, field in self.fields.items():
            field.set_value(annotation.attributes.get(name), annotation.attributes)
            flagged = name in missing
            for w in (field.widget, self.captions[name]):
                if bool(w.property("missing")) != flagged:
                    w.setProperty("missing", flagged)
                    w.style().unpolish(w)
                    w.style().polish(w)


class AttributeForm(QWidget):
    """Header (label, words, offsets), the generated fields of that label, and a note."""

    attributesEdited = Signal(int, dict)  # annotation id, {name: value or None}
    noteEdited = Signal(int, str)
    formCreated = Signal(object)  # a LabelForm, built the first time its label is shown
    leaveRequested = Signal()  # Esc or Enter in a field: back to the article

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attributeForm")
        self.annotation_id: int | None = None
        self.forms: dict[str, LabelForm] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        self.header = QLabel()
        self.header.setObjectName("formHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.header)
        self.stack = QStackedWidget()
        self.placeholder = QLabel("Select a span to see its attributes.")
        self.placeholder.setObjectName("placeholder")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.placeholder)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.stack)
        outer.addWidget(scroll, 1)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText("Note on this span…")
        self.note.editingFinished.connect(self._note_done)
        outer.addWidget(self.note)
        self.codebook: Codebook | None = None
        self.show_annotation(None, "")

    def set_codebook(self, codebook: Codebook) -> None:
        self.codebook = codebook
        for form in self.forms.values():
            self.stack.removeWidget(form)
            form.deleteLater()
        self.forms.clear()
        self.show_annotation(None, "")

    def form_for(self, label: str) -> LabelForm | None:
        if label not in self.forms and self.codebook is not None:
            lab = self.codebook.label(label)
            if lab is None:
                return None
            form = LabelForm(lab, self._edited)
            self.stack.addWidget(form)
            self.forms[label] = form
            self.formCreated.emit(form)
        return self.forms.get(label)

    def has_focus_inside(self) -> bool:
        focused = QApplication.focusWidget()
        return focused is not None and self.isAncestorOf(focused)

    def focus_first(self) -> bool:
        """Put the keyboard in the first empty required field of the shown span, else its
        first field (Tab / Shift+Tab walk on); False when no span is shown."""
        form = self.stack.currentWidget()
        if not isinstance(form, LabelForm):
            return False
        fields = list(form.fields.values())
        empty = [f for f in fields if f.attribute.required and f.value() in (None, "", [])]
        first = empty[0] if empty else next(iter(fields), None)
        target = first.widget if first is not None else self.note
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc, or Enter that the field did not keep (every field commits on Enter, then passes
        # it on): back to the article
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.commit_pending()
            self.leaveRequested.emit()
            return
        super().keyPressEvent(event)

    def commit_pending(self) -> None:
        """Commit text typed into a field or the note but not yet confirmed (Enter or focus out).

        Taking the focus away makes the editor emit ``editingFinished`` (only when its text
        changed), which commits to the span the form still shows.
        """
        focused = QApplication.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            focused.clearFocus()

    def _edited(self, values: dict[str, Any]) -> None:
        if self.annotation_id is not None:
            self.attributesEdited.emit(self.annotation_id, values)

    def _note_done(self) -> None:
        if self.annotation_id is not None:
            self.noteEdited.emit(self.annotation_id, self.note.text().strip())

    def show_annotation(
        self,
        annotation: Annotation | None,
        words: str,
        missing: tuple[str, ...] = (),
        locked: str = "",
    ) -> None:
        """Show ``annotation``'s fields; with ``locked`` (why: the document is marked done)
        they are read-only and the header says so."""
        self.annotation_id = annotation.id if annotation is not None else None
        form = self.form_for(annotation.label) if annotation is not None else None
        if annotation is None or form is None:
            self.header.setText("<span style='color:#777'>No span selected</span>")
            self.stack.setCurrentWidget(self.placeholder)
            self.note.setEnabled(False)
            self.note.blockSignals(True)
            self.note.clear()
            self.note.blockSignals(False)
            return
        lab = self.codebook.label(annotation.label) if self.codebook else None
        color = lab.color if lab is not None else "#888"
        shown = words if len(words) <= 80 else words[:77] + "…"
        self.header.setText(
            f"<span style='background:{color}; color:white; padding:2px 6px;'>"
            f"&nbsp;{annotation.label}&nbsp;</span>&nbsp; <b>“{_escape(shown)}”</b>"
            f"<br><span style='color:#777'>{annotation.start}–{annotation.end}"
            f" · {annotation.uid}</span>"
            + (f"<br><span style='color:#b3261e'>{_escape(locked)}</span>" if locked else "")
        )
        form.show_annotation(annotation, missing)
        form.setEnabled(not locked)
        self.stack.setCurrentWidget(form)
        self.note.setEnabled(not locked)
        if not self.note.hasFocus():
            self.note.blockSignals(True)
            self.note.setText(annotation.note)
            self.note.setCursorPosition(0)
            self.note.blockSignals(False)

    def field(self, name: str) -> Field | None:
        form = self.stack.currentWidget()
        return form.fields.get(name) if isinstance(form, LabelForm) else None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

"""Completion for the two attribute fields that point into project-wide references: an ACTOR's
``actor`` (the actor registry) and a LOCATION's ``geonames_id`` (the gazetteer).

As the coder types, a popup lists candidates (registry names and aliases, fuzzy; places best
first, preferring the countries already coded in the document). Choosing an actor writes its
canonical name; choosing a place writes its id and, when the span has none yet, its ACLED
geo-precision from the kind of place. A name the registry does not have can be added on the
spot (it waits for approval when the project asks for it). The built-in gazetteer is assembled
in a worker thread the first time it is needed; until then only the project's own places are
offered. See docs/dataset.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QStringListModel, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit

from annotator.core.places import GazetteerError, Place
from annotator.core.registry import Actor
from annotator.store.services import ServiceError

from .panels.attribute_form import AttributeForm, LabelForm
from .session import Session

if TYPE_CHECKING:  # the registry and the gazetteer load when a field is first used
    from annotator.core.registry import ActorCompleter
    from annotator.store import gazetteer as gaz

ACTOR_FIELD = ("ACTOR", "actor")
PLACE_FIELD = ("LOCATION", "geonames_id")
ADD_PREFIX = "+ Add "
LIMIT = 12


class _Build(QRunnable):
    """Assembles the built-in gazetteer off the GUI thread."""

    def __init__(self, done: Callable[[str], None]) -> None:
        super().__init__()
        self.done = done  # called with "" when built, else the one-line reason

    def run(self) -> None:
        from annotator.store import gazetteer as gaz

        path = gaz.builtin_path()
        try:
            if not path.exists():
                gaz.build_builtin(path)
        except GazetteerError as exc:
            self.done(str(exc))
            return
        self.done("")


class _Relay(QObject):
    built = Signal(str)  # "" when built, else why not


class ReferenceFields(QObject):
    """Attaches completers to the form's ``actor`` and ``geonames_id`` fields."""

    referenceChosen = Signal(int)  # the span just linked to a registry actor or a place

    def __init__(self, form: AttributeForm, session: Session) -> None:
        super().__init__(form)
        self.form = form
        self.session = session
        self._actors: ActorCompleter | None = None
        self._gazetteer: gaz.Gazetteer | None = None
        self._builtin_ready: bool | None = None  # looked up when a place is first searched
        self._building = False
        self._relay = _Relay()
        self._relay.built.connect(self._on_built)
        self._places: dict[str, Place] = {}
        form.formCreated.connect(self._attach)
        for form_ in form.forms.values():
            self._attach(form_)
        session.projectChanged.connect(self.refresh)

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        """Forget the cached registry and places (a new project, or they changed)."""
        self._actors = None
        self._gazetteer = None

    def actors(self) -> ActorCompleter:
        if self._actors is None:
            from annotator.store import registry

            self._actors = registry.completer(self.session.project)
        return self._actors

    def gazetteer(self) -> gaz.Gazetteer:
        from annotator.store import gazetteer as gaz

        if self._builtin_ready is None:
            self._builtin_ready = gaz.builtin_path().exists()
        if self._gazetteer is None:
            self._gazetteer = gaz.Gazetteer(self.session.project, builtin=self._builtin_ready)
        if not self._builtin_ready and not self._building:
            self._building = True
            QThreadPool.globalInstance().start(_Build(self._relay.built.emit))
        return self._gazetteer

    def _on_built(self, failure: str) -> None:
        if failure:  # keep offering the project's own places; say once why no more
            self.session.notice.emit(f"{failure}; only the project's places are offered.", True)
            return  # _building stays set: no second attempt in this session
        self._builtin_ready = True
        self._building = False
        self._gazetteer = None

    def preferred_countries(self) -> list[str]:
        """ISO2 codes of the countries already coded in the document (ACTOR country, places)."""
        import pycountry

        out: list[str] = []
        for ann in self.session.annotations.values():
            code = ann.attributes.get("country") if ann.label == "ACTOR" else None
            if isinstance(code, str) and code:
                found = pycountry.countries.get(alpha_3=code.upper()) or pycountry.countries.get(
                    alpha_2=code.upper()
                )
                if found is not None:
                    out.append(found.alpha_2)
            gid = ann.attributes.get("geonames_id") if ann.label == "LOCATION" else None
            if isinstance(gid, str) and gid in self._places:
                out.append(self._places[gid].country)
        return list(dict.fromkeys(out))

    # ------------------------------------------------------------------ widgets

    def _attach(self, form: LabelForm) -> None:
        key = form.label.name
        for (label, name), kind in ((ACTOR_FIELD, "actor"), (PLACE_FIELD, "place")):
            field = form.fields.get(name)
            if key != label or field is None or not isinstance(field.widget, QLineEdit):
                continue
            line = field.widget
            model = QStringListModel(line)
            completer = QCompleter(model, line)
            completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setMaxVisibleItems(LIMIT)
            line.setCompleter(completer)
            if kind == "actor":
                line.textEdited.connect(lambda text, m=model: self._suggest_actors(text, m))
                completer.activated.connect(lambda text, edit=line: self._chose_actor(edit, text))
                line.setPlaceholderText("type a name or alias…")
            else:
                line.textEdited.connect(lambda text, m=model: self._suggest_places(text, m))
                completer.activated.connect(lambda text, edit=line: self._chose_place(edit, text))
                line.setPlaceholderText("type a place name…")

    def _suggest_actors(self, text: str, model: QStringListModel) -> None:
        found = self.actors().complete(text, limit=LIMIT)
        rows = [c.name if c.matched == c.name else f"{c.name}  ← {c.matched}" for c in found]
        typed = " ".join(text.split())
        if typed and all(c.name.casefold() != typed.casefold() for c in found):
            rows.append(f"{ADD_PREFIX}“{typed}” to the registry")
        model.setStringList(rows)

    def _chose_actor(self, line: QLineEdit, row: str) -> None:
        if row.startswith(ADD_PREFIX):
            name = row[len(ADD_PREFIX) :].split("” to the registry")[0].strip("“”")
            from annotator.store import registry

            try:
                approved = registry.add_actor(self.session.project, Actor(name), self.session.coder)
            except ServiceError as exc:
                self.session.fail(str(exc))
                return
            self._actors = None
            note = "" if approved else " (awaiting a reviewer's approval)"
            self.session.notice.emit(f"Added “{name}” to the actor registry{note}.", False)
        else:
            name = row.split("  ← ")[0]
        self._write(line, {"actor": name})

    def _suggest_places(self, text: str, model: QStringListModel) -> None:
        matches = self.gazetteer().search(text, prefer=self.preferred_countries(), limit=LIMIT)
        rows = []
        for m in matches:
            p = m.place
            self._places[p.geonames_id] = p
            where = ", ".join(x for x in (p.admin1, p.country) if x)
            rows.append(f"{p.name} ({where}) · {p.feature_code} · {p.geonames_id}")
        model.setStringList(rows)

    def _chose_place(self, line: QLineEdit, row: str) -> None:
        gid = row.rsplit(" · ", 1)[-1]
        place = self._places.get(gid)
        values: dict[str, Any] = {"geonames_id": gid}
        ann = self.session.annotations.get(self.form.annotation_id or -1)
        if place is not None and ann is not None and ann.attributes.get("geo_precision") is None:
            values["geo_precision"] = place.geo_precision
        self._write(line, values)

    def _write(self, line: QLineEdit, values: dict[str, Any]) -> None:
        # The completer puts the popup's row in the line after this slot; the field shows (and
        # stores) the name or id, so the line is set again once the completer is done.
        first = str(next(iter(values.values())))

        def show() -> None:
            line.blockSignals(True)
            line.setText(first)
            line.blockSignals(False)

        QTimer.singleShot(0, show)
        if self.form.annotation_id is not None:
            self.form.attributesEdited.emit(self.form.annotation_id, values)
            self.referenceChosen.emit(self.form.annotation_id)

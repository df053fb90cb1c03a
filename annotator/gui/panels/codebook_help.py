"""The codebook as a readable guide: every label with its key, description, examples,
attributes (with their values' descriptions), roles, and the relations."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QLineEdit, QTextBrowser, QVBoxLayout, QWidget

from annotator.core.codebook import Codebook, Label


def _e(text: str) -> str:
    return html.escape(text.strip())


def label_html(label: Label) -> str:
    key = f" <span class='key'>{_e(label.key)}</span>" if label.key else ""
    swatch = f"<span style='color:{label.color}'>■</span>"
    out = [
        f"<h2 id='{label.name}'>{swatch} {_e(label.name)}{key}</h2>",
        f"<p>{_e(label.description)}</p>" if label.description else "",
    ]
    if label.examples:
        out.append("<p><b>Examples</b></p><ul>")
        out.extend(f"<li>{_e(x)}</li>" for x in label.examples)
        out.append("</ul>")
    if label.attributes:
        out.append("<p><b>Attributes</b></p><dl>")
        for a in label.attributes:
            req = " <i>(required)</i>" if a.required else ""
            bounds = ""
            if a.min is not None or a.max is not None:
                low = "" if a.min is None else f"{a.min:g}"
                high = "" if a.max is None else f"{a.max:g}"
                bounds = f" {low}–{high}"
            out.append(f"<dt><b>{_e(a.name)}</b> <small>{a.type}{bounds}</small>{req}</dt>")
            if a.description:
                out.append(f"<dd>{_e(a.description)}</dd>")
            if a.values:
                out.append("<dd><ul>")
                for c in a.values:
                    desc = f" — {_e(c.description)}" if c.description else ""
                    parent = f" <small>[{_e(c.parent)}]</small>" if c.parent else ""
                    out.append(f"<li><code>{_e(c.value)}</code>{parent}{desc}</li>")
                out.append("</ul></dd>")
        out.append("</dl>")
    if label.roles:
        out.append("<p><b>Roles</b> (with the event selected, press the number)</p><ol>")
        for r in label.roles:
            mx = f", at most {r.max}" if r.max else ""
            desc = f" — {_e(r.description)}" if r.description else ""
            out.append(f"<li><b>{_e(r.name)}</b> → {', '.join(r.targets)}{mx}{desc}</li>")
        out.append("</ol>")
    return "".join(out)


def codebook_html(codebook: Codebook) -> str:
    toc = " · ".join(f"<a href='#{lab.name}'>{lab.name}</a>" for lab in codebook.labels)
    parts = [
        "<style>h2 { margin-top: 18px; } .key { background:#eee; border:1px solid #ccc;"
        " padding: 0 4px; font-family: monospace; } dd { margin-bottom: 6px; }</style>",
        f"<h1>{_e(codebook.title)} <small>({_e(codebook.name)} v{codebook.version})</small></h1>",
        f"<p>{_e(codebook.description)}</p>" if codebook.description else "",
        f"<p>{toc} · <a href='#relations'>Relations</a></p>",
    ]
    parts.extend(label_html(lab) for lab in codebook.labels)
    if codebook.relations:
        parts.append("<h2 id='relations'>Relations</h2><dl>")
        for rel in codebook.relations:
            ends = f"{', '.join(rel.sources)} → {', '.join(rel.targets)}"
            parts.append(f"<dt><b>{_e(rel.name)}</b>: {ends}</dt><dd>{_e(rel.description)}</dd>")
        parts.append("</dl>")
    return "".join(parts)


class CodebookHelp(QDialog):
    """A non-modal guide window with a search box (Enter finds the next occurrence)."""

    def __init__(self, codebook: Codebook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("codebookHelp")
        self.setWindowTitle(f"Codebook — {codebook.title}")
        self.resize(760, 820)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find in the codebook…")
        self.search.setClearButtonEnabled(True)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(True)
        self.browser.setHtml(codebook_html(codebook))
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.browser)
        self.search.returnPressed.connect(self._find)

    def _find(self) -> None:
        if not self.browser.find(self.search.text()):
            cursor = self.browser.textCursor()
            cursor.movePosition(cursor.MoveOperation.Start)
            self.browser.setTextCursor(cursor)
            self.browser.find(self.search.text())

    def show_label(self, name: str) -> None:
        self.browser.scrollToAnchor(name)

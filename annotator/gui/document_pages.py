"""A coder's document list, read a page at a time (``queries.document_page``).

What the coding window lists is the coder's queue (or every document of a solo project): it
may hold 200,000 documents, so only the rows seen so far are read, from the top, and more are
read when the list is scrolled or navigation goes past them. Rows read are kept in list order;
a status changed here updates its row in place (the order is read again on the next reload).
It is read as a mapping from document id to ``DocumentSummary``, in list order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Protocol

from annotator.store import queries
from annotator.store.engine import Project
from annotator.store.queries import DocumentSummary, Key

PAGE = 200


class Listener(Protocol):
    def rows_about_to_be_added(self, first: int, count: int) -> None: ...

    def rows_added(self) -> None: ...


class DocumentPages(Mapping[int, DocumentSummary]):
    def __init__(
        self,
        project: Project,
        coder: str,
        *,
        words: str = "",
        status: str = "",
        page: int | None = None,
    ) -> None:
        self.project = project
        self.coder = coder
        self.words = words
        self.status = status
        self.page = page or PAGE  # rows per read
        self._rows: dict[int, DocumentSummary] = {}  # in list order
        self._order: list[int] = []
        self._pos: dict[int, int] = {}
        self._last: Key | None = None
        self._more = True
        self.listener: Listener | None = None  # told before and after rows are added
        self.total = 0  # the whole (unfiltered) list: its length and how many are done
        self.done = 0

    @classmethod
    def empty(cls, project: Project, coder: str) -> DocumentPages:
        pages = cls(project, coder)
        pages._more = False
        return pages

    # -------------------------------------------------------------------------------- reading

    def load(self, at_least: int = 0) -> DocumentPages:
        """Read the first page (or the first ``at_least`` rows) and the list's counts."""
        self._take(self._read(limit=max(self.page, at_least)), max(self.page, at_least))
        self.total, self.done = queries.document_counts(self.project, self.coder)
        return self

    def _read(
        self,
        *,
        limit: int | None,
        after: Key | None = None,
        through: Key | None = None,
        document_id: int | None = None,
        status: str | None = None,
    ) -> queries.DocumentPage:
        return queries.document_page(
            self.project,
            self.coder,
            words=self.words,
            status=self.status if status is None else status,
            after=after,
            through=through,
            limit=limit,
            document_id=document_id,
        )

    def _take(self, page: queries.DocumentPage, limit: int | None) -> int:
        # a row marked done since it was read moves down the list: it is not listed twice
        new = [r for r in page.rows if r.id not in self._rows]
        if new and self.listener is not None:
            self.listener.rows_about_to_be_added(len(self._order), len(new))
        for row in new:
            self._rows[row.id] = row
            self._pos[row.id] = len(self._order)
            self._order.append(row.id)
        if page.keys:
            self._last = page.keys[-1]
        if limit is None or len(page.rows) < limit:
            self._more = False
        if new and self.listener is not None:
            self.listener.rows_added()
        return len(new)

    def can_fetch_more(self) -> bool:
        return self._more

    def fetch_more(self) -> int:
        """Read the next page; the number of rows added."""
        if not self._more:
            return 0
        page = self._read(after=self._last, limit=self.page)
        return self._take(page, self.page)

    def reach(self, document_id: int) -> bool:
        """Read down to this document if it is in the list (one query, however far)."""
        if document_id in self._rows:
            return True
        if not self._more:
            return False
        found = self._read(document_id=document_id, limit=1)
        if not found.rows:
            return False
        page = self._read(
            after=self._last,
            through=found.keys[0],
            limit=None,
        )
        self._take(page, None)
        self._more = True  # rows after it remain to be read
        return document_id in self._rows

    def next_unfinished_after_loaded(self) -> int | None:
        """The first row not yet read that the coder has not done, read down to it."""
        if not self._more:
            return None
        found = self._read(
            after=self._last,
            status="unfinished",
            limit=1,
        )
        if not found.rows:
            return None
        doc_id = found.rows[0].id
        return doc_id if self.reach(doc_id) else None

    # ------------------------------------------------------------------------------ updating

    def __setitem__(self, document_id: int, summary: DocumentSummary) -> None:
        """A row read again (its status or span count changed): replaced in place."""
        old = self._rows.get(document_id)
        if old is None:
            return
        self.done += (summary.status == "done") - (old.status == "done")
        self._rows[document_id] = summary

    def position(self, document_id: int) -> int:
        return self._pos[document_id]

    def at(self, row: int) -> DocumentSummary:
        return self._rows[self._order[row]]

    # ------------------------------------------------------------------------------- mapping

    def __getitem__(self, document_id: int) -> DocumentSummary:
        return self._rows[document_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

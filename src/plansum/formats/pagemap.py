"""From an offset in the converted text back to where it stood in the original.

A converter writes the text line by line and notes, for each source line, the offset where it
starts in the output, its page (1-based) and, where the format has one, its box on the page
(x0, top, x1, bottom in PDF points, origin top-left).  Looking up an offset is a bisection.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Mark:
    start: int  # offset in the converted text where this source piece begins
    page: int  # 1-based page of the original
    box: Box | None = None


@dataclass
class PageMap:
    """Offsets of the converted text → pages (and boxes) of the original."""

    marks: list[Mark] = field(default_factory=list)
    page_count: int = 0
    _starts: list[int] = field(default_factory=list, repr=False)

    def add(self, start: int, page: int, box: Box | None = None) -> None:
        if self.marks and start < self.marks[-1].start:
            raise ValueError("page marks must be added in text order")
        if self.marks and self.marks[-1].start == start:
            self.marks[-1] = Mark(start, page, box)
        else:
            self.marks.append(Mark(start, page, box))
            self._starts.append(start)
        self.page_count = max(self.page_count, page)

    def _mark(self, offset: int) -> Mark | None:
        i = bisect_right(self._starts, offset) - 1
        return self.marks[i] if i >= 0 else None

    def page_of(self, offset: int) -> int | None:
        """The page the character at `offset` came from (None before the first mark)."""
        m = self._mark(offset)
        return m.page if m else None

    def box_of(self, offset: int) -> Box | None:
        """The box of the source line the character at `offset` came from, if known."""
        m = self._mark(offset)
        return m.box if m else None

    def pages_of(self, start: int, end: int) -> list[int]:
        """Every page a span [start, end) touches, in order."""
        first = self.page_of(start)
        out = [] if first is None else [first]
        i = bisect_right(self._starts, start)
        while i < len(self.marks) and self.marks[i].start < end:
            if self.marks[i].page not in out:
                out.append(self.marks[i].page)
            i += 1
        return out

    def page_starts(self) -> list[tuple[int, int]]:
        """(offset, page) where the page changes, in text order: the compact map a summary
        carries (`DocumentInfo.pages`)."""
        out: list[tuple[int, int]] = []
        for m in self.marks:
            if not out or out[-1][1] != m.page:
                out.append((m.start, m.page))
        return out

    def label(self, start: int, end: int | None = None) -> str | None:
        """第N页 (or 第N–M页 for a span across pages); None when the offset is unmapped."""
        pages = self.pages_of(start, end if end is not None else start + 1)
        if not pages:
            return None
        if len(pages) == 1 or pages[-1] == pages[0]:
            return f"第{pages[0]}页"
        return f"第{pages[0]}–{pages[-1]}页"

"""Section-aligned chunks within a character budget, with exact offsets.

Cut points, best first: a heading start, a line end, a sentence end, and as a last resort
any place that is not inside a number.  A chunk never cuts a number mention, and a line
end never falls inside a table row, so rows stay whole whenever they fit in the budget.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .._lazyre import lazy_re
from ..models import Mention, Section, Span
from .numbers import Mentions

_SENTENCE_END = lazy_re(r"[。；;！？!?]")


@dataclass
class Chunk:
    """A view on the document: its span, headings and mentions; the text is sliced on demand."""

    index: int
    span: Span
    source: str = field(repr=False)  # the whole document text (shared, not copied)
    section_path: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    # (body start, body end, heading) of every section the chunk touches, outermost first
    passages: list[tuple[int, int, str]] = field(default_factory=list, repr=False)

    @property
    def text(self) -> str:
        return self.source[self.span.start : self.span.end]

    def titles_at(self, pos: int) -> list[str]:
        """The headings of the passages that hold offset `pos` (the section path of a place)."""
        return [t for a, b, t in self.passages if a <= pos < b]


_ORDINAL = {"pian": "篇", "zhang": "章", "jie": "节"}


def _label(s: Section) -> str:
    if s.kind in _ORDINAL:
        return f"第{s.number}{_ORDINAL[s.kind]} {s.title}"
    return s.title


def _latest(points: list[int], lo: int, hi: int) -> int | None:
    """The largest point p with lo < p <= hi."""
    i = bisect.bisect_right(points, hi) - 1
    if i >= 0 and points[i] > lo:
        return points[i]
    return None


def chunk_text(
    text: str,
    sections: Sequence[Section],
    mentions: Sequence[Mention],
    budget: int,
) -> list[Chunk]:
    """Split `text` into chunks of at most `budget` characters (sections flattened pre-order)."""
    if budget < 50:
        raise ValueError("chunk budget must be at least 50 characters")
    n = len(text)
    heading_starts = sorted({s.span.start for s in sections if s.span.start > 0})
    line_ends = [m.end() for m in re.finditer(r"\n", text)]
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    if isinstance(mentions, Mentions):  # a Document's columns: no object per mention
        m_spans = list(zip(mentions.starts, mentions.ends, strict=True))
    else:
        m_spans = [(m.quantity.span.start, m.quantity.span.end) for m in mentions if m.quantity.span]
    m_starts = [s for s, _ in m_spans]

    def inside_mention(p: int) -> bool:
        i = bisect.bisect_right(m_starts, p - 1) - 1
        return i >= 0 and m_spans[i][0] < p < m_spans[i][1]

    bounds = [0]
    pos = 0
    while n - pos > budget:
        hi = pos + budget
        lo = pos + budget // 3
        cut = None
        for points in (heading_starts, line_ends, sentence_ends):
            c = _latest(points, lo, hi)
            if c is not None and not inside_mention(c):
                cut = c
                break
        if cut is None:
            cut = hi
            while cut > pos + 1 and inside_mention(cut):
                cut -= 1
            # Never split a surrogate pair or a CRLF.
            if text[cut - 1 : cut + 1] == "\r\n":
                cut -= 1
        bounds.append(cut)
        pos = cut
    bounds.append(n)

    chunks: list[Chunk] = []
    secs = [s for s in sections if s.kind != "box"]
    for i in range(len(bounds) - 1):
        a, b = bounds[i], bounds[i + 1]
        lo_i = bisect.bisect_left(m_starts, a)
        hi_i = bisect.bisect_left(m_starts, b)
        path = [_label(s) for s in secs if s.body.start <= a < s.body.end]
        chunks.append(
            Chunk(
                index=i,
                span=Span(start=a, end=b),
                source=text,
                section_path=path[-4:],
                mentions=list(mentions[lo_i:hi_i]),
                passages=[(s.body.start, s.body.end, _label(s)) for s in secs if s.body.start < b and a < s.body.end],
            )
        )
    return chunks
